/*
 * pages.h - the HTML pages: handlers that parse a request and render a
 * page, nothing else (the domain actions are services: svc.h). Every piece
 * of data reaches a page through buf_esc(); the only unescaped text is the
 * pages' own markup and the i18n strings.
 */
#ifndef OFFERAPI_SERVER_PAGES_H
#define OFFERAPI_SERVER_PAGES_H

#include <stdbool.h>

#include "app.h"
#include "form.h"
#include "i18n.h"
#include "svc.h"

/* ---- the privacy notice (privacy.c) ---------------------------------------- */

/* The notice as a section with id privacy-notice (what the pool box's
 * aria-describedby names). */
void privacy_notice(req *r, buf *b);
/* The unticked-by-default pool consent box (nothing when --pool-days 0). */
void privacy_pool_box(req *r, buf *b, bool checked);

/* ---- handlers (one per route) ---------------------------------------------- */

void page_home(req *r);
void page_signup(req *r);
void page_consent_withdraw(req *r);
void page_signup_post(req *r);
void page_login(req *r);
void page_login_post(req *r);
void page_logout(req *r);
void page_verify_email(req *r);
void page_verify_email_post(req *r);
void page_my_email(req *r);
void page_my_email_post(req *r);
void page_my_notifications(req *r);
void page_my_notifications_post(req *r);
void page_unsubscribe(req *r);
void page_unsubscribe_post(req *r);
void page_forgot_password(req *r);
void page_forgot_password_post(req *r);
void page_reset_password(req *r);
void page_reset_password_post(req *r);
void page_offer_new(req *r);
void page_offer_create(req *r);
void page_offer(req *r);
void page_offer_edit(req *r);
void page_offer_update(req *r);
void page_offer_close(req *r);
void page_offer_close_confirm(req *r);
void page_offer_reopen(req *r);
void page_apply(req *r);
void page_my_applications(req *r);
void page_my_sessions(req *r);
void page_my_export(req *r);
/* ?format= of an export (zip when absent) into *@f; false when it is
 * unknown, once a 400 page said so (pages_account.c). */
bool page_export_format(req *r, offerapi_export_format *f);
void page_my_delete(req *r);
void page_my_delete_post(req *r);
void page_session_revoke(req *r);
void page_my_tokens(req *r);
void page_token_create(req *r);
void page_token_revoke(req *r);
void page_dashboard(req *r);
void page_dashboard_csv(req *r);
void page_offer_applications_stage(req *r);
void page_cv_pdf(req *r);
void page_cv_text(req *r);
void page_job_retry(req *r);
void page_application(req *r);
void page_application_stage(req *r);
void page_application_note(req *r);
void page_withdraw(req *r);
void page_my_application_views(req *r); /* who viewed it (access log) */
void page_admin(req *r); /* the operator's pages (pages_admin.c) */
void page_admin_access(req *r);
void page_admin_export(req *r);
void page_admin_erase(req *r);
void page_admin_erase_post(req *r);
void page_lang(req *r);
void page_css(req *r);
void page_not_found(req *r);

/* ---- forms that help (pages_form.c) --------------------------------------- */

#define FIELD_ERRS_MAX 16
/* The errors of one form, each tied to a field name. */
typedef struct field_errs {
	size_t n;
	const char *name[FIELD_ERRS_MAX];
	char text[FIELD_ERRS_MAX][224];
} field_errs;

/* Record "<label>: <message>" for field @name: the label is i18n key
 * @label_key, the message i18n key @fmt_key (a printf format). */
void ferr_add(req *r, field_errs *e, const char *name, const char *label_key, const char *fmt_key,
              ...);
/* A form's refusal @rc: *@e its status and message (http_error_for), and
 * a Retry-After of @wait seconds when it is SVC_ELIMITED. True when the
 * answer is sent (a server error's page); false: the caller shows its
 * form again with *@e. */
bool form_refused(req *r, int rc, unsigned wait, http_error *e);
/* A button's POST, a form of nothing but its CSRF token: @action(@r),
 * then a redirect to @to, or the page of its failure. */
