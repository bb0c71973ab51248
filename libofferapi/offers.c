/*
 * offers.c - publishing, editing and searching job offers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "keyset.h"
#include "offer_fields.h"
#include "jsonlist.h"
#include "search.h"
#include "store_internal.h"
#include "webhooks_internal.h"
#include "offerapi/offer.h"
#include "offerapi/application.h"

#define OFFER_COLUMNS_NO_COUNT                                                                     \
	"o.id, o.recruiter_id, u.display_name, o.title, o.description, o.location,"                \
	" o.skills, o.questions, o.published_at, o.is_open," RICH_COLUMNS
#define OFFER_COLUMNS OFFER_COLUMNS_NO_COUNT " " OFFER_APP_COUNT("o")
/* The columns after OFFER_COLUMNS (offerapi_offer_get), from this one. */
#define OFFER_NCOLUMNS (11 + RICH_NCOLUMNS)
#define OFFER_FROM " FROM offers o JOIN users u ON u.id = o.recruiter_id"

/* ---- validation ---- */

/* Trimmed copy of s (leading/trailing ASCII spaces and tabs removed). */
static char *trimmed(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return oa_strndup(s, n);
}

/* Checked, trimmed, de-duplicated copy of a list of one-line items. */
static int clean_list(const char *what, const char *const *in, size_t n, size_t max_items,
                      size_t max_len, bool dedupe, char ***out, size_t *count)
{
	*out = NULL;
	*count = 0;
	if (n && !in)
		return oa_error(OFFERAPI_EINVAL, "%s: missing list", what);
	if (n > max_items)
		return oa_error(OFFERAPI_ETOOBIG, "%s: %zu given, at most %zu", what, n, max_items);
	char **v = calloc(n ? n : 1, sizeof *v);
	if (!v)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	size_t k = 0;
	char field[64];
	for (size_t i = 0; i < n; i++) {
		snprintf(field, sizeof field, "%s %zu", what, i + 1);
		int rc = oa_check_text(field, in[i], 0, max_len, false, false);
		char *t = rc == 0 ? trimmed(in[i]) : NULL;
		if (rc == 0 && !t)
			rc = OFFERAPI_ENOMEM;
		if (rc < 0) {
			oa_strings_free(v, k);
			return rc;
		}
		bool dup = !*t;
		for (size_t j = 0; dedupe && !dup && j < k; j++)
			dup = strcasecmp(v[j], t) == 0;
		if (dup)
			free(t);
		else
			v[k++] = t;
	}
	*out = v;
	*count = k;
	return 0;
}

/* The fields, checked and normalised, with their JSON and search forms. */
typedef struct clean_offer {
	char **skills, **questions;
	size_t nskills, nquestions;
	char *skills_json, *questions_json;
	char *search, *location_fold, *skills_fold;
	char *search_title, *search_body; /* the terms indexed (search.h) */
} clean_offer;

static void clean_offer_free(clean_offer *c)
{
	oa_strings_free(c->skills, c->nskills);
	oa_strings_free(c->questions, c->nquestions);
	free(c->skills_json);
	free(c->questions_json);
	free(c->search);
	free(c->location_fold);
	free(c->skills_fold);
	free(c->search_title);
	free(c->search_body);
}

/* The terms of an offer (search.h): its title's, and its body's (the
 * description, location, company and skills). */
static int offer_terms(const char *title, const char *description, const char *location,
                       const char *company, char *const *skills, size_t nskills, char **out_title,
                       char **out_body)
{
	*out_title = *out_body = NULL;
	size_t n = strlen(description) + strlen(location) + strlen(company) + 4;
	for (size_t i = 0; i < nskills; i++)
		n += strlen(skills[i]) + 1;
	char *body = malloc(n);
	if (!body)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	char *p = body + sprintf(body, "%s\n%s\n%s\n", description, location, company);
	for (size_t i = 0; i < nskills; i++)
		p += sprintf(p, "%s\n", skills[i]);
	int rc = search_index_text(title, out_title);
	if (rc == 0)
		rc = search_index_text(body, out_body);
	free(body);
	if (rc < 0) {
		free(*out_title);
		*out_title = NULL;
	}
	return rc;
}

