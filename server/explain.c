/*
 * explain.c - score explanations in the reader's language (explain.h).
 */
#include <stdio.h>
#include <string.h>

#include <offerapi/offerapi.h>

#include "explain.h"
#include "i18n.h"

static const char *const match_keys[] = { "expl.missing", "expl.partly", "expl.matched" };

static const char *match_name(offerapi_skill_match m)
{
	return m == OFFERAPI_SKILL_MATCHED  ? "matched"
	       : m == OFFERAPI_SKILL_PARTLY ? "partly"
	                                    : "missing";
}

static int match_index(offerapi_skill_match m)
{
	return m == OFFERAPI_SKILL_MATCHED ? 2 : m == OFFERAPI_SKILL_PARTLY ? 1 : 0;
}

/* The translated name of a sub-score ("expl.sub.text"), or the name itself. */
static const char *subscore_name(enum lang lang, const char *name, char *key, size_t keysz)
{
	snprintf(key, keysz, "expl.sub.%s", name);
	const char *t = i18n_text(lang, key);
	return t == key ? name : t;
}

/* " 0.87" in English, " 0,87" in French (the page's decimal sign). */
static void decimal(enum lang lang, buf *b, double v)
{
	char num[32];
	snprintf(num, sizeof num, " %.2f", v);
	if (lang != LANG_EN)
		for (char *p = num; *p; p++)
			if (*p == '.')
				*p = ',';
	buf_puts(b, num);
}

/* Parse, or NULL for plain text (damaged documents too: shown raw). */
static offerapi_explanation *parse(const char *stored)
{
	offerapi_explanation *e = NULL;
	if (!stored || offerapi_explanation_parse(stored, &e) < 0 || !e->version) {
		offerapi_explanation_free(e);
		return NULL;
	}
	return e;
}

/* The skills of class @m, comma-separated; false when there is none. */
static bool skills_of(buf *b, const offerapi_explanation *e, int m, bool html)
{
	size_t n = 0;
	for (size_t i = 0; i < e->nskills; i++) {
		if (match_index(e->skills[i].match) != m)
			continue;
		buf_puts(b, n++ ? ", " : "");
		if (html)
			buf_esc(b, e->skills[i].skill);
		else
			buf_puts(b, e->skills[i].skill);
	}
	return n > 0;
}

void explain_html(enum lang lang, buf *b, const char *stored)
{
	offerapi_explanation *e = parse(stored);
	if (!e) {
		buf_esc(b, stored ? stored : "");
		return;
	}
	for (int m = 2; m >= 0; m--) {
		buf mb;
		buf_init(&mb, 128);
		if (skills_of(&mb, e, m, true))
			buf_printf(b, "<p class=\"skills-%d\"><span class=\"k\">%s</span> %s</p>",
			           m, i18n_text(lang, match_keys[m]), mb.p ? mb.p : "");
		buf_free(&mb);
	}
	if (e->nsubscores) {
		buf_puts(b, "<p class=\"sub\">");
		for (size_t i = 0; i < e->nsubscores; i++) {
			char key[64];
			buf_puts(b, i ? " · " : "");
			buf_esc(b, subscore_name(lang, e->subscores[i].name, key, sizeof key));
			decimal(lang, b, e->subscores[i].value);
		}
		buf_puts(b, "</p>");
	}
	offerapi_explanation_free(e);
}

void explain_line(enum lang lang, buf *b, const char *stored)
{
	offerapi_explanation *e = parse(stored);
	if (!e) {
		buf_puts(b, stored ? stored : "");
		return;
	}
	bool any = false;
	for (int m = 2; m >= 0; m--) {
		buf mb;
		buf_init(&mb, 128);
		if (skills_of(&mb, e, m, false)) {
			buf_printf(b, "%s%s %s", any ? "; " : "", i18n_text(lang, match_keys[m]),
			           mb.p ? mb.p : "");
			any = true;
		}
		buf_free(&mb);
	}
	for (size_t i = 0; i < e->nsubscores; i++) {
		char key[64];
		buf_printf(b, "%s%s", any ? "; " : "",
		           subscore_name(lang, e->subscores[i].name, key, sizeof key));
		decimal(lang, b, e->subscores[i].value);
		any = true;
	}
	offerapi_explanation_free(e);
}

json_t *explain_json(const char *stored)
{
	offerapi_explanation *e = parse(stored);
	if (!e)
		return NULL;
	json_t *skills = json_array(), *subs = json_object();
	for (size_t i = 0; i < e->nskills; i++)
		json_array_append_new(skills,
		                      json_pack("{s:s,s:f,s:s}", "skill", e->skills[i].skill,
		                                "credit", e->skills[i].credit, "match",
		                                match_name(e->skills[i].match)));
	for (size_t i = 0; i < e->nsubscores; i++)
		json_object_set_new(subs, e->subscores[i].name, json_real(e->subscores[i].value));
	json_t *j = json_pack("{s:s,s:o,s:o}", "text", e->text ? e->text : "", "skills", skills,
	                      "subscores", subs);
	offerapi_explanation_free(e);
	return j;
}
