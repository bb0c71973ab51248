/*
 * finops-report: internal declarations shared by the tool's modules.
 *
 * Units used everywhere inside the tool (never mixed):
 *   CPU     cores (1 vCPU = 1.0; 250m = 0.25)
 *   memory  bytes
 *   time    seconds (durations), hours only where a price is "per hour"
 *   money   the pricing model's currency, as a double
 * A value that is not known is NAN, never 0: "no request set" and "no usage
 * series" must stay distinguishable from "zero".
 */
#ifndef FR_H
#define FR_H

#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#define FR_VERSION "0.1.0"

/* Exit codes, documented in --help and docs/finops-report.md. */
enum {
	FR_EXIT_OK = 0,
	FR_EXIT_ERROR = 1,
	FR_EXIT_THRESHOLD = 2,
	FR_EXIT_INCOMPLETE = 3,
};

#define FR_MONTH_HOURS 720.0 /* a 30-day month */
#define FR_MAX_POINTS 11000 /* Prometheus' per-series point limit */
#define FR_GIB 1073741824.0
#define FR_GB 1000000000.0
#define FR_MIB 1048576.0

/* ---------------------------------------------------------------- pricing */

typedef struct fr_pricing {
	char currency[16];
	double cpu_hour; /* per vCPU-hour */
	double ram_hour; /* per memory-unit-hour */
	double storage_month; /* per storage-unit-month (30 days) */
	double mem_unit_bytes; /* FR_GIB (default) or FR_GB */
	char mem_unit[4]; /* "GiB" or "GB": the unit the prices are per */
} fr_pricing;

void fr_pricing_default(fr_pricing *p);
int fr_pricing_load(fr_pricing *p, const char *path, char *err, size_t errsz);

/* ------------------------------------------------------------------ maths */

typedef struct fr_strategy {
	double cpu_percentile; /* 0..100; the usage percentile CPU is sized to */
	int cpu_use_max; /* size CPU to the maximum instead */
	double mem_buffer; /* fraction added to max working set (0.15) */
	double cpu_floor; /* cores */
	double mem_floor; /* bytes */
	double cpu_round; /* cores: recommendations round up to this */
	double mem_round; /* bytes */
} fr_strategy;

void fr_strategy_default(fr_strategy *s);

double fr_quantile(double q, double *v, size_t n);
double fr_quantile_sorted(double q, const double *v, size_t n);
/* The same as fr_quantile_sorted over v sorted, bit for bit, without
 * sorting v[0..n) (NaN-free; left permuted): linear time. */
double fr_quantile_select(double q, double *v, size_t n);
int fr_cmp_double(const void *a, const void *b); /* qsort, ascending */
double fr_ceil_to(double x, double step);
long fr_choose_step(long range_s, long min_step_s, long max_points);
double fr_recommend_cpu(const fr_strategy *s, double usage, double hpa_target);
double fr_recommend_mem(const fr_strategy *s, double max_ws, double hpa_target);
double fr_savings_month(const fr_pricing *p, double cpu_req, double cpu_rec, double mem_req,
                        double mem_rec);
/* Money per month moving one resource's request from req to rec (signed;
 * 0 when either is unknown): mem 0 prices cores, 1 bytes. */
double fr_delta_month(const fr_pricing *p, int mem, double req, double rec);
double fr_cost_cpu(const fr_pricing *p, double core_hours);
double fr_cost_ram(const fr_pricing *p, double byte_hours);
double fr_cost_storage(const fr_pricing *p, double byte_hours);
double fr_per_month(double window_cost, double window_s);
double fr_ratio(double num, double den);
double fr_unit_cost(double cost, double units, double per);

int fr_parse_duration(const char *s, long *out);
void fr_format_duration(long s, char *buf, size_t n);
int fr_parse_cpu(const char *s, double *out);
int fr_parse_bytes(const char *s, double *out);
int fr_parse_time(const char *s, double *out);

/* --------------------------------------------------------------- model */

enum fr_severity { FR_SEV_UNKNOWN, FR_SEV_OK, FR_SEV_LOW, FR_SEV_MEDIUM, FR_SEV_HIGH, FR_SEV_RISK };
const char *fr_severity_name(int sev);

