/*
 * test_alloc.c - the allocation-failure pass over libofferapi, SQLite-style.
 *
 * A representative scenario (a store on SQLite opened new and existing,
 * users, sessions, offers, an application from a real PDF, scores, lists,
 * scorer plugins, CV extraction) is cut into steps, each one library call.
 * For every step and every n from 1 that the sampling below picks (every n
 * with ALLOC_STRIDE=1), the step runs with the n-th allocation of the
 * process failing (failmalloc.h), until a run no longer reaches n: that
 * step then has n-1 failure points. Each run must end either in
 * success with correct results (the library or a dependency got over the
 * failure) or in OFFERAPI_ENOMEM with a message; it must not crash, must not
 * leave a partial write behind (each step checks the store afterwards), and
 * must not leak (LeakSanitizer, in the sanitizer build, at exit). Then
 * everything again with every allocation from the n-th on failing
 * ("persistent" failures, which reach the error paths' own allocations).
 *
 * usage: test_alloc store|submit|cv|all CV.pdf SCORER-RANDOM.so
 * Prints the sampling's settings, then per step its failure points, the
 * distinct call paths of its allocations, the stride, the runs of each kind
 * and the CPU seconds they took.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <offerapi/offerapi.h>

#include "failmalloc.h"

#define PASSWORD "correct horse battery"

/* ---- reporting ---- */

static const char *cur_step = "setup";
static unsigned long cur_n;
static int cur_persistent;
static int failures;

static void fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "FAIL %s, allocation %lu%s: ", cur_step, cur_n,
	        cur_persistent ? " and later" : "");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	failures++;
}

/* Setup failures stop the program: nothing after them makes sense. */
#define NEED(expr)                                                                                 \
	do {                                                                                       \
		int rc_ = (expr);                                                                  \
		if (rc_ != 0) {                                                                    \
			fprintf(stderr, "setup: %s: %d (%s)\n", #expr, rc_,                        \
			        offerapi_error_last()->message);                                   \
			exit(1);                                                                   \
		}                                                                                  \
	} while (0)

/* A crash says where it happened (step and n) before dying. */
static void on_crash(int sig)
{
	char msg[256];
	int n = snprintf(msg, sizeof msg, "\ntest_alloc: signal %d in step %s, allocation %lu%s\n",
	                 sig, cur_step, cur_n, cur_persistent ? " and later" : "");
	if (n > 0)
		(void)!write(2, msg, (size_t)n);
	signal(sig, SIG_DFL);
	raise(sig);
}

/* ---- the world the steps work on ---- */

typedef struct world {
	char dir[256];
	char url[320];
	offerapi_store_options opts;
	offerapi_store *s;
	offerapi_user *rec, *cand;
	offerapi_id offer, app;
	unsigned char *pdf;
	size_t pdf_len;
	char *pdf_text; /* its extracted text, for comparison */
	const char *scorer_file;
	offerapi_scorers *set;
	char token[OFFERAPI_TOKEN_SIZE];
	unsigned long iter; /* a new number for each run, for unique names */
	/* what one run made, checked and freed by its step's after() */
	offerapi_store *s2;
	offerapi_scorers *set2;
	offerapi_user *u, *tmp_user, *tmp_user2;
	offerapi_offer *o;
	offerapi_offer_list *ol;
	offerapi_application *a;
	offerapi_application_list *al;
	offerapi_id id, *ids;
	size_t nids;
	void *blob;
	size_t blob_len;
	char *text;
	char tok2[OFFERAPI_TOKEN_SIZE];
	char name[320];
	offerapi_id stage_app; /* a new application for each stage change */
	offerapi_id stage_app2; /* and a second for a batch */
	offerapi_stage_history *h;
	offerapi_note_list *nl;
	offerapi_dashboard *dash;
} world;

static const char *const SKILLS[] = { "C", "SQL", "Kubernetes" };
static const char *const QUESTIONS[] = { "Pourquoi nous ?", "Disponible quand ?" };
static const char *const ANSWERS[] = { "Pour le C à Montréal", "Tout de suite" };

static offerapi_offer_fields offer_fields(const char *title)
{
	offerapi_offer_fields f = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = title,
		.description = "Écrire du C pour vivre, avec SQLite et PostgreSQL.",
		.location = "Montréal",
		.skills = SKILLS,
		.nskills = 3,
		.questions = QUESTIONS,
		.nquestions = 2,
	};
	return f;
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "setup: cannot open %s: %s\n", path, strerror(errno));
		exit(1);
	}
	unsigned char *b = NULL;
	size_t cap = 0, n = 0, got;
	do {
		if (n == cap) {
			cap = cap ? cap * 2 : 65536;
			b = realloc(b, cap);
			if (!b)
				exit(1);
		}
		got = fread(b + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return b;
}

/* ---- steps: opening stores ---- */

static void prep_open_new(world *w)
{
	snprintf(w->name, sizeof w->name, "%s/new-%lu.db", w->dir, w->iter);
}

static int run_open_new(world *w)
{
	char url[400];
	snprintf(url, sizeof url, "sqlite:%s", w->name);
	return offerapi_store_open(&w->s2, url, &w->opts);
}

static void remove_db(const char *path)
{
	char p[400];
	/* the key file is the data key an SQLite store makes beside itself
	 * (crypt.c): left behind, it kept the folder from being removed */
	static const char *const suffix[] = { "", "-wal", "-shm", "-journal", ".key" };
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		snprintf(p, sizeof p, "%s%s", path, suffix[i]);
		unlink(p);
	}
}

