/*
 * genwatch.c - the generations of a PostgreSQL store, kept in memory
 * between writes (genwatch.h).
 *
 * The lists of offers are kept by generation (searchcache.c): before a
 * kept page is used, the row offers_generation or pages_generation is read
 * to know that no write changed what the page shows. On SQLite that read
 * is a few microseconds; on PostgreSQL it is a round trip, about 50 us of
 * CPU on the two sides, and it was most of what an anonymous home page
 * cost. So on PostgreSQL the value read is kept here, and used again until
 * something says it may have changed:
 *
 * - Migration 22's triggers notify the channel offerapi_generations when
 *   either row changes. PostgreSQL sends a notification after the writer's
 *   commit to every session that listens. A thread of the store listens on
 *   a connection of its own, opened on the first read of a generation (a
 *   store that never lists offers opens none), and adds one to an epoch
 *   for each notification.
 * - A value is kept with the epoch read before it was read from the
 *   database, and used only while the epoch is the same. A write that the
 *   read did not see committed after the read began, so after the epoch
 *   was taken: its notification moves the epoch and the value is dropped.
 * - A write through this store moves the epoch itself right after its
 *   commit (store.c, gen_watch_written), so the request that follows it,
 *   on any thread of this process, sees it at once, without waiting for
 *   the notification.
 * - While the listener is not listening (not yet, or its connection was
 *   lost and it reconnects every second), nothing is kept: every read goes
 *   to the database, as before. Connecting and losing move the epoch too.
 *   Its connect ends when the store does (connect_stoppable): a database
 *   that does not answer does not hold a stopping process for
 *   connect_timeout (a URL of several hosts excepted, db_pg.c).
 * - The listener also moves the epoch when a second passes without a
 *   notification: a kept value serves a second at most, so a listener cut
 *   off without noticing it (a silent network loss, until TCP keepalive
 *   gives up) delays what other processes write by that much at worst.
 *
 * What another replica or a tool writes reaches this process's lists when
 * its notification arrives: about half a round trip after the writer's
 * commit (bench/notify).
 * users.c keeps the sessions it reads by the same epoch (gen_watch_now).
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "genwatch.h"
#include "internal.h"

#define GW_TICK_MS 1000 /* the longest a kept value serves */
#define GW_RETRY_MS 1000 /* between two tries to (re)connect the listener */
#define GW_CHANNEL "offerapi_generations"

struct gen_watch {
	const db_backend *be;
	char *url;
	db_config cfg;
	pthread_mutex_t lock; /* the fields below but the atomics */
	bool started, failed; /* the listener thread was started / could not be */
	pthread_t thread;
	int stop[2]; /* a pipe: written to stop the listener */
	atomic_bool stopping;
	atomic_bool listening;
	atomic_uint_fast64_t epoch;
	atomic_uint_fast64_t heard; /* notifications, for the tests */
	struct {
		int64_t gen;
		uint64_t epoch;
		bool have;
	} kept[GEN_TABLES];
};

gen_watch *gen_watch_new(const db_backend *be, const char *url, const db_config *cfg)
{
	if (!be->wait_notify || !be->connect_stoppable)
		return NULL;
	gen_watch *w = calloc(1, sizeof *w);
	if (!w || !(w->url = oa_strdup(url))) {
		free(w);
		return NULL;
	}
	w->be = be;
	w->cfg = *cfg;
	w->stop[0] = w->stop[1] = -1;
	pthread_mutex_init(&w->lock, NULL);
	return w;
}

/* Wait @ms, or less when the listener is told to stop. */
static void pause_ms(gen_watch *w, int ms)
{
	struct pollfd p = { .fd = w->stop[0], .events = POLLIN };
	if (!atomic_load(&w->stopping))
		(void)poll(&p, 1, ms);
}

