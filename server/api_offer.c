/*
 * api_offer.c - offers (list, search, publish, read, edit, close, reopen)
 * and the scorers a dashboard can rank by.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "i18n.h"

void api_scorers(req *r)
{
	json_t *a = json_array();
	for (size_t i = 0; i < offerapi_scorers_count(r->app->scorers); i++) {
		const offerapi_scorer_info *in = offerapi_scorers_info(r->app->scorers, i);
		json_array_append_new(a, json_pack("{s:s,s:s,s:s}", "name", in->name, "version",
		                                   in->version, "description", in->description));
	}
	respond_json(r, 200, json_pack("{s:o}", "scorers", a));
}

/* The filters ?contract, ?remote, ?salary_floor and ?salary_currency into
 * @query (@cur holds the currency); false when one is bad (400 sent). */
static bool rich_query(req *r, offerapi_offer_query *query, char *cur, size_t ncur)
{
	char contract[24], remote[16], floor[24];
	if (!query_param(r, "contract", contract, sizeof contract) ||
	    !query_param(r, "remote", remote, sizeof remote) ||
	    !query_param(r, "salary_floor", floor, sizeof floor) ||
	    !query_param(r, "salary_currency", cur, ncur))
		return false;
	const char *bad = NULL, *key = NULL;
	bool digits = strspn(floor, "0123456789") == strlen(floor) && strlen(floor) <= 10;
	long long fl = floor[0] && digits ? strtoll(floor, NULL, 10) : 0;
	if (contract[0] && offerapi_contract_parse(contract, &query->contract) < 0)
		bad = "contract", key = "field.contract_api";
	else if (remote[0] && offerapi_remote_parse(remote, &query->remote) < 0)
		bad = "remote", key = "field.remote_api";
	else if (floor[0] && (!digits || fl > OFFERAPI_SALARY_MAX))
		bad = "salary_floor", key = "field.salary_floor";
	else if (cur[0] && (strlen(cur) != 3 || strspn(cur, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3))
		bad = "salary_currency", key = "field.currency";
	if (bad) {
		char msg[200];
		snprintf(msg, sizeof msg, "%s: %s", bad, T(r, key));
		respond_api_error(r, 400, "invalid", msg);
		return false;
	}
	query->salary_floor = fl;
	query->salary_currency = cur[0] ? cur : NULL;
	return true;
}

/* One page of offers: open ones newest first, filtered by ?q, ?location,
 * ?skill, ?contract, ?remote and ?salary_floor (a year's pay, in
 * ?salary_currency, EUR by default); with ?mine=1 the recruiter's own,
 * closed ones included (and their total: one index range). Paged by ?limit
 * and ?cursor (api_page.c). */
void api_offers_list(req *r)
{
	static const char *const known[] = {
		"q",      "location",     "skill",           "mine", "contract",
		"remote", "salary_floor", "salary_currency", NULL
	};
	char q[512], loc[OFFERAPI_LOCATION_MAX + 1], skill[OFFERAPI_SKILL_MAX + 1], mine[8];
	char cursor[OFFERAPI_CURSOR_MAX], cur[8];
	offerapi_page page;
	offerapi_offer_query query = OFFERAPI_OFFER_QUERY_INIT;
	if (!api_page_query(r, known, &page, cursor) || !query_param(r, "q", q, sizeof q) ||
	    !query_param(r, "location", loc, sizeof loc) ||
	    !query_param(r, "skill", skill, sizeof skill) ||
	    !query_param(r, "mine", mine, sizeof mine) || !rich_query(r, &query, cur, sizeof cur))
		return;
	query.words = q[0] ? q : NULL;
	query.location = loc[0] ? loc : NULL;
	query.skill = skill[0] ? skill : NULL;
	if (r->user && r->user->role == OFFERAPI_ROLE_RECRUITER)
		query.flags = OFFERAPI_OFFER_COUNTS; /* a recruiter sees their offers' counts */
	if (mine[0] && strcmp(mine, "0")) {
		if (!api_need(r, OFFERAPI_ROLE_RECRUITER))
			return;
		query.recruiter_id = r->user->id;
		query.include_closed = 1;
		page.flags = OFFERAPI_PAGE_TOTAL;
	}
	offerapi_offer_list *l = NULL;
	int rc = offerapi_offer_list_page(r->app->store, &query, &page, &l);
	if (rc == OFFERAPI_EINVAL && page.cursor) {
		api_page_bad_cursor(r);
		return;
	}
	if (rc == OFFERAPI_EINVAL || rc == OFFERAPI_ETOOBIG) {
		/* a query value the library refuses (a control character...) is
		 * a malformed query: 400 like the others, not a field's 422 */
		respond_api_error(r, 400, "invalid", offerapi_error_last()->message);
		return;
	}
	if (rc < 0) {
		api_fail(r, rc, false);
		return;
	}
	json_t *a = json_array();
	for (size_t i = 0; i < l->count; i++)
		json_array_append_new(a, offer_json(r, &l->items[i], r->user));
	json_t *out = json_pack("{s:o}", "offers", a);
	if (query.words) /* "some": too few offers had every word (i18n: search.some_words) */
		json_object_set_new(out, "match", json_string(l->any_words ? "some" : "all"));
	api_page_answer(r, out, l->next, l->prev, page.limit, l->total);
	offerapi_offer_list_free(l);
	respond_json(r, 200, out);
}

/* An enum member @name of @j parsed by @parse into *@out (UNSET when
 * absent or null); a bad one adds @key to @errs. */
static void enum_member(req *r, json_t *j, const char *name, int (*parse)(const char *, int *),
                        int *out, const char *key, json_t *errs)
{
	json_t *v = json_object_get(j, name);
	char ptr[32];
	snprintf(ptr, sizeof ptr, "/%s", name);
	*out = 0;
	if (v && !json_is_null(v) && (!json_is_string(v) || parse(json_string_value(v), out) < 0))
		problem_add(r, errs, ptr, key);
}

static int parse_contract(const char *s, int *out)
{
	offerapi_contract v;
	int rc = offerapi_contract_parse(s, &v);
	*out = (int)v;
	return rc;
}

static int parse_remote(const char *s, int *out)
{
	offerapi_remote v;
	int rc = offerapi_remote_parse(s, &v);
	*out = (int)v;
	return rc;
}

static int parse_period(const char *s, int *out)
{
	offerapi_salary_period v;
	int rc = offerapi_salary_period_parse(s, &v);
	*out = (int)v;
	return rc;
}

/* Salary bound @name: absent or null (0), else an integer 1..max. */
static int64_t salary_member(req *r, json_t *j, const char *name, json_t *errs)
{
	json_t *v = json_object_get(j, name);
	char ptr[32];
	snprintf(ptr, sizeof ptr, "/%s", name);
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 1 ||
	    json_integer_value(v) > OFFERAPI_SALARY_MAX) {
		problem_add(r, errs, ptr, "field.salary_api");
		return 0;
	}
	return (int64_t)json_integer_value(v);
}

