/*
 * finops-report: the report maths (pure functions, unit-tested by hand-computed
 * values in tests/test_maths.c) and the parsers of durations and quantities.
 */
#include "fr.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Sets the default strategy: KRR's "simple" one. CPU is sized to the p95 of
 * usage, memory to the maximum working set plus 15 %; floors of 10 millicores
 * and 100 MiB keep a tiny idle container schedulable and out of OOM when it
 * wakes up; CPU rounds up to 5 millicores and memory to 4 MiB so that the
 * numbers an analyst pastes into a manifest look like what a person writes. */
void fr_strategy_default(fr_strategy *s)
{
	s->cpu_percentile = 95.0;
	s->cpu_use_max = 0;
	s->mem_buffer = 0.15;
	s->cpu_floor = 0.010;
	s->mem_floor = 100.0 * FR_MIB;
	s->cpu_round = 0.005;
	s->mem_round = 4.0 * FR_MIB;
}

int fr_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Returns the q-quantile (0 <= q <= 1) of v[0..n), sorting v in place; NAN
 * for n == 0 or q outside [0, 1]. Linear interpolation between closest ranks,
 * rank = q * (n - 1): the definition Prometheus' quantile_over_time uses, so
 * that a figure computed here agrees with the one Prometheus computes. */
double fr_quantile(double q, double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof *v, fr_cmp_double);
	return fr_quantile_sorted(q, v, n);
}

/* The same over v[0..n) already sorted in ascending order: several
 * quantiles of one series cost one sort. */
double fr_quantile_sorted(double q, const double *v, size_t n)
{
	if (n == 0 || !(q >= 0.0 && q <= 1.0))
		return NAN;
	double rank = q * (double)(n - 1);
	size_t lo = (size_t)floor(rank);
	size_t hi = lo + 1 < n ? lo + 1 : lo;
	double w = rank - (double)lo;
	return v[lo] * (1.0 - w) + v[hi] * w;
}

/* Moves the k-th smallest of v[0..n) (no NaN, k < n) to v[k], with none
 * larger before it and none smaller after it: a quickselect (Hoare
 * partition around the median of three), which sorts the rest of the range
 * when it has not converged in 64 rounds. */
static void select_kth(double *v, size_t n, size_t k)
{
	long lo = 0, hi = (long)n - 1, kk = (long)k;
	for (int rounds = 0; hi > lo; rounds++) {
		if (rounds == 64) {
			qsort(v + lo, (size_t)(hi - lo + 1), sizeof *v, fr_cmp_double);
			return;
		}
		double a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi];
		double pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
		long i = lo, j = hi;
		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				double t = v[i];
				v[i++] = v[j];
				v[j--] = t;
			}
		}
		/* v[lo..j] <= pivot <= v[i..hi], and pivot between them */
		if (kk <= j)
			hi = j;
		else if (kk >= i)
			lo = i;
		else
			return;
	}
}

/* fr_quantile_sorted(q, v, n) of v sorted, without sorting v[0..n) (no NaN):
 * the two order statistics the interpolation needs are selected, v is left
 * permuted. The same double as sorting gives, in linear time. */
double fr_quantile_select(double q, double *v, size_t n)
{
	if (n == 0 || !(q >= 0.0 && q <= 1.0))
		return NAN;
	double rank = q * (double)(n - 1);
	size_t lo = (size_t)floor(rank);
	double w = rank - (double)lo;
	select_kth(v, n, lo);
	double vhi = v[lo];
	if (lo + 1 < n) {
		vhi = v[lo + 1];
		for (size_t i = lo + 2; i < n; i++)
			if (v[i] < vhi)
				vhi = v[i];
	}
	return v[lo] * (1.0 - w) + vhi * w;
}

/* Rounds x up to a multiple of step (step > 0). The small tolerance keeps a
 * value that is already a multiple, but carries float noise (0.1 + 0.2), from
 * jumping to the next step. NAN stays NAN. */
double fr_ceil_to(double x, double step)
{
	if (isnan(x) || !(step > 0))
		return x;
	return ceil(x / step - 1e-9) * step;
}

/* Returns the query step, in seconds, for a range of range_s seconds: at least
 * min_step_s, and large enough that a series has at most max_points points
 * (a range query returns floor(range/step) + 1 of them, and Prometheus refuses
 * more than 11 000). The step is then rounded up to a "nice" value (1m, 2m,
 * 5m...) so that repeated runs align on the same timestamps. */
