/*
 * db.h - the storage interface under the domain code (never installed).
 *
 * The domain code (store.c, users.c, offers.c, applications.c) writes SQL
 * once, with PostgreSQL-style numbered parameters ($1, $2, ...), and runs it
 * through a backend. A backend is a small table of functions over one
 * connection; the pool in db.c hands connections to threads.
 *
 * Portable SQL rules the domain code follows: parameters are $1..$n (the
 * SQLite backend rewrites them to ?1..?n); integers are BIGINT; booleans are
 * integers 0/1; times are Unix seconds in BIGINT; lists are JSON text;
 * "RETURNING id" after INSERT; no backend-specific functions outside
 * migrations, where {{ID}} / {{BLOB}} / {{REAL}} / {{JSON}} expand per
 * backend.
 */
#ifndef OFFERAPI_DB_H
#define OFFERAPI_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum db_type { DB_NULL = 0, DB_INT, DB_REAL, DB_TEXT, DB_BLOB };

/* A parameter. TEXT is NUL-terminated (len ignored); BLOB uses len. A TEXT
 * or BLOB with a NULL pointer binds SQL NULL. */
typedef struct db_param {
	enum db_type type;
	int64_t i;
	double r;
	const void *p;
	size_t len;
} db_param;

#define P_NULL() ((db_param){ DB_NULL, 0, 0.0, NULL, 0 })
#define P_INT(x) ((db_param){ DB_INT, (int64_t)(x), 0.0, NULL, 0 })
#define P_REAL(x) ((db_param){ DB_REAL, 0, (double)(x), NULL, 0 })
#define P_TEXT(s) ((db_param){ DB_TEXT, 0, 0.0, (s), 0 })
#define P_BLOB(b, n) ((db_param){ DB_BLOB, 0, 0.0, (b), (n) })

/* One cell of a result: always a NUL-terminated copy (blobs too, with the
 * NUL after len bytes), or NULL data for SQL NULL. */
typedef struct db_cell {
	char *data;
	size_t len;
} db_cell;

/* A whole result, materialised in memory (rows * cols cells, row-major).
 * With @arena set, every cell's data points into that one block, given
 * back with the result by @release(@arena) (free() when @release is
 * NULL); otherwise each cell's data is its own malloc'd block. */
typedef struct db_result {
	int nrows;
	int ncols;
	db_cell *cells;
	void *arena;
	void (*release)(void *arena);
} db_result;

/* One statement of a batch (db_batch): its SQL and parameters. */
typedef struct db_stmt {
	const char *sql;
	const db_param *params;
	int nparams;
} db_stmt;

/* Connection settings from offerapi_store_options, defaults applied. */
typedef struct db_config {
	unsigned int busy_timeout_ms;
	unsigned int connect_timeout_s;
} db_config;

/*
 * A backend. Every function sets the thread's last error (oa_error) when it
 * fails and returns a negative OFFERAPI_E* code:
 *   OFFERAPI_EUNAVAILABLE  the connection is lost or cannot be made
 *   OFFERAPI_EBUSY         lock timeout / serialization failure
 *   OFFERAPI_EREADONLY     the database refuses writes
 *   OFFERAPI_EEXISTS       a UNIQUE constraint was violated
 *   OFFERAPI_EINVAL        a bad URL (connect), or a CHECK constraint
 *   OFFERAPI_ENOMEM, OFFERAPI_ETOOBIG  out of memory / a value too large
 *   OFFERAPI_ERROR         anything else (the message quotes the database)
 *
 * exec runs exactly one statement, except that a call with no parameters
 * and no @out may run several separated by ';' (PostgreSQL only: the
 * domain code never relies on it outside migration_lock_sql). With @out
 * set, a successful exec always gives a result (0 x 0 for a command).
 */
typedef struct db_backend {
	const char *name; /* "sqlite", "postgresql" */
	/* Open one connection to @url (the whole store URL). */
	int (*connect)(void **out, const char *url, const db_config *cfg);
	/* connect(), given up as soon as @stop_fd is readable (then
	 * OFFERAPI_EUNAVAILABLE, "stopped"): for the listener, which must stop
	 * with its store even while the database does not answer (genwatch.c).
	 * Set on the backends that have wait_notify. */
	int (*connect_stoppable)(void **out, const char *url, const db_config *cfg, int stop_fd);
	void (*disconnect)(void *conn);
	/* Run one statement. @out (may be NULL) receives the rows, if any;
	 * free it with db_result_free(). */
	int (*exec)(void *conn, const char *sql, const db_param *params, int nparams,
	            db_result **out);
	/* Run the @n read statements of @stmts in one round trip and give
	 * their results in @out[0..n) (all set, or none: on failure every
	 * @out[k] is NULL and *@failed is the index of the statement at
	 * fault, or -1 when none is, a lost connection). The connection stays
	 * usable after a statement's error. NULL: db_batch() runs them one
	 * after the other with exec (SQLite, where a statement is a call, not
	 * a round trip). */
	int (*batch)(void *conn, int n, const db_stmt *stmts, db_result **out, int *failed);
	/* Re-establish a lost connection in place (PostgreSQL: PQreset). */
	int (*reset)(void *conn);
	/* Before an idle pooled connection is lent: make sure it is alive,
	 * resetting it if the server closed it meanwhile (a restart). Runs no
	 * statement. NULL when connections cannot die (SQLite). */
	int (*check)(void *conn);
	/* On a connection that ran LISTEN: wait up to @timeout_ms for
	 * notifications, or for @stop_fd to be readable. The number of
	 * notifications read (0: none came, or @stop_fd woke it), or
	 * OFFERAPI_EUNAVAILABLE when the connection is lost. NULL when the
	 * backend has no notifications (SQLite). */
	int (*wait_notify)(void *conn, int stop_fd, int timeout_ms);
	/* Statement that opens a write transaction ("BEGIN IMMEDIATE" / "BEGIN"). */
	const char *begin_sql;
	/* Expansions of {{ID}}, {{BLOB}}, {{REAL}} in migrations, and of
	 * {{JSON}}, written after a TEXT column holding JSON to give it to a
	 * json_* function ("" / "::json"). */
	const char *id_type, *blob_type, *real_type, *json_cast;
	/* Statement run inside the migration transaction before reading the
	 * schema version, to serialise concurrent start-ups (may be NULL). */
	const char *migration_lock_sql;
} db_backend;

