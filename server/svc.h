/*
 * svc.h - the server's services: each domain action carried out once, for
 * the HTML pages and the JSON API alike.
 *
 * A service takes parsed input and the request (for its application, user,
 * address and request id), checks the role, calls the library and returns 0
 * or a negative code: a library OFFERAPI_E* code, or one of the SVC_E*
 * codes below. It never writes a response: the handler renders the result,
 * or passes the code to http_error_for() (http.h), which maps it to a status
 * and a message in the reader's language. When a service refuses something
 * itself it records why (svc_last_key()), so the message can name it.
 */
#ifndef OFFERAPI_SERVER_SVC_H
#define OFFERAPI_SERVER_SVC_H

#include <stdbool.h>
#include <stddef.h>

#include <offerapi/offerapi.h>

#include "buf.h"
#include "http.h"

/* Too many failed logins for this account or address, or sign-ups from this
 * address: retry later (429). */
#define SVC_ELIMITED (-1001)

/* A new password the policy refuses (password.c): 422 weak_password, the
 * message names the reason. */
#define SVC_EWEAKPW (-1002)

/* A conditional write (If-Match) found the resource changed since the
 * version read: 412 precondition_failed. */
#define SVC_ESTALE (-1003)

/* The i18n key of the last refusal a service made on this thread for code
 * @rc, or NULL (the library's message applies then). */
const char *svc_last_key(int rc);
/* Record a refusal: returns @rc, so a service reads "return svc_fail(...)". */
int svc_fail(int rc, const char *key);

/* The request's user must exist (OFFERAPI_EAUTH) and, when @role is not 0,
 * have that role (OFFERAPI_EPERM). */
int svc_require(const req *r, int role);

/* Record in the access log (offerapi/access.h) that the request's user
 * accessed application @application_id (@kind), or with
 * OFFERAPI_ACCESS_CSV every application of offer @application_id (*@count
 * set, may be NULL), from the request's address. Called after the access
 * check and before any of the data is sent. A record that cannot be
 * written refuses the access: OFFERAPI_EUNAVAILABLE (503, "err.access_log"),
 * logged without the database's message (docs/privacy.md says why). */
int svc_access(req *r, offerapi_id application_id, offerapi_access_kind kind, int64_t *count);

/* The views of application r->id by others (its candidate only: else
 * OFFERAPI_ENOTFOUND). */
int svc_access_views(req *r, const offerapi_page *page, offerapi_access_list **out);

/* ---- sessions (svc_session.c) --------------------------------------------- */

typedef struct svc_signup_in {
	const char *login, *display_name, *password, *role; /* NULL counts as "" */
	const char *email; /* NULL or "": none (a verification link goes to one) */
} svc_signup_in;

/* A session just opened: its account and its token, or, refused with
 * SVC_ELIMITED, the seconds to wait. Free with svc_session_free(). */
typedef struct svc_session {
	offerapi_user *user;
	char token[OFFERAPI_TOKEN_SIZE];
	unsigned retry_after;
} svc_session;
void svc_session_free(svc_session *s);

/* Create an account and open its session. Limited per address
 * (--signup-limit an hour, per process): SVC_ELIMITED with
 * out->retry_after set. */
int svc_signup(req *r, const svc_signup_in *in, svc_session *out);
/* Log in, limited per account and per address: SVC_ELIMITED with
 * out->retry_after set, OFFERAPI_EAUTH for a wrong login or password. */
int svc_login(req *r, const char *login, const char *password, svc_session *out);
/* Follow a verification link (OFFERAPI_EAUTH: not valid, or no longer). */
int svc_verify_email(req *r, const char *token);
/* Forgot password: 0 whether or not an account has @email; OFFERAPI_EINVAL
 * when it is not an address. Limited per client address (--reset-limit an
 * hour): SVC_ELIMITED with *retry_after set. */
int svc_password_reset_request(req *r, const char *email, unsigned *retry_after);
/* Give the request's account an address, or change it, or ask a new link
 * for the unverified one: a verification message goes to it (nothing when
 * it is the account's verified address already). OFFERAPI_EINVAL: not an
 * address; OFFERAPI_EEXISTS: another account's. Limited per account
 * (--reset-limit an hour): SVC_ELIMITED with *retry_after set. */
int svc_set_email(req *r, const char *email, unsigned *retry_after);
/* Whether a reset link's token still works, without using it
 * (OFFERAPI_EAUTH: not valid, or no longer). */
int svc_password_reset_check(req *r, const char *token);
/* Reset with a link's token: the sign-up password rules (SVC_EWEAKPW), then
 * the library (every session of the account ends). *user_id (may be NULL):
 * the account. */
