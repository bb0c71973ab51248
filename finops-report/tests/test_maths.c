/*
 * Unit tests of the report maths. Every expected value is computed by hand in
 * the comment next to it, never by the code under test.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../fr.h"

#define NEAR(a, b) assert_true(fabs((double)(a) - (double)(b)) < 1e-9 * (1 + fabs((double)(b))))

/* xorshift64: reproducible pseudo-random test data */
static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Selecting the order statistics gives the very double sorting gives, for
 * every size, with ties, constant and sorted runs, and every percentile the
 * tool asks for. */
static void test_quantile_select(void **st)
{
	(void)st;
	static const double qs[] = { 0, 0.01, 0.5, 0.9, 0.95, 0.99, 1 };
	uint64_t x = 88172645463325252u;
	double a[700], b[700];
	for (int round = 0; round < 600; round++) {
		size_t n = 1 + rnd(&x) % 700;
		int kind = round % 4; /* random, few values, constant, sorted */
		for (size_t i = 0; i < n; i++)
			a[i] = kind == 0   ? (double)(rnd(&x) % 1000000) / 7.0
			       : kind == 1 ? (double)(rnd(&x) % 5)
			       : kind == 2 ? 0.25
			                   : (double)i * 0.5;
		memcpy(b, a, n * sizeof *a);
		qsort(b, n, sizeof *b, fr_cmp_double);
		for (size_t k = 0; k < sizeof qs / sizeof *qs; k++) {
			double want = fr_quantile_sorted(qs[k], b, n);
			double got = fr_quantile_select(qs[k], a, n);
			assert_memory_equal(&got, &want, sizeof got);
		}
	}
	assert_true(isnan(fr_quantile_select(0.5, a, 0)));
}

/* The fast decimal path reads exactly what strtod reads, and leaves to it
 * what it cannot read exactly. */
static void test_exact_decimal(void **st)
{
	(void)st;
	uint64_t x = 0x9e3779b97f4a7c15u;
	char buf[64];
	size_t taken = 0;
	for (int round = 0; round < 200000; round++) {
		/* mantissas up to 2^54 (some too long), up to 25 digits after the point */
		uint64_t m = rnd(&x) >> (10 + rnd(&x) % 54);
		int frac = (int)(rnd(&x) % 26);
		char digits[32];
		int nd = snprintf(digits, sizeof digits, "%0*llu", frac + 1, (unsigned long long)m);
		snprintf(buf, sizeof buf, "%.*s%s%s", nd - frac, digits, frac ? "." : "",
		         digits + nd - frac);
		double got = 0, want = strtod(buf, NULL);
		if (fr_exact_decimal(buf, buf + strlen(buf), &got)) {
			taken++;
			assert_memory_equal(&got, &want, sizeof got);
		} else {
			assert_true(m > (UINT64_C(1) << 53) / 10 || frac > 22);
		}
	}
	assert_true(taken > 100000);
	static const char *const refused[] = { "",     ".",     "5.",
		                               "-1",   "1e5",   "NaN",
		                               "+Inf", "1.2.3", "0.00000000000000000000001" };
	double v;
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
		assert_false(fr_exact_decimal(refused[i], refused[i] + strlen(refused[i]), &v));
	const char *ts = "1795251900";
	assert_true(fr_exact_decimal(ts, ts + 10, &v));
	assert_true(v == 1795251900.0);
}

static void test_quantile(void **st)
{
	(void)st;
	double v[] = { 4, 1, 3, 2 };
	/* sorted 1 2 3 4; rank = 0.5 * 3 = 1.5 -> 2 + 0.5 * (3 - 2) = 2.5 */
	NEAR(fr_quantile(0.5, v, 4), 2.5);
	/* rank = 0.95 * 3 = 2.85 -> 3 + 0.85 * (4 - 3) = 3.85 */
	NEAR(fr_quantile(0.95, v, 4), 3.85);
	NEAR(fr_quantile(0.0, v, 4), 1.0);
	NEAR(fr_quantile(1.0, v, 4), 4.0);
	double one[] = { 7 };
	NEAR(fr_quantile(0.95, one, 1), 7.0);
	assert_true(isnan(fr_quantile(0.5, v, 0)));
	assert_true(isnan(fr_quantile(1.5, v, 4)));
	/* 0..100: rank 0.95 * 100 = 95 exactly -> 95 */
	double h[101];
	for (int i = 0; i <= 100; i++)
		h[100 - i] = i;
	NEAR(fr_quantile(0.95, h, 101), 95.0);
}

