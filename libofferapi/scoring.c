/*
 * scoring.c - run every scorer of a set on a stored application and store
 * the scores (see offerapi/scoring.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "crypt_internal.h"
#include "internal.h"
#include "store_internal.h"
#include "jobs_internal.h"
#include "offerapi/application.h"
#include "offerapi/offer.h"
#include "offerapi/scoring.h"

/* Whether (scorer, version) is already stored for application @id. */
static int has_score(offerapi_store *s, offerapi_id id, const char *scorer, const char *version,
                     bool *out)
{
	db_result *r = NULL;
	int rc = store_exec(s,
	                    "SELECT 1 FROM scores WHERE application_id = $1 AND scorer = $2"
	                    " AND scorer_version = $3",
	                    (db_param[]){ P_INT(id), P_TEXT(scorer), P_TEXT(version) }, 3, &r);
	if (rc == 0)
		*out = r->nrows > 0;
	db_result_free(r);
	return rc;
}

int score_ctx_load(offerapi_store *s, offerapi_id id, score_ctx *ctx)
{
	memset(ctx, 0, sizeof *ctx);
	int rc = store_exec(s,
	                    "SELECT a.offer_id, c.cv_text FROM applications a"
	                    " LEFT JOIN cv_sealed c ON c.application_id = a.id WHERE a.id = $1",
	                    (db_param[]){ P_INT(id) }, 1, &ctx->row);
	if (rc < 0)
		return rc;
	if (ctx->row->nrows == 0)
		return oa_error(OFFERAPI_ENOTFOUND, "application %lld: not found", (long long)id);
	if ((rc = offerapi_offer_get(s, db_int(ctx->row, 0, 0), &ctx->offer)) < 0)
		return rc;
	const offerapi_offer *offer = ctx->offer;
	const db_cell *text = db_cell_at(ctx->row, 0, 1);
	if (text->data &&
	    (rc = cv_open(s, id, CV_TEXT, text->data, text->len, &ctx->text, &ctx->text_len)) < 0)
		return rc;
	ctx->in = (offerapi_score_input){
		.struct_size = sizeof ctx->in,
		.offer_id = offer->id,
		.offer_title = offer->title,
		.offer_description = offer->description,
		.offer_location = offer->location,
		.skills = (const char *const *)offer->skills,
		.skill_count = offer->nskills,
		.cv_text = ctx->text ? ctx->text : "",
		.cv_len = ctx->text_len,
		.application_id = id,
	};
	return 0;
}

void score_ctx_clear(score_ctx *ctx)
{
	offerapi_offer_free(ctx->offer);
	db_result_free(ctx->row);
	if (ctx->text)
		sodium_memzero(ctx->text, ctx->text_len);
	free(ctx->text);
	memset(ctx, 0, sizeof *ctx);
}

int offerapi_application_score(offerapi_store *s, offerapi_scorers *set, offerapi_id id,
                               unsigned flags, offerapi_scoring_fn fn, void *payload)
{
	if (!s || !set)
		return oa_error(OFFERAPI_EINVAL, "scoring: no store or no scorers");
	score_ctx ctx;
	int rc = score_ctx_load(s, id, &ctx);
	if (rc < 0) {
		score_ctx_clear(&ctx);
		return rc;
	}
	int first_error = 0;
	char first_msg[512] = "";
	size_t n = offerapi_scorers_count(set);
	for (size_t i = 0; i < n; i++) {
		const offerapi_scorer_info *info = offerapi_scorers_info(set, i);
		if (flags & OFFERAPI_SCORE_MISSING_ONLY) {
			bool have = false;
			if ((rc = has_score(s, id, info->name, info->version, &have)) < 0) {
				if (!first_error)
					first_error = rc;
				break; /* the database is failing: stop here */
			}
			if (have)
				continue;
		}
		double score = 0.0, t0 = oa_monotonic();
		char expl[OFFERAPI_EXPLANATION_MAX + 1] = "";
		rc = offerapi_scorers_score_explained(set, i, &ctx.in, &score, expl, sizeof expl);
		double seconds = oa_monotonic() - t0;
		if (rc == 0)
			rc = offerapi_score_put(s, id, info->name, info->version, score, expl);
		if (rc < 0) {
			char msg[512];
			snprintf(msg, sizeof msg, "%s", offerapi_error_last()->message);
			oa_log(OFFERAPI_LOG_WARNING, "application %lld: %s", (long long)id, msg);
			if (fn)
				fn(info->name, rc, seconds, msg, payload);
			if (!first_error) {
				first_error = rc;
				snprintf(first_msg, sizeof first_msg, "%s", msg);
			}
		} else if (fn) {
			fn(info->name, 0, seconds, NULL, payload);
		}
	}
	score_ctx_clear(&ctx);
	if (first_error && first_msg[0])
		oa_error(first_error, "%s", first_msg);
	return first_error;
}