/* risk bits */
#define FR_RISK_CPU_OVER_REQUEST 1u /* p95 CPU above its request */
#define FR_RISK_MEM_OVER_REQUEST 2u /* max working set above request */
#define FR_RISK_OOM 4u /* OOM kills in the window */
#define FR_RISK_NO_REQUEST 8u /* no request: unbounded, unpriced */
#define FR_RISK_MEM_NEAR_LIMIT 16u /* max working set >= 90% of limit */

typedef struct fr_res {
	double request, limit; /* last value in window, NAN unset */
	double p50, p95, pct, max, avg; /* usage over the window */
	double alloc_hours; /* sum over hours of max(req, usage) */
	double recommended;
	double recommended_limit; /* NAN: no limit recommended */
} fr_res;

/* Money per month, per resource; never negative. */
typedef struct fr_money {
	double cpu, mem, total;
} fr_money;

typedef struct fr_container {
	char *name;
	fr_res cpu, mem;
	double oom_kills, restarts;
	double cost_cpu, cost_ram; /* over the window; NAN if unknown */
	double cpu_eff, mem_eff; /* avg usage / request; NAN unknown */
	double savings_month; /* = savings.total (kept for callers) */
	fr_money savings; /* request above recommendation, per resource,
	                   * scaled by run_hours / window */
	fr_money extra; /* recommendation above request: cost of raising */
	int rec_above_request; /* a recommendation above its request */
	char rec_above_reason[160];
	int not_enough_data; /* usage over less than --min-history */
	double usage_hours; /* hours of CPU usage samples; NAN unknown */
	double run_hours; /* hours of the window the container
                                       * ran (hourly request or usage
                                       * samples); NAN unknown = all */
	int severity;
	unsigned risks;
	int missing_usage;
	char note[400];
} fr_container;

typedef struct fr_hpa {
	char *ns, *name, *target_kind, *target_name;
	double cpu_target, mem_target; /* utilisation fraction, NAN if none */
	double min_replicas, max_replicas;
} fr_hpa;

typedef struct fr_cost {
	double cpu, ram, pv, network, total;
} fr_cost;

typedef struct fr_pod {
	char *ns, *name, *ctrl_kind, *ctrl_name;
	fr_container *c;
	size_t nc, capc;
	double pv_byte_hours;
	fr_cost cost; /* window; from Kubecost or the pricing model */
	int cost_known;
	double eff_cpu, eff_ram, eff_total;
	const fr_hpa *hpa; /* borrowed from the model */
	int from_kubecost_only;
	int kubecost_matched;
	int excluded; /* filtered out by the label selector */
	double kc_cpu_req, kc_cpu_use, kc_ram_req, kc_ram_use; /* Kubecost avgs */
	char **labels; /* name=value pairs, NULL-terminated; may be NULL */
	char *group_value; /* --group-by label:KEY: pod's, else namespace's */
} fr_pod;

typedef struct fr_group { /* a controller or a namespace */
	char *key, *ns, *kind, *name;
	size_t pods, containers;
	fr_cost cost;
	double cost_month, savings_month, extra_month;
	fr_money savings, extra;
	double eff_cpu, eff_ram, eff_total;
	double cpu_req, cpu_rec, mem_req, mem_rec;
	double num_cpu, den_cpu, num_ram, den_ram; /* efficiency accumulators */
	int risks;
	int hpa;
	fr_cost idle_share; /* --share-idle: idle cost given to this group */
} fr_group;

/* Node capacity over the window (kube_node_status_*), priced. */
typedef struct fr_nodes {
	double cap_core_h, cap_byte_h; /* capacity: core-hours, byte-hours */
	double alloc_core_h, alloc_byte_h; /* allocatable */
	fr_cost capacity, allocatable, reserved, idle; /* priced, window */
} fr_nodes;

typedef struct fr_unit {
	char *ns; /* NULL for the whole selection */
	double requests, applications, cost;
	double per_1000_requests, per_application;
} fr_unit;

/* Sums over the selection, one hour (CPU in cores, memory in bytes; the
 * hour's average request, usage and max(request, usage) per container). */
typedef struct fr_hour {
	double cpu_req, cpu_use, cpu_alloc, mem_req, mem_use, mem_alloc;
	int seen;
} fr_hour;

/* A stretch of the trend: a day of the window, the window, or the one
 * before it. Costs by the pricing model (CPU and RAM; no storage). */
