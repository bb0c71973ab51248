#!/bin/sh
# Run a command with tests/scorer/fake_embeddings.py listening on loopback.
# Usage: with-fake-server.sh PYTHON3 fake_embeddings.py COMMAND [ARGS...]
# The command sees FAKE_EMBEDDINGS_URL=http://127.0.0.1:PORT and
# OFFERAPI_SCORER_LLM_URL set to the same URL. Fails (never skips) when the
# server cannot start.
set -u
python=$1
script=$2
shift 2
dir=$(mktemp -d "${TMPDIR:-/tmp}/fake-embeddings.XXXXXX") || exit 1
"$python" "$script" --port-file "$dir/port" &
pid=$!
cleanup() {
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	rm -rf "$dir"
}
tries=0
while [ ! -s "$dir/port" ]; do
	if ! kill -0 "$pid" 2>/dev/null; then
		echo "FAIL: the fake embeddings server exited before listening" >&2
		cleanup
		exit 1
	fi
	tries=$((tries + 1))
	if [ "$tries" -gt 200 ]; then
		echo "FAIL: the fake embeddings server did not start within 10 s" >&2
		cleanup
		exit 1
	fi
	sleep 0.05
done
port=$(cat "$dir/port")
FAKE_EMBEDDINGS_URL="http://127.0.0.1:$port"
OFFERAPI_SCORER_LLM_URL=$FAKE_EMBEDDINGS_URL
export FAKE_EMBEDDINGS_URL OFFERAPI_SCORER_LLM_URL
"$@"
status=$?
cleanup
exit $status
