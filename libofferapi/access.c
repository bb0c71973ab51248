/*
 * access.c - the access log (offerapi/access.h): recording views, the
 * candidate's list of who viewed their application, the operator's search
 * and the retention purge. Table access_log (migration 14 in store.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "keyset.h"
#include "store_internal.h"
#include "offerapi/access.h"

/* The purge deletes this many records per statement (and transaction), so
 * that a first purge of a large log never holds a long lock. */
#define PURGE_BATCH 5000

static const char *const kind_names[] = { NULL, "application", "cv_pdf", "cv_text", "csv" };
#define NKINDS ((int)(sizeof kind_names / sizeof *kind_names))

const char *offerapi_access_kind_name(offerapi_access_kind kind)
{
	return oa_name_of(kind_names, NKINDS, 1, (int)kind);
}

static offerapi_access_kind kind_parse(const char *s)
{
	int k = oa_index_of(kind_names, NKINDS, 1, s);
	return (offerapi_access_kind)(k < 0 ? 0 : k);
}

/* The checks both record calls make. */
static int check_record(const offerapi_user *viewer, const char *address)
{
	if (!viewer)
		return oa_error(OFFERAPI_EINVAL, "access log: no viewer given");
	size_t n = address ? strlen(address) : 0;
	if (n == 0)
		return oa_error(OFFERAPI_EINVAL, "access log: no client address given");
	if (n >= OFFERAPI_ACCESS_ADDR_MAX)
		return oa_error(OFFERAPI_EINVAL, "access log: client address over %d bytes",
		                OFFERAPI_ACCESS_ADDR_MAX - 1);
	for (size_t i = 0; i < n; i++)
		if (address[i] <= ' ' || address[i] > '~')
			return oa_error(OFFERAPI_EINVAL,
			                "access log: client address is not printable ASCII");
	return 0;
}

int offerapi_access_record(offerapi_store *s, const offerapi_user *viewer,
                           offerapi_id application_id, offerapi_access_kind kind,
                           const char *address)
{
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "access log: no store given");
	int rc = check_record(viewer, address);
	if (rc < 0)
		return rc;
	if (!offerapi_access_kind_name(kind) || kind == OFFERAPI_ACCESS_CSV)
		return oa_error(OFFERAPI_EINVAL, "access log: kind %d is not a single access",
		                (int)kind);
	/* one statement, in autocommit: the application's candidate is read
	 * by the INSERT itself */
	return store_exec(s,
	                  "INSERT INTO access_log (application_id, user_id, by_candidate, kind,"
	                  " address, created_at)"
	                  " SELECT a.id, $2, CASE WHEN a.candidate_id = $2 THEN 1 ELSE 0 END,"
	                  " $3, $4, $5 FROM applications a WHERE a.id = $1",
	                  (db_param[]){ P_INT(application_id), P_INT(viewer->id),
	                                P_TEXT(kind_names[kind]), P_TEXT(address),
	                                P_INT(oa_now()) },
	                  5, NULL);
}

int offerapi_access_record_offer(offerapi_store *s, const offerapi_user *viewer,
                                 offerapi_id offer_id, const char *address, int64_t *count)
{
	if (count)
		*count = 0;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "access log: no store given");
	int rc = check_record(viewer, address);
	if (rc < 0)
		return rc;
	db_result *r = NULL;
	/* RETURNING only to count: store_write() rolls back when the rows
	 * cannot be read, so an error always means nothing was written */
	rc = store_write(s,
	                 "INSERT INTO access_log (application_id, user_id, by_candidate, kind,"
	                 " address, created_at)"
	                 " SELECT a.id, $2, CASE WHEN a.candidate_id = $2 THEN 1 ELSE 0 END,"
	                 " 'csv', $3, $4 FROM applications a WHERE a.offer_id = $1"
	                 " RETURNING id",
	                 (db_param[]){ P_INT(offer_id), P_INT(viewer->id), P_TEXT(address),
	                               P_INT(oa_now()) },
	                 4, count ? &r : NULL);
	if (rc == 0 && count)
		*count = r->nrows;
	db_result_free(r);
	return rc;
}

