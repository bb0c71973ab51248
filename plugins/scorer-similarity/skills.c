/*
 * skills.c - an offer's skills as people write them, and how much of each
 * a CV shows.
 *
 * A skill is split into groups and alternatives:
 *   "Docker (Kubernetes)"       -> groups {docker} {kubernetes}
 *   "Java ou Kotlin"            -> one group {java | kotlin}
 *   "Bus CAN / SPI / I2C"       -> groups {bus can} {spi} {i2c}
 *   "Sage 100 ou Cegid"         -> one group {sage 100 | cegid}
 * on "/ , ; ( ) [ ] :" and the words et/and/& (groups, each counted) and
 * ou/or (alternatives, the best counts). Its credit is the mean over groups
 * of the best alternative; an alternative of several words earns its credit
 * from the words found anywhere in the CV (40 %) and from the best window of
 * words + 3 tokens where they appear in any order (60 %), each word weighted
 * by its background IDF ("stock" counts more than "management"), so "gestion des
 * stocks" matches "gestion des achats et des stocks" in full and "stocks"
 * alone in part. A word matches the same stem in the CV's language (1), an
 * English stem of its translation (CRED_PIVOT) or a cognate (CRED_COGNATE);
 * an alternative, or the whole skill, that is a vocabulary concept (CRM,
 * "gestion de la relation client") matches the concept in any language.
 * For a CV in the other language, a word that no bridge reaches there
 * (sim_lexicon_reachable) is left out of its part's weight, as the offer's
 * text does: "Remortgage & product transfer" asks a French CV for "product
 * transfer" only.
 */
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define PART_WORDS 8 /* words of an alternative that count */
#define MAX_HITS 512
#define WINDOW_SLACK 3
#define PART_SUBS 8 /* concepts inside a part that count */

typedef struct part {
	tok t[PART_WORDS];
	double w[PART_WORDS]; /* weight of each word (background IDF) */
	double wsum;
	double wsum_x; /* of the words that a CV in the other language can show */
	size_t n;
	uint32_t concepts[4]; /* concepts that span the whole part */
	size_t nconcepts;
	struct {
		uint32_t concept;
		uint8_t first, n;
	} sub[PART_SUBS]; /* concepts that span some of its words */
	size_t nsub;
} part;

typedef struct group {
	part *alts;
	size_t nalts;
} group;

struct skill_model {
	int lang; /* the offer's */
	group *groups;
	size_t ngroups;
	uint32_t concepts[4]; /* concepts that span the whole skill */
	size_t nconcepts;
};

void sim_skill_free(skill_model *s)
{
	if (!s)
		return;
	for (size_t g = 0; g < s->ngroups; g++)
		free(s->groups[g].alts);
	free(s->groups);
	free(s);
}

bool sim_skill_real(const skill_model *s)
{
	return s && s->ngroups > 0;
}

/* The concepts of the current tokens of @p w that span all of them. */
static size_t whole_concepts(const analyser *a, worker *w, int lang, uint32_t *out, size_t max)
{
	size_t n = 0;
	if (!a->lex || !w->ntoks || !sim_find_concepts(a->lex, w, lang))
		return 0;
	for (size_t i = 0; i + 2 < w->nconc && n < max; i += 3)
		if (w->conc[i + 1] == 0 && w->conc[i + 2] == w->ntoks)
			out[n++] = w->conc[i];
	return n;
}

/* The concepts found by whole_concepts() in the part's words that span only
 * some of them ("driving licence" in "Full UK driving licence"): the CV
 * that shows such a concept shows those words, in any language. */
static void sub_concepts(const worker *w, part *p)
{
	for (size_t i = 0; i + 2 < w->nconc && p->nsub < PART_SUBS; i += 3) {
		uint32_t first = w->conc[i + 1], n = w->conc[i + 2];
		if ((first == 0 && n == w->ntoks) || first + n > p->n)
			continue;
		p->sub[p->nsub].concept = w->conc[i];
		p->sub[p->nsub].first = (uint8_t)first;
		p->sub[p->nsub++].n = (uint8_t)n;
	}
}

