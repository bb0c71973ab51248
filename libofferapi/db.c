/*
 * db.c - results, and the connection pool shared by all threads of a store.
 *
 * The pool holds a fixed number of slots. A slot's connection is opened on
 * first use (so opening a store with a database that is briefly down still
 * fails fast and clearly in store.c, which pings it) and reset in place when
 * a statement finds it lost.
 */
#include <errno.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db.h"
#include "internal.h"

struct db_conn {
	void *handle; /* backend connection, NULL until opened */
	bool in_use;
	bool in_tx;
	db_pool *pool;
};

struct db_pool {
	const db_backend *be;
	char *url;
	db_config cfg;
	unsigned int size;
	db_conn *conns;
	pthread_mutex_t lock;
	pthread_cond_t freed;
};

/* ---- results ---- */

int db_result_new(db_result **out, int nrows, int ncols)
{
	db_result *r = calloc(1, sizeof *r);
	size_t n = (size_t)nrows * (size_t)ncols;
	if (!r || (n && !(r->cells = calloc(n, sizeof *r->cells)))) {
		free(r);
		return oa_error(OFFERAPI_ENOMEM, "out of memory reading a database result");
	}
	r->nrows = nrows;
	r->ncols = ncols;
	*out = r;
	return 0;
}

/* A packed result (db_result_pack): its shape, then each cell's offset
 * (SIZE_MAX: SQL NULL) and length, then the cells' bytes, each with its NUL. */
typedef struct packed_cell {
	size_t off, len;
} packed_cell;

typedef struct packed_head {
	int nrows, ncols;
} packed_head;

static size_t packed_cells_at(void)
{
	return (sizeof(packed_head) + _Alignof(packed_cell) - 1) / _Alignof(packed_cell) *
	       _Alignof(packed_cell);
}

static void keep_block(void *block)
{
	(void)block;
}

size_t db_result_packed_size(const db_result *r)
{
	size_t n = (size_t)r->nrows * (size_t)r->ncols, bytes = 0;
	for (size_t i = 0; i < n; i++)
		bytes += r->cells[i].data ? r->cells[i].len + 1 : 0;
	return packed_cells_at() + n * sizeof(packed_cell) + bytes;
}

void db_result_pack(const db_result *r, void *dst)
{
	size_t n = (size_t)r->nrows * (size_t)r->ncols;
	size_t head = packed_cells_at() + n * sizeof(packed_cell);
	char *b = dst;
	memcpy(b, &(packed_head){ r->nrows, r->ncols }, sizeof(packed_head));
	packed_cell *c = (packed_cell *)(void *)(b + packed_cells_at());
	size_t at = 0;
	for (size_t i = 0; i < n; i++) {
		const db_cell *x = &r->cells[i];
		c[i] = (packed_cell){ x->data ? at : SIZE_MAX, x->len };
		if (!x->data)
			continue;
		memcpy(b + head + at, x->data, x->len + 1);
		at += x->len + 1;
	}
}

db_result *db_result_view(const void *block, void (*release)(void *), void *owner)
{
	packed_head h;
	memcpy(&h, block, sizeof h);
	db_result *r = NULL;
	if (db_result_new(&r, h.nrows, h.ncols) < 0)
		return NULL;
	size_t n = (size_t)h.nrows * (size_t)h.ncols;
	const char *at = block;
	const packed_cell *c = (const packed_cell *)(const void *)(at + packed_cells_at());
	/* the cells are read only: db_cell's data is not const for the
	 * results a backend builds, which own theirs */
	char *bytes = (char *)(uintptr_t)(at + packed_cells_at() + n * sizeof(packed_cell));
	for (size_t i = 0; i < n; i++)
		r->cells[i] = (db_cell){ c[i].off == SIZE_MAX ? NULL : bytes + c[i].off, c[i].len };
	/* without @release, nothing to give back (but the cells are not the
	 * result's to free one by one either) */
	r->arena = release ? owner : bytes;
	r->release = release ? release : keep_block;
	return r;
}

