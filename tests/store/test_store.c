/*
 * test_store.c - the domain suite: users, sessions, offers, applications and
 * scores, with their permission rules and bad input. The same suite runs on
 * SQLite and on PostgreSQL: argv[1] names the backend.
 */
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <offerapi/offerapi.h>

#include "pdfbomb.h"
#include "pdfgen.h"
#include "testdb.h"

typedef struct fixture {
	testdb db;
	offerapi_store *s;
	offerapi_user *rec, *rec2, *cand, *cand2;
	char *pdf;
	size_t pdf_len;
} fixture;

static offerapi_user *mkuser(offerapi_store *s, const char *login, offerapi_role role)
{
	offerapi_user *u = NULL;
	assert_rc(offerapi_user_create(s, login, login, "correct horse", role, &u), 0);
	return u;
}

static char *cv_pdf(const char *utf8_line, size_t *len)
{
	char *l = pdfgen_latin1(utf8_line);
	const char *lines[] = { "Curriculum vitae", l, "Skills: C, SQL, Kubernetes" };
	char *p = pdfgen_text(lines, 3, 1, len);
	free(l);
	assert_non_null(p);
	return p;
}

static int setup(void **state)
{
	fixture *f = calloc(1, sizeof *f);
	f->s = testdb_open_new(&f->db);
	f->rec = mkuser(f->s, "rh@example.org", OFFERAPI_ROLE_RECRUITER);
	f->rec2 = mkuser(f->s, "other.rh@example.org", OFFERAPI_ROLE_RECRUITER);
	f->cand = mkuser(f->s, "alice", OFFERAPI_ROLE_CANDIDATE);
	f->cand2 = mkuser(f->s, "bob", OFFERAPI_ROLE_CANDIDATE);
	f->pdf = cv_pdf("Alice Martin, développeuse à Montréal", &f->pdf_len);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture *f = *state;
	offerapi_user_free(f->rec);
	offerapi_user_free(f->rec2);
	offerapi_user_free(f->cand);
	offerapi_user_free(f->cand2);
	free(f->pdf);
	testdb_close(&f->db, f->s);
	free(f);
	return 0;
}

static offerapi_id mkoffer(fixture *f, const char *title, const char *location,
                           const char *const *skills, size_t nskills)
{
	const char *questions[] = { "Pourquoi nous ?", "Disponible quand ?" };
	offerapi_offer_fields o = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = title,
		.description = "A job writing C for a living.",
		.location = location,
		.skills = skills,
		.nskills = nskills,
		.questions = questions,
		.nquestions = 2,
	};
	offerapi_id id = 0;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), 0);
	assert_true(id > 0);
	return id;
}

static offerapi_id apply(fixture *f, const offerapi_user *who, offerapi_id offer)
{
	const char *answers[] = { "Parce que <b>C</b> & \"SQL\"", "lundi" };
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "C:\\Users\\alice\\cv.pdf",
		.pdf = f->pdf,
		.pdf_len = f->pdf_len,
		.answers = answers,
		.nanswers = 2,
	};
	offerapi_id id = 0;
	assert_rc(offerapi_application_submit(f->s, who, offer, &in, &id), 0);
	assert_true(id > 0);
	return id;
}

/* ---- store ---- */

static void test_store_open(void **state)
{
	fixture *f = *state;
	assert_string_equal(offerapi_store_backend(f->s), testdb_backend);
	assert_int_equal(offerapi_store_schema_version(f->s), offerapi_store_schema_latest());
	assert_rc(offerapi_store_ping(f->s), 0);
	/* reopening an up-to-date database applies nothing and works */
	offerapi_store *again = testdb_open(&f->db);
	assert_int_equal(offerapi_store_schema_version(again), offerapi_store_schema_latest());
	offerapi_store_free(again);
}

static void test_store_bad_urls(void **state)
{
	(void)state;
	offerapi_store *s = NULL;
	assert_rc(offerapi_store_open(&s, "mysql://x", NULL), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "sqlite:"));
	assert_rc(offerapi_store_open(&s, "sqlite::memory:", NULL), OFFERAPI_EINVAL);
	assert_rc(offerapi_store_open(&s, "sqlite:", NULL), OFFERAPI_EINVAL);
	assert_rc(offerapi_store_open(&s, "sqlite:/nonexistent-dir/x/y.db", NULL),
	          OFFERAPI_EUNAVAILABLE);
	assert_non_null(strstr(offerapi_error_last()->message, "/nonexistent-dir/x/y.db"));
	offerapi_store_options o = OFFERAPI_STORE_OPTIONS_INIT;
	o.version = 99;
	assert_rc(offerapi_store_open(&s, "sqlite:/tmp/x.db", &o), OFFERAPI_EINVAL);
	assert_null(s);
}

/* ---- users and sessions ---- */

