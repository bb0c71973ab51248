/*
 * explanation.c - structured explanations of scores: what a plugin
 * reports through offerapi_score_report (ABI 1, revision 2), the versioned
 * JSON document the library stores in scores.explanation, and reading it
 * back (offerapi_explanation_parse, offerapi/scoring.h).
 *
 * The stored document, one line of compact JSON:
 *
 *   {"offerapi_explanation":1,"text":"skills 2/3; ...",
 *    "skills":[{"skill":"Docker (Kubernetes)","credit":0.5}, ...],
 *    "subscores":{"text":0.42,"title":0.8}}
 *
 * "text" is the plugin's own sentence (English, for logs and old readers);
 * "skills" lists the offer's skills the plugin reported, in the offer's
 * order; "subscores" the named parts. A plugin that reports nothing has its
 * sentence stored as plain text, as before revision 2, and old rows stay
 * plain text: offerapi_explanation_parse() reads both.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "explain.h"
#include "internal.h"
#include "offerapi/scoring.h"

#define DOC_PREFIX "{\"offerapi_explanation\":"

/* ---- collecting a plugin's report ---- */

static oa_report *of(offerapi_score_report *r)
{
	return r ? r->host_private : NULL;
}

static int report_skill(offerapi_score_report *r, size_t index, double credit)
{
	oa_report *c = of(r);
	if (!c)
		return -1;
	if (index >= c->nskills || !(credit >= 0.0 && credit <= 1.0)) {
		c->bad++;
		return -1;
	}
	c->credit[index] = credit;
	return 0;
}

