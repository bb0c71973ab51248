/*
 * api.c - the JSON API under /api/v1 (jansson). Errors are
 * {"error":{"code":"...","message":"..."}}; see docs/server.md for the
 * status of each code and server/openapi.yaml for every route.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "app.h"

int do_login(req *r, const char *login, const char *pw, offerapi_user **u, char *token,
             unsigned *retry_after);

/* ---- helpers --------------------------------------------------------------------- */

void api_not_found(req *r)
{
	respond_api_error(r, 404, "not_found", "no such route");
}

static bool api_need(req *r, int role)
{
	if (!r->user) {
		req_header(r, "WWW-Authenticate: Bearer");
		respond_api_error(r, 401, "unauthenticated",
		                  "log in first (POST /api/v1/sessions), then send the token as "
		                  "Authorization: Bearer");
		return false;
	}
	if (role && (int)r->user->role != role) {
		respond_api_error(r, 403, "forbidden",
		                  role == OFFERAPI_ROLE_RECRUITER ? "only recruiters may do this"
		                                                  : "only candidates may do this");
		return false;
	}
	return true;
}

/* Read a JSON object body of at most @max bytes. Nesting is bounded before
 * jansson sees the bytes: its parser recurses once per level, and a
 * CivetWeb worker's stack is 100 KiB (docs/dependencies.md). Answers and
 * returns NULL on failure; @toobig names what is too large. */
static json_t *api_body_max(req *r, size_t max, const char *toobig)
{
	const char *ct = mg_get_header(r->conn, "Content-Type");
	if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
		respond_api_error(r, 415, "unsupported_media_type",
		                  "send the body as application/json");
		return NULL;
	}
	char *body = NULL;
	size_t len = 0;
	int rc = read_body(r, max, &body, &len);
	if (rc == 413) {
		respond_api_error(r, 413, "too_big", toobig);
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
static json_t *api_body(req *r)
{
	char msg[96];
	snprintf(msg, sizeof msg, "the body is larger than %zu bytes", g_app.cfg.max_body);
	return api_body_max(r, g_app.cfg.max_body, msg);
}

/* A string member, or NULL (absent or JSON null); *bad set when present
 * but of another type. */
static const char *jstr(json_t *o, const char *key, bool *bad)
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

static json_t *user_json(const offerapi_user *u)
{
	return json_pack("{s:I,s:s,s:s,s:s,s:I}", "id", (json_int_t)u->id, "login", u->login,
	                 "display_name", u->display_name, "role", offerapi_role_name(u->role),
	                 "created_at", (json_int_t)u->created_at);
}

static json_t *str_array(char **items, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(items[i]));
	return a;
}

/* An offer as JSON. The number of applications is the dashboard's data:
 * only the offer's own recruiter (@viewer) sees it. */
static json_t *offer_json(const offerapi_offer *o, const offerapi_user *viewer)
{
	json_t *j = json_pack("{s:I,s:I,s:s,s:s,s:s,s:s,s:o,s:o,s:I,s:b}", "id", (json_int_t)o->id,
	                      "recruiter_id", (json_int_t)o->recruiter_id, "recruiter_name",
	                      o->recruiter_name, "title", o->title, "description", o->description,
	                      "location", o->location ? o->location : "", "skills",
	                      str_array(o->skills, o->nskills), "questions",
	                      str_array(o->questions, o->nquestions), "published_at",
	                      (json_int_t)o->published_at, "is_open", o->is_open);
	if (j && viewer && viewer->role == OFFERAPI_ROLE_RECRUITER && viewer->id == o->recruiter_id)
		json_object_set_new(j, "applications", json_integer((json_int_t)o->napplications));
	return j;
}

