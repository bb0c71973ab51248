/*
 * main.c - offerapi-server: the process (options, signals) around
 * app_start() and app_stop() (serve.c).
 *
 * Threads: CivetWeb runs num_threads workers and serves one connection per
 * worker at a time (keep-alive included). The main thread only waits for
 * SIGTERM/SIGINT, then calls mg_stop(), which closes the listening socket
 * and returns once every worker has finished its request.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "app.h"

/* After SIGTERM: /readyz fails for --drain-ms, then stop accepting and
 * wait for the requests in flight. */
static void drain_and_stop(app *a, int sig)
{
	a->draining = 1;
	fprintf(stderr, "level=info msg=stopping signal=%d drain_ms=%u\n", sig, a->cfg.drain_ms);
	if (a->cfg.drain_ms) {
		struct timespec ts = { a->cfg.drain_ms / 1000,
			               (long)(a->cfg.drain_ms % 1000) * 1000000L };
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			;
	}
	if (app_stop(a) < 0) {
		/* released jobs' threads still run inside a scorer: exit without
		 * freeing what they use */
		fprintf(stderr, "level=info msg=stopped\n");
		fflush(stderr);
		_exit(0);
	}
	fprintf(stderr, "level=info msg=stopped\n");
}

int main(int argc, char **argv)
{
	app *a = &g_app;
	int rc = config_load(&a->cfg, argc, argv);
	if (rc != 0)
		return rc > 0 ? 0 : 2;
	if (sodium_init() < 0) {
		fprintf(stderr, "offerapi-server: libsodium failed to initialise\n");
		return 1;
	}
	/* Block the stop signals in every thread (CivetWeb's inherit the mask);
	 * the main thread takes them with sigwait(). */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	if (app_start(a) < 0)
		return 1;
	if (a->cfg.demo)
		demo_announce(a);
	fprintf(stderr,
	        "level=info msg=started listen=%s backend=%s scorers=%zu threads=%u "
	        "workers=%u keep_alive_ms=%u version=%s\n",
	        a->cfg.listen, offerapi_store_backend(a->store), offerapi_scorers_count(a->scorers),
	        a->cfg.threads, a->cfg.workers, a->cfg.keep_alive_ms, OFFERAPI_VERSION);
	int sig = 0;
	while (sigwait(&stop, &sig) != 0)
		;
	drain_and_stop(a, sig);
	return 0;
}
