/*
 * finops-report: command line, thresholds and exit codes.
 */
#include "fr.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* --help: every flag, the exit codes and the environment variables (a test
 * checks that every long option appears here). */
static void usage(FILE *f)
{
	fputs("Usage: finops-report [OPTIONS]\n"
	      "\n"
	      "Per-pod cost and over-provisioning report from Prometheus (kube-state-metrics\n"
	      "and cAdvisor) and, optionally, Kubecost or OpenCost. Needs --prometheus or\n"
	      "--kubecost (or both).\n"
	      "\n"
	      "Sources:\n"
	      "  --prometheus URL          Prometheus base URL (env FINOPS_PROMETHEUS_URL)\n"
	      "  --kubecost URL            Kubecost base URL: GET URL/model/allocation\n"
	      "                            (env FINOPS_KUBECOST_URL); its costs are used\n"
	      "  --opencost                the --kubecost URL is OpenCost: GET URL/allocation\n"
	      "\n"
	      "Window and selection:\n"
	      "  --window DUR              e.g. 24h, 7d, 1d12h (default 7d)\n"
	      "  --start TIME, --end TIME  RFC 3339 UTC (2026-11-01T00:00:00Z) or unix\n"
	      "                            seconds; end defaults to now\n"
	      "  -n, --namespace NS        namespace; repeat or comma-separate for several\n"
	      "  --namespace-regex RE      POSIX extended regex, anchored (whole name)\n"
	      "  -l, --selector SEL        pod label selector: k=v, k!=v, k, !k, comma-joined\n"
	      "  --pod RE                  pod name, POSIX extended regex, anchored\n"
	      "\n"
	      "Recommendations:\n"
	      "  --strategy NAME           simple (default: CPU p95, memory max + 15%) or\n"
	      "                            max (CPU max, memory max + 15%)\n"
	      "  --cpu-percentile P        percentile CPU is sized to (default 95)\n"
	      "  --memory-buffer PCT       added to max working set (default 15)\n"
	      "  --cpu-min Q, --memory-min Q  floors (default 10m and 100Mi)\n"
	      "  --no-hpa                  ignore HPAs (default: size CPU to p95 / target)\n"
	      "\n"
	      "Pricing (units explicit; GiB = 2^30 bytes, GB = 10^9 bytes):\n"
	      "  --pricing FILE            pricing file (key = value; see pricing.default.conf)\n"
	      "  --currency CUR            default EUR\n"
	      "  --cpu-price X             per vCPU-hour (default 0.02)\n"
	      "  --ram-price X             per memory-unit-hour (default 0.01)\n"
	      "  --storage-price X         per memory-unit-month of storage (default 0.03)\n"
	      "  --memory-unit GiB|GB      unit RAM and storage prices are per (default GiB)\n"
	      "\n"
	      "Output:\n"
	      "  -f, --format F            table (default), json, csv, markdown, html\n"
	      "  -o, --output FILE         write there instead of stdout\n"
	      "  --group-by G              container (CSV default with Prometheus), pod\n"
	      "                            (default otherwise),\n"
	      "                            controller, namespace\n"
	      "  --top N                   table: rows per section (default 20, 0 = all)\n"
	      "  --color WHEN              auto (default: only on a TTY), always, never\n"
	      "  --stats                   print queries sent, wall time and peak RSS to stderr\n"
	      "  -q, --quiet               no progress on stderr\n"
	      "\n"
	      "Thresholds (exit code 2 when breached):\n"
	      "  --fail-if-savings-over X  potential savings per month above X\n"
	      "  --min-efficiency PCT      total efficiency below PCT percent\n"
	      "  --max-monthly-cost X      cost per month above X\n"
	      "  --fail-on-risk            any under-provisioned container\n"
	      "  --allow-incomplete        exit 0 instead of 3 on incomplete data\n"
	      "\n"
	      "HTTP:\n"
	      "  --timeout SECS            per request (default 30)\n"
	      "  --retries N               on 503/502/504/429 and network errors (default 3)\n"
	      "  --retry-delay SECS        first back-off, doubled each time (default 1)\n"
	      "  --concurrency N           queries in flight at most (default 4)\n"
	      "  --batch-pods N            pods per batch of namespaces (default 250)\n"
	      "  --rate-window DUR         rate() window for CPU (default 5m)\n"
	      "  --resolution DUR          CPU usage step floor (default 1m); raised so that\n"
	      "                            no series exceeds 11000 points\n"
	      "  --cacert FILE             CA bundle for HTTPS\n"
	      "  --compress                ask for gzip responses (for a remote Prometheus:\n"
	      "                            less traffic, more CPU on both ends)\n"
	      "  --prometheus-token-file F bearer token (env FINOPS_PROMETHEUS_TOKEN)\n"
	      "  --prometheus-user USER    basic auth; password from\n"
	      "                            --prometheus-password-file F or env\n"
	      "                            FINOPS_PROMETHEUS_PASSWORD\n"
	      "  --kubecost-token-file F   bearer token (env FINOPS_KUBECOST_TOKEN)\n"
	      "  --kubecost-user USER      basic auth; password from --kubecost-password-file\n"
	      "                            F or env FINOPS_KUBECOST_PASSWORD\n"
	      "\n"
	      "Unit economics:\n"
	      "  --requests-metric NAME    default offerapi_http_requests_total ('' = off)\n"
	      "  --applications-metric N   default offerapi_applications_received_total\n"
	      "\n"
	      "  -h, --help, --version\n"
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
	      "FINOPS_KUBECOST_PASSWORD, NO_COLOR. Tokens and passwords are never printed.\n",
	      f);
}

