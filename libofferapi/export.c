/*
 * export.c - a person's data as one zip or tar.gz archive (export.h): the
 * rights of access and portability. libarchive writes the archive and hands
 * each block to the caller's write function; JSON is made with jansson.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "archive_dl.h"
#include "internal.h"
#include "store_internal.h"
#include "offerapi/application.h"
#include "offerapi/export.h"
#include "offerapi/jobs.h"
#include "offerapi/offer.h"
#include "offerapi/scoring.h"
#include "offerapi/user.h"

/* Rows read per page of a list while building the JSON files. */
#define EXPORT_PAGE 100

typedef struct exporter {
	offerapi_store *store;
	const oa_libarchive *la; /* libarchive's functions (archive_dl.h) */
	struct archive *ar;
	offerapi_export_write_fn write;
	void *payload;
	bool write_failed; /* the caller's write function said stop */
	bool discard; /* after an error: nothing more reaches the caller */
	int64_t now;
} exporter;

int offerapi_export_format_parse(offerapi_export_format *out, const char *name)
{
	if (!name || !*name || !strcmp(name, "zip")) {
		*out = OFFERAPI_EXPORT_ZIP;
		return 0;
	}
	if (!strcmp(name, "tar.gz")) {
		*out = OFFERAPI_EXPORT_TAR_GZ;
		return 0;
	}
	return oa_error(OFFERAPI_EINVAL, "format: unknown (use zip or tar.gz)");
}

const char *offerapi_export_format_name(offerapi_export_format f)
{
	return f == OFFERAPI_EXPORT_ZIP ? "zip" : f == OFFERAPI_EXPORT_TAR_GZ ? "tar.gz" : NULL;
}

const char *offerapi_export_format_media_type(offerapi_export_format f)
{
	return f == OFFERAPI_EXPORT_ZIP      ? "application/zip"
	       : f == OFFERAPI_EXPORT_TAR_GZ ? "application/gzip"
	                                     : NULL;
}

/* ---- the archive ---- */

/* libarchive's writer. It never reports a failure to libarchive: a failed
 * archive cannot be closed, and archive_write_free() then leaks the zip
 * format's deflate stream. After the caller's refusal or any error, the
 * bytes are dropped instead (the export checks write_failed after each
 * call), and the close that frees everything writes nothing. */
static la_ssize_t to_caller(struct archive *a, void *ctx, const void *buf, size_t n)
{
	(void)a;
	exporter *x = ctx;
	if (!x->discard && x->write(buf, n, x->payload) != 0)
		x->write_failed = x->discard = true;
	return (la_ssize_t)n;
}

/* The error of a failed libarchive call, named after what it was doing. */
static int archive_fail(exporter *x, const char *what)
{
	if (x->write_failed)
		return oa_error(OFFERAPI_ERROR, "export: the output refused the archive (%s)",
		                what);
	const char *msg = x->la->error_string(x->ar);
	return oa_error(OFFERAPI_ERROR, "export: %s: %s", what, msg ? msg : "archive error");
}

static int archive_begin(exporter *x, offerapi_export_format f)
{
	if (!(x->la = oa_libarchive_get()))
		return OFFERAPI_ERROR;
	x->ar = x->la->write_new();
	if (!x->ar)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = f == OFFERAPI_EXPORT_ZIP ? x->la->write_set_format_zip(x->ar)
	         : x->la->write_set_format_pax_restricted(x->ar) == ARCHIVE_OK
	                 ? x->la->write_add_filter_gzip(x->ar)
	                 : ARCHIVE_FATAL;
	if (rc == ARCHIVE_OK && f == OFFERAPI_EXPORT_ZIP)
		rc = x->la->write_zip_set_compression_deflate(x->ar);
	/* no zero padding after the last byte: a gzip stream ends there */
	if (rc == ARCHIVE_OK)
		rc = x->la->write_set_bytes_in_last_block(x->ar, 1);
	if (rc == ARCHIVE_OK)
		rc = x->la->write_open(x->ar, x, NULL, to_caller, NULL);
	return rc == ARCHIVE_OK ? 0 : archive_fail(x, "starting the archive");
}

