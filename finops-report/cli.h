/*
 * finops-report: the command line (options.c) and the run it drives
 * (run.c). main() only wires them: parse -> collect -> decide -> render ->
 * exit code. Each stage returns FR_CONTINUE or the process' exit code; every
 * stage may be followed by fr_run_free and fr_config_free, whatever it
 * returned, and those free everything.
 */
#ifndef FR_CLI_H
#define FR_CLI_H

#include "fr.h"

#define FR_CONTINUE (-1)

/* Everything the command line and the environment say, parsed and
 * validated. Strings point into argv or the environment unless noted. */
typedef struct fr_config {
	fr_options o;
	fr_thresholds t;
	const char *output, *groupby_name;
	const char *start, *end, *pricing_file, *currency, *memory_unit;
	double cpu_price, ram_price, storage_price; /* NAN: from the pricing */
	const char *token_file[2], *password_file[2], *user[2]; /* [0] Prometheus */
	char *token[2], *password[2]; /* owned, wiped when freed */
	int stats, allow_incomplete, top, compress, no_hpa, progress, no_trend;
	long min_history_s;
	int strategy, color, groupby; /* indexes in the options' choices */
	int lang; /* FR_LANG_EN (0) or FR_LANG_FR (1), as the choices "en|fr" */
	char **ns_args; /* owned copies of the -n arguments */
	size_t nns_args;
	const fr_format *format;
	unsigned char given[64]; /* by option index: given on the command line */
} fr_config;

/* Parses and validates argv and the environment into *cfg (always
 * initialised, so fr_config_free may follow). Returns FR_CONTINUE, or the
 * exit code: 0 after --help or --version, 1 after an error it printed. */
int fr_config_parse(fr_config *cfg, int argc, char **argv);
void fr_config_free(fr_config *cfg);
/* Writes --help to f. */
void fr_config_usage(FILE *f);

/* One run: the HTTP clients, the model, the outcome. */
typedef struct fr_run {
	fr_http prom, kc;
	fr_model m;
	int curl_ready;
	int code; /* the exit code the decision gives */
	double t0; /* monotonic start of collection, 0 before */
} fr_run;

void fr_run_init(fr_run *r);
int fr_run_collect(fr_config *cfg, fr_run *r);
int fr_run_decide(fr_config *cfg, fr_run *r);
int fr_run_render(fr_config *cfg, fr_run *r);
/* Prints --stats (when asked and collection started). */
void fr_run_stats(const fr_config *cfg, const fr_run *r);
void fr_run_free(fr_run *r);

#endif