enum {
	O_PROM = 256,
	O_KC,
	O_OPENCOST,
	O_WINDOW,
	O_START,
	O_END,
	O_NSRE,
	O_POD,
	O_STRATEGY,
	O_CPUPCT,
	O_MEMBUF,
	O_CPUMIN,
	O_MEMMIN,
	O_NOHPA,
	O_PRICING,
	O_CURRENCY,
	O_CPUPRICE,
	O_RAMPRICE,
	O_STPRICE,
	O_MEMUNIT,
	O_GROUPBY,
	O_TOP,
	O_COLOR,
	O_STATS,
	O_SAVINGS,
	O_MINEFF,
	O_MAXCOST,
	O_FAILRISK,
	O_ALLOWINC,
	O_TIMEOUT,
	O_RETRIES,
	O_RETRYDELAY,
	O_CONC,
	O_BATCH,
	O_RATEW,
	O_RES,
	O_CACERT,
	O_PTOKEN,
	O_PUSER,
	O_PPASS,
	O_KTOKEN,
	O_KUSER,
	O_KPASS,
	O_REQM,
	O_APPM,
	O_VERSION,
	O_COMPRESS
};

static const struct option longopts[] = {
	{ "prometheus", required_argument, 0, O_PROM },
	{ "kubecost", required_argument, 0, O_KC },
	{ "opencost", no_argument, 0, O_OPENCOST },
	{ "window", required_argument, 0, O_WINDOW },
	{ "start", required_argument, 0, O_START },
	{ "end", required_argument, 0, O_END },
	{ "namespace", required_argument, 0, 'n' },
	{ "namespace-regex", required_argument, 0, O_NSRE },
	{ "selector", required_argument, 0, 'l' },
	{ "pod", required_argument, 0, O_POD },
	{ "strategy", required_argument, 0, O_STRATEGY },
	{ "cpu-percentile", required_argument, 0, O_CPUPCT },
	{ "memory-buffer", required_argument, 0, O_MEMBUF },
	{ "cpu-min", required_argument, 0, O_CPUMIN },
	{ "memory-min", required_argument, 0, O_MEMMIN },
	{ "no-hpa", no_argument, 0, O_NOHPA },
	{ "pricing", required_argument, 0, O_PRICING },
	{ "currency", required_argument, 0, O_CURRENCY },
	{ "cpu-price", required_argument, 0, O_CPUPRICE },
	{ "ram-price", required_argument, 0, O_RAMPRICE },
	{ "storage-price", required_argument, 0, O_STPRICE },
	{ "memory-unit", required_argument, 0, O_MEMUNIT },
	{ "format", required_argument, 0, 'f' },
	{ "output", required_argument, 0, 'o' },
	{ "group-by", required_argument, 0, O_GROUPBY },
	{ "top", required_argument, 0, O_TOP },
	{ "color", required_argument, 0, O_COLOR },
	{ "stats", no_argument, 0, O_STATS },
	{ "quiet", no_argument, 0, 'q' },
	{ "fail-if-savings-over", required_argument, 0, O_SAVINGS },
	{ "min-efficiency", required_argument, 0, O_MINEFF },
	{ "max-monthly-cost", required_argument, 0, O_MAXCOST },
	{ "fail-on-risk", no_argument, 0, O_FAILRISK },
	{ "allow-incomplete", no_argument, 0, O_ALLOWINC },
	{ "timeout", required_argument, 0, O_TIMEOUT },
	{ "retries", required_argument, 0, O_RETRIES },
	{ "retry-delay", required_argument, 0, O_RETRYDELAY },
	{ "concurrency", required_argument, 0, O_CONC },
	{ "batch-pods", required_argument, 0, O_BATCH },
	{ "rate-window", required_argument, 0, O_RATEW },
	{ "resolution", required_argument, 0, O_RES },
	{ "cacert", required_argument, 0, O_CACERT },
	{ "compress", no_argument, 0, O_COMPRESS },
	{ "prometheus-token-file", required_argument, 0, O_PTOKEN },
	{ "prometheus-user", required_argument, 0, O_PUSER },
	{ "prometheus-password-file", required_argument, 0, O_PPASS },
	{ "kubecost-token-file", required_argument, 0, O_KTOKEN },
	{ "kubecost-user", required_argument, 0, O_KUSER },
	{ "kubecost-password-file", required_argument, 0, O_KPASS },
	{ "requests-metric", required_argument, 0, O_REQM },
	{ "applications-metric", required_argument, 0, O_APPM },
	{ "help", no_argument, 0, 'h' },
	{ "version", no_argument, 0, O_VERSION },
	{ 0, 0, 0, 0 }
};

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

