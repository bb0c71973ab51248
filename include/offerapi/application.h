/*
 * offerapi/application.h - applications (a CV and answers to an offer) and
 * their scores.
 *
 * A candidate applies once per open offer. The PDF is checked and its text
 * extracted (see cv.h) before anything is written; the PDF, its text and the
 * answers are then stored in one transaction. Scores are stored afterwards,
 * one per (application, scorer name), with the scorer's version: a new
 * version of a scorer replaces its older score (offerapi_score_missing()
 * finds what it has not scored yet); a failed scoring never loses the
 * application.
 *
 * Who reads what: a candidate reads their own applications; a recruiter reads
 * the applications of their own offers; nobody else reads any.
 */
#ifndef OFFERAPI_APPLICATION_H
#define OFFERAPI_APPLICATION_H

#include "common.h"
#include "page.h"
#include "store.h"
#include "user.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OFFERAPI_FILENAME_MAX 255
#define OFFERAPI_ANSWER_MAX 5000
/** Longest stored explanation (bytes): a scorer's sentence (at most
 *  OFFERAPI_EXPLANATION_TEXT_MAX) plus its details as a JSON document for
 *  up to OFFERAPI_SKILLS_MAX skills (scoring.h). */
#define OFFERAPI_EXPLANATION_MAX 16384
/** Longest sentence a scorer's explanation may hold (bytes). */
#define OFFERAPI_EXPLANATION_TEXT_MAX 2000
#define OFFERAPI_SCORER_NAME_MAX 64

/** An answer to one screening question. */
typedef struct offerapi_answer {
	char *question; /**< the question as it was when answered */
	char *answer; /**< may be "" */
} offerapi_answer;

/** One stored score. */
typedef struct offerapi_score {
	char *scorer; /**< scorer name */
	char *scorer_version;
	double score; /**< in [0, 1] */
	char *explanation; /**< may be "" */
	int64_t created_at;
} offerapi_score;

/**
 * Stages of an application (issue 13). Values are stored by name
 * (offerapi_stage_name()); new stages are only appended.
 *
 * Allowed changes (offerapi_stage_allowed()):
 *
 *   - the offer's recruiter moves an open application (received, reviewed,
 *     interview, offer) forward through received -> reviewed -> interview
 *     -> offer, skipping steps if they like, never back; to hired only from
 *     offer; to rejected from any open stage (with a reason);
 *   - the candidate, and only they, withdraws their application from any
 *     open stage;
 *   - hired, rejected and withdrawn are final: nothing leaves them.
 *
 * Any other change is refused with OFFERAPI_ECONFLICT, whose message names
 * both stages ("application 7 is rejected: it cannot move to interview").
 */
typedef enum offerapi_stage {
	OFFERAPI_STAGE_RECEIVED = 0, /**< the initial stage */
	OFFERAPI_STAGE_REVIEWED = 1,
	OFFERAPI_STAGE_INTERVIEW = 2,
	OFFERAPI_STAGE_OFFER = 3,
	OFFERAPI_STAGE_HIRED = 4, /**< final */
	OFFERAPI_STAGE_REJECTED = 5, /**< final; carries a reason */
	OFFERAPI_STAGE_WITHDRAWN = 6 /**< final; by the candidate only */
} offerapi_stage;

/** Number of stages (for arrays indexed by stage). */
#define OFFERAPI_NSTAGES 7

/** Why an application was rejected. Stored by name; only appended. */
typedef enum offerapi_reject_reason {
	OFFERAPI_REASON_NONE = 0, /**< not rejected */
	OFFERAPI_REASON_PROFILE = 1, /**< "profile": the profile does not fit */
	OFFERAPI_REASON_EXPERIENCE = 2, /**< "experience": not enough experience */
	OFFERAPI_REASON_POSITION_FILLED = 3, /**< "position_filled" */
	OFFERAPI_REASON_OTHER = 4 /**< "other": see the free text */
} offerapi_reject_reason;

