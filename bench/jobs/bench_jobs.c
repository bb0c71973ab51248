/*
 * bench_jobs.c - jobs per second through the scoring queue (libofferapi's
 * jobs.h), against scoring the same applications directly, in the same run.
 *
 * usage: bench-jobs --url URL [--n N] [--workers 1,2,4] PLUGIN.so...
 *
 * For each scorer plugin and each number of worker threads W:
 *  - direct: W threads share the N applications and call
 *    offerapi_application_score() on each (read, score, store: what a
 *    server did on the request's thread before the queue);
 *  - queue: N jobs are enqueued, then a runner of W threads drains them
 *    (claim, read, score, complete) while this thread waits for the last
 *    report.
 * It prints both rates, their ratio, and the queue's extra cost per job
 * in thread-milliseconds: W * (t_queue - t_direct) / N. Then the cost of
 * one claim on an empty queue (what an idle worker pays per poll) and the
 * enqueue-to-done latency of single jobs when the worker is in the same
 * process (woken at once) and when it is not (found by polling).
 *
 * Every round scores new applications (the same N candidates apply to a
 * new offer), so nothing is deleted between rounds and only the public API
 * is used. Not a test: no figure decides anything.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <offerapi/offerapi.h>

#include "cvtext.h"
#include "pdfgen.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "bench-jobs: %s: %s\n", what, offerapi_error_last()->message);
	exit(1);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* CV @i: about 120 words of bench_cv_text() in lines of 12, different for
 * each @i. */
static char *cv_pdf(int i, size_t *len)
{
	char text[2048], *latin[16];
	bench_cv_text(text, sizeof text, i, 120, 0);
	size_t nlines = 0;
	for (char *line = text; *line && nlines < 16; nlines++) {
		char *end = strchr(line, '\n');
		if (end)
			*end = '\0';
		latin[nlines] = pdfgen_latin1(line);
		line = end ? end + 1 : line + strlen(line);
	}
	char *pdf = pdfgen_text((const char *const *)latin, nlines, 1, len);
	for (size_t l = 0; l < nlines; l++)
		free(latin[l]);
	return pdf;
}

/* The candidates and their CVs, made once. */
typedef struct world {
	offerapi_store *s;
	offerapi_user *rec;
	offerapi_user **cands;
	char **pdfs;
	size_t *lens;
	int n;
} world;

static void world_make(world *w, offerapi_store *s, int n)
{
	memset(w, 0, sizeof *w);
	w->s = s;
	w->n = n;
	if (offerapi_user_create(s, "bench-rec", "Bench", "bench-password", OFFERAPI_ROLE_RECRUITER,
	                         &w->rec) < 0)
		die("recruiter");
	w->cands = calloc((size_t)n, sizeof *w->cands);
	w->pdfs = calloc((size_t)n, sizeof *w->pdfs);
	w->lens = calloc((size_t)n, sizeof *w->lens);
	for (int i = 0; i < n; i++) {
		char login[32];
		snprintf(login, sizeof login, "cand%d", i);
		if (offerapi_user_create(s, login, login, "bench-password", OFFERAPI_ROLE_CANDIDATE,
		                         &w->cands[i]) < 0)
			die("candidate");
		w->pdfs[i] = cv_pdf(i, &w->lens[i]);
	}
}

static void world_free(world *w)
{
	for (int i = 0; i < w->n; i++) {
		offerapi_user_free(w->cands[i]);
		free(w->pdfs[i]);
	}
	free(w->cands);
	free(w->pdfs);
	free(w->lens);
	offerapi_user_free(w->rec);
}

/* A new offer of the bench's recruiter, for a round's applications (see
 * the top of the file); its id. */
static offerapi_id post_offer(world *w)
{
	const char *skills[] = { "Python", "PostgreSQL", "Kubernetes", "gestion de projet" };
	offerapi_offer_fields of = {
		.version = OFFERAPI_OFFER_FIELDS_VERSION,
		.title = "Développeur Python",
		.description = "Python, SQL et Kubernetes en équipe",
		.location = "Paris",
		.skills = skills,
		.nskills = 4,
	};
	offerapi_id offer;
	if (offerapi_offer_create(w->s, w->rec, &of, &offer) < 0)
		die("offer");
	return offer;
}

/* Candidate @i's application to @offer, with its jobs when @set is given;
 * its id. */
static offerapi_id apply(world *w, int i, offerapi_id offer, const offerapi_scorers *set)
{
	offerapi_application_input in = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = "cv.pdf",
		.pdf = w->pdfs[i],
		.pdf_len = w->lens[i],
	};
	offerapi_id id;
	if (offerapi_application_submit_jobs(w->s, w->cands[i], offer, &in, set, &id) < 0)
		die("application");
	return id;
}

/* A new offer and the first @n candidates' applications to it, each with
 * its jobs when @set is given; their ids (malloc'd). */