/* Parses a number >= lo for option `name`; prints why not and returns -1. */
static int num_arg(const char *name, const char *s, double lo, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || *end || !(v >= lo) || isinf(v)) {
		fprintf(stderr, "finops-report: %s '%s': expected a number >= %g\n", name, s, lo);
		return -1;
	}
	*out = v;
	return 0;
}

/* 1 if s is valid UTF-8 (no overlong forms, surrogates or code points above
 * U+10FFFF). Options that end up in the report are checked with it when
 * parsed: JSON strings must be UTF-8, and jansson refuses anything else by
 * returning NULL, which would otherwise lose the whole report. */
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

/* Frees the -n lists on an early exit, so that LeakSanitizer stays quiet. */
static void free_ns(const char **nss, char **nscopy, size_t n)
{
	free(nss);
	for (size_t i = 0; i < n; i++)
		free(nscopy[i]);
}

/* A base URL without trailing slashes, so paths join with one. */
static char *strip_slash(const char *u)
{
	char *s = fr_strdup(u);
	size_t n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		s[--n] = '\0';
	return s;
}

/* Records a breached threshold (takes msg). */
static void breach(fr_thresholds *t, char *msg)
{
	if (t->nbreached < 8)
		t->breached[t->nbreached++] = msg;
	else
		free(msg);
}

/* Options, then collect (Prometheus, then Kubecost), compute, evaluate the
 * thresholds, write the report. Exit codes: see usage(). */
