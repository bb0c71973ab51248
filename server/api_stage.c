/*
 * api_stage.c - one application in detail (stage, history, the
 * recruiter's notes), changing its stage, notes, and the candidate's
 * withdrawal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api.h"
#include "i18n.h"

static json_t *history_json(const offerapi_stage_history *h)
{
	json_t *a = json_array();
	for (size_t i = 0; h && i < h->count; i++) {
		const offerapi_stage_event *e = &h->items[i];
		json_t *one = json_pack(
			"{s:I,s:s,s:s,s:o,s:s,s:I}", "id", (json_int_t)e->id, "from",
			offerapi_stage_name(e->from), "to", offerapi_stage_name(e->to), "actor_id",
			e->actor_id ? json_integer((json_int_t)e->actor_id) : json_null(),
			"actor_name", e->actor_name, "created_at", (json_int_t)e->created_at);
		if (one && e->reason != OFFERAPI_REASON_NONE)
			json_object_set_new(one, "rejection",
			                    json_pack("{s:s,s:s,s:b}", "reason",
			                              offerapi_reject_reason_name(e->reason),
			                              "text", e->reason_text, "shown",
			                              e->show_reason));
		json_array_append_new(a, one);
	}
	return a;
}

static json_t *note_json(const offerapi_note *n)
{
	return json_pack("{s:I,s:I,s:o,s:s,s:s,s:I}", "id", (json_int_t)n->id, "application_id",
	                 (json_int_t)n->application_id, "author_id",
	                 n->author_id ? json_integer((json_int_t)n->author_id) : json_null(),
	                 "author_name", n->author_name, "text", n->text, "created_at",
	                 (json_int_t)n->created_at);
}

static json_t *notes_json(const offerapi_note_list *l)
{
	json_t *a = json_array();
	for (size_t i = 0; l && i < l->count; i++)
		json_array_append_new(a, note_json(&l->items[i]));
	return a;
}

/* Application r->id in detail as its reader sees it, loaded into @d (the
 * caller frees it); the CV's text with it when @with_text (a recruiter's
 * GET). NULL on failure, answered. */
static json_t *detail_json(req *r, svc_detail *d, bool with_text)
{
	int rc = svc_detail_load(r, NULL, d);
	if (rc) {
		api_fail(r, rc, false);
		return NULL;
	}
	bool rec = r->user->role == OFFERAPI_ROLE_RECRUITER;
	json_t *j = application_json(d->app, rec);
	if (!j)
		return NULL;
	/* the CV's text only where the document promises it, in the GET: a
	 * POST's answer may be kept for its Idempotency-Key (in clear, for a
	 * day), and a CV is kept only sealed (docs/privacy.md) */
	if (with_text && d->app->cv_text)
		json_object_set_new(j, "cv_text", json_string(d->app->cv_text));
	json_object_set_new(j, "history", history_json(d->history));
	if (d->notes) {
		json_object_set_new(j, "notes", notes_json(d->notes));
		json_object_set_new(j, "notes_next",
		                    d->notes->next ? json_string(d->notes->next) : json_null());
	}
	return json_pack("{s:o}", "application", j);
}

/* Answer @status with application r->id in detail, as its reader sees it. */
static void detail_answer(req *r, int status)
{
	svc_detail d;
	json_t *j = detail_json(r, &d, !strcmp(r->method, "GET"));
	svc_detail_free(&d);
	if (j)
		respond_json(r, status, j);
	else if (!r->status)
		respond_json(r, 500, NULL);
}

/* If-Match on a write to application r->id: the application as its GET
 * shows it now must carry one of the listed ETags ("*": any), else 412 and
 * false. @from gets the stage it is at (empty without If-Match), which the
 * write then names, so a change between this read and the write is a 409,
 * not a lost update. */
static bool app_if_match(req *r, char from[32])
{
	from[0] = '\0';
	if (!mg_get_header(r->conn, "If-Match"))
		return true;
	svc_detail d;
	json_t *j = detail_json(r, &d, true);
	if (j)
		snprintf(from, 32, "%s", offerapi_stage_name(d.app->stage));
	svc_detail_free(&d);
	if (!j) {
		if (!r->status)
			respond_json(r, 500, NULL);
		return false;
	}
	return if_match_json(r, j);
}

/* One application: a candidate sees their own (without scores, with the
 * reason of a rejection only when shown), the offer's recruiter sees it
 * with scores, the extracted text, the history and the newest notes. */
void api_application_get(req *r)
{
	detail_answer(r, 200);
}

void api_check_rejection(req *r, json_t *body, json_t *errs)
{
	api_check_string(r, body, "reason", 32, false, errs);
	api_check_string(r, body, "reason_text", OFFERAPI_REASON_TEXT_MAX, false, errs);
	json_t *show = json_object_get(body, "show_reason");
	if (show && !json_is_boolean(show) && !json_is_null(show))
		problem_add(r, errs, "/show_reason", "field.boolean");
}