static void test_user_create_rules(void **state)
{
	fixture *f = *state;
	offerapi_user *u = NULL;
	assert_rc(offerapi_user_create(f->s, "ALICE", "Alice 2", "password1",
	                               OFFERAPI_ROLE_CANDIDATE, &u),
	          OFFERAPI_EEXISTS);
	assert_non_null(strstr(offerapi_error_last()->message, "already taken"));
	assert_rc(offerapi_user_create(f->s, "a b", "x", "password1", OFFERAPI_ROLE_CANDIDATE, &u),
	          OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "login"));
	assert_rc(offerapi_user_create(f->s, "ab", "x", "password1", OFFERAPI_ROLE_CANDIDATE, &u),
	          OFFERAPI_EINVAL);
	char longlogin[100];
	memset(longlogin, 'a', 99);
	longlogin[99] = '\0';
	assert_rc(offerapi_user_create(f->s, longlogin, "x", "password1", OFFERAPI_ROLE_CANDIDATE,
	                               &u),
	          OFFERAPI_ETOOBIG);
	assert_rc(offerapi_user_create(f->s, "carol", "x", "short", OFFERAPI_ROLE_CANDIDATE, &u),
	          OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "password"));
	assert_rc(offerapi_user_create(f->s, "carol", "bad \xC3\x28 utf8", "password1",
	                               OFFERAPI_ROLE_CANDIDATE, &u),
	          OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "display name"));
	assert_rc(offerapi_user_create(f->s, "carol", "tab\there", "password1",
	                               OFFERAPI_ROLE_CANDIDATE, &u),
	          OFFERAPI_EINVAL);
	assert_rc(offerapi_user_create(f->s, "carol", "   ", "password1", OFFERAPI_ROLE_CANDIDATE,
	                               &u),
	          OFFERAPI_EINVAL);
	assert_rc(offerapi_user_create(f->s, "carol", "Carol", "password1", (offerapi_role)7, &u),
	          OFFERAPI_EINVAL);
	assert_null(u);
	assert_rc(offerapi_user_create(f->s, "Carol.Dupont+jobs@Example.org", "Carol Dupont é",
	                               "password1", OFFERAPI_ROLE_CANDIDATE, &u),
	          0);
	assert_string_equal(u->login, "carol.dupont+jobs@example.org");
	assert_string_equal(u->display_name, "Carol Dupont é");
	offerapi_user *g = NULL;
	assert_rc(offerapi_user_get(f->s, u->id, &g), 0);
	assert_string_equal(g->login, u->login);
	assert_int_equal(g->role, OFFERAPI_ROLE_CANDIDATE);
	offerapi_user_free(g);
	offerapi_user_free(u);
	assert_rc(offerapi_user_get(f->s, 999999, &g), OFFERAPI_ENOTFOUND);
}

static void test_user_authenticate(void **state)
{
	fixture *f = *state;
	offerapi_user *u = NULL;
	assert_rc(offerapi_user_authenticate(f->s, "Alice", "correct horse", &u), 0);
	assert_int_equal(u->id, f->cand->id);
	offerapi_user_free(u);
	assert_rc(offerapi_user_authenticate(f->s, "alice", "wrong horse", &u), OFFERAPI_EAUTH);
	char wrong_pw[128];
	snprintf(wrong_pw, sizeof wrong_pw, "%s", offerapi_error_last()->message);
	assert_rc(offerapi_user_authenticate(f->s, "nobody", "correct horse", &u), OFFERAPI_EAUTH);
	/* the same words whether the login exists or not */
	assert_string_equal(offerapi_error_last()->message, wrong_pw);
	assert_rc(offerapi_user_authenticate(f->s, "nobody2", "correct horse", &u), OFFERAPI_EAUTH);
	assert_rc(offerapi_user_authenticate(f->s, "a b c", "x", &u), OFFERAPI_EAUTH);
	/* a new password replaces the old one */
	assert_rc(offerapi_user_set_password(f->s, "ALICE", "battery staple"), 0);
	assert_rc(offerapi_user_authenticate(f->s, "alice", "correct horse", &u), OFFERAPI_EAUTH);
	assert_rc(offerapi_user_authenticate(f->s, "alice", "battery staple", &u), 0);
	offerapi_user_free(u);
	u = NULL;
	assert_rc(offerapi_user_set_password(f->s, "nobody", "battery staple"), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_user_set_password(f->s, "alice", "short"), OFFERAPI_EINVAL);
	assert_null(u);
}

static void test_sessions(void **state)
{
	fixture *f = *state;
	char tok[OFFERAPI_TOKEN_SIZE];
	assert_rc(offerapi_session_create(f->s, f->cand, tok), 0);
	assert_int_equal(strlen(tok), 64);
	offerapi_user *u = NULL;
	assert_rc(offerapi_session_user(f->s, tok, &u), 0);
	assert_int_equal(u->id, f->cand->id);
	offerapi_user_free(u);
	char other[OFFERAPI_TOKEN_SIZE];
	assert_rc(offerapi_session_create(f->s, f->cand, other), 0);
	assert_string_not_equal(tok, other);

	char bad[OFFERAPI_TOKEN_SIZE];
	memcpy(bad, tok, sizeof bad);
	bad[0] = bad[0] == 'a' ? 'b' : 'a';
	assert_rc(offerapi_session_user(f->s, bad, &u), OFFERAPI_EAUTH);
	assert_rc(offerapi_session_user(f->s, "short", &u), OFFERAPI_EAUTH);
	assert_rc(offerapi_session_user(f->s, "ZZ' OR 1=1 --", &u), OFFERAPI_EAUTH);
	assert_rc(offerapi_session_delete(f->s, tok), 0);
	assert_rc(offerapi_session_user(f->s, tok, &u), OFFERAPI_EAUTH);
	assert_rc(offerapi_session_user(f->s, other, &u), 0);
	offerapi_user_free(u);
}

/* A user lists their live sessions (ids, never tokens) and revokes one;
 * another user's session is not found. */