int svc_password_reset(req *r, const char *token, const char *password, offerapi_id *user_id);

/* ---- notifications (svc_notify.c) ---- */

/* The request's account's stage e-mail setting. */
int svc_notify_get(req *r, bool *stages);
int svc_notify_set(req *r, bool stages);
/* What unsubscribe link @token names (@apply false: changes nothing, for
 * the GET page) or turn it off (@apply true: the POST). No session needed:
 * the token is the proof. OFFERAPI_EINVAL: not a token's shape;
 * OFFERAPI_ENOTFOUND: unknown. *out: free with offerapi_unsubscribe_free. */
int svc_unsubscribe(req *r, const char *token, bool apply, offerapi_unsubscribe **out);
/* End the request's session (nothing when there is none). */
int svc_logout(req *r);
/* The user's live sessions, newest first: one page of @page, or every one
 * with @page NULL; *current is the id of the request's own session (""
 * with none). */
int svc_sessions(req *r, const offerapi_page *page, offerapi_session_list **out,
                 char current[OFFERAPI_SESSION_ID_SIZE]);
/* End the user's session r->sid (OFFERAPI_ENOTFOUND when the user has no
 * such live session); *was_current says it was the request's own. */
int svc_session_revoke(req *r, bool *was_current);

/* A new personal access token as a form or a JSON body gives it. */
typedef struct svc_token_in {
	const char *name;
	const char *const *scopes; /* scope names (offerapi_scope_parse) */
	size_t nscopes;
	int64_t expires_in_days; /* 0: never; at most SVC_TOKEN_DAYS_MAX */
} svc_token_in;
#define SVC_TOKEN_DAYS_MAX 3650

/* The live tokens of the logged-in account, newest first: one page of
 * @page, or every one with @page NULL (at most OFFERAPI_PAT_MAX). A bad
 * page or cursor is OFFERAPI_EINVAL (offerapi_error_last() says why). */
int svc_tokens(req *r, const offerapi_page *page, offerapi_pat_list **out);
/* Make a token (shown once: @token); a bad field is OFFERAPI_EINVAL
 * naming it. */
int svc_token_create(req *r, const svc_token_in *in, char token[OFFERAPI_PAT_SIZE],
                     offerapi_id *id);
/* Revoke token r->id of the logged-in account. */
int svc_token_revoke(req *r);

/* ---- webhooks (svc_webhook.c): a recruiter's endpoints ---------------------- */

/* The recruiter's endpoints, newest first: one page of @page, or every
 * one with @page NULL (at most OFFERAPI_WEBHOOK_MAX). */
int svc_webhooks(req *r, const offerapi_page *page, offerapi_webhook_list **out);
/* Register @url for the events named @events (the secret is shown once:
 * @secret); a bad field is OFFERAPI_EINVAL naming it. */
int svc_webhook_create(req *r, const char *url, const char *const *events, size_t nevents,
                       char secret[OFFERAPI_WEBHOOK_SECRET_SIZE], offerapi_id *id);
/* Endpoint r->id of the logged-in recruiter: remove it, send it a test
 * event, or read one page of its deliveries, newest first. */
int svc_webhook_delete(req *r);
int svc_webhook_test(req *r);
int svc_webhook_deliveries(req *r, const offerapi_page *page, offerapi_delivery_list **out);

/* ---- the export: the rights of access and portability (svc_session.c) ------ */

/* Write every piece of the request user's data as an archive of format @f
 * through @write (offerapi_user_export(); nothing is written before the
 * account is read): any logged-in user, for themself only. */
int svc_export(req *r, offerapi_export_format f, offerapi_export_write_fn write, void *payload);
/* Erase the logged-in account (the right to be forgotten) once @password
 * is its password (limited as logins are: SVC_ELIMITED with
 * *retry_after): now with --erase-grace-days 0 (*erase_at = 0), else
 * disabled now and erased at *erase_at (Unix seconds) by the sweep. The
 * caller clears the session cookie. */
int svc_erase(req *r, const char *password, int64_t *erase_at, unsigned *retry_after);

/* ---- the operator (svc_admin.c): OFFERAPI_ROLE_ADMIN only -------------------- */

/* A page of the accounts (every role when @role is 0). */
int svc_admin_users(req *r, offerapi_role role, const offerapi_page *page,
                    offerapi_user_list **out);