/* One file of @len bytes at @path in the archive. */
static int add_file(exporter *x, const char *path, const void *data, size_t len)
{
	struct archive_entry *e = x->la->entry_new();
	if (!e)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	x->la->entry_set_pathname(e, path);
	x->la->entry_set_filetype(e, AE_IFREG);
	x->la->entry_set_perm(e, 0600);
	x->la->entry_set_size(e, (la_int64_t)len);
	x->la->entry_set_mtime(e, (time_t)x->now, 0);
	int rc = x->la->write_header(x->ar, e) == ARCHIVE_OK && !x->write_failed
	                 ? 0
	                 : archive_fail(x, path);
	x->la->entry_free(e);
	const char *p = data;
	while (rc == 0 && len > 0) {
		la_ssize_t n = x->la->write_data(x->ar, p, len);
		if (n <= 0 || x->write_failed)
			return archive_fail(x, path);
		p += n;
		len -= (size_t)n;
	}
	return rc;
}

static int add_text(exporter *x, const char *path, const char *text)
{
	return add_file(x, path, text, strlen(text));
}

/* @j (taken) as pretty JSON at @path, at most OFFERAPI_EXPORT_JSON_MAX. */
static int add_json(exporter *x, const char *path, json_t *j)
{
	if (!j)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	size_t n = json_dumpb(j, NULL, 0, JSON_INDENT(2));
	int rc = 0;
	if (n > OFFERAPI_EXPORT_JSON_MAX)
		rc = oa_error(OFFERAPI_ETOOBIG, "export: %s would exceed %u bytes", path,
		              OFFERAPI_EXPORT_JSON_MAX);
	char *buf = rc == 0 && n > 0 ? malloc(n + 1) : NULL; /* 0: jansson failed */
	if (rc == 0 && (!buf || json_dumpb(j, buf, n, JSON_INDENT(2)) != n))
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (rc == 0) {
		buf[n] = '\n';
		rc = add_file(x, path, buf, n + 1);
	}
	free(buf);
	json_decref(j);
	return rc;
}

/* ---- values ---- */