static void test_step(void **st)
{
	(void)st;
	/* 7 d = 604800 s / 10999 = 54.99 -> 55 < 60 floor -> 60 (10081 points) */
	assert_int_equal(fr_choose_step(604800, 60, 11000), 60);
	/* 14 d: 1209600 / 10999 = 109.97 -> 110 -> nice 120 (10081 points) */
	assert_int_equal(fr_choose_step(1209600, 60, 11000), 120);
	/* 30 d: 2592000 / 10999 = 235.7 -> 236 -> nice 300 (8641 points) */
	assert_int_equal(fr_choose_step(2592000, 60, 11000), 300);
	/* 1 d with a 1 h floor */
	assert_int_equal(fr_choose_step(86400, 3600, 11000), 3600);
	/* the limit itself: every nice step keeps range/step + 1 <= 11000 */
	for (long r = 3600; r < 400L * 86400; r = r * 3 / 2) {
		long s = fr_choose_step(r, 1, 11000);
		assert_true(r / s + 1 <= 11000);
	}
}

static void test_recommend(void **st)
{
	(void)st;
	fr_strategy s;
	fr_strategy_default(&s);
	/* 12.3m p95 -> up to a multiple of 5m -> 15m */
	NEAR(fr_recommend_cpu(&s, 0.0123, NAN), 0.015);
	/* 1m -> floor 10m */
	NEAR(fr_recommend_cpu(&s, 0.001, NAN), 0.010);
	/* exactly 200m stays 200m (no float creep to 205m) */
	NEAR(fr_recommend_cpu(&s, 0.2, NAN), 0.2);
	/* HPA at 70 %: 350m / 0.7 = 500m */
	NEAR(fr_recommend_cpu(&s, 0.35, 0.7), 0.5);
	assert_true(isnan(fr_recommend_cpu(&s, NAN, NAN)));
	/* 150 MiB * 1.15 = 172.5 MiB -> multiple of 4 MiB -> 176 MiB */
	NEAR(fr_recommend_mem(&s, 150 * FR_MIB, NAN), 176 * FR_MIB);
	/* 50 MiB * 1.15 = 57.5 -> 60 MiB -> floor 100 MiB */
	NEAR(fr_recommend_mem(&s, 50 * FR_MIB, NAN), 100 * FR_MIB);
	/* HPA on memory at 50 %: max(200 * 1.15 = 230, 200 / 0.5 = 400) */
	NEAR(fr_recommend_mem(&s, 200 * FR_MIB, 0.5), 400 * FR_MIB);
	assert_true(isnan(fr_recommend_mem(&s, NAN, NAN)));
}

static void test_rounding(void **st)
{
	(void)st;
	NEAR(fr_ceil_to(0.1 + 0.2, 0.1), 0.3); /* 0.30000000000000004 */
	NEAR(fr_ceil_to(0.301, 0.1), 0.4);
	NEAR(fr_ceil_to(17, 4), 20);
	assert_true(isnan(fr_ceil_to(NAN, 1)));
}

