/*
 * bgthread.h - a background thread that sleeps on a condition variable of
 * the monotonic clock (a change of the wall clock neither wakes nor stalls
 * it) until it has work or is told to stop: deadline.c's watchdog,
 * retention.c's hourly purge and serve.c's erasure sweep (bgthread.c).
 */
#ifndef OFFERAPI_SERVER_BGTHREAD_H
#define OFFERAPI_SERVER_BGTHREAD_H

#include <pthread.h>
#include <stdbool.h>

typedef struct bg_thread {
	pthread_mutex_t lock; /* also guards the owner's own state */
	pthread_cond_t wake; /* on CLOCK_MONOTONIC: its timed waits take that clock */
	pthread_t thread;
	bool running; /* between a start and a stop */
	bool stopping; /* under lock: the thread returns once it sees it */
} bg_thread;

#define BG_THREAD_INIT                                                                             \
	{                                                                                          \
		.lock = PTHREAD_MUTEX_INITIALIZER                                                  \
	}

/* Start @run(@arg) on @t: 0, or -1 when no thread could start (@t then
 * holds nothing to free). */
int bg_thread_start(bg_thread *t, void *(*run)(void *), void *arg);
/* On @t's thread, between two rounds of a periodic chore: sleep @ms
 * milliseconds, or less when told to stop. True to do the next round,
 * false when the thread must return. Takes and gives back @t's lock. */
bool bg_thread_sleep(bg_thread *t, unsigned int ms);
/* Tell @t's thread to stop, wake it and wait for its end; false when it
 * was not running. Its condition variable lives on (a late signal on it
 * is harmless). */
bool bg_thread_stop(bg_thread *t);

#endif
