/*
 * userlist.c - the operator's calls on accounts (issue 16): the list of
 * accounts page by page, and a change of role.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "keyset.h"
#include "store_internal.h"

void offerapi_user_list_free(offerapi_user_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		offerapi_user_free(l->items[i]);
	ks_list_free(l->items, l->next, l->prev, l);
}

/* The page's accounts from @res (USER_COLUMNS) into @list
 * (ks_list_type.fill). */
static int list_fill(ks_result *res, void *list)
{
	offerapi_user_list *l = list;
	ks_take_page(res, &l->total, &l->next, &l->prev);
	const ks_page *pg = &res->page;
	l->items = calloc(pg->count ? pg->count : 1, sizeof *l->items);
	if (!l->items)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (size_t i = 0; i < pg->count; i++) {
		if (store_user_from_row(res->r, res->rows[pg->first + i].row, res->base,
		                        &l->items[i]) < 0)
			return oa_error(OFFERAPI_ENOMEM, "out of memory");
		l->count++;
	}
	return 0;
}

static void list_free(void *list)
{
	offerapi_user_list_free(list);
}

/* Every account, or one role's, newest first (users_created,
 * users_role_created: the ORDER BY's columns last); the rows under @from. */
#define USER_LIST(from)                                                                            \
	{                                                                                          \
		KS_SPEC_NEWEST('u', "u0.id", "u0.created_at", from, 1), ", " USER_COLUMNS,         \
			" JOIN users u ON u.id = k.id", sizeof(offerapi_user_list), list_fill,     \
			list_free, "user list: no store given", "out of memory", NULL              \
	}
static const ks_list_type all_users = USER_LIST(" FROM users u0 WHERE $1 = 0 AND u0.erased = 0");
static const ks_list_type role_users = USER_LIST(
	" FROM users u0 WHERE u0.role = $1 AND u0.erased = 0");

int offerapi_user_list_page(offerapi_store *s, offerapi_role role, const offerapi_page *page,
                            offerapi_user_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "user list: no output given");
	*out = NULL;
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "user list: no store given");
	if (role && !offerapi_role_name(role))
		return oa_error(OFFERAPI_EINVAL, "role: %d is not a role", (int)role);
	int rc;
	*out = ks_list_page(s, role ? &role_users : &all_users, role, page,
	                    (db_param[]){ P_INT(role) }, &rc);
	return rc;
}

/* ECONFLICT when account @id acted in @role: a recruiter's offers, a
 * candidate's applications. */
static int check_role_unused(offerapi_store *s, offerapi_id id, offerapi_role role)
{
	const char *sql = role == OFFERAPI_ROLE_RECRUITER
	                          ? "SELECT COUNT(*) FROM offers WHERE recruiter_id = $1"
	                  : role == OFFERAPI_ROLE_CANDIDATE
	                          ? "SELECT COUNT(*) FROM applications WHERE candidate_id = $1"
	                          : NULL;
	if (!sql)
		return 0;
	db_result *r = NULL;
	int rc = store_exec(s, sql, (db_param[]){ P_INT(id) }, 1, &r);
	if (rc == 0 && db_int(r, 0, 0) > 0)
		rc = oa_error(OFFERAPI_ECONFLICT,
		              role == OFFERAPI_ROLE_RECRUITER
		                      ? "role: the account has offers, it stays a recruiter"
		                      : "role: the account has applications, it stays a candidate");
	db_result_free(r);
	return rc;
}

int offerapi_user_set_role(offerapi_store *s, offerapi_id user_id, offerapi_role role)
{
	if (!s)
		return oa_error(OFFERAPI_EINVAL, "store: NULL");
	if (!offerapi_role_name(role))
		return oa_error(OFFERAPI_EINVAL, "role: must be candidate, recruiter or admin");
	offerapi_user *u = NULL;
	int rc = offerapi_user_get(s, user_id, &u);
	if (rc < 0)
		return rc;
	offerapi_role was = u->role;
	offerapi_user_free(u);
	if (was == role)
		return 0;
	if ((rc = check_role_unused(s, user_id, was)) < 0)
		return rc;
	/* conditional on the role read: a concurrent change, or an offer or
	 * application made in between by the account, is caught below */
	db_result *r = NULL;
	rc = store_write(s,
	                 "UPDATE users SET role = $1 WHERE id = $2 AND role = $3 AND erased = 0"
	                 " AND NOT EXISTS (SELECT 1 FROM offers WHERE recruiter_id = $2)"
	                 " AND NOT EXISTS (SELECT 1 FROM applications WHERE candidate_id = $2)"
	                 " RETURNING id",
	                 (db_param[]){ P_INT(role), P_INT(user_id), P_INT(was) }, 3, &r);
	if (rc == 0 && r->nrows == 0)
		rc = oa_error(OFFERAPI_ECONFLICT, "role: the account changed meanwhile; try again");
	db_result_free(r);
	return rc;
}
