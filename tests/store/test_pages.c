/*
 * test_pages.c - every list read page by page (offerapi/page.h): the pages
 * put end to end, forwards and backwards, give exactly the list in the
 * documented order (which this test computes on its own, in SQL or in C);
 * cursors survive insertions; forged cursors are refused. Also an
 * account's tokens, webhook endpoints and an endpoint's deliveries (ties
 * on the time broken by the id). argv[1] names
 * the backend.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "pdfgen.h"
#include "store_internal.h"
#include "testdb.h"

#define MAXROWS 256

typedef struct fixture {
	testdb db;
	offerapi_store *s;
	offerapi_user *rec, *rec2, *cand[24];
	char *pdf;
	size_t pdf_len;
} fixture;

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->s = testdb_open_new(&f->db);
	f->rec = testdb_user(f->s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	f->rec2 = testdb_user(f->s, "rh2@example.org", OFFERAPI_ROLE_RECRUITER);
	const char *lines[] = { "Curriculum vitae", "C, SQL, Go" };
	f->pdf = pdfgen_text(lines, 2, 1, &f->pdf_len);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	offerapi_user_free(f->rec);
	offerapi_user_free(f->rec2);
	for (int i = 0; i < 24; i++)
		offerapi_user_free(f->cand[i]);
	free(f->pdf);
	testdb_close(&f->db, f->s);
	free(f);
	return 0;
}

/* Run @sql (no parameters) and return its first column as ids. */
static size_t sql_ids(fixture *f, const char *sql, offerapi_id *ids)
{
	db_result *r = NULL;
	assert_rc(store_exec(f->s, sql, NULL, 0, &r), 0);
	assert_true(r->nrows <= MAXROWS);
	for (int i = 0; i < r->nrows; i++)
		ids[i] = db_int(r, i, 0);
	size_t n = (size_t)r->nrows;
	db_result_free(r);
	return n;
}

static void sql_run(fixture *f, const char *sql)
{
	assert_rc(store_exec(f->s, sql, NULL, 0, NULL), 0);
}

/* ---- offers ---- */

static void mkoffers(fixture *f, offerapi_user *rec, int n)
{
	for (int i = 0; i < n; i++) {
		char title[64];
		snprintf(title, sizeof title, "Offre %d %s", i, i % 4 == 0 ? "alpha" : "beta");
		const char *skills[] = { i % 3 ? "C" : "Go" };
		offerapi_offer_fields o = {
			.version = OFFERAPI_OFFER_FIELDS_VERSION,
			.title = title,
			.description = "Un poste.",
			.skills = skills,
			.nskills = 1,
		};
		offerapi_id id;
		assert_rc(offerapi_offer_create(f->s, rec, &o, &id), 0);
	}
}

/* How many offers the board lists once it lists @want, or after 10 s:
 * what another process writes reaches the lists when its notification
 * arrives (genwatch.c). */
static size_t board_count_soon(offerapi_store *s, size_t want)
{
	size_t n = 0;
	for (int i = 0; i < 10000 && (n = testdb_board_count(s)) != want; i++)
		nanosleep(&(struct timespec){ 0, 1000 * 1000 }, NULL);
	return n;
}

/* offerapi_store_reads_begin/end: within a request the lists come from
 * one state, whatever another replica writes meanwhile; a write through
 * the store itself, or the request's end, shows the new state. */
static void test_read_scope(void **state)
{
	fixture *f = *state;
	mkoffers(f, f->rec, 3);
	offerapi_store *other = testdb_open(&f->db); /* another replica */
	assert_int_equal(testdb_board_count(f->s), 3);
	offerapi_store_reads_begin(f->s);
	assert_int_equal(testdb_board_count(f->s), 3);
	testdb_offer(other, f->rec2, "Offre d'une autre réplique");
	assert_int_equal(testdb_board_count(f->s), 3); /* the request's state */
	offerapi_store_reads_begin(f->s); /* nested: the same request */
	offerapi_store_reads_end(f->s);
	assert_int_equal(testdb_board_count(f->s), 3);
	offerapi_store_reads_end(f->s);
	assert_int_equal(board_count_soon(f->s, 4), 4); /* a new request sees it */
	offerapi_store_reads_begin(f->s);
	assert_int_equal(testdb_board_count(f->s), 4);
	testdb_offer(f->s, f->rec, "Offre de cette requête"); /* its own write */
	assert_int_equal(testdb_board_count(f->s), 5);
	testdb_offer(other, f->rec2, "Une autre encore");
	assert_int_equal(testdb_board_count(f->s), 5);
	offerapi_store_reads_end(f->s);
	assert_int_equal(board_count_soon(f->s, 6), 6);
	offerapi_store_free(other);
}

/* Every page of a list of offers put end to end: forwards from the first
 * page, or backwards from the last. Checks the page invariants on the way. */
