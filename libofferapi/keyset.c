/*
 * keyset.c - keyset pagination: cursors, statements, pages (keyset.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "keyset.h"
#include "store_internal.h"

uint32_t ks_scope(const char *what)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)what; *p; p++)
		h = (h ^ *p) * 16777619u;
	return h;
}

uint32_t ks_scope_id(char kind, int64_t id)
{
	char what[32];
	snprintf(what, sizeof what, "%c|%" PRId64, kind, id);
	return ks_scope(what);
}

void ks_spec_newest(ks_spec *spec, char kind, const char *id, const char *created, const char *from)
{
	*spec = (ks_spec)KS_SPEC_NEWEST(kind, id, created, from, 1);
}

/* ---- cursors ---- */

/* Key slot (0: k1, 1: k2, 2: k3) of column @i of @ph. */
static int slot(const ks_phase *ph, int i)
{
	return i + KS_MAXCOLS - ph->ncols;
}

static char *cursor_format(const ks_spec *spec, bool back, int64_t pos, uint32_t scope,
                           const ks_key *k)
{
	char buf[OFFERAPI_CURSOR_MAX], p[24] = "x";
	if (pos >= 0)
		snprintf(p, sizeof p, "%" PRId64, pos);
	int n = snprintf(buf, sizeof buf, "%c1.%c.%s.%08" PRIx32, spec->kind, back ? 'p' : 'n', p,
	                 scope);
	const ks_phase *ph = &spec->phases[k->phase];
	if (ph->letter)
		n += snprintf(buf + n, sizeof buf - (size_t)n, ".%c", ph->letter);
	if (ph->ncols == KS_MAXCOLS) {
		uint64_t bits;
		memcpy(&bits, &k->k1, sizeof bits);
		n += snprintf(buf + n, sizeof buf - (size_t)n, ".%016" PRIx64, bits);
	}
	snprintf(buf + n, sizeof buf - (size_t)n, ".%" PRId64 ".%" PRId64, k->k2, k->k3);
	char *s = oa_strdup(buf);
	return s;
}

/* A decimal int64: an optional '-', 1 to 19 digits, nothing else. */
static int parse_int(const char *f, int64_t *out, const char *what)
{
	const char *d = f[0] == '-' ? f + 1 : f;
	size_t n = strlen(d);
	if (n == 0 || n > 19 || strspn(d, "0123456789") != n)
		return oa_error(OFFERAPI_EINVAL, "cursor: %s \"%.24s\" is not an integer", what, f);
	errno = 0;
	long long v = strtoll(f, NULL, 10);
	if (errno)
		return oa_error(OFFERAPI_EINVAL, "cursor: %s \"%.24s\" is out of range", what, f);
	*out = v;
	return 0;
}

/* A score: 16 lower-case hex digits of a double in [0, 1]. */
static int parse_score(const char *f, double *out)
{
	if (strlen(f) != 16 || strspn(f, "0123456789abcdef") != 16)
		return oa_error(OFFERAPI_EINVAL, "cursor: score \"%.24s\" is not 16 hex digits", f);
	uint64_t bits = strtoull(f, NULL, 16);
	double v;
	memcpy(&v, &bits, sizeof v);
	if (!(v >= 0.0 && v <= 1.0)) /* false for NaN too */
		return oa_error(OFFERAPI_EINVAL, "cursor: score %s is not in [0, 1]", f);
	*out = v;
	return 0;
}

/* Split @s (a copy) at '.' into at most @max fields; the count, or -1. */
static int split(char *s, char **f, int max)
{
	int n = 0;
	for (char *p = s;; p++) {
		if (n == max)
			return -1;
		f[n++] = p;
		p = strchr(p, '.');
		if (!p)
			return n;
		*p = '\0';
	}
}