/* Unix seconds as ISO 8601 in UTC, or JSON null for 0 (never). */
static json_t *jdate(int64_t t)
{
	if (t <= 0)
		return json_null();
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];
	if (!gmtime_r(&tt, &tm) || !strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return json_null();
	return json_string(s);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

/* Add @v (taken) under @key of @o; false when out of memory. */
static bool put(json_t *o, const char *key, json_t *v)
{
	return v && json_object_set_new(o, key, v) == 0;
}

/* Add @v under @key of @o, borrowing it: the caller still drops its own
 * reference, whatever happened (so no value leaks on a failure). */
static bool set(json_t *o, const char *key, json_t *v)
{
	return o && v && json_object_set(o, key, v) == 0;
}

static bool push(json_t *arr, json_t *v)
{
	return v && json_array_append_new(arr, v) == 0;
}

/* Append @item (taken; NULL: out of memory) to @arr, the list of file
 * @path, counting its JSON toward @total: OFFERAPI_ETOOBIG past the bound. */
static int push_bounded(json_t *arr, json_t *item, size_t *total, const char *path)
{
	if (!item)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	*total += json_dumpb(item, NULL, 0, JSON_INDENT(2)) + 8;
	if (*total > OFFERAPI_EXPORT_JSON_MAX) {
		json_decref(item);
		return oa_error(OFFERAPI_ETOOBIG, "export: %s would exceed %u bytes", path,
		                OFFERAPI_EXPORT_JSON_MAX);
	}
	return push(arr, item) ? 0 : oa_error(OFFERAPI_ENOMEM, "out of memory");
}

/* ---- account.json ---- */

static json_t *sessions_json(offerapi_store *s, offerapi_id user_id, int *rc)
{
	offerapi_session_list *l = NULL;
	if ((*rc = offerapi_session_list_user(s, user_id, &l)) < 0)
		return NULL;
	json_t *arr = json_array();
	bool ok = arr != NULL;
	for (size_t i = 0; ok && i < l->count; i++) {
		json_t *o = json_object();
		ok = o && put(o, "created_at", jdate(l->items[i].created_at)) &&
		     put(o, "expires_at", jdate(l->items[i].expires_at));
		ok = push(arr, o) && ok;
	}
	offerapi_session_list_free(l);
	if (!ok) {
		json_decref(arr);
		*rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
		return NULL;
	}
	return arr;
}

static int add_account(exporter *x, const offerapi_user *u)
{
	int rc = 0;
	json_t *sessions = sessions_json(x->store, u->id, &rc);
	if (rc < 0)
		return rc;
	json_t *o = json_object();
	bool ok = set(o, "sessions", sessions) && put(o, "id", json_integer(u->id)) &&
	          put(o, "login", jstr(u->login)) &&
	          put(o, "display_name", jstr(u->display_name)) &&
	          put(o, "role", jstr(offerapi_role_name(u->role))) &&
	          put(o, "email", jstr(u->email)) &&
	          put(o, "email_verified", json_boolean(u->email_verified_at > 0)) &&
	          put(o, "email_verified_at", jdate(u->email_verified_at)) &&
	          put(o, "language", jstr(u->lang)) && put(o, "created_at", jdate(u->created_at)) &&
	          put(o, "exported_at", jdate(x->now));
	json_decref(sessions);
	if (!ok) {
		json_decref(o);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	return add_json(x, "account.json", o);
}

/* ---- applications.json and the CVs ---- */

static const char *match_name(offerapi_skill_match m)
{
	return m == OFFERAPI_SKILL_MATCHED  ? "matched"
	       : m == OFFERAPI_SKILL_PARTLY ? "partly"
	                                    : "missing";
}

/* The details of a stored explanation: its skills and parts of the score
 * (added to @o), or nothing for plain text or a document that does not
 * read (its raw text is in "explanation" anyway). */
static bool explanation_details(json_t *o, const char *stored)
{
	offerapi_explanation *e = NULL;
	if (offerapi_explanation_parse(stored, &e) < 0 || e->version == 0) {
		offerapi_explanation_free(e);
		return true;
	}
	json_t *skills = json_array(), *subs = json_array();
	bool ok = set(o, "skills", skills) && set(o, "subscores", subs) &&
	          put(o, "explanation_text", jstr(e->text));
	for (size_t i = 0; ok && i < e->nskills; i++) {
		json_t *k = json_object();
		ok = push(skills, k) && put(k, "skill", jstr(e->skills[i].skill)) &&
		     put(k, "credit", json_real(e->skills[i].credit)) &&
		     put(k, "match", jstr(match_name(e->skills[i].match)));
	}
	for (size_t i = 0; ok && i < e->nsubscores; i++) {
		json_t *k = json_object();
		ok = push(subs, k) && put(k, "name", jstr(e->subscores[i].name)) &&
		     put(k, "value", json_real(e->subscores[i].value));
	}
	offerapi_explanation_free(e);
	json_decref(skills);
	json_decref(subs);
	return ok;
}

static json_t *scores_json(const offerapi_application *a)
{
	json_t *arr = json_array();
	bool ok = arr != NULL;
	for (size_t i = 0; ok && i < a->nscores; i++) {
		const offerapi_score *sc = &a->scores[i];
		json_t *o = json_object();
		ok = push(arr, o) && put(o, "scorer", jstr(sc->scorer)) &&
		     put(o, "scorer_version", jstr(sc->scorer_version)) &&
		     put(o, "score", json_real(sc->score)) &&
		     put(o, "scored_at", jdate(sc->created_at)) &&
		     put(o, "explanation", jstr(sc->explanation)) &&
		     explanation_details(o, sc->explanation);
	}
	if (!ok)
		json_decref(arr);
	return ok ? arr : NULL;
}

static json_t *answers_json(const offerapi_application *a)
{
	json_t *arr = json_array();
	bool ok = arr != NULL;
	for (size_t i = 0; ok && i < a->nanswers; i++) {
		json_t *o = json_object();
		ok = push(arr, o) && put(o, "question", jstr(a->answers[i].question)) &&
		     put(o, "answer", jstr(a->answers[i].answer));
	}
	if (!ok)
		json_decref(arr);
	return ok ? arr : NULL;
}

/* The scoring jobs of application @id: where each score stands. */
static json_t *jobs_json(exporter *x, const offerapi_user *u, offerapi_id id, int *rc)
{
	offerapi_job_status_list *l = NULL;
	if ((*rc = offerapi_job_status_application(x->store, u, id, &l)) < 0)
		return NULL;
	json_t *arr = json_array();
	bool ok = arr != NULL;
	for (size_t i = 0; ok && i < l->count; i++) {
		const offerapi_job_status *j = &l->items[i];
		json_t *o = json_object();
		ok = push(arr, o) && put(o, "scorer", jstr(j->scorer)) &&
		     put(o, "scorer_version", jstr(j->scorer_version)) &&
		     put(o, "state", jstr(offerapi_job_state_name(j->state))) &&
		     put(o, "attempts", json_integer(j->attempts));
	}
	offerapi_job_status_list_free(l);
	if (!ok) {
		json_decref(arr);
		*rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
		return NULL;
	}
	return arr;
}

/* The application's stages as its candidate reads them (a rejection's
 * reason only when the recruiter showed it): the current one and every
 * change. */
static bool stages_json(exporter *x, const offerapi_user *u, const offerapi_application *a,
                        json_t *o, int *rc)
{
	offerapi_stage_history *h = NULL;
	if ((*rc = offerapi_application_history(x->store, u, a->id, &h)) < 0)
		return false;
	json_t *arr = json_array();
	bool ok = put(o, "stage", jstr(offerapi_stage_name(a->stage))) &&
	          put(o, "stage_since", jdate(a->stage_at ? a->stage_at : a->created_at)) &&
	          set(o, "stage_history", arr);
	for (size_t i = 0; ok && i < h->count; i++) {
		const offerapi_stage_event *e = &h->items[i];
		json_t *ev = json_object();
		ok = push(arr, ev) && put(ev, "at", jdate(e->created_at)) &&
		     put(ev, "from", jstr(offerapi_stage_name(e->from))) &&
		     put(ev, "to", jstr(offerapi_stage_name(e->to)));
		if (ok && e->reason != OFFERAPI_REASON_NONE)
			ok = put(ev, "reason", jstr(offerapi_reject_reason_name(e->reason))) &&
			     put(ev, "reason_text", jstr(e->reason_text));
	}
	json_decref(arr);
	offerapi_stage_history_free(h);
	if (!ok)
		*rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	return ok;
}

static void cv_path(char *out, size_t n, offerapi_id id, const char *ext)
{
	snprintf(out, n, "cv/application-%lld.%s", (long long)id, ext);
}

static json_t *application_json(exporter *x, const offerapi_user *u, const offerapi_application *a,
                                int *rc)
{
	json_t *jobs = jobs_json(x, u, a->id, rc);
	if (*rc < 0)
		return NULL;
	char pdf[64], txt[64];
	cv_path(pdf, sizeof pdf, a->id, "pdf");
	cv_path(txt, sizeof txt, a->id, "txt");
	json_t *o = json_object(), *offer = json_object();
	bool ok = set(o, "scoring_jobs", jobs) && set(o, "offer", offer) &&
	          put(offer, "id", json_integer(a->offer_id)) &&
	          put(offer, "title", jstr(a->offer_title)) &&
	          put(offer, "open", json_boolean(a->offer_is_open));
	ok = ok && put(o, "id", json_integer(a->id)) &&
	     put(o, "applied_at", jdate(a->created_at)) &&
	     put(o, "cv_filename", jstr(a->filename)) &&
	     put(o, "cv_size", json_integer((json_int_t)a->pdf_size)) &&
	     put(o, "cv_pdf", json_string(pdf)) && put(o, "cv_text", json_string(txt)) &&
	     put(o, "answers", answers_json(a)) && put(o, "scores", scores_json(a)) &&
	     put(o, "pool_consent", json_boolean(a->pool_consent)) &&
	     put(o, "consent_at", a->consent_at ? jdate(a->consent_at) : json_null()) &&
	     put(o, "notice_version", *a->notice_version ? jstr(a->notice_version) : json_null());
	json_decref(jobs);
	json_decref(offer);
	if (ok && !stages_json(x, u, a, o, rc)) {
		json_decref(o);
		return NULL;
	}
	if (!ok) {
		json_decref(o);
		*rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
		return NULL;
	}
	return o;
}

/* Ids of the applications listed, in the order of applications.json. */
typedef struct id_list {
	offerapi_id *ids;
	size_t count, cap;
} id_list;

static int id_add(id_list *l, offerapi_id id)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 64;
		offerapi_id *n = realloc(l->ids, cap * sizeof *n);
		if (!n)
			return oa_error(OFFERAPI_ENOMEM, "out of memory");
		l->ids = n;
		l->cap = cap;
	}
	l->ids[l->count++] = id;
	return 0;
}

