#!/bin/sh
# Install the project into a temporary prefix, build examples/embed.c
# against it with nothing but `pkg-config offerapi`, and run it on a PDF
# made with mutool: proves the installed headers, .pc file and exported
# symbols are enough for a C program.
# usage: run.sh BUILD_DIR SOURCE_DIR [EXTRA_CFLAGS]
set -eu
build=$1
src=$2
extra=${3:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

meson install -C "$build" --destdir "$tmp/root" --no-rebuild --quiet >"$tmp/install.log" 2>&1 || {
	cat "$tmp/install.log"; echo "embed: meson install failed" >&2; exit 1; }
pc=$(find "$tmp/root" -name offerapi.pc | head -n 1)
[ -n "$pc" ] || { echo "embed: offerapi.pc was not installed" >&2; exit 1; }
# the .pc file says /usr/local/...: the sysroot maps it into the temp root
export PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR="$tmp/root"
cflags=$(pkg-config --cflags offerapi)
libs=$(pkg-config --libs offerapi)
libdir=$(dirname "$(dirname "$pc")")  # the .pc file lives in LIBDIR/pkgconfig
${CC:-cc} -std=c11 -Wall -Wextra -Werror $extra $cflags "$src/examples/embed.c" $libs -o "$tmp/embed"

cat >"$tmp/page.txt" <<'PAGE'
%%MediaBox 0 0 595 842
%%Font F1 Helvetica
BT /F1 12 Tf 56 780 Td (Marie Curie - embedded systems engineer) Tj ET
BT /F1 12 Tf 56 760 Td (Skills: C, PostgreSQL, Kubernetes) Tj ET
PAGE
mutool create -o "$tmp/cv.pdf" "$tmp/page.txt"

LD_LIBRARY_PATH=$libdir "$tmp/embed" "sqlite:$tmp/embed.db" "$tmp/cv.pdf" >"$tmp/out.txt"
cat "$tmp/out.txt"
grep -q "Marie Curie - embedded systems engineer" "$tmp/out.txt"
grep -q "Skills: C, PostgreSQL, Kubernetes" "$tmp/out.txt"
grep -q "answer: When can you start? -> Monday" "$tmp/out.txt"
# a second run on the same database must fail clearly (users exist)
if LD_LIBRARY_PATH=$libdir "$tmp/embed" "sqlite:$tmp/embed.db" "$tmp/cv.pdf" 2>"$tmp/err.txt"; then
	echo "embed: second run should fail" >&2; exit 1
fi
grep -q "already taken" "$tmp/err.txt"
echo "embed: OK"
