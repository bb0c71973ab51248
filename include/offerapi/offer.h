/*
 * offerapi/offer.h - job offers.
 *
 * Only recruiters create offers; only an offer's own recruiter edits, closes
 * or reopens it. Anyone, even without an account, reads offers.
 */
#ifndef OFFERAPI_OFFER_H
#define OFFERAPI_OFFER_H

#include "common.h"
#include "page.h"
#include "store.h"
#include "user.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Bounds on offer fields (bytes, or items for lists). */
#define OFFERAPI_TITLE_MAX 200
#define OFFERAPI_DESCRIPTION_MAX 20000
#define OFFERAPI_LOCATION_MAX 200
#define OFFERAPI_SKILLS_MAX 50
#define OFFERAPI_SKILL_MAX 80
#define OFFERAPI_QUESTIONS_MAX 20
#define OFFERAPI_QUESTION_MAX 500
#define OFFERAPI_COMPANY_MAX 200
/** Largest salary amount (either bound), in the currency's units. */
#define OFFERAPI_SALARY_MAX 1000000000
/** Latest deadline: 9999-12-31T23:59:59Z. */
#define OFFERAPI_DEADLINE_MAX INT64_C(253402300799)

/** A job offer. */
/** How an offer's recruiter hears of its new applications (offers.notify).
 *  Values are stable. */
typedef enum offerapi_notify {
	OFFERAPI_NOTIFY_UNSET = 0, /**< in offerapi_offer_fields: "each" on create,
	                                unchanged on update */
	OFFERAPI_NOTIFY_EACH = 1, /**< one e-mail per application (the default) */
	OFFERAPI_NOTIFY_DAILY = 2, /**< a daily digest (offerapi_mail_digest_run) */
	OFFERAPI_NOTIFY_NONE = 3 /**< no e-mail */
} offerapi_notify;

/** "each", "daily", "none" (static); NULL for another value. */
OFFERAPI_EXTERN const char *offerapi_notify_name(offerapi_notify notify);

/** The value named @p name ("each", "daily", "none").
 *  @return 0 or OFFERAPI_EINVAL (the message names field "notify") */
OFFERAPI_EXTERN int offerapi_notify_parse(const char *name, offerapi_notify *out);

/** Contract type of an offer (offers.contract). Values are stable. */
typedef enum offerapi_contract {
	OFFERAPI_CONTRACT_UNSET = 0, /**< not said */
	OFFERAPI_CONTRACT_CDI = 1, /**< "cdi": permanent (contrat à durée indéterminée) */
	OFFERAPI_CONTRACT_CDD = 2, /**< "cdd": fixed-term (contrat à durée déterminée) */
	OFFERAPI_CONTRACT_FREELANCE = 3, /**< "freelance" */
	OFFERAPI_CONTRACT_INTERNSHIP = 4, /**< "internship" (stage) */
	OFFERAPI_CONTRACT_APPRENTICESHIP = 5 /**< "apprenticeship" (alternance) */
} offerapi_contract;

/** "cdi", "cdd", "freelance", "internship", "apprenticeship" (static);
 *  NULL for another value (UNSET included). */
OFFERAPI_EXTERN const char *offerapi_contract_name(offerapi_contract contract);

/** The value named @p name.
 *  @return 0 or OFFERAPI_EINVAL (the message names field "contract") */
OFFERAPI_EXTERN int offerapi_contract_parse(const char *name, offerapi_contract *out);

/** Remote-work policy of an offer (offers.remote). Values are stable. */
typedef enum offerapi_remote {
	OFFERAPI_REMOTE_UNSET = 0, /**< not said */
	OFFERAPI_REMOTE_ONSITE = 1, /**< "onsite": on site */
	OFFERAPI_REMOTE_HYBRID = 2, /**< "hybrid": some days remote */
	OFFERAPI_REMOTE_FULL = 3 /**< "remote": fully remote */
} offerapi_remote;

/** "onsite", "hybrid", "remote" (static); NULL for another value. */
OFFERAPI_EXTERN const char *offerapi_remote_name(offerapi_remote remote);

/** The value named @p name.
 *  @return 0 or OFFERAPI_EINVAL (the message names field "remote") */