static size_t walk_offers(fixture *f, const offerapi_offer_query *q, size_t limit, bool back,
                          offerapi_id *ids)
{
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = limit;
	p.flags = back ? OFFERAPI_PAGE_LAST | OFFERAPI_PAGE_TOTAL : OFFERAPI_PAGE_TOTAL;
	offerapi_id buf[MAXROWS];
	size_t n = 0;
	char cursor[OFFERAPI_CURSOR_MAX] = "";
	for (int pages = 0; pages < 1000; pages++) {
		offerapi_offer_list *l;
		assert_rc(offerapi_offer_list_page(f->s, q, &p, &l), 0);
		char *more = back ? l->prev : l->next;
		if (more)
			assert_int_equal(l->count, limit);
		assert_true(n + l->count <= MAXROWS);
		if (pages == 0 && l->total >= 0 && back) /* the last page's offset */
			assert_int_equal(l->offset, l->total - (int64_t)l->count);
		for (size_t i = 0; i < l->count; i++)
			buf[back ? MAXROWS - 1 - n - (l->count - 1 - i) : n + i] = l->items[i].id;
		n += l->count;
		if (more) {
			assert_true(strlen(more) < OFFERAPI_CURSOR_MAX);
			snprintf(cursor, sizeof cursor, "%s", more);
		}
		offerapi_offer_list_free(l);
		if (!more)
			break;
		p.cursor = cursor;
		p.flags = 0;
	}
	memcpy(ids, back ? buf + MAXROWS - n : buf, n * sizeof *ids);
	return n;
}

static void assert_ids(const offerapi_id *a, size_t na, const offerapi_id *b, size_t nb)
{
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++)
		if (a[i] != b[i])
			fail_msg("row %zu: id %lld, expected %lld", i, (long long)a[i],
			         (long long)b[i]);
}

static void test_offer_pages(void **state)
{
	fixture *f = *state;
	mkoffers(f, f->rec, 130);
	mkoffers(f, f->rec2, 7);
	/* ties on the publication time by sevens, not in id order */
	sql_run(f, "UPDATE offers SET published_at = 1000 + (id * 5 % 19)");
	sql_run(f, "UPDATE offers SET is_open = 0 WHERE id % 10 = 3");
	offerapi_id want[MAXROWS], got[MAXROWS];
	size_t nw = sql_ids(f,
	                    "SELECT id FROM offers WHERE is_open = 1"
	                    " ORDER BY published_at DESC, id DESC",
	                    want);
	for (size_t limit = 1; limit <= 60; limit += 17) {
		assert_ids(got, walk_offers(f, NULL, limit, false, got), want, nw);
		assert_ids(got, walk_offers(f, NULL, limit, true, got), want, nw);
	}
	/* a recruiter's own offers, closed ones included */
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.recruiter_id = f->rec->id;
	q.include_closed = 1;
	nw = sql_ids(f,
	             "SELECT o.id FROM offers o JOIN users u ON u.id = o.recruiter_id"
	             " WHERE u.login = 'rh@example.org' ORDER BY published_at DESC, o.id DESC",
	             want);
	assert_int_equal(nw, 130);
	assert_ids(got, walk_offers(f, &q, 50, false, got), want, nw);
	assert_ids(got, walk_offers(f, &q, 50, true, got), want, nw);
	/* every offer; and a search by words */
	q.recruiter_id = 0;
	nw = sql_ids(f, "SELECT id FROM offers ORDER BY published_at DESC, id DESC", want);
	assert_ids(got, walk_offers(f, &q, 13, false, got), want, nw);
	q.include_closed = 0;
	q.words = "alpha";
	nw = sql_ids(f,
	             "SELECT id FROM offers WHERE is_open = 1 AND title LIKE '%alpha%'"
	             " ORDER BY published_at DESC, id DESC",
	             want);
	assert_true(nw > 10);
	assert_ids(got, walk_offers(f, &q, 4, false, got), want, nw);
	assert_ids(got, walk_offers(f, &q, 4, true, got), want, nw);
}

/* A page's prev cursor gives back the page before it; positions count. */
static void test_offer_prev_and_counts(void **state)
{
	fixture *f = *state;
	mkoffers(f, f->rec, 30);
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = 10;
	offerapi_offer_list *p1, *p2, *p3, *back;
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &p1), 0);
	assert_null(p1->prev);
	assert_int_equal(p1->total, -1);
	assert_int_equal(p1->offset, 0);
	assert_int_equal(p1->items[0].napplications, -1); /* not counted unless asked */
	p.cursor = p1->next;
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &p2), 0);
	p.cursor = p2->next;
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &p3), 0);
	assert_int_equal(p3->offset, 20);
	assert_null(p3->next);
	p.cursor = p3->prev;
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &back), 0);
	assert_int_equal(back->offset, 10);
	assert_int_equal(back->count, 10);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(back->items[i].id, p2->items[i].id);
	assert_non_null(back->prev);
	assert_non_null(back->next);
	offerapi_offer_list_free(back);
	/* counts when asked */
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.flags = OFFERAPI_OFFER_COUNTS;
	p.cursor = NULL;
	assert_rc(offerapi_offer_list_page(f->s, &q, &p, &back), 0);
	assert_int_equal(back->items[0].napplications, 0);
	offerapi_offer_list_free(back);
	/* a new offer between two calls: the next page neither repeats nor skips */
	mkoffers(f, f->rec, 1);
	p.cursor = p1->next;
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &back), 0);
	for (size_t i = 0; i < 10; i++)
		assert_int_equal(back->items[i].id, p2->items[i].id);
	offerapi_offer_list_free(back);
	offerapi_offer_list_free(p1);
	offerapi_offer_list_free(p2);
	offerapi_offer_list_free(p3);
}