/* The key fields f[0..nf) of a cursor of @spec. */
static int parse_key(const ks_spec *spec, char **f, int nf, ks_key *k)
{
	memset(k, 0, sizeof *k);
	int i = 0;
	if (spec->nphases > 1) {
		k->phase = -1;
		for (int p = 0; nf > 0 && p < spec->nphases; p++)
			if (strlen(f[0]) == 1 && f[0][0] == spec->phases[p].letter)
				k->phase = p;
		if (k->phase < 0)
			return oa_error(OFFERAPI_EINVAL, "cursor: unknown part \"%.8s\"",
			                nf > 0 ? f[0] : "");
		i = 1;
	}
	const ks_phase *ph = &spec->phases[k->phase];
	if (nf - i != ph->ncols)
		return oa_error(OFFERAPI_EINVAL, "cursor: %d key fields, %d expected", nf - i,
		                ph->ncols);
	int rc = 0;
	if (ph->ncols == KS_MAXCOLS)
		rc = parse_score(f[i++], &k->k1);
	if (rc == 0)
		rc = parse_int(f[i++], &k->k2, "key");
	if (rc == 0)
		rc = parse_int(f[i], &k->k3, "id");
	return rc;
}

static int cursor_parse(const char *s, const ks_spec *spec, uint32_t scope, ks_cursor *c)
{
	size_t len = strlen(s);
	if (len >= OFFERAPI_CURSOR_MAX)
		return oa_error(OFFERAPI_EINVAL, "cursor: %zu bytes, at most %d", len,
		                OFFERAPI_CURSOR_MAX - 1);
	const char *ok = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-";
	if (strspn(s, ok) != len)
		return oa_error(OFFERAPI_EINVAL, "cursor: a character other than A-Z a-z 0-9 . -");
	char buf[OFFERAPI_CURSOR_MAX], *f[10];
	memcpy(buf, s, len + 1);
	int nf = split(buf, f, 10);
	if (nf < 6)
		return oa_error(OFFERAPI_EINVAL, "cursor: too few parts");
	if (strlen(f[0]) != 2 || f[0][1] != '1')
		return oa_error(OFFERAPI_EINVAL, "cursor: unknown version \"%.8s\"", f[0]);
	if (f[0][0] != spec->kind)
		return oa_error(OFFERAPI_EINVAL, "cursor: a cursor of another kind of list");
	if (strcmp(f[1], "n") && strcmp(f[1], "p"))
		return oa_error(OFFERAPI_EINVAL, "cursor: direction \"%.8s\" is not n or p", f[1]);
	c->back = f[1][0] == 'p';
	int rc;
	c->pos = -1;
	if (strcmp(f[2], "x") && ((rc = parse_int(f[2], &c->pos, "position")) < 0 || c->pos < 0))
		return oa_error(OFFERAPI_EINVAL, "cursor: position \"%.24s\" is not a count", f[2]);
	if (strlen(f[3]) != 8 || strspn(f[3], "0123456789abcdef") != 8)
		return oa_error(OFFERAPI_EINVAL, "cursor: scope \"%.16s\" is not 8 hex digits",
		                f[3]);
	if ((uint32_t)strtoul(f[3], NULL, 16) != scope)
		return oa_error(OFFERAPI_EINVAL, "cursor: it belongs to another list (other "
		                                 "filters, offer, scorer or user)");
	if ((rc = parse_key(spec, f + 4, nf - 4, &c->key)) < 0)
		return rc;
	c->set = true;
	return 0;
}

int ks_page_parse(const ks_spec *spec, uint32_t scope, const offerapi_page *p, ks_cursor *out,
                  size_t *limit)
{
	memset(out, 0, sizeof *out);
	out->pos = -1;
	offerapi_page def = OFFERAPI_PAGE_INIT;
	if (!p)
		p = &def;
	int rc = oa_check_version("page", p->version, OFFERAPI_PAGE_VERSION);
	if (rc < 0)
		return rc;
	if (p->flags & ~(OFFERAPI_PAGE_TOTAL | OFFERAPI_PAGE_LAST))
		return oa_error(OFFERAPI_EINVAL, "page: unknown flags 0x%x", p->flags);
	if (p->limit > OFFERAPI_PAGE_MAX)
		return oa_error(OFFERAPI_EINVAL, "page: limit %zu is over %d", p->limit,
		                OFFERAPI_PAGE_MAX);
	*limit = p->limit ? p->limit : OFFERAPI_PAGE_DEFAULT;
	if (!p->cursor || !*p->cursor)
		return 0;
	if (p->flags & OFFERAPI_PAGE_LAST)
		return oa_error(OFFERAPI_EINVAL, "page: OFFERAPI_PAGE_LAST goes with no cursor");
	return cursor_parse(p->cursor, spec, scope, out);
}

