/*
 * test_search.c - full-text search over offers (issue 14), on the backend
 * named by argv[1]. Every search asserts the exact ids in the exact order,
 * the same list on SQLite and on PostgreSQL: the two engines must agree.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <libpq-fe.h>

#include <offerapi/offerapi.h>

#include "store_internal.h"
#include "testdb.h"

typedef struct fixture {
	testdb db;
	offerapi_store *s;
	offerapi_user *rec;
	/* the offers, by what they are made to test */
	offerapi_id dev, nurse_title, nurse_body, kube, elec, archived, cobol;
} fixture;

static offerapi_id mkoffer(fixture *f, const char *title, const char *description,
                           const char *location, const char **skills, size_t nskills)
{
	offerapi_offer_fields o = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = title,
		.description = description,
		.location = location,
		.skills = skills,
		.nskills = nskills,
	};
	offerapi_id id;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), 0);
	return id;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->s = testdb_open_new(&f->db);
	f->rec = testdb_user(f->s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	const char *c[] = { "C", "Linux" }, *py[] = { "Python" };
	f->dev = mkoffer(f, "Développeur C", "Un poste de firmware embarqué.", "Lyon", c, 2);
	/* the body match is made after the title match: newer, it would come
	 * first if the rank did not put the title above */
	f->nurse_title = mkoffer(f, "Infirmier de nuit", "Service de gériatrie, équipe de jour.",
	                         "Nantes", NULL, 0);
	f->nurse_body = mkoffer(f, "Aide-soignant", "Vous travaillez avec un infirmier référent.",
	                        "Nantes", NULL, 0);
	f->kube = mkoffer(f, "Ingénieur Kubernetes", "Plateforme de conteneurs.", "Paris", py, 1);
	f->elec = mkoffer(f, "Électricien", "Chantiers de rénovation.", "Lille", NULL, 0);
	f->archived = mkoffer(f, "Archiviste Kubernetes", "Python et Kubernetes.", "Paris", py, 1);
	assert_rc(offerapi_offer_archive(f->s, f->rec, f->archived, 0, NULL), 0);
	f->cobol = mkoffer(f, "Analyste COBOL", "Mainframe bancaire.", "Lyon", NULL, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	offerapi_user_free(f->rec);
	testdb_close(&f->db, f->s);
	free(f);
	return 0;
}

/* Search @words (and @location): the list, checked against @want (ended
 * by 0) in order; returns the list (free it). */
static offerapi_offer_list *expect(fixture *f, const char *words, const char *location,
                                   const offerapi_id *want)
{
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.words = words;
	q.location = location;
	offerapi_offer_list *l = NULL;
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), 0);
	size_t n = 0;
	while (want[n])
		n++;
	char got[256] = "", exp[256] = "";
	for (size_t i = 0; i < l->count; i++)
		snprintf(got + strlen(got), sizeof got - strlen(got), " %lld",
		         (long long)l->items[i].id);
	for (size_t i = 0; i < n; i++)
		snprintf(exp + strlen(exp), sizeof exp - strlen(exp), " %lld", (long long)want[i]);
	if (strcmp(got, exp))
		fail_msg("search \"%s\": got [%s ], expected [%s ]", words, got, exp);
	/* offerapi_offer_search() agrees with the page */
	offerapi_offer_list *o = NULL;
	assert_rc(offerapi_offer_search(f->s, &q, &o), 0);
	assert_int_equal(o->count, l->count);
	for (size_t i = 0; i < o->count; i++)
		assert_int_equal(o->items[i].id, l->items[i].id);
	assert_int_equal(o->any_words, l->any_words);
	offerapi_offer_list_free(o);
	return l;
}

static void check(fixture *f, const char *words, bool any, const offerapi_id *want)
{
	offerapi_offer_list *l = expect(f, words, NULL, want);
	if (l->any_words != (int)any)
		fail_msg("search \"%s\": any_words %d", words, l->any_words);
	offerapi_offer_list_free(l);
}