static void after_open(world *w, int rc)
{
	if (rc == 0 && !w->s2)
		fail("store_open returned 0 without a store");
	if (rc != 0 && w->s2)
		fail("store_open failed (%d) but gave a store", rc);
	if (w->s2 && offerapi_store_ping(w->s2) != 0)
		fail("the store it opened does not answer: %s", offerapi_error_last()->message);
	if (w->s2 && offerapi_store_schema_version(w->s2) != offerapi_store_schema_version(w->s))
		fail("the store it opened is not fully migrated");
	offerapi_store_free(w->s2);
	w->s2 = NULL;
}

static void after_open_new(world *w, int rc)
{
	after_open(w, rc);
	/* a failed first open must leave a file the next open can migrate */
	if (rc != 0) {
		char url[400];
		snprintf(url, sizeof url, "sqlite:%s", w->name);
		if (offerapi_store_open(&w->s2, url, &w->opts) != 0)
			fail("reopening after the failure: %s", offerapi_error_last()->message);
		after_open(w, 0);
	}
	remove_db(w->name);
}

static int run_open_existing(world *w)
{
	return offerapi_store_open(&w->s2, w->url, &w->opts);
}

/* ---- steps: users and sessions ---- */

static void prep_user_create(world *w)
{
	snprintf(w->name, sizeof w->name, "user-%lu@example.org", w->iter);
}

static int run_user_create(world *w)
{
	return offerapi_user_create(w->s, w->name, "Éloïse Test", PASSWORD, OFFERAPI_ROLE_CANDIDATE,
	                            &w->u);
}

static void after_user_create(world *w, int rc)
{
	offerapi_user *u = NULL;
	int found = offerapi_user_authenticate(w->s, w->name, PASSWORD, &u);
	if (rc == 0 && (!w->u || strcmp(w->u->login, w->name) || found != 0 || u->id != w->u->id))
		fail("user_create succeeded but the user is not as written");
	if (rc != 0 && found != OFFERAPI_EAUTH)
		fail("user_create failed (%d) but the user exists or the store broke (%d: %s)", rc,
		     found, offerapi_error_last()->message);
	offerapi_user_free(u);
	offerapi_user_free(w->u);
	w->u = NULL;
}

static int run_authenticate(world *w)
{
	return offerapi_user_authenticate(w->s, w->rec->login, PASSWORD, &w->u);
}

static void after_user(world *w, int rc)
{
	if (rc == 0 && (!w->u || w->u->id != w->rec->id || strcmp(w->u->login, w->rec->login)))
		fail("the user read back is not the recruiter");
	offerapi_user_free(w->u);
	w->u = NULL;
}

static int run_user_get(world *w)
{
	return offerapi_user_get(w->s, w->rec->id, &w->u);
}

static int run_session_create(world *w)
{
	return offerapi_session_create(w->s, w->rec, w->tok2);
}

static void after_session_create(world *w, int rc)
{
	if (rc == 0) {
		if (offerapi_session_user(w->s, w->tok2, &w->u) != 0)
			fail("the new session does not work: %s", offerapi_error_last()->message);
		after_user(w, 0);
		offerapi_session_delete(w->s, w->tok2);
	}
	memset(w->tok2, 0, sizeof w->tok2);
}

static int run_session_user(world *w)
{
	return offerapi_session_user(w->s, w->token, &w->u);
}

static void prep_session_delete(world *w)
{
	NEED(offerapi_session_create(w->s, w->rec, w->tok2));
}

static int run_session_delete(world *w)
{
	return offerapi_session_delete(w->s, w->tok2);
}

static void after_session_delete(world *w, int rc)
{
	int live = offerapi_session_user(w->s, w->tok2, &w->u);
	if (rc == 0 && live != OFFERAPI_EAUTH)
		fail("session_delete succeeded but the session still works (%d)", live);
	if (rc != 0 && live != 0)
		fail("session_delete failed (%d) and the session is gone too (%d)", rc, live);
	offerapi_user_free(w->u);
	w->u = NULL;
	offerapi_session_delete(w->s, w->tok2);
}

static int run_session_purge(world *w)
{
	int64_t n = 0;
	return offerapi_session_purge(w->s, &n);
}

static void after_nothing(world *w, int rc)
{
	(void)w;
	(void)rc;
}

/* ---- steps: offers ---- */

/* Number of offers of the recruiter, open or closed. */
static size_t offer_count(world *w)
{
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.recruiter_id = w->rec->id;
	q.include_closed = 1;
	offerapi_offer_list *l = NULL;
	NEED(offerapi_offer_search(w->s, &q, &l));
	size_t n = l->count;
	offerapi_offer_list_free(l);
	return n;
}

static void prep_offer_create(world *w)
{
	w->nids = offer_count(w);
	snprintf(w->name, sizeof w->name, "Développeuse C n°%lu", w->iter);
}

static int run_offer_create(world *w)
{
	offerapi_offer_fields f = offer_fields(w->name);
	return offerapi_offer_create(w->s, w->rec, &f, &w->id);
}

static void after_offer_create(world *w, int rc)
{
	size_t n = offer_count(w);
	if (n != w->nids + (rc == 0))
		fail("offer_create returned %d and the recruiter has %zu offers, had %zu", rc, n,
		     w->nids);
	if (rc == 0 &&
	    (offerapi_offer_get(w->s, w->id, &w->o) != 0 || strcmp(w->o->title, w->name) ||
	     w->o->nskills != 3 || w->o->nquestions != 2))
		fail("the offer read back is not the one written");
	offerapi_offer_free(w->o);
	w->o = NULL;
	w->nids = 0;
}

