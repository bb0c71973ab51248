/*
 * api_application.c - applying, an offer's ranked applications (and their
 * CSV), a candidate's own applications, one application and its CV.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sodium.h>

#include "api.h"
#include "form.h"
#include "i18n.h"

/* An application read from either kind of body; owns what @in points into. */
typedef struct apply_body {
	form f;
	bool has_form;
	json_t *j;
	unsigned char *pdf;
	const char *answers[OFFERAPI_QUESTIONS_MAX];
	svc_apply_in in;
} apply_body;

static void apply_body_free(apply_body *b)
{
	if (b->has_form)
		form_free(&b->f);
	json_decref(b->j);
	free(b->pdf);
}

static void too_big(req *r)
{
	char msg[128];
	snprintf(msg, sizeof msg, "cv: larger than allowed (CV at most %zu bytes)",
	         r->app->cfg.max_upload);
	respond_api_error(r, 413, "too_big", msg);
}

/* The pool_consent field of a form: absent, "true"/"1"/"on" or
 * "false"/"0"; false with a 422 for anything else. */
static bool form_consent(req *r, const form *f, bool *out)
{
	const char *v = form_get(f, "pool_consent");
	*out = false;
	if (!v || !strcmp(v, "false") || !strcmp(v, "0"))
		return true;
	if (!strcmp(v, "true") || !strcmp(v, "1") || !strcmp(v, "on")) {
		*out = true;
		return true;
	}
	respond_api_error(r, 422, "invalid", T(r, "err.pool_consent"));
	return false;
}

/* multipart/form-data: the file in field cv, answers as answer_0, answer_1...,
 * pool_consent */
static bool apply_from_form(req *r, apply_body *b)
{
	b->has_form = true;
	int rc = form_parse(r, &b->f, r->app->cfg.max_upload, r->app->cfg.max_body);
	if (rc == 413) {
		too_big(r);
	} else if (rc == 408) {
		respond_api_error(r, 408, "request_timeout", "the body took too long to arrive");
	} else if (rc) {
		respond_api_error(r, 400, "bad_request",
		                  b->f.error_what ? b->f.error_what : "malformed form");
	} else {
		b->in = (svc_apply_in){ b->f.filename,
			                b->f.has_file ? b->f.file : NULL,
			                b->f.file_len,
			                b->answers,
			                form_answers(&b->f, b->answers, OFFERAPI_QUESTIONS_MAX),
			                false };
		return form_consent(r, &b->f, &b->in.pool_consent);
	}
	return rc == 0;
}

/* The "answers" member: an array of at most OFFERAPI_QUESTIONS_MAX strings. */
static bool json_answers(req *r, apply_body *b)
{
	json_t *ans = json_object_get(b->j, "answers");
	if (!ans || json_is_null(ans))
		return true;
	size_t n = json_is_array(ans) ? json_array_size(ans) : SIZE_MAX;
	for (size_t i = 0; i < n && n <= OFFERAPI_QUESTIONS_MAX; i++)
		if (!(b->answers[i] = json_string_value(json_array_get(ans, i))))
			n = SIZE_MAX;
	if (n > OFFERAPI_QUESTIONS_MAX) {
		respond_api_error(r, 422, "invalid", "answers: an array of at most 20 strings");
		return false;
	}
	b->in.nanswers = n;
	return true;
}

/* application/json: {filename, pdf_base64, answers[]}; base64 makes the
 * body a third larger than the CV. */
