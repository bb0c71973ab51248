/*
 * test_plans.c - no list or dashboard query of the library may scan a
 * table or sort in a temporary b-tree, so that neither can come back
 * unnoticed. On a store filled with enough rows (thousands of offers,
 * users, applications and scores) and ANALYZEd, the test makes every read
 * call of the lists, pages, dashboard and iterator, records each statement
 * the library runs (db_set_trace) and asks the database for its plan, with
 * the same parameters:
 *
 *   SQLite      EXPLAIN QUERY PLAN: no "SCAN" of a table (an index walked in
 *               order, "SCAN x USING INDEX", is allowed: it stops at the
 *               page's LIMIT), no "TEMP B-TREE";
 *   PostgreSQL  EXPLAIN: no "Seq Scan", no "Sort" (of more than the one
 *               row a key finds), no "Gather" (the arms of a page must run
 *               in order); searches by substring excepted (see check_plan).
 *               5 times as many rows: below, PostgreSQL rightly prefers
 *               hashing a whole small table to looking rows up one by one.
 *
 * A count of a whole list (OFFERAPI_PAGE_TOTAL) reads every row by
 * definition: its statements are held to "no sort" only. argv[1] names the
 * backend; OFFERAPI_TEST_PLANS_VERBOSE=1 prints every plan.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "crypt_internal.h"
#include "store_internal.h"
#include "testdb.h"

#define MAXSTMT 128

/* A statement the library ran, with a copy of its parameters. */
typedef struct stmt {
	char *sql;
	db_param p[32];
	int n;
	bool relaxed; /* a whole-list count */
} stmt;

typedef struct trace {
	stmt s[MAXSTMT];
	int n;
	bool relaxed; /* the calls being made count whole lists */
} trace;

static void on_stmt(const char *sql, const db_param *p, int n, void *payload)
{
	trace *t = payload;
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->s[i].sql, sql) && t->s[i].relaxed == t->relaxed)
			return;
	if (t->n == MAXSTMT || n > 32)
		return;
	stmt *s = &t->s[t->n++];
	s->sql = strdup(sql);
	s->n = n;
	s->relaxed = t->relaxed;
	for (int i = 0; i < n; i++) {
		s->p[i] = p[i];
		if ((p[i].type == DB_TEXT || p[i].type == DB_BLOB) && p[i].p) {
			size_t len = p[i].type == DB_TEXT ? strlen(p[i].p) + 1 : p[i].len;
			void *copy = malloc(len ? len : 1);
			memcpy(copy, p[i].p, len);
			s->p[i].p = copy;
		}
	}
}

static void trace_free(trace *t)
{
	for (int i = 0; i < t->n; i++) {
		for (int k = 0; k < t->s[i].n; k++)
			if (t->s[i].p[k].type == DB_TEXT || t->s[i].p[k].type == DB_BLOB)
				free((void *)t->s[i].p[k].p);
		free(t->s[i].sql);
	}
	t->n = 0;
}

/* ---- the data ---- */

static void run(offerapi_store *s, const char *sql, const db_param *p, int n)
{
	int rc = store_exec(s, sql, p, n, NULL);
	if (rc != 0)
		fail_msg("%s: %s", sql, offerapi_error_last()->message);
}

/* "INSERT INTO t (...) WITH RECURSIVE g(i) ... SELECT ... FROM g" for i < @n */
static void fill(offerapi_store *s, int n, const char *insert, const char *select)
{
	char sql[1500];
	snprintf(sql, sizeof sql,
	         "%s WITH RECURSIVE g(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM g"
	         " WHERE i < %d) %s FROM g",
	         insert, n - 1, select);
	run(s, sql, NULL, 0);
}

/* Webhooks and tokens, as many as accounts may hold: 10 endpoints for
 * each of users 1..300, endpoint 1 with 3 000 deliveries and 900 others
 * spread, times tied by tens; 20 tokens and 20 sessions for each of
 * users 1..150, one in ten expired. */