static int run_offer_get(world *w)
{
	return offerapi_offer_get(w->s, w->offer, &w->o);
}

static void after_offer_get(world *w, int rc)
{
	if (rc == 0 && (w->o->nskills != 3 || strcmp(w->o->skills[2], "Kubernetes") ||
	                w->o->nquestions != 2 || strcmp(w->o->questions[0], QUESTIONS[0])))
		fail("the offer read back lost its skills or questions");
	offerapi_offer_free(w->o);
	w->o = NULL;
}

static void prep_offer_update(world *w)
{
	snprintf(w->name, sizeof w->name, "Développeur C, version %lu", w->iter);
}

static int run_offer_update(world *w)
{
	offerapi_offer_fields f = offer_fields(w->name);
	return offerapi_offer_update(w->s, w->rec, w->offer, &f);
}

static void after_offer_update(world *w, int rc)
{
	NEED(offerapi_offer_get(w->s, w->offer, &w->o));
	if ((rc == 0) != (strcmp(w->o->title, w->name) == 0))
		fail("offer_update returned %d and the title is \"%s\"", rc, w->o->title);
	after_offer_get(w, 0);
}

static int run_offer_search(world *w)
{
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.words = "developpeur";
	q.location = "MONTREAL";
	q.skill = "sql";
	return offerapi_offer_search(w->s, &q, &w->ol);
}

static void after_offer_search(world *w, int rc)
{
	if (rc == 0 && (!w->ol || w->ol->count < 1))
		fail("offer_search found nothing");
	offerapi_offer_list_free(w->ol);
	w->ol = NULL;
}

/* ---- steps: applications ---- */

static void prep_submit(world *w)
{
	snprintf(w->name, sizeof w->name, "applicant-%lu", w->iter);
	NEED(offerapi_user_create(w->s, w->name, "Zoé Candidate", PASSWORD, OFFERAPI_ROLE_CANDIDATE,
	                          &w->tmp_user));
}

static int run_submit(world *w)
{
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "CV de Zoé.pdf",
		.pdf = w->pdf,
		.pdf_len = w->pdf_len,
		.answers = ANSWERS,
		.nanswers = 2,
	};
	return offerapi_application_submit(w->s, w->tmp_user, w->offer, &in, &w->id);
}

static void after_submit(world *w, int rc)
{
	NEED(offerapi_application_list_mine(w->s, w->tmp_user, 0, &w->al));
	if (w->al->count != (rc == 0))
		fail("submit returned %d and the candidate has %zu applications", rc, w->al->count);
	offerapi_application_list_free(w->al);
	w->al = NULL;
	if (rc == 0) {
		NEED(offerapi_application_get(w->s, w->tmp_user, w->id, &w->a));
		if (!w->a->cv_text || strcmp(w->a->cv_text, w->pdf_text) || w->a->nanswers != 2 ||
		    strcmp(w->a->answers[0].answer, ANSWERS[0]))
			fail("the application read back is not the one sent");
		offerapi_application_free(w->a);
		w->a = NULL;
	}
	offerapi_user_free(w->tmp_user);
	w->tmp_user = NULL;
}

static int run_app_get(world *w)
{
	return offerapi_application_get(w->s, w->cand, w->app, &w->a);
}

static void after_app_get(world *w, int rc)
{
	if (rc == 0 &&
	    (w->a->nanswers != 2 || !w->a->cv_text || strcmp(w->a->cv_text, w->pdf_text)))
		fail("the application read back lost its answers or text");
	offerapi_application_free(w->a);
	w->a = NULL;
}

static int run_app_pdf(world *w)
{
	return offerapi_application_pdf(w->s, w->rec, w->app, &w->blob, &w->blob_len);
}

static void after_app_pdf(world *w, int rc)
{
	if (rc == 0 && (w->blob_len != w->pdf_len || memcmp(w->blob, w->pdf, w->pdf_len)))
		fail("the PDF read back differs from the one sent");
	offerapi_free(w->blob);
	w->blob = NULL;
}

static int run_list_offer(world *w)
{
	return offerapi_application_list_offer(w->s, w->rec, w->offer, "random",
	                                       OFFERAPI_LIST_WITH_TEXT, &w->al);
}

static void after_list(world *w, int rc)
{
	if (rc == 0 && (!w->al || w->al->count < 1 || w->al->items[0].nanswers != 2))
		fail("the list is empty or lost the answers");
	offerapi_application_list_free(w->al);
	w->al = NULL;
}

/* The dashboard: its four statements in one batch (store_batch). */
static int run_dashboard(world *w)
{
	return offerapi_dashboard_get(w->s, w->rec, w->offer, NULL, NULL, &w->dash);
}

static void after_dashboard(world *w, int rc)
{
	if (rc == 0 && (!w->dash || !w->dash->offer || !w->dash->jobs || !w->dash->page ||
	                w->dash->page->count < 1 || w->dash->offer->id != w->offer))
		fail("the dashboard lacks its offer, jobs or page");
	if (rc != 0 && w->dash)
		fail("a failed dashboard was given out");
	offerapi_dashboard_free(w->dash);
	w->dash = NULL;
}

static int run_list_mine(world *w)
{
	return offerapi_application_list_mine(w->s, w->cand, 0, &w->al);
}

/* ---- steps: stages, history, notes ---- */

