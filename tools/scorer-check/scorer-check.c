/*
 * offerapi-scorer-check - conformance checker for scorer plugins.
 *
 * Loads a plugin through libofferapi's loader (the same code the server
 * uses), then scores edge cases and prints one PASS/FAIL line per check.
 * Exit status: 0 all passed, 1 a check failed, 2 bad usage.
 */
#include <dlfcn.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <offerapi/application.h>
#include <offerapi/common.h>
#include <offerapi/errors.h>
#include <offerapi/scorers.h>
#include <offerapi/scoring.h>

#include "oacommon.h"

#define MAX_SETS 64
#define EXPL_SIZE 512

static const char *usage_text =
	"Usage: offerapi-scorer-check [OPTIONS] PLUGIN.so\n"
	"\n"
	"Check that a scorer plugin honours the OffreAPI scorer ABI: it loads\n"
	"through libofferapi's loader, survives edge cases (empty texts, 1 MiB of\n"
	"text, invalid UTF-8, only stop words, many skills, tiny buffers), keeps\n"
	"every score in [0, 1], gives a message with every error, reports its\n"
	"details as data correctly when it reports any (ABI 1 revision 2: skills\n"
	"of the offer only, credits and sub-scores in [0, 1], a document the\n"
	"library reads back), is deterministic if it says so (also across a\n"
	"reload), and survives calls from many threads if it says it is\n"
	"thread-safe. A plugin that reports no details (revision 1) passes too.\n"
	"\n"
	"Options:\n"
	"  --set KEY=VALUE   pass a setting to the plugin (repeatable); the\n"
	"                    OFFERAPI_SCORER_<NAME>_<KEY> variables apply too\n"
	"  --threads N       threads for the concurrency check (default 8)\n"
	"  --iterations N    calls per thread in that check (default 200)\n"
	"  --verbose         print scores and explanations\n"
	"  --help            show this help\n"
	"  --version         show the version\n"
	"\n"
	"Exit status: 0 when every check passes, 1 when one fails, 2 on bad usage.\n";

static int passed, failed;
static int verbose;

static void report(int ok, const char *check, const char *fmt, ...) OFFERAPI_PRINTF(3, 4);

/* Print one PASS/FAIL line and count it. */
static void report(int ok, const char *check, const char *fmt, ...)
{
	char detail[1024] = "";
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
	}
	printf("  %s  %-34s %s\n", ok ? "PASS" : "FAIL", check, detail);
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

/* ---- the edge cases ---- */

static const char *skills_en[] = { "C", "PostgreSQL", "Linux", "gestion de projet" };

typedef struct test_case {
	const char *label;
	offerapi_score_input in;
	size_t explsz;
	int threaded; /* also used by the concurrency check */
} test_case;

static char *big_text, *bad_utf8, **many_skills, *long_skill;
static size_t bad_utf8_len;

static const char *cv_en =
	"Jane Doe - Software engineer. Ten years of C on Linux: network daemons, "
	"PostgreSQL storage, performance work, code review and project management.";
static const char *cv_fr =
	"Étienne Lefèvre, développeur système. Expérience : C et Linux embarqué, "
	"bases PostgreSQL, gestion de projet, équipe de cinq personnes à Montréal.";
static const char *stop_words =
	"the and of to in is it that with as for on was at by le la les de des du "
	"et en un une est que qui dans pour pas sur au avec ce il elle nous vous";

