/*
 * finops-report: the options, in one table (name, environment variable,
 * type, default, range, help) from which come parsing, validation, --help
 * and, through --help, the option list of docs/finops-report.md (a test
 * compares the two). A new option is one line of the table, a field of
 * fr_config, and its use.
 */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "oacommon.h"

enum otype {
	OT_STR, /* const char *: the text as given */
	OT_FLAG, /* int: 1 when given */
	OT_LIST, /* -n: repeatable, comma-separated */
	OT_NUM, /* double within [lo, hi] */
	OT_PCT, /* double within [lo, hi] percent, stored as a fraction */
	OT_INT, /* int within [lo, hi] */
	OT_LONG, /* long within [lo, hi] */
	OT_DUR, /* long seconds: 24h, 7d, 1d12h */
	OT_CPU, /* double cores: 10m, 0.5 */
	OT_BYTES, /* double bytes: 100Mi, 1G */
	OT_ENUM, /* int: index in choices ("a|b|c"), -1 when not given */
	OT_FORMAT, /* const fr_format *: a name of formats.c's table */
	OT_SECRET, /* const char * file; env holds the secret itself */
	OT_HELP,
	OT_VERSION,
};

typedef struct optdef {
	const char *name;
	int shortc;
	const char *arg; /* the value's name in --help, NULL for flags */
	int type;
	size_t off; /* offsetof(fr_config, ...) */
	const char *def; /* the default, parsed like a given value; NULL: none */
	double lo, hi; /* range of numbers; NAN: unbounded */
	const char *choices; /* OT_ENUM: "a|b|c" */
	const char *env; /* variable read when the option is not given */
	int utf8; /* text that reaches the report or its messages */
	const char *section; /* a heading of --help, before this option */
	const char *help;
} optdef;

#define C(f) offsetof(fr_config, f)
/* A source's three authentication options (bearer token file, basic auth
 * user and password file): src is its name, i its index in fr_config. */
/* clang-format off */
#define AUTH_OPTIONS(src, i, ENV) \
	{ src "-token-file", 0, "F", OT_SECRET, C(token_file[i]), NULL, NONE, NULL, \
	  "FINOPS_" ENV "_TOKEN", 0, NULL, "bearer token, first line of F" }, \
	{ src "-user", 0, "USER", OT_STR, C(user[i]), NULL, NONE, NULL, NULL, 0, NULL, \
	  "basic auth user" }, \
	{ src "-password-file", 0, "F", OT_SECRET, C(password_file[i]), NULL, NONE, NULL, \
	  "FINOPS_" ENV "_PASSWORD", 0, NULL, "basic auth password, with --" src "-user" }
/* clang-format on */
#define NONE NAN, NAN

