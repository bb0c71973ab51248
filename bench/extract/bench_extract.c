/*
 * bench-extract - offerapi_cv_extract() against `mutool draw -F txt`.
 *
 * Makes CV-like PDFs of 1, 10 and 50 pages with `mutool create` in a
 * temporary folder, then for each one measures, in the same run:
 *
 *   lib      N calls of offerapi_cv_extract() in one forked child (the way
 *            the server uses it: a long-lived process);
 *   lib-proc N runs of this program re-executed as `--once FILE` (one
 *            process per document, like mutool; includes process start-up);
 *   mutool   N runs of `mutool draw -q -F txt -o /dev/null FILE`.
 *
 * Time is wall-clock per document; peak RSS comes from wait4()'s ru_maxrss
 * (the largest of the N runs for the per-process variants). It prints a table
 * with pages/s, peak RSS, and the ratios lib/mutool. A benchmark, not a test:
 * nothing here passes or fails on timing. See README.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "offerapi/cv.h"
#include "offerapi/errors.h"

#ifndef MUTOOL_PATH
#define MUTOOL_PATH "mutool"
#endif

#define MAX_PAGES 50

static const char *mutool = MUTOOL_PATH;

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("bench-extract: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read a whole file into memory (caller frees). */
static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		die("%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) != 0)
		die("%s: cannot seek", path);
	long size = ftell(f);
	rewind(f);
	unsigned char *p = malloc(size > 0 ? (size_t)size : 1);
	if (!p || fread(p, 1, (size_t)size, f) != (size_t)size)
		die("%s: cannot read", path);
	fclose(f);
	*len = (size_t)size;
	return p;
}

/* ---- CV-like pages ---- */

/* Deterministic generator: the same PDFs on every run and machine. */
static uint32_t rng = 20261124u;

