/*
 * bare.c - the ceiling of this machine for bench/http: a CivetWeb server
 * whose one handler answers a fixed 1 KiB page with one mg_write(), with
 * the same options offerapi-server uses (tcp_nodelay, keep-alive, pool).
 *
 * usage: bench-http-bare ADDR:PORT THREADS   (stops on SIGTERM/SIGINT)
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <civetweb.h>

static char response[2048];
static size_t response_len;

/* Answer every request with the same bytes, in one write. */
static int handler(struct mg_connection *conn, void *data)
{
	(void)data;
	mg_write(conn, response, response_len);
	return 200;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: bench-http-bare ADDR:PORT THREADS\n");
		return 2;
	}
	char body[1024];
	memset(body, 'x', sizeof body);
	int n = snprintf(
		response, sizeof response,
		"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %zu\r\n\r\n",
		sizeof body);
	memcpy(response + n, body, sizeof body);
	response_len = (size_t)n + sizeof body;
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	const char *opts[] = { "listening_ports",
		               argv[1],
		               "num_threads",
		               argv[2],
		               "enable_keep_alive",
		               "yes",
		               "keep_alive_timeout_ms",
		               "500",
		               "tcp_nodelay",
		               "1",
		               "listen_backlog",
		               "1024",
		               "connection_queue",
		               "256",
		               NULL };
	mg_init_library(0);
	struct mg_callbacks cbs;
	memset(&cbs, 0, sizeof cbs);
	struct mg_context *ctx = mg_start(&cbs, NULL, opts);
	if (!ctx) {
		fprintf(stderr, "bench-http-bare: cannot listen on %s\n", argv[1]);
		return 1;
	}
	mg_set_request_handler(ctx, "/", handler, NULL);
	int sig;
	sigwait(&stop, &sig);
	mg_stop(ctx);
	mg_exit_library();
	return 0;
}