/* The deadline: absent or null (0), Unix seconds, or a day "YYYY-MM-DD". */
static int64_t deadline_member(req *r, json_t *j, json_t *errs)
{
	json_t *v = json_object_get(j, "deadline");
	int64_t d = 0;
	bool ok = true;
	if (!v || json_is_null(v))
		return 0;
	if (json_is_integer(v)) {
		d = (int64_t)json_integer_value(v);
		ok = d >= 1 && d <= OFFERAPI_DEADLINE_MAX;
	} else { /* a day only: a number in a string is no date */
		const char *s = json_string_value(v);
		ok = s && strlen(s) == 10 && s[4] == '-' && offerapi_deadline_parse(s, &d) == 0;
	}
	if (!ok)
		problem_add(r, errs, "/deadline", "field.deadline_api");
	return ok ? d : 0;
}

/* The richer fields (issue 14) of @j into @f, every one checked here so that
 * all the errors come at once in the request's language. */
static void rich_fields_json(req *r, json_t *j, offerapi_offer_fields *f, json_t *errs)
{
	api_check_string(r, j, "company", OFFERAPI_COMPANY_MAX, false, errs);
	api_check_string(r, j, "salary_currency", 3, false, errs);
	int contract, remote, period;
	enum_member(r, j, "contract", parse_contract, &contract, "field.contract_api", errs);
	enum_member(r, j, "remote", parse_remote, &remote, "field.remote_api", errs);
	enum_member(r, j, "salary_period", parse_period, &period, "field.period_api", errs);
	f->contract = (offerapi_contract)contract;
	f->remote = (offerapi_remote)remote;
	f->salary_period = (offerapi_salary_period)period;
	f->salary_min = salary_member(r, j, "salary_min", errs);
	f->salary_max = salary_member(r, j, "salary_max", errs);
	f->deadline = deadline_member(r, j, errs);
	bool bad = false;
	f->company = jstr(j, "company", &bad);
	f->salary_currency = jstr(j, "salary_currency", &bad);
	const char *cur = f->salary_currency ? f->salary_currency : "";
	bool amount = f->salary_min || f->salary_max;
	bool amount_given = json_is_integer(json_object_get(j, "salary_min")) ||
	                    json_is_integer(json_object_get(j, "salary_max"));
	const char *letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	if (f->salary_min && f->salary_max && f->salary_min > f->salary_max)
		problem_add(r, errs, "/salary_max", "field.salary_order");
	size_t clen = strlen(cur); /* over 3: "too long" said already */
	if (clen && clen <= 3 && (clen != 3 || strspn(cur, letters) != 3))
		problem_add(r, errs, "/salary_currency", "field.currency");
	else if (amount && !*cur)
		problem_add(r, errs, "/salary_currency", "field.salary_needs");
	if (amount && !json_is_string(json_object_get(j, "salary_period")))
		problem_add(r, errs, "/salary_period", "field.salary_needs");
	if (!amount_given && (*cur || f->salary_period))
		problem_add(r, errs, "/salary_min", "field.salary_alone");
}

