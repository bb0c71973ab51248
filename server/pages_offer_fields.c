/*
 * pages_offer_fields.c - the richer fields of an offer on the pages (issue
 * 14): their facts on cards and the offer page ("CDI · Hybride · 45 000–
 * 55 000 € / an · Candidatures jusqu'au 8 déc. 2026"), their part of the
 * offer form with an error beside each field, and the home page's filters.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "pages.h"

static const char *const contracts[] = { "cdi", "cdd", "freelance", "internship",
	                                 "apprenticeship" };
static const char *const remotes[] = { "onsite", "hybrid", "remote" };
static const char *const periods[] = { "year", "month", "day", "hour" };
#define COUNT(a) (sizeof(a) / sizeof *(a))

/* @v with the page's digit groups: "45 000" (narrow no-break spaces) in
 * French, "45,000" in English. @n >= 32. */
static void amount_str(const req *r, char *dst, size_t n, int64_t v)
{
	char digits[24];
	int len = snprintf(digits, sizeof digits, "%lld", (long long)v);
	const char *sep = r->lang == LANG_EN ? "," : "\xe2\x80\xaf";
	size_t k = 0;
	for (int i = 0; i < len && k + 5 < n; i++) {
		if (i && (len - i) % 3 == 0)
			k += (size_t)snprintf(dst + k, n - k, "%s", sep);
		dst[k++] = digits[i];
	}
	dst[k] = '\0';
}

/* The salary of @o in the page's language: "45 000–55 000 € / an",
 * "€45,000–55,000 / year", "à partir de 500 CHF / jour". */
static void salary_str(req *r, char *dst, size_t n, const offerapi_offer *o)
{
	const char *cur = o->salary_currency;
	const char *sym = !strcmp(cur, "EUR")   ? "€"
	                  : !strcmp(cur, "USD") ? "$"
	                  : !strcmp(cur, "GBP") ? "£"
	                                        : NULL;
	char lo[48], hi[48], range[112], money[160], bound[200];
	amount_str(r, lo, sizeof lo, o->salary_min);
	amount_str(r, hi, sizeof hi, o->salary_max);
	if (o->salary_min && o->salary_max && o->salary_min != o->salary_max)
		snprintf(range, sizeof range, "%s–%s", lo, hi);
	else
		snprintf(range, sizeof range, "%s", o->salary_min ? lo : hi);
	if (r->lang == LANG_EN && sym)
		snprintf(money, sizeof money, "%s%s", sym, range);
	else if (r->lang == LANG_EN)
		snprintf(money, sizeof money, "%s\xc2\xa0%s", cur, range);
	else
		snprintf(money, sizeof money, "%s\xc2\xa0%s", range, sym ? sym : cur);
	if (o->salary_min && !o->salary_max)
		TF(r, bound, sizeof bound, "salary.from", money);
	else if (!o->salary_min && o->salary_max)
		TF(r, bound, sizeof bound, "salary.upto", money);
	else
		snprintf(bound, sizeof bound, "%s", money);
	char key[32];
	snprintf(key, sizeof key, "period.%s", offerapi_salary_period_name(o->salary_period));
	snprintf(dst, n, "%s / %s", bound, T(r, key));
}

void offer_facts(req *r, buf *b, const offerapi_offer *o)
{
	if (!o->company && !o->contract && !o->remote && !o->salary_min && !o->salary_max &&
	    !o->deadline)
		return;
	buf_puts(b, "<ul class=\"offer-facts\">");
	if (o->company) {
		buf_puts(b, "<li class=\"company\">");
		buf_esc(b, o->company);
		buf_puts(b, "</li>");
	}
	char key[40], text[400];
	if (offerapi_contract_name(o->contract)) {
		snprintf(key, sizeof key, "contract.%s", offerapi_contract_name(o->contract));
		buf_printf(b, "<li>%s</li>", T(r, key));
	}
	if (offerapi_remote_name(o->remote)) {
		snprintf(key, sizeof key, "remote.%s", offerapi_remote_name(o->remote));
		buf_printf(b, "<li>%s</li>", T(r, key));
	}
	if ((o->salary_min || o->salary_max) && offerapi_salary_period_name(o->salary_period)) {
		salary_str(r, text, sizeof text, o);
		buf_puts(b, "<li class=\"salary\">");
		buf_esc(b, text);
		buf_puts(b, "</li>");
	}
	if (o->deadline) {
		char d[DATE_STR_MAX]; /* HTML: <time> */
		date_str(r, d, sizeof d, o->deadline);
		bool passed = (int64_t)time(NULL) > o->deadline;
		buf_printf(b, "<li class=\"deadline\">%s</li>",
		           TF(r, text, sizeof text,
		              passed ? "offer.deadline_passed" : "offer.deadline", d));
	}
	buf_puts(b, "</ul>");
}