/** Number of reasons, OFFERAPI_REASON_NONE included. */
#define OFFERAPI_NREASONS 5

/** Longest free text of a rejection (bytes, one line). */
#define OFFERAPI_REASON_TEXT_MAX 1000
/** Longest note (bytes; several lines allowed). */
#define OFFERAPI_NOTE_MAX 4000

/** "received", "reviewed", "interview", "offer", "hired", "rejected",
 *  "withdrawn" (static), or NULL for another value. */
OFFERAPI_EXTERN const char *offerapi_stage_name(offerapi_stage stage);

/** The stage called @p name into *out: 0, or OFFERAPI_EINVAL naming the
 *  value and listing the stages. */
OFFERAPI_EXTERN int offerapi_stage_parse(offerapi_stage *out, const char *name);

/** "" (none), "profile", "experience", "position_filled", "other"
 *  (static), or NULL for another value. */
OFFERAPI_EXTERN const char *offerapi_reject_reason_name(offerapi_reject_reason reason);

/** The reason called @p name (not "") into *out: 0, or OFFERAPI_EINVAL
 *  naming the value and listing the reasons. */
OFFERAPI_EXTERN int offerapi_reject_reason_parse(offerapi_reject_reason *out, const char *name);

/** Whether a user of @p role may move an application from @p from to @p to
 *  (the rules above); nonzero when allowed. */
OFFERAPI_EXTERN int offerapi_stage_allowed(offerapi_stage from, offerapi_stage to,
                                           offerapi_role role);

/** An application. */
typedef struct offerapi_application {
	offerapi_id id;
	offerapi_id offer_id;
	offerapi_id candidate_id;
	char *offer_title;
	int offer_is_open;
	char *candidate_name; /**< display name */
	char *candidate_login;
	char *filename; /**< the CV's original file name */
	size_t pdf_size; /**< bytes; read the PDF with offerapi_application_pdf() */
	char *cv_text; /**< extracted text (NULL in lists unless asked for) */
	offerapi_answer *answers;
	size_t nanswers;
	offerapi_score *scores; /**< every stored score, ordered by scorer name */
	size_t nscores;
	int64_t created_at;
	/* appended with the stages (issue 13) */
	offerapi_stage stage; /**< where it stands */
	int64_t stage_at; /**< Unix seconds of the last change (created_at at first) */
	/** Rejected: the reason; OFFERAPI_REASON_NONE otherwise, and for the
	 *  candidate unless show_reason. */
	offerapi_reject_reason reason;
	char *reason_text; /**< "" when none (and for the candidate unless show_reason) */
	int show_reason; /**< the recruiter shows the reason to the candidate */
	char *candidate_email; /**< the candidate's address, "" when none */
	/* appended with consent at collection (issue 16) */
	int pool_consent; /**< the candidate agreed to stay in the pool longer */
	int64_t consent_at; /**< Unix seconds of that answer or its withdrawal; 0 unknown */
	char *notice_version; /**< the privacy notice shown on applying; "" unknown */
} offerapi_application;

/**
 * A list of applications. The fields after items are filled by the paged
 * calls (the others leave NULL, NULL, -1, 0 and NULL, except rank_by).
 */
typedef struct offerapi_application_list {
	size_t count;
	offerapi_application *items;
	char *next; /**< cursor of the page after this one (page.h); NULL on the last */
	char *prev; /**< cursor of the page before; NULL on the first */
	int64_t total; /**< applications in the whole list with OFFERAPI_PAGE_TOTAL, else -1 */
	int64_t offset; /**< position of items[0] in the list (from 0), -1 unknown */
	char *rank_by; /**< ranked lists: the scorer that ranks them; else NULL */
} offerapi_application_list;

/**
 * Version of offerapi_application_input; set .version to this. The library
 * accepts every version from 1 to the one it was built with ("known and
 * not newer"); another is OFFERAPI_EINVAL naming the struct.
 */