static const optdef opts[] = {
	{ "prometheus", 0, "URL", OT_STR, C(o.prometheus), NULL, NONE, NULL,
	  "FINOPS_PROMETHEUS_URL", 1, "Sources", "Prometheus base URL" },
	{ "kubecost", 0, "URL", OT_STR, C(o.kubecost), NULL, NONE, NULL, "FINOPS_KUBECOST_URL", 1,
	  NULL, "Kubecost base URL (GET URL/model/allocation); its costs are used" },
	{ "opencost", 0, NULL, OT_FLAG, C(o.opencost), NULL, NONE, NULL, NULL, 0, NULL,
	  "the --kubecost URL is OpenCost: GET URL/allocation" },
	{ "window", 0, "DUR", OT_DUR, C(o.window_s), "7d", NONE, NULL, NULL, 0,
	  "Window and selection", "length of the window, e.g. 24h, 7d, 1d12h" },
	{ "start", 0, "TIME", OT_STR, C(start), NULL, NONE, NULL, NULL, 0, NULL,
	  "start of the window instead of --window: RFC 3339 with its zone "
	  "(2026-11-01T00:00:00Z, 2026-11-01T01:00:00+01:00) or unix seconds" },
	{ "end", 0, "TIME", OT_STR, C(end), NULL, NONE, NULL, NULL, 0, NULL,
	  "end of the window, same forms, from 2015 to a day from now; default now" },
	{ "namespace", 'n', "NS", OT_LIST, 0, NULL, NONE, NULL, NULL, 1, NULL,
	  "namespace; repeat or comma-separate for several" },
	{ "namespace-regex", 0, "RE", OT_STR, C(o.namespace_regex), NULL, NONE, NULL, NULL, 1, NULL,
	  "namespaces: POSIX extended regex, anchored (whole name)" },
	{ "selector", 'l', "SEL", OT_STR, C(o.selector), NULL, NONE, NULL, NULL, 1, NULL,
	  "pod label selector: k=v, k!=v, k, !k, comma-joined" },
	{ "pod", 0, "RE", OT_STR, C(o.pod_regex), NULL, NONE, NULL, NULL, 1, NULL,
	  "pod name, POSIX extended regex, anchored" },
	{ "strategy", 0, "NAME", OT_ENUM, C(strategy), "simple", NONE, "simple|max", NULL, 0,
	  "Recommendations",
	  "simple: CPU at a percentile of usage, memory max + buffer; max: CPU max" },
	{ "cpu-percentile", 0, "P", OT_NUM, C(o.strategy.cpu_percentile), "95", 1, 100, NULL, NULL,
	  0, NULL, "percentile of usage CPU is sized to" },
	{ "memory-buffer", 0, "PCT", OT_PCT, C(o.strategy.mem_buffer), "15", 0, NAN, NULL, NULL, 0,
	  NULL, "percent added to the maximum working set" },
	{ "cpu-min", 0, "Q", OT_CPU, C(o.strategy.cpu_floor), "10m", NONE, NULL, NULL, 0, NULL,
	  "floor of CPU recommendations" },
	{ "memory-min", 0, "Q", OT_BYTES, C(o.strategy.mem_floor), "100Mi", NONE, NULL, NULL, 0,
	  NULL, "floor of memory recommendations" },
	{ "min-history", 0, "DUR", OT_DUR, C(min_history_s), "6h", NONE, NULL, NULL, 0, NULL,
	  "containers with less usage history (or less than half a shorter window) are listed "
	  "as not enough data, never recommended" },
	{ "cpu-limit-factor", 0, "X", OT_NUM, C(o.cpu_limit_factor), "0", 0, 100, NULL, NULL, 0,
	  NULL,
	  "recommended CPU limit = X x recommended request; 0: no CPU limit (memory limit = "
	  "recommended memory request)" },
	{ "no-hpa", 0, NULL, OT_FLAG, C(no_hpa), NULL, NONE, NULL, NULL, 0, NULL,
	  "ignore HPAs (otherwise CPU is sized to usage / the HPA's target)" },
	{ "pricing", 0, "FILE", OT_STR, C(pricing_file), NULL, NONE, NULL, NULL, 0,
	  "Pricing (GiB = 2^30 bytes, GB = 10^9 bytes; flags override the file)",
	  "pricing file (key = value; see pricing.default.conf)" },
	{ "currency", 0, "CUR", OT_STR, C(currency), NULL, NONE, NULL, NULL, 1, NULL,
	  "currency code; default EUR" },
	{ "cpu-price", 0, "X", OT_NUM, C(cpu_price), NULL, 0, NAN, NULL, NULL, 0, NULL,
	  "per vCPU-hour; default 0.02" },
	{ "ram-price", 0, "X", OT_NUM, C(ram_price), NULL, 0, NAN, NULL, NULL, 0, NULL,
	  "per memory-unit-hour; default 0.01" },
	{ "storage-price", 0, "X", OT_NUM, C(storage_price), NULL, 0, NAN, NULL, NULL, 0, NULL,
	  "per memory-unit-month of storage; default 0.03" },
	{ "memory-unit", 0, "UNIT", OT_STR, C(memory_unit), NULL, NONE, NULL, NULL, 0, NULL,
	  "GiB or GB: the unit RAM and storage prices are per; default GiB" },
	{ "format", 'f', "F", OT_FORMAT, C(format), "table", NONE, NULL, NULL, 0, "Output",
	  "output format" },
	{ "emit", 0, "KIND", OT_FORMAT, C(format), NULL, NONE, NULL, NULL, 0, NULL,
	  "instead of a report, changes to apply, one per Deployment, StatefulSet or "
	  "DaemonSet: patch (strategic-merge patches with the recommended requests and "
	  "limits) or vpa (VerticalPodAutoscalers, updateMode Off)" },
	{ "no-trend", 0, NULL, OT_FLAG, C(no_trend), NULL, NONE, NULL, NULL, 0, NULL,
	  "no daily breakdown and no comparison with the previous window (no pass over it)" },
	{ "output", 'o', "FILE", OT_STR, C(output), NULL, NONE, NULL, NULL, 0, NULL,
	  "write there instead of stdout" },
	{ "group-by", 0, "G", OT_STR, C(groupby_name), NULL, NONE, NULL, NULL, 1, NULL,
	  "level of the cost table or CSV rows: container, pod, controller, namespace, or "
	  "label:KEY (pod label KEY, else the namespace's, else \"unlabelled\"); default "
	  "container for CSV with Prometheus, else pod" },
	{ "share-idle", 0, NULL, OT_FLAG, C(o.share_idle), NULL, NONE, NULL, NULL, 0, NULL,
	  "share the nodes' idle cost over the namespaces in proportion to their CPU and RAM "
	  "cost (showback)" },
	{ "top", 0, "N", OT_INT, C(top), "20", 0, NAN, NULL, NULL, 0, NULL,
	  "table: rows per section, 0 = all" },
	{ "color", 0, "WHEN", OT_ENUM, C(color), "auto", NONE, "auto|always|never", NULL, 0, NULL,
	  "auto: only on a TTY without NO_COLOR" },
	{ "lang", 0, "L", OT_ENUM, C(lang), NULL, NONE, "en|fr", NULL, 0, NULL,
	  "language of the table, Markdown and HTML reports (JSON and CSV never change; "
	  "messages on stderr stay English); default French when LC_ALL, else LC_MESSAGES, "
	  "else LANG starts with fr" },
	{ "stats", 0, NULL, OT_FLAG, C(stats), NULL, NONE, NULL, NULL, 0, NULL,
	  "print queries sent, wall time and peak RSS to stderr" },
	{ "quiet", 'q', NULL, OT_FLAG, C(o.quiet), NULL, NONE, NULL, NULL, 0, NULL,
	  "no progress line, no data-incomplete or threshold lines on stderr" },
	{ "progress", 0, NULL, OT_FLAG, C(progress), NULL, NONE, NULL, NULL, 0, NULL,
	  "progress on stderr even when it is not a terminal (queries done and expected, "
	  "batch, retries with their reason and wait); on a terminal it is on unless -q" },
	{ "fail-if-savings-over", 0, "X", OT_NUM, C(t.savings_over), NULL, 0, NAN, NULL, NULL, 0,
	  "Thresholds (exit code 2 when breached)", "potential savings per month above X" },
	{ "min-efficiency", 0, "PCT", OT_NUM, C(t.min_efficiency), NULL, 0, 100, NULL, NULL, 0,
	  NULL, "total efficiency below PCT percent" },
	{ "max-monthly-cost", 0, "X", OT_NUM, C(t.max_cost), NULL, 0, NAN, NULL, NULL, 0, NULL,
	  "cost per month above X" },
	{ "fail-on-risk", 0, NULL, OT_FLAG, C(t.fail_on_risk), NULL, NONE, NULL, NULL, 0, NULL,
	  "any under-provisioned container" },
	{ "allow-incomplete", 0, NULL, OT_FLAG, C(allow_incomplete), NULL, NONE, NULL, NULL, 0,
	  NULL, "exit 0 instead of 3 on incomplete data" },
	{ "timeout", 0, "SECS", OT_LONG, C(o.timeout_s), "30", 1, NAN, NULL, NULL, 0, "HTTP",
	  "per request" },
	{ "retries", 0, "N", OT_INT, C(o.retries), "3", 0, 20, NULL, NULL, 0, NULL,
	  "on 503/502/504/429 and network errors" },
	{ "retry-delay", 0, "SECS", OT_NUM, C(o.retry_delay_s), "1", 0, NAN, NULL, NULL, 0, NULL,
	  "first back-off, doubled each time" },
	{ "concurrency", 0, "N", OT_INT, C(o.concurrency), "4", 1, 64, NULL, NULL, 0, NULL,
	  "queries in flight at most" },
	{ "batch-pods", 0, "N", OT_INT, C(o.batch_pods), "250", 1, NAN, NULL, NULL, 0, NULL,
	  "pods per batch of namespaces" },
	{ "rate-window", 0, "DUR", OT_DUR, C(o.rate_window_s), "5m", NONE, NULL, NULL, 0, NULL,
	  "rate() window for CPU" },
	{ "resolution", 0, "DUR", OT_DUR, C(o.resolution_s), "1m", NONE, NULL, NULL, 0, NULL,
	  "CPU usage step floor, raised so that no series exceeds 11000 points" },
	{ "cacert", 0, "FILE", OT_STR, C(o.cacert), NULL, NONE, NULL, NULL, 0, NULL,
	  "CA bundle for HTTPS" },
	{ "compress", 0, NULL, OT_FLAG, C(compress), NULL, NONE, NULL, NULL, 0, NULL,
	  "ask for gzip responses (a remote Prometheus: less traffic, more CPU)" },
	AUTH_OPTIONS("prometheus", 0, "PROMETHEUS"),
	AUTH_OPTIONS("kubecost", 1, "KUBECOST"),
	{ "requests-metric", 0, "NAME", OT_STR, C(o.requests_metric),
	  "offerapi_http_requests_total", NONE, NULL, NULL, 1, "Unit economics",
	  "requests counter ('' = off)" },
	{ "applications-metric", 0, "NAME", OT_STR, C(o.applications_metric),
	  "offerapi_applications_received_total", NONE, NULL, NULL, 1, NULL,
	  "applications counter ('' = off)" },
	{ "help", 'h', NULL, OT_HELP, 0, NULL, NONE, NULL, NULL, 0, "Information",
	  "this help, then exit 0" },
	{ "version", 0, NULL, OT_VERSION, 0, NULL, NONE, NULL, NULL, 0, NULL,
	  "the version, then exit 0" },
};

