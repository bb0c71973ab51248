/*
 * stages.c - an application's stages, their history and the recruiters'
 * private notes (offerapi/application.h, migration 8).
 *
 * A change of stage is one transaction: read the stage, update the row
 * only where it is still that stage (so that of two changes from the same
 * stage the second updates nothing and is a conflict, on PostgreSQL whose
 * UPDATE waits for the first and re-reads the row as on SQLite whose
 * BEGIN IMMEDIATE orders them), append the history row, and write the
 * message of the change to the outbox.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <sodium.h>

#include "internal.h"
#include "keyset.h"
#include "mail_internal.h"
#include "store_internal.h"
#include "webhooks_internal.h"
#include "offerapi/application.h"

static const char *const stage_names[OFFERAPI_NSTAGES] = { "received", "reviewed", "interview",
	                                                   "offer",    "hired",    "rejected",
	                                                   "withdrawn" };

static const char *const reason_names[OFFERAPI_NREASONS] = { "", "profile", "experience",
	                                                     "position_filled", "other" };

const char *offerapi_stage_name(offerapi_stage stage)
{
	return oa_name_of(stage_names, OFFERAPI_NSTAGES, 0, (int)stage);
}

int offerapi_stage_parse(offerapi_stage *out, const char *name)
{
	int i;
	int rc = oa_name_parse("stage", stage_names, OFFERAPI_NSTAGES, 0, name, &i);
	if (rc == 0)
		*out = (offerapi_stage)i;
	return rc;
}

const char *offerapi_reject_reason_name(offerapi_reject_reason reason)
{
	return oa_name_of(reason_names, OFFERAPI_NREASONS, 0, (int)reason);
}

int offerapi_reject_reason_parse(offerapi_reject_reason *out, const char *name)
{
	int i;
	int rc = oa_name_parse("reason", reason_names, OFFERAPI_NREASONS, 1, name, &i);
	if (rc == 0)
		*out = (offerapi_reject_reason)i;
	return rc;
}

static bool stage_open(offerapi_stage s)
{
	return s <= OFFERAPI_STAGE_OFFER;
}

int offerapi_stage_allowed(offerapi_stage from, offerapi_stage to, offerapi_role role)
{
	if ((unsigned)from >= OFFERAPI_NSTAGES || (unsigned)to >= OFFERAPI_NSTAGES ||
	    !stage_open(from))
		return 0;
	if (role == OFFERAPI_ROLE_CANDIDATE)
		return to == OFFERAPI_STAGE_WITHDRAWN;
	if (role != OFFERAPI_ROLE_RECRUITER)
		return 0;
	switch (to) {
	case OFFERAPI_STAGE_REVIEWED:
	case OFFERAPI_STAGE_INTERVIEW:
	case OFFERAPI_STAGE_OFFER: return to > from;
	case OFFERAPI_STAGE_HIRED: return from == OFFERAPI_STAGE_OFFER;
	case OFFERAPI_STAGE_REJECTED: return 1;
	default: return 0;
	}
}

/* ---- who may touch an application ---- */

/* The people around application @id, read on @c (in a transaction or not). */
typedef struct app_people {
	offerapi_id candidate_id, recruiter_id, offer_id;
	offerapi_stage stage;
} app_people;

/* Read @id's candidate, recruiter and stage; ENOTFOUND when there is none,
 * EPERM when @actor is neither (the same answers as
 * offerapi_application_get()), or, with @recruiter_only, not the
 * recruiter. @what says what the actor tried. */
static int app_access(db_conn *c, const offerapi_user *actor, offerapi_id id, bool recruiter_only,
                      const char *what, app_people *out)
{
	if (!actor)
		return oa_error(OFFERAPI_EPERM, "log in to %s", what);
	db_result *r = NULL;
	int rc = db_exec(
		c,
		"SELECT a.candidate_id, o.recruiter_id, a.stage, a.offer_id FROM applications a"
		" JOIN offers o ON o.id = a.offer_id WHERE a.id = $1",
		(db_param[]){ P_INT(id) }, 1, &r);
	if ((rc = store_found(rc, &r, "application", id)) < 0)
		return rc;
	out->candidate_id = db_int(r, 0, 0);
	out->recruiter_id = db_int(r, 0, 1);
	out->offer_id = db_int(r, 0, 3);
	rc = offerapi_stage_parse(&out->stage, db_text(r, 0, 2));
	db_result_free(r);
	if (rc < 0)
		return oa_error(OFFERAPI_ERROR, "application %lld: stored stage unknown",
		                (long long)id);
	bool recruiter = actor->role == OFFERAPI_ROLE_RECRUITER && actor->id == out->recruiter_id;
	bool candidate = actor->role == OFFERAPI_ROLE_CANDIDATE && actor->id == out->candidate_id;
	if (recruiter || (candidate && !recruiter_only))
		return 0;
	return oa_error(
		OFFERAPI_EPERM, "application %lld: only %s can %s", (long long)id,
		recruiter_only ? "the recruiter of its offer" : "its candidate or recruiter", what);
}