static void test_stems_and_accents(void **state)
{
	fixture *f = *state;
	check(f, "developpeuse", false, (offerapi_id[]){ f->dev, 0 });
	check(f, "Développeurs", false, (offerapi_id[]){ f->dev, 0 });
	check(f, "DÉVELOPPEUR", false, (offerapi_id[]){ f->dev, 0 });
	check(f, "electricienne", false, (offerapi_id[]){ f->elec, 0 });
	check(f, "ÉLECTRICIEN", false, (offerapi_id[]){ f->elec, 0 });
	check(f, "embarque", false, (offerapi_id[]){ f->dev, 0 });
	check(f, "geriatrie", false, (offerapi_id[]){ f->nurse_title, 0 });
	check(f, "conteneur", false, (offerapi_id[]){ f->kube, 0 }); /* plural indexed */
	check(f, "zzzz", false, (offerapi_id[]){ 0 });
}

static void test_title_ranks_above_body(void **state)
{
	fixture *f = *state;
	check(f, "infirmier", false, (offerapi_id[]){ f->nurse_title, f->nurse_body, 0 });
	check(f, "infirmiere", false, (offerapi_id[]){ f->nurse_title, f->nurse_body, 0 });
	/* the location is kept as a filter */
	offerapi_offer_list *l = expect(f, "infirmier", "nantes",
	                                (offerapi_id[]){ f->nurse_title, f->nurse_body, 0 });
	offerapi_offer_list_free(l);
	l = expect(f, "infirmier", "lyon", (offerapi_id[]){ 0 });
	offerapi_offer_list_free(l);
}

static void test_words_in_different_fields(void **state)
{
	fixture *f = *state;
	/* Kubernetes in the title, Python a skill; the archived offer has both
	 * and is never found */
	check(f, "kubernetes python", false, (offerapi_id[]){ f->kube, 0 });
	check(f, "python", false, (offerapi_id[]){ f->kube, 0 });
	check(f, "archiviste", false, (offerapi_id[]){ 0 });
}

static void test_any_word_when_too_few_have_all(void **state)
{
	fixture *f = *state;
	/* no offer has both: the offers with either, and the list says so;
	 * cobol is in a title, conteneurs in a description */
	check(f, "conteneurs cobol", true, (offerapi_id[]){ f->cobol, f->kube, 0 });
	/* one word: nothing to fall back to */
	check(f, "cobol", false, (offerapi_id[]){ f->cobol, 0 });
	/* an unknown word among known ones */
	check(f, "cobol zzzz", true, (offerapi_id[]){ f->cobol, 0 });
}

static void test_update_reindexes(void **state)
{
	fixture *f = *state;
	offerapi_offer_fields o = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Plombière",
		.description = "Dépannages.",
		.location = "Lille",
	};
	assert_rc(offerapi_offer_update(f->s, f->rec, f->elec, &o), 0);
	check(f, "electricien", false, (offerapi_id[]){ 0 });
	check(f, "plombier", false, (offerapi_id[]){ f->elec, 0 });
	check(f, "depannage", false, (offerapi_id[]){ f->elec, 0 });
	/* closed offers leave the public search, and come back */
	assert_rc(offerapi_offer_set_open(f->s, f->rec, f->elec, 0), 0);
	check(f, "plombier", false, (offerapi_id[]){ 0 });
	assert_rc(offerapi_offer_set_open(f->s, f->rec, f->elec, 1), 0);
	check(f, "plombier", false, (offerapi_id[]){ f->elec, 0 });
}

/* A ranking is kept between searches (searchcache.c) while no offer has
 * changed: every write, this store's or another replica's, is seen by the
 * next search, on both backends (another replica's on PostgreSQL once its
 * notification came: TESTDB_BY_OTHER). */