void page_button_post(req *r, int (*action)(req *r), const char *to);
/* The error of field @name, or NULL (also when @e is NULL). */
const char *ferr_get(const field_errs *e, const char *name);
/* The library's text rules for one field: @min visible characters, @max
 * bytes, no control character (but line breaks when @multiline). */
void ferr_text(req *r, field_errs *e, const char *name, const char *label_key, const char *s,
               size_t min, size_t max, bool multiline);
/* The list of a form's errors, each a link to its field (nothing if none). */
void ferr_summary(req *r, buf *b, const field_errs *e);
/* A labelled field with id f-@name, tied to its error (e-@name) and hint
 * (h-@name) by aria-describedby; aria-invalid when it has an error. */
void field_ex(buf *b, const char *type, const char *name, const char *label, const char *value,
              const char *attrs, const field_errs *errs, const char *hint);
/* The label and the opening of <@tag ...> (not closed: the caller adds its
 * attributes and '>'), then, after the element, field_notes(). */
void field_open(buf *b, const char *tag, const char *name, const char *label, const char *err,
                const char *hint);
void field_notes(buf *b, const char *name, const char *err, const char *hint);
/* @bytes in the reader's units: "10 Mo" / "10 MB", "1,5 Mo", "64 Ko". */
void size_str(req *r, char *dst, size_t n, size_t bytes);
/* True for a local path a page may send the visitor back to (not another
 * site, no control characters, nothing to escape). */
bool local_path_ok(const char *p);

/* ---- shared by the pages (pages_layout.c) ----------------------------------- */

/* The head of every page and its navigation (depends on the role). */
void page_start(req *r, buf *b, const char *title);
/* Close the page and send it (500 if the buffer failed). */
void page_send(req *r, int status, buf *b);
void page_error(req *r, int status, const char *message);
/* A failure @rc on a page: the status and message of http_error_for(); a
 * visitor who must log in is sent to the login page. */
void page_fail(req *r, int rc);
/* A role's name in the page's language ("Candidat" / "Candidate"). */
const char *role_label(req *r, offerapi_role role);
/* The user must have @role (0: any): answers and returns false otherwise. */
bool need_role(req *r, int role);
/* The path to return to after login, sign-up or giving an address (?next=
 * or the form's hidden field @f), or "/" when absent or not a local path.
 * The query's value is copied into @dst of @n bytes; with a form, which
 * keeps its own values, @dst may be NULL. */
const char *next_path(req *r, const form *f, char *dst, size_t n);
/* Parse a POSTed form and check its CSRF token and UTF-8: answers and
 * returns false on failure. A file over @max_file is not a failure when the
 * fields before it arrived: true, with f->error 413, so the page can come
 * back with the answers kept. */
bool page_form(req *r, form *f, size_t max_file);
/* page_form(), then need_role(@role): false once answered (the form is
 * read first, so a refused request still drains its body). */
bool page_form_as(req *r, form *f, size_t max_file, int role);
void alert(req *r, buf *b, const char *kind, const char *msg);
/* A list of @n rows as a table that stacks on a phone. No row: the
 * paragraph of i18n key @empty_key, and false. Else true, once written
 * the heading @caption_key with id "@id-caption" (NULL: the caller wrote
 * it), which names the table (a caption would be squeezed into a cell
 * when the rows stack), and the table up to its <tbody>, with a column
 * header for each i18n key of @cols (NULL-terminated). */
bool table_start(req *r, buf *b, size_t n, const char *empty_key, const char *id,
                 const char *caption_key, const char *const *cols);
/* The "ok" alert of i18n key @msg_key when the query holds @flag
 * ("erased=1": what a redirect after a POST says was done). */
void alert_done(req *r, buf *b, const char *flag, const char *msg_key);
/* Start @b (initialised here with room for @size bytes) as the page of
 * i18n key @title_key: the head, the title as its heading (in a narrow
 * section when @narrow, left open) and the paragraph @intro_key (NULL:
 * none). */
void page_open(req *r, buf *b, size_t size, const char *title_key, const char *intro_key,
               bool narrow);