static offerapi_id *fill(world *w, int n, const offerapi_scorers *set)
{
	offerapi_id offer = post_offer(w);
	offerapi_id *ids = calloc((size_t)n, sizeof *ids);
	for (int i = 0; i < n; i++)
		ids[i] = apply(w, i, offer, set);
	return ids;
}

typedef struct direct_run {
	offerapi_store *s;
	offerapi_scorers *set;
	const offerapi_id *ids;
	int n;
	atomic_int next;
} direct_run;

static void *direct_thread(void *arg)
{
	direct_run *d = arg;
	for (int i; (i = atomic_fetch_add(&d->next, 1)) < d->n;)
		if (offerapi_application_score(d->s, d->set, d->ids[i], 0, NULL, NULL) < 0)
			die("scoring directly");
	return NULL;
}

static double run_direct(world *w, offerapi_scorers *set, int workers)
{
	offerapi_id *ids = fill(w, w->n, NULL);
	direct_run d = { .s = w->s, .set = set, .ids = ids, .n = w->n };
	pthread_t t[64];
	double t0 = now_s();
	for (int i = 0; i < workers; i++)
		pthread_create(&t[i], NULL, direct_thread, &d);
	for (int i = 0; i < workers; i++)
		pthread_join(t[i], NULL);
	double elapsed = now_s() - t0;
	free(ids);
	return elapsed;
}

typedef struct counter {
	atomic_int done, failed;
	pthread_mutex_t lock;
	double latency_sum;
} counter;

static void on_report(const offerapi_job_report *rep, void *payload)
{
	counter *c = payload;
	if (rep->result == OFFERAPI_JOB_COMPLETED) {
		pthread_mutex_lock(&c->lock);
		c->latency_sum += rep->latency_s;
		pthread_mutex_unlock(&c->lock);
		atomic_fetch_add(&c->done, 1);
	} else {
		atomic_fetch_add(&c->failed, 1);
	}
}

static offerapi_job_runner *runner(offerapi_store *s, offerapi_scorers *set, int workers,
                                   unsigned poll_ms, counter *c)
{
	offerapi_job_runner_options ro = OFFERAPI_JOB_RUNNER_OPTIONS_INIT;
	ro.threads = (unsigned)workers;
	ro.poll_ms = poll_ms;
	ro.on_report = on_report;
	ro.payload = c;
	offerapi_job_runner *r;
	if (offerapi_job_runner_start(&r, s, set, &ro) < 0)
		die("runner");
	return r;
}

static double run_queue(world *w, offerapi_scorers *set, int workers)
{
	free(fill(w, w->n, set)); /* N applications and their N jobs */
	int n = w->n;
	counter c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	double t0 = now_s();
	offerapi_job_runner *r = runner(w->s, set, workers, 10, &c);
	while (atomic_load(&c.done) + atomic_load(&c.failed) < n)
		sleep_ms(1);
	double t = now_s() - t0;
	offerapi_job_runner_free(r);
	if (atomic_load(&c.failed))
		fprintf(stderr, "bench-jobs: %d job(s) did not complete\n", atomic_load(&c.failed));
	return t;
}

/* Mean time of a claim that finds nothing (an idle worker's poll); the
 * queue is empty once every round is done. */
static double idle_claim(offerapi_store *s, offerapi_scorers *set)
{
	int rounds = 2000;
	double t0 = now_s();
	for (int i = 0; i < rounds; i++) {
		offerapi_job *j;
		if (offerapi_job_claim(s, set, "bench", NULL, &j) < 0)
			die("claiming");
		if (j)
			die("the queue was not empty");
	}
	return (now_s() - t0) / rounds;
}

/* Mean enqueue-to-done latency of @k applications submitted one at a time
 * on store @w->s while a 1-thread runner works on @back (the same store:
 * woken at once; another store: found by its poll of @poll_ms). */
static double pickup(world *w, offerapi_store *back, offerapi_scorers *set, int k, unsigned poll_ms)
{
	counter c = { .lock = PTHREAD_MUTEX_INITIALIZER };
	offerapi_job_runner *r = runner(back, set, 1, poll_ms, &c);
	sleep_ms(50);
	offerapi_id offer = post_offer(w);
	unsigned seed = 7;
	for (int i = 0; i < k; i++) {
		apply(w, i, offer, set);
		while (atomic_load(&c.done) + atomic_load(&c.failed) <= i)
			sleep_ms(1);
		/* land anywhere in the worker's next poll */
		seed = seed * 1103515245u + 12345u;
		sleep_ms((long)((seed >> 16) % poll_ms) + 1);
	}
	offerapi_job_runner_free(r);
	return c.latency_sum / (atomic_load(&c.done) ? atomic_load(&c.done) : 1);
}