static int clean_offer_fields(const offerapi_offer_fields *f, clean_offer *c)
{
	memset(c, 0, sizeof *c);
	if (!f)
		return oa_error(OFFERAPI_EINVAL, "offer: no fields given");
	if (f->version < 1 || f->version > OFFERAPI_OFFER_FIELDS_VERSION)
		return oa_error(OFFERAPI_EINVAL,
		                "offerapi_offer_fields: version %u unknown (this library reads"
		                " 1 to %d: set .version = OFFERAPI_OFFER_FIELDS_VERSION)",
		                f->version, OFFERAPI_OFFER_FIELDS_VERSION);
	if (f->version >= 2 && f->notify != OFFERAPI_NOTIFY_UNSET &&
	    !offerapi_notify_name(f->notify))
		return notify_error();
	int rc;
	if ((rc = oa_check_text("title", f->title, 1, OFFERAPI_TITLE_MAX, false, false)) < 0 ||
	    (rc = oa_check_text("description", f->description, 1, OFFERAPI_DESCRIPTION_MAX, true,
	                        false)) < 0 ||
	    (rc = oa_check_text("location", f->location, 0, OFFERAPI_LOCATION_MAX, false, true)) <
	            0)
		return rc;
	if ((rc = clean_list("skill", f->skills, f->nskills, OFFERAPI_SKILLS_MAX,
	                     OFFERAPI_SKILL_MAX, true, &c->skills, &c->nskills)) < 0 ||
	    (rc = clean_list("question", f->questions, f->nquestions, OFFERAPI_QUESTIONS_MAX,
	                     OFFERAPI_QUESTION_MAX, false, &c->questions, &c->nquestions)) < 0) {
		clean_offer_free(c);
		return rc;
	}
	/* search forms: skills between newlines so that a skill matches whole */
	size_t slen = 2;
	for (size_t i = 0; i < c->nskills; i++)
		slen += strlen(c->skills[i]) + 1;
	char *skills_nl = malloc(slen);
	char *all = NULL;
	if (skills_nl) {
		char *p = skills_nl;
		*p++ = '\n';
		for (size_t i = 0; i < c->nskills; i++)
			p += sprintf(p, "%s\n", c->skills[i]);
		*p = '\0';
		const char *loc = f->location ? f->location : "";
		size_t alen = strlen(f->title) + strlen(f->description) + strlen(loc) + slen + 4;
		if ((all = malloc(alen)))
			snprintf(all, alen, "%s\n%s\n%s%s", f->title, f->description, loc,
			         skills_nl);
		c->location_fold = oa_fold(loc);
	}
	c->skills_fold = skills_nl ? oa_fold(skills_nl) : NULL;
	c->search = all ? oa_fold(all) : NULL;
	free(skills_nl);
	free(all);
	c->skills_json = oa_json_strings(c->skills, c->nskills);
	c->questions_json = oa_json_strings(c->questions, c->nquestions);
	if (!c->skills_fold || !c->search || !c->location_fold || !c->skills_json ||
	    !c->questions_json) {
		clean_offer_free(c);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	return 0;
}

/* The search terms of @f, whose company is @company (NULL: none), into
 * @c (freed on failure). */
static int clean_offer_terms(const offerapi_offer_fields *f, const char *company, clean_offer *c)
{
	int rc = offer_terms(f->title, f->description, f->location ? f->location : "",
	                     company ? company : "", c->skills, c->nskills, &c->search_title,
	                     &c->search_body);
	if (rc < 0)
		clean_offer_free(c);
	return rc;
}

/* ---- reading ---- */

/* An offer's strings are one block (offer_from_row), the snippet aside. */
static void offer_clear(offerapi_offer *o)
{
	free(o->skills);
	free(o->snippet);
	memset(o, 0, sizeof *o);
}

void offerapi_offer_free(offerapi_offer *o)
{
	if (!o)
		return;
	offer_clear(o);
	free(o);
}

/* The text columns of an offer, in OFFER_COLUMNS: recruiter's name, title,
 * description, location; the company is in the rich columns (rich_read). */
enum { OFFER_NTEXTS = 5 };

/* Copy the @n bytes at @src and a NUL to *@dst; returns the copy. */
static char *put_text(char **dst, const char *src, size_t n)
{
	char *at = memcpy(*dst, src, n);
	at[n] = '\0';
	*dst += n + 1;
	return at;
}

/*
 * Every string of the offer at @row (OFFER_COLUMNS from column @c) in one
 * block: the skills' and the questions' pointer arrays, then the bytes.
 * o->skills is the block (offer_clear frees it): a home page reads 100
 * offers, and one allocation each instead of a dozen is a fifth of its CPU.
 */
static int offer_strings(const db_result *r, int row, int c, offerapi_offer *o)
{
	const db_cell *t[OFFER_NTEXTS] = { db_cell_at(r, row, c + 2), db_cell_at(r, row, c + 3),
		                           db_cell_at(r, row, c + 4), db_cell_at(r, row, c + 5),
		                           db_cell_at(r, row, c + 10) };
	oa_strlist sk, qs;
	int rc = oa_strlist_open(&sk, db_text(r, row, c + 6), "skills");
	if (rc < 0)
		return rc;
	if ((rc = oa_strlist_open(&qs, db_text(r, row, c + 7), "questions")) < 0) {
		oa_strlist_close(&sk);
		return rc;
	}
	size_t bytes = (sk.n + qs.n) * sizeof(char *) + sk.bytes + qs.bytes;
	for (int i = 0; i < OFFER_NTEXTS; i++)
		bytes += (t[i]->data ? t[i]->len : 0) + 1;
	char **v = malloc(bytes ? bytes : 1);
	if (v) {
		char *at = (char *)(v + sk.n + qs.n);
		o->skills = v;
		o->nskills = sk.n;
		o->questions = v + sk.n;
		o->nquestions = qs.n;
		char **text[OFFER_NTEXTS] = { &o->recruiter_name, &o->title, &o->description,
			                      &o->location, &o->company };
		for (int i = 0; i < OFFER_NTEXTS; i++)
			*text[i] = put_text(&at, t[i]->data ? t[i]->data : "", t[i]->len);
		at = oa_strlist_fill(&sk, o->skills, at);
		oa_strlist_fill(&qs, o->questions, at);
		if (!*o->company) /* "" and NULL alike: not said */
			o->company = NULL;
	} else {
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	oa_strlist_close(&sk);
	oa_strlist_close(&qs);
	return rc;
}

/* Fill @o from the OFFER_COLUMNS of @row, starting at column @c. */
static int offer_from_row(const db_result *r, int row, int c, offerapi_offer *o)
{
	memset(o, 0, sizeof *o);
	o->id = db_int(r, row, c);
	o->recruiter_id = db_int(r, row, c + 1);
	o->published_at = db_int(r, row, c + 8);
	o->is_open = db_int(r, row, c + 9) != 0;
	o->napplications = db_int(r, row, c + 10 + RICH_NCOLUMNS);
	rich_read(r, row, c + 10, o);
	int rc = offer_strings(r, row, c, o);
	if (rc < 0)
		offer_clear(o);
	return rc;
}

const char offer_get_sql[] = "SELECT " OFFER_COLUMNS
			     ", o.version, o.archived_at, o.notify" OFFER_FROM " WHERE o.id = $1";

int offer_get_take(const db_result *r, offerapi_id id, offerapi_offer **out)
{
	*out = NULL;
	if (r->nrows == 0)
		return oa_error(OFFERAPI_ENOTFOUND, "offer %lld: not found", (long long)id);
	offerapi_offer *o = calloc(1, sizeof *o);
	if (!o)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = offer_from_row(r, 0, 0, o);
	if (rc < 0) {
		free(o);
		return rc;
	}
	o->version = db_int(r, 0, OFFER_NCOLUMNS);
	o->archived_at = db_int(r, 0, OFFER_NCOLUMNS + 1);
	if (offerapi_notify_parse(db_text(r, 0, OFFER_NCOLUMNS + 2), &o->notify) < 0)
		o->notify = OFFERAPI_NOTIFY_EACH; /* the CHECK allows no other */
	*out = o;
	return 0;
}

int offerapi_offer_get(offerapi_store *s, offerapi_id id, offerapi_offer **out)
{
	*out = NULL;
	db_result *r = NULL;
	int rc = store_exec(s, offer_get_sql, (db_param[]){ P_INT(id) }, 1, &r);
	if (rc == 0)
		rc = offer_get_take(r, id, out);
	db_result_free(r);
	return rc;
}

/* ---- writing ---- */

/* The notify column @f sets: its name, or NULL (unset, or a version 1
 * struct, which has no such field). */
static db_param notify_param(const offerapi_offer_fields *f)
{
	const char *n = f->version >= 2 ? offerapi_notify_name(f->notify) : NULL;
	return n ? P_TEXT(n) : P_NULL();
}

int offerapi_offer_create(offerapi_store *s, const offerapi_user *actor,
                          const offerapi_offer_fields *f, offerapi_id *out_id)
{
	int rc = store_require_role(actor, OFFERAPI_ROLE_RECRUITER, "publish an offer");
	if (rc < 0)
		return rc;
	clean_offer c;
	if ((rc = clean_offer_fields(f, &c)) < 0)
		return rc;
	int64_t now = oa_now();
	rich_fields rf;
	if ((rc = rich_clean(f, now, &rf)) < 0) {
		clean_offer_free(&c);
		return rc;
	}
	if ((rc = clean_offer_terms(f, rf.company, &c)) < 0) {
		rich_free(&rf);
		return rc;
	}
	db_result *r = NULL;
	rc = store_write(
		s,
		"INSERT INTO offers (recruiter_id, title, description, location,"
		" skills, questions, search_text, location_fold, skills_fold,"
		" published_at, updated_at, is_open, search_title, search_body, notify,"
		" company, contract, remote, salary_min, salary_max, salary_currency,"
		" salary_period, deadline, salary_year)"
		" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 1, $11, $12,"
		" COALESCE($13, 'each'), $14, $15, $16, $17, $18, $19, $20, $21, $22)"
		" RETURNING id",
		(db_param[]){ P_INT(actor->id),       P_TEXT(f->title),
	                      P_TEXT(f->description), P_TEXT(f->location ? f->location : ""),
	                      P_TEXT(c.skills_json),  P_TEXT(c.questions_json),
	                      P_TEXT(c.search),       P_TEXT(c.location_fold),
	                      P_TEXT(c.skills_fold),  P_INT(now),
	                      P_TEXT(c.search_title), P_TEXT(c.search_body),
	                      notify_param(f),        rich_param(&rf, 0),
	                      rich_param(&rf, 1),     rich_param(&rf, 2),
	                      rich_param(&rf, 3),     rich_param(&rf, 4),
	                      rich_param(&rf, 5),     rich_param(&rf, 6),
	                      rich_param(&rf, 7),     rich_param(&rf, 8) },
		22, &r);
	clean_offer_free(&c);
	rich_free(&rf);
	if (rc == 0 && out_id)
		*out_id = db_int(r, 0, 0);
	db_result_free(r);
	return rc;
}

int store_check_owner(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                      const char *what)
{
	int rc = store_require_role(actor, OFFERAPI_ROLE_RECRUITER, what);
	if (rc < 0)
		return rc;
	db_result *r = NULL;
	rc = store_exec(s, "SELECT recruiter_id FROM offers WHERE id = $1",
	                (db_param[]){ P_INT(id) }, 1, &r);
	if ((rc = store_found(rc, &r, "offer", id)) < 0)
		return rc;
	if (db_int(r, 0, 0) != actor->id)
		rc = oa_error(OFFERAPI_EPERM, "offer %lld belongs to another recruiter",
		              (long long)id);
	db_result_free(r);
	return rc;
}

int store_owner_row(const db_result *r, int marker, int col, const offerapi_user *actor,
                    offerapi_id id, int *row)
{
	int i = 0;
	while (i < r->nrows && !db_isnull(r, i, marker))
		i++;
	*row = i;
	if (i == r->nrows)
		return oa_error(OFFERAPI_ENOTFOUND, "offer %lld: not found", (long long)id);
	if (db_int(r, i, col) != actor->id)
		return oa_error(OFFERAPI_EPERM, "offer %lld belongs to another recruiter",
		                (long long)id);
	return 0;
}

/* The rows an UPDATE RETURNING wrote to offer @id: none when the version
 * no longer matched (*@p applied is then 0), or when the offer is archived
 * (OFFERAPI_ENOTFOUND: an archived offer is gone for writes). */
static int written(offerapi_store *s, offerapi_id id, int rc, db_result *res, int *applied)
{
	bool done = rc == 0 && res && res->nrows > 0;
	if (applied)
		*applied = done;
	db_result_free(res);
	if (rc == 0 && !done) {
		res = NULL;
		rc = store_exec(s, "SELECT 1 FROM offers WHERE id = $1 AND archived_at IS NOT NULL",
		                (db_param[]){ P_INT(id) }, 1, &res);
		if (rc == 0 && res->nrows > 0)
			rc = oa_error(OFFERAPI_ENOTFOUND, "offer %lld: archived", (long long)id);
		db_result_free(res);
	}
	return rc;
}

/* The company stored for offer @id (NULL: none) in *@out. */
static int stored_company(offerapi_store *s, offerapi_id id, char **out)
{
	*out = NULL;
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT company FROM offers WHERE id = $1",
	                    (db_param[]){ P_INT(id) }, 1, &r);
	const char *v = rc == 0 && r->nrows > 0 ? db_text(r, 0, 0) : NULL;
	if (v && *v && !(*out = oa_strdup(v)))
		rc = OFFERAPI_ENOMEM;
	db_result_free(r);
	return rc;
}

/* @f checked and cleaned for an update of offer @id into *@c and *@rf,
 * which the caller frees on success (nothing is held on failure). */
static int update_clean(offerapi_store *s, offerapi_id id, const offerapi_offer_fields *f,
                        clean_offer *c, rich_fields *rf)
{
	int rc = clean_offer_fields(f, c);
	if (rc < 0)
		return rc;
	char *kept = NULL; /* an older struct keeps the stored company, searched */
	if ((rc = rich_clean(f, 0, rf)) < 0 ||
	    (!rf->set && (rc = stored_company(s, id, &kept)) < 0)) {
		clean_offer_free(c);
		rich_free(rf);
		return rc;
	}
	rc = clean_offer_terms(f, rf->set ? rf->company : kept, c);
	free(kept);
	if (rc < 0)
		rich_free(rf);
	return rc;
}

int offerapi_offer_update_if(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                             const offerapi_offer_fields *f, int64_t if_version, int *applied)
{
	if (applied)
		*applied = 0;
	int rc = store_check_owner(s, actor, id, "edit an offer");
	if (rc < 0)
		return rc;
	clean_offer c;
	rich_fields rf;
	if ((rc = update_clean(s, id, f, &c, &rf)) < 0)
		return rc;
	/* recruiter_id in the WHERE clause keeps the check and the write one
	 * step; the version there makes If-Match and the write one step; $16
	 * is 0 for a struct older than the rich fields, which stay as they are */
	db_result *res = NULL;
	rc = store_write(s,
	                 "UPDATE offers SET title = $1, description = $2, location = $3,"
	                 " skills = $4, questions = $5, search_text = $6, location_fold = $7,"
	                 " skills_fold = $8, updated_at = $9, version = version + 1,"
	                 " search_title = $13, search_body = $14, notify = COALESCE($15, notify),"
	                 " company = CASE WHEN $16 = 1 THEN $17 ELSE company END,"
	                 " contract = CASE WHEN $16 = 1 THEN $18 ELSE contract END,"
	                 " remote = CASE WHEN $16 = 1 THEN $19 ELSE remote END,"
	                 " salary_min = CASE WHEN $16 = 1 THEN $20 ELSE salary_min END,"
	                 " salary_max = CASE WHEN $16 = 1 THEN $21 ELSE salary_max END,"
	                 " salary_currency = CASE WHEN $16 = 1 THEN $22 ELSE salary_currency END,"
	                 " salary_period = CASE WHEN $16 = 1 THEN $23 ELSE salary_period END,"
	                 " deadline = CASE WHEN $16 = 1 THEN $24 ELSE deadline END,"
	                 " salary_year = CASE WHEN $16 = 1 THEN $25 ELSE salary_year END"
	                 " WHERE id = $10 AND recruiter_id = $11 AND ($12 = 0 OR version = $12)"
	                 " AND archived_at IS NULL"
	                 " RETURNING id",
	                 (db_param[]){ P_TEXT(f->title),
	                               P_TEXT(f->description),
	                               P_TEXT(f->location ? f->location : ""),
	                               P_TEXT(c.skills_json),
	                               P_TEXT(c.questions_json),
	                               P_TEXT(c.search),
	                               P_TEXT(c.location_fold),
	                               P_TEXT(c.skills_fold),
	                               P_INT(oa_now()),
	                               P_INT(id),
	                               P_INT(actor->id),
	                               P_INT(if_version),
	                               P_TEXT(c.search_title),
	                               P_TEXT(c.search_body),
	                               notify_param(f),
	                               P_INT(rf.set),
	                               rich_param(&rf, 0),
	                               rich_param(&rf, 1),
	                               rich_param(&rf, 2),
	                               rich_param(&rf, 3),
	                               rich_param(&rf, 4),
	                               rich_param(&rf, 5),
	                               rich_param(&rf, 6),
	                               rich_param(&rf, 7),
	                               rich_param(&rf, 8) },
	                 25, &res);
	clean_offer_free(&c);
	rich_free(&rf);
	rc = written(s, id, rc, res, applied);
	/* an offer no longer "daily": its waiting applications leave the digest */
	if (rc == 0 && notify_param(f).type != DB_NULL && f->notify != OFFERAPI_NOTIFY_DAILY)
		rc = store_exec(s,
		                "UPDATE applications SET digest_pending = 0"
		                " WHERE offer_id = $1 AND digest_pending = 1",
		                (db_param[]){ P_INT(id) }, 1, NULL);
	return rc;
}

int offerapi_offer_update(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                          const offerapi_offer_fields *f)
{
	return offerapi_offer_update_if(s, actor, id, f, 0, NULL);
}

/* An offer past its deadline stays closed: reopening it needs a later
 * deadline first (else the housekeeping would close it again). */
static int check_reopen(offerapi_store *s, offerapi_id id)
{
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT deadline FROM offers WHERE id = $1",
	                    (db_param[]){ P_INT(id) }, 1, &r);
	if (rc == 0 && r->nrows > 0 && db_int(r, 0, 0) && oa_now() > db_int(r, 0, 0))
		rc = oa_error(OFFERAPI_ECLOSED,
		              "offer %lld: its deadline has passed: set a later one to reopen it",
		              (long long)id);
	db_result_free(r);
	return rc;
}

