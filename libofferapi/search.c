/*
 * search.c - terms, queries and snippets of full-text search (search.h).
 */
#include <stdlib.h>
#include <string.h>

#include <libstemmer.h>
#include <unictype.h>
#include <unistr.h>

#include "internal.h"
#include "search.h"

/* Words longer than this (bytes) are indexed as they are, unstemmed. */
#define STEM_MAX 64
/* A snippet's first match is looked for in this many bytes of the text. */
#define SNIPPET_SCAN 4096
/* Stems shorter than this (bytes) match whole words only, not prefixes. */
#define PREFIX_MIN 4

/* The two stemmers of one call (a stemmer is not thread-safe). */
/* Whether a folded word of a snippet matched the query: the words of one
 * page's descriptions repeat (50 snippets, two stemmers a word), so each is
 * stemmed once a request. Open addressing; a word that finds no slot is
 * not kept. */
#define MEMO_SLOTS 256
#define MEMO_WORD 24 /* longer words are not kept */
#define MEMO_PROBES 8

typedef struct memo_slot {
	char word[MEMO_WORD]; /* "": free */
	bool hit;
} memo_slot;

typedef struct stemmers {
	struct sb_stemmer *fr, *en;
	memo_slot *memo; /* of the query these stemmers belong to; NULL: none */
} stemmers;

static int stemmers_open(stemmers *st)
{
	st->memo = NULL;
	st->fr = sb_stemmer_new("french", "UTF_8");
	st->en = sb_stemmer_new("english", "UTF_8");
	if (!st->fr || !st->en) {
		sb_stemmer_delete(st->fr);
		sb_stemmer_delete(st->en);
		return oa_error(OFFERAPI_ENOMEM, "search words: out of memory for the stemmers");
	}
	return 0;
}

static void stemmers_close(stemmers *st)
{
	sb_stemmer_delete(st->fr);
	sb_stemmer_delete(st->en);
	free(st->memo);
	st->memo = NULL;
}

/* The slot of folded word @w (length @n) in @memo: its own, a free one, or
 * NULL (too long, or no free slot within MEMO_PROBES). */
static memo_slot *memo_find(memo_slot *memo, const char *w, size_t n)
{
	if (!memo || n == 0 || n >= MEMO_WORD)
		return NULL;
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)w[i]) * 16777619u;
	for (int p = 0; p < MEMO_PROBES; p++) {
		memo_slot *m = &memo[(h + (uint32_t)p) % MEMO_SLOTS];
		if (!m->word[0] || (strncmp(m->word, w, n) == 0 && m->word[n] == '\0'))
			return m;
	}
	return NULL;
}

/* True for a character that belongs to a word: the characters FTS5's
 * unicode61 keeps (letters, digits, private use), and with @marks the
 * combining marks of unfolded text. */
static bool word_char(ucs4_t c, bool marks)
{
	return uc_is_general_category(c, UC_CATEGORY_L) ||
	       uc_is_general_category(c, UC_CATEGORY_N) ||
	       uc_is_general_category(c, UC_CATEGORY_Co) ||
	       (marks && uc_is_general_category(c, UC_CATEGORY_M));
}

/* The next word of @s from *@pos: its start and length; false at the end. */
static bool next_word(const char *s, size_t len, size_t *pos, bool marks, size_t *start, size_t *n)
{
	const uint8_t *u = (const uint8_t *)s;
	size_t i = *pos;
	bool in = false;
	while (i < len) {
		ucs4_t c;
		int l = u8_mbtouc(&c, u + i, len - i);
		if (l <= 0)
			l = 1;
		bool w = word_char(c, marks);
		if (w && !in) {
			*start = i;
			in = true;
		} else if (!w && in) {
			break;
		}
		i += (size_t)l;
	}
	*pos = i;
	if (in)
		*n = i - *start;
	return in;
}

/* Add a copy of @s (length @n) to @forms unless it is there already. */
static int add_form(char **forms, int *nforms, const char *s, size_t n)
{
	for (int i = 0; i < *nforms; i++)
		if (strlen(forms[i]) == n && memcmp(forms[i], s, n) == 0)
			return 0;
	if (*nforms >= SEARCH_MAX_FORMS)
		return 0;
	char *f = oa_strndup(s, n);
	if (!f)
		return OFFERAPI_ENOMEM;
	forms[(*nforms)++] = f;
	return 0;
}

