/*
 * searchcache.c - the ranked matches of recent searches, kept per store
 * (search_cache.h).
 *
 * Ranking a search reads every matching offer: bm25 (or ts_rank) over
 * 10 000 matches costs about 7 ms of CPU, and each page of the results,
 * each visitor typing the same words, would pay it again. So the ranked
 * keys of the last few searches are kept here, each with the offers'
 * generation it was ranked at: offers_generation, one row that a trigger
 * bumps with every write to offers (migration 15), in the database, so a
 * write by any replica or tool is seen. A lookup reads the generation
 * first, then uses an entry only when it was ranked at that generation;
 * a ranking made after reading generation g is at least as new as g, so
 * an entry is never older than its label. The lists leave out an open
 * offer past its deadline, which no write marks: an entry also keeps the
 * first deadline to come when it was ranked, and serves until then only.
 * The bound: CACHE_ENTRIES
 * entries of at most OFFERAPI_SEARCH_MAX keys (40 bytes each), 640 KiB.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "search_cache.h"
#include "store_internal.h"

#define CACHE_ENTRIES 16

typedef struct entry {
	char *key; /* NULL: a free slot */
	int64_t gen;
	int64_t until; /* right until this time (an offer's deadline) */
	uint64_t used; /* the clock at the last hit: the smallest goes first */
	ks_row *rows;
	size_t n;
} entry;

struct search_cache {
	pthread_mutex_t lock;
	uint64_t clock;
	entry e[CACHE_ENTRIES];
};

search_cache *search_cache_new(void)
{
	search_cache *c = calloc(1, sizeof *c);
	if (c)
		pthread_mutex_init(&c->lock, NULL);
	return c;
}

void search_cache_free(search_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < CACHE_ENTRIES; i++) {
		free(c->e[i].key);
		free(c->e[i].rows);
	}
	pthread_mutex_destroy(&c->lock);
	free(c);
}

int search_generation(offerapi_store *s, int64_t *gen)
{
	db_result *r = NULL;
	int rc = store_exec(s, "SELECT gen FROM offers_generation WHERE id = 1", NULL, 0, &r);
	if (rc == 0)
		*gen = r->nrows ? db_int(r, 0, 0) : -1;
	db_result_free(r);
	return rc;
}

char *search_cache_key(const char *sql, const db_param *p, int np)
{
	size_t cap = strlen(sql) + 2, len;
	for (int i = 0; i < np; i++)
		cap += p[i].type == DB_TEXT && p[i].p ? strlen(p[i].p) + 2 : 24;
	char *k = malloc(cap);
	if (!k)
		return NULL;
	len = (size_t)snprintf(k, cap, "%s", sql);
	for (int i = 0; i < np; i++) /* a unit separator no query text holds */
		len += p[i].type == DB_TEXT && p[i].p
		               ? (size_t)snprintf(k + len, cap - len, "\x1f%s",
		                                  (const char *)p[i].p)
		               : (size_t)snprintf(k + len, cap - len, "\x1f#%lld",
		                                  (long long)p[i].i);
	return k;
}

bool search_cache_get(search_cache *c, const char *key, int64_t gen, int64_t now, ks_row **rows,
                      size_t *n)
{
	bool hit = false;
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < CACHE_ENTRIES && !hit; i++) {
		entry *e = &c->e[i];
		if (!e->key || e->gen != gen || now > e->until || strcmp(e->key, key) != 0)
			continue;
		ks_row *v = malloc((e->n ? e->n : 1) * sizeof *v);
		if (!v)
			break; /* rank again: the caller's out-of-memory path */
		memcpy(v, e->rows, e->n * sizeof *v);
		*rows = v;
		*n = e->n;
		e->used = ++c->clock;
		hit = true;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void search_cache_put(search_cache *c, const char *key, int64_t gen, int64_t until,
                      const ks_row *rows, size_t n)
{
	char *k = strdup(key);
	ks_row *v = malloc((n ? n : 1) * sizeof *v);
	if (!k || !v) { /* not kept: the next search ranks again */
		free(k);
		free(v);
		return;
	}
	memcpy(v, rows, n * sizeof *v);
	pthread_mutex_lock(&c->lock);
	entry *slot = &c->e[0];
	for (size_t i = 0; i < CACHE_ENTRIES; i++) {
		entry *e = &c->e[i];
		if (e->key && !strcmp(e->key, key)) { /* the same search: replace it */
			slot = e;
			break;
		}
		if (!e->key || e->gen < gen || e->used < slot->used)
			slot = e; /* a free slot, one of a past generation, the least used */
	}
	free(slot->key);
	free(slot->rows);
	*slot = (entry){ k, gen, until, ++c->clock, v, n };
	pthread_mutex_unlock(&c->lock);
}