static void make_inputs(void)
{
	/* 1 MiB of plausible text, not one repeated byte, so that tokenisers,
	 * stemmers and hash tables all get real work */
	const char *words[] = { "engineer", "développeur", "PostgreSQL", "Linux",
		                "réseau",   "project",     "the",        "de",
		                "C",        "backend",     "équipe",     "kernel" };
	size_t size = 1u << 20;
	big_text = malloc(size + 1);
	size_t n = 0, w = 0;
	while (n < size) {
		const char *word = words[(w * 7 + w / 3) % (sizeof words / sizeof *words)];
		size_t len = strlen(word);
		if (n + len + 1 > size)
			break;
		memcpy(big_text + n, word, len);
		n += len;
		big_text[n++] = (w % 17 == 16) ? '\n' : ' ';
		w++;
	}
	while (n < size)
		big_text[n++] = ' ';
	big_text[n] = '\0';

	/* invalid UTF-8 of every kind, with NUL bytes in the middle */
	static const unsigned char bad[] = {
		'C',  'V',  ' ', 0xFF, 0xFE, ' ',  0xC3, ' ',  0xE2, 0x82, ' ',
		0xC0, 0xAF, ' ', 0xED, 0xA0, 0x80, ' ',  0xF4, 0x90, 0x80, 0x80,
		0x00, 'L',  'i', 'n',  'u',  'x',  0x00, 0x80, 0xBF, ' ',  'P',
		'o',  's',  't', 'g',  'r',  'e',  'S',  'Q',  'L',  0xC3,
	};
	bad_utf8_len = sizeof bad;
	bad_utf8 = malloc(bad_utf8_len);
	memcpy(bad_utf8, bad, bad_utf8_len);

	many_skills = malloc(1000 * sizeof *many_skills);
	for (int i = 0; i < 1000; i++) {
		many_skills[i] = malloc(32);
		snprintf(many_skills[i], 32, i % 3 ? "skill-%d" : "compétence %d", i);
	}
	long_skill = malloc(10001);
	memset(long_skill, 'x', 10000);
	long_skill[10000] = '\0';
}

static void free_inputs(void)
{
	free(big_text);
	free(bad_utf8);
	for (int i = 0; i < 1000; i++)
		free(many_skills[i]);
	free(many_skills);
	free(long_skill);
}

static offerapi_score_input base_input(void)
{
	return (offerapi_score_input){
		.struct_size = sizeof(offerapi_score_input),
		.offer_id = 42,
		.offer_title = "Backend C developer",
		.offer_description = "We build a job board in C11 on Linux with PostgreSQL. "
				     "You will write services, tests and benchmarks.",
		.offer_location = "Lyon",
		.skills = skills_en,
		.skill_count = 4,
		.cv_text = cv_en,
		.cv_len = strlen(cv_en),
		.application_id = 1001,
	};
}

/* base_input() with @p cv as the CV text and @p id as the application. */
static offerapi_score_input with_cv(const char *cv, size_t len, int64_t id)
{
	offerapi_score_input in = base_input();
	in.cv_text = cv;
	in.cv_len = len;
	in.application_id = id;
	return in;
}

/* The cases about the texts: ordinary pairs in both languages, then empty,
 * huge, broken and meaningless ones. */
static size_t make_text_cases(test_case *c)
{
	size_t n = 0;
	offerapi_score_input in = base_input();
	c[n++] = (test_case){ "typical English pair", in, EXPL_SIZE, 1 };

	in = with_cv(cv_fr, strlen(cv_fr), 1002);
	in.offer_title = "Développeur C backend";
	in.offer_description = "Nous développons une plateforme en C sous Linux. "
			       "Vous écrirez des services réseau et des tests.";
	c[n++] = (test_case){ "typical French pair (accents)", in, EXPL_SIZE, 1 };

	in = with_cv("", 0, 1003);
	in.offer_title = in.offer_description = in.offer_location = "";
	in.skills = NULL;
	in.skill_count = 0;
	c[n++] = (test_case){ "empty texts, no skills", in, EXPL_SIZE, 1 };

	in = with_cv("", 0, 1004);
	c[n++] = (test_case){ "empty CV", in, EXPL_SIZE, 1 };

	in = with_cv(big_text, strlen(big_text), 1005);
	c[n++] = (test_case){ "1 MiB of CV text", in, EXPL_SIZE, 0 };

	in = with_cv(bad_utf8, bad_utf8_len, 1006);
	c[n++] = (test_case){ "invalid UTF-8 and NUL bytes in CV", in, EXPL_SIZE, 1 };

	in = with_cv(stop_words, strlen(stop_words), 1007);
	in.offer_title = "the and of";
	in.offer_description = stop_words;
	c[n++] = (test_case){ "only stop words (FR and EN)", in, EXPL_SIZE, 1 };
	return n;
}

/* The cases about the limits: many or long skills, extreme ids, tiny
 * explanation buffers. */