static void test_kept_rankings_follow_writes(void **state)
{
	fixture *f = *state;
	offerapi_store *other = testdb_open(&f->db); /* another replica */
	check(f, "kubernetes", false, (offerapi_id[]){ f->kube, 0 });
	check(f, "kubernetes", false, (offerapi_id[]){ f->kube, 0 }); /* kept */
	const char *py[] = { "Python" };
	offerapi_id sre = mkoffer(f, "SRE Kubernetes", "Astreintes.", "Lyon", py, 1);
	check(f, "kubernetes", false, (offerapi_id[]){ sre, f->kube, 0 });
	/* the other replica closes one, then changes the other's title */
	TESTDB_BY_OTHER(f->s, assert_rc(offerapi_offer_set_open(other, f->rec, sre, 0), 0));
	check(f, "kubernetes", false, (offerapi_id[]){ f->kube, 0 });
	offerapi_offer_fields o = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Ingénieur plateforme",
		.description = "Conteneurs.",
		.location = "Paris",
	};
	TESTDB_BY_OTHER(f->s, assert_rc(offerapi_offer_update(other, f->rec, f->kube, &o), 0));
	check(f, "kubernetes", false, (offerapi_id[]){ 0 });
	check(f, "plateforme", false, (offerapi_id[]){ f->kube, 0 });
	TESTDB_BY_OTHER(f->s, assert_rc(offerapi_offer_set_open(other, f->rec, sre, 1), 0));
	check(f, "kubernetes", false, (offerapi_id[]){ sre, 0 });
	offerapi_store_free(other);
}

static void test_hostile_input(void **state)
{
	fixture *f = *state;
	const char *inputs[] = { "\"",
		                 "\"cobol",
		                 "cobol*",
		                 "-cobol",
		                 "NEAR(cobol analyste)",
		                 "cobol OR",
		                 "OR",
		                 "(cobol",
		                 "cobol)",
		                 "title:cobol",
		                 "^cobol",
		                 "cobol AND NOT",
		                 "' OR 1=1 --",
		                 "cobol:*",
		                 "!cobol & | ",
		                 "\\",
		                 "{cobol}",
		                 "cobol + - * ",
		                 "\"\"\"\"",
		                 "NOT",
		                 "AND OR NOT" };
	for (size_t i = 0; i < sizeof inputs / sizeof *inputs; i++) {
		offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
		q.words = inputs[i];
		offerapi_offer_list *l = NULL;
		int rc = offerapi_offer_list_page(f->s, &q, NULL, &l);
		if (rc != 0)
			fail_msg("search \"%s\": %d (%s)", inputs[i], rc,
			         offerapi_error_last()->message);
		offerapi_offer_list_free(l);
	}
	/* operators are plain words: "cobol*" is the word cobol */
	check(f, "cobol*", false, (offerapi_id[]){ f->cobol, 0 });
	check(f, "NEAR(cobol analyste)", true, (offerapi_id[]){ f->cobol, 0 }); /* no "near" */
	check(f, "(cobol analyste)", false, (offerapi_id[]){ f->cobol, 0 });
	check(f, "-cobol", false, (offerapi_id[]){ f->cobol, 0 });
	/* a 2 000-byte query and nine words: refused, naming the field */
	char big[2001];
	memset(big, 'a', 2000);
	big[2000] = '\0';
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.words = big;
	offerapi_offer_list *l = NULL;
	int rc = offerapi_offer_list_page(f->s, &q, NULL, &l);
	assert_true(rc == OFFERAPI_EINVAL || rc == OFFERAPI_ETOOBIG);
	assert_non_null(strstr(offerapi_error_last()->message, "search words"));
	q.words = "a b c d e f g h i";
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "search words: at most 8 words"));
	/* repeated words are one word */
	q.words = "cobol cobol cobol cobol cobol cobol cobol cobol cobol";
	assert_rc(offerapi_offer_list_page(f->s, &q, NULL, &l), 0);
	assert_int_equal(l->count, 1);
	offerapi_offer_list_free(l);
}

