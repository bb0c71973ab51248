/*
 * offers.c - publishing, editing and searching job offers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "internal.h"
#include "jsonlist.h"
#include "store_internal.h"
#include "offerapi/offer.h"
#include "offerapi/application.h"

#define OFFER_COLUMNS                                                                              \
	"o.id, o.recruiter_id, u.display_name, o.title, o.description, o.location,"                \
	" o.skills, o.questions, o.published_at, o.is_open,"                                       \
	" (SELECT COUNT(*) FROM applications a WHERE a.offer_id = o.id)"
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
}

static int clean_offer_fields(const offerapi_offer_fields *f, clean_offer *c)
{
	memset(c, 0, sizeof *c);
	if (!f)
		return oa_error(OFFERAPI_EINVAL, "offer: no fields given");
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

/* ---- reading ---- */

void offerapi_offer_free(offerapi_offer *o)
{
	if (!o)
		return;
	free(o->recruiter_name);
	free(o->title);
	free(o->description);
	free(o->location);
	oa_strings_free(o->skills, o->nskills);
	oa_strings_free(o->questions, o->nquestions);
	free(o);
}

static void offer_clear(offerapi_offer *o)
{
	free(o->recruiter_name);
	free(o->title);
	free(o->description);
	free(o->location);
	oa_strings_free(o->skills, o->nskills);
	oa_strings_free(o->questions, o->nquestions);
	memset(o, 0, sizeof *o);
}

static int offer_from_row(const db_result *r, int row, offerapi_offer *o)
{
	memset(o, 0, sizeof *o);
	o->id = db_int(r, row, 0);
	o->recruiter_id = db_int(r, row, 1);
	o->recruiter_name = oa_strdup(db_text(r, row, 2));
	o->title = oa_strdup(db_text(r, row, 3));
	o->description = oa_strdup(db_text(r, row, 4));
	o->location = oa_strdup(db_text(r, row, 5));
	o->published_at = db_int(r, row, 8);
	o->is_open = db_int(r, row, 9) != 0;
	o->napplications = db_int(r, row, 10);
	int rc = 0;
	if (!o->recruiter_name || !o->title || !o->description || !o->location)
		rc = OFFERAPI_ENOMEM;
	if (rc == 0)
		rc = oa_json_strings_parse(db_text(r, row, 6), "skills", &o->skills, &o->nskills);
	if (rc == 0)
		rc = oa_json_strings_parse(db_text(r, row, 7), "questions", &o->questions,
		                           &o->nquestions);
	if (rc < 0)
		offer_clear(o);
	return rc;
}

int offerapi_offer_get(offerapi_store *s, offerapi_id id, offerapi_offer **out)
{
	*out = NULL;
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT " OFFER_COLUMNS OFFER_FROM " WHERE o.id = $1",
	                    (db_param[]){ P_INT(id) }, 1, &r);
	if (rc < 0)
		return rc;
	if (r->nrows == 0) {
		db_result_free(r);
		return oa_error(OFFERAPI_ENOTFOUND, "offer %lld: not found", (long long)id);
	}
	offerapi_offer *o = calloc(1, sizeof *o);
	if (!o)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	else if ((rc = offer_from_row(r, 0, o)) < 0)
		free(o);
	else
		*out = o;
	db_result_free(r);
	return rc;
}

/* ---- writing ---- */

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
	db_result *r = NULL;
	rc = store_write(s,
	                 "INSERT INTO offers (recruiter_id, title, description, location,"
	                 " skills, questions, search_text, location_fold, skills_fold,"
	                 " published_at, updated_at, is_open)"
	                 " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, 1) RETURNING id",
	                 (db_param[]){ P_INT(actor->id), P_TEXT(f->title), P_TEXT(f->description),
	                               P_TEXT(f->location ? f->location : ""),
	                               P_TEXT(c.skills_json), P_TEXT(c.questions_json),
	                               P_TEXT(c.search), P_TEXT(c.location_fold),
	                               P_TEXT(c.skills_fold), P_INT(now) },
	                 10, &r);
	clean_offer_free(&c);
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
	if (rc < 0)
		return rc;
	if (r->nrows == 0)
		rc = oa_error(OFFERAPI_ENOTFOUND, "offer %lld: not found", (long long)id);
	else if (db_int(r, 0, 0) != actor->id)
		rc = oa_error(OFFERAPI_EPERM, "offer %lld belongs to another recruiter",
		              (long long)id);
	db_result_free(r);
	return rc;
}

int offerapi_offer_update(offerapi_store *s, const offerapi_user *actor, offerapi_id id,
                          const offerapi_offer_fields *f)
{
	int rc = store_check_owner(s, actor, id, "edit an offer");
	if (rc < 0)
		return rc;
	clean_offer c;
	if ((rc = clean_offer_fields(f, &c)) < 0)
		return rc;
	/* recruiter_id in the WHERE clause keeps the check and the write one step */
	rc = store_exec(s,
	                "UPDATE offers SET title = $1, description = $2, location = $3,"
	                " skills = $4, questions = $5, search_text = $6, location_fold = $7,"
	                " skills_fold = $8, updated_at = $9 WHERE id = $10 AND recruiter_id = $11",
	                (db_param[]){ P_TEXT(f->title), P_TEXT(f->description),
	                              P_TEXT(f->location ? f->location : ""), P_TEXT(c.skills_json),
	                              P_TEXT(c.questions_json), P_TEXT(c.search),
	                              P_TEXT(c.location_fold), P_TEXT(c.skills_fold),
	                              P_INT(oa_now()), P_INT(id), P_INT(actor->id) },
	                11, NULL);
	clean_offer_free(&c);
	return rc;
}