/* POST {stage, reason, reason_text, show_reason, from}. */
void api_application_stage(req *r)
{
	json_t *body = api_need_body(r, 0);
	if (!body)
		return;
	json_t *errs = json_array();
	api_check_string(r, body, "stage", 32, true, errs);
	api_check_rejection(r, body, errs);
	api_check_string(r, body, "from", 32, false, errs);
	json_t *show = json_object_get(body, "show_reason");
	if (!api_fields_ok(r, errs)) {
		json_decref(body);
		return;
	}
	bool bad = false;
	svc_stage_in in = { jstr(body, "stage", &bad), jstr(body, "reason", &bad),
		            jstr(body, "reason_text", &bad), json_is_true(show),
		            jstr(body, "from", &bad) };
	int rc = svc_stage_set(r, &in);
	json_decref(body);
	if (rc)
		api_fail(r, rc, false);
	else
		detail_answer(r, 200);
}

/* Member application_ids of @body: an array of 1 to
 * OFFERAPI_STAGE_BATCH_MAX positive integers, each fault added to @errs. */
static void check_ids(req *r, json_t *body, json_t *errs)
{
	json_t *a = json_object_get(body, "application_ids");
	if (!a || json_is_null(a)) {
		problem_add(r, errs, "/application_ids", "field.missing");
		return;
	}
	if (!json_is_array(a)) {
		problem_add(r, errs, "/application_ids", "field.id_array");
		return;
	}
	size_t n = json_array_size(a);
	if (n == 0)
		problem_add(r, errs, "/application_ids", "field.id_array");
	else if (n > OFFERAPI_STAGE_BATCH_MAX)
		problem_add(r, errs, "/application_ids", "field.ids_too_many");
	for (size_t i = 0; i < n && i < OFFERAPI_STAGE_BATCH_MAX; i++) {
		json_t *v = json_array_get(a, i);
		if (!json_is_integer(v) || json_integer_value(v) < 1) {
			char ptr[40];
			snprintf(ptr, sizeof ptr, "/application_ids/%zu", i);
			problem_add(r, errs, ptr, "field.app_id");
		}
	}
}

/* A refused batch: when one application stopped it (@bad < @n), the
 * problem points at it (/application_ids/@bad) with the library's line
 * naming it; otherwise as any failure. */
static void many_fail(req *r, int rc, size_t bad, size_t n)
{
	if (bad >= n || rc == OFFERAPI_EPERM || rc == OFFERAPI_EAUTH) {
		api_fail(r, rc, false);
		return;
	}
	http_error e;
	http_error_for(r, rc, false, &e);
	char ptr[40];
	snprintf(ptr, sizeof ptr, "/application_ids/%zu", bad);
	json_t *errs = json_pack("[{s:s,s:s}]", "pointer", ptr, "detail", e.detail);
	respond_problem(r, e.status, e.code, r->lang == LANG_EN ? e.detail : T(r, "err.bulk_one"),
	                errs);
}

/* POST /api/v1/offers/{id}/applications/stage {application_ids, stage,
 * reason, reason_text, show_reason, from}: all move or none; 200 with how
 * many and which. */
