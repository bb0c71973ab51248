/*
 * db_pg.c - the PostgreSQL backend of db.h, over libpq.
 *
 * One pg_conn wraps one PGconn. libpq is thread-safe as long as a PGconn is
 * used by one thread at a time, and the pool in db.c guarantees exactly that,
 * so nothing here locks.
 *
 * Nothing may block forever:
 *  - connecting (and PQreset) is bounded by connect_timeout;
 *  - waiting for a lock is bounded by lock_timeout = busy_timeout_ms, set on
 *    every new session (and again after every reset, since a reset is a new
 *    server session);
 *  - a peer that vanishes (cable cut, node gone, no RST) is detected by TCP
 *    keepalives and tcp_user_timeout in about a minute instead of the
 *    kernel's default of hours.
 * statement_timeout is deliberately NOT set. busy_timeout_ms means "how long
 * to wait for someone else's lock", which lock_timeout already covers; the
 * only statements left that run long are ones doing real work (a migration
 * building an index on a big table, a large dashboard read), and killing
 * those after a few seconds would make start-up fail in a loop on a large
 * database. Operators who want a cap set it in the URL, where it wins:
 * postgresql://.../db?options=-c%20statement_timeout%3D30s
 * Not covered: a server that still answers TCP but is frozen (a stopped
 * process, a hung disk) keeps a statement waiting until it thaws. Bounding
 * that needs a client-side deadline (PQsendQueryParams, poll, PQcancel),
 * and a per-statement time budget that db.h does not carry.
 *
 * libpq itself is opened on the first connection (pq_dl.h): every call goes
 * through the oa_pq table, which pg_connect() fills before the first PGconn
 * exists.
 *
 * Errors are mapped by SQLSTATE (see pg_fail) and every message is one line
 * starting "postgresql: ". The password of the URL never appears in one: the
 * URL is only ever echoed with its password masked.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "internal.h"
#include "pq_dl.h"

/* Type OIDs from the server's catalog (pg_type.dat); stable since 7.x. */
#define PG_OID_BYTEA 17
#define PG_OID_INT8 20
#define PG_OID_FLOAT8 701

/* The wire protocol counts parameters in an unsigned 16-bit integer. */
#define PG_MAX_PARAMS 65535

/* Used when the configuration leaves connect_timeout at 0, which libpq
 * would read as "wait forever". */
#define PG_DEFAULT_CONNECT_TIMEOUT_S 10

/* Statements prepared on one connection (named "oa1", "oa2", ...): a
 * statement is parsed and planned once per connection instead of on every
 * call. The domain code runs a few dozen distinct ones; past PG_PREPARED,
 * statements simply run unprepared. Server-side they live as long as the
 * session, so the list is emptied whenever the session is replaced. */
#define PG_PREPARED 64

typedef struct pg_prepared {
	char *sql;
	uint64_t hash; /* of sql and of the parameter types */
	int nparams;
	Oid *types; /* nparams parameter types it was prepared with */
	char name[16];
} pg_prepared;

typedef struct pg_conn {
	PGconn *pg;
	pg_prepared prepared[PG_PREPARED];
	int nprepared;
	unsigned next_name;
	char *where; /* the store URL with its password masked, for messages */
	bool masked; /* where had a password to mask */
	char *password; /* decoded password from the URL, only to scrub messages */
	unsigned int lock_timeout_ms;
	bool set_lock_timeout; /* false when the URL's own options set it */
	bool set_page_cost; /* false when the URL's own options set random_page_cost */
	unsigned hosts; /* in the URL (libpq tries each in turn) */
	int url_timeout_s; /* the URL's connect_timeout; -1: none given, or negative */
} pg_conn;

/* ---- messages ---- */

/*
 * Copy @in to @out (size @sz, always NUL-terminated), folding every run of
 * whitespace (libpq's messages end with "\n" and continue on "\t" lines)
 * into one space and trimming both ends, so that a message is one line.
 */
static void tidy(char *out, size_t sz, const char *in)
{
	size_t n = 0;
	bool space = false;
	for (const char *p = in ? in : ""; *p && n + 1 < sz; p++) {
		if (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t') {
			space = n > 0;
			continue;
		}
		if (space && n + 2 < sz)
			out[n++] = ' ';
		space = false;
		out[n++] = *p;
	}
	out[n] = '\0';
}

/*
 * Replace, in place, every occurrence of @secret in @buf (size @sz) with
 * "***". libpq does not quote passwords in its messages; this is a second
 * line of defence in case a future message quotes a connection string.
 * Secrets shorter than 4 bytes are left alone: masking every "a" of a
 * message would garble it while protecting nothing a guess would not find.
 */
static void scrub(char *buf, const char *secret)
{
	size_t slen = secret ? strlen(secret) : 0;
	if (slen < 4)
		return;
	char *p = buf;
	while ((p = strstr(p, secret)) != NULL) {
		/* "***" is never longer than the secret: shift the tail left */
		memcpy(p, "***", 3);
		memmove(p + 3, p + slen, strlen(p + slen) + 1);
		p += 3;
	}
}

/*
 * A new copy of the URL @url with its password masked: the one in the
 * user-info part (postgresql://user:PASSWORD@host/db) and the value of any
 * password=... query parameter; *@masked tells whether anything was.
 * Returns NULL when out of memory.
 */
