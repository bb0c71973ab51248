/*
 * test_retention.c - the retention purge (offerapi/retention.h) on a real
 * store whose data have known ages: the library's clock is moved with
 * oa_test_clock_advance, and each purge must remove exactly what the
 * policy says and keep the rest; the warning mail goes once, before the
 * purge, only to a verified address. Also the pool consent stored on
 * applying and its withdrawal. argv[1] names the backend.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "internal.h"
#include "pdfgen.h"
#include "store_internal.h"
#include "testdb.h"

#define DAY_MS (86400LL * 1000)

typedef struct fixture {
	testdb db;
	offerapi_store *s;
	offerapi_user *rec;
	offerapi_id offer;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->s = testdb_open_new(&f->db);
	f->rec = testdb_user(f->s, "recruteuse", OFFERAPI_ROLE_RECRUITER);
	offerapi_offer_fields of = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
		                     .title = "Offre",
		                     .description = "C." };
	assert_rc(offerapi_offer_create(f->s, f->rec, &of, &f->offer), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	oa_test_clock_advance(-oa_test_clock_advance(0)); /* back to the real clock */
	offerapi_user_free(f->rec);
	testdb_close(&f->db, f->s);
	free(f);
	return 0;
}

static offerapi_id apply(fixture *f, const offerapi_user *cand, int consent)
{
	const char *lines[] = { "Curriculum vitae", "Pilotes et protocoles en C" };
	size_t len;
	char *pdf = pdfgen_text(lines, 2, 1, &len);
	offerapi_application_input in = { .version = OFFERAPI_APPLICATION_INPUT_VERSION,
		                          .filename = "cv.pdf",
		                          .pdf = pdf,
		                          .pdf_len = len,
		                          .pool_consent = consent,
		                          .notice_version = "abc123" };
	offerapi_id id;
	assert_rc(offerapi_application_submit(f->s, cand, f->offer, &in, &id), 0);
	free(pdf);
	return id;
}

/* A single number from @sql with at most one integer parameter. */
static int64_t num(fixture *f, const char *sql, int64_t arg)
{
	db_result *r = NULL;
	assert_rc(store_exec(f->s, sql, (db_param[]){ P_INT(arg) }, strstr(sql, "$1") ? 1 : 0, &r),
	          0);
	int64_t v = db_int(r, 0, 0);
	db_result_free(r);
	return v;
}

/* A candidate with an e-mail address, verified or not. */
static offerapi_user *candidate(fixture *f, const char *login, int email, int verified)
{
	offerapi_user *u = testdb_user(f->s, login, OFFERAPI_ROLE_CANDIDATE);
	char addr[128];
	snprintf(addr, sizeof addr, "%s@example.org", login);
	if (email)
		assert_rc(store_exec(f->s,
		                     "UPDATE users SET email = $2, email_verified_at = $3"
		                     " WHERE id = $1",
		                     (db_param[]){ P_INT(u->id), P_TEXT(addr),
		                                   verified ? P_INT(oa_now()) : P_NULL() },
		                     3, NULL),
		          0);
	return u;
}

static offerapi_retention_counts purge(fixture *f, int dry)
{
	offerapi_retention_policy p = OFFERAPI_RETENTION_POLICY_INIT;
	p.dry_run = dry;
	offerapi_retention_counts n;
	assert_rc(offerapi_retention_purge(f->s, &p, oa_now(), &n), 0);
	return n;
}

static int64_t apps(fixture *f, offerapi_id id)
{
	return num(f, "SELECT COUNT(*) FROM applications WHERE id = $1", id);
}

static void test_policy_checked(void **state)
{
	fixture *f = *state;
	offerapi_retention_policy p = OFFERAPI_RETENTION_POLICY_INIT;
	assert_rc(offerapi_retention_purge(f->s, NULL, 0, NULL), OFFERAPI_EINVAL);
	p.version = 99;
	assert_rc(offerapi_retention_purge(f->s, &p, 0, NULL), OFFERAPI_EINVAL);
	p.version = OFFERAPI_RETENTION_POLICY_VERSION;
	p.application_days = 0;
	assert_rc(offerapi_retention_purge(f->s, &p, 0, NULL), OFFERAPI_EINVAL);
	p.application_days = 730;
	p.warn_days = 366;
	assert_rc(offerapi_retention_purge(f->s, &p, 0, NULL), OFFERAPI_EINVAL);
}

