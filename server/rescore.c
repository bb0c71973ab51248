/*
 * rescore.c - the start-up catch-up pass: every stored application that
 * lacks a score from a loaded scorer (name and version) is scored in a
 * background thread, so that a server stopped between storing and scoring,
 * or a new scorer version, leaves no application unscored for long.
 *
 * One pass per start, bounded per scorer: a scorer that keeps failing is
 * not retried in a loop (its failures are counted like any other).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include "app.h"
#include "metrics.h"

#define RESCORE_MAX 100000 /* applications looked at per scorer and start */

static pthread_t thread;
static bool started;
static atomic_bool stop_flag;

static void *rescore_main(void *arg)
{
	(void)arg;
	size_t n = offerapi_scorers_count(g_app.scorers), done = 0, failed = 0;
	for (size_t i = 0; i < n && !atomic_load(&stop_flag); i++) {
		const offerapi_scorer_info *info = offerapi_scorers_info(g_app.scorers, i);
		offerapi_id *ids = NULL;
		size_t count = 0;
		if (offerapi_score_missing(g_app.store, info->name, info->version, RESCORE_MAX,
		                           &ids, &count) < 0) {
			fprintf(stderr,
			        "level=warn msg=\"rescore: cannot list missing scores\" scorer=%s detail=\"%s\"\n",
			        info->name, offerapi_error_last()->message);
			continue;
		}
		for (size_t k = 0; k < count && !atomic_load(&stop_flag); k++) {
			/* MISSING_ONLY: an application scored meanwhile (by a request, or
			 * another replica's pass) is not scored twice. */
			int rc = offerapi_application_score(g_app.store, g_app.scorers, ids[k],
			                                    OFFERAPI_SCORE_MISSING_ONLY,
			                                    metrics_scoring, "rescore");
			if (rc < 0 && rc != OFFERAPI_ENOTFOUND)
				failed++;
			else
				done++;
		}
		offerapi_free(ids);
	}
	if (done || failed)
		fprintf(stderr, "level=info msg=\"rescore pass done\" scored=%zu failed=%zu\n",
		        done, failed);
	return NULL;
}

int rescore_start(void)
{
	if (!offerapi_scorers_count(g_app.scorers))
		return 0;
	atomic_store(&stop_flag, false);
	if (pthread_create(&thread, NULL, rescore_main, NULL) != 0) {
		fprintf(stderr, "level=warn msg=\"rescore: no thread\"\n");
		return -1;
	}
	started = true;
	return 0;
}

void rescore_stop(void)
{
	if (!started)
		return;
	atomic_store(&stop_flag, true);
	pthread_join(thread, NULL);
	started = false;
}
