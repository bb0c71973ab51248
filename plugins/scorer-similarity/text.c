/*
 * text.c - text analysis for scorer-similarity: tokens, Unicode folding,
 * stemming, cognate keys, and a per-worker cache of analysed tokens.
 *
 * A text becomes a sequence of tokens:
 *   1. runs of letters, digits and combining marks (libunistring's general
 *      categories); "+" and "#" glued to a run's end (C++, C#), a "." between
 *      letters (node.js); a word cut by a hyphen at a line end ("sur-\n
 *      veillance", as PDF extractors give it) is joined again; the
 *      feminine ending of inclusive writing glued to a word ("assistant(e)",
 *      "technicien·ne") is skipped;
 *   2. each run is split where letters and digits meet ("STM32F4" -> stm 32
 *      f 4, "Java17" -> java 17, "CO₂" -> co 2), so that a skill matches a
 *      longer product name and a version number;
 *   3. each piece is folded: Unicode compatibility decomposition (NFKD, so
 *      "₂" is "2" and "ﬁ" is "fi"), case folding, accents removed, œ and æ
 *      spelt out;
 *   4. stop words are dropped (and counted per language to guess it), except
 *      acronyms in capitals that the vocabulary lists ("IT", not "it");
 *   5. words are stemmed with Snowball in both languages; the token also gets
 *      a cognate key (a spelling that French and English cognates share:
 *      "électricien" and "electrician") and, once the lexicon is loaded, the
 *      English stems of its French translations.
 * A piece of one letter or of digits only is "minor": it matches inside
 * sequences (skills, vocabulary phrases) but is never a term alone.
 *
 * Each distinct raw piece is analysed once per worker and cached, so the
 * cost per token is a hash and a lookup.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "oacommon.h"
#include "sim.h"

#define CACHE_SIZE (1u << 15) /* token cache entries per worker */
#define DOOR_BITS (1u << 20) /* "seen once" filter per worker (128 KiB) */
#define STOP_EN 1u
#define STOP_FR 2u

static const char *const stemmer_names[NLANG] = { "english", "french" };

/* ---- hashing ---- */

uint64_t sim_mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

/* A fast 64-bit hash of bytes. Term ids are compared by hash only: at 64
 * bits a collision among the few thousand terms of a pair is negligible. */
uint64_t sim_hash(uint64_t seed, const void *data, size_t len)
{
	const unsigned char *p = data;
	uint64_t h = seed ^ (len * 0x9E3779B97F4A7C15u);
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001B3u;
		h ^= h >> 32;
		p += 8;
		len -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, p, len);
	h = sim_mix(h ^ w ^ ((uint64_t)len << 56));
	return h ? h : 1; /* 0 means "empty" in the tables */
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int sim_hashset_build(hashset *s, const char *const *words)
{
	size_t n = 0;
	while (words[n])
		n++;
	s->v = malloc((n ? n : 1) * sizeof *s->v);
	if (!s->v)
		return -1;
	for (size_t i = 0; i < n; i++)
		s->v[i] = sim_hash(0, words[i], strlen(words[i]));
	qsort(s->v, n, sizeof *s->v, cmp_u64);
	s->n = n;
	return 0;
}

void sim_hashset_seal(hashset *s)
{
	if (s->n)
		qsort(s->v, s->n, sizeof *s->v, cmp_u64);
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		if (n == 0 || s->v[i] != s->v[n - 1])
			s->v[n++] = s->v[i];
	s->n = n;
}

bool sim_hashset_has(const hashset *s, uint64_t h)
{
	size_t lo = 0, hi = s->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (s->v[mid] < h)
			lo = mid + 1;
		else if (s->v[mid] > h)
			hi = mid;
		else
			return true;
	}
	return false;
}

/* ---- workers ---- */

void sim_worker_free(worker *w)
{
	if (!w)
		return;
	for (int l = 0; l < NLANG; l++)
		if (w->stem[l])
			sb_stemmer_delete(w->stem[l]);
	free(w->cache);
	free(w->door);
	free(w->toks);
	free(w->ftab);
	free(w->occ_pos);
	free(w->occ_next);
	free(w->conc);
	free(w->scratch);
	free(w);
}

