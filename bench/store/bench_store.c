/*
 * bench_store.c - the library's list and dashboard calls at scale, timed
 * per call with the peak memory they take (bench/store/README.md).
 *
 *   bench-store fill URL STATE [options]   make the data set (once per store)
 *   bench-store run URL STATE [options]    time every case, print one line each
 *
 * The source builds against any version of the public headers: the calls
 * that the paged API added (offerapi/page.h) are used when the headers have
 * them, so run.sh compiles this same file against the reference library
 * ("before") and the branch ("after") and runs both in one go.
 */
#include <errno.h>
#include <inttypes.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <sodium.h>
#include <sqlite3.h>

#include <offerapi/offerapi.h>

#include "pdfgen.h"

#define MAX_SIZES 8

typedef struct config {
	const char *url, *state;
	size_t offers; /* offers of the home page's recruiter */
	size_t sizes[MAX_SIZES]; /* applications per dashboard offer */
	size_t nsizes;
	size_t pdf_kb; /* padding per PDF */
	unsigned threads;
	double seconds; /* measuring time per case */
	const char *only; /* run only cases whose name starts with this */
} config;

/* What fill made, for run to find: written to the STATE file. */
typedef struct state {
	offerapi_id rec, dash, cand;
	offerapi_id dash_offer[MAX_SIZES];
	size_t sizes[MAX_SIZES];
	size_t nsizes;
	size_t offers;
} state;

static void die(const char *what)
{
	fprintf(stderr, "bench-store: %s: %s\n", what, offerapi_error_last()->message);
	exit(1);
}

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static offerapi_store *open_store(const char *url, unsigned pool)
{
	offerapi_store_options o = OFFERAPI_STORE_OPTIONS_INIT;
	o.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
	o.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
	o.pool_size = pool;
#if OFFERAPI_STORE_OPTIONS_VERSION >= 3 /* a reference library may predate it */
	/* CVs are encrypted at rest: on PostgreSQL the key file comes from
	 * tests/with-postgresql.sh (SQLite makes one beside the database) */
	o.data_key_file = getenv("OFFERAPI_DATA_KEY_FILE");
#endif
	o.busy_timeout_ms = 60000;
	offerapi_store *s;
	if (offerapi_store_open(&s, url, &o) < 0)
		die(url);
	return s;
}

/* ---- fill ---- */

static const char *const words[] = {
	"développeur", "ingénieure", "data",       "backend",     "frontend",
	"chef",        "projet",     "technicien", "maintenance", "comptable",
	"analyste",    "logistique", "commercial", "infirmier",   "électricien",
	"support",     "réseau",     "sécurité",   "produit",     "qualité",
};
#define NWORDS (sizeof words / sizeof *words)
static const char *const skills[] = { "C",     "SQL",  "Python",     "Kubernetes", "Go",  "Excel",
	                              "Linux", "Java", "PostgreSQL", "Rust",       "SAP", "Docker" };
#define NSKILLS (sizeof skills / sizeof *skills)
static const char *const cities[] = { "Paris", "Lyon", "Montréal", "Nantes", "Lille", "Bordeaux" };

static uint32_t hash32(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return (uint32_t)x;
}

static offerapi_id make_offer(offerapi_store *s, offerapi_user *rec, size_t i, const char *title)
{
	char t[160], d[1200];
	if (!title) {
		snprintf(t, sizeof t, "%s %s %zu", words[i % NWORDS], words[(i / NWORDS) % NWORDS],
		         i);
		title = t;
	}
	/* one offer in 1000 says "zanzibar": the rare word of the search case */
	int n = snprintf(d, sizeof d, "Poste %s à pourvoir. %s", title,
	                 i % 1000 == 7 ? "Mission à Zanzibar. " : "");
	for (int k = 0; k < 8 && n < (int)sizeof d - 120; k++)
		n += snprintf(d + n, sizeof d - (size_t)n,
		              "Vous travaillerez avec une équipe %s sur des sujets %s. ",
		              words[hash32(i * 8 + (size_t)k) % NWORDS],
		              words[hash32(i * 8 + (size_t)k + 99) % NWORDS]);
	const char *sk[3] = { skills[i % NSKILLS], skills[(i / 3 + 1) % NSKILLS],
		              skills[(i / 7 + 2) % NSKILLS] };
	const char *q[] = { "Pourquoi ce poste ?", "Disponible quand ?" };
	offerapi_offer_fields f = { .version = OFFERAPI_OFFER_FIELDS_VERSION };
	f.title = title;
	f.description = d;
	f.location = cities[i % 6];
	f.skills = sk;
	f.nskills = 3;
	f.questions = q;
	f.nquestions = 2;
	offerapi_id id;
	if (offerapi_offer_create(s, rec, &f, &id) < 0)
		die("offer_create");
	return id;
}