/* app_access() on a connection of its own. */
static int app_check(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                     bool recruiter_only, const char *what, app_people *out)
{
	db_conn *c;
	int rc = store_conn(s, &c);
	if (rc < 0)
		return rc;
	rc = app_access(c, actor, id, recruiter_only, what, out);
	store_release(s, c);
	return rc;
}

/* ---- changing the stage ---- */

static int check_change(const offerapi_user *actor, const offerapi_stage_change *ch)
{
	if (!ch)
		return oa_error(OFFERAPI_EINVAL, "stage change: nothing given");
	if (ch->version < 1 || ch->version > OFFERAPI_STAGE_CHANGE_VERSION)
		return oa_error(OFFERAPI_EINVAL,
		                "offerapi_stage_change: version %u unknown (this library reads 1 to"
		                " %d: set .version = OFFERAPI_STAGE_CHANGE_VERSION)",
		                ch->version, OFFERAPI_STAGE_CHANGE_VERSION);
	if ((unsigned)ch->stage >= OFFERAPI_NSTAGES)
		return oa_error(OFFERAPI_EINVAL, "stage: %d is not a stage", (int)ch->stage);
	if (ch->check_from && (unsigned)ch->from >= OFFERAPI_NSTAGES)
		return oa_error(OFFERAPI_EINVAL, "from: %d is not a stage", (int)ch->from);
	if (!actor)
		return oa_error(OFFERAPI_EPERM, "log in to change an application's stage");
	if (ch->stage == OFFERAPI_STAGE_WITHDRAWN && actor->role != OFFERAPI_ROLE_CANDIDATE)
		return oa_error(OFFERAPI_EPERM, "stage: only the candidate can withdraw");
	if (ch->stage != OFFERAPI_STAGE_WITHDRAWN && actor->role != OFFERAPI_ROLE_RECRUITER)
		return oa_error(OFFERAPI_EPERM,
		                "stage: a candidate can only withdraw (the recruiter sets %s)",
		                stage_names[ch->stage]);
	bool rejected = ch->stage == OFFERAPI_STAGE_REJECTED;
	char reasons[128];
	if (rejected && ch->reason == OFFERAPI_REASON_NONE)
		return oa_error(
			OFFERAPI_EINVAL, "reason: required to reject (%s)",
			oa_name_list(reasons, sizeof reasons, reason_names, OFFERAPI_NREASONS, 1));
	if (rejected && !offerapi_reject_reason_name(ch->reason))
		return oa_name_error("reason", reason_names, OFFERAPI_NREASONS, 1, NULL);
	if (!rejected && (ch->reason != OFFERAPI_REASON_NONE || ch->reason_text || ch->show_reason))
		return oa_error(OFFERAPI_EINVAL, "reason: only a rejection has one (stage %s)",
		                stage_names[ch->stage]);
	return oa_check_text("reason_text", ch->reason_text, 0, OFFERAPI_REASON_TEXT_MAX, false,
	                     true);
}

/* What the message of a change needs, read in its transaction. */
typedef struct mail_ctx {
	const char *offer;
	const char *to, *lang, *name; /* the recipient; @to NULL: no address */
	offerapi_id user_id, offer_id;
	bool wanted; /* the recipient's setting lets it go */
} mail_ctx;

/* The kind of message a change to @to sends, or NULL. */
static const char *mail_kind(const offerapi_stage_change *ch)
{
	switch (ch->stage) {
	case OFFERAPI_STAGE_INTERVIEW: return "stage-interview";
	case OFFERAPI_STAGE_OFFER: return "stage-offer";
	case OFFERAPI_STAGE_HIRED: return "stage-hired";
	case OFFERAPI_STAGE_REJECTED:
		return ch->show_reason ? "stage-rejected-reason" : "stage-rejected";
	case OFFERAPI_STAGE_WITHDRAWN: return "application-withdrawn";
	default: return NULL;
	}
}