static bool valid_sub_name(const char *s)
{
	size_t n = s ? strnlen(s, OFFERAPI_SCORER_SUBSCORE_NAME_MAX + 1) : 0;
	if (n < 1 || n > OFFERAPI_SCORER_SUBSCORE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

static int report_subscore(offerapi_score_report *r, const char *name, double value)
{
	oa_report *c = of(r);
	if (!c)
		return -1;
	if (!valid_sub_name(name) || !(value >= 0.0 && value <= 1.0)) {
		c->bad++;
		return -1;
	}
	for (size_t i = 0; i < c->nsub; i++)
		if (!strcmp(c->sub[i].name, name)) {
			c->sub[i].value = value;
			return 0;
		}
	if (c->nsub == OFFERAPI_SCORER_SUBSCORES_MAX) {
		c->bad++;
		return -1;
	}
	snprintf(c->sub[c->nsub].name, sizeof c->sub[c->nsub].name, "%s", name);
	c->sub[c->nsub++].value = value;
	return 0;
}

int oa_report_init(oa_report *c, size_t nskills)
{
	memset(c, 0, sizeof *c);
	c->nskills = nskills;
	c->credit = malloc((nskills ? nskills : 1) * sizeof *c->credit);
	if (!c->credit)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (size_t i = 0; i < nskills; i++)
		c->credit[i] = NAN;
	c->abi = (offerapi_score_report){
		.struct_size = sizeof(offerapi_score_report),
		.skill = report_skill,
		.subscore = report_subscore,
		.host_private = c,
	};
	return 0;
}

void oa_report_fini(oa_report *c)
{
	free(c->credit);
	c->credit = NULL;
}

bool oa_report_any(const oa_report *c)
{
	if (c->nsub)
		return true;
	for (size_t i = 0; i < c->nskills; i++)
		if (!isnan(c->credit[i]))
			return true;
	return false;
}

/* Credits and sub-scores with 3 decimals: enough for people, stable text. */
static json_t *real3(double v)
{
	return json_real(round(v * 1000) / 1000);
}

static json_t *build_doc(const oa_report *c, const char *const *skills, const char *text,
                         bool with_text)
{
	json_t *doc = json_object(), *sk = json_array(), *sub = json_object();
	if (!doc || !sk || !sub)
		goto fail;
	json_object_set_new(doc, "offerapi_explanation",
	                    json_integer(OFFERAPI_EXPLANATION_VERSION));
	if (with_text && text && *text)
		json_object_set_new(doc, "text", json_string(text));
	for (size_t i = 0; i < c->nskills; i++) {
		if (isnan(c->credit[i]))
			continue;
		json_t *o = json_pack("{s:s, s:o}", "skill", skills[i], "credit",
		                      real3(c->credit[i]));
		if (!o || json_array_append_new(sk, o) < 0)
			goto fail;
	}
	for (size_t i = 0; i < c->nsub; i++)
		json_object_set_new(sub, c->sub[i].name, real3(c->sub[i].value));
	json_object_set_new(doc, "skills", sk);
	json_object_set_new(doc, "subscores", sub);
	return doc;
fail:
	json_decref(doc);
	json_decref(sk);
	json_decref(sub);
	return NULL;
}

int oa_report_compose(const oa_report *c, const char *const *skills, const char *text, char *doc,
                      size_t docsz)
{
	/* the data first: when the document would not fit, the English
	 * sentence goes; when it still does not fit (an offer of a thousand
	 * skills from the API), OFFERAPI_ETOOBIG without a message */
	for (int with_text = 1; with_text >= 0; with_text--) {
		json_t *d = build_doc(c, skills, text, with_text);
		if (!d)
			return oa_error(OFFERAPI_ENOMEM, "out of memory");
		char *s = json_dumps(d,
		                     JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
		json_decref(d);
		if (!s)
			return oa_error(OFFERAPI_ENOMEM, "out of memory");
		size_t n = strlen(s);
		if (n < docsz) {
			memcpy(doc, s, n + 1);
			free(s);
			return 0;
		}
		free(s);
	}
	return OFFERAPI_ETOOBIG; /* the caller keeps the plain sentence */
}

/* ---- reading a stored explanation ---- */

typedef struct expl_impl {
	offerapi_explanation pub; /* first: the pointer handed out */
	json_t *root; /* strings point into it */
	char *plain; /* a plain-text explanation, copied */
	offerapi_explanation_skill *skills;
	offerapi_explanation_subscore *subs;
} expl_impl;

void offerapi_explanation_free(offerapi_explanation *e)
{
	expl_impl *x = (expl_impl *)e;
	if (!x)
		return;
	json_decref(x->root);
	free(x->plain);
	free(x->skills);
	free(x->subs);
	free(x);
}

offerapi_skill_match offerapi_explanation_match(double credit)
{
	if (credit >= OFFERAPI_EXPLANATION_MATCHED)
		return OFFERAPI_SKILL_MATCHED;
	return credit > 0 ? OFFERAPI_SKILL_PARTLY : OFFERAPI_SKILL_MISSING;
}

static int bad_doc(expl_impl *x, const char *why)
{
	offerapi_explanation_free(&x->pub);
	return oa_error(OFFERAPI_EINVAL, "explanation: not a valid explanation document: %s", why);
}

static bool unit_number(json_t *v, double *out)
{
	if (!json_is_number(v))
		return false;
	*out = json_number_value(v);
	return *out >= 0 && *out <= 1;
}

static int parse_skills(expl_impl *x, json_t *a)
{
	size_t n = json_array_size(a);
	x->skills = calloc(n ? n : 1, sizeof *x->skills);
	if (!x->skills)
		return -1;
	for (size_t i = 0; i < n; i++) {
		json_t *o = json_array_get(a, i);
		json_t *name = json_object_get(o, "skill");
		double credit;
		if (!json_is_string(name) || !unit_number(json_object_get(o, "credit"), &credit))
			return 1;
		x->skills[i] = (offerapi_explanation_skill){ json_string_value(name), credit,
			                                     offerapi_explanation_match(credit) };
	}
	x->pub.skills = x->skills;
	x->pub.nskills = n;
	return 0;
}

static int parse_subscores(expl_impl *x, json_t *o)
{
	size_t n = json_object_size(o), k = 0;
	x->subs = calloc(n ? n : 1, sizeof *x->subs);
	if (!x->subs)
		return -1;
	const char *key;
	json_t *v;
	json_object_foreach(o, key, v)
	{
		double value;
		if (!unit_number(v, &value))
			return 1;
		x->subs[k++] = (offerapi_explanation_subscore){ key, value };
	}
	x->pub.subscores = x->subs;
	x->pub.nsubscores = k;
	return 0;
}

int offerapi_explanation_parse(const char *stored, offerapi_explanation **out)
{
	if (!stored || !out)
		return oa_error(OFFERAPI_EINVAL, "explanation: NULL argument");
	*out = NULL;
	expl_impl *x = calloc(1, sizeof *x);
	if (!x)
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	if (strncmp(stored, DOC_PREFIX, strlen(DOC_PREFIX))) {
		/* plain text: a plugin of revision 1, or an old row */
		x->plain = oa_strdup(stored);
		if (!x->plain) {
			free(x);
			return OFFERAPI_ENOMEM;
		}
		x->pub.text = x->plain;
		*out = &x->pub;
		return 0;
	}
	json_error_t jerr;
	x->root = json_loads(stored, JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(x->root))
		return bad_doc(x, x->root ? "not an object" : jerr.text);
	json_t *ver = json_object_get(x->root, "offerapi_explanation");
	json_t *text = json_object_get(x->root, "text");
	json_t *sk = json_object_get(x->root, "skills");
	json_t *sub = json_object_get(x->root, "subscores");
	if (!json_is_integer(ver) || json_integer_value(ver) < 1 || json_integer_value(ver) > 1000)
		return bad_doc(x, "no version");
	if ((text && !json_is_string(text)) || (sk && !json_is_array(sk)) ||
	    (sub && !json_is_object(sub)))
		return bad_doc(x, "a field of the wrong type");
	x->pub.version = (int)json_integer_value(ver);
	x->pub.text = text ? json_string_value(text) : "";
	int rc = sk ? parse_skills(x, sk) : 0;
	if (rc == 0 && sub)
		rc = parse_subscores(x, sub);
	if (rc < 0) {
		offerapi_explanation_free(&x->pub);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	if (rc > 0)
		return bad_doc(x, "a skill or sub-score without a name or a value in [0, 1]");
	*out = &x->pub;
	return 0;
}