OFFERAPI_EXTERN int offerapi_remote_parse(const char *name, offerapi_remote *out);

/** What a salary amount is paid for (offers.salary_period). Stable values. */
typedef enum offerapi_salary_period {
	OFFERAPI_PERIOD_UNSET = 0, /**< no salary given */
	OFFERAPI_PERIOD_YEAR = 1, /**< "year": gross a year */
	OFFERAPI_PERIOD_MONTH = 2, /**< "month" */
	OFFERAPI_PERIOD_DAY = 3, /**< "day" (a freelance's daily rate) */
	OFFERAPI_PERIOD_HOUR = 4 /**< "hour" */
} offerapi_salary_period;

/** "year", "month", "day", "hour" (static); NULL for another value. */
OFFERAPI_EXTERN const char *offerapi_salary_period_name(offerapi_salary_period period);

/** The value named @p name.
 *  @return 0 or OFFERAPI_EINVAL (the message names field "salary_period") */
OFFERAPI_EXTERN int offerapi_salary_period_parse(const char *name, offerapi_salary_period *out);

/**
 * A deadline as people and the API write it: a day "YYYY-MM-DD" (the end
 * of that day, 23:59:59 UTC: applications are taken through that day) or
 * Unix seconds in decimal. Leading and trailing spaces are ignored.
 * @return 0 and *@p out in 1..OFFERAPI_DEADLINE_MAX, or OFFERAPI_EINVAL
 *         (the message names field "deadline")
 */
OFFERAPI_EXTERN int offerapi_deadline_parse(const char *text, int64_t *out);

/**
 * An amount of @p period as a year's: x1 a year, x12 a month, x218 a day
 * (working days in a French year), x1607 an hour (the legal hours of a
 * French full-time year). What the salary floor filter compares.
 * @return the yearly amount, or 0 for OFFERAPI_PERIOD_UNSET
 */
OFFERAPI_EXTERN int64_t offerapi_salary_yearly(int64_t amount, offerapi_salary_period period);

/**
 * An offer as the library reads it (offerapi_offer_get, the lists). Its
 * strings and arrays belong to it: read them, never free or replace one;
 * offerapi_offer_free() (or offerapi_offer_list_free()) frees them all.
 */
typedef struct offerapi_offer {
	offerapi_id id;
	offerapi_id recruiter_id;
	char *recruiter_name; /**< display name of the recruiter */
	char *title;
	char *description;
	char *location; /**< may be "" */
	char **skills; /**< nskills strings */
	size_t nskills;
	char **questions; /**< nquestions screening questions */
	size_t nquestions;
	int64_t published_at; /**< Unix time, seconds */
	int is_open; /**< 1 while it accepts applications */
	int64_t napplications; /**< applications received: dashboard data, for
				       the recruiter's views (the server shows it
				       to the offer's recruiter only) */
	int64_t version; /**< offerapi_offer_get() only (0 in lists): the
				       row's version, raised by every change; give
				       it to the _if writes to change exactly this
				       version */
	int64_t archived_at; /**< offerapi_offer_get() only: 0, or the Unix
				       time it was archived (offerapi_offer_archive) */
	char *snippet; /**< lists searched by words only (else NULL): an
				       extract of the description around the words
				       found, each between OFFERAPI_MARK_START and
				       OFFERAPI_MARK_END, "…" where it is cut; NULL
				       when no word found is in the first 4 KiB
				       of the description (a title match). Plain
				       text: escape it before showing it as HTML */
	/* appended in schema 10 (issue 13): */
	offerapi_notify notify; /**< offerapi_offer_get() only (0 in lists) */
	/* appended in schema 16 (issue 14), in lists and single reads alike;
	 * offers written before have none of them: */
	char *company; /**< the hiring company; NULL when not said */
	offerapi_contract contract; /**< OFFERAPI_CONTRACT_UNSET when not said */
	offerapi_remote remote; /**< OFFERAPI_REMOTE_UNSET when not said */
	int64_t salary_min; /**< lower bound of the salary, 0: none given */
	int64_t salary_max; /**< upper bound, 0: none given (a single
				  amount has min = max) */
	char salary_currency[4]; /**< ISO 4217 code ("EUR"); "" when no salary */
	offerapi_salary_period salary_period; /**< UNSET when no salary */
	int64_t deadline; /**< Unix time after which applications are refused,
				  the lists of open offers leave the offer
				  out and the others show it closed (and
				  offerapi_offer_close_expired() closes it);
				  0: none */
} offerapi_offer;