typedef struct fr_period {
	double start, end; /* unix seconds */
	double hours; /* hours with data */
	fr_hour sum; /* the sums of those hours */
	double cost_cpu, cost_ram, cost;
	double cpu_req, cpu_use, mem_req, mem_use; /* averages over hours */
	fr_money savings, extra; /* per month; NAN for a day (not computed) */
} fr_period;

typedef struct fr_model {
	fr_pod *pods;
	size_t npods, cappods;
	fr_hpa *hpas;
	size_t nhpas, caphpas;
	char **warnings; /* incomplete-data reasons, deduplicated */
	size_t nwarn, capwarn;
	fr_group *ctrls, *nss, *lbls;
	size_t nctrls, nnss, nlbls;
	int have_nodes;
	fr_nodes nodes;
	fr_hour *hours; /* the previous window, hour by hour (its own pass) */
	size_t nhours;
	fr_money prev_savings, prev_extra; /* the previous window's, per month */
	fr_hour *cur; /* the window, hour by hour (from the per-container hours) */
	size_t ncur;
	int have_trend;
	fr_period *days, current, previous;
	size_t ndays;
	fr_unit *units;
	size_t nunits;
	fr_cost idle, unallocated;
	int have_idle, have_unallocated;
	fr_cost total;
	double total_month, savings_month, extra_month;
	fr_money savings, extra;
	double eff_cpu, eff_ram, eff_total;
	double num_cpu, den_cpu, num_ram, den_ram;
	size_t ncontainers, nrisky, nmissing, nyoung;
	int cost_from_kubecost;
	size_t *index; /* open-addressing hash of pods, by ns/pod */
	size_t capindex;
} fr_model;

fr_pod *fr_model_pod(fr_model *m, const char *ns, const char *pod);
fr_pod *fr_model_find_pod(fr_model *m, const char *ns, const char *pod);
fr_container *fr_pod_container(fr_pod *p, const char *name);
void fr_model_warn(fr_model *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fr_model_free(fr_model *m);
void fr_res_init(fr_res *r);

/* ------------------------------------------------------------------ http */

typedef struct fr_http {
	const char *name; /* "prometheus" or "kubecost", for messages */
	char *base; /* without trailing slash; sent, may hold
                              * user:password@ */
	char *shown; /* base as messages show it: fr_url_redact */
	char *token; /* bearer; never printed */
	char *user, *password; /* basic auth */
	const char *cacert;
	long timeout_s;
	int retries;
	double retry_delay_s;
	int compress; /* ask for gzip: less traffic, more CPU */
	long queries; /* requests sent, including retries */
} fr_http;

int fr_http_get(fr_http *h, const char *path_and_query, char **body, long *status, char *err,
                size_t errsz);
char *fr_url_escape(const char *s);
char *fr_url_redact(const char *url);
double fr_retry_after(const char *value, double now);
char *fr_strdup(const char *s);
char *fr_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *fr_vprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));
void *fr_xrealloc(void *p, size_t n);
void *fr_grow(void *p, size_t *cap, size_t n, size_t sz);

/* -------------------------------------------------------------- progress */

/* On when forced (--progress) or when stderr is a terminal and not quiet. */
void fr_progress_init(int forced, int quiet);
void fr_progress_plan(long queries, size_t nbatches); /* adds expected queries */
void fr_progress_batch(size_t i, const char *ns);
void fr_progress_query(void);
void fr_progress_retry(const char *source, const char *why, double wait_s);
void fr_progress_end(void);

/* ------------------------------------------------------------ prometheus */

/* Result of one query: the "result" array of data, owned; warnings. */
typedef struct fr_promres {
	json_t *root; /* whole response */
	json_t *result; /* borrowed from root */
	char *warnings; /* joined, or NULL */
} fr_promres;

int fr_prom_query(fr_http *h, const char *promql, double at, fr_promres *out, char *err,
                  size_t errsz);
int fr_prom_query_range(fr_http *h, const char *promql, double start, double end, long step,
                        fr_promres *out, char *err, size_t errsz);
void fr_promres_free(fr_promres *r);
typedef int (*fr_series_cb)(void *ud, json_t *metric, const double *ts, const double *v, size_t n);
int fr_prom_range_each(fr_http *h, const char *promql, double start, double end, long step,
                       fr_series_cb cb, void *ud, char **warnings, char *err, size_t errsz);
int fr_prom_series(fr_http *h, const char *match, double start, double end, json_t **out, char *err,
                   size_t errsz);
