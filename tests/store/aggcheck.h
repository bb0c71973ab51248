/*
 * aggcheck.h - the dashboard's stored aggregates (migration 20: score_bins,
 * offer_app_counts) against a recomputation from the rows, for the
 * migration and aggregates tests.
 */
#ifndef OFFERAPI_TEST_AGGCHECK_H
#define OFFERAPI_TEST_AGGCHECK_H
#include <offerapi/offerapi.h>

/* Fail the current test unless, for offer @offer: offer_app_counts holds
 * its number of applications, score_bins holds per scorer and bin the
 * number and sum of its scores (bins as offerapi/dashboard.h defines them,
 * computed here in C), and offerapi_dashboard_get() as @owner, ranked by
 * each scorer with scores, gives the count, histogram, extremes and mean
 * of those scores. */
void aggcheck_offer(offerapi_store *s, const offerapi_user *owner, offerapi_id offer);
#endif