#define NOPTS (sizeof opts / sizeof opts[0])

/* ------------------------------------------------------------------ help */

static const char usage_head[] =
	"Usage: finops-report [OPTIONS]\n"
	"\n"
	"Per-pod cost and over-provisioning report from Prometheus (kube-state-metrics\n"
	"and cAdvisor) and, optionally, Kubecost or OpenCost. Needs --prometheus or\n"
	"--kubecost (or both).\n";

static const char usage_tail[] =
	"\n"
	"Exit codes:\n"
	"  0  report written, no threshold breached, data complete\n"
	"  1  error (bad option, unreachable source, HTTP or API error after retries)\n"
	"  2  a threshold was breached (takes precedence over 3)\n"
	"  3  data incomplete: missing usage series, Prometheus or Kubecost warnings,\n"
	"     pods only one source knows, or nothing matched the selection\n"
	"\n"
	"Environment: FINOPS_PROMETHEUS_URL, FINOPS_KUBECOST_URL,\n"
	"FINOPS_PROMETHEUS_TOKEN, FINOPS_PROMETHEUS_PASSWORD, FINOPS_KUBECOST_TOKEN,\n"
	"FINOPS_KUBECOST_PASSWORD, NO_COLOR. Tokens and passwords are never printed.\n";

/* "a|b|c" as "a, b, c". */
static const char *choices_text(const char *choices, char *b, size_t n)
{
	size_t k = 0;
	for (const char *p = choices; *p && k + 3 < n; p++) {
		if (*p == '|') {
			b[k++] = ',';
			b[k++] = ' ';
		} else {
			b[k++] = *p;
		}
	}
	b[k] = '\0';
	return b;
}