static void fill_accounts(offerapi_store *s, int x)
{
	char sql[300];
	fill(s, 3000 * x,
	     "INSERT INTO webhook_endpoints (user_id, url, secret, events, created_at)",
	     "SELECT 1 + i / 10, 'https://example.org/' || i, 's', 7, 7000 + i / 3");
	snprintf(sql, sizeof sql,
	         "SELECT CASE WHEN i < %d THEN 1 ELSE 2 + i %% 2999 END, 'ping', '{}', 2, 1, 1,"
	         " 8000000 + i / 10",
	         3000 * x);
	fill(s, 3000 * x + 900,
	     "INSERT INTO webhook_deliveries (endpoint_id, event, body, state, attempts,"
	     " run_after_ms, created_ms)",
	     sql);
	fill(s, 3000 * x,
	     "INSERT INTO api_tokens (user_id, name, token_hash, scopes, created_at, expires_at)",
	     "SELECT 1 + i / 20, 't', 'h' || i, 1, 7000 + i / 4,"
	     " CASE WHEN i % 10 = 0 THEN 1 ELSE NULL END");
	fill(s, 3000 * x, "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)",
	     "SELECT 's' || i, 1 + i / 20, 7000 + i / 4,"
	     " CASE WHEN i % 10 = 0 THEN 1 ELSE 4000000000 END");
}

/*
 * 3 000 candidates (ids 3..3002 after the two recruiters); 4 000 offers of
 * recruiter 1, one in ten closed, publication times tied by twenties;
 * offers 1..40 get 100 applications each and offer 41 gets 600, dates tied
 * by fifties; "similarity" scores nine applications in ten, "random" one
 * in two, "old" one in a hundred.
 */
/* The scale of the data set (OFFERAPI_TEST_PLANS_SCALE, default 1). */
static int scale = 1;

