/*
 * replay.c - drives a fuzz target without libFuzzer: each file given (every
 * file of a folder given, in name order), then every truncation of it at 64
 * points, then deterministic mutations of it (byte flips, insertions,
 * deletions, spliced chunks). Used as a test in every build over the
 * target's corpus, and to replay a crash file found by the fuzzer.
 * usage: fuzz-NAME-replay [-m MUTATIONS] [-t TRUNCATIONS] FILE|FOLDER...
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng = 0x9E3779B97F4A7C15u;
static unsigned long runs;

static uint64_t next(void)
{
	/* xorshift64*: deterministic, so a failure replays identically */
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 2685821657736338717u;
}

static uint8_t *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *b = malloc(n > 0 ? (size_t)n : 1);
	if (b && n > 0 && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = n > 0 ? (size_t)n : 0;
	return b;
}

/* One deterministic edit of the @p *n bytes at @p m (room for 64 more). */
static void mutate(uint8_t *m, size_t *n)
{
	size_t at = (size_t)(next() % *n);
	switch (next() % 4) {
	case 0: m[at] ^= (uint8_t)(1u << (next() % 8)); break;
	case 1: m[at] = (uint8_t)next(); break;
	case 2: /* delete a short run */
		if (*n > 16) {
			size_t d = 1 + (size_t)(next() % 8);
			if (at + d < *n) {
				memmove(m + at, m + at + d, *n - at - d);
				*n -= d;
			}
		}
		break;
	default: { /* copy a chunk from elsewhere over this place */
		size_t from = (size_t)(next() % *n), d = 1 + (size_t)(next() % 32);
		if (from + d <= *n && at + d <= *n)
			memmove(m + at, m + from, d);
	}
	}
}

static unsigned truncations = 64; /* -t */

static void replay(const uint8_t *data, size_t len, unsigned mutations)
{
	LLVMFuzzerTestOneInput(data, len);
	runs++;
	for (size_t k = 1; k <= truncations && len; k++) {
		LLVMFuzzerTestOneInput(data, len * k / (truncations + 1));
		runs++;
	}
	uint8_t *m = malloc(len + 64);
	for (unsigned r = 0; m && r < mutations && len; r++) {
		size_t n = len;
		memcpy(m, data, len);
		int edits = 1 + (int)(next() % 8);
		for (int e = 0; e < edits; e++)
			mutate(m, &n);
		LLVMFuzzerTestOneInput(m, n);
		runs++;
	}
	free(m);
}

static int replay_file(const char *path, unsigned mutations)
{
	size_t len;
	uint8_t *data = read_all(path, &len);
	if (!data) {
		perror(path);
		return 1;
	}
	replay(data, len, mutations);
	free(data);
	return 0;
}

static int skip_dot(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static int replay_path(const char *path, unsigned mutations, unsigned long *files)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		perror(path);
		return 1;
	}
	if (!S_ISDIR(st.st_mode)) {
		++*files;
		return replay_file(path, mutations);
	}
	struct dirent **list;
	int n = scandir(path, &list, skip_dot, alphasort);
	if (n < 0) {
		perror(path);
		return 1;
	}
	int rc = n == 0; /* an empty corpus is a mistake */
	if (rc)
		fprintf(stderr, "%s: empty folder\n", path);
	for (int i = 0; i < n; i++) {
		char file[4096];
		snprintf(file, sizeof file, "%s/%s", path, list[i]->d_name);
		if (rc == 0)
			rc = replay_path(file, mutations, files);
		free(list[i]);
	}
	free(list);
	return rc;
}

int main(int argc, char **argv)
{
	unsigned mutations = 2000;
	int first = 1;
	while (first + 1 < argc && (!strcmp(argv[first], "-m") || !strcmp(argv[first], "-t"))) {
		unsigned v = (unsigned)strtoul(argv[first + 1], NULL, 10);
		if (argv[first][1] == 'm')
			mutations = v;
		else
			truncations = v;
		first += 2;
	}
	if (argc <= first || strcmp(argv[1], "--help") == 0) {
		fprintf(argc <= first ? stderr : stdout,
		        "usage: %s [-m MUTATIONS] [-t TRUNCATIONS] FILE|FOLDER...\n"
		        "Runs the fuzz target on each FILE (each file of each FOLDER), TRUNCATIONS\n"
		        "(default 64) truncations of it and MUTATIONS (default 2000) deterministic\n"
		        "mutations\n"
		        "of it; exits non-zero on a crash or a missing input.\n",
		        argv[0]);
		return argc <= first ? 2 : 0;
	}
	unsigned long files = 0;
	for (int i = first; i < argc; i++)
		if (replay_path(argv[i], mutations, &files) != 0)
			return 1;
	printf("%s: %lu inputs from %lu files, no crash\n", argv[0], runs, files);
	return 0;
}