static bool apply_from_json(req *r, apply_body *b)
{
	char msg[128];
	snprintf(msg, sizeof msg, "cv: larger than allowed (CV at most %zu bytes)",
	         r->app->cfg.max_upload);
	b->j = api_body_max(r, r->app->cfg.max_upload / 3 * 4 + 8 + r->app->cfg.max_body, msg);
	if (!b->j)
		return false;
	bool bad = false;
	const char *b64 = jstr(b->j, "pdf_base64", &bad);
	b->in.filename = jstr(b->j, "filename", &bad);
	b->in.answers = b->answers;
	if (bad || !b64) {
		respond_api_error(r, 422, "invalid", "pdf_base64: the CV in base64 is required");
		return false;
	}
	if (!json_answers(r, b))
		return false;
	json_t *pool = json_object_get(b->j, "pool_consent");
	if (pool && !json_is_boolean(pool) && !json_is_null(pool)) {
		respond_api_error(r, 422, "invalid", T(r, "err.pool_consent"));
		return false;
	}
	b->in.pool_consent = json_is_true(pool);
	size_t b64len = strlen(b64), cap = b64len / 4 * 3 + 3;
	if (!(b->pdf = malloc(cap))) {
		respond_api_error(r, 500, "internal", "out of memory");
		return false;
	}
	if (sodium_base642bin(b->pdf, cap, b64, b64len, " \r\n", &b->in.len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0) {
		respond_api_error(r, 422, "invalid", "pdf_base64: not valid base64");
		return false;
	}
	if (b->in.len > r->app->cfg.max_upload) {
		too_big(r);
		return false;
	}
	b->in.pdf = b->pdf;
	return true;
}

void api_apply(req *r)
{
	if (!api_need(r, OFFERAPI_ROLE_CANDIDATE))
		return;
	const char *ct = mg_get_header(r->conn, "Content-Type");
	apply_body b;
	memset(&b, 0, sizeof b);
	bool ok;
	if (ct && !strncasecmp(ct, "multipart/form-data", 19)) {
		ok = apply_from_form(r, &b);
	} else if (ct && !strncasecmp(ct, "application/json", 16)) {
		ok = apply_from_json(r, &b);
	} else {
		respond_api_error(r, 415, "unsupported_media_type",
		                  "send multipart/form-data (field cv) or application/json");
		ok = false;
	}
	offerapi_id id = 0;
	offerapi_application *a = NULL;
	int rc = ok ? svc_apply(r, r->id, &b.in, &id) : 0;
	if (ok && rc == 0)
		rc = offerapi_application_get(r->app->store, r->user, id, &a);
	if (ok && rc) {
		api_fail(r, rc, true);
	} else if (ok) {
		req_header(r, "Location: /api/v1/applications/%lld", (long long)id);
		/* The candidate sees their application, not its scores. */
		respond_json(r, 201, json_pack("{s:o}", "application", application_json(a, false)));
	}
	offerapi_application_free(a);
	apply_body_free(&b);
}

/* ?rank must name one of the dashboard's scorer columns (loaded scorers,
 * then stored ones): otherwise 400 with the allowed values, where the
 * pages quietly rank by the default. Answers and returns false. */
static bool rank_known(req *r, const svc_dashboard *d)
{
	char rank[OFFERAPI_SCORER_NAME_MAX + 1];
	if (query_var(r, "rank", rank, sizeof rank) <= 0)
		return true;
	json_t *allowed = json_array();
	for (size_t i = 0; i < d->ncols; i++) {
		if (!strcmp(d->cols[i], rank)) {
			json_decref(allowed);
			return true;
		}
		json_array_append_new(allowed, json_string(d->cols[i]));
	}
	json_t *errs = json_array();
	problem_add(r, errs, "rank", "field.rank");
	json_object_set_new(json_array_get(errs, 0), "allowed", allowed);
	respond_problem(r, 400, "invalid", T(r, "problem.bad_query"), errs);
	return false;
}

/* The dashboard of offer r->id with a known ?rank, or false once answered. */
static bool dashboard_load(req *r, svc_dashboard *d)
{
	if (!api_need(r, OFFERAPI_ROLE_RECRUITER))
		return false;
	int rc = svc_dashboard_for(r, d);
	char c[OFFERAPI_CURSOR_MAX];
	if (rc == OFFERAPI_EINVAL && query_var(r, "cursor", c, sizeof c) >= 0) {
		api_page_bad_cursor(r); /* the only value left the library can refuse */
		return false;
	}
	if (rc) {
		api_fail(r, rc, false);
		return false;
	}
	if (!rank_known(r, d)) {
		svc_dashboard_free(d);
		return false;
	}
	return true;
}

void api_offer_applications(req *r)
{
	static const char *const known[] = { "rank", "stage", NULL };
	char cursor[OFFERAPI_CURSOR_MAX];
	offerapi_page page;
	svc_dashboard d;
	if (!api_page_query(r, known, &page, cursor) || !dashboard_load(r, &d))
		return;
	/* read with the dashboard, in the same round trip */
	const offerapi_job_status_list *jobs = d.dash->jobs;
	json_t *a = json_array(), *scorers = json_array();
	for (size_t i = 0; i < d.list->count; i++) {
		json_t *one = application_json(&d.list->items[i], true);
		if (one)
			json_object_set_new(one, "jobs",
			                    jobs_json(jobs, d.list->items[i].id, true));
		json_array_append_new(a, one);
	}
	for (size_t i = 0; i < offerapi_scorers_count(r->app->scorers); i++)
		json_array_append_new(scorers,
		                      json_string(offerapi_scorers_info(r->app->scorers, i)->name));
	json_t *out = json_pack("{s:I,s:o,s:I,s:I,s:o}", "offer_id", (json_int_t)r->id,
	                        "applications", a, "count", (json_int_t)d.count, "scored",
	                        (json_int_t)d.scored, "scorers", scorers);
	if (out) {
		/* the page: ?limit and the opaque ?cursor of next/prev */
		api_page_answer(r, out, d.list->next, d.list->prev, page.limit,
		                d.staged ? d.staged->total : (int64_t)d.count);
		json_t *hist = json_array();
		for (int k = 0; k < OFFERAPI_DASHBOARD_BINS; k++)
			json_array_append_new(hist, json_integer(d.dash->histogram[k]));
		json_object_set_new(out, "histogram", hist);
		json_object_set_new(out, "purged", json_integer(d.dash->purged));
		json_object_set_new(out, "rank_by", d.by ? json_string(d.by) : json_null());
		json_object_set_new(out, "mean", d.scored ? json_real(d.mean) : json_null());
	}
	svc_dashboard_free(&d);
	respond_json(r, 200, out);
}

void api_offer_applications_csv(req *r)
{
	svc_dashboard d;
	if (!dashboard_load(r, &d))
		return;
	svc_dashboard_free(&d);
	respond_dashboard_csv(r, api_fail_plain);
}

/* The candidate's applications, newest first, by page (api_page.c);
 * the total is one index range (applications_candidate_created). */
void api_my_applications(req *r)
{
	api_list q;
	if (!api_list_query(r, OFFERAPI_ROLE_CANDIDATE, &q))
		return;
	offerapi_application_list *l = NULL;
	int rc = offerapi_application_list_mine_page(r->app->store, r->user, &q.page, &l);
	if (api_page_failed(r, rc, &q.page))
		return;
	json_t *a = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(a, application_json(&l->items[i], false));
	api_list_send(r, &q, json_pack("{s:o}", "applications", a), l->next, l->prev, l->total);
	offerapi_application_list_free(l);
}

/* Who viewed the candidate's application r->id, newest first, by page:
 * the viewer's id and display name, what and when (never the address). */
void api_my_application_views(req *r)
{
	api_list q;
	if (!api_list_query(r, OFFERAPI_ROLE_CANDIDATE, &q))
		return;
	offerapi_access_list *l = NULL;
	if (api_page_failed(r, svc_access_views(r, &q.page, &l), &q.page))
		return;
	json_t *a = json_array();
	for (size_t i = 0; i < l->count; i++) {
		const offerapi_access *v = &l->items[i];
		json_array_append_new(
			a,
			json_pack("{s:I,s:o,s:o,s:s,s:I}", "id", (json_int_t)v->id, "viewer_id",
		                  v->user_id ? json_integer((json_int_t)v->user_id) : json_null(),
		                  "viewer_name",
		                  *v->viewer_name ? json_string(v->viewer_name) : json_null(),
		                  "kind", offerapi_access_kind_name(v->kind), "viewed_at",
		                  (json_int_t)v->at));
	}
	api_list_send(r, &q,
	              json_pack("{s:I,s:o}", "application_id", (json_int_t)r->id, "views", a),
	              l->next, l->prev, l->total);
	offerapi_access_list_free(l);
}

/* The scoring jobs of one application: its candidate sees the states,
 * its offer's recruiter also the reasons of failures. */
void api_application_jobs(req *r)
{
	offerapi_job_status_list *l = NULL;
	int rc = svc_jobs_application(r, &l);
	if (rc)
		api_fail(r, rc, false);
	else
		respond_json(
			r, 200,
			json_pack("{s:I,s:o}", "application_id", (json_int_t)r->id, "jobs",
		                  jobs_json(l, r->id, r->user->role == OFFERAPI_ROLE_RECRUITER)));
	offerapi_job_status_list_free(l);
}

/* POST {"scorer": NAME}: the failed job of NAME goes back to the queue with
 * all its attempts; answers the application's jobs. */
void api_job_retry(req *r)
{
	json_t *body = api_need_body(r, OFFERAPI_ROLE_RECRUITER);
	if (!body)
		return;
	bool bad = false;
	const char *scorer = jstr(body, "scorer", &bad);
	int rc = bad ? svc_fail(OFFERAPI_EINVAL, "err.retry_scorer") : svc_job_retry(r, scorer);
	json_decref(body);
	if (rc) {
		api_fail(r, rc, false);
		return;
	}
	api_application_jobs(r);
}

void api_cv_pdf(req *r)
{
	respond_cv(r, false, api_fail_plain);
}

void api_cv_text(req *r)
{
	respond_cv(r, true, api_fail_plain);
}

void api_not_found(req *r)
{
	respond_api_error(r, 404, "not_found", T(r, "err.no_route"));
}
