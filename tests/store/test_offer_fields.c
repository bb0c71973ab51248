/*
 * test_offer_fields.c - the richer offer fields (issue 14): company,
 * contract, remote policy, salary range and deadline; written, read back
 * in single reads, lists and searches, checked with errors that name the
 * field, filtered on, and the deadline refusing applications and closing
 * offers (the library's clock moved by oa_test_clock_advance). argv[1]
 * names the backend.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "internal.h"
#include "pdfgen.h"
#include "testdb.h"

typedef testdb_fixture fixture;

static int teardown(void **state)
{
	oa_test_clock_advance(-oa_test_clock_advance(0)); /* back to the real clock */
	return testdb_teardown(state);
}

static offerapi_offer_fields base(const char *title)
{
	offerapi_offer_fields o = OFFERAPI_OFFER_FIELDS_INIT;
	o.title = title;
	o.description = "Un poste de développeur C embarqué.";
	o.location = "Lyon";
	return o;
}

static offerapi_offer_fields full(const char *title)
{
	offerapi_offer_fields o = base(title);
	o.company = "  Acme SA ";
	o.contract = OFFERAPI_CONTRACT_CDI;
	o.remote = OFFERAPI_REMOTE_HYBRID;
	o.salary_min = 45000;
	o.salary_max = 55000;
	o.salary_currency = "eur";
	o.salary_period = OFFERAPI_PERIOD_YEAR;
	o.deadline = oa_now() + 30 * 86400;
	return o;
}

static offerapi_id create(fixture *f, const offerapi_offer_fields *o)
{
	offerapi_id id = 0;
	assert_rc(offerapi_offer_create(f->s, f->rec, o, &id), 0);
	return id;
}

static void assert_full(const offerapi_offer *o, int64_t deadline)
{
	assert_non_null(o->company);
	assert_string_equal(o->company, "Acme SA");
	assert_int_equal(o->contract, OFFERAPI_CONTRACT_CDI);
	assert_int_equal(o->remote, OFFERAPI_REMOTE_HYBRID);
	assert_int_equal(o->salary_min, 45000);
	assert_int_equal(o->salary_max, 55000);
	assert_string_equal(o->salary_currency, "EUR");
	assert_int_equal(o->salary_period, OFFERAPI_PERIOD_YEAR);
	assert_int_equal(o->deadline, deadline);
}

static void assert_none(const offerapi_offer *o)
{
	assert_null(o->company);
	assert_int_equal(o->contract, OFFERAPI_CONTRACT_UNSET);
	assert_int_equal(o->remote, OFFERAPI_REMOTE_UNSET);
	assert_int_equal(o->salary_min, 0);
	assert_int_equal(o->salary_max, 0);
	assert_string_equal(o->salary_currency, "");
	assert_int_equal(o->salary_period, OFFERAPI_PERIOD_UNSET);
	assert_int_equal(o->deadline, 0);
}

/* Written, read back by a single read, a list page and a word search; an
 * older struct neither sets them nor, on update, erases them. */
