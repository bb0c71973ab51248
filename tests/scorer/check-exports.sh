#!/bin/sh
# Every plugin given exports exactly one dynamic symbol: offerapi_scorer_entry.
# Usage: check-exports.sh PLUGIN.so...
status=0
for f in "$@"; do
	syms=$(nm -D --defined-only "$f" | awk '{print $3}' | sort | tr '\n' ' ')
	if [ "$syms" = "offerapi_scorer_entry " ]; then
		echo "PASS $f exports only offerapi_scorer_entry"
	else
		echo "FAIL $f exports: $syms"
		status=1
	fi
done
exit $status
