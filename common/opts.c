/*
 * opts.c - command-line options from one table (oacommon.h): defaults,
 * variables, flags, ranges and --help all come from the table, for
 * offerapi-server and offerapi-worker alike.
 */
#include <assert.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "oacommon.h"

/* A switch given as a variable: 1/true/yes/on, or set and empty. */
static bool truthy(const char *v)
{
	return !*v || !strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes") ||
	       !strcasecmp(v, "on");
}

static bool numeric(oa_opt_type t)
{
	return t == OA_OPT_UINT || t == OA_OPT_SIZE || t == OA_OPT_ULL;
}

/* Set @o in @cfg from the text @v (a flag's value, a variable or the
 * default); a message naming @prog and @source, and false, when @v is not
 * valid. */
static bool set(const char *prog, void *cfg, const oa_opt *o, const char *v, const char *source)
{
	char *field = (char *)cfg + o->off;
	assert(o->type != OA_OPT_UINT || o->size == sizeof(unsigned));
	assert(o->type != OA_OPT_SIZE || o->size == sizeof(size_t));
	assert(o->type != OA_OPT_ULL || o->size == sizeof(unsigned long long));
	assert(o->type != OA_OPT_BOOL || o->size == sizeof(bool));
	if (o->type == OA_OPT_STR) {
		size_t n = strlen(v);
		if (n >= o->size) {
			fprintf(stderr, "%s: %s: longer than %zu bytes\n", prog, source,
			        o->size - 1);
			return false;
		}
		memcpy(field, v, n + 1);
		return true;
	}
	if (o->type == OA_OPT_BOOL) {
		*(bool *)field = truthy(v);
		return true;
	}
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 10);
	if (errno || end == v || *end || v[0] == '-' || n < o->lo || n > o->hi) {
		fprintf(stderr, "%s: %s: '%s' is not a number in %llu..%llu\n", prog, source, v,
		        o->lo, o->hi);
		return false;
	}
	if (o->type == OA_OPT_UINT)
		*(unsigned *)field = (unsigned)n;
	else if (o->type == OA_OPT_SIZE)
		*(size_t *)field = (size_t)n;
	else
		*(unsigned long long *)field = n;
	return true;
}

/* Each option's default, then its variable. */
static bool from_env(const char *prog, const oa_opt *opts, size_t n, void *cfg)
{
	for (size_t i = 0; i < n; i++) {
		const oa_opt *o = &opts[i];
		if (o->type == OA_OPT_ACTION)
			continue;
		char source[96];
		snprintf(source, sizeof source, "default of --%s", o->flag);
		if (o->def && !set(prog, cfg, o, o->def, source))
			return false;
		const char *v = o->env ? getenv(o->env) : NULL;
		if (v && !set(prog, cfg, o, v, o->env))
			return false;
	}
	return true;
}

int oa_opts_parse(const char *prog, const oa_opt *opts, size_t n, void *cfg, int argc, char **argv,
                  const oa_opt **action)
{
	*action = NULL;
	if (!from_env(prog, opts, n, cfg))
		return -1;
	struct option *lo = calloc(n + 1, sizeof *lo);
	if (!lo) {
		fprintf(stderr, "%s: out of memory\n", prog);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		lo[i] = (struct option){ opts[i].flag,
			                 opts[i].arg ? required_argument : no_argument, NULL,
			                 (int)(256 + i) };
	int ch, rc = 0;
	opterr = 0;
	/* 0, not 1: glibc then forgets an earlier parse, whose place in a
	 * cluster of short options ("-xy") would point into strings now gone */
	optind = 0;
	while (rc == 0 && (ch = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		const oa_opt *o = ch >= 256 ? &opts[ch - 256] : NULL;
		for (size_t i = 0; ch == 'h' && !o && i < n; i++) /* -h is --help */
			if (!strcmp(opts[i].flag, "help"))
				o = &opts[i];
		if (!o && ch == '?' && optopt > 0 && optopt < 256) { /* -x, maybe in "-xy" */
			fprintf(stderr, "%s: unknown or incomplete option '-%c' (see --help)\n",
			        prog, optopt);
			rc = -1;
		} else if (!o) {
			fprintf(stderr, "%s: unknown or incomplete option '%s' (see --help)\n",
			        prog, argv[optind - 1]);
			rc = -1;
		} else if (o->type == OA_OPT_ACTION) {
			*action = o;
			rc = 1;
		} else {
			char source[96];
			snprintf(source, sizeof source, "--%s", o->flag);
			if (!set(prog, cfg, o, o->arg ? optarg : "1", source))
				rc = -1;
		}
	}
	free(lo);
	if (rc == 0 && optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s' (see --help)\n", prog, argv[optind]);
		rc = -1;
	}
	return rc;
}

void oa_opts_print(FILE *f, const oa_opt *opts, size_t n, int width, bool fr)
{
	for (size_t i = 0; i < n; i++) {
		const oa_opt *o = &opts[i];
		char left[64];
		snprintf(left, sizeof left, "--%s%s%s", o->flag, o->arg ? "=" : "",
		         o->arg ? o->arg : "");
		fprintf(f, "  %-*s %s\n", width, left, fr && o->help_fr ? o->help_fr : o->help);
		if (o->def && o->def[0])
			fprintf(f, "  %-*s   %s %s\n", width, "",
			        fr ? "défaut :" : "default:", o->def);
		if (numeric(o->type))
			fprintf(f, "  %-*s   %s %llu..%llu\n", width, "",
			        fr ? "plage :" : "range:", o->lo, o->hi);
		if (o->env)
			fprintf(f, "  %-*s   %s %s%s\n", width, "",
			        fr ? "variable :" : "env:", o->env, o->arg ? "" : "=1");
	}
}

bool oa_listen_valid(const char *listen)
{
	const char *colon = strrchr(listen, ':');
	if (!colon || colon == listen || strchr(listen, '[') || strchr(listen, ','))
		return false;
	unsigned long port = 0;
	const char *p = colon + 1;
	for (; *p >= '0' && *p <= '9' && port <= 65535; p++)
		port = port * 10 + (unsigned long)(*p - '0');
	return p > colon + 1 && !*p && port >= 1 && port <= 65535;
}
