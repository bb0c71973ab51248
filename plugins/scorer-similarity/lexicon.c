/*
 * lexicon.c - the French-English bridge of scorer-similarity and its term
 * weights, built once when the plugin starts:
 *
 *  - the vocabulary (vocabulary.txt, compiled into the plugin): concepts of
 *    jobs, skills and trades, each with French and English variants. Every
 *    variant is analysed like text (folded, stop words out, stemmed in its
 *    language) and its sequence of terms keys a hash table of phrases, with
 *    every prefix marked so that matching a text costs one probe per word;
 *  - Debian's FreeDict dictionaries (dict-freedict-fra-eng, -eng-fra; GPL,
 *    read at run time, never copied): dictd index + dictzip, read with zlib.
 *    Each French word whose entry gives one-word English translations gets
 *    up to NPIV English stems (the English-French entries, reversed, add
 *    more). Without them the plugin still works from its vocabulary and
 *    cognates, and says so once;
 *  - the background statistics: document frequencies over background.txt
 *    (generic prose of offers and CVs, compiled in) and the vocabulary's
 *    lines, so that a term's weight never depends on who applied.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <zlib.h>

#include "oacommon.h"
#include "sim.h"

#define INDEX_MAX (8u << 20) /* bytes of a dictd index we accept */
#define DICT_MAX (32u << 20) /* bytes of a decompressed dictionary we accept */

typedef struct phrase_slot {
	uint64_t key; /* 0: empty */
	uint32_t first; /* into concepts[] */
	uint32_t count; /* 0: only a prefix of longer variants */
} phrase_slot;

typedef struct pair {
	uint64_t a, b;
	uint32_t order;
} pair;

typedef struct trans {
	uint64_t fr;
	uint64_t en[NPIV];
} trans;

typedef struct df_slot {
	uint64_t key;
	uint32_t df;
} df_slot;

#define FIRST_BITS (1u << 16) /* filter of the words that start a phrase, per language */

struct lexicon {
	uint64_t first[NLANG][FIRST_BITS / 64]; /* most words of a CV start no phrase */
	phrase_slot *phrases; /* open addressing, size a power of 2 */
	size_t nphrases, phrase_mask;
	uint32_t *concepts;
	trans *trans; /* sorted by fr */
	size_t ntrans;
	hashset targets; /* the English stems of the translations */
	hashset cogs[NLANG]; /* cognate keys of the known words of each language */
	df_slot *df; /* open addressing: background passages, and vocabulary lines */
	size_t df_mask;
	double ndocs, nlines;
	lexicon_stats stats;
};

/* ---- phrases ---- */

static uint64_t phrase_step(uint64_t h, uint64_t term)
{
	uint64_t k = sim_mix(h ^ (term * 0x9E3779B97F4A7C15u));
	return k ? k : 1;
}

uint64_t sim_phrase_key(int lang, const uint64_t *terms, size_t n)
{
	uint64_t h = 0x51D0u + (uint64_t)lang;
	for (size_t i = 0; i < n; i++)
		h = phrase_step(h, terms[i]);
	return h;
}

static phrase_slot *phrase_find(const lexicon *lex, uint64_t key)
{
	if (!lex->phrases)
		return NULL;
	size_t i = (size_t)key & lex->phrase_mask;
	while (lex->phrases[i].key) {
		if (lex->phrases[i].key == key)
			return &lex->phrases[i];
		i = (i + 1) & lex->phrase_mask;
	}
	return NULL;
}

size_t sim_lexicon_concepts(const lexicon *lex, int lang, uint64_t key, const uint32_t **out)
{
	(void)lang;
	const phrase_slot *s = phrase_find(lex, key);
	if (!s || !s->count)
		return 0;
	*out = lex->concepts + s->first;
	return s->count;
}

static bool push_conc(worker *w, uint32_t c, size_t pos, size_t len)
{
	uint32_t *n = oa_grow(w->conc, &w->conccap, w->nconc + 3, sizeof *n, 768);
	if (!n)
		return false;
	w->conc = n;
	w->conc[w->nconc++] = c;
	w->conc[w->nconc++] = (uint32_t)pos;
	w->conc[w->nconc++] = (uint32_t)len;
	return true;
}

/* Every vocabulary phrase starting at token @p i in @p lang ("gestion",
 * "gestion de projet"), into w->conc; returns how many, 0 on none, -1 on
 * out of memory. */
