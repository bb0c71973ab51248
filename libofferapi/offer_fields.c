/*
 * offer_fields.c - the richer fields of an offer (issue 14): their names,
 * checks and columns (offer_fields.h), and closing offers past their
 * deadline.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "offer_fields.h"
#include "store_internal.h"
#include "webhooks_internal.h"
#include "offerapi/webhook.h"

/* Value 0 is "unset" in each table: never named, never parsed. */
static const char *const contract_names[] = { NULL,        "cdi",        "cdd",
	                                      "freelance", "internship", "apprenticeship" };
static const char *const remote_names[] = { NULL, "onsite", "hybrid", "remote" };
static const char *const period_names[] = { NULL, "year", "month", "day", "hour" };
#define COUNT(a) ((int)(sizeof(a) / sizeof *(a)))
/* The refusal of a value outside table @names for @field: @value, or a
 * number when NULL. */
#define NAME_ERROR(field, names, value) oa_name_error(field, names, COUNT(names), 1, value)

const char *offerapi_contract_name(offerapi_contract v)
{
	return oa_name_of(contract_names, COUNT(contract_names), 1, (int)v);
}

int offerapi_contract_parse(const char *name, offerapi_contract *out)
{
	int i;
	int rc = oa_name_parse("contract", contract_names, COUNT(contract_names), 1, name, &i);
	if (rc == 0)
		*out = (offerapi_contract)i;
	return rc;
}

const char *offerapi_remote_name(offerapi_remote v)
{
	return oa_name_of(remote_names, COUNT(remote_names), 1, (int)v);
}

int offerapi_remote_parse(const char *name, offerapi_remote *out)
{
	int i;
	int rc = oa_name_parse("remote", remote_names, COUNT(remote_names), 1, name, &i);
	if (rc == 0)
		*out = (offerapi_remote)i;
	return rc;
}

const char *offerapi_salary_period_name(offerapi_salary_period v)
{
	return oa_name_of(period_names, COUNT(period_names), 1, (int)v);
}

int offerapi_salary_period_parse(const char *name, offerapi_salary_period *out)
{
	int i;
	int rc = oa_name_parse("salary_period", period_names, COUNT(period_names), 1, name, &i);
	if (rc == 0)
		*out = (offerapi_salary_period)i;
	return rc;
}

int64_t offerapi_salary_yearly(int64_t amount, offerapi_salary_period period)
{
	static const int64_t factor[] = { 0, 1, 12, 218, 1607 };
	return period > 0 && (int)period < COUNT(factor) ? amount * factor[period] : 0;
}

/* Days from 1970-01-01 to @y-@m-@d (proleptic Gregorian calendar). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static bool leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* "YYYY-MM-DD", exactly, a real day from 1970 to 9999: the end of it. */
static bool parse_day(const char *s, size_t n, int64_t *out)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return false;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return false;
	int y = atoi(s), m = (s[5] - '0') * 10 + s[6] - '0', d = (s[8] - '0') * 10 + s[9] - '0';
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y) ? 1 : 0))
		return false;
	*out = days_from_civil(y, m, d) * 86400 + 86399;
	return true;
}