int offerapi_offer_set_open_if(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                               int open, int64_t if_version, int *applied)
{
	if (applied)
		*applied = 0;
	int rc = store_check_owner(s, actor, id, open ? "reopen an offer" : "close an offer");
	if (rc < 0)
		return rc;
	if (open && (rc = check_reopen(s, id)) < 0)
		return rc;
	/* a close and its webhook deliveries in one transaction */
	db_conn *c;
	db_result *res = NULL;
	rc = store_begin_exec(
		s, &c,
		"UPDATE offers SET is_open = $1, updated_at = $2, version = version + 1"
		" WHERE id = $3 AND recruiter_id = $4 AND ($5 = 0 OR version = $5)"
		" AND archived_at IS NULL AND is_open <> $1 RETURNING id",
		(db_param[]){ P_INT(open ? 1 : 0), P_INT(oa_now()), P_INT(id), P_INT(actor->id),
	                      P_INT(if_version) },
		5, &res);
	bool closed = rc == 0 && !open && res->nrows > 0;
	if (closed)
		rc = webhook_event_tx(c, OFFERAPI_EVENT_OFFER_CLOSED, id, 0, NULL, NULL);
	rc = store_end(s, c, rc);
	if (rc == 0 && closed)
		store_jobs_signal(s);
	if (rc == 0 && res->nrows == 0) {
		/* already in that state: applied all the same, unless a
		 * precondition or the archive says otherwise */
		db_result_free(res);
		res = NULL;
		rc = store_exec(s,
		                "SELECT id FROM offers WHERE id = $1 AND ($2 = 0 OR version = $2)"
		                " AND archived_at IS NULL",
		                (db_param[]){ P_INT(id), P_INT(if_version) }, 2, &res);
	}
	return written(s, id, rc, res, applied);
}