int main(int argc, char **argv)
{
	fr_options o;
	memset(&o, 0, sizeof o);
	fr_strategy_default(&o.strategy);
	fr_pricing_default(&o.pricing);
	o.window_s = 7 * 86400;
	o.rate_window_s = 300;
	o.resolution_s = 60;
	o.concurrency = 4;
	o.batch_pods = 250;
	o.timeout_s = 30;
	o.retries = 3;
	o.retry_delay_s = 1.0;
	o.hpa_aware = 1;
	o.requests_metric = "offerapi_http_requests_total";
	o.applications_metric = "offerapi_applications_received_total";
	o.prometheus = getenv("FINOPS_PROMETHEUS_URL");
	o.kubecost = getenv("FINOPS_KUBECOST_URL");
	if (o.prometheus && !*o.prometheus)
		o.prometheus = NULL;
	if (o.kubecost && !*o.kubecost)
		o.kubecost = NULL;

	fr_thresholds t;
	memset(&t, 0, sizeof t);
	t.savings_over = t.min_efficiency = t.max_cost = NAN;
	const char *format = "table", *output = NULL, *groupby = NULL;
	const char *color = "auto", *start = NULL, *end = NULL;
	const char *ptoken = NULL, *ppass = NULL, *ktoken = NULL, *kpass = NULL;
	const char *puser = NULL, *kuser = NULL;
	const char *cur = NULL, *memunit = NULL;
	double cpu_price = NAN, ram_price = NAN, st_price = NAN;
	int stats = 0, allow_incomplete = 0, top = 20, window_given = 0;
	int compress = 0;
	const char **nss = NULL;
	size_t nns = 0;
	char *nscopy[64];
	size_t nnscopy = 0;
	int opt, rc = FR_EXIT_ERROR;
	char err[2048];
	double v;

	while ((opt = getopt_long(argc, argv, "n:l:f:o:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case O_PROM: o.prometheus = optarg; break;
		case O_KC: o.kubecost = optarg; break;
		case O_OPENCOST: o.opencost = 1; break;
		case O_WINDOW:
			if (fr_parse_duration(optarg, &o.window_s))
				return die("--window '%s': expected a duration such as 24h "
				           "or 7d",
				           optarg);
			window_given = 1;
			break;
		case O_START: start = optarg; break;
		case O_END: end = optarg; break;
		case 'n': {
			if (nnscopy == 64)
				return die("too many --namespace options");
			char *c = fr_strdup(optarg), *save = NULL;
			nscopy[nnscopy++] = c;
			for (char *tk = strtok_r(c, ",", &save); tk;
			     tk = strtok_r(NULL, ",", &save)) {
				nss = fr_xrealloc(nss, (nns + 1) * sizeof *nss);
				nss[nns++] = tk;
			}
			break;
		}
		case O_NSRE: o.namespace_regex = optarg; break;
		case 'l': o.selector = optarg; break;
		case O_POD: o.pod_regex = optarg; break;
		case O_STRATEGY:
			if (strcmp(optarg, "simple") == 0)
				o.strategy.cpu_use_max = 0;
			else if (strcmp(optarg, "max") == 0)
				o.strategy.cpu_use_max = 1;
			else
				return die("--strategy '%s': expected simple or max", optarg);
			break;
		case O_CPUPCT:
			if (num_arg("--cpu-percentile", optarg, 1, &v) || v > 100)
				return FR_EXIT_ERROR;
			o.strategy.cpu_percentile = v;
			break;
		case O_MEMBUF:
			if (num_arg("--memory-buffer", optarg, 0, &v))
				return FR_EXIT_ERROR;
			o.strategy.mem_buffer = v / 100.0;
			break;
		case O_CPUMIN:
			if (fr_parse_cpu(optarg, &o.strategy.cpu_floor))
				return die("--cpu-min '%s': expected a CPU quantity such as "
				           "10m",
				           optarg);
			break;
		case O_MEMMIN:
			if (fr_parse_bytes(optarg, &o.strategy.mem_floor))
				return die("--memory-min '%s': expected a memory quantity "
				           "such as 100Mi",
				           optarg);
			break;
		case O_NOHPA: o.hpa_aware = 0; break;
		case O_PRICING:
			if (fr_pricing_load(&o.pricing, optarg, err, sizeof err))
				return die("%s", err);
			break;
		case O_CURRENCY: cur = optarg; break;
		case O_CPUPRICE:
			if (num_arg("--cpu-price", optarg, 0, &cpu_price))
				return FR_EXIT_ERROR;
			break;
		case O_RAMPRICE:
			if (num_arg("--ram-price", optarg, 0, &ram_price))
				return FR_EXIT_ERROR;
			break;
		case O_STPRICE:
			if (num_arg("--storage-price", optarg, 0, &st_price))
				return FR_EXIT_ERROR;
			break;
		case O_MEMUNIT: memunit = optarg; break;
		case 'f': format = optarg; break;
		case 'o': output = optarg; break;
		case O_GROUPBY: groupby = optarg; break;
		case O_TOP:
			if (num_arg("--top", optarg, 0, &v))
				return FR_EXIT_ERROR;
			top = (int)v;
			break;
		case O_COLOR: color = optarg; break;
		case O_STATS: stats = 1; break;
		case 'q': o.quiet = 1; break;
		case O_SAVINGS:
			if (num_arg("--fail-if-savings-over", optarg, 0, &t.savings_over))
				return FR_EXIT_ERROR;
			break;
		case O_MINEFF:
			if (num_arg("--min-efficiency", optarg, 0, &t.min_efficiency))
				return FR_EXIT_ERROR;
			break;
		case O_MAXCOST:
			if (num_arg("--max-monthly-cost", optarg, 0, &t.max_cost))
				return FR_EXIT_ERROR;
			break;
		case O_FAILRISK: t.fail_on_risk = 1; break;
		case O_ALLOWINC: allow_incomplete = 1; break;
		case O_TIMEOUT:
			if (num_arg("--timeout", optarg, 1, &v))
				return FR_EXIT_ERROR;
			o.timeout_s = (long)v;
			break;
		case O_RETRIES:
			if (num_arg("--retries", optarg, 0, &v) || v > 20)
				return FR_EXIT_ERROR;
			o.retries = (int)v;
			break;
		case O_RETRYDELAY:
			if (num_arg("--retry-delay", optarg, 0, &o.retry_delay_s))
				return FR_EXIT_ERROR;
			break;
		case O_CONC:
			if (num_arg("--concurrency", optarg, 1, &v) || v > 64)
				return die("--concurrency '%s': expected 1 to 64", optarg);
			o.concurrency = (int)v;
			break;
		case O_BATCH:
			if (num_arg("--batch-pods", optarg, 1, &v))
				return FR_EXIT_ERROR;
			o.batch_pods = (int)v;
			break;
		case O_RATEW:
			if (fr_parse_duration(optarg, &o.rate_window_s))
				return die("--rate-window '%s': expected a duration", optarg);
			break;
		case O_RES:
			if (fr_parse_duration(optarg, &o.resolution_s))
				return die("--resolution '%s': expected a duration", optarg);
			break;
		case O_CACERT: o.cacert = optarg; break;
		case O_COMPRESS: compress = 1; break;
		case O_PTOKEN: ptoken = optarg; break;
		case O_PUSER: puser = optarg; break;
		case O_PPASS: ppass = optarg; break;
		case O_KTOKEN: ktoken = optarg; break;
		case O_KUSER: kuser = optarg; break;
		case O_KPASS: kpass = optarg; break;
		case O_REQM: o.requests_metric = optarg; break;
		case O_APPM: o.applications_metric = optarg; break;
		case 'h': usage(stdout); return FR_EXIT_OK;
		case O_VERSION: printf("finops-report %s\n", FR_VERSION); return 0;
		default: fputs("Try 'finops-report --help'.\n", stderr); return FR_EXIT_ERROR;
		}
	}
	if (optind < argc)
		return die("unexpected argument '%s'", argv[optind]);
	o.namespaces = nss;
	o.nnamespaces = nns;
	{
		/* every text option that can reach the report or its messages */
		const char *name[] = {
			"--prometheus", "--kubecost", "--currency",        "--namespace-regex",
			"--pod",        "--selector", "--requests-metric", "--applications-metric"
		};
		const char *val[] = { o.prometheus,      o.kubecost,           cur,
			              o.namespace_regex, o.pod_regex,          o.selector,
			              o.requests_metric, o.applications_metric };
		const char *bad = NULL;
		for (size_t i = 0; i < sizeof val / sizeof val[0] && !bad; i++)
			if (val[i] && !utf8_valid(val[i]))
				bad = name[i];
		for (size_t i = 0; i < nns && !bad; i++)
			if (!utf8_valid(nss[i]))
				bad = "--namespace";
		if (bad) {
			free_ns(nss, nscopy, nnscopy);
			return die("%s: not valid UTF-8", bad);
		}
	}

	/* flags override the pricing file, whatever their order */
	if (cur) {
		if (!*cur || strlen(cur) >= sizeof o.pricing.currency)
			return die("--currency '%s': expected a short code such as EUR", cur);
		snprintf(o.pricing.currency, sizeof o.pricing.currency, "%s", cur);
	}
	if (!utf8_valid(o.pricing.currency)) { /* from --pricing FILE */
		free_ns(nss, nscopy, nnscopy);
		return die("currency in the pricing file: not valid UTF-8");
	}
	if (!isnan(cpu_price))
		o.pricing.cpu_hour = cpu_price;
	if (!isnan(ram_price))
		o.pricing.ram_hour = ram_price;
	if (!isnan(st_price))
		o.pricing.storage_month = st_price;
	if (memunit) {
		if (strcmp(memunit, "GiB") == 0)
			o.pricing.mem_unit_bytes = FR_GIB;
		else if (strcmp(memunit, "GB") == 0)
			o.pricing.mem_unit_bytes = FR_GB;
		else
			return die("--memory-unit '%s': expected GiB or GB", memunit);
		snprintf(o.pricing.mem_unit, sizeof o.pricing.mem_unit, "%s", memunit);
	}

	int fmt;
	if (strcmp(format, "table") == 0)
		fmt = FR_FMT_TABLE;
	else if (strcmp(format, "json") == 0)
		fmt = FR_FMT_JSON;
	else if (strcmp(format, "csv") == 0)
		fmt = FR_FMT_CSV;
	else if (strcmp(format, "markdown") == 0 || strcmp(format, "md") == 0)
		fmt = FR_FMT_MARKDOWN;
	else if (strcmp(format, "html") == 0)
		fmt = FR_FMT_HTML;
	else
		return die("--format '%s': expected table, json, csv, markdown or "
		           "html",
		           format);
	/* CSV defaults to one row per container, except without Prometheus,
     * where Kubecost's allocations have no containers */
	int gb = fmt == FR_FMT_CSV && o.prometheus ? FR_BY_CONTAINER : FR_BY_POD;
	if (groupby) {
		if (strcmp(groupby, "container") == 0)
			gb = FR_BY_CONTAINER;
		else if (strcmp(groupby, "pod") == 0)
			gb = FR_BY_POD;
		else if (strcmp(groupby, "controller") == 0)
			gb = FR_BY_CONTROLLER;
		else if (strcmp(groupby, "namespace") == 0)
			gb = FR_BY_NAMESPACE;
		else
			return die("--group-by '%s': expected container, pod, controller "
			           "or namespace",
			           groupby);
	}
	if (strcmp(color, "auto") && strcmp(color, "always") && strcmp(color, "never"))
		return die("--color '%s': expected auto, always or never", color);
	if (!o.prometheus && !o.kubecost)
		return die("no source: give --prometheus URL and/or --kubecost URL "
		           "(or FINOPS_PROMETHEUS_URL)");

	/* the window: --start/--end win over --window */
	if (end) {
		if (fr_parse_time(end, &o.end))
			return die("--end '%s': expected RFC 3339 UTC or unix seconds", end);
	} else {
		o.end = (double)((time(NULL) / 60) * 60);
	}
	if (start) {
		double s;
		if (fr_parse_time(start, &s))
			return die("--start '%s': expected RFC 3339 UTC or unix seconds", start);
		if (s >= o.end)
			return die("--start '%s' is not before the end", start);
		if (window_given)
			return die("give --window or --start, not both");
		o.window_s = (long)(o.end - s);
	}
	if (o.window_s < 3600)
		return die("the window must be at least 1h");
	if (fr_selection_init(&o, err, sizeof err))
		return die("%s", err);
	if (o.selector) {
		char *none[] = { NULL };
		if (fr_selector_match(o.selector, none, 1) < 0)
			return die("--selector '%s': expected k=v, k!=v, k or !k, "
			           "comma-separated",
			           o.selector);
	}

	fr_http prom = { 0 }, kc = { 0 };
	char *secrets[4] = { 0 };
	prom.name = "prometheus";
	kc.name = "kubecost";
	fr_http *hs[2] = { &prom, &kc };
	for (int i = 0; i < 2; i++) {
		hs[i]->timeout_s = o.timeout_s;
		hs[i]->retries = o.retries;
		hs[i]->retry_delay_s = o.retry_delay_s;
		hs[i]->cacert = o.cacert;
		hs[i]->compress = compress;
	}
	if (o.prometheus)
		prom.base = strip_slash(o.prometheus);
	if (o.kubecost)
		kc.base = strip_slash(o.kubecost);
	prom.shown = fr_url_redact(prom.base);
	kc.shown = fr_url_redact(kc.base);
	const char *tf[2] = { ptoken, ktoken }, *pf[2] = { ppass, kpass };
	const char *te[2] = { "FINOPS_PROMETHEUS_TOKEN", "FINOPS_KUBECOST_TOKEN" };
	const char *pe[2] = { "FINOPS_PROMETHEUS_PASSWORD", "FINOPS_KUBECOST_PASSWORD" };
	const char *us[2] = { puser, kuser };
	fr_model m;
	memset(&m, 0, sizeof m);
	for (int i = 0; i < 2; i++) {
		if (tf[i]) {
			secrets[2 * i] = read_secret(tf[i], err, sizeof err);
			if (!secrets[2 * i]) {
				fprintf(stderr, "finops-report: token file: %s\n", err);
				goto out;
			}
		} else if (getenv(te[i]) && *getenv(te[i])) {
			secrets[2 * i] = fr_strdup(getenv(te[i]));
		}
		hs[i]->token = secrets[2 * i];
		if (us[i]) {
			hs[i]->user = (char *)us[i];
			if (pf[i]) {
				secrets[2 * i + 1] = read_secret(pf[i], err, sizeof err);
				if (!secrets[2 * i + 1]) {
					fprintf(stderr, "finops-report: password file: %s\n", err);
					goto out;
				}
			} else if (getenv(pe[i])) {
				secrets[2 * i + 1] = fr_strdup(getenv(pe[i]));
			}
			hs[i]->password = secrets[2 * i + 1];
		}
	}

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != 0) {
		fputs("finops-report: cannot initialise libcurl\n", stderr);
		goto out;
	}
	if (o.prometheus) {
		if (fr_collect_prometheus(&o, &prom, &m, err, sizeof err) ||
		    fr_collect_units(&o, &prom, &m, err, sizeof err)) {
			fprintf(stderr, "finops-report: %s\n", err);
			goto out_curl;
		}
	}
	if (o.kubecost && fr_collect_kubecost(&o, &kc, &m, err, sizeof err)) {
		fprintf(stderr, "finops-report: %s\n", err);
		goto out_curl;
	}
	fr_report_compute(&o, &m);
	if (m.npods == 0)
		fr_model_warn(&m, "no pod matched the selection in the window");

	/* thresholds */
	if (!isnan(t.savings_over) && m.savings_month > t.savings_over)
		breach(&t, fr_printf("potential savings %.2f %s per month exceed "
		                     "--fail-if-savings-over %.2f",
		                     m.savings_month, o.pricing.currency, t.savings_over));
	if (!isnan(t.min_efficiency) &&
	    (isnan(m.eff_total) || m.eff_total * 100.0 < t.min_efficiency))
		breach(&t,
		       fr_printf("total efficiency %.1f%% is below "
		                 "--min-efficiency %.1f%%",
		                 isnan(m.eff_total) ? 0.0 : m.eff_total * 100.0, t.min_efficiency));
	if (!isnan(t.max_cost) && m.total_month > t.max_cost)
		breach(&t, fr_printf("cost %.2f %s per month exceeds "
		                     "--max-monthly-cost %.2f",
		                     m.total_month, o.pricing.currency, t.max_cost));
	if (t.fail_on_risk && m.nrisky > 0)
		breach(&t, fr_printf("%zu under-provisioned container(s) "
		                     "(--fail-on-risk)",
		                     m.nrisky));
	int code = t.nbreached                      ? FR_EXIT_THRESHOLD
	           : (m.nwarn && !allow_incomplete) ? FR_EXIT_INCOMPLETE
	                                            : FR_EXIT_OK;

	FILE *f = stdout;
	if (output && strcmp(output, "-") != 0) {
		f = fopen(output, "w");
		if (!f) {
			fprintf(stderr, "finops-report: --output %s: %s\n", output,
			        strerror(errno));
			goto out_curl;
		}
	}
	char srcs[1024];
	if (o.prometheus && o.kubecost)
		snprintf(srcs, sizeof srcs,
		         "Prometheus %s (requests, usage), %s %s "
		         "(costs)",
		         prom.shown, o.opencost ? "OpenCost" : "Kubecost", kc.shown);
	else if (o.prometheus)
		snprintf(srcs, sizeof srcs,
		         "Prometheus %s; costs from the pricing "
		         "model",
		         prom.shown);
	else
		snprintf(srcs, sizeof srcs,
		         "%s %s (no Prometheus: no percentiles, no "
		         "recommendations)",
		         o.opencost ? "OpenCost" : "Kubecost", kc.shown);
	int use_color = strcmp(color, "always") == 0 ||
	                (strcmp(color, "auto") == 0 && f == stdout && isatty(fileno(stdout)) &&
	                 !getenv("NO_COLOR"));
	fr_outctx ctx = { &o, &m, &t, use_color, gb, top, code, srcs };
	int werr = 0;
	switch (fmt) {
	case FR_FMT_TABLE: fr_out_table(f, &ctx); break;
	case FR_FMT_CSV: fr_out_csv(f, &ctx); break;
	case FR_FMT_MARKDOWN: fr_out_markdown(f, &ctx); break;
	case FR_FMT_HTML: fr_out_html(f, &ctx); break;
	default: werr = fr_out_json(f, &ctx) != 0; break; /* JSON not built */
	}
	werr |= ferror(f);
	if (f != stdout)
		werr |= fclose(f) != 0;
	else
		werr |= fflush(f) != 0;
	if (werr) {
		fprintf(stderr, "finops-report: writing %s failed\n", output ? output : "stdout");
		goto out_curl;
	}
	if (m.nwarn && !o.quiet && code == FR_EXIT_INCOMPLETE)
		fprintf(stderr,
		        "finops-report: data incomplete (%zu warning(s), see "
		        "the report); exit 3\n",
		        m.nwarn);
	for (int i = 0; i < t.nbreached && !o.quiet; i++)
		fprintf(stderr, "finops-report: threshold breached: %s\n", t.breached[i]);
	rc = code;
out_curl:
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (stats) {
		struct rusage ru;
		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr,
		        "finops-report: stats: queries=%ld wall=%.3fs "
		        "peak_rss_kib=%ld pods=%zu containers=%zu\n",
		        prom.queries + kc.queries,
		        (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		        ru.ru_maxrss, m.npods, m.ncontainers);
	}
	curl_global_cleanup();
out:
	for (int i = 0; i < 4; i++)
		if (secrets[i]) {
			memset(secrets[i], 0, strlen(secrets[i]));
			free(secrets[i]);
		}
	for (int i = 0; i < t.nbreached; i++)
		free(t.breached[i]);
	free(prom.base);
	free(kc.base);
	free(prom.shown);
	free(kc.shown);
	fr_model_free(&m);
	fr_selection_free();
	free(nss);
	for (size_t i = 0; i < nnscopy; i++)
		free(nscopy[i]);
	return rc;
}
