/*
 * keyset.h - keyset pagination for the lists of the domain code (never
 * installed; the public side is offerapi/page.h).
 *
 * A list is described once by a ks_spec: one or more phases (a ranked list
 * has two: the scored applications, then the unscored ones), each with the
 * rows it ranges over and its sort key, a few columns each sorted up or
 * down, the last one the row's unique id. From the spec and a cursor,
 * ks_build() writes one statement that reads a page, and ks_finish() puts
 * its rows in list order, keeps the page and makes the cursors. The order
 * is thus written once, in the spec, for the SQL and for C alike.
 *
 * The statement. The key is a tuple (c0, ..., cm) with mixed directions,
 * which one row-value comparison cannot express, and SQLite does not seek
 * on a rowid inside a row value either. So the rows after a key K are read
 * as m + 1 index seeks, nearest first, each an equality prefix and one
 * range, each in its index's own order, glued by UNION ALL:
 *
 *     c0 = K0 AND ... AND c(m-1) = K(m-1) AND cm > Km  ORDER BY cm
 *     ...
 *     c0 > K0                                           ORDER BY c0, ..., cm
 *
 * then the phases after the cursor's, whole; and LIMIT n + 1 over the union
 * (the extra row tells whether a page follows). UNION ALL runs its arms in
 * order and stops at the limit (SQLite's co-routines, PostgreSQL's Append),
 * so a phase after the page is never read. The outer query joins the page's
 * ids to the columns the caller wants, in no order: ks_finish() sorts the
 * rows by key in C.
 *
 * Each branch selects: ph (the phase's number), id, k1 (a double or NULL),
 * k2, k3 (integers). A key of m + 1 columns fills the last slots: (score,
 * date, id) is k1, k2, k3; (date, id) is k2, k3.
 */
#ifndef OFFERAPI_KEYSET_H
#define OFFERAPI_KEYSET_H

#include <stdbool.h>
#include <stdint.h>

#include "offerapi/page.h"
#include "db.h"

#define KS_MAXCOLS 3
#define KS_MAXPHASES 2

/* One column of a key, as an SQL expression over the phase's table. */
typedef struct ks_col {
	const char *expr;
	bool desc;
} ks_col;

/* A run of rows in one order. @from starts with " FROM" and holds a WHERE
 * clause over parameters $1..$nfixed of the spec. */
typedef struct ks_phase {
	const char *id; /* the row's id expression (also the key's last column) */
	const char *from;
	ks_col cols[KS_MAXCOLS]; /* the key: 2 or 3 columns, the last the id */
	int ncols; /* 3: k1 (double), k2, k3; 2: k2, k3 */
	char letter; /* in cursors of lists with several phases, else 0 */
} ks_phase;

typedef struct ks_spec {
	char kind; /* 'o', 'm', 'r' (page.h) */
	ks_phase phases[KS_MAXPHASES];
	int nphases;
	const char *count_from; /* " FROM ... WHERE ...": the whole list */
	int nfixed; /* parameters $1..$nfixed the phases use */
} ks_spec;

/* A row's place in its list. */
typedef struct ks_key {
	int phase;
	double k1;
	int64_t k2, k3;
} ks_key;

typedef struct ks_cursor {
	bool set; /* false: the first page (or the last, with OFFERAPI_PAGE_LAST) */
	bool back; /* the rows before the key */
	int64_t pos; /* -1 when unknown */
	ks_key key;
} ks_cursor;

/* The 8-hex-digit scope of a list, from what identifies it. */
uint32_t ks_scope(const char *what);

/* The scope of the list of @kind under one owner's @id ("KIND|ID"). */
uint32_t ks_scope_id(char kind, int64_t id);

/* A one-phase list, newest first by (@created, @id) under the one parameter
 * $1 of @from (" FROM table alias WHERE alias.owner = $1"). The strings are
 * kept, not copied: pass literals. */