/* ---- the statement ---- */

typedef struct sqlbuf {
	char *p;
	size_t n, cap;
	bool full;
} sqlbuf;

static void add(sqlbuf *b, const char *fmt, ...) OFFERAPI_PRINTF(2, 3);
static void add(sqlbuf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(b->p + b->n, b->cap - b->n, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->n)
		b->full = true;
	else
		b->n += (size_t)n;
}

/* ORDER BY columns @from.. of @ph, each in its direction (flipped @back). */
static void order_by(sqlbuf *b, const ks_phase *ph, int from, bool back)
{
	add(b, " ORDER BY ");
	for (int i = from; i < ph->ncols; i++)
		add(b, "%s%s %s", i > from ? ", " : "", ph->cols[i].expr,
		    ph->cols[i].desc != back ? "DESC" : "ASC");
}

/*
 * One arm of the union: phase @p whole (@branch < 0) or the rows after the
 * key of its columns 0..branch-1 equal and column @branch past it.
 * Parameters: limit $F+1, key slots $F+2..$F+4.
 */
static void arm(sqlbuf *b, const ks_spec *spec, int p, int branch, bool back, int *narms)
{
	const ks_phase *ph = &spec->phases[p];
	int F = spec->nfixed;
	add(b, "%sSELECT * FROM (SELECT %d AS ph, %s AS id, %s AS k1, %s AS k2, %s AS k3%s",
	    *narms ? " UNION ALL " : "", p, ph->id,
	    ph->ncols == KS_MAXCOLS ? ph->cols[0].expr : "CAST(NULL AS DOUBLE PRECISION)",
	    ph->cols[ph->ncols - 2].expr, ph->cols[ph->ncols - 1].expr, ph->from);
	for (int i = 0; i <= branch; i++) {
		const char *op = i < branch ? "=" : ph->cols[i].desc != back ? "<" : ">";
		add(b, " AND %s %s $%d", ph->cols[i].expr, op, F + 2 + slot(ph, i));
	}
	order_by(b, ph, branch < 0 ? 0 : branch, back);
	add(b, " LIMIT $%d) arm%d", F + 1, *narms);
	(*narms)++;
}

int ks_build(const ks_spec *spec, const ks_cursor *c, bool last, bool total, size_t limit,
             size_t offset, const char *cols, const char *join, const db_param *fixed, ks_query *q)
{
	sqlbuf b = { q->sql, 0, sizeof q->sql, false };
	int F = spec->nfixed, narms = 0;
	bool back = c->set ? c->back : last;
	q->back = back;
	add(&b, "SELECT k.ph, k.k1, k.k2, k.k3");
	if (total)
		add(&b, ", (SELECT COUNT(*)%s) AS total", spec->count_from);
	add(&b, "%s FROM (", cols);
	int start = c->set ? c->key.phase : back ? spec->nphases - 1 : 0, step = back ? -1 : 1;
	if (c->set)
		for (int j = spec->phases[start].ncols - 1; j >= 0; j--)
			arm(&b, spec, start, j, back, &narms);
	for (int p = c->set ? start + step : start; p >= 0 && p < spec->nphases; p += step)
		arm(&b, spec, p, -1, back, &narms);
	add(&b, " LIMIT $%d", F + 1);
	if (offset)
		add(&b, " OFFSET $%d", F + 2);
	add(&b, ") k%s", join);
	if (b.full)
		return oa_error(OFFERAPI_ERROR, "keyset: a statement over %zu bytes",
		                sizeof q->sql);
	q->nparams = 0;
	for (int i = 0; i < F; i++)
		q->params[q->nparams++] = fixed[i];
	q->params[q->nparams++] = P_INT((int64_t)limit + 1); /* one more: is there a next? */
	if (c->set) {
		q->params[q->nparams++] = P_REAL(c->key.k1);
		q->params[q->nparams++] = P_INT(c->key.k2);
		q->params[q->nparams++] = P_INT(c->key.k3);
	} else if (offset) {
		q->params[q->nparams++] = P_INT((int64_t)offset);
	}
	return 0;
}

/* ---- the page ---- */

