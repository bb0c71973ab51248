/*
 * api_util.c - what the API handlers share: errors, the role check, JSON
 * bodies, query parameters, and the JSON form of users, offers and
 * applications.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api.h"
#include "explain.h"
#include "form.h"
#include "i18n.h"

/* The library's "field: text" (the field it names first) as one entry of
 * a problem's errors: a JSON pointer to the body member, and the text in
 * the request's language when it is one of the library's usual ones (else
 * the library's English line). NULL when the message names no field. */
static json_t *field_errors(req *r, const char *msg)
{
	static const char *const names[][2] = { { "display name", "display_name" },
		                                { "skill", "skills" },
		                                { "question", "questions" } };
	static const char *const texts[][2] = {
		{ "missing", "field.missing" },
		{ "too long", "field.too_long" },
		{ "must not be empty", "field.empty" },
		{ "contains a control", "field.control" },
		{ "not valid UTF-8", "field.utf8" },
		{ "too short", "field.short" },
		{ "already passed", "field.deadline_past" },
	};
	const char *colon = strstr(msg, ": ");
	if (!colon || colon == msg || colon - msg > 24)
		return NULL;
	char name[32];
	snprintf(name, sizeof name, "%.*s", (int)(colon - msg), msg);
	const char *field = name;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (!strcmp(name, names[i][0]))
			field = names[i][1];
	if (strspn(field, "abcdefghijklmnopqrstuvwxyz_") != strlen(field))
		return NULL;
	const char *detail = msg;
	for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
		if (!strncmp(colon + 2, texts[i][0], strlen(texts[i][0])))
			detail = T(r, texts[i][1]);
	/* "too short (at least 8 characters)": keep the minimum */
	int min = 0;
	char with_min[96];
	if (sscanf(colon + 2, "too short (at least %d characters)", &min) == 1 && min > 0) {
		snprintf(with_min, sizeof with_min, "%s (%s %d %s)", T(r, "field.short"),
		         T(r, "field.at_least"), min, T(r, "field.characters"));
		detail = with_min;
	}
	char ptr[40];
	snprintf(ptr, sizeof ptr, "/%s", field);
	return json_pack("[{s:s,s:s}]", "pointer", ptr, "detail", detail);
}

void api_scope_refused(req *r, unsigned scope)
{
	const char *name = offerapi_scope_name(scope);
	char msg[256];
	if (name) {
		req_header(r, "WWW-Authenticate: Bearer error=\"insufficient_scope\", scope=\"%s\"",
		           name);
		snprintf(msg, sizeof msg, "%s%s", T(r, "err.scope_missing"), name);
	} else {
		snprintf(msg, sizeof msg, "%s", T(r, "err.scope_account"));
	}
	respond_api_error(r, 403, "insufficient_scope", msg);
}

/* The problem for library or service code @rc. The detail is the
 * library's line (English, precise) for English readers and the sentence
 * of the request's language otherwise; a field error also gets its
 * pointer in errors. */
void api_fail(req *r, int rc, bool upload)
{
	http_error e;
	http_error_for(r, rc, upload, &e);
	if (rc == OFFERAPI_EAUTH)
		req_header(r, "WWW-Authenticate: Bearer");
	json_t *errs = e.status == 422 ? field_errors(r, e.detail) : NULL;
	const char *detail = r->lang == LANG_EN ? e.detail
	                     : errs             ? T(r, "err.invalid_fields")
	                                        : e.message;
	respond_problem(r, e.status, e.code, detail, errs);
}

void api_fail_plain(req *r, int rc)
{
	api_fail(r, rc, false);
}

void api_done(req *r, int rc, int status)
{
	if (rc)
		api_fail(r, rc, false);
	else
		respond(r, status, NULL, "", 0);
}

/* Check member @name of @j: a string of at most @max bytes, required or
 * not; adds what is wrong to @errs (the library checks the rest). */
void api_check_string(req *r, json_t *j, const char *name, size_t max, bool required, json_t *errs)
{
	json_t *v = json_object_get(j, name);
	char ptr[48];
	snprintf(ptr, sizeof ptr, "/%s", name);
	if (!v || json_is_null(v)) {
		if (required)
			problem_add(r, errs, ptr, "field.missing");
	} else if (!json_is_string(v)) {
		problem_add(r, errs, ptr, "field.string");
	} else if (json_string_length(v) > max) {
		problem_add(r, errs, ptr, "field.too_long");
	} else if (required && json_string_length(v) == 0) {
		problem_add(r, errs, ptr, "field.empty");
	}
}