static size_t make_limit_cases(test_case *c)
{
	size_t n = 0;
	offerapi_score_input in = base_input();
	in.skills = (const char *const *)many_skills;
	in.skill_count = 1000;
	in.application_id = 1008;
	c[n++] = (test_case){ "1000 skills", in, EXPL_SIZE, 1 };

	in = base_input();
	in.skills = (const char *const *)&long_skill;
	in.skill_count = 1;
	in.application_id = 1009;
	c[n++] = (test_case){ "one 10 kB skill", in, EXPL_SIZE, 0 };

	in = base_input();
	in.offer_id = 0;
	in.application_id = 0;
	c[n++] = (test_case){ "no offer or application id", in, EXPL_SIZE, 1 };

	in = base_input();
	in.offer_id = INT64_MIN;
	in.application_id = INT64_MAX;
	c[n++] = (test_case){ "extreme ids", in, EXPL_SIZE, 1 };

	in = with_cv(cv_fr, strlen(cv_fr), 1010);
	in.skills = (const char *const *)many_skills;
	in.skill_count = 40;
	c[n++] = (test_case){ "1-byte explanation buffer", in, 1, 1 };

	in.application_id = 1011;
	c[n++] = (test_case){ "7-byte explanation buffer", in, 7, 1 };
	return n;
}

static size_t make_cases(test_case *c)
{
	size_t n = make_text_cases(c);
	return n + make_limit_cases(c + n);
}

/* ---- running the checks ---- */

typedef struct result {
	int rc;
	double score;
	char expl[EXPL_SIZE];
	char err[512];
	uint64_t violations; /* added by this call */
	/* the same pair through offerapi_scorers_score_explained() */
	int drc;
	double dscore;
	char doc[OFFERAPI_EXPLANATION_MAX + 1];
} result;

static void run(offerapi_scorers *set, const test_case *tc, result *r)
{
	uint64_t before = offerapi_scorers_violations(set, 0);
	memset(r->expl, 0, sizeof r->expl);
	r->score = r->dscore = -1;
	r->doc[0] = '\0';
	r->rc = offerapi_scorers_score(set, 0, &tc->in, &r->score, r->expl, tc->explsz);
	snprintf(r->err, sizeof r->err, "%s", r->rc ? offerapi_error_last()->message : "");
	if (r->rc == 0) {
		r->drc = offerapi_scorers_score_explained(set, 0, &tc->in, &r->dscore, r->doc,
		                                          sizeof r->doc);
		if (r->drc)
			snprintf(r->err, sizeof r->err, "%s", offerapi_error_last()->message);
	}
	r->violations = offerapi_scorers_violations(set, 0) - before;
	if (r->violations && !r->err[0])
		snprintf(r->err, sizeof r->err,
		         "its report of details broke the contract %" PRIu64
		         " time(s) (plugin bug)",
		         r->violations);
}

static int same(const result *a, const result *b)
{
	if (a->rc != b->rc)
		return 0;
	if (a->rc == 0)
		return a->score == b->score && !strcmp(a->expl, b->expl) && a->drc == b->drc &&
		       a->dscore == b->dscore && !strcmp(a->doc, b->doc);
	return 1;
}

/* Check the details a plugin reported for one case: the document reads
 * back, names only the offer's skills. Returns NULL or what is wrong. */
static const char *check_details(const test_case *tc, const result *r, char *why, size_t size,
                                 size_t *nskills, size_t *nsub)
{
	offerapi_explanation *e = NULL;
	*nskills = *nsub = 0;
	if (r->drc) {
		snprintf(why, size, "score with details failed: %s", r->err);
		return why;
	}
	if (offerapi_explanation_parse(r->doc, &e) < 0) {
		snprintf(why, size, "%s", offerapi_error_last()->message);
		return why;
	}
	const char *bad = NULL;
	size_t next = 0; /* skills come in the offer's order */
	for (size_t i = 0; !bad && i < e->nskills; i++) {
		while (next < tc->in.skill_count && strcmp(tc->in.skills[next], e->skills[i].skill))
			next++;
		if (next++ >= tc->in.skill_count) {
			snprintf(why, size,
			         "reported skill '%.60s' is not one of the offer's, in order",
			         e->skills[i].skill);
			bad = why;
		}
	}
	*nskills = e->nskills;
	*nsub = e->nsubscores;
	offerapi_explanation_free(e);
	return bad;
}