/* Writes text word-wrapped at 79 columns, continuation lines indented to
 * column 28, the first line starting at column `col`. */
static void wrap(FILE *f, const char *text, size_t col)
{
	const char *p = text;
	while (*p) {
		size_t w = strcspn(p, " ");
		if (col > 28 && col + 1 + w > 79) {
			fprintf(f, "\n%28s", "");
			col = 28;
		} else if (col > 28) {
			fputc(' ', f);
			col++;
		}
		fwrite(p, 1, w, f);
		col += w;
		p += w;
		while (*p == ' ')
			p++;
	}
	fputc('\n', f);
}

/* The help of one option: its text, then what the table says of its
 * choices, range, default and variable. */
static void help_line(FILE *f, const optdef *d)
{
	char lead[64], text[600], extra[300] = "", ch[200];
	size_t n = 0;
	if (d->shortc)
		snprintf(lead, sizeof lead, "  -%c, --%s%s%s", d->shortc, d->name,
		         d->arg ? " " : "", d->arg ? d->arg : "");
	else
		snprintf(lead, sizeof lead, "  --%s%s%s", d->name, d->arg ? " " : "",
		         d->arg ? d->arg : "");
	const char *choices = d->type == OT_FORMAT ? fr_format_names(strcmp(d->name, "emit") == 0)
	                      : d->choices         ? choices_text(d->choices, ch, sizeof ch)
	                                           : NULL;
#define ADD(...)                                                                                   \
	n += (size_t)snprintf(extra + n, n < sizeof extra ? sizeof extra - n : 0, __VA_ARGS__)
	if (choices)
		ADD("%sone of %s", n ? "; " : "", choices);
	if (!isnan(d->lo) && !isnan(d->hi))
		ADD("%s%g to %g", n ? "; " : "", d->lo, d->hi);
	else if (!isnan(d->lo))
		ADD("%sat least %g", n ? "; " : "", d->lo);
	if (d->def)
		ADD("%sdefault %s", n ? "; " : "", *d->def ? d->def : "''");
	if (d->env)
		ADD("%senv %s", n ? "; " : "", d->env);
#undef ADD
	snprintf(text, sizeof text, "%s%s%s%s", d->help, n ? " (" : "", extra, n ? ")" : "");
	fputs(lead, f);
	size_t col = strlen(lead);
	if (col > 26) {
		fprintf(f, "\n%28s", "");
		col = 28;
	} else {
		fprintf(f, "%*s", (int)(28 - col), "");
		col = 28;
	}
	wrap(f, text, col);
}