/* The reason as the message says it: the label, then the free text. */
static char *reason_line(const offerapi_stage_change *ch, const char *lang)
{
	const char *label = mail_reason_label(ch->reason, lang);
	const char *text = ch->reason_text ? ch->reason_text : "";
	const char *sep = !*text ? "" : lang && !strcmp(lang, "en") ? ": " : " : ";
	size_t n = strlen(label) + strlen(sep) + strlen(text) + 1;
	char *out = malloc(n);
	if (out)
		snprintf(out, n, "%s%s%s", label, sep, text);
	return out;
}

/* Write the change's message to the outbox on @c, when it has one and its
 * recipient an address. */
static int stage_mail_tx(db_conn *c, offerapi_id id, const offerapi_stage_change *ch,
                         const mail_ctx *m)
{
	const char *kind = mail_kind(ch);
	if (!kind || !m->to || !m->wanted)
		return 0;
	char app[24], token[OFFERAPI_TOKEN_SIZE];
	snprintf(app, sizeof app, "%lld", (long long)id);
	bool withdrawn = ch->stage == OFFERAPI_STAGE_WITHDRAWN;
	int rc = notify_token_tx(c, m->user_id, withdrawn ? NOTIFY_KIND_OFFER : NOTIFY_KIND_STAGES,
	                         withdrawn ? m->offer_id : 0, token);
	if (rc < 0)
		return rc;
	char *reason = ch->show_reason ? reason_line(ch, m->lang) : NULL;
	json_t *o = json_pack("{s:s, s:s, s:s, s:s}", "name", m->name, "offer", m->offer, "app",
	                      app, "unsub", token);
	sodium_memzero(token, sizeof token);
	if (o && reason)
		json_object_set_new(o, "reason", json_string(reason));
	char *params = o && (!ch->show_reason || reason) ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	free(reason);
	if (!params)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	rc = outbox_enqueue_tx(c, kind, m->to, m->lang, m->user_id, params);
	free(params);
	return rc;
}

/* Who gets the message of change @ch: the candidate, or the recruiter for
 * a withdrawal; from row 0 of @r (see the SELECT in change_tx()); whether
 * their setting wants it, read in the change's transaction. */
static void mail_to(const db_result *r, const offerapi_stage_change *ch, mail_ctx *m)
{
	int k = ch->stage == OFFERAPI_STAGE_WITHDRAWN ? 5 : 1;
	m->offer = db_text(r, 0, 0);
	m->to = db_isnull(r, 0, k) ? NULL : db_text(r, 0, k);
	m->lang = db_text(r, 0, k + 1);
	m->name = db_text(r, 0, k + 2);
	m->user_id = db_int(r, 0, k + 3);
	m->offer_id = db_int(r, 0, 11);
	/* the candidate's setting, or the offer's for its recruiter */
	m->wanted = k == 1 ? db_int(r, 0, 9) != 0 : strcmp(db_text(r, 0, 10), "none") != 0;
}