typedef struct filler {
	offerapi_store *s;
	const config *c;
	state *st;
	size_t next, total; /* candidates handed out / to make */
	pthread_mutex_t lock;
} filler;

/* The CV of candidate @i: a few distinct lines, padded to the wanted size. */
static char *cv_of(size_t i, size_t pad, size_t *len)
{
	char name[64], l2[160], l3[160];
	snprintf(name, sizeof name, "Candidat numero %zu", i);
	snprintf(l2, sizeof l2, "Experience: %s %s, %zu ans", words[hash32(i) % NWORDS],
	         words[hash32(i + 1) % NWORDS], 1 + i % 20);
	snprintf(l3, sizeof l3, "Competences: %s, %s, %s", skills[i % NSKILLS],
	         skills[(i + 5) % NSKILLS], skills[(i + 7) % NSKILLS]);
	const char *lines[] = { "Curriculum vitae",
		                name,
		                l2,
		                l3,
		                "Formation: master informatique, Universite de Lyon",
		                "Langues: francais, anglais" };
	return pdfgen_text_padded(lines, 6, 1, pad, (unsigned)i + 1, len);
}

static void fill_one(filler *f, size_t i)
{
	char login[32];
	snprintf(login, sizeof login, "cand%05zu@bench.example", i);
	offerapi_user *u;
	if (offerapi_user_create(f->s, login, login + 4, "bench password", OFFERAPI_ROLE_CANDIDATE,
	                         &u) < 0)
		die("user_create");
	if (i == 0)
		f->st->cand = u->id;
	size_t len;
	char *pdf = cv_of(i, f->c->pdf_kb * 1024, &len);
	if (!pdf)
		die("pdfgen");
	const char *answers[] = { "Parce que le poste me plaît.", "Dans un mois." };
	for (size_t k = 0; k < f->st->nsizes; k++) {
		if (i >= f->st->sizes[k])
			continue;
		offerapi_application_input in = { .version = OFFERAPI_APPLICATION_INPUT_VERSION };
		in.filename = "cv.pdf";
		in.pdf = pdf;
		in.pdf_len = len;
		in.answers = answers;
		in.nanswers = 2;
		offerapi_id app;
		if (offerapi_application_submit(f->s, u, f->st->dash_offer[k], &in, &app) < 0)
			die("application_submit");
		double r = hash32(app * 2) / 4294967296.0, m = hash32(app * 2 + 1) / 4294967296.0;
		char expl[200];
		snprintf(expl, sizeof expl, "matched: %s, %s; missing: %s", skills[i % NSKILLS],
		         skills[(i + 5) % NSKILLS], skills[(i + 3) % NSKILLS]);
		if (offerapi_score_put(f->s, app, "random", "1.0.0", r, "") < 0 ||
		    offerapi_score_put(f->s, app, "similarity", "2.0.0", m, expl) < 0)
			die("score_put");
	}
	free(pdf);
	offerapi_user_free(u);
}

static void *fill_worker(void *arg)
{
	filler *f = arg;
	for (;;) {
		pthread_mutex_lock(&f->lock);
		size_t i = f->next++;
		pthread_mutex_unlock(&f->lock);
		if (i >= f->total)
			return NULL;
		fill_one(f, i);
		if (i % 2000 == 1999)
			fprintf(stderr, "  %zu candidates\n", i + 1);
	}
}

