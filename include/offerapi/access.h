/*
 * offerapi/access.h - the access log: who viewed an application, its CV or
 * its text, when and from where (issue 16; docs/privacy.md).
 *
 * The server records every view or download of an application's page (or
 * its JSON), of its CV's PDF and of its extracted text, and every
 * application in an offer's CSV export, after the access check has passed
 * and before any byte of the data is sent. A record holds the viewer's
 * account, the application, the kind of access, the client address and
 * the time. Each access costs one INSERT (an export: one INSERT ... SELECT
 * over the offer's applications).
 *
 * Three readers: the candidate sees who viewed their application (the
 * viewer's display name and the date, never the address, nor their own
 * views), the operator searches the log (offerapi-admin access-log), and
 * the retention purge deletes records past the operator's limit.
 *
 * A record goes with its application; when the viewer's account goes, the
 * record stays with no viewer (user_id 0).
 *
 * Thread safety: like every store call, any thread, concurrently.
 */
#ifndef OFFERAPI_ACCESS_H
#define OFFERAPI_ACCESS_H

#include <stddef.h>
#include <stdint.h>

#include "common.h"
#include "page.h"
#include "store.h"
#include "user.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What was accessed. */
typedef enum offerapi_access_kind {
	OFFERAPI_ACCESS_APPLICATION = 1, /**< "application": its page, or its JSON (which
	                                      holds the CV text for the recruiter) */
	OFFERAPI_ACCESS_CV_PDF = 2, /**< "cv_pdf": the CV as uploaded */
	OFFERAPI_ACCESS_CV_TEXT = 3, /**< "cv_text": the text extracted from it */
	OFFERAPI_ACCESS_CSV = 4, /**< "csv": a row of its offer's CSV export */
} offerapi_access_kind;

/** Longest client address stored, in bytes (an IPv6 address with a zone
 *  fits); a longer one is OFFERAPI_EINVAL. */
#define OFFERAPI_ACCESS_ADDR_MAX 64

/** The name of a kind ("application", "cv_pdf", "cv_text", "csv"), or
 *  NULL for a value that is not a kind. */
OFFERAPI_EXTERN const char *offerapi_access_kind_name(offerapi_access_kind kind);

/**
 * Record that @p viewer accessed application @p application_id (@p kind)
 * from @p address. The caller has checked that the viewer may; the call
 * writes one row, with no check of its own beyond its arguments (an id
 * with no application writes nothing and succeeds).
 *
 * @return 0; OFFERAPI_EINVAL for a NULL viewer, a kind that is not one of
 * the above or OFFERAPI_ACCESS_CSV (see offerapi_access_record_offer()),
 * or an address that is empty, longer than OFFERAPI_ACCESS_ADDR_MAX - 1
 * bytes or not printable ASCII; a store error (OFFERAPI_EUNAVAILABLE...)
 * when the row could not be written. The server refuses the view then
 * (503): an access it cannot record is not served.
 */
OFFERAPI_EXTERN int offerapi_access_record(offerapi_store *store, const offerapi_user *viewer,
                                           offerapi_id application_id, offerapi_access_kind kind,
                                           const char *address);

/**
 * Record an OFFERAPI_ACCESS_CSV access by @p viewer to every application of
 * offer @p offer_id, in one statement, before its CSV export is sent.
 * *@p count (may be NULL): the records written. Errors as
 * offerapi_access_record().
 */
OFFERAPI_EXTERN int offerapi_access_record_offer(offerapi_store *store, const offerapi_user *viewer,
                                                 offerapi_id offer_id, const char *address,
                                                 int64_t *count);