static void fill_store(offerapi_store *s, int x)
{
	char sel[600];
	snprintf(sel, sizeof sel,
	         "SELECT 'cand' || i || '@example.org', 'Candidat ' || i, %d, 'x', 1000",
	         (int)OFFERAPI_ROLE_CANDIDATE);
	fill(s, 3000 * x,
	     "INSERT INTO users (login, display_name, role, password_hash, created_at)", sel);
	fill(s, 4000 * x,
	     "INSERT INTO offers (recruiter_id, title, description, location, skills, questions,"
	     " search_text, location_fold, skills_fold, published_at, updated_at, is_open)",
	     "SELECT 1, 'Offre ' || i, 'Un poste.', 'Lyon', '[\"C\"]', '[]',"
	     " CASE WHEN i % 50 = 0 THEN 'offre alpha' ELSE 'offre beta' END, 'lyon',"
	     " CASE WHEN i % 3 = 0 THEN '\ngo\n' ELSE '\nc\n' END, 1000 + i / 20, 1000,"
	     " CASE WHEN i % 10 = 3 THEN 0 ELSE 1 END");
	char sql[600];
	int per = 100 * x, big = 4000 * x; /* offers 1..40: per each; offer 41: 600 */
	snprintf(sql, sizeof sql,
	         "SELECT CASE WHEN i < %d THEN 1 + i / %d ELSE 41 END,"
	         " CASE WHEN i < %d THEN 3 + i %% %d ELSE 3 + i - %d END,"
	         " 'cv.pdf', 10, '[]', 0, 5000 + i / 50",
	         big, per, big, 3000 * x, big);
	fill(s, big + 600,
	     "INSERT INTO applications (offer_id, candidate_id, filename, pdf_size, answers,"
	     " nanswers, created_at)",
	     sql);
	/* a CV row per application, as many as a real store has (the planner
	 * would rather scan a near-empty table); only the one the test reads
	 * is sealed as the library seals them, the others never open */
	run(s,
	    "INSERT INTO cv_sealed (application_id, key_id, pdf, cv_text)"
	    " SELECT id, $1, $2, $2 FROM applications WHERE id <> $3",
	    (db_param[]){ P_INT(s->dk_id), P_BLOB("x", 1), P_INT(big + 1) }, 3);
	unsigned char *sp, *st;
	size_t lp, lt;
	offerapi_id app = big + 1;
	if (cv_seal(s, app, CV_PDF, "%PDF-1.4", 8, &sp, &lp) != 0 ||
	    cv_seal(s, app, CV_TEXT, "texte", 5, &st, &lt) != 0)
		fail_msg("%s", offerapi_error_last()->message);
	run(s,
	    "INSERT INTO cv_sealed (application_id, key_id, pdf, cv_text) VALUES ($1, $2, $3, $4)",
	    (db_param[]){ P_INT(app), P_INT(s->dk_id), P_BLOB(sp, lp), P_BLOB(st, lt) }, 4);
	free(sp);
	free(st);
	const char *scores[] = {
		"SELECT id, 'similarity', '2', (id * 37 % 101) / 100.0, 'e', 1, offer_id, created_at"
		" FROM applications WHERE id % 10 <> 0",
		"SELECT id, 'random', '1', (id * 13 % 100) / 100.0, '', 1, offer_id, created_at"
		" FROM applications WHERE id % 2 = 0",
		"SELECT id, 'old', '1', 0.5, '', 1, offer_id, created_at"
		" FROM applications WHERE id % 100 = 7",
	};
	for (int i = 0; i < 3; i++) {
		char ins[600];
		snprintf(ins, sizeof ins,
		         "INSERT INTO scores (application_id, scorer, scorer_version, score,"
		         " explanation, created_at, offer_id, app_created_at) %s",
		         scores[i]);
		run(s, ins, NULL, 0);
	}
	/* a similarity job per application: done, but one in a hundred pending
	 * and one in two hundred failed (a queue that is mostly done) */
	run(s,
	    "INSERT INTO jobs (application_id, scorer, scorer_version, state, run_after_ms,"
	    " enqueued_ms) SELECT id, 'similarity', '2',"
	    " CASE WHEN id % 100 = 5 THEN 0 WHEN id % 200 = 11 THEN 3 ELSE 2 END, 1, 1"
	    " FROM applications",
	    NULL, 0);
	/* stages (migration 8): one application in three reviewed, one in
	 * seven rejected, each with its history row; a note on each
	 * application, and 300 on offer 41's first */
	run(s, "UPDATE applications SET stage = 'reviewed' WHERE id % 3 = 0", NULL, 0);
	run(s, "UPDATE applications SET stage = 'rejected', reason = 'other' WHERE id % 7 = 0",
	    NULL, 0);
	snprintf(sql, sizeof sql, "SELECT %d, 1, 'note ' || i, 6000 + i / 10", big + 1);
	fill(s, 300, "INSERT INTO application_notes (application_id, author_id, body, created_at)",
	     sql);
	fill(s, big, "INSERT INTO application_notes (application_id, author_id, body, created_at)",
	     "SELECT 1 + i, 1, 'note', 6000");
	run(s,
	    "INSERT INTO application_stages (application_id, actor_id, from_stage, to_stage,"
	    " created_at) SELECT id, 1, 'received', stage, 6000 FROM applications"
	    " WHERE stage <> 'received'",
	    NULL, 0);
	/* what purged applications left (migration 16): three days of counts
	 * for every offer */
	fill(s, 4000 * x * 3, "INSERT INTO retention_counts (offer_id, day, stage, applications)",
	     "SELECT 1 + i / 3, 86400 * (i % 3), 'received', 1");
	fill_accounts(s, x);
	/* as autovacuum leaves a table: statistics, and a visibility map that
	 * lets PostgreSQL answer from an index alone */
	run(s, strcmp(offerapi_store_backend(s), "postgresql") ? "ANALYZE" : "VACUUM ANALYZE", NULL,
	    0);
}

/* ---- the plans ---- */