/* A list of @n @values (labels: i18n "@prefix.<value>"), @value chosen;
 * first an empty option labelled @empty_key unless NULL. */
static void select_field(req *r, buf *b, const char *name, const char *label, const char *prefix,
                         const char *const *values, size_t n, const char *value,
                         const char *empty_key, const field_errs *errs, const char *hint)
{
	const char *err = ferr_get(errs, name);
	field_open(b, "select", name, label, err, hint);
	buf_puts(b, ">");
	if (empty_key)
		buf_printf(b, "<option value=\"\">%s</option>", T(r, empty_key));
	for (size_t i = 0; i < n; i++) {
		char key[40];
		snprintf(key, sizeof key, "%s.%s", prefix, values[i]);
		buf_printf(b, "<option value=\"%s\"%s>%s</option>", values[i],
		           value && !strcmp(value, values[i]) ? " selected" : "", T(r, key));
	}
	buf_puts(b, "</select>");
	field_notes(b, name, err, NULL);
}

void rich_values_from_offer(const offerapi_offer *o, offer_rich_values *v)
{
	memset(v, 0, sizeof *v);
	v->currency = "EUR";
	v->period = "year";
	if (!o)
		return;
	v->company = o->company;
	v->contract = offerapi_contract_name(o->contract);
	v->remote = offerapi_remote_name(o->remote);
	if (o->salary_min)
		snprintf(v->smin, sizeof v->smin, "%lld", (long long)o->salary_min);
	if (o->salary_max)
		snprintf(v->smax, sizeof v->smax, "%lld", (long long)o->salary_max);
	v->salary_min = v->smin;
	v->salary_max = v->smax;
	if (o->salary_currency[0])
		v->currency = o->salary_currency;
	if (offerapi_salary_period_name(o->salary_period))
		v->period = offerapi_salary_period_name(o->salary_period);
	time_t t = (time_t)o->deadline;
	struct tm tm;
	if (o->deadline && gmtime_r(&t, &tm))
		snprintf(v->day, sizeof v->day, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		         tm.tm_mday);
	v->deadline = v->day;
}

void rich_values_from_form(const form *f, offer_rich_values *v)
{
	memset(v, 0, sizeof *v);
	v->company = form_get(f, "company");
	v->contract = form_get(f, "contract");
	v->remote = form_get(f, "remote");
	v->salary_min = form_get(f, "salary_min");
	v->salary_max = form_get(f, "salary_max");
	v->currency = form_get(f, "salary_currency");
	v->period = form_get(f, "salary_period");
	v->deadline = form_get(f, "deadline");
}

void rich_form_fields(req *r, buf *b, const offer_rich_values *v, const field_errs *errs)
{
	field_ex(b, "text", "company", T(r, "field.company"), v->company,
	         "maxlength=\"200\" autocomplete=\"organization\"", errs, NULL);
	select_field(r, b, "contract", T(r, "field.contract"), "contract", contracts,
	             COUNT(contracts), v->contract, "opt.unsaid", errs, NULL);
	select_field(r, b, "remote", T(r, "field.remote"), "remote", remotes, COUNT(remotes),
	             v->remote, "opt.unsaid", errs, NULL);
	buf_printf(b,
	           "<fieldset class=\"salary\" aria-describedby=\"h-salary\"><legend>%s</legend>",
	           T(r, "field.salary"));
	buf_printf(b, "<p class=\"hint\" id=\"h-salary\">%s</p>", T(r, "hint.salary"));
	const char *num = "min=\"1\" max=\"1000000000\" step=\"1\" inputmode=\"numeric\"";
	field_ex(b, "number", "salary_min", T(r, "field.salary_min"), v->salary_min, num, errs,
	         NULL);
	field_ex(b, "number", "salary_max", T(r, "field.salary_max"), v->salary_max, num, errs,
	         NULL);
	field_ex(b, "text", "salary_currency", T(r, "field.salary_currency"), v->currency,
	         "maxlength=\"3\" size=\"4\" pattern=\"[A-Za-z]{3}\" autocapitalize=\"characters\"",
	         errs, NULL);
	select_field(r, b, "salary_period", T(r, "field.salary_period"), "period", periods,
	             COUNT(periods), v->period, NULL, errs, NULL);
	buf_puts(b, "</fieldset>");
	field_ex(b, "date", "deadline", T(r, "field.deadline"), v->deadline,
	         "min=\"1970-01-01\" max=\"9999-12-31\"", errs, T(r, "hint.deadline"));
}

