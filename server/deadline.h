/*
 * deadline.h - a deadline on a worker's blocking reads (deadline.c): a
 * watchdog thread interrupts the read of a request body that outlives it.
 */
#ifndef OFFERAPI_SERVER_DEADLINE_H
#define OFFERAPI_SERVER_DEADLINE_H

#include <stdbool.h>

/* Install the SIGUSR1 handler and start the watchdog (before the workers). */
int deadline_start(void);
/* Stop the watchdog (after the workers). */
void deadline_stop(void);
/* The calling thread's reads must end within @ms milliseconds: past it,
 * its blocking reads are interrupted until deadline_disarm(). */
void deadline_arm(unsigned ms);
/* Whether the calling thread's armed deadline has passed. */
bool deadline_expired(void);
/* End the calling thread's deadline; returns whether it had passed. */
bool deadline_disarm(void);

#endif