static void state_write(const char *path, const state *st)
{
	FILE *fp = fopen(path, "w");
	if (!fp) {
		perror(path);
		exit(1);
	}
	fprintf(fp, "rec %" PRId64 "\ndash %" PRId64 "\ncand %" PRId64 "\noffers %zu\n", st->rec,
	        st->dash, st->cand, st->offers);
	for (size_t k = 0; k < st->nsizes; k++)
		fprintf(fp, "dashboard %zu %" PRId64 "\n", st->sizes[k], st->dash_offer[k]);
	fclose(fp);
}

static void state_read(const char *path, state *st)
{
	memset(st, 0, sizeof *st);
	FILE *fp = fopen(path, "r");
	if (!fp) {
		perror(path);
		exit(1);
	}
	char key[32];
	int64_t a, b;
	while (fscanf(fp, "%31s %" SCNd64, key, &a) == 2) {
		if (!strcmp(key, "rec"))
			st->rec = a;
		else if (!strcmp(key, "dash"))
			st->dash = a;
		else if (!strcmp(key, "cand"))
			st->cand = a;
		else if (!strcmp(key, "offers"))
			st->offers = (size_t)a;
		else if (!strcmp(key, "dashboard") && fscanf(fp, "%" SCNd64, &b) == 1 &&
		         st->nsizes < MAX_SIZES) {
			st->sizes[st->nsizes] = (size_t)a;
			st->dash_offer[st->nsizes++] = b;
		}
	}
	fclose(fp);
}

static int fill(const config *c)
{
	offerapi_store *s = open_store(c->url, c->threads + 1);
	state st = { 0 };
	double t0 = now_s();
	offerapi_user *rec, *dash;
	if (offerapi_user_create(s, "rec@bench.example", "Recrutement Bench", "bench password",
	                         OFFERAPI_ROLE_RECRUITER, &rec) < 0 ||
	    offerapi_user_create(s, "dash@bench.example", "Tableaux Bench", "bench password",
	                         OFFERAPI_ROLE_RECRUITER, &dash) < 0)
		die("user_create");
	st.rec = rec->id;
	st.dash = dash->id;
	st.offers = c->offers;
	st.nsizes = c->nsizes;
	size_t maxsize = 0;
	/* the dashboards' offers first: the oldest, on the home page's last page */
	for (size_t k = 0; k < c->nsizes; k++) {
		char title[64];
		snprintf(title, sizeof title, "Tableau de bord %zu candidatures", c->sizes[k]);
		st.sizes[k] = c->sizes[k];
		st.dash_offer[k] = make_offer(s, dash, k, title);
		if (c->sizes[k] > maxsize)
			maxsize = c->sizes[k];
	}
	for (size_t i = 0; i < c->offers; i++)
		make_offer(s, rec, i, NULL);
	fprintf(stderr, "bench-store: %zu offers in %.1f s\n", c->offers + c->nsizes, now_s() - t0);
	filler f = { s, c, &st, 0, maxsize, PTHREAD_MUTEX_INITIALIZER };
	pthread_t th[16];
	unsigned n = c->threads > 16 ? 16 : c->threads;
	for (unsigned k = 0; k < n; k++)
		pthread_create(&th[k], NULL, fill_worker, &f);
	for (unsigned k = 0; k < n; k++)
		pthread_join(th[k], NULL);
	fprintf(stderr, "bench-store: %zu candidates and their applications in %.1f s\n", maxsize,
	        now_s() - t0);
	state_write(c->state, &st);
	offerapi_user_free(rec);
	offerapi_user_free(dash);
	offerapi_store_free(s);
	return 0;
}

/* ---- measuring ---- */

/* Resident and peak resident memory of this process, KiB. */
static void mem_kib(long *rss, long *hwm)
{
	*rss = *hwm = 0;
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	while (fp && fgets(line, sizeof line, fp)) {
		if (!strncmp(line, "VmRSS:", 6))
			*rss = strtol(line + 6, NULL, 10);
		else if (!strncmp(line, "VmHWM:", 6))
			*hwm = strtol(line + 6, NULL, 10);
	}
	if (fp)
		fclose(fp);
}