void ks_spec_newest(ks_spec *spec, char kind, const char *id, const char *created,
                    const char *from);

/* Check @p (version, limit, cursor) and parse the cursor for the list of
 * @spec and @scope. Sets *limit (default applied). EINVAL naming the part
 * at fault. */
int ks_page_parse(const ks_spec *spec, uint32_t scope, const offerapi_page *p, ks_cursor *out,
                  size_t *limit);

/* The most parameters a keyset statement binds. */
#define KS_PARAMS 24

/* A statement and its parameters. */
typedef struct ks_query {
	char sql[8192];
	db_param params[KS_PARAMS];
	int nparams;
	bool back; /* rows come from before the cursor */
} ks_query;

/*
 * Write the statement "SELECT k.ph, k.k1, k.k2, k.k3 [, total]" @cols
 * " FROM (page) k" @join: @cols starts with ", " (or is ""), @join joins
 * the tables the caller reads to k.id. @fixed are $1..$nfixed. With
 * @offset (legacy OFFSET paging, first page only) rows are skipped.
 */
int ks_build(const ks_spec *spec, const ks_cursor *c, bool last, bool total, size_t limit,
             size_t offset, const char *cols, const char *join, const db_param *fixed, ks_query *q);

/* A distinct row of the result: its key and the result row it came from. */
typedef struct ks_row {
	ks_key key;
	int row;
} ks_row;

/* Read the key of result row @row (columns 0..3). */
void ks_row_key(const db_result *r, int row, ks_key *out);

/* Compare two keys in list order. */
int ks_compare(const ks_spec *spec, const ks_key *a, const ks_key *b);

/* The page, from the query's rows: sorted in list order, duplicates (a row
 * joined to several scores) merged, then the @limit rows next to the cursor
 * kept. */
typedef struct ks_page {
	size_t first, count; /* kept rows: rows[first .. first + count) */
	char *next, *prev; /* cursors (malloc'd) or NULL */
	int64_t offset; /* position of the first kept row, -1 unknown */
} ks_page;

int ks_finish(const ks_spec *spec, uint32_t scope, const ks_cursor *c, bool last, size_t limit,
              int64_t total, ks_row *rows, size_t *nrows, ks_page *out);

/* The rows of @r (their keys in columns 0..3) as ks_rows, then
 * ks_finish(): *rows (malloc'd, the caller frees it) holds them, the page's
 * rows[out->first .. out->first + out->count). Error set. */
int ks_page_of(const ks_spec *spec, uint32_t scope, const ks_cursor *c, bool last, size_t limit,
               int64_t total, const db_result *r, ks_row **rows, ks_page *out);

/*
 * One page of a list, from the request to its rows: what access.c,
 * stages.c, lists.c, tokens.c and webhooks.c each did by hand.
 */
typedef struct ks_req {
	const ks_spec *spec;
	uint32_t scope;
	ks_cursor cur; /* from ks_page_parse() */
	size_t limit; /* from ks_page_parse() */
	bool last; /* OFFERAPI_PAGE_LAST */
	bool count; /* OFFERAPI_PAGE_TOTAL: count the list's rows */
	int64_t total; /* the list's rows when known beforehand, else -1 */
} ks_req;

/* ks_page_parse() of @p into @req, and its flags. Error set. */
int ks_req_parse(const ks_spec *spec, uint32_t scope, const offerapi_page *p, ks_req *req);

typedef struct ks_result {
	db_result *r; /* the statement's rows */
	int base; /* the caller's first column in @r (after the key and total) */
	int64_t total; /* counted with req.count, else req.total */
	ks_row *rows; /* the page: rows[page.first .. page.first + page.count) */
	ks_page page; /* its cursors are freed by ks_result_free() unless taken */
} ks_result;

struct offerapi_store;

