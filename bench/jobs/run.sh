#!/bin/sh
# Run the queue benchmark on SQLite (a file in a temporary folder) and on
# PostgreSQL (a throwaway cluster on loopback, tests/with-postgresql.sh).
# Usage: bench/jobs/run.sh [BUILD_DIR] [N] [ROUNDS]
#   BUILD_DIR defaults to ./build, N (applications) to 400, ROUNDS to 3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-build}
n=${2:-400}
rounds=${3:-3}
bench="$build/bench/jobs/bench-jobs"
[ -x "$bench" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
plugins="$build/plugins/scorer-random/scorer-random.so $build/plugins/scorer-similarity/scorer-similarity.so"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "== SQLite (WAL, synchronous=NORMAL, a file in $tmp) =="
# shellcheck disable=SC2086
"$bench" --url "sqlite:$tmp/bench.db" --n "$n" --rounds "$rounds" $plugins
echo
echo "== PostgreSQL 15 (throwaway cluster on loopback, fsync off) =="
# shellcheck disable=SC2016,SC2086
"$src/tests/with-postgresql.sh" sh -c '"$0" --url "$OFFERAPI_TEST_PG_URL" --n "$1" --rounds "$2" $3' \
	"$bench" "$n" "$rounds" "$plugins"
