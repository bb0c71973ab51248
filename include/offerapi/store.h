/*
 * offerapi/store.h - opening the database that holds everything.
 *
 * A store is chosen by URL:
 *   sqlite:PATH                 embedded SQLite file (created if missing);
 *                               "sqlite::memory:" is refused (each pooled
 *                               connection would see another database)
 *   postgresql://...  postgres://...
 *                               PostgreSQL through libpq (any libpq URI)
 *
 * Opening applies the numbered schema migrations that the database lacks.
 *
 * Thread safety: a store may be shared by any number of threads; it keeps a
 * bounded pool of connections and each call borrows one for its duration.
 * Records returned by the library belong to the caller, who frees them with
 * the matching _free function.
 */
#ifndef OFFERAPI_STORE_H
#define OFFERAPI_STORE_H

#include "common.h"
#include "cv.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct offerapi_store offerapi_store;

/**
 * Version of offerapi_store_options; set .version to this. Version 2 holds a
 * version-2 offerapi_cv_limits, with max_cpu_ms appended: the struct grew at its
 * end. The library accepts versions 1 and 2.
 */
#define OFFERAPI_STORE_OPTIONS_VERSION 2

/** Options of offerapi_store_open(). A zero field takes its default. */
typedef struct offerapi_store_options {
	unsigned int version; /**< OFFERAPI_STORE_OPTIONS_VERSION */
	unsigned int pool_size; /**< connections kept open; default 4 */
	unsigned int busy_timeout_ms; /**< wait for a lock or a free connection; default 5000 */
	unsigned int connect_timeout_s; /**< PostgreSQL connect timeout; default 5 */
	unsigned int pwhash_concurrency; /**< Argon2id hashes run at once; default 2 */
	size_t pwhash_memlimit; /**< Argon2id memory in bytes; default 19 MiB (OWASP) */
	unsigned long long pwhash_opslimit; /**< Argon2id passes; default 2 (OWASP) */
	unsigned int session_ttl_s; /**< session lifetime; default 7 days */
	offerapi_cv_limits cv_limits; /**< bounds on CV extraction */
} offerapi_store_options;

/** Initialiser giving every default. */
#define OFFERAPI_STORE_OPTIONS_INIT                                                                \
	{                                                                                          \
		OFFERAPI_STORE_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, OFFERAPI_CV_LIMITS_INIT       \
	}

/**
 * Open (and migrate) the store at @p url.
 * @param out   receives the store; free it with offerapi_store_free()
 * @param url   see the top of this file
 * @param opts  NULL for the defaults
 * @return 0, OFFERAPI_EINVAL (bad URL or options), OFFERAPI_EUNAVAILABLE
 *         (cannot connect), OFFERAPI_EBUSY (locked, or another replica's
 *         migration outlasted the wait), OFFERAPI_EREADONLY, OFFERAPI_ENOMEM,
 *         OFFERAPI_ERROR (a migration failed)
 */
OFFERAPI_EXTERN int offerapi_store_open(offerapi_store **out, const char *url,
                                        const offerapi_store_options *opts);

/** Close every connection and free the store. NULL is ignored. No call may be
 *  running on the store. */
OFFERAPI_EXTERN void offerapi_store_free(offerapi_store *store);

/** Check that the database answers (for readiness probes).
 *  @return 0 or OFFERAPI_EUNAVAILABLE / OFFERAPI_EBUSY */
OFFERAPI_EXTERN int offerapi_store_ping(offerapi_store *store);

/** "sqlite" or "postgresql" (borrowed, static). */
OFFERAPI_EXTERN const char *offerapi_store_backend(const offerapi_store *store);

/** Highest schema migration applied. */
OFFERAPI_EXTERN int offerapi_store_schema_version(offerapi_store *store);

/** The schema version this library brings a store to (its last migration). */
OFFERAPI_EXTERN int offerapi_store_schema_latest(void);

#ifdef __cplusplus
}
#endif
#endif
