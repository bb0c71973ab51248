/*
 * bench_notify.c - how long after a writer's commit a PostgreSQL listener
 * hears of it (libofferapi/genwatch.c keeps the lists' generations and the
 * sessions while it hears nothing), against a plain round trip on the
 * same server: what the listener saves a request.
 *
 * Usage: bench-notify URL [N]
 * URL: a PostgreSQL database the bench may create a table in (dropped at
 * the end); N: how many writes (default 500, 1..100000).
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void run(PGconn *c, const char *sql)
{
	PGresult *r = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(r);
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		fprintf(stderr, "bench-notify: %s: %s", sql, PQerrorMessage(c));
		exit(1);
	}
	PQclear(r);
}

/* Notifications pending on @c, read and freed: how many. */
static int take(PGconn *c)
{
	int n = 0;
	PGnotify *nf;
	PQconsumeInput(c);
	while ((nf = PQnotifies(c)) != NULL) {
		PQfreemem(nf);
		n++;
	}
	return n;
}

/* Microseconds from @writer's commit returning to @listener hearing it. */
static double one_write(PGconn *writer, PGconn *listener)
{
	run(writer, "UPDATE bench_notify SET gen = gen + 1 WHERE id = 1");
	double t0 = now_us();
	while (take(listener) == 0) {
		struct pollfd p = { .fd = PQsocket(listener), .events = POLLIN };
		if (poll(&p, 1, 5000) <= 0) {
			fprintf(stderr, "bench-notify: no notification within 5 s\n");
			exit(1);
		}
	}
	return now_us() - t0;
}

static void report(const char *what, double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp);
	printf("%-44s median %7.1f us  p90 %7.1f  p99 %7.1f  max %7.1f\n", what, v[n / 2],
	       v[n * 9 / 10], v[n * 99 / 100], v[n - 1]);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		printf("usage: bench-notify URL [N]\n"
		       "  times N writes (default 500) from the writer's commit to a listener's\n"
		       "  notification, and N plain round trips (SELECT 1), on the PostgreSQL\n"
		       "  database at URL (a table bench_notify is made and dropped)\n");
		return argc == 2 ? 0 : 2;
	}
	int n = argc == 3 ? atoi(argv[2]) : 500;
	if (n < 1 || n > 100000) {
		fprintf(stderr, "bench-notify: N: '%s' is not a number in 1..100000\n", argv[2]);
		return 2;
	}
	PGconn *w = PQconnectdb(argv[1]), *l = PQconnectdb(argv[1]);
	if (PQstatus(w) != CONNECTION_OK || PQstatus(l) != CONNECTION_OK) {
		fprintf(stderr, "bench-notify: cannot connect: %s", PQerrorMessage(w));
		return 1;
	}
	run(w, "CREATE TABLE bench_notify (id INT PRIMARY KEY, gen BIGINT NOT NULL)");
	run(w, "INSERT INTO bench_notify VALUES (1, 0)");
	/* as migration 22's triggers do */
	run(w, "CREATE FUNCTION bench_notify_tell() RETURNS trigger LANGUAGE plpgsql AS $$"
	       " BEGIN PERFORM pg_notify('bench_notify', TG_TABLE_NAME); RETURN NULL; END $$");
	run(w, "CREATE TRIGGER bench_notify_tell AFTER UPDATE ON bench_notify"
	       " FOR EACH STATEMENT EXECUTE FUNCTION bench_notify_tell()");
	run(l, "LISTEN bench_notify");
	double *heard = calloc((size_t)n, sizeof *heard), *trip = calloc((size_t)n, sizeof *trip);
	if (!heard || !trip)
		return 1;
	for (int i = 0; i < n; i++) {
		heard[i] = one_write(w, l);
		double t0 = now_us();
		run(l, "SELECT 1");
		trip[i] = now_us() - t0;
	}
	run(w, "DROP TABLE bench_notify");
	run(w, "DROP FUNCTION bench_notify_tell()");
	double h = 0, t = 0;
	report("notification, after the writer's commit", heard, n);
	h = heard[n / 2];
	report("round trip (SELECT 1), the reference", trip, n);
	t = trip[n / 2];
	printf("medians, notification / round trip: %.2f (%d writes)\n", t > 0 ? h / t : 0.0, n);
	free(heard);
	free(trip);
	PQfinish(w);
	PQfinish(l);
	return 0;
}
