/*
 * search_cache.h - results of recent statements kept while the rows they
 * read have not changed (searchcache.c says how it stays right when offers
 * change). Two per store: the ranked matches of searches, and the pages of
 * offers the lists read. Internal, never installed.
 */
#ifndef OFFERAPI_SEARCH_CACHE_H
#define OFFERAPI_SEARCH_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

typedef struct search_cache search_cache;
struct offerapi_store;

/* A new empty cache of at most @entries entries of at most @max_bytes
 * each, or NULL when out of memory. */
search_cache *search_cache_new(size_t entries, size_t max_bytes);
void search_cache_free(search_cache *c);

/* The generation of @table (offers_generation or pages_generation: one
 * row that triggers bump) into *@gen. */
int search_generation(struct offerapi_store *s, const char *table, int64_t *gen);

/* A write through the store @s on this thread: the next list of the
 * request (offerapi_store_reads_begin) reads the generation again. */
void search_reads_written(const struct offerapi_store *s);

/* The key of a statement @sql with parameters @p: malloc'd, NULL when out
 * of memory. */
char *search_cache_key(const char *sql, const db_param *p, int np);

/* A value kept in a cache: written once by its maker before
 * search_cache_put(), only read from then on, by the cache and any reader
 * at once; freed when its last reference goes. */
typedef struct search_blob search_blob;

/* A blob of @size bytes (aligned as malloc() aligns) with one reference,
 * the caller's; NULL when out of memory. */
search_blob *search_blob_new(size_t size);
void *search_blob_data(search_blob *b);
size_t search_blob_size(const search_blob *b);
/* Drop a reference to the search_blob @blob (NULL: nothing); the last one
 * frees it. A void * so that it can be a db_result's release. */
void search_blob_release(void *blob);

/* A reference to the blob kept for @key at generation @gen, still right at
 * the time @now (oa_now(), seconds): the caller releases it
 * (search_blob_release); NULL when there is none. The lock is held only
 * to find it: no bytes are copied. */
search_blob *search_cache_get(search_cache *c, const char *key, int64_t gen, int64_t now);

/* Keep the blob @b for @key at generation @gen, right until the time
 * @until included (the next deadline of an open offer: past it that offer
 * leaves the lists; INT64_MAX: no end). The cache takes a reference of its
 * own; the caller keeps theirs. Nothing is kept when out of memory or when
 * the blob is over the cache's max_bytes. */
void search_cache_put(search_cache *c, const char *key, int64_t gen, int64_t until, search_blob *b);

/* A statement's result kept whole (packed, db_result_pack()): into *@out,
 * a view on the kept bytes (no copy) of the result kept for @key at @gen,
 * right at @now (search_cache_get()). 1 when found, 0 when not (*@out
 * untouched), OFFERAPI_ENOMEM. */
int search_cache_get_result(search_cache *c, const char *key, int64_t gen, int64_t now,
                            db_result **out);
/* Keep a packed copy of @r for @key at @gen until @until
 * (search_cache_put()); nothing when out of memory. */
void search_cache_put_result(search_cache *c, const char *key, int64_t gen, int64_t until,
                             const db_result *r);

#endif