static void test_snippets(void **state)
{
	fixture *f = *state;
	offerapi_offer_list *l = expect(f, "infirmier", NULL,
	                                (offerapi_id[]){ f->nurse_title, f->nurse_body, 0 });
	assert_null(l->items[0].snippet); /* the word is in the title only */
	assert_non_null(l->items[1].snippet);
	assert_string_equal(l->items[1].snippet, "Vous travaillez avec un " OFFERAPI_MARK_START
	                                         "infirmier" OFFERAPI_MARK_END " référent.");
	offerapi_offer_list_free(l);
	l = expect(f, "EMBARQUE", NULL, (offerapi_id[]){ f->dev, 0 });
	assert_string_equal(l->items[0].snippet, "Un poste de firmware " OFFERAPI_MARK_START
	                                         "embarqué" OFFERAPI_MARK_END ".");
	offerapi_offer_list_free(l);
	/* a long description is cut around the first match, between words */
	char desc[3000] = "";
	for (int i = 0; i < 100; i++)
		strcat(desc, "lorem ipsum ");
	strcat(desc, "Sécurité réseau. ");
	for (int i = 0; i < 100; i++)
		strcat(desc, "dolor sit ");
	offerapi_offer_fields o = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
		                    .title = "Poste",
		                    .description = desc };
	offerapi_id id;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), 0);
	l = expect(f, "securite", NULL, (offerapi_id[]){ id, 0 });
	const char *sn = l->items[0].snippet;
	assert_non_null(sn);
	assert_true(strlen(sn) <= 200 + 2 * strlen("…") + 2);
	assert_true(strncmp(sn, "…lorem ", strlen("…lorem ")) == 0 ||
	            strncmp(sn, "…ipsum ", strlen("…ipsum ")) == 0);
	assert_non_null(strstr(sn, OFFERAPI_MARK_START "Sécurité" OFFERAPI_MARK_END " réseau."));
	assert_true(strlen(sn) > strlen("…") && strcmp(sn + strlen(sn) - strlen("…"), "…") == 0);
	offerapi_offer_list_free(l);
	/* past the first 4 KiB, a word is found but not extracted */
	char far[6000] = "";
	for (int i = 0; i < 450; i++)
		strcat(far, "lorem ipsum ");
	strcat(far, "Topographie.");
	o.description = far;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), 0);
	l = expect(f, "topographie", NULL, (offerapi_id[]){ id, 0 });
	assert_null(l->items[0].snippet);
	offerapi_offer_list_free(l);
}

