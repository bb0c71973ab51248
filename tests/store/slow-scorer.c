/*
 * slow-scorer.c - a scorer for the job tests: it can take its time, fail
 * on demand, and write down every call, so that a test sees how many times
 * each application was really scored (exactly once, after a worker was
 * killed mid-job) and can kill a worker while it is inside score().
 *
 * Settings (offerapi_scorers_set or OFFERAPI_SCORER_SLOW_<KEY>):
 *   sleep_ms  time each score() takes (default 0)
 *   log       a file: each call appends "APPLICATION_ID PID\n" in one
 *             write(2) on entry, so several processes can share it
 *   fail      "1": every call fails with "asked to fail"
 * Its version is SLOW_VERSION, so that the build makes a "1" and a "2"
 * from this one file (a version bump).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <offerapi/scorer.h>

#ifndef SLOW_VERSION
#define SLOW_VERSION "1"
#endif

typedef struct slow {
	long sleep_ms;
	int fail;
	char log[512];
} slow;

static int slow_create(void **out, const offerapi_host_v1 *host, const char *const *kv, char *err,
                       size_t errsz)
{
	(void)host;
	slow *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	for (size_t i = 0; kv[i] && kv[i + 1]; i += 2) {
		if (!strcmp(kv[i], "sleep_ms"))
			s->sleep_ms = strtol(kv[i + 1], NULL, 10);
		else if (!strcmp(kv[i], "fail"))
			s->fail = !strcmp(kv[i + 1], "1");
		else if (!strcmp(kv[i], "log"))
			snprintf(s->log, sizeof s->log, "%s", kv[i + 1]);
	}
	*out = s;
	return 0;
}

static void note_call(const slow *s, int64_t application_id)
{
	if (!s->log[0])
		return;
	int fd = open(s->log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	char line[64];
	int n = snprintf(line, sizeof line, "%lld %ld\n", (long long)application_id,
	                 (long)getpid());
	ssize_t w = write(fd, line, (size_t)n);
	(void)w;
	close(fd);
}

static int slow_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                      size_t explsz, char *err, size_t errsz)
{
	slow *s = self;
	note_call(s, in->application_id);
	/* sleep in slices of 10 ms: a long sleep is one that a test kills */
	for (long left = s->sleep_ms; left > 0; left -= 10) {
		struct timespec ts = { 0, (left < 10 ? left : 10) * 1000000L };
		nanosleep(&ts, NULL);
	}
	if (s->fail) {
		snprintf(err, errsz, "asked to fail");
		return -1;
	}
	*out_score = (double)(in->application_id % 100) / 100.0;
	snprintf(expl, explsz, "slow %s", SLOW_VERSION);
	return 0;
}

static void slow_destroy(void *self)
{
	free(self);
}

static const offerapi_scorer_v1 descriptor = {
	.abi_version = OFFERAPI_SCORER_ABI,
	.struct_size = sizeof(offerapi_scorer_v1),
	.name = "slow",
	.version = SLOW_VERSION,
	.description = "takes its time, fails on demand, notes each call (tests)",
	.flags = OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC,
	.create = slow_create,
	.score = slow_score,
	.destroy = slow_destroy,
};

OFFERAPI_SCORER_DEFINE(descriptor)
