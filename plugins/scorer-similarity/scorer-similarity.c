/*
 * scorer-similarity - a text-similarity scorer for French and English that
 * needs a few MiB, not a model.
 *
 * Pipeline for a text (offer or CV):
 *   1. tokens: runs of letters, digits and combining marks (libunistring's
 *      general categories), keeping "+", "#" after a token (C++, C#) and a
 *      "." between two token characters (node.js); French elisions before an
 *      apostrophe (l', d', qu'...) are dropped; invalid UTF-8 separates.
 *   2. case folding (u8_casefold) and accent folding (NFD, then combining
 *      marks removed), so "Développeur" and "developpeur" meet.
 *   3. stop words (stopwords.c) are dropped; their counts per language guess
 *      whether the text is French or English.
 *   4. Snowball stemming (libstemmer) in that language, of the folded token
 *      (so that "sécurité" and "securite" give one term).
 * Each distinct raw token is processed once per worker and then cached, so
 * the cost per token is a hash and a lookup.
 *
 * Score = (1 - skills_weight) * cosine + skills_weight * coverage, where
 *   cosine   = cosine similarity of sublinear term-frequency vectors
 *              (1 + ln tf) of the offer (title words count three times) and
 *              the CV, both stemmed in the CV's language;
 *   coverage = share of the offer's skills found in the CV: every skill is
 *              run through the same pipeline and matched as a contiguous
 *              sequence of terms, so "Gestion de projets" matches "gestion
 *              des projets" and "PostgreSQL" matches "postgresql".
 * There is no corpus-wide IDF: a pair is scored on its own, so a score never
 * changes when other candidates apply (stop words play the role of the
 * low-IDF terms). With no skills listed, the score is the cosine alone.
 *
 * Settings (OFFERAPI_SCORER_SIMILARITY_<KEY>):
 *   skills_weight  weight of skill coverage in [0, 1] (default 0.5)
 *   language       auto, en or fr (default auto): stemmer for every CV
 *   max_bytes      bytes of CV text considered (default 2097152)
 *   workers        calls that run at once (default 8); each has its own
 *                  work area of about 1.2 MiB, and more calls wait
 *
 * Thread-safe: work areas (stemmers, token cache, tables) come from a
 * bounded pool; the offer cache is shared under a mutex with
 * reference-counted entries.
 */
/* POSIX (strdup, clock_gettime, nanosleep) also when built out of tree */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "offerapi/scorer.h"
#include "stopwords.h"

enum { LANG_EN = 0, LANG_FR = 1, NLANG = 2 };
static const char *const lang_names[NLANG] = { "en", "fr" };
static const char *const stemmer_names[NLANG] = { "english", "french" };

#define TOKEN_MAX 64 /* longer runs (hashes, base64) are noise */
#define CACHE_SIZE (1u << 15) /* token cache entries per worker (1 MiB) */
#define DOOR_BITS (1u << 20) /* "seen once" filter per worker (128 KiB) */
#define OFFER_CACHE 16 /* offers kept */
#define TITLE_WEIGHT 3

#define STOP_EN 1u
#define STOP_FR 2u
#define DROP 4u /* numbers: never a term */

/* ---- hashing ---- */

static uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

/* A fast 64-bit hash of bytes (8 at a time); used for cache keys and term
 * ids. Term ids are compared by hash only: at 64 bits a collision between
 * two of the few thousand terms of a pair is negligible (~1e-12). */
static uint64_t hash_bytes(uint64_t seed, const void *data, size_t len)
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
	h = mix64(h ^ w ^ ((uint64_t)len << 56));
	return h ? h : 1; /* 0 means "empty" in the tables */
}

/* ---- stop-word sets: sorted hashes, built once ---- */

typedef struct hashset {
	uint64_t *v;
	size_t n;
} hashset;

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int hashset_build(hashset *s, const char *const *words)
{
	size_t n = 0;
	while (words[n])
		n++;
	s->v = malloc(n * sizeof *s->v);
	if (!s->v)
		return -1;
	for (size_t i = 0; i < n; i++)
		s->v[i] = hash_bytes(0, words[i], strlen(words[i]));
	qsort(s->v, n, sizeof *s->v, cmp_u64);
	s->n = n;
	return 0;
}