long fr_choose_step(long range_s, long min_step_s, long max_points)
{
	static const long nice[] = { 1,   2,   5,    10,   15,   30,    60,    120,   300,
		                     600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400 };
	if (min_step_s < 1)
		min_step_s = 1;
	if (max_points < 2)
		max_points = 2;
	long need = (range_s + (max_points - 1) - 1) / (max_points - 1);
	long step = need > min_step_s ? need : min_step_s;
	for (size_t i = 0; i < sizeof nice / sizeof nice[0]; i++)
		if (nice[i] >= step)
			return nice[i];
	return ((step + 86399) / 86400) * 86400;
}

/* Returns the recommended CPU request in cores for a usage figure (the
 * strategy's percentile, or max) and an HPA CPU target utilisation (fraction,
 * NAN when no HPA scales on CPU). Under an HPA the request is the yardstick the
 * HPA divides by: a request equal to p95 would read as 100 % utilisation and
 * scale out forever, so the request becomes usage / target. NAN when usage is
 * unknown. */
double fr_recommend_cpu(const fr_strategy *s, double usage, double hpa_target)
{
	if (isnan(usage))
		return NAN;
	double r = usage;
	if (!isnan(hpa_target) && hpa_target > 0)
		r = usage / hpa_target;
	r = fr_ceil_to(r, s->cpu_round);
	return r < s->cpu_floor ? s->cpu_floor : r;
}

/* Returns the recommended memory request in bytes: max working set plus the
 * strategy's buffer, and, under an HPA that scales on memory, at least
 * max / target for the same reason as CPU. Memory is sized to the maximum,
 * not a percentile, because running short of memory kills the container
 * whereas running short of CPU only slows it. NAN when usage is unknown. */
double fr_recommend_mem(const fr_strategy *s, double max_ws, double hpa_target)
{
	if (isnan(max_ws))
		return NAN;
	double r = max_ws * (1.0 + s->mem_buffer);
	if (!isnan(hpa_target) && hpa_target > 0 && max_ws / hpa_target > r)
		r = max_ws / hpa_target;
	r = fr_ceil_to(r, s->mem_round);
	return r < s->mem_floor ? s->mem_floor : r;
}

/* Returns the money saved per 30-day month by moving one container's requests
 * from (cpu_req, mem_req) to (cpu_rec, mem_rec), for one replica running all
 * month: negative when the recommendation is larger (an under-provisioned
 * container costs more once fixed). A resource whose request or
 * recommendation is unknown (NAN) contributes nothing. */
double fr_savings_month(const fr_pricing *p, double cpu_req, double cpu_rec, double mem_req,
                        double mem_rec)
{
	double s = 0;
	if (!isnan(cpu_req) && !isnan(cpu_rec))
		s += (cpu_req - cpu_rec) * p->cpu_hour * FR_MONTH_HOURS;
	if (!isnan(mem_req) && !isnan(mem_rec))
		s += (mem_req - mem_rec) / p->mem_unit_bytes * p->ram_hour * FR_MONTH_HOURS;
	return s;
}

double fr_delta_month(const fr_pricing *p, int mem, double req, double rec)
{
	if (isnan(req) || isnan(rec))
		return 0;
	double price = mem ? p->ram_hour / p->mem_unit_bytes : p->cpu_hour;
	return (req - rec) * price * FR_MONTH_HOURS;
}

/* Cost of core_hours vCPU-hours. */
double fr_cost_cpu(const fr_pricing *p, double core_hours)
{
	return core_hours * p->cpu_hour;
}

/* Cost of byte_hours byte-hours of RAM, priced per memory unit (GiB or GB). */
double fr_cost_ram(const fr_pricing *p, double byte_hours)
{
	return byte_hours / p->mem_unit_bytes * p->ram_hour;
}

/* Cost of byte_hours byte-hours of storage; the price is per unit-month, so a
 * byte-hour is 1/720 of a byte-month. */
double fr_cost_storage(const fr_pricing *p, double byte_hours)
{
	return byte_hours / p->mem_unit_bytes * p->storage_month / FR_MONTH_HOURS;
}

/* Scales a cost over a window of window_s seconds to a 30-day month at the
 * same rate (what kubectl-cost calls the monthly rate). */
double fr_per_month(double window_cost, double window_s)
{
	if (isnan(window_cost) || !(window_s > 0))
		return NAN;
	return window_cost * FR_MONTH_HOURS * 3600.0 / window_s;
}

/* num / den, NAN when either is unknown or den is not positive. */
double fr_ratio(double num, double den)
{
	if (isnan(num) || isnan(den) || !(den > 0))
		return NAN;
	return num / den;
}

/* Cost per `per` units (1000 for "per 1 000 requests"); NAN without units. */
double fr_unit_cost(double cost, double units, double per)
{
	if (isnan(cost) || isnan(units) || !(units > 0))
		return NAN;
	return cost / units * per;
}