static bool sqlite_bad(const char *line, bool relaxed)
{
	if (strstr(line, "TEMP B-TREE"))
		return true;
	if (relaxed || strncmp(line, "SCAN ", 5) != 0)
		return false;
	if (strstr(line, " USING INDEX ") || strstr(line, " USING COVERING INDEX "))
		return false; /* an index walked in its order */
	/* "bins": the dashboard summary's one-row aggregate of score_bins */
	const char *name = line + 5;
	return !(!strcmp(name, "k") || !strcmp(name, "n") || !strncmp(name, "arm", 3) ||
	         !strncmp(name, "(subquery", 9) || !strcmp(name, "CONSTANT ROW") ||
	         !strcmp(name, "bins"));
}

/* A sort of more than the one row a primary key finds. */
static bool pg_sort(const char *p)
{
	if (strncmp(p, "Sort  (", 7) && strncmp(p, "Incremental Sort  (", 19))
		return false;
	const char *rows = strstr(p, " rows=");
	return !rows || strtol(rows + 6, NULL, 10) > 1;
}

static bool pg_bad(const char *line, bool relaxed)
{
	const char *p = line;
	while (*p == ' ' || *p == '-' || *p == '>')
		p++;
	if (!strncmp(p, "Gather", 6) || strstr(p, "Parallel "))
		return true;
	if (relaxed)
		return false;
	/* offers_generation and pages_generation hold one row (their CHECK):
	 * read whole */
	return pg_sort(p) || (strstr(p, "Seq Scan on ") != NULL &&
	                      strncmp(p, "Seq Scan on offers_generation", 29) &&
	                      strncmp(p, "Seq Scan on pages_generation", 28));
}

/* The lines a ranked search may have: FTS5's MATCH, the sort by rank. */
static bool ranked_ok(const char *line, bool pg)
{
	const char *p = line;
	while (*p == ' ' || *p == '-' || *p == '>')
		p++;
	if (pg)
		return !strncmp(p, "Sort  (", 7) || !strncmp(p, "Incremental Sort  (", 19);
	return !strncmp(p, "SCAN offers_fts VIRTUAL TABLE INDEX 0:M", 39) ||
	       !strcmp(p, "USE TEMP B-TREE FOR ORDER BY");
}

/* The plan of @st, checked line by line; every failure printed. */
static int check_plan(offerapi_store *s, const stmt *st, bool pg)
{
	size_t len = strlen(st->sql) + 32;
	char *sql = malloc(len);
	snprintf(sql, len, "%s%s", pg ? "EXPLAIN " : "EXPLAIN QUERY PLAN ", st->sql);
	db_result *r = NULL;
	int rc = store_exec(s, sql, st->p, st->n, &r);
	free(sql);
	if (rc != 0)
		fail_msg("EXPLAIN %s: %s", st->sql, offerapi_error_last()->message);
	int bad = 0;
	/* PostgreSQL may read every offer and sort the matches of a search by
	 * substring (LIKE '%word%'): with few matches it costs less than the
	 * index walk, which reads every offer too; no index serves such a
	 * filter. SQLite walks the index; both stop at the page's LIMIT. */
	bool relaxed = st->relaxed || (pg && strstr(st->sql, " LIKE "));
	/* A search by words reads its matches through the full-text index
	 * (FTS5's MATCH, PostgreSQL's GIN index) and sorts them by rank, at
	 * most OFFERAPI_SEARCH_MAX of them: no index is in rank order. */
	bool ranked = strstr(st->sql, "offers_fts MATCH") || strstr(st->sql, "search_vector @@");
	for (int i = 0; i < r->nrows; i++) {
		const char *line = db_text(r, i, pg ? 0 : 3);
		if (line && ranked && ranked_ok(line, pg))
			continue;
		if (line && (pg ? pg_bad(line, relaxed) : sqlite_bad(line, relaxed)))
			bad++;
	}
	if (bad || getenv("OFFERAPI_TEST_PLANS_VERBOSE")) {
		fprintf(stderr, "---- %d lines break the rules:\n%s\n", bad, st->sql);
		for (int i = 0; i < r->nrows; i++)
			fprintf(stderr, "    %s\n", db_text(r, i, pg ? 0 : 3));
	}
	db_result_free(r);
	return bad;
}