void offerapi_access_list_free(offerapi_access_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].viewer_name);
		free(l->items[i].viewer_login);
		free(l->items[i].address);
	}
	ks_list_free(l->items, l->next, l->prev, l);
}

/* Row @row of @r from column @base: id, application_id, offer_id, user_id,
 * display name, kind, created_at, then with @full the login and address. */
static int item_from_row(const db_result *r, int row, int base, bool full, offerapi_access *v)
{
	v->id = db_int(r, row, base);
	v->application_id = db_int(r, row, base + 1);
	v->offer_id = db_int(r, row, base + 2);
	v->user_id = db_int(r, row, base + 3);
	v->viewer_name = oa_strdup(db_isnull(r, row, base + 4) ? "" : db_text(r, row, base + 4));
	v->kind = kind_parse(db_text(r, row, base + 5));
	v->at = db_int(r, row, base + 6);
	if (!v->viewer_name)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (full) {
		v->viewer_login = oa_strdup(
			db_isnull(r, row, base + 7) ? "" : db_text(r, row, base + 7));
		v->address = oa_strdup(db_text(r, row, base + 8));
		if (!v->viewer_login || !v->address)
			return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	return 0;
}

#define ITEM_COLUMNS                                                                               \
	"l.id, l.application_id, a.offer_id, l.user_id, u.display_name, l.kind, l.created_at"

/* Whether @actor is the candidate of application @id: 0 or ENOTFOUND
 * (the same answer for every other case, so that ids reveal nothing). */
static int check_candidate(offerapi_store *s, const offerapi_user *actor, offerapi_id id)
{
	if (!actor)
		return oa_error(OFFERAPI_EPERM, "log in to see who viewed an application");
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT candidate_id FROM applications WHERE id = $1",
	                    (db_param[]){ P_INT(id) }, 1, &r);
	if (rc == 0 && (r->nrows == 0 || actor->role != OFFERAPI_ROLE_CANDIDATE ||
	                db_int(r, 0, 0) != actor->id))
		rc = oa_error(OFFERAPI_ENOTFOUND, "application %lld: not found", (long long)id);
	db_result_free(r);
	return rc;
}

/* check_candidate() as ks_list_type.check: @who is the actor. */
static int views_check(offerapi_store *s, const void *who, int64_t id)
{
	return check_candidate(s, who, id);
}

/* The page of @res into @list (ks_list_type.fill). */
static int views_fill(ks_result *res, void *list)
{
	offerapi_access_list *l = list;
	ks_take_page(res, &l->total, &l->next, &l->prev);
	l->items = calloc(res->page.count ? res->page.count : 1, sizeof *l->items);
	if (!l->items)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < res->page.count; i++) {
		rc = item_from_row(res->r, res->rows[res->page.first + i].row, res->base, false,
		                   &l->items[l->count]);
		l->count++; /* freed with the list even when half made */
	}
	return rc;
}

static void views_free(void *list)
{
	offerapi_access_list_free(list);
}

/* A candidate's list: others' views of one application, newest first
 * (access_log_application: application, by_candidate, date, id). */
static const ks_list_type views_list = {
	KS_SPEC_NEWEST('v', "v0.id", "v0.created_at",
	               " FROM access_log v0 WHERE v0.application_id = $1 AND v0.by_candidate = 0",
	               1),
	", " ITEM_COLUMNS,
	" JOIN access_log l ON l.id = k.id JOIN applications a"
	" ON a.id = l.application_id LEFT JOIN users u ON u.id = l.user_id",
	sizeof(offerapi_access_list),
	views_fill,
	views_free,
	"access views: no store given",
	"out of memory",
	views_check
};

int offerapi_access_views(offerapi_store *s, const offerapi_user *actor, offerapi_id application_id,
                          const offerapi_page *page, offerapi_access_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "access views: no output given");
	int rc;
	*out = ks_list_checked(s, &views_list, actor, application_id, page, &rc);
	return rc;
}