/* Parses a duration: a sequence of <integer><unit> with units w d h m s
 * ("7d", "24h", "1d12h", "90s"); a bare integer is seconds. Returns 0 and
 * sets *out (seconds, > 0), or -1. */
int fr_parse_duration(const char *s, long *out)
{
	long total = 0;
	const char *p = s;
	if (!s || !*s)
		return -1;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			return -1;
		char *end;
		errno = 0;
		long v = strtol(p, &end, 10);
		if (errno || v < 0 || v > 100000000L)
			return -1;
		long mul;
		switch (*end) {
		case 'w':
			mul = 604800;
			end++;
			break;
		case 'd':
			mul = 86400;
			end++;
			break;
		case 'h':
			mul = 3600;
			end++;
			break;
		case 'm':
			mul = 60;
			end++;
			break;
		case 's':
			mul = 1;
			end++;
			break;
		case '\0': mul = (p == s) ? 1 : -1; break;
		default: return -1;
		}
		if (mul < 0)
			return -1;
		total += v * mul;
		p = end;
	}
	if (total <= 0)
		return -1;
	*out = total;
	return 0;
}

/* Writes s seconds as the shortest Prometheus duration ("7d", "1h30m"). */
void fr_format_duration(long s, char *buf, size_t n)
{
	static const struct {
		long mul;
		char unit;
	} u[] = { { 86400, 'd' }, { 3600, 'h' }, { 60, 'm' }, { 1, 's' } };
	size_t used = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < 4 && used < n; i++) {
		if (s >= u[i].mul) {
			int k = snprintf(buf + used, n - used, "%ld%c", s / u[i].mul, u[i].unit);
			if (k < 0)
				break;
			used += (size_t)k;
			s %= u[i].mul;
		}
	}
	if (buf[0] == '\0')
		snprintf(buf, n, "0s");
}

/* Parses a Kubernetes CPU quantity ("250m", "1", "0.5") into cores. */
int fr_parse_cpu(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || !(v >= 0) || isinf(v))
		return -1;
	if (*end == 'm') {
		v /= 1000.0;
		end++;
	}
	if (*end)
		return -1;
	*out = v;
	return 0;
}

/* Parses a Kubernetes memory quantity into bytes: binary suffixes Ki Mi Gi Ti
 * (powers of 1024) and decimal k M G T (powers of 1000), as Kubernetes reads
 * them; "512Mi" is 536870912 bytes whereas "512M" is 512000000. */
int fr_parse_bytes(const char *s, double *out)
{
	static const struct {
		const char *sfx;
		double mul;
	} u[] = { { "Ki", 1024.0 },       { "Mi", 1048576.0 },
		  { "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 },
		  { "k", 1e3 },           { "K", 1e3 },
		  { "M", 1e6 },           { "G", 1e9 },
		  { "T", 1e12 },          { "", 1.0 } };
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || end == s || !(v >= 0) || isinf(v))
		return -1;
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
		if (strcmp(end, u[i].sfx) == 0) {
			*out = v * u[i].mul;
			return 0;
		}
	return -1;
}

/* Parses the zone of an RFC 3339 time: "Z", or "+hh:mm" / "-hh:mm" (the
 * offset of local time from UTC, in seconds, into *off). -1 otherwise. */
static int parse_zone(const char *z, long *off)
{
	if (strcmp(z, "Z") == 0) {
		*off = 0;
		return 0;
	}
	if ((z[0] != '+' && z[0] != '-') || strlen(z) != 6 || z[3] != ':')
		return -1;
	for (int i = 1; i < 6; i++)
		if (i != 3 && !isdigit((unsigned char)z[i]))
			return -1;
	int h = (z[1] - '0') * 10 + (z[2] - '0'), m = (z[4] - '0') * 10 + (z[5] - '0');
	if (h > 23 || m > 59)
		return -1;
	*off = (z[0] == '-' ? -1 : 1) * (h * 3600L + m * 60L);
	return 0;
}

/* Parses a time: unix seconds ("1700000000", fractions allowed) or RFC 3339
 * with its zone ("2026-11-01T00:00:00Z", "2026-11-01T01:00:00+01:00"). A
 * time without a zone is refused rather than guessed as UTC. The whole
 * string must be read, and each field must be in range: timegm would quietly
 * turn 2023-02-31 into 2023-03-03 and 25:00:00 into the next day, and a
 * window that is not the one asked for is worse than an error. */