/* A search paged by cursors, forwards then backwards, equals the whole. */
static void test_cursor_pages(void **state)
{
	fixture *f = *state;
	enum { N = 23 };
	offerapi_id made[N];
	for (int i = 0; i < N; i++) {
		char title[64], desc[128];
		/* ranks differ (one to three mentions) and tie (same count) */
		snprintf(title, sizeof title, "Poste %d", i);
		snprintf(desc, sizeof desc, "%s",
		         i % 3 == 0   ? "Magasinier."
		         : i % 3 == 1 ? "Magasinier, magasinier."
		                      : "Magasinier, magasinier, magasinier.");
		offerapi_offer_fields o = { .version = OFFERAPI_OFFER_FIELDS_VERSION,
			                    .title = title,
			                    .description = desc };
		assert_rc(offerapi_offer_create(f->s, f->rec, &o, &made[i]), 0);
	}
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.words = "magasiniers";
	offerapi_offer_list *all = NULL;
	assert_rc(offerapi_offer_search(f->s, &q, &all), 0);
	assert_int_equal(all->count, N);
	offerapi_id got[N + 1];
	size_t n = 0;
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.limit = 5;
	p.flags = OFFERAPI_PAGE_TOTAL;
	char *cursor = NULL;
	for (;;) {
		offerapi_offer_list *l = NULL;
		p.cursor = cursor;
		assert_rc(offerapi_offer_list_page(f->s, &q, &p, &l), 0);
		assert_int_equal(l->total, N);
		assert_int_equal(l->offset, (int64_t)n);
		for (size_t i = 0; i < l->count && n <= N; i++)
			got[n++] = l->items[i].id;
		free(cursor);
		cursor = l->next ? strdup(l->next) : NULL;
		offerapi_offer_list_free(l);
		if (!cursor)
			break;
	}
	assert_int_equal(n, N);
	for (size_t i = 0; i < N; i++)
		assert_int_equal(got[i], all->items[i].id);
	/* the last page, then back by prev cursors */
	p.flags = OFFERAPI_PAGE_LAST | OFFERAPI_PAGE_TOTAL;
	p.cursor = NULL;
	n = N;
	for (;;) {
		offerapi_offer_list *l = NULL;
		assert_rc(offerapi_offer_list_page(f->s, &q, &p, &l), 0);
		assert_true(l->count <= n);
		n -= l->count;
		for (size_t i = 0; i < l->count; i++)
			assert_int_equal(l->items[i].id, all->items[n + i].id);
		free(cursor);
		cursor = l->prev ? strdup(l->prev) : NULL;
		offerapi_offer_list_free(l);
		p.cursor = cursor;
		p.flags = OFFERAPI_PAGE_TOTAL;
		if (!cursor)
			break;
	}
	assert_int_equal(n, 0);
	/* the best ranked first: three mentions before one */
	assert_true(all->items[0].id == made[N - 1] || all->items[0].id == made[N - 2] ||
	            all->items[0].id == made[N - 3]);
	assert_true(strstr(all->items[0].description, "magasinier, magasinier") != NULL);
	assert_true(strstr(all->items[N - 1].description, ",") == NULL);
	/* a cursor of another search is refused */
	offerapi_offer_list *l = NULL;
	p.limit = 5;
	p.flags = 0;
	p.cursor = NULL;
	assert_rc(offerapi_offer_list_page(f->s, &q, &p, &l), 0);
	cursor = strdup(l->next);
	offerapi_offer_list_free(l);
	q.words = "poste";
	p.cursor = cursor;
	assert_rc(offerapi_offer_list_page(f->s, &q, &p, &l), OFFERAPI_EINVAL);
	free(cursor);
	offerapi_offer_list_free(all);
}

/* PostgreSQL only: the migration created unaccent in the test cluster's
 * database, and the search configuration folds accents with it. */
static void test_postgresql_unaccent(void **state)
{
	fixture *f = *state;
	PGconn *c = PQconnectdb(f->db.url);
	assert_int_equal(PQstatus(c), CONNECTION_OK);
	PGresult *r = PQexec(c, "SELECT extname FROM pg_extension WHERE extname = 'unaccent'");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_int_equal(PQntuples(r), 1);
	PQclear(r);
	r = PQexec(c, "SELECT to_tsvector('offerapi_search', 'Élève Ingénieure')::text");
	assert_int_equal(PQresultStatus(r), PGRES_TUPLES_OK);
	assert_string_equal(PQgetvalue(r, 0, 0), "'eleve':1 'ingenieure':2");
	PQclear(r);
	PQfinish(c);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_stems_and_accents, setup, teardown),
		cmocka_unit_test_setup_teardown(test_title_ranks_above_body, setup, teardown),
		cmocka_unit_test_setup_teardown(test_words_in_different_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_any_word_when_too_few_have_all, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(test_update_reindexes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kept_rankings_follow_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hostile_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_snippets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cursor_pages, setup, teardown),
	};
	const struct CMUnitTest pg_tests[] = {
		cmocka_unit_test_setup_teardown(test_postgresql_unaccent, setup, teardown),
	};
	int failed = cmocka_run_group_tests(tests, NULL, NULL);
	if (!strcmp(testdb_backend, "postgresql"))
		failed += cmocka_run_group_tests(pg_tests, NULL, NULL);
	return failed;
}