/** One record. Strings are owned by the list. */
typedef struct offerapi_access {
	offerapi_id id;
	offerapi_id application_id;
	offerapi_id offer_id; /**< the application's offer */
	offerapi_id user_id; /**< the viewer; 0 when their account is gone */
	char *viewer_name; /**< their display name; "" when the account is gone */
	char *viewer_login; /**< their login: offerapi_access_search() only, else NULL */
	offerapi_access_kind kind;
	char *address; /**< offerapi_access_search() only, else NULL */
	int64_t at; /**< Unix seconds */
} offerapi_access;

/** Records, newest first. */
typedef struct offerapi_access_list {
	size_t count;
	offerapi_access *items;
	char *next; /**< cursor of the page after (older records); NULL on the last */
	char *prev; /**< cursor of the page before; NULL on the first */
	int64_t total; /**< records of the whole list with OFFERAPI_PAGE_TOTAL, else -1 */
	int truncated; /**< offerapi_access_search(): 1 when more records matched
	                    than its limit */
} offerapi_access_list;

/** Free a list. NULL is ignored. */
OFFERAPI_EXTERN void offerapi_access_list_free(offerapi_access_list *list);

/**
 * One page (offerapi/page.h) of the views of application @p application_id
 * by others than its candidate, newest first, as its candidate sees them:
 * id, application, offer, viewer id and display name, kind and time; no
 * address and no login.
 *
 * @return 0; OFFERAPI_ENOTFOUND when there is no such application or
 * @p actor is not its candidate (a recruiter, even the offer's, and any
 * other candidate get the same answer as for an application that does not
 * exist); OFFERAPI_EINVAL for a bad page or cursor.
 */
OFFERAPI_EXTERN int offerapi_access_views(offerapi_store *store, const offerapi_user *actor,
                                          offerapi_id application_id, const offerapi_page *page,
                                          offerapi_access_list **out);

/** Version of offerapi_access_query. */
#define OFFERAPI_ACCESS_QUERY_VERSION 1
/** Records offerapi_access_search() returns when the limit is 0, and the
 *  most it may ask for. */
#define OFFERAPI_ACCESS_SEARCH_DEFAULT 1000
#define OFFERAPI_ACCESS_SEARCH_MAX 100000

/** The operator's search: every field set narrows it (0: any). */
typedef struct offerapi_access_query {
	unsigned int version; /**< OFFERAPI_ACCESS_QUERY_VERSION */
	offerapi_id user_id; /**< the viewer's account */
	offerapi_id application_id;
	int64_t since; /**< records at or after this Unix time */
	int64_t until; /**< records before this Unix time */
	size_t limit; /**< 0: OFFERAPI_ACCESS_SEARCH_DEFAULT; at most
	                   OFFERAPI_ACCESS_SEARCH_MAX */
} offerapi_access_query;

/** Initialiser: every record, OFFERAPI_ACCESS_SEARCH_DEFAULT at most. */
#define OFFERAPI_ACCESS_QUERY_INIT                                                                 \
	{                                                                                          \
		OFFERAPI_ACCESS_QUERY_VERSION, 0, 0, 0, 0, 0                                       \
	}

/**
 * The operator's search (offerapi-admin access-log): the records that
 * match @p q, newest first, with the viewer's login and display name and
 * the address; list->truncated says more matched than q->limit. No actor:
 * the caller is the operator, who holds the store's URL.
 *
 * @return 0; OFFERAPI_EINVAL for a NULL or unknown-version query, a
 * negative time, since after until, or a limit over the maximum.
 */
OFFERAPI_EXTERN int offerapi_access_search(offerapi_store *store, const offerapi_access_query *q,
                                           offerapi_access_list **out);

/**
 * The retention purge: delete the records older than @p days days (by the
 * library's clock). *@p deleted (may be NULL): how many. @p days 0 is
 * OFFERAPI_EINVAL (to keep nothing, do not record: the server has no such
 * setting). One DELETE over an index of the dates.
 */
OFFERAPI_EXTERN int offerapi_access_purge(offerapi_store *store, unsigned int days,
                                          int64_t *deleted);

#ifdef __cplusplus
}
#endif
#endif