worker *sim_worker_new(void)
{
	worker *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->cache = calloc(CACHE_SIZE, sizeof *w->cache);
	w->door = calloc(DOOR_BITS / 64, sizeof *w->door);
	for (int l = 0; l < NLANG; l++)
		w->stem[l] = sb_stemmer_new(stemmer_names[l], "UTF_8");
	if (!w->cache || !w->door || !w->stem[LANG_EN] || !w->stem[LANG_FR]) {
		sim_worker_free(w);
		return NULL;
	}
	return w;
}

void sim_worker_forget(worker *w)
{
	memset(w->cache, 0, CACHE_SIZE * sizeof *w->cache);
	memset(w->door, 0, DOOR_BITS / 8);
	w->cache_used = w->door_used = 0;
}

void sim_reset_text(worker *w)
{
	w->ntoks = 0;
	w->nconc = 0;
	w->stops[LANG_EN] = w->stops[LANG_FR] = 0;
}

int sim_guess_lang(const worker *w, int fallback)
{
	if (w->stops[LANG_FR] > w->stops[LANG_EN])
		return LANG_FR;
	if (w->stops[LANG_EN] > w->stops[LANG_FR])
		return LANG_EN;
	return fallback;
}

/* ---- folding ---- */

/* Append the folded form of code point @p uc (already case folded and
 * decomposed): marks dropped, œ æ ß spelt out. */
static size_t put_folded(ucs4_t uc, const uint8_t *src, size_t len, uint8_t *out, size_t o,
                         size_t size)
{
	const char *rep = uc == 0x0153 ? "oe" : uc == 0x00E6 ? "ae" : uc == 0x00DF ? "ss" : NULL;
	if (rep) {
		if (o + 2 < size) {
			memcpy(out + o, rep, 2);
			o += 2;
		}
	} else if (!uc_is_general_category(uc, UC_CATEGORY_M)) {
		if (o + len < size) {
			memcpy(out + o, src, len);
			o += len;
		}
	}
	return o;
}

size_t sim_fold(const uint8_t *raw, size_t n, uint8_t *out, size_t size)
{
	bool ascii = true;
	for (size_t i = 0; i < n; i++)
		if (raw[i] >= 0x80)
			ascii = false;
	if (ascii) {
		size_t o = n < size - 1 ? n : size - 1;
		for (size_t i = 0; i < o; i++)
			out[i] = (uint8_t)((raw[i] >= 'A' && raw[i] <= 'Z') ? raw[i] + 32 : raw[i]);
		out[o] = '\0';
		return o;
	}
	/* compatibility decomposition with case folding: "CO₂" -> "co2",
	 * "É" -> "e" + U+0301 */
	uint8_t buf[4 * TOKEN_MAX * 4];
	size_t cflen = sizeof buf;
	uint8_t *cf = u8_casefold(raw, n, NULL, UNINORM_NFKD, buf, &cflen);
	const uint8_t *s = cf ? cf : raw;
	size_t len = cf ? cflen : n, o = 0;
	for (size_t i = 0; i < len;) {
		ucs4_t uc;
		int l = u8_mbtouc(&uc, s + i, len - i);
		if (l <= 0)
			break;
		o = put_folded(uc, s + i, (size_t)l, out, o, size);
		i += (size_t)l;
	}
	out[o] = '\0';
	if (cf && cf != buf)
		free(cf);
	return o;
}

uint64_t sim_stem(worker *w, int lang, const uint8_t *s, size_t n)
{
	const sb_symbol *st = sb_stemmer_stem(w->stem[lang], s, (int)n);
	if (!st)
		return sim_hash(0, s, n);
	return sim_hash(0, st, (size_t)sb_stemmer_length(w->stem[lang]));
}

/* ---- cognates ---- */

/* French and English spellings of one word, reduced to one key: plural
 * dropped, typical suffixes mapped to one form (-ique/-ic(s)/-ical, -ité/
 * -ity, -ien/-ian, -ie/-y, -aire/-ary, -if/-ive, -el/-al, -eur/-or,
 * -isme/-ism, -iste/-ist), doubled letters single, first 8 letters kept.
 * "électricien" and "electrician", "qualité" and "quality", "logistique"
 * and "logistics" meet; words under 5 letters get no key. */
