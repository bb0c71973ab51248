/*
 * finops-report: the live progress line on stderr. On a terminal, one line
 * rewritten in place after every query: queries done out of the expected
 * total, the batch and its first namespace, and each retry with its reason
 * and wait. With --progress and stderr not a terminal, the same as lines, at
 * most one a second (and every retry). Silent otherwise. Safe from the
 * collecting threads (one mutex).
 */
#include "fr.h"

#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
	pthread_mutex_t mu;
	int on, tty, drawn;
	long done, total;
	size_t batch, nbatches;
	char ns[64];
	double last;
} pg = { .mu = PTHREAD_MUTEX_INITIALIZER };

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void fr_progress_init(int forced, int quiet)
{
	pthread_mutex_lock(&pg.mu);
	pg.tty = isatty(2);
	pg.on = forced || (!quiet && pg.tty);
	pg.done = pg.total = 0;
	pg.batch = pg.nbatches = 0;
	pg.ns[0] = '\0';
	pg.drawn = 0;
	pg.last = 0;
	pthread_mutex_unlock(&pg.mu);
}

/* Draws the line (with the lock held); extra: a retry, or NULL. */
static void draw(const char *extra)
{
	double t = now();
	if (!pg.tty && !extra && t - pg.last < 1.0)
		return;
	pg.last = t;
	fprintf(stderr, "%sfinops-report: %ld/%s%ld queries", pg.tty ? "\r\033[K" : "", pg.done,
	        pg.done > pg.total ? "" : "~", pg.total > pg.done ? pg.total : pg.done);
	if (pg.nbatches)
		fprintf(stderr, ", batch %zu/%zu (%s)", pg.batch, pg.nbatches, pg.ns);
	if (extra)
		fprintf(stderr, "; %s", extra);
	fputs(pg.tty ? "" : "\n", stderr);
	fflush(stderr);
	pg.drawn = 1;
}

void fr_progress_plan(long queries, size_t nbatches)
{
	pthread_mutex_lock(&pg.mu);
	pg.total += queries;
	pg.nbatches = nbatches;
	pthread_mutex_unlock(&pg.mu);
}

void fr_progress_batch(size_t i, const char *ns)
{
	pthread_mutex_lock(&pg.mu);
	if (i + 1 > pg.batch)
		pg.batch = i + 1;
	snprintf(pg.ns, sizeof pg.ns, "%s", ns);
	pthread_mutex_unlock(&pg.mu);
}

void fr_progress_query(void)
{
	pthread_mutex_lock(&pg.mu);
	pg.done++;
	if (pg.on)
		draw(NULL);
	pthread_mutex_unlock(&pg.mu);
}

void fr_progress_retry(const char *source, const char *why, double wait_s)
{
	pthread_mutex_lock(&pg.mu);
	if (pg.on) {
		char b[400];
		snprintf(b, sizeof b, "%s: retry in %.1f s after: %.300s", source, wait_s, why);
		draw(b);
	}
	pthread_mutex_unlock(&pg.mu);
}

void fr_progress_end(void)
{
	pthread_mutex_lock(&pg.mu);
	if (pg.on && pg.tty && pg.drawn)
		fputs("\r\033[K", stderr);
	pg.on = 0;
	pthread_mutex_unlock(&pg.mu);
}