static bool may_start(const lexicon *lex, int lang, uint64_t term)
{
	size_t b = (size_t)(term >> 17) & (FIRST_BITS - 1);
	return lex->first[lang][b / 64] >> (b & 63) & 1;
}

/* Keys of the variants that are one acronym in capitals ("REST", "CAP",
 * "SIA"): they match a word in capitals, or a word that the dictionaries
 * do not know ("sql"), never a word of either language ("rest", "cap"). */
#define ACRO_SALT 0xAC50AC50AC50AC50u

/* Is @p t a word of French (it has translations) or of English (some
 * French word translates to it)? */
static bool known_word(const lexicon *lex, const tok *t)
{
	return (t->flags & T_WORD) &&
	       (t->piv[0] || sim_hashset_has(&lex->targets, t->term[LANG_EN]));
}

static int phrases_at(const lexicon *lex, worker *w, size_t i, int lang, bool other)
{
	int found = 0;
	const tok *t = &w->toks[i];
	/* one word of the other language's vocabulary in a text: an acronym or a
	 * code ("CACES" in an English CV), or a word that the dictionaries do not
	 * know in the text's language ("databases" in a French CV), is that
	 * concept; a word of the text's language is more often a false friend
	 * (the English "licence", "collective", the French "location"). A word is
	 * French when it has translations, English when some French word
	 * translates to it. */
	bool word_alone = !other || (t->flags & T_CAPS) || !(t->flags & T_WORD) ||
	                  !(lang == LANG_EN ? t->piv[0]
	                                    : sim_hashset_has(&lex->targets, t->term[LANG_EN]));
	if (!may_start(lex, lang, w->toks[i].term[lang]))
		return 0;
	uint64_t h = 0x51D0u + (uint64_t)lang;
	if ((t->flags & T_CAPS) || !known_word(lex, t)) {
		const phrase_slot *s = phrase_find(lex, phrase_step(h, t->term[lang]) ^ ACRO_SALT);
		for (uint32_t c = 0; s && c < s->count; c++, found++)
			if (!push_conc(w, lex->concepts[s->first + c], i, 1))
				return -1;
	}
	for (size_t k = 0; k < PHRASE_MAX && i + k < w->ntoks; k++) {
		h = phrase_step(h, w->toks[i + k].term[lang]);
		const phrase_slot *s = phrase_find(lex, h);
		if (!s)
			break;
		if (k == 0 && !word_alone)
			continue;
		for (uint32_t c = 0; c < s->count; c++, found++)
			if (!push_conc(w, lex->concepts[s->first + c], i, k + 1))
				return -1;
	}
	return found;
}

bool sim_find_concepts(const lexicon *lex, worker *w, int lang)
{
	w->nconc = 0;
	for (size_t i = 0; i < w->ntoks; i++) {
		int n = phrases_at(lex, w, i, lang, false);
		/* a French CV says "Key Account Manager", an English one "CACES" */
		if (n == 0)
			n = phrases_at(lex, w, i, 1 - lang, true);
		if (n < 0)
			return false;
	}
	return true;
}

/* ---- building the vocabulary ---- */

typedef struct builder {
	pair *v;
	size_t n, cap;
} builder;

static bool builder_add(builder *b, uint64_t x, uint64_t y)
{
	pair *n = oa_grow(b->v, &b->cap, b->n + 1, sizeof *n, 4096);
	if (!n)
		return false;
	b->v = n;
	b->v[b->n] = (pair){ x, y, (uint32_t)b->n };
	b->n++;
	return true;
}

