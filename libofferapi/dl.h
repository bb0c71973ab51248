/*
 * dl.h - a shared library opened with dlopen() on first use, its functions
 * copied into a table (archive_dl.c, pq_dl.c, curl_dl.c). Linked normally,
 * such a library and its chain are mapped and relocated in every process at
 * start, whether or not it is ever used.
 */
#ifndef OFFERAPI_DL_H
#define OFFERAPI_DL_H

#include <pthread.h>
#include <stddef.h>

/* One function to look up: its name and the table slot (a function pointer)
 * that receives it. */
typedef struct oa_dl_sym {
	const char *name;
	void *slot;
} oa_dl_sym;

/* Open @soname (RTLD_NOW | RTLD_LOCAL; it stays loaded) and fill every slot
 * of @syms. Returns 0, or -1 with a one-line reason naming @soname in @why
 * (dlerror's text, or the missing function); the library is closed then. */
int oa_dl_open(const char *soname, const oa_dl_sym *syms, size_t n, char *why, size_t whysz);

/* A library opened once per process: a static object per library, set up
 * with OA_DL_LIB. */
typedef struct oa_dl_lib {
	const char *soname;
	const oa_dl_sym *syms;
	size_t n;
	const char *context; /* prefix of the error message ("postgresql") */
	pthread_mutex_t lock;
	int tried, loaded;
	char why[300];
} oa_dl_lib;

#define OA_DL_LIB(soname, syms, context)                                                           \
	{                                                                                          \
		(soname), (syms), sizeof(syms) / sizeof *(syms), (context),                        \
			PTHREAD_MUTEX_INITIALIZER, 0, 0, ""                                        \
	}

/* Open @lib on the first call and fill its table; later calls return the
 * first one's outcome (one attempt per process: a library missing at start
 * stays missing). Returns 0, or OFFERAPI_ERROR with "CONTEXT: why". The
 * lock orders the table's writes before the caller's reads. */
int oa_dl_load(oa_dl_lib *lib);

#endif
