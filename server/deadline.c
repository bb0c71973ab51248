/*
 * deadline.c - a deadline on a worker's blocking reads of a request body.
 *
 * CivetWeb 1.15 bounds each wait for bytes (request_timeout_ms), but a read
 * goes on as long as bytes keep arriving: a client sending one byte every
 * few seconds holds a worker for hours (docs/dependencies.md). CivetWeb
 * waits in poll(), which a signal interrupts (EINTR; it is never restarted),
 * and its read then fails. So a worker arms a deadline before reading a
 * body; a watchdog thread sends SIGUSR1 to every worker past its deadline,
 * again every KICK_MS until the worker disarms (a signal landing between
 * two polls is lost), and the worker stops reading and answers 408.
 *
 * SIGUSR1 has an empty handler installed without SA_RESTART; nothing else
 * in the process uses it. A signal reaches only a thread that armed a
 * deadline and has not disarmed it, i.e. one inside read_body().
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bgthread.h"
#include "deadline.h"

#define SLOTS 1024 /* --threads is at most 1024 */
#define KICK_MS 20

typedef struct slot {
	bool used;
	bool expired;
	pthread_t tid;
	struct timespec when;
} slot;

static slot slots[SLOTS];
static bg_thread watchdog = BG_THREAD_INIT; /* its lock also guards slots */
static _Thread_local int my_slot = -1;

static void on_kick(int sig)
{
	(void)sig; /* only to interrupt poll() */
}

static bool before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

static struct timespec after_ms(const struct timespec *t, double ms)
{
	long long ns = (long long)t->tv_nsec + (long long)(ms * 1e6);
	struct timespec r = { t->tv_sec + (time_t)(ns / 1000000000LL), (long)(ns % 1000000000LL) };
	return r;
}

/* Kick every worker past its deadline; returns the earliest deadline still
 * ahead in *next (false: none). Called with the lock held. */
static bool kick_expired(const struct timespec *now, struct timespec *next)
{
	bool any = false;
	for (int i = 0; i < SLOTS; i++) {
		slot *s = &slots[i];
		if (!s->used)
			continue;
		struct timespec when = s->when;
		if (!before(now, &when)) {
			s->expired = true;
			pthread_kill(s->tid, SIGUSR1);
			when = after_ms(now, KICK_MS); /* again, until it disarms */
		}
		if (!any || before(&when, next))
			*next = when;
		any = true;
	}
	return any;
}

static void *watchdog_run(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&watchdog.lock);
	while (!watchdog.stopping) {
		struct timespec now, next;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (kick_expired(&now, &next))
			pthread_cond_timedwait(&watchdog.wake, &watchdog.lock, &next);
		else
			pthread_cond_wait(&watchdog.wake, &watchdog.lock);
	}
	pthread_mutex_unlock(&watchdog.lock);
	return NULL;
}

int deadline_start(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_kick;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = 0; /* no SA_RESTART: the wait must end */
	if (sigaction(SIGUSR1, &sa, NULL) != 0)
		return -1;
	return bg_thread_start(&watchdog, watchdog_run, NULL);
}

void deadline_stop(void)
{
	bg_thread_stop(&watchdog);
}

void deadline_arm(unsigned ms)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&watchdog.lock);
	for (int i = 0; watchdog.running && my_slot < 0 && i < SLOTS; i++)
		if (!slots[i].used)
			my_slot = i;
	if (my_slot >= 0) {
		slots[my_slot] = (slot){ true, false, pthread_self(), after_ms(&now, ms) };
		pthread_cond_signal(&watchdog.wake);
	}
	pthread_mutex_unlock(&watchdog.lock);
}

bool deadline_expired(void)
{
	if (my_slot < 0)
		return false;
	pthread_mutex_lock(&watchdog.lock);
	bool e = slots[my_slot].expired;
	pthread_mutex_unlock(&watchdog.lock);
	return e;
}

bool deadline_disarm(void)
{
	if (my_slot < 0)
		return false;
	pthread_mutex_lock(&watchdog.lock);
	bool e = slots[my_slot].expired;
	slots[my_slot].used = false;
	my_slot = -1;
	pthread_mutex_unlock(&watchdog.lock);
	return e;
}