static void test_consent_stored_and_withdrawn(void **state)
{
	fixture *f = *state;
	offerapi_user *c = candidate(f, "pool", 0, 0), *o = candidate(f, "other", 0, 0);
	offerapi_id id = apply(f, c, 1);
	offerapi_application *a = NULL;
	assert_rc(offerapi_application_get(f->s, c, id, &a), 0);
	assert_int_equal(a->pool_consent, 1);
	assert_string_equal(a->notice_version, "abc123");
	int64_t given = a->consent_at;
	assert_true(given > 0);
	offerapi_application_free(a);
	/* only the candidate withdraws, and only theirs */
	assert_rc(offerapi_application_consent_withdraw(f->s, f->rec, id), OFFERAPI_EPERM);
	assert_rc(offerapi_application_consent_withdraw(f->s, o, id), OFFERAPI_ENOTFOUND);
	oa_test_clock_advance(5000);
	assert_rc(offerapi_application_consent_withdraw(f->s, c, id), 0);
	oa_test_clock_advance(5000);
	assert_rc(offerapi_application_consent_withdraw(f->s, c, id), 0); /* again: no change */
	assert_rc(offerapi_application_get(f->s, c, id, &a), 0);
	assert_int_equal(a->pool_consent, 0);
	assert_int_equal(a->consent_at, given + 5);
	offerapi_application_free(a);
	/* a notice version that is not a short token is refused */
	offerapi_application_input in = { .version = OFFERAPI_APPLICATION_INPUT_VERSION,
		                          .filename = "cv.pdf",
		                          .pdf = "%PDF",
		                          .pdf_len = 4,
		                          .notice_version = "a b" };
	offerapi_id bad;
	assert_rc(offerapi_application_submit(f->s, o, f->offer, &in, &bad), OFFERAPI_EINVAL);
	offerapi_user_free(c);
	offerapi_user_free(o);
}

/* Move the clock to @day days after the start (@at: the current day). */
static void to_day(int *at, int day)
{
	oa_test_clock_advance((int64_t)(day - *at) * DAY_MS);
	*at = day;
}

/* The warning waiting in the outbox names the offer and the first day the
 * purge may take the application (30 days on), and renders. */
static void check_warning(fixture *f)
{
	offerapi_mail *m = NULL;
	for (int i = 0; i < 10; i++) { /* the stage messages queued before it */
		assert_rc(offerapi_mail_claim(f->s, "test", NULL, &m), 0);
		assert_non_null(m);
		if (!strcmp(m->kind, "retention-warning"))
			break;
		offerapi_mail_free(m);
		m = NULL;
	}
	assert_non_null(m);
	char subject[512], want[16];
	assert_rc(offerapi_mail_subject(m, subject, sizeof subject), 0);
	/* the day: 30 days from now, as the purge was run */
	time_t when = (time_t)(oa_now() + 30 * 86400);
	struct tm tm;
	gmtime_r(&when, &tm);
	strftime(want, sizeof want, "%Y-%m-%d", &tm);
	assert_non_null(strstr(subject, "Offre"));
	assert_non_null(strstr(subject, want));
	offerapi_mail_site site = { .version = OFFERAPI_MAIL_SITE_VERSION,
		                    .from = "board@example.org",
		                    .base_url = "https://jobs.example.org" };
	char *text = NULL;
	assert_rc(offerapi_mail_render(m, &site, &text, NULL), 0);
	assert_non_null(strstr(text, "warned@example.org"));
	free(text);
	offerapi_mail_free(m);
}