/* Malformed cursors, and cursors of another list, are EINVAL. */
static void test_forged_cursors(void **state)
{
	fixture *f = *state;
	mkoffers(f, f->rec, 3);
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = 1;
	offerapi_offer_list *l;
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &l), 0);
	char good[OFFERAPI_CURSOR_MAX];
	snprintf(good, sizeof good, "%s", l->next);
	offerapi_offer_list_free(l);
	char scope[9];
	memcpy(scope, strchr(strchr(strchr(good, '.') + 1, '.') + 1, '.') + 1, 8);
	scope[8] = '\0';
	char c[40][160];
	int n = 0;
	snprintf(c[n++], 160, "o1.n.0.%s.1.1' OR 1=1 --", scope);
	snprintf(c[n++], 160, "o1.n.0.%s.1;DROP TABLE offers", scope);
	snprintf(c[n++], 160, "o2.n.0.%s.1.1", scope); /* version */
	snprintf(c[n++], 160, "m1.n.0.%s.1.1", scope); /* kind */
	snprintf(c[n++], 160, "o1.z.0.%s.1.1", scope); /* direction */
	snprintf(c[n++], 160, "o1.n.-3.%s.1.1", scope); /* position */
	snprintf(c[n++], 160, "o1.n.0.%s.1", scope); /* key too short */
	snprintf(c[n++], 160, "o1.n.0.%s.1.2.3", scope); /* too long */
	snprintf(c[n++], 160, "o1.n.0.%s.1.99999999999999999999", scope); /* overflow */
	snprintf(c[n++], 160, "o1.n.0.%s.1.0x10", scope);
	snprintf(c[n++], 160, "o1.n.0.%s..1", scope);
	snprintf(c[n++], 160, "o1.n.0.%s.1.1.", scope);
	snprintf(c[n++], 160, "o1.n.0.0badc0de.1.1"); /* another list's scope */
	snprintf(c[n++], 160, "o1.n.0.ABCDEF12.1.1");
	snprintf(c[n++], 160, "o1.n.0");
	snprintf(c[n++], 160, "%.150s", "o1.n.0.00000000.111111111111111111111111111111111111");
	memset(c[n], 'a', 150);
	c[n++][150] = '\0';
	for (int i = 0; i < n; i++) {
		p.cursor = c[i];
		int rc = offerapi_offer_list_page(f->s, NULL, &p, &l);
		if (rc != OFFERAPI_EINVAL)
			fail_msg("cursor \"%s\": %d, expected EINVAL", c[i], rc);
		assert_null(l);
		assert_non_null(strstr(offerapi_error_last()->message, "cursor"));
	}
	/* a cursor of another search */
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.words = "beta";
	p.cursor = good;
	assert_rc(offerapi_offer_list_page(f->s, &q, &p, &l), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "another list"));
	/* a forged cursor that parses only moves the start */
	snprintf(c[0], 160, "o1.n.7.%s.99999999999.99999999", scope);
	p.cursor = c[0];
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &l), 0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->offset, 7);
	offerapi_offer_list_free(l);
	/* the page itself */
	p.cursor = NULL;
	p.limit = OFFERAPI_PAGE_MAX + 1;
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &l), OFFERAPI_EINVAL);
	p.limit = 0;
	p.version = 0;
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &l), OFFERAPI_EINVAL);
	p.version = OFFERAPI_PAGE_VERSION + 1;
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &l), OFFERAPI_EINVAL);
	p.version = OFFERAPI_PAGE_VERSION;
	p.flags = 0x80;
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &l), OFFERAPI_EINVAL);
	p.flags = OFFERAPI_PAGE_LAST;
	p.cursor = good;
	assert_rc(offerapi_offer_list_page(f->s, NULL, &p, &l), OFFERAPI_EINVAL);
	q.words = NULL;
	q.offset = 10;
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), OFFERAPI_EINVAL);
}

/* ---- applications ---- */

static offerapi_id apply(fixture *f, int who, offerapi_id offer)
{
	if (!f->cand[who]) {
		char login[32];
		snprintf(login, sizeof login, "cand%02d@example.org", who);
		f->cand[who] = testdb_user(f->s, login, OFFERAPI_ROLE_CANDIDATE);
	}
	offerapi_id id = testdb_submit(f->s, f->cand[who], offer, f->pdf, f->pdf_len);
	return id;
}

typedef struct ranked {
	offerapi_id id;
	int64_t created_at;
	double score;
	int scored;
} ranked;

