/*
 * bench-scorers - scores per second and peak memory of scorer plugins.
 *
 * Usage: bench-scorers [--n N] [--words W] [--rare PERCENT]
 *                      [--set NAME:KEY=VALUE ...] PLUGIN.so...
 *
 * For each plugin, a child process loads it through libofferapi's loader and
 * scores N generated CVs (W words each, French and English job vocabulary,
 * generated on the fly so that they cost no memory; PERCENT of the words,
 * 15 by default, are made up of random syllables like the names, companies
 * and places of real CVs) against one offer, on
 * one thread, and reports wall and CPU seconds (scores/s from wall time).
 * The parent reads the child's peak resident set (getrusage of
 * the child). A "baseline" child does the same work without scoring, so the
 * memory a scorer adds is peak - baseline.
 *
 * Not a test: no figure decides anything. See bench/scorers/README.md.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <offerapi/scorers.h>

#include "cvtext.h"

static const char *skills[] = { "C", "Linux", "PostgreSQL", "network programming",
	                        "performance tuning" };

static int rare_percent = 15;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of the process: unlike wall time, it does not grow when other
 * processes share the machine (but it misses time spent waiting on I/O,
 * which is why the llm line reads wall time). */
static double cpu(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

typedef struct result {
	double seconds; /* wall */
	double cpu_seconds;
	long scored, errors;
	double checksum;
	char name[64], version[32];
	char first_error[256];
} result;

static char *sets[64];
static int nsets;

/* In the child: load @p path (NULL: baseline), score, write a result. */
static int child(const char *path, int n, int words, int fd)
{
	result r;
	memset(&r, 0, sizeof r);
	offerapi_scorers *set = NULL;
	if (path) {
		if (offerapi_scorers_new(&set) < 0)
			return 1;
		for (int i = 0; i < nsets; i++) {
			char buf[512];
			snprintf(buf, sizeof buf, "%s", sets[i]);
			char *colon = strchr(buf, ':'), *eq = colon ? strchr(colon, '=') : NULL;
			if (!eq)
				return 1;
			*colon = *eq = '\0';
			offerapi_scorers_set(set, buf, colon + 1, eq + 1);
		}
		if (offerapi_scorers_load_file(set, path) < 0) {
			snprintf(r.first_error, sizeof r.first_error, "%s",
			         offerapi_error_last()->message);
			r.errors = -1;
			if (write(fd, &r, sizeof r) < 0)
				return 1;
			return 1;
		}
		const offerapi_scorer_info *info = offerapi_scorers_info(set, 0);
		snprintf(r.name, sizeof r.name, "%s", info->name);
		snprintf(r.version, sizeof r.version, "%s", info->version);
	} else {
		snprintf(r.name, sizeof r.name, "(baseline: no scoring)");
	}
	static char cv[1 << 16];
	double t0 = now(), c0 = cpu();
	for (int i = 0; i < n; i++) {
		size_t len = bench_cv_text(cv, sizeof cv, i, words, rare_percent);
		if (!set) {
			r.checksum += (double)len;
			continue;
		}
		offerapi_score_input in = {
			.struct_size = sizeof in,
			.offer_id = 1,
			.offer_title = "Backend C developer",
			.offer_description = "We build a high-throughput backend in C11 on Linux "
					     "with PostgreSQL: network services, profiling, "
					     "tests. Nous recherchons un développeur C.",
			.offer_location = "Lyon",
			.skills = skills,
			.skill_count = sizeof skills / sizeof *skills,
			.cv_text = cv,
			.cv_len = len,
			.application_id = i + 1,
		};
		double score;
		char expl[256];
		if (offerapi_scorers_score(set, 0, &in, &score, expl, sizeof expl) == 0) {
			r.scored++;
			r.checksum += score;
		} else if (!r.errors++) {
			snprintf(r.first_error, sizeof r.first_error, "%s",
			         offerapi_error_last()->message);
		}
	}
	r.seconds = now() - t0;
	r.cpu_seconds = cpu() - c0;
	offerapi_scorers_free(set);
	if (write(fd, &r, sizeof r) != (ssize_t)sizeof r)
		return 1;
	return 0;
}

static int run(const char *path, int n, int words, result *r, long *maxrss_kib)
{
	int fds[2];
	if (pipe(fds) < 0)
		return -1;
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		close(fds[0]);
		_exit(child(path, n, words, fds[1]));
	}
	close(fds[1]);
	memset(r, 0, sizeof *r);
	ssize_t got = read(fds[0], r, sizeof *r);
	close(fds[0]);
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0)
		return -1;
	*maxrss_kib = ru.ru_maxrss;
	return got == (ssize_t)sizeof *r ? 0 : -1;
}

int main(int argc, char **argv)
{
	int n = 10000, words = 300;
	const char *plugins[32];
	int nplugins = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--n") && i + 1 < argc)
			n = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--words") && i + 1 < argc)
			words = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--rare") && i + 1 < argc)
			rare_percent = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--set") && i + 1 < argc && nsets < 64)
			sets[nsets++] = argv[++i];
		else if (!strcmp(argv[i], "--help")) {
			printf("usage: %s [--n N] [--words W] [--rare PERCENT] [--set NAME:KEY=VALUE] PLUGIN.so...\n",
			       argv[0]);
			return 0;
		} else if (nplugins < 32)
			plugins[nplugins++] = argv[i];
	}
	if (n < 1 || words < 1 || rare_percent < 0 || rare_percent > 100 || nplugins == 0) {
		fprintf(stderr,
		        "usage: %s [--n N] [--words W] [--rare PERCENT] [--set NAME:KEY=VALUE] PLUGIN.so...\n",
		        argv[0]);
		return 2;
	}
	printf("%d generated CVs of %d words (%d%% made-up words) against one offer, "
	       "one thread\n\n",
	       n, words, rare_percent);
	printf("%-24s %8s %8s %8s %12s %9s %9s\n", "scorer", "CVs", "wall s", "CPU s", "scores/s",
	       "peak MiB", "added MiB");
	result base;
	long base_rss;
	if (run(NULL, n, words, &base, &base_rss) < 0)
		return 1;
	printf("%-24s %8d %8.3f %8.3f %12s %9.1f %9s\n", base.name, n, base.seconds,
	       base.cpu_seconds, "-", base_rss / 1024.0, "-");
	int status = 0;
	for (int p = 0; p < nplugins; p++) {
		result r;
		long rss;
		if (run(plugins[p], n, words, &r, &rss) < 0 || r.errors < 0) {
			printf("%-24s failed: %s\n", plugins[p], r.first_error);
			status = 1;
			continue;
		}
		char label[96];
		snprintf(label, sizeof label, "%s %s", r.name, r.version);
		printf("%-24s %8ld %8.3f %8.3f %12.0f %9.1f %9.1f\n", label, r.scored, r.seconds,
		       r.cpu_seconds, r.scored / (r.seconds > 0 ? r.seconds : 1e-9), rss / 1024.0,
		       (rss - base_rss) / 1024.0);
		if (r.errors)
			printf("  %ld errors, first: %s\n", r.errors, r.first_error);
	}
	return status;
}
