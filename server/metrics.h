/*
 * metrics.h - the Prometheus metrics of offerapi-server (metrics.c).
 */
#ifndef OFFERAPI_SERVER_METRICS_H
#define OFFERAPI_SERVER_METRICS_H

#include <stdbool.h>

#include <offerapi/offerapi.h>

#include "buf.h"

void metrics_init(void);
void metrics_inflight(int delta);
void metrics_request(const char *method, const char *route, int status, double seconds);
void metrics_application_received(void);
void metrics_submit(double seconds, int rc);
/* An offerapi_scoring_fn: counts and times one scorer run. */
void metrics_scoring(const char *scorer, int rc, double seconds, const char *message,
                     void *payload);
/* The mail sender's report of one handled message (its thread). */
void metrics_mail_report(const offerapi_mail_report *rep, void *payload);

/* The scoring runner's report of one processed job (any worker thread). */
void metrics_job_report(const offerapi_job_report *rep);
void metrics_db_error(int rc);
void metrics_login(bool ok, bool limited);
void metrics_render(buf *b);

#endif