/* Append one page of a list of @u's to @arr (@extra: what the list's
 * function wants besides); *cursor, the page's (NULL: the first), becomes
 * the next page's (NULL after the last). */
typedef int (*page_fn)(exporter *x, const offerapi_user *u, char **cursor, json_t *arr,
                       size_t *total, void *extra);

/* Every page of a list, through @page, into a new array *@out. */
static int all_pages(exporter *x, const offerapi_user *u, page_fn page, void *extra, json_t **out,
                     size_t *total)
{
	json_t *arr = json_array();
	if (!arr)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	char *cursor = NULL;
	int rc;
	do
		rc = page(x, u, &cursor, arr, total, extra);
	while (rc == 0 && cursor);
	free(cursor);
	if (rc < 0)
		json_decref(arr);
	else
		*out = arr;
	return rc;
}

/* A page_fn: the applications, their ids appended to @extra (an id_list). */
static int applications_page(exporter *x, const offerapi_user *u, char **cursor, json_t *arr,
                             size_t *total, void *extra)
{
	id_list *ids = extra;
	offerapi_page page = OFFERAPI_PAGE_INIT;
	page.cursor = *cursor;
	page.limit = EXPORT_PAGE;
	offerapi_application_list *l = NULL;
	int rc = offerapi_application_list_mine_page(x->store, u, &page, &l);
	free(*cursor);
	*cursor = NULL;
	for (size_t i = 0; rc == 0 && i < l->count; i++) {
		json_t *o = application_json(x, u, &l->items[i], &rc);
		if (rc == 0) /* else o is NULL */
			rc = push_bounded(arr, o, total, "applications.json");
		if (rc == 0)
			rc = id_add(ids, l->items[i].id);
	}
	if (rc == 0 && l->next && !(*cursor = oa_strdup(l->next)))
		rc = OFFERAPI_ENOMEM;
	offerapi_application_list_free(l);
	return rc;
}

