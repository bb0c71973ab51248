/*
 * svc.c - what every service shares: the record of its last refusal and the
 * role check.
 */
#include <stddef.h>

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
		return svc_fail(OFFERAPI_EPERM, role == OFFERAPI_ROLE_RECRUITER
		                                        ? "err.recruiters_only"
		                                        : "err.candidates_only");
	return 0;
}