static void test_session_list_revoke(void **state)
{
	fixture *f = *state;
	char t1[OFFERAPI_TOKEN_SIZE], t2[OFFERAPI_TOKEN_SIZE], t3[OFFERAPI_TOKEN_SIZE];
	assert_rc(offerapi_session_create(f->s, f->cand, t1), 0);
	assert_rc(offerapi_session_create(f->s, f->cand, t2), 0);
	assert_rc(offerapi_session_create(f->s, f->cand2, t3), 0);
	char id1[OFFERAPI_SESSION_ID_SIZE], id2[OFFERAPI_SESSION_ID_SIZE],
		id3[OFFERAPI_SESSION_ID_SIZE];
	assert_rc(offerapi_session_id(t1, id1), 0);
	assert_rc(offerapi_session_id(t2, id2), 0);
	assert_rc(offerapi_session_id(t3, id3), 0);
	assert_int_equal(strlen(id1), 16);
	assert_string_not_equal(id1, id2);
	assert_null(strstr(t1, id1)); /* not a piece of the token */
	assert_rc(offerapi_session_id("nope", id3), OFFERAPI_EINVAL);
	assert_string_equal(id3, "");

	offerapi_session_list *l = NULL;
	assert_rc(offerapi_session_list_user(f->s, f->cand->id, &l), 0);
	assert_int_equal(l->count, 2);
	int seen = 0;
	for (size_t i = 0; i < l->count; i++) {
		seen |= !strcmp(l->items[i].id, id1) ? 1 : !strcmp(l->items[i].id, id2) ? 2 : 4;
		assert_true(l->items[i].expires_at > l->items[i].created_at);
	}
	assert_int_equal(seen, 3);
	offerapi_session_list_free(l);

	/* another user's session cannot be revoked through this user */
	assert_rc(offerapi_session_id(t3, id3), 0);
	assert_rc(offerapi_session_revoke(f->s, f->cand->id, id3), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_session_revoke(f->s, f->cand->id, "0123456789abcdef"),
	          OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_session_revoke(f->s, f->cand->id, "' OR 1=1 --"), OFFERAPI_ENOTFOUND);
	offerapi_user *u = NULL;
	assert_rc(offerapi_session_user(f->s, t3, &u), 0);
	offerapi_user_free(u);

	assert_rc(offerapi_session_revoke(f->s, f->cand->id, id1), 0);
	assert_rc(offerapi_session_user(f->s, t1, &u), OFFERAPI_EAUTH);
	assert_rc(offerapi_session_user(f->s, t2, &u), 0);
	offerapi_user_free(u);
	assert_rc(offerapi_session_revoke(f->s, f->cand->id, id1), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_session_list_user(f->s, f->cand->id, &l), 0);
	assert_int_equal(l->count, 1);
	assert_string_equal(l->items[0].id, id2);
	offerapi_session_list_free(l);
	assert_rc(offerapi_session_list_user(f->s, 999999, &l), 0);
	assert_int_equal(l->count, 0);
	offerapi_session_list_free(l);
	offerapi_session_list_free(NULL);
}

static void test_session_expiry(void **state)
{
	fixture *f = *state;
	offerapi_store_options o = testdb_options();
	o.session_ttl_s = 1;
	offerapi_store *s = NULL;
	assert_rc(offerapi_store_open(&s, f->db.url, &o), 0);
	char tok[OFFERAPI_TOKEN_SIZE];
	assert_rc(offerapi_session_create(s, f->cand, tok), 0);
	offerapi_user *u = NULL;
	assert_rc(offerapi_session_user(s, tok, &u), 0);
	offerapi_user_free(u);
	sleep(2);
	assert_rc(offerapi_session_user(s, tok, &u), OFFERAPI_EAUTH);
	int64_t purged = 0;
	assert_rc(offerapi_session_purge(s, &purged), 0);
	assert_int_equal(purged, 1);
	offerapi_store_free(s);
}

/* ---- personal access tokens ---- */

/* A token's lifetime is counted from its creation: expires_at is exactly
 * created_at plus the lifetime (one clock read), 0 means never, and a
 * negative lifetime, one over ten years or a date (what the parameter was
 * before) is refused naming it. */
static void test_pat_lifetime(void **state)
{
	fixture *f = *state;
	char tok[OFFERAPI_PAT_SIZE];
	offerapi_id days90, never;
	assert_rc(offerapi_pat_create(f->s, f->rec, "ninety", OFFERAPI_SCOPE_OFFERS_READ,
	                              90 * 86400, tok, &days90),
	          0);
	assert_rc(offerapi_pat_create(f->s, f->rec, "never", OFFERAPI_SCOPE_OFFERS_READ, 0, tok,
	                              &never),
	          0);
	const int64_t bad[] = { -1, OFFERAPI_PAT_LIFETIME_MAX + 1, 1765000000 };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		assert_rc(offerapi_pat_create(f->s, f->rec, "bad", OFFERAPI_SCOPE_OFFERS_READ,
		                              bad[i], tok, NULL),
		          OFFERAPI_EINVAL);
		assert_non_null(strstr(offerapi_error_last()->message, "lifetime"));
		assert_string_equal(tok, "");
	}
	offerapi_pat_list *l = NULL;
	assert_rc(offerapi_pat_list_user(f->s, f->rec->id, &l), 0);
	assert_int_equal(l->count, 2);
	for (size_t i = 0; i < l->count; i++) {
		const offerapi_pat *t = &l->items[i];
		if (t->id == days90)
			assert_int_equal(t->expires_at - t->created_at, 90 * 86400);
		else
			assert_true(t->id == never && t->expires_at == 0);
	}
	offerapi_pat_list_free(l);
}