static json_t *application_json(const offerapi_application *a, bool scores)
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
		for (size_t i = 0; i < a->nscores; i++)
			json_array_append_new(sc, json_pack("{s:s,s:s,s:f,s:s,s:I}", "scorer",
			                                    a->scores[i].scorer, "scorer_version",
			                                    a->scores[i].scorer_version, "score",
			                                    a->scores[i].score, "explanation",
			                                    a->scores[i].explanation, "created_at",
			                                    (json_int_t)a->scores[i].created_at));
		json_object_set_new(j, "scores", sc);
	}
	char link[80];
	snprintf(link, sizeof link, "/api/v1/applications/%lld/cv.pdf", (long long)a->id);
	json_object_set_new(j, "cv_pdf_url", json_string(link));
	snprintf(link, sizeof link, "/api/v1/applications/%lld/cv.txt", (long long)a->id);
	json_object_set_new(j, "cv_text_url", json_string(link));
	if (a->cv_text)
		json_object_set_new(j, "cv_text", json_string(a->cv_text));
	return j;
}

/* ---- accounts --------------------------------------------------------------------- */

/* A new session (sign-up or login): the cookie for browsers, and the user
 * and the token in the body for programs (Authorization: Bearer). */
static void respond_session(req *r, const offerapi_user *u, const char *token)
{
	cookie_set_session(r, token);
	respond_json(r, 201, json_pack("{s:o,s:s}", "user", user_json(u), "token", token));
}

void api_signup(req *r)
{
	json_t *j = api_body(r);
	if (!j)
		return;
	bool bad = false;
	const char *login = jstr(j, "login", &bad), *name = jstr(j, "display_name", &bad);
	const char *pw = jstr(j, "password", &bad), *role_s = jstr(j, "role", &bad);
	offerapi_role role;
	if (bad) {
		respond_api_error(r, 422, "invalid",
		                  "login, display_name, password and role must be strings");
	} else if (!role_s || offerapi_role_parse(&role, role_s) < 0) {
		respond_api_error(r, 422, "invalid",
		                  "role: must be \"candidate\" or \"recruiter\"");
	} else {
		offerapi_user *u = NULL;
		char token[OFFERAPI_TOKEN_SIZE];
		int rc = offerapi_user_create(g_app.store, login ? login : "", name ? name : "",
		                              pw ? pw : "", role, &u);
		if (rc == 0)
			rc = offerapi_session_create(g_app.store, u, token);
		if (rc < 0) {
			api_fail(r, rc, false);
		} else {
			respond_session(r, u, token);
		}
		offerapi_user_free(u);
	}
	json_decref(j);
}

void api_login(req *r)
{
	json_t *j = api_body(r);
	if (!j)
		return;
	bool bad = false;
	const char *login = jstr(j, "login", &bad), *pw = jstr(j, "password", &bad);
	if (bad || !login || !pw) {
		respond_api_error(r, 422, "invalid", "login and password are required strings");
		json_decref(j);
		return;
	}
	offerapi_user *u = NULL;
	char token[OFFERAPI_TOKEN_SIZE];
	unsigned wait = 0;
	int rc = do_login(r, login, pw, &u, token, &wait);
	if (rc == 429) {
		req_header(r, "Retry-After: %u", wait);
		respond_api_error(
			r, 429, "rate_limited",
			"too many failed logins for this account or address; try again later");
	} else if (rc == OFFERAPI_EAUTH) {
		respond_api_error(r, 401, "unauthenticated", "wrong login or password");
	} else if (rc < 0) {
		api_fail(r, rc, false);
	} else {
		respond_session(r, u, token);
	}
	offerapi_user_free(u);
	json_decref(j);
}

void api_logout(req *r)
{
	if (!api_need(r, 0))
		return;
	int rc = offerapi_session_delete(g_app.store, r->session);
	if (rc < 0) {
		api_fail(r, rc, false);
		return;
	}
	if (!r->via_bearer)
		cookie_clear_session(r);
	respond(r, 204, NULL, "", 0);
}