static void test_costs(void **st)
{
	(void)st;
	fr_pricing p;
	fr_pricing_default(&p);
	/* 1 CPU + 512 Mi down to 15m + 176 Mi:
     * CPU 0.985 * 0.02 * 720 = 14.184; RAM 336/1024 GiB * 0.01 * 720 =
     * 2.3625; total 16.5465 EUR per month */
	NEAR(fr_savings_month(&p, 1.0, 0.015, 512 * FR_MIB, 176 * FR_MIB), 16.5465);
	/* under-provisioned: CPU 500m -> 400m saves 0.1*0.02*720 = 1.44;
     * memory 256 -> 348 Mi costs 92/1024*0.01*720 = 0.646875 */
	NEAR(fr_savings_month(&p, 0.5, 0.4, 256 * FR_MIB, 348 * FR_MIB), 0.793125);
	/* unknown request: that resource counts nothing */
	NEAR(fr_savings_month(&p, NAN, 0.4, 256 * FR_MIB, 256 * FR_MIB), 0.0);
	/* 168 core-hours * 0.02 = 3.36 */
	NEAR(fr_cost_cpu(&p, 168), 3.36);
	/* 2 GiB for 168 h = 336 GiB-h * 0.01 = 3.36 */
	NEAR(fr_cost_ram(&p, 2 * FR_GIB * 168), 3.36);
	/* 10 GiB for 720 h = 10 GiB-months * 0.03 = 0.30 */
	NEAR(fr_cost_storage(&p, 10 * FR_GIB * 720), 0.30);
	/* 3.36 over 7 d -> * 720 / 168 = 14.4 per month */
	NEAR(fr_per_month(3.36, 7 * 86400), 14.4);
	/* with GB = 10^9 bytes: 2e9 bytes for 1 h = 2 GB-h * 0.01 = 0.02 */
	p.mem_unit_bytes = FR_GB;
	NEAR(fr_cost_ram(&p, 2e9), 0.02);
}

static void test_efficiency_units(void **st)
{
	(void)st;
	NEAR(fr_ratio(0.03, 1.0), 0.03);
	assert_true(isnan(fr_ratio(1, 0)));
	assert_true(isnan(fr_ratio(NAN, 1)));
	/* 14.4 EUR for 288 000 requests: 14.4 / 288 = 0.05 per 1000 */
	NEAR(fr_unit_cost(14.4, 288000, 1000), 0.05);
	/* 14.4 EUR for 120 applications: 0.12 each */
	NEAR(fr_unit_cost(14.4, 120, 1), 0.12);
	assert_true(isnan(fr_unit_cost(14.4, 0, 1)));
}

static void test_parsers(void **st)
{
	(void)st;
	long d;
	assert_int_equal(fr_parse_duration("7d", &d), 0);
	assert_int_equal(d, 604800);
	assert_int_equal(fr_parse_duration("24h", &d), 0);
	assert_int_equal(d, 86400);
	assert_int_equal(fr_parse_duration("1d12h", &d), 0);
	assert_int_equal(d, 129600);
	assert_int_equal(fr_parse_duration("90", &d), 0);
	assert_int_equal(d, 90);
	assert_int_equal(fr_parse_duration("1h30", &d), -1);
	assert_int_equal(fr_parse_duration("7x", &d), -1);
	assert_int_equal(fr_parse_duration("", &d), -1);
	assert_int_equal(fr_parse_duration("0s", &d), -1);
	assert_int_equal(fr_parse_duration("-1h", &d), -1);
	char b[32];
	fr_format_duration(604800, b, sizeof b);
	assert_string_equal(b, "7d");
	fr_format_duration(5400, b, sizeof b);
	assert_string_equal(b, "1h30m");
	fr_format_duration(604799, b, sizeof b);
	assert_string_equal(b, "6d23h59m59s");
	double v;
	assert_int_equal(fr_parse_bytes("512Mi", &v), 0);
	NEAR(v, 536870912.0);
	assert_int_equal(fr_parse_bytes("512M", &v), 0);
	NEAR(v, 512e6);
	assert_int_equal(fr_parse_bytes("1Gi", &v), 0);
	NEAR(v, 1073741824.0);
	assert_int_equal(fr_parse_bytes("1Xi", &v), -1);
	assert_int_equal(fr_parse_cpu("250m", &v), 0);
	NEAR(v, 0.25);
	assert_int_equal(fr_parse_cpu("1", &v), 0);
	NEAR(v, 1.0);
	assert_int_equal(fr_parse_cpu("1k", &v), -1);
	assert_int_equal(fr_parse_time("2026-11-01T00:00:00Z", &v), 0);
	NEAR(v, 1793491200.0);
	assert_int_equal(fr_parse_time("1793491200", &v), 0);
	NEAR(v, 1793491200.0);
	/* issue 17: +02:00 is read, two hours ahead of UTC */
	assert_int_equal(fr_parse_time("2026-11-01T02:00:00+02:00", &v), 0);
	NEAR(v, 1793491200.0);
}

/* --start/--end: the whole string is read, and a field out of range is an
 * error rather than a date timegm normalises into another one. */
