/*
 * api.h - the JSON API under /api/v1: handlers that parse a request and
 * render JSON, nothing else (the domain actions are services: svc.h).
 * Errors are RFC 9457 problems (application/problem+json, docs/server.md);
 * every route is in server/openapi.yaml.
 */
#ifndef OFFERAPI_SERVER_API_H
#define OFFERAPI_SERVER_API_H

#include <stdbool.h>

#include <jansson.h>

#include "app.h"
#include "svc.h"

/* ---- handlers (one per route) ----------------------------------------------- */

void api_signup(req *r);
void api_login(req *r);
void api_verify_email(req *r);
void api_password_reset_request(req *r);
void api_password_reset(req *r);
void api_logout(req *r);
void api_me(req *r);
void api_my_sessions(req *r);
void api_erase_me(req *r);
void api_my_email(req *r);
void api_my_notifications(req *r);
void api_my_notifications_put(req *r);
void api_my_export(req *r);
void api_session_revoke(req *r);
void api_my_tokens(req *r);
void api_token_create(req *r);
void api_token_revoke(req *r);
void api_my_webhooks(req *r);
void api_webhook_create(req *r);
void api_webhook_delete(req *r);
void api_webhook_test(req *r);
void api_webhook_deliveries(req *r);
void api_offers_list(req *r);
void api_offers_create(req *r);
void api_offer_get(req *r);
void api_offer_update(req *r);
void api_offer_patch(req *r);
void api_offer_archive(req *r);
void api_offer_close(req *r);
void api_offer_reopen(req *r);
void api_apply(req *r);
void api_offer_applications(req *r);
void api_offer_applications_csv(req *r);
void api_my_applications(req *r);
void api_application_get(req *r);
void api_cv_pdf(req *r);
void api_cv_text(req *r);
void api_application_jobs(req *r);
void api_application_stage(req *r);
void api_application_patch(req *r);
void api_application_delete(req *r);
void api_offer_applications_stage(req *r);
void api_application_notes(req *r);
void api_application_note_add(req *r);
void api_withdraw(req *r);
void api_my_application_views(req *r); /* who viewed it (access log) */
void api_job_retry(req *r);
void api_scorers(req *r);
void api_not_found(req *r);
/* The OpenAPI document (api_doc.c) and its reference page. */
void api_openapi_json(req *r);
void api_openapi_yaml(req *r);
void page_api_docs(req *r);

/* ---- shared by the API (api_util.c) --------------------------------------------- */

/* Answer failure @rc (library or service code) as JSON. */
/* 403 insufficient_scope for a personal access token on a route that needs
 * @scope (one offerapi_scope bit), or on an account route (0): tokens are
 * never for those. */
void api_scope_refused(req *r, unsigned scope);
void api_fail(req *r, int rc, bool upload);
/* api_fail() of a request that carried no file (a fail_fn, http.h). */
void api_fail_plain(req *r, int rc);
/* The end of an action that answers no body: @status when @rc is 0, else
 * api_fail_plain(). */
void api_done(req *r, int rc, int status);
/* The user must have @role (0: any): answers and returns false otherwise. */
bool api_need(req *r, int role);
/* Field checks that report every invalid member at once (RFC 9457
 * errors with JSON pointers): add what is wrong to @errs... */
void api_check_string(req *r, json_t *j, const char *name, size_t max, bool required, json_t *errs);
void api_check_strings(req *r, json_t *j, const char *name, size_t max, size_t len, json_t *errs);
/* A rejection's fields of @body (reason, reason_text: strings within
 * their bounds; show_reason: a boolean), each fault added to @errs. */
void api_check_rejection(req *r, json_t *body, json_t *errs);
/* ...then answer 422 with them all and return false, or return true. Steals @errs. */
bool api_fields_ok(req *r, json_t *errs);
/* A JSON object body within --max-body, or NULL once answered. */
json_t *api_body(req *r);
/* api_need(@role), then api_body(): NULL once answered. */
json_t *api_need_body(req *r, int role);
/* The same within @max bytes; @toobig is the message when larger. */
json_t *api_body_max(req *r, size_t max, const char *toobig);
/* The same with Content-Type @ctype ("application/merge-patch+json"). */
json_t *api_body_as(req *r, size_t max, const char *toobig, const char *ctype);
/* A JSON merge patch (application/merge-patch+json) within --max-body,
 * or NULL once answered. */
json_t *api_patch_body(req *r);
/* A string member, or NULL (absent or null); *bad set for another type. */
const char *jstr(json_t *o, const char *key, bool *bad);
/* Query parameter @name (UTF-8, decoded) into @dst, "" when absent: answers
 * 400 and returns false when malformed or too long. */
bool query_param(req *r, const char *name, char *dst, size_t n);
bool query_uint(req *r, const char *name, size_t max, size_t *out);

/* ---- lists (api_page.c): one pagination scheme ---------------------------------- */

/* ?limit (1..OFFERAPI_PAGE_MAX, default OFFERAPI_PAGE_DEFAULT) and ?cursor
 * into @page (its cursor points into @cursor); any other parameter must
 * be in @known (NULL-terminated, may be NULL). Answers 400 with every bad
 * or unknown parameter (unknown ones with the allowed names) and returns
 * false. */
bool api_page_query(req *r, const char *const *known, offerapi_page *page,
                    char cursor[OFFERAPI_CURSOR_MAX]);
/* 400 for a cursor the library refused (OFFERAPI_EINVAL). */
void api_page_bad_cursor(req *r);
/* After reading a page of a list: false when @rc is 0; else answered (a
 * refused cursor is a 400 on it, the rest as api_fail()) and true. */
bool api_page_failed(req *r, int rc, const offerapi_page *page);
/* Set next, prev (cursors or null), limit and total (null when < 0) in
 * @out and queue the RFC 8288 Link header (rel="next", rel="prev"). */
void api_page_answer(req *r, json_t *out, const char *next, const char *prev, size_t limit,
                     int64_t total);
/* The request of a list that counts its total and has no parameter of its
 * own: its page, whose cursor points into its own buffer. */
typedef struct api_list {
	offerapi_page page;
	char cursor[OFFERAPI_CURSOR_MAX];
} api_list;
/* api_page_query() of @q, then api_need(@role) unless @role is 0 (its
 * service checks who may read it); the page asks for the total. False
 * once answered. */
bool api_list_query(req *r, int role, api_list *q);
/* 200 with @out (NULL: a server error) and, in it, the page's cursors
 * @next and @prev, its limit and @total (api_page_answer()). */
void api_list_send(req *r, const api_list *q, json_t *out, const char *next, const char *prev,
                   int64_t total);

/* The user as its owner sees it (with the address: only ever sent to the
 * account's own session). */
json_t *user_json(const offerapi_user *u);
json_t *offer_json(const req *r, const offerapi_offer *o, const offerapi_user *viewer);
json_t *application_json(const offerapi_application *a, bool scores);
/* The scoring jobs of application @id in @l as a JSON array: scorer,
 * scorer_version, state (pending, running, done, failed), attempts and, for
 * the recruiter (@reasons), the last error. */
json_t *jobs_json(const offerapi_job_status_list *l, offerapi_id id, bool reasons);

#endif