int offerapi_offer_set_open(offerapi_store *s, const offerapi_user *actor, offerapi_id id, int open)
{
	int rc = store_check_owner(s, actor, id, open ? "reopen an offer" : "close an offer");
	if (rc < 0)
		return rc;
	return store_exec(
		s,
		"UPDATE offers SET is_open = $1, updated_at = $2"
		" WHERE id = $3 AND recruiter_id = $4",
		(db_param[]){ P_INT(open ? 1 : 0), P_INT(oa_now()), P_INT(id), P_INT(actor->id) },
		4, NULL);
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

#define MAX_WORDS 8
#define MAX_QUERY 200

int offerapi_offer_search(offerapi_store *s, const offerapi_offer_query *q,
                          offerapi_offer_list **out)
{
	*out = NULL;
	offerapi_offer_query def = OFFERAPI_OFFER_QUERY_INIT;
	if (!q)
		q = &def;
	if (q->version != OFFERAPI_OFFER_QUERY_VERSION)
		return oa_error(OFFERAPI_EINVAL, "offer query: version %u, this library knows %u",
		                q->version, OFFERAPI_OFFER_QUERY_VERSION);
	int rc;
	if ((rc = oa_check_text("search words", q->words, 0, MAX_QUERY, false, true)) < 0 ||
	    (rc = oa_check_text("location", q->location, 0, MAX_QUERY, false, true)) < 0 ||
	    (rc = oa_check_text("skill", q->skill, 0, MAX_QUERY, false, true)) < 0)
		return rc;

	char sql[2048];
	int n = snprintf(sql, sizeof sql, "SELECT " OFFER_COLUMNS OFFER_FROM " WHERE 1 = 1");
	db_param params[MAX_WORDS + 6];
	char *owned[MAX_WORDS + 4] = { 0 };
	int np = 0, no = 0;
	if (!q->include_closed)
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND o.is_open = 1");
	if (q->recruiter_id) {
		params[np++] = P_INT(q->recruiter_id);
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND o.recruiter_id = $%d", np);
	}
	char *words = q->words ? oa_fold(q->words) : NULL;
	if (q->words && !words)
		return OFFERAPI_ENOMEM;
	int nwords = 0;
	for (char *save = NULL, *w = words ? strtok_r(words, " \t", &save) : NULL; w;
	     w = strtok_r(NULL, " \t", &save)) {
		if (++nwords > MAX_WORDS) {
			rc = oa_error(OFFERAPI_EINVAL, "search words: at most %d words", MAX_WORDS);
			break;
		}
		char *pat = like_pattern(w, false);
		if (!pat) {
			rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
			break;
		}
		owned[no++] = pat;
		params[np++] = P_TEXT(pat);
		n += snprintf(sql + n, sizeof sql - (size_t)n,
		              " AND o.search_text LIKE $%d ESCAPE '\\'", np);
	}
	struct {
		const char *value;
		const char *column;
		bool whole;
	} filters[] = {
		{ q->location, "o.location_fold", false },
		{ q->skill, "o.skills_fold", true },
	};
	for (size_t i = 0; rc == 0 && i < 2; i++) {
		if (!filters[i].value || !*filters[i].value)
			continue;
		char *f = oa_fold(filters[i].value), *t = f ? trimmed(f) : NULL;
		char *pat = t ? like_pattern(t, filters[i].whole) : NULL;
		free(f);
		free(t);
		if (!pat) {
			rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
			break;
		}
		owned[no++] = pat;
		params[np++] = P_TEXT(pat);
		n += snprintf(sql + n, sizeof sql - (size_t)n, " AND %s LIKE $%d ESCAPE '\\'",
		              filters[i].column, np);
	}
	size_t limit = q->limit && q->limit < 200 ? q->limit : 200;
	params[np++] = P_INT((int64_t)limit);
	params[np++] = P_INT((int64_t)(q->offset > 1000000 ? 1000000 : q->offset));
	snprintf(sql + n, sizeof sql - (size_t)n,
	         " ORDER BY o.published_at DESC, o.id DESC LIMIT $%d OFFSET $%d", np - 1, np);

	db_result *r = NULL;
	if (rc == 0)
		rc = store_exec(s, sql, params, np, &r);
	free(words);
	for (int i = 0; i < no; i++)
		free(owned[i]);
	if (rc < 0)
		return rc;
	offerapi_offer_list *l = calloc(1, sizeof *l);
	if (l)
		l->items = calloc(r->nrows ? (size_t)r->nrows : 1, sizeof *l->items);
	if (!l || !l->items) {
		free(l);
		db_result_free(r);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	for (int i = 0; i < r->nrows && rc == 0; i++)
		if ((rc = offer_from_row(r, i, &l->items[i])) == 0)
			l->count++;
	db_result_free(r);
	if (rc < 0) {
		offerapi_offer_list_free(l);
		return rc;
	}
	*out = l;
	return 0;
}

void offerapi_offer_list_free(offerapi_offer_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->count; i++)
		offer_clear(&l->items[i]);
	free(l->items);
	free(l);
}