static void test_parse_time_strict(void **st)
{
	(void)st;
	double v = 0;
	assert_int_equal(fr_parse_time("2024-02-29T23:59:59Z", &v), 0);
	NEAR(v, 1709251199.0);
	/* issue 17: an offset is read; 01:00+01:00 is midnight UTC */
	assert_int_equal(fr_parse_time("2026-11-01T01:00:00+01:00", &v), 0);
	NEAR(v, 1793491200.0);
	assert_int_equal(fr_parse_time("2026-10-31T22:30:00-01:30", &v), 0);
	NEAR(v, 1793491200.0);
	const char *bad[] = { "2026-11-01T00:00:00", /* no zone: refused, not taken as UTC */
		              "2026-11-01",
		              "2026-11-01T00:00:00+1:00",
		              "2026-11-01T00:00:00+24:00",
		              "2023-02-31",
		              "2023-02-29",
		              "2023-02-31T00:00:00Z",
		              "2026-13-01",
		              "2026-00-10",
		              "2026-04-31",
		              "2026-11-00",
		              "2026-11-01T24:00:00Z",
		              "2026-11-01T00:60:00Z",
		              "2026-11-01T00:00:60Z",
		              "2026-11-01T00:00:00Zjunk",
		              "2026-11-01T00:00:00ZZ",
		              "2026-11-01junk",
		              "2026-11-01T00:00",
		              "2026-1-01",
		              "2026-+1-01",
		              " 2026-11-01",
		              "2026-11-01T00:00:00z0",
		              "1793491200junk",
		              "inf",
		              "-5",
		              "",
		              "1900-01-01" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = -1;
		if (fr_parse_time(bad[i], &v) != -1)
			fail_msg("fr_parse_time accepted '%s' as %.0f", bad[i], v);
	}
}

static void test_pricing_file(void **st)
{
	(void)st;
	char path[] = "/tmp/fr-pricing-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *txt = "# comment\ncurrency = USD\nmemory_unit = GB\n"
			  "cpu_per_vcpu_hour = 0.031 # trailing\n";
	assert_int_equal(write(fd, txt, strlen(txt)), (ssize_t)strlen(txt));
	close(fd);
	fr_pricing p;
	fr_pricing_default(&p);
	char err[256];
	assert_int_equal(fr_pricing_load(&p, path, err, sizeof err), 0);
	assert_string_equal(p.currency, "USD");
	assert_string_equal(p.mem_unit, "GB");
	NEAR(p.mem_unit_bytes, 1e9);
	NEAR(p.cpu_hour, 0.031);
	NEAR(p.ram_hour, 0.01); /* kept from the default */
	FILE *f = fopen(path, "w");
	fputs("ram_per_gb_hour = 1\n", f);
	fclose(f);
	assert_int_equal(fr_pricing_load(&p, path, err, sizeof err), -1);
	assert_non_null(strstr(err, ":1: unknown key 'ram_per_gb_hour'"));
	f = fopen(path, "w");
	fputs("cpu_per_vcpu_hour = -1\n", f);
	fclose(f);
	assert_int_equal(fr_pricing_load(&p, path, err, sizeof err), -1);
	unlink(path);
}

static void test_selector(void **st)
{
	(void)st;
	char *l[] = { "namespace=shop", "label_app=api",
		      "label_app_kubernetes_io_"
		      "name=offer",
		      NULL };
	assert_int_equal(fr_selector_match("app=api", l, 1), 1);
	assert_int_equal(fr_selector_match("app==api", l, 1), 1);
	assert_int_equal(fr_selector_match("app!=api", l, 1), 0);
	assert_int_equal(fr_selector_match("app.kubernetes.io/name=offer", l, 1), 1);
	assert_int_equal(fr_selector_match("app=api,tier=db", l, 1), 0);
	assert_int_equal(fr_selector_match("app,!canary", l, 1), 1);
	assert_int_equal(fr_selector_match("!app", l, 1), 0);
	assert_int_equal(fr_selector_match("app in (a,b)", l, 1), -1);
	char *u[] = { "app=api", NULL };
	assert_int_equal(fr_selector_match("app=api", u, 0), 1);
}

/* A whole report over a hand-made model: the original's over-provisioned
 * API pod and an OOM-killed worker. */