static bool hashset_has(const hashset *s, uint64_t h)
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

/* ---- per-worker state ---- */

typedef struct cache_entry {
	uint64_t key; /* hash of the raw token bytes; 0 = empty */
	uint64_t term[NLANG]; /* stemmed, folded term id per language */
	uint32_t flags; /* STOP_EN, STOP_FR, DROP */
} cache_entry;

typedef struct tf_entry {
	uint64_t term; /* 0 = empty */
	uint32_t tf;
} tf_entry;

/* A token kept for scoring: its term in each language (the language of the
 * text is known only at its end). */
typedef struct token {
	uint64_t term[NLANG];
} token;

typedef struct worker {
	struct worker *next; /* free list of the pool */
	struct sb_stemmer *stem[NLANG];
	cache_entry *cache;
	size_t cache_used;
	uint64_t *door; /* DOOR_BITS bits: tokens seen once */
	size_t door_used;
	cache_entry once; /* the analysis of a token seen for the first time */
	token *toks;
	size_t ntoks, tokcap;
	size_t stops[NLANG]; /* stop-word hits of the current text */
	tf_entry *tab; /* term -> tf of the current text */
	size_t tabcap; /* entries allocated */
	size_t tabsize; /* entries in use: a power of 2, <= tabcap */
	size_t tabused; /* distinct terms */
} worker;

/* ---- offers ---- */

typedef struct skill_terms {
	uint64_t *terms; /* contiguous sequence to find in the CV */
	size_t n; /* 0: the skill is only stop words: ignored */
} skill_terms;

typedef struct weighted {
	uint64_t term;
	double w;
} weighted;

typedef struct offer_model {
	uint64_t key;
	atomic_int refs;
	uint64_t tick; /* last use, for LRU eviction */
	int lang; /* guessed language of the offer */
	weighted *vec[NLANG]; /* term weights, stemmed in each language */
	size_t nvec[NLANG];
	double norm[NLANG];
	size_t nskills;
	char **skill_names;
	skill_terms *skills[NLANG];
} offer_model;

typedef struct sim {
	const offerapi_host_v1 *host;
	double skills_weight;
	int force_lang; /* -1 auto */
	size_t max_bytes;
	hashset stop[NLANG];
	pthread_mutex_t lock; /* guards pool, nworkers, offers, tick */
	pthread_cond_t freed; /* a worker went back to the pool */
	worker *pool;
	size_t nworkers, max_workers;
	offer_model *offers[OFFER_CACHE];
	uint64_t tick;
} sim;

static void worker_free(worker *w)
{
	if (!w)
		return;
	for (int l = 0; l < NLANG; l++)
		if (w->stem[l])
			sb_stemmer_delete(w->stem[l]);
	free(w->cache);
	free(w->door);
	free(w->toks);
	free(w->tab);
	free(w);
}

static worker *worker_new(void)
{
	worker *w = calloc(1, sizeof *w);
	if (!w)
		return NULL;
	w->cache = calloc(CACHE_SIZE, sizeof *w->cache);
	w->door = calloc(DOOR_BITS / 64, sizeof *w->door);
	for (int l = 0; l < NLANG; l++)
		w->stem[l] = sb_stemmer_new(stemmer_names[l], "UTF_8");
	if (!w->cache || !w->door || !w->stem[LANG_EN] || !w->stem[LANG_FR]) {
		worker_free(w);
		return NULL;
	}
	return w;
}

/* A work area for one call: from the pool, or a new one while there are
 * fewer than max_workers, or else wait for one to come back. This bounds
 * memory (about 1.2 MiB per worker) whatever the number of threads. */
static worker *worker_get(sim *s)
{
	pthread_mutex_lock(&s->lock);
	while (!s->pool && s->nworkers >= s->max_workers)
		pthread_cond_wait(&s->freed, &s->lock);
	worker *w = s->pool;
	if (w)
		s->pool = w->next;
	else
		s->nworkers++; /* reserve the slot, build outside the lock */
	pthread_mutex_unlock(&s->lock);
	if (w)
		return w;
	w = worker_new();
	if (!w) {
		pthread_mutex_lock(&s->lock);
		s->nworkers--;
		pthread_cond_signal(&s->freed);
		pthread_mutex_unlock(&s->lock);
	}
	return w;
}

