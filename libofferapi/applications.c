/*
 * applications.c - applying with a PDF CV, reading applications, scores.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypt_internal.h"
#include "internal.h"
#include "jsonlist.h"
#include "store_internal.h"
#include "app_internal.h"
#include "jobs_internal.h"
#include "webhooks_internal.h"
#include "offerapi/offer.h"
#include "offerapi/application.h"

#define APP_FROM                                                                                   \
	" FROM applications a JOIN offers o ON o.id = a.offer_id"                                  \
	" JOIN users u ON u.id = a.candidate_id"

/* ---- freeing ---- */

void app_clear(offerapi_application *a)
{
	free(a->offer_title);
	free(a->candidate_name);
	free(a->candidate_login);
	free(a->filename);
	free(a->cv_text);
	free(a->reason_text);
	free(a->candidate_email);
	free(a->notice_version);
	for (size_t i = 0; i < a->nanswers; i++) {
		free(a->answers[i].question);
		free(a->answers[i].answer);
	}
	free(a->answers);
	for (size_t i = 0; i < a->nscores; i++) {
		free(a->scores[i].scorer);
		free(a->scores[i].scorer_version);
		free(a->scores[i].explanation);
	}
	free(a->scores);
	memset(a, 0, sizeof *a);
}

void offerapi_application_free(offerapi_application *a)
{
	if (!a)
		return;
	app_clear(a);
	free(a);
}

void offerapi_application_list_free(offerapi_application_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		app_clear(&l->items[i]);
	free(l->items);
	free(l->next);
	free(l->prev);
	free(l->rank_by);
	free(l);
}

/* ---- reading ---- */

void app_hide_reason(offerapi_application *a)
{
	if (a->show_reason)
		return;
	a->reason = OFFERAPI_REASON_NONE;
	a->reason_text[0] = '\0';
}

int app_from_row(const db_result *r, int row, int c, int text_col, offerapi_application *a)
{
	memset(a, 0, sizeof *a);
	a->id = db_int(r, row, c);
	a->offer_id = db_int(r, row, c + 1);
	a->candidate_id = db_int(r, row, c + 2);
	a->offer_title = oa_strdup(db_text(r, row, c + 3));
	a->offer_is_open = db_int(r, row, c + 4) != 0;
	a->candidate_name = oa_strdup(db_text(r, row, c + 5));
	a->candidate_login = oa_strdup(db_text(r, row, c + 6));
	a->filename = oa_strdup(db_text(r, row, c + 7));
	a->pdf_size = (size_t)db_int(r, row, c + 8);
	a->created_at = db_int(r, row, c + 10);
	int rc = 0;
	offerapi_stage st;
	offerapi_reject_reason why = OFFERAPI_REASON_NONE;
	if (offerapi_stage_parse(&st, db_text(r, row, c + 11)) < 0 ||
	    (!db_isnull(r, row, c + 13) &&
	     offerapi_reject_reason_parse(&why, db_text(r, row, c + 13)) < 0))
		return oa_error(OFFERAPI_ERROR, "application %lld: stored stage or reason unknown",
		                (long long)a->id);
	a->stage = st;
	a->stage_at = db_isnull(r, row, c + 12) ? a->created_at : db_int(r, row, c + 12);
	a->reason = why;
	a->show_reason = db_int(r, row, c + 15) != 0;
	a->reason_text = oa_strdup(db_isnull(r, row, c + 14) ? "" : db_text(r, row, c + 14));
	a->candidate_email = oa_strdup(db_isnull(r, row, c + 16) ? "" : db_text(r, row, c + 16));
	a->pool_consent = db_int(r, row, c + 17) != 0;
	a->consent_at = db_isnull(r, row, c + 18) ? 0 : db_int(r, row, c + 18);
	a->notice_version = oa_strdup(db_isnull(r, row, c + 19) ? "" : db_text(r, row, c + 19));
	if (!a->offer_title || !a->candidate_name || !a->candidate_login || !a->filename ||
	    !a->reason_text || !a->candidate_email || !a->notice_version)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (rc == 0)
		rc = oa_json_answers_parse(db_text(r, row, c + 9), &a->answers, &a->nanswers);
	if (rc == 0 && text_col >= 0 && !db_isnull(r, row, text_col) &&
	    !(a->cv_text = oa_strdup(db_text(r, row, text_col))))
		rc = OFFERAPI_ENOMEM;
	if (rc < 0)
		app_clear(a);
	return rc;
}

