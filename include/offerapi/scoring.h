/*
 * offerapi/scoring.h - scoring stored applications with a set of scorers.
 *
 * The glue between the store (application.h) and the plugins (scorers.h):
 * read an application and its offer, run every scorer of the set on it, and
 * store each score with the scorer's name and version. A scorer that fails
 * stores nothing and never affects the application or the other scorers.
 */
#ifndef OFFERAPI_SCORING_H
#define OFFERAPI_SCORING_H

#include "common.h"
#include "store.h"
#include "scorers.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Called once per scorer run, from the calling thread, so that the host can
 * count and time scoring (metrics, logs).
 * @param scorer   the scorer's name
 * @param rc       0, or the error (OFFERAPI_EPLUGIN when the plugin failed)
 * @param seconds  wall time the scorer took
 * @param message  NULL on success, else one line naming the scorer
 */
typedef void (*offerapi_scoring_fn)(const char *scorer, int rc, double seconds, const char *message,
                                    void *payload);

/** Flags of offerapi_application_score(). */
#define OFFERAPI_SCORE_MISSING_ONLY                                                                \
	1u /**< skip scorers whose (name, version)
					    score is already stored */

/**
 * Score application @p id with every scorer of @p set and store the scores.
 * No role is checked: this is the host's call, made after a submission or
 * to rescore after a scorer upgrade.
 * @param fn       may be NULL
 * @return 0 when every scorer succeeded (or was skipped); otherwise the
 *         first error, with the others still stored; OFFERAPI_ENOTFOUND for
 *         an unknown application
 */
OFFERAPI_EXTERN int offerapi_application_score(offerapi_store *store, offerapi_scorers *set,
                                               offerapi_id id, unsigned flags,
                                               offerapi_scoring_fn fn, void *payload);

/* ---- explanations as stored ---- */

/** Version of the explanation documents this header reads. */
#define OFFERAPI_EXPLANATION_VERSION 1

/** A skill credited at least this much shows as matched. */
#define OFFERAPI_EXPLANATION_MATCHED 0.75

/** How a scorer judged one of the offer's skills in a CV. */
typedef enum offerapi_skill_match {
	OFFERAPI_SKILL_MISSING = 0, /**< credit 0 */
	OFFERAPI_SKILL_PARTLY = 1, /**< credit in (0, OFFERAPI_EXPLANATION_MATCHED) */
	OFFERAPI_SKILL_MATCHED = 2, /**< credit >= OFFERAPI_EXPLANATION_MATCHED */
} offerapi_skill_match;

/** One of the offer's skills as a scorer judged it. */
typedef struct offerapi_explanation_skill {
	const char *skill; /**< the skill as the offer writes it */
	double credit; /**< in [0, 1] */
	offerapi_skill_match match; /**< credit, classified */
} offerapi_explanation_skill;

/** A named part of a score ("text", "title", "skills", "cosine"). */
typedef struct offerapi_explanation_subscore {
	const char *name; /**< [a-z0-9_], at most 32 characters */
	double value; /**< in [0, 1] */
} offerapi_explanation_subscore;

/**
 * An explanation read back from offerapi_score.explanation. Strings and
 * arrays belong to the explanation: free it with offerapi_explanation_free().
 */
typedef struct offerapi_explanation {
	/** 0: plain text only (a plugin that reports no details, or a score
	 *  stored before they existed); 1 or more: a structured document. */
	int version;
	/** The scorer's own sentence, in English ("" when none). Show it when
	 *  version is 0; with details, prefer skills and subscores, which a
	 *  reader's language can render. */
	const char *text;
	/** The offer's skills the scorer judged, in the offer's order. */
	const offerapi_explanation_skill *skills;
	size_t nskills;
	/** Named parts of the score, in the scorer's order. */
	const offerapi_explanation_subscore *subscores;
	size_t nsubscores;
} offerapi_explanation;

/**
 * Read a stored explanation (offerapi_score.explanation): the versioned
 * JSON document a scorer of ABI revision 2 produces through its report, or
 * plain text. A document of a newer version is read as far as its fields
 * are known.
 * @param stored  the stored text (not NULL)
 * @param out     receives a new explanation
 * @return 0; OFFERAPI_EINVAL when @p stored starts as a document but is not
 *         a valid one (the message says why: show the raw text then);
 *         OFFERAPI_ENOMEM
 */
OFFERAPI_EXTERN int offerapi_explanation_parse(const char *stored, offerapi_explanation **out);

/** Free an explanation from offerapi_explanation_parse(); NULL is ignored. */
OFFERAPI_EXTERN void offerapi_explanation_free(offerapi_explanation *e);

/** The class of a credit: missing (0), partly, or matched (>= 0.75). */
OFFERAPI_EXTERN offerapi_skill_match offerapi_explanation_match(double credit);

#ifdef __cplusplus
}
#endif
#endif