/* The rule of application.h, written again here on purpose. */
static int ranked_cmp(const void *x, const void *y)
{
	const ranked *a = x, *b = y;
	if (a->scored != b->scored)
		return b->scored - a->scored;
	if (a->scored && a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->created_at != b->created_at)
		return a->created_at < b->created_at ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static size_t expected_ranking(fixture *f, offerapi_id offer, const char *scorer, offerapi_id *ids)
{
	char sql[400];
	snprintf(sql, sizeof sql,
	         "SELECT a.id, a.created_at, sc.score FROM applications a LEFT JOIN scores sc"
	         " ON sc.application_id = a.id AND sc.scorer = '%s' WHERE a.offer_id = %lld",
	         scorer, (long long)offer);
	db_result *r = NULL;
	assert_rc(store_exec(f->s, sql, NULL, 0, &r), 0);
	ranked v[MAXROWS];
	size_t n = (size_t)r->nrows;
	for (size_t i = 0; i < n; i++)
		v[i] = (ranked){ db_int(r, (int)i, 0), db_int(r, (int)i, 1), db_real(r, (int)i, 2),
			         !db_isnull(r, (int)i, 2) };
	db_result_free(r);
	qsort(v, n, sizeof *v, ranked_cmp);
	for (size_t i = 0; i < n; i++)
		ids[i] = v[i].id;
	return n;
}

static size_t walk_ranked(fixture *f, offerapi_id offer, const offerapi_rank *rank, size_t limit,
                          bool back, offerapi_id *ids)
{
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = limit;
	p.flags = back ? OFFERAPI_PAGE_LAST | OFFERAPI_PAGE_TOTAL : 0;
	offerapi_id buf[MAXROWS];
	size_t n = 0;
	char cursor[OFFERAPI_CURSOR_MAX];
	int64_t total = -1;
	for (int pages = 0; pages < 200; pages++) {
		offerapi_application_list *l;
		assert_rc(offerapi_application_list_offer_page(f->s, f->rec, offer, rank, &p, &l),
		          0);
		char *more = back ? l->prev : l->next;
		if (more)
			assert_int_equal(l->count, limit);
		if (pages == 0)
			total = l->total;
		if (back) /* the last page knows its place from the total */
			assert_int_equal(l->offset, total - (int64_t)(n + l->count));
		else
			assert_int_equal(l->offset, (int64_t)n);
		for (size_t i = 0; i < l->count; i++) {
			assert_null(l->items[i].cv_text);
			buf[back ? MAXROWS - 1 - n - (l->count - 1 - i) : n + i] = l->items[i].id;
		}
		n += l->count;
		if (more)
			snprintf(cursor, sizeof cursor, "%s", more);
		offerapi_application_list_free(l);
		if (!more)
			break;
		p.cursor = cursor;
		p.flags = 0;
	}
	memcpy(ids, back ? buf + MAXROWS - n : buf, n * sizeof *ids);
	return n;
}

static offerapi_id ranked_offer(fixture *f)
{
	offerapi_offer_fields o = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Dev",
		.description = "C.",
	};
	offerapi_id offer, other;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &offer), 0);
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &other), 0);
	offerapi_id app[23];
	for (int i = 0; i < 23; i++) {
		app[i] = apply(f, i, offer);
		if (i < 3)
			apply(f, i, other);
	}
	/* dates that tie by threes and do not follow the ids; set before the
	 * scores, which copy them (an application's date never changes) */
	sql_run(f, "UPDATE applications SET created_at = 5000 + (id * 7 % 3)");
	for (int i = 0; i < 23; i++) {
		if (i % 5 != 4) /* every fifth unscored */
			assert_rc(offerapi_score_put(f->s, app[i], "similarity", "2.0.0",
			                             (i % 4) * 0.25, "x"),
			          0);
		if (i % 2)
			assert_rc(offerapi_score_put(f->s, app[i], "random", "1.0", i / 23.0, ""),
			          0);
	}
	assert_rc(offerapi_score_put(f->s, app[0], "old-scorer", "0.1", 0.5, ""), 0);
	return offer;
}

static void test_ranked_pages(void **state)
{
	fixture *f = *state;
	offerapi_id offer = ranked_offer(f);
	const char *host[] = { "similarity", "random" };
	offerapi_rank rank = OFFERAPI_RANK_INIT;
	rank.scorers = host;
	rank.nscorers = 2;
	offerapi_id want[MAXROWS], got[MAXROWS];
	size_t nw = expected_ranking(f, offer, "similarity", want);
	assert_int_equal(nw, 23);
	for (size_t limit = 1; limit <= 24; limit += 3) {
		assert_ids(got, walk_ranked(f, offer, &rank, limit, false, got), want, nw);
		assert_ids(got, walk_ranked(f, offer, &rank, limit, true, got), want, nw);
	}
	rank.by = "random";
	nw = expected_ranking(f, offer, "random", want);
	assert_ids(got, walk_ranked(f, offer, &rank, 5, false, got), want, nw);
	assert_ids(got, walk_ranked(f, offer, &rank, 5, true, got), want, nw);
	/* without a host list the default is "random" */
	assert_ids(got, walk_ranked(f, offer, NULL, 6, false, got), want, nw);
	/* the whole list of before pages, the same order */
	offerapi_application_list *l;
	assert_rc(offerapi_application_list_offer(f->s, f->rec, offer, "random", 0, &l), 0);
	assert_int_equal(l->count, nw);
	for (size_t i = 0; i < nw; i++)
		assert_int_equal(l->items[i].id, want[i]);
	assert_string_equal(l->rank_by, "random");
	offerapi_application_list_free(l);
}