static void test_write_read(void **state)
{
	fixture *f = *state;
	offerapi_offer_fields o = full("Développeur C");
	offerapi_id id = create(f, &o);
	offerapi_offer *got = NULL;
	assert_rc(offerapi_offer_get(f->s, id, &got), 0);
	assert_full(got, o.deadline);
	offerapi_offer_free(got);

	offerapi_offer_list *l = NULL;
	assert_rc(offerapi_offer_list_page(f->s, NULL, NULL, &l), 0);
	assert_int_equal(l->count, 1);
	assert_full(&l->items[0], o.deadline);
	offerapi_offer_list_free(l);
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.words = "developpeur";
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), 0);
	assert_int_equal(l->count, 1);
	assert_full(&l->items[0], o.deadline);
	offerapi_offer_list_free(l);

	/* the company is searched */
	q.words = "acme";
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), 0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->items[0].id, id);
	offerapi_offer_list_free(l);

	/* version 2: no rich fields on create, those stored kept on update */
	offerapi_offer_fields v2 = { .version = 2, .title = "Ancien", .description = "Texte." };
	offerapi_id old = create(f, &v2);
	assert_rc(offerapi_offer_get(f->s, old, &got), 0);
	assert_none(got);
	offerapi_offer_free(got);
	v2.title = "Développeur C senior";
	assert_rc(offerapi_offer_update(f->s, f->rec, id, &v2), 0);
	assert_rc(offerapi_offer_get(f->s, id, &got), 0);
	assert_string_equal(got->title, "Développeur C senior");
	assert_full(got, o.deadline);
	offerapi_offer_free(got);
	q.words = "acme"; /* the kept company still searched */
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), 0);
	assert_int_equal(l->count, 1);
	offerapi_offer_list_free(l);

	/* version 3: what the update says, zeros removing */
	offerapi_offer_fields v3 = base("Développeur C");
	v3.contract = OFFERAPI_CONTRACT_FREELANCE;
	v3.salary_min = 500;
	v3.salary_currency = "CHF";
	v3.salary_period = OFFERAPI_PERIOD_DAY;
	assert_rc(offerapi_offer_update(f->s, f->rec, id, &v3), 0);
	assert_rc(offerapi_offer_get(f->s, id, &got), 0);
	assert_null(got->company);
	assert_int_equal(got->contract, OFFERAPI_CONTRACT_FREELANCE);
	assert_int_equal(got->remote, OFFERAPI_REMOTE_UNSET);
	assert_int_equal(got->salary_min, 500);
	assert_int_equal(got->salary_max, 0);
	assert_string_equal(got->salary_currency, "CHF");
	assert_int_equal(got->salary_period, OFFERAPI_PERIOD_DAY);
	assert_int_equal(got->deadline, 0);
	offerapi_offer_free(got);
	v3 = base("Développeur C");
	assert_rc(offerapi_offer_update(f->s, f->rec, id, &v3), 0);
	assert_rc(offerapi_offer_get(f->s, id, &got), 0);
	assert_none(got);
	offerapi_offer_free(got);
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), 0); /* no company: not found */
	assert_int_equal(l->count, 0);
	offerapi_offer_list_free(l);
}

/* @o refused with EINVAL, the message starting with @field. */
static void refused(fixture *f, const offerapi_offer_fields *o, const char *field)
{
	offerapi_id id = 0;
	assert_rc(offerapi_offer_create(f->s, f->rec, o, &id), OFFERAPI_EINVAL);
	const char *msg = offerapi_error_last()->message;
	if (strncmp(msg, field, strlen(field)) != 0)
		fail_msg("\"%s\" does not name %s", msg, field);
}

static void test_validation(void **state)
{
	fixture *f = *state;
	offerapi_offer_fields o = full("x");
	char big[OFFERAPI_COMPANY_MAX + 2];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	o.company = big;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, NULL), OFFERAPI_ETOOBIG);
	o.company = "Acme\nSA";
	refused(f, &o, "company");
	o = full("x");
	o.contract = (offerapi_contract)9;
	refused(f, &o, "contract: ");
	o = full("x");
	o.remote = (offerapi_remote)4;
	refused(f, &o, "remote: ");
	o = full("x");
	o.salary_min = 60000;
	refused(f, &o, "salary_max: ");
	o = full("x");
	o.salary_max = OFFERAPI_SALARY_MAX + 1;
	refused(f, &o, "salary_max: ");
	o = full("x");
	o.salary_min = -1;
	refused(f, &o, "salary_min: ");
	o = full("x");
	o.salary_currency = "EU";
	refused(f, &o, "salary_currency: ");
	o.salary_currency = "E1R";
	refused(f, &o, "salary_currency: ");
	o.salary_currency = NULL;
	refused(f, &o, "salary_currency: ");
	o = full("x");
	o.salary_period = OFFERAPI_PERIOD_UNSET;
	refused(f, &o, "salary_period: ");
	o.salary_period = (offerapi_salary_period)7;
	refused(f, &o, "salary_period: ");
	o = full("x");
	o.salary_min = o.salary_max = 0; /* a currency without an amount */
	refused(f, &o, "salary_min: ");
	o = full("x");
	o.deadline = oa_now() - 1;
	refused(f, &o, "deadline: already");
	o.deadline = OFFERAPI_DEADLINE_MAX + 1;
	refused(f, &o, "deadline: ");
	/* a single bound is an amount */
	o = full("x");
	o.salary_min = 0;
	create(f, &o);

	offerapi_contract c;
	assert_rc(offerapi_contract_parse("apprenticeship", &c), 0);
	assert_int_equal(c, OFFERAPI_CONTRACT_APPRENTICESHIP);
	assert_rc(offerapi_contract_parse("CDI", &c), OFFERAPI_EINVAL);
	assert_rc(offerapi_contract_parse(NULL, &c), OFFERAPI_EINVAL);
	assert_string_equal(offerapi_remote_name(OFFERAPI_REMOTE_FULL), "remote");
	assert_null(offerapi_remote_name(OFFERAPI_REMOTE_UNSET));
	assert_string_equal(offerapi_salary_period_name(OFFERAPI_PERIOD_HOUR), "hour");
	assert_int_equal(offerapi_salary_yearly(4000, OFFERAPI_PERIOD_MONTH), 48000);

	int64_t d = 0;
	assert_rc(offerapi_deadline_parse("2026-12-08", &d), 0);
	assert_int_equal(d, INT64_C(1796774399)); /* 2026-12-08T23:59:59Z */
	assert_rc(offerapi_deadline_parse(" 1796774399 ", &d), 0);
	assert_int_equal(d, INT64_C(1796774399));
	assert_rc(offerapi_deadline_parse("2028-02-29", &d), 0);
	const char *bad[] = { "",          "2026-02-29", "2026-13-01",
		              "2026-12-8", "1969-12-31", "12/08/2026",
		              "-5",        "0",          "99999999999999",
		              "1e9" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_rc(offerapi_deadline_parse(bad[i], &d), OFFERAPI_EINVAL);
		assert_memory_equal(offerapi_error_last()->message, "deadline: ", 10);
	}
}