/* Check member @name: absent, null, or an array of at most @max strings
 * of at most @len bytes each; every bad item gets its own pointer. */
void api_check_strings(req *r, json_t *j, const char *name, size_t max, size_t len, json_t *errs)
{
	json_t *a = json_object_get(j, name);
	char ptr[48];
	snprintf(ptr, sizeof ptr, "/%s", name);
	if (!a || json_is_null(a))
		return;
	if (!json_is_array(a)) {
		problem_add(r, errs, ptr, "field.array");
		return;
	}
	if (json_array_size(a) > max)
		problem_add(r, errs, ptr, "field.too_many");
	for (size_t i = 0; i < json_array_size(a) && i < max; i++) {
		json_t *v = json_array_get(a, i);
		snprintf(ptr, sizeof ptr, "/%s/%zu", name, i);
		if (!json_is_string(v))
			problem_add(r, errs, ptr, "field.string");
		else if (json_string_length(v) > len)
			problem_add(r, errs, ptr, "field.too_long");
	}
}

/* Answer 422 with every invalid field of @errs and return false, or
 * return true (and free @errs) when there is none. */
bool api_fields_ok(req *r, json_t *errs)
{
	if (!json_array_size(errs)) {
		json_decref(errs);
		return true;
	}
	respond_problem(r, 422, "invalid", T(r, "err.invalid_fields"), errs);
	return false;
}

bool api_need(req *r, int role)
{
	int rc = svc_require(r, role);
	if (rc)
		api_fail(r, rc, false);
	return rc == 0;
}

/* Read a JSON object body of at most @max bytes. Nesting is bounded before
 * jansson sees the bytes: its parser recurses once per level, and a
 * CivetWeb worker's stack is 100 KiB (docs/dependencies.md). Answers and
 * returns NULL on failure; @toobig names what is too large. */
json_t *api_body_max(req *r, size_t max, const char *toobig)
{
	return api_body_as(r, max, toobig, "application/json");
}

json_t *api_body_as(req *r, size_t max, const char *toobig, const char *ctype)
{
	const char *ct = mg_get_header(r->conn, "Content-Type");
	size_t n = strlen(ctype);
	if (!ct || strncasecmp(ct, ctype, n) != 0 || (ct[n] && ct[n] != ';' && ct[n] != ' ')) {
		char msg[96];
		snprintf(msg, sizeof msg, "send the body as %s", ctype);
		respond_api_error(r, 415, "unsupported_media_type", msg);
		return NULL;
	}
	char *body = NULL;
	size_t len = 0;
	int rc = read_body(r, max, &body, &len);
	if (rc == 413) {
		respond_api_error(r, 413, "too_big", toobig);
		return NULL;
	}
	if (rc == 408) {
		respond_api_error(r, 408, "request_timeout", "the body took too long to arrive");
		return NULL;
	}
	if (rc) {
		respond_api_error(r, 400, "bad_request", "the body could not be read");
		return NULL;
	}
	if (json_depth(body, len) > JSON_MAX_DEPTH) {
		free(body);
		char msg[96];
		snprintf(msg, sizeof msg, "the JSON body is nested deeper than %d levels",
		         JSON_MAX_DEPTH);
		respond_api_error(r, 400, "bad_json", msg);
		return NULL;
	}
	json_error_t err;
	json_t *j = json_loadb(body, len, JSON_REJECT_DUPLICATES, &err);
	free(body);
	if (!j) {
		char msg[300];
		snprintf(msg, sizeof msg, "malformed JSON at line %d, column %d: %s", err.line,
		         err.column, err.text);
		respond_api_error(r, 400, "bad_json", msg);
		return NULL;
	}
	if (!json_is_object(j)) {
		json_decref(j);
		respond_api_error(r, 400, "bad_json", "the body must be a JSON object");
		return NULL;
	}
	return j;
}

/* A JSON object body within --max-body. */
/* A body of Content-Type @ctype within --max-body. */
static json_t *body_within_max(req *r, const char *ctype)
{
	char msg[96];
	snprintf(msg, sizeof msg, "the body is larger than %zu bytes", r->app->cfg.max_body);
	return api_body_as(r, r->app->cfg.max_body, msg, ctype);
}

json_t *api_body(req *r)
{
	return body_within_max(r, "application/json");
}

json_t *api_need_body(req *r, int role)
{
	return api_need(r, role) ? api_body(r) : NULL;
}

json_t *api_patch_body(req *r)
{
	return body_within_max(r, "application/merge-patch+json");
}