static char *redact_url(const char *url, bool *masked)
{
	size_t len = strlen(url);
	/* each masked run is at least 1 byte and becomes 3: at most 3x */
	char *out = malloc(len * 3 + 4);
	if (!out)
		return NULL;
	size_t n = 0;
	const char *p = url;
	*masked = false;
	const char *auth = strstr(url, "://");
	if (auth) {
		auth += 3;
		/* libpq looks for the credentials up to the first '/' (a
		 * password may hold a raw '?' or '#'); take the last '@' before
		 * it, so that a raw '@' in a password is masked too */
		size_t alen = strcspn(auth, "/");
		const char *at = NULL;
		for (const char *q = auth; q < auth + alen; q++)
			if (*q == '@')
				at = q;
		const char *colon = at ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
		if (colon && colon + 1 < at) {
			memcpy(out, url, (size_t)(colon + 1 - url));
			n = (size_t)(colon + 1 - url);
			memcpy(out + n, "***", 3);
			n += 3;
			p = at;
			*masked = true;
		}
	}
	/* copy the rest, masking password=... in the query string */
	const char *query = strchr(p, '?');
	while (*p) {
		bool param_start = query && p > query && (p[-1] == '?' || p[-1] == '&');
		if (param_start && strncmp(p, "password=", 9) == 0) {
			memcpy(out + n, "password=***", 12);
			n += 12;
			p += 9;
			*masked = true;
			p += strcspn(p, "&#");
			continue;
		}
		out[n++] = *p++;
	}
	out[n] = '\0';
	return out;
}

/* libpq's notices (NOTICE, WARNING from the server) go to our log at DEBUG
 * level instead of stderr, which a library must never write to. */
static void notice_to_log(void *arg, const char *message)
{
	(void)arg;
	char line[512];
	tidy(line, sizeof line, message);
	oa_log(OFFERAPI_LOG_DEBUG, "postgresql: %s", line);
}

/* Fail with OFFERAPI_EUNAVAILABLE, quoting @what, the masked URL and
 * libpq's connection message (scrubbed). */
static int conn_fail(const pg_conn *c, const char *what)
{
	char msg[400];
	tidy(msg, sizeof msg, c->pg ? oa_pq.PQerrorMessage(c->pg) : "out of memory");
	scrub(msg, c->password);
	if (!msg[0])
		snprintf(msg, sizeof msg, "no answer from the server");
	return oa_error(OFFERAPI_EUNAVAILABLE, "postgresql: %s %s: %s", what, c->where, msg);
}

/* The code for a SQLSTATE while the connection itself is still healthy. */
static int code_of_sqlstate(const char *st)
{
	if (!st || strlen(st) != 5)
		return OFFERAPI_ERROR;
	if (strcmp(st, "23505") == 0) /* unique_violation */
		return OFFERAPI_EEXISTS;
	if (strcmp(st, "40001") == 0 || /* serialization_failure */
	    strcmp(st, "40P01") == 0 || /* deadlock_detected */
	    strcmp(st, "55P03") == 0 || /* lock_not_available (lock_timeout) */
	    strcmp(st, "57014") == 0) /* query_canceled (statement_timeout) */
		return OFFERAPI_EBUSY;
	if (strcmp(st, "25006") == 0) /* read_only_sql_transaction */
		return OFFERAPI_EREADONLY;
	/* 08P01 (protocol_violation) with a live connection is what the server
	 * answers to a wrong parameter count: a bug in our SQL, not an outage,
	 * and retrying elsewhere would not help. */
	if (strcmp(st, "08P01") == 0)
		return OFFERAPI_ERROR;
	if (strncmp(st, "08", 2) == 0 || /* connection_exception */
	    strcmp(st, "57P01") == 0 || /* admin_shutdown */
	    strcmp(st, "57P02") == 0 || /* crash_shutdown */
	    strcmp(st, "57P03") == 0) /* cannot_connect_now */
		return OFFERAPI_EUNAVAILABLE;
	return OFFERAPI_ERROR;
}

/*
 * Set the thread's error for a failed statement (@res may be NULL: libpq
 * returns NULL only when it could not even build a result) and return its
 * code. A dead connection wins over any SQLSTATE: whatever the statement
 * said, the caller can only retry on a new connection.
 */
static int pg_fail(const pg_conn *c, const PGresult *res)
{
	const char *st = res ? oa_pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	const char *primary = res ? oa_pq.PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	char msg[400];
	if (primary)
		tidy(msg, sizeof msg, primary);
	else if (res && oa_pq.PQresultErrorMessage(res)[0])
		tidy(msg, sizeof msg, oa_pq.PQresultErrorMessage(res));
	else
		tidy(msg, sizeof msg, oa_pq.PQerrorMessage(c->pg));
	scrub(msg, c->password);
	if (!msg[0])
		snprintf(msg, sizeof msg, "no answer from the server");

	char state[32] = "";
	if (st)
		snprintf(state, sizeof state, " (SQLSTATE %s)", st);

	int code;
	if (!res || oa_pq.PQstatus(c->pg) == CONNECTION_BAD)
		code = OFFERAPI_EUNAVAILABLE;
	else
		code = code_of_sqlstate(st);
	if (code == OFFERAPI_EUNAVAILABLE)
		return oa_error(code, "postgresql: lost the connection to %s: %s%s", c->where, msg,
		                state);
	return oa_error(code, "postgresql: %s%s", msg, state);
}

/* ---- results ---- */

/* The bytes every non-NULL cell of @res takes with its NUL: an upper
 * bound for a bytea cell, whose decoded bytes are fewer than its hex. */
static size_t cells_size(const PGresult *res, int nrows, int ncols)
{
	size_t total = 0;
	for (int row = 0; row < nrows; row++)
		for (int col = 0; col < ncols; col++)
			if (!oa_pq.PQgetisnull(res, row, col))
				total += (size_t)oa_pq.PQgetlength(res, row, col) + 1;
	return total;
}

/*
 * Copy every cell of @res into a new db_result, all of them in one block
 * (the result's arena): a page of R rows and C columns costs two
 * allocations, not R * C. Text cells are copied as they are; bytea cells
 * (requested in text format, so hex-escaped by the server) are decoded to
 * their raw bytes. Every non-NULL cell gets a trailing NUL after its len
 * bytes, as db.h promises.
 */
