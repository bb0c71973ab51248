/*
 * retention.c - the server's housekeeping thread, at start and then every
 * hour: the retention purge of the access log (offerapi_access_purge:
 * records older than --access-log-days), then the retention purge of
 * applications, accounts never verified, sessions and tokens
 * (offerapi_retention_purge with --retention-days, --pool-days,
 * --unverified-days, --retention-warn-days; offerapi/retention.h). Every
 * replica runs it; each step is idempotent, so two replicas purging at
 * once only repeat each other's work. A failed purge is logged and tried
 * again at the next hour.
 */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>

#include "app.h"
#include "bgthread.h"
#include "oacommon.h"

#define PURGE_EVERY_S 3600

static bg_thread bg = BG_THREAD_INIT;

/* Close the offers past their deadline (offerapi_offer_close_expired). */
static void close_expired(app *a)
{
	int64_t n = 0;
	char q[600];
	if (offerapi_offer_close_expired(a->store, (int64_t)time(NULL), &n) < 0)
		fprintf(stderr,
		        "level=warn msg=\"closing offers past their deadline failed\""
		        " detail=%s\n",
		        oa_logfmt_q(q, sizeof q, offerapi_error_last()->message));
	else if (n)
		fprintf(stderr,
		        "level=info msg=\"offers past their deadline closed\" offers=%lld\n",
		        (long long)n);
}

static void purge(app *a)
{
	close_expired(a);
	int64_t n = 0;
	char q[600];
	if (offerapi_access_purge(a->store, a->cfg.access_log_days, &n) < 0)
		fprintf(stderr, "level=warn msg=\"access log purge failed\" detail=%s\n",
		        oa_logfmt_q(q, sizeof q, offerapi_error_last()->message));
	else if (n)
		fprintf(stderr,
		        "level=info msg=\"access log purged\" records=%lld older_than_days=%u\n",
		        (long long)n, a->cfg.access_log_days);
	offerapi_retention_policy p = OFFERAPI_RETENTION_POLICY_INIT;
	p.application_days = a->cfg.retention_days;
	p.pool_days = a->cfg.pool_days;
	p.unverified_days = a->cfg.unverified_days;
	p.warn_days = a->cfg.retention_warn_days;
	offerapi_retention_counts c;
	if (offerapi_retention_purge(a->store, &p, (int64_t)time(NULL), &c) < 0)
		fprintf(stderr, "level=warn msg=\"retention purge failed\" detail=%s\n",
		        oa_logfmt_q(q, sizeof q, offerapi_error_last()->message));
	else if (c.applications || c.accounts || c.warned)
		fprintf(stderr,
		        "level=info msg=\"retention purge\" applications=%lld accounts=%lld"
		        " warnings=%lld sessions=%lld tokens=%lld\n",
		        (long long)c.applications, (long long)c.accounts, (long long)c.warned,
		        (long long)c.sessions, (long long)c.tokens);
}

static void *run(void *arg)
{
	app *a = arg;
	do
		purge(a);
	while (bg_thread_sleep(&bg, PURGE_EVERY_S * 1000u));
	return NULL;
}

int retention_start(app *a)
{
	if (bg_thread_start(&bg, run, a) != 0) {
		fprintf(stderr, "offerapi-server: cannot start the retention thread\n");
		return -1;
	}
	return 0;
}

void retention_stop(void)
{
	if (bg_thread_stop(&bg))
		pthread_cond_destroy(&bg.wake);
}