/* A string member, or NULL (absent or JSON null); *bad set when present
 * but of another type. */
const char *jstr(json_t *o, const char *key, bool *bad)
{
	json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v))
		return NULL;
	if (!json_is_string(v)) {
		*bad = true;
		return NULL;
	}
	return json_string_value(v);
}

bool query_param(req *r, const char *name, char *dst, size_t n)
{
	int rc = query_var(r, name, dst, n);
	if (rc == -2) {
		char msg[96];
		snprintf(msg, sizeof msg, "%s: longer than %zu bytes", name, n - 1);
		respond_api_error(r, 400, "invalid", msg);
		return false;
	}
	if (rc == -3) {
		char msg[96];
		snprintf(msg, sizeof msg, "%s: a bad %%-escape or a NUL byte", name);
		respond_api_error(r, 400, "invalid", msg);
		return false;
	}
	if (rc < 0)
		dst[0] = '\0';
	if (!oa_utf8_valid(dst, strlen(dst))) {
		respond_api_error(r, 400, "invalid", "query parameters must be UTF-8");
		return false;
	}
	return true;
}

bool query_uint(req *r, const char *name, size_t max, size_t *out)
{
	char v[24];
	if (!query_param(r, name, v, sizeof v))
		return false;
	if (!v[0])
		return true;
	char *end;
	unsigned long long n = strtoull(v, &end, 10);
	if (*end || v[0] == '-' || n > max) {
		char msg[96];
		snprintf(msg, sizeof msg, "%s: expected a number from 0 to %zu", name, max);
		respond_api_error(r, 400, "invalid", msg);
		return false;
	}
	*out = (size_t)n;
	return true;
}

json_t *user_json(const offerapi_user *u)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:I,s:s?,s:b}", "id", (json_int_t)u->id, "login",
	                 u->login, "display_name", u->display_name, "role",
	                 offerapi_role_name(u->role), "created_at", (json_int_t)u->created_at,
	                 "email", u->email, "email_verified", u->email_verified_at != 0);
}

static json_t *str_array(char **items, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(items[i]));
	return a;
}

/* The richer fields of @o (issue 14) into @j, those set only. */
static void offer_rich_json(json_t *j, const offerapi_offer *o)
{
	if (!j)
		return;
	if (o->company)
		json_object_set_new(j, "company", json_string(o->company));
	if (offerapi_contract_name(o->contract))
		json_object_set_new(j, "contract",
		                    json_string(offerapi_contract_name(o->contract)));
	if (offerapi_remote_name(o->remote))
		json_object_set_new(j, "remote", json_string(offerapi_remote_name(o->remote)));
	if (o->salary_min)
		json_object_set_new(j, "salary_min", json_integer((json_int_t)o->salary_min));
	if (o->salary_max)
		json_object_set_new(j, "salary_max", json_integer((json_int_t)o->salary_max));
	if (o->salary_currency[0])
		json_object_set_new(j, "salary_currency", json_string(o->salary_currency));
	if (offerapi_salary_period_name(o->salary_period))
		json_object_set_new(j, "salary_period",
		                    json_string(offerapi_salary_period_name(o->salary_period)));
	if (o->deadline)
		json_object_set_new(j, "deadline", json_integer((json_int_t)o->deadline));
}

/* An offer as JSON. The number of applications is the dashboard's data,
 * and notify the recruiter's own setting: only the offer's own recruiter
 * (@viewer) sees them. */
json_t *offer_json(const req *r, const offerapi_offer *o, const offerapi_user *viewer)
{
	/* an erased recruiter's offers stay, as a former recruiter's */
	const char *rname = *o->recruiter_name ? o->recruiter_name
	                    : r                ? T(r, "offer.former_recruiter")
	                                       : "";
	json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:I,s:b}", "id", (json_int_t)o->id,
	                      "recruiter_id", (json_int_t)o->recruiter_id, "recruiter_name", rname,
	                      "title", o->title, "description", o->description, "location",
	                      o->location ? o->location : "", "skills",
	                      str_array(o->skills, o->nskills), "questions",
	                      str_array(o->questions, o->nquestions), "published_at",
	                      (json_int_t)o->published_at, "is_open", o->is_open);
	if (j && viewer && viewer->role == OFFERAPI_ROLE_RECRUITER &&
	    viewer->id == o->recruiter_id && o->napplications >= 0)
		json_object_set_new(j, "applications", json_integer((json_int_t)o->napplications));
	/* how its recruiter hears of applications: theirs to see (single reads) */
	if (j && viewer && viewer->id == o->recruiter_id && offerapi_notify_name(o->notify))
		json_object_set_new(j, "notify", json_string(offerapi_notify_name(o->notify)));
	offer_rich_json(j, o);
	if (j && o->snippet) {
		buf b;
		buf_init(&b, 256);
		buf_snippet(&b, o->snippet);
		if (!b.failed)
			json_object_set_new(j, "snippet_html", json_string(b.p));
		buf_free(&b);
	}
	return j;
}

