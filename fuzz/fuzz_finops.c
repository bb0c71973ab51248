/*
 * fuzz_finops.c - libFuzzer target for finops-report's parsers of outside
 * input: the answers of Prometheus (instant and range queries, series) and
 * Kubecost (allocations), and the command line with its durations,
 * quantities and times. The answers are fed as they arrive after the GET
 * (fr_prom_parse, fr_prom_range_parse, fr_prom_series_parse,
 * fr_kubecost_parse), without a network.
 *
 * Input: the first byte picks the parser (its value modulo 6), the rest is
 * the answer's body, or for the command line its arguments, one a line
 * (at most 64). Each call must return 0 or -1, and on -1 give a message of
 * one line; it must not crash, leak or hang. Arguments that name a file to
 * read (--pricing, the token and password files) are dropped: the target
 * fuzzes parsing, not the file system.
 *
 *   build-fuzz/fuzz/fuzz-finops -max_len=16384 -timeout=10 -close_fd_mask=2 \
 *       CORPUS fuzz/corpus/finops
 * (-close_fd_mask=2: the command line's errors go to stderr.)
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fr.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_ARGS 64

/* A refusal gives one line; a success none. */
static void check_err(int rc, const char *err)
{
	if (rc != 0 && rc != -1)
		abort();
	if (rc == -1 && (!err[0] || strchr(err, '\n')))
		abort();
}

static int on_series(void *ud, json_t *metric, const double *ts, const double *v, size_t n)
{
	size_t *points = ud;
	(void)metric;
	for (size_t i = 0; i < n; i++)
		if (ts[i] == ts[i] && v[i] == v[i]) /* read every value */
			(*points)++;
	return 0;
}

static void prom_instant(const fr_http *h, const char *body)
{
	fr_promres r;
	char err[1024] = "";
	memset(&r, 0, sizeof r);
	int rc = fr_prom_parse(h, "/api/v1/query", body, 200, &r, err, sizeof err);
	check_err(rc, err);
	if (rc)
		return;
	size_t i;
	json_t *series;
	json_array_foreach(r.result, i, series)
	{
		(void)fr_prom_label(series, "namespace");
		(void)fr_prom_value(series);
	}
	fr_promres_free(&r);
}

static void prom_range(const fr_http *h, const char *body)
{
	char err[1024] = "", *warnings = NULL;
	size_t points = 0;
	int rc = fr_prom_range_parse(h, body, 200, on_series, &points, &warnings, err, sizeof err);
	check_err(rc, err);
	if (rc && warnings)
		abort(); /* warnings come with a success only */
	free(warnings);
}

static void prom_series(const fr_http *h, const char *body)
{
	json_t *out = NULL;
	char err[1024] = "";
	int rc = fr_prom_series_parse(h, body, 200, &out, err, sizeof err);
	check_err(rc, err);
	if ((rc == 0) != (out != NULL))
		abort();
	json_decref(out);
}

static void kubecost(const char *body, int variant)
{
	fr_model m;
	fr_options o;
	memset(&m, 0, sizeof m);
	memset(&o, 0, sizeof o);
	o.window_s = 7 * 86400;
	if (variant & 1)
		o.selector = "app,tier!=db";
	char err[1024] = "";
	int rc = fr_kubecost_parse(body, &m, variant & 2, &o, err, sizeof err);
	check_err(rc, err);
	fr_model_free(&m);
}

/* Whether @arg is a long option that names a file to read (getopt_long
 * takes any unambiguous prefix: "--pri" is --pricing). */
static int names_file(const char *arg)
{
	static const char *const files[] = { "pricing", "prometheus-token-file",
		                             "prometheus-password-file", "kubecost-token-file",
		                             "kubecost-password-file" };
	if (strncmp(arg, "--", 2) != 0 || !arg[2])
		return 0;
	size_t n = strcspn(arg + 2, "=");
	for (size_t i = 0; i < sizeof files / sizeof *files; i++)
		if (!strncmp(files[i], arg + 2, n))
			return 1;
	return 0;
}

static void command_line(char *text)
{
	char *argv[MAX_ARGS + 2] = { "finops-report" };
	int argc = 1;
	for (char *line = text; line && argc <= MAX_ARGS;) {
		char *nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		if (names_file(line))
			return;
		argv[argc++] = line;
		line = nl ? nl + 1 : NULL;
	}
	argv[argc] = NULL;
	fr_config cfg;
	int rc = fr_config_parse(&cfg, argc, argv);
	if (rc != FR_CONTINUE && rc != 0 && rc != 1)
		abort();
	fr_config_free(&cfg);
	fr_selection_free();
}

static void quantities(const char *s)
{
	long l;
	double d;
	(void)fr_parse_duration(s, &l);
	(void)fr_parse_cpu(s, &d);
	(void)fr_parse_bytes(s, &d);
	(void)fr_parse_time(s, &d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > (1u << 20))
		return 0;
	char *body = malloc(size); /* the bytes after the first, NUL-terminated */
	if (!body)
		return 0;
	memcpy(body, data + 1, size - 1);
	body[size - 1] = '\0';
	fr_http h = { .name = "prometheus", .shown = "http://127.0.0.1:9090" };
	switch (data[0] % 6) {
	case 0: prom_instant(&h, body); break;
	case 1: prom_range(&h, body); break;
	case 2: prom_series(&h, body); break;
	case 3: kubecost(body, data[0] / 6); break;
	case 4: command_line(body); break;
	default: quantities(body); break;
	}
	free(body);
	return 0;
}