int offerapi_access_search(offerapi_store *s, const offerapi_access_query *q,
                           offerapi_access_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "access search: no output given");
	*out = NULL;
	if (!s || !q)
		return oa_error(OFFERAPI_EINVAL, "access search: no store or query given");
	if (q->version < 1 || q->version > OFFERAPI_ACCESS_QUERY_VERSION)
		return oa_error(OFFERAPI_EINVAL,
		                "offerapi_access_query: version %u unknown (this library reads 1 to"
		                " %d)",
		                q->version, OFFERAPI_ACCESS_QUERY_VERSION);
	if (q->since < 0 || q->until < 0 || (q->until && q->since > q->until))
		return oa_error(OFFERAPI_EINVAL,
		                "access search: since and until must be times, since before until");
	if (q->limit > OFFERAPI_ACCESS_SEARCH_MAX)
		return oa_error(OFFERAPI_EINVAL, "access search: limit %zu is over %d", q->limit,
		                OFFERAPI_ACCESS_SEARCH_MAX);
	size_t limit = q->limit ? q->limit : OFFERAPI_ACCESS_SEARCH_DEFAULT;
	char sql[1024];
	db_param p[5];
	int n = 0;
	size_t len = (size_t)snprintf(sql, sizeof sql,
	                              "SELECT " ITEM_COLUMNS
	                              ", u.login, l.address FROM access_log l"
	                              " JOIN applications a ON a.id = l.application_id"
	                              " LEFT JOIN users u ON u.id = l.user_id WHERE 1 = 1");
	/* each filter a bound parameter; the sizes are fixed, so sql fits */
	if (q->user_id) {
		p[n++] = P_INT(q->user_id);
		len += (size_t)snprintf(sql + len, sizeof sql - len, " AND l.user_id = $%d", n);
	}
	if (q->application_id) {
		p[n++] = P_INT(q->application_id);
		len += (size_t)snprintf(sql + len, sizeof sql - len, " AND l.application_id = $%d",
		                        n);
	}
	if (q->since) {
		p[n++] = P_INT(q->since);
		len += (size_t)snprintf(sql + len, sizeof sql - len, " AND l.created_at >= $%d", n);
	}
	if (q->until) {
		p[n++] = P_INT(q->until);
		len += (size_t)snprintf(sql + len, sizeof sql - len, " AND l.created_at < $%d", n);
	}
	p[n++] = P_INT((int64_t)limit + 1);
	snprintf(sql + len, sizeof sql - len, " ORDER BY l.created_at DESC, l.id DESC LIMIT $%d",
	         n);
	db_result *r = NULL;
	int rc = store_exec(s, sql, p, n, &r);
	if (rc < 0)
		return rc;
	offerapi_access_list *l = calloc(1, sizeof *l);
	size_t rows = (size_t)r->nrows;
	if (l) {
		l->total = -1;
		l->truncated = rows > limit;
		if (rows > limit)
			rows = limit;
		l->items = calloc(rows ? rows : 1, sizeof *l->items);
	}
	if (!l || !l->items)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < rows; i++) {
		rc = item_from_row(r, (int)i, 0, true, &l->items[l->count]);
		l->count++;
	}
	db_result_free(r);
	if (rc < 0) {
		offerapi_access_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

int offerapi_access_purge(offerapi_store *s, unsigned int days, int64_t *deleted)
{
	if (deleted)
		*deleted = 0;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "access purge: no store given");
	if (days == 0)
		return oa_error(OFFERAPI_EINVAL, "access purge: keep the records at least one day");
	int64_t before = oa_now() - (int64_t)days * 86400;
	for (;;) {
		db_result *r = NULL;
		int rc = store_write(s,
		                     "DELETE FROM access_log WHERE id IN (SELECT id FROM access_log"
		                     " WHERE created_at < $1 ORDER BY created_at LIMIT $2)"
		                     " RETURNING id",
		                     (db_param[]){ P_INT(before), P_INT(PURGE_BATCH) }, 2, &r);
		int got = rc == 0 ? r->nrows : 0;
		db_result_free(r);
		if (rc < 0)
			return rc;
		if (deleted)
			*deleted += got;
		if (got < PURGE_BATCH)
			return 0;
	}
}