static void test_ranked_refusals(void **state)
{
	fixture *f = *state;
	offerapi_id offer = ranked_offer(f);
	const char *host[] = { "similarity", "random" };
	offerapi_rank rank = OFFERAPI_RANK_INIT;
	rank.scorers = host;
	rank.nscorers = 2;
	offerapi_application_list *l;
	offerapi_page all = OFFERAPI_PAGE_INIT;
	all.limit = 30;
	assert_rc(offerapi_application_list_offer_page(f->s, f->rec, offer, &rank, &all, &l), 0);
	assert_string_equal(l->rank_by, "similarity"); /* the host's first */
	assert_int_equal(l->count, 23);
	size_t two = 0, old = 0; /* every scorer's score, by name */
	for (size_t i = 0; i < l->count; i++) {
		const offerapi_application *a = &l->items[i];
		for (size_t k = 1; k < a->nscores; k++)
			assert_true(strcmp(a->scores[k - 1].scorer, a->scores[k].scorer) < 0);
		two += a->nscores == 2;
		old += a->nscores && !strcmp(a->scores[0].scorer, "old-scorer");
	}
	assert_int_equal(two, 10); /* odd and scored by similarity: 9; and app 0 */
	assert_int_equal(old, 1);
	offerapi_application_list_free(l);
	assert_rc(offerapi_application_list_offer_page(f->s, f->rec, offer, &rank, NULL, &l), 0);
	char next[OFFERAPI_CURSOR_MAX];
	snprintf(next, sizeof next, "%s", l->next);
	offerapi_application_list_free(l);
	/* a scorer that only has stored scores is allowed; an unknown one is not */
	rank.by = "old-scorer";
	assert_rc(offerapi_application_list_offer_page(f->s, f->rec, offer, &rank, NULL, &l), 0);
	offerapi_application_list_free(l);
	rank.by = "llm";
	assert_rc(offerapi_application_list_offer_page(f->s, f->rec, offer, &rank, NULL, &l),
	          OFFERAPI_EINVAL);
	const char *msg = offerapi_error_last()->message;
	assert_non_null(strstr(msg, "\"llm\""));
	assert_non_null(strstr(msg, "similarity, random, old-scorer"));
	rank.by = "Bad Name";
	assert_rc(offerapi_application_list_offer_page(f->s, f->rec, offer, &rank, NULL, &l),
	          OFFERAPI_EINVAL);
	/* a cursor of another scorer, or of another offer */
	rank.by = "random";
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.cursor = next;
	assert_rc(offerapi_application_list_offer_page(f->s, f->rec, offer, &rank, &p, &l),
	          OFFERAPI_EINVAL);
	rank.by = NULL;
	assert_rc(offerapi_application_list_offer_page(f->s, f->rec, offer + 1, &rank, &p, &l),
	          OFFERAPI_EINVAL);
	/* who may read */
	assert_rc(offerapi_application_list_offer_page(f->s, f->rec2, offer, &rank, NULL, &l),
	          OFFERAPI_EPERM);
	assert_rc(offerapi_application_list_offer_page(f->s, f->cand[0], offer, &rank, NULL, &l),
	          OFFERAPI_EPERM);
	assert_rc(offerapi_application_list_offer_page(f->s, f->rec, 99999, &rank, NULL, &l),
	          OFFERAPI_ENOTFOUND);
	rank.version = 9;
	assert_rc(offerapi_application_list_offer_page(f->s, f->rec, offer, &rank, NULL, &l),
	          OFFERAPI_EINVAL);
}

static void test_mine_pages(void **state)
{
	fixture *f = *state;
	offerapi_offer_fields o = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Dev",
		.description = "C.",
	};
	for (int i = 0; i < 7; i++) {
		offerapi_id id;
		assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), 0);
		apply(f, 0, id);
		apply(f, 1, id);
	}
	sql_run(f, "UPDATE applications SET created_at = 7000 + (id % 3)");
	offerapi_id want[MAXROWS];
	char sql[200];
	snprintf(sql, sizeof sql,
	         "SELECT id FROM applications WHERE candidate_id = %lld"
	         " ORDER BY created_at DESC, id DESC",
	         (long long)f->cand[0]->id);
	size_t nw = sql_ids(f, sql, want), n = 0;
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = 3;
	char cursor[OFFERAPI_CURSOR_MAX];
	for (;;) {
		offerapi_application_list *l;
		assert_rc(offerapi_application_list_mine_page(f->s, f->cand[0], &p, &l), 0);
		for (size_t i = 0; i < l->count; i++)
			assert_int_equal(l->items[i].id, want[n++]);
		bool more = l->next != NULL;
		if (more)
			snprintf(cursor, sizeof cursor, "%s", l->next);
		offerapi_application_list_free(l);
		if (!more)
			break;
		p.cursor = cursor;
	}
	assert_int_equal(n, nw);
	/* another candidate's cursor is not this one's */
	offerapi_application_list *l;
	assert_rc(offerapi_application_list_mine_page(f->s, f->cand[1], &p, &l), OFFERAPI_EINVAL);
	assert_rc(offerapi_application_list_mine_page(f->s, f->rec, NULL, &l), OFFERAPI_EPERM);
}

/* ---- an account's tokens, webhook endpoints and deliveries ---- */

/* One page of a list of one owner: its ids, its next cursor (or ""), its
 * total; the return code of the library. */
typedef int (*owner_page_fn)(fixture *f, offerapi_id owner, offerapi_id sub, const offerapi_page *p,
                             offerapi_id *ids, size_t *n, char next[OFFERAPI_CURSOR_MAX],
                             int64_t *total);

#define TAKE_PAGE(l, field)                                                                        \
	do {                                                                                       \
		*n = (l)->count;                                                                   \
		for (size_t i = 0; i < (l)->count; i++)                                            \
			ids[i] = (l)->items[i].field;                                              \
		snprintf(next, OFFERAPI_CURSOR_MAX, "%s", (l)->next ? (l)->next : "");             \
		*total = (l)->total;                                                               \
	} while (0)