/* Account r->id (OFFERAPI_ENOTFOUND once erased). */
int svc_admin_user(req *r, offerapi_user **out);
/* Search the access log; @login (may be NULL or "") names the viewer
 * (OFFERAPI_EINVAL "err.admin_no_login" when no account has it). */
int svc_admin_access(req *r, const char *login, offerapi_access_query *q,
                     offerapi_access_list **out);
/* The archive of account r->id's data (as svc_export() for oneself). */
int svc_admin_export(req *r, offerapi_export_format f, offerapi_export_write_fn write,
                     void *payload);
/* Erase account r->id now once @confirm is its login (OFFERAPI_EINVAL
 * "err.admin_confirm" otherwise); never the operator's own account
 * (OFFERAPI_ECONFLICT: that goes through /me/delete and its password). */
int svc_admin_erase(req *r, const char *confirm, offerapi_erase_info *info);

/* ---- offers (svc_offer.c) ------------------------------------------------- */

/* Publish an offer (recruiters). *out (the stored offer) is the caller's;
 * @out may be NULL, then only *id is set. */
int svc_offer_create(req *r, const offerapi_offer_fields *f, offerapi_id *id, offerapi_offer **out);
/* Replace the fields of offer r->id (its recruiter). */
int svc_offer_update(req *r, const offerapi_offer_fields *f, offerapi_offer **out);
/* Close (@open 0) or reopen offer r->id (its recruiter). */
int svc_offer_set_open(req *r, int open, offerapi_offer **out);
/* Close offer r->id and reject its open applications with @reason
 * (profile, experience, position_filled, other), @reason_text (NULL or ""
 * for none) and @show_reason, each told by e-mail, in one transaction:
 * *rejected says how many. */
int svc_offer_close_rejecting(req *r, const char *reason, const char *reason_text, bool show_reason,
                              size_t *rejected, offerapi_offer **out);
/* The same two only while the offer is at version @if_version (0: any),
 * checked by the write itself: SVC_ESTALE when it changed meanwhile. */
int svc_offer_update_if(req *r, const offerapi_offer_fields *f, int64_t if_version,
                        offerapi_offer **out);
int svc_offer_set_open_if(req *r, int open, int64_t if_version, offerapi_offer **out);
/* Archive offer r->id (its recruiter; DELETE): closed for good and out of
 * every list; SVC_ESTALE as above, OFFERAPI_ENOTFOUND when archived. */
int svc_offer_archive_if(req *r, int64_t if_version);
/* Offer r->id for its own recruiter only (OFFERAPI_EPERM otherwise). */
int svc_offer_own(req *r, offerapi_offer **out);

/* ---- applications (svc_apply.c) ------------------------------------------- */

typedef struct svc_apply_in {
	const char *filename; /* as sent; replaced by "cv.pdf" when unusable */
	const void *pdf;
	size_t len;
	const char *const *answers;
	size_t nanswers;
	bool pool_consent; /* the pool box ticked; stored with the notice's version */
} svc_apply_in;

/* Apply to offer @offer_id (candidates): store the application, then score
 * it; a scoring failure is counted and logged, never undoes the storing. */
int svc_apply(req *r, offerapi_id offer_id, const svc_apply_in *in, offerapi_id *out);
/* The candidate withdraws the pool consent of application r->id. */
int svc_consent_withdraw(req *r);
/* The PDF of application r->id, for its candidate or the offer's recruiter;
 * recorded in the access log (svc_access). */
int svc_cv_pdf(req *r, void **pdf, size_t *len);
/* Application r->id with its CV text, for the same people (not recorded:
 * for what shows no CV data). */
int svc_application(req *r, offerapi_application **out);
/* The same, to send its CV text: recorded in the access log. */
int svc_cv_text(req *r, offerapi_application **out);

/* ---- stages and notes (svc_stage.c) -------------------------------------- */

/* A change of stage as a form or a JSON body gives it: names, NULL for
 * absent. */
typedef struct svc_stage_in {
	const char *stage; /* required: a stage name */
	const char *reason; /* rejected: profile, experience, position_filled, other */
	const char *reason_text; /* rejected: optional free text */
	bool show_reason; /* rejected: the candidate sees the reason */
	const char *from; /* NULL, or the stage the client read (else conflict) */
} svc_stage_in;

/* A rejection's reason (a name, NULL or "" for none), its free text (NULL
 * or "" for none) and whether it is shown, into @ch. A bad reason is
 * OFFERAPI_EINVAL naming it. */
int svc_reason_fill(offerapi_stage_change *ch, const char *reason, const char *text, bool shown);
/* Move application r->id to another stage (the library's rules: the
 * offer's recruiter; the candidate only withdraws). A bad field is
 * OFFERAPI_EINVAL naming it. */
