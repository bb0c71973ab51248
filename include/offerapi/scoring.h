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

#ifdef __cplusplus
}
#endif
#endif