/* A new application at 'received' by a candidate with an address (so the
 * change writes its message to the outbox too). */
static void prep_stage(world *w)
{
	char email[80];
	snprintf(w->name, sizeof w->name, "staged-%lu", w->iter);
	snprintf(email, sizeof email, "staged-%lu@example.org", w->iter);
	NEED(offerapi_user_create_with_email(w->s, w->name, "Zoé", PASSWORD,
	                                     OFFERAPI_ROLE_CANDIDATE, email, "fr", &w->tmp_user));
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = w->pdf,
		.pdf_len = w->pdf_len,
	};
	NEED(offerapi_application_submit(w->s, w->tmp_user, w->offer, &in, &w->stage_app));
}

static int run_set_stage(world *w)
{
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_INTERVIEW;
	return offerapi_application_set_stage(w->s, w->rec, w->stage_app, &ch);
}

/* All or nothing: the stage and its history row together. */
static void after_set_stage(world *w, int rc)
{
	NEED(offerapi_application_get(w->s, w->rec, w->stage_app, &w->a));
	NEED(offerapi_application_history(w->s, w->rec, w->stage_app, &w->h));
	bool moved = w->a->stage == OFFERAPI_STAGE_INTERVIEW;
	if (moved != (rc == 0) || w->h->count != (size_t)moved)
		fail("set_stage returned %d: stage %s, %zu history rows", rc,
		     offerapi_stage_name(w->a->stage), w->h->count);
	offerapi_application_free(w->a);
	w->a = NULL;
	offerapi_stage_history_free(w->h);
	w->h = NULL;
	offerapi_user_free(w->tmp_user);
	w->tmp_user = NULL;
}

/* Two new applications for a batch (prep_stage() makes the first). */
static void prep_stage_many(world *w)
{
	prep_stage(w);
	char email[80];
	snprintf(w->name, sizeof w->name, "staged2-%lu", w->iter);
	snprintf(email, sizeof email, "staged2-%lu@example.org", w->iter);
	NEED(offerapi_user_create_with_email(w->s, w->name, "Yves", PASSWORD,
	                                     OFFERAPI_ROLE_CANDIDATE, email, "en", &w->tmp_user2));
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = w->pdf,
		.pdf_len = w->pdf_len,
	};
	NEED(offerapi_application_submit(w->s, w->tmp_user2, w->offer, &in, &w->stage_app2));
}

static int run_set_stage_many(world *w)
{
	offerapi_stage_change ch = OFFERAPI_STAGE_CHANGE_INIT;
	ch.stage = OFFERAPI_STAGE_REJECTED;
	ch.reason = OFFERAPI_REASON_PROFILE;
	ch.reason_text = "Pas le bon profil";
	ch.show_reason = 1;
	offerapi_id ids[] = { w->stage_app, w->stage_app2 };
	size_t moved = 0;
	return offerapi_application_set_stage_many(w->s, w->rec, w->offer, ids, 2, &ch, &moved,
	                                           NULL);
}

/* All or nothing: both rejected with their history rows, or neither. */
static void after_set_stage_many(world *w, int rc)
{
	offerapi_id ids[] = { w->stage_app, w->stage_app2 };
	for (int i = 0; i < 2; i++) {
		NEED(offerapi_application_get(w->s, w->rec, ids[i], &w->a));
		NEED(offerapi_application_history(w->s, w->rec, ids[i], &w->h));
		bool moved = w->a->stage == OFFERAPI_STAGE_REJECTED;
		if (moved != (rc == 0) || w->h->count != (size_t)moved)
			fail("set_stage_many returned %d: application %d %s, %zu history rows", rc,
			     i, offerapi_stage_name(w->a->stage), w->h->count);
		offerapi_application_free(w->a);
		w->a = NULL;
		offerapi_stage_history_free(w->h);
		w->h = NULL;
	}
	offerapi_user_free(w->tmp_user);
	w->tmp_user = NULL;
	offerapi_user_free(w->tmp_user2);
	w->tmp_user2 = NULL;
}

static int run_history(world *w)
{
	return offerapi_application_history(w->s, w->cand, w->app, &w->h);
}

static void after_history(world *w, int rc)
{
	if (rc == 0 && !w->h)
		fail("history returned 0 and no list");
	offerapi_stage_history_free(w->h);
	w->h = NULL;
}

static int run_note_add(world *w)
{
	return offerapi_application_note_add(w->s, w->rec, w->app,
	                                     "Première note,\nsur deux lignes.", &w->id);
}

static int run_note_list(world *w)
{
	offerapi_page p = OFFERAPI_PAGE_INIT;
	p.flags = OFFERAPI_PAGE_TOTAL;
	return offerapi_application_note_list(w->s, w->rec, w->app, &p, &w->nl);
}

static void after_note_list(world *w, int rc)
{
	if (rc == 0 && (!w->nl || w->nl->count < 1 || w->nl->total < (int64_t)w->nl->count ||
	                strcmp(w->nl->items[0].text, "Première note,\nsur deux lignes.")))
		fail("the notes read back are not the ones written");
	offerapi_note_list_free(w->nl);
	w->nl = NULL;
}

/* ---- steps: scores, scorers, extraction ---- */

/* The base application's score by @p scorer, or -1. */
static double stored_score(world *w, const char *scorer)
{
	offerapi_application *a = NULL;
	NEED(offerapi_application_get(w->s, w->cand, w->app, &a));
	double v = -1;
	for (size_t i = 0; i < a->nscores; i++)
		if (!strcmp(a->scores[i].scorer, scorer))
			v = a->scores[i].score;
	offerapi_application_free(a);
	return v;
}

