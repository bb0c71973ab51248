#!/bin/bash
# with-postgresql.sh COMMAND [ARGS...]
#
# Run COMMAND against a throwaway PostgreSQL 15 cluster of its own, then stop
# and delete the cluster, whatever happens. Several copies may run at once
# (meson runs tests in parallel): each has its own folder and port.
#
# COMMAND sees:
#   OFFERAPI_TEST_PG_URL        postgresql://offerapi:PASS@127.0.0.1:PORT/offerapi
#                               (an ordinary role with CREATEDB, owner of its db)
#   OFFERAPI_TEST_PG_ADMIN_URL  the superuser, database "postgres"
#   OFFERAPI_TEST_PG_CTL        a script: "stop" or "start" this very cluster
#                               (fast mode, returns when done)
#   OFFERAPI_TEST_PG_LOG        the server's log file
#   OFFERAPI_DATA_KEY_FILE      a data key file (the CVs' key-encryption key)
#                               that every store and server of the run uses
#
# Exit status: COMMAND's. A missing PostgreSQL or a cluster that will not
# start is an error (exit 1, with the log's tail), never a skip: a test that
# needs a part that is missing fails.
#
# Runs as root (initdb refuses root, so the server runs as the "postgres"
# user through runuser) or as any other user (the server runs as that user).
# PG_BINDIR overrides /usr/lib/postgresql/15/bin.
set -euo pipefail

bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}

die() {
	echo "with-postgresql.sh: $*" >&2
	exit 1
}

[ $# -ge 1 ] || die "usage: with-postgresql.sh COMMAND [ARGS...]"
for tool in initdb pg_ctl postgres psql; do
	[ -x "$bindir/$tool" ] ||
		die "$bindir/$tool not found: install Debian's postgresql-15 package (apt-get install postgresql)"
done

# as_server CMD...: run CMD as the user the server runs as
if [ "$(id -u)" -eq 0 ]; then
	id postgres >/dev/null 2>&1 ||
		die "running as root needs a 'postgres' user to run the server (Debian's postgresql package creates it)"
	as_server() { runuser -u postgres -- "$@"; }
	# postgres must reach the folder: never under root's private TMPDIR
	tmp=$(mktemp -d /tmp/offerapi-pg.XXXXXX)
	chown postgres: "$tmp"
else
	as_server() { "$@"; }
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/offerapi-pg.XXXXXX")
fi
chmod 700 "$tmp"

data=$tmp/data
log=$tmp/postgres.log
sock=$tmp/sock

cleanup() {
	local status=$?
	trap - EXIT
	if [ -f "$data/postmaster.pid" ]; then
		as_server "$bindir/pg_ctl" -D "$data" -m immediate -w -t 30 stop \
			>/dev/null 2>&1 || true
	fi
	rm -rf "$tmp"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

fail_with_log() {
	echo "with-postgresql.sh: $*" >&2
	if [ -f "$log" ]; then
		echo "---- last lines of $log ----" >&2
		tail -n 30 "$log" >&2
	fi
	exit 1
}

# Hex passwords: safe in a URL without escaping.
random_hex() { od -An -tx1 -N"$1" /dev/urandom | tr -d ' \n'; }
admin_pw=$(random_hex 12)
app_pw=$(random_hex 12)

as_server mkdir -m 700 "$sock"
printf '%s\n' "$admin_pw" >"$tmp/pwfile"
[ "$(id -u)" -ne 0 ] || chown postgres: "$tmp/pwfile"

# Local (socket) connections are trusted: the socket lives in a folder only
# the server's user can enter. TCP needs a password, so tests can check a
# wrong one.
as_server "$bindir/initdb" -D "$data" -U postgres --pwfile="$tmp/pwfile" \
	--auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 \
	--no-sync --no-instructions >"$tmp/initdb.log" 2>&1 || {
	cat "$tmp/initdb.log" >&2
	die "initdb failed"
}
rm -f "$tmp/pwfile"

as_server tee -a "$data/postgresql.conf" >/dev/null <<EOF
# with-postgresql.sh: a small, fast, disposable cluster on loopback
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
unix_socket_permissions = 0700
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 16MB
max_connections = 60
max_wal_size = 256MB
dynamic_shared_memory_type = mmap
logging_collector = off
log_min_messages = warning
EOF

# A free port: ask the kernel for one, then let the server bind it. Another
# process may take it in between (parallel test runs): retry on a collision.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 40000))
}

port=
for attempt in 1 2 3 4 5 6 7 8 9 10; do
	try=$(free_port)
	: >"$log"
	[ "$(id -u)" -ne 0 ] || chown postgres: "$log"
	if as_server "$bindir/pg_ctl" -D "$data" -l "$log" -o "-p $try" -w -t 60 start \
		>"$tmp/pg_ctl.out" 2>&1; then
		port=$try
		break
	fi
	if grep -qE 'could not bind|Address already in use|could not create any TCP/IP sockets' "$log"; then
		continue # port taken: try another
	fi
	cat "$tmp/pg_ctl.out" >&2
	fail_with_log "the PostgreSQL server did not start"
done
[ -n "$port" ] || fail_with_log "no free port found for PostgreSQL after 10 attempts"

as_server "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres \
	>"$tmp/psql.log" 2>&1 <<EOF || { cat "$tmp/psql.log" >&2; fail_with_log "could not create the test role and database"; }
CREATE ROLE offerapi LOGIN CREATEDB PASSWORD '$app_pw';
CREATE DATABASE offerapi OWNER offerapi;
EOF

# The control script the tests use to simulate an outage.
ctl=$tmp/pgctl
cat >"$ctl" <<EOF
#!/bin/sh
# Stop or start the with-postgresql.sh cluster in $data.
set -e
case "\$1" in
stop) set -- -m fast -w -t 60 stop ;;
start) set -- -l "$log" -o "-p $port" -w -t 60 start ;;
*) echo "usage: \$0 stop|start" >&2; exit 2 ;;
esac
if [ "\$(id -u)" -eq 0 ]; then
	exec runuser -u postgres -- "$bindir/pg_ctl" -D "$data" "\$@" >/dev/null
fi
exec "$bindir/pg_ctl" -D "$data" "\$@" >/dev/null
EOF
chmod 755 "$ctl"

export OFFERAPI_TEST_PG_URL="postgresql://offerapi:$app_pw@127.0.0.1:$port/offerapi"
export OFFERAPI_TEST_PG_ADMIN_URL="postgresql://postgres:$admin_pw@127.0.0.1:$port/postgres"
export OFFERAPI_TEST_PG_CTL=$ctl
export OFFERAPI_TEST_PG_LOG=$log
(umask 077 && random_hex 32 >"$tmp/data.key")
export OFFERAPI_DATA_KEY_FILE=$tmp/data.key

set +e
"$@"
status=$?
set -e
exit "$status"