void ks_row_key(const db_result *r, int row, ks_key *out)
{
	out->phase = (int)db_int(r, row, 0);
	out->k1 = db_real(r, row, 1);
	out->k2 = db_int(r, row, 2);
	out->k3 = db_int(r, row, 3);
}

int ks_compare(const ks_spec *spec, const ks_key *a, const ks_key *b)
{
	if (a->phase != b->phase)
		return a->phase < b->phase ? -1 : 1;
	const ks_phase *ph = &spec->phases[a->phase];
	for (int i = 0; i < ph->ncols; i++) {
		int s = slot(ph, i), c;
		if (s == 0)
			c = (a->k1 > b->k1) - (a->k1 < b->k1);
		else if (s == 1)
			c = (a->k2 > b->k2) - (a->k2 < b->k2);
		else
			c = (a->k3 > b->k3) - (a->k3 < b->k3);
		if (c)
			return ph->cols[i].desc ? -c : c;
	}
	return 0;
}

/* qsort has no payload: the spec travels through a thread-local. */
static _Thread_local const ks_spec *tl_spec;

static int row_cmp(const void *x, const void *y)
{
	const ks_row *a = x, *b = y;
	int c = ks_compare(tl_spec, &a->key, &b->key);
	return c ? c : (a->row > b->row) - (a->row < b->row);
}

int ks_finish(const ks_spec *spec, uint32_t scope, const ks_cursor *c, bool last, size_t limit,
              int64_t total, ks_row *rows, size_t *nrows, ks_page *out)
{
	memset(out, 0, sizeof *out);
	tl_spec = spec;
	/* rows in order already (a kept search ranking: 1 000 of them, sorted
	 * on every page) are left as they are, as qsort would leave them */
	size_t i = 1;
	while (i < *nrows && row_cmp(&rows[i - 1], &rows[i]) < 0)
		i++;
	if (i < *nrows)
		qsort(rows, *nrows, sizeof *rows, row_cmp);
	tl_spec = NULL;
	size_t m = 0; /* merge the rows of one list row (same key) */
	for (i = 0; i < *nrows; i++)
		if (m == 0 || ks_compare(spec, &rows[m - 1].key, &rows[i].key) != 0)
			rows[m++] = rows[i];
	*nrows = m;
	bool back = c->set ? c->back : last, more = m > limit;
	out->count = more ? limit : m;
	out->first = back ? m - out->count : 0;
	const ks_key *head = out->count ? &rows[out->first].key : NULL;
	const ks_key *tail = out->count ? &rows[out->first + out->count - 1].key : NULL;
	int64_t k = (int64_t)out->count;
	if (!back) {
		int64_t p = c->set ? c->pos : 0;
		out->offset = p;
		if (more)
			out->next = cursor_format(spec, false, p >= 0 ? p + k : -1, scope, tail);
		if (c->set && head)
			out->prev = cursor_format(spec, true, p, scope, head);
	} else {
		int64_t p = c->set ? c->pos : total;
		out->offset = !more ? 0 : p >= k ? p - k : -1;
		if (more)
			out->prev = cursor_format(spec, true, out->offset, scope, head);
		if (c->set && tail)
			out->next = cursor_format(
				spec, false, out->offset >= 0 ? out->offset + k : -1, scope, tail);
	}
	if ((more && back && !out->prev) || (more && !back && !out->next) ||
	    (c->set && out->count && !(back ? out->next : out->prev))) {
		free(out->next);
		free(out->prev);
		out->next = out->prev = NULL;
		return OFFERAPI_ENOMEM;
	}
	return 0;
}

int ks_page_of(const ks_spec *spec, uint32_t scope, const ks_cursor *c, bool last, size_t limit,
               int64_t total, const db_result *r, ks_row **rows, ks_page *out)
{
	memset(out, 0, sizeof *out);
	size_t n = (size_t)r->nrows;
	*rows = calloc(n ? n : 1, sizeof **rows);
	if (!*rows)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		ks_row_key(r, (int)i, &(*rows)[i].key);
		(*rows)[i].row = (int)i;
	}
	int rc = ks_finish(spec, scope, c, last, limit, total, *rows, &n, out);
	return rc ? oa_error(rc, "out of memory") : 0;
}