/* The ids of the list of @q checked against @want ended by 0: in order,
 * newest first; in any order for a word search (ranked by the engine). */
static void expect(fixture *f, offerapi_offer_query *q, const offerapi_id *want)
{
	offerapi_offer_list *l = NULL;
	assert_rc(offerapi_offer_list_page(f->s, q, NULL, &l), 0);
	size_t n = 0;
	while (want[n])
		n++;
	if (l->count != n)
		fail_msg("%zu offers listed, %zu expected", l->count, n);
	for (size_t i = 0; i < n; i++) {
		bool found = l->items[i].id == want[i];
		for (size_t j = 0; q->words && !found && j < n; j++)
			found = l->items[i].id == want[j];
		if (!found)
			fail_msg("offer %lld listed at %zu, not expected there",
			         (long long)l->items[i].id, i);
	}
	offerapi_offer_list_free(l);
}

static void test_filters(void **state)
{
	fixture *f = *state;
	offerapi_offer_fields o = full("Développeur C"); /* CDI hybrid 55k EUR/year */
	offerapi_id cdi = create(f, &o);
	o = base("Développeur freelance");
	o.contract = OFFERAPI_CONTRACT_FREELANCE;
	o.remote = OFFERAPI_REMOTE_FULL;
	o.salary_min = 400; /* 400 x 218 = 87 200 a year */
	o.salary_currency = "EUR";
	o.salary_period = OFFERAPI_PERIOD_DAY;
	offerapi_id free_ = create(f, &o);
	o = base("Stage développeur");
	o.contract = OFFERAPI_CONTRACT_INTERNSHIP;
	o.remote = OFFERAPI_REMOTE_ONSITE;
	o.salary_min = o.salary_max = 1200; /* 14 400 a year */
	o.salary_currency = "EUR";
	o.salary_period = OFFERAPI_PERIOD_MONTH;
	offerapi_id stage = create(f, &o);
	o = base("Développeur à Genève");
	o.contract = OFFERAPI_CONTRACT_CDI;
	o.salary_min = 90000;
	o.salary_currency = "CHF";
	o.salary_period = OFFERAPI_PERIOD_YEAR;
	offerapi_id chf = create(f, &o);
	o = base("Développeur sans détails");
	offerapi_id bare = create(f, &o);

	for (int words = 0; words < 2; words++) {
		offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
		q.words = words ? "developpeur" : NULL;
		if (!words)
			expect(f, &q, (offerapi_id[]){ bare, chf, stage, free_, cdi, 0 });
		q.contract = OFFERAPI_CONTRACT_CDI;
		expect(f, &q, (offerapi_id[]){ chf, cdi, 0 });
		q.remote = OFFERAPI_REMOTE_HYBRID;
		expect(f, &q, (offerapi_id[]){ cdi, 0 });
		q.contract = OFFERAPI_CONTRACT_UNSET;
		q.remote = OFFERAPI_REMOTE_ONSITE;
		expect(f, &q, (offerapi_id[]){ stage, 0 });
		q.remote = OFFERAPI_REMOTE_UNSET;
		q.salary_floor = 50000; /* EUR by default, yearly amounts */
		expect(f, &q, (offerapi_id[]){ free_, cdi, 0 });
		q.salary_floor = 60000;
		expect(f, &q, (offerapi_id[]){ free_, 0 });
		q.salary_floor = 10000;
		expect(f, &q, (offerapi_id[]){ stage, free_, cdi, 0 });
		q.salary_currency = "chf";
		expect(f, &q, (offerapi_id[]){ chf, 0 });
		q.contract = OFFERAPI_CONTRACT_FREELANCE;
		expect(f, &q, (offerapi_id[]){ 0 });
	}
	/* a version 2 query has no such fields: everything */
	offerapi_offer_query v2 = { .version = 2 };
	expect(f, &v2, (offerapi_id[]){ bare, chf, stage, free_, cdi, 0 });

	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	offerapi_offer_list *l = NULL;
	q.contract = (offerapi_contract)8;
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), OFFERAPI_EINVAL);
	q.contract = OFFERAPI_CONTRACT_UNSET;
	q.remote = (offerapi_remote)8;
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), OFFERAPI_EINVAL);
	q.remote = OFFERAPI_REMOTE_UNSET;
	q.salary_floor = -1;
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), OFFERAPI_EINVAL);
	q.salary_floor = 1;
	q.salary_currency = "EURO";
	assert_rc(offerapi_offer_search(f->s, &q, &l), OFFERAPI_EINVAL);
	assert_null(l);
	/* the legacy search filters too */
	q.salary_currency = NULL;
	q.contract = OFFERAPI_CONTRACT_INTERNSHIP;
	assert_rc(offerapi_offer_search(f->s, &q, &l), 0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->items[0].id, stage);
	offerapi_offer_list_free(l);
}

