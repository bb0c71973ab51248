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

/* The key of a statement @sql with parameters @p: malloc'd, NULL when out
 * of memory. */
char *search_cache_key(const char *sql, const db_param *p, int np);

/* A copy of the @size bytes kept for @key at generation @gen, still right
 * at the time @now (oa_now(), seconds), into *@data (malloc'd, at least one
 * byte; the caller frees it) and *@size: true, or false when there is none. */
bool search_cache_get(search_cache *c, const char *key, int64_t gen, int64_t now, void **data,
                      size_t *size);

/* Keep a copy of the @size bytes at @data for @key at generation @gen,
 * right until the time @until included (the next deadline of an open
 * offer: past it that offer leaves the lists; INT64_MAX: no end). Nothing
 * is kept when out of memory or when @size is over the cache's max_bytes. */
void search_cache_put(search_cache *c, const char *key, int64_t gen, int64_t until,
                      const void *data, size_t size);

#endif