/* The parsers of the functions above, on an answer already received (@status
 * its HTTP status, for messages): what they do after the GET, and what
 * fuzz/fuzz_finops.c feeds arbitrary bytes. @h names the source in messages. */
int fr_prom_parse(const fr_http *h, const char *what, const char *body, long status,
                  fr_promres *out, char *err, size_t errsz);
int fr_prom_range_parse(const fr_http *h, const char *body, long status, fr_series_cb cb, void *ud,
                        char **warnings, char *err, size_t errsz);
int fr_prom_series_parse(const fr_http *h, const char *body, long status, json_t **out, char *err,
                         size_t errsz);
/* Turns every control byte of @s into '?': a message quoting a server's
 * text stays one line and cannot drive the terminal. */
void fr_one_line(char *s);
const char *fr_prom_label(json_t *series, const char *name);
double fr_prom_value(json_t *series);
char *fr_promql_regex_quote(const char *s);
/* The decimal [b, e) as strtod reads it, when it is exact without strtod
 * (digits and one point, at most 2^53 without the point, at most 22 digits
 * after it); 0 otherwise (strtod must read it). */
int fr_exact_decimal(const char *b, const char *e, double *out);

/* ---------------------------------------------------------------- config */

typedef struct fr_options {
	const char *prometheus, *kubecost;
	int opencost; /* use /allocation instead of /model/allocation */
	long window_s;
	double start, end; /* unix seconds; end defaults to now */
	const char **namespaces;
	size_t nnamespaces;
	const char *namespace_regex, *pod_regex, *selector;
	fr_strategy strategy;
	fr_pricing pricing;
	long rate_window_s, resolution_s;
	int concurrency;
	int batch_pods;
	const char *cacert;
	long timeout_s;
	int retries;
	double retry_delay_s;
	int hpa_aware;
	double min_history_h; /* hours of usage below which: not enough data */
	const char *group_label; /* --group-by label:KEY: KEY, else NULL */
	int share_idle; /* share node idle cost over namespaces */
	double cpu_limit_factor; /* CPU limit = factor x request; 0 = none */
	const char *requests_metric, *applications_metric;
	int quiet;
} fr_options;

int fr_collect_prometheus(const fr_options *o, fr_http *h, fr_model *m, int previous, char *err,
                          size_t errsz);
int fr_collect_kubecost(const fr_options *o, fr_http *h, fr_model *m, char *err, size_t errsz);
int fr_kubecost_parse(const char *body, fr_model *m, int create_pods, const fr_options *o,
                      char *err, size_t errsz);
int fr_selection_init(const fr_options *o, char *err, size_t errsz);
int fr_selection_match(const char *ns, const char *pod);
int fr_selector_match(const char *selector, char *const *labels, int prefixed);
/* Value of label key in "name=value" strings (prefixed: kube-state-metrics'
 * label_<name> spelling), or NULL. */
const char *fr_label_value(char *const *labels, const char *key, int prefixed);
int fr_collect_nodes(const fr_options *o, fr_http *h, fr_model *m, char *err, size_t errsz);
int fr_collect_trend(const fr_options *o, fr_http *h, fr_model *m, char *err, size_t errsz);
void fr_selection_free(void);
void fr_model_merge(fr_model *dst, fr_model *src);
void fr_hour_add(fr_hour *d, const fr_hour *h);
char **fr_labels_from(json_t *obj);
void fr_labels_free(char **labels);
int fr_namespace_listed(const fr_options *o, const char *ns);
void fr_model_drop_empty(fr_model *m, int keep_kubecost_only);

void fr_report_compute(const fr_options *o, fr_model *m);
void fr_trend_compute(const fr_options *o, fr_model *m);
int fr_trend_comparable(const fr_model *m);
int fr_collect_units(const fr_options *o, fr_http *h, fr_model *m, char *err, size_t errsz);

/* ---------------------------------------------------------------- output */

typedef struct fr_thresholds {
	double savings_over; /* monthly; NAN unset */
	double min_efficiency; /* percent; NAN unset */
	double max_cost; /* monthly; NAN unset */
	int fail_on_risk;
	char *breached[8];
	int nbreached;
} fr_thresholds;

enum fr_groupby { FR_BY_CONTAINER, FR_BY_POD, FR_BY_CONTROLLER, FR_BY_NAMESPACE, FR_BY_LABEL };