static void worker_put(sim *s, worker *w)
{
	/* a huge CV may have grown the tables: give that memory back */
	if (w->tokcap > 65536) {
		free(w->toks);
		w->toks = NULL;
		w->tokcap = 0;
	}
	if (w->tabcap > 16384) {
		free(w->tab);
		w->tab = NULL;
		w->tabcap = w->tabsize = 0;
	}
	pthread_mutex_lock(&s->lock);
	w->next = s->pool;
	s->pool = w;
	pthread_cond_signal(&s->freed);
	pthread_mutex_unlock(&s->lock);
}

/* ---- token normalisation (on cache misses only) ---- */

/* Fold the accents of case-folded NFD text @p s: drop the non-spacing marks
 * that NFD split off ("é" is "e" + U+0301) and spell the ligatures œ and æ
 * out. Writes at most @p size - 1 bytes and a NUL; returns the length. */
static size_t strip_marks(const uint8_t *s, size_t n, uint8_t *out, size_t size)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		ucs4_t uc;
		int len = u8_mbtouc(&uc, s + i, n - i);
		if (len <= 0)
			break;
		const char *rep = uc == 0x0153 ? "oe" : uc == 0x00E6 ? "ae" : NULL;
		if (rep) {
			if (o + 2 < size) {
				memcpy(out + o, rep, 2);
				o += 2;
			}
		} else if (!uc_is_general_category(uc, UC_CATEGORY_Mn)) {
			if (o + (size_t)len < size) {
				memcpy(out + o, s + i, (size_t)len);
				o += (size_t)len;
			}
		}
		i += (size_t)len;
	}
	out[o] = '\0';
	return o;
}

/* Fill a cache entry for the raw token @p raw: stop flags and both terms. */
static void analyse(const sim *s, worker *w, const uint8_t *raw, size_t n, bool ascii, bool alpha,
                    cache_entry *e)
{
	uint8_t lowbuf[4 * TOKEN_MAX];
	uint8_t folded[4 * TOKEN_MAX + 1];
	size_t flen;
	uint8_t *cf = NULL;
	if (ascii) {
		for (size_t i = 0; i < n; i++)
			folded[i] = (uint8_t)((raw[i] >= 'A' && raw[i] <= 'Z') ? raw[i] + 32
			                                                       : raw[i]);
		flen = n;
		folded[n] = '\0';
	} else {
		/* case folding straight to NFD, so that accents are separate marks */
		size_t cflen = sizeof lowbuf;
		cf = u8_casefold(raw, n, NULL, UNINORM_NFD, lowbuf, &cflen);
		if (cf)
			flen = strip_marks(cf, cflen, folded, sizeof folded);
		else /* out of memory: keep the raw bytes */
			flen = strip_marks(raw, n, folded, sizeof folded);
	}
	uint64_t fh = hash_bytes(0, folded, flen);
	e->flags = 0;
	if (hashset_has(&s->stop[LANG_EN], fh))
		e->flags |= STOP_EN;
	if (hashset_has(&s->stop[LANG_FR], fh))
		e->flags |= STOP_FR;
	bool digits = true;
	for (size_t i = 0; i < flen; i++)
		if (!((folded[i] >= '0' && folded[i] <= '9') || folded[i] == '.'))
			digits = false;
	if (digits)
		e->flags |= DROP;
	/* Stem the accent-folded form, not the accented one: Snowball's French
	 * rules differ with and without accents ("sécurité" -> "sécur" but
	 * "securite" -> "securit"), and CVs often lose their accents. Stemming
	 * after folding gives one term for both spellings. */
	for (int l = 0; l < NLANG; l++) {
		e->term[l] = fh;
		/* stem words only: "c++", "node.js" and "c99" stay as they are */
		if (!alpha)
			continue;
		const sb_symbol *st = sb_stemmer_stem(w->stem[l], folded, (int)flen);
		if (st)
			e->term[l] = hash_bytes(0, st, (size_t)sb_stemmer_length(w->stem[l]));
	}
	if (cf && cf != lowbuf)
		free(cf);
}

