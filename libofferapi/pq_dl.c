/*
 * pq_dl.c - libpq opened on the first PostgreSQL connection (pq_dl.h).
 */
#include "dl.h"
#include "pq_dl.h"

oa_libpq oa_pq;

static const oa_dl_sym syms[] = {
#define OA_PQ_SYM(f) { #f, &oa_pq.f },
	OA_PQ_FUNCTIONS(OA_PQ_SYM)
#undef OA_PQ_SYM
};

/* libpq 5's soname (Debian 12: libpq5). */
static oa_dl_lib lib = OA_DL_LIB("libpq.so.5", syms, "postgresql");

int oa_libpq_load(void)
{
	return oa_dl_load(&lib);
}