/** Around a matched word in offerapi_offer.snippet (control characters,
 * which no offer field may contain). */
#define OFFERAPI_MARK_START "\x02"
#define OFFERAPI_MARK_END "\x03"

/**
 * Version of offerapi_offer_fields; set .version to this. The library
 * accepts every version from 1 to the one it was built with ("known and
 * not newer"); another is OFFERAPI_EINVAL naming the struct.
 */
#define OFFERAPI_OFFER_FIELDS_VERSION 3

/**
 * The fields a recruiter writes. Fill it with designated initializers so
 * that fields added by later versions stay zero:
 *
 *     offerapi_offer_fields f = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
 *                                 .title = "Dev C", .description = "..." };
 *
 * or start from OFFERAPI_OFFER_FIELDS_INIT.
 */
typedef struct offerapi_offer_fields {
	unsigned int version; /**< OFFERAPI_OFFER_FIELDS_VERSION */
	const char *title; /**< required */
	const char *description; /**< required */
	const char *location; /**< NULL or "" for none */
	const char *const *skills; /**< each trimmed; empty ones dropped; */
	size_t nskills; /**< duplicates (ignoring case) dropped */
	const char *const *questions;
	size_t nquestions;
	/* version 2: */
	offerapi_notify notify; /**< OFFERAPI_NOTIFY_UNSET: "each" on create,
	                             unchanged on update */
	/* version 3 (issue 14). Every one is optional, and with version 3
	 * an update writes them all: a zero field removes what was there.
	 * A version 1 or 2 struct, which has none of them, leaves the
	 * stored ones unchanged on update and none on create. */
	const char *company; /**< NULL or "" for none; one line, at most
				  OFFERAPI_COMPANY_MAX bytes, trimmed */
	offerapi_contract contract; /**< UNSET for none */
	offerapi_remote remote; /**< UNSET for none */
	int64_t salary_min; /**< 0 for none; else 1..OFFERAPI_SALARY_MAX */
	int64_t salary_max; /**< 0 for none; else 1..OFFERAPI_SALARY_MAX and
				  >= salary_min. With either bound, currency
				  and period are required; without, they
				  must be unset */
	const char *salary_currency; /**< ISO 4217: three ASCII letters
				  (stored in capitals); NULL or "" for none */
	offerapi_salary_period salary_period; /**< UNSET for none */
	int64_t deadline; /**< 0 for none; else Unix seconds, at most
				  OFFERAPI_DEADLINE_MAX, and in the future
				  when the offer is created (an update may
				  keep a passed one). After it, applying is
				  OFFERAPI_ECLOSED, and the offer is closed by
				  offerapi_offer_close_expired() */
} offerapi_offer_fields;

/** Initialiser: the current version, every field empty. */
#define OFFERAPI_OFFER_FIELDS_INIT                                                                 \
	{                                                                                          \
		OFFERAPI_OFFER_FIELDS_VERSION, NULL, NULL, NULL, NULL, 0, NULL, 0,                 \
			OFFERAPI_NOTIFY_UNSET, NULL, OFFERAPI_CONTRACT_UNSET,                      \
			OFFERAPI_REMOTE_UNSET, 0, 0, NULL, OFFERAPI_PERIOD_UNSET, 0                \
	}

/** Free an offer returned by the library. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_offer_free(offerapi_offer *offer);

/**
 * Publish an offer as @p actor, who must be a recruiter.
 * @return 0 and the id in @p out_id, OFFERAPI_EPERM, OFFERAPI_EINVAL /
 *         OFFERAPI_ETOOBIG (the field is named; an unknown or newer
 *         @p fields->version names the struct), or a database error
 */
