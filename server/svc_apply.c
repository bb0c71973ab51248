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
	offerapi_application_input ai = {
		.version = OFFERAPI_APPLICATION_INPUT_VERSION,
		.filename = filename,
		.pdf = in->pdf,
		.pdf_len = in->len,
		.answers = in->answers,
		.nanswers = in->nanswers,
		.pool_consent = in->pool_consent && r->app->cfg.pool_days > 0,
		.notice_version = r->app->notice_version,
	};
	double t0 = now_mono();
	/* the application and one scoring job per loaded scorer, in one
	 * transaction: the workers score it, never this request's thread */
	rc = offerapi_application_submit_jobs(r->app->store, r->user, offer_id, &ai,
	                                      r->app->scorers, out);
	metrics_submit(now_mono() - t0, rc);
	if (rc < 0)
		return rc;
	metrics_application_received();
	jobs_wait(*out, offerapi_scorers_count(r->app->scorers), r->app->cfg.apply_wait_ms);
	return 0;
}

int svc_consent_withdraw(req *r)
{
	int rc = svc_require(r, OFFERAPI_ROLE_CANDIDATE);
	return rc ? rc : offerapi_application_consent_withdraw(r->app->store, r->user, r->id);
}

int svc_cv_pdf(req *r, void **pdf, size_t *len)
{
	int rc = svc_require(r, 0);
	if (rc == 0)
		rc = offerapi_application_pdf(r->app->store, r->user, r->id, pdf, len);
	if (rc == 0 && (rc = svc_access(r, r->id, OFFERAPI_ACCESS_CV_PDF, NULL)) != 0) {
		offerapi_free(*pdf);
		*pdf = NULL;
		*len = 0;
	}
	return rc;
}

int svc_cv_text(req *r, offerapi_application **out)
{
	int rc = svc_application(r, out);
	if (rc == 0 && (rc = svc_access(r, r->id, OFFERAPI_ACCESS_CV_TEXT, NULL)) != 0) {
		offerapi_application_free(*out);
		*out = NULL;
	}
	return rc;
}

int svc_access_views(req *r, const offerapi_page *page, offerapi_access_list **out)
{
	*out = NULL;
	int rc = svc_require(r, 0);
	return rc ? rc : offerapi_access_views(r->app->store, r->user, r->id, page, out);
}

int svc_application(req *r, offerapi_application **out)
{
	*out = NULL;
	int rc = svc_require(r, 0);
	return rc ? rc : offerapi_application_get(r->app->store, r->user, r->id, out);
}