static int apply(fixture *f, const offerapi_user *cand, offerapi_id offer)
{
	const char *lines[] = { "Curriculum vitae", "C et Linux" };
	size_t len;
	char *pdf = pdfgen_text(lines, 2, 1, &len);
	offerapi_application_input in = { .version = OFFERAPI_APPLICATION_INPUT_VERSION,
		                          .filename = "cv.pdf",
		                          .pdf = pdf,
		                          .pdf_len = len };
	offerapi_id id;
	int rc = offerapi_application_submit(f->s, cand, offer, &in, &id);
	free(pdf);
	return rc;
}

/* Whether offer @id is in the recruiter's own list (closed ones too), and
 * listed open. */
static bool mine_lists_open(fixture *f, offerapi_id id)
{
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.recruiter_id = f->rec->id;
	q.include_closed = 1;
	offerapi_offer_list *l = NULL;
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), 0);
	int open = -1;
	for (size_t i = 0; i < l->count; i++)
		if (l->items[i].id == id)
			open = l->items[i].is_open;
	offerapi_offer_list_free(l);
	if (open < 0)
		fail_msg("offer %lld is not in its recruiter's list", (long long)id);
	return open;
}

/* The ids the legacy search by offset lists for @words, in *@got (@max). */
static size_t search_ids(fixture *f, const char *words, offerapi_id *got, size_t max)
{
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.words = words;
	offerapi_offer_list *l = NULL;
	assert_rc(offerapi_offer_search(f->s, &q, &l), 0);
	size_t n = l->count < max ? l->count : max;
	for (size_t i = 0; i < n; i++)
		got[i] = l->items[i].id;
	offerapi_offer_list_free(l);
	return n;
}

/* After its deadline an offer takes no application, leaves the lists of
 * open offers at once (searches too, though their rankings are kept), and
 * offerapi_offer_close_expired() closes it, once. */