/* Application @id's CV as uploaded, then its extracted text: one CV in
 * memory at a time. */
static int add_cv(exporter *x, const offerapi_user *u, offerapi_id id)
{
	char path[64];
	void *pdf = NULL;
	size_t len = 0;
	int rc = offerapi_application_pdf(x->store, u, id, &pdf, &len);
	if (rc == 0) {
		cv_path(path, sizeof path, id, "pdf");
		rc = add_file(x, path, pdf, len);
	}
	offerapi_free(pdf);
	offerapi_application *a = NULL;
	if (rc == 0)
		rc = offerapi_application_get(x->store, u, id, &a);
	if (rc == 0) {
		cv_path(path, sizeof path, id, "txt");
		rc = add_text(x, path, a->cv_text ? a->cv_text : "");
	}
	offerapi_application_free(a);
	return rc;
}

static int add_applications(exporter *x, const offerapi_user *u)
{
	id_list ids = { 0 };
	size_t total = 0;
	json_t *arr = NULL;
	int rc = all_pages(x, u, applications_page, &ids, &arr, &total);
	if (rc == 0)
		rc = add_json(x, "applications.json", arr);
	for (size_t i = 0; rc == 0 && i < ids.count; i++)
		rc = add_cv(x, u, ids.ids[i]);
	free(ids.ids);
	return rc;
}