static const cache_entry *lookup(const sim *s, worker *w, const uint8_t *raw, size_t n, bool ascii,
                                 bool alpha)
{
	uint64_t key = hash_bytes(0x5EED, raw, n);
	size_t mask = CACHE_SIZE - 1;
	size_t i = (size_t)key & mask;
	while (w->cache[i].key) {
		if (w->cache[i].key == key)
			return &w->cache[i];
		i = (i + 1) & mask;
	}
	/* A token seen for the first time is analysed but not cached: most
	 * such tokens (names, companies, typos) never come back, and caching
	 * them would flush the common words. A bit per token hash remembers
	 * having seen it; the second time, it goes into the cache. */
	size_t bit = (size_t)(key >> 40) & (DOOR_BITS - 1);
	uint64_t m = 1ull << (bit & 63);
	if (!(w->door[bit / 64] & m)) {
		if (w->door_used >= DOOR_BITS / 2) {
			memset(w->door, 0, DOOR_BITS / 8);
			w->door_used = 0;
		}
		w->door[bit / 64] |= m;
		w->door_used++;
		analyse(s, w, raw, n, ascii, alpha, &w->once);
		return &w->once;
	}
	if (w->cache_used >= CACHE_SIZE / 4 * 3) {
		/* full: start afresh rather than evict one by one; the working
		 * set of a few CVs refills it quickly */
		memset(w->cache, 0, CACHE_SIZE * sizeof *w->cache);
		w->cache_used = 0;
		i = (size_t)key & mask;
	}
	cache_entry *e = &w->cache[i];
	analyse(s, w, raw, n, ascii, alpha, e);
	e->key = key;
	w->cache_used++;
	return e;
}

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

static bool push_token(worker *w, const cache_entry *e)
{
	if (w->ntoks == w->tokcap) {
		size_t cap = w->tokcap ? w->tokcap * 2 : 1024;
		token *t = realloc(w->toks, cap * sizeof *t);
		if (!t)
			return false;
		w->toks = t;
		w->tokcap = cap;
	}
	memcpy(w->toks[w->ntoks++].term, e->term, sizeof e->term);
	return true;
}

/* ASCII characters of tokens: letters and digits. A table, because this
 * test runs for every byte of every CV. */