static int tokens_page(fixture *f, offerapi_id owner, offerapi_id sub, const offerapi_page *p,
                       offerapi_id *ids, size_t *n, char next[OFFERAPI_CURSOR_MAX], int64_t *total)
{
	(void)sub;
	offerapi_pat_list *l = NULL;
	int rc = offerapi_pat_list_page(f->s, owner, p, &l);
	if (rc == 0)
		TAKE_PAGE(l, id);
	offerapi_pat_list_free(l);
	return rc;
}

static int hooks_page(fixture *f, offerapi_id owner, offerapi_id sub, const offerapi_page *p,
                      offerapi_id *ids, size_t *n, char next[OFFERAPI_CURSOR_MAX], int64_t *total)
{
	(void)sub;
	offerapi_webhook_list *l = NULL;
	int rc = offerapi_webhook_list_page(f->s, owner, p, &l);
	if (rc == 0)
		TAKE_PAGE(l, id);
	offerapi_webhook_list_free(l);
	return rc;
}

static int deliveries_page(fixture *f, offerapi_id owner, offerapi_id hook, const offerapi_page *p,
                           offerapi_id *ids, size_t *n, char next[OFFERAPI_CURSOR_MAX],
                           int64_t *total)
{
	offerapi_delivery_list *l = NULL;
	int rc = offerapi_webhook_deliveries_page(f->s, owner, hook, p, &l);
	if (rc == 0)
		TAKE_PAGE(l, id);
	offerapi_delivery_list_free(l);
	return rc;
}

/* Walk every page of 3 and compare with @want (the order computed in SQL);
 * the total on every page; returns the cursor of page 1 in @first. */
static void walk_owner(fixture *f, owner_page_fn fn, offerapi_id owner, offerapi_id sub,
                       const offerapi_id *want, size_t nw, char first[OFFERAPI_CURSOR_MAX])
{
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = 3;
	p.flags = OFFERAPI_PAGE_TOTAL;
	char cursor[OFFERAPI_CURSOR_MAX];
	size_t got = 0;
	for (int pages = 0; pages < 100; pages++) {
		offerapi_id ids[OFFERAPI_PAGE_MAX];
		size_t n;
		int64_t total;
		assert_rc(fn(f, owner, sub, &p, ids, &n, cursor, &total), 0);
		assert_int_equal(total, (int64_t)nw);
		assert_true(got + n <= nw);
		assert_ids(ids, n, want + got, n);
		got += n;
		if (pages == 0)
			snprintf(first, OFFERAPI_CURSOR_MAX, "%s", cursor);
		if (!cursor[0])
			break;
		assert_int_equal(n, 3);
		p.cursor = cursor;
	}
	assert_int_equal(got, nw);
}

/* 8 tokens of rec (the first expired), 7 endpoints of rec (*hook the
 * last, with 8 deliveries) and one of rec2 (*other); ties on the times. */
static void account_rows(fixture *f, offerapi_id *hook, offerapi_id *other)
{
	char secret[OFFERAPI_WEBHOOK_SECRET_SIZE], token[OFFERAPI_PAT_SIZE];
	for (int i = 0; i < 8; i++) {
		char name[16];
		snprintf(name, sizeof name, "t%d", i);
		assert_rc(
			offerapi_pat_create(f->s, f->rec, name, OFFERAPI_SCOPE_ALL, 0, token, NULL),
			0);
		if (i < 7)
			assert_rc(offerapi_webhook_create(f->s, f->rec, "https://example.org/h",
			                                  OFFERAPI_EVENT_ALL, secret, hook),
			          0);
	}
	assert_rc(offerapi_webhook_create(f->s, f->rec2, "https://example.org/o",
	                                  OFFERAPI_EVENT_ALL, secret, other),
	          0);
	for (int i = 0; i < 8; i++)
		assert_rc(offerapi_webhook_test(f->s, f->rec->id, *hook), 0);
	sql_run(f, "UPDATE api_tokens SET created_at = 9000 + (id % 3)");
	sql_run(f,
	        "UPDATE api_tokens SET expires_at = 1 WHERE id = (SELECT MIN(id) FROM api_tokens)");
	sql_run(f, "UPDATE webhook_endpoints SET created_at = 9000 + (id % 2)");
	sql_run(f, "UPDATE webhook_deliveries SET created_ms = 9000000 + (id % 3)");
}

/* The ids of the statement @head @id @tail. */
static size_t owner_ids(fixture *f, const char *head, offerapi_id id, const char *tail,
                        offerapi_id *want)
{
	char q[300];
	snprintf(q, sizeof q, "%s%lld%s", head, (long long)id, tail);
	return sql_ids(f, q, want);
}

