/*
 * offerapi/offer.h - job offers.
 *
 * Only recruiters create offers; only an offer's own recruiter edits, closes
 * or reopens it. Anyone, even without an account, reads offers.
 */
#ifndef OFFERAPI_OFFER_H
#define OFFERAPI_OFFER_H

#include "common.h"
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

/** A job offer. */
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
} offerapi_offer;

/** The fields a recruiter writes. */
typedef struct offerapi_offer_fields {
	const char *title; /**< required */
	const char *description; /**< required */
	const char *location; /**< NULL or "" for none */
	const char *const *skills; /**< each trimmed; empty ones dropped; */
	size_t nskills; /**< duplicates (ignoring case) dropped */
	const char *const *questions;
	size_t nquestions;
} offerapi_offer_fields;

/** Free an offer returned by the library. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_offer_free(offerapi_offer *offer);

/**
 * Publish an offer as @p actor, who must be a recruiter.
 * @return 0 and the id in @p out_id, OFFERAPI_EPERM, OFFERAPI_EINVAL /
 *         OFFERAPI_ETOOBIG (the field is named), or a database error
 */
OFFERAPI_EXTERN int offerapi_offer_create(offerapi_store *store, const offerapi_user *actor,
                                          const offerapi_offer_fields *fields, offerapi_id *out_id);

/** Replace the fields of an offer (its recruiter only). Answers already given
 *  keep the question text they answered. */
OFFERAPI_EXTERN int offerapi_offer_update(offerapi_store *store, const offerapi_user *actor,
                                          offerapi_id id, const offerapi_offer_fields *fields);

/** Close (@p open = 0) or reopen an offer (its recruiter only). */
OFFERAPI_EXTERN int offerapi_offer_set_open(offerapi_store *store, const offerapi_user *actor,
                                            offerapi_id id, int open);

/** Read one offer. @return 0, OFFERAPI_ENOTFOUND or a database error. */
OFFERAPI_EXTERN int offerapi_offer_get(offerapi_store *store, offerapi_id id, offerapi_offer **out);

/** Version of offerapi_offer_query. */
#define OFFERAPI_OFFER_QUERY_VERSION 1

/** A search over offers; every criterion is optional. */
typedef struct offerapi_offer_query {
	unsigned int version; /**< OFFERAPI_OFFER_QUERY_VERSION */
	const char *words; /**< every word must occur in the title, description,
				       location or skills (case and accents ignored) */
	const char *location; /**< substring of the location (case and accents ignored) */
	const char *skill; /**< one whole skill (case and accents ignored) */
	offerapi_id recruiter_id; /**< only this recruiter's offers */
	int include_closed; /**< also closed offers */
	size_t limit; /**< at most this many (default and maximum 200) */
	size_t offset; /**< skip this many */
} offerapi_offer_query;

#define OFFERAPI_OFFER_QUERY_INIT                                                                  \
	{                                                                                          \
		OFFERAPI_OFFER_QUERY_VERSION, NULL, NULL, NULL, 0, 0, 0, 0                         \
	}

/** A list of offers, newest first. */
typedef struct offerapi_offer_list {
	size_t count;
	offerapi_offer *items;
} offerapi_offer_list;

/** Search offers. @p q NULL lists the open offers. */
OFFERAPI_EXTERN int offerapi_offer_search(offerapi_store *store, const offerapi_offer_query *q,
                                          offerapi_offer_list **out);

/** Free a list. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_offer_list_free(offerapi_offer_list *list);

#ifdef __cplusplus
}
#endif
#endif