static void test_deadline(void **state)
{
	fixture *f = *state;
	offerapi_offer_fields o = base("Soon");
	o.version = OFFERAPI_OFFER_FIELDS_VERSION;
	o.deadline = oa_now() + 3600;
	offerapi_id soon = create(f, &o);
	o.title = "Later";
	o.deadline = oa_now() + 10 * 86400;
	offerapi_id later = create(f, &o);
	o = base("Never");
	offerapi_id never = create(f, &o);
	assert_rc(apply(f, f->cand, soon), 0);
	int64_t n = -1;
	assert_rc(offerapi_offer_close_expired(f->s, oa_now(), &n), 0);
	assert_int_equal(n, 0);
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	offerapi_offer_query words = OFFERAPI_OFFER_QUERY_INIT;
	words.words = "developpeur";
	expect(f, &q, (offerapi_id[]){ never, later, soon, 0 });
	expect(f, &words, (offerapi_id[]){ never, later, soon, 0 }); /* ranked, kept */
	assert_true(mine_lists_open(f, soon));
	offerapi_id ids[4];
	assert_int_equal(search_ids(f, "developpeur", ids, 4), 3);

	oa_test_clock_advance(2 * 3600 * 1000); /* past the first deadline */
	/* no write since: the same generation, and no longer listed */
	expect(f, &q, (offerapi_id[]){ never, later, 0 });
	expect(f, &words, (offerapi_id[]){ never, later, 0 });
	assert_int_equal(search_ids(f, "developpeur", ids, 4), 2);
	assert_true(ids[0] != soon && ids[1] != soon);
	assert_false(mine_lists_open(f, soon)); /* listed closed to its recruiter */
	assert_true(mine_lists_open(f, later));
	assert_rc(apply(f, f->cand2, soon), OFFERAPI_ECLOSED);
	if (!strstr(offerapi_error_last()->message, "deadline"))
		fail_msg("\"%s\" does not say the deadline", offerapi_error_last()->message);
	assert_rc(apply(f, f->cand2, later), 0);
	offerapi_offer *got = NULL;
	assert_rc(offerapi_offer_get(f->s, soon, &got), 0);
	assert_true(got->is_open); /* until the housekeeping */
	int64_t version = got->version;
	offerapi_offer_free(got);
	assert_rc(offerapi_offer_close_expired(f->s, oa_now(), &n), 0);
	assert_int_equal(n, 1);
	assert_rc(offerapi_offer_get(f->s, soon, &got), 0);
	assert_false(got->is_open);
	assert_int_equal(got->version, version + 1);
	offerapi_offer_free(got);
	assert_rc(offerapi_offer_close_expired(f->s, oa_now(), NULL), 0);
	assert_rc(offerapi_offer_close_expired(f->s, oa_now(), &n), 0);
	assert_int_equal(n, 0);
	expect(f, &q, (offerapi_id[]){ never, later, 0 });

	/* not reopened past its deadline; reopened with a later one */
	assert_rc(offerapi_offer_set_open(f->s, f->rec, soon, 1), OFFERAPI_ECLOSED);
	if (!strstr(offerapi_error_last()->message, "deadline"))
		fail_msg("\"%s\" does not say the deadline", offerapi_error_last()->message);
	o = base("Soon");
	o.deadline = oa_now() + 86400;
	assert_rc(offerapi_offer_update(f->s, f->rec, soon, &o), 0);
	assert_rc(offerapi_offer_set_open(f->s, f->rec, soon, 1), 0);
	assert_rc(offerapi_offer_set_open(f->s, f->rec, soon, 0), 0);

	/* an update may keep a passed deadline (the offer stays closed) */
	o = base("Soon");
	o.deadline = oa_now() - 3600;
	assert_rc(offerapi_offer_update(f->s, f->rec, soon, &o), 0);
	oa_test_clock_advance(20 * 86400LL * 1000);
	assert_rc(offerapi_offer_close_expired(f->s, oa_now(), &n), 0);
	assert_int_equal(n, 1);
	expect(f, &q, (offerapi_id[]){ never, 0 });
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_read, testdb_setup_people, teardown),
		cmocka_unit_test_setup_teardown(test_validation, testdb_setup_people, teardown),
		cmocka_unit_test_setup_teardown(test_filters, testdb_setup_people, teardown),
		cmocka_unit_test_setup_teardown(test_deadline, testdb_setup_people, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