/* A salary amount typed in the form ("45000", "45 000"): 0 for none;
 * *@ok false when it is not a whole number from 1 to OFFERAPI_SALARY_MAX. */
static int64_t amount_parse(const char *s, bool *ok)
{
	int64_t v = 0;
	size_t digits = 0;
	*ok = true;
	for (; s && *s; s++) {
		if (*s == ' ')
			continue;
		if (*s < '0' || *s > '9' || ++digits > 10) {
			*ok = false;
			return 0;
		}
		v = v * 10 + (*s - '0');
	}
	if (digits && (v < 1 || v > OFFERAPI_SALARY_MAX))
		*ok = false;
	return *ok ? v : 0;
}

/* The salary of the form into @o; the currency and period only count with
 * an amount (the form always sends them). */
static void salary_from_form(req *r, const form *f, offerapi_offer_fields *o, field_errs *e)
{
	bool ok;
	o->salary_min = amount_parse(form_get(f, "salary_min"), &ok);
	if (!ok)
		ferr_add(r, e, "salary_min", "field.salary_min", "ferr.salary");
	o->salary_max = amount_parse(form_get(f, "salary_max"), &ok);
	if (!ok)
		ferr_add(r, e, "salary_max", "field.salary_max", "ferr.salary");
	if (o->salary_min && o->salary_max && o->salary_min > o->salary_max)
		ferr_add(r, e, "salary_max", "field.salary_max", "ferr.salary_order");
	if (!o->salary_min && !o->salary_max)
		return;
	const char *cur = form_get(f, "salary_currency");
	const char *letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
	if (!cur || strlen(cur) != 3 || strspn(cur, letters) != 3)
		ferr_add(r, e, "salary_currency", "field.salary_currency", "ferr.currency");
	o->salary_currency = cur;
	const char *period = form_get(f, "salary_period");
	if (offerapi_salary_period_parse(period, &o->salary_period) < 0)
		ferr_add(r, e, "salary_period", "field.salary_period", "ferr.choice");
}

void rich_from_form(req *r, const form *f, bool create, offerapi_offer_fields *o, field_errs *e)
{
	const char *company = form_get(f, "company");
	ferr_text(r, e, "company", "field.company", company, 0, OFFERAPI_COMPANY_MAX, false);
	o->company = company;
	const char *v = form_get(f, "contract");
	if (v && *v && offerapi_contract_parse(v, &o->contract) < 0)
		ferr_add(r, e, "contract", "field.contract", "ferr.choice");
	v = form_get(f, "remote");
	if (v && *v && offerapi_remote_parse(v, &o->remote) < 0)
		ferr_add(r, e, "remote", "field.remote", "ferr.choice");
	salary_from_form(r, f, o, e);
	v = form_get(f, "deadline");
	if (v && *v && offerapi_deadline_parse(v, &o->deadline) < 0)
		ferr_add(r, e, "deadline", "field.deadline", "ferr.date");
	else if (create && o->deadline && o->deadline <= (int64_t)time(NULL))
		ferr_add(r, e, "deadline", "field.deadline", "ferr.date_past");
}

void rich_filter_fields(req *r, buf *b, const char *contract, const char *remote, const char *floor)
{
	buf_puts(b, "<div>");
	select_field(r, b, "contract", T(r, "search.contract"), "contract", contracts,
	             COUNT(contracts), contract, "search.any", NULL, NULL);
	buf_puts(b, "</div><div>");
	select_field(r, b, "remote", T(r, "search.remote"), "remote", remotes, COUNT(remotes),
	             remote, "search.any", NULL, NULL);
	buf_puts(b, "</div><div>");
	field(b, "number", "salary_floor", T(r, "search.salary_floor"), floor,
	      "min=\"0\" max=\"1000000000\" step=\"1000\" inputmode=\"numeric\"");
	buf_puts(b, "</div>");
}

const char *rich_filter_parse(const char *contract, const char *remote, const char *floor,
                              offerapi_offer_query *q)
{
	bool ok = true;
	if (*contract && offerapi_contract_parse(contract, &q->contract) < 0)
		return "err.bad_filter";
	if (*remote && offerapi_remote_parse(remote, &q->remote) < 0)
		return "err.bad_filter";
	q->salary_floor = amount_parse(floor, &ok);
	return ok ? NULL : "err.bad_filter";
}