void fr_config_usage(FILE *f)
{
	fputs(usage_head, f);
	for (size_t i = 0; i < NOPTS; i++) {
		if (opts[i].section)
			fprintf(f, "\n%s:\n", opts[i].section);
		help_line(f, &opts[i]);
	}
	fputs(usage_tail, f);
}

/* --------------------------------------------------------------- parsing */

/* Prints "finops-report: <message>" on stderr; returns the error exit code. */
static int die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "finops-report: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return FR_EXIT_ERROR;
}

/* A number within the option's range, or -1 with a message. */
static int parse_num(const optdef *d, const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	int bad = errno || end == s || *end || isnan(v) || isinf(v);
	if (!bad && ((!isnan(d->lo) && v < d->lo) || (!isnan(d->hi) && v > d->hi)))
		bad = 1;
	if (!bad) {
		*out = v;
		return 0;
	}
	if (!isnan(d->hi))
		die("--%s '%s': expected a number from %g to %g", d->name, s, d->lo, d->hi);
	else
		die("--%s '%s': expected a number >= %g", d->name, s, isnan(d->lo) ? 0 : d->lo);
	return -1;
}

/* Index of s in "a|b|c", or -1. */
static int choice(const char *choices, const char *s)
{
	int i = 0;
	size_t n = strlen(s);
	for (const char *p = choices; *p; i++) {
		size_t w = strcspn(p, "|");
		if (w == n && strncmp(p, s, n) == 0)
			return i;
		p += w + (p[w] == '|');
	}
	return -1;
}

/* Appends the comma-separated namespaces of one -n argument. */
static void add_namespaces(fr_config *cfg, const char *arg)
{
	char *c = fr_strdup(arg), *save = NULL;
	cfg->ns_args = fr_xrealloc(cfg->ns_args, (cfg->nns_args + 1) * sizeof *cfg->ns_args);
	cfg->ns_args[cfg->nns_args++] = c;
	for (char *tk = strtok_r(c, ",", &save); tk; tk = strtok_r(NULL, ",", &save)) {
		cfg->o.namespaces = fr_xrealloc((void *)cfg->o.namespaces,
		                                (cfg->o.nnamespaces + 1) * sizeof(char *));
		cfg->o.namespaces[cfg->o.nnamespaces++] = tk;
	}
}

/* Stores one value of option d; 0, or -1 after printing why not. */
static int set_value(fr_config *cfg, const optdef *d, const char *s)
{
	char *at = (char *)cfg + d->off;
	double v;
	switch (d->type) {
	case OT_STR:
	case OT_SECRET: *(const char **)at = s; return 0;
	case OT_FLAG: *(int *)at = 1; return 0;
	case OT_LIST: add_namespaces(cfg, s); return 0;
	case OT_NUM: return parse_num(d, s, (double *)at);
	case OT_PCT:
		if (parse_num(d, s, &v))
			return -1;
		*(double *)at = v / 100.0;
		return 0;
	case OT_INT:
	case OT_LONG:
		if (parse_num(d, s, &v))
			return -1;
		if (d->type == OT_INT)
			*(int *)at = (int)v;
		else
			*(long *)at = (long)v;
		return 0;
	case OT_DUR:
		if (fr_parse_duration(s, (long *)at))
			return die("--%s '%s': expected a duration such as 24h or 7d", d->name, s),
			       -1;
		return 0;
	case OT_CPU:
		if (fr_parse_cpu(s, (double *)at))
			return die("--%s '%s': expected a CPU quantity such as 10m", d->name, s),
			       -1;
		return 0;
	case OT_BYTES:
		if (fr_parse_bytes(s, (double *)at))
			return die("--%s '%s': expected a memory quantity such as 100Mi", d->name,
			           s),
			       -1;
		return 0;
	case OT_ENUM:
		if ((*(int *)at = choice(d->choices, s)) < 0) {
			char c[200];
			return die("--%s '%s': expected one of %s", d->name, s,
			           choices_text(d->choices, c, sizeof c)),
			       -1;
		}
		return 0;
	case OT_FORMAT: {
		int emit = strcmp(d->name, "emit") == 0;
		const fr_format *fmt = fr_format_find(s);
		if (!fmt || fmt->emit != emit)
			return die("--%s '%s': expected one of %s", d->name, s,
			           fr_format_names(emit)),
			       -1;
		*(const fr_format **)at = fmt;
		return 0;
	}
	}
	return -1;
}