static void test_report(void **st)
{
	(void)st;
	fr_options o;
	memset(&o, 0, sizeof o);
	fr_strategy_default(&o.strategy);
	fr_pricing_default(&o.pricing);
	o.window_s = 7 * 86400;
	o.end = 1793491200;
	fr_model m;
	memset(&m, 0, sizeof m);
	fr_pod *p = fr_model_pod(&m, "shop", "api-5d8f7c9b6-x2x9q");
	fr_container *c = fr_pod_container(p, "api");
	c->cpu.request = 1.0;
	c->cpu.p95 = 0.03;
	c->cpu.max = 0.05;
	c->cpu.avg = 0.02;
	c->mem.request = 512 * FR_MIB;
	c->mem.max = 150 * FR_MIB;
	c->mem.avg = 140 * FR_MIB;
	c->cpu.alloc_hours = 168.0; /* 1 core all week */
	c->mem.alloc_hours = 0.5 * FR_GIB * 168; /* 512 Mi all week */
	p = fr_model_pod(&m, "shop", "worker-0");
	c = fr_pod_container(p, "worker");
	c->cpu.request = 0.5;
	c->cpu.p95 = 0.4;
	c->cpu.max = 0.7;
	c->cpu.avg = 0.6;
	c->mem.request = 256 * FR_MIB;
	c->mem.limit = 320 * FR_MIB;
	c->mem.max = 300 * FR_MIB;
	c->mem.avg = 200 * FR_MIB;
	c->oom_kills = 3;
	fr_report_compute(&o, &m);
	assert_int_equal(m.npods, 2);
	const fr_container *api = &m.pods[0].c[0];
	const fr_container *wk = &m.pods[1].c[0];
	NEAR(api->cpu.recommended, 0.03);
	NEAR(api->mem.recommended, 176 * FR_MIB);
	/* (1 - 0.03) * 0.02 * 720 = 13.968; + 2.3625 = 16.3305 */
	NEAR(api->savings_month, 16.3305);
	assert_int_equal(api->severity, FR_SEV_HIGH);
	assert_int_equal(api->risks, 0);
	/* 0.02 / 1 and 140 / 512 */
	NEAR(api->cpu_eff, 0.02);
	NEAR(api->mem_eff, 140.0 / 512.0);
	/* cost: 168 * 0.02 = 3.36 CPU, 84 GiB-h * 0.01 = 0.84 RAM */
	NEAR(m.pods[0].cost.cpu, 3.36);
	NEAR(m.pods[0].cost.ram, 0.84);
	NEAR(m.pods[0].cost.total, 4.2);
	assert_int_equal(wk->severity, FR_SEV_RISK);
	assert_true(wk->risks & FR_RISK_OOM);
	assert_true(wk->risks & FR_RISK_MEM_OVER_REQUEST);
	assert_true(wk->risks & FR_RISK_MEM_NEAR_LIMIT); /* 300 >= 0.9 * 320 */
	assert_false(wk->risks & FR_RISK_CPU_OVER_REQUEST); /* p95 0.4 < 0.5 */
	/* issue 17: never netted. CPU 500m -> 400m saves 0.1 * 0.02 * 720 = 1.44;
	 * memory 256Mi -> 300 * 1.15 = 345 -> 348Mi costs 92 / 1024 * 0.01 * 720
	 * = 0.646875 more. The first version showed 1.44 - 0.646875 = 0.793125. */
	NEAR(wk->savings.cpu, 1.44);
	NEAR(wk->savings.mem, 0.0);
	NEAR(wk->extra.cpu, 0.0);
	NEAR(wk->extra.mem, 0.646875);
	NEAR(wk->savings_month, 1.44);
	assert_true(wk->rec_above_request);
	NEAR(wk->mem.recommended_limit, 348 * FR_MIB);
	assert_true(isnan(wk->cpu.recommended_limit));
	/* raw CPU efficiency above 100 % ... */
	NEAR(wk->cpu_eff, 1.2);
	/* ... but capped in the pod's: min(0.6, 0.5) / 0.5 */
	NEAR(m.pods[1].eff_cpu, 1.0);
	/* totals: savings count positive savings of every container */
	NEAR(m.savings_month, 16.3305 + 1.44);
	NEAR(m.savings.cpu, 13.968 + 1.44);
	NEAR(m.savings.mem, 2.3625);
	NEAR(m.extra.mem, 0.646875);
	NEAR(m.extra_month, 0.646875);
	NEAR(m.total_month, 4.2 * 720.0 / 168.0);
	assert_int_equal(m.nrisky, 1);
	assert_int_equal(m.nctrls, 2);
	assert_int_equal(m.nnss, 1);
	/* total CPU efficiency, money-weighted with the cap:
     * (0.02 + 0.5) / (1 + 0.5) */
	NEAR(m.eff_cpu, 0.52 / 1.5);
	fr_model_free(&m);
}