#define OFFERAPI_APPLICATION_INPUT_VERSION 2

/** Longest privacy notice version (bytes of [A-Za-z0-9._-]). */
#define OFFERAPI_NOTICE_VERSION_MAX 64

/**
 * What a candidate sends. Fill it with designated initializers
 * (.version = OFFERAPI_APPLICATION_INPUT_VERSION, .filename = ...) or start
 * from OFFERAPI_APPLICATION_INPUT_INIT.
 */
typedef struct offerapi_application_input {
	unsigned int version; /**< OFFERAPI_APPLICATION_INPUT_VERSION */
	const char *filename; /**< required; only its last path part is kept */
	const void *pdf; /**< the CV */
	size_t pdf_len;
	const char *const *answers; /**< in the order of the offer's questions; */
	size_t nanswers; /**< fewer than the questions are padded with "" */
	/* version 2 (issue 16): information and consent at collection */
	/** Nonzero: the candidate ticked "keep my application in the pool for
	 *  other offers" (offerapi/retention.h: the pool period). */
	int pool_consent;
	/** The version of the privacy notice the candidate was shown; NULL or
	 *  "" when none; else 1 to OFFERAPI_NOTICE_VERSION_MAX bytes of
	 *  [A-Za-z0-9._-]. Stored with the consent and its time. */
	const char *notice_version;
} offerapi_application_input;

/** Initialiser: the current version, every field empty. */
#define OFFERAPI_APPLICATION_INPUT_INIT                                                            \
	{                                                                                          \
		OFFERAPI_APPLICATION_INPUT_VERSION, NULL, NULL, 0, NULL, 0, 0, NULL                \
	}

/**
 * Apply to an offer as @p actor (a candidate).
 * @return 0 and the id in @p out_id; OFFERAPI_EPERM (not a candidate),
 *         OFFERAPI_ENOTFOUND (no such offer), OFFERAPI_ECLOSED,
 *         OFFERAPI_EEXISTS (already applied), OFFERAPI_EINVAL / OFFERAPI_ETOOBIG
 *         (a field; an unknown or newer @p in->version names the struct), any error of offerapi_cv_extract(), or a database error
 */
OFFERAPI_EXTERN int offerapi_application_submit(offerapi_store *store, const offerapi_user *actor,
                                                offerapi_id offer_id,
                                                const offerapi_application_input *in,
                                                offerapi_id *out_id);

/** Read one application with its text, answers and scores.
 *  @return 0, OFFERAPI_ENOTFOUND, OFFERAPI_EPERM or a database error */
OFFERAPI_EXTERN int offerapi_application_get(offerapi_store *store, const offerapi_user *actor,
                                             offerapi_id id, offerapi_application **out);

/** The PDF of an application; free *out with offerapi_free(). */
OFFERAPI_EXTERN int offerapi_application_pdf(offerapi_store *store, const offerapi_user *actor,
                                             offerapi_id id, void **out, size_t *out_len);

/** Flags for the list functions. */
#define OFFERAPI_LIST_WITH_TEXT 1u /**< fill cv_text too */

/*
 * Ranking: the rules of every ranked view (dashboard page, API list, CSV),
 * defined here once and applied by the database's index scores_rank.
 *
 * - The ranking scorer: offerapi_rank.by when given; otherwise the first
 *   of offerapi_rank.scorers (the host's scorers in configured order, for
 *   the server the order of --scorers); otherwise OFFERAPI_RANK_DEFAULT.
 * - The allowed names: those of offerapi_rank.scorers, and every scorer
 *   that has stored scores for the offer (a plugin since removed keeps its
 *   column). Another name is OFFERAPI_EINVAL, whose message lists them.
 * - The order: applications with a score from the ranking scorer first,
 *   higher score first; equal scores, the older application first (its
 *   created_at), then the smaller id; then the applications without that
 *   score, older first, then by id. Every application has one place, so
 *   pages never overlap and ties are stable from call to call.
 */

