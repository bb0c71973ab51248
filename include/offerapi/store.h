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
 * end. Version 3 appends data_key_file. The library accepts versions 1 to 3.
 */
#define OFFERAPI_STORE_OPTIONS_VERSION 3

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
	/**
	 * (version 3) The data key file: the key-encryption key of the CVs
	 * stored encrypted at rest (see "CVs at rest" below); borrowed during
	 * offerapi_store_open() only. NULL: on SQLite, PATH.key beside the
	 * database file; on PostgreSQL, no key (then CVs can be neither stored
	 * nor read, and a store that holds encrypted CVs does not open).
	 */
	const char *data_key_file;
} offerapi_store_options;

/** Initialiser giving every default. */
#define OFFERAPI_STORE_OPTIONS_INIT                                                                \
	{                                                                                          \
		OFFERAPI_STORE_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, OFFERAPI_CV_LIMITS_INIT, NULL \
	}

/*
 * CVs at rest. Each CV's PDF and extracted text are stored encrypted
 * (libsodium crypto_secretbox, XSalsa20-Poly1305) under the store's data key,
 * a random key made on the first opening and kept in the database wrapped
 * (encrypted) by the key-encryption key read from the data key file: 64
 * hexadecimal digits (offerapi_data_key_create() makes one). The file is never
 * written to the database. This protects a copied database file, dump or
 * backup; it does not protect against whoever controls a running server,
 * which holds the data key in memory.
 *
 * On SQLite without data_key_file, the first opening of a store that has no
 * data key creates PATH.key (mode 0600) beside the database and logs a
 * warning saying so. A missing or wrong key file for a store that has a data
 * key is an error of offerapi_store_open() (OFFERAPI_EINVAL, naming the
 * file); the library never falls back to plain text. Opening a store made by
 * a version that kept CVs in plain text encrypts them (and, on SQLite,
 * rewrites the file so that no freed page keeps a plaintext copy).
 */

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

/**
 * Mark the reads of one request on this thread, up to
 * offerapi_store_reads_end(): the store reads the state that labels its
 * kept pages of offers once for all the lists of the request (one round
 * trip saved for each list after the first, and every list read from the
 * same state), and again after any write through the store on this
 * thread. Optional: without it, each list reads that state itself. Calls
 * nest; each begin needs its end, on the same thread.
 */
OFFERAPI_EXTERN void offerapi_store_reads_begin(offerapi_store *store);
OFFERAPI_EXTERN void offerapi_store_reads_end(offerapi_store *store);

/** Check that the database answers (for readiness probes).
 *  @return 0 or OFFERAPI_EUNAVAILABLE / OFFERAPI_EBUSY */
OFFERAPI_EXTERN int offerapi_store_ping(offerapi_store *store);

/**
 * Create a new data key file at @p path (mode 0600): 32 random bytes as 64
 * hexadecimal digits and a newline.
 * @return 0, OFFERAPI_EEXISTS (the file exists: never overwritten),
 *         OFFERAPI_EINVAL (cannot create it), OFFERAPI_ERROR (write failed)
 */
OFFERAPI_EXTERN int offerapi_data_key_create(const char *path);

/**
 * Re-wrap the store's data key under the key of @p new_key_file (which must
 * exist: see offerapi_data_key_create()). No CV is re-encrypted. Servers that
 * are running keep working; restart them with the new file, and keep the old
 * file with the backups made before the rotation.
 * @return 0, OFFERAPI_EINVAL (no data key, or the file is missing or not a
 *         key), or a database error
 */
OFFERAPI_EXTERN int offerapi_store_rotate_key(offerapi_store *store, const char *new_key_file);

/** The data key file that opened @p store (borrowed), or NULL when the store
 *  has no data key (PostgreSQL without data_key_file). */
OFFERAPI_EXTERN const char *offerapi_store_data_key_file(const offerapi_store *store);

/** What offerapi_store_check_cvs() found. */
typedef struct offerapi_cv_check {
	size_t sealed; /**< CVs stored encrypted */
	size_t damaged; /**< of those, CVs whose PDF or text does not open */
	offerapi_id first_damaged; /**< the application of the first, or 0 */
	size_t plaintext; /**< CVs still in plain text (a store opened without a key) */
} offerapi_cv_check;

/**
 * Integrity of the stored CVs: open every sealed PDF and text (their MAC
 * proves them whole and under this store's data key). Reads every CV once,
 * 64 at a time.
 * @return 0 (whatever was found: see @p out), OFFERAPI_EINVAL (no data key),
 *         or a database error
 */
OFFERAPI_EXTERN int offerapi_store_check_cvs(offerapi_store *store, offerapi_cv_check *out);

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