static void test_token_pages(void **state)
{
	fixture *f = *state;
	offerapi_id hook, other, want[MAXROWS], ids[OFFERAPI_PAGE_MAX];
	account_rows(f, &hook, &other);
	size_t nw = owner_ids(f, "SELECT id FROM api_tokens WHERE user_id = ", f->rec->id,
	                      " AND (expires_at IS NULL OR expires_at > 1000)"
	                      " ORDER BY created_at DESC, id DESC",
	                      want);
	assert_int_equal(nw, 7);
	char first[OFFERAPI_CURSOR_MAX], next[OFFERAPI_CURSOR_MAX];
	walk_owner(f, tokens_page, f->rec->id, 0, want, nw, first);
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.cursor = first; /* another account's list */
	size_t n;
	int64_t total;
	assert_rc(tokens_page(f, f->rec2->id, 0, &p, ids, &n, next, &total), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "another list"));
	p.cursor = NULL;
	p.limit = OFFERAPI_PAGE_MAX + 1;
	assert_rc(tokens_page(f, f->rec->id, 0, &p, ids, &n, next, &total), OFFERAPI_EINVAL);
	/* the whole list of before: every live token, no cursor */
	offerapi_pat_list *tl;
	assert_rc(offerapi_pat_list_user(f->s, f->rec->id, &tl), 0);
	assert_int_equal(tl->count, 7);
	assert_null(tl->next);
	offerapi_pat_list_free(tl);
}

static void test_webhook_pages(void **state)
{
	fixture *f = *state;
	offerapi_id hook, other, want[MAXROWS], ids[OFFERAPI_PAGE_MAX];
	account_rows(f, &hook, &other);
	char tokens_first[OFFERAPI_CURSOR_MAX], first[OFFERAPI_CURSOR_MAX],
		next[OFFERAPI_CURSOR_MAX];
	size_t nw = owner_ids(f, "SELECT id FROM api_tokens WHERE user_id = ", f->rec->id,
	                      " AND (expires_at IS NULL OR expires_at > 1000)"
	                      " ORDER BY created_at DESC, id DESC",
	                      want);
	walk_owner(f, tokens_page, f->rec->id, 0, want, nw, tokens_first);
	nw = owner_ids(f, "SELECT id FROM webhook_endpoints WHERE user_id = ", f->rec->id,
	               " ORDER BY created_at DESC, id DESC", want);
	assert_int_equal(nw, 7);
	walk_owner(f, hooks_page, f->rec->id, 0, want, nw, first);
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.cursor = tokens_first; /* a list of another kind */
	size_t n;
	int64_t total;
	assert_rc(hooks_page(f, f->rec->id, 0, &p, ids, &n, next, &total), OFFERAPI_EINVAL);
	offerapi_webhook_list *wl;
	assert_rc(offerapi_webhook_list_user(f->s, f->rec->id, &wl), 0);
	assert_int_equal(wl->count, 7);
	offerapi_webhook_list_free(wl);

	nw = owner_ids(f, "SELECT id FROM webhook_deliveries WHERE endpoint_id = ", hook,
	               " ORDER BY created_ms DESC, id DESC", want);
	assert_int_equal(nw, 8);
	char dfirst[OFFERAPI_CURSOR_MAX];
	walk_owner(f, deliveries_page, f->rec->id, hook, want, nw, dfirst);
	p.cursor = first; /* an endpoints' cursor */
	assert_rc(deliveries_page(f, f->rec->id, hook, &p, ids, &n, next, &total), OFFERAPI_EINVAL);
	p.cursor = NULL; /* another recruiter's endpoint: not found, whatever the page */
	assert_rc(deliveries_page(f, f->rec2->id, hook, &p, ids, &n, next, &total),
	          OFFERAPI_ENOTFOUND);
	assert_rc(deliveries_page(f, f->rec->id, other, &p, ids, &n, next, &total),
	          OFFERAPI_ENOTFOUND);
}

/* ---- the dashboard and the iterator ---- */

/* The summary computed apart: from every stored score, in C. */
static void expected_summary(fixture *f, offerapi_id offer, const char *scorer,
                             offerapi_dashboard *e)
{
	memset(e, 0, sizeof *e);
	char sql[300];
	snprintf(sql, sizeof sql,
	         "SELECT sc.score FROM scores sc JOIN applications a ON a.id = sc.application_id"
	         " WHERE a.offer_id = %lld AND sc.scorer = '%s'",
	         (long long)offer, scorer);
	db_result *r = NULL;
	assert_rc(store_exec(f->s, sql, NULL, 0, &r), 0);
	const double bounds[] = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 };
	double sum = 0;
	for (int i = 0; i < r->nrows; i++) {
		double v = db_real(r, i, 0);
		int k = 0;
		while (k < 9 && v >= bounds[k])
			k++;
		e->histogram[k]++;
		sum += v;
		e->min = i == 0 || v < e->min ? v : e->min;
		e->max = i == 0 || v > e->max ? v : e->max;
	}
	e->scored = r->nrows;
	e->mean = r->nrows ? sum / r->nrows : 0;
	db_result_free(r);
}