/* ---- offers ---- */

static void test_offer_create_and_get(void **state)
{
	fixture *f = *state;
	const char *skills[] = { "  C ", "PostgreSQL", "c", "", "Kubernetes" };
	const char *questions[] = { "Pourquoi nous ?" };
	offerapi_offer_fields o = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Développeur C",
		.description = "Écrire du C.\nEt le tester.",
		.location = "Montréal",
		.skills = skills,
		.nskills = 5,
		.questions = questions,
		.nquestions = 1,
	};
	offerapi_id id = 0;
	assert_rc(offerapi_offer_create(f->s, f->cand, &o, &id), OFFERAPI_EPERM);
	assert_rc(offerapi_offer_create(f->s, NULL, &o, &id), OFFERAPI_EPERM);
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), 0);
	offerapi_offer *g = NULL;
	assert_rc(offerapi_offer_get(f->s, id, &g), 0);
	assert_string_equal(g->title, "Développeur C");
	assert_string_equal(g->description, "Écrire du C.\nEt le tester.");
	assert_string_equal(g->location, "Montréal");
	assert_int_equal(g->nskills, 3); /* trimmed, empty and duplicate dropped */
	assert_string_equal(g->skills[0], "C");
	assert_string_equal(g->skills[1], "PostgreSQL");
	assert_string_equal(g->skills[2], "Kubernetes");
	assert_int_equal(g->nquestions, 1);
	assert_string_equal(g->questions[0], "Pourquoi nous ?");
	assert_int_equal(g->recruiter_id, f->rec->id);
	assert_string_equal(g->recruiter_name, "rh@example.org");
	assert_true(g->is_open);
	assert_int_equal(g->napplications, 0);
	offerapi_offer_free(g);
	assert_rc(offerapi_offer_get(f->s, id + 1000, &g), OFFERAPI_ENOTFOUND);
}

static void test_offer_bad_fields(void **state)
{
	fixture *f = *state;
	offerapi_id id;
	offerapi_offer_fields o = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "",
		.description = "d",
	};
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "title"));
	o.title = "T";
	o.description = NULL;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "description"));
	char *big = malloc(OFFERAPI_DESCRIPTION_MAX + 2);
	memset(big, 'x', OFFERAPI_DESCRIPTION_MAX + 1);
	big[OFFERAPI_DESCRIPTION_MAX + 1] = '\0';
	o.description = big;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), OFFERAPI_ETOOBIG);
	assert_non_null(strstr(offerapi_error_last()->message, "description"));
	free(big);
	o.description = "ok";
	o.title = "bad \xFF\xFE utf8";
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "UTF-8"));
	o.title = "ok";
	const char *many[OFFERAPI_SKILLS_MAX + 1];
	for (size_t i = 0; i <= OFFERAPI_SKILLS_MAX; i++)
		many[i] = "x";
	o.skills = many;
	o.nskills = OFFERAPI_SKILLS_MAX + 1;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), OFFERAPI_ETOOBIG);
	assert_non_null(strstr(offerapi_error_last()->message, "skill"));
	const char *badq[] = { "ok", "line\nbreak" };
	o.nskills = 0;
	o.questions = badq;
	o.nquestions = 2;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "question 2"));
}

static void test_offer_fields_version(void **state)
{
	fixture *f = *state;
	offerapi_id id = 0;
	offerapi_offer_fields o = { .title = "Dev", .description = "C." }; /* version 0 */
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "offerapi_offer_fields"));
	o.version = OFFERAPI_OFFER_FIELDS_VERSION + 1;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "offerapi_offer_fields"));
	o.version = OFFERAPI_OFFER_FIELDS_VERSION;
	assert_rc(offerapi_offer_create(f->s, f->rec, &o, &id), 0);
	o.version = OFFERAPI_OFFER_FIELDS_VERSION + 1;
	assert_rc(offerapi_offer_update(f->s, f->rec, id, &o), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "offerapi_offer_fields"));
	offerapi_offer_fields init = OFFERAPI_OFFER_FIELDS_INIT;
	assert_int_equal(init.version, OFFERAPI_OFFER_FIELDS_VERSION);
	offerapi_application_input ai = OFFERAPI_APPLICATION_INPUT_INIT;
	assert_int_equal(ai.version, OFFERAPI_APPLICATION_INPUT_VERSION);
}

static void test_offer_update_close(void **state)
{
	fixture *f = *state;
	offerapi_id id = mkoffer(f, "Ops", "Paris", NULL, 0);
	offerapi_offer_fields o = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Ops senior",
		.description = "New text",
		.location = "Lyon",
	};
	assert_rc(offerapi_offer_update(f->s, f->rec2, id, &o), OFFERAPI_EPERM);
	assert_rc(offerapi_offer_update(f->s, f->cand, id, &o), OFFERAPI_EPERM);
	assert_rc(offerapi_offer_update(f->s, f->rec, id + 99, &o), OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_offer_update(f->s, f->rec, id, &o), 0);
	offerapi_offer *g;
	assert_rc(offerapi_offer_get(f->s, id, &g), 0);
	assert_string_equal(g->title, "Ops senior");
	assert_string_equal(g->location, "Lyon");
	offerapi_offer_free(g);
	assert_rc(offerapi_offer_set_open(f->s, f->rec2, id, 0), OFFERAPI_EPERM);
	assert_rc(offerapi_offer_set_open(f->s, f->rec, id, 0), 0);
	assert_rc(offerapi_offer_get(f->s, id, &g), 0);
	assert_false(g->is_open);
	offerapi_offer_free(g);
}

