#!/bin/bash
# Proves that the Dockerfile's build stage builds: performs its steps (RUN,
# WORKDIR, COPY of the context filtered by .dockerignore, read from the
# Dockerfile) in a clean debootstrapped Debian 12 root, then hands the
# /install tree it made to image-runtime.sh, which performs the runtime
# stage with it: the whole image, as far as this machine can go without a
# Docker engine.
#
#   tests/k8s/image-build.sh SOURCE_ROOT BUILD_ROOT
#
# Needs root, debootstrap, python3 and the Debian mirror. Slow once (the
# build packages, ~150 MB); the root with them installed is kept in
# BUILD_ROOT/k8s-image/build-root and redone only when the stage's package
# line changes. The source is built afresh each run (~1 min).
set -euo pipefail

src=$(cd "${1:?source root}" && pwd)
build=$(mkdir -p "${2:?build root}" && cd "$2" && pwd)
work=$build/k8s-image
here=$(cd "$(dirname "$0")" && pwd)

image_tools="debootstrap chroot python3 mount umount"
# shellcheck source=image-base.sh
source "$here/image-base.sh"

steps=$work/build-steps.txt
python3 "$here/dockerfile_stage.py" "$src/Dockerfile" build > "$steps" || fail "cannot read the build stage"
first_run=$(awk -F'\t' '$1 == "RUN" {print $2; exit}' "$steps")
case $first_run in *"apt-get install"*) ;; *) fail "the build stage should start by installing its packages" ;; esac

root=$work/build-root
mounts=()
cleanup() {
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" || true; done
}
trap cleanup EXIT
for m in "$root/proc" "$root/var/cache/apt/archives"; do
	if mountpoint -q "$m" 2>/dev/null; then umount -l "$m"; fi
done
stamp=$(printf '%s' "$first_run" | sha256sum | cut -c1-16)
fresh=
if [ "$(cat "$root/.packages" 2>/dev/null || true)" != "$stamp" ]; then
	rm -rf "$root"
	cp -a "$base" "$root"
	fresh=1
fi
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"; mounts+=("$root/proc")
mkdir -p "$work/apt-archives/partial"
mount --bind "$work/apt-archives" "$root/var/cache/apt/archives"; mounts+=("$root/var/cache/apt/archives")
echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > "$root/etc/apt/apt.conf.d/99keep"

workdir=/
n=0
while IFS=$'\t' read -r kind arg1 arg2; do
	n=$((n + 1))
	case $kind in
	RUN)
		if [ "$arg1" = "$first_run" ] && [ -z "$fresh" ]; then
			echo "RUN (packages already installed in the cached root) $arg1"
			continue
		fi
		echo "RUN $arg1"
		chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root DEBIAN_FRONTEND=noninteractive \
			/bin/sh -c "cd '$workdir' && $arg1" > "$work/build-run.log" 2>&1 \
			|| { tail -40 "$work/build-run.log" >&2; fail "RUN $arg1"; }
		[ "$arg1" = "$first_run" ] && echo "$stamp" > "$root/.packages" ;;
	WORKDIR)
		workdir=$arg1
		mkdir -p "$root$workdir" ;;
	COPYCTX)
		[ "$arg1" = . ] || fail "unsupported COPY $arg1 $arg2"
		dest=$root$workdir/$arg2
		rm -rf "${root:?}$workdir" "${root:?}/build" "${root:?}/install"
		mkdir -p "$root$workdir"
		echo "COPY . $workdir (the context, filtered by .dockerignore)"
		python3 - "$src" "$dest" <<'PY'
import fnmatch, os, shutil, sys
src, dest = sys.argv[1], sys.argv[2]
pats = []
with open(os.path.join(src, ".dockerignore")) as f:
    for line in f:
        line = line.strip()
        if line and not line.startswith("#"):
            pats.append(line.rstrip("/"))
def ignored(rel):
    for p in pats:
        if p.startswith("**/"):
            if any(fnmatch.fnmatch(part, p[3:]) for part in rel.split("/")):
                return True
        elif fnmatch.fnmatch(rel, p) or any(fnmatch.fnmatch("/".join(rel.split("/")[:i]), p)
                                            for i in range(1, rel.count("/") + 1)):
            return True
    return False
for d, dirs, files in os.walk(src):
    reld = os.path.relpath(d, src)
    reld = "" if reld == "." else reld
    dirs[:] = [x for x in dirs if not ignored(os.path.join(reld, x) if reld else x)]
    for fn in files:
        rel = os.path.join(reld, fn) if reld else fn
        if not ignored(rel):
            os.makedirs(os.path.join(dest, reld), exist_ok=True)
            shutil.copy2(os.path.join(src, rel), os.path.join(dest, rel))
PY
		;;
	*) fail "unsupported instruction $kind in the build stage" ;;
	esac
done < "$steps"

tree=$root/install
for f in usr/bin/offerapi-server usr/bin/finops-report usr/share/finops-report/pricing.default.conf; do
	[ -e "$tree/$f" ] || fail "the build stage did not install $f"
done
for p in random similarity llm; do
	[ -n "$(find "$tree/usr" -path "*/offerapi/scorers/scorer-$p.so")" ] || fail "the build stage did not install scorer-$p"
done
echo "the build stage built and installed in a clean Debian 12; now the runtime stage with its tree"
cleanup
mounts=()
OFFERAPI_INSTALL_TREE=$tree "$here/image-runtime.sh" "$src" "$build"
