/*
 * svc_apply.c - applying with a CV, and reading a CV back.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "metrics.h"
#include "svc.h"

int svc_apply(req *r, offerapi_id offer_id, const svc_apply_in *in, offerapi_id *out)
{
	int rc = svc_require(r, OFFERAPI_ROLE_CANDIDATE);
	if (rc)
		return rc;
	if (!in->pdf || !in->len)
		return svc_fail(OFFERAPI_EINVAL, "err.no_file");
	/* A file name that is not UTF-8 would make pages invalid: keep a plain one. */
	const char *filename = in->filename;
	if (!filename || !*filename || !oa_utf8_valid(filename, strlen(filename)))
		filename = "cv.pdf";
	offerapi_application_input ai = { filename, in->pdf, in->len, in->answers, in->nanswers };
	double t0 = now_mono();
	rc = offerapi_application_submit(r->app->store, r->user, offer_id, &ai, out);
	metrics_submit(now_mono() - t0, rc);
	if (rc < 0)
		return rc;
	metrics_application_received();
	if (offerapi_scorers_count(r->app->scorers)) {
		int src = offerapi_application_score(r->app->store, r->app->scorers, *out, 0,
		                                     metrics_scoring, r->request_id);
		if (src < 0) {
			metrics_scoring_failed();
			fprintf(stderr,
			        "level=warn request_id=%s msg=\"scoring failed\" application=%lld detail=\"%s\"\n",
			        r->request_id, (long long)*out, offerapi_error_last()->message);
		}
	}
	return 0;
}

int svc_cv_pdf(req *r, void **pdf, size_t *len)
{
	int rc = svc_require(r, 0);
	return rc ? rc : offerapi_application_pdf(r->app->store, r->user, r->id, pdf, len);
}

int svc_application(req *r, offerapi_application **out)
{
	*out = NULL;
	int rc = svc_require(r, 0);
	return rc ? rc : offerapi_application_get(r->app->store, r->user, r->id, out);
}