int fr_parse_time(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);
	if (end != s && *end == '\0' && v > 0 && isfinite(v) && isdigit((unsigned char)s[0])) {
		*out = v;
		return 0;
	}
	/* digits exactly where the format has them: sscanf's %d alone would
	 * also take signs, spaces and 1-digit fields */
	static const char full[] = "dddd-dd-ddTdd:dd:dd";
	long off;
	if (strlen(s) < 20 || parse_zone(s + 19, &off))
		return -1;
	for (size_t i = 0; i < 19; i++)
		if (full[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != full[i])
			return -1;
	int Y, M, D, h, mi, sec;
	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &Y, &M, &D, &h, &mi, &sec) != 6)
		return -1;
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (Y % 4 == 0 && Y % 100 != 0) || Y % 400 == 0;
	if (Y < 1970 || M < 1 || M > 12 || D < 1 || D > mdays[M - 1] + (M == 2 && leap) || h > 23 ||
	    mi > 59 || sec > 59)
		return -1;
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = Y - 1900;
	tm.tm_mon = M - 1;
	tm.tm_mday = D;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	time_t t = timegm(&tm);
	if (t == (time_t)-1)
		return -1;
	*out = (double)t - (double)off;
	return 0;
}

/* ------------------------------------------------------------- pricing */

/* The original's model: 0.02 EUR per vCPU-hour, 0.01 EUR per GiB-hour of RAM,
 * 0.03 EUR per GiB-month of storage. "GB" in the original is read as GiB
 * (2^30 bytes), the unit Kubecost and OpenCost price RAM and storage in, so
 * that the same numbers give the same costs here and in Kubecost. */
void fr_pricing_default(fr_pricing *p)
{
	snprintf(p->currency, sizeof p->currency, "EUR");
	p->cpu_hour = 0.02;
	p->ram_hour = 0.01;
	p->storage_month = 0.03;
	p->mem_unit_bytes = FR_GIB;
	snprintf(p->mem_unit, sizeof p->mem_unit, "GiB");
}

/* Trims white space at both ends, in place. */
static char *trim(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* Loads a pricing file over *p (so keys it omits keep their values): lines of
 * `key = value`, `#` comments. Keys: currency, cpu_per_vcpu_hour,
 * ram_per_unit_hour, storage_per_unit_month, memory_unit (GiB or GB).
 * Returns 0, or -1 with a message naming the file and line. */
int fr_pricing_load(fr_pricing *p, const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "pricing file %s: %s", path, strerror(errno));
		return -1;
	}
	char line[512];
	int lineno = 0, rc = 0;
	while (fgets(line, sizeof line, f)) {
		lineno++;
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char *l = trim(line);
		if (!*l)
			continue;
		char *eq = strchr(l, '=');
		if (!eq) {
			snprintf(err, errsz, "pricing file %s:%d: expected key = value", path,
			         lineno);
			rc = -1;
			break;
		}
		*eq = '\0';
		char *k = trim(l), *v = trim(eq + 1);
		char *end;
		double d = strtod(v, &end);
		int num_ok = end != v && *end == '\0' && d >= 0 && !isinf(d);
		if (strcmp(k, "currency") == 0) {
			if (!*v || strlen(v) >= sizeof p->currency) {
				snprintf(err, errsz, "pricing file %s:%d: bad currency", path,
				         lineno);
				rc = -1;
				break;
			}
			snprintf(p->currency, sizeof p->currency, "%s", v);
		} else if (strcmp(k, "memory_unit") == 0) {
			if (strcmp(v, "GiB") == 0)
				p->mem_unit_bytes = FR_GIB;
			else if (strcmp(v, "GB") == 0)
				p->mem_unit_bytes = FR_GB;
			else {
				snprintf(err, errsz,
				         "pricing file %s:%d: memory_unit must be GiB or GB", path,
				         lineno);
				rc = -1;
				break;
			}
			snprintf(p->mem_unit, sizeof p->mem_unit, "%s", v);
		} else if (strcmp(k, "cpu_per_vcpu_hour") == 0 && num_ok) {
			p->cpu_hour = d;
		} else if (strcmp(k, "ram_per_unit_hour") == 0 && num_ok) {
			p->ram_hour = d;
		} else if (strcmp(k, "storage_per_unit_month") == 0 && num_ok) {
			p->storage_month = d;
		} else {
			snprintf(err, errsz, "pricing file %s:%d: %s '%s'", path, lineno,
			         (strcmp(k, "cpu_per_vcpu_hour") == 0 ||
			          strcmp(k, "ram_per_unit_hour") == 0 ||
			          strcmp(k, "storage_per_unit_month") == 0)
			                 ? "not a non-negative number for"
			                 : "unknown key",
			         k);
			rc = -1;
			break;
		}
	}
	fclose(f);
	return rc;
}
