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
 * On PostgreSQL, reading a generation is a round trip: there the values
 * read are kept in memory while a listener hears of no change (genwatch.c).
 * The bound: a fixed number of entries of a fixed size each, chosen by
 * the store (store.c): 16 searches of at most OFFERAPI_SEARCH_MAX keys (40
 * bytes each), 640 KiB; 32 pages of at most 128 KiB, 4 MiB.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "search_cache.h"
#include "store_internal.h"

struct search_blob {
	atomic_size_t refs;
	size_t size;
	max_align_t data[]; /* size bytes */
};

typedef struct entry {
	char *key; /* NULL: a free slot */
	uint64_t hash; /* of key: most keys differ in it, long SQL texts alike */
	int64_t gen;
	int64_t until; /* right until this time (an offer's deadline) */
	uint64_t used; /* the clock at the last hit: the smallest goes first */
	search_blob *blob; /* one reference */
} entry;

struct search_cache {
	pthread_mutex_t lock;
	uint64_t clock;
	size_t nentries, max_bytes;
	entry *e;
};

search_blob *search_blob_new(size_t size)
{
	if (size > SIZE_MAX - sizeof(search_blob))
		return NULL;
	search_blob *b = malloc(sizeof *b + (size ? size : 1));
	if (b) {
		atomic_init(&b->refs, 1);
		b->size = size;
	}
	return b;
}

void *search_blob_data(search_blob *b)
{
	return b->data;
}

size_t search_blob_size(const search_blob *b)
{
	return b->size;
}

void search_blob_release(void *blob)
{
	search_blob *b = blob;
	if (b && atomic_fetch_sub_explicit(&b->refs, 1, memory_order_acq_rel) == 1)
		free(b);
}

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
		search_blob_release(c->e[i].blob);
	}
	pthread_mutex_destroy(&c->lock);
	free(c->e);
	free(c);
}

/* The reads of one request on this thread (offerapi_store_reads_begin):
 * the pages generation read once, until a write (search_reads_written). */
static _Thread_local struct {
	const offerapi_store *s;
	int depth;
	bool have;
	int64_t pages_gen;
} reads;

void offerapi_store_reads_begin(offerapi_store *s)
{
	if (reads.depth++ == 0)
		reads.s = s, reads.have = false;
}

void offerapi_store_reads_end(offerapi_store *s)
{
	(void)s;
	if (reads.depth > 0 && --reads.depth == 0)
		reads.s = NULL, reads.have = false;
}

void search_reads_written(const offerapi_store *s)
{
	if (reads.s == s)
		reads.have = false;
}

int search_generation(offerapi_store *s, const char *table, int64_t *gen)
{
	bool pages = strcmp(table, "pages_generation") == 0, scoped = pages && reads.s == s;
	if (scoped && reads.have) {
		*gen = reads.pages_gen;
		return 0;
	}
	int which = pages ? GEN_PAGES : GEN_OFFERS;
	uint64_t epoch;
	int rc = 0;
	if (!gen_watch_get(s->watch, which, gen, &epoch)) {
		char sql[64];
		snprintf(sql, sizeof sql, "SELECT gen FROM %s WHERE id = 1", table);
		db_result *r = NULL;
		rc = store_exec(s, sql, NULL, 0, &r);
		if (rc == 0)
			*gen = r->nrows ? db_int(r, 0, 0) : -1;
		db_result_free(r);
		if (rc == 0)
			gen_watch_put(s->watch, which, *gen, epoch);
	}
	if (rc == 0 && scoped)
		reads.pages_gen = *gen, reads.have = true;
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

static uint64_t key_hash(const char *key)
{
	uint64_t h = 14695981039346656037u; /* FNV-1a */
	for (const unsigned char *p = (const unsigned char *)key; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	return h;
}

search_blob *search_cache_get(search_cache *c, const char *key, int64_t gen, int64_t now)
{
	search_blob *hit = NULL;
	uint64_t h = key_hash(key);
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < c->nentries && !hit; i++) {
		entry *e = &c->e[i];
		if (!e->key || e->hash != h || e->gen != gen || now > e->until ||
		    strcmp(e->key, key) != 0)
			continue;
		atomic_fetch_add_explicit(&e->blob->refs, 1, memory_order_relaxed);
		e->used = ++c->clock;
		hit = e->blob;
	}
	pthread_mutex_unlock(&c->lock);
	return hit;
}

void search_cache_put(search_cache *c, const char *key, int64_t gen, int64_t until, search_blob *b)
{
	if (b->size > c->max_bytes)
		return;
	char *k = strdup(key);
	if (!k) /* not kept: the next one runs again */
		return;
	uint64_t h = key_hash(key);
	atomic_fetch_add_explicit(&b->refs, 1, memory_order_relaxed);
	pthread_mutex_lock(&c->lock);
	entry *slot = &c->e[0];
	for (size_t i = 0; i < c->nentries; i++) {
		entry *e = &c->e[i];
		if (e->key && e->hash == h && !strcmp(e->key, key)) { /* the same statement */
			slot = e;
			break;
		}
		if (!e->key || e->gen < gen || e->used < slot->used)
			slot = e; /* a free slot, one of a past generation, the least used */
	}
	char *old_key = slot->key;
	search_blob *old = slot->blob;
	*slot = (entry){ k, h, gen, until, ++c->clock, b };
	pthread_mutex_unlock(&c->lock);
	free(old_key); /* outside the lock */
	search_blob_release(old);
}

int search_cache_get_result(search_cache *c, const char *key, int64_t gen, int64_t now,
                            db_result **out)
{
	search_blob *kept = search_cache_get(c, key, gen, now);
	if (!kept)
		return 0;
	if ((*out = db_result_view(search_blob_data(kept), search_blob_release, kept)))
		return 1;
	search_blob_release(kept);
	return oa_error(OFFERAPI_ENOMEM, "out of memory");
}

void search_cache_put_result(search_cache *c, const char *key, int64_t gen, int64_t until,
                             const db_result *r)
{
	search_blob *b = search_blob_new(db_result_packed_size(r));
	if (!b)
		return;
	db_result_pack(r, search_blob_data(b));
	search_cache_put(c, key, gen, until, b);
	search_blob_release(b);
}
