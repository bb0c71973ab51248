/*
 * aggcheck.c - see aggcheck.h.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "aggcheck.h"
#include "store_internal.h"
#include "testdb.h"

#define MAXSCORERS 8

/* One scorer's scores, recomputed. */
typedef struct want {
	char name[OFFERAPI_SCORER_NAME_MAX + 1];
	int64_t n[OFFERAPI_DASHBOARD_BINS];
	double total[OFFERAPI_DASHBOARD_BINS];
	double min, max;
} want;

/* The bin of @x with the bounds written as in C, as dashboard.h says. */
static int bin_of(double x)
{
	static const double up[] = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9 };
	int k = 0;
	while (k < 9 && x >= up[k])
		k++;
	return k;
}

static size_t recompute(offerapi_store *s, offerapi_id offer, want *w)
{
	db_result *r = NULL;
	assert_rc(store_exec(s, "SELECT scorer, score FROM scores WHERE offer_id = $1",
	                     (db_param[]){ P_INT(offer) }, 1, &r),
	          0);
	size_t nw = 0;
	for (int i = 0; i < r->nrows; i++) {
		const char *name = db_text(r, i, 0);
		double x = db_real(r, i, 1);
		size_t k = 0;
		while (k < nw && strcmp(w[k].name, name))
			k++;
		if (k == nw) {
			assert_true(nw < MAXSCORERS);
			memset(&w[k], 0, sizeof w[k]);
			snprintf(w[k].name, sizeof w[k].name, "%s", name);
			w[k].min = w[k].max = x;
			nw++;
		}
		w[k].n[bin_of(x)]++;
		w[k].total[bin_of(x)] += x;
		w[k].min = fmin(w[k].min, x);
		w[k].max = fmax(w[k].max, x);
	}
	db_result_free(r);
	return nw;
}

/* The stored rows of score_bins against @w: every stored count equal,
 * every sum within rounding (a bin emptied keeps a row of n = 0). */
static void check_bins(offerapi_store *s, offerapi_id offer, const want *w, size_t nw)
{
	db_result *r = NULL;
	assert_rc(store_exec(s, "SELECT scorer, bin, n, total FROM score_bins WHERE offer_id = $1",
	                     (db_param[]){ P_INT(offer) }, 1, &r),
	          0);
	int64_t seen = 0, stored = 0;
	for (int i = 0; i < r->nrows; i++) {
		const char *name = db_text(r, i, 0);
		int64_t bin = db_int(r, i, 1), n = db_int(r, i, 2);
		double total = db_real(r, i, 3);
		assert_true(bin >= 0 && bin < OFFERAPI_DASHBOARD_BINS);
		size_t k = 0;
		while (k < nw && strcmp(w[k].name, name))
			k++;
		int64_t want_n = k < nw ? w[k].n[bin] : 0;
		double want_t = k < nw ? w[k].total[bin] : 0;
		if (n != want_n || fabs(total - want_t) > 1e-9)
			fail_msg(
				"offer %lld, %s, bin %lld: stored %lld, %.17g; recomputed %lld, %.17g",
				(long long)offer, name, (long long)bin, (long long)n, total,
				(long long)want_n, want_t);
		stored += n;
	}
	for (size_t k = 0; k < nw; k++)
		for (int b = 0; b < OFFERAPI_DASHBOARD_BINS; b++)
			seen += w[k].n[b];
	assert_int_equal(stored, seen); /* no bin missing */
	db_result_free(r);
}

static void check_dashboard(offerapi_store *s, const offerapi_user *owner, offerapi_id offer,
                            const want *w, size_t nw, int64_t count)
{
	for (size_t k = 0; k < nw; k++) {
		offerapi_rank rank = OFFERAPI_RANK_INIT;
		rank.by = w[k].name;
		offerapi_dashboard *d;
		assert_rc(offerapi_dashboard_get(s, owner, offer, &rank, NULL, &d), 0);
		assert_int_equal(d->count, count);
		int64_t scored = 0;
		double sum = 0;
		for (int b = 0; b < OFFERAPI_DASHBOARD_BINS; b++) {
			assert_int_equal(d->histogram[b], w[k].n[b]);
			scored += w[k].n[b];
			sum += w[k].total[b];
		}
		assert_int_equal(d->scored, scored);
		if (scored) {
			assert_true(d->min == w[k].min);
			assert_true(d->max == w[k].max);
			assert_true(fabs(d->mean - sum / (double)scored) < 1e-9);
		}
		/* the columns: every scorer with scores, by name */
		assert_int_equal(d->nscorers, nw);
		for (size_t j = 0; j < nw; j++) {
			size_t c = 0;
			while (c < d->nscorers && strcmp(d->scorers[c], w[j].name))
				c++;
			assert_true(c < d->nscorers);
		}
		for (size_t c = 1; c < d->nscorers; c++)
			assert_true(strcmp(d->scorers[c - 1], d->scorers[c]) < 0);
		offerapi_dashboard_free(d);
	}
}

void aggcheck_offer(offerapi_store *s, const offerapi_user *owner, offerapi_id offer)
{
	want w[MAXSCORERS];
	size_t nw = recompute(s, offer, w);
	check_bins(s, offer, w, nw);
	int64_t count, stored = 0;
	assert_rc(store_count(s, " FROM applications WHERE offer_id = $1",
	                      (db_param[]){ P_INT(offer) }, 1, &count),
	          0);
	db_result *r = NULL;
	assert_rc(store_exec(s, "SELECT applications FROM offer_app_counts WHERE offer_id = $1",
	                     (db_param[]){ P_INT(offer) }, 1, &r),
	          0);
	if (r->nrows)
		stored = db_int(r, 0, 0);
	db_result_free(r);
	if (stored != count)
		fail_msg("offer %lld: %lld applications stored, %lld counted", (long long)offer,
		         (long long)stored, (long long)count);
	check_dashboard(s, owner, offer, w, nw, count);
}