static int parse_workers(const char *s, int *out)
{
	int n = 0;
	for (const char *p = s; *p && n < 8;) {
		int v = atoi(p);
		if (v < 1 || v > 64)
			return -1;
		out[n++] = v;
		p = strchr(p, ',');
		if (!p)
			break;
		p++;
	}
	return n;
}

static offerapi_store *open_store(const char *url, int pool)
{
	offerapi_store_options o = OFFERAPI_STORE_OPTIONS_INIT;
	o.pool_size = (unsigned)pool;
	o.pwhash_memlimit = 8192; /* the bench creates hundreds of users */
	o.pwhash_opslimit = 1;
#if OFFERAPI_STORE_OPTIONS_VERSION >= 3 /* a reference library may predate it */
	/* CVs are encrypted at rest: on PostgreSQL the key file comes from
	 * tests/with-postgresql.sh (SQLite makes one beside the database) */
	o.data_key_file = getenv("OFFERAPI_DATA_KEY_FILE");
#endif
	offerapi_store *s;
	if (offerapi_store_open(&s, url, &o) < 0)
		die(url);
	return s;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Each figure is the median of @rounds runs, direct and queue taking turns
 * so that a change of the machine's load hits both alike. */
static void bench_scorer(world *w, const char *so, const int *ws, int nw, int rounds)
{
	offerapi_scorers *set;
	offerapi_scorers_new(&set);
	if (offerapi_scorers_load_file(set, so) < 0)
		die(so);
	const char *name = offerapi_scorers_info(set, 0)->name;
	run_direct(w, set, 1); /* warm up caches and statements */
	run_queue(w, set, 1);
	int n = w->n;
	for (int i = 0; i < nw; i++) {
		double td[16], tq[16];
		for (int r = 0; r < rounds; r++) {
			td[r] = run_direct(w, set, ws[i]);
			tq[r] = run_queue(w, set, ws[i]);
		}
		qsort(td, (size_t)rounds, sizeof *td, cmp_double);
		qsort(tq, (size_t)rounds, sizeof *tq, cmp_double);
		double d = td[rounds / 2], q = tq[rounds / 2];
		printf("%-10s %7d %12.0f %12.0f %7.2f %14.3f\n", name, ws[i], n / d, n / q, d / q,
		       ws[i] * (q - d) / n * 1000.0);
		fflush(stdout);
	}
	offerapi_scorers_free(set);
}

int main(int argc, char **argv)
{
	const char *url = NULL;
	int n = 400, ws[8] = { 1, 2, 4 }, nw = 3, first = argc, rounds = 3;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--url") && i + 1 < argc)
			url = argv[++i];
		else if (!strcmp(argv[i], "--n") && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--workers") && i + 1 < argc)
			nw = parse_workers(argv[++i], ws);
		else if (argv[i][0] != '-') {
			first = i;
			break;
		} else {
			nw = -1;
			break;
		}
	}
	if (!url || n < 10 || n > 100000 || nw < 1 || first >= argc || rounds < 1 || rounds > 15) {
		fprintf(stderr, "usage: bench-jobs --url URL [--n N (10..100000)] "
		                "[--workers 1,2,4] [--rounds R (1..15)] PLUGIN.so...\n");
		return 2;
	}
	offerapi_store *s = open_store(url, 16);
	fprintf(stderr, "bench-jobs: making %d candidates on %s...\n", n,
	        offerapi_store_backend(s));
	world w;
	world_make(&w, s, n);
	printf("backend %s, %d applications per round, one offer per round; medians of %d "
	       "rounds\n",
	       offerapi_store_backend(s), n, rounds);
	printf("%-10s %7s %12s %12s %7s %14s\n", "scorer", "workers", "direct/s", "queue/s",
	       "ratio", "extra ms/job");
	for (int p = first; p < argc; p++)
		bench_scorer(&w, argv[p], ws, nw, rounds);

	offerapi_scorers *set;
	offerapi_scorers_new(&set);
	if (offerapi_scorers_load_file(set, argv[first]) < 0)
		die(argv[first]);
	printf("\nclaim on an empty queue (an idle worker's poll): %.1f us\n",
	       idle_claim(s, set) * 1e6);
	offerapi_store *other = open_store(url, 4);
	int k = n < 40 ? n : 40;
	printf("enqueue to done, one application at a time (%s):\n",
	       offerapi_scorers_info(set, 0)->name);
	printf("  worker in the same process (woken at once):   %.1f ms\n",
	       pickup(&w, s, set, k, 250) * 1000.0);
	printf("  worker in another process, poll 250 ms:        %.1f ms\n",
	       pickup(&w, other, set, k, 250) * 1000.0);
	printf("  worker in another process, poll 50 ms:         %.1f ms\n",
	       pickup(&w, other, set, k, 50) * 1000.0);
	offerapi_store_free(other);
	offerapi_scorers_free(set);
	world_free(&w);
	offerapi_store_free(s);
	return 0;
}
