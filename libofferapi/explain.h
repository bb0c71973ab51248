/*
 * explain.h - collecting a plugin's report of one score and composing the
 * stored explanation document (explanation.c). Internal to libofferapi.
 */
#ifndef OA_EXPLAIN_H
#define OA_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "offerapi/scorer.h"

/* What a plugin reported during one score() call. */
typedef struct oa_report {
	offerapi_score_report abi; /* handed to the plugin as in->report */
	size_t nskills;
	double *credit; /* per offer skill; NaN: not reported */
	struct {
		char name[OFFERAPI_SCORER_SUBSCORE_NAME_MAX + 1];
		double value;
	} sub[OFFERAPI_SCORER_SUBSCORES_MAX];
	size_t nsub;
	unsigned bad; /* reports that broke the contract (ignored) */
} oa_report;

int oa_report_init(oa_report *c, size_t nskills);
void oa_report_fini(oa_report *c);
/* Whether the plugin reported anything valid. */
bool oa_report_any(const oa_report *c);
/* The stored document (see explanation.c) into @p doc; 0 or an error. */
int oa_report_compose(const oa_report *c, const char *const *skills, const char *text, char *doc,
                      size_t docsz);

#endif