/* ---- the calls ---- */

static char *keep(char **slot, const char *cursor)
{
	free(*slot);
	*slot = cursor ? strdup(cursor) : NULL;
	return *slot;
}

static void offers_calls(offerapi_store *s, trace *t)
{
	offerapi_offer_query qs[6];
	for (int i = 0; i < 6; i++)
		qs[i] = (offerapi_offer_query)OFFERAPI_OFFER_QUERY_INIT;
	qs[1].words = "alpha";
	qs[2].location = "lyon";
	qs[3].skill = "go";
	qs[4].recruiter_id = 1;
	qs[4].include_closed = 1;
	qs[4].flags = OFFERAPI_OFFER_COUNTS;
	qs[5].include_closed = 1;
	char *c = NULL;
	for (int i = 0; i < 6; i++) {
		offerapi_page p = OFFERAPI_PAGE_INIT;
		offerapi_offer_list *l;
		assert_rc(offerapi_offer_list_page(s, &qs[i], &p, &l), 0); /* first */
		p.cursor = keep(&c, l->next);
		offerapi_offer_list_free(l);
		assert_rc(offerapi_offer_list_page(s, &qs[i], &p, &l), 0); /* next */
		p.cursor = keep(&c, l->prev);
		offerapi_offer_list_free(l);
		assert_rc(offerapi_offer_list_page(s, &qs[i], &p, &l), 0); /* prev */
		offerapi_offer_list_free(l);
		p.cursor = NULL;
		p.flags = OFFERAPI_PAGE_LAST;
		assert_rc(offerapi_offer_list_page(s, &qs[i], &p, &l), 0); /* last */
		offerapi_offer_list_free(l);
	}
	qs[0].offset = 3000; /* the old call */
	offerapi_offer_list *l;
	assert_rc(offerapi_offer_search(s, &qs[0], &l), 0);
	offerapi_offer_list_free(l);
	offerapi_offer *o;
	assert_rc(offerapi_offer_get(s, 41, &o), 0);
	offerapi_offer_free(o);
	t->relaxed = true;
	for (int i = 0; i < 6; i += 4) {
		offerapi_page p = OFFERAPI_PAGE_INIT;
		p.flags = OFFERAPI_PAGE_TOTAL;
		qs[i].offset = 0;
		assert_rc(offerapi_offer_list_page(s, &qs[i], &p, &l), 0);
		offerapi_offer_list_free(l);
	}
	t->relaxed = false;
	free(c);
}

/* Every page of the ranked list of offer 41 with 90 rows a page: it crosses
 * from the scored applications to the unscored ones. */
static void ranked_calls(offerapi_store *s, const offerapi_user *rec)
{
	const char *host[] = { "similarity", "random" };
	offerapi_rank rank = OFFERAPI_RANK_INIT;
	rank.scorers = host;
	rank.nscorers = 2;
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = 90;
	char *c = NULL;
	for (int pages = 0; pages < 20; pages++) {
		offerapi_application_list *l;
		assert_rc(offerapi_application_list_offer_page(s, rec, 41, &rank, &p, &l), 0);
		p.cursor = keep(&c, l->next);
		offerapi_application_list_free(l);
		if (!p.cursor)
			break;
	}
	p.flags = OFFERAPI_PAGE_LAST;
	for (int pages = 0; pages < 20; pages++) {
		offerapi_application_list *l;
		assert_rc(offerapi_application_list_offer_page(s, rec, 41, &rank, &p, &l), 0);
		p.cursor = keep(&c, l->prev);
		p.flags = 0;
		offerapi_application_list_free(l);
		if (!p.cursor)
			break;
	}
	rank.by = "old"; /* stored only: the loose index scan of the names */
	offerapi_application_list *l;
	assert_rc(offerapi_application_list_offer_page(s, rec, 41, &rank, NULL, &l), 0);
	offerapi_application_list_free(l);
	free(c);
}

