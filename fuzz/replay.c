/*
 * replay.c - drives the fuzz target without libFuzzer: each file given, then
 * every truncation of it at 64 points, then 2000 deterministic mutations
 * (byte flips, insertions, deletions, spliced chunks). Used as a test in
 * every build, and to replay a crash file found by the fuzzer.
 * usage: fuzz-*-replay FILE|DIR...   (a folder: every file in it, in name order)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t rng = 0x9E3779B97F4A7C15u;

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
	if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		b = NULL;
	}
	fclose(f);
	*len = (size_t)n;
	return b;
}

/* The input, its truncations at 64 points, then 2000 mutations of it. */
static unsigned long replay_one(const uint8_t *data, size_t len)
{
	unsigned long runs = 0;
	LLVMFuzzerTestOneInput(data, len);
	runs++;
	for (size_t k = 1; k <= 64 && len; k++) {
		LLVMFuzzerTestOneInput(data, len * k / 65);
		runs++;
	}
	uint8_t *m = malloc(len + 64);
	for (int r = 0; m && r < 2000 && len; r++) {
		size_t n = len;
		memcpy(m, data, len);
		int edits = 1 + (int)(next() % 8);
		for (int e = 0; e < edits; e++) {
			size_t at = (size_t)(next() % n);
			switch (next() % 4) {
			case 0: m[at] ^= (uint8_t)(1u << (next() % 8)); break;
			case 1: m[at] = (uint8_t)next(); break;
			case 2: /* delete a short run */
				if (n > 16) {
					size_t d = 1 + (size_t)(next() % 8);
					memmove(m + at, m + at + (at + d < n ? d : 0),
					        n - at - (at + d < n ? d : 0));
					n -= at + d < n ? d : 0;
				}
				break;
			default: { /* copy a chunk from elsewhere over this place */
				size_t from = (size_t)(next() % n), d = 1 + (size_t)(next() % 32);
				if (from + d <= n && at + d <= n)
					memmove(m + at, m + from, d);
			}
			}
		}
		LLVMFuzzerTestOneInput(m, n);
		runs++;
	}
	free(m);
	return runs;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay @path, or every regular file of the folder @path. */
static int replay_path(const char *path, unsigned long *runs)
{
	struct stat st;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		if (!d) {
			perror(path);
			return 1;
		}
		char *names[4096];
		size_t n = 0;
		struct dirent *e;
		while ((e = readdir(d)) != NULL && n < sizeof names / sizeof names[0])
			if (e->d_name[0] != '.')
				names[n++] = strdup(e->d_name);
		closedir(d);
		qsort(names, n, sizeof names[0], by_name);
		int rc = 0;
		for (size_t i = 0; i < n; i++) {
			char p[4096];
			snprintf(p, sizeof p, "%s/%s", path, names[i] ? names[i] : "");
			if (!rc && names[i])
				rc = replay_path(p, runs);
			free(names[i]);
		}
		return rc;
	}
	size_t len;
	uint8_t *data = read_all(path, &len);
	if (!data) {
		perror(path);
		return 1;
	}
	*runs += replay_one(data, len);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
		        "usage: %s FILE|DIR...\n"
		        "Runs this fuzz target on each FILE (or each file of DIR), 64 truncations\n"
		        "of it and 2000 deterministic mutations of it; exits non-zero on a crash.\n",
		        argv[0]);
		return argc < 2 ? 2 : 0;
	}
	unsigned long runs = 0;
	for (int i = 1; i < argc; i++)
		if (replay_path(argv[i], &runs))
			return 1;
	printf("%s: %lu inputs, no crash\n", argv[0], runs);
	return 0;
}