int app_text_open(offerapi_store *s, offerapi_application *a, const db_result *r, int row, int col)
{
	const db_cell *c = db_cell_at(r, row, col);
	size_t n;
	return c->data ? cv_open(s, a->id, CV_TEXT, c->data, c->len, &a->cv_text, &n) : 0;
}

/* An application's id and its place in a list, for lookups by id. */
typedef struct id_slot {
	offerapi_id id;
	size_t index;
} id_slot;

static int id_slot_cmp(const void *a, const void *b)
{
	const id_slot *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

static int score_cmp(const void *x, const void *y)
{
	return strcmp(((const offerapi_score *)x)->scorer, ((const offerapi_score *)y)->scorer);
}

/* Count @r's scores per item (rows with a scorer only); owner[k] is the
 * item of row k, or SIZE_MAX. */
static int score_owners(const db_result *r, int idcol, int scol, offerapi_application *items,
                        size_t count, size_t *owner, size_t *per)
{
	id_slot *slots = malloc(count * sizeof *slots);
	if (!slots)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (size_t i = 0; i < count; i++)
		slots[i] = (id_slot){ items[i].id, i };
	qsort(slots, count, sizeof *slots, id_slot_cmp);
	for (size_t k = 0; k < (size_t)r->nrows; k++) {
		id_slot key = { db_int(r, (int)k, idcol), 0 };
		id_slot *hit = db_isnull(r, (int)k, scol)
		                       ? NULL
		                       : bsearch(&key, slots, count, sizeof *slots, id_slot_cmp);
		owner[k] = hit ? hit->index : SIZE_MAX;
		if (hit)
			per[hit->index]++;
	}
	free(slots);
	return 0;
}

int attach_scores(const db_result *r, int idcol, int scol, offerapi_application *items,
                  size_t count)
{
	if (r->nrows == 0 || count == 0)
		return 0;
	size_t nrows = (size_t)r->nrows;
	size_t *owner = malloc(nrows * sizeof *owner);
	size_t *per = calloc(count, sizeof *per);
	int rc = owner && per ? score_owners(r, idcol, scol, items, count, owner, per)
	                      : oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (size_t i = 0; rc == 0 && i < count; i++)
		if (per[i] && !(items[i].scores = calloc(per[i], sizeof *items[i].scores)))
			rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (size_t k = 0; rc == 0 && k < nrows; k++) {
		if (owner[k] == SIZE_MAX)
			continue;
		offerapi_application *a = &items[owner[k]];
		offerapi_score *sc = &a->scores[a->nscores++];
		int row = (int)k;
		sc->scorer = oa_strdup(db_text(r, row, scol));
		sc->scorer_version = oa_strdup(db_text(r, row, scol + 1));
		sc->score = db_real(r, row, scol + 2);
		sc->explanation = oa_strdup(db_text(r, row, scol + 3));
		sc->created_at = db_int(r, row, scol + 4);
		if (!sc->scorer || !sc->scorer_version || !sc->explanation)
			rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	/* every item's scores by scorer name, whatever order the rows came in */
	for (size_t i = 0; rc == 0 && i < count; i++)
		if (items[i].nscores > 1)
			qsort(items[i].scores, items[i].nscores, sizeof *items[i].scores,
			      score_cmp);
	free(owner);
	free(per);
	return rc;
}

/* Who may read application rows: the candidate or the offer's recruiter. */
static bool may_read(const offerapi_user *actor, offerapi_id candidate_id, offerapi_id recruiter_id)
{
	if (!actor)
		return false;
	if (actor->role == OFFERAPI_ROLE_CANDIDATE)
		return actor->id == candidate_id;
	return actor->role == OFFERAPI_ROLE_RECRUITER && actor->id == recruiter_id;
}

/* Read one application (checking the actor) into @out. */
static int app_read(offerapi_store *s, const offerapi_user *actor, offerapi_id id, bool with_text,
                    offerapi_application **out)
{
	*out = NULL;
	db_result *r = NULL;
	int rc = store_exec(s,
	                    with_text ? "SELECT " APP_COLUMNS ", c.cv_text, o.recruiter_id" APP_FROM
	                                " LEFT JOIN cv_sealed c ON c.application_id = a.id"
	                                " WHERE a.id = $1"
	                              : "SELECT " APP_COLUMNS ", NULL, o.recruiter_id" APP_FROM
	                                " WHERE a.id = $1",
	                    (db_param[]){ P_INT(id) }, 1, &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0 || !may_read(actor, db_int(r, 0, 2), db_int(r, 0, APP_NCOLUMNS + 1))) {
		/* the same answer for "absent" and "not yours" to anyone who
		 * could not see it anyway hides which ids exist */
		bool exists = r->nrows > 0;
		db_result_free(r);
		if (!actor)
			return oa_error(OFFERAPI_EPERM, "log in to read applications");
		return exists ? oa_error(OFFERAPI_EPERM, "application %lld is not yours to read",
		                         (long long)id)
		              : oa_error(OFFERAPI_ENOTFOUND, "application %lld: not found",
		                         (long long)id);
	}
	offerapi_application *a = calloc(1, sizeof *a);
	if (!a) {
		db_result_free(r);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	rc = app_from_row(r, 0, 0, -1, a);
	if (rc == 0 && (rc = app_text_open(s, a, r, 0, APP_NCOLUMNS)) < 0)
		app_clear(a);
	if (rc == 0 && actor->role == OFFERAPI_ROLE_CANDIDATE)
		app_hide_reason(a);
	db_result_free(r);
	if (rc < 0) {
		free(a);
		return rc;
	}
	rc = store_exec(s,
	                "SELECT application_id, scorer, scorer_version, score, explanation,"
	                " created_at FROM scores WHERE application_id = $1 ORDER BY scorer",
	                (db_param[]){ P_INT(id) }, 1, &r);
	if (rc == 0)
		rc = attach_scores(r, 0, 1, a, 1);
	db_result_free(r);
	if (rc < 0) {
		offerapi_application_free(a);
		return rc;
	}
	*out = a;
	return 0;
}

int offerapi_application_get(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                             offerapi_application **out)
{
	return app_read(s, actor, id, true, out);
}

int offerapi_application_pdf(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                             void **out, size_t *out_len)
{
	*out = NULL;
	*out_len = 0;
	offerapi_application *a;
	int rc = app_read(s, actor, id, false, &a); /* checks the actor */
	if (rc < 0)
		return rc;
	offerapi_application_free(a);
	db_result *r = NULL;
	rc = store_exec(s, "SELECT pdf FROM cv_sealed WHERE application_id = $1",
	                (db_param[]){ P_INT(id) }, 1, &r);
	if ((rc = store_found(rc, &r, "application", id)) < 0)
		return rc;
	const db_cell *c = &r->cells[0];
	char *pdf = NULL;
	rc = cv_open(s, id, CV_PDF, c->data, c->len, &pdf, out_len);
	db_result_free(r);
	*out = pdf;
	return rc;
}

/* ---- applying ---- */

/* The last path component of a file name as browsers may send it
 * ("C:\\Users\\me\\cv.pdf" or "/home/me/cv.pdf"). */
static const char *base_name(const char *f)
{
	const char *b = f;
	for (const char *p = f; *p; p++)
		if (*p == '/' || *p == '\\')
			b = p + 1;
	return b;
}

/* Store application @id's CV, sealed, on @c (in the caller's transaction). */
static int insert_cv(offerapi_store *s, db_conn *c, offerapi_id id, offerapi_id key_id,
                     const void *pdf, size_t pdf_len, const char *text, size_t text_len)
{
	unsigned char *sp = NULL, *st = NULL;
	size_t lp = 0, lt = 0;
	int rc = cv_seal(s, id, CV_PDF, pdf, pdf_len, &sp, &lp);
	if (rc == 0)
		rc = cv_seal(s, id, CV_TEXT, text, text_len, &st, &lt);
	if (rc == 0)
		rc = db_exec(
			c,
			"INSERT INTO cv_sealed (application_id, key_id, pdf, cv_text)"
			" VALUES ($1, $2, $3, $4)",
			(db_param[]){ P_INT(id), P_INT(key_id), P_BLOB(sp, lp), P_BLOB(st, lt) }, 4,
			NULL);
	free(sp);
	free(st);
	return rc;
}

/* The checks of @in that need no store; *fname is @in's file name's last
 * component. */
static int check_input(const offerapi_user *actor, const offerapi_application_input *in,
                       const char **fname)
{
	int rc = store_require_role(actor, OFFERAPI_ROLE_CANDIDATE, "apply to an offer");
	if (rc < 0)
		return rc;
	if (!in)
		return oa_error(OFFERAPI_EINVAL, "application: nothing given");
	if (in->version < 1 || in->version > OFFERAPI_APPLICATION_INPUT_VERSION)
		return oa_error(
			OFFERAPI_EINVAL,
			"offerapi_application_input: version %u unknown (this library"
			" reads 1 to %d: set .version = OFFERAPI_APPLICATION_INPUT_VERSION)",
			in->version, OFFERAPI_APPLICATION_INPUT_VERSION);
	*fname = in->filename ? base_name(in->filename) : NULL;
	if ((rc = oa_check_text("file name", *fname, 1, OFFERAPI_FILENAME_MAX, false, false)) < 0)
		return rc;
	if (!in->pdf || !in->pdf_len)
		return oa_error(OFFERAPI_ENOTPDF, "the CV file is empty");
	if (in->nanswers && !in->answers)
		return oa_error(OFFERAPI_EINVAL, "answers: missing list");
	const char *nv = in->version >= 2 ? in->notice_version : NULL;
	if (nv && *nv &&
	    (strlen(nv) > OFFERAPI_NOTICE_VERSION_MAX ||
	     strspn(nv, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") !=
	             strlen(nv)))
		return oa_error(OFFERAPI_EINVAL,
		                "notice version: at most %d characters among A-Z, a-z, 0-9, '.',"
		                " '_' and '-'",
		                OFFERAPI_NOTICE_VERSION_MAX);
	return 0;
}

/* Applying after an offer's deadline (offerapi_offer.deadline). */
static int deadline_passed(offerapi_id offer_id)
{
	return oa_error(OFFERAPI_ECLOSED,
	                "offer %lld: its deadline has passed, it takes no more applications",
	                (long long)offer_id);
}

/* The cheap checks against the offer, before any PDF extraction: open, not
 * applied to yet, answers that fit its questions. On success *answers is
 * the answers' JSON (the caller frees it), padded to *nanswers questions.
 * The transaction checks the offer again. */
static int check_offer(offerapi_store *s, const offerapi_user *actor, offerapi_id offer_id,
                       const offerapi_application_input *in, char **answers, size_t *nanswers)
{
	offerapi_offer *offer;
	int rc = offerapi_offer_get(s, offer_id, &offer);
	if (rc < 0)
		return rc;
	if (!offer->is_open)
		rc = oa_error(OFFERAPI_ECLOSED, "offer %lld is closed to applications",
		              (long long)offer_id);
	else if (offer->deadline && oa_now() > offer->deadline)
		rc = deadline_passed(offer_id);
	else if (in->nanswers > offer->nquestions)
		rc = oa_error(OFFERAPI_EINVAL, "answers: %zu given, the offer asks %zu questions",
		              in->nanswers, offer->nquestions);
	for (size_t i = 0; rc == 0 && i < in->nanswers; i++) {
		char field[32];
		snprintf(field, sizeof field, "answer %zu", i + 1);
		rc = oa_check_text(field, in->answers[i], 0, OFFERAPI_ANSWER_MAX, true, true);
	}
	db_result *r = NULL;
	if (rc == 0)
		rc = store_exec(
			s, "SELECT 1 FROM applications WHERE offer_id = $1 AND candidate_id = $2",
			(db_param[]){ P_INT(offer_id), P_INT(actor->id) }, 2, &r);
	if (rc == 0 && r->nrows > 0)
		rc = oa_error(OFFERAPI_EEXISTS, "you have already applied to this offer");
	db_result_free(r);
	if (rc == 0) {
		*answers = oa_json_answers(offer->questions, offer->nquestions, in->answers,
		                           in->nanswers);
		*nanswers = offer->nquestions; /* oa_json_answers pads to the questions */
		if (!*answers)
			rc = OFFERAPI_ENOMEM;
	}
	offerapi_offer_free(offer);
	return rc;
}

/* What applying writes, in @c's open transaction: the application, its
 * sealed CV, a scoring job per scorer of @set, the recruiter's e-mail and
 * the webhook event. */
static int submit_tx(offerapi_store *s, db_conn *c, const offerapi_user *actor,
                     offerapi_id offer_id, const offerapi_application_input *in,
                     const offerapi_scorers *set, const char *fname, const char *answers,
                     size_t nanswers, const char *text, size_t text_len, offerapi_id key_id,
                     offerapi_id *out_id)
{
	db_result *r = NULL;
	int rc = db_exec(c, "SELECT is_open, deadline FROM offers WHERE id = $1",
	                 (db_param[]){ P_INT(offer_id) }, 1, &r);
	if ((rc = store_found(rc, &r, "offer", offer_id)) < 0)
		return rc;
	if (!db_int(r, 0, 0))
		rc = oa_error(OFFERAPI_ECLOSED, "offer %lld is closed to applications",
		              (long long)offer_id);
	else if (db_int(r, 0, 1) && oa_now() > db_int(r, 0, 1))
		rc = deadline_passed(offer_id);
	db_result_free(r);
	r = NULL;
	/* the consent and the notice it was given on (input version 2) */
	bool v2 = in->version >= 2;
	const char *nv = v2 && in->notice_version && *in->notice_version ? in->notice_version
	                                                                 : NULL;
	int64_t now = oa_now();
	if (rc == 0)
		rc = db_exec(c,
		             "INSERT INTO applications (offer_id, candidate_id, filename,"
		             " pdf_size, answers, nanswers, created_at, pool_consent, consent_at,"
		             " notice_version)"
		             " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $7, $9) RETURNING id",
		             (db_param[]){ P_INT(offer_id), P_INT(actor->id), P_TEXT(fname),
		                           P_INT((int64_t)in->pdf_len), P_TEXT(answers),
		                           P_INT((int64_t)nanswers), P_INT(now),
		                           P_INT(v2 && in->pool_consent ? 1 : 0),
		                           nv ? P_TEXT(nv) : P_NULL() },
		             9, &r);
	if (rc == OFFERAPI_EEXISTS)
		rc = oa_error(OFFERAPI_EEXISTS, "you have already applied to this offer");
	offerapi_id id = rc == 0 ? db_int(r, 0, 0) : 0;
	db_result_free(r);
	/* the CV apart (list reads never walk it: migration 3), sealed
	 * (migration 5) */
	if (rc == 0)
		rc = insert_cv(s, c, id, key_id, in->pdf, in->pdf_len, text, text_len);
	if (rc == 0)
		rc = jobs_enqueue_tx(c, id, set);
	bool mailed = false; /* the recruiter's e-mail */
	if (rc == 0)
		rc = notify_application_tx(c, id, &mailed);
	if (rc == 0)
		rc = webhook_event_tx(c, OFFERAPI_EVENT_APPLICATION_CREATED, offer_id, id, NULL,
		                      "received");
	*out_id = id;
	return rc;
}

/* Apply, and enqueue a scoring job per scorer of @set (may be NULL) in the
 * same transaction (jobs.c). */
static int submit(offerapi_store *s, const offerapi_user *actor, offerapi_id offer_id,
                  const offerapi_application_input *in, const offerapi_scorers *set,
                  offerapi_id *out_id)
{
	const char *fname = NULL;
	int rc = check_input(actor, in, &fname);
	if (rc < 0)
		return rc;
	offerapi_id key_id;
	if ((rc = cv_key_id(s, &key_id)) < 0) /* before any work: no key, no CV */
		return rc;
	/* cheap checks first: a closed offer or a second application costs no
	 * PDF extraction */
	char *answers = NULL;
	size_t nanswers = 0;
	if ((rc = check_offer(s, actor, offer_id, in, &answers, &nanswers)) < 0)
		return rc;
	char *text = NULL;
	size_t text_len = 0;
	rc = offerapi_cv_extract(&text, &text_len, in->pdf, in->pdf_len, &s->opts.cv_limits);
	db_conn *c;
	if (rc == 0)
		rc = store_begin(s, &c);
	offerapi_id id = 0;
	if (rc == 0)
		rc = store_end(s, c,
		               submit_tx(s, c, actor, offer_id, in, set, fname, answers, nanswers,
		                         text, text_len, key_id, &id));
	if (rc == 0 && out_id)
		*out_id = id;
	if (rc == 0) /* scoring jobs, webhook deliveries, mail */
		store_jobs_signal(s);
	free(text);
	free(answers);
	return rc;
}

int offerapi_application_submit(offerapi_store *s, const offerapi_user *actor, offerapi_id offer_id,
                                const offerapi_application_input *in, offerapi_id *out_id)
{
	return submit(s, actor, offer_id, in, NULL, out_id);
}

int offerapi_application_submit_jobs(offerapi_store *s, const offerapi_user *actor,
                                     offerapi_id offer_id, const offerapi_application_input *in,
                                     const offerapi_scorers *set, offerapi_id *out_id)
{
	return submit(s, actor, offer_id, in, set, out_id);
}

/* ---- scores ---- */

int check_scorer_name(const char *name)
{
	if (!name || !*name)
		return oa_error(OFFERAPI_EINVAL, "scorer name: missing");
	if (strlen(name) > OFFERAPI_SCORER_NAME_MAX)
		return oa_error(OFFERAPI_EINVAL, "scorer name: too long");
	for (const char *p = name; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return oa_error(OFFERAPI_EINVAL, "scorer name \"%s\": use a-z, 0-9 and -",
			                name);
	return 0;
}

int offerapi_score_put(offerapi_store *s, offerapi_id id, const char *scorer, const char *version,
                       double score, const char *explanation)
{
	int rc;
	if ((rc = check_scorer_name(scorer)) < 0 ||
	    (rc = oa_check_text("scorer version", version, 1, 64, false, false)) < 0 ||
	    (rc = oa_check_text("explanation", explanation, 0, OFFERAPI_EXPLANATION_MAX, true,
	                        true)) < 0)
		return rc;
	if (!(score >= 0.0 && score <= 1.0)) /* also false for NaN */
		return oa_error(OFFERAPI_EINVAL, "score from %s: %g is not in [0, 1]", scorer,
		                score);
	db_conn *c;
	db_result *r = NULL;
	rc = store_begin_exec(s, &c, "SELECT offer_id, created_at FROM applications WHERE id = $1",
	                      (db_param[]){ P_INT(id) }, 1, &r);
	rc = store_found(rc, &r, "application", id);
	/* the application's offer and date ride along, for scores_rank */
	offerapi_id offer_id = rc == 0 ? db_int(r, 0, 0) : 0;
	int64_t app_created_at = rc == 0 ? db_int(r, 0, 1) : 0;
	db_result_free(r);
	/* one upsert: the last of two concurrent writers wins (SCORES_UPSERT) */
	if (rc == 0)
		rc = db_exec(
			c, SCORES_INSERT " VALUES ($1, $2, $3, $4, $5, $6, $7, $8)" SCORES_UPSERT,
			(db_param[]){ P_INT(id), P_TEXT(scorer), P_TEXT(version), P_REAL(score),
		                      P_TEXT(explanation ? explanation : ""), P_INT(oa_now()),
		                      P_INT(offer_id), P_INT(app_created_at) },
			8, NULL);
	return store_end(s, c, rc);
}

int offerapi_score_missing(offerapi_store *s, const char *scorer, const char *version, size_t max,
                           offerapi_id **out, size_t *out_count)
{
	*out = NULL;
	*out_count = 0;
	int rc;
	if ((rc = check_scorer_name(scorer)) < 0 ||
	    (rc = oa_check_text("scorer version", version, 1, 64, false, false)) < 0)
		return rc;
	if (max == 0 || max > 100000)
		max = 100000;
	db_result *r = NULL;
	rc = store_exec(s,
	                "SELECT a.id FROM applications a WHERE NOT EXISTS"
	                " (SELECT 1 FROM scores sc WHERE sc.application_id = a.id"
	                " AND sc.scorer = $1 AND sc.scorer_version = $2)"
	                " ORDER BY a.id LIMIT $3",
	                (db_param[]){ P_TEXT(scorer), P_TEXT(version), P_INT((int64_t)max) }, 3,
	                &r);
	if (rc < 0)
		return rc;
	offerapi_id *ids = calloc(r->nrows ? (size_t)r->nrows : 1, sizeof *ids);
	if (!ids) {
		db_result_free(r);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	for (int i = 0; i < r->nrows; i++)
		ids[i] = db_int(r, i, 0);
	*out = ids;
	*out_count = (size_t)r->nrows;
	db_result_free(r);
	return 0;
}