int offerapi_deadline_parse(const char *text, int64_t *out)
{
	const char *s = text ? text : "";
	while (*s == ' ')
		s++;
	size_t n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	if (parse_day(s, n, out))
		return 0;
	int64_t v = 0;
	size_t i = 0;
	for (; i < n && i < 13 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	if (n && i == n && v >= 1 && v <= OFFERAPI_DEADLINE_MAX) {
		*out = v;
		return 0;
	}
	return oa_error(OFFERAPI_EINVAL,
	                "deadline: must be a day (YYYY-MM-DD, up to 9999-12-31) or Unix seconds");
}

/* The salary of @f into @r: bounds, currency (in capitals), period. */
static int clean_salary(const offerapi_offer_fields *f, rich_fields *r)
{
	const char *cur = f->salary_currency ? f->salary_currency : "";
	bool any = f->salary_min || f->salary_max;
	if (f->salary_min < 0 || f->salary_min > OFFERAPI_SALARY_MAX)
		return oa_error(OFFERAPI_EINVAL, "salary_min: must be 0 (none) to %d",
		                OFFERAPI_SALARY_MAX);
	if (f->salary_max < 0 || f->salary_max > OFFERAPI_SALARY_MAX)
		return oa_error(OFFERAPI_EINVAL, "salary_max: must be 0 (none) to %d",
		                OFFERAPI_SALARY_MAX);
	if (f->salary_min && f->salary_max && f->salary_min > f->salary_max)
		return oa_error(OFFERAPI_EINVAL, "salary_max: must not be below salary_min");
	if (f->salary_period != OFFERAPI_PERIOD_UNSET &&
	    !offerapi_salary_period_name(f->salary_period))
		return NAME_ERROR("salary_period", period_names, NULL);
	if (!any && (*cur || f->salary_period))
		return oa_error(OFFERAPI_EINVAL,
		                "salary_min: a currency or period is given without an amount");
	if (!any)
		return 0;
	if (strlen(cur) != 3)
		return oa_error(OFFERAPI_EINVAL, "salary_currency: must be an ISO 4217 code,"
		                                 " three letters (EUR)");
	for (int i = 0; i < 3; i++) {
		char ch = cur[i];
		if (ch >= 'a' && ch <= 'z')
			ch = (char)(ch - 'a' + 'A');
		if (ch < 'A' || ch > 'Z')
			return oa_error(OFFERAPI_EINVAL, "salary_currency: must be an ISO 4217"
			                                 " code, three letters (EUR)");
		r->currency[i] = ch;
	}
	if (!f->salary_period)
		return oa_error(OFFERAPI_EINVAL, "salary_period: required with a salary");
	r->salary_min = f->salary_min;
	r->salary_max = f->salary_max;
	r->period = offerapi_salary_period_name(f->salary_period);
	r->salary_year = offerapi_salary_yearly(f->salary_max ? f->salary_max : f->salary_min,
	                                        f->salary_period);
	return 0;
}

int rich_clean(const offerapi_offer_fields *f, int64_t now, rich_fields *r)
{
	memset(r, 0, sizeof *r);
	if (f->version < 3)
		return 0;
	r->set = true;
	int rc = oa_check_text("company", f->company, 0, OFFERAPI_COMPANY_MAX, false, true);
	if (rc < 0)
		return rc;
	if (f->contract != OFFERAPI_CONTRACT_UNSET && !offerapi_contract_name(f->contract))
		return NAME_ERROR("contract", contract_names, NULL);
	if (f->remote != OFFERAPI_REMOTE_UNSET && !offerapi_remote_name(f->remote))
		return NAME_ERROR("remote", remote_names, NULL);
	if (f->deadline < 0 || f->deadline > OFFERAPI_DEADLINE_MAX)
		return oa_error(OFFERAPI_EINVAL, "deadline: must be 0 (none) or Unix seconds up to"
		                                 " 9999-12-31");
	if (f->deadline && now && f->deadline <= now)
		return oa_error(OFFERAPI_EINVAL, "deadline: already passed");
	if ((rc = clean_salary(f, r)) < 0)
		return rc;
	r->contract = offerapi_contract_name(f->contract);
	r->remote = offerapi_remote_name(f->remote);
	r->deadline = f->deadline;
	if (f->company) {
		const char *s = f->company;
		while (*s == ' ' || *s == '\t')
			s++;
		size_t n = strlen(s);
		while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
			n--;
		if (n && !(r->company = oa_strndup(s, n)))
			return OFFERAPI_ENOMEM;
	}
	return 0;
}

void rich_free(rich_fields *r)
{
	free(r->company);
	r->company = NULL;
}

static db_param text_or_null(const char *s)
{
	return s && *s ? P_TEXT(s) : P_NULL();
}

static db_param int_or_null(int64_t v)
{
	return v ? P_INT(v) : P_NULL();
}

db_param rich_param(const rich_fields *r, int i)
{
	switch (i) {
	case 0: return text_or_null(r->company);
	case 1: return text_or_null(r->contract);
	case 2: return text_or_null(r->remote);
	case 3: return int_or_null(r->salary_min);
	case 4: return int_or_null(r->salary_max);
	case 5: return text_or_null(r->currency);
	case 6: return text_or_null(r->period);
	case 7: return int_or_null(r->deadline);
	default: return int_or_null(r->salary_year);
	}
}

void rich_read(const db_result *r, int row, int c, offerapi_offer *o)
{
	/* a NULL reads as unset; the CHECKs allow no other value */
	int v = oa_index_of(contract_names, COUNT(contract_names), 1, db_text(r, row, c + 1));
	o->contract = v > 0 ? (offerapi_contract)v : OFFERAPI_CONTRACT_UNSET;
	v = oa_index_of(remote_names, COUNT(remote_names), 1, db_text(r, row, c + 2));
	o->remote = v > 0 ? (offerapi_remote)v : OFFERAPI_REMOTE_UNSET;
	o->salary_min = db_int(r, row, c + 3);
	o->salary_max = db_int(r, row, c + 4);
	const char *cur = db_text(r, row, c + 5);
	/* a bounded copy, not snprintf: 50 to 100 times a home page */
	size_t n = cur ? strnlen(cur, sizeof o->salary_currency - 1) : 0;
	if (n)
		memcpy(o->salary_currency, cur, n);
	o->salary_currency[n] = '\0';
	v = oa_index_of(period_names, COUNT(period_names), 1, db_text(r, row, c + 6));
	o->salary_period = v > 0 ? (offerapi_salary_period)v : OFFERAPI_PERIOD_UNSET;
	o->deadline = db_int(r, row, c + 7);
}

int offerapi_offer_close_expired(offerapi_store *s, int64_t now, int64_t *n)
{
	if (n)
		*n = 0;
	db_conn *c;
	db_result *res = NULL;
	int rc = store_begin_exec(
		s, &c,
		"UPDATE offers SET is_open = 0, updated_at = $1, version = version + 1"
		" WHERE is_open = 1 AND deadline IS NOT NULL AND deadline < $1"
		" AND archived_at IS NULL RETURNING id",
		(db_param[]){ P_INT(now) }, 1, &res);
	for (int i = 0; rc == 0 && i < res->nrows; i++)
		rc = webhook_event_tx(c, OFFERAPI_EVENT_OFFER_CLOSED, db_int(res, i, 0), 0, NULL,
		                      NULL);
	rc = store_end(s, c, rc);
	if (rc == 0 && res->nrows > 0)
		store_jobs_signal(s);
	if (rc == 0 && n)
		*n = res->nrows;
	db_result_free(res);
	return rc;
}