typedef struct hammer_arg {
	offerapi_scorers *set;
	const test_case *cases;
	size_t ncases;
	const result *expected; /* NULL unless deterministic */
	int iterations;
	int seed;
	int bad; /* out: wrong or inconsistent results */
	int errors; /* out: errors reported by the plugin */
	char first[600];
} hammer_arg;

static void *hammer(void *p)
{
	hammer_arg *a = p;
	for (int i = 0; i < a->iterations; i++) {
		size_t k = (size_t)(i * 7 + a->seed) % a->ncases;
		if (!a->cases[k].threaded)
			continue;
		static _Thread_local result r;
		run(a->set, &a->cases[k], &r);
		int bad = r.violations > 0 || (r.rc == 0 && !(r.score >= 0 && r.score <= 1)) ||
		          (a->expected && !same(&r, &a->expected[k]));
		if (r.rc != 0 && !r.violations)
			a->errors++;
		if (bad && !a->bad++)
			snprintf(a->first, sizeof a->first, "%s: %s", a->cases[k].label,
			         r.rc ? r.err : "result differs from the single-threaded one");
	}
	return NULL;
}

static const char *flag_names(uint32_t f)
{
	switch (f & (OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC)) {
	case OFFERAPI_SCORER_THREADSAFE: return "threadsafe";
	case OFFERAPI_SCORER_DETERMINISTIC: return "deterministic";
	case OFFERAPI_SCORER_THREADSAFE | OFFERAPI_SCORER_DETERMINISTIC:
		return "threadsafe, deterministic";
	default: return "none";
	}
}

/* The scorer's name, read straight from the descriptor, so that --set can be
 * given before the loader creates the instance. The loader does all the
 * checks; this only peeks. */
static int peek_name(const char *path, char *name, size_t size)
{
	char buf[4096];
	snprintf(buf, sizeof buf, "%s%s", strchr(path, '/') ? "" : "./", path);
	void *dl = dlopen(buf, RTLD_NOW | RTLD_LOCAL);
	if (!dl)
		return -1;
	void *sym = dlsym(dl, OFFERAPI_SCORER_ENTRY_SYMBOL);
	int rc = -1;
	if (sym) {
		offerapi_scorer_entry_fn entry;
		memcpy(&entry, &sym, sizeof entry);
		const offerapi_scorer_v1 *d = entry();
		if (d && d->abi_version == OFFERAPI_SCORER_ABI &&
		    d->struct_size >= OFFERAPI_SCORER_V1_SIZE && d->name) {
			snprintf(name, size, "%s", d->name);
			rc = 0;
		}
	}
	dlclose(dl);
	return rc;
}

static int load(const char *path, const char *name, char **sets, int nsets, offerapi_scorers **out)
{
	offerapi_scorers *set;
	if (offerapi_scorers_new(&set) < 0)
		return -1;
	for (int i = 0; name[0] && i < nsets; i++) {
		char *eq = strchr(sets[i], '=');
		*eq = '\0';
		int rc = offerapi_scorers_set(set, name, sets[i], eq + 1);
		*eq = '=';
		if (rc < 0) {
			offerapi_scorers_free(set);
			return -1;
		}
	}
	if (offerapi_scorers_load_file(set, path) < 0) {
		offerapi_scorers_free(set);
		return -1;
	}
	*out = set;
	return 0;
}

static void stderr_log(offerapi_log_level level, const char *msg, void *payload)
{
	(void)payload;
	static const char *names[] = { "error", "warning", "info", "debug" };
	fprintf(stderr, "    [%s] %s\n", names[level], msg);
}

typedef struct options {
	char *sets[MAX_SETS];
	int nsets, nthreads, iterations;
	const char *path;
} options;

/* Parse the command line into @p o. Returns -1 to go on, or the exit
 * status (--help, --version, a usage error). */