/* Sets every default of the table, and what the table does not hold. */
static void defaults(fr_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	fr_strategy_default(&cfg->o.strategy);
	fr_pricing_default(&cfg->o.pricing);
	cfg->t.savings_over = cfg->t.min_efficiency = cfg->t.max_cost = NAN;
	cfg->cpu_price = cfg->ram_price = cfg->storage_price = NAN;
	cfg->groupby = -1;
	cfg->lang = -1; /* from the environment unless --lang */
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].def && set_value(cfg, &opts[i], opts[i].def))
			abort(); /* a default the table cannot parse: a bug */
}

/* getopt_long's tables, built from ours (owned long table). */
static struct option *getopt_tables(char *shorts, size_t n)
{
	struct option *lo = fr_xrealloc(NULL, (NOPTS + 1) * sizeof *lo);
	size_t k = 0;
	for (size_t i = 0; i < NOPTS; i++) {
		int has = opts[i].arg ? required_argument : no_argument;
		lo[i] = (struct option){ opts[i].name, has, NULL, (int)(256 + i) };
		if (opts[i].shortc && k + 3 < n) {
			shorts[k++] = (char)opts[i].shortc;
			if (has)
				shorts[k++] = ':';
		}
	}
	shorts[k] = '\0';
	lo[NOPTS] = (struct option){ 0, 0, 0, 0 };
	return lo;
}

/* Index of the option a getopt_long result stands for, or -1. */
static int index_of(int opt)
{
	if (opt >= 256 && opt < 256 + (int)NOPTS)
		return opt - 256;
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].shortc && opts[i].shortc == opt)
			return (int)i;
	return -1;
}

/* Reads the command line; FR_CONTINUE or an exit code. */
static int read_args(fr_config *cfg, int argc, char **argv)
{
	char shorts[64];
	struct option *lo = getopt_tables(shorts, sizeof shorts);
	int opt, rc = FR_CONTINUE;
	/* 0, not 1: glibc then forgets all of an earlier parse, whose place
	 * in a cluster of short options ("-qX") would point into argv
	 * strings that may be gone (a second parse: the fuzz target) */
	optind = 0;
	while (rc == FR_CONTINUE && (opt = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		int i = index_of(opt);
		if (i < 0) {
			fputs("Try 'finops-report --help'.\n", stderr);
			rc = FR_EXIT_ERROR;
		} else if (opts[i].type == OT_HELP) {
			fr_config_usage(stdout);
			rc = FR_EXIT_OK;
		} else if (opts[i].type == OT_VERSION) {
			printf("finops-report %s\n", FR_VERSION);
			rc = FR_EXIT_OK;
		} else if (set_value(cfg, &opts[i], optarg)) {
			rc = FR_EXIT_ERROR;
		} else {
			cfg->given[i] = 1;
		}
	}
	free(lo);
	if (rc == FR_CONTINUE && optind < argc)
		rc = die("unexpected argument '%s'", argv[optind]);
	return rc;
}

/* Options not given take their variable (OT_SECRET: see read_secrets). */
static void read_env(fr_config *cfg)
{
	for (size_t i = 0; i < NOPTS; i++) {
		const char *v = opts[i].env ? getenv(opts[i].env) : NULL;
		if (opts[i].type == OT_STR && !cfg->given[i] && v && *v)
			*(const char **)((char *)cfg + opts[i].off) = v;
	}
}

/* ------------------------------------------------------------ validation */

/* 1 if s is valid UTF-8 (no overlong forms, surrogates or code points above
 * U+10FFFF). Options that end up in the report are checked with it: JSON
 * strings must be UTF-8, and jansson refuses anything else by returning
 * NULL, which would otherwise lose the whole report. */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p;
		size_t n = c < 0x80             ? 0
		           : (c & 0xE0) == 0xC0 ? 1
		           : (c & 0xF0) == 0xE0 ? 2
		           : (c & 0xF8) == 0xF0 ? 3
		                                : 4;
		if (n == 4 || (n == 1 && c < 0xC2) || (n == 3 && c > 0xF4))
			return 0;
		unsigned cp = n ? c & (0x3Fu >> n) : c;
		for (size_t i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i] & 0x3Fu);
		}
		if ((n == 2 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
		    (n == 3 && (cp < 0x10000 || cp > 0x10FFFF)))
			return 0;
		p += n + 1;
	}
	return 1;
}

