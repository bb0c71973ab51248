#!/bin/sh
# run.sh ARTIFACT_DIR [SCRIPT] - a browser test (default story.mjs) with Debian's chromium.
# Installs playwright-core from npm into this folder when it is missing
# (package.json pins the exact version; PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: never a
# browser download). A missing chromium or node fails the test.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null || { echo "FAIL: node not found (apt-get install nodejs)" >&2; exit 1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || { echo "FAIL: chromium not found (apt-get install chromium)" >&2; exit 1; }
# (the browser tests run beside each other: one installs, under a lock)
(
	flock 9
	if [ ! -d "$here/node_modules/playwright-core" ] || [ ! -d "$here/node_modules/axe-core" ]; then
		(cd "$here" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-package-lock --no-audit --no-fund >&2) ||
			{ echo "FAIL: npm install in tests/browser failed" >&2; exit 1; }
	fi
) 9> "$here/.npm-install.lock" || exit 1
export ARTIFACT_DIR="${1:-$PWD/browser-artifacts}"
exec node "$here/${2:-story.mjs}"
