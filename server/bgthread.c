/*
 * bgthread.c - the start and stop of a background thread (bgthread.h).
 */
#include <errno.h>
#include <time.h>

#include "bgthread.h"
#include "oacommon.h"

int bg_thread_start(bg_thread *t, void *(*run)(void *), void *arg)
{
	oa_cond_init_monotonic(&t->wake);
	t->stopping = false;
	if (pthread_create(&t->thread, NULL, run, arg) != 0) {
		pthread_cond_destroy(&t->wake);
		return -1;
	}
	t->running = true;
	return 0;
}

bool bg_thread_stop(bg_thread *t)
{
	if (!t->running)
		return false;
	pthread_mutex_lock(&t->lock);
	t->stopping = true;
	pthread_cond_signal(&t->wake);
	pthread_mutex_unlock(&t->lock);
	pthread_join(t->thread, NULL);
	t->running = false;
	return true;
}

bool bg_thread_sleep(bg_thread *t, unsigned int ms)
{
	struct timespec until = oa_deadline_ms(CLOCK_MONOTONIC, ms);
	pthread_mutex_lock(&t->lock);
	while (!t->stopping && pthread_cond_timedwait(&t->wake, &t->lock, &until) != ETIMEDOUT)
		; /* a spurious wake-up: wait on */
	bool go_on = !t->stopping;
	pthread_mutex_unlock(&t->lock);
	return go_on;
}