/** Version of offerapi_rank. */
#define OFFERAPI_RANK_VERSION 1

/** The ranking scorer when neither a name nor a host list is given: the
 *  original's simulation, as the library's default scorer. */
#define OFFERAPI_RANK_DEFAULT "random"

/** How an offer's applications are ranked (see "Ranking" above). */
typedef struct offerapi_rank {
	unsigned int version; /**< OFFERAPI_RANK_VERSION */
	const char *by; /**< a scorer name, or NULL for the default */
	const char *const *scorers; /**< the host's scorers, in configured order; may be NULL */
	size_t nscorers;
} offerapi_rank;

/** Initialiser: the default scorer, no host list. */
#define OFFERAPI_RANK_INIT                                                                         \
	{                                                                                          \
		OFFERAPI_RANK_VERSION, NULL, NULL, 0                                               \
	}

/**
 * One page of the applications to an offer, for its recruiter, in the
 * order of "Ranking" above, with every stored score and its explanation,
 * without CV texts. list.rank_by names the ranking scorer.
 * @param rank  NULL: the default scorer, no host list
 * @param page  NULL: the first page of OFFERAPI_PAGE_DEFAULT (page.h)
 * @return 0; OFFERAPI_EPERM (not the offer's recruiter), OFFERAPI_ENOTFOUND
 *         (no such offer), OFFERAPI_EINVAL (an unknown scorer, a bad page or
 *         cursor, a cursor of another offer or scorer), a database error
 */
OFFERAPI_EXTERN int offerapi_application_list_offer_page(
	offerapi_store *store, const offerapi_user *actor, offerapi_id offer_id,
	const offerapi_rank *rank, const offerapi_page *page, offerapi_application_list **out);

/**
 * One page of the applications of @p actor (a candidate), newest first
 * (date, then id, both descending), with their scores.
 * @return 0, OFFERAPI_EPERM (not a candidate), OFFERAPI_EINVAL (page or
 *         cursor), a database error
 */
OFFERAPI_EXTERN int offerapi_application_list_mine_page(offerapi_store *store,
                                                        const offerapi_user *actor,
                                                        const offerapi_page *page,
                                                        offerapi_application_list **out);

/** Every application to an offer, for its recruiter, in the order of
 *  "Ranking" above (@p rank_by NULL: the first scorer by name among the
 *  offer's stored scores, else OFFERAPI_RANK_DEFAULT). Memory grows with
 *  the offer: prefer offerapi_application_list_offer_page(), or
 *  offerapi_application_iter_new() to stream them. */
OFFERAPI_EXTERN int offerapi_application_list_offer(offerapi_store *store,
                                                    const offerapi_user *actor,
                                                    offerapi_id offer_id, const char *rank_by,
                                                    unsigned flags,
                                                    offerapi_application_list **out);

/** Every application of @p actor (a candidate), newest first. */
OFFERAPI_EXTERN int offerapi_application_list_mine(offerapi_store *store,
                                                   const offerapi_user *actor, unsigned flags,
                                                   offerapi_application_list **out);

/** Free an application / a list. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_application_free(offerapi_application *app);
OFFERAPI_EXTERN void offerapi_application_list_free(offerapi_application_list *list);

/* ---- stages, their history, notes (issue 13) ---- */

/** Version of offerapi_stage_change; set .version to this. */
#define OFFERAPI_STAGE_CHANGE_VERSION 1

/**
 * A change of stage. Fill it with designated initializers
 * (.version = OFFERAPI_STAGE_CHANGE_VERSION, .stage = ...) or start from
 * OFFERAPI_STAGE_CHANGE_INIT.
 */
