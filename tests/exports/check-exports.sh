#!/bin/sh
# The export list is itself under test (as jansson does): the functions
# libofferapi.so exports must be exactly those its public headers declare
# with OFFERAPI_EXTERN: no MuPDF, SQLite or internal symbol leaks out, and
# no declared function is missing.
# usage: check-exports.sh LIBOFFERAPI.so INCLUDE_DIR
set -eu
lib=$1
inc=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nm -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVW]$/ { print $3 }' | sed 's/@.*//' | sort -u >"$tmp/exported"
cat "$inc"/offerapi/*.h | tr '\n' ' ' | sed 's/OFFERAPI_EXTERN/\nOFFERAPI_EXTERN/g' |
	grep '^OFFERAPI_EXTERN' | grep -o 'offerapi_[a-z0-9_]*[[:space:]]*(' | head -n 1000 |
	tr -d "( \t" | grep -vx offerapi_scorer_entry | sort -u >"$tmp/declared"
# the first identifier followed by '(' on each declaration is its name; a
# parameter type never is, as no parameter is a function pointer written
# inline in an OFFERAPI_EXTERN line
if ! diff -u "$tmp/declared" "$tmp/exported"; then
	echo "check-exports: '-' declared but not exported, '+' exported but not declared" >&2
	exit 1
fi
n=$(wc -l <"$tmp/exported")
[ "$n" -gt 30 ] || { echo "check-exports: only $n symbols found, the check is broken" >&2; exit 1; }
echo "check-exports: $n symbols, all declared, nothing else exported"