int offerapi_offer_archive(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                           int64_t if_version, int *applied)
{
	if (applied)
		*applied = 0;
	int rc = store_check_owner(s, actor, id, "archive an offer");
	if (rc < 0)
		return rc;
	db_result *res = NULL;
	int64_t now = oa_now();
	rc = store_write(s,
	                 "UPDATE offers SET is_open = 0, archived_at = $1, updated_at = $1,"
	                 " version = version + 1 WHERE id = $2 AND recruiter_id = $3"
	                 " AND ($4 = 0 OR version = $4) AND archived_at IS NULL RETURNING id",
	                 (db_param[]){ P_INT(now), P_INT(id), P_INT(actor->id), P_INT(if_version) },
	                 4, &res);
	return written(s, id, rc, res, applied);
}

int offerapi_offer_set_open(offerapi_store *s, const offerapi_user *actor, offerapi_id id, int open)
{
	return offerapi_offer_set_open_if(s, actor, id, open, 0, NULL);
}

int offers_search_backfill(db_conn *c)
{
	db_result *r = NULL;
	int rc = db_exec(c, "SELECT id, title, description, location, skills FROM offers", NULL, 0,
	                 &r);
	for (int i = 0; rc == 0 && i < r->nrows; i++) {
		char **skills = NULL, *title = NULL, *body = NULL;
		size_t n = 0;
		rc = oa_json_strings_parse(db_text(r, i, 4), "skills", &skills, &n);
		if (rc == 0)
			rc = offer_terms(db_text(r, i, 1), db_text(r, i, 2), db_text(r, i, 3), "",
			                 skills, n, &title, &body); /* before companies */
		if (rc == 0)
			rc = db_exec(
				c,
				"UPDATE offers SET search_title = $1, search_body = $2"
				" WHERE id = $3",
				(db_param[]){ P_TEXT(title), P_TEXT(body), P_INT(db_int(r, i, 0)) },
				3, NULL);
		oa_strings_free(skills, n);
		free(title);
		free(body);
	}
	db_result_free(r);
	return rc;
}

/* ---- search ---- */

/* "%<escaped s>%" for LIKE ... ESCAPE '\' (malloc'd). With @nl, the pattern
 * is "%\n<s>\n%" so that it matches one whole newline-delimited item. */
static char *like_pattern(const char *s, bool nl)
{
	size_t n = strlen(s);
	char *p = malloc(2 * n + 5), *o = p;
	if (!p)
		return NULL;
	*o++ = '%';
	if (nl)
		*o++ = '\n';
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
			*o++ = '\\';
		*o++ = s[i];
	}
	if (nl)
		*o++ = '\n';
	*o++ = '%';
	*o = '\0';
	return p;
}

#define MAX_QUERY 200

/* The rows a query over offers ranges over: " FROM offers o WHERE ...",
 * its parameters, and what identifies it (for the cursors' scope). */