static uint32_t next_random(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Words for the body text; \351 etc. are WinAnsi bytes for accents. */
static const char *const words[] = {
	"d\351veloppement",
	"logiciel",
	"embarqu\351",
	"syst\350mes",
	"temps",
	"r\351el",
	"conception",
	"architecture",
	"biblioth\350que",
	"performance",
	"m\351moire",
	"tests",
	"unitaires",
	"int\351gration",
	"continue",
	"Linux",
	"noyau",
	"pilotes",
	"r\351seau",
	"protocoles",
	"s\351curit\351",
	"cryptographie",
	"analyse",
	"donn\351es",
	"PostgreSQL",
	"SQLite",
	"optimisation",
	"requ\352tes",
	"C11",
	"meson",
	"ninja",
	"valgrind",
	"sanitizers",
	"fuzzing",
	"documentation",
	"\351quipe",
	"projet",
	"client",
	"qualit\351",
	"revue",
	"code",
	"livraison",
	"maintenance",
	"migration",
	"API",
	"HTTP",
	"JSON",
	"PDF",
	"MuPDF",
	"extraction",
	"a\351ronautique",
	"ferroviaire",
	"automobile",
	"m\351dical",
	"\351nergie",
	"encadrement",
	"stagiaires",
	"formation",
	"fran\347ais",
	"anglais",
	"et",
	"de",
	"la",
	"le",
	"des",
	"pour",
	"avec",
	"sur",
	"une",
	"un",
	"du",
	"en",
	"les",
};

static const char *const headings[] = {
	"Exp\351rience professionnelle",
	"Formation",
	"Comp\351tences techniques",
	"Projets",
	"Langues",
	"Centres d'int\351r\352t",
	"Publications",
	"R\351f\351rences",
};

/*
 * Write page @p number (from 1) as a `mutool create` description: a name on
 * page 1, then headings and paragraphs of 10 pt lines until the page is full,
 * with now and then a word hyphenated at a line end.
 */
static void write_page(const char *path, int number)
{
	FILE *f = fopen(path, "w");
	if (!f)
		die("%s: %s", path, strerror(errno));
	fprintf(f, "%%%%MediaBox 0 0 595 842\n%%%%Font F1 Helvetica\n"
	           "%%%%Font F2 Helvetica-Bold\n");
	int y = 790;
	if (number == 1) {
		fprintf(f, "BT /F2 18 Tf 60 %d Td (Camille Rousseau-B\351rard) Tj ET\n", y);
		y -= 22;
		fprintf(f,
		        "BT /F1 10 Tf 60 %d Td (Ing\351nieure logiciel C - Lyon - "
		        "camille@example.org) Tj ET\n",
		        y);
		y -= 30;
	}
	while (y > 70) {
		fprintf(f, "BT /F2 12 Tf 60 %d Td (%s) Tj ET\n", y,
		        headings[next_random() % (sizeof headings / sizeof *headings)]);
		y -= 18;
		int lines = 3 + (int)(next_random() % 6);
		bool split = false;
		for (int l = 0; l < lines && y > 60; l++, y -= 12) {
			fprintf(f, "BT /F1 10 Tf 60 %d Td (", y);
			int width = 0;
			if (split) {
				fprintf(f, "loppement");
				width = 10;
				split = false;
			}
			while (width < 80) {
				const char *w =
					words[next_random() % (sizeof words / sizeof *words)];
				fprintf(f, "%s%s", width ? " " : "", w);
				width += (int)strlen(w) + 1;
			}
			/* one line in four ends with a hyphenated word */
			if (l + 1 < lines && next_random() % 4 == 0) {
				fprintf(f, " d\351ve-");
				split = true;
			}
			fprintf(f, ") Tj ET\n");
		}
		y -= 10;
	}
	if (fclose(f) != 0)
		die("%s: write failed", path);
}

/* ---- processes ---- */

/* Run argv in a child (stdout and stderr to /dev/null); return its wall time
 * and put its peak RSS (KiB) in @p maxrss. Exits on failure. */
static double run_process(char *const argv[], long *maxrss)
{
	double t0 = now();
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		if (null >= 0) {
			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0)
		die("wait4: %s", strerror(errno));
	double t = now() - t0;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("%s %s failed (status %d)", argv[0], argv[1], status);
	*maxrss = ru.ru_maxrss;
	return t;
}

typedef struct result {
	double sec_per_doc;
	long peak_kib;
	size_t text_bytes;
} result;

/* The lib in a long-lived process: a forked child extracts @p runs times
 * (after one warm-up call) and reports its time through a pipe. */
static result bench_lib(const char *pdf_path, int runs)
{
	int fds[2];
	if (pipe(fds) != 0)
		die("pipe: %s", strerror(errno));
	pid_t pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		close(fds[0]);
		size_t len;
		unsigned char *pdf = read_file(pdf_path, &len);
		double report[2] = { 0, 0 };
		for (int i = -1; i < runs; i++) {
			char *text;
			size_t text_len;
			double t0 = now();
			int rc = offerapi_cv_extract(&text, &text_len, pdf, len, NULL);
			double t = now() - t0;
			if (rc != 0) {
				fprintf(stderr, "bench-extract: %s: %s\n", pdf_path,
				        offerapi_error_last()->message);
				_exit(1);
			}
			if (i >= 0)
				report[0] += t;
			report[1] = (double)text_len;
			offerapi_free(text);
		}
		free(pdf);
		if (write(fds[1], report, sizeof report) != (ssize_t)sizeof report)
			_exit(1);
		_exit(0);
	}
	close(fds[1]);
	double report[2];
	ssize_t n = read(fds[0], report, sizeof report);
	close(fds[0]);
	int status;
	struct rusage ru;
	if (wait4(pid, &status, 0, &ru) < 0)
		die("wait4: %s", strerror(errno));
	if (n != (ssize_t)sizeof report || !WIFEXITED(status) || WEXITSTATUS(status))
		die("the extraction child failed on %s", pdf_path);
	return (result){ report[0] / runs, ru.ru_maxrss, (size_t)report[1] };
}

/* A command run @p runs times, one process each (after one warm-up run). */
static result bench_process(char *const argv[], int runs)
{
	result r = { 0, 0, 0 };
	long rss;
	run_process(argv, &rss);
	for (int i = 0; i < runs; i++) {
		r.sec_per_doc += run_process(argv, &rss);
		if (rss > r.peak_kib)
			r.peak_kib = rss;
	}
	r.sec_per_doc /= runs;
	return r;
}

/* `--once FILE`: one extraction, for the lib-proc variant. */
static int extract_once(const char *path)
{
	size_t len;
	unsigned char *pdf = read_file(path, &len);
	char *text;
	int rc = offerapi_cv_extract(&text, NULL, pdf, len, NULL);
	free(pdf);
	if (rc != 0) {
		fprintf(stderr, "bench-extract: %s: %s\n", path, offerapi_error_last()->message);
		return 1;
	}
	offerapi_free(text);
	return 0;
}

