/*
 * search.h - the terms of full-text search, shared by both backends (never
 * installed).
 *
 * Why the terms are made in C. Stemming must let "developpeuse" find
 * "Développeur" on SQLite and on PostgreSQL alike, and the two engines
 * should agree on which offers match. FTS5 has no French stemmer, and
 * PostgreSQL's french and english configurations would match terms SQLite
 * cannot. So the library folds (case, accents) and stems (Snowball french
 * and english, the algorithms PostgreSQL's configurations use) once, in C:
 *
 *  - an offer is indexed as two texts of terms, its title and its body
 *    (description, location, skills): each word folded, followed by its
 *    stems, space-separated (offers.search_title, offers.search_body);
 *    FTS5 (unicode61) and PostgreSQL ('simple' with unaccent) only split
 *    them on spaces and weight the title above the body;
 *    Only the stems that are not a prefix of their word are indexed
 *    ("happi" for "happy"), since a query's stem finds the word as a
 *    prefix; a word thus counts once in a rank;
 *  - a query word becomes a group of forms: the folded word itself, and
 *    its stems, each of 4 bytes or more matched as a prefix
 *    ("developpeuse" -> "developp*"), the forms that another covers
 *    dropped. Words of 4 letters or more thus also find longer words
 *    starting with them ("java" finds "javascript").
 *
 * Feminine job titles: Snowball stems "developpeuse" to "developp" but
 * leaves "developpeur" whole, and "directrice" / "directeur" share no
 * stem; a word in -euse(s) or -trice(s) also gives the stems of its
 * masculine form (-eur, -teur), on both sides.
 *
 * A query is made of letters and digits only: quotes, '*', '-',
 * parentheses and operators typed by the reader are separators or plain
 * words ("or", "near"), so no input can make an FTS5 or tsquery syntax
 * error.
 */
#ifndef OFFERAPI_SEARCH_H
#define OFFERAPI_SEARCH_H

#include <stdbool.h>
#include <stddef.h>

#define SEARCH_MAX_WORDS 8
#define SEARCH_MAX_FORMS 5

/* One word of a query: its forms, any of which may match. */
typedef struct search_word {
	char *forms[SEARCH_MAX_FORMS];
	bool prefix[SEARCH_MAX_FORMS]; /* matches the terms starting with it */
	int nforms;
} search_word;

typedef struct search_query {
	search_word words[SEARCH_MAX_WORDS];
	int nwords; /* 0: the words held no letter or digit */
	/* the stemmers the parse opened, kept for the snippets of the same
	 * request (opening two stemmers for each of 50 snippets cost more
	 * than the snippets); NULL when none. Not shared between threads. */
	struct stemmers *st;
} search_query;

/* The indexed terms of @text (see above): malloc'd in *@out. 0, or
 * OFFERAPI_ENOMEM / OFFERAPI_EINVAL (not UTF-8). */
int search_index_text(const char *text, char **out);

/* Parse the reader's words. 0; OFFERAPI_EINVAL "search words: at most N
 * words"; OFFERAPI_ENOMEM. Free with search_query_free(). */
int search_query_parse(const char *words, search_query *q);
void search_query_free(search_query *q);

/* The FTS5 MATCH expression / the tsquery text of @q: every word (@any
 * false) or any word. malloc'd, NULL on ENOMEM. */
char *search_fts5_match(const search_query *q, bool any);
char *search_tsquery(const search_query *q, bool any);

/* An extract of @text of at most about @max bytes around the first word
 * matching @q (looked for in the first 4 KiB of @text), matched words between "\x02" and "\x03" (OFFERAPI_MARK_*),
 * "…" where text is cut. *@out is NULL when no word matches. 0 or
 * OFFERAPI_ENOMEM. */
int search_snippet(const search_query *q, const char *text, size_t max, char **out);

#endif