static size_t search_count(fixture *f, const char *words, const char *loc, const char *skill,
                           int closed)
{
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.words = words;
	q.location = loc;
	q.skill = skill;
	q.include_closed = closed;
	offerapi_offer_list *l = NULL;
	assert_rc(offerapi_offer_search(f->s, &q, &l), 0);
	size_t n = l->count;
	offerapi_offer_list_free(l);
	return n;
}

static void test_offer_search(void **state)
{
	fixture *f = *state;
	const char *s1[] = { "C", "PostgreSQL" };
	const char *s2[] = { "Python", "C++" };
	offerapi_id a = mkoffer(f, "Développeur C embarqué", "Montréal", s1, 2);
	offerapi_id b = mkoffer(f, "Data engineer", "Paris 11e", s2, 2);
	offerapi_id c = mkoffer(f, "Ingénieure 100% remote_ok", "Lyon", NULL, 0);
	offerapi_offer_list *l = NULL;
	assert_rc(offerapi_offer_search(f->s, NULL, &l), 0);
	assert_int_equal(l->count, 3);
	assert_int_equal(l->items[0].id, c); /* newest first */
	assert_int_equal(l->items[2].id, a);
	offerapi_offer_list_free(l);

	assert_int_equal(search_count(f, "developpeur", NULL, NULL, 0), 1); /* accents folded */
	assert_int_equal(search_count(f, "DÉVELOPPEUR embarque", NULL, NULL, 0), 1);
	/* no offer has both words: the offers with either (search_any_words) */
	assert_int_equal(search_count(f, "developpeur python", NULL, NULL, 0), 2);
	assert_int_equal(search_count(f, "postgresql", NULL, NULL, 0), 1); /* skills searched */
	assert_int_equal(search_count(f, NULL, "montreal", NULL, 0), 1);
	assert_int_equal(search_count(f, NULL, "PARIS", NULL, 0), 1);
	assert_int_equal(search_count(f, NULL, NULL, "c", 0), 1); /* whole skill: not C++ */
	assert_int_equal(search_count(f, NULL, NULL, "c++", 0), 1);
	assert_int_equal(search_count(f, NULL, NULL, "Postgre", 0), 0);
	/* punctuation separates words: never an operator */
	assert_int_equal(search_count(f, "100%", NULL, NULL, 0), 1);
	assert_int_equal(search_count(f, "remote_ok", NULL, NULL, 0), 1);
	assert_int_equal(search_count(f, "%", NULL, NULL, 0), 3); /* no word: every offer */
	assert_int_equal(search_count(f, "' OR 1=1 --", NULL, NULL, 0), 0);
	assert_rc(offerapi_offer_set_open(f->s, f->rec, b, 0), 0);
	assert_int_equal(search_count(f, NULL, NULL, NULL, 0), 2);
	assert_int_equal(search_count(f, NULL, NULL, NULL, 1), 3);

	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.limit = 1;
	q.offset = 1;
	assert_rc(offerapi_offer_search(f->s, &q, &l), 0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->items[0].id, a);
	offerapi_offer_list_free(l);
	q = (offerapi_offer_query)OFFERAPI_OFFER_QUERY_INIT;
	q.recruiter_id = f->rec2->id;
	assert_rc(offerapi_offer_search(f->s, &q, &l), 0);
	assert_int_equal(l->count, 0);
	offerapi_offer_list_free(l);
	q.recruiter_id = 0;
	q.words = "a b c d e f g h i";
	assert_rc(offerapi_offer_search(f->s, &q, &l), OFFERAPI_EINVAL);
	q.words = "\xC0\x80";
	assert_rc(offerapi_offer_search(f->s, &q, &l), OFFERAPI_EINVAL);
	q.words = NULL;
	q.version = 42;
	assert_rc(offerapi_offer_search(f->s, &q, &l), OFFERAPI_EINVAL);
}

/* ---- applications ---- */

static void test_apply_and_read(void **state)
{
	fixture *f = *state;
	offerapi_id offer = mkoffer(f, "Dev C", "Paris", NULL, 0);
	offerapi_id app = apply(f, f->cand, offer);

	offerapi_application *a = NULL;
	assert_rc(offerapi_application_get(f->s, f->cand, app, &a), 0);
	assert_int_equal(a->offer_id, offer);
	assert_string_equal(a->filename, "cv.pdf"); /* path dropped */
	assert_int_equal(a->pdf_size, f->pdf_len);
	assert_non_null(strstr(a->cv_text, "Alice Martin, développeuse à Montréal"));
	assert_int_equal(a->nanswers, 2);
	assert_string_equal(a->answers[0].question, "Pourquoi nous ?");
	assert_string_equal(a->answers[0].answer, "Parce que <b>C</b> & \"SQL\"");
	assert_string_equal(a->answers[1].answer, "lundi");
	assert_string_equal(a->offer_title, "Dev C");
	assert_string_equal(a->candidate_login, "alice");
	offerapi_application_free(a);

	/* who may read it */
	assert_rc(offerapi_application_get(f->s, f->rec, app, &a), 0);
	offerapi_application_free(a);
	assert_rc(offerapi_application_get(f->s, f->cand2, app, &a), OFFERAPI_EPERM);
	assert_rc(offerapi_application_get(f->s, f->rec2, app, &a), OFFERAPI_EPERM);
	assert_rc(offerapi_application_get(f->s, NULL, app, &a), OFFERAPI_EPERM);
	assert_rc(offerapi_application_get(f->s, f->rec, app + 100, &a), OFFERAPI_ENOTFOUND);
	assert_null(a);

	void *pdf = NULL;
	size_t len = 0;
	assert_rc(offerapi_application_pdf(f->s, f->rec, app, &pdf, &len), 0);
	assert_int_equal(len, f->pdf_len);
	assert_memory_equal(pdf, f->pdf, len);
	offerapi_free(pdf);
	assert_rc(offerapi_application_pdf(f->s, f->rec2, app, &pdf, &len), OFFERAPI_EPERM);
	assert_null(pdf);

	offerapi_offer *o;
	assert_rc(offerapi_offer_get(f->s, offer, &o), 0);
	assert_int_equal(o->napplications, 1);
	offerapi_offer_free(o);
}