static int parse_args(int argc, char **argv, options *o)
{
	*o = (options){ .nthreads = 8, .iterations = 200 };
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_text, stdout);
			return 0;
		} else if (!strcmp(a, "--version")) {
			printf("offerapi-scorer-check %s (scorer ABI %d)\n", offerapi_version(),
			       OFFERAPI_SCORER_ABI);
			return 0;
		} else if (!strcmp(a, "--set") && i + 1 < argc) {
			if (o->nsets == MAX_SETS || !strchr(argv[i + 1], '=') ||
			    argv[i + 1][0] == '=') {
				fprintf(stderr, "offerapi-scorer-check: --set wants KEY=VALUE\n");
				return 2;
			}
			o->sets[o->nsets++] = argv[++i];
		} else if ((!strcmp(a, "--threads") || !strcmp(a, "--iterations")) &&
		           i + 1 < argc) {
			int v = atoi(argv[++i]);
			if (v < 1 || v > 100000) {
				fprintf(stderr, "offerapi-scorer-check: %s wants 1..100000\n", a);
				return 2;
			}
			*(a[2] == 't' ? &o->nthreads : &o->iterations) = v;
		} else if (!strcmp(a, "--verbose") || !strcmp(a, "-v")) {
			verbose = 1;
		} else if (a[0] == '-' && a[1]) {
			fprintf(stderr, "offerapi-scorer-check: unknown option %s (try --help)\n",
			        a);
			return 2;
		} else if (!o->path) {
			o->path = a;
		} else {
			fprintf(stderr,
			        "offerapi-scorer-check: one plugin at a time (try --help)\n");
			return 2;
		}
	}
	if (!o->path) {
		fputs(usage_text, stderr);
		return 2;
	}
	return -1;
}

/* What the single-threaded pass over the cases found in the reported
 * details, for the "details as data" line. */
typedef struct details_seen {
	size_t skills, subs;
} details_seen;

/* Score one case into @p r and report it: PASS or FAIL with why. */
static void check_case(offerapi_scorers *set, const test_case *tc, size_t k, result *r,
                       int deterministic, details_seen *seen)
{
	double t0 = oa_mono_ms();
	run(set, tc, r);
	double ms = oa_mono_ms() - t0;
	if (r->violations || (r->rc && k < 2)) {
		/* a contract violation, or a scorer that cannot score an
		 * ordinary pair */
		report(0, tc->label, "%s", r->err);
		return;
	}
	if (r->rc) {
		/* on edge cases a reported failure with a message is allowed: the
		 * host records it as an error, never as a score */
		report(1, tc->label, "error with a message: %s (%.1f ms)", r->err, ms);
		return;
	}
	if (!(r->score >= 0 && r->score <= 1)) {
		report(0, tc->label, "score %g outside [0, 1]", r->score);
		return;
	}
	if (tc->explsz && strlen(r->expl) >= tc->explsz) {
		report(0, tc->label, "explanation longer than its buffer");
		return;
	}
	char why[256];
	size_t nsk, nsub;
	if (check_details(tc, r, why, sizeof why, &nsk, &nsub)) {
		report(0, tc->label, "details: %s", why);
		return;
	}
	seen->skills += nsk;
	seen->subs += nsub;
	if (deterministic) {
		result *again = malloc(sizeof *again);
		if (!again) {
			report(0, tc->label, "out of memory");
			return;
		}
		run(set, tc, again);
		int differ = !same(r, again);
		if (differ)
			report(0, tc->label, "claims DETERMINISTIC but gave %.17g then %.17g%s",
			       r->score, again->score, again->rc ? " (then an error)" : "");
		free(again);
		if (differ)
			return;
	}
	if (verbose)
		report(1, tc->label, "%.4f in %.1f ms \"%s\"", r->score, ms, r->expl);
	else
		report(1, tc->label, "%.4f (%.1f ms)", r->score, ms);
}

/* A dashboard reloads: the same input after a reload gives the same score
 * as @p first (a deterministic plugin only). */
