/*
 * svc_admin.c - the operator's work in the web pages (issue 16): an
 * account of role admin (made by offerapi-admin user-create) lists the
 * accounts, searches the access log, exports a person's data and erases a
 * person. Every service here refuses any other role (403) and anyone not
 * logged in (the pages send them to the login page). Each export and
 * erasure is logged with ids only: which operator, which account.
 */
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "svc.h"

int svc_admin_users(req *r, offerapi_role role, const offerapi_page *page, offerapi_user_list **out)
{
	*out = NULL;
	int rc = svc_require(r, OFFERAPI_ROLE_ADMIN);
	return rc ? rc : offerapi_user_list_page(r->app->store, role, page, out);
}

int svc_admin_user(req *r, offerapi_user **out)
{
	*out = NULL;
	int rc = svc_require(r, OFFERAPI_ROLE_ADMIN);
	return rc ? rc : offerapi_user_get(r->app->store, r->id, out);
}

int svc_admin_access(req *r, const char *login, offerapi_access_query *q,
                     offerapi_access_list **out)
{
	*out = NULL;
	int rc = svc_require(r, OFFERAPI_ROLE_ADMIN);
	if (rc)
		return rc;
	if (login && *login) {
		offerapi_user *u = NULL;
		rc = offerapi_user_get_by_login(r->app->store, login, &u);
		if (rc == OFFERAPI_ENOTFOUND || rc == OFFERAPI_EINVAL || rc == OFFERAPI_ETOOBIG)
			return svc_fail(OFFERAPI_EINVAL, "err.admin_no_login");
		if (rc < 0)
			return rc;
		q->user_id = u->id;
		offerapi_user_free(u);
	}
	return offerapi_access_search(r->app->store, q, out);
}

/* The log line of an operator's act on account @id (ids only). */
static void log_act(const req *r, const char *what, offerapi_id id)
{
	fprintf(stderr, "level=info request_id=%s msg=\"operator %s\" admin_id=%lld user_id=%lld\n",
	        r->request_id, what, (long long)r->user->id, (long long)id);
}

int svc_admin_export(req *r, offerapi_export_format f, offerapi_export_write_fn write,
                     void *payload)
{
	int rc = svc_require(r, OFFERAPI_ROLE_ADMIN);
	if (rc)
		return rc;
	log_act(r, "export", r->id);
	return offerapi_user_export(r->app->store, r->id, f, write, payload);
}

int svc_admin_erase(req *r, const char *confirm, offerapi_erase_info *info)
{
	memset(info, 0, sizeof *info);
	offerapi_user *u = NULL;
	int rc = svc_admin_user(r, &u);
	if (rc)
		return rc;
	bool self = u->id == r->user->id, same = confirm && !strcmp(confirm, u->login);
	offerapi_user_free(u);
	if (self) /* one's own account goes through /me/delete, with its password */
		return svc_fail(OFFERAPI_ECONFLICT, "err.admin_self");
	if (!same)
		return svc_fail(OFFERAPI_EINVAL, "err.admin_confirm");
	rc = offerapi_user_erase(r->app->store, r->id, info);
	if (rc == 0)
		log_act(r, "erase", r->id);
	return rc;
}