static void usage(FILE *to, int status)
{
	fprintf(to,
	        "usage: bench-extract [-n RUNS] [-m MUTOOL] [-k]\n"
	        "Pages per second and peak memory of offerapi_cv_extract() against\n"
	        "mutool draw -F txt on generated 1-, 10- and 50-page CVs.\n"
	        "  -n RUNS    documents per measurement (default 20)\n"
	        "  -m MUTOOL  mutool to compare with (default %s)\n"
	        "  -k         keep the generated PDFs (their folder is printed)\n"
	        "  -h, --help this text\n",
	        MUTOOL_PATH);
	exit(status);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--once") == 0)
		return extract_once(argv[2]);
	if (argc == 2 && strcmp(argv[1], "--help") == 0)
		usage(stdout, 0);

	int runs = 20;
	bool keep = false;
	int opt;
	while ((opt = getopt(argc, argv, "n:m:kh")) != -1) {
		switch (opt) {
		case 'n': runs = atoi(optarg); break;
		case 'm': mutool = optarg; break;
		case 'k': keep = true; break;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	if (runs < 1 || optind != argc)
		usage(stderr, 2);

	char self[4096];
	ssize_t self_len = readlink("/proc/self/exe", self, sizeof self - 1);
	if (self_len <= 0)
		die("cannot find my own executable");
	self[self_len] = '\0';

	char dir[] = "/tmp/bench-extract.XXXXXX";
	if (!mkdtemp(dir))
		die("mkdtemp: %s", strerror(errno));

	/* Pages 1..50, then the 1-, 10- and 50-page PDFs made of the first ones. */
	char *pages[MAX_PAGES];
	for (int p = 0; p < MAX_PAGES; p++) {
		pages[p] = malloc(sizeof dir + 16);
		if (!pages[p])
			die("out of memory");
		snprintf(pages[p], sizeof dir + 16, "%s/page-%02d.txt", dir, p + 1);
		write_page(pages[p], p + 1);
	}
	static const int sizes[] = { 1, 10, 50 };
	char pdfs[3][4200];
	for (int s = 0; s < 3; s++) {
		snprintf(pdfs[s], sizeof pdfs[s], "%s/cv-%d.pdf", dir, sizes[s]);
		char *args[MAX_PAGES + 5];
		int a = 0;
		args[a++] = (char *)mutool;
		args[a++] = "create";
		args[a++] = "-o";
		args[a++] = pdfs[s];
		for (int p = 0; p < sizes[s]; p++)
			args[a++] = pages[p];
		args[a] = NULL;
		long rss;
		run_process(args, &rss);
	}

	printf("bench-extract: %d documents per measurement, mutool = %s\n", runs, mutool);
	printf("lib = offerapi_cv_extract() in one process; proc = one process per "
	       "document; mutool = mutool draw -F txt\n\n");
	printf("%5s %8s | %9s %9s | %9s %9s | %9s %9s | %11s %11s %10s\n", "pages", "PDF KiB",
	       "lib p/s", "lib RSS", "proc p/s", "proc RSS", "mutool p/s", "mut. RSS", "lib/mutool",
	       "proc/mutool", "RSS ratio");
	for (int s = 0; s < 3; s++) {
		struct stat st;
		if (stat(pdfs[s], &st) != 0)
			die("%s: %s", pdfs[s], strerror(errno));
		result lib = bench_lib(pdfs[s], runs);
		char *proc_argv[] = { self, "--once", pdfs[s], NULL };
		result proc = bench_process(proc_argv, runs);
		char *mutool_argv[] = { (char *)mutool, "draw",      "-q",    "-F", "txt",
			                "-o",           "/dev/null", pdfs[s], NULL };
		result mut = bench_process(mutool_argv, runs);
		double n = sizes[s];
		printf("%5d %8.1f | %9.0f %6.1f MiB | %9.0f %6.1f MiB | %10.0f %5.1f MiB | "
		       "%11.2f %11.2f %10.2f\n",
		       sizes[s], (double)st.st_size / 1024, n / lib.sec_per_doc,
		       lib.peak_kib / 1024.0, n / proc.sec_per_doc, proc.peak_kib / 1024.0,
		       n / mut.sec_per_doc, mut.peak_kib / 1024.0,
		       mut.sec_per_doc / lib.sec_per_doc, mut.sec_per_doc / proc.sec_per_doc,
		       (double)lib.peak_kib / (double)mut.peak_kib);
		fflush(stdout);
	}
	printf("\nratios above 1 mean the library is faster; RSS ratio = lib peak / "
	       "mutool peak\n");

	for (int p = 0; p < MAX_PAGES; p++) {
		if (!keep)
			unlink(pages[p]);
		free(pages[p]);
	}
	if (keep) {
		printf("PDFs kept in %s\n", dir);
	} else {
		for (int s = 0; s < 3; s++)
			unlink(pdfs[s]);
		rmdir(dir);
	}
	return 0;
}