static uint64_t cognate_key(const uint8_t *f, size_t n)
{
	static const char *const rules[][2] = {
		{ "iques", "ic" }, { "ique", "ic" },   { "ical", "ic" },  { "ics", "ic" },
		{ "ities", "it" }, { "ites", "it" },   { "ite", "it" },   { "ity", "it" },
		{ "iens", "ian" }, { "ien", "ian" },   { "ians", "ian" }, { "aires", "ary" },
		{ "aire", "ary" }, { "ies", "y" },     { "ie", "y" },     { "ifs", "ive" },
		{ "if", "ive" },   { "ives", "ive" },  { "els", "al" },   { "el", "al" },
		{ "eurs", "or" },  { "eur", "or" },    { "ors", "or" },   { "ismes", "ism" },
		{ "isme", "ism" }, { "istes", "ist" }, { "iste", "ist" }, { "ists", "ist" },
	};
	if (n < 5 || n > TOKEN_MAX)
		return 0;
	char w[TOKEN_MAX + 8];
	for (size_t i = 0; i < n; i++) {
		if (f[i] < 'a' || f[i] > 'z')
			return 0;
		w[i] = (char)f[i];
	}
	w[n] = '\0';
	for (size_t r = 0; r < sizeof rules / sizeof *rules; r++) {
		size_t sl = strlen(rules[r][0]);
		if (n > sl + 2 && !memcmp(w + n - sl, rules[r][0], sl)) {
			strcpy(w + n - sl, rules[r][1]);
			n = strlen(w);
			break;
		}
	}
	if (n > 5 && w[n - 1] == 's')
		w[--n] = '\0';
	size_t o = 0;
	for (size_t i = 0; i < n; i++)
		if (o == 0 || w[o - 1] != w[i])
			w[o++] = w[i];
	if (o < 5)
		return 0;
	return sim_hash(0xC06, w, o < 8 ? o : 8);
}

/* ---- analysis of one piece (on cache misses only) ---- */

bool sim_all_caps(const uint8_t *raw, size_t n)
{
	if (n < 2 || n > 6)
		return false;
	for (size_t i = 0; i < n; i++)
		if (raw[i] < 'A' || raw[i] > 'Z')
			return false;
	return true;
}

static void analyse(const analyser *a, worker *w, const uint8_t *raw, size_t n, cache_entry *e)
{
	uint8_t f[4 * TOKEN_MAX * 4 + 1];
	size_t fl = sim_fold(raw, n, f, sizeof f);
	uint64_t fh = sim_hash(0, f, fl);
	memset(&e->t, 0, sizeof e->t);
	e->eflags = 0;
	bool alpha = fl > 0, digits = fl > 0;
	for (size_t i = 0; i < fl; i++) {
		if (f[i] >= '0' && f[i] <= '9')
			alpha = false;
		else
			digits = false;
		if (f[i] == '+' || f[i] == '#' || f[i] == '.')
			alpha = false;
	}
	if (sim_hashset_has(&a->stop[LANG_EN], fh))
		e->eflags |= STOP_EN;
	if (sim_hashset_has(&a->stop[LANG_FR], fh))
		e->eflags |= STOP_FR;
	if (e->eflags && sim_all_caps(raw, n) && sim_hashset_has(&a->acronyms, fh)) {
		e->eflags = 0; /* "IT", "AS": kept as an acronym, not stemmed */
		e->t.flags |= T_ACRO;
		alpha = false;
	}
	if (sim_all_caps(raw, n))
		e->t.flags |= T_CAPS;
	if (digits)
		e->t.flags |= T_NUM | T_MINOR;
	else if (fl == 1)
		e->t.flags |= T_MINOR;
	for (int l = 0; l < NLANG; l++)
		e->t.term[l] = alpha ? sim_stem(w, l, f, fl) : fh;
	if (alpha) {
		e->t.flags |= T_WORD;
		e->t.cog = cognate_key(f, fl);
		if (a->lex)
			sim_lexicon_translate(a->lex, e->t.term[LANG_FR], e->t.piv);
	}
}