static int cmp_pair(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static bool is_acronym(const char *s)
{
	return sim_all_caps((const uint8_t *)s, strlen(s));
}

/* Call @p fn for every variant of every concept line of the vocabulary:
 * (variant, language, concept number). Returns false if @p fn does. */
typedef bool (*variant_fn)(void *ctx, char *variant, int lang, uint32_t concept);

static bool each_variant(variant_fn fn, void *ctx, size_t *nconcepts)
{
	char *copy = malloc(sim_vocabulary_len + 1);
	if (!copy)
		return false;
	memcpy(copy, sim_vocabulary_txt, sim_vocabulary_len);
	copy[sim_vocabulary_len] = '\0';
	uint32_t concept = 0;
	bool ok = true;
	char *save = NULL;
	for (char *line = strtok_r(copy, "\n", &save); ok && line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#')
			continue;
		char *bar = strchr(line, '|');
		if (!bar)
			continue;
		*bar = '\0';
		char *side[NLANG] = { bar + 1, line };
		for (int l = 0; ok && l < NLANG; l++) {
			char *s2 = NULL;
			for (char *v = strtok_r(side[l], ";", &s2); ok && v;
			     v = strtok_r(NULL, ";", &s2))
				if (*trim(v))
					ok = fn(ctx, trim(v), l, concept);
		}
		concept ++;
	}
	free(copy);
	if (nconcepts)
	*nconcepts = concept;
	return ok;
}

typedef struct vocab_ctx {
	uint64_t (*first)[FIRST_BITS / 64]; /* the lexicon's filter */
	analyser *a;
	worker *w;
	builder pairs; /* (phrase key, concept) */
	builder prefixes; /* (prefix key, 0) */
	builder acr; /* (folded acronym hash, 0) */
	builder *cogs; /* (cognate key, language) */
	size_t variants;
} vocab_ctx;

static bool collect_acronym(void *p, char *v, int lang, uint32_t concept)
{
	(void)lang;
	(void)concept;
	vocab_ctx *c = p;
	if (!is_acronym(v))
		return true;
	uint8_t f[16];
	size_t n = sim_fold((const uint8_t *)v, strlen(v), f, sizeof f);
	return builder_add(&c->acr, sim_hash(0, f, n), 0);
}

/* Is the variant just analysed by @p w no longer what it says? A variant of
 * several words that stop words leave as one ("days off" as "day", "A&E"
 * as "e", "check-in" as "check", "year 4" as "4") would make every "day",
 * every "(e)" and every "4" of a text that concept; and a single letter or
 * number alone is never a term. Such variants are not phrases (the
 * concept's other variants still are). */
static bool collapsed(const worker *w)
{
	if (w->ntoks != 1)
		return false;
	return (w->toks[0].flags & T_MINOR) || w->stops[LANG_EN] + w->stops[LANG_FR] > 0;
}

static bool add_variant(void *p, char *v, int lang, uint32_t concept)
{
	vocab_ctx *c = p;
	sim_reset_text(c->w);
	if (!sim_tokenize(c->a, c->w, v, strlen(v)))
		return false;
	size_t n = c->w->ntoks;
	if (n == 0 || n > PHRASE_MAX || collapsed(c->w))
		return true;
	size_t b = (size_t)(c->w->toks[0].term[lang] >> 17) & (FIRST_BITS - 1);
	c->first[lang][b / 64] |= 1ull << (b & 63);
	uint64_t h = 0x51D0u + (uint64_t)lang;
	for (size_t k = 0; k < n; k++) {
		h = phrase_step(h, c->w->toks[k].term[lang]);
		if (k + 1 < n && !builder_add(&c->prefixes, h, 0))
			return false;
	}
	for (size_t k = 0; k < n; k++)
		if (c->w->toks[k].cog && !builder_add(c->cogs, c->w->toks[k].cog, (uint64_t)lang))
			return false;
	c->variants++;
	if (n == 1 && is_acronym(v))
		h ^= ACRO_SALT;
	return builder_add(&c->pairs, h, concept);
}

static bool build_acronyms(vocab_ctx *c)
{
	if (!each_variant(collect_acronym, c, NULL))
		return false;
	hashset *s = &c->a->acronyms;
	s->v = malloc((c->acr.n ? c->acr.n : 1) * sizeof *s->v);
	if (!s->v)
		return false;
	for (size_t i = 0; i < c->acr.n; i++)
		s->v[i] = c->acr.v[i].a;
	s->n = c->acr.n;
	qsort(s->v, s->n, sizeof *s->v, cmp_u64);
	return true;
}

static size_t pow2_at_least(size_t n)
{
	size_t size = 1024;
	while (size < n)
		size *= 2;
	return size;
}

static phrase_slot *phrase_slot_for(lexicon *lex, uint64_t key)
{
	size_t i = (size_t)key & lex->phrase_mask;
	while (lex->phrases[i].key && lex->phrases[i].key != key)
		i = (i + 1) & lex->phrase_mask;
	return &lex->phrases[i];
}

/* The phrase table from the collected (key, concept) pairs and prefixes. */
static bool build_phrases(lexicon *lex, vocab_ctx *c)
{
	qsort(c->pairs.v, c->pairs.n, sizeof *c->pairs.v, cmp_pair);
	size_t size = pow2_at_least(2 * (c->pairs.n + c->prefixes.n) + 1);
	lex->phrases = calloc(size, sizeof *lex->phrases);
	lex->concepts = malloc((c->pairs.n ? c->pairs.n : 1) * sizeof *lex->concepts);
	if (!lex->phrases || !lex->concepts)
		return false;
	lex->phrase_mask = size - 1;
	size_t nc = 0;
	for (size_t i = 0; i < c->pairs.n;) {
		phrase_slot *s = phrase_slot_for(lex, c->pairs.v[i].a);
		s->key = c->pairs.v[i].a;
		s->first = (uint32_t)nc;
		size_t j = i;
		for (; j < c->pairs.n && c->pairs.v[j].a == c->pairs.v[i].a; j++) {
			uint32_t concept = (uint32_t)c->pairs.v[j].b;
			bool dup = false; /* two variants of one concept stem alike */
			for (size_t k = s->first; k < nc; k++)
			dup |= lex->concepts[k] == concept;
			if (!dup)
			lex->concepts[nc++] = concept;
		}
		s->count = (uint32_t)(nc - s->first);
		lex->nphrases++;
		i = j;
	}
	for (size_t i = 0; i < c->prefixes.n; i++) {
		phrase_slot *s = phrase_slot_for(lex, c->prefixes.v[i].a);
		if (!s->key) {
			s->key = c->prefixes.v[i].a;
			lex->nphrases++;
		}
	}
	lex->stats.bytes[0] = size * sizeof *lex->phrases + nc * sizeof *lex->concepts;
	return true;
}

static bool load_vocabulary(lexicon *lex, analyser *a, worker *w, builder *cogs)
{
	vocab_ctx c = { .first = lex->first, .a = a, .w = w, .cogs = cogs };
	bool ok = build_acronyms(&c) && each_variant(add_variant, &c, &lex->stats.concepts) &&
	          build_phrases(lex, &c);
	lex->stats.variants = c.variants;
	lex->stats.acronyms = c.acr.n;
	free(c.pairs.v);
	free(c.prefixes.v);
	free(c.acr.v);
	return ok;
}

/* ---- FreeDict ---- */

/* dictd's base64 numbers ("IT7" = offset) */
static bool b64num(const char *s, size_t n, uint64_t *out)
{
	static const char alpha[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	uint64_t v = 0;
	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		const char *p = memchr(alpha, s[i], 64);
		if (!p)
			return false;
		v = v * 64 + (uint64_t)(p - alpha);
	}
	*out = v;
	return true;
}

static char *read_file(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	char *buf = malloc(max + 1);
	size_t n = buf ? fread(buf, 1, max + 1, f) : 0;
	fclose(f);
	if (!buf || n > max) {
		free(buf);
		errno = EFBIG;
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The whole decompressed text of a dictzip file (a gzip file: zlib reads it). */
static char *read_dz(const char *path, size_t *len)
{
	gzFile gz = gzopen(path, "rb");
	if (!gz)
		return NULL;
	size_t cap = 1u << 20, n = 0;
	char *buf = malloc(cap + 1);
	while (buf) {
		int got = gzread(gz, buf + n, (unsigned)(cap - n));
		if (got < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		n += (size_t)got;
		if (n < cap)
			break;
		if (cap >= DICT_MAX) {
			free(buf);
			buf = NULL;
			errno = EFBIG;
			break;
		}
		char *grown = realloc(buf, cap * 2 + 1);
		if (!grown) {
			free(buf);
			buf = NULL;
			break;
		}
		buf = grown;
		cap *= 2;
	}
	gzclose(gz);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

/* The one content word of @p s in @p lang, or 0 ("to work" -> work); its
 * cognate key, if any, goes into @p cogs for that language. */
static uint64_t one_word(const analyser *a, worker *w, const char *s, size_t n, int lang,
                         builder *cogs, bool *oom)
{
	sim_reset_text(w);
	if (!sim_tokenize(a, w, s, n) || w->ntoks != 1 || (w->toks[0].flags & T_MINOR))
		return 0;
	if (w->toks[0].cog && !builder_add(cogs, w->toks[0].cog, (uint64_t)lang))
		*oom = true;
	return w->toks[0].term[lang];
}

typedef struct dict_ctx {
	const analyser *a;
	worker *w;
	builder *pairs; /* (fr stem, en stem) */
	builder *cogs; /* (cognate key, language) */
	bool oom;
	bool fr_to_en; /* fra-eng: headword French */
	size_t used;
} dict_ctx;

/* Translations of one entry: the lines after the headword line, "1. a, b". */
static bool parse_entry(dict_ctx *c, uint64_t head, char *def)
{
	char *nl = strchr(def, '\n');
	if (!nl)
		return true;
	size_t taken = 0;
	char *save = NULL;
	for (char *line = strtok_r(nl + 1, "\n", &save); line && taken < 2 * NPIV;
	     line = strtok_r(NULL, "\n", &save)) {
		while ((*line >= '0' && *line <= '9') || *line == '.' || *line == ' ')
			line++;
		char *s2 = NULL;
		for (char *t = strtok_r(line, ",;", &s2); t && taken < 2 * NPIV;
		     t = strtok_r(NULL, ",;", &s2)) {
			char *paren = strchr(t, '(');
			if (paren)
				*paren = '\0';
			uint64_t x = one_word(c->a, c->w, t, strlen(t),
			                      c->fr_to_en ? LANG_EN : LANG_FR, c->cogs, &c->oom);
			if (!x)
				continue;
			taken++;
			if (!builder_add(c->pairs, c->fr_to_en ? head : x, c->fr_to_en ? x : head))
				return false;
		}
	}
	c->used += taken > 0;
	return true;
}

static bool parse_dict(dict_ctx *c, char *index, const char *dict, size_t dlen)
{
	char *save = NULL;
	for (char *line = strtok_r(index, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		uint64_t off, len;
		if (!t2 || !strncmp(line, "00database", 10) ||
		    !b64num(t1 + 1, (size_t)(t2 - t1 - 1), &off) ||
		    !b64num(t2 + 1, strcspn(t2 + 1, "\r\n"), &len) || off > dlen ||
		    len > dlen - off || len > 4096)
			continue;
		uint64_t head = one_word(c->a, c->w, line, (size_t)(t1 - line),
		                         c->fr_to_en ? LANG_FR : LANG_EN, c->cogs, &c->oom);
		if (!head)
			continue;
		char def[4097];
		memcpy(def, dict + off, len);
		def[len] = '\0';
		if (!parse_entry(c, head, def))
			return false;
	}
	return true;
}

static const char *const dict_names[2] = { "fra-eng", "eng-fra" };
static const char *const dict_suffixes[2] = { "index", "dict.dz" };

/* Load dictionary @p d (0 fra-eng, 1 eng-fra); returns 1 when loaded, 0
 * when absent (recorded in @p st), -1 on out of memory. */
static int load_dict(dict_ctx *c, const char *dir, int d, lexicon_stats *st)
{
	char ipath[1024], dpath[1024];
	snprintf(ipath, sizeof ipath, "%s/freedict-%s.%s", dir, dict_names[d], dict_suffixes[0]);
	snprintf(dpath, sizeof dpath, "%s/freedict-%s.%s", dir, dict_names[d], dict_suffixes[1]);
	size_t ilen = 0, dlen = 0;
	errno = 0;
	char *index = read_file(ipath, INDEX_MAX, &ilen);
	char *dict = index ? read_dz(dpath, &dlen) : NULL;
	if (!index || !dict) {
		st->missing[d] = index ? 1 : 0;
		st->missing_errno[d] = errno ? errno : ENOENT;
		free(index);
		free(dict);
		return 0;
	}
	bool ok = parse_dict(c, index, dict, dlen) && !c->oom;
	free(index);
	free(dict);
	return ok ? 1 : -1;
}

/* French stem -> up to NPIV English stems, fra-eng's order first. */
static bool build_translations(lexicon *lex, builder *pairs)
{
	if (pairs->n)
		qsort(pairs->v, pairs->n, sizeof *pairs->v, cmp_pair);
	lex->trans = calloc(pairs->n ? pairs->n : 1, sizeof *lex->trans);
	if (!lex->trans)
		return false;
	for (size_t i = 0; i < pairs->n;) {
		trans *t = &lex->trans[lex->ntrans++];
		t->fr = pairs->v[i].a;
		size_t k = 0, j = i;
		for (; j < pairs->n && pairs->v[j].a == t->fr; j++) {
			bool dup = false;
			for (size_t m = 0; m < k; m++)
				dup |= t->en[m] == pairs->v[j].b;
			if (!dup && k < NPIV)
				t->en[k++] = pairs->v[j].b;
		}
		i = j;
	}
	lex->stats.translations = lex->ntrans;
	/* the distinct English stems, for sim_find_concepts */
	hashset *e = &lex->targets;
	e->v = malloc((lex->ntrans ? lex->ntrans : 1) * NPIV * sizeof *e->v);
	if (!e->v)
		return false;
	for (size_t i = 0; i < lex->ntrans; i++)
		for (int k = 0; k < NPIV && lex->trans[i].en[k]; k++)
			e->v[e->n++] = lex->trans[i].en[k];
	sim_hashset_seal(e);
	lex->stats.bytes[1] = lex->ntrans * sizeof *lex->trans + lex->ntrans * NPIV * sizeof *e->v;
	return true;
}

/* The cognate keys of the words the vocabulary and the dictionaries know,
 * per language: a word of one language whose key is among the other's has
 * a cognate there ("électricien", "electrician"). */
static bool build_cognates(lexicon *lex, builder *cogs)
{
	for (int l = 0; l < NLANG; l++) {
		hashset *h = &lex->cogs[l];
		h->v = malloc((cogs->n ? cogs->n : 1) * sizeof *h->v);
		if (!h->v)
			return false;
		for (size_t i = 0; i < cogs->n; i++)
			if (cogs->v[i].b == (uint64_t)l)
				h->v[h->n++] = cogs->v[i].a;
		sim_hashset_seal(h);
		lex->stats.bytes[1] += h->n * sizeof *h->v;
	}
	return true;
}

bool sim_lexicon_reachable(const lexicon *lex, const tok *t, int lang)
{
	if (!(t->flags & T_WORD) || (t->flags & T_CAPS))
		return true; /* codes, acronyms, C++: the same in both languages */
	if (lang == LANG_FR ? t->piv[0] != 0 : sim_hashset_has(&lex->targets, t->term[LANG_EN]))
		return true;
	return t->cog && sim_hashset_has(&lex->cogs[1 - lang], t->cog);
}

int sim_lexicon_translate(const lexicon *lex, uint64_t fr, uint64_t out[NPIV])
{
	size_t lo = 0, hi = lex->ntrans;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (lex->trans[mid].fr < fr)
			lo = mid + 1;
		else if (lex->trans[mid].fr > fr)
			hi = mid;
		else {
			int n = 0;
			for (; n < NPIV && lex->trans[mid].en[n]; n++)
				out[n] = lex->trans[mid].en[n];
			return n;
		}
	}
	return 0;
}

static int load_dictionaries(lexicon *lex, const analyser *a, worker *w, const char *dir,
                             builder *cogs)
{
	builder pairs = { 0 };
	dict_ctx c = { .a = a, .w = w, .pairs = &pairs, .cogs = cogs, .fr_to_en = true };
	lex->stats.missing[0] = lex->stats.missing[1] = -1;
	int r1 = load_dict(&c, dir, 0, &lex->stats);
	lex->stats.dict_words[0] = c.used;
	c.fr_to_en = false;
	c.used = 0;
	int r2 = r1 < 0 ? -1 : load_dict(&c, dir, 1, &lex->stats);
	lex->stats.dict_words[1] = c.used;
	int rc = (r1 < 0 || r2 < 0 || !build_translations(lex, &pairs)) ? -1 : 0;
	free(pairs.v);
	lex->stats.dictionaries = r1 > 0 && r2 > 0;
	return rc;
}

static void probe_file(const char *path, dict_file_id *out)
{
	struct stat st;
	*out = (dict_file_id){ 0 };
	if (stat(path, &st) != 0) {
		out->err = errno ? errno : ENOENT;
		return;
	}
	out->dev = (uint64_t)st.st_dev;
	out->ino = (uint64_t)st.st_ino;
	out->size = (int64_t)st.st_size;
	out->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	out->ctime_ns = (int64_t)st.st_ctim.tv_sec * 1000000000 + st.st_ctim.tv_nsec;
}

void sim_dict_probe(const char *dir, dict_probe *out)
{
	for (int d = 0; d < 2; d++)
		for (int f = 0; f < 2; f++) {
			char path[1024];
			snprintf(path, sizeof path, "%s/freedict-%s.%s", dir, dict_names[d],
			         dict_suffixes[f]);
			probe_file(path, &out->file[d][f]);
		}
}

bool sim_dict_same_data(const dict_probe *a, const dict_probe *b)
{
	for (int d = 0; d < 2; d++)
		for (int f = 0; f < 2; f++) {
			const dict_file_id *x = &a->file[d][f], *y = &b->file[d][f];
			if ((x->err != 0) != (y->err != 0))
				return false;
			if (!x->err &&
			    (x->dev != y->dev || x->ino != y->ino || x->size != y->size ||
			     x->mtime_ns != y->mtime_ns || x->ctime_ns != y->ctime_ns))
				return false;
		}
	return true;
}

void sim_lexicon_note(const lexicon *lex, const char *dir, const dict_probe *p, char *note,
                      size_t notesz)
{
	const lexicon_stats *st = &lex->stats;
	note[0] = '\0';
	if (st->dictionaries)
		return;
	int d = st->missing[0] >= 0 ? 0 : 1;
	int f = st->missing[d] >= 0 ? st->missing[d] : 0;
	/* the same files as the lexicon's builder, maybe by another path: a file
	 * absent here says why in this path's words; a present one that could
	 * not be read is the very file the builder could not read */
	int e = p->file[d][f].err ? p->file[d][f].err : st->missing_errno[d];
	char missing[1100];
	snprintf(missing, sizeof missing, "%s/freedict-%s.%s: %s", dir, dict_names[d],
	         dict_suffixes[f], e == EFBIG ? "too big" : strerror(e));
	snprintf(note, notesz,
	         "FreeDict dictionaries not loaded (%s): French-English bridge from the "
	         "built-in vocabulary and cognates only; install dict-freedict-fra-eng and "
	         "dict-freedict-eng-fra, or set freedict_dir",
	         missing);
}

/* ---- background statistics ---- */

static bool df_add(lexicon *lex, uint64_t key)
{
	size_t i = (size_t)key & lex->df_mask;
	while (lex->df[i].key && lex->df[i].key != key)
		i = (i + 1) & lex->df_mask;
	lex->df[i].key = key;
	lex->df[i].df++;
	return true;
}

#define LINE_SALT 0x4C494E45u /* keys of the vocabulary lines' counts */
#define LINE_FACTOR 0.5 /* weight of the vocabulary lines' penalty */

static uint32_t df_of(const lexicon *lex, uint64_t key)
{
	size_t i = (size_t)key & lex->df_mask;
	while (lex->df[i].key) {
		if (lex->df[i].key == key)
			return lex->df[i].df;
		i = (i + 1) & lex->df_mask;
	}
	return 0;
}

/* IDF over the background passages (generic words of offers and CVs weigh
 * little), less a penalty for the words that many of the vocabulary's lines
 * use (a word of many concepts, "technicien", "gestion", says less about
 * the job than "soudeur"). */
double sim_lexicon_idf(const lexicon *lex, uint64_t f)
{
	double bg = log((lex->ndocs + 1) / (df_of(lex, f) + 0.5));
	double lines = df_of(lex, f ^ LINE_SALT);
	return bg - LINE_FACTOR * log(1 + lines / 4);
}

/* Count each feature of the current text of @p w once. */
static bool count_doc(lexicon *lex, worker *w, int lang, uint64_t *seen, size_t *nseen, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < w->ntoks && n < cap; i++)
		if (!(w->toks[i].flags & T_MINOR))
			seen[n++] = sim_feature(F_WORD, w->toks[i].term[lang]);
	if (!sim_find_concepts(lex, w, lang))
		return false;
	for (size_t i = 0; i < w->nconc && n < cap; i += 3)
		seen[n++] = sim_feature(F_CONCEPT, w->conc[i]);
	qsort(seen, n, sizeof *seen, cmp_u64);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || seen[i] != seen[i - 1])
			df_add(lex, seen[i]);
	*nseen = n;
	lex->ndocs++;
	return true;
}

typedef struct bg_ctx {
	lexicon *lex;
	analyser *a;
	worker *w;
	uint64_t *seen;
	uint32_t concept; /* the vocabulary line being counted */
	uint64_t line[64];
	size_t nline;
} bg_ctx;

/* Each vocabulary line is one background document: its words in both
 * languages and its concept. */
static bool flush_line(bg_ctx *c)
{
	if (!c->nline)
		return true;
	qsort(c->line, c->nline, sizeof *c->line, cmp_u64);
	for (size_t i = 0; i < c->nline; i++)
		if (i == 0 || c->line[i] != c->line[i - 1])
			df_add(c->lex, c->line[i] ^ LINE_SALT);
	df_add(c->lex, sim_feature(F_CONCEPT, c->concept) ^ LINE_SALT);
	c->lex->nlines++;
	c->nline = 0;
	return true;
}

static bool count_variant(void *p, char *v, int lang, uint32_t concept)
{
	bg_ctx *c = p;
	if (concept != c->concept) {
		flush_line(c);
		c->concept = concept;
	}
	sim_reset_text(c->w);
	if (!sim_tokenize(c->a, c->w, v, strlen(v)))
		return false;
	for (size_t i = 0; i < c->w->ntoks && c->nline < 64; i++)
		if (!(c->w->toks[i].flags & T_MINOR))
			c->line[c->nline++] = sim_feature(F_WORD, c->w->toks[i].term[lang]);
	return true;
}

static bool load_background(lexicon *lex, analyser *a, worker *w)
{
	size_t size = pow2_at_least(65536);
	lex->df = calloc(size, sizeof *lex->df);
	uint64_t *seen = malloc(16384 * sizeof *seen);
	char *copy = malloc(sim_background_len + 1);
	bool ok = lex->df && seen && copy;
	if (ok) {
		lex->df_mask = size - 1;
		memcpy(copy, sim_background_txt, sim_background_len);
		copy[sim_background_len] = '\0';
	}
	char *p = ok ? copy : NULL;
	while (ok && p && *p) {
		char *sep = strstr(p, "\n----\n");
		if (sep)
			*sep = '\0';
		if (*p != '#' && strncmp(p, "----", 4)) {
			size_t nseen;
			sim_reset_text(w);
			ok = sim_tokenize(a, w, p, strlen(p)) &&
			     count_doc(lex, w, sim_guess_lang(w, LANG_EN), seen, &nseen, 16384);
			lex->stats.background_docs++;
		}
		p = sep ? sep + 6 : NULL;
	}
	bg_ctx c = { .lex = lex, .a = a, .w = w, .seen = seen };
	ok = ok && each_variant(count_variant, &c, NULL) && flush_line(&c);
	free(seen);
	free(copy);
	lex->stats.bytes[2] = size * sizeof *lex->df;
	return ok;
}

/* ---- the whole ---- */

void sim_lexicon_free(lexicon *lex)
{
	if (!lex)
		return;
	free(lex->phrases);
	free(lex->concepts);
	free(lex->trans);
	free(lex->targets.v);
	for (int l = 0; l < NLANG; l++)
		free(lex->cogs[l].v);
	free(lex->df);
	free(lex);
}

const lexicon_stats *sim_lexicon_stats(const lexicon *lex)
{
	return &lex->stats;
}

lexicon *sim_lexicon_new(analyser *a, worker *w, const char *freedict_dir, char *err, size_t errsz)
{
	lexicon *lex = calloc(1, sizeof *lex);
	if (!lex) {
		snprintf(err, errsz, "out of memory");
		return NULL;
	}
	a->lex = NULL;
	builder cogs = { 0 };
	if (!load_vocabulary(lex, a, w, &cogs) ||
	    load_dictionaries(lex, a, w, freedict_dir, &cogs) < 0 || !build_cognates(lex, &cogs)) {
		free(cogs.v);
		snprintf(err, errsz, "out of memory while loading the lexicon");
		sim_lexicon_free(lex);
		return NULL;
	}
	free(cogs.v);
	/* from here on, analysed words carry their translations */
	a->lex = lex;
	sim_worker_forget(w);
	if (!load_background(lex, a, w)) {
		snprintf(err, errsz, "out of memory while loading the background statistics");
		a->lex = NULL;
		sim_lexicon_free(lex);
		return NULL;
	}
	sim_worker_forget(w);
	return lex;
}