/* ---- offers.json ---- */

static json_t *strings_json(char **v, size_t n)
{
	json_t *arr = json_array();
	bool ok = arr != NULL;
	for (size_t i = 0; ok && i < n; i++)
		ok = push(arr, jstr(v[i]));
	if (!ok)
		json_decref(arr);
	return ok ? arr : NULL;
}

static json_t *offer_json(const offerapi_offer *f)
{
	json_t *o = json_object();
	bool ok = o && put(o, "id", json_integer(f->id)) && put(o, "title", jstr(f->title)) &&
	          put(o, "description", jstr(f->description)) &&
	          put(o, "location", jstr(f->location)) &&
	          put(o, "skills", strings_json(f->skills, f->nskills)) &&
	          put(o, "questions", strings_json(f->questions, f->nquestions)) &&
	          put(o, "published_at", jdate(f->published_at)) &&
	          put(o, "open", json_boolean(f->is_open)) &&
	          put(o, "applications", json_integer(f->napplications)) &&
	          put(o, "archived_at", jdate(f->archived_at));
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

/* A page_fn: the offers. */
static int offers_page(exporter *x, const offerapi_user *u, char **cursor, json_t *arr,
                       size_t *total, void *extra)
{
	(void)extra;
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.recruiter_id = u->id;
	q.include_closed = 1;
	q.flags = OFFERAPI_OFFER_COUNTS;
	offerapi_page page = OFFERAPI_PAGE_INIT;
	page.cursor = *cursor;
	page.limit = EXPORT_PAGE;
	offerapi_offer_list *l = NULL;
	int rc = offerapi_offer_list_page(x->store, &q, &page, &l);
	free(*cursor);
	*cursor = NULL;
	for (size_t i = 0; rc == 0 && i < l->count; i++)
		rc = push_bounded(arr, offer_json(&l->items[i]), total, "offers.json");
	if (rc == 0 && l->next && !(*cursor = oa_strdup(l->next)))
		rc = OFFERAPI_ENOMEM;
	offerapi_offer_list_free(l);
	return rc;
}

/* The recruiter's archived offers (which no list shows any more, but the
 * store keeps with their applications), oldest first, appended to @arr. */
static int archived_offers(exporter *x, const offerapi_user *u, json_t *arr, size_t *total)
{
	db_result *r = NULL;
	int rc = store_exec(x->store,
	                    "SELECT id FROM offers WHERE recruiter_id = $1"
	                    " AND archived_at IS NOT NULL ORDER BY id",
	                    (db_param[]){ P_INT(u->id) }, 1, &r);
	for (int i = 0; rc == 0 && i < r->nrows; i++) {
		offerapi_offer *f = NULL;
		if ((rc = offerapi_offer_get(x->store, db_int(r, i, 0), &f)) < 0)
			break;
		json_t *o = offer_json(f);
		offerapi_offer_free(f);
		rc = push_bounded(arr, o, total, "offers.json");
	}
	db_result_free(r);
	return rc;
}

static int add_offers(exporter *x, const offerapi_user *u)
{
	size_t total = 0;
	json_t *arr = NULL;
	int rc = all_pages(x, u, offers_page, NULL, &arr, &total);
	if (rc == 0 && (rc = archived_offers(x, u, arr, &total)) < 0)
		json_decref(arr);
	return rc < 0 ? rc : add_json(x, "offers.json", arr);
}

/* ---- README.txt ---- */

static const char readme_head[] =
	"OffreAPI - vos données / your data\n"
	"==================================\n\n"
	"Français\n--------\n"
	"Cette archive contient toutes les données qu'OffreAPI garde sur votre compte\n"
	"(RGPD, articles 15 et 20). Les dates sont en UTC (ISO 8601).\n\n"
	"  README.txt          ce fichier\n"
	"  account.json        votre compte : identifiant, nom affiché, rôle, adresse\n"
	"                      e-mail et si elle est vérifiée, langue, date de création,\n"
	"                      sessions ouvertes\n";
static const char readme_candidate_fr[] =
	"  applications.json   vos candidatures : offre (id, titre, ouverte ou non),\n"
	"                      date, réponses aux questions, scores (nom et version du\n"
	"                      programme de notation, explication), état de la notation,\n"
	"                      étape (reçue, entretien, refusée...) et ses changements,\n"
	"                      consentement au vivier (oui ou non, sa date, la version\n"
	"                      de la notice d'information montrée)\n"
	"  cv/application-N.pdf  le CV envoyé avec la candidature N, tel quel\n"
	"  cv/application-N.txt  le texte qu'OffreAPI en a extrait\n";
static const char readme_recruiter_fr[] =
	"  offers.json         vos offres (ouvertes, fermées, archivées) : titre,\n"
	"                      description, lieu, compétences, questions, date,\n"
	"                      nombre de candidatures\n";
static const char readme_en_head[] =
	"\nEnglish\n-------\n"
	"This archive holds all the data OffreAPI keeps about your account (GDPR,\n"
	"articles 15 and 20). Dates are in UTC (ISO 8601).\n\n"
	"  README.txt          this file\n"
	"  account.json        your account: login, display name, role, e-mail address\n"
	"                      and whether it is verified, language, creation date,\n"
	"                      open sessions\n";
static const char readme_candidate_en[] =
	"  applications.json   your applications: offer (id, title, open or not), date,\n"
	"                      answers to the questions, scores (name and version of the\n"
	"                      scorer, explanation), scoring state, stage (received,\n"
	"                      interview, rejected...) and its changes, pool consent\n"
	"                      (yes or no, its date, the version of the privacy notice\n"
	"                      shown)\n"
	"  cv/application-N.pdf  the CV sent with application N, as it was\n"
	"  cv/application-N.txt  the text OffreAPI extracted from it\n";
static const char readme_recruiter_en[] =
	"  offers.json         your offers (open, closed, archived): title, description,\n"
	"                      location, skills, questions, date, number of applications\n";

static int add_readme(exporter *x, offerapi_role role)
{
	bool cand = role == OFFERAPI_ROLE_CANDIDATE;
	char text[sizeof readme_head + sizeof readme_candidate_fr + sizeof readme_recruiter_fr +
	          sizeof readme_en_head + sizeof readme_candidate_en + sizeof readme_recruiter_en];
	snprintf(text, sizeof text, "%s%s%s%s", readme_head,
	         cand ? readme_candidate_fr : readme_recruiter_fr, readme_en_head,
	         cand ? readme_candidate_en : readme_recruiter_en);
	return add_text(x, "README.txt", text);
}

/* ---- the export ---- */

int offerapi_user_export(offerapi_store *s, offerapi_id user_id, offerapi_export_format format,
                         offerapi_export_write_fn write, void *payload)
{
	if (!offerapi_export_format_name(format))
		return oa_error(OFFERAPI_EINVAL, "format: unknown value %d", (int)format);
	if (!write)
		return oa_error(OFFERAPI_EINVAL, "export: no write function");
	offerapi_user *u = NULL;
	int rc = offerapi_user_get(s, user_id, &u);
	if (rc < 0)
		return rc;
	exporter x = { .store = s, .write = write, .payload = payload, .now = oa_now() };
	rc = archive_begin(&x, format);
	if (rc == 0)
		rc = add_readme(&x, u->role);
	if (rc == 0)
		rc = add_account(&x, u);
	if (rc == 0)
		rc = u->role == OFFERAPI_ROLE_CANDIDATE ? add_applications(&x, u)
		                                        : add_offers(&x, u);
	if (rc == 0 && (x.la->write_close(x.ar) != ARCHIVE_OK || x.write_failed))
		rc = archive_fail(&x, "finishing the archive");
	/* after an error, close to free libarchive's buffers, but let no
	 * trailer out: a failed archive must not look whole */
	x.discard = true;
	if (x.ar && rc < 0)
		x.la->write_close(x.ar);
	if (x.ar)
		x.la->write_free(x.ar);
	offerapi_user_free(u);
	return rc;
}
