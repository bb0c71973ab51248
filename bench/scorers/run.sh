#!/bin/sh
# Run the scorer benchmark on a meson build dir.
# Usage: bench/scorers/run.sh [BUILD_DIR] [N]
#   BUILD_DIR defaults to ./build, N (CVs) to 10000.
# The LLM scorer is measured against tests/scorer/fake_embeddings.py on
# loopback: its figure is the cost of the client (JSON, HTTP, cache) plus a
# Python server, never the cost of a real model.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-build}
n=${2:-10000}
bench="$build/bench/scorers/bench-scorers"
[ -x "$bench" ] || { echo "build first: ninja -C $build" >&2; exit 1; }
echo "== local scorers =="
"$bench" --n "$n" \
	"$build/plugins/scorer-random/scorer-random.so" \
	"$build/plugins/scorer-similarity/scorer-similarity.so" \
	"$build/examples/scorer-minimal/scorer-minimal.so"
echo
echo "== llm scorer against the local fake server (measures the client, not a model) =="
sh "$src/tests/scorer/with-fake-server.sh" python3 "$src/tests/scorer/fake_embeddings.py" \
	sh -c '"$0" --n "$1" --set "llm:url=$FAKE_EMBEDDINGS_URL" "$2"' \
	"$bench" "$n" "$build/plugins/scorer-llm/scorer-llm.so"