static int check_utf8(const fr_config *cfg)
{
	for (size_t i = 0; i < NOPTS; i++) {
		if (!opts[i].utf8)
			continue;
		if (opts[i].type == OT_LIST) {
			for (size_t k = 0; k < cfg->o.nnamespaces; k++)
				if (!utf8_valid(cfg->o.namespaces[k]))
					return die("--%s: not valid UTF-8", opts[i].name);
			continue;
		}
		const char *v = *(const char *const *)((const char *)cfg + opts[i].off);
		if (v && !utf8_valid(v))
			return die("--%s: not valid UTF-8", opts[i].name);
	}
	return FR_CONTINUE;
}

/* The pricing file, then the flags over it, whatever their order. */
static int apply_pricing(fr_config *cfg)
{
	fr_pricing *p = &cfg->o.pricing;
	char err[1024];
	if (cfg->pricing_file && fr_pricing_load(p, cfg->pricing_file, err, sizeof err))
		return die("%s", err);
	if (cfg->currency) {
		if (!*cfg->currency || strlen(cfg->currency) >= sizeof p->currency)
			return die("--currency '%s': expected a short code such as EUR",
			           cfg->currency);
		snprintf(p->currency, sizeof p->currency, "%s", cfg->currency);
	}
	if (!utf8_valid(p->currency)) /* from --pricing FILE */
		return die("currency in the pricing file: not valid UTF-8");
	if (!isnan(cfg->cpu_price))
		p->cpu_hour = cfg->cpu_price;
	if (!isnan(cfg->ram_price))
		p->ram_hour = cfg->ram_price;
	if (!isnan(cfg->storage_price))
		p->storage_month = cfg->storage_price;
	if (cfg->memory_unit) {
		if (strcmp(cfg->memory_unit, "GiB") == 0)
			p->mem_unit_bytes = FR_GIB;
		else if (strcmp(cfg->memory_unit, "GB") == 0)
			p->mem_unit_bytes = FR_GB;
		else
			return die("--memory-unit '%s': expected GiB or GB", cfg->memory_unit);
		snprintf(p->mem_unit, sizeof p->mem_unit, "%s", cfg->memory_unit);
	}
	return FR_CONTINUE;
}

/* Parses --start or --end: a time from 2015 (before Kubernetes, no
 * cluster has data) to a day from now (a typo, not a window). */
static int parse_when(const char *name, const char *s, double *out)
{
	double now = (double)time(NULL);
	if (fr_parse_time(s, out))
		return die("--%s '%s': expected RFC 3339 with a zone (2026-11-01T00:00:00Z or "
		           "+01:00) or unix seconds",
		           name, s);
	if (*out < 1420070400.0 || *out > now + 86400)
		return die("--%s '%s': outside 2015-01-01 .. a day from now", name, s);
	return FR_CONTINUE;
}

/* The window: --start/--end win over --window. */
static int set_window(fr_config *cfg)
{
	fr_options *o = &cfg->o;
	int rc = FR_CONTINUE;
	o->end = (double)((time(NULL) / 60) * 60);
	if (cfg->end && (rc = parse_when("end", cfg->end, &o->end)) != FR_CONTINUE)
		return rc;
	if (cfg->start) {
		double s;
		if ((rc = parse_when("start", cfg->start, &s)) != FR_CONTINUE)
			return rc;
		if (s >= o->end)
			return die("--start '%s' is not before the end", cfg->start);
		for (size_t i = 0; i < NOPTS; i++)
			if (cfg->given[i] && opts[i].off == C(o.window_s))
				return die("give --window or --start, not both");
		o->window_s = (long)(o->end - s);
	}
	if (o->window_s < 3600)
		return die("the window must be at least 1h");
	return FR_CONTINUE;
}

/* Reads a secret (token or password) from a file: the first line, without
 * its line ending. The value is never echoed, not even in error messages. */
static char *read_secret(const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "cannot read %s: %s", path, strerror(errno));
		return NULL;
	}
	char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	buf[strcspn(buf, "\r\n")] = '\0';
	if (!buf[0]) {
		snprintf(err, errsz, "%s is empty", path);
		return NULL;
	}
	char *s = fr_strdup(buf);
	memset(buf, 0, sizeof buf);
	return s;
}

/* The variable of the option stored at off. */
static const char *env_of(size_t off)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (opts[i].off == off && opts[i].env)
			return opts[i].env;
	abort(); /* not in the table: a bug */
}

/* Tokens and passwords: from their files, else from their variables
 * (passwords only with a user). */