static void dashboard_calls(offerapi_store *s, const offerapi_user *rec)
{
	const char *host[] = { "similarity" };
	offerapi_rank rank = OFFERAPI_RANK_INIT;
	rank.scorers = host;
	rank.nscorers = 1;
	offerapi_page p = OFFERAPI_PAGE_INIT;
	offerapi_dashboard *d;
	assert_rc(offerapi_dashboard_get(s, rec, 41, &rank, &p, &d), 0);
	assert_int_equal(d->count, 600);
	offerapi_dashboard_free(d);
	p.flags = OFFERAPI_PAGE_LAST;
	assert_rc(offerapi_dashboard_get(s, rec, 41, &rank, &p, &d), 0);
	offerapi_dashboard_free(d);
	offerapi_application_iter *it;
	assert_rc(offerapi_application_iter_new(&it, s, rec, 41, &rank, 400), 0);
	const offerapi_application *a;
	size_t n = 0;
	while (offerapi_application_iter_next(it, &a) == 0 && a)
		n++;
	assert_int_equal(n, 600);
	offerapi_application_iter_free(it);
	/* the jobs not done, read from the queue's side, not by walking the
	 * offer's applications (and not sorted in a temporary b-tree) */
	offerapi_job_status_list *jl;
	assert_rc(offerapi_job_status_offer(s, rec, 41, &jl), 0);
	assert_true(jl->count > 0);
	for (size_t i = 1; i < jl->count; i++)
		assert_true(jl->items[i - 1].application_id <= jl->items[i].application_id);
	offerapi_job_status_list_free(jl);
}

/* An offer's applications at one stage, page by page; an application's
 * notes, page by page, and its history (stages.c). */
static void stage_calls(offerapi_store *s, trace *t, const offerapi_user *rec)
{
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = 40;
	char *c = NULL;
	size_t n = 0;
	for (int pages = 0; pages < 20; pages++) {
		offerapi_application_list *l;
		assert_rc(offerapi_application_list_stage_page(s, rec, 41, OFFERAPI_STAGE_REVIEWED,
		                                               &p, &l),
		          0);
		for (size_t i = 0; i < l->count; i++)
			assert_int_equal(l->items[i].stage, OFFERAPI_STAGE_REVIEWED);
		n += l->count;
		p.cursor = keep(&c, l->next);
		offerapi_application_list_free(l);
		if (!p.cursor)
			break;
	}
	assert_true(n > 100);
	offerapi_id app = 4000 * scale + 1;
	p = (offerapi_page)OFFERAPI_PAGE_INIT;
	p.limit = 50;
	n = 0;
	for (int pages = 0; pages < 10; pages++) {
		offerapi_note_list *l;
		assert_rc(offerapi_application_note_list(s, rec, app, &p, &l), 0);
		n += l->count;
		p.cursor = keep(&c, l->next);
		offerapi_note_list_free(l);
		if (!p.cursor)
			break;
	}
	assert_int_equal(n, 300);
	offerapi_stage_history *h;
	assert_rc(offerapi_application_history(s, rec, app, &h), 0);
	offerapi_stage_history_free(h);
	t->relaxed = true; /* the counts read every row of their list */
	p = (offerapi_page)OFFERAPI_PAGE_INIT;
	p.flags = OFFERAPI_PAGE_TOTAL;
	offerapi_application_list *l;
	assert_rc(offerapi_application_list_stage_page(s, rec, 41, OFFERAPI_STAGE_REJECTED, &p, &l),
	          0);
	assert_true(l->total > 50);
	offerapi_application_list_free(l);
	t->relaxed = false;
	free(c);
}

/* The operator's list of accounts (issue 16): every one, one role's; three
 * pages each. */