static void prep_score_put(world *w)
{
	/* a value of its own for each run, to tell the new from the old */
	w->blob_len = 1 + w->iter % 999;
}

static int run_score_put(world *w)
{
	return offerapi_score_put(w->s, w->app, "manual", "1", (double)w->blob_len / 1000.0,
	                          "relu à la main");
}

static void after_score_put(world *w, int rc)
{
	double v = stored_score(w, "manual");
	double want = (double)w->blob_len / 1000.0;
	if ((rc == 0) != (v == want))
		fail("score_put returned %d and the stored score is %g", rc, v);
	w->blob_len = 0;
}

static int run_score_missing(world *w)
{
	return offerapi_score_missing(w->s, "never-run", "1", 50, &w->ids, &w->nids);
}

static void after_score_missing(world *w, int rc)
{
	if (rc == 0 && w->nids < 1)
		fail("score_missing found no application");
	offerapi_free(w->ids);
	w->ids = NULL;
	w->nids = 0;
}

static int run_app_score(world *w)
{
	return offerapi_application_score(w->s, w->set, w->app, 0, NULL, NULL);
}

static void after_app_score(world *w, int rc)
{
	double v = stored_score(w, "random");
	if (!(v >= 0 && v <= 1))
		fail("application_score returned %d and the random score is %g", rc, v);
}

static int run_scorers_load(world *w)
{
	int rc = offerapi_scorers_new(&w->set2);
	if (rc == 0)
		rc = offerapi_scorers_allow(w->set2, "random, similarity");
	if (rc == 0)
		rc = offerapi_scorers_set(w->set2, "random", "Seed", "42");
	if (rc == 0)
		rc = offerapi_scorers_load_file(w->set2, w->scorer_file);
	return rc;
}

static void after_scorers_load(world *w, int rc)
{
	if (rc == 0 && offerapi_scorers_count(w->set2) != 1)
		fail("scorers loaded %zu plugins", offerapi_scorers_count(w->set2));
	offerapi_scorers_free(w->set2);
	w->set2 = NULL;
}

static int run_cv_extract(world *w)
{
	return offerapi_cv_extract(&w->text, NULL, w->pdf, w->pdf_len, NULL);
}

static void after_cv_extract(world *w, int rc)
{
	if (rc == 0 && (!w->text || strcmp(w->text, w->pdf_text)))
		fail("the extracted text differs");
	if (rc != 0 && w->text)
		fail("cv_extract failed (%d) but gave text", rc);
	offerapi_free(w->text);
	w->text = NULL;
}

/* ---- the pass ---- */

typedef struct step {
	const char *group; /* "store", "submit" or "cv": one meson test each */
	const char *name;
	void (*prep)(world *w); /* before the run, allocations not failed */
	int (*run)(world *w); /* the library call, allocations failed */
	void (*after)(world *w, int rc); /* checks the outcome, frees it */
} step;

static const step STEPS[] = {
	{ "store", "store_open (new file, migrations)", prep_open_new, run_open_new,
	  after_open_new },
	{ "store", "store_open (existing file)", NULL, run_open_existing, after_open },
	{ "store", "user_create", prep_user_create, run_user_create, after_user_create },
	{ "store", "user_authenticate", NULL, run_authenticate, after_user },
	{ "store", "user_get", NULL, run_user_get, after_user },
	{ "store", "session_create", NULL, run_session_create, after_session_create },
	{ "store", "session_user", NULL, run_session_user, after_user },
	{ "store", "session_delete", prep_session_delete, run_session_delete,
	  after_session_delete },
	{ "store", "session_purge", NULL, run_session_purge, after_nothing },
	{ "store", "offer_create", prep_offer_create, run_offer_create, after_offer_create },
	{ "store", "offer_get", NULL, run_offer_get, after_offer_get },
	{ "store", "offer_update", prep_offer_update, run_offer_update, after_offer_update },
	{ "store", "offer_search", NULL, run_offer_search, after_offer_search },
	{ "submit", "application_submit (real PDF)", prep_submit, run_submit, after_submit },
	{ "store", "application_get", NULL, run_app_get, after_app_get },
	{ "store", "application_pdf", NULL, run_app_pdf, after_app_pdf },
	{ "store", "application_list_offer", NULL, run_list_offer, after_list },
	{ "store", "application_list_mine", NULL, run_list_mine, after_list },
	{ "store", "dashboard_get", NULL, run_dashboard, after_dashboard },
	{ "store", "application_set_stage", prep_stage, run_set_stage, after_set_stage },
	{ "store", "application_set_stage_many", prep_stage_many, run_set_stage_many,
	  after_set_stage_many },
	{ "store", "application_history", NULL, run_history, after_history },
	{ "store", "application_note_add", NULL, run_note_add, after_nothing },
	{ "store", "application_note_list", NULL, run_note_list, after_note_list },
	{ "store", "score_put", prep_score_put, run_score_put, after_score_put },
	{ "store", "score_missing", NULL, run_score_missing, after_score_missing },
	{ "store", "application_score (random plugin)", NULL, run_app_score, after_app_score },
	{ "store", "scorers: new, allow, set, load_file", NULL, run_scorers_load,
	  after_scorers_load },
	{ "cv", "cv_extract", NULL, run_cv_extract, after_cv_extract },
};

