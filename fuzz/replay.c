/*
 * replay.c - drives the fuzz target without libFuzzer: each file given, then
 * every truncation of it at 64 points, then 2000 deterministic mutations
 * (byte flips, insertions, deletions, spliced chunks). Used as a test in
 * every build, and to replay a crash file found by the fuzzer.
 * usage: fuzz-cv-replay FILE...
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
		        "usage: %s FILE...\n"
		        "Runs the CV extraction fuzz target on each FILE, 64 truncations of it\n"
		        "and 2000 deterministic mutations of it; exits non-zero on a crash.\n",
		        argv[0]);
		return argc < 2 ? 2 : 0;
	}
	unsigned long runs = 0;
	for (int i = 1; i < argc; i++) {
		size_t len;
		uint8_t *data = read_all(argv[i], &len);
		if (!data) {
			perror(argv[i]);
			return 1;
		}
		LLVMFuzzerTestOneInput(data, len);
		runs++;
		for (size_t k = 1; k <= 64 && len; k++) {
			LLVMFuzzerTestOneInput(data, len * k / 65);
			runs++;
		}
		uint8_t *m = malloc(len + 64);
		for (int r = 0; r < 2000 && len; r++) {
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
					size_t from = (size_t)(next() % n),
					       d = 1 + (size_t)(next() % 32);
					if (from + d <= n && at + d <= n)
						memmove(m + at, m + from, d);
				}
				}
			}
			LLVMFuzzerTestOneInput(m, n);
			runs++;
		}
		free(m);
		free(data);
	}
	printf("fuzz-cv-replay: %lu inputs, no crash\n", runs);
	return 0;
}
