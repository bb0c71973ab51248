/*
 * db_sqlite.c - the embedded SQLite backend ("sqlite:PATH").
 *
 * Each pooled connection is its own sqlite3 handle, used by one thread at a
 * time (the pool guarantees it), in WAL mode so readers do not block the
 * writer, with foreign keys on and a busy timeout. Each keeps its prepared
 * statements in a small cache keyed by SQL text: the domain code runs a few
 * dozen distinct statements, and preparing one costs more than running it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "internal.h"

static int map_error(sqlite3 *db, int rc, const char *what)
{
	int ext = db ? sqlite3_extended_errcode(db) : rc;
	const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
	switch (rc & 0xFF) {
	case SQLITE_CONSTRAINT:
		if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
			return oa_error(OFFERAPI_EEXISTS, "sqlite: %s", msg);
		return oa_error(OFFERAPI_EINVAL, "sqlite: %s", msg);
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return oa_error(OFFERAPI_EBUSY, "sqlite: database is locked (%s)", msg);
	case SQLITE_READONLY:
		return oa_error(OFFERAPI_EREADONLY, "sqlite: the database is read-only (%s)", msg);
	case SQLITE_CANTOPEN:
	case SQLITE_NOTADB: return oa_error(OFFERAPI_EUNAVAILABLE, "sqlite: %s: %s", what, msg);
	case SQLITE_NOMEM: return oa_error(OFFERAPI_ENOMEM, "sqlite: out of memory");
	default: return oa_error(OFFERAPI_ERROR, "sqlite: %s: %s", what, msg);
	}
}

/* "sqlite:PATH" -> PATH (also "sqlite://PATH"). */
static const char *url_path(const char *url)
{
	if (strncmp(url, "sqlite://", 9) == 0)
		return url + 9;
	if (strncmp(url, "sqlite:", 7) == 0)
		return url + 7;
	return url;
}

/* Statements kept per connection; the domain code has fewer distinct ones
 * (the offer search builds a few variants), so eviction is rare. */
#define STMT_CACHE 48

typedef struct cached_stmt {
	char *sql; /* the statement as the caller gave it ($N form) */
	uint64_t hash; /* of sql: most lookups compare this alone */
	sqlite3_stmt *st;
	uint64_t last_used;
} cached_stmt;

typedef struct sq_conn {
	sqlite3 *db;
	unsigned int busy_timeout_ms; /* the pool's, restored after a restart */
	uint64_t tick;
	cached_stmt cache[STMT_CACHE];
} sq_conn;

static void sq_disconnect(void *conn)
{
	sq_conn *c = conn;
	if (!c)
		return;
	for (int i = 0; i < STMT_CACHE; i++) {
		sqlite3_finalize(c->cache[i].st);
		free(c->cache[i].sql);
	}
	sqlite3_close_v2(c->db);
	free(c);
}

/* WAL frames (pages) after a commit past which it is checkpointed: SQLite's
 * own automatic point (PASSIVE: copy what no reader still needs), then the
 * point past which the commit also restarts the log (RESTART: wait, at most
 * WAL_RESTART_WAIT_MS, for the readers of older snapshots to finish, so
 * that the next writer starts the log again from its beginning). */
#define WAL_PASSIVE_FRAMES 1000
#define WAL_RESTART_FRAMES 2000
#define WAL_RESTART_WAIT_MS 50

/* After each commit. SQLite's automatic checkpoint is PASSIVE only, and a
 * log is restarted only when no reader uses it: under reads that always
 * overlap (four CSV exports, each a statement a batch) the WAL grew without
 * end, 210 MB in 8 s under bench/http/scale.py, and with it the WAL index
 * (-shm) every connection maps, 1.2 MiB of the server's resident memory. The
 * wait holds off writers, not readers: readers that start once everything is
 * copied read the database file. A checkpoint that cannot finish is left to
 * the next commit (its error is no error of the statement that committed). */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int frames)
{
	sq_conn *c = arg;
	if (frames < WAL_PASSIVE_FRAMES)
		return SQLITE_OK;
	if (frames < WAL_RESTART_FRAMES) {
		sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		return SQLITE_OK;
	}
	sqlite3_busy_timeout(db, WAL_RESTART_WAIT_MS);
	sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_RESTART, NULL, NULL);
	sqlite3_busy_timeout(db, (int)c->busy_timeout_ms);
	return SQLITE_OK;
}