/*
 * Outcomes other than ENOMEM that are accepted, each only when the first
 * failed allocation was asked for by the given library: the documented
 * code of a plugin refusing to start, and one dependency that hides its
 * allocation failure so that nothing outside it can tell. Each is counted
 * and printed.
 */
static const struct tolerated {
	const char *step, *library;
	int rc;
	const char *why;
} TOLERATED[] = {
	{ "user_authenticate", "libsodium.so", OFFERAPI_EAUTH,
	  "libsodium 1.0.18's Argon2 fills a segment without checking an allocation, so "
	  "the hash comes out wrong and the password reads as wrong" },
	{ "scorers: new, allow, set, load_file", "scorer-random.so", OFFERAPI_EPLUGIN,
	  "the plugin's create() refused with its own \"out of memory\": the documented "
	  "OFFERAPI_EPLUGIN (scorers.h)" },
};
static unsigned long tolerated_count[sizeof TOLERATED / sizeof TOLERATED[0]];

static bool tolerated(int rc)
{
	const char *lib = failmalloc_fired_in();
	for (size_t i = 0; i < sizeof TOLERATED / sizeof TOLERATED[0]; i++)
		if (rc == TOLERATED[i].rc && !strcmp(cur_step, TOLERATED[i].step) &&
		    !strncmp(lib, TOLERATED[i].library, strlen(TOLERATED[i].library))) {
			tolerated_count[i]++;
			return true;
		}
	return false;
}

/* The outcome of one run with an allocation failed: success, or ENOMEM
 * with its message as the last error. */
static void check_outcome(int rc)
{
	if (rc == 0 || tolerated(rc))
		return;
	const offerapi_error *e = offerapi_error_last();
	if (rc != OFFERAPI_ENOMEM)
		fail("returned %d (%s), not OFFERAPI_ENOMEM (allocation asked by %s); message: %s",
		     rc, offerapi_strerror(rc), failmalloc_fired_in(), e->message);
	else if (e->code != rc || !e->message[0] || !strcmp(e->message, "no error"))
		fail("returned OFFERAPI_ENOMEM but the last error is %d \"%s\"", e->code,
		     e->message);
}

static unsigned long runs; /* with an allocation failed */

/*
 * Which allocations are failed. Opening a new file runs every migration:
 * 88 000 allocations (December 2026), nearly all SQLite's while it parses
 * and runs DDL, and each failed open is followed by a full open of the same
 * file (after_open_new()), so every run of that step costs a whole
 * migration. Its 2 x 4 200 runs (the first 3 000 points, then 1 200 spread
 * evenly) took nearly all of the 450 to 520 s alloc-failure-store took under
 * ASan. So every n is tried up to full (1 000; 100 for a new store), as
 * before: the first calls of a step run cold, preparing their statements,
 * and those runs fail the preparation at every point. Past full, a clean
 * run records the call path of each allocation (failmalloc_record()), and
 * the n-th allocation is failed when
 *   - its call path (the site_depth innermost frames) has been failed
 *     fewer than per_site times in this step: every distinct allocation
 *     site, at its first occurrences, or
 *   - n is on a stride from an offset the seed picks for each step and
 *     kind of failure (different depths on each run), or
 *   - it is one of the last 3, or past what the clean run counted.
 * Each is set by the environment: ALLOC_FULL (for every step), ALLOC_PER_SITE,
 * ALLOC_SITE_DEPTH, ALLOC_STRIDE (unset: the per-step stride that keeps a
 * step to about MAX_STRIDED strided runs, and at least STRIDE_MIN),
 * ALLOC_SEED (unset: 1, so that CI tries the same points each run; another
 * seed, e.g. the time, tries others; printed, so that a failure can be
 * replayed).
 * ALLOC_STRIDE=1 fails every allocation, as a full run does.
 */
enum {
	FULL = 1000,
	FULL_NEW_STORE = 100,
	PER_SITE = 1,
	SITE_DEPTH = 4,
	STRIDE_MIN = 4,
	MAX_STRIDED = 200
};

static struct {
	unsigned long full, full_new, per_site, stride; /* stride 0: per step */
	int depth;
	uint64_t seed;
} plan;

static unsigned long env_ulong(const char *name, unsigned long dflt)
{
	const char *v = getenv(name);
	if (!v || !*v)
		return dflt;
	char *end;
	errno = 0;
	unsigned long n = strtoul(v, &end, 10);
	if (errno || *end || n > 1000000000ul) {
		fprintf(stderr, "setup: %s=%s is not a whole number up to 10^9\n", name, v);
		exit(2);
	}
	return n;
}

static void plan_from_env(void)
{
	plan.full = env_ulong("ALLOC_FULL", FULL);
	plan.full_new = env_ulong("ALLOC_FULL", FULL_NEW_STORE);
	plan.per_site = env_ulong("ALLOC_PER_SITE", PER_SITE);
	plan.stride = env_ulong("ALLOC_STRIDE", 0);
	plan.depth = (int)env_ulong("ALLOC_SITE_DEPTH", SITE_DEPTH);
	if (plan.depth < 1 || plan.depth > 16) {
		fprintf(stderr, "setup: ALLOC_SITE_DEPTH is from 1 to 16\n");
		exit(2);
	}
	plan.seed = env_ulong("ALLOC_SEED", 1);
}

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15u;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
	return x ^ (x >> 31);
}

/* The sites of one clean run, and how often each was failed. */
enum { MAX_RECORDED = 1 << 18 };
static uint64_t rec_sites[MAX_RECORDED];
static struct site_count {
	uint64_t site;
	unsigned long failed;
} * site_table;
static size_t site_cap;

