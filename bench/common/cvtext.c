/*
 * cvtext.c - the made-up CV text of the benchmarks (see cvtext.h).
 */
#include "cvtext.h"

#include <stdint.h>
#include <string.h>

static const char *const vocab[] = {
	"développeur", "developer",    "C",          "Linux",      "PostgreSQL",   "réseau",
	"network",     "performance",  "experience", "expérience", "projet",       "project",
	"équipe",      "team",         "Python",     "Java",       "Spring",       "Kubernetes",
	"Terraform",   "AWS",          "React",      "TypeScript", "comptabilité", "accounting",
	"soins",       "patient",      "chantier",   "sécurité",   "safety",       "the",
	"and",         "of",           "with",       "in",         "de",           "la",
	"le",          "et",           "des",        "pour",       "avec",         "managed",
	"géré",        "conçu",        "designed",   "built",      "développé",    "optimised",
	"tests",       "clients",      "customers",  "données",    "data",         "pipeline",
	"services",    "API",          "REST",       "SQL",        "Git",          "Docker",
	"monitoring",  "supervision",  "production", "release",    "2019",         "2021",
	"ans",         "years",        "master",     "ingénieur",  "engineer",     "université",
	"university",  "anglais",      "English",    "français",   "French",       "latency",
	"latence",     "mémoire",      "memory",     "sockets",    "epoll",        "valgrind",
	"profiling",   "optimisation",
};
#define NVOCAB (sizeof vocab / sizeof *vocab)

/* Syllables of the made-up words. */
static const char *const syll[] = { "ka",  "lo",  "mi",  "ren", "tor", "bé", "sa",
	                            "vin", "du",  "mar", "ti",  "gel", "pa", "ro",
	                            "né",  "shi", "ber", "na",  "quo", "lé" };
#define NSYLL (sizeof syll / sizeof *syll)

/* splitmix64: a small generator whose sequence is the same everywhere */
static uint64_t rng(uint64_t *s)
{
	uint64_t z = (*s += 0x9E3779B97F4A7C15u);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
	return z ^ (z >> 31);
}

size_t bench_cv_text(char *buf, size_t size, int i, int words, int rare_percent)
{
	uint64_t s = (uint64_t)i * 7919u + 1;
	size_t n = 0;
	for (int w = 0; w < words; w++) {
		char made[32]; /* 4 syllables of at most 3 bytes */
		const char *word;
		uint64_t r = rng(&s);
		if ((int)(r % 100) < rare_percent) {
			int k = 2 + (int)((r >> 8) % 3);
			made[0] = '\0';
			for (int j = 0; j < k; j++)
				strcat(made, syll[(r >> (16 + 5 * j)) % NSYLL]);
			word = made;
		} else {
			word = vocab[(r >> 8) % NVOCAB];
		}
		size_t len = strlen(word);
		if (n + len + 2 >= size)
			break;
		memcpy(buf + n, word, len);
		n += len;
		buf[n++] = (w % 12 == 11) ? '\n' : ' ';
	}
	buf[n] = '\0';
	return n;
}