/* Parse {title, description, location, skills[], questions[], notify}: every
 * invalid member is reported at once (422); the library still checks
 * them all. Arrays point into the JSON (borrowed). */
static bool offer_fields_json(req *r, json_t *j, offerapi_offer_fields *f, const char **sk,
                              const char **qs)
{
	json_t *errs = json_array();
	api_check_string(r, j, "title", OFFERAPI_TITLE_MAX, true, errs);
	api_check_string(r, j, "description", OFFERAPI_DESCRIPTION_MAX, true, errs);
	api_check_string(r, j, "location", OFFERAPI_LOCATION_MAX, false, errs);
	api_check_strings(r, j, "skills", OFFERAPI_SKILLS_MAX, OFFERAPI_SKILL_MAX, errs);
	api_check_strings(r, j, "questions", OFFERAPI_QUESTIONS_MAX, OFFERAPI_QUESTION_MAX, errs);
	offerapi_notify notify = OFFERAPI_NOTIFY_UNSET; /* absent: "each" on create, else kept */
	json_t *nv = json_object_get(j, "notify");
	if (nv && !json_is_null(nv) && offerapi_notify_parse(json_string_value(nv), &notify) < 0)
		problem_add(r, errs, "/notify", "field.notify_api");
	*f = (offerapi_offer_fields){ .version = OFFERAPI_OFFER_FIELDS_VERSION };
	rich_fields_json(r, j, f, errs);
	if (!api_fields_ok(r, errs))
		return false;
	bool bad = false;
	f->title = jstr(j, "title", &bad);
	f->description = jstr(j, "description", &bad);
	f->location = jstr(j, "location", &bad);
	f->notify = notify;
	const char *names[2] = { "skills", "questions" };
	const char **dst[2] = { sk, qs };
	size_t *cnt[2] = { &f->nskills, &f->nquestions };
	for (int k = 0; k < 2; k++) {
		json_t *a = json_object_get(j, names[k]);
		for (size_t i = 0; json_is_array(a) && i < json_array_size(a); i++)
			dst[k][i] = json_string_value(json_array_get(a, i));
		*cnt[k] = json_is_array(a) ? json_array_size(a) : 0;
	}
	f->skills = sk;
	f->questions = qs;
	return true;
}

