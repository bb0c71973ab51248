/*
 * svc.c - what every service shares: the record of its last refusal and the
 * role check.
 */
#include <stddef.h>
#include <stdio.h>

#include "app.h"
#include "svc.h"

static _Thread_local struct {
	int rc;
	const char *key;
} last;

int svc_fail(int rc, const char *key)
{
	last.rc = rc;
	last.key = key;
	return rc;
}

const char *svc_last_key(int rc)
{
	const char *k = last.rc == rc ? last.key : NULL;
	last.rc = 0;
	last.key = NULL;
	return k;
}

int svc_require(const req *r, int role)
{
	if (!r->user)
		return svc_fail(OFFERAPI_EAUTH, "err.login_first");
	if (role && (int)r->user->role != role)
		return svc_fail(OFFERAPI_EPERM,
		                role == OFFERAPI_ROLE_RECRUITER ? "err.recruiters_only"
		                : role == OFFERAPI_ROLE_ADMIN   ? "err.admins_only"
		                                                : "err.candidates_only");
	return 0;
}

int svc_access(req *r, offerapi_id application_id, offerapi_access_kind kind, int64_t *count)
{
	/* the address as the login throttle takes it; never empty, printable */
	char addr[OFFERAPI_ACCESS_ADDR_MAX];
	snprintf(addr, sizeof addr, "%s", *r->addr ? r->addr : "-");
	for (char *p = addr; *p; p++)
		if (*p <= ' ' || *p > '~')
			*p = '?';
	int rc = kind == OFFERAPI_ACCESS_CSV
	                 ? offerapi_access_record_offer(r->app->store, r->user, application_id,
	                                                addr, count)
	                 : offerapi_access_record(r->app->store, r->user, application_id, kind,
	                                          addr);
	if (rc == 0)
		return 0;
	/* the code only: a database's message may quote the values */
	fprintf(stderr,
	        "level=warn request_id=%s msg=\"access not recorded: refused (503)\" code=%d\n",
	        r->request_id, rc);
	return svc_fail(OFFERAPI_EUNAVAILABLE, "err.access_log");
}