/* The counter of @p site (open addressing; the table is cleared per step). */
static unsigned long *site_failed(uint64_t site)
{
	size_t i = (size_t)splitmix64(site) & (site_cap - 1);
	while (site_table[i].failed && site_table[i].site != site)
		i = (i + 1) & (site_cap - 1);
	site_table[i].site = site;
	return &site_table[i].failed;
}

/* Whether the n-th allocation (n from 1) of a step whose clean run made
 * @p end is failed; counts its site when so. */
static bool chosen(unsigned long n, unsigned long end, unsigned long stride, unsigned long offset)
{
	if (n + 3 > end || (n + offset) % stride == 0)
		return true;
	if (n > MAX_RECORDED)
		return false;
	unsigned long *f = site_failed(rec_sites[n - 1]);
	if (*f >= plan.per_site)
		return false;
	++*f;
	return true;
}

/* What pass_step() did, for the table. */
typedef struct pass_stats {
	unsigned long points; /* allocations reached by the failing runs */
	unsigned long sites; /* distinct call paths in the clean run */
	unsigned long stride, runs;
} pass_stats;

/* Count the distinct sites of the clean run's @p end allocations. */
static unsigned long count_sites(unsigned long end)
{
	unsigned long n = 0;
	size_t need = 1;
	while (need < 2 * (size_t)end + 2)
		need *= 2;
	if (need > site_cap) {
		free(site_table);
		site_table = malloc(need * sizeof *site_table);
		if (!site_table)
			exit(1);
		site_cap = need;
	}
	memset(site_table, 0, site_cap * sizeof *site_table);
	for (unsigned long i = 0; i < end && i < MAX_RECORDED; i++) {
		unsigned long *f = site_failed(rec_sites[i]);
		n += *f == 0;
		*f = 1;
	}
	memset(site_table, 0, site_cap * sizeof *site_table);
	return n;
}

/* Run @p s with nothing failed, recording its allocations' sites. Returns
 * the number of allocations. */
static unsigned long clean_run(world *w, const step *s)
{
	cur_n = 0;
	w->iter++;
	if (s->prep)
		s->prep(w);
	offerapi_error_clear();
	failmalloc_record(rec_sites, MAX_RECORDED, plan.depth);
	int rc = s->run(w);
	unsigned long end = failmalloc_disarm();
	if (rc != 0)
		fail("failed with no allocation failed: %d (%s)", rc,
		     offerapi_error_last()->message);
	s->after(w, rc);
	return end;
}

/* Run @p s with the n-th allocation failing for each n the plan picks
 * (every n up to full, then a sample from the sites of a clean run), until
 * a run no longer reaches n. */
static pass_stats pass_step(world *w, const step *s, size_t index, bool persistent)
{
	pass_stats st = { 0, 0, 0, 0 };
	cur_step = s->name;
	cur_persistent = persistent;
	unsigned long full = s->run == run_open_new ? plan.full_new : plan.full;
	unsigned long end = 0, offset = 0;
	bool sampling = false;
	/* ALLOC_FROM=n starts at the n-th allocation (debugging) */
	for (unsigned long n = env_ulong("ALLOC_FROM", 1);; n++) {
		if (n > full && !sampling) {
			end = clean_run(w, s);
			st.sites = count_sites(end);
			st.stride = plan.stride ? plan.stride
			            : end > full + MAX_STRIDED * STRIDE_MIN
			                    ? (end - full) / MAX_STRIDED + 1
			                    : STRIDE_MIN;
			offset = splitmix64(plan.seed ^ (index * 2 + persistent)) % st.stride;
			sampling = true;
		}
		if (sampling && !chosen(n, end, st.stride, offset))
			continue;
		cur_n = n;
		runs++;
		st.runs++;
		w->iter++;
		if (s->prep)
			s->prep(w);
		offerapi_error_clear();
		failmalloc_arm(n, persistent);
		int rc = s->run(w);
		failmalloc_disarm();
		bool fired = failmalloc_fired();
		if (fired)
			check_outcome(rc);
		else if (rc != 0)
			fail("failed with no allocation failed: %d (%s)", rc,
			     offerapi_error_last()->message);
		s->after(w, rc);
		if (!fired) {
			st.points = n - 1;
			return st;
		}
	}
}

/* Where the databases go: $OFFERAPI_ALLOC_DIR, else /dev/shm (a tmpfs:
 * thousands of stores are created, and fsync there costs nothing), else
 * $TMPDIR or /tmp. */
static const char *work_dir(void)
{
	const char *d = getenv("OFFERAPI_ALLOC_DIR");
	if (d && *d)
		return d;
	if (access("/dev/shm", W_OK | X_OK) == 0)
		return "/dev/shm";
	d = getenv("TMPDIR");
	return d && *d ? d : "/tmp";
}