void db_result_free(db_result *r)
{
	if (!r)
		return;
	size_t n = (size_t)r->nrows * (size_t)r->ncols;
	if (r->arena && r->release)
		r->release(r->arena);
	else if (r->arena)
		free(r->arena);
	else
		for (size_t i = 0; i < n; i++)
			free(r->cells[i].data);
	free(r->cells);
	free(r);
}

const char *db_text(const db_result *r, int row, int col)
{
	return db_cell_at(r, row, col)->data;
}

int64_t db_int(const db_result *r, int row, int col)
{
	const char *s = db_cell_at(r, row, col)->data;
	if (!s)
		return 0;
	/* what the backends write, digits with an optional minus, read
	 * without strtoll (5 % of a home page); anything else, or 19 digits
	 * and more (which may overflow), as before */
	const char *p = s + (*s == '-');
	int64_t v = 0;
	int n = 0;
	while (p[n] >= '0' && p[n] <= '9' && n < 18)
		v = v * 10 + (p[n++] - '0');
	if (n == 0 || p[n] != '\0')
		return strtoll(s, NULL, 10);
	return *s == '-' ? -v : v;
}

double db_real(const db_result *r, int row, int col)
{
	const char *s = db_cell_at(r, row, col)->data;
	return s ? strtod(s, NULL) : 0.0;
}

bool db_isnull(const db_result *r, int row, int col)
{
	return db_cell_at(r, row, col)->data == NULL;
}

/* ---- pool ---- */

