/*
 * cvtext.h - the made-up CV text of the benchmarks (bench-scorers,
 * bench-jobs): French and English job vocabulary, plus a share of words made
 * of random syllables that play the names, companies and places of real CVs
 * (they defeat the scorers' caches the way real CVs do).
 */
#ifndef OFFERAPI_BENCH_CVTEXT_H
#define OFFERAPI_BENCH_CVTEXT_H

#include <stddef.h>

/*
 * Writes CV number @i into @buf (@size bytes, at least 1): @words words,
 * @rare_percent of them made up (0 to 100), a line break after every 12th.
 * The same arguments give the same text on every run and every machine.
 * Stops early rather than cut a word when @buf is full; always terminated.
 * Returns the length written.
 */
size_t bench_cv_text(char *buf, size_t size, int i, int words, int rare_percent);

#endif