static int materialise(const PGresult *res, db_result **out)
{
	int nrows = oa_pq.PQntuples(res), ncols = oa_pq.PQnfields(res);
	db_result *r;
	int rc = db_result_new(&r, nrows, ncols);
	if (rc < 0)
		return rc;
	char *at = r->arena = malloc(cells_size(res, nrows, ncols) + 1);
	if (!at)
		goto nomem;
	for (int col = 0; col < ncols; col++) {
		bool bytea = oa_pq.PQftype(res, col) == PG_OID_BYTEA &&
		             oa_pq.PQfformat(res, col) == 0;
		for (int row = 0; row < nrows; row++) {
			if (oa_pq.PQgetisnull(res, row, col))
				continue;
			db_cell *cell = &r->cells[(size_t)row * (size_t)ncols + (size_t)col];
			const char *v = oa_pq.PQgetvalue(res, row, col);
			size_t len = (size_t)oa_pq.PQgetlength(res, row, col);
			unsigned char *raw = NULL;
			/* libpq allocates the decoded copy: into the arena, then
			 * given back */
			if (bytea && !(raw = oa_pq.PQunescapeBytea((const unsigned char *)v, &len)))
				goto nomem;
			memcpy(at, raw ? (const char *)raw : v, len);
			at[len] = '\0';
			*cell = (db_cell){ at, len };
			at += len + 1;
			oa_pq.PQfreemem(raw);
		}
	}
	*out = r;
	return 0;
nomem:
	db_result_free(r);
	return oa_error(OFFERAPI_ENOMEM, "out of memory reading a database result");
}

/* ---- the backend ---- */

/*
 * Per-session settings, run after every connect and every reset (a reset
 * opens a new server session, which forgets any SET), in one round trip.
 * Sent with SET rather than the "options" startup parameter because
 * connection poolers such as PgBouncer refuse unknown startup parameters.
 *
 * random_page_cost = 1.1 (the default, 4, models spinning disks): every
 * statement of the library reads a page of rows by key, and with the
 * default the planner hashes a whole table of 20 000 applications rather
 * than look up the 50 rows of a page one by one (docs/performance.md). A
 * value in the URL's options wins, as for lock_timeout.
 *
 * plan_cache_mode = force_generic_plan (PostgreSQL 12 and later): the
 * statements are prepared once per connection, and each plan is an index
 * walk whatever its parameters. Left to "auto", PostgreSQL plans each
 * execution again whenever a custom plan looks cheaper than the generic
 * one, which with statistics it often does: EXPLAIN ANALYZE gave the
 * dashboard's summary 10.6 ms of planning for an offer of 20 000
 * applications. bench/http/scale.py, two runs of the same sitting: backend
 * CPU per dashboard page of 200 applications 2 547 us before, 876 us
 * after; of 20 000, 39 862 then 9 474; home page 425 then 145.
 */
