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
 * The same cache keeps the pages of offers the lists read (offers.c),
 * labelled with pages_generation, which triggers bump with every write to
 * offers, to the applications counted beside them and to the recruiters'
 * names shown on them (migration 21).
 * The bound: a fixed number of entries of a fixed size each, chosen by
 * the store (store.c): 16 searches of at most OFFERAPI_SEARCH_MAX keys (40
 * bytes each), 640 KiB; 32 pages of at most 128 KiB, 4 MiB.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "search_cache.h"
#include "store_internal.h"

typedef struct entry {
	char *key; /* NULL: a free slot */
	int64_t gen;
	int64_t until; /* right until this time (an offer's deadline) */
	uint64_t used; /* the clock at the last hit: the smallest goes first */
	void *data;
	size_t size;
} entry;

struct search_cache {
	pthread_mutex_t lock;
	uint64_t clock;
	size_t nentries, max_bytes;
	entry *e;
};

search_cache *search_cache_new(size_t entries, size_t max_bytes)
{
	search_cache *c = calloc(1, sizeof *c);
	if (c && !(c->e = calloc(entries, sizeof *c->e))) {
		free(c);
		return NULL;
	}
	if (c) {
		c->nentries = entries;
		c->max_bytes = max_bytes;
		pthread_mutex_init(&c->lock, NULL);
	}
	return c;
}

void search_cache_free(search_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nentries; i++) {
		free(c->e[i].key);
		free(c->e[i].data);
	}
	pthread_mutex_destroy(&c->lock);
	free(c->e);
	free(c);
}

int search_generation(offerapi_store *s, const char *table, int64_t *gen)
{
	char sql[64];
	snprintf(sql, sizeof sql, "SELECT gen FROM %s WHERE id = 1", table);
	db_result *r = NULL;
	int rc = store_exec(s, sql, NULL, 0, &r);
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

bool search_cache_get(search_cache *c, const char *key, int64_t gen, int64_t now, void **data,
                      size_t *size)
{
	bool hit = false;
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->nentries && !hit; i++) {
		entry *e = &c->e[i];
		if (!e->key || e->gen != gen || now > e->until || strcmp(e->key, key) != 0)
			continue;
		void *v = malloc(e->size ? e->size : 1);
		if (!v)
			break; /* run it again: the caller's out-of-memory path */
		memcpy(v, e->data, e->size);
		*data = v;
		*size = e->size;
		e->used = ++c->clock;
		hit = true;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void search_cache_put(search_cache *c, const char *key, int64_t gen, int64_t until,
                      const void *data, size_t size)
{
	if (size > c->max_bytes)
		return;
	char *k = strdup(key);
	void *v = malloc(size ? size : 1);
	if (!k || !v) { /* not kept: the next one runs again */
		free(k);
		free(v);
		return;
	}
	memcpy(v, data, size);
	pthread_mutex_lock(&c->lock);
	entry *slot = &c->e[0];
	for (size_t i = 0; i < c->nentries; i++) {
		entry *e = &c->e[i];
		if (e->key && !strcmp(e->key, key)) { /* the same statement: replace it */
			slot = e;
			break;
		}
		if (!e->key || e->gen < gen || e->used < slot->used)
			slot = e; /* a free slot, one of a past generation, the least used */
	}
	free(slot->key);
	free(slot->data);
	*slot = (entry){ k, gen, until, ++c->clock, v, size };
	pthread_mutex_unlock(&c->lock);
}
