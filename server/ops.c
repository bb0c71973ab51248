/*
 * ops.c - the operators' endpoints: /metrics, /healthz and /readyz.
 */
#include <stdio.h>

#include "app.h"
#include "metrics.h"
#include "oacommon.h"

void ops_metrics(req *r)
{
	buf b;
	buf_init(&b, 32768);
	metrics_render(&b);
	if (b.failed) {
		buf_free(&b);
		respond(r, 500, "text/plain; charset=utf-8", "out of memory\n", 14);
		return;
	}
	respond(r, 200, "text/plain; version=0.0.4; charset=utf-8", b.p, b.len);
	buf_free(&b);
}

void ops_healthz(req *r)
{
	respond(r, 200, "text/plain; charset=utf-8", "ok\n", 3);
}

/* Ready when the database answers and we are not draining (so a load
 * balancer stops sending traffic during a SIGTERM drain). */
void ops_readyz(req *r)
{
	if (r->app->draining) {
		respond(r, 503, "text/plain; charset=utf-8", "draining\n", 9);
		return;
	}
	int rc = offerapi_store_ping(r->app->store);
	if (rc != 0) {
		/* anyone may ask: the detail (host, user, libpq's words) goes to
		 * the log with the request id, never to the client */
		metrics_db_error(rc);
		char q[600];
		fprintf(stderr, "level=warn request_id=%s msg=\"not ready\" detail=%s\n",
		        r->request_id, oa_logfmt_q(q, sizeof q, offerapi_error_last()->message));
		req_header(r, "Retry-After: 5");
		static const char msg[] = "database unavailable\n";
		respond(r, 503, "text/plain; charset=utf-8", msg, sizeof msg - 1);
		return;
	}
	respond(r, 200, "text/plain; charset=utf-8", "ready\n", 6);
}