/* If-Match on a write to offer r->id: the offer as GET shows it now must
 * carry one of the listed ETags ("*": any), else 412 and false. *@p version
 * is the version of the offer that matched (0 without If-Match): the write
 * then names it (svc_offer_update_if), so a change between this read and
 * the write is a 412 too, not a lost update. */
static bool offer_if_match(req *r, int64_t *version)
{
	*version = 0;
	if (!mg_get_header(r->conn, "If-Match"))
		return true;
	offerapi_offer *o = NULL;
	int rc = offerapi_offer_get(r->app->store, r->id, &o);
	if (rc) {
		api_fail(r, rc, false);
		return false;
	}
	json_t *j = json_pack("{s:o}", "offer", offer_json(r, o, r->user));
	*version = o->version;
	offerapi_offer_free(o);
	return if_match_json(r, j);
}

/* Answer the offer a service returned, or its failure. */
static void offer_result(req *r, int rc, int status, offerapi_offer *o)
{
	if (rc)
		api_fail(r, rc, false);
	else
		respond_json(r, status, json_pack("{s:o}", "offer", offer_json(r, o, r->user)));
	offerapi_offer_free(o);
}

/* Publish (@create: 201 with its Location) or replace offer r->id. */
static void offer_write(req *r, bool create)
{
	int64_t version = 0;
	if (!api_need(r, OFFERAPI_ROLE_RECRUITER) || (!create && !offer_if_match(r, &version)))
		return;
	json_t *j = api_body(r);
	if (!j)
		return;
	offerapi_offer_fields f;
	const char *sk[OFFERAPI_SKILLS_MAX], *qs[OFFERAPI_QUESTIONS_MAX];
	if (offer_fields_json(r, j, &f, sk, qs)) {
		offerapi_id id = r->id;
		offerapi_offer *o = NULL;
		int rc = create ? svc_offer_create(r, &f, &id, &o)
		                : svc_offer_update_if(r, &f, version, &o);
		if (rc == 0 && create)
			req_header(r, "Location: /api/v1/offers/%lld", (long long)id);
		offer_result(r, rc, create ? 201 : 200, o);
	}
	json_decref(j);
}

void api_offers_create(req *r)
{
	offer_write(r, true);
}

void api_offer_get(req *r)
{
	offerapi_offer *o = NULL;
	int rc = offerapi_offer_get(r->app->store, r->id, &o);
	if (rc == 0 && o->archived_at) /* archived: gone (DELETE) */
		rc = svc_fail(OFFERAPI_ENOTFOUND, "err.offer_archived");
	offer_result(r, rc, 200, o);
}

/* DELETE archives the offer (its recruiter): closed to applications for
 * good, out of every list, 404 to GET; its applications stay readable by
 * the recruiter (dashboard, CSV, CVs). Honours If-Match. 204. */
void api_offer_archive(req *r)
{
	int64_t version;
	if (!api_need(r, OFFERAPI_ROLE_RECRUITER) || !offer_if_match(r, &version))
		return;
	int rc = svc_offer_archive_if(r, version);
	if (rc)
		api_fail(r, rc, false);
	else
		respond(r, 204, NULL, NULL, 0);
}

void api_offer_update(req *r)
{
	offer_write(r, false);
}

/* POST .../close: no body (or "applications": "keep") closes and keeps the
 * applications; {"applications": "reject", "reason", "reason_text",
 * "show_reason"} also rejects the open ones, each told by e-mail
 * (answered as "rejected": how many). */