typedef struct offer_filter {
	char from[1536];
	db_param params[10]; /* the recruiter, the time (open offers), location,
	                        skill, contract, remote, currency and floor; the
	                        words (search) */
	int np;
	int64_t now; /* oa_now(): an open offer past its deadline is not listed */
	int now_param; /* its index in params, or -1 (closed offers listed too) */
	char *owned[4];
	int no;
	char scope[1024];
	char currency[4]; /* of the salary floor, in capitals */
} offer_filter;

static void filter_free(offer_filter *f)
{
	for (int i = 0; i < f->no; i++)
		free(f->owned[i]);
	f->no = 0;
}

static int check_query(const offerapi_offer_query *q)
{
	int rc = oa_check_version("offer query", q->version, OFFERAPI_OFFER_QUERY_VERSION);
	if (rc < 0)
		return rc;
	if ((rc = oa_check_text("search words", q->words, 0, MAX_QUERY, false, true)) < 0 ||
	    (rc = oa_check_text("location", q->location, 0, MAX_QUERY, false, true)) < 0 ||
	    (rc = oa_check_text("skill", q->skill, 0, MAX_QUERY, false, true)) < 0)
		return rc;
	if (q->version < 3)
		return 0;
	if (q->contract != OFFERAPI_CONTRACT_UNSET && !offerapi_contract_name(q->contract))
		return oa_error(OFFERAPI_EINVAL, "contract: %d is no offerapi_contract",
		                (int)q->contract);
	if (q->remote != OFFERAPI_REMOTE_UNSET && !offerapi_remote_name(q->remote))
		return oa_error(OFFERAPI_EINVAL, "remote: %d is no offerapi_remote",
		                (int)q->remote);
	if (q->salary_floor < 0 || q->salary_floor > (int64_t)OFFERAPI_SALARY_MAX * 1607)
		return oa_error(OFFERAPI_EINVAL, "salary floor: must be 0 (any) to %lld",
		                (long long)OFFERAPI_SALARY_MAX * 1607);
	const char *cur = q->salary_currency ? q->salary_currency : "";
	bool letters = strlen(cur) == 3;
	for (size_t i = 0; letters && i < 3; i++)
		letters = (cur[i] >= 'A' && cur[i] <= 'Z') || (cur[i] >= 'a' && cur[i] <= 'z');
	if (*cur && !letters)
		return oa_error(OFFERAPI_EINVAL, "salary currency: must be an ISO 4217 code, three"
		                                 " letters (EUR)");
	return 0;
}

/* Append " AND @column = $n" for @p (its text in the scope as well). */
static void filter_eq(offer_filter *f, size_t *n, const char *column, const char *op, db_param p,
                      const char *text)
{
	f->params[f->np++] = p;
	*n += (size_t)snprintf(f->from + *n, sizeof f->from - *n, " AND %s %s $%d", column, op,
	                       f->np);
	size_t l = strlen(f->scope);
	snprintf(f->scope + l, sizeof f->scope - l, "|%s%s%s", column, op, text);
}

/* The contract, remote and salary filters of a version 3 query, as
 * parameters (the search cache keys on the SQL and its parameters). */
static void filter_rich(const offerapi_offer_query *q, offer_filter *f, size_t *n)
{
	if (q->version < 3)
		return;
	const char *v = offerapi_contract_name(q->contract);
	if (v)
		filter_eq(f, n, "o.contract", "=", P_TEXT(v), v);
	if ((v = offerapi_remote_name(q->remote)))
		filter_eq(f, n, "o.remote", "=", P_TEXT(v), v);
	if (!q->salary_floor)
		return;
	const char *cur = q->salary_currency && *q->salary_currency ? q->salary_currency : "EUR";
	for (int i = 0; i < 3; i++)
		f->currency[i] = (char)(cur[i] >= 'a' && cur[i] <= 'z' ? cur[i] - 'a' + 'A'
		                                                       : cur[i]);
	f->currency[3] = '\0';
	char floor[24];
	snprintf(floor, sizeof floor, "%lld", (long long)q->salary_floor);
	filter_eq(f, n, "o.salary_currency", "=", P_TEXT(f->currency), f->currency);
	filter_eq(f, n, "o.salary_year", ">=", P_INT(q->salary_floor), floor);
}

/* Append " AND @column LIKE $n" for a pattern made of @value. */
static int filter_like(offer_filter *f, size_t *n, const char *column, const char *value,
                       bool whole)
{
	char *pat = like_pattern(value, whole);
	if (!pat)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	f->owned[f->no++] = pat;
	f->params[f->np++] = P_TEXT(pat);
	*n += (size_t)snprintf(f->from + *n, sizeof f->from - *n, " AND %s LIKE $%d ESCAPE '\\'",
	                       column, f->np);
	size_t l = strlen(f->scope);
	snprintf(f->scope + l, sizeof f->scope - l, "|%s=%s", column, pat);
	return 0;
}

/* The filters of @q but its words (the search adds them): f->from is
 * " FROM offers o WHERE <where>". */
static int filter_build(const offerapi_offer_query *q, offer_filter *f)
{
	memset(f, 0, sizeof *f);
	size_t n = (size_t)snprintf(f->from, sizeof f->from, " FROM offers o WHERE %s",
	                            q->include_closed ? "o.archived_at IS NULL" : "o.is_open = 1");
	snprintf(f->scope, sizeof f->scope, "o|%d|%lld", q->include_closed ? 1 : 0,
	         (long long)q->recruiter_id);
	f->now = oa_now();
	f->now_param = -1;
	if (!q->include_closed) {
		/* past its deadline (offerapi_offer_close_expired closes it
		 * later) an offer is hidden at once; the time is no part of the
		 * scope: a cursor stays valid as the time passes */
		f->now_param = f->np;
		f->params[f->np++] = P_INT(f->now);
		n += (size_t)snprintf(f->from + n, sizeof f->from - n,
		                      " AND (o.deadline IS NULL OR o.deadline >= $%d)", f->np);
	}
	if (q->recruiter_id) {
		f->params[f->np++] = P_INT(q->recruiter_id);
		n += (size_t)snprintf(f->from + n, sizeof f->from - n, " AND o.recruiter_id = $%d",
		                      f->np);
	}
	int rc = 0;
	const char *values[] = { q->location, q->skill },
		   *columns[] = { "o.location_fold", "o.skills_fold" };
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		if (!values[i] || !*values[i])
			continue;
		char *fold = oa_fold(values[i]), *t = fold ? trimmed(fold) : NULL;
		rc = t ? filter_like(f, &n, columns[i], t, i == 1)
		       : oa_error(OFFERAPI_ENOMEM, "out of memory");
		free(fold);
		free(t);
	}
	if (rc == 0)
		filter_rich(q, f, &n);
	if (rc < 0)
		filter_free(f);
	return rc;
}

/* The offers list: newest first, ties by id (keyset.h). */
static void offer_spec(ks_spec *spec, const offer_filter *f)
{
	memset(spec, 0, sizeof *spec);
	spec->kind = 'o';
	spec->nphases = 1;
	spec->phases[0] = (ks_phase){
		"o.id", f->from, { { "o.published_at", true }, { "o.id", true } }, 2, 0
	};
	spec->count_from = f->from;
	spec->nfixed = f->np;
}