static bool add_part(const analyser *a, worker *w, skill_model *s, const char *text, size_t len,
                     int lang, bool new_group)
{
	sim_reset_text(w);
	if (!sim_tokenize(a, w, text, len))
		return false;
	if (w->ntoks == 0)
		return true;
	if (new_group || s->ngroups == 0) {
		group *g = realloc(s->groups, (s->ngroups + 1) * sizeof *g);
		if (!g)
			return false;
		s->groups = g;
		s->groups[s->ngroups++] = (group){ NULL, 0 };
	}
	group *g = &s->groups[s->ngroups - 1];
	part *p = realloc(g->alts, (g->nalts + 1) * sizeof *p);
	if (!p)
		return false;
	g->alts = p;
	p = &g->alts[g->nalts++];
	memset(p, 0, sizeof *p);
	p->n = w->ntoks < PART_WORDS ? w->ntoks : PART_WORDS;
	memcpy(p->t, w->toks, p->n * sizeof *p->t);
	p->nconcepts = whole_concepts(a, w, lang, p->concepts, 4);
	sub_concepts(w, p);
	bool reach[PART_WORDS] = { false }; /* through a concept */
	for (size_t i = 0; i < p->nsub; i++)
		for (size_t k = p->sub[i].first; k < (size_t)p->sub[i].first + p->sub[i].n; k++)
			reach[k] = true;
	/* "Stock management": finding "stock" is worth more than "management" */
	for (size_t j = 0; j < p->n; j++) {
		double idf = a->lex ? sim_lexicon_idf(a->lex,
		                                      sim_feature(F_WORD, p->t[j].term[lang]))
		                    : 1.0;
		p->w[j] = (p->t[j].flags & T_MINOR) ? 1.0 : idf < 0.5 ? 0.5 : idf;
		p->wsum += p->w[j];
		/* as for the offer's text: a word that no bridge reaches in the
		 * other language is not asked of a CV in that language */
		if (reach[j] || !a->lex || sim_lexicon_reachable(a->lex, &p->t[j], lang))
			p->wsum_x += p->w[j];
	}
	if (p->nconcepts || p->wsum_x <= 0)
		p->wsum_x = p->wsum;
	return true;
}

/* Is @p s at a connective word ("ou", "or", "et", "and")? Returns its
 * length and sets *alt for ou/or. */
static size_t connective(const char *start, const char *s, bool *alt)
{
	static const char *const words[] = { "ou", "or", "et", "and" };
	if (s > start && s[-1] != ' ')
		return 0;
	for (int k = 0; k < 4; k++) {
		size_t n = strlen(words[k]), i = 0;
		while (i < n && (s[i] | 0x20) == words[k][i])
			i++;
		if (i == n && (s[n] == ' ' || s[n] == '\0')) {
			*alt = k < 2;
			return n;
		}
	}
	return 0;
}

skill_model *sim_skill_build(const analyser *a, worker *w, const char *text, int lang)
{
	skill_model *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->lang = lang;
	sim_reset_text(w);
	if (!sim_tokenize(a, w, text, strlen(text)))
		goto fail;
	s->nconcepts = whole_concepts(a, w, lang, s->concepts, 4);
	const char *p = text, *start = text;
	bool new_group = true;
	for (;;) {
		/* "Assistant(e) dentaire" is one part: the ending is no separator */
		size_t fem = p > text && ((unsigned char)p[-1] >= 0x80 ||
		                          ((p[-1] | 0x20) >= 'a' && (p[-1] | 0x20) <= 'z'))
		                     ? sim_gender_ending((const uint8_t *)p,
		                                         (const uint8_t *)p + strlen(p))
		                     : 0;
		if (fem) {
			p += fem;
			continue;
		}
		bool alt = false, sep = *p == '\0' || strchr("/,;()[]:&", *p);
		size_t conn = sep ? 0 : connective(text, p, &alt);
		if (!sep && !conn) {
			p++;
			continue;
		}
		if (p > start) {
			if (!add_part(a, w, s, start, (size_t)(p - start), lang, new_group))
				goto fail;
			new_group = false;
		}
		if (*p == '\0')
			break;
		if (sep || !alt)
			new_group = true;
		p += sep ? 1 : conn;
		start = p;
	}
	return s;
fail:
	sim_skill_free(s);
	return NULL;
}