int svc_stage_set(req *r, const svc_stage_in *in);
/* Move the applications @ids (@n of them) of offer r->id to the stage @in
 * names, all or none, in one transaction (its recruiter): *moved says how
 * many moved; on failure *bad is the index in @ids of the application
 * that stopped the batch, or @n when the failure is not one
 * application's (offerapi_application_set_stage_many()). */
int svc_stage_many(req *r, const svc_stage_in *in, const offerapi_id *ids, size_t n, size_t *moved,
                   size_t *bad);
/* The candidate withdraws their application r->id. */
int svc_withdraw(req *r);
/* Application r->id with its stage history, for its candidate or its
 * offer's recruiter; for the recruiter also a page of notes (the first, or
 * the one at @notes_cursor), none for the candidate. Free with
 * svc_detail_free(). */
typedef struct svc_detail {
	offerapi_application *app;
	offerapi_stage_history *history;
	offerapi_note_list *notes; /* the recruiter's; NULL for the candidate */
} svc_detail;
int svc_detail_load(req *r, const char *notes_cursor, svc_detail *d);
void svc_detail_free(svc_detail *d);
/* Add a private note to application r->id (the offer's recruiter). */
int svc_note_add(req *r, const char *text, offerapi_id *out);
/* A page of the notes of application r->id (the offer's recruiter). */
int svc_notes(req *r, const offerapi_page *page, offerapi_note_list **out);

/* ---- scoring jobs (svc_jobs.c) -------------------------------------------- */

/* (An offer's jobs come with its dashboard: svc_dashboard's dash->jobs.) */
/* The jobs of application r->id, for its candidate or its offer's recruiter
 * (the library blanks the failure reason for the candidate). */
int svc_jobs_application(req *r, offerapi_job_status_list **out);
/* The recruiter's retry of the failed job of @scorer on application r->id
 * (only the recruiter of its offer; a job not failed is left as it is). */
int svc_job_retry(req *r, const char *scorer);
/* The job of (@application_id, @scorer) in @l, or NULL. */
const offerapi_job_status *svc_job_find(const offerapi_job_status_list *l,
                                        offerapi_id application_id, const char *scorer);

/* ---- dashboards (svc_dashboard.c) ----------------------------------------- */

#define SVC_MAX_COLUMNS 32

typedef struct svc_dashboard {
	const offerapi_offer *offer; /* dash->offer (the CSV: its own, svc_csv) */
	offerapi_dashboard *dash; /* the library's: summary and page */
	const offerapi_application_list *list; /* the page, ranked by @by, best first */
	const char *cols[SVC_MAX_COLUMNS]; /* scorer columns: loaded ones, then stored others */
	size_t ncols;
	const char *by; /* the ranking scorer (one of cols), or NULL without scorers */
	int64_t count; /* applications to the offer (every page) */
	size_t scored; /* of them, with a score from @by */
	double mean; /* of those scores (0 when none) */
	/* ?stage=: the page is of the applications at that stage, oldest
	 * first (offerapi_application_list_stage_page), not ranked */
	offerapi_application_list *staged;
	const char *stage; /* its name (static), or NULL */
} svc_dashboard;

/* The dashboard of offer r->id for its recruiter, ranked by @rank or, when
 * @rank is NULL, "" or unknown, by the first configured scorer: the
 * summary over every application, and the page @page (NULL: the first). */
int svc_dashboard_load(req *r, const char *rank, const offerapi_page *page, svc_dashboard *d);
void svc_dashboard_free(svc_dashboard *d);
/* The dashboard the request's ?rank, ?cursor, ?limit and ?stage ask for (a
 * malformed value or an unknown stage is OFFERAPI_EINVAL; a too long or
 * unknown rank ranks by the default). */
int svc_dashboard_for(req *r, svc_dashboard *d);
/* The score of @a by @scorer, or NULL. */
const offerapi_score *svc_find_score(const offerapi_application *a, const char *scorer);

/* The CSV export (RFC 4180, formula-safe, explanations in the request's
 * language) of every application, in constant memory: open checks the
 * request (?rank) and the permission; each next appends rows to @out until
 * it holds @want bytes and returns 0, or 1 after the last row, or an
 * error. */
typedef struct svc_csv svc_csv;
int svc_dashboard_csv_open(req *r, svc_csv **out);
int svc_dashboard_csv_next(svc_csv *c, buf *out, size_t want);
void svc_dashboard_csv_close(svc_csv *c);

#endif