static int session_setup(pg_conn *c)
{
	if (oa_pq.PQserverVersion(c->pg) < 100000)
		/* identity columns ({{ID}}) need PostgreSQL 10 */
		return oa_error(OFFERAPI_ERROR,
		                "postgresql: server %s runs version %d, 10 or later is needed",
		                c->where, oa_pq.PQserverVersion(c->pg));
	char sql[128] = "";
	size_t n = 0;
	if (c->set_lock_timeout)
		n += (size_t)snprintf(sql + n, sizeof sql - n, "SET lock_timeout = %u;",
		                      c->lock_timeout_ms);
	if (c->set_page_cost)
		n += (size_t)snprintf(sql + n, sizeof sql - n, "SET random_page_cost = 1.1;");
	if (oa_pq.PQserverVersion(c->pg) >= 120000)
		snprintf(sql + n, sizeof sql - n, "SET plan_cache_mode = force_generic_plan;");
	if (!sql[0])
		return 0;
	PGresult *res = oa_pq.PQexec(c->pg, sql);
	int rc = 0;
	if (!res || oa_pq.PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = pg_fail(c, res);
	oa_pq.PQclear(res);
	return rc;
}

/* Forget every prepared statement (their session is gone). */
static void prepared_clear(pg_conn *c)
{
	for (int i = 0; i < c->nprepared; i++) {
		free(c->prepared[i].sql);
		free(c->prepared[i].types);
	}
	c->nprepared = 0;
}

static void pg_disconnect(void *handle)
{
	pg_conn *c = handle;
	if (!c)
		return;
	prepared_clear(c);
	oa_pq.PQfinish(c->pg);
	free(c->where);
	if (c->password) {
		/* do not leave the password lying around in freed memory */
		volatile char *p = c->password;
		while (*p)
			*p++ = 0;
		free(c->password);
	}
	free(c);
}

/* Check @p url before any network use and read what the connection needs
 * from it: the password (to scrub from libpq's messages) and whether the
 * user's own options set lock_timeout or random_page_cost. */
static int read_url(pg_conn *c, const char *url)
{
	int rc;
	/* libpq ends the credentials at the first '@', so a raw '@' in a
	 * password would make the rest of it part of the host name, which
	 * its messages then quote: refuse such a URL, with the fix. */
	const char *auth = strstr(url, "://") + 3;
	const char *at = memchr(auth, '@', strcspn(auth, "/"));
	if (at && memchr(at + 1, '@', strcspn(at + 1, "/"))) {
		rc = oa_error(OFFERAPI_EINVAL,
		              "postgresql: invalid store URL %s: write '@' in a "
		              "user name or password as %%40",
		              c->where);
		return rc;
	}

	/* Parse first: it catches a malformed URL without touching the network
	 * and tells us the password (to scrub) and the user's own options. */
	char *perr = NULL;
	PQconninfoOption *opts = oa_pq.PQconninfoParse(url, &perr);
	if (!opts) {
		char msg[300];
		tidy(msg, sizeof msg, perr ? perr : "out of memory");
		oa_pq.PQfreemem(perr);
		/* the message may quote a piece of the URL: drop it when the
		 * URL holds a password that piece could belong to */
		if (c->masked)
			rc = oa_error(OFFERAPI_EINVAL, "postgresql: invalid store URL %s",
			              c->where);
		else
			rc = oa_error(OFFERAPI_EINVAL, "postgresql: invalid store URL %s: %s",
			              c->where, msg);
		return rc;
	}
	for (PQconninfoOption *o = opts; o->keyword; o++) {
		if (!o->val)
			continue;
		if (strcmp(o->keyword, "password") == 0 && o->val[0] &&
		    !(c->password = strdup(o->val))) {
			oa_pq.PQconninfoFree(opts);
			return oa_error(OFFERAPI_ENOMEM, "out of memory");
		}
		if (strcmp(o->keyword, "options") == 0 && strstr(o->val, "lock_timeout"))
			c->set_lock_timeout = false;
		if (strcmp(o->keyword, "options") == 0 && strstr(o->val, "random_page_cost"))
			c->set_page_cost = false;
		if (strcmp(o->keyword, "connect_timeout") == 0)
			c->url_timeout_s = atoi(o->val);
		if (strcmp(o->keyword, "host") == 0 || strcmp(o->keyword, "hostaddr") == 0) {
			unsigned n = 1;
			for (const char *h = o->val; *h; h++)
				n += *h == ',';
			c->hosts = n > c->hosts ? n : c->hosts;
		}
	}
	oa_pq.PQconninfoFree(opts);

	return 0;
}

/*
 * Open one connection to @url, a postgresql:// or postgres:// URI as libpq
 * understands it. Settings we add sit before the URL in the keyword list
 * (libpq lets later entries win), so the URL can override them, except for
 * client_encoding: every string in the library is UTF-8, and another
 * client encoding would silently transcode it.
 */
/*
 * PQconnectdbParams() in steps, so that a readable @stop_fd ends it
 * (*ended "stopped"): poll() on libpq's socket, as PQconnectPoll() asks,
 * and on @stop_fd. libpq leaves the timeout to its caller here: @timeout_s
 * (0: none; *ended "timed out"), for a URL of one host (libpq would not go
 * on to the next). *ended stays NULL otherwise.
 */
static PGconn *connect_polled(const char *const *keys, const char *const *vals, unsigned timeout_s,
                              int stop_fd, const char **ended)
{
	PGconn *pg = oa_pq.PQconnectStartParams(keys, vals, 1);
	if (!pg || oa_pq.PQstatus(pg) == CONNECTION_BAD)
		return pg;
	double deadline = oa_mono_ms() + 1000.0 * timeout_s;
	PostgresPollingStatusType st = PGRES_POLLING_WRITING; /* as libpq says to start */
	while (st != PGRES_POLLING_OK && st != PGRES_POLLING_FAILED) {
		int left = -1;
		if (timeout_s) {
			double ms = deadline - oa_mono_ms();
			if (ms <= 0) {
				*ended = "timed out";
				break;
			}
			left = ms > INT_MAX ? INT_MAX : (int)ms + 1; /* poll() ends no sooner */
		}
		struct pollfd p[2] = {
			{ .fd = oa_pq.PQsocket(pg),
			  .events = st == PGRES_POLLING_READING ? POLLIN : POLLOUT },
			{ .fd = stop_fd, .events = POLLIN },
		};
		int n = poll(p, 2, left);
		if (n < 0 && errno != EINTR)
			break;
		if (p[1].revents) {
			*ended = "stopped";
			break;
		}
		if (n > 0)
			st = oa_pq.PQconnectPoll(pg);
	}
	return pg;
}

static int pg_connect_fd(void **out, const char *url, const db_config *cfg, int stop_fd);

static int pg_connect(void **out, const char *url, const db_config *cfg)
{
	return pg_connect_fd(out, url, cfg, -1);
}

static int pg_connect_stoppable(void **out, const char *url, const db_config *cfg, int stop_fd)
{
	return pg_connect_fd(out, url, cfg, stop_fd);
}

/* pg_connect(), ended by @stop_fd when it is not -1. */
static int pg_connect_fd(void **out, const char *url, const db_config *cfg, int stop_fd)
{
	*out = NULL;
	if (strncmp(url, "postgresql://", 13) != 0 && strncmp(url, "postgres://", 11) != 0)
		return oa_error(
			OFFERAPI_EINVAL,
			"postgresql: the store URL must start with postgresql:// or postgres://");
	/* libpq is opened on the first connection (pq_dl.h): a SQLite
	 * process never maps it */
	int rc = oa_libpq_load();
	if (rc < 0)
		return rc;
	if (!oa_pq.PQisthreadsafe())
		return oa_error(OFFERAPI_ERROR,
		                "postgresql: this libpq was built without thread safety");

	pg_conn *c = calloc(1, sizeof *c);
	if (!c || !(c->where = redact_url(url, &c->masked))) {
		free(c);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	c->lock_timeout_ms = cfg->busy_timeout_ms ? cfg->busy_timeout_ms : 1; /* 0 = forever */
	c->set_lock_timeout = true;
	c->set_page_cost = true;
	c->url_timeout_s = -1;
	rc = read_url(c, url);
	if (rc < 0) {
		pg_disconnect(c);
		return rc;
	}

	unsigned timeout_s = cfg->connect_timeout_s ? cfg->connect_timeout_s
	                                            : PG_DEFAULT_CONNECT_TIMEOUT_S;
	char timeout[16];
	snprintf(timeout, sizeof timeout, "%u", timeout_s);
	const char *const keys[] = { "connect_timeout", "fallback_application_name",
		                     /* detect a vanished peer in about a minute: 30 s idle, then
		 * 3 probes 10 s apart; unacknowledged data after 60 s */
		                     "keepalives", "keepalives_idle", "keepalives_interval",
		                     "keepalives_count", "tcp_user_timeout", "dbname",
		                     "client_encoding", NULL };
	const char *const vals[] = { timeout, "offerapi", "1", "30",   "10",
		                     "3",     "60000",    url, "UTF8", NULL };
	const char *ended = NULL;
	if (stop_fd < 0 || c->hosts > 1) {
		/* with several hosts, a stop waits for the connect: libpq moves
		 * on to the next host at each one's timeout only by itself */
		c->pg = oa_pq.PQconnectdbParams(keys, vals, 1);
	} else {
		/* the URL's own connect_timeout wins, as in the list above; libpq
		 * takes 1 as 2 and a negative one as none */
		if (c->url_timeout_s >= 0)
			timeout_s = c->url_timeout_s == 1 ? 2 : (unsigned)c->url_timeout_s;
		c->pg = connect_polled(keys, vals, timeout_s, stop_fd, &ended);
	}
	if (!c->pg) {
		pg_disconnect(c);
		return oa_error(OFFERAPI_ENOMEM, "out of memory");
	}
	if (ended) {
		rc = oa_error(OFFERAPI_EUNAVAILABLE,
		              "postgresql: cannot connect to %s: %s (connect_timeout %u s)",
		              c->where, ended, timeout_s);
		pg_disconnect(c);
		return rc;
	}
	if (oa_pq.PQstatus(c->pg) != CONNECTION_OK) {
		rc = conn_fail(c, "cannot connect to");
		pg_disconnect(c);
		return rc;
	}
	/* kept by the PGconn across PQreset */
	oa_pq.PQsetNoticeProcessor(c->pg, notice_to_log, NULL);
	rc = session_setup(c);
	if (rc < 0) {
		pg_disconnect(c);
		return rc;
	}
	*out = c;
	return 0;
}

/*
 * Re-establish a lost connection in place. Blocks at most connect_timeout
 * (per host of the URL). On success the session settings are applied again.
 */
static int pg_reset(void *handle)
{
	pg_conn *c = handle;
	prepared_clear(c); /* a new session has none */
	oa_pq.PQreset(c->pg);
	if (oa_pq.PQstatus(c->pg) != CONNECTION_OK)
		return conn_fail(c, "cannot reconnect to");
	return session_setup(c);
}

/*
 * Check an idle connection before it is lent: if anything arrived while it
 * sat in the pool (a server that shut down sends its goodbye and closes),
 * read it; a connection found closed, or already known bad, is reset. A
 * live, quiet connection costs one poll() and no round trip.
 */
static int pg_check(void *handle)
{
	pg_conn *c = handle;
	/* Read whatever is pending, a few times over: a shutting-down server
	 * sends an error message and then closes, and libpq only notices the
	 * close on a read that finds nothing more. */
	for (int round = 0; round < 8 && oa_pq.PQstatus(c->pg) == CONNECTION_OK; round++) {
		struct pollfd p = { .fd = oa_pq.PQsocket(c->pg), .events = POLLIN };
		int n = poll(&p, 1, 0);
		if (n == 0)
			return 0; /* quiet: alive */
		if (n < 0 || (p.revents & (POLLHUP | POLLERR | POLLNVAL)) ||
		    !oa_pq.PQconsumeInput(c->pg))
			break;
	}
	oa_log(OFFERAPI_LOG_INFO, "postgresql: connection to %s lost while idle, reconnecting",
	       c->where);
	return pg_reset(c);
}

/* The notifications libpq has read, freed: how many. */
static int take_notifies(pg_conn *c)
{
	int n = 0;
	PGnotify *nf;
	while ((nf = oa_pq.PQnotifies(c->pg)) != NULL) {
		oa_pq.PQfreemem(nf);
		n++;
	}
	return n;
}

/* db_backend.wait_notify: one poll() on the socket and @stop_fd. */
static int pg_wait_notify(void *handle, int stop_fd, int timeout_ms)
{
	pg_conn *c = handle;
	int n = take_notifies(c); /* read with an earlier result */
	if (n > 0)
		return n;
	struct pollfd p[2] = { { .fd = oa_pq.PQsocket(c->pg), .events = POLLIN },
		               { .fd = stop_fd, .events = POLLIN } };
	int ready = poll(p, stop_fd >= 0 ? 2 : 1, timeout_ms);
	if (ready < 0 && errno != EINTR)
		return oa_error(OFFERAPI_EUNAVAILABLE, "postgresql: poll on %s: %s", c->where,
		                strerror(errno));
	if (ready <= 0 || !p[0].revents)
		return 0;
	if (!oa_pq.PQconsumeInput(c->pg) || oa_pq.PQstatus(c->pg) != CONNECTION_OK)
		return conn_fail(c, "lost the connection to");
	return take_notifies(c);
}

/*
 * Leave the COPY state a stray COPY statement put the connection in, so the
 * next statement on it works: refuse to send data, discard data sent to us,
 * and read the results to the end.
 */
static void abandon_copy(pg_conn *c)
{
	PGresult *res;
	while ((res = oa_pq.PQgetResult(c->pg)) != NULL) {
		ExecStatusType st = oa_pq.PQresultStatus(res);
		oa_pq.PQclear(res);
		if (st == PGRES_COPY_IN || st == PGRES_COPY_BOTH) {
			if (oa_pq.PQputCopyEnd(c->pg, "COPY is not supported") < 0)
				return;
		} else if (st == PGRES_COPY_OUT) {
			char *buf;
			int n;
			while ((n = oa_pq.PQgetCopyData(c->pg, &buf, 0)) > 0)
				oa_pq.PQfreemem(buf);
			if (n == -2)
				return;
		}
	}
}

/* FNV-1a over the text of a statement and its parameter types. */
static uint64_t prepared_hash(const char *sql, int nparams, const Oid *types)
{
	uint64_t h = 14695981039346656037u;
	for (const unsigned char *p = (const unsigned char *)sql; *p; p++)
		h = (h ^ *p) * 1099511628211u;
	for (int i = 0; i < nparams; i++)
		h = (h ^ (uint64_t)types[i]) * 1099511628211u;
	return h;
}

/* The statement prepared for (@sql, @types) on this connection, or NULL. */
static pg_prepared *prepared_find(pg_conn *c, const char *sql, int nparams, const Oid *types)
{
	uint64_t h = prepared_hash(sql, nparams, types);
	for (int i = 0; i < c->nprepared; i++) {
		pg_prepared *e = &c->prepared[i];
		if (e->hash == h && e->nparams == nparams && strcmp(e->sql, sql) == 0 &&
		    (nparams == 0 || memcmp(e->types, types, (size_t)nparams * sizeof *types) == 0))
			return e;
	}
	return NULL;
}

/* A new entry for (@sql, @types) with a fresh name, not yet prepared on
 * the server (the caller prepares it, and drops the entry if that fails);
 * NULL when the list is full, or out of memory (*rc set). */
static pg_prepared *prepared_add(pg_conn *c, const char *sql, int nparams, const Oid *types,
                                 int *rc)
{
	if (c->nprepared == PG_PREPARED)
		return NULL;
	pg_prepared *e = &c->prepared[c->nprepared];
	e->sql = strdup(sql);
	e->types = malloc((size_t)(nparams ? nparams : 1) * sizeof *types);
	if (!e->sql || !e->types) {
		free(e->sql);
		free(e->types);
		*rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
		return NULL;
	}
	if (nparams)
		memcpy(e->types, types, (size_t)nparams * sizeof *types);
	snprintf(e->name, sizeof e->name, "oa%u", ++c->next_name);
	e->hash = prepared_hash(sql, nparams, types);
	e->nparams = nparams;
	c->nprepared++;
	return e;
}

/* Forget the entry named @name (its PREPARE failed or never ran). */
static void prepared_drop(pg_conn *c, const char *name)
{
	for (int i = 0; i < c->nprepared; i++) {
		pg_prepared *e = &c->prepared[i];
		if (strcmp(e->name, name) != 0)
			continue;
		free(e->sql);
		free(e->types);
		memmove(e, e + 1, (size_t)(c->nprepared - i - 1) * sizeof *e);
		c->nprepared--;
		return;
	}
}

/*
 * The name of the statement prepared for (@sql, @types) on this connection,
 * preparing it now if needed; NULL when the list is full (run it
 * unprepared). A statement the server refuses to prepare (a syntax error,
 * an aborted transaction) sets *rc with the server's error, as running it
 * would have.
 */
static const char *prepared_name(pg_conn *c, const char *sql, int nparams, const Oid *types,
                                 int *rc)
{
	pg_prepared *e = prepared_find(c, sql, nparams, types);
	if (e)
		return e->name;
	if (!(e = prepared_add(c, sql, nparams, types, rc)))
		return NULL;
	PGresult *res = oa_pq.PQprepare(c->pg, e->name, sql, nparams, types);
	if (!res || oa_pq.PQresultStatus(res) != PGRES_COMMAND_OK) {
		*rc = pg_fail(c, res);
		oa_pq.PQclear(res);
		prepared_drop(c, e->name);
		return NULL;
	}
	oa_pq.PQclear(res);
	return e->name;
}

/* Parameter @p ($@i + 1, from 0) as libpq takes it: integers and reals as
 * text with explicit types (bigint, double precision) so that "$1 + 1"
 * cannot be inferred as a 32-bit integer, text as text of unknown type (the
 * server infers text, json, ...), blobs as binary bytea. @num holds the
 * digits of a number. */
static int pg_param(const db_param *p, size_t i, char num[40], const char **value, int *length,
                    int *format, Oid *type)
{
	switch (p->type) {
	case DB_NULL: return 0; /* value NULL, type inferred */
	case DB_INT:
		*type = PG_OID_INT8;
		snprintf(num, 40, "%" PRId64, p->i);
		*value = num;
		return 0;
	case DB_REAL:
		*type = PG_OID_FLOAT8;
		if (isnan(p->r))
			snprintf(num, 40, "NaN");
		else if (isinf(p->r))
			snprintf(num, 40, "%sInfinity", p->r < 0 ? "-" : "");
		else /* 17 significant digits: the double comes back exact */
			snprintf(num, 40, "%.17g", p->r);
		*value = num;
		return 0;
	case DB_TEXT: *value = p->p; return 0;
	case DB_BLOB:
		*type = PG_OID_BYTEA;
		if (!p->p)
			return 0;
		if (p->len > INT_MAX)
			return oa_error(
				OFFERAPI_ETOOBIG,
				"postgresql: parameter $%zu is %zu bytes, at most %d allowed",
				i + 1, p->len, INT_MAX);
		*value = p->p;
		*length = (int)p->len;
		*format = 1;
		return 0;
	default:
		return oa_error(OFFERAPI_EINVAL, "postgresql: parameter $%zu has unknown type %d",
		                i + 1, (int)p->type);
	}
}

/* The parameters of one statement as libpq takes them (pg_param). */
typedef struct pg_args {
	const char **values;
	int *lengths;
	int *formats;
	Oid *types;
	char (*num)[40];
} pg_args;

static void pg_args_free(pg_args *a)
{
	free(a->values), free(a->lengths), free(a->formats), free(a->types), free(a->num);
	memset(a, 0, sizeof *a);
}

/* @a from the @nparams parameters @params; nothing held on failure. */
static int pg_args_make(pg_args *a, const db_param *params, int nparams)
{
	size_t n = (size_t)nparams;
	a->values = calloc(n + 1, sizeof *a->values);
	a->lengths = calloc(n + 1, sizeof *a->lengths);
	a->formats = calloc(n + 1, sizeof *a->formats);
	a->types = calloc(n + 1, sizeof *a->types);
	a->num = calloc(n + 1, sizeof *a->num);
	int rc = 0;
	if (!a->values || !a->lengths || !a->formats || !a->types || !a->num)
		rc = oa_error(OFFERAPI_ENOMEM, "out of memory");
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = pg_param(&params[i], i, a->num[i], &a->values[i], &a->lengths[i],
		              &a->formats[i], &a->types[i]);
	if (rc < 0)
		pg_args_free(a);
	return rc;
}

/* Run @sql with its parameters, prepared once per connection; *@res is
 * the answer (NULL when libpq gave none). */
static int pg_run_params(pg_conn *c, const char *sql, const db_param *params, int nparams,
                         PGresult **res)
{
	*res = NULL;
	pg_args a;
	int rc = pg_args_make(&a, params, nparams);
	if (rc < 0)
		return rc;
	const char *name = prepared_name(c, sql, nparams, a.types, &rc);
	if (name) {
		*res = oa_pq.PQexecPrepared(c->pg, name, nparams, a.values, a.lengths, a.formats,
		                            0);
		/* 26000: the statement is gone (a pooler's DISCARD ALL): it never
		 * ran, so forget them all and run it unprepared */
		const char *st = *res ? oa_pq.PQresultErrorField(*res, PG_DIAG_SQLSTATE) : NULL;
		if (st && strcmp(st, "26000") == 0) {
			oa_pq.PQclear(*res);
			prepared_clear(c);
			*res = oa_pq.PQexecParams(c->pg, sql, nparams, a.types, a.values, a.lengths,
			                          a.formats, 0);
		}
	} else if (rc == 0) {
		*res = oa_pq.PQexecParams(c->pg, sql, nparams, a.types, a.values, a.lengths,
		                          a.formats, 0);
	}
	pg_args_free(&a);
	return rc;
}

/*
 * Run one statement. Parameters travel out of line ($1..$n), never spliced
 * into the SQL (pg_param). Results come back in text format and are
 * materialised.
 *
 * A parameterless statement whose rows nobody reads goes through PQexec,
 * which accepts several statements separated by ';' (a migration script);
 * everything else is exactly one statement.
 */
static int pg_exec(void *handle, const char *sql, const db_param *params, int nparams,
                   db_result **out)
{
	pg_conn *c = handle;
	if (out)
		*out = NULL;
	if (nparams < 0 || nparams > PG_MAX_PARAMS || (nparams > 0 && !params))
		return oa_error(OFFERAPI_EINVAL,
		                "postgresql: %d parameters given, at most %d allowed", nparams,
		                PG_MAX_PARAMS);
	if (oa_pq.PQstatus(c->pg) != CONNECTION_OK)
		/* do not even try: libpq would only say "no connection" */
		return conn_fail(c, "not connected to");

	PGresult *res;
	int rc;
	if (nparams == 0 && !out)
		res = oa_pq.PQexec(c->pg, sql);
	else if ((rc = pg_run_params(c, sql, params, nparams, &res)) < 0)
		return rc;

	switch (res ? oa_pq.PQresultStatus(res) : PGRES_FATAL_ERROR) {
	case PGRES_COMMAND_OK:
	case PGRES_TUPLES_OK:
	case PGRES_EMPTY_QUERY:
		/* a command yields an empty 0 x 0 result, never NULL, so that
		 * callers can always read nrows */
		rc = out ? materialise(res, out) : 0;
		break;
	case PGRES_COPY_IN:
	case PGRES_COPY_OUT:
	case PGRES_COPY_BOTH:
		rc = oa_error(OFFERAPI_ERROR,
		              "postgresql: COPY is not supported through this interface");
		abandon_copy(c);
		break;
	default: rc = pg_fail(c, res);
	}
	oa_pq.PQclear(res);
	return rc;
}

/* ---- batches: one pipeline ---- */

/* What the pipeline holds for one statement: the PREPARE sent before it
 * when it was not yet prepared on the connection (its name, else ""). */
typedef struct pg_sent {
	char prepared[16];
} pg_sent;

/* Queue statement @st in the pipeline, after a PREPARE of it when the
 * connection has none yet (the list full: unprepared). Error set. */
static int batch_send(pg_conn *c, const db_stmt *st, pg_sent *sent)
{
	sent->prepared[0] = '\0';
	if (st->nparams < 0 || st->nparams > PG_MAX_PARAMS || (st->nparams > 0 && !st->params))
		return oa_error(OFFERAPI_EINVAL,
		                "postgresql: %d parameters given, at most %d allowed", st->nparams,
		                PG_MAX_PARAMS);
	pg_args a;
	int rc = pg_args_make(&a, st->params, st->nparams);
	if (rc < 0)
		return rc;
	pg_prepared *e = prepared_find(c, st->sql, st->nparams, a.types);
	if (!e && (e = prepared_add(c, st->sql, st->nparams, a.types, &rc)) != NULL) {
		snprintf(sent->prepared, sizeof sent->prepared, "%s", e->name);
		if (!oa_pq.PQsendPrepare(c->pg, e->name, st->sql, st->nparams, a.types)) {
			prepared_drop(c, sent->prepared);
			sent->prepared[0] = '\0';
			rc = pg_fail(c, NULL);
		}
	}
	if (rc == 0 && e &&
	    !oa_pq.PQsendQueryPrepared(c->pg, e->name, st->nparams, a.values, a.lengths, a.formats,
	                               0))
		rc = pg_fail(c, NULL);
	else if (rc == 0 && !e &&
	         !oa_pq.PQsendQueryParams(c->pg, st->sql, st->nparams, a.types, a.values, a.lengths,
	                                  a.formats, 0))
		rc = pg_fail(c, NULL);
	pg_args_free(&a);
	return rc;
}

/* The results of one item of the pipeline, up to libpq's NULL that ends
 * it: the first (NULL when none came), the others cleared. */
static PGresult *item_result(pg_conn *c)
{
	PGresult *first = NULL, *res;
	while ((res = oa_pq.PQgetResult(c->pg)) != NULL) {
		if (!first)
			first = res;
		else
			oa_pq.PQclear(res);
	}
	return first;
}

/* Note the error of statement @k (@res: its failed result) unless an
 * earlier one was noted: the first error is the batch's. */
static int batch_error(pg_conn *c, const PGresult *res, int k, int rc, int *failed, bool *gone)
{
	if (rc < 0)
		return rc;
	const char *st = res ? oa_pq.PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	*gone = st && strcmp(st, "26000") == 0;
	*failed = k;
	return pg_fail(c, res);
}

/*
 * Read the pipeline's answers to its @n statements (a PREPARE's first),
 * then its Sync, leaving the connection idle. A statement after a failed
 * one comes back PGRES_PIPELINE_ABORTED (never ran). The results of the
 * statements go to @out; *@gone tells whether the error was 26000.
 */
static int batch_read(pg_conn *c, int n, pg_sent *sent, db_result **out, int *failed, bool *gone)
{
	int rc = 0;
	for (int k = 0; k < n && oa_pq.PQstatus(c->pg) == CONNECTION_OK; k++) {
		PGresult *res;
		if (sent[k].prepared[0]) {
			res = item_result(c);
			ExecStatusType st = res ? oa_pq.PQresultStatus(res) : PGRES_FATAL_ERROR;
			if (st != PGRES_COMMAND_OK)
				prepared_drop(c, sent[k].prepared);
			if (st != PGRES_COMMAND_OK && st != PGRES_PIPELINE_ABORTED)
				rc = batch_error(c, res, k, rc, failed, gone);
			oa_pq.PQclear(res);
		}
		res = item_result(c);
		ExecStatusType st = res ? oa_pq.PQresultStatus(res) : PGRES_FATAL_ERROR;
		if (rc == 0 && (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK))
			rc = materialise(res, &out[k]);
		else if (st != PGRES_PIPELINE_ABORTED)
			rc = batch_error(c, res, k, rc, failed, gone);
		oa_pq.PQclear(res);
	}
	PGresult *res = oa_pq.PQgetResult(c->pg);
	if (rc == 0 && (!res || oa_pq.PQresultStatus(res) != PGRES_PIPELINE_SYNC))
		rc = pg_fail(c, res);
	oa_pq.PQclear(res);
	return rc;
}

/* One pipeline: every statement, then the Sync, then every answer. */
static int batch_once(pg_conn *c, int n, const db_stmt *stmts, db_result **out, int *failed,
                      bool *gone)
{
	pg_sent sent[DB_BATCH_MAX];
	*gone = false;
	if (!oa_pq.PQenterPipelineMode(c->pg))
		return pg_fail(c, NULL);
	int rc = 0, nsent = 0;
	while (nsent < n && (rc = batch_send(c, &stmts[nsent], &sent[nsent])) == 0)
		nsent++;
	char msg[512] = "";
	if (rc < 0) {
		*failed = nsent;
		snprintf(msg, sizeof msg, "%s", offerapi_error_last()->message);
	}
	/* what was sent is read to its end even after an error, so that the
	 * connection is left idle and out of pipeline mode */
	if (oa_pq.PQstatus(c->pg) == CONNECTION_OK && oa_pq.PQpipelineSync(c->pg)) {
		int at = -1, r = batch_read(c, nsent, sent, out, &at, gone);
		if (rc == 0) {
			rc = r;
			*failed = at;
		} else { /* the send's error is the batch's */
			*gone = false;
			oa_error(rc, "%s", msg);
		}
	} else if (rc == 0) {
		rc = pg_fail(c, NULL);
	}
	if (oa_pq.PQexitPipelineMode(c->pg))
		return rc;
	if (rc == 0)
		rc = pg_fail(c, NULL);
	if (oa_pq.PQstatus(c->pg) == CONNECTION_OK) {
		/* never lend a connection left in pipeline mode, where every
		 * later statement would fail: a new session instead (a lost
		 * one is reset by pg_check() before it is lent again) */
		snprintf(msg, sizeof msg, "%s", offerapi_error_last()->message);
		pg_reset(c);
		oa_error(rc, "%s", msg);
	}
	return rc;
}

/*
 * db.h's batch: the statements in one pipeline, one round trip. Outside a
 * transaction, PostgreSQL runs everything up to the pipeline's Sync in one
 * implicit transaction: every statement of the batch reads the same
 * snapshot (a dashboard's summary and page agree). Statements not yet
 * prepared on the connection are prepared inside the pipeline, each
 * PREPARE just before its first run. When a prepared statement is gone
 * (26000: a pooler's DISCARD ALL), the list is forgotten and the batch,
 * reads only, is sent once more.
 */
static int pg_batch(void *handle, int n, const db_stmt *stmts, db_result **out, int *failed)
{
	pg_conn *c = handle;
	*failed = -1;
	if (n < 1 || n > DB_BATCH_MAX)
		return oa_error(OFFERAPI_EINVAL, "postgresql: a batch of %d statements", n);
	if (oa_pq.PQstatus(c->pg) != CONNECTION_OK)
		return conn_fail(c, "not connected to");
	bool gone;
	int rc = batch_once(c, n, stmts, out, failed, &gone);
	if (rc < 0 && gone) {
		for (int k = 0; k < n; k++) {
			db_result_free(out[k]);
			out[k] = NULL;
		}
		prepared_clear(c);
		*failed = -1;
		rc = batch_once(c, n, stmts, out, failed, &gone);
	}
	return rc;
}

const db_backend db_pg_backend = {
	.name = "postgresql",
	.connect = pg_connect,
	.connect_stoppable = pg_connect_stoppable,
	.disconnect = pg_disconnect,
	.exec = pg_exec,
	.batch = pg_batch,
	.reset = pg_reset,
	.check = pg_check,
	.wait_notify = pg_wait_notify,
	.begin_sql = "BEGIN",
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.blob_type = "BYTEA",
	.json_cast = "::json",
	.real_type = "DOUBLE PRECISION",
	/* "OffreAPI" in ASCII, 0x4F66667265415049: an application-wide key
	 * that no other user of the database is likely to pick */
	/* A replica that starts while another migrates waits for it: the
	 * session's lock_timeout (busy_timeout_ms) is raised for this one
	 * transaction, since a migration may take longer than a request. */
	.migration_lock_sql = "SET LOCAL lock_timeout = '300s';"
			      " SELECT pg_advisory_xact_lock(5721373018131877961)",
};