typedef struct fr_outctx {
	const fr_options *o;
	const fr_model *m;
	const fr_thresholds *t;
	int color;
	int groupby;
	int top; /* table: rows shown per section, 0 = all */
	int exit_code;
	const char *sources; /* human description of the data sources */
	int lang; /* FR_LANG_EN or FR_LANG_FR: table, Markdown, HTML */
} fr_outctx;

/* A renderer writes the whole report to f; 0, or -1 when the report could
 * not be built (the caller then exits 1, never 0 on a truncated report). */
typedef int (*fr_render_fn)(FILE *f, const fr_outctx *c);

/* The language of the reports people read (i18n.c). */
enum { FR_LANG_EN, FR_LANG_FR };
typedef struct fr_msg {
	const char *en, *fr;
} fr_msg;
/* The text en in language lang (en itself when untranslated). */
const char *fr_tr(int lang, const char *en) __attribute__((format_arg(2)));
#define FR_T(c, en) fr_tr((c)->lang, en)
/* Marks a text translated where it is used (a table of texts). */
#define FR_N(en) en
/* The catalogue, for the tests. */
const fr_msg *fr_messages(size_t *n);

/* An output format, defined by FR_FORMAT in its own file. */
typedef struct fr_format {
	const char *name;
	const char *alias; /* another accepted name, or NULL */
	fr_render_fn render;
	int csv_like; /* defaults to one row per container with Prometheus */
	int emit; /* a change to apply (--emit), not a report (--format) */
} fr_format;

const fr_format *fr_format_find(const char *name);
/* The names of the reports (emit 0) or of the changes (emit 1),
 * comma-separated ("table, json, ..."). */
const char *fr_format_names(int emit);

/* ---------------------------------------------------------------- rows
 * Every renderer walks the report through these rows, in the same orders:
 * containers (risks first, then the largest saving), pods, controllers,
 * namespaces, and the cost section at the chosen --group-by (most expensive
 * first). One row holds what every format shows of it. */

enum fr_rowkind {
	FR_ROWS_CONTAINERS,
	FR_ROWS_PODS,
	FR_ROWS_CONTROLLERS,
	FR_ROWS_NAMESPACES,
	FR_ROWS_LABELS, /* --group-by label:KEY */
	FR_ROWS_COST, /* pods, controllers, namespaces or labels by c->groupby */
};

typedef struct fr_row {
	const fr_pod *p; /* pod and container rows */
	const fr_container *c; /* container rows */
	const fr_group *g; /* controller and namespace rows */
	char label[320]; /* "ns/pod", "ns/controller" or "ns" */
	fr_cost cost; /* over the window */
	double month; /* cost per month */
	double eff; /* total efficiency */
	double savings; /* per month, positive savings only */
} fr_row;

typedef struct fr_rows {
	fr_row *r;
	size_t n, next;
} fr_rows;

/* Opens rows of a kind, ranked (the orders above) or in the model's order
 * (namespace, pod, container names). */
void fr_rows_open(fr_rows *it, const fr_outctx *c, int kind, int ranked);
/* The next row, or NULL at the end. */
const fr_row *fr_rows_next(fr_rows *it);
void fr_rows_close(fr_rows *it);

/* Defines output format `name`: its descriptor fr_format_<name> (alias:
 * another accepted name or NULL; csv_like and emit: fr_format's fields),
 * then its renderer, whose body follows: FR_FORMAT(table, NULL, 0, 0) {...}.
 * meson.build's finops_formats lists the formats (formats.c reads that list). */
#define FR_FORMAT(name, alias, csv_like, emit)                                                     \
	int fr_out_##name(FILE *f, const fr_outctx *c);                                            \
	extern const fr_format fr_format_##name;                                                   \
	const fr_format fr_format_##name = { #name, alias, fr_out_##name, csv_like, emit };        \
	int fr_out_##name(FILE *f, const fr_outctx *c)

/* The JSON renderer, called by the unit tests too. */
int fr_out_json(FILE *f, const fr_outctx *c);

/* ------------------------------------------------------- formatting helpers
 * Shared by the renderers (out_common.c). Each writes into b and returns it;
 * an unknown value (NAN) is "-". */
