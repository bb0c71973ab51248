#!/bin/bash
# run.sh BUILD_DIR [options] - bench-store on this tree ("after") and on a
# reference commit ("before", default main), same data, same run, on SQLite
# and PostgreSQL; prints every case side by side with the ratio.
# See bench/store/README.md.
set -euo pipefail

usage() {
	cat <<'EOF'
usage: bench/store/run.sh BUILD_DIR [--ref REV] [--backends sqlite,postgresql]
                          [--sizes 200,2000,20000] [--offers 10000] [--pdf-kb K]
                          [--seconds S] [--rounds N] [--work DIR] [--only PREFIX]

Builds the library of REV (default: main) in WORK/ref, compiles bench_store.c
against it ("before") and against BUILD_DIR's library ("after"), fills one
store per version and backend (SQLite stores are kept in WORK and reused when
their STATE file exists; PostgreSQL runs in a throwaway cluster from
tests/with-postgresql.sh), then runs the cases N rounds (2), alternating the
versions, and prints for each case the better median of the rounds, the peak
RSS, and after/before.

Construit la bibliothèque de REV (main par défaut), mesure avant et après sur
les mêmes données, dans la même exécution (voir bench/store/README.md).
EOF
}

[ $# -ge 1 ] || {
	usage >&2
	exit 2
}
case $1 in -h | --help)
	usage
	exit 0
	;;
esac
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "$1" && pwd)
shift
ref=main backends=sqlite,postgresql sizes=200,2000,20000 offers=10000 pdfkb=0
seconds=0.5 rounds=2 work=${TMPDIR:-/tmp}/offerapi-bench-store only=
while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || {
		echo "run.sh: $1 needs a value" >&2
		exit 2
	}
	case $1 in
	--ref) ref=$2 ;;
	--backends) backends=$2 ;;
	--sizes) sizes=$2 ;;
	--offers) offers=$2 ;;
	--pdf-kb) pdfkb=$2 ;;
	--seconds) seconds=$2 ;;
	--rounds) rounds=$2 ;;
	--work) work=$2 ;;
	--only) only=$2 ;;
	*)
		echo "run.sh: unknown option $1" >&2
		exit 2
		;;
	esac
	shift 2
done
mkdir -p "$work"
work=$(cd "$work" && pwd)

# ---- the two binaries ----
if [ -z "${BENCH_STORE_INNER:-}" ]; then
	rev=$(git -C "$src" rev-parse --verify "$ref^{commit}")
	if [ "$(cat "$work/ref/REV" 2>/dev/null || true)" != "$rev" ]; then
		echo "run.sh: building the library of $ref ($rev) in $work/ref" >&2
		rm -rf "$work/ref"
		mkdir -p "$work/ref/src"
		git -C "$src" archive "$rev" | tar -x -C "$work/ref/src"
		meson setup "$work/ref/build" "$work/ref/src" -Dserver=false -Dfinops=false \
			-Dtests=false -Dbuildtype=debugoptimized >"$work/ref/setup.log"
		meson compile -C "$work/ref/build" offerapi >"$work/ref/build.log"
		echo "$rev" >"$work/ref/REV"
	fi
	deps=$(pkg-config --cflags --libs sqlite3 libpq libsodium)
	compile() { # OUT INCLUDE LIBDIR
		# shellcheck disable=SC2086
		cc -O2 -g -std=c11 -D_DEFAULT_SOURCE -Wall -Wextra -o "$1" \
			-I"$2" -I"$src/tests/common" "$here/bench_store.c" "$src/tests/common/pdfgen.c" \
			-L"$3" -lofferapi -Wl,-rpath,"$3" $deps -lpthread
	}
	compile "$work/bench-before" "$work/ref/src/include" "$work/ref/build/libofferapi"
	compile "$work/bench-after" "$src/include" "$build/libofferapi"
fi

fill_args=(--offers "$offers" --sizes "$sizes" --pdf-kb "$pdfkb" --threads 1)
run_args=(--seconds "$seconds")
[ -z "$only" ] || run_args+=(--only "$only")

# fill_if_needed VERSION URL STATE
fill_if_needed() {
	if [ ! -s "$3" ]; then
		echo "run.sh: filling the $1 store ($2)" >&2
		"$work/bench-$1" fill "$2" "$3.tmp" "${fill_args[@]}" >&2
		mv "$3.tmp" "$3"
	fi
}

# run_backend NAME URL_BEFORE URL_AFTER: R lines to $work/NAME.R
run_backend() {
	local name=$1 ub=$2 ua=$3 tag="$sizes-$offers-$pdfkb"
	fill_if_needed before "$ub" "$work/$name-before-$tag.state"
	fill_if_needed after "$ua" "$work/$name-after-$tag.state"
	if [ "$name" = postgresql ]; then # fresh statistics, as autovacuum would make
		psql -X -q "$ub" -c ANALYZE
		psql -X -q "$ua" -c ANALYZE
	fi
	: >"$work/$name.R"
	for round in $(seq "$rounds"); do
		for v in before after; do
			echo "run.sh: $name, $v, round $round" >&2
			local u=$ub
			[ $v = before ] || u=$ua
			"$work/bench-$v" run "$u" "$work/$name-$v-$tag.state" --label "$v" \
				"${run_args[@]}" 2>&1 >/dev/null | grep '^R' >>"$work/$name.R"
		done
	done
}

IFS=, read -r -a want <<<"$backends"
for b in "${want[@]}"; do
	case $b in
	sqlite)
		tag="$sizes-$offers-$pdfkb"
		run_backend sqlite "sqlite:$work/before-$tag.db" "sqlite:$work/after-$tag.db"
		;;
	postgresql)
		if [ -z "${OFFERAPI_TEST_PG_URL:-}" ]; then
			# a throwaway cluster; shared_buffers raised from the tests' 16MB
			BENCH_STORE_INNER=1 "$src/tests/with-postgresql.sh" "$0" "$build" --ref "$ref" \
				--backends postgresql --sizes "$sizes" --offers "$offers" --pdf-kb "$pdfkb" \
				--seconds "$seconds" --rounds "$rounds" --work "$work" ${only:+--only "$only"}
			continue
		fi
		psql -X -q "$OFFERAPI_TEST_PG_ADMIN_URL" -c "ALTER SYSTEM SET shared_buffers = '128MB'"
		"$OFFERAPI_TEST_PG_CTL" stop
		"$OFFERAPI_TEST_PG_CTL" start
		base=${OFFERAPI_TEST_PG_URL%/*}
		for v in before after; do
			psql -X -q "$OFFERAPI_TEST_PG_URL" -c "CREATE DATABASE bench_$v"
			rm -f "$work/postgresql-$v-$sizes-$offers-$pdfkb.state"
		done
		run_backend postgresql "$base/bench_before" "$base/bench_after"
		;;
	*)
		echo "run.sh: unknown backend $b" >&2
		exit 2
		;;
	esac
done
[ -z "${BENCH_STORE_INNER:-}" ] || exit 0

# ---- the table ----
cat "$work"/{sqlite,postgresql}.R 2>/dev/null | /usr/bin/python3 "$here/table.py"
