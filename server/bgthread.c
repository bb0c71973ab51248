/*
 * bgthread.c - the start and stop of a background thread (bgthread.h).
 */
#include <time.h>

#include "bgthread.h"

int bg_thread_start(bg_thread *t, void *(*run)(void *), void *arg)
{
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&t->wake, &ca);
	pthread_condattr_destroy(&ca);
	t->stopping = false;
	if (pthread_create(&t->thread, NULL, run, arg) != 0)
		return -1;
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
