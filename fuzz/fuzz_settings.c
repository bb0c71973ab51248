/*
 * fuzz_settings.c - libFuzzer target for scorer plugin settings: the
 * allow-list (offerapi_scorers_allow), explicit key/value settings
 * (offerapi_scorers_set), the OFFERAPI_SCORER_<NAME>_<KEY> environment
 * variables the loader turns into settings (libofferapi/loader.c), and the
 * three shipped plugins' create(), which parse them.
 *
 * Input, one item per line: the first line is the allow-list; a line with
 * '=' before its first space is an environment entry (NAME=VALUE); any
 * other line is "scorer key value". Then the random, similarity and llm
 * plugins are loaded with those settings. Each load must succeed or be
 * refused with a documented code and a one-line, valid UTF-8 message.
 *
 *   build-fuzz/fuzz/fuzz-settings -max_len=2048 -timeout=10 fuzz/corpus/settings
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <offerapi/offerapi.h>

#include "internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern char **environ;

static const char *const PLUGINS[] = { FUZZ_SCORER_RANDOM, FUZZ_SCORER_SIMILARITY,
	                               FUZZ_SCORER_LLM };
#define NPLUGINS (sizeof PLUGINS / sizeof PLUGINS[0])
#define MAX_ENV 64

/* An empty environment, for the instances held below. */
static char *no_env[] = { NULL };

/* Keep the plugins mapped between runs, so that each load costs create(),
 * not the dynamic linker's work; and keep a similarity instance alive for
 * each set of dictionary files an input can lead to (those of the default
 * freedict_dir, and none: any other directory), so that an input's
 * instance shares its lexicon (plugins/scorer-similarity shares it between
 * the instances that read the same files) instead of building it again:
 * create() still parses every setting and looks at the files. */
static void hold_plugins(void)
{
	static int held;
	static offerapi_scorers *keep[2];
	if (held)
		return;
	for (size_t i = 0; i < NPLUGINS; i++)
		if (!dlopen(PLUGINS[i], RTLD_NOW | RTLD_LOCAL))
			abort(); /* the target is broken, not the input */
	char **saved = environ;
	environ = no_env;
	for (int k = 0; k < 2; k++)
		if (offerapi_scorers_new(&keep[k]) != 0 ||
		    (k == 1 && offerapi_scorers_set(keep[k], "similarity", "freedict_dir",
		                                    "/nonexistent") != 0) ||
		    offerapi_scorers_load_file(keep[k], FUZZ_SCORER_SIMILARITY) != 0)
			abort();
	environ = saved;
	held = 1;
}

/* The contract of a refused call: a documented code, a one-line message. */
static void check_refusal(int rc, int allowed_mask)
{
	const offerapi_error *e = offerapi_error_last();
	int bit = rc == OFFERAPI_EINVAL      ? 1
	          : rc == OFFERAPI_EPLUGIN   ? 2
	          : rc == OFFERAPI_ENOTFOUND ? 4
	          : rc == OFFERAPI_ENOMEM    ? 8
	                                     : 0;
	if (!(bit & allowed_mask) || e->code != rc || !e->message[0])
		abort();
	size_t n = strlen(e->message);
	if (!oa_utf8_valid(e->message, n))
		abort();
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)e->message[i] < 0x20)
			abort();
}

/* Apply one "scorer key value" line. */
static void apply_setting(offerapi_scorers *set, char *line)
{
	char *key = strchr(line, ' ');
	if (!key)
		return;
	*key++ = '\0';
	char *value = strchr(key, ' ');
	if (value)
		*value++ = '\0';
	int rc = offerapi_scorers_set(set, line, key, value ? value : "");
	if (rc != 0)
		check_refusal(rc, 1 | 8);
}

static void load_all(offerapi_scorers *set)
{
	for (size_t i = 0; i < NPLUGINS; i++) {
		int rc = offerapi_scorers_load_file(set, PLUGINS[i]);
		if (rc != 0)
			check_refusal(rc, 2 | 8);
	}
	for (size_t i = 0; i < offerapi_scorers_count(set); i++) {
		const offerapi_scorer_info *info = offerapi_scorers_info(set, i);
		if (!info || !info->name || !info->version || !info->description)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	hold_plugins();
	char *text = malloc(size + 1);
	offerapi_scorers *set = NULL;
	if (!text || offerapi_scorers_new(&set) != 0)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';

	/* the first line, even empty, is the allow-list */
	char *rest = strchr(text, '\n');
	if (rest)
		*rest++ = '\0';
	int rc = offerapi_scorers_allow(set, text);
	if (rc != 0)
		check_refusal(rc, 1 | 8);

	char *env[MAX_ENV + 1];
	size_t nenv = 0;
	char *save = NULL;
	for (char *line = rest ? strtok_r(rest, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(line, '='), *sp = strchr(line, ' ');
		if (eq && (!sp || eq < sp)) {
			if (nenv < MAX_ENV)
				env[nenv++] = line;
		} else {
			apply_setting(set, line);
		}
	}
	env[nenv] = NULL;

	char **saved = environ;
	environ = env;
	load_all(set);
	environ = saved;
	offerapi_scorers_free(set);
	free(text);
	return 0;
}