extern const db_backend db_sqlite_backend;
extern const db_backend db_pg_backend;

void db_result_free(db_result *r);

/* The bytes db_result_pack() writes for @r: its shape, then each cell's
 * offset and length, then the cells' bytes (to keep in a cache). */
size_t db_result_packed_size(const db_result *r);
/* Write @r packed into @dst: db_result_packed_size(@r) bytes, aligned as
 * malloc() aligns. */
void db_result_pack(const db_result *r, void *dst);
/* A result whose cells point into the packed @block, which is only read
 * and must outlive it: freeing the result calls @release(@owner) (@owner
 * not NULL), or nothing when @release is NULL. NULL when out of memory,
 * and then @release is not called: the caller still holds @owner. */
db_result *db_result_view(const void *block, void (*release)(void *), void *owner);
static inline const db_cell *db_cell_at(const db_result *r, int row, int col)
{
	return &r->cells[(size_t)row * (size_t)r->ncols + (size_t)col];
}
/* Accessors: NULL cells read as NULL / 0 / 0.0. */
const char *db_text(const db_result *r, int row, int col);
int64_t db_int(const db_result *r, int row, int col);
double db_real(const db_result *r, int row, int col);
bool db_isnull(const db_result *r, int row, int col);

/* Helper for backends: allocate an empty result of rows x cols. */
int db_result_new(db_result **out, int nrows, int ncols);

/* ---- the pool (db.c) ---- */

typedef struct db_pool db_pool;
typedef struct db_conn db_conn; /* a pooled connection */

int db_pool_open(db_pool **out, const db_backend *be, const char *url, const db_config *cfg,
                 unsigned int size);
void db_pool_free(db_pool *pool);
const db_backend *db_pool_backend(const db_pool *pool);

/* Borrow a connection (waits up to busy_timeout_ms for a free one, then
 * OFFERAPI_EBUSY) and give it back. */
int db_acquire(db_pool *pool, db_conn **out);
void db_release(db_pool *pool, db_conn *conn);

/* Run a statement on a borrowed connection. A statement is never retried:
 * a connection lost mid-statement may have committed it already, so the
 * error goes to the caller (db_acquire() checks idle connections instead). */
int db_exec(db_conn *conn, const char *sql, const db_param *params, int nparams, db_result **out);

/* The most statements one db_batch() runs. */
#define DB_BATCH_MAX 16

/*
 * Run the @n (1..DB_BATCH_MAX) read statements of @stmts on a borrowed
 * connection and give their @n results, in order, in @out[0..n): every one
 * (each freed by the caller with db_result_free()), or none (all NULL) and
 * an error whose message names the statement at fault ("statement 2 of 4:
 * ..."). On PostgreSQL the batch is one pipeline, one round trip: the
 * statements not yet prepared on the connection are prepared inside it, and
 * outside a transaction they run in one implicit transaction up to its
 * Sync, so they all read one snapshot. On SQLite they run one after the
 * other (each its own snapshot outside a transaction). Writes do not
 * belong in a batch: a statement is never retried, but a batch whose
 * prepared statements vanished server-side (26000, a pooler's DISCARD ALL)
 * is sent again once, which reads cannot mind.
 */
int db_batch(db_conn *conn, int n, const db_stmt *stmts, db_result **out);

/* Tests only: call @fn with every statement db_exec() is about to run
 * (NULL stops). Not synchronised: set it while no other thread runs. */
typedef void (*db_trace_fn)(const char *sql, const db_param *params, int nparams, void *payload);
void db_set_trace(db_trace_fn fn, void *payload);

/* Transactions on a borrowed connection. */
int db_begin(db_conn *conn);
int db_commit(db_conn *conn);
void db_rollback(db_conn *conn); /* errors ignored: the connection is reset if lost */
/* End the transaction as @rc says: commit when it is 0 (the commit's error,
 * or 0), roll back otherwise (@rc, the caller's error kept). */
int db_end(db_conn *conn, int rc);

#endif