/* The transaction's body on @c: check, update, record, mail. */
static int change_tx(db_conn *c, const offerapi_user *actor, offerapi_id id,
                     const offerapi_stage_change *ch)
{
	app_people p;
	int rc = app_access(c, actor, id, ch->stage != OFFERAPI_STAGE_WITHDRAWN, "change its stage",
	                    &p);
	if (rc < 0)
		return rc;
	if (ch->check_from && p.stage != ch->from)
		return oa_error(OFFERAPI_ECONFLICT,
		                "stage: application %lld is now %s, no longer %s (read it again)",
		                (long long)id, stage_names[p.stage], stage_names[ch->from]);
	if (!offerapi_stage_allowed(p.stage, ch->stage, actor->role))
		return oa_error(OFFERAPI_ECONFLICT,
		                "stage: application %lld is %s: it cannot move to %s",
		                (long long)id, stage_names[p.stage], stage_names[ch->stage]);
	bool rej = ch->stage == OFFERAPI_STAGE_REJECTED;
	int64_t now = oa_now();
	db_result *r = NULL;
	rc = db_exec(
		c,
		"UPDATE applications SET stage = $2, stage_at = $3, reason = $4,"
		" reason_text = $5, show_reason = $6 WHERE id = $1 AND stage = $7 RETURNING id",
		(db_param[]){ P_INT(id), P_TEXT(stage_names[ch->stage]), P_INT(now),
	                      rej ? P_TEXT(reason_names[ch->reason]) : P_NULL(),
	                      rej && ch->reason_text ? P_TEXT(ch->reason_text) : P_NULL(),
	                      P_INT(rej && ch->show_reason), P_TEXT(stage_names[p.stage]) },
		7, &r);
	bool done = rc == 0 && r->nrows > 0;
	db_result_free(r);
	r = NULL;
	if (rc == 0 && !done)
		rc = oa_error(OFFERAPI_ECONFLICT,
		              "stage: application %lld changed stage meanwhile (it was %s)",
		              (long long)id, stage_names[p.stage]);
	if (rc == 0)
		rc = db_exec(
			c,
			"INSERT INTO application_stages (application_id, actor_id, from_stage,"
			" to_stage, reason, reason_text, show_reason, created_at)"
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
			(db_param[]){ P_INT(id), P_INT(actor->id), P_TEXT(stage_names[p.stage]),
		                      P_TEXT(stage_names[ch->stage]),
		                      rej ? P_TEXT(reason_names[ch->reason]) : P_NULL(),
		                      rej && ch->reason_text ? P_TEXT(ch->reason_text) : P_NULL(),
		                      P_INT(rej && ch->show_reason), P_INT(now) },
			8, NULL);
	if (rc == 0)
		rc = webhook_event_tx(c, OFFERAPI_EVENT_STAGE_CHANGED, p.offer_id, id,
		                      stage_names[p.stage], stage_names[ch->stage]);
	if (rc == 0 && mail_kind(ch))
		rc = db_exec(c,
		             "SELECT o.title, cu.email, cu.lang, cu.display_name, cu.id,"
		             " ru.email, ru.lang, ru.display_name, ru.id,"
		             " cu.notify_stages, o.notify, o.id"
		             " FROM applications a JOIN offers o ON o.id = a.offer_id"
		             " JOIN users cu ON cu.id = a.candidate_id"
		             " JOIN users ru ON ru.id = o.recruiter_id WHERE a.id = $1",
		             (db_param[]){ P_INT(id) }, 1, &r);
	if (rc == 0 && r && r->nrows > 0) {
		mail_ctx m;
		mail_to(r, ch, &m);
		rc = stage_mail_tx(c, id, ch, &m);
	}
	db_result_free(r);
	return rc;
}

int offerapi_application_set_stage(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                                   const offerapi_stage_change *change)
{
	int rc = check_change(actor, change);
	if (rc < 0)
		return rc;
	db_conn *c;
	if ((rc = store_begin(s, &c)) < 0)
		return rc;
	rc = store_end(s, c, change_tx(c, actor, id, change));
	if (rc == 0)
		store_jobs_signal(s); /* wakes this process's mail and webhook senders */
	return rc;
}

/* The list of a batch: 1 to OFFERAPI_STAGE_BATCH_MAX positive ids, each
 * once (a second change of one application would be refused by the rules
 * anyway, but as a puzzling conflict); *bad is the index of a faulty id. */
static int check_batch(const offerapi_id *ids, size_t n, size_t *bad)
{
	*bad = n;
	if (n == 0 || !ids)
		return oa_error(OFFERAPI_EINVAL, "application_ids: no application given");
	if (n > OFFERAPI_STAGE_BATCH_MAX)
		return oa_error(OFFERAPI_ETOOBIG,
		                "application_ids: too many (%zu): at most %d applications at once",
		                n, OFFERAPI_STAGE_BATCH_MAX);
	for (size_t i = 0; i < n; i++) {
		*bad = i;
		if (ids[i] <= 0)
			return oa_error(OFFERAPI_EINVAL,
			                "application_ids: %lld is not an application id",
			                (long long)ids[i]);
		for (size_t k = 0; k < i; k++) /* n <= 500: at most 125 000 comparisons */
			if (ids[k] == ids[i])
				return oa_error(OFFERAPI_EINVAL,
				                "application_ids: application %lld is given twice",
				                (long long)ids[i]);
	}
	*bad = n;
	return 0;
}

/* The batch's body on @c in a transaction: the offer is the actor's, then
 * each application is the offer's and moves (change_tx()). *bad: the
 * index of the application that failed, @n when none did. */