void api_me(req *r)
{
	if (!api_need(r, 0))
		return;
	respond_json(r, 200, json_pack("{s:o}", "user", user_json(r->user)));
}

void api_scorers(req *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < offerapi_scorers_count(g_app.scorers); i++) {
		const offerapi_scorer_info *in = offerapi_scorers_info(g_app.scorers, i);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "name", in->name, "version",
		                                   in->version, "description", in->description));
	}
	respond_json(r, 200, json_pack("{s:o}", "scorers", a));
}

/* ---- offers ------------------------------------------------------------------------- */

static bool query_param(req *r, const char *name, char *dst, size_t n)
{
	int rc = form_var(r->query, strlen(r->query), name, dst, n);
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

static bool query_uint(req *r, const char *name, size_t max, size_t *out)
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

void api_offers_list(req *r)
{
	char q[512], loc[OFFERAPI_LOCATION_MAX + 1], skill[OFFERAPI_SKILL_MAX + 1], mine[8];
	size_t limit = 50, offset = 0;
	if (!query_param(r, "q", q, sizeof q) || !query_param(r, "location", loc, sizeof loc) ||
	    !query_param(r, "skill", skill, sizeof skill) ||
	    !query_param(r, "mine", mine, sizeof mine) || !query_uint(r, "limit", 200, &limit) ||
	    !query_uint(r, "offset", 1000000, &offset))
		return;
	offerapi_offer_query query = OFFERAPI_OFFER_QUERY_INIT;
	query.words = q[0] ? q : NULL;
	query.location = loc[0] ? loc : NULL;
	query.skill = skill[0] ? skill : NULL;
	query.limit = limit ? limit : 50;
	query.offset = offset;
	if (mine[0] && strcmp(mine, "0")) {
		if (!api_need(r, OFFERAPI_ROLE_RECRUITER))
			return;
		query.recruiter_id = r->user->id;
		query.include_closed = 1;
	}
	offerapi_offer_list *l = NULL;
	int rc = offerapi_offer_search(g_app.store, &query, &l);
	if (rc < 0) {
		api_fail(r, rc, false);
		return;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(a, offer_json(&l->items[i], r->user));
	offerapi_offer_list_free(l);
	respond_json(r, 200,
	             json_pack("{s:o,s:I,s:I}", "offers", a, "limit", (json_int_t)query.limit,
	                       "offset", (json_int_t)offset));
}

/* Parse {title, description, location, skills[], questions[]}; answers and
 * returns false on a type error. Arrays point into the JSON (borrowed). */
static bool offer_fields_json(req *r, json_t *j, offerapi_offer_fields *f, const char **sk,
                              const char **qs)
{
	bool bad = false;
	memset(f, 0, sizeof *f);
	f->title = jstr(j, "title", &bad);
	f->description = jstr(j, "description", &bad);
	f->location = jstr(j, "location", &bad);
	if (bad) {
		respond_api_error(r, 422, "invalid",
		                  "title, description and location must be strings");
		return false;
	}
	const char *names[2] = { "skills", "questions" };
	const char **dst[2] = { sk, qs };
	size_t max[2] = { OFFERAPI_SKILLS_MAX, OFFERAPI_QUESTIONS_MAX };
	size_t *cnt[2] = { &f->nskills, &f->nquestions };
	for (int k = 0; k < 2; k++) {
		json_t *a = json_object_get(j, names[k]);
		if (!a || json_is_null(a))
			continue;
		char msg[128];
		if (!json_is_array(a) || json_array_size(a) > max[k]) {
			snprintf(msg, sizeof msg, "%s: an array of at most %zu strings", names[k],
			         max[k]);
			respond_api_error(r, 422, "invalid", msg);
			return false;
		}
		for (size_t i = 0; i < json_array_size(a); i++) {
			json_t *v = json_array_get(a, i);
			if (!json_is_string(v)) {
				snprintf(msg, sizeof msg, "%s[%zu]: must be a string", names[k], i);
				respond_api_error(r, 422, "invalid", msg);
				return false;
			}
			dst[k][i] = json_string_value(v);
		}
		*cnt[k] = json_array_size(a);
	}
	f->skills = sk;
	f->questions = qs;
	return true;
}

void api_offers_create(req *r)
{
	if (!api_need(r, OFFERAPI_ROLE_RECRUITER))
		return;
	json_t *j = api_body(r);
	if (!j)
		return;
	offerapi_offer_fields f;
	const char *sk[OFFERAPI_SKILLS_MAX], *qs[OFFERAPI_QUESTIONS_MAX];
	if (offer_fields_json(r, j, &f, sk, qs)) {
		offerapi_id id = 0;
		offerapi_offer *o = NULL;
		int rc = offerapi_offer_create(g_app.store, r->user, &f, &id);
		if (rc == 0)
			rc = offerapi_offer_get(g_app.store, id, &o);
		if (rc < 0) {
			api_fail(r, rc, false);
		} else {
			req_header(r, "Location: /api/v1/offers/%lld", (long long)id);
			respond_json(r, 201, json_pack("{s:o}", "offer", offer_json(o, r->user)));
		}
		offerapi_offer_free(o);
	}
	json_decref(j);
}

void api_offer_get(req *r)
{
	offerapi_offer *o = NULL;
	int rc = offerapi_offer_get(g_app.store, r->id, &o);
	if (rc < 0) {
		api_fail(r, rc, false);
		return;
	}
	respond_json(r, 200, json_pack("{s:o}", "offer", offer_json(o, r->user)));
	offerapi_offer_free(o);
}

void api_offer_update(req *r)
{
	if (!api_need(r, OFFERAPI_ROLE_RECRUITER))
		return;
	json_t *j = api_body(r);
	if (!j)
		return;
	offerapi_offer_fields f;
	const char *sk[OFFERAPI_SKILLS_MAX], *qs[OFFERAPI_QUESTIONS_MAX];
	if (offer_fields_json(r, j, &f, sk, qs)) {
		offerapi_offer *o = NULL;
		int rc = offerapi_offer_update(g_app.store, r->user, r->id, &f);
		if (rc == 0)
			rc = offerapi_offer_get(g_app.store, r->id, &o);
		if (rc < 0)
			api_fail(r, rc, false);
		else
			respond_json(r, 200, json_pack("{s:o}", "offer", offer_json(o, r->user)));
		offerapi_offer_free(o);
	}
	json_decref(j);
}

static void api_set_open(req *r, int open)
{
	if (!api_need(r, OFFERAPI_ROLE_RECRUITER))
		return;
	offerapi_offer *o = NULL;
	int rc = offerapi_offer_set_open(g_app.store, r->user, r->id, open);
	if (rc == 0)
		rc = offerapi_offer_get(g_app.store, r->id, &o);
	if (rc < 0)
		api_fail(r, rc, false);
	else
		respond_json(r, 200, json_pack("{s:o}", "offer", offer_json(o, r->user)));
	offerapi_offer_free(o);
}

void api_offer_close(req *r)
{
	api_set_open(r, 0);
}

void api_offer_reopen(req *r)
{
	api_set_open(r, 1);
}

/* ---- applications ------------------------------------------------------------------------ */

static void apply_result(req *r, int rc, offerapi_id id)
{
	if (rc < 0) {
		api_fail(r, rc, true);
		return;
	}
	offerapi_application *a = NULL;
	if ((rc = offerapi_application_get(g_app.store, r->user, id, &a)) < 0) {
		api_fail(r, rc, false);
		return;
	}
	req_header(r, "Location: /api/v1/applications/%lld", (long long)id);
	/* The candidate sees their application, not its scores. */
	respond_json(r, 201, json_pack("{s:o}", "application", application_json(a, false)));
	offerapi_application_free(a);
}

/* Apply with multipart/form-data (fields: cv = the PDF file, answers as
 * answer_0, answer_1, ...) or JSON {filename, pdf_base64, answers[]}. */
void api_apply(req *r)
{
	if (!api_need(r, OFFERAPI_ROLE_CANDIDATE))
		return;
	const char *ct = mg_get_header(r->conn, "Content-Type");
	offerapi_id id = 0;
	if (ct && !strncasecmp(ct, "multipart/form-data", 19)) {
		form f;
		int rc = form_parse(r, &f, g_app.cfg.max_upload, g_app.cfg.max_body);
		if (rc) {
			char msg[128];
			if (rc == 413)
				snprintf(msg, sizeof msg,
				         "%s: larger than allowed (CV at most %zu bytes)",
				         f.error_what ? f.error_what : "body",
				         g_app.cfg.max_upload);
			else
				snprintf(msg, sizeof msg, "%s",
				         f.error_what ? f.error_what : "malformed form");
			form_free(&f);
			respond_api_error(r, rc, rc == 413 ? "too_big" : "bad_request", msg);
			return;
		}
		if (!f.has_file || !f.file_len) {
			form_free(&f);
			respond_api_error(r, 422, "invalid", "cv: a PDF file is required");
			return;
		}
		const char *answers[OFFERAPI_QUESTIONS_MAX];
		size_t n = 0;
		for (; n < OFFERAPI_QUESTIONS_MAX; n++) {
			char name[32];
			snprintf(name, sizeof name, "answer_%zu", n);
			if (!(answers[n] = form_get(&f, name)))
				break;
			if (!oa_utf8_valid(answers[n], strlen(answers[n]))) {
				form_free(&f);
				respond_api_error(r, 422, "invalid", "answers must be UTF-8 text");
				return;
			}
		}
		rc = apply_and_score(r, r->id, f.filename, f.file, f.file_len, answers, n, &id);
		form_free(&f);
		apply_result(r, rc, id);
		return;
	}
	/* JSON: the PDF in base64 makes the body a third larger. */
	if (!ct || strncasecmp(ct, "application/json", 16) != 0) {
		respond_api_error(r, 415, "unsupported_media_type",
		                  "send multipart/form-data (field cv) or application/json");
		return;
	}
	char toobig[128];
	snprintf(toobig, sizeof toobig, "cv: larger than allowed (CV at most %zu bytes)",
	         g_app.cfg.max_upload);
	json_t *j = api_body_max(r, g_app.cfg.max_upload / 3 * 4 + 8 + g_app.cfg.max_body, toobig);
	if (!j)
		return;
	bool bad = false;
	const char *filename = jstr(j, "filename", &bad), *b64 = jstr(j, "pdf_base64", &bad);
	json_t *ans = json_object_get(j, "answers");
	const char *answers[OFFERAPI_QUESTIONS_MAX];
	size_t n = 0;
	if (bad || !b64) {
		respond_api_error(r, 422, "invalid", "pdf_base64: the CV in base64 is required");
		json_decref(j);
		return;
	}
	if (ans && !json_is_null(ans)) {
		if (!json_is_array(ans) || json_array_size(ans) > OFFERAPI_QUESTIONS_MAX) {
			respond_api_error(r, 422, "invalid",
			                  "answers: an array of at most 20 strings");
			json_decref(j);
			return;
		}
		for (; n < json_array_size(ans); n++) {
			json_t *v = json_array_get(ans, n);
			if (!json_is_string(v)) {
				respond_api_error(r, 422, "invalid",
				                  "answers: every answer must be a string");
				json_decref(j);
				return;
			}
			answers[n] = json_string_value(v);
		}
	}
	size_t b64len = strlen(b64), cap = b64len / 4 * 3 + 3, pdf_len = 0;
	unsigned char *pdf = malloc(cap ? cap : 1);
	if (!pdf) {
		respond_api_error(r, 500, "internal", "out of memory");
		json_decref(j);
		return;
	}
	if (sodium_base642bin(pdf, cap, b64, b64len, " \r\n", &pdf_len, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0) {
		free(pdf);
		respond_api_error(r, 422, "invalid", "pdf_base64: not valid base64");
		json_decref(j);
		return;
	}
	if (pdf_len > g_app.cfg.max_upload) {
		free(pdf);
		json_decref(j);
		char msg[128];
		snprintf(msg, sizeof msg, "cv: larger than allowed (CV at most %zu bytes)",
		         g_app.cfg.max_upload);
		respond_api_error(r, 413, "too_big", msg);
		return;
	}
	int rc = apply_and_score(r, r->id, filename ? filename : "cv.pdf", pdf, pdf_len, answers, n,
	                         &id);
	free(pdf);
	json_decref(j);
	apply_result(r, rc, id);
}

void api_offer_applications(req *r)
{
	if (!api_need(r, OFFERAPI_ROLE_RECRUITER))
		return;
	char rank[OFFERAPI_SCORER_NAME_MAX + 1];
	if (!query_param(r, "rank", rank, sizeof rank))
		return;
	offerapi_application_list *l = NULL;
	int rc = offerapi_application_list_offer(g_app.store, r->user, r->id, rank[0] ? rank : NULL,
	                                         0, &l);
	if (rc < 0) {
		api_fail(r, rc, false);
		return;
	}
	const char *by = rank[0] ? rank : NULL;
	if (!by && offerapi_scorers_count(g_app.scorers))
		by = offerapi_scorers_info(g_app.scorers, 0)->name;
	json_t *a = json_array();
	double sum = 0;
	size_t scored = 0;
	for (size_t i = 0; i < l->count; i++) {
		json_array_append_new(a, application_json(&l->items[i], true));
		for (size_t k = 0; by && k < l->items[i].nscores; k++)
			if (!strcmp(l->items[i].scores[k].scorer, by)) {
				sum += l->items[i].scores[k].score;
				scored++;
			}
	}
	json_t *scorers = json_array();
	for (size_t i = 0; i < offerapi_scorers_count(g_app.scorers); i++)
		json_array_append_new(scorers,
		                      json_string(offerapi_scorers_info(g_app.scorers, i)->name));
	json_t *out = json_pack("{s:I,s:o,s:I,s:I,s:o}", "offer_id", (json_int_t)r->id,
	                        "applications", a, "count", (json_int_t)l->count, "scored",
	                        (json_int_t)scored, "scorers", scorers);
	if (out) {
		json_object_set_new(out, "rank_by", by ? json_string(by) : json_null());
		json_object_set_new(out, "mean",
		                    scored ? json_real(sum / (double)scored) : json_null());
	}
	offerapi_application_list_free(l);
	respond_json(r, 200, out);
}

void api_my_applications(req *r)
{
	if (!api_need(r, OFFERAPI_ROLE_CANDIDATE))
		return;
	offerapi_application_list *l = NULL;
	int rc = offerapi_application_list_mine(g_app.store, r->user, 0, &l);
	if (rc < 0) {
		api_fail(r, rc, false);
		return;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(a, application_json(&l->items[i], false));
	offerapi_application_list_free(l);
	respond_json(r, 200, json_pack("{s:o}", "applications", a));
}

/* One application: a candidate sees their own (without scores), the
 * offer's recruiter sees it with scores and the extracted text. */
void api_application_get(req *r)
{
	if (!api_need(r, 0))
		return;
	offerapi_application *a = NULL;
	int rc = offerapi_application_get(g_app.store, r->user, r->id, &a);
	if (rc < 0) {
		api_fail(r, rc, false);
		return;
	}
	bool recruiter = r->user->role == OFFERAPI_ROLE_RECRUITER;
	respond_json(r, 200, json_pack("{s:o}", "application", application_json(a, recruiter)));
	offerapi_application_free(a);
}