json_t *jobs_json(const offerapi_job_status_list *l, offerapi_id id, bool reasons)
{
	json_t *arr = json_array();
	for (size_t i = 0; l && i < l->count; i++) {
		const offerapi_job_status *j = &l->items[i];
		if (j->application_id != id)
			continue;
		json_t *one = json_pack("{s:s,s:s,s:s,s:I}", "scorer", j->scorer, "scorer_version",
		                        j->scorer_version, "state",
		                        offerapi_job_state_name(j->state), "attempts",
		                        (json_int_t)j->attempts);
		if (one && reasons && j->state == OFFERAPI_JOB_FAILED)
			json_object_set_new(one, "error", json_string(j->last_error));
		json_array_append_new(arr, one);
	}
	return arr;
}

json_t *application_json(const offerapi_application *a, bool scores)
{
	json_t *j = json_pack(
		"{s:I,s:I,s:s,s:b,s:I,s:s,s:s,s:s,s:I,s:I}", "id", (json_int_t)a->id, "offer_id",
		(json_int_t)a->offer_id, "offer_title", a->offer_title, "offer_is_open",
		a->offer_is_open, "candidate_id", (json_int_t)a->candidate_id, "candidate_name",
		a->candidate_name, "candidate_login", a->candidate_login, "filename", a->filename,
		"pdf_size", (json_int_t)a->pdf_size, "created_at", (json_int_t)a->created_at);
	if (!j)
		return NULL;
	json_t *ans = json_array();
	for (size_t i = 0; i < a->nanswers; i++)
		json_array_append_new(ans,
		                      json_pack("{s:s,s:s}", "question", a->answers[i].question,
		                                "answer", a->answers[i].answer));
	json_object_set_new(j, "answers", ans);
	if (scores) {
		json_t *sc = json_array();
		for (size_t i = 0; i < a->nscores; i++) {
			json_t *one = json_pack(
				"{s:s,s:s,s:f,s:s,s:I}", "scorer", a->scores[i].scorer,
				"scorer_version", a->scores[i].scorer_version, "score",
				a->scores[i].score, "explanation", a->scores[i].explanation,
				"created_at", (json_int_t)a->scores[i].created_at);
			json_t *details = explain_json(a->scores[i].explanation);
			if (one && details)
				json_object_set_new(one, "details", details);
			else
				json_decref(details);
			json_array_append_new(sc, one);
		}
		json_object_set_new(j, "scores", sc);
		json_object_set_new(j, "candidate_email",
		                    a->candidate_email[0] ? json_string(a->candidate_email)
		                                          : json_null());
	} else {
		/* the candidate's view: the stage, whatever the scoring does */
		json_object_set_new(j, "status", json_string(offerapi_stage_name(a->stage)));
	}
	json_object_set_new(j, "stage", json_string(offerapi_stage_name(a->stage)));
	json_object_set_new(j, "stage_at", json_integer((json_int_t)a->stage_at));
	/* consent at collection (issue 16) */
	json_object_set_new(j, "pool_consent", json_boolean(a->pool_consent));
	json_object_set_new(j, "consent_at",
	                    a->consent_at ? json_integer((json_int_t)a->consent_at) : json_null());
	json_object_set_new(j, "notice_version",
	                    *a->notice_version ? json_string(a->notice_version) : json_null());
	/* the library gives the candidate a reason only when it is shown */
	if (a->reason != OFFERAPI_REASON_NONE)
		json_object_set_new(j, "rejection",
		                    json_pack("{s:s,s:s,s:b}", "reason",
		                              offerapi_reject_reason_name(a->reason), "text",
		                              a->reason_text, "shown", a->show_reason));
	char link[80];
	snprintf(link, sizeof link, "/api/v1/applications/%lld/cv.pdf", (long long)a->id);
	json_object_set_new(j, "cv_pdf_url", json_string(link));
	snprintf(link, sizeof link, "/api/v1/applications/%lld/cv.txt", (long long)a->id);
	json_object_set_new(j, "cv_text_url", json_string(link));
	return j; /* no cv_text: only the GET of one application has it (api_stage.c) */
}