static void test_purge_by_age(void **state)
{
	fixture *f = *state;
	int day = 0;
	offerapi_user *a = candidate(f, "warned", 1, 1); /* verified: warned first */
	offerapi_user *b = candidate(f, "pooled", 0, 0); /* pool consent: 2 years more */
	offerapi_user *c = candidate(f, "hired", 1, 1); /* hired: kept */
	offerapi_user *d = candidate(f, "noted", 0, 0); /* a note at day 400 */
	offerapi_user *e = candidate(f, "ghost", 1, 0); /* unverified, no application */
	offerapi_user *g = candidate(f, "unver", 1, 0); /* unverified, applied */
	offerapi_id ia = apply(f, a, 0), ib = apply(f, b, 1), ic = apply(f, c, 0),
		    id = apply(f, d, 0), ig = apply(f, g, 0);
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_OFFER;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, ic, &ch), 0);
	ch.stage = OFFERAPI_STAGE_HIRED;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, ic, &ch), 0);
	char tok[OFFERAPI_TOKEN_SIZE];
	assert_rc(offerapi_session_create(f->s, c, tok), 0); /* 7 days */

	offerapi_retention_counts n = purge(f, 0);
	assert_int_equal(n.applications + n.accounts + n.warned + n.sessions, 0);

	to_day(&day, 31); /* the unverified account without application goes */
	n = purge(f, 1);
	assert_int_equal(n.accounts, 1);
	assert_int_equal(n.sessions, 1);
	assert_int_equal(num(f, "SELECT COUNT(*) FROM users WHERE id = $1", e->id), 1); /* dry */
	n = purge(f, 0);
	assert_int_equal(n.accounts, 1);
	assert_int_equal(n.sessions, 1);
	assert_int_equal(n.applications, 0);
	assert_int_equal(num(f, "SELECT COUNT(*) FROM users WHERE id = $1", e->id), 0);
	assert_int_equal(num(f, "SELECT COUNT(*) FROM users WHERE id = $1", g->id), 1);

	to_day(&day, 400);
	assert_rc(offerapi_application_note_add(f->s, f->rec, id, "Rappeler", NULL), 0);

	to_day(&day, 701); /* a's purge is 29 days away: one warning, to a only */
	n = purge(f, 0);
	assert_int_equal(n.warned, 1);
	assert_int_equal(n.applications, 0);
	assert_int_equal(num(f,
	                     "SELECT COUNT(*) FROM outbox WHERE kind = 'retention-warning'"
	                     " AND user_id = $1",
	                     a->id),
	                 1);
	check_warning(f);
	n = purge(f, 0); /* once only */
	assert_int_equal(n.warned, 0);
	assert_int_equal(num(f, "SELECT COUNT(*) FROM outbox WHERE kind = 'retention-warning'", 0),
	                 1);

	to_day(&day, 731); /* a (warned 30 days ago) and g (no verified address) go */
	n = purge(f, 1);
	assert_int_equal(n.applications, 2);
	assert_int_equal(apps(f, ia), 1); /* a dry run deletes nothing */
	n = purge(f, 0);
	assert_int_equal(n.applications, 2);
	assert_int_equal(n.accounts, 1); /* g, left without application nor verified address */
	assert_int_equal(apps(f, ia) + apps(f, ig), 0);
	assert_int_equal(apps(f, ib) + apps(f, ic) + apps(f, id), 3);
	assert_int_equal(num(f, "SELECT COUNT(*) FROM cv_sealed WHERE application_id = $1", ia), 0);
	assert_int_equal(num(f, "SELECT COUNT(*) FROM cv_sealed", 0), 3);
	assert_int_equal(num(f, "SELECT COUNT(*) FROM users WHERE id = $1", a->id), 1);
	assert_int_equal(
		num(f,
	            "SELECT CAST(SUM(applications) AS BIGINT) FROM retention_counts WHERE offer_id = $1",
	            f->offer),
		2);

	to_day(&day, 1131); /* d: 730 days after its note */
	n = purge(f, 0);
	assert_int_equal(n.applications, 1);
	assert_int_equal(apps(f, id), 0);
	assert_int_equal(num(f, "SELECT COUNT(*) FROM application_notes", 0), 0);
	assert_int_equal(apps(f, ib), 1); /* kept by the pool consent until day 1460 */

	assert_rc(offerapi_application_consent_withdraw(f->s, b, ib), 0);
	n = purge(f, 0);
	assert_int_equal(n.applications, 1);
	assert_int_equal(apps(f, ib), 0);

	to_day(&day, 5000); /* the hired one stays for good */
	n = purge(f, 0);
	assert_int_equal(n.applications, 0);
	assert_int_equal(apps(f, ic), 1);
	assert_int_equal(
		num(f, "SELECT CAST(SUM(applications) AS BIGINT) FROM retention_counts", 0), 4);
	assert_int_equal(num(f, "SELECT COUNT(*) FROM application_stages", 0), 2); /* c's */
	/* the dashboard keeps its total: one there, four purged */
	offerapi_dashboard *dash = NULL;
	assert_rc(offerapi_dashboard_get(f->s, f->rec, f->offer, NULL, NULL, &dash), 0);
	assert_int_equal(dash->count, 1);
	assert_int_equal(dash->purged, 4);
	offerapi_dashboard_free(dash);
	offerapi_user *all[] = { a, b, c, d, e, g };
	for (size_t i = 0; i < sizeof all / sizeof *all; i++)
		offerapi_user_free(all[i]);
}

/* New activity after a warning moves the date: the application is not
 * purged on the old one, and its candidate is warned again later. */
static void test_activity_after_warning(void **state)
{
	fixture *f = *state;
	int day = 0;
	offerapi_user *a = candidate(f, "busy", 1, 1);
	offerapi_id ia = apply(f, a, 0);
	to_day(&day, 705);
	assert_int_equal(purge(f, 0).warned, 1);
	to_day(&day, 710);
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_REVIEWED;
	assert_rc(offerapi_application_set_stage(f->s, f->rec, ia, &ch), 0);
	to_day(&day, 740);
	offerapi_retention_counts n = purge(f, 0);
	assert_int_equal(n.applications + n.warned, 0);
	to_day(&day, 1415); /* 705 days after the change: warned again */
	assert_int_equal(purge(f, 0).warned, 1);
	to_day(&day, 1440); /* the new date, but the warning is only 25 days old */
	assert_int_equal(purge(f, 0).applications, 0);
	to_day(&day, 1445);
	assert_int_equal(purge(f, 0).applications, 1);
	assert_int_equal(apps(f, ia), 0);
	offerapi_user_free(a);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_policy_checked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_consent_stored_and_withdrawn, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge_by_age, setup, teardown),
		cmocka_unit_test_setup_teardown(test_activity_after_warning, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