/* Reset the peak (VmHWM) to the current RSS (Linux 4.0+). */
static void reset_peak(void)
{
	FILE *fp = fopen("/proc/self/clear_refs", "w");
	if (fp) {
		fputs("5", fp);
		fclose(fp);
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

typedef int (*case_fn)(void *arg);

typedef struct bench {
	const config *c;
	const char *backend, *label;
} bench;

/*
 * Run @fn for about c->seconds (3 to 5000 calls, after one warm-up) and
 * print: case, calls, median and 90th percentile per call (ms), per item
 * (µs, when @items), peak RSS during the case and its rise over the RSS
 * before it (MiB). One tab-separated "R" line per case for run.sh.
 */
static void measure(const bench *b, const char *name, size_t items, case_fn fn, void *arg)
{
	if (b->c->only && strncmp(name, b->c->only, strlen(b->c->only)) != 0)
		return;
	if (fn(arg) < 0) {
		fprintf(stderr, "bench-store: %s: %s\n", name, offerapi_error_last()->message);
		exit(1);
	}
	malloc_trim(0);
	long rss0, hwm;
	mem_kib(&rss0, &hwm);
	reset_peak();
	enum { MAXN = 5000 };
	static double t[MAXN];
	size_t n = 0;
	double start = now_s();
	while (n < MAXN && (n < 3 || now_s() - start < b->c->seconds)) {
		double t0 = now_s();
		if (fn(arg) < 0) {
			fprintf(stderr, "bench-store: %s: %s\n", name,
			        offerapi_error_last()->message);
			exit(1);
		}
		t[n++] = now_s() - t0;
	}
	long rss1;
	mem_kib(&rss1, &hwm);
	qsort(t, n, sizeof *t, cmp_double);
	double med = t[n / 2] * 1e3, p90 = t[(n * 9) / 10 < n ? (n * 9) / 10 : n - 1] * 1e3;
	double per = items ? med * 1e3 / (double)items : 0;
	printf("%-10s %-6s %-24s %6zu %10.3f %10.3f %9.2f %8.1f %8.1f\n", b->backend, b->label,
	       name, n, med, p90, per, hwm / 1024.0, (hwm - rss0) / 1024.0);
	fprintf(stderr, "R\t%s\t%s\t%s\t%zu\t%.6f\t%.6f\t%.3f\t%.2f\t%.2f\n", b->backend, b->label,
	        name, n, med, p90, per, hwm / 1024.0, (hwm - rss0) / 1024.0);
	fflush(stdout);
}

/* ---- cases through the library ---- */

typedef struct ctx {
	offerapi_store *s;
	offerapi_user *rec, *dash, *cand;
	offerapi_id offer; /* a dashboard's offer */
	size_t size; /* its applications */
	size_t offset; /* of a page of offers */
	const char *words; /* of a search */
	offerapi_id recruiter; /* of a search */
	offerapi_id app; /* of an application read */
} ctx;

/* The whole ranked list of an offer: what a dashboard and its CSV read. */
static int c_list_offer(void *arg)
{
	ctx *x = arg;
	offerapi_application_list *l;
	int rc = offerapi_application_list_offer(x->s, x->dash, x->offer, NULL, 0, &l);
	if (rc == 0 && l->count != x->size)
		rc = -1;
	offerapi_application_list_free(l);
	return rc;
}

/* A page of 50 offers at an offset (the API's and old pages' way). */
static int c_search_offset(void *arg)
{
	ctx *x = arg;
	offerapi_offer_query q = OFFERAPI_OFFER_QUERY_INIT;
	q.words = x->words;
	q.recruiter_id = x->recruiter;
	q.include_closed = x->recruiter != 0;
	q.limit = 50;
	q.offset = x->offset;
	offerapi_offer_list *l;
	int rc = offerapi_offer_search(x->s, &q, &l);
	offerapi_offer_list_free(l);
	return rc;
}

static int c_list_mine(void *arg)
{
	ctx *x = arg;
	offerapi_application_list *l;
	int rc = offerapi_application_list_mine(x->s, x->cand, 0, &l);
	offerapi_application_list_free(l);
	return rc;
}

static int c_app_get(void *arg)
{
	ctx *x = arg;
	offerapi_application *a;
	int rc = offerapi_application_get(x->s, x->dash, x->app, &a);
	offerapi_application_free(a);
	return rc;
}

/* ---- the profile: one column of every application of an offer, in SQL ---- */

typedef struct raw {
	sqlite3 *db;
	PGconn *pg;
	const char *sql;
	offerapi_id offer;
	size_t rows;
} raw;

static int c_raw(void *arg)
{
	raw *r = arg;
	size_t n = 0;
	if (r->db) {
		sqlite3_stmt *st;
		if (sqlite3_prepare_v2(r->db, r->sql, -1, &st, NULL) != SQLITE_OK)
			return -1;
		sqlite3_bind_int64(st, 1, r->offer);
		while (sqlite3_step(st) == SQLITE_ROW) {
			/* read the value as the library does */
			(void)sqlite3_column_text(st, 0);
			n++;
		}
		sqlite3_finalize(st);
	} else {
		char id[24];
		snprintf(id, sizeof id, "%" PRId64, r->offer);
		const char *v[] = { id };
		PGresult *res = PQexecParams(r->pg, r->sql, 1, NULL, v, NULL, NULL, 0);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			fprintf(stderr, "%s\n", PQerrorMessage(r->pg));
			PQclear(res);
			return -1;
		}
		n = (size_t)PQntuples(res);
		PQclear(res);
	}
	return n == r->rows ? 0 : -1;
}

static void raw_profile(const bench *b, const state *st)
{
	raw r = { 0 };
	if (!strcmp(b->backend, "sqlite")) {
		const char *path = b->c->url + 7;
		if (sqlite3_open_v2(path, &r.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
			fprintf(stderr, "bench-store: cannot open %s\n", path);
			exit(1);
		}
	} else {
		r.pg = PQconnectdb(b->c->url);
		if (PQstatus(r.pg) != CONNECTION_OK) {
			fprintf(stderr, "bench-store: %s", PQerrorMessage(r.pg));
			exit(1);
		}
	}
	static const struct {
		const char *name, *sql;
	} q[] = {
		{ "raw.id", "SELECT id FROM applications WHERE offer_id = $1" },
		{ "raw.filename", "SELECT filename FROM applications WHERE offer_id = $1" },
		{ "raw.created_at", "SELECT created_at FROM applications WHERE offer_id = $1" },
		{ "raw.answers", "SELECT answers FROM applications WHERE offer_id = $1" },
	};
	for (size_t k = 0; k < st->nsizes; k++) {
		r.offer = st->dash_offer[k];
		r.rows = st->sizes[k];
		for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
			char name[64], sql[200];
			snprintf(name, sizeof name, "%s.%zu", q[i].name, st->sizes[k]);
			snprintf(sql, sizeof sql, "%s", q[i].sql);
			if (r.db) /* SQLite's own numbered parameters */
				sql[strlen(sql) - 2] = '?';
			r.sql = sql;
			measure(b, name, r.rows, c_raw, &r);
		}
	}
	if (r.db)
		sqlite3_close(r.db);
	PQfinish(r.pg);
}

/* ---- run ---- */

static offerapi_user *user(offerapi_store *s, offerapi_id id)
{
	offerapi_user *u;
	if (offerapi_user_get(s, id, &u) < 0)
		die("user_get");
	return u;
}

static void run_offers(const bench *b, ctx *x, const state *st)
{
	size_t last = (st->offers + st->nsizes - 1) / 50 * 50;
	x->offset = 0;
	measure(b, "home.first", 50, c_search_offset, x);
	x->offset = last;
	measure(b, "home.last", 50, c_search_offset, x);
	x->recruiter = st->rec;
	x->offset = 0;
	measure(b, "recruiter.first", 50, c_search_offset, x);
	x->offset = (st->offers - 1) / 50 * 50;
	measure(b, "recruiter.last", 50, c_search_offset, x);
	x->recruiter = 0;
	x->offset = 0;
	x->words = "kubernetes";
	measure(b, "search.common", 50, c_search_offset, x);
	x->words = "zanzibar";
	measure(b, "search.rare", 0, c_search_offset, x);
	x->words = NULL;
}

static int run(const config *c, const char *label)
{
	state st;
	state_read(c->state, &st);
	offerapi_store *s = open_store(c->url, 4);
	bench b = { c, offerapi_store_backend(s), label };
	ctx x = { s, user(s, st.rec), user(s, st.dash), user(s, st.cand), 0, 0, 0, NULL, 0, 0 };
	printf("%-10s %-6s %-24s %6s %10s %10s %9s %8s %8s\n", "backend", "code", "case", "calls",
	       "median_ms", "p90_ms", "us/item", "peak_MiB", "rise_MiB");
	run_offers(&b, &x, &st);
	for (size_t k = 0; k < st.nsizes; k++) {
		char name[64];
		x.offer = st.dash_offer[k];
		x.size = st.sizes[k];
		snprintf(name, sizeof name, "dash.all.%zu", x.size);
		measure(&b, name, x.size, c_list_offer, &x);
	}
	measure(&b, "mine.apps", 0, c_list_mine, &x);
	offerapi_application_list *l;
	if (offerapi_application_list_mine(s, x.cand, 0, &l) < 0 || !l->count)
		die("list_mine");
	x.app = l->items[0].id;
	offerapi_application_list_free(l);
	measure(&b, "app.get", 0, c_app_get, &x);
	raw_profile(&b, &st);
	offerapi_user_free(x.rec);
	offerapi_user_free(x.dash);
	offerapi_user_free(x.cand);
	offerapi_store_free(s);
	return 0;
}

static int parse_sizes(config *c, const char *v)
{
	c->nsizes = 0;
	for (const char *p = v; *p && c->nsizes < MAX_SIZES;) {
		char *end;
		unsigned long n = strtoul(p, &end, 10);
		if (end == p || n == 0 || n > 1000000)
			return -1;
		c->sizes[c->nsizes++] = n;
		p = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return c->nsizes ? 0 : -1;
}

static void usage(FILE *fp)
{
	fputs("usage: bench-store fill URL STATE [--offers N] [--sizes A,B,C] [--pdf-kb K]\n"
	      "                   [--threads T]\n"
	      "       bench-store run URL STATE [--seconds S] [--label NAME] [--only PREFIX]\n"
	      "\n"
	      "fill: make the data set in a fresh store: one recruiter with N offers (10000),\n"
	      "      one with an offer per size (200,2000,20000) that as many candidates apply\n"
	      "      to with a real PDF (padded by K KiB, default 0), each application scored\n"
	      "      by \"random\" and \"similarity\"; ids go to STATE.\n"
	      "run:  time every case for about S seconds (0.5) and print, per case: calls,\n"
	      "      median and 90th percentile per call, per item, peak RSS and its rise.\n"
	      "URL:  sqlite:PATH or postgresql://... (see bench/store/README.md).\n"
	      "\n"
	      "fill : faire le jeu de données ; run : mesurer chaque cas (bench/store/README.md).\n",
	      fp);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		usage(stdout);
		return 0;
	}
	if (argc < 4 || (strcmp(argv[1], "fill") && strcmp(argv[1], "run"))) {
		usage(stderr);
		return 2;
	}
	config c = { argv[2], argv[3], 10000, { 200, 2000, 20000 }, 3, 0, 2, 0.5, NULL };
	const char *label = "lib";
	for (int i = 4; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!v) {
			fprintf(stderr, "bench-store: %s needs a value\n", a);
			return 2;
		}
		i++;
		if (!strcmp(a, "--offers"))
			c.offers = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--sizes") && parse_sizes(&c, v) == 0)
			continue;
		else if (!strcmp(a, "--pdf-kb"))
			c.pdf_kb = strtoul(v, NULL, 10);
		else if (!strcmp(a, "--threads"))
			c.threads = (unsigned)strtoul(v, NULL, 10);
		else if (!strcmp(a, "--seconds"))
			c.seconds = strtod(v, NULL);
		else if (!strcmp(a, "--label"))
			label = v;
		else if (!strcmp(a, "--only"))
			c.only = v;
		else {
			fprintf(stderr, "bench-store: bad option %s %s\n", a, v);
			return 2;
		}
	}
	if (c.offers < 50 || c.offers > 1000000 || c.threads < 1 || c.pdf_kb > 10000 ||
	    !(c.seconds > 0 && c.seconds <= 60)) {
		fprintf(stderr, "bench-store: an option is out of range (see --help)\n");
		return 2;
	}
	return !strcmp(argv[1], "fill") ? fill(&c) : run(&c, label);
}
