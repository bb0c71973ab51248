/*
 * search_cache.h - the ranked matches of recent searches (searchcache.c
 * says how it stays right when offers change). Internal, never installed.
 */
#ifndef OFFERAPI_SEARCH_CACHE_H
#define OFFERAPI_SEARCH_CACHE_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "keyset.h"

typedef struct search_cache search_cache;
struct offerapi_store;

/* A new empty cache, or NULL when out of memory. */
search_cache *search_cache_new(void);
void search_cache_free(search_cache *c);

/* The offers' generation (offers_generation.gen) into *@gen. */
int search_generation(struct offerapi_store *s, int64_t *gen);

/* The key of a ranking statement @sql with parameters @p: malloc'd, NULL
 * when out of memory. */
char *search_cache_key(const char *sql, const db_param *p, int np);

/* A copy of the rows ranked for @key at generation @gen, still right at
 * the time @now (oa_now(), seconds), into *@rows (the caller frees it) and
 * *@n: true, or false when there is none. */
bool search_cache_get(search_cache *c, const char *key, int64_t gen, int64_t now, ks_row **rows,
                      size_t *n);

/* Keep a copy of @n @rows ranked for @key at generation @gen, right until
 * the time @until included (the next deadline of an open offer: past it
 * that offer leaves the lists; INT64_MAX: no end). Nothing is kept when out
 * of memory. */
void search_cache_put(search_cache *c, const char *key, int64_t gen, int64_t until,
                      const ks_row *rows, size_t n);

#endif
