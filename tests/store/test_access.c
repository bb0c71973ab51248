/*
 * test_access.c - the access log's library calls (offerapi/access.h) on a
 * real store: records and their checks, the candidate's list (others'
 * views only, by page, 404 for anyone else), the CSV export's one record
 * per application, the operator's search and its filters, and the purge
 * by the library's clock (moved with oa_test_clock_advance). argv[1]
 * names the backend.
 */
#include <setjmp.h>
#include <stdarg.h>
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

/* testdb's fixture first, so that testdb_teardown() frees this one too */
typedef struct fixture {
	testdb_fixture t;
	offerapi_id offer, app, app2;
} fixture;

static offerapi_id apply(fixture *f, const offerapi_user *cand)
{
	const char *lines[] = { "Curriculum vitae", "C et Linux" };
	size_t len;
	char *pdf = pdfgen_text(lines, 2, 1, &len);
	offerapi_id id = testdb_submit(f->t.s, cand, f->offer, pdf, len);
	free(pdf);
	return id;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->t.s = testdb_open_new(&f->t.db);
	f->t.rec = testdb_user(f->t.s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	f->t.cand = testdb_user(f->t.s, "cand@example.org", OFFERAPI_ROLE_CANDIDATE);
	f->t.cand2 = testdb_user(f->t.s, "cand2@example.org", OFFERAPI_ROLE_CANDIDATE);
	f->offer = testdb_offer(f->t.s, f->t.rec, "Offre");
	f->app = apply(f, f->t.cand);
	f->app2 = apply(f, f->t.cand2);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	oa_test_clock_advance(-oa_test_clock_advance(0)); /* back to the real clock */
	return testdb_teardown(state);
}

static int64_t search_count(fixture *f, offerapi_access_query *q)
{
	offerapi_access_list *l = NULL;
	assert_rc(offerapi_access_search(f->t.s, q, &l), 0);
	int64_t n = (int64_t)l->count;
	offerapi_access_list_free(l);
	return n;
}

static void test_record_and_views(void **state)
{
	fixture *f = *state;
	assert_rc(offerapi_access_record(f->t.s, NULL, f->app, OFFERAPI_ACCESS_CV_PDF, "1.2.3.4"),
	          OFFERAPI_EINVAL);
	assert_rc(offerapi_access_record(f->t.s, f->t.rec, f->app, OFFERAPI_ACCESS_CV_PDF, ""),
	          OFFERAPI_EINVAL);
	assert_rc(offerapi_access_record(f->t.s, f->t.rec, f->app, OFFERAPI_ACCESS_CV_PDF, "a b"),
	          OFFERAPI_EINVAL);
	char longaddr[OFFERAPI_ACCESS_ADDR_MAX + 1];
	memset(longaddr, '9', sizeof longaddr - 1);
	longaddr[sizeof longaddr - 1] = '\0';
	assert_rc(
		offerapi_access_record(f->t.s, f->t.rec, f->app, OFFERAPI_ACCESS_CV_PDF, longaddr),
		OFFERAPI_EINVAL);
	assert_rc(offerapi_access_record(f->t.s, f->t.rec, f->app, OFFERAPI_ACCESS_CSV, "1.2.3.4"),
	          OFFERAPI_EINVAL);
	assert_rc(offerapi_access_record(f->t.s, f->t.rec, f->app, (offerapi_access_kind)9,
	                                 "1.2.3.4"),
	          OFFERAPI_EINVAL);
	assert_null(offerapi_access_kind_name((offerapi_access_kind)0));
	assert_string_equal(offerapi_access_kind_name(OFFERAPI_ACCESS_CV_TEXT), "cv_text");

	const offerapi_access_kind kinds[] = { OFFERAPI_ACCESS_APPLICATION, OFFERAPI_ACCESS_CV_PDF,
		                               OFFERAPI_ACCESS_CV_TEXT };
	for (int i = 0; i < 3; i++)
		assert_rc(offerapi_access_record(f->t.s, f->t.rec, f->app, kinds[i], "192.0.2.7"),
		          0);
	/* the candidate's own view: recorded, not in their list */
	assert_rc(offerapi_access_record(f->t.s, f->t.cand, f->app, OFFERAPI_ACCESS_CV_PDF,
	                                 "192.0.2.8"),
	          0);
	/* an id with no application: nothing written, no error */
	assert_rc(offerapi_access_record(f->t.s, f->t.rec, 999999, OFFERAPI_ACCESS_CV_PDF,
	                                 "192.0.2.7"),
	          0);

	offerapi_page page = OFFERAPI_PAGE_INIT;
	page.limit = 2;
	page.flags = OFFERAPI_PAGE_TOTAL;
	offerapi_access_list *l = NULL;
	assert_rc(offerapi_access_views(f->t.s, f->t.cand, f->app, &page, &l), 0);
	assert_int_equal(l->total, 3);
	assert_int_equal(l->count, 2);
	assert_int_equal(l->items[0].kind, OFFERAPI_ACCESS_CV_TEXT); /* newest first */
	assert_int_equal(l->items[0].user_id, f->t.rec->id);
	assert_int_equal(l->items[0].offer_id, f->offer);
	assert_string_equal(l->items[0].viewer_name, f->t.rec->display_name);
	assert_null(l->items[0].address); /* never for the candidate */
	assert_null(l->items[0].viewer_login);
	assert_non_null(l->next);
	page.cursor = l->next;
	offerapi_access_list *l2 = NULL;
	assert_rc(offerapi_access_views(f->t.s, f->t.cand, f->app, &page, &l2), 0);
	assert_int_equal(l2->count, 1);
	assert_int_equal(l2->items[0].kind, OFFERAPI_ACCESS_APPLICATION);
	assert_null(l2->next);
	offerapi_access_list_free(l2);
	/* a cursor of this list on another application's list: refused */
	assert_rc(offerapi_access_views(f->t.s, f->t.cand2, f->app2, &page, &l2), OFFERAPI_EINVAL);
	assert_null(l2);
	offerapi_access_list_free(l);

	page = (offerapi_page)OFFERAPI_PAGE_INIT;
	assert_rc(offerapi_access_views(f->t.s, f->t.cand2, f->app, &page, &l), OFFERAPI_ENOTFOUND);
	assert_null(l);
	assert_rc(offerapi_access_views(f->t.s, f->t.rec, f->app, &page, &l), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_access_views(f->t.s, f->t.cand, 999999, &page, &l), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_access_views(f->t.s, NULL, f->app, &page, &l), OFFERAPI_EPERM);
	assert_rc(offerapi_access_views(f->t.s, f->t.cand2, f->app2, &page, &l), 0);
	assert_int_equal(l->count, 0);
	offerapi_access_list_free(l);
}

static void test_export_and_search(void **state)
{
	fixture *f = *state;
	int64_t n = -1;
	assert_rc(offerapi_access_record_offer(f->t.s, f->t.rec, f->offer, "192.0.2.7", &n), 0);
	assert_int_equal(n, 2); /* one per application */
	assert_rc(offerapi_access_record(f->t.s, f->t.cand, f->app, OFFERAPI_ACCESS_CV_PDF,
	                                 "192.0.2.8"),
	          0);

	offerapi_access_query q = OFFERAPI_ACCESS_QUERY_INIT;
	assert_int_equal(search_count(f, &q), 3);
	q.user_id = f->t.rec->id;
	assert_int_equal(search_count(f, &q), 2);
	q.application_id = f->app2;
	offerapi_access_list *l = NULL;
	assert_rc(offerapi_access_search(f->t.s, &q, &l), 0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->items[0].kind, OFFERAPI_ACCESS_CSV);
	assert_string_equal(l->items[0].address, "192.0.2.7");
	assert_string_equal(l->items[0].viewer_login, "rh@example.org");
	assert_false(l->truncated);
	offerapi_access_list_free(l);

	q = (offerapi_access_query)OFFERAPI_ACCESS_QUERY_INIT;
	q.limit = 2;
	assert_rc(offerapi_access_search(f->t.s, &q, &l), 0);
	assert_int_equal(l->count, 2);
	assert_true(l->truncated);
	offerapi_access_list_free(l);
	q.limit = 0;
	q.since = oa_now() + 10;
	assert_int_equal(search_count(f, &q), 0);
	q.since = oa_now() - 10;
	q.until = oa_now() + 10;
	assert_int_equal(search_count(f, &q), 3);
	q.since = q.until + 1;
	assert_rc(offerapi_access_search(f->t.s, &q, &l), OFFERAPI_EINVAL);
	q = (offerapi_access_query)OFFERAPI_ACCESS_QUERY_INIT;
	q.limit = OFFERAPI_ACCESS_SEARCH_MAX + 1;
	assert_rc(offerapi_access_search(f->t.s, &q, &l), OFFERAPI_EINVAL);
	q.limit = 0;
	q.version = 99;
	assert_rc(offerapi_access_search(f->t.s, &q, &l), OFFERAPI_EINVAL);
	assert_null(l);
}

static void test_purge(void **state)
{
	fixture *f = *state;
	assert_rc(offerapi_access_purge(f->t.s, 0, NULL), OFFERAPI_EINVAL);
	assert_rc(offerapi_access_record(f->t.s, f->t.rec, f->app, OFFERAPI_ACCESS_CV_PDF,
	                                 "192.0.2.7"),
	          0);
	oa_test_clock_advance(300LL * 86400 * 1000);
	assert_rc(offerapi_access_record(f->t.s, f->t.rec, f->app, OFFERAPI_ACCESS_CV_TEXT,
	                                 "192.0.2.7"),
	          0);
	oa_test_clock_advance(100LL * 86400 * 1000); /* the first is 400 days old, the second 100 */
	int64_t n = -1;
	assert_rc(offerapi_access_purge(f->t.s, 365, &n), 0);
	assert_int_equal(n, 1);
	offerapi_access_query q = OFFERAPI_ACCESS_QUERY_INIT;
	offerapi_access_list *l = NULL;
	assert_rc(offerapi_access_search(f->t.s, &q, &l), 0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->items[0].kind, OFFERAPI_ACCESS_CV_TEXT);
	offerapi_access_list_free(l);
	assert_rc(offerapi_access_purge(f->t.s, 365, &n), 0);
	assert_int_equal(n, 0);
	assert_rc(offerapi_access_purge(f->t.s, 99, &n), 0);
	assert_int_equal(n, 1);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_record_and_views, setup, teardown),
		cmocka_unit_test_setup_teardown(test_export_and_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