OFFERAPI_EXTERN int offerapi_offer_create(offerapi_store *store, const offerapi_user *actor,
                                          const offerapi_offer_fields *fields, offerapi_id *out_id);

/** Replace the fields of an offer (its recruiter only). Answers already given
 *  keep the question text they answered. */
OFFERAPI_EXTERN int offerapi_offer_update(offerapi_store *store, const offerapi_user *actor,
                                          offerapi_id id, const offerapi_offer_fields *fields);

/** Close (@p open = 0) or reopen an offer (its recruiter only). An offer
 *  past its deadline is not reopened (OFFERAPI_ECLOSED): give it a later
 *  deadline first (offerapi_offer_update). */
OFFERAPI_EXTERN int offerapi_offer_set_open(offerapi_store *store, const offerapi_user *actor,
                                            offerapi_id id, int open);

/**
 * offerapi_offer_update() only if the offer is still at version
 * @p if_version (offerapi_offer.version; 0: whatever its version), in one
 * statement: a write between the caller's read and this one makes it
 * change nothing. @p applied (may be NULL): 1 when written, 0 when the
 * version no longer matched (the return value is then 0 too).
 */
OFFERAPI_EXTERN int offerapi_offer_update_if(offerapi_store *store, const offerapi_user *actor,
                                             offerapi_id id, const offerapi_offer_fields *fields,
                                             int64_t if_version, int *applied);

/** offerapi_offer_set_open() only at version @p if_version (as above). */
OFFERAPI_EXTERN int offerapi_offer_set_open_if(offerapi_store *store, const offerapi_user *actor,
                                               offerapi_id id, int open, int64_t if_version,
                                               int *applied);

/**
 * Archive an offer (its recruiter only), at version @p if_version (0:
 * any), as offerapi_offer_update_if(). An archived offer is closed to
 * applications for good and leaves every list, a recruiter's own included;
 * writes to it are OFFERAPI_ENOTFOUND. offerapi_offer_get() still reads it
 * (archived_at set): its applications stay its recruiter's records.
 * @return 0 (*@p applied 0 when the version no longer matched),
 *         OFFERAPI_ENOTFOUND (no such offer, or archived already),
 *         OFFERAPI_EPERM, or a database error
 */
OFFERAPI_EXTERN int offerapi_offer_archive(offerapi_store *store, const offerapi_user *actor,
                                           offerapi_id id, int64_t if_version, int *applied);

/** Read one offer. @return 0, OFFERAPI_ENOTFOUND or a database error. */
OFFERAPI_EXTERN int offerapi_offer_get(offerapi_store *store, offerapi_id id, offerapi_offer **out);

/**
 * Close every open offer whose deadline is before @p now (Unix
 * seconds), as its recruiter closing it would (version raised, the
 * offer.closed webhook event sent). Idempotent: any number of servers
 * may run it at once. The server runs it at start and every hour; until
 * then, applying to such an offer is refused all the same.
 * @param n  may be NULL; else how many offers it closed
 * @return 0 or a database error
 */
OFFERAPI_EXTERN int offerapi_offer_close_expired(offerapi_store *store, int64_t now, int64_t *n);

/** Version of offerapi_offer_query: 2 added flags, 3 the contract, remote
 * and salary filters (1 and 2 are still read). */
#define OFFERAPI_OFFER_QUERY_VERSION 3

/** Flags of offerapi_offer_query, version 2. */
#define OFFERAPI_OFFER_COUNTS                                                                      \
	1u /**< fill napplications in offerapi_offer_list_page() (one index
	        count per offer of the page, as long as its applications) */