typedef struct offerapi_stage_change {
	unsigned int version; /**< OFFERAPI_STAGE_CHANGE_VERSION */
	offerapi_stage stage; /**< the new stage */
	/** To rejected: required (not NONE); to any other stage: NONE. */
	offerapi_reject_reason reason;
	const char *reason_text; /**< rejected only; NULL or at most
				       OFFERAPI_REASON_TEXT_MAX bytes, one line */
	int show_reason; /**< rejected only: the candidate sees the reason */
	/** Nonzero: the change applies only while the application is at
	 *  @p from (the stage the caller read), else OFFERAPI_ECONFLICT. */
	int check_from;
	offerapi_stage from;
} offerapi_stage_change;

/** Initialiser: the current version, to received, no reason, no check. */
#define OFFERAPI_STAGE_CHANGE_INIT                                                                 \
	{                                                                                          \
		OFFERAPI_STAGE_CHANGE_VERSION, OFFERAPI_STAGE_RECEIVED, OFFERAPI_REASON_NONE,      \
			NULL, 0, 0, OFFERAPI_STAGE_RECEIVED                                        \
	}

/**
 * Move application @p id to another stage as @p actor, following the rules
 * of offerapi_stage: the offer's recruiter for every stage but withdrawn,
 * the candidate for withdrawn only.
 *
 * Atomic: one transaction reads the stage, updates the row only if it is
 * still at that stage, appends the change to the history (time, actor,
 * from, to, reason) and writes the message of the change to the outbox
 * (mail.h): to the candidate for interview, offer, hired and rejected (the
 * reason only when shown), to the recruiter for withdrawn; in the
 * recipient's language, only when the recipient has an address. Of two
 * concurrent changes from the same stage one wins; the other gets
 * OFFERAPI_ECONFLICT.
 *
 * @param out_stage  may be NULL; receives the stage after the change
 * @return 0; OFFERAPI_EPERM (not logged in, not the offer's recruiter, not
 *         the candidate, or a candidate asking for another stage than
 *         withdrawn), OFFERAPI_ENOTFOUND (no such application, or one the
 *         actor may not read), OFFERAPI_ECONFLICT (a change the rules
 *         refuse, or the stage changed meanwhile: the message names the
 *         stages), OFFERAPI_EINVAL (a field of @p change: the message names
 *         it), a database error
 */
OFFERAPI_EXTERN int offerapi_application_set_stage(offerapi_store *store,
                                                   const offerapi_user *actor, offerapi_id id,
                                                   const offerapi_stage_change *change);

/** Most applications one offerapi_application_set_stage_many() moves. */
#define OFFERAPI_STAGE_BATCH_MAX 500

/**
 * Move several applications of offer @p offer_id to the same stage at
 * once, as its recruiter @p actor: the dashboard's "move or reject the
 * selected ones with one message".
 *
 * One transaction, all or nothing: each application gets what
 * offerapi_application_set_stage() gives a single change (its history row,
 * the message to its candidate as their setting wants it, its
 * application.stage_changed webhook event), in the order of @p ids; the
 * first that cannot move (not an application to @p offer_id, a change the
 * rules refuse, a stage changed meanwhile) rolls every change back, and
 * its error names it. A rejection carries the same reason, text and
 * show_reason for all; with check_from each must be at @p change->from.
 *
 * @param ids  1 to OFFERAPI_STAGE_BATCH_MAX distinct application ids
 * @param change  as for offerapi_application_set_stage(); withdrawn is
 *         the candidate's, so never a batch
 * @param out_moved  may be NULL; the number of applications moved (@p n
 *         on success, 0 on failure)
 * @param out_bad  may be NULL; on failure, the index in @p ids of the
 *         application that stopped the batch, or @p n when the failure
 *         is not one application's (the offer, the change, the list)
 * @return 0; OFFERAPI_EPERM (not a recruiter, or not the offer's),
 *         OFFERAPI_ENOTFOUND (no such offer), OFFERAPI_EINVAL (no id, an
 *         id given twice or not positive, an application not of the offer:
 *         "application_ids: application 7 ...", or a field of
 *         @p change), OFFERAPI_ETOOBIG (more than OFFERAPI_STAGE_BATCH_MAX
 *         ids), OFFERAPI_ECONFLICT (as for a single change: the message
 *         names the application and the stages), a database error
 */