static void test_apply_refusals(void **state)
{
	fixture *f = *state;
	offerapi_id offer = mkoffer(f, "Dev C", "Paris", NULL, 0);
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = f->pdf,
		.pdf_len = f->pdf_len,
	};
	offerapi_id id;
	assert_rc(offerapi_application_submit(f->s, f->rec, offer, &in, &id), OFFERAPI_EPERM);
	assert_rc(offerapi_application_submit(f->s, NULL, offer, &in, &id), OFFERAPI_EPERM);
	assert_rc(offerapi_application_submit(f->s, f->cand, offer + 99, &in, &id),
	          OFFERAPI_ENOTFOUND);
	/* the version: known and not newer */
	unsigned int versions[] = { 0, OFFERAPI_APPLICATION_INPUT_VERSION + 1 };
	for (size_t i = 0; i < 2; i++) {
		in.version = versions[i];
		assert_rc(offerapi_application_submit(f->s, f->cand, offer, &in, &id),
		          OFFERAPI_EINVAL);
		assert_non_null(
			strstr(offerapi_error_last()->message, "offerapi_application_input"));
	}
	in.version = OFFERAPI_APPLICATION_INPUT_VERSION;
	const char *three[] = { "a", "b", "c" };
	in.answers = three;
	in.nanswers = 3;
	assert_rc(offerapi_application_submit(f->s, f->cand, offer, &in, &id), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "answers"));
	const char *bad[] = { "\xED\xA0\x80" }; /* a UTF-16 surrogate */
	in.answers = bad;
	in.nanswers = 1;
	assert_rc(offerapi_application_submit(f->s, f->cand, offer, &in, &id), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "answer 1"));
	in.nanswers = 0;
	in.filename = "";
	assert_rc(offerapi_application_submit(f->s, f->cand, offer, &in, &id), OFFERAPI_EINVAL);
	in.filename = "cv.pdf";
	in.pdf = "%PDF-";
	in.pdf_len = 0;
	assert_rc(offerapi_application_submit(f->s, f->cand, offer, &in, &id), OFFERAPI_ENOTPDF);
	in.pdf = "GIF89a not a pdf at all";
	in.pdf_len = strlen(in.pdf);
	assert_rc(offerapi_application_submit(f->s, f->cand, offer, &in, &id), OFFERAPI_ENOTPDF);
	/* nothing was stored by any refusal */
	offerapi_application_list *l;
	assert_rc(offerapi_application_list_mine(f->s, f->cand, 0, &l), 0);
	assert_int_equal(l->count, 0);
	offerapi_application_list_free(l);

	in.pdf = f->pdf;
	in.pdf_len = f->pdf_len;
	assert_rc(offerapi_application_submit(f->s, f->cand, offer, &in, &id), 0);
	assert_rc(offerapi_application_submit(f->s, f->cand, offer, &in, &id), OFFERAPI_EEXISTS);
	assert_non_null(strstr(offerapi_error_last()->message, "already applied"));
	assert_rc(offerapi_offer_set_open(f->s, f->rec, offer, 0), 0);
	assert_rc(offerapi_application_submit(f->s, f->cand2, offer, &in, &id), OFFERAPI_ECLOSED);
	/* answers fewer than questions are padded */
	offerapi_id o2 = mkoffer(f, "Other", "", NULL, 0);
	in.answers = NULL;
	in.nanswers = 0;
	assert_rc(offerapi_application_submit(f->s, f->cand2, o2, &in, &id), 0);
	offerapi_application *a;
	assert_rc(offerapi_application_get(f->s, f->cand2, id, &a), 0);
	assert_int_equal(a->nanswers, 2);
	assert_string_equal(a->answers[1].answer, "");
	offerapi_application_free(a);
}