void api_offer_applications_stage(req *r)
{
	json_t *body = api_need_body(r, 0);
	if (!body)
		return;
	json_t *errs = json_array();
	check_ids(r, body, errs);
	api_check_string(r, body, "stage", 32, true, errs);
	api_check_rejection(r, body, errs);
	api_check_string(r, body, "from", 32, false, errs);
	if (!api_fields_ok(r, errs)) {
		json_decref(body);
		return;
	}
	json_t *a = json_object_get(body, "application_ids");
	size_t n = json_array_size(a);
	offerapi_id *ids = malloc(n * sizeof *ids);
	if (!ids) {
		json_decref(body);
		api_fail(r, OFFERAPI_ENOMEM, false);
		return;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = (offerapi_id)json_integer_value(json_array_get(a, i));
	bool bad_type = false;
	svc_stage_in in = { jstr(body, "stage", &bad_type), jstr(body, "reason", &bad_type),
		            jstr(body, "reason_text", &bad_type),
		            json_is_true(json_object_get(body, "show_reason")),
		            jstr(body, "from", &bad_type) };
	size_t moved = 0, bad = n;
	int rc = svc_stage_many(r, &in, ids, n, &moved, &bad);
	json_t *stage = json_string(in.stage); /* before the body goes */
	json_decref(body);
	if (rc) {
		json_decref(stage);
		free(ids);
		many_fail(r, rc, bad, n);
		return;
	}
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(list, json_integer((json_int_t)ids[i]));
	free(ids);
	respond_json(r, 200,
	             json_pack("{s:I,s:I,s:o,s:o}", "offer_id", (json_int_t)r->id, "moved",
	                       (json_int_t)moved, "stage", stage, "application_ids", list));
}

/* PATCH, a JSON Merge Patch (RFC 7396) of the application's stage:
 * {stage, reason, reason_text, show_reason}, and the candidate's
 * {pool_consent: false} (withdrawing the pool consent; true is refused:
 * consent is given on applying, with the notice). Nothing else. Honours
 * If-Match. */
void api_application_patch(req *r)
{
	char from[32];
	if (!api_need(r, 0) || !app_if_match(r, from))
		return;
	json_t *body = api_patch_body(r);
	if (!body)
		return;
	json_t *errs = json_array();
	const char *key;
	json_t *v;
	json_object_foreach(body, key, v)
	{
		static const char *const known[] = { "stage", "reason", "reason_text",
			                             "show_reason", "pool_consent" };
		bool ok = false;
		for (size_t i = 0; i < sizeof known / sizeof *known; i++)
			ok = ok || !strcmp(key, known[i]);
		if (!ok) {
			char where[72];
			snprintf(where, sizeof where, "/%.64s", key);
			problem_add(r, errs, where, "field.unknown_member");
		}
	}
	json_t *consent = json_object_get(body, "pool_consent");
	if (consent && !json_is_false(consent))
		problem_add(r, errs, "/pool_consent", "field.pool_consent_false");
	api_check_string(r, body, "stage", 32, !consent, errs);
	api_check_rejection(r, body, errs);
	if (!api_fields_ok(r, errs)) {
		json_decref(body);
		return;
	}
	bool bad = false;
	svc_stage_in in = { jstr(body, "stage", &bad), jstr(body, "reason", &bad),
		            jstr(body, "reason_text", &bad),
		            json_is_true(json_object_get(body, "show_reason")),
		            from[0] ? from : NULL };
	int rc = consent ? svc_consent_withdraw(r) : 0;
	if (rc == 0 && in.stage)
		rc = svc_stage_set(r, &in);
	json_decref(body);
	if (rc)
		api_fail(r, rc, false);
	else
		detail_answer(r, 200);
}

/* DELETE: the candidate withdraws (as POST .../withdraw). Honours
 * If-Match. */
void api_application_delete(req *r)
{
	char from[32];
	if (!api_need(r, OFFERAPI_ROLE_CANDIDATE) || !app_if_match(r, from))
		return;
	api_withdraw(r);
}

/* The candidate withdraws: answers the application as they see it. */
void api_withdraw(req *r)
{
	int rc = svc_withdraw(r);
	if (rc)
		api_fail(r, rc, false);
	else
		detail_answer(r, 200);
}

void api_application_notes(req *r)
{
	api_list q;
	if (!api_list_query(r, OFFERAPI_ROLE_RECRUITER, &q))
		return;
	offerapi_note_list *l = NULL;
	if (api_page_failed(r, svc_notes(r, &q.page, &l), &q.page))
		return;
	api_list_send(
		r, &q,
		json_pack("{s:I,s:o}", "application_id", (json_int_t)r->id, "notes", notes_json(l)),
		l->next, l->prev, l->total);
	offerapi_note_list_free(l);
}

/* POST {text}: 201 with the note. */
void api_application_note_add(req *r)
{
	json_t *body = api_need_body(r, OFFERAPI_ROLE_RECRUITER);
	if (!body)
		return;
	json_t *errs = json_array();
	api_check_string(r, body, "text", OFFERAPI_NOTE_MAX, true, errs);
	if (!api_fields_ok(r, errs)) {
		json_decref(body);
		return;
	}
	bool bad = false;
	offerapi_id id = 0;
	int rc = svc_note_add(r, jstr(body, "text", &bad), &id);
	json_decref(body);
	if (rc) {
		api_fail(r, rc, false);
		return;
	}
	/* the new note is among the newest (notes written at the same time
	 * by others may come before it) */
	offerapi_page page = OFFERAPI_PAGE_INIT;
	page.limit = OFFERAPI_PAGE_MAX;
	offerapi_note_list *l = NULL;
	rc = svc_notes(r, &page, &l);
	const offerapi_note *n = NULL;
	for (size_t i = 0; rc == 0 && !n && i < l->count; i++)
		if (l->items[i].id == id)
			n = &l->items[i];
	if (rc == 0 && !n)
		rc = OFFERAPI_ERROR; /* 500 notes written meanwhile */
	if (rc) {
		offerapi_note_list_free(l);
		api_fail(r, rc, false);
		return;
	}
	req_header(r, "Location: /api/v1/applications/%lld/notes", (long long)r->id);
	respond_json(r, 201, json_pack("{s:o}", "note", note_json(n)));
	offerapi_note_list_free(l);
}
