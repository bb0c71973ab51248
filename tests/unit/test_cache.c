/*
 * test_cache.c - the store's caches of results (searchcache.c): a fixed
 * number of entries and a fixed size each, whatever is put; an entry is
 * used only at its generation and until its time; a result packed for
 * the cache comes back cell for cell, SQL NULLs included (db.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "db.h"
#include "search_cache.h"

/* Put a copy of the @n bytes at @v for @key at @gen, right until @until. */
static void put(search_cache *c, const char *key, int64_t gen, int64_t until, const void *v,
                size_t n)
{
	search_blob *b = search_blob_new(n);
	assert_non_null(b);
	memcpy(search_blob_data(b), v, n);
	search_cache_put(c, key, gen, until, b);
	search_blob_release(b); /* the cache holds its own reference */
}

/* True when @key is kept at @gen (time 0); its bytes checked against @want. */
static bool kept(search_cache *c, const char *key, int64_t gen, const char *want)
{
	search_blob *b = search_cache_get(c, key, gen, 0);
	if (!b)
		return false;
	assert_int_equal(search_blob_size(b), strlen(want) + 1);
	assert_memory_equal(search_blob_data(b), want, strlen(want) + 1);
	search_blob_release(b);
	return true;
}

static void bound_kept(void **state)
{
	(void)state;
	search_cache *c = search_cache_new(4, 16);
	assert_non_null(c);
	char key[16];
	for (int i = 0; i < 10; i++) { /* more keys than entries */
		snprintf(key, sizeof key, "k%d", i);
		put(c, key, 1, INT64_MAX, key, strlen(key) + 1);
	}
	int n = 0;
	for (int i = 0; i < 10; i++) {
		snprintf(key, sizeof key, "k%d", i);
		n += kept(c, key, 1, key);
	}
	assert_int_equal(n, 4); /* the 4 put last */
	assert_true(kept(c, "k9", 1, "k9"));
	assert_false(kept(c, "k0", 1, "k0"));
	/* over the size of an entry: not kept */
	put(c, "big", 1, INT64_MAX, "0123456789abcdef", 17);
	assert_false(kept(c, "big", 1, "0123456789abcdef"));
	put(c, "fits", 1, INT64_MAX, "0123456789abcde", 16);
	assert_true(kept(c, "fits", 1, "0123456789abcde"));
	search_cache_free(c);
}

static void generation_and_time(void **state)
{
	(void)state;
	search_cache *c = search_cache_new(4, 64);
	put(c, "page", 7, 100, "v7", 3);
	assert_true(kept(c, "page", 7, "v7"));
	assert_false(kept(c, "page", 8, "v7")); /* written since */
	assert_false(kept(c, "page", 6, "v7"));
	search_blob *b = search_cache_get(c, "page", 7, 100); /* right until 100 included */
	assert_non_null(b);
	assert_null(search_cache_get(c, "page", 7, 101)); /* a deadline passed */
	put(c, "page", 8, INT64_MAX, "v8", 3); /* replaces it */
	/* a reader's reference outlives the entry it was taken from */
	assert_memory_equal(search_blob_data(b), "v7", 3);
	search_blob_release(b);
	assert_true(kept(c, "page", 8, "v8"));
	assert_false(kept(c, "page", 7, "v7"));
	search_cache_free(c);
}

static void pack_unpack(void **state)
{
	(void)state;
	db_result *r = NULL;
	assert_int_equal(db_result_new(&r, 2, 3), 0);
	const char *v[6] = { "1", NULL, "Offre", "", "café \xc3\xa9", NULL };
	for (int i = 0; i < 6; i++)
		if (v[i])
			r->cells[i] = (db_cell){ strdup(v[i]), strlen(v[i]) };
	void *b = malloc(db_result_packed_size(r));
	assert_non_null(b);
	db_result_pack(r, b);
	db_result *u = db_result_view(b, free, b);
	assert_non_null(u);
	assert_int_equal(u->nrows, 2);
	assert_int_equal(u->ncols, 3);
	for (int i = 0; i < 6; i++) {
		if (!v[i]) {
			assert_null(u->cells[i].data);
			continue;
		}
		assert_int_equal(u->cells[i].len, strlen(v[i]));
		assert_string_equal(u->cells[i].data, v[i]);
	}
	db_result_free(u);
	db_result_free(r);
	/* no rows */
	assert_int_equal(db_result_new(&r, 0, 4), 0);
	b = malloc(db_result_packed_size(r));
	assert_non_null(b);
	db_result_pack(r, b);
	u = db_result_view(b, NULL, NULL); /* nothing to give back */
	assert_non_null(u);
	assert_int_equal(u->nrows, 0);
	assert_int_equal(u->ncols, 4);
	db_result_free(u);
	free(b);
	db_result_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bound_kept),
		cmocka_unit_test(generation_and_time),
		cmocka_unit_test(pack_unpack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