/* A rollout: api-1 ran the first half of the window, api-2 (same spec) the
 * second. Together they are one replica: one replica's saving, and a cost
 * per month of one replica, not two. */
static void test_rollout_report(void **st)
{
	(void)st;
	fr_options o;
	memset(&o, 0, sizeof o);
	fr_strategy_default(&o.strategy);
	fr_pricing_default(&o.pricing);
	o.window_s = 86400;
	o.end = 1793491200;
	fr_model m;
	memset(&m, 0, sizeof m);
	const char *names[2] = { "api-5d8f7c9b6-aaaaa", "api-5d8f7c9b6-bbbbb" };
	for (int i = 0; i < 2; i++) {
		fr_pod *p = fr_model_pod(&m, "shop", names[i]);
		p->ctrl_kind = fr_strdup("Deployment");
		p->ctrl_name = fr_strdup("api");
		fr_container *c = fr_pod_container(p, "api");
		c->cpu.request = 1.0;
		c->cpu.p95 = 0.03;
		c->cpu.max = 0.05;
		c->cpu.avg = 0.02;
		c->mem.request = 512 * FR_MIB;
		c->mem.max = 150 * FR_MIB;
		c->mem.avg = 140 * FR_MIB;
		c->run_hours = 12;
		c->cpu.alloc_hours = 12.0; /* 1 core for 12 h */
		c->mem.alloc_hours = 0.5 * FR_GIB * 12; /* 512 Mi for 12 h */
	}
	fr_report_compute(&o, &m);
	/* one replica all month: 13.968 + 2.3625 = 16.3305; each pod half */
	NEAR(m.pods[0].c[0].savings_month, 16.3305 / 2);
	NEAR(m.pods[1].c[0].savings_month, 16.3305 / 2);
	NEAR(m.savings_month, 16.3305);
	assert_int_equal(m.nctrls, 1);
	NEAR(m.ctrls[0].savings_month, 16.3305);
	/* cost per month of one replica: (1 * 0.02 + 0.5 * 0.01) * 720 = 18 */
	NEAR(m.total_month, 18.0);
	fr_model_free(&m);
}

/* A text jansson cannot put in JSON (not UTF-8) makes json_pack return
 * NULL: fr_out_json must say it failed, not write nothing and succeed. */
static void test_json_refuses_bad_utf8(void **st)
{
	(void)st;
	fr_options o;
	memset(&o, 0, sizeof o);
	fr_strategy_default(&o.strategy);
	fr_pricing_default(&o.pricing);
	o.window_s = 86400;
	o.end = 1793491200;
	fr_thresholds t;
	memset(&t, 0, sizeof t);
	t.savings_over = t.min_efficiency = t.max_cost = NAN;
	for (int bad_pod = 0; bad_pod < 2; bad_pod++) {
		fr_model m;
		memset(&m, 0, sizeof m);
		fr_pod *p = fr_model_pod(&m, "shop", bad_pod ? "api-\xff" : "api");
		fr_pod_container(p, "api")->cpu.request = 1.0;
		fr_report_compute(&o, &m);
		fr_pricing_default(&o.pricing);
		if (!bad_pod) /* the head: a currency given as E\xffR */
			snprintf(o.pricing.currency, sizeof o.pricing.currency, "E\xffR");
		fr_outctx c = { &o, &m, &t, 0, FR_BY_POD, 20, 0, "test", FR_LANG_EN };
		FILE *f = tmpfile();
		assert_non_null(f);
		assert_int_equal(fr_out_json(f, &c), -1);
		fclose(f);
		fr_model_free(&m);
	}
	fr_pricing_default(&o.pricing);
}