static const unsigned char ascii_token[128] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
	['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
	['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
	['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
	['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
	['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
	['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
};

/*
 * Decode one character of untrusted text at @p p and say whether it belongs
 * to a token (letters, numbers, combining marks). Invalid bytes decode as
 * U+FFFD, which does not. Returns the length consumed (>= 1).
 */
static inline size_t next_char(const uint8_t *p, size_t left, ucs4_t *uc, bool *tok)
{
	if (*p < 0x80) {
		*uc = *p;
		*tok = ascii_token[*p];
		return 1;
	}
	int len = u8_mbtouc(uc, p, left);
	*tok = uc_is_general_category(*uc, UC_CATEGORY_L) ||
	       uc_is_general_category(*uc, UC_CATEGORY_N) ||
	       uc_is_general_category(*uc, UC_CATEGORY_M);
	return len > 0 ? (size_t)len : 1;
}

/*
 * Tokenise @p len bytes of @p text, appending the kept tokens (weighted by
 * @p repeat: the title counts several times) to w->toks and counting stop
 * words per language in w->stops. Returns false on out of memory.
 */
static bool tokenize(const sim *s, worker *w, const char *text, size_t len, int repeat)
{
	const uint8_t *p = (const uint8_t *)text, *end = p + len;
	while (p < end) {
		ucs4_t uc;
		bool tok;
		size_t l = next_char(p, (size_t)(end - p), &uc, &tok);
		if (!tok) {
			p += l;
			continue;
		}
		const uint8_t *start = p;
		bool ascii = true, alpha = true;
		while (p < end) {
			l = next_char(p, (size_t)(end - p), &uc, &tok);
			if (tok) {
				if (uc >= 0x80)
					ascii = false;
				else if (uc <= '9')
					alpha = false;
				p += l;
				continue;
			}
			/* "node.js", "3.5": a dot between token characters */
			if (uc == '.' && p + 1 < end) {
				ucs4_t nx;
				bool nxtok;
				next_char(p + 1, (size_t)(end - p - 1), &nx, &nxtok);
				if (nxtok) {
					alpha = false;
					p += 1;
					continue;
				}
			}
			break;
		}
		/* "c++", "c#", "f#": symbols glued to the end of a token */
		while (p < end && (*p == '+' || *p == '#')) {
			alpha = false;
			p++;
		}
		size_t n = (size_t)(p - start);
		if (n > TOKEN_MAX)
			continue;
		/* an elided article or pronoun before an apostrophe: l'équipe */
		if (p < end &&
		    (*p == '\'' ||
		     (end - p >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] == 0x99)) &&
		    is_elision(start, n)) {
			w->stops[LANG_FR]++;
			continue;
		}
		const cache_entry *e = lookup(s, w, start, n, ascii, alpha);
		if (e->flags & STOP_EN)
			w->stops[LANG_EN]++;
		if (e->flags & STOP_FR)
			w->stops[LANG_FR]++;
		if (e->flags & (STOP_EN | STOP_FR | DROP))
			continue;
		for (int r = 0; r < repeat; r++)
			if (!push_token(w, e))
				return false;
	}
	return true;
}

static int guess_lang(const worker *w, int fallback)
{
	if (w->stops[LANG_FR] > w->stops[LANG_EN])
		return LANG_FR;
	if (w->stops[LANG_EN] > w->stops[LANG_FR])
		return LANG_EN;
	return fallback;
}

static void reset_text(worker *w)
{
	w->ntoks = 0;
	w->stops[LANG_EN] = w->stops[LANG_FR] = 0;
}

/* ---- term-frequency table of the current text ---- */

/* Make the table empty and large enough for @p expect terms. Only the part
 * in use is cleared: a big CV earlier must not slow the small ones. */
static bool tab_reset(worker *w, size_t expect)
{
	size_t size = 1024;
	while (size < expect * 2)
		size *= 2;
	if (size > w->tabcap) {
		free(w->tab);
		w->tab = malloc(size * sizeof *w->tab);
		if (!w->tab) {
			w->tabcap = w->tabsize = 0;
			return false;
		}
		w->tabcap = size;
	}
	memset(w->tab, 0, size * sizeof *w->tab);
	w->tabsize = size;
	w->tabused = 0;
	return true;
}

/* Add one occurrence of @p term (the table holds at least 2x the tokens,
 * so it never fills). */
static void tab_add(worker *w, uint64_t term)
{
	size_t mask = w->tabsize - 1, i = (size_t)term & mask;
	while (w->tab[i].term && w->tab[i].term != term)
		i = (i + 1) & mask;
	if (!w->tab[i].term) {
		w->tab[i].term = term;
		w->tabused++;
	}
	w->tab[i].tf++;
}

static uint32_t tab_tf(const worker *w, uint64_t term)
{
	size_t mask = w->tabsize - 1, i = (size_t)term & mask;
	while (w->tab[i].term) {
		if (w->tab[i].term == term)
			return w->tab[i].tf;
		i = (i + 1) & mask;
	}
	return 0;
}

static double tf_weight(uint32_t tf)
{
	return 1.0 + log((double)tf);
}

/* ---- offer models ---- */

static void offer_unref(offer_model *o)
{
	if (!o || atomic_fetch_sub(&o->refs, 1) != 1)
		return;
	for (int l = 0; l < NLANG; l++) {
		free(o->vec[l]);
		if (o->skills[l])
			for (size_t i = 0; i < o->nskills; i++)
				free(o->skills[l][i].terms);
		free(o->skills[l]);
	}
	for (size_t i = 0; i < o->nskills; i++)
		free(o->skill_names[i]);
	free(o->skill_names);
	free(o);
}

static uint64_t offer_key(const offerapi_score_input *in)
{
	uint64_t h = hash_bytes(0, &in->offer_id, sizeof in->offer_id);
	h = hash_bytes(h, in->offer_title, strlen(in->offer_title));
	h = hash_bytes(h, in->offer_description, strlen(in->offer_description));
	for (size_t i = 0; i < in->skill_count; i++)
		h = hash_bytes(h, in->skills[i], strlen(in->skills[i]));
	return hash_bytes(h, &in->skill_count, sizeof in->skill_count);
}

/* Build the model of the offer of @p in with worker @p w (its tables are
 * free: the CV is processed after). Returns NULL on out of memory. */
static offer_model *offer_build(const sim *s, worker *w, const offerapi_score_input *in,
                                uint64_t key)
{
	offer_model *o = calloc(1, sizeof *o);
	if (!o)
		return NULL;
	o->key = key;
	atomic_init(&o->refs, 1);
	reset_text(w);
	if (!tokenize(s, w, in->offer_title, strlen(in->offer_title), TITLE_WEIGHT) ||
	    !tokenize(s, w, in->offer_description, strlen(in->offer_description), 1))
		goto fail;
	o->lang = guess_lang(w, LANG_EN);
	/* the skills are part of what the offer is about */
	for (size_t i = 0; i < in->skill_count; i++)
		if (!tokenize(s, w, in->skills[i], strlen(in->skills[i]), 1))
			goto fail;
	for (int l = 0; l < NLANG; l++) {
		if (!tab_reset(w, w->ntoks))
			goto fail;
		for (size_t t = 0; t < w->ntoks; t++)
			tab_add(w, w->toks[t].term[l]);
		o->vec[l] = malloc((w->tabused ? w->tabused : 1) * sizeof *o->vec[l]);
		if (!o->vec[l])
			goto fail;
		double norm = 0;
		for (size_t i = 0; i < w->tabsize; i++) {
			if (!w->tab[i].term)
				continue;
			double wt = tf_weight(w->tab[i].tf);
			o->vec[l][o->nvec[l]++] = (weighted){ w->tab[i].term, wt };
			norm += wt * wt;
		}
		o->norm[l] = sqrt(norm);
	}

	o->nskills = in->skill_count;
	o->skill_names = calloc(o->nskills ? o->nskills : 1, sizeof *o->skill_names);
	if (!o->skill_names)
		goto fail;
	for (int l = 0; l < NLANG; l++) {
		o->skills[l] = calloc(o->nskills ? o->nskills : 1, sizeof *o->skills[l]);
		if (!o->skills[l])
			goto fail;
	}
	for (size_t i = 0; i < o->nskills; i++) {
		o->skill_names[i] = strdup(in->skills[i]);
		if (!o->skill_names[i])
			goto fail;
		reset_text(w);
		if (!tokenize(s, w, in->skills[i], strlen(in->skills[i]), 1))
			goto fail;
		for (int l = 0; l < NLANG; l++) {
			skill_terms *st = &o->skills[l][i];
			st->terms = malloc((w->ntoks ? w->ntoks : 1) * sizeof *st->terms);
			if (!st->terms)
				goto fail;
			for (size_t t = 0; t < w->ntoks; t++)
				st->terms[t] = w->toks[t].term[l];
			st->n = w->ntoks;
		}
	}
	return o;
fail:
	offer_unref(o);
	return NULL;
}

/* The cached model of the offer of @p in (a new reference), or NULL on out
 * of memory. Built outside the lock: two threads may build the same offer
 * at once, and the second one's copy is simply dropped. */
static offer_model *offer_get(sim *s, worker *w, const offerapi_score_input *in)
{
	uint64_t key = offer_key(in);
	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < OFFER_CACHE; i++) {
		offer_model *o = s->offers[i];
		if (o && o->key == key) {
			atomic_fetch_add(&o->refs, 1);
			o->tick = ++s->tick;
			pthread_mutex_unlock(&s->lock);
			return o;
		}
	}
	pthread_mutex_unlock(&s->lock);

	offer_model *o = offer_build(s, w, in, key);
	if (!o)
		return NULL;
	pthread_mutex_lock(&s->lock);
	int victim = 0;
	for (int i = 0; i < OFFER_CACHE; i++) {
		if (s->offers[i] && s->offers[i]->key == key) { /* lost the race */
			atomic_fetch_add(&s->offers[i]->refs, 1);
			offer_model *winner = s->offers[i];
			pthread_mutex_unlock(&s->lock);
			offer_unref(o);
			return winner;
		}
		if (!s->offers[i] ||
		    (s->offers[victim] && s->offers[i]->tick < s->offers[victim]->tick))
			victim = i;
	}
	offer_model *old = s->offers[victim];
	o->tick = ++s->tick;
	atomic_fetch_add(&o->refs, 1); /* one for the cache, one for the caller */
	s->offers[victim] = o;
	pthread_mutex_unlock(&s->lock);
	offer_unref(old);
	return o;
}

/* ---- matching skills ---- */

static bool skill_found(const worker *w, int lang, const skill_terms *st)
{
	if (st->n == 0)
		return false;
	if (!tab_tf(w, st->terms[0]))
		return false;
	if (st->n == 1)
		return true;
	for (size_t k = 1; k < st->n; k++)
		if (!tab_tf(w, st->terms[k]))
			return false;
	/* every word is there: look for them in a row */
	for (size_t i = 0; i + st->n <= w->ntoks; i++) {
		size_t k = 0;
		while (k < st->n && w->toks[i + k].term[lang] == st->terms[k])
			k++;
		if (k == st->n)
			return true;
	}
	return false;
}

/* ---- explanation ---- */

typedef struct outbuf {
	char *p;
	size_t size, len;
	bool full;
} outbuf;

/* Append @p s, cut at a UTF-8 character boundary when it does not fit. */
static void out_add(outbuf *b, const char *s)
{
	if (b->full || b->size == 0)
		return;
	size_t n = strlen(s), room = b->size - 1 - b->len;
	if (n > room) {
		n = room;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
		b->full = true;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void explain(const offer_model *o, const bool *found, size_t nfound, size_t nreal,
                    double cosine, int lang, char *expl, size_t explsz)
{
	outbuf b = { expl, explsz, 0, false };
	char num[96];
	if (explsz)
		expl[0] = '\0';
	if (nreal == 0) {
		snprintf(num, sizeof num, "text similarity %.2f (%s); no skills listed", cosine,
		         lang_names[lang]);
		out_add(&b, num);
		return;
	}
	snprintf(num, sizeof num, "skills %zu/%zu", nfound, nreal);
	out_add(&b, num);
	for (int pass = 0; pass < 2; pass++) {
		bool first = true;
		for (size_t i = 0; i < o->nskills; i++) {
			if (found[i] != (pass == 0) || o->skills[lang][i].n == 0)
				continue;
			out_add(&b, first ? (pass == 0 ? "; matched: " : "; missing: ") : ", ");
			out_add(&b, o->skill_names[i]);
			first = false;
		}
	}
	snprintf(num, sizeof num, "; text similarity %.2f (%s)", cosine, lang_names[lang]);
	out_add(&b, num);
}

/* ---- the ABI ---- */

static int sim_score(void *self, const offerapi_score_input *in, double *out_score, char *expl,
                     size_t explsz, char *err, size_t errsz)
{
	sim *s = self;
	worker *w = worker_get(s);
	if (!w) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	offer_model *o = offer_get(s, w, in);
	if (!o) {
		worker_put(s, w);
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	reset_text(w);
	size_t len = in->cv_len < s->max_bytes ? in->cv_len : s->max_bytes;
	bool *found = NULL;
	if (!tokenize(s, w, in->cv_text, len, 1) || !tab_reset(w, w->ntoks))
		goto nomem;
	int lang = s->force_lang >= 0 ? s->force_lang : guess_lang(w, o->lang);
	for (size_t t = 0; t < w->ntoks; t++)
		tab_add(w, w->toks[t].term[lang]);

	double dot = 0, cvnorm = 0;
	for (size_t i = 0; i < w->tabsize; i++)
		if (w->tab[i].term) {
			double wt = tf_weight(w->tab[i].tf);
			cvnorm += wt * wt;
		}
	for (size_t i = 0; i < o->nvec[lang]; i++) {
		uint32_t tf = tab_tf(w, o->vec[lang][i].term);
		if (tf)
			dot += o->vec[lang][i].w * tf_weight(tf);
	}
	double cosine = (cvnorm > 0 && o->norm[lang] > 0) ? dot / (sqrt(cvnorm) * o->norm[lang])
	                                                  : 0.0;
	if (!(cosine >= 0))
		cosine = 0;
	if (cosine > 1)
		cosine = 1;

	found = calloc(o->nskills ? o->nskills : 1, sizeof *found);
	if (!found)
		goto nomem;
	size_t nfound = 0, nreal = 0;
	for (size_t i = 0; i < o->nskills; i++) {
		if (o->skills[lang][i].n == 0)
			continue;
		nreal++;
		found[i] = skill_found(w, lang, &o->skills[lang][i]);
		nfound += found[i];
	}
	double score = cosine;
	if (nreal > 0) {
		double coverage = (double)nfound / (double)nreal;
		score = (1 - s->skills_weight) * cosine + s->skills_weight * coverage;
	}
	if (!(score >= 0))
		score = 0;
	if (score > 1)
		score = 1;
	*out_score = score;
	explain(o, found, nfound, nreal, cosine, lang, expl, explsz);
	free(found);
	offer_unref(o);
	worker_put(s, w);
	return 0;
nomem:
	free(found);
	offer_unref(o);
	worker_put(s, w);
	snprintf(err, errsz, "out of memory");
	return -1;
}

static void sim_destroy(void *self)
{
	sim *s = self;
	if (!s)
		return;
	while (s->pool) {
		worker *w = s->pool;
		s->pool = w->next;
		worker_free(w);
	}
	for (int i = 0; i < OFFER_CACHE; i++)
		offer_unref(s->offers[i]);
	for (int l = 0; l < NLANG; l++)
		free(s->stop[l].v);
	pthread_cond_destroy(&s->freed);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static int sim_create(void **out, const offerapi_host_v1 *host, const char *const *kv, char *err,
                      size_t errsz)
{
	sim *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->freed, NULL);
	s->host = host;
	s->max_workers = 8;
	s->skills_weight = 0.5;
	s->force_lang = -1;
	s->max_bytes = 2u << 20;
	for (size_t i = 0; kv[i] && kv[i + 1]; i += 2) {
		const char *k = kv[i], *v = kv[i + 1];
		char *end;
		errno = 0;
		if (!strcmp(k, "skills_weight")) {
			double d = strtod(v, &end);
			if (errno || end == v || *end || !(d >= 0 && d <= 1)) {
				snprintf(err, errsz,
				         "skills_weight: '%s' is not a number in [0, 1]", v);
				goto fail;
			}
			s->skills_weight = d;
		} else if (!strcmp(k, "language")) {
			if (!strcmp(v, "auto"))
				s->force_lang = -1;
			else if (!strcmp(v, "en"))
				s->force_lang = LANG_EN;
			else if (!strcmp(v, "fr"))
				s->force_lang = LANG_FR;
			else {
				snprintf(err, errsz, "language: '%s' is not auto, en or fr", v);
				goto fail;
			}
		} else if (!strcmp(k, "workers")) {
			unsigned long long n = strtoull(v, &end, 10);
			if (errno || end == v || *end || *v == '-' || n < 1 || n > 1024) {
				snprintf(err, errsz, "workers: '%s' is not in 1..1024", v);
				goto fail;
			}
			s->max_workers = (size_t)n;
		} else if (!strcmp(k, "max_bytes")) {
			unsigned long long n = strtoull(v, &end, 10);
			if (errno || end == v || *end || *v == '-' || n < 1) {
				snprintf(err, errsz, "max_bytes: '%s' is not a positive integer",
				         v);
				goto fail;
			}
			s->max_bytes = (size_t)n;
		} else if (host && host->log) {
			char msg[160];
			snprintf(msg, sizeof msg, "unknown setting '%.64s' ignored", k);
			host->log(host, OFFERAPI_SCORER_LOG_WARNING, msg);
		}
	}
	if (hashset_build(&s->stop[LANG_EN], sim_stopwords_en) < 0 ||
	    hashset_build(&s->stop[LANG_FR], sim_stopwords_fr) < 0) {
		snprintf(err, errsz, "out of memory");
		goto fail;
	}
	/* fail now, not on the first score, if the stemmers are missing */
	worker *w = worker_new();
	if (!w) {
		snprintf(err, errsz, "cannot create the english and french Snowball stemmers");
		goto fail;
	}
	s->pool = w;
	s->nworkers = 1;
	*out = s;
	return 0;
fail:
	sim_destroy(s);
	return -1;
}

static const offerapi_scorer_v1 descriptor = {
	.abi_version = OFFERAPI_SCORER_ABI,
	.struct_size = sizeof(offerapi_scorer_v1),
	.name = "similarity",
	.version = "1.0.0",
	.description = "French/English text similarity (stemmed TF cosine) combined with "
		       "the coverage of the offer's skills",
	.flags = OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC,
	.create = sim_create,
	.score = sim_score,
	.destroy = sim_destroy,
};

OFFERAPI_SCORER_DEFINE(descriptor)
