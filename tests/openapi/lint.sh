#!/bin/sh
# lint.sh OPENAPI_FILE - lints the OpenAPI document with Redocly's CLI
# (@redocly/cli, pinned in package.json and package-lock.json) and the
# rules of redocly.yaml; any error or warning fails.
# Runs `npm ci` into tests/openapi/node_modules when the tool is missing (it
# needs the npm registry once); no node or npm, or a failed install, fails
# the test: it never skips.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
spec=${1:?usage: lint.sh OPENAPI_FILE}
command -v node >/dev/null || { echo "FAIL: node not found (apt-get install nodejs)" >&2; exit 1; }
if [ ! -x "$here/node_modules/.bin/redocly" ]; then
	command -v npm >/dev/null || { echo "FAIL: npm not found (apt-get install npm)" >&2; exit 1; }
	echo "npm ci (once: tests/openapi/node_modules is missing)"
	(cd "$here" && npm ci --no-audit --no-fund >&2) ||
		{ echo "FAIL: npm ci in tests/openapi failed" >&2; exit 1; }
fi
# REDOCLY_TELEMETRY=off: no usage report to the network
REDOCLY_TELEMETRY=off exec "$here/node_modules/.bin/redocly" lint --config "$here/redocly.yaml" "$spec"