/* The printf conversions of s, in order ("%s%.0f%%" -> "s.0f%"), so that a
 * translation of a format takes the same arguments. */
static void conversions(const char *s, char *out, size_t n)
{
	size_t k = 0;
	for (; *s && k + 1 < n; s++) {
		if (*s != '%')
			continue;
		s++;
		while (*s && strchr("0123456789.+- #", *s) && k + 1 < n)
			out[k++] = *s++;
		while (*s && strchr("hlzjt", *s) && k + 1 < n)
			out[k++] = *s++;
		if (*s && k + 1 < n)
			out[k++] = *s;
		if (!*s)
			break;
	}
	out[k] = '\0';
}

/* Every French text takes the same printf arguments as its English one,
 * is not empty, and is what fr_tr gives; English is the identity (the
 * language the environment asks for: unit-common's test_env_french). */
static void test_i18n(void **st)
{
	(void)st;
	size_t n;
	const fr_msg *msg = fr_messages(&n);
	assert_true(n > 100);
	for (size_t i = 0; i < n; i++) {
		char a[64], b[64];
		conversions(msg[i].en, a, sizeof a);
		conversions(msg[i].fr, b, sizeof b);
		if (strcmp(a, b) != 0)
			fail_msg("'%s': conversions %s in English, %s in French", msg[i].en, a, b);
		assert_true(msg[i].fr[0] != '\0');
		assert_ptr_equal(fr_tr(FR_LANG_FR, msg[i].en), msg[i].fr);
		assert_ptr_equal(fr_tr(FR_LANG_EN, msg[i].en), msg[i].en);
	}
	assert_string_equal(fr_tr(FR_LANG_FR, "Cost per pod"), "Coût par pod");
	assert_string_equal(fr_tr(FR_LANG_FR, "no such text"), "no such text");
}

static void test_hpa_report(void **st)
{
	(void)st;
	fr_options o;
	memset(&o, 0, sizeof o);
	fr_strategy_default(&o.strategy);
	fr_pricing_default(&o.pricing);
	o.window_s = 86400;
	fr_model m;
	memset(&m, 0, sizeof m);
	m.hpas = calloc(1, sizeof *m.hpas);
	m.nhpas = m.caphpas = 1;
	m.hpas[0].ns = fr_strdup("shop");
	m.hpas[0].name = fr_strdup("web");
	m.hpas[0].target_kind = fr_strdup("Deployment");
	m.hpas[0].target_name = fr_strdup("web");
	m.hpas[0].cpu_target = 0.5;
	m.hpas[0].mem_target = NAN;
	fr_pod *p = fr_model_pod(&m, "shop", "web-1");
	p->ctrl_kind = fr_strdup("Deployment");
	p->ctrl_name = fr_strdup("web");
	fr_container *c = fr_pod_container(p, "web");
	c->cpu.request = 0.5;
	c->cpu.p95 = 0.2;
	c->cpu.max = 0.3;
	c->cpu.avg = 0.1;
	c->mem.request = 256 * FR_MIB;
	c->mem.max = 200 * FR_MIB;
	c->mem.avg = 180 * FR_MIB;
	fr_report_compute(&o, &m);
	/* 0.2 / 0.5 = 400m rather than 200m */
	NEAR(m.pods[0].c[0].cpu.recommended, 0.4);
	assert_non_null(strstr(m.pods[0].c[0].note, "HPA web"));
	/* memory: 200 * 1.15 = 230 -> 232 Mi */
	NEAR(m.pods[0].c[0].mem.recommended, 232 * FR_MIB);
	fr_model_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantile),
		cmocka_unit_test(test_step),
		cmocka_unit_test(test_recommend),
		cmocka_unit_test(test_rounding),
		cmocka_unit_test(test_costs),
		cmocka_unit_test(test_efficiency_units),
		cmocka_unit_test(test_parsers),
		cmocka_unit_test(test_parse_time_strict),
		cmocka_unit_test(test_pricing_file),
		cmocka_unit_test(test_selector),
		cmocka_unit_test(test_quantile_select),
		cmocka_unit_test(test_exact_decimal),
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_hpa_report),
		cmocka_unit_test(test_i18n),
		cmocka_unit_test(test_rollout_report),
		cmocka_unit_test(test_json_refuses_bad_utf8),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