/* Start @b (initialised here) as a page holding one form: its heading, the
 * error @err if any, the list of @errs (may be NULL), and the form's
 * opening tag with its CSRF token. */
void form_page_start(req *r, buf *b, const char *heading, const char *err, const field_errs *errs,
                     const char *action);
/* End and send (with @status) a form page of form_page_start() whose
 * submission cannot be undone: the red submit button @submit, the form's
 * end, and a way back to @back_href named @back. */
void form_page_end_danger(req *r, buf *b, int status, const char *submit, const char *back_href,
                          const char *back);
void hidden_csrf(req *r, buf *b);
/* A labelled <input>. */
void field(buf *b, const char *type, const char *name, const char *label, const char *value,
           const char *attrs);
/* On a --demo instance: a discreet banner with the demo logins and their
 * passwords (nothing otherwise). */
void demo_banner(req *r, buf *b);
/* A scorer's name in the page's language ("similarity": "Similarité
 * CV-offre"); the name itself for a scorer without a translation. */
const char *scorer_label(req *r, const char *name);
/* @v with @decimals digits after the page's decimal separator: "0,98"
 * in French, "0.98" in English (the server never calls setlocale). */
void num_str(const req *r, char *dst, size_t n, double v, int decimals);
/* Stages on the pages (pages_stage.c): the stage's name in the page's
 * language; as a badge (a span with class stage-NAME); a rejection's
 * reason and its text. */
const char *stage_label(req *r, offerapi_stage st);
void stage_badge(req *r, buf *b, offerapi_stage st);
void reason_html(req *r, buf *b, offerapi_reject_reason why, const char *text);
/* The candidate's answers to the offer's questions, a paragraph each: the
 * question in bold, markup @sep, the answer. */
void answers_html(buf *b, const offerapi_application *a, const char *sep);

/* A rejection's fields, for a form: the reason (a list, @selected chosen;
 * OFFERAPI_REASON_NONE: none, and the list is required), its free text, and
 * whether the candidate is shown it (@shown: ticked). Ids start with @id. */
void reason_fields(req *r, buf *b, const char *id, offerapi_reject_reason selected, bool shown);

/* The richer fields of an offer (pages_offer_fields.c, issue 14). */
/* Its company, contract, remote policy, salary and deadline as a list of
 * facts in the page's language; nothing when it says none. */
void offer_facts(req *r, buf *b, const offerapi_offer *o);
/* What the offer form shows in those fields: strings, pointing into the
 * offer, the posted form or the struct's own arrays (do not copy it). */
typedef struct offer_rich_values {
	const char *company, *contract, *remote, *salary_min, *salary_max, *currency, *period,
		*deadline;
	char smin[24], smax[24], day[40];
} offer_rich_values;
/* From offer @o (NULL: a new offer's defaults), or from a posted form. */
void rich_values_from_offer(const offerapi_offer *o, offer_rich_values *v);
void rich_values_from_form(const form *f, offer_rich_values *v);
/* The form's fields for them, each with its error from @errs. */
void rich_form_fields(req *r, buf *b, const offer_rich_values *v, const field_errs *errs);
/* Read them from the posted form into @o, every error said in @e (a
 * deadline to come when @create). */
void rich_from_form(req *r, const form *f, bool create, offerapi_offer_fields *o, field_errs *e);
/* The home search's filters: contract, remote, salary floor (yearly,
 * EUR); parsed into @q: NULL, or the i18n key of the 400's message. */
void rich_filter_fields(req *r, buf *b, const char *contract, const char *remote,
                        const char *floor);
const char *rich_filter_parse(const char *contract, const char *remote, const char *floor,
                              offerapi_offer_query *q);

/* Size of a buffer that holds any date_str(). */
#define DATE_STR_MAX 80
/* Unix time @t as HTML in the page's language, "8 déc. 2026" or
 * "8 Dec 2026" (UTC day), inside <time datetime="2026-12-08">. */
void date_str(const req *r, char *dst, size_t n, int64_t t);

#endif
