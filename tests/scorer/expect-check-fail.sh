#!/bin/sh
# The checker must fail a broken plugin, with exit status 1 and a report line
# that names the reason (so it fails for the right reason, not by crashing).
# Usage: expect-check-fail.sh CHECKER PLUGIN.so EXPECTED_TEXT
checker=$1
plugin=$2
want=$3
out=$("$checker" "$plugin" 2>&1)
status=$?
printf '%s\n' "$out"
if [ "$status" -ne 1 ]; then
	echo "FAIL: the checker exited with $status, not 1" >&2
	exit 1
fi
if ! printf '%s\n' "$out" | grep -F -- "FAIL" | grep -qF -- "$want"; then
	echo "FAIL: no FAIL line mentions '$want'" >&2
	exit 1
fi
echo "OK: the checker rejected $plugin: $want"