OFFERAPI_EXTERN int offerapi_application_set_stage_many(offerapi_store *store,
                                                        const offerapi_user *actor,
                                                        offerapi_id offer_id,
                                                        const offerapi_id *ids, size_t n,
                                                        const offerapi_stage_change *change,
                                                        size_t *out_moved, size_t *out_bad);

/**
 * Close offer @p offer_id and reject, in the same transaction, each of its
 * applications still open (received, reviewed, interview or offer) with
 * @p reject (stage OFFERAPI_STAGE_REJECTED, its reason, text and
 * show_reason; check_from is ignored): each gets its history row and its
 * message to the candidate, as offerapi_application_set_stage() writes
 * them. Hired, rejected and withdrawn applications stay as they are.
 * Either the offer is closed and every open application rejected, or
 * nothing changes. (To close and keep the applications for later, use
 * offerapi_offer_set_open().)
 * @param out_rejected  may be NULL; the number of applications rejected
 * @return 0, OFFERAPI_EPERM (not the offer's recruiter), OFFERAPI_ENOTFOUND
 *         (no such offer, or archived), OFFERAPI_EINVAL (@p reject is not a
 *         rejection, or a field of it: the message names it), a database
 *         error
 */
OFFERAPI_EXTERN int offerapi_offer_close_rejecting(offerapi_store *store,
                                                   const offerapi_user *actor, offerapi_id offer_id,
                                                   const offerapi_stage_change *reject,
                                                   size_t *out_rejected);

/** The candidate @p actor withdraws their application @p id: the same as
 *  offerapi_application_set_stage() to OFFERAPI_STAGE_WITHDRAWN. */
OFFERAPI_EXTERN int offerapi_application_withdraw(offerapi_store *store, const offerapi_user *actor,
                                                  offerapi_id id);

/**
 * The candidate @p actor withdraws the pool consent of their application
 * @p id (issue 16): pool_consent becomes 0 and consent_at now, so that the
 * retention policy's pool period no longer extends its keeping. Consent is
 * given only at applying, with the notice it was given on; withdrawing it
 * twice is not an error (consent_at keeps the first withdrawal).
 * @return 0; OFFERAPI_EPERM (not a candidate), OFFERAPI_ENOTFOUND (no such
 *         application of the actor's), a database error
 */
OFFERAPI_EXTERN int offerapi_application_consent_withdraw(offerapi_store *store,
                                                          const offerapi_user *actor,
                                                          offerapi_id id);

/** One change of stage. */
typedef struct offerapi_stage_event {
	offerapi_id id;
	offerapi_stage from, to;
	offerapi_id actor_id; /**< 0 when the account is gone */
	char *actor_name; /**< display name, "" when gone */
	offerapi_role actor_role; /**< 0 when gone */
	offerapi_reject_reason reason; /**< NONE unless to rejected (and shown, for the candidate) */
	char *reason_text; /**< "" when none */
	int show_reason;
	int64_t created_at; /**< Unix seconds */
} offerapi_stage_event;

/** The history of an application, oldest first. */
typedef struct offerapi_stage_history {
	size_t count;
	offerapi_stage_event *items;
} offerapi_stage_history;

/**
 * Every change of stage of application @p id, oldest first (at most one
 * per stage, so the list is short). The candidate reads their own
 * application's history without the reasons they are not shown.
 * @return 0, OFFERAPI_EPERM, OFFERAPI_ENOTFOUND (as offerapi_application_get),
 *         a database error
 */