static int many_tx(db_conn *c, const offerapi_user *actor, offerapi_id offer_id,
                   const offerapi_id *ids, size_t n, const offerapi_stage_change *ch, size_t *bad)
{
	db_result *r = NULL;
	int rc = db_exec(c, "SELECT recruiter_id FROM offers WHERE id = $1",
	                 (db_param[]){ P_INT(offer_id) }, 1, &r);
	rc = store_found(rc, &r, "offer", offer_id);
	if (rc == 0 && db_int(r, 0, 0) != actor->id)
		rc = oa_error(OFFERAPI_EPERM, "offer %lld belongs to another recruiter",
		              (long long)offer_id);
	db_result_free(r);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		*bad = i;
		r = NULL;
		rc = db_exec(c, "SELECT 1 FROM applications WHERE id = $1 AND offer_id = $2",
		             (db_param[]){ P_INT(ids[i]), P_INT(offer_id) }, 2, &r);
		/* the same answer whether it is another offer's or none at all */
		if (rc == 0 && r->nrows == 0)
			rc = oa_error(OFFERAPI_EINVAL,
			              "application_ids: application %lld is not an application to"
			              " offer %lld",
			              (long long)ids[i], (long long)offer_id);
		db_result_free(r);
		if (rc == 0)
			rc = change_tx(c, actor, ids[i], ch);
	}
	if (rc == 0)
		*bad = n;
	return rc;
}

int offerapi_application_set_stage_many(offerapi_store *s, const offerapi_user *actor,
                                        offerapi_id offer_id, const offerapi_id *ids, size_t n,
                                        const offerapi_stage_change *change, size_t *out_moved,
                                        size_t *out_bad)
{
	size_t bad = n;
	if (out_moved)
		*out_moved = 0;
	int rc = check_change(actor, change);
	if (rc == 0)
		rc = store_require_role(actor, OFFERAPI_ROLE_RECRUITER, "move applications");
	if (rc == 0)
		rc = check_batch(ids, n, &bad);
	db_conn *c;
	if (rc == 0 && s)
		rc = store_begin(s, &c);
	else if (rc == 0)
		rc = oa_error(OFFERAPI_EINVAL, "no store");
	if (rc == 0)
		rc = store_end(s, c, many_tx(c, actor, offer_id, ids, n, change, &bad));
	if (out_bad)
		*out_bad = rc == 0 ? n : bad;
	if (rc < 0)
		return rc;
	store_jobs_signal(s); /* wakes this process's mail and webhook senders */
	if (out_moved)
		*out_moved = n;
	return 0;
}

/* Close the offer and reject its open applications, on @c in a transaction. */
static int close_rejecting_tx(db_conn *c, const offerapi_user *actor, offerapi_id offer_id,
                              const offerapi_stage_change *reject, size_t *n)
{
	db_result *r = NULL;
	int rc = db_exec(
		c,
		"UPDATE offers SET is_open = 0, updated_at = $1, version = version + 1"
		" WHERE id = $2 AND recruiter_id = $3 AND archived_at IS NULL RETURNING id",
		(db_param[]){ P_INT(oa_now()), P_INT(offer_id), P_INT(actor->id) }, 3, &r);
	if (rc == 0 && r->nrows == 0)
		rc = oa_error(OFFERAPI_ENOTFOUND, "offer %lld: not found, or archived",
		              (long long)offer_id);
	db_result_free(r);
	r = NULL;
	if (rc == 0)
		rc = webhook_event_tx(c, OFFERAPI_EVENT_OFFER_CLOSED, offer_id, 0, NULL, NULL);
	if (rc == 0)
		rc = db_exec(c,
		             "SELECT id FROM applications WHERE offer_id = $1 AND stage IN"
		             " ('received', 'reviewed', 'interview', 'offer') ORDER BY id",
		             (db_param[]){ P_INT(offer_id) }, 1, &r);
	for (int i = 0; rc == 0 && i < r->nrows; i++) {
		rc = change_tx(c, actor, db_int(r, i, 0), reject);
		if (rc == 0)
			(*n)++;
	}
	db_result_free(r);
	return rc;
}