static int read_secrets(fr_config *cfg)
{
	char err[1024];
	for (int i = 0; i < 2; i++) {
		const char *e = getenv(env_of(C(token_file[i])));
		if (cfg->token_file[i]) {
			if (!(cfg->token[i] = read_secret(cfg->token_file[i], err, sizeof err)))
				return die("token file: %s", err);
		} else if (e && *e) {
			cfg->token[i] = fr_strdup(e);
		}
		if (!cfg->user[i])
			continue;
		e = getenv(env_of(C(password_file[i])));
		if (cfg->password_file[i]) {
			if (!(cfg->password[i] = read_secret(cfg->password_file[i], err,
			                                     sizeof err)))
				return die("password file: %s", err);
		} else if (e) {
			cfg->password[i] = fr_strdup(e);
		}
	}
	return FR_CONTINUE;
}

/* --group-by: a level, or label:KEY. CSV defaults to one row per
 * container, except without Prometheus, where Kubecost's allocations have
 * no containers. */
static int set_groupby(fr_config *cfg)
{
	const char *g = cfg->groupby_name;
	if (!g) {
		cfg->groupby = cfg->format->csv_like && cfg->o.prometheus ? FR_BY_CONTAINER
		                                                          : FR_BY_POD;
		return FR_CONTINUE;
	}
	if (strncmp(g, "label:", 6) == 0) {
		const char *k = g + 6;
		if (!*k || strlen(k) > 200 ||
		    strspn(k, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTU"
		              "VWXYZ0123456789-_./") != strlen(k))
			return die("--group-by '%s': label:KEY with a Kubernetes label name", g);
		cfg->o.group_label = k;
		cfg->groupby = FR_BY_LABEL;
		return FR_CONTINUE;
	}
	int i = choice("container|pod|controller|namespace", g);
	if (i < 0)
		return die("--group-by '%s': expected one of container, pod, controller, namespace "
		           "or label:KEY",
		           g);
	cfg->groupby = i;
	return FR_CONTINUE;
}

/* Output choices, sources and selection. */
static int check_rest(fr_config *cfg)
{
	char err[1024];
	fr_options *o = &cfg->o;
	/* CSV defaults to one row per container, except without Prometheus,
	 * where Kubecost's allocations have no containers */
	int rc = set_groupby(cfg);
	if (rc != FR_CONTINUE)
		return rc;
	if (!o->prometheus && !o->kubecost)
		return die("no source: give --prometheus URL and/or --kubecost URL "
		           "(or FINOPS_PROMETHEUS_URL)");
	o->hpa_aware = !cfg->no_hpa;
	o->min_history_h = (double)cfg->min_history_s / 3600.0;
	if (o->cpu_limit_factor > 0 && o->cpu_limit_factor < 1)
		return die("--cpu-limit-factor %g: a CPU limit below the request; give 0 (none) or "
		           "at least 1",
		           o->cpu_limit_factor);
	o->strategy.cpu_use_max = cfg->strategy == 1;
	if (cfg->lang < 0)
		cfg->lang = oa_env_french() ? FR_LANG_FR : FR_LANG_EN;
	rc = set_window(cfg);
	if (rc != FR_CONTINUE)
		return rc;
	if (fr_selection_init(o, err, sizeof err))
		return die("%s", err);
	if (o->selector) {
		char *none[] = { NULL };
		if (fr_selector_match(o->selector, none, 1) < 0)
			return die("--selector '%s': expected k=v, k!=v, k or !k, "
			           "comma-separated",
			           o->selector);
	}
	return read_secrets(cfg);
}

int fr_config_parse(fr_config *cfg, int argc, char **argv)
{
	defaults(cfg);
	int rc = read_args(cfg, argc, argv);
	if (rc == FR_CONTINUE) {
		read_env(cfg);
		rc = check_utf8(cfg);
	}
	if (rc == FR_CONTINUE)
		rc = apply_pricing(cfg);
	if (rc == FR_CONTINUE)
		rc = check_rest(cfg);
	return rc;
}

/* Frees what the configuration owns; secrets are wiped first. */
void fr_config_free(fr_config *cfg)
{
	for (int i = 0; i < 2; i++) {
		char *s[2] = { cfg->token[i], cfg->password[i] };
		for (int k = 0; k < 2; k++)
			if (s[k]) {
				memset(s[k], 0, strlen(s[k]));
				free(s[k]);
			}
	}
	for (int i = 0; i < cfg->t.nbreached; i++)
		free(cfg->t.breached[i]);
	for (size_t i = 0; i < cfg->nns_args; i++)
		free(cfg->ns_args[i]);
	free(cfg->ns_args);
	free((void *)cfg->o.namespaces);
	fr_selection_free();
	memset(cfg, 0, sizeof *cfg);
}