void api_offer_close(req *r)
{
	int64_t version;
	if (!offer_if_match(r, &version))
		return;
	json_t *body = NULL;
	bool reject = false, bad = false;
	if (r->ri->content_length > 0) {
		if (!(body = api_body(r)))
			return;
		json_t *errs = json_array();
		api_check_string(r, body, "applications", 16, false, errs);
		api_check_rejection(r, body, errs);
		const char *what = jstr(body, "applications", &bad);
		if (what && strcmp(what, "keep") != 0 && strcmp(what, "reject") != 0)
			problem_add(r, errs, "/applications", "field.keep_reject");
		if (!api_fields_ok(r, errs)) {
			json_decref(body);
			return;
		}
		reject = what && !strcmp(what, "reject");
	}
	offerapi_offer *o = NULL;
	size_t rejected = 0;
	int rc = reject && version ? svc_fail(OFFERAPI_EINVAL, "err.close_if_match")
	         : reject          ? svc_offer_close_rejecting(
					     r, jstr(body, "reason", &bad), jstr(body, "reason_text", &bad),
					     json_is_true(json_object_get(body, "show_reason")), &rejected,
					     &o)
	                  : svc_offer_set_open_if(r, 0, version, &o);
	json_decref(body);
	if (rc == 0 && reject) {
		respond_json(r, 200,
		             json_pack("{s:o,s:I}", "offer", offer_json(r, o, r->user), "rejected",
		                       (json_int_t)rejected));
		offerapi_offer_free(o);
		return;
	}
	offer_result(r, rc, 200, o);
}

void api_offer_reopen(req *r)
{
	int64_t version;
	if (!offer_if_match(r, &version))
		return;
	offerapi_offer *o = NULL;
	int rc = svc_offer_set_open_if(r, 1, version, &o);
	offer_result(r, rc, 200, o);
}

/* The offer's editable fields as JSON, the document a merge patch applies to. */
static json_t *offer_fields_doc(const offerapi_offer *o)
{
	json_t *full = offer_json(NULL, o, NULL), *doc = json_object();
	static const char *const keys[] = { "title",      "description",     "location",
		                            "skills",     "questions",       "company",
		                            "contract",   "remote",          "salary_min",
		                            "salary_max", "salary_currency", "salary_period",
		                            "deadline" };
	for (size_t i = 0; full && i < sizeof keys / sizeof keys[0]; i++)
		if (json_object_get(full, keys[i])) /* the rich ones when set */
			json_object_set(doc, keys[i], json_object_get(full, keys[i]));
	json_decref(full);
	if (doc && offerapi_notify_name(o->notify))
		json_object_set_new(doc, "notify", json_string(offerapi_notify_name(o->notify)));
	return doc;
}

/* PATCH: a JSON Merge Patch (RFC 7396) of the offer's fields: members
 * present replace, null removes (a required field removed is a 422 that
 * names it), arrays are replaced whole; then the same checks and write as
 * PUT. Honours If-Match. */
void api_offer_patch(req *r)
{
	int64_t version;
	if (!api_need(r, OFFERAPI_ROLE_RECRUITER) || !offer_if_match(r, &version))
		return;
	json_t *patch = api_patch_body(r);
	if (!patch)
		return;
	offerapi_offer *o = NULL;
	int rc = offerapi_offer_get(r->app->store, r->id, &o);
	json_t *doc = rc ? NULL : offer_fields_doc(o);
	offerapi_offer_free(o);
	o = NULL;
	const char *key;
	json_t *v;
	json_object_foreach(patch, key, v)
	{
		if (doc && json_is_null(v))
			json_object_del(doc, key);
		else if (doc)
			json_object_set(doc, key, v);
	}
	offerapi_offer_fields f;
	const char *sk[OFFERAPI_SKILLS_MAX], *qs[OFFERAPI_QUESTIONS_MAX];
	if (rc) {
		api_fail(r, rc, false);
	} else if (offer_fields_json(r, doc, &f, sk, qs)) {
		rc = svc_offer_update_if(r, &f, version, &o); /* before offer_result reads o */
		offer_result(r, rc, 200, o);
	}
	json_decref(doc);
	json_decref(patch);
}