#define PAGE_COLUMNS                                                                               \
	", o.id, o.recruiter_id, u.display_name, o.title, o.description, o.location,"              \
	" o.skills, o.questions, o.published_at, o.is_open," RICH_COLUMNS
#define PAGE_COUNT OFFER_APP_COUNT("o")
#define PAGE_JOIN " JOIN offers o ON o.id = k.id JOIN users u ON u.id = o.recruiter_id"

/* A listed offer past its deadline reads as closed at once, as
 * offerapi_offer_close_expired() will make it (the lists of open offers
 * leave it out: filter_build). */
static void past_deadline(offerapi_offer *o, int64_t now)
{
	if (o->is_open && o->deadline && now > o->deadline)
		o->is_open = false;
}

/* Build the list from the page's rows (columns after @base: PAGE_COLUMNS). */
static int offers_from_page(const db_result *r, int base, ks_row *rows, const ks_page *pg,
                            int64_t now, offerapi_offer_list *l)
{
	l->items = calloc(pg->count ? pg->count : 1, sizeof *l->items);
	if (!l->items)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = 0;
	for (size_t i = 0; i < pg->count && rc == 0; i++)
		if ((rc = offer_from_row(r, rows[pg->first + i].row, base, &l->items[i])) == 0) {
			past_deadline(&l->items[i], now);
			l->count++;
		}
	return rc;
}

/*
 * A page of offers: after a cursor (or first, or last), or at @offset
 * (the legacy search, no cursor).
 */
static int next_deadline(offerapi_store *s, int64_t now, int64_t *until);

/* store_exec() of a statement @sql that reads a page of offers, from the
 * store's page cache while no offer, application or recruiter's name has
 * changed since (pages_generation, searchcache.c), whichever process
 * wrote it. The key leaves out the time @now, parameter @now_param (-1:
 * none): a page of the open offers serves until the next deadline, when
 * an offer may leave it. At most KS_PARAMS parameters. */
static int page_exec(offerapi_store *s, const char *sql, const db_param *p, int np, int now_param,
                     int64_t now, db_result **out)
{
	if (!s->page_gen)
		return store_exec(s, sql, p, np, out);
	int64_t gen = -1, until = INT64_MAX;
	int rc = search_generation(s, "pages_generation", &gen);
	if (rc < 0)
		return rc;
	db_param kp[KS_PARAMS];
	if (np) /* p may be NULL then */
		memcpy(kp, p, (size_t)np * sizeof *kp);
	if (now_param >= 0)
		kp[now_param] = P_INT(0);
	char *key = search_cache_key(sql, kp, np);
	if (!key)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	rc = search_cache_get_result(s->pages, key, gen, now, out); /* a view: no copy */
	if (rc != 0) {
		free(key);
		return rc < 0 ? rc : 0;
	}
	if (now_param >= 0)
		rc = next_deadline(s, now, &until);
	if (rc == 0)
		rc = store_exec(s, sql, p, np, out);
	if (rc == 0)
		search_cache_put_result(s->pages, key, gen, until, *out);
	free(key);
	return rc;
}

static int offers_page(offerapi_store *s, const offer_filter *f, const ks_cursor *c, bool last,
                       bool total, bool counts, size_t limit, size_t offset, uint32_t scope,
                       offerapi_offer_list **out)
{
	ks_spec spec;
	offer_spec(&spec, f);
	ks_query *q = malloc(sizeof *q);
	if (!q)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	int rc = ks_build(&spec, c, last, total, limit, offset,
	                  counts ? PAGE_COLUMNS PAGE_COUNT : PAGE_COLUMNS " -1", PAGE_JOIN,
	                  f->params, q);
	db_result *r = NULL;
	if (rc == 0)
		rc = page_exec(s, q->sql, q->params, q->nparams, f->now_param, f->now, &r);
	free(q);
	if (rc < 0)
		return rc;
	int base = total ? 5 : 4;
	int64_t count = -1;
	if (total && r->nrows)
		count = db_int(r, 0, 4);
	else if (total)
		rc = store_count(s, f->from, f->params, f->np, &count);
	ks_row *rows = calloc(r->nrows ? (size_t)r->nrows : 1, sizeof *rows);
	offerapi_offer_list *l = calloc(1, sizeof *l);
	if (rc == 0 && (!rows || !l))
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	ks_page pg = { 0 };
	size_t n = rc == 0 ? (size_t)r->nrows : 0;
	for (size_t i = 0; i < n; i++) {
		ks_row_key(r, (int)i, &rows[i].key);
		rows[i].row = (int)i;
	}
	if (rc == 0)
		rc = ks_finish(&spec, scope, c, last, limit, count, rows, &n, &pg);
	if (rc == 0) {
		l->next = pg.next;
		l->prev = pg.prev;
		l->total = count;
		l->offset = offset ? (int64_t)offset : pg.offset;
		rc = offers_from_page(r, base, rows, &pg, f->now, l);
	}
	free(rows);
	db_result_free(r);
	if (rc < 0) {
		offerapi_offer_list_free(l);
		return rc == OFFERAPI_ENOMEM ? oa_error(rc, "out of memory") : rc;
	}
	*out = l;
	return 0;
}

/* ---- ranked search (search.h) ---- */

/* bm25's weights of offers_fts's columns: a title's word counts as ten of
 * the body's, so a title match ranks above a mention in a description. */
#define BM25_WEIGHTS "10.0, 1.0"

/* A ranked list: best match first, then newest, then by id. The rank
 * is the engine's score x (bm25 negated, ts_rank), both >= 0, mapped in C
 * to x / (1 + x): in [0, 1), as the cursors' first key column must be. The key's
 * columns name what ranked_rows() selects; the rows are read whole (at
 * most OFFERAPI_SEARCH_MAX) and paged in C, since a rank is not indexed. */
static void ranked_spec(ks_spec *spec, const offer_filter *f)
{
	memset(spec, 0, sizeof *spec);
	spec->kind = 'o';
	spec->nphases = 1;
	spec->phases[0] = (ks_phase){
		"o.id",
		f->from,
		{ { "r", true }, { "o.published_at", true }, { "o.id", true } },
		3,
		0
	};
	spec->count_from = f->from;
	spec->nfixed = f->np;
}

/* Run the ranking statement @sql: its keys (rank, published_at, id) in
 * *@rows, *@n of them. */
static int ranked_run(offerapi_store *s, const char *sql, const db_param *p, int np, ks_row **rows,
                      size_t *n)
{
	db_result *r = NULL;
	int rc = store_exec(s, sql, p, np, &r);
	if (rc < 0)
		return rc;
	ks_row *v = calloc(r->nrows ? (size_t)r->nrows : 1, sizeof *v);
	if (!v)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (int i = 0; v && i < r->nrows; i++) {
		double x = db_real(r, i, 1); /* the score, computed once a row */
		x = x > 0 ? x / (1 + x) : 0;
		v[i] = (ks_row){ { 0, x, db_int(r, i, 2), db_int(r, i, 0) }, i };
	}
	if (v) {
		*rows = v;
		*n = (size_t)r->nrows;
	}
	db_result_free(r);
	return rc;
}