static int sq_connect(void **out, const char *url, const db_config *cfg)
{
	const char *path = url_path(url);
	if (!*path)
		return oa_error(OFFERAPI_EINVAL,
		                "database URL %s: no file path after sqlite:", url);
	if (strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0)
		return oa_error(OFFERAPI_EINVAL,
		                "database URL %s: give a file path (an in-memory database "
		                "would differ per pooled connection)",
		                url);
	sqlite3 *db = NULL;
	int rc = sqlite3_open_v2(
		path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK) {
		int code = oa_error(rc == SQLITE_NOMEM ? OFFERAPI_ENOMEM : OFFERAPI_EUNAVAILABLE,
		                    "sqlite: cannot open %s: %s", path,
		                    db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
		sqlite3_close_v2(db);
		return code;
	}
	sqlite3_extended_result_codes(db, 1);
	sqlite3_busy_timeout(db, (int)cfg->busy_timeout_ms);
	/* WAL needs write access; a read-only file keeps its journal mode and
	 * the store still serves reads (writes then fail with EREADONLY). */
	const char *pragmas[] = {
		"PRAGMA foreign_keys = ON",
		"PRAGMA synchronous = NORMAL",
		/* a deleted row's bytes are overwritten, not left in free pages:
		 * erased personal data must not stay readable in the file */
		"PRAGMA secure_delete = ON",
		/* 256 KiB of page cache per connection instead of SQLite's 2 MiB:
		 * the kernel's page cache holds the file already, and four
		 * connections of 2 MiB each made 7 MiB of the server's peak RSS
		 * under bench/http/scale.py; the pages they re-read cost no
		 * measurable CPU (dashboard of 20 000: 4.55 ms per request with
		 * 2 MiB, 4.50 ms with 256 KiB, same run) */
		"PRAGMA cache_size = -256",
	};
	for (size_t i = 0; i < sizeof pragmas / sizeof *pragmas; i++) {
		rc = sqlite3_exec(db, pragmas[i], NULL, NULL, NULL);
		if (rc != SQLITE_OK) {
			int code = map_error(db, rc, path);
			sqlite3_close_v2(db);
			return code;
		}
	}
	if (!sqlite3_db_readonly(db, "main")) {
		rc = sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if (rc != SQLITE_OK && (rc & 0xFF) != SQLITE_READONLY) {
			int code = map_error(db, rc, path);
			sqlite3_close_v2(db);
			return code;
		}
	}
	sq_conn *c = calloc(1, sizeof *c);
	if (!c) {
		sqlite3_close_v2(db);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	c->db = db;
	c->busy_timeout_ms = cfg->busy_timeout_ms;
	sqlite3_wal_hook(db, wal_hook, c); /* replaces the automatic checkpoint */
	*out = c;
	return 0;
}

/* Rewrite $N placeholders to SQLite's ?N (the domain SQL never holds a '$'
 * inside a string literal). */
static char *rewrite_params(const char *sql)
{
	char *s = strdup(sql);
	if (!s)
		return NULL;
	for (char *p = s; *p; p++)
		if (p[0] == '$' && p[1] >= '0' && p[1] <= '9')
			*p = '?';
	return s;
}

static int bind_params(sqlite3 *db, sqlite3_stmt *st, const db_param *params, int n)
{
	for (int i = 0; i < n; i++) {
		const db_param *p = &params[i];
		int rc;
		switch (p->type) {
		case DB_INT: rc = sqlite3_bind_int64(st, i + 1, p->i); break;
		case DB_REAL: rc = sqlite3_bind_double(st, i + 1, p->r); break;
		case DB_TEXT:
			rc = p->p ? sqlite3_bind_text(st, i + 1, p->p, -1, SQLITE_STATIC)
			          : sqlite3_bind_null(st, i + 1);
			break;
		case DB_BLOB:
			rc = p->p ? sqlite3_bind_blob64(st, i + 1, p->p, p->len, SQLITE_STATIC)
			          : sqlite3_bind_null(st, i + 1);
			break;
		default: rc = sqlite3_bind_null(st, i + 1); break;
		}
		if (rc != SQLITE_OK)
			return map_error(db, rc, "binding a parameter");
	}
	return 0;
}

/* A growing buffer that holds every value of one result, so that a result
 * of R rows and C columns costs a handful of allocations, not R * C. */
typedef struct arena {
	char *p;
	size_t n, cap;
} arena;

#define NULL_CELL SIZE_MAX

/* Append the current row's column @col to @a (NUL-terminated); its offset
 * goes to *@off (NULL_CELL for SQL NULL) and its length to *@len. */
static int copy_cell(sqlite3_stmt *st, int col, arena *a, size_t *off, size_t *len)
{
	const void *src;
	char num[40];
	switch (sqlite3_column_type(st, col)) {
	case SQLITE_NULL:
		*off = NULL_CELL;
		*len = 0;
		return 0;
	case SQLITE_INTEGER: {
		/* formatted here: sqlite3_column_text() would allocate a string
		 * inside SQLite for every integer cell */
		int64_t v = sqlite3_column_int64(st, col);
		uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
		char *p = num + sizeof num;
		do
			*--p = (char)('0' + u % 10);
		while (u /= 10);
		if (v < 0)
			*--p = '-';
		src = p;
		*len = (size_t)(num + sizeof num - p);
		break;
	}
	case SQLITE_FLOAT:
		/* %.17g round-trips a double; SQLite's own text keeps 15 digits */
		*len = (size_t)snprintf(num, sizeof num, "%.17g", sqlite3_column_double(st, col));
		src = num;
		break;
	case SQLITE_BLOB:
		src = sqlite3_column_blob(st, col);
		*len = (size_t)sqlite3_column_bytes(st, col);
		break;
	default: /* TEXT */
		src = sqlite3_column_text(st, col);
		*len = (size_t)sqlite3_column_bytes(st, col);
		break;
	}
	/* NULL for a value that is not SQL NULL (only an empty BLOB may give
	 * NULL) means SQLite ran out of memory making it: never pass that on
	 * as an empty value */
	if (!src && (*len > 0 || sqlite3_column_type(st, col) == SQLITE_TEXT ||
	             sqlite3_errcode(sqlite3_db_handle(st)) == SQLITE_NOMEM))
		return oa_error(OFFERAPI_ENOMEM, "out of memory reading a database result");
	if (a->n + *len + 1 > a->cap) {
		size_t cap = a->cap ? a->cap : 4096;
		while (cap < a->n + *len + 1)
			cap *= 2;
		char *p = realloc(a->p, cap);
		if (!p)
			return oa_error(OFFERAPI_ENOMEM, "out of memory reading a database result");
		a->p = p;
		a->cap = cap;
	}
	if (*len)
		memcpy(a->p + a->n, src, *len);
	a->p[a->n + *len] = '\0';
	*off = a->n;
	a->n += *len + 1;
	return 0;
}

/* The prepared statement for @sql: from the cache, or prepared now and
 * cached in place of the least recently used one. NULL with the error set
 * on failure. */
static sqlite3_stmt *get_stmt(sq_conn *c, const char *sql)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	cached_stmt *victim = &c->cache[0];
	for (int i = 0; i < STMT_CACHE; i++) {
		cached_stmt *e = &c->cache[i];
		if (e->sql && e->hash == h && strcmp(e->sql, sql) == 0) {
			e->last_used = ++c->tick;
			return e->st;
		}
		if (!e->sql || (victim->sql && e->last_used < victim->last_used))
			victim = e;
	}
	char *q = rewrite_params(sql), *key = strdup(sql);
	sqlite3_stmt *st = NULL;
	int rc = q && key ? sqlite3_prepare_v3(c->db, q, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL)
	                  : SQLITE_NOMEM;
	free(q);
	if (rc != SQLITE_OK) {
		free(key);
		map_error(c->db, rc, "preparing a statement");
		return NULL;
	}
	sqlite3_finalize(victim->st);
	free(victim->sql);
	victim->sql = key;
	victim->hash = h;
	victim->st = st;
	victim->last_used = ++c->tick;
	return st;
}

static int sq_exec(void *conn, const char *sql, const db_param *params, int nparams,
                   db_result **out)
{
	sq_conn *conn_ = conn;
	sqlite3 *db = conn_->db;
	sqlite3_stmt *st = get_stmt(conn_, sql);
	if (!st)
		return offerapi_error_last()->code;
	int rc = SQLITE_DONE;
	int code = bind_params(db, st, params, nparams);
	arena a = { 0 };
	size_t *offs = NULL, *lens = NULL, nrows = 0, cap = 0;
	int ncols = sqlite3_column_count(st);
	while (code == 0 && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (!out || ncols == 0)
			continue;
		if (nrows == cap) {
			size_t ncap = cap ? cap * 2 : 16,
			       bytes = ncap * (size_t)ncols * sizeof(size_t);
			size_t *o = realloc(offs, bytes);
			if (o)
				offs = o;
			size_t *l = o ? realloc(lens, bytes) : NULL;
			if (l)
				lens = l;
			if (!o || !l) {
				code = oa_error(OFFERAPI_ENOMEM,
				                "out of memory reading a database result");
				break;
			}
			cap = ncap;
		}
		size_t base = nrows * (size_t)ncols;
		for (int c = 0; c < ncols && code == 0; c++)
			code = copy_cell(st, c, &a, &offs[base + (size_t)c],
			                 &lens[base + (size_t)c]);
		nrows++;
	}
	if (code == 0 && rc != SQLITE_DONE)
		code = map_error(db, rc, "running a statement");
	/* reset ends the statement's read transaction; parameters that point
	 * into the caller's memory are forgotten before it is freed */
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	db_result *r = NULL;
	if (code == 0 && out) {
		size_t n = nrows * (size_t)ncols;
		r = calloc(1, sizeof *r);
		if (r && n && !(r->cells = calloc(n, sizeof *r->cells))) {
			free(r);
			r = NULL;
		}
		if (!r) {
			code = oa_error(OFFERAPI_ENOMEM, "out of memory");
		} else {
			r->nrows = (int)nrows;
			r->ncols = ncols;
			/* the arena no longer moves: point the cells into it */
			for (size_t i = 0; i < n; i++) {
				r->cells[i].data = offs[i] == NULL_CELL ? NULL : a.p + offs[i];
				r->cells[i].len = lens[i];
			}
			r->arena = a.p ? a.p : malloc(1);
			a.p = NULL;
			if (!r->arena) {
				db_result_free(r);
				r = NULL;
				code = oa_error(OFFERAPI_ENOMEM, "out of memory");
			}
		}
	}
	free(a.p);
	free(offs);
	free(lens);
	if (code == 0 && out)
		*out = r;
	return code;
}

static int sq_reset(void *conn)
{
	(void)conn; /* an open SQLite handle is never "lost" */
	return 0;
}

const db_backend db_sqlite_backend = {
	.name = "sqlite",
	.connect = sq_connect,
	.disconnect = sq_disconnect,
	.exec = sq_exec,
	.reset = sq_reset,
	.begin_sql = "BEGIN IMMEDIATE",
	.id_type = "INTEGER PRIMARY KEY AUTOINCREMENT",
	.blob_type = "BLOB",
	.json_cast = "",
	.real_type = "REAL",
	.migration_lock_sql = NULL,
};