int offerapi_offer_close_rejecting(offerapi_store *s, const offerapi_user *actor,
                                   offerapi_id offer_id, const offerapi_stage_change *reject,
                                   size_t *out_rejected)
{
	if (out_rejected)
		*out_rejected = 0;
	int rc = check_change(actor, reject);
	if (rc < 0)
		return rc;
	if (reject->stage != OFFERAPI_STAGE_REJECTED)
		return oa_error(OFFERAPI_EINVAL,
		                "stage: closing an offer rejects its open applications (stage"
		                " rejected, not %s)",
		                stage_names[reject->stage]);
	if ((rc = store_check_owner(s, actor, offer_id, "close an offer")) < 0)
		return rc;
	offerapi_stage_change ch = *reject;
	ch.check_from = 0;
	size_t n = 0;
	db_conn *c;
	if ((rc = store_begin(s, &c)) < 0)
		return rc;
	rc = store_end(s, c, close_rejecting_tx(c, actor, offer_id, &ch, &n));
	if (rc == 0)
		store_jobs_signal(s);
	if (rc == 0 && out_rejected)
		*out_rejected = n;
	return rc;
}

int offerapi_application_withdraw(offerapi_store *s, const offerapi_user *actor, offerapi_id id)
{
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_WITHDRAWN;
	return offerapi_application_set_stage(s, actor, id, &ch);
}

int offerapi_application_consent_withdraw(offerapi_store *s, const offerapi_user *actor,
                                          offerapi_id id)
{
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	int rc = store_require_role(actor, OFFERAPI_ROLE_CANDIDATE, "withdraw a consent");
	if (rc < 0)
		return rc;
	db_result *r = NULL;
	/* consent_at moves only on a change: a second withdrawal keeps the
	 * date of the first */
	rc = store_write(s,
	                 "UPDATE applications SET consent_at = CASE WHEN pool_consent = 1"
	                 " THEN $3 ELSE consent_at END, pool_consent = 0"
	                 " WHERE id = $1 AND candidate_id = $2 RETURNING id",
	                 (db_param[]){ P_INT(id), P_INT(actor->id), P_INT(oa_now()) }, 3, &r);
	rc = store_found(rc, &r, "application", id);
	db_result_free(r);
	return rc;
}

/* ---- history ---- */

void offerapi_stage_history_free(offerapi_stage_history *h)
{
	if (!h)
		return;
	for (size_t i = 0; i < h->count; i++) {
		free(h->items[i].actor_name);
		free(h->items[i].reason_text);
	}
	free(h->items);
	free(h);
}

/* Row @row of the history's SELECT into @e; the candidate (@hide) reads
 * a reason only when shown. */
static int event_from_row(const db_result *r, int row, bool hide, offerapi_stage_event *e)
{
	int rc = 0;
	offerapi_stage from = 0, to = 0;
	offerapi_reject_reason why = OFFERAPI_REASON_NONE;
	e->id = db_int(r, row, 0);
	e->actor_id = db_int(r, row, 1);
	e->actor_role = (offerapi_role)db_int(r, row, 8);
	e->show_reason = db_int(r, row, 6) != 0;
	e->created_at = db_int(r, row, 7);
	if (offerapi_stage_parse(&from, db_text(r, row, 2)) < 0 ||
	    offerapi_stage_parse(&to, db_text(r, row, 3)) < 0 ||
	    (!db_isnull(r, row, 4) && offerapi_reject_reason_parse(&why, db_text(r, row, 4)) < 0))
		rc = oa_error(OFFERAPI_ERROR, "stage history %lld: stored stage or reason unknown",
		              (long long)e->id);
	bool shown = !hide || e->show_reason;
	e->from = from;
	e->to = to;
	e->reason = shown ? why : OFFERAPI_REASON_NONE;
	e->actor_name = oa_strdup(db_isnull(r, row, 9) ? "" : db_text(r, row, 9));
	e->reason_text = oa_strdup(!shown || db_isnull(r, row, 5) ? "" : db_text(r, row, 5));
	if (rc == 0 && (!e->actor_name || !e->reason_text))
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	return rc;
}