/* ---- a page, start to end ---- */

int ks_req_parse(const ks_spec *spec, uint32_t scope, const offerapi_page *p, ks_req *req)
{
	memset(req, 0, sizeof *req);
	req->spec = spec;
	req->scope = scope;
	req->total = -1;
	unsigned flags = p ? p->flags : 0;
	req->last = flags & OFFERAPI_PAGE_LAST;
	req->count = flags & OFFERAPI_PAGE_TOTAL;
	return ks_page_parse(spec, scope, p, &req->cur, &req->limit);
}

int ks_run_take(struct offerapi_store *s, const ks_req *req, const db_param *fixed, db_result *r,
                ks_result *out)
{
	memset(out, 0, sizeof *out);
	const ks_spec *spec = req->spec;
	int rc = 0;
	out->r = r;
	out->base = req->count ? 5 : 4;
	out->total = req->total >= 0 ? req->total : -1;
	if (req->count && r->nrows)
		out->total = db_int(r, 0, 4);
	else if (req->count)
		rc = store_count(s, spec->count_from, fixed, spec->nfixed, &out->total);
	if (rc == 0)
		rc = ks_page_of(spec, req->scope, &req->cur, req->last, req->limit, out->total, r,
		                &out->rows, &out->page);
	if (rc < 0)
		ks_result_free(out);
	return rc;
}

int ks_run(struct offerapi_store *s, const ks_req *req, const char *cols, const char *join,
           const db_param *fixed, ks_result *out)
{
	memset(out, 0, sizeof *out);
	const ks_spec *spec = req->spec;
	ks_query *q = malloc(sizeof *q);
	if (!q)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	db_result *r = NULL;
	int rc = ks_build(spec, &req->cur, req->last, req->count, req->limit, 0, cols, join, fixed,
	                  q);
	if (rc == 0)
		rc = store_exec(s, q->sql, q->params, q->nparams, &r);
	free(q);
	return rc < 0 ? rc : ks_run_take(s, req, fixed, r, out);
}

void ks_result_free(ks_result *res)
{
	db_result_free(res->r);
	free(res->rows);
	free(res->page.next);
	free(res->page.prev);
	memset(res, 0, sizeof *res);
}

void ks_take_page(ks_result *res, int64_t *total, char **next, char **prev)
{
	*total = res->total;
	*next = res->page.next;
	*prev = res->page.prev;
	res->page.next = res->page.prev = NULL;
}

void ks_list_free(void *items, char *next, char *prev, void *list)
{
	free(items);
	free(next);
	free(prev);
	free(list);
}

int ks_list_req(struct offerapi_store *s, const ks_list_type *t, int64_t owner,
                const offerapi_page *p, ks_req *req)
{
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "%s", t->nostore);
	return ks_req_parse(&t->spec, ks_scope_id(t->spec.kind, owner), p, req);
}

void *ks_list_run(struct offerapi_store *s, const ks_list_type *t, const ks_req *req,
                  const db_param *fixed, int *rc)
{
	ks_result res;
	if ((*rc = ks_run(s, req, t->cols, t->join, fixed, &res)) < 0)
		return NULL;
	void *l = calloc(1, t->size);
	*rc = l ? t->fill(&res, l) : oa_error(OFFERAPI_ENOMEM, "%s", t->oom);
	ks_result_free(&res);
	if (*rc < 0) {
		t->free(l);
		return NULL;
	}
	return l;
}

void *ks_list_page(struct offerapi_store *s, const ks_list_type *t, int64_t owner,
                   const offerapi_page *p, const db_param *fixed, int *rc)
{
	ks_req req;
	if ((*rc = ks_list_req(s, t, owner, p, &req)) < 0)
		return NULL;
	return ks_list_run(s, t, &req, fixed, rc);
}

void *ks_list_checked(struct offerapi_store *s, const ks_list_type *t, const void *who,
                      int64_t owner, const offerapi_page *p, int *rc)
{
	ks_req req;
	if ((*rc = ks_list_req(s, t, owner, p, &req)) < 0 || (*rc = t->check(s, who, owner)) < 0)
		return NULL;
	return ks_list_run(s, t, &req, (db_param[]){ P_INT(owner) }, rc);
}