/* ---- matching ---- */

typedef struct hit {
	uint32_t pos;
	uint8_t word;
	float cred;
} hit;

static int cmp_hit(const void *a, const void *b)
{
	const hit *x = a, *y = b;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Append the positions where feature @p f occurs in the CV. */
static size_t add_hits(const worker *w, uint64_t f, uint8_t word, float cred, hit *h, size_t n)
{
	const fslot *s = sim_cv_find(w, f);
	if (!s)
		return n;
	for (uint32_t o = s->last; o != UINT32_MAX && n < MAX_HITS; o = w->occ_next[o])
		h[n++] = (hit){ w->occ_pos[o], word, cred };
	return n;
}

static size_t part_hits(const part *p, const worker *w, int cvlang, hit *h)
{
	size_t n = 0;
	for (size_t j = 0; j < p->n; j++) {
		const tok *t = &p->t[j];
		uint8_t k = (uint8_t)j;
		n = add_hits(w, sim_feature(F_WORD, t->term[cvlang]), k, 1.0f, h, n);
		if (t->flags & T_MINOR)
			continue;
		n = add_hits(w, sim_feature(F_PIVOT, t->term[LANG_EN]), k, CRED_PIVOT, h, n);
		for (int q = 0; q < NPIV && t->piv[q]; q++)
			n = add_hits(w, sim_feature(F_PIVOT, t->piv[q]), k, CRED_PIVOT, h, n);
		if (t->cog)
			n = add_hits(w, sim_feature(F_COGNATE, t->cog), k, CRED_COGNATE, h, n);
	}
	for (size_t i = 0; i < p->nsub; i++)
		for (uint8_t k = p->sub[i].first; k < p->sub[i].first + p->sub[i].n; k++)
			n = add_hits(w, sim_feature(F_CONCEPT, p->sub[i].concept), k, 1.0f, h, n);
	return n;
}

static bool has_concept(const worker *w, const uint32_t *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (sim_cv_find(w, sim_feature(F_CONCEPT, c[i])))
			return true;
	return false;
}

static double part_credit(const part *p, const worker *w, int cvlang, int lang)
{
	double wsum = cvlang == lang ? p->wsum : p->wsum_x;
	if (has_concept(w, p->concepts, p->nconcepts))
		return 1.0;
	hit h[MAX_HITS];
	size_t nh = part_hits(p, w, cvlang, h);
	if (nh == 0)
		return 0.0;
	double best[PART_WORDS] = { 0 }, present = 0;
	for (size_t i = 0; i < nh; i++)
		if (h[i].cred > best[h[i].word])
			best[h[i].word] = h[i].cred;
	for (size_t j = 0; j < p->n; j++)
		present += best[j] * p->w[j];
	present = present / wsum > 1 ? 1 : present / wsum;
	if (p->n == 1)
		return present;
	qsort(h, nh, sizeof *h, cmp_hit);
	double window = 0;
	for (size_t i = 0; i < nh; i++) {
		double in[PART_WORDS] = { 0 }, sum = 0;
		for (size_t k = i; k < nh && h[k].pos < h[i].pos + p->n + WINDOW_SLACK; k++)
			if (h[k].cred > in[h[k].word])
				in[h[k].word] = h[k].cred;
		for (size_t j = 0; j < p->n; j++)
			sum += in[j] * p->w[j];
		if (sum / wsum > window)
			window = sum / wsum > 1 ? 1 : sum / wsum;
	}
	return 0.4 * present + 0.6 * window;
}

double sim_skill_credit(const skill_model *s, const worker *w, int cvlang)
{
	if (!sim_skill_real(s))
		return 0.0;
	if (has_concept(w, s->concepts, s->nconcepts))
		return 1.0;
	double sum = 0;
	for (size_t g = 0; g < s->ngroups; g++) {
		double best = 0;
		for (size_t k = 0; k < s->groups[g].nalts; k++) {
			double c = part_credit(&s->groups[g].alts[k], w, cvlang, s->lang);
			best = c > best ? c : best;
		}
		sum += best;
	}
	return sum / (double)s->ngroups;
}
