#!/bin/sh
# Time notifications on a throwaway PostgreSQL cluster (tests/with-postgresql.sh).
# Usage: bench/notify/run.sh [BUILD_DIR] [N]
#   BUILD_DIR defaults to ./build, N (writes) to 500.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-build}
bench="$build/bench/notify/bench-notify"
[ -x "$bench" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
uptime
# shellcheck disable=SC2016
"$src/tests/with-postgresql.sh" sh -c '"$0" "$OFFERAPI_TEST_PG_URL" "$1"' "$bench" "${2:-500}"
