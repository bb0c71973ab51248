/*
 * metrics.h - the Prometheus metrics of offerapi-worker (text format 0.0.4).
 *
 * A small registry of its own: the server's metrics live in server/ and are
 * not shared yet (the lead merges them once they move to a shared place).
 */
#ifndef OFFERAPI_WORKER_METRICS_H
#define OFFERAPI_WORKER_METRICS_H

#include <stdbool.h>
#include <stddef.h>

#include <offerapi/offerapi.h>

#include "oacommon.h"

/* Set up the series of the scorers of @set (at most 32) before the runner
 * starts; @workers is the size of the pool. */
void wm_init(const offerapi_scorers *set, unsigned int workers);

/* The runner's report callback: count and time one processed job. */
void wm_report(const offerapi_job_report *rep, void *payload);

/* Count a failure to read the queue's statistics. */
void wm_stats_error(void);

/* Render every metric into @b. The queue's depth is read from @store now
 * (one query); @runner gives the busy workers. */
void wm_render(oa_buf *b, offerapi_store *store, const offerapi_job_runner *runner);

#endif
