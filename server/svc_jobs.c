/*
 * svc_jobs.c - the scoring jobs as users see them: the states of an
 * application's jobs, and the recruiter's retry (an offer's come with its
 * dashboard, svc_dashboard.c).
 */
#include <string.h>

#include "app.h"
#include "svc.h"

int svc_jobs_application(req *r, offerapi_job_status_list **out)
{
	*out = NULL;
	int rc = svc_require(r, 0);
	return rc ? rc : offerapi_job_status_application(r->app->store, r->user, r->id, out);
}

int svc_job_retry(req *r, const char *scorer)
{
	int rc = svc_require(r, OFFERAPI_ROLE_RECRUITER);
	if (rc)
		return rc;
	if (!scorer || !*scorer || strlen(scorer) > OFFERAPI_SCORER_NAME_MAX)
		return svc_fail(OFFERAPI_EINVAL, "err.retry_scorer");
	rc = offerapi_job_retry(r->app->store, r->user, r->id, scorer);
	if (rc == OFFERAPI_EINVAL)
		return svc_fail(rc, "err.retry_done");
	return rc;
}

/* The list is sorted by application id, then scorer: find the application's
 * first entry by bisection, then its scorer among its few entries. */
const offerapi_job_status *svc_job_find(const offerapi_job_status_list *l,
                                        offerapi_id application_id, const char *scorer)
{
	if (!l)
		return NULL;
	size_t lo = 0, hi = l->count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->items[mid].application_id < application_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < l->count && l->items[i].application_id == application_id; i++)
		if (!strcmp(l->items[i].scorer, scorer))
			return &l->items[i];
	return NULL;
}
