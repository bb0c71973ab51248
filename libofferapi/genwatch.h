/*
 * genwatch.h - the generations of a PostgreSQL store (offers_generation,
 * pages_generation) kept in memory while a listener says they have not
 * changed (genwatch.c says why that is right). Internal, never installed.
 */
#ifndef OFFERAPI_GENWATCH_H
#define OFFERAPI_GENWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"

typedef struct gen_watch gen_watch;

/* The generation rows, as indexes of the kept values. */
enum { GEN_OFFERS = 0, GEN_PAGES = 1, GEN_TABLES };

/* A watch over the store at @url (the whole store URL, copied), for a
 * backend with wait_notify; NULL for any other backend (SQLite), or when
 * out of memory: a NULL watch keeps nothing and every read goes to the
 * database. Nothing connects until the first gen_watch_get(). */
gen_watch *gen_watch_new(const db_backend *be, const char *url, const db_config *cfg);

/* Stop the listener, if it started, and free @w (NULL: nothing). */
void gen_watch_free(gen_watch *w);

/* Whether values read from the database now may be kept: true while the
 * listener listens, with *@epoch the epoch to keep them with; a kept value
 * serves while gen_watch_now() gives the same epoch, a second at most.
 * False otherwise (*@epoch UINT64_MAX). The first call starts the
 * listener. */
bool gen_watch_now(gen_watch *w, uint64_t *epoch);

/* The kept generation of @table into *@gen: true when it may be used.
 * Otherwise false, and *@epoch is what to give gen_watch_put() with the
 * value the caller reads from the database next. The first call starts
 * the listener. */
bool gen_watch_get(gen_watch *w, int table, int64_t *gen, uint64_t *epoch);

/* Keep @gen for @table, read after gen_watch_get() gave @epoch: kept only
 * when nothing changed since that call. */
void gen_watch_put(gen_watch *w, int table, int64_t gen, uint64_t epoch);

/* A write through this process has committed: drop every kept value. */
void gen_watch_written(gen_watch *w);

/* Tests: whether the listener is listening now, and how many
 * notifications it has heard. */
bool gen_watch_listening(const gen_watch *w);
uint64_t gen_watch_heard(const gen_watch *w);

#endif