int offerapi_application_history(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                                 offerapi_stage_history **out)
{
	*out = NULL;
	app_people p;
	int rc = app_check(s, actor, id, false, "read its history", &p);
	if (rc < 0)
		return rc;
	db_result *r = NULL;
	rc = store_exec(s,
	                "SELECT h.id, h.actor_id, h.from_stage, h.to_stage, h.reason,"
	                " h.reason_text, h.show_reason, h.created_at, u.role, u.display_name"
	                " FROM application_stages h LEFT JOIN users u ON u.id = h.actor_id"
	                " WHERE h.application_id = $1 ORDER BY h.id",
	                (db_param[]){ P_INT(id) }, 1, &r);
	if (rc < 0)
		return rc;
	offerapi_stage_history *h = calloc(1, sizeof *h);
	if (h)
		h->items = calloc(r->nrows ? (size_t)r->nrows : 1, sizeof *h->items);
	if (!h || !h->items)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	bool hide = actor->role == OFFERAPI_ROLE_CANDIDATE;
	for (int i = 0; rc == 0 && i < r->nrows; i++) {
		rc = event_from_row(r, i, hide, &h->items[i]);
		h->count++; /* freed whatever happened */
	}
	db_result_free(r);
	if (rc < 0) {
		offerapi_stage_history_free(h);
		return rc;
	}
	*out = h;
	return 0;
}

/* ---- notes ---- */

int offerapi_application_note_add(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                                  const char *text, offerapi_id *out_id)
{
	int rc = oa_check_text("note", text, 1, OFFERAPI_NOTE_MAX, true, false);
	if (rc < 0)
		return rc;
	db_conn *c;
	if ((rc = store_begin(s, &c)) < 0)
		return rc;
	app_people p;
	db_result *r = NULL;
	rc = app_access(c, actor, id, true, "write its notes", &p);
	if (rc == 0)
		rc = db_exec(
			c,
			"INSERT INTO application_notes (application_id, author_id, body,"
			" created_at) VALUES ($1, $2, $3, $4) RETURNING id",
			(db_param[]){ P_INT(id), P_INT(actor->id), P_TEXT(text), P_INT(oa_now()) },
			4, &r);
	if (rc == 0 && out_id)
		*out_id = r->nrows ? db_int(r, 0, 0) : 0;
	db_result_free(r);
	return store_end(s, c, rc);
}

void offerapi_note_list_free(offerapi_note_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++) {
		free(l->items[i].author_name);
		free(l->items[i].text);
	}
	ks_list_free(l->items, l->next, l->prev, l);
}

/* The kept rows of @res (from its base column: id, application_id,
 * author_id, author name, body, created_at) into @list (ks_list_type.fill). */
static int notes_fill(ks_result *res, void *list)
{
	offerapi_note_list *l = list;
	ks_take_page(res, &l->total, &l->next, &l->prev);
	const db_result *r = res->r;
	const ks_row *rows = res->rows;
	const ks_page *pg = &res->page;
	int base = res->base;
	l->items = calloc(pg->count ? pg->count : 1, sizeof *l->items);
	if (!l->items)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (size_t i = 0; i < pg->count; i++) {
		int row = rows[pg->first + i].row;
		offerapi_note *n = &l->items[l->count++];
		n->id = db_int(r, row, base);
		n->application_id = db_int(r, row, base + 1);
		n->author_id = db_int(r, row, base + 2);
		n->author_name = oa_strdup(db_isnull(r, row, base + 3) ? ""
		                                                       : db_text(r, row, base + 3));
		n->text = oa_strdup(db_text(r, row, base + 4));
		n->created_at = db_int(r, row, base + 5);
		if (!n->author_name || !n->text)
			return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	return 0;
}

static void notes_free(void *list)
{
	offerapi_note_list_free(list);
}

/* Whether @who, the actor, is the recruiter of application @id
 * (ks_list_type.check). */
static int notes_check(offerapi_store *s, const void *who, int64_t id)
{
	app_people p;
	return app_check(s, who, id, true, "read its notes", &p);
}

/* An application's notes, newest first (application_notes_app). */
static const ks_list_type notes_list = {
	KS_SPEC_NEWEST('n', "n0.id", "n0.created_at",
	               " FROM application_notes n0 WHERE n0.application_id = $1", 1),
	", n.id, n.application_id, n.author_id, u.display_name, n.body, n.created_at",
	" JOIN application_notes n ON n.id = k.id LEFT JOIN users u ON u.id = n.author_id",
	sizeof(offerapi_note_list),
	notes_fill,
	notes_free,
	"note list: no store given",
	"out of memory",
	notes_check
};

int offerapi_application_note_list(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                                   const offerapi_page *page, offerapi_note_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "note list: no output given");
	int rc;
	*out = ks_list_checked(s, &notes_list, actor, id, page, &rc);
	return rc;
}
