/*
 * pq_dl.h - libpq, opened with dlopen() when the first PostgreSQL connection
 * is made (pq_dl.c). Linked normally, libpq and its chain (libssl,
 * libcrypto, Kerberos, LDAP, SASL) were mapped into every process, the
 * SQLite servers and tools included: with libcurl's chain, which shares
 * most of it and is opened on first use too (curl_dl.h), about 5 MiB of
 * resident library pages at start. Only db_pg.c uses it, through the table
 * below, whose members carry libpq's own names and types.
 */
#ifndef OFFERAPI_PQ_DL_H
#define OFFERAPI_PQ_DL_H

#include <libpq-fe.h>

/* Every libpq function db_pg.c calls. */
#define OA_PQ_FUNCTIONS(X)                                                                         \
	X(PQclear)                                                                                 \
	X(PQconnectdbParams)                                                                       \
	X(PQconnectPoll)                                                                           \
	X(PQconnectStartParams)                                                                    \
	X(PQconninfoFree)                                                                          \
	X(PQconninfoParse)                                                                         \
	X(PQconsumeInput)                                                                          \
	X(PQenterPipelineMode)                                                                     \
	X(PQerrorMessage)                                                                          \
	X(PQexec)                                                                                  \
	X(PQexecParams)                                                                            \
	X(PQexecPrepared)                                                                          \
	X(PQexitPipelineMode)                                                                      \
	X(PQfformat)                                                                               \
	X(PQfinish)                                                                                \
	X(PQfreemem)                                                                               \
	X(PQftype)                                                                                 \
	X(PQgetCopyData)                                                                           \
	X(PQgetisnull)                                                                             \
	X(PQgetlength)                                                                             \
	X(PQgetResult)                                                                             \
	X(PQgetvalue)                                                                              \
	X(PQisthreadsafe)                                                                          \
	X(PQnfields)                                                                               \
	X(PQnotifies)                                                                              \
	X(PQntuples)                                                                               \
	X(PQpipelineSync)                                                                          \
	X(PQprepare)                                                                               \
	X(PQputCopyEnd)                                                                            \
	X(PQreset)                                                                                 \
	X(PQresultErrorField)                                                                      \
	X(PQresultErrorMessage)                                                                    \
	X(PQresultStatus)                                                                          \
	X(PQsendPrepare)                                                                           \
	X(PQsendQueryParams)                                                                       \
	X(PQsendQueryPrepared)                                                                     \
	X(PQserverVersion)                                                                         \
	X(PQsetNoticeProcessor)                                                                    \
	X(PQsocket)                                                                                \
	X(PQstatus)                                                                                \
	X(PQunescapeBytea)

typedef struct oa_libpq {
#define OA_PQ_SLOT(f) __typeof__(f) *f;
	OA_PQ_FUNCTIONS(OA_PQ_SLOT)
#undef OA_PQ_SLOT
} oa_libpq;

/* The table, filled by the first successful oa_libpq_load(). A caller may
 * use it once it holds a PGconn (made after the load: the pool's lock
 * orders the load before any other thread's use). */
extern oa_libpq oa_pq;

/* Load libpq once per process (it stays loaded). Returns 0, or
 * OFFERAPI_ERROR with a message naming libpq.so.5 when it cannot be opened
 * or lacks a function. */
int oa_libpq_load(void);

#endif