static void test_apply_cpu_budget(void **state)
{
	fixture *f = *state;
	/* The store hands its cv_limits to the extraction: a CV that needs
	 * more processor time than max_cpu_ms is refused, and nothing stored. */
	offerapi_store_options o = testdb_options();
	o.cv_limits.max_cpu_ms = 100;
	offerapi_store *s = NULL;
	assert_rc(offerapi_store_open(&s, f->db.url, &o), 0);
	offerapi_id offer = mkoffer(f, "Dev C", "Paris", NULL, 0);
	size_t len;
	unsigned char *pdf = pdfbomb_make(PDFBOMB_DOUBLE_FLATE, (size_t)3 << 30, 0, &len);
	assert_non_null(pdf);
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = pdf,
		.pdf_len = len,
	};
	offerapi_id id = 0;
	assert_rc(offerapi_application_submit(s, f->cand, offer, &in, &id),
	          OFFERAPI_EPDFTOOCOMPLEX);
	assert_non_null(strstr(offerapi_error_last()->message, "at most 0.1 s"));
	offerapi_application_list *l;
	assert_rc(offerapi_application_list_mine(s, f->cand, 0, &l), 0);
	assert_int_equal(l->count, 0);
	offerapi_application_list_free(l);
	free(pdf);
	offerapi_store_free(s);

	/* A caller built against version 1 of the options (before max_cpu_ms)
	 * is still served; it cannot name a data key file (version 3), so on
	 * PostgreSQL it cannot open a store whose CVs are encrypted. */
	o = testdb_options();
	o.version = 1;
	o.cv_limits.version = 1;
	if (strcmp(testdb_backend, "sqlite") != 0) {
		assert_rc(offerapi_store_open(&s, f->db.url, &o), OFFERAPI_EINVAL);
		assert_non_null(strstr(offerapi_error_last()->message, "data key file"));
		o.version = 3;
	}
	assert_rc(offerapi_store_open(&s, f->db.url, &o), 0);
	in = (offerapi_application_input){
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = f->pdf,
		.pdf_len = f->pdf_len,
	};
	assert_rc(offerapi_application_submit(s, f->cand, offer, &in, &id), 0);
	offerapi_store_free(s);
	o.cv_limits.version = 3;
	assert_rc(offerapi_store_open(&s, f->db.url, &o), OFFERAPI_EINVAL);
	assert_non_null(strstr(offerapi_error_last()->message, "cv_limits version 3"));
}

static void test_lists_and_scores(void **state)
{
	fixture *f = *state;
	offerapi_id offer = mkoffer(f, "Dev C", "Paris", NULL, 0);
	offerapi_id other = mkoffer(f, "Dev Go", "Paris", NULL, 0);
	offerapi_id a1 = apply(f, f->cand, offer);
	offerapi_id a2 = apply(f, f->cand2, offer);
	offerapi_id a3 = apply(f, f->cand, other);

	offerapi_application_list *l = NULL;
	assert_rc(offerapi_application_list_offer(f->s, f->rec2, offer, NULL, 0, &l),
	          OFFERAPI_EPERM);
	assert_rc(offerapi_application_list_offer(f->s, f->cand, offer, NULL, 0, &l),
	          OFFERAPI_EPERM);
	assert_rc(offerapi_application_list_offer(f->s, f->rec, 9999, NULL, 0, &l),
	          OFFERAPI_ENOTFOUND);
	assert_rc(offerapi_application_list_offer(f->s, f->rec, offer, NULL, 0, &l), 0);
	assert_int_equal(l->count, 2);
	assert_int_equal(l->items[0].id, a1); /* unscored: oldest first */
	assert_null(l->items[0].cv_text);
	offerapi_application_list_free(l);

	assert_rc(offerapi_score_put(f->s, a1, "random", "1.0", 0.25, ""), 0);
	assert_rc(offerapi_score_put(f->s, a2, "random", "1.0", 0.75, "lucky"), 0);
	assert_rc(offerapi_score_put(f->s, a1, "similarity", "1.0", 0.9, "matched: C"), 0);
	assert_rc(offerapi_score_put(f->s, a1, "random", "1.0", 1.5, ""), OFFERAPI_EINVAL);
	assert_rc(offerapi_score_put(f->s, a1, "random", "1.0", NAN, ""), OFFERAPI_EINVAL);
	assert_rc(offerapi_score_put(f->s, a1, "random", "1.0", -0.0001, ""), OFFERAPI_EINVAL);
	assert_rc(offerapi_score_put(f->s, a1, "Bad Name", "1.0", 0.5, ""), OFFERAPI_EINVAL);
	assert_rc(offerapi_score_put(f->s, 99999, "random", "1.0", 0.5, ""), OFFERAPI_ENOTFOUND);

	/* default ranking: first scorer by name ("random") */
	assert_rc(offerapi_application_list_offer(f->s, f->rec, offer, NULL,
	                                          OFFERAPI_LIST_WITH_TEXT, &l),
	          0);
	assert_int_equal(l->items[0].id, a2);
	assert_int_equal(l->items[0].nscores, 1);
	assert_string_equal(l->items[0].scores[0].explanation, "lucky");
	assert_true(fabs(l->items[0].scores[0].score - 0.75) < 1e-12);
	assert_non_null(l->items[0].cv_text);
	assert_int_equal(l->items[1].nscores, 2);
	assert_string_equal(l->items[1].scores[0].scorer, "random");
	assert_string_equal(l->items[1].scores[1].scorer, "similarity");
	offerapi_application_list_free(l);
	/* ranked by similarity: a1 scored, a2 not */
	assert_rc(offerapi_application_list_offer(f->s, f->rec, offer, "similarity", 0, &l), 0);
	assert_int_equal(l->items[0].id, a1);
	assert_int_equal(l->items[1].id, a2);
	offerapi_application_list_free(l);

	/* a new scorer version replaces the score; missing lists what lacks it */
	offerapi_id *ids;
	size_t n;
	assert_rc(offerapi_score_missing(f->s, "random", "1.0", 0, &ids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], a3);
	offerapi_free(ids);
	assert_rc(offerapi_score_put(f->s, a1, "random", "2.0", 0.5, ""), 0);
	assert_rc(offerapi_score_missing(f->s, "random", "2.0", 10, &ids, &n), 0);
	assert_int_equal(n, 2);
	offerapi_free(ids);
	offerapi_application *a;
	assert_rc(offerapi_application_get(f->s, f->cand, a1, &a), 0);
	assert_int_equal(a->nscores, 2);
	assert_string_equal(a->scores[0].scorer_version, "2.0");
	offerapi_application_free(a);

	assert_rc(offerapi_application_list_mine(f->s, f->rec, 0, &l), OFFERAPI_EPERM);
	assert_rc(offerapi_application_list_mine(f->s, f->cand, 0, &l), 0);
	assert_int_equal(l->count, 2);
	offerapi_application_list_free(l);
	assert_rc(offerapi_application_list_mine(f->s, f->cand2, 0, &l), 0);
	assert_int_equal(l->count, 1);
	assert_int_equal(l->items[0].id, a2);
	offerapi_application_list_free(l);
}

