/*
 * offerapi/retention.h - the retention purge (issue 16; docs/privacy.md,
 * "Retention").
 *
 * An application of a candidate who was not hired is kept
 * application_days after its last activity (applying, a change of stage,
 * a recruiter's note), pool_days more when the candidate gave the pool
 * consent on applying and has not withdrawn it. Then the purge deletes it
 * with everything hanging from it: the CV (PDF and text, sealed or
 * plaintext), the answers, the scores and scoring jobs, the stage history,
 * the notes and the access records. What stays is a count without anyone
 * in it: the row of retention_counts for its offer, its day of applying
 * and the stage it had reached, so that an offer's statistics keep their
 * totals (offerapi_dashboard.purged).
 *
 * Before that, when the candidate has a verified e-mail address, one
 * message ("retention-warning", mail.h) tells them, warn_days ahead, the
 * day from which the application goes; it is recorded on the application
 * and not sent again. Such an application is never purged less than
 * warn_days after its warning: a purge that did not run for a while sends
 * the warning first and purges later. New activity after a warning moves
 * the date, and the candidate is warned again when the new date comes.
 *
 * The purge also erases, with offerapi_user_erase(), each account whose
 * e-mail address was never verified, created unverified_days ago or more,
 * that has no application and no offer (an account without an address is
 * not "unverified": it has nothing to verify), and deletes sessions,
 * e-mail and password-reset tokens and personal access tokens past their
 * expiry.
 *
 * Every step is idempotent: two processes purging at once only repeat
 * each other's work. Thread-safe as every call on a store.
 */
#ifndef OFFERAPI_RETENTION_H
#define OFFERAPI_RETENTION_H

#include "common.h"
#include "store.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of offerapi_retention_policy; set .version to this. The
 *  library accepts 1 to the one it was built with. */
#define OFFERAPI_RETENTION_POLICY_VERSION 1

/** Defaults: the CNIL's two years for a candidate not hired, 30 days for
 *  an account never verified, a warning a month ahead. */
#define OFFERAPI_RETENTION_DAYS_DEFAULT 730
#define OFFERAPI_RETENTION_POOL_DAYS_DEFAULT 730
#define OFFERAPI_RETENTION_UNVERIFIED_DAYS_DEFAULT 30
#define OFFERAPI_RETENTION_WARN_DAYS_DEFAULT 30
/** Largest number of days any field takes (a hundred years). */
#define OFFERAPI_RETENTION_DAYS_MAX 36500

/** What the purge keeps and for how long. */
typedef struct offerapi_retention_policy {
	unsigned int version; /**< OFFERAPI_RETENTION_POLICY_VERSION */
	/** Days a non-hired application is kept after its last activity;
	 *  1 to OFFERAPI_RETENTION_DAYS_MAX. */
	unsigned int application_days;
	/** Days more with the candidate's pool consent; 0 to ..._MAX. */
	unsigned int pool_days;
	/** Days an account with an address never verified is kept;
	 *  1 to ..._MAX. */
	unsigned int unverified_days;
	/** Days ahead the candidate is warned (0: no warning, and no wait
	 *  for one); at most 365. */
	unsigned int warn_days;
	/** Nonzero: write nothing, count what would go (and be warned). */
	int dry_run;
} offerapi_retention_policy;

/** Initialiser: the defaults above, not a dry run. */
#define OFFERAPI_RETENTION_POLICY_INIT                                                             \
	{                                                                                          \
		OFFERAPI_RETENTION_POLICY_VERSION, OFFERAPI_RETENTION_DAYS_DEFAULT,                \
			OFFERAPI_RETENTION_POOL_DAYS_DEFAULT,                                      \
			OFFERAPI_RETENTION_UNVERIFIED_DAYS_DEFAULT,                                \
			OFFERAPI_RETENTION_WARN_DAYS_DEFAULT, 0                                    \
	}

/** What one purge did (or, dry, would do). */
typedef struct offerapi_retention_counts {
	int64_t applications; /**< applications purged */
	int64_t warned; /**< warnings written to the outbox */
	int64_t accounts; /**< unverified accounts erased */
	int64_t sessions; /**< expired sessions deleted */
	int64_t tokens; /**< expired account and personal access tokens deleted */
} offerapi_retention_counts;

/**
 * Run the retention purge of @p policy as of @p now (Unix seconds; pass
 * the current time, a test may pass another). Warnings come first, so an
 * application warned now is purged warn_days later at the earliest.
 * @param out  may be NULL; filled even on failure with what was done
 *         before it
 * @return 0; OFFERAPI_EINVAL (no store, a NULL or unknown-version policy,
 *         a field out of range: the message names it); a database error
 *         (what was done before it stays done)
 */
OFFERAPI_EXTERN int offerapi_retention_purge(offerapi_store *store,
                                             const offerapi_retention_policy *policy, int64_t now,
                                             offerapi_retention_counts *out);

#ifdef __cplusplus
}
#endif
#endif