static void setup(world *w, const char *pdf_path)
{
	snprintf(w->dir, sizeof w->dir, "%s/offerapi-alloc-XXXXXX", work_dir());
	if (!mkdtemp(w->dir)) {
		fprintf(stderr, "setup: mkdtemp %s: %s\n", w->dir, strerror(errno));
		exit(1);
	}
	snprintf(w->url, sizeof w->url, "sqlite:%s/base.db", w->dir);
	w->opts = (offerapi_store_options)OFFERAPI_STORE_OPTIONS_INIT;
	w->opts.pool_size = 2;
	w->opts.pwhash_memlimit = 8192; /* libsodium's minimum: fast tests */
	w->opts.pwhash_opslimit = 1;
	NEED(offerapi_store_open(&w->s, w->url, &w->opts));
	NEED(offerapi_user_create(w->s, "rh@example.org", "Rémi RH", PASSWORD,
	                          OFFERAPI_ROLE_RECRUITER, &w->rec));
	NEED(offerapi_user_create(w->s, "alice", "Alice Martin", PASSWORD, OFFERAPI_ROLE_CANDIDATE,
	                          &w->cand));
	offerapi_offer_fields f = offer_fields("Développeuse C");
	NEED(offerapi_offer_create(w->s, w->rec, &f, &w->offer));
	w->pdf = read_file(pdf_path, &w->pdf_len);
	NEED(offerapi_cv_extract(&w->pdf_text, NULL, w->pdf, w->pdf_len, NULL));
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = w->pdf,
		.pdf_len = w->pdf_len,
		.answers = ANSWERS,
		.nanswers = 2,
	};
	NEED(offerapi_application_submit(w->s, w->cand, w->offer, &in, &w->app));
	NEED(offerapi_scorers_new(&w->set));
	NEED(offerapi_scorers_load_file(w->set, w->scorer_file));
	NEED(offerapi_application_score(w->s, w->set, w->app, 0, NULL, NULL));
	NEED(offerapi_session_create(w->s, w->rec, w->token));
}

static void teardown(world *w)
{
	offerapi_scorers_free(w->set);
	offerapi_user_free(w->rec);
	offerapi_user_free(w->cand);
	offerapi_store_free(w->s);
	offerapi_free(w->pdf_text);
	free(w->pdf);
	char path[400];
	snprintf(path, sizeof path, "%s/base.db", w->dir);
	remove_db(path);
	if (rmdir(w->dir) != 0)
		fprintf(stderr, "teardown: rmdir %s: %s\n", w->dir, strerror(errno));
}

/* AddressSanitizer's defaults for this program (ASAN_OPTIONS still
 * overrides them): tens of thousands of runs churn through memory, and a
 * smaller quarantine and shorter allocation stacks keep the pass within
 * its time; leak reports keep 12 frames. */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
	return "quarantine_size_mb=16:malloc_context_size=12";
}

int main(int argc, char **argv)
{
	if (argc != 4 || !strcmp(argv[1], "--help")) {
		fprintf(argc == 2 ? stdout : stderr,
		        "usage: %s store|submit|cv|all CV.pdf SCORER-RANDOM.so\n"
		        "Runs libofferapi's scenario with the n-th allocation failing, for every n\n"
		        "it reaches, and checks each run ends in success or a clean OFFERAPI_ENOMEM.\n"
		        "The first argument picks the steps: opening stores and the domain calls,\n"
		        "application_submit, or cv_extract (each a test of its own), or all.\n",
		        argv[0]);
		return argc == 2 ? 0 : 2;
	}
	const char *group = argv[1];
	argv++;
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGSEGV, on_crash);
	signal(SIGBUS, on_crash);
	signal(SIGABRT, on_crash);
	static world w;
	w.scorer_file = argv[2];
	plan_from_env();
	setup(&w, argv[1]);
	printf("sampling: ALLOC_FULL=%lu (%lu for a new store) ALLOC_PER_SITE=%lu "
	       "ALLOC_SITE_DEPTH=%d ALLOC_STRIDE=%lu%s ALLOC_SEED=%llu "
	       "(ALLOC_STRIDE=1: every allocation)\n",
	       plan.full, plan.full_new, plan.per_site, plan.depth, plan.stride,
	       plan.stride ? "" : " (per step)", (unsigned long long)plan.seed);
	printf("%-40s %7s %6s %6s %10s %10s %6s\n", "step", "points", "sites", "stride", "runs",
	       "runs (p)", "cpu s");
	unsigned long total[3] = { 0, 0, 0 };
	/* ALLOC_ONLY=text runs the steps whose name contains it (debugging) */
	const char *only = getenv("ALLOC_ONLY");
	for (size_t i = 0; i < sizeof STEPS / sizeof STEPS[0]; i++) {
		if ((only && !strstr(STEPS[i].name, only)) ||
		    (strcmp(group, "all") && strcmp(group, STEPS[i].group)))
			continue;
		clock_t c0 = clock();
		pass_stats t = pass_step(&w, &STEPS[i], i, false);
		pass_stats p = pass_step(&w, &STEPS[i], i, true);
		printf("%-40s %7lu %6lu %6lu %10lu %10lu %6.1f\n", STEPS[i].name, t.points, t.sites,
		       t.stride, t.runs, p.runs, (double)(clock() - c0) / CLOCKS_PER_SEC);
		total[0] += t.points;
		total[1] += t.runs;
		total[2] += p.runs;
	}
	cur_step = "teardown";
	teardown(&w);
	printf("%-40s %7lu %6s %6s %10lu %10lu (runs)\n", "all steps", total[0], "", "", total[1],
	       total[2]);
	for (size_t i = 0; i < sizeof TOLERATED / sizeof TOLERATED[0]; i++)
		if (tolerated_count[i])
			printf("accepted %lu time(s) in %s: %s returned %s (%s)\n",
			       tolerated_count[i], TOLERATED[i].step, TOLERATED[i].library,
			       offerapi_strerror(TOLERATED[i].rc), TOLERATED[i].why);
	printf("test_alloc: %lu runs with an allocation failed, %d failure(s)\n", runs, failures);
	return failures ? 1 : 0;
}