static int add_stems(stemmers *st, char **forms, int *nforms, const char *w, size_t n)
{
	struct sb_stemmer *both[] = { st->fr, st->en };
	for (int i = 0; i < 2; i++) {
		const sb_symbol *r = sb_stemmer_stem(both[i], (const sb_symbol *)w, (int)n);
		if (!r)
			return oa_error(OFFERAPI_ENOMEM, "search words: out of memory stemming");
		int rc = add_form(forms, nforms, (const char *)r,
		                  (size_t)sb_stemmer_length(both[i]));
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* The masculine of a folded job word in -euse(s) or -trice(s), in @out
 * (at least @n + 2 bytes); false when it has no such ending. */
static bool masculine(const char *w, size_t n, char *out)
{
	static const struct {
		const char *fem, *masc;
	} ends[] = {
		{ "euses", "eurs" }, { "euse", "eur" }, { "trices", "teurs" }, { "trice", "teur" }
	};
	for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
		size_t f = strlen(ends[i].fem);
		if (n > f + 2 && memcmp(w + n - f, ends[i].fem, f) == 0) {
			memcpy(out, w, n - f);
			strcpy(out + n - f, ends[i].masc);
			return true;
		}
	}
	return false;
}

/* The forms of folded word @w: itself, then its stems (and its masculine's). */
static int word_forms(stemmers *st, const char *w, size_t n, char **forms, int *nforms)
{
	*nforms = 0;
	int rc = add_form(forms, nforms, w, n);
	if (rc < 0 || n > STEM_MAX)
		return rc;
	if ((rc = add_stems(st, forms, nforms, w, n)) < 0)
		return rc;
	char m[STEM_MAX + 3];
	if (masculine(w, n, m))
		rc = add_stems(st, forms, nforms, m, strlen(m));
	return rc;
}

static void forms_free(char **forms, int n)
{
	for (int i = 0; i < n; i++)
		free(forms[i]);
}

static char *buf_take(oa_buf *b)
{
	if (b->failed || !b->p) {
		free(b->p);
		return b->failed ? NULL : oa_strdup("");
	}
	return b->p;
}

int search_index_text(const char *text, char **out)
{
	*out = NULL;
	char *f = oa_fold(text);
	if (!f)
		return offerapi_error_last()->code;
	stemmers st;
	int rc = stemmers_open(&st);
	bool opened = rc == 0;
	oa_buf b = { 0 };
	size_t len = strlen(f), pos = 0, start, n;
	while (rc == 0 && next_word(f, len, &pos, false, &start, &n)) {
		char *forms[SEARCH_MAX_FORMS];
		int nf = 0;
		rc = word_forms(&st, f + start, n, forms, &nf);
		/* the word, and the stems that are not a prefix of it (a
		 * query's stem matches the word itself as a prefix) */
		for (int i = 0; i < nf; i++) {
			if (i > 0 && strncmp(forms[0], forms[i], strlen(forms[i])) == 0)
				continue;
			if (b.len)
				oa_buf_add(&b, " ", 1);
			oa_buf_str(&b, forms[i]);
		}
		forms_free(forms, nf);
	}
	free(f);
	if (opened)
		stemmers_close(&st);
	if (rc == 0 && !(*out = buf_take(&b)))
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory indexing an offer");
	if (rc < 0)
		free(b.p);
	return rc;
}

void search_query_free(search_query *q)
{
	for (int i = 0; i < q->nwords; i++)
		forms_free(q->words[i].forms, q->words[i].nforms);
	q->nwords = 0;
	if (q->st) {
		stemmers_close(q->st);
		free(q->st);
		q->st = NULL;
	}
}

/* Set which forms of @w match as prefixes (all of PREFIX_MIN bytes or
 * more: the word and its stems), and drop the forms another one matches
 * already: one form per term keeps a word of several forms from ranking
 * as several words. */
static void query_forms(search_word *w)
{
	for (int i = 0; i < w->nforms; i++)
		w->prefix[i] = strlen(w->forms[i]) >= PREFIX_MIN;
	bool covered[SEARCH_MAX_FORMS] = { false }; /* decided first, freed after */
	for (int j = 0; j < w->nforms; j++)
		for (int i = 0; i < w->nforms && !covered[j]; i++)
			covered[j] = i != j && w->prefix[i] &&
			             strncmp(w->forms[j], w->forms[i], strlen(w->forms[i])) == 0;
	int m = 0;
	for (int j = 0; j < w->nforms; j++) {
		if (covered[j]) {
			free(w->forms[j]);
		} else {
			w->prefix[m] = w->prefix[j];
			w->forms[m++] = w->forms[j];
		}
	}
	w->nforms = m;
}

static bool same_forms(const search_word *a, const search_word *b)
{
	if (a->nforms != b->nforms)
		return false;
	for (int i = 0; i < a->nforms; i++)
		if (a->prefix[i] != b->prefix[i] || strcmp(a->forms[i], b->forms[i]) != 0)
			return false;
	return true;
}

int search_query_parse(const char *words, search_query *q)
{
	memset(q, 0, sizeof *q);
	if (!words)
		return 0;
	char *f = oa_fold(words);
	if (!f)
		return offerapi_error_last()->code;
	stemmers st;
	int rc = stemmers_open(&st);
	bool opened = rc == 0;
	size_t len = strlen(f), pos = 0, start, n;
	while (rc == 0 && next_word(f, len, &pos, false, &start, &n)) {
		search_word w = { 0 };
		rc = word_forms(&st, f + start, n, w.forms, &w.nforms);
		if (rc == 0)
			query_forms(&w);
		bool dup = false; /* a word typed twice (or two of one stem) is one */
		for (int i = 0; rc == 0 && i < q->nwords && !dup; i++)
			dup = same_forms(&q->words[i], &w);
		if (rc < 0 || dup) {
			forms_free(w.forms, w.nforms);
			continue;
		}
		if (q->nwords == SEARCH_MAX_WORDS) {
			forms_free(w.forms, w.nforms);
			rc = oa_error(OFFERAPI_EINVAL, "search words: at most %d words",
			              SEARCH_MAX_WORDS);
			break;
		}
		q->words[q->nwords++] = w;
	}
	free(f);
	/* kept for the snippets (search_snippet); a failed copy only means
	 * each snippet opens its own */
	if (opened && rc == 0 && q->nwords && (q->st = malloc(sizeof *q->st))) {
		*q->st = st;
		q->st->memo = calloc(MEMO_SLOTS, sizeof *q->st->memo); /* NULL: none */
	} else if (opened)
		stemmers_close(&st);
	if (rc == OFFERAPI_ENOMEM)
		oa_error(rc, "search words: out of memory");
	if (rc < 0)
		search_query_free(q);
	return rc;
}

/* The expression of @q in one syntax: a group per word, its forms joined
 * by @or_form, groups joined by @join; each form between @quote, with
 * @star after a prefix. */
static char *expression(const search_query *q, const char *join, const char *or_form,
                        const char *quote, const char *star)
{
	oa_buf b = { 0 };
	for (int i = 0; i < q->nwords; i++) {
		const search_word *w = &q->words[i];
		if (i)
			oa_buf_str(&b, join);
		oa_buf_str(&b, "(");
		for (int k = 0; k < w->nforms; k++) {
			if (k)
				oa_buf_str(&b, or_form);
			oa_buf_str(&b, quote);
			oa_buf_str(&b, w->forms[k]); /* letters and digits only */
			oa_buf_str(&b, quote);
			if (w->prefix[k])
				oa_buf_str(&b, star);
		}
		oa_buf_str(&b, ")");
	}
	return buf_take(&b);
}

char *search_fts5_match(const search_query *q, bool any)
{
	return expression(q, any ? " OR " : " AND ", " OR ", "\"", "*");
}

char *search_tsquery(const search_query *q, bool any)
{
	return expression(q, any ? " | " : " & ", " | ", "'", ":*");
}

/* True when the folded word @w (length @n) matches a word of @q. */
static bool word_matches(stemmers *st, const search_query *q, const char *w, size_t n)
{
	memo_slot *m = memo_find(st->memo, w, n);
	if (m && m->word[0])
		return m->hit;
	char *forms[SEARCH_MAX_FORMS];
	int nf = 0;
	if (word_forms(st, w, n, forms, &nf) < 0) {
		forms_free(forms, nf);
		return false; /* not kept: the next word tries again */
	}
	bool hit = false;
	for (int i = 0; i < q->nwords && !hit; i++)
		for (int k = 0; k < q->words[i].nforms && !hit; k++) {
			const char *qf = q->words[i].forms[k];
			size_t ql = strlen(qf);
			for (int d = 0; d < nf && !hit; d++)
				hit = q->words[i].prefix[k] ? strncmp(forms[d], qf, ql) == 0
				                            : strcmp(forms[d], qf) == 0;
		}
	forms_free(forms, nf);
	if (m) {
		memcpy(m->word, w, n);
		m->word[n] = '\0';
		m->hit = hit;
	}
	return hit;
}

/* Whether the raw word at @s (length @n) matches @q. */
static bool raw_matches(stemmers *st, const search_query *q, const char *s, size_t n)
{
	char *raw = oa_strndup(s, n), *f = raw ? oa_fold(raw) : NULL;
	bool hit = f && *f && word_matches(st, q, f, strlen(f));
	free(raw);
	free(f);
	return hit;
}

/* Back from @i to the start of a UTF-8 character. */
static size_t char_start(const char *s, size_t i)
{
	while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
		i--;
	return i;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* The window [*@from, *@to) of about @max bytes around the match at @at,
 * cut between words where it can (else at a character's start). */
static void window(const char *text, size_t len, size_t at, size_t max, size_t *from, size_t *to)
{
	size_t f = at > max / 4 ? at - max / 4 : 0;
	while (f > 0 && f < at && !is_space(text[f - 1]))
		f++; /* to the start of the next word (at is one) */
	size_t t = f + max < len ? f + max : len;
	if (t < len) {
		size_t cut = t;
		while (cut > at && !is_space(text[cut]))
			cut--;
		t = cut > at ? cut : char_start(text, t);
	}
	*from = f;
	*to = t;
}

int search_snippet(const search_query *q, const char *text, size_t max, char **out)
{
	*out = NULL;
	if (!q->nwords || !text)
		return 0;
	stemmers own, *stp = q->st;
	int rc = stp ? 0 : stemmers_open(&own);
	if (rc < 0)
		return rc;
	if (!stp)
		stp = &own;
	/* the first match is looked for in the first SNIPPET_SCAN bytes only:
	 * a page of offers whose long descriptions lack the words (a title
	 * match) costs a bounded number of words each */
	size_t len = strlen(text), pos = 0, start, n, at = len;
	size_t scan = len > SNIPPET_SCAN ? char_start(text, SNIPPET_SCAN) : len;
	while (at == len && next_word(text, scan, &pos, true, &start, &n))
		if (raw_matches(stp, q, text + start, n))
			at = start;
	if (at < len) {
		size_t from, to;
		window(text, len, at, max, &from, &to);
		oa_buf b = { 0 };
		if (from > 0)
			oa_buf_str(&b, "…");
		size_t done = from;
		pos = from;
		while (next_word(text, to, &pos, true, &start, &n)) {
			if (!raw_matches(stp, q, text + start, n))
				continue;
			oa_buf_add(&b, text + done, start - done);
			oa_buf_add(&b, "\x02", 1);
			oa_buf_add(&b, text + start, n);
			oa_buf_add(&b, "\x03", 1);
			done = start + n;
		}
		oa_buf_add(&b, text + done, to - done);
		if (to < len)
			oa_buf_str(&b, "…");
		if (!(*out = buf_take(&b)))
			rc = oa_error(OFFERAPI_ENOMEM, "out of memory making a snippet");
	}
	if (stp == &own)
		stemmers_close(&own);
	return rc;
}