/* ---- concurrency: nothing lost ---- */

typedef struct scorer_worker {
	offerapi_store *s;
	offerapi_id app;
	int index, failures;
} scorer_worker;

static void *score_worker(void *arg)
{
	scorer_worker *w = arg;
	for (int i = 0; i < 20; i++) {
		char version[16];
		snprintf(version, sizeof version, "%d.%d", w->index, i);
		int rc;
		while ((rc = offerapi_score_put(w->s, w->app, "random", version, (double)i / 20.0,
		                                "")) == OFFERAPI_EBUSY)
			usleep(1000);
		if (rc != 0) {
			fprintf(stderr, "score_put: %s\n", offerapi_error_last()->message);
			w->failures++;
		}
	}
	return NULL;
}

/* Two replicas rescoring the same application store one score each time,
 * last writer wins, never a duplicate-key error. */
static void test_concurrent_score_put(void **state)
{
	fixture *f = *state;
	offerapi_id offer = mkoffer(f, "Dev C", "Paris", NULL, 0);
	offerapi_id app = apply(f, f->cand, offer);
	enum { N = 4 };
	pthread_t t[N];
	scorer_worker w[N];
	for (int i = 0; i < N; i++) {
		w[i] = (scorer_worker){ f->s, app, i, 0 };
		pthread_create(&t[i], NULL, score_worker, &w[i]);
	}
	int failures = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		failures += w[i].failures;
	}
	assert_int_equal(failures, 0);
	offerapi_application *a;
	assert_rc(offerapi_application_get(f->s, f->rec, app, &a), 0);
	assert_int_equal(a->nscores, 1);
	assert_true(fabs(a->scores[0].score - 19.0 / 20.0) < 1e-12);
	offerapi_application_free(a);
}

typedef struct worker {
	fixture *f;
	offerapi_id offer;
	int index;
	int failures;
} worker;

static void *apply_worker(void *arg)
{
	worker *w = arg;
	char login[32];
	for (int i = 0; i < 5; i++) {
		snprintf(login, sizeof login, "w%d-%d", w->index, i);
		offerapi_user *u = NULL;
		if (offerapi_user_create(w->f->s, login, login, "correct horse",
		                         OFFERAPI_ROLE_CANDIDATE, &u) != 0) {
			fprintf(stderr, "create %s: %s\n", login, offerapi_error_last()->message);
			w->failures++;
			continue;
		}
		offerapi_application_input in = {
			.version = OFFERAPI_APPLICATION_INPUT_VERSION,
			.filename = "cv.pdf",
			.pdf = w->f->pdf,
			.pdf_len = w->f->pdf_len,
		};
		offerapi_id id;
		int rc;
		/* EBUSY is an honest "retry later"; anything else is a failure */
		while ((rc = offerapi_application_submit(w->f->s, u, w->offer, &in, &id)) ==
		       OFFERAPI_EBUSY)
			usleep(1000);
		if (rc != 0) {
			fprintf(stderr, "apply %s: %s\n", login, offerapi_error_last()->message);
			w->failures++;
		}
		offerapi_user_free(u);
	}
	return NULL;
}

static void test_concurrent_applications(void **state)
{
	fixture *f = *state;
	offerapi_id offer = mkoffer(f, "Popular", "Paris", NULL, 0);
	enum { N = 8 };
	pthread_t t[N];
	worker w[N];
	for (int i = 0; i < N; i++) {
		w[i] = (worker){ f, offer, i, 0 };
		pthread_create(&t[i], NULL, apply_worker, &w[i]);
	}
	int failures = 0;
	for (int i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		failures += w[i].failures;
	}
	assert_int_equal(failures, 0);
	offerapi_offer *o;
	assert_rc(offerapi_offer_get(f->s, offer, &o), 0);
	assert_int_equal(o->napplications, N * 5);
	offerapi_offer_free(o);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		testdb_backend = argv[1];
	if (strcmp(testdb_backend, "sqlite") && strcmp(testdb_backend, "postgresql")) {
		fprintf(stderr, "usage: %s sqlite|postgresql\n", argv[0]);
		return 2;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_store_open, setup, teardown),
		cmocka_unit_test(test_store_bad_urls),
		cmocka_unit_test_setup_teardown(test_user_create_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_authenticate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_list_revoke, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_expiry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pat_lifetime, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_create_and_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_bad_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_fields_version, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_update_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_offer_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_and_read, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_apply_cpu_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lists_and_scores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_applications, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_score_put, setup, teardown),
	};
	char name[64];
	snprintf(name, sizeof name, "store-%s", testdb_backend);
	return cmocka_run_group_tests_name(name, tests, NULL, NULL);
}
