/*
 * offer_fields.h - the richer fields of an offer (issue 14): company,
 * contract, remote policy, salary range, deadline. Checked here for
 * offers.c, read back from RICH_COLUMNS.
 */
#ifndef OFFERAPI_OFFER_FIELDS_H
#define OFFERAPI_OFFER_FIELDS_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "offerapi/offer.h"

/* The eight columns rich_read() reads, in this order (each NULL when not
 * said), after a comma-separated list. */
#define RICH_COLUMNS                                                                               \
	" o.company, o.contract, o.remote, o.salary_min, o.salary_max, o.salary_currency,"         \
	" o.salary_period, o.deadline,"
#define RICH_NCOLUMNS 8

/* The fields checked, as the columns' values. */
typedef struct rich_fields {
	bool set; /* a version 3 struct: write them all (else keep them) */
	char *company; /* trimmed; NULL for none */
	const char *contract, *remote, *period; /* names (static), NULL for none */
	int64_t salary_min, salary_max, salary_year, deadline; /* 0 for none */
	char currency[4]; /* "" for none */
} rich_fields;

/* Check the version 3 fields of @f (none for an older struct); @now is
 * the time a created offer's deadline must be after (0: an update, any).
 * Errors name the field (EINVAL "contract: ..."). */
int rich_clean(const offerapi_offer_fields *f, int64_t now, rich_fields *out);
void rich_free(rich_fields *r);

/* The parameter of column @i (0..RICH_NCOLUMNS, the eighth being
 * salary_year, which lists do not read) for @r. */
db_param rich_param(const rich_fields *r, int i);

/* Fill @o's rich fields but the company (a string: offer_from_row copies
 * it with the others) from the RICH_COLUMNS of @r's @row from column @c. */
void rich_read(const db_result *r, int row, int c, offerapi_offer *o);

#endif