static void user_calls(offerapi_store *s)
{
	const offerapi_role roles[] = { 0, OFFERAPI_ROLE_CANDIDATE };
	char *c = NULL;
	for (size_t k = 0; k < sizeof roles / sizeof *roles; k++) {
		offerapi_page p = OFFERAPI_PAGE_INIT;
		p.limit = 20;
		for (int pages = 0; pages < 3; pages++) {
			offerapi_user_list *l;
			assert_rc(offerapi_user_list_page(s, roles[k], &p, &l), 0);
			assert_int_equal(l->count, 20);
			p.cursor = keep(&c, l->next);
			offerapi_user_list_free(l);
		}
	}
	free(c);
}

/* An account's tokens, sessions and endpoints, and endpoint 1's
 * deliveries, page by page (tokens.c, users.c, webhooks.c). */
static void account_calls(offerapi_store *s, trace *t)
{
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = 7;
	char *c = NULL;
	size_t n = 0;
	for (int pages = 0; pages < 10; pages++) {
		offerapi_pat_list *l;
		assert_rc(offerapi_pat_list_page(s, 1, &p, &l), 0);
		n += l->count;
		p.cursor = keep(&c, l->next);
		offerapi_pat_list_free(l);
		if (!p.cursor)
			break;
	}
	assert_int_equal(n, 18); /* 20, two expired */
	p = (offerapi_page)OFFERAPI_PAGE_INIT;
	p.limit = 7;
	n = 0;
	for (int pages = 0; pages < 10; pages++) {
		offerapi_session_list *l;
		assert_rc(offerapi_session_list_page(s, 1, &p, &l), 0);
		n += l->count;
		p.cursor = keep(&c, l->next);
		offerapi_session_list_free(l);
		if (!p.cursor)
			break;
	}
	assert_int_equal(n, 18);
	p = (offerapi_page)OFFERAPI_PAGE_INIT;
	p.limit = 4;
	offerapi_webhook_list *wl;
	assert_rc(offerapi_webhook_list_page(s, 1, &p, &wl), 0);
	assert_non_null(wl->next);
	p.cursor = keep(&c, wl->next);
	offerapi_webhook_list_free(wl);
	assert_rc(offerapi_webhook_list_page(s, 1, &p, &wl), 0);
	offerapi_webhook_list_free(wl);
	p = (offerapi_page)OFFERAPI_PAGE_INIT;
	n = 0;
	for (int pages = 0; pages < 3; pages++) {
		offerapi_delivery_list *l;
		assert_rc(offerapi_webhook_deliveries_page(s, 1, 1, &p, &l), 0);
		n += l->count;
		p.cursor = keep(&c, l->next);
		offerapi_delivery_list_free(l);
	}
	assert_int_equal(n, 150);
	t->relaxed = true; /* the counts read every row of their list */
	p = (offerapi_page)OFFERAPI_PAGE_INIT;
	p.flags = OFFERAPI_PAGE_TOTAL;
	offerapi_delivery_list *l;
	assert_rc(offerapi_webhook_deliveries_page(s, 1, 1, &p, &l), 0);
	assert_int_equal(l->total, 3000 * scale);
	offerapi_delivery_list_free(l);
	t->relaxed = false;
	free(c);
}