static void check_reload(options *o, const char *name, const test_case *cases, size_t ncases,
                         const result *first)
{
	offerapi_scorers *again = NULL;
	if (load(o->path, name, o->sets, o->nsets, &again) < 0) {
		report(0, "same scores after a reload", "reload failed: %s",
		       offerapi_error_last()->message);
		return;
	}
	int diff = 0;
	for (size_t k = 0; k < ncases; k++) {
		if (!cases[k].threaded)
			continue;
		result *r = malloc(sizeof *r);
		if (!r) {
			diff++;
			continue;
		}
		run(again, &cases[k], r);
		diff += !same(r, &first[k]);
		free(r);
	}
	if (diff)
		report(0, "same scores after a reload", "%d case(s) differ", diff);
	else
		report(1, "same scores after a reload", "all equal");
	offerapi_scorers_free(again);
}

/* Concurrency: a THREADSAFE plugin is called in parallel; any other is
 * serialised by the loader, which this checks as well. */
static void check_threads(offerapi_scorers *set, const options *o, const test_case *cases,
                          size_t ncases, const result *first, int deterministic, int threadsafe)
{
	int nthreads = o->nthreads;
	pthread_t *tids = calloc((size_t)nthreads, sizeof *tids);
	hammer_arg *args = calloc((size_t)nthreads, sizeof *args);
	double t0 = oa_mono_ms();
	for (int t = 0; t < nthreads; t++) {
		args[t] = (hammer_arg){ .set = set,
			                .cases = cases,
			                .ncases = ncases,
			                .expected = deterministic ? first : NULL,
			                .iterations = o->iterations,
			                .seed = t };
		pthread_create(&tids[t], NULL, hammer, &args[t]);
	}
	int bad = 0, errors = 0;
	const char *why = NULL;
	for (int t = 0; t < nthreads; t++) {
		pthread_join(tids[t], NULL);
		bad += args[t].bad;
		errors += args[t].errors;
		if (args[t].bad && !why)
			why = args[t].first;
	}
	char label[64];
	snprintf(label, sizeof label, "%d threads x %d calls%s", nthreads, o->iterations,
	         threadsafe ? "" : " (serialised)");
	if (bad)
		report(0, label, "%d bad result(s); first: %s", bad, why);
	else
		report(1, label, "%s, %d reported error(s), %.0f ms",
		       deterministic ? "all equal to the single-threaded results"
		                     : "all scores in [0, 1]",
		       errors, oa_mono_ms() - t0);
	free(tids);
	free(args);
}

int main(int argc, char **argv)
{
	options o;
	int status = parse_args(argc, argv, &o);
	if (status >= 0)
		return status;
	offerapi_set_log(verbose ? OFFERAPI_LOG_DEBUG : OFFERAPI_LOG_WARNING, stderr_log, NULL);

	printf("offerapi-scorer-check %s: %s\n", offerapi_version(), o.path);
	char name[64] = "";
	peek_name(o.path, name, sizeof name);
	offerapi_scorers *set = NULL;
	if (load(o.path, name, o.sets, o.nsets, &set) < 0) {
		report(0, "load through the loader", "%s", offerapi_error_last()->message);
		printf("%d passed, %d failed\n", passed, failed);
		return 1;
	}
	const offerapi_scorer_info *info = offerapi_scorers_info(set, 0);
	report(1, "load through the loader", "%s %s, flags: %s", info->name, info->version,
	       flag_names(info->flags));
	printf("        \"%s\"\n", info->description);
	int deterministic = !!(info->flags & OFFERAPI_SCORER_DETERMINISTIC);
	int threadsafe = !!(info->flags & OFFERAPI_SCORER_THREADSAFE);

	make_inputs();
	test_case cases[32];
	size_t ncases = make_cases(cases);
	result *first = calloc(ncases, sizeof *first);
	details_seen seen = { 0 };
	for (size_t k = 0; k < ncases; k++)
		check_case(set, &cases[k], k, &first[k], deterministic, &seen);

	/* what it reports as data (ABI 1, revision 2), all cases together */
	if (seen.skills || seen.subs)
		report(1, "details as data", "%zu skill judgement(s), %zu sub-score(s), all valid",
		       seen.skills, seen.subs);
	else
		report(1, "details as data", "none reported (explanations stored as plain text)");
	if (deterministic)
		check_reload(&o, name, cases, ncases, first);
	check_threads(set, &o, cases, ncases, first, deterministic, threadsafe);
	free(first);
	free_inputs();
	offerapi_scorers_free(set);

	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