static void test_dashboard(void **state)
{
	fixture *f = *state;
	offerapi_id offer = ranked_offer(f);
	const char *host[] = { "similarity", "random" };
	offerapi_rank rank = OFFERAPI_RANK_INIT;
	rank.scorers = host;
	rank.nscorers = 2;
	offerapi_dashboard *d;
	assert_rc(offerapi_dashboard_get(f->s, f->rec, offer, &rank, NULL, &d), 0);
	assert_string_equal(d->rank_by, "similarity");
	assert_int_equal(d->nscorers, 3);
	assert_string_equal(d->scorers[0], "similarity");
	assert_string_equal(d->scorers[1], "random");
	assert_string_equal(d->scorers[2], "old-scorer");
	assert_int_equal(d->count, 23);
	offerapi_dashboard e;
	expected_summary(f, offer, "similarity", &e);
	assert_int_equal(d->scored, 19);
	assert_int_equal(d->scored, e.scored);
	assert_true(fabs(d->mean - e.mean) < 1e-12);
	assert_true(d->min == e.min && d->max == e.max);
	for (int k = 0; k < OFFERAPI_DASHBOARD_BINS; k++)
		assert_int_equal(d->histogram[k], e.histogram[k]);
	assert_int_equal(d->max_answers, 0);
	offerapi_id want[MAXROWS];
	size_t nw = expected_ranking(f, offer, "similarity", want);
	assert_int_equal(d->page->count, nw);
	assert_int_equal(d->page->total, 23);
	for (size_t i = 0; i < nw; i++)
		assert_int_equal(d->page->items[i].id, want[i]);
	offerapi_dashboard_free(d);
	/* the last page knows its place */
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = 5;
	p.flags = OFFERAPI_PAGE_LAST;
	rank.by = "random";
	assert_rc(offerapi_dashboard_get(f->s, f->rec, offer, &rank, &p, &d), 0);
	nw = expected_ranking(f, offer, "random", want);
	expected_summary(f, offer, "random", &e);
	assert_int_equal(d->scored, e.scored);
	assert_true(fabs(d->mean - e.mean) < 1e-12);
	assert_int_equal(d->page->offset, 18);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(d->page->items[i].id, want[18 + i]);
	assert_null(d->page->next);
	offerapi_dashboard_free(d);
	rank.by = "llm";
	assert_rc(offerapi_dashboard_get(f->s, f->rec, offer, &rank, NULL, &d), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "allowed: similarity, random"));
	rank.by = NULL;
	assert_rc(offerapi_dashboard_get(f->s, f->rec2, offer, &rank, NULL, &d), OFFERAPI_EPERM);
	assert_rc(offerapi_dashboard_get(f->s, f->cand[0], offer, &rank, NULL, &d), OFFERAPI_EPERM);
	assert_rc(offerapi_dashboard_get(f->s, f->rec, 99999, &rank, NULL, &d), OFFERAPI_ENOTFOUND);
}

static void test_dashboard_empty_and_answers(void **state)
{
	fixture *f = *state;
	const char *q[] = { "Pourquoi ?", "Quand ?" };
	offerapi_offer_fields o = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Dev",
		.description = "C.",
		.questions = q,
		.nquestions = 2,
	};
	offerapi_id offer;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &offer), 0);
	offerapi_dashboard *d;
	assert_rc(offerapi_dashboard_get(f->s, f->rec, offer, NULL, NULL, &d), 0);
	assert_string_equal(d->rank_by, OFFERAPI_RANK_DEFAULT);
	assert_int_equal(d->count, 0);
	assert_int_equal(d->scored, 0);
	assert_true(d->mean == 0 && d->min == 0 && d->max == 0);
	assert_int_equal(d->nscorers, 0);
	assert_int_equal(d->page->count, 0);
	assert_null(d->page->next);
	offerapi_dashboard_free(d);
	apply(f, 0, offer);
	assert_rc(offerapi_dashboard_get(f->s, f->rec, offer, NULL, NULL, &d), 0);
	assert_int_equal(d->max_answers, 2);
	assert_int_equal(d->page->items[0].nanswers, 2);
	offerapi_dashboard_free(d);
}

static void test_iterator(void **state)
{
	fixture *f = *state;
	offerapi_id offer = ranked_offer(f);
	const char *host[] = { "similarity" };
	offerapi_rank rank = OFFERAPI_RANK_INIT;
	rank.scorers = host;
	rank.nscorers = 1;
	offerapi_id want[MAXROWS];
	size_t nw = expected_ranking(f, offer, "similarity", want);
	for (size_t batch = 1; batch <= 25; batch += 6) {
		offerapi_application_iter *it;
		assert_rc(offerapi_application_iter_new(&it, f->s, f->rec, offer, &rank, batch), 0);
		const offerapi_dashboard *sum = offerapi_application_iter_summary(it);
		assert_string_equal(sum->rank_by, "similarity");
		assert_int_equal(sum->count, 23);
		assert_null(sum->page);
		size_t n = 0;
		const offerapi_application *a;
		while (offerapi_application_iter_next(it, &a) == 0 && a) {
			assert_true(n < nw);
			assert_int_equal(a->id, want[n++]);
			assert_null(a->cv_text);
		}
		assert_int_equal(n, nw);
		assert_rc(offerapi_application_iter_next(it, &a), 0); /* stays at the end */
		assert_null(a);
		offerapi_application_iter_free(it);
	}
	offerapi_application_iter *it;
	assert_rc(offerapi_application_iter_new(&it, f->s, f->rec, offer, &rank, 501),
	          OFFERAPI_EINVAL);
	assert_rc(offerapi_application_iter_new(&it, f->s, f->rec2, offer, &rank, 0),
	          OFFERAPI_EPERM);
	assert_null(it);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_offer_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_prev_and_counts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_read_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_cursors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ranked_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ranked_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mine_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_token_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_webhook_pages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dashboard, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dashboard_empty_and_answers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iterator, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