/* The whole list of before pages, over two pages of 500: in order. */
static void legacy_calls(offerapi_store *s, const offerapi_user *rec, const offerapi_user *cand)
{
	offerapi_application_list *l;
	assert_rc(offerapi_application_list_offer(s, rec, 41, NULL, 0, &l), 0);
	assert_int_equal(l->count, 600);
	assert_string_equal(l->rank_by, "old"); /* the first by name */
	offerapi_application_list_free(l);
	assert_rc(offerapi_application_list_offer(s, rec, 41, "similarity", 0, &l), 0);
	for (size_t i = 1; i < l->count; i++) {
		const offerapi_application *a = &l->items[i - 1], *b = &l->items[i];
		const offerapi_score *sa = NULL, *sb = NULL;
		for (size_t k = 0; k < a->nscores; k++)
			if (!strcmp(a->scores[k].scorer, "similarity"))
				sa = &a->scores[k];
		for (size_t k = 0; k < b->nscores; k++)
			if (!strcmp(b->scores[k].scorer, "similarity"))
				sb = &b->scores[k];
		bool ok = (sa && !sb) || (sa && sb && sa->score > sb->score) ||
		          ((!sa == !sb) && (!sa || sa->score == sb->score) &&
		           (a->created_at < b->created_at ||
		            (a->created_at == b->created_at && a->id < b->id)));
		if (!ok)
			fail_msg("rows %zu and %zu out of order", i - 1, i);
	}
	offerapi_application_list_free(l);
	assert_rc(offerapi_application_list_mine(s, cand, 0, &l), 0);
	offerapi_application_list_free(l);
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.flags = OFFERAPI_PAGE_LAST;
	assert_rc(offerapi_application_list_mine_page(s, cand, &p, &l), 0);
	offerapi_application_list_free(l);
	offerapi_application *a;
	assert_rc(offerapi_application_get(s, rec, 4000 * scale + 1, &a), 0);
	offerapi_application_free(a);
	void *pdf;
	size_t len;
	assert_rc(offerapi_application_pdf(s, rec, 4000 * scale + 1, &pdf, &len), 0);
	offerapi_free(pdf);
}

static void test_plans(void **state)
{
	(void)state;
	testdb db;
	offerapi_store *s = testdb_open_new(&db);
	offerapi_user *rec = testdb_user(s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	offerapi_user *rec2 = testdb_user(s, "rh2@example.org", OFFERAPI_ROLE_RECRUITER);
	assert_int_equal(rec->id, 1);
	const char *x = getenv("OFFERAPI_TEST_PLANS_SCALE");
	scale = x && atoi(x) > 0 ? atoi(x) : strcmp(testdb_backend, "postgresql") ? 1 : 5;
	fill_store(s, scale);
	offerapi_user *cand;
	assert_rc(offerapi_user_get(s, 3, &cand), 0);
	static trace t;
	db_set_trace(on_stmt, &t);
	offers_calls(s, &t);
	ranked_calls(s, rec);
	dashboard_calls(s, rec);
	legacy_calls(s, rec, cand);
	stage_calls(s, &t, rec);
	user_calls(s);
	account_calls(s, &t);
	db_set_trace(NULL, NULL);
	bool pg = !strcmp(offerapi_store_backend(s), "postgresql");
	int bad = 0, reads = 0;
	for (int i = 0; i < t.n; i++)
		if (!strncmp(t.s[i].sql, "SELECT", 6) || !strncmp(t.s[i].sql, "WITH", 4)) {
			bad += check_plan(s, &t.s[i], pg);
			reads++;
		}
	fprintf(stderr, "test_plans: %d statements checked, %d plan lines break the rules\n", reads,
	        bad);
	assert_true(reads >= 20);
	assert_int_equal(bad, 0);
	trace_free(&t);
	offerapi_user_free(rec);
	offerapi_user_free(rec2);
	offerapi_user_free(cand);
	testdb_close(&db, s);
}

/* SQLite connections keep a 256 KiB page cache, not SQLite's 2 MiB: four
 * pooled connections of 2 MiB made 7 MiB of the server's peak RSS
 * (bench/http/README.md). The kernel's page cache holds the file anyway. */
static void test_sqlite_cache_size(void **state)
{
	(void)state;
	if (!strcmp(testdb_backend, "postgresql"))
		skip();
	testdb db;
	offerapi_store *s = testdb_open_new(&db);
	db_result *r = NULL;
	assert_rc(store_exec(s, "PRAGMA cache_size", NULL, 0, &r), 0);
	assert_int_equal(r->nrows, 1);
	assert_int_equal(db_int(r, 0, 0), -256);
	db_result_free(r);
	testdb_close(&db, s);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plans),
		cmocka_unit_test(test_sqlite_cache_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