/* Listen on @conn until it is lost or the watch stops. */
static void listen_on(gen_watch *w, void *conn)
{
	atomic_fetch_add(&w->epoch, 1);
	atomic_store(&w->listening, true);
	int n; /* notifications, or none for a second: the tick */
	while (!atomic_load(&w->stopping) &&
	       (n = w->be->wait_notify(conn, w->stop[0], GW_TICK_MS)) >= 0) {
		atomic_fetch_add(&w->heard, (uint_fast64_t)n);
		atomic_fetch_add(&w->epoch, 1);
	}
	atomic_store(&w->listening, false);
	atomic_fetch_add(&w->epoch, 1);
	if (!atomic_load(&w->stopping))
		oa_log(OFFERAPI_LOG_WARNING,
		       "generations listener: %s; the lists and the sessions are read from the "
		       "database until it is back",
		       offerapi_error_last()->message);
}

static void *listener(void *arg)
{
	gen_watch *w = arg;
	bool told = false; /* the failure to connect was logged */
	while (!atomic_load(&w->stopping)) {
		void *conn = NULL;
		int rc = w->be->connect_stoppable(&conn, w->url, &w->cfg, w->stop[0]);
		if (rc == 0)
			rc = w->be->exec(conn, "LISTEN " GW_CHANNEL, NULL, 0, NULL);
		if (rc == 0) {
			told = false;
			listen_on(w, conn);
		} else if (!told && !atomic_load(&w->stopping)) {
			oa_log(OFFERAPI_LOG_WARNING, "generations listener: %s",
			       offerapi_error_last()->message);
			told = true;
		}
		if (conn)
			w->be->disconnect(conn);
		pause_ms(w, GW_RETRY_MS);
	}
	return NULL;
}

/* Start the listener (under w->lock). A failure is logged once: the
 * watch then keeps nothing. */
static void start(gen_watch *w)
{
	w->started = true;
	if (pipe(w->stop) == 0 && pthread_create(&w->thread, NULL, listener, w) == 0)
		return;
	oa_log(OFFERAPI_LOG_WARNING, "generations listener: cannot start a thread");
	w->failed = true;
}

void gen_watch_free(gen_watch *w)
{
	if (!w)
		return;
	if (w->started && !w->failed) {
		atomic_store(&w->stopping, true);
		(void)!write(w->stop[1], "x", 1);
		pthread_join(w->thread, NULL);
	}
	for (int i = 0; i < 2; i++)
		if (w->stop[i] >= 0)
			close(w->stop[i]);
	pthread_mutex_destroy(&w->lock);
	free(w->url);
	free(w);
}

bool gen_watch_now(gen_watch *w, uint64_t *epoch)
{
	*epoch = UINT64_MAX;
	if (!w)
		return false;
	if (!atomic_load(&w->listening)) {
		pthread_mutex_lock(&w->lock);
		if (!w->started)
			start(w);
		pthread_mutex_unlock(&w->lock);
		if (!atomic_load(&w->listening))
			return false;
	}
	/* listening, then the epoch: one taken after the listener (re)connected */
	*epoch = atomic_load(&w->epoch);
	return true;
}

bool gen_watch_get(gen_watch *w, int table, int64_t *gen, uint64_t *epoch)
{
	if (!gen_watch_now(w, epoch))
		return false;
	pthread_mutex_lock(&w->lock);
	bool use = w->kept[table].have && w->kept[table].epoch == *epoch;
	if (use)
		*gen = w->kept[table].gen;
	pthread_mutex_unlock(&w->lock);
	return use;
}

void gen_watch_put(gen_watch *w, int table, int64_t gen, uint64_t epoch)
{
	if (!w || epoch == UINT64_MAX)
		return;
	pthread_mutex_lock(&w->lock);
	if (atomic_load(&w->listening) && atomic_load(&w->epoch) == epoch) {
		w->kept[table].gen = gen;
		w->kept[table].epoch = epoch;
		w->kept[table].have = true;
	}
	pthread_mutex_unlock(&w->lock);
}

void gen_watch_written(gen_watch *w)
{
	if (w)
		atomic_fetch_add(&w->epoch, 1);
}

bool gen_watch_listening(const gen_watch *w)
{
	return w && atomic_load(&w->listening);
}

uint64_t gen_watch_heard(const gen_watch *w)
{
	return w ? atomic_load(&w->heard) : 0;
}