OFFERAPI_EXTERN int offerapi_application_history(offerapi_store *store, const offerapi_user *actor,
                                                 offerapi_id id, offerapi_stage_history **out);

/** Free a history. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_stage_history_free(offerapi_stage_history *history);

/** A recruiter's private note on an application. */
typedef struct offerapi_note {
	offerapi_id id;
	offerapi_id application_id;
	offerapi_id author_id; /**< 0 when the account is gone */
	char *author_name; /**< display name, "" when gone */
	char *text;
	int64_t created_at; /**< Unix seconds */
} offerapi_note;

/** A page of notes, newest first. */
typedef struct offerapi_note_list {
	size_t count;
	offerapi_note *items;
	char *next; /**< cursor of the page after (older notes); NULL on the last */
	char *prev; /**< cursor of the page before; NULL on the first */
	int64_t total; /**< notes of the application with OFFERAPI_PAGE_TOTAL, else -1 */
} offerapi_note_list;

/**
 * Add a private note to application @p id. Only the recruiter of its offer
 * writes and reads notes; the candidate never sees them.
 * @param text  1 to OFFERAPI_NOTE_MAX bytes of UTF-8, several lines allowed
 * @param out_id  may be NULL; receives the note's id
 * @return 0; OFFERAPI_EPERM (not the offer's recruiter), OFFERAPI_ENOTFOUND,
 *         OFFERAPI_EINVAL / OFFERAPI_ETOOBIG ("note: ..."), a database error
 */
OFFERAPI_EXTERN int offerapi_application_note_add(offerapi_store *store, const offerapi_user *actor,
                                                  offerapi_id id, const char *text,
                                                  offerapi_id *out_id);

/**
 * One page of the notes of application @p id, newest first (date, then
 * id, both descending), for the recruiter of its offer.
 * @param page  NULL: the first page of OFFERAPI_PAGE_DEFAULT (page.h)
 * @return 0; OFFERAPI_EPERM, OFFERAPI_ENOTFOUND, OFFERAPI_EINVAL (page or
 *         cursor), a database error
 */
OFFERAPI_EXTERN int offerapi_application_note_list(offerapi_store *store,
                                                   const offerapi_user *actor, offerapi_id id,
                                                   const offerapi_page *page,
                                                   offerapi_note_list **out);

/** Free a list of notes. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_note_list_free(offerapi_note_list *list);

/**
 * One page of the applications to offer @p offer_id at stage @p stage, for
 * its recruiter, oldest first (date, then id), with their scores (index
 * applications_offer_stage): the dashboard's filter by stage.
 * @return 0; OFFERAPI_EPERM, OFFERAPI_ENOTFOUND, OFFERAPI_EINVAL (stage,
 *         page or cursor), a database error
 */
OFFERAPI_EXTERN int offerapi_application_list_stage_page(offerapi_store *store,
                                                         const offerapi_user *actor,
                                                         offerapi_id offer_id, offerapi_stage stage,
                                                         const offerapi_page *page,
                                                         offerapi_application_list **out);

/**
 * Store (or replace) the score of application @p id by a scorer. This is the
 * host's call (the server's scoring step), not a user's: it checks no role.
 * @return 0, OFFERAPI_EINVAL (score not in [0, 1] or NaN, bad name),
 *         OFFERAPI_ENOTFOUND, or a database error
 */
OFFERAPI_EXTERN int offerapi_score_put(offerapi_store *store, offerapi_id id, const char *scorer,
                                       const char *scorer_version, double score,
                                       const char *explanation);

/** Ids of applications lacking a score from (scorer, version), oldest first,
 *  at most @p max; free *out with offerapi_free(). For rescoring. */
OFFERAPI_EXTERN int offerapi_score_missing(offerapi_store *store, const char *scorer,
                                           const char *scorer_version, size_t max,
                                           offerapi_id **out, size_t *out_count);

#ifdef __cplusplus
}
#endif
#endif