int db_pool_open(db_pool **out, const db_backend *be, const char *url, const db_config *cfg,
                 unsigned int size)
{
	db_pool *p = calloc(1, sizeof *p);
	if (!p)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	p->be = be;
	p->cfg = *cfg;
	p->size = size ? size : 1;
	p->url = strdup(url);
	p->conns = calloc(p->size, sizeof *p->conns);
	if (!p->url || !p->conns) {
		free(p->url);
		free(p->conns);
		free(p);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	for (unsigned int i = 0; i < p->size; i++)
		p->conns[i].pool = p;
	pthread_mutex_init(&p->lock, NULL);
	/* wait on the monotonic clock: a wall-clock step must not stretch it */
	oa_cond_init_monotonic(&p->freed);
	*out = p;
	return 0;
}

void db_pool_free(db_pool *p)
{
	if (!p)
		return;
	for (unsigned int i = 0; i < p->size; i++)
		if (p->conns[i].handle)
			p->be->disconnect(p->conns[i].handle);
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
	free(p->conns);
	free(p->url);
	free(p);
}

const db_backend *db_pool_backend(const db_pool *p)
{
	return p->be;
}

int db_acquire(db_pool *p, db_conn **out)
{
	struct timespec deadline = oa_deadline_ms(CLOCK_MONOTONIC, p->cfg.busy_timeout_ms);

	db_conn *c = NULL;
	pthread_mutex_lock(&p->lock);
	for (;;) {
		/* prefer a slot whose connection is already open */
		for (unsigned int i = 0; i < p->size && !c; i++)
			if (!p->conns[i].in_use && p->conns[i].handle)
				c = &p->conns[i];
		for (unsigned int i = 0; i < p->size && !c; i++)
			if (!p->conns[i].in_use)
				c = &p->conns[i];
		if (c)
			break;
		int rc = pthread_cond_timedwait(&p->freed, &p->lock, &deadline);
		if (rc == ETIMEDOUT) {
			pthread_mutex_unlock(&p->lock);
			return oa_error(OFFERAPI_EBUSY,
			                "all %u database connections stayed busy for %u ms",
			                p->size, p->cfg.busy_timeout_ms);
		}
	}
	c->in_use = true;
	pthread_mutex_unlock(&p->lock);

	int rc = 0;
	if (!c->handle) {
		rc = p->be->connect(&c->handle, p->url, &p->cfg);
		if (rc < 0)
			c->handle = NULL;
	} else if (p->be->check) {
		/* an idle connection whose server restarted is reset here, before
		 * any statement, so that nothing is ever sent twice */
		rc = p->be->check(c->handle);
	}
	if (rc < 0) {
		db_release(p, c);
		return rc;
	}
	c->in_tx = false;
	*out = c;
	return 0;
}

void db_release(db_pool *p, db_conn *c)
{
	if (!c)
		return;
	if (c->in_tx)
		db_rollback(c);
	pthread_mutex_lock(&p->lock);
	c->in_use = false;
	pthread_cond_signal(&p->freed);
	pthread_mutex_unlock(&p->lock);
}

static db_trace_fn trace_fn;
static void *trace_payload;

void db_set_trace(db_trace_fn fn, void *payload)
{
	trace_fn = fn;
	trace_payload = payload;
}

int db_exec(db_conn *c, const char *sql, const db_param *params, int nparams, db_result **out)
{
	if (out)
		*out = NULL;
	if (trace_fn)
		trace_fn(sql, params, nparams, trace_payload);
	return c->pool->be->exec(c->handle, sql, params, nparams, out);
}

/* One after the other on the backend's exec: a batch where a statement
 * costs no round trip. */
static int batch_each(db_conn *c, int n, const db_stmt *stmts, db_result **out, int *failed)
{
	for (int k = 0; k < n; k++) {
		int rc = c->pool->be->exec(c->handle, stmts[k].sql, stmts[k].params,
		                           stmts[k].nparams, &out[k]);
		if (rc < 0) {
			*failed = k;
			return rc;
		}
	}
	return 0;
}

int db_batch(db_conn *c, int n, const db_stmt *stmts, db_result **out)
{
	if (n < 1 || n > DB_BATCH_MAX)
		return oa_error(OFFERAPI_EINVAL, "batch: %d statements, 1 to %d allowed", n,
		                DB_BATCH_MAX);
	for (int k = 0; k < n; k++) {
		out[k] = NULL;
		if (trace_fn)
			trace_fn(stmts[k].sql, stmts[k].params, stmts[k].nparams, trace_payload);
	}
	int failed = -1;
	const db_backend *be = c->pool->be;
	int rc = be->batch ? be->batch(c->handle, n, stmts, out, &failed)
	                   : batch_each(c, n, stmts, out, &failed);
	if (rc == 0)
		return 0;
	for (int k = 0; k < n; k++) {
		db_result_free(out[k]);
		out[k] = NULL;
	}
	if (failed >= 0) {
		/* name the statement at fault; the code stays the backend's */
		char msg[512];
		snprintf(msg, sizeof msg, "%s", offerapi_error_last()->message);
		oa_error(rc, "statement %d of %d: %s", failed + 1, n, msg);
	}
	return rc;
}

int db_begin(db_conn *c)
{
	int rc = db_exec(c, c->pool->be->begin_sql, NULL, 0, NULL);
	if (rc == 0)
		c->in_tx = true;
	return rc;
}

int db_commit(db_conn *c)
{
	int rc = db_exec(c, "COMMIT", NULL, 0, NULL);
	if (rc < 0) {
		/* keep the error of COMMIT, not of the rollback that follows */
		const offerapi_error *e = offerapi_error_last();
		char msg[512];
		snprintf(msg, sizeof msg, "%s", e->message);
		db_rollback(c);
		oa_error(rc, "%s", msg);
		return rc;
	}
	c->in_tx = false;
	return 0;
}

int db_end(db_conn *c, int rc)
{
	if (rc == 0)
		return db_commit(c);
	db_rollback(c);
	return rc;
}

void db_rollback(db_conn *c)
{
	if (!c->in_tx)
		return;
	c->in_tx = false;
	const offerapi_error *e = offerapi_error_last();
	int code = e->code;
	char msg[512];
	snprintf(msg, sizeof msg, "%s", e->message);
	if (c->pool->be->exec(c->handle, "ROLLBACK", NULL, 0, NULL) < 0)
		c->pool->be->reset(c->handle);
	/* the caller reports its own error, not ours */
	oa_error(code, "%s", msg);
}