/** A search over offers; every criterion is optional. */
typedef struct offerapi_offer_query {
	unsigned int version; /**< OFFERAPI_OFFER_QUERY_VERSION (1 or 2) */
	const char *words; /**< full-text search over the title, description,
				       location, company and skills: letters and digits make
				       words, anything else separates them (no
				       operators); case and accents ignored, French
				       and English stems match ("developpeuse"
				       finds "Développeur"). Offers with every word,
				       best match first (a title match above a
				       description's); when fewer than
				       OFFERAPI_SEARCH_FALLBACK have every word,
				       offers with any of them (see any_words). At
				       most 200 bytes and 8 words */
	const char *location; /**< substring of the location (case and accents ignored) */
	const char *skill; /**< one whole skill (case and accents ignored) */
	offerapi_id recruiter_id; /**< only this recruiter's offers */
	int include_closed; /**< also closed offers */
	size_t limit; /**< offerapi_offer_search() only: at most this many
				       (default and maximum 200) */
	size_t offset; /**< offerapi_offer_search() only: skip this many */
	unsigned int flags; /**< version 2: OFFERAPI_OFFER_COUNTS */
	/* version 3 (issue 14); every filter applies to lists and word
	 * searches alike, and an offer that does not say is left out: */
	offerapi_contract contract; /**< UNSET: any; else only this contract */
	offerapi_remote remote; /**< UNSET: any; else only this policy */
	int64_t salary_floor; /**< 0: any; else only offers paid at least
				  this much a year in salary_currency: their
				  upper bound (or lower, without one) made a
				  year's by offerapi_salary_yearly(), in the
				  same currency (no conversion: offers in
				  another currency are left out) */
	const char *salary_currency; /**< of the floor: NULL or "" for "EUR" */
} offerapi_offer_query;

#define OFFERAPI_OFFER_QUERY_INIT                                                                  \
	{                                                                                          \
		OFFERAPI_OFFER_QUERY_VERSION, NULL, NULL, NULL, 0, 0, 0, 0, 0,                     \
			OFFERAPI_CONTRACT_UNSET, OFFERAPI_REMOTE_UNSET, 0, NULL                    \
	}

/** Below this many offers with every word, a search lists the offers
 * with any of them (offerapi_offer_list.any_words). */
#define OFFERAPI_SEARCH_FALLBACK 3

/** A search ranks at most this many offers, its best matches. */
#define OFFERAPI_SEARCH_MAX 1000

/**
 * A list of offers, newest first: by publication time, then by id, both
 * descending; searched by words, best match first (rank, then newest).
 * The fields after items are filled by offerapi_offer_list_page()
 * (offerapi_offer_search() leaves NULL, NULL, -1 and 0).
 */
typedef struct offerapi_offer_list {
	size_t count;
	offerapi_offer *items;
	char *next; /**< cursor of the page after this one; NULL on the last */
	char *prev; /**< cursor of the page before; NULL on the first */
	int64_t total; /**< offers in the whole list with OFFERAPI_PAGE_TOTAL, else -1 */
	int64_t offset; /**< position of items[0] in the list (from 0), -1 unknown */
	int any_words; /**< 1 when the words were searched and too few offers
				  had them all: the list holds the offers that
				  have some of the words (tell the reader) */
} offerapi_offer_list;

/**
 * Search offers, skipping @p q->offset of them (the pages before page.h).
 * @p q NULL lists the open offers. Every offer's napplications is filled.
 * Deep offsets cost as much as the rows they skip: prefer
 * offerapi_offer_list_page().
 */
OFFERAPI_EXTERN int offerapi_offer_search(offerapi_store *store, const offerapi_offer_query *q,
                                          offerapi_offer_list **out);

/**
 * One page of offers (page.h): the open offers newest first (the home
 * page), filtered by @p q's words, location and skill; a recruiter's own
 * offers with recruiter_id and include_closed. Every list reads one index
 * in its order (offers_open_published, offers_recruiter_published,
 * offers_published); words, location and skill filter the rows it walks.
 * @param q     NULL for the open offers; limit and offset must be 0 (the
 *              page says how many); napplications is -1 unless
 *              OFFERAPI_OFFER_COUNTS
 * @param page  NULL for the first page of OFFERAPI_PAGE_DEFAULT
 * @return 0; OFFERAPI_EINVAL (a field of @p q or @p page, a bad cursor or
 *         one of another search); a database error
 */
OFFERAPI_EXTERN int offerapi_offer_list_page(offerapi_store *store, const offerapi_offer_query *q,
                                             const offerapi_page *page, offerapi_offer_list **out);

/** Free a list. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_offer_list_free(offerapi_offer_list *list);

#ifdef __cplusplus
}
#endif
#endif