static const cache_entry *lookup(const analyser *a, worker *w, const uint8_t *raw, size_t n)
{
	uint64_t key = sim_hash(0x5EED, raw, n);
	size_t mask = CACHE_SIZE - 1;
	size_t i = (size_t)key & mask;
	while (w->cache[i].key) {
		if (w->cache[i].key == key)
			return &w->cache[i];
		i = (i + 1) & mask;
	}
	/* A piece seen for the first time is analysed but not cached: most
	 * (names, numbers, typos) never come back, and caching them would flush
	 * the common words. A bit per hash remembers it; the second time, it
	 * goes into the cache. */
	size_t bit = (size_t)(key >> 40) & (DOOR_BITS - 1);
	uint64_t m = 1ull << (bit & 63);
	if (!(w->door[bit / 64] & m)) {
		if (w->door_used >= DOOR_BITS / 2) {
			memset(w->door, 0, DOOR_BITS / 8);
			w->door_used = 0;
		}
		w->door[bit / 64] |= m;
		w->door_used++;
		analyse(a, w, raw, n, &w->once);
		return &w->once;
	}
	if (w->cache_used >= CACHE_SIZE / 4 * 3) {
		memset(w->cache, 0, CACHE_SIZE * sizeof *w->cache);
		w->cache_used = 0;
		i = (size_t)key & mask;
	}
	cache_entry *e = &w->cache[i];
	analyse(a, w, raw, n, e);
	e->key = key;
	w->cache_used++;
	return e;
}

/* ---- tokenizer ---- */

static bool is_elision(const uint8_t *raw, size_t n)
{
	static const char *const el[] = { "l", "d",  "j",     "m",      "n",      "s",     "t",
		                          "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu" };
	if (n > 6)
		return false;
	for (size_t k = 0; k < sizeof el / sizeof *el; k++) {
		size_t len = strlen(el[k]);
		if (len != n)
			continue;
		size_t i = 0;
		while (i < n && (raw[i] | 0x20) == el[k][i])
			i++;
		if (i == n)
			return true;
	}
	return false;
}

static bool push_token(worker *w, const tok *t)
{
	tok *n = oa_grow(w->toks, &w->tokcap, w->ntoks + 1, sizeof *n, 1024);
	if (!n)
		return false;
	w->toks = n;
	w->toks[w->ntoks++] = *t;
	return true;
}

/* Character classes of a run: 0 not in a token, 1 letter (or mark, or a
 * symbol kept inside a token), 2 digit. */