/*
 * ks_build() @cols and @join over @fixed ($1..$nfixed of the spec),
 * store_exec(), the total (from the statement, or store_count() when the
 * page is empty), then ks_page_of(). On success *out holds the page, to be
 * released with ks_result_free(); on failure nothing is held. Error set.
 */
int ks_run(struct offerapi_store *s, const ks_req *req, const char *cols, const char *join,
           const db_param *fixed, ks_result *out);

/* The second half of ks_run(), for a statement that ran elsewhere (in a
 * batch): the total and the page from its result @r, which *out holds
 * from now on (freed with it, or here on failure). Error set. */
int ks_run_take(struct offerapi_store *s, const ks_req *req, const db_param *fixed, db_result *r,
                ks_result *out);

/* Free what @res holds (the cursors too, unless a caller took them and set
 * them to NULL). */
void ks_result_free(ks_result *res);

/* A list's total and cursors from @res: the cursors taken (set to NULL in
 * @res), so that ks_result_free() leaves them to the list. */
void ks_take_page(ks_result *res, int64_t *total, char **next, char **prev);

/* The end of every paged list's _free(), once its items' contents are
 * freed: the @items array, the @next and @prev cursors, the list. */
void ks_list_free(void *items, char *next, char *prev, void *list);

/* ks_spec_newest() as a constant initializer, with @nfixed parameters. */
#define KS_SPEC_NEWEST(kind, id, created, from, nfixed)                                            \
	{                                                                                          \
		(kind), { { (id), (from), { { (created), true }, { (id), true } }, 2, 0 } }, 1,    \
			(from), (nfixed)                                                           \
	}

/*
 * One kind of paged list of the public API (an offerapi_*_list with items,
 * count, next, prev and total), newest first under one owner: what
 * access.c, stages.c, tokens.c, userlist.c, users.c and webhooks.c each did
 * by hand, from the arguments to the list.
 */
typedef struct ks_list_type {
	ks_spec spec; /* KS_SPEC_NEWEST(); its kind also names the scope */
	const char *cols, *join; /* ks_run()'s */
	size_t size; /* of the list */
	/* Take the page's total and cursors (ks_take_page()) and make the
	 * items from the kept rows of @res, counting each as it goes so that
	 * @free frees a half-made list. Error set. */
	int (*fill)(ks_result *res, void *list);
	void (*free)(void *list); /* the list's public _free() (NULL ignored) */
	const char *nostore, *oom; /* the messages for a NULL store, a failed calloc */
	/* ks_list_checked()'s: 0 when @who may read the list of @owner, else
	 * the error to return (set). NULL for the lists ks_list_page() runs. */
	int (*check)(struct offerapi_store *s, const void *who, int64_t owner);
} ks_list_type;

/* The request for the page @p of the list of type @t owned by @owner
 * (scope ks_scope_id(kind, @owner)): EINVAL when @s is NULL, else
 * ks_req_parse(). */
int ks_list_req(struct offerapi_store *s, const ks_list_type *t, int64_t owner,
                const offerapi_page *p, ks_req *req);

/* ks_run() of @req over @fixed, then the list of type @t from its rows.
 * Returns the list, or NULL with *rc set (nothing held); else *rc is 0. */
void *ks_list_run(struct offerapi_store *s, const ks_list_type *t, const ks_req *req,
                  const db_param *fixed, int *rc);

/* ks_list_req(), then ks_list_run(): a list with nothing to check between. */
void *ks_list_page(struct offerapi_store *s, const ks_list_type *t, int64_t owner,
                   const offerapi_page *p, const db_param *fixed, int *rc);

/* The list of type @t of what @owner holds (its one fixed parameter, $1),
 * for @who: ks_list_req(), then @t->check(@s, @who, @owner), then
 * ks_list_run(); so a bad page is refused before the database is asked.
 * Returns the list, or NULL with *rc set. */
void *ks_list_checked(struct offerapi_store *s, const ks_list_type *t, const void *who,
                      int64_t owner, const offerapi_page *p, int *rc);

#endif