/* The first deadline at or after @now of an open offer (INT64_MAX: none)
 * into *@until: until then, the open offers listed at @now stay the same
 * but for writes, which bump the generation. One seek in offers_deadline. */
static int next_deadline(offerapi_store *s, int64_t now, int64_t *until)
{
	db_result *r = NULL;
	int rc = store_exec(s,
	                    "SELECT MIN(deadline) FROM offers WHERE is_open = 1"
	                    " AND deadline IS NOT NULL AND deadline >= $1",
	                    (db_param[]){ P_INT(now) }, 1, &r);
	if (rc == 0)
		*until = db_isnull(r, 0, 0) ? INT64_MAX : db_int(r, 0, 0);
	db_result_free(r);
	return rc;
}

/* The offers matching @sq (every word, or any with @any) under @f, best
 * first (from the search cache while no offer has changed): their keys (rank, published_at, id) in *@rows, *@n of them. */
static int ranked_rows(offerapi_store *s, const offer_filter *f, const search_query *sq, bool any,
                       ks_row **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	bool lite = strcmp(s->be->name, db_sqlite_backend.name) == 0;
	char *match = lite ? search_fts5_match(sq, any) : search_tsquery(sq, any);
	if (!match)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	const char *where = f->from + strlen(" FROM offers o WHERE ");
	char sql[2560];
	if (lite)
		snprintf(sql, sizeof sql,
		         "SELECT o.id, -bm25(offers_fts, " BM25_WEIGHTS ") AS r, o.published_at"
		         " FROM offers_fts JOIN offers o ON o.id = offers_fts.rowid"
		         " WHERE offers_fts MATCH $%d AND %s"
		         " ORDER BY r DESC, o.published_at DESC, o.id DESC LIMIT %d",
		         f->np + 1, where, OFFERAPI_SEARCH_MAX);
	else
		snprintf(sql, sizeof sql,
		         "SELECT o.id, ts_rank(o.search_vector, q)::float8 AS r, o.published_at"
		         " FROM offers o, to_tsquery('offerapi_search', $%d) q"
		         " WHERE o.search_vector @@ q AND %s"
		         " ORDER BY r DESC, o.published_at DESC, o.id DESC LIMIT %d",
		         f->np + 1, where, OFFERAPI_SEARCH_MAX);
	db_param p[sizeof f->params / sizeof *f->params + 1];
	memcpy(p, f->params, (size_t)f->np * sizeof *p);
	p[f->np] = P_TEXT(match);
	int64_t gen = -1, until = INT64_MAX;
	char *key = NULL;
	int rc = s->search_gen ? search_generation(s, "offers_generation", &gen) : 0;
	if (rc == 0 && gen >= 0) {
		/* the key leaves the time out: an entry serves until the next
		 * deadline (search_cache.h) */
		db_param kp[sizeof p / sizeof *p];
		memcpy(kp, p, sizeof kp);
		if (f->now_param >= 0)
			kp[f->now_param] = P_INT(0);
		if (!(key = search_cache_key(sql, kp, f->np + 1)))
			rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	search_blob *kept = rc == 0 && key ? search_cache_get(s->search, key, gen, f->now) : NULL;
	if (rc < 0 || kept) { /* a copy: the caller pages (and frees) the rows */
		size_t size = kept ? search_blob_size(kept) : 0;
		*rows = NULL;
		if (kept && !(*rows = malloc(size ? size : 1)))
			rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
		else if (kept)
			memcpy(*rows, search_blob_data(kept), size);
		*n = rc == 0 ? size / sizeof **rows : 0;
		search_blob_release(kept);
		free(match);
		free(key);
		return rc;
	}
	if (key && f->now_param >= 0)
		rc = next_deadline(s, f->now, &until);
	if (rc == 0)
		rc = ranked_run(s, sql, p, f->np + 1, rows, n);
	free(match);
	if (rc == 0 && key && (kept = search_blob_new(*n * sizeof **rows))) {
		memcpy(search_blob_data(kept), *rows, *n * sizeof **rows);
		search_cache_put(s->search, key, gen, until, kept);
		search_blob_release(kept);
	}
	free(key);
	return rc;
}

/* The matches of @sq: of every word; of any word when fewer than
 * OFFERAPI_SEARCH_FALLBACK have them all and more have some (*@any). */
static int ranked_matches(offerapi_store *s, const offer_filter *f, const search_query *sq,
                          ks_row **rows, size_t *n, bool *any)
{
	*any = false;
	int rc = ranked_rows(s, f, sq, false, rows, n);
	if (rc < 0 || sq->nwords < 2 || *n >= OFFERAPI_SEARCH_FALLBACK)
		return rc;
	ks_row *some;
	size_t nsome;
	if ((rc = ranked_rows(s, f, sq, true, &some, &nsome)) < 0)
		return rc;
	if (nsome > *n) {
		free(*rows);
		*rows = some;
		*n = nsome;
		*any = true;
	} else {
		free(some);
	}
	return 0;
}

/* The row of @r (ids in column 0, in increasing order) whose id is @id,
 * or -1: a binary search, so that mapping a page of n ranked ids to their
 * rows takes n log n steps, not n * n. */
static int row_of_id(const db_result *r, int64_t id)
{
	int lo = 0, hi = r->nrows;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		int64_t v = db_int(r, mid, 0);
		if (v == id)
			return mid;
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Fill l->items with the offers of @rows (ids in k3), in that order, each
 * with its snippet. */
static int ranked_offers(offerapi_store *s, const search_query *sq, const ks_row *rows, size_t n,
                         bool counts, int64_t now, offerapi_offer_list *l)
{
	l->items = calloc(n ? n : 1, sizeof *l->items);
	if (!l->items)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (!n)
		return 0;
	size_t cap = 512 + n * 24;
	char *sql = malloc(cap);
	if (!sql)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	/* the count walks every application of the offer: 22 200 index
	 * entries for a page of three offers in bench/http, each request */
	size_t k = (size_t)snprintf(sql, cap, "SELECT %s" OFFER_FROM " WHERE o.id IN (",
	                            counts ? OFFER_COLUMNS : OFFER_COLUMNS_NO_COUNT " -1");
	for (size_t i = 0; i < n; i++) /* ids are integers: no quoting to get wrong */
		k += (size_t)snprintf(sql + k, cap - k, "%s%lld", i ? ", " : "",
		                      (long long)rows[i].key.k3);
	snprintf(sql + k, cap - k, ") ORDER BY o.id");
	db_result *r = NULL;
	int rc = page_exec(s, sql, NULL, 0, -1, now, &r); /* by id: whatever the time */
	free(sql);
	for (size_t i = 0; rc == 0 && i < n; i++) {
		int row = row_of_id(r, rows[i].key.k3);
		if (row < 0)
			continue; /* deleted since it was ranked */
		offerapi_offer *o = &l->items[l->count];
		if ((rc = offer_from_row(r, row, 0, o)) < 0)
			break;
		past_deadline(o, now);
		l->count++;
		if (!counts)
			o->napplications = -1;
		rc = search_snippet(sq, o->description, 200, &o->snippet);
	}
	db_result_free(r);
	return rc;
}

/* Keep the rows after the cursor @c (before it, going back). */
static void after_cursor(const ks_spec *spec, const ks_cursor *c, ks_row *rows, size_t *n)
{
	if (!c->set)
		return;
	size_t m = 0;
	for (size_t i = 0; i < *n; i++) {
		int cmp = ks_compare(spec, &rows[i].key, &c->key);
		if (c->back ? cmp < 0 : cmp > 0)
			rows[m++] = rows[i];
	}
	*n = m;
}

/* A page of the search of @sq (offerapi_offer_list_page()). */
static int search_page(offerapi_store *s, const offerapi_offer_query *q, offer_filter *f,
                       const search_query *sq, const offerapi_page *page, offerapi_offer_list **out)
{
	char *expr = search_fts5_match(sq, false);
	if (!expr)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	size_t l0 = strlen(f->scope); /* a cursor belongs to its words */
	snprintf(f->scope + l0, sizeof f->scope - l0, "|w=%s", expr);
	free(expr);
	ks_spec spec;
	ranked_spec(&spec, f);
	uint32_t scope = ks_scope(f->scope);
	ks_cursor c;
	size_t limit;
	int rc = ks_page_parse(&spec, scope, page, &c, &limit);
	ks_row *rows = NULL;
	size_t n = 0;
	bool any = false;
	if (rc == 0)
		rc = ranked_matches(s, f, sq, &rows, &n, &any);
	int64_t total = (int64_t)n;
	unsigned pf = page ? page->flags : 0;
	bool last = pf & OFFERAPI_PAGE_LAST;
	if (rc == 0)
		after_cursor(&spec, &c, rows, &n);
	ks_page pg = { 0 };
	offerapi_offer_list *l = rc == 0 ? calloc(1, sizeof *l) : NULL;
	if (rc == 0 && !l)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (rc == 0 && (rc = ks_finish(&spec, scope, &c, last, limit, total, rows, &n, &pg)) < 0)
		rc = oa_error(rc, "out of memory");
	if (rc == 0) {
		l->next = pg.next;
		l->prev = pg.prev;
		l->total = pf & OFFERAPI_PAGE_TOTAL ? total : -1;
		l->offset = pg.offset;
		l->any_words = any;
		bool counts = q->version >= 2 && (q->flags & OFFERAPI_OFFER_COUNTS);
		rc = ranked_offers(s, sq, rows + pg.first, pg.count, counts, f->now, l);
	}
	free(rows);
	if (rc < 0) {
		offerapi_offer_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

/* The legacy search by words: the ranked matches from @offset. */
static int search_offset(offerapi_store *s, offer_filter *f, const search_query *sq, size_t limit,
                         size_t offset, offerapi_offer_list **out)
{
	ks_row *rows = NULL;
	size_t n = 0;
	bool any = false;
	int rc = ranked_matches(s, f, sq, &rows, &n, &any);
	offerapi_offer_list *l = rc == 0 ? calloc(1, sizeof *l) : NULL;
	if (rc == 0 && !l)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (rc == 0) {
		size_t from = offset < n ? offset : n, count = n - from < limit ? n - from : limit;
		l->total = -1;
		l->offset = (int64_t)offset;
		l->any_words = any;
		rc = ranked_offers(s, sq, rows + from, count, true, f->now, l);
	}
	free(rows);
	if (rc < 0) {
		offerapi_offer_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

/* Check @q and read its words and filter; on success the caller frees
 * both. @paged: a page says how many, so @q gives no limit nor offset. */
static int query_prepare(const offerapi_offer_query *q, bool paged, search_query *sq,
                         offer_filter *f)
{
	int rc = check_query(q);
	if (rc < 0)
		return rc;
	if (paged && (q->limit || q->offset))
		return oa_error(OFFERAPI_EINVAL, "offer query: limit and offset are for "
		                                 "offerapi_offer_search; a page says how many");
	rc = search_query_parse(q->words, sq);
	if (rc == 0 && (rc = filter_build(q, f)) < 0)
		search_query_free(sq);
	return rc;
}

int offerapi_offer_list_page(offerapi_store *s, const offerapi_offer_query *q,
                             const offerapi_page *page, offerapi_offer_list **out)
{
	if (!out)
		return oa_error(OFFERAPI_EINVAL, "offer list: no output given");
	*out = NULL;
	offerapi_offer_query def = OFFERAPI_OFFER_QUERY_INIT;
	if (!q)
		q = &def;
	search_query sq;
	offer_filter f;
	int rc = query_prepare(q, true, &sq, &f);
	if (rc < 0)
		return rc;
	if (sq.nwords) {
		rc = search_page(s, q, &f, &sq, page, out);
		search_query_free(&sq);
		filter_free(&f);
		return rc;
	}
	ks_spec spec;
	offer_spec(&spec, &f);
	uint32_t scope = ks_scope(f.scope);
	ks_cursor c;
	size_t limit;
	if ((rc = ks_page_parse(&spec, scope, page, &c, &limit)) == 0) {
		unsigned pf = page ? page->flags : 0;
		bool counts = q->version >= 2 && (q->flags & OFFERAPI_OFFER_COUNTS);
		rc = offers_page(s, &f, &c, pf & OFFERAPI_PAGE_LAST, pf & OFFERAPI_PAGE_TOTAL,
		                 counts, limit, 0, scope, out);
	}
	filter_free(&f);
	return rc;
}

int offerapi_offer_search(offerapi_store *s, const offerapi_offer_query *q,
                          offerapi_offer_list **out)
{
	*out = NULL;
	offerapi_offer_query def = OFFERAPI_OFFER_QUERY_INIT;
	if (!q)
		q = &def;
	search_query sq;
	offer_filter f;
	int rc = query_prepare(q, false, &sq, &f);
	if (rc < 0)
		return rc;
	ks_cursor first = { false, false, -1, { 0, 0, 0, 0 } };
	size_t limit = q->limit && q->limit < 200 ? q->limit : 200;
	size_t offset = q->offset > 1000000 ? 1000000 : q->offset;
	if (sq.nwords)
		rc = search_offset(s, &f, &sq, limit, offset, out);
	else
		rc = offers_page(s, &f, &first, false, false, true, limit, offset, 0, out);
	search_query_free(&sq);
	filter_free(&f);
	if (rc == 0) { /* no cursors: this call pages by offset */
		free((*out)->next);
		(*out)->next = NULL;
		(*out)->total = -1;
	}
	return rc;
}

void offerapi_offer_list_free(offerapi_offer_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		offer_clear(&l->items[i]);
	ks_list_free(l->items, l->next, l->prev, l);
}