static const unsigned char ascii_class[128] = {
	['0'] = 2, ['1'] = 2, ['2'] = 2, ['3'] = 2, ['4'] = 2, ['5'] = 2, ['6'] = 2, ['7'] = 2,
	['8'] = 2, ['9'] = 2, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
	['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
	['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
	['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/* Decode one character of untrusted text; invalid bytes are U+FFFD, not a
 * token character. Returns the length consumed (>= 1) and the class. */
static inline size_t next_char(const uint8_t *p, size_t left, ucs4_t *uc, int *cls)
{
	if (*p < 0x80) {
		*uc = *p;
		*cls = ascii_class[*p];
		return 1;
	}
	int len = u8_mbtouc(uc, p, left);
	if (uc_is_general_category(*uc, UC_CATEGORY_N))
		*cls = 2;
	else if (uc_is_general_category(*uc, UC_CATEGORY_L) ||
	         uc_is_general_category(*uc, UC_CATEGORY_M))
		*cls = 1;
	else
		*cls = 0;
	return len > 0 ? (size_t)len : 1;
}

/* Is the text at @p p a hyphen that ends a line before a lower-case
 * letter ("dévelop-\npement")? Returns the bytes to skip, else 0. */
static size_t line_hyphen(const uint8_t *p, const uint8_t *end)
{
	if (p >= end || *p != '-')
		return 0;
	const uint8_t *q = p + 1;
	while (q < end && (*q == ' ' || *q == '\r'))
		q++;
	if (q >= end || *q != '\n')
		return 0;
	q++;
	while (q < end && *q == ' ')
		q++;
	if (q < end && ((*q >= 'a' && *q <= 'z') ||
	                (*q >= 0xC3 && *q <= 0xC5 && q + 1 < end && q[1] >= 0xA0 && q[1] <= 0xBF)))
		return (size_t)(q - p);
	return 0;
}

typedef struct run {
	uint8_t b[TOKEN_MAX * 4 + 8];
	unsigned char cls[TOKEN_MAX * 4 + 8]; /* class of each byte's character */
	size_t n;
	bool toolong;
} run;

static void run_add(run *r, const uint8_t *p, size_t l, int cls)
{
	if (r->n + l > TOKEN_MAX * 4) {
		r->toolong = true;
		return;
	}
	memcpy(r->b + r->n, p, l);
	memset(r->cls + r->n, cls, l);
	r->n += l;
}

/* Read one run of token characters starting at @p p into @p r; returns the
 * position after it. */
static const uint8_t *read_run(const uint8_t *p, const uint8_t *end, run *r)
{
	r->n = 0;
	r->toolong = false;
	while (p < end) {
		ucs4_t uc;
		int cls;
		size_t l = next_char(p, (size_t)(end - p), &uc, &cls);
		if (cls) {
			run_add(r, p, l, cls);
			p += l;
			continue;
		}
		size_t skip = r->n ? line_hyphen(p, end) : 0;
		if (skip) {
			p += skip;
			continue;
		}
		/* "node.js": a dot between letters */
		if (uc == '.' && r->n && r->cls[r->n - 1] == 1 && p + 1 < end && p[1] < 0x80 &&
		    ascii_class[p[1]] == 1) {
			run_add(r, p, 1, 1);
			p++;
			continue;
		}
		break;
	}
	/* "c++", "c#", "f#": symbols glued to the end */
	while (p < end && (*p == '+' || *p == '#')) {
		run_add(r, p, 1, 1);
		p++;
	}
	return p;
}

size_t sim_gender_ending(const uint8_t *p, const uint8_t *end)
{
	static const char *const endings[] = {
		"e",   "es",   "ne",   "nes",   "le",   "les",   "se",         "ses",
		"te",  "tes",  "ve",   "ves",   "x",    "s",     "\xc3\xa8re", "\xc3\xa8res",
		"ere", "eres", "euse", "euses", "rice", "trice", "trices"
	};
	const uint8_t *q = p;
	bool paren = q < end && *q == '(';
	bool dot = end - q >= 2 && q[0] == 0xC2 && q[1] == 0xB7; /* U+00B7 MIDDLE DOT */
	if (!paren && !dot)
		return 0;
	size_t total = 0;
	for (int round = 0; round < 2; round++) {
		q = p + total;
		size_t open = q < end && *q == '('                           ? 1
		              : end - q >= 2 && q[0] == 0xC2 && q[1] == 0xB7 ? 2
		                                                             : 0;
		if (!open || (round && paren))
			break;
		const uint8_t *e = q + open;
		while (e < end && e - q < 12 &&
		       ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z') || *e >= 0x80) &&
		       !(e[0] == 0xC2 && e + 1 < end && e[1] == 0xB7))
			e++;
		size_t n = (size_t)(e - q - open);
		bool known = false;
		for (size_t k = 0; !known && k < sizeof endings / sizeof *endings; k++) {
			size_t len = strlen(endings[k]), i = 0;
			while (len == n && i < n &&
			       (q[open + i] | (q[open + i] < 0x80 ? 0x20 : 0)) ==
			               (uint8_t)endings[k][i])
				i++;
			known = len == n && i == n;
		}
		if (!known || (paren && (e >= end || *e != ')')))
			break;
		total = (size_t)(e - p) + (paren ? 1 : 0);
	}
	return total;
}

static bool keep_piece(const analyser *a, worker *w, const uint8_t *b, size_t n)
{
	const cache_entry *e = lookup(a, w, b, n);
	if (e->eflags & STOP_EN)
		w->stops[LANG_EN]++;
	if (e->eflags & STOP_FR)
		w->stops[LANG_FR]++;
	if (e->eflags)
		return true;
	return push_token(w, &e->t);
}

bool sim_tokenize(const analyser *a, worker *w, const char *text, size_t len)
{
	const uint8_t *p = (const uint8_t *)text, *end = p + len;
	run r;
	while (p < end) {
		ucs4_t uc;
		int cls;
		size_t l = next_char(p, (size_t)(end - p), &uc, &cls);
		if (!cls) {
			p += l;
			continue;
		}
		p = read_run(p, end, &r);
		if (r.toolong || r.n == 0)
			continue;
		if (r.cls[r.n - 1] == 1)
			p += sim_gender_ending(p, end);
		/* an elided article or pronoun before an apostrophe: l'équipe */
		if (p < end &&
		    (*p == '\'' ||
		     (end - p >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x99)) &&
		    is_elision(r.b, r.n)) {
			w->stops[LANG_FR]++;
			continue;
		}
		/* pieces where letters and digits meet */
		size_t start = 0;
		for (size_t i = 1; i <= r.n; i++) {
			if (i < r.n && r.cls[i] == r.cls[start])
				continue;
			if (!keep_piece(a, w, r.b + start, i - start))
				return false;
			start = i;
		}
	}
	return true;
}