const char *fr_fmt_cpu(double cores, char *b, size_t n); /* "250m", "12.5" */
const char *fr_fmt_mem(double bytes, char *b, size_t n); /* "512Mi", "1.5Gi" */
const char *fr_fmt_money(double v, char *b, size_t n); /* "%.2f" */
const char *fr_fmt_pct(double frac, char *b, size_t n); /* "25%" */
void fr_fmt_time(double t, char *b, size_t n); /* RFC 3339 UTC */
const char *fr_fit(const char *s, size_t w, char *b, size_t n);
const char *fr_cut(const char *s, size_t w, char *b, size_t n);
const char *fr_risk_names(unsigned risks, char *b, size_t n);
void fr_window_text(const fr_outctx *c, char *b, size_t n);
void fr_pricing_text(const fr_outctx *c, char *b, size_t n);
const char *fr_group_word(int groupby);
/* The usage figure CPU is sized to under the strategy (p95, pN or max). */
double fr_cpu_sized_usage(const fr_strategy *s, const fr_res *cpu);
/* Where that figure is kept in cpu. */
double *fr_cpu_sized_field(const fr_strategy *s, fr_res *cpu);
/* Cells of a cost row: CPU, RAM, PV, total, per month, efficiency. */
void fr_cost_cells(const fr_row *r, char cells[6][24]);
/* Cells of a container row, in Kubernetes units and money. */
enum {
	FR_CC_CPU_REQ,
	FR_CC_CPU_P50,
	FR_CC_CPU_P95,
	FR_CC_CPU_MAX,
	FR_CC_CPU_REC,
	FR_CC_MEM_REQ,
	FR_CC_MEM_MAX,
	FR_CC_MEM_REC,
	FR_CC_SAVE,
	FR_CC_N
};
void fr_container_cells(const fr_container *x, char cells[FR_CC_N][24]);

/* A table the Markdown, HTML and terminal reports share: headers and rows
 * of cells already formatted for people; the first column names the row,
 * the others are figures. Each format writes it in its own syntax. */
#define FR_GRID_COLS 12
typedef struct fr_grid {
	size_t ncols, nrows, cap;
	const char *head[FR_GRID_COLS]; /* borrowed */
	char **cells; /* nrows x ncols, owned */
	size_t more; /* rows left out (a --top) */
} fr_grid;

void fr_grid_init(fr_grid *g, size_t ncols, const char *const *head);
void fr_grid_add(fr_grid *g, const char *const *cells); /* ncols cells, copied */
/* The punctuation of a row in a document format: before the first cell,
 * before each other, after each cell, at the row's end. */
typedef struct fr_grid_marks {
	const char *first, *sep, *close, *end;
} fr_grid_marks;
/* Writes the @n @cells of a row, each esc()aped, between @m's marks. */
void fr_grid_row(FILE *f, const char *const *cells, size_t n, const fr_grid_marks *m,
                 void (*esc)(FILE *, const char *));
/* Row @row of @g as fr_grid_row() takes it. */
const char *const *fr_grid_cells(const fr_grid *g, size_t row);
void fr_grid_free(fr_grid *g);
/* The trend: previous window, window, then each day (cost, requests,
 * usage, savings per month, change of cost); 0 without a trend. */
int fr_grid_trend(const fr_outctx *c, fr_grid *g);
/* The cost table at --group-by, most expensive first, at most top rows
 * (0: all). */
void fr_grid_cost(const fr_outctx *c, fr_grid *g, size_t top);
/* Unit economics; 0 without any. */
int fr_grid_units(const fr_outctx *c, fr_grid *g);
/* Writes s in w columns (UTF-8: one column per character), right-aligned
 * or left-aligned. */
void fr_pad(FILE *f, const char *s, size_t w, int right);
/* A container row's note in the report's language. */
const char *fr_note_text(const fr_outctx *c, const fr_row *r, char *b, size_t n);

/* How a document format (HTML, Markdown) writes the parts that
 * fr_doc_tail() puts together; each escapes its text. */
typedef struct fr_doc_ops {
	void (*heading)(FILE *f, const char *text);
	void (*grid)(FILE *f, const fr_grid *g, const char *id);
	/* a bulleted list; @id names it ("incomplete", "breached") */
	void (*list)(FILE *f, char *const *items, size_t n, const char *id);
} fr_doc_ops;

/* The end of a document report, the same in every format: the unit
 * economics when the report has any, the incomplete data when some is,
 * the thresholds breached when one is; each a heading and its grid or
 * list. */
void fr_doc_tail(FILE *f, const fr_outctx *c, const fr_doc_ops *ops);

#endif
