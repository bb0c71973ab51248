/*
 * offerapi/page.h - lists read page by page, by key (keyset pagination).
 *
 * Every list of the library reads one page at a time: the open offers
 * (home and search), a recruiter's offers, an offer's applications ranked
 * by a scorer, a candidate's applications. A page is asked for with an
 * offerapi_page: a cursor (none for the first page) and a limit. The list
 * that comes back holds the cursors of the pages after and before it.
 *
 * A page costs the same wherever it lies in the list: the database seeks
 * to the cursor's key in an index and reads the page's rows, instead of
 * skipping rows as OFFSET does (the last of 200 pages of offers read all
 * 10 000 before). Rows inserted or removed between two calls never make a
 * row appear twice or vanish: a cursor remembers the key of the row it
 * follows, not a position.
 *
 * Cursors are strings of at most OFFERAPI_CURSOR_MAX - 1 bytes of
 * [A-Za-z0-9.-], safe in a URL without escaping. Treat them as opaque; for
 * the record, version 1 reads
 *
 *     KIND "1." DIR "." POS "." SCOPE "." KEY
 *
 *   KIND   "o" offers, "m" a candidate's applications, "r" an offer's
 *          ranked applications, "u" the operator's list of accounts,
 *          "t" an account's personal access tokens, "w" its webhook
 *          endpoints, "d" an endpoint's deliveries, "e" a user's
 *          sessions (and others of the library's lists)
 *   DIR    "n": the rows after KEY (the next page); "p": the rows before
 *          KEY (the previous page)
 *   POS    the position in the list of the first row after KEY ("n") or
 *          of KEY's row ("p"), counted from 0, or "x" when unknown: only
 *          used to number rows (offerapi_offer_list.offset)
 *   SCOPE  8 hex digits: a hash of what the list is (the filters of a
 *          search, the candidate, the offer and its ranking scorer); a
 *          cursor given to another list is refused
 *   KEY    the sort key of the row the cursor follows, decimal integers
 *          separated by "." (offers: publication time and id; a
 *          candidate's applications: date and id), and for ranked
 *          applications "s." SCORE "." DATE "." ID (scored, SCORE as the
 *          16 hex digits of the IEEE 754 double) or "u." DATE "." ID
 *          (unscored)
 *
 * A cursor is data, never SQL: every field is parsed to a number and bound
 * as a parameter. A cursor that does not parse, is too long, or belongs to
 * another list is OFFERAPI_EINVAL, whose message names the part at fault.
 * A forged cursor that parses can only move where a page starts in a list
 * the caller may read anyway.
 */
#ifndef OFFERAPI_PAGE_H
#define OFFERAPI_PAGE_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Version of offerapi_page. */
#define OFFERAPI_PAGE_VERSION 1

/** Rows per page when the limit is 0, and the most a page may ask for. */
#define OFFERAPI_PAGE_DEFAULT 50
#define OFFERAPI_PAGE_MAX 500

/** Size of a buffer that holds any cursor and its NUL. */
#define OFFERAPI_CURSOR_MAX 128

/** Flags of offerapi_page. */
#define OFFERAPI_PAGE_TOTAL                                                                        \
	1u /**< also count the rows of the whole list (list.total): one more
	        index scan, over every row of the list (for a search by words,
	        every open offer) */
#define OFFERAPI_PAGE_LAST                                                                         \
	2u /**< without a cursor: the last page instead of the first (its
	        offset is known with OFFERAPI_PAGE_TOTAL only) */

/** Which page to read. */
typedef struct offerapi_page {
	unsigned int version; /**< OFFERAPI_PAGE_VERSION */
	const char *cursor; /**< NULL or "": the first page (or the last); else
				       a next or prev cursor of a page of the
				       same list */
	size_t limit; /**< rows per page: 0 for OFFERAPI_PAGE_DEFAULT, at most
				       OFFERAPI_PAGE_MAX (above: OFFERAPI_EINVAL) */
	unsigned int flags; /**< OFFERAPI_PAGE_TOTAL, OFFERAPI_PAGE_LAST */
} offerapi_page;

/** Initialiser: the first page of OFFERAPI_PAGE_DEFAULT rows. */
#define OFFERAPI_PAGE_INIT                                                                         \
	{                                                                                          \
		OFFERAPI_PAGE_VERSION, NULL, 0, 0                                                  \
	}

#ifdef __cplusplus
}
#endif
#endif
