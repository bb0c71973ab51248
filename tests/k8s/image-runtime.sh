#!/bin/bash
# Proves that the container image's runtime stage is enough: performs the
# runtime stage of the Dockerfile (its RUN, COPY --from=build, ENV, WORKDIR,
# USER steps, read from the Dockerfile itself) in a clean Debian 12 root made
# by debootstrap, with the tree `meson install --destdir` gives for the
# image's build options copied in; then, chrooted, as uid 10001, starts
# offerapi-server --demo on SQLite, with the root read-only and /tmp a scratch
# volume as in the pod, and checks /readyz, the demo offers (MuPDF
# extraction of the demo CVs), the installed scorer plugins, an application
# with a PDF (extraction + scoring), and that finops-report and every ELF
# file installed resolve their libraries there.
#
#   tests/k8s/image-runtime.sh SOURCE_ROOT BUILD_ROOT
#
# Needs root (debootstrap, chroot, mount), debootstrap, meson, ninja, curl,
# python3, and the Debian mirror of /etc/apt/sources.list*. Slow once (about
# a minute of debootstrap, a release build); the debootstrapped root, the
# release build and the downloaded .debs are kept in BUILD_ROOT/k8s-image.
# The difference from `docker build`: debootstrap's minbase root is not the
# bookworm-slim image byte for byte (slim also drops docs and locales).
set -euo pipefail

src=$(cd "${1:?source root}" && pwd)
build=$(mkdir -p "${2:?build root}" && cd "$2" && pwd)
work=$build/k8s-image
here=$(cd "$(dirname "$0")" && pwd)

# 1. the base root, once (image-base.sh)
image_tools="debootstrap chroot meson ninja curl python3 mount umount"
# shellcheck source=image-base.sh
source "$here/image-base.sh"

# 2. the installed tree, as the Dockerfile's build stage makes it; or the
# tree image-build.sh made inside a clean root (OFFERAPI_INSTALL_TREE)
install=${OFFERAPI_INSTALL_TREE:-}
if [ -z "$install" ]; then
	install=$work/install
	ib=$work/build
	# the build stage's own meson options and clean-up, read from the Dockerfile
	python3 "$here/dockerfile_stage.py" "$src/Dockerfile" build > "$work/build-steps.txt" \
		|| fail "cannot read the build stage of $src/Dockerfile"
	read -r -a setup_args < <(sed -n 's/.*meson setup \/build \([^&]*\)&&.*/\1/p' "$work/build-steps.txt")
	read -r -a cleanup_paths < <(sed -n 's/.*&& rm -rf \(\/install[^&]*\)$/\1/p' "$work/build-steps.txt")
	[ ${#setup_args[@]} -gt 0 ] || fail "no 'meson setup /build ARGS &&' in the build stage"
	if [ "$(cat "$work/build.args" 2>/dev/null || true)" != "${setup_args[*]}" ]; then
		rm -rf "$ib"
	fi
	if [ ! -e "$ib/build.ninja" ]; then
		meson setup "$ib" "$src" "${setup_args[@]}" > "$work/setup.log" 2>&1 \
			|| { tail -20 "$work/setup.log" >&2; fail "meson setup"; }
		echo "${setup_args[*]}" > "$work/build.args"
	fi
	ninja -C "$ib" > "$work/ninja.log" 2>&1 || { tail -30 "$work/ninja.log" >&2; fail "build"; }
	rm -rf "$install"
	DESTDIR="$install" meson install -C "$ib" --no-rebuild --quiet > "$work/install.log" 2>&1 \
		|| { tail -20 "$work/install.log" >&2; fail "meson install"; }
	for p in "${cleanup_paths[@]}"; do
		# shellcheck disable=SC2086 # the Dockerfile's globs
		rm -rf "$install"${p#/install}
	done
fi
[ -x "$install/usr/bin/offerapi-server" ] || fail "no usr/bin/offerapi-server in $install"
echo "installed tree: $install"

# 3. a fresh copy of the base root
root=$work/root
pid=
mounts=()
cleanup() {
	if [ -n "$pid" ] && kill "$pid" 2>/dev/null; then wait "$pid" 2>/dev/null || true; fi
	for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount "${mounts[$i]}" 2>/dev/null || umount -l "${mounts[$i]}" || true; done
}
trap cleanup EXIT
# left mounted by an interrupted run?
for m in "$work/root-ro/tmp" "$work/root-ro/proc" "$work/root-ro" "$root/proc" "$root/var/cache/apt/archives"; do
	if mountpoint -q "$m" 2>/dev/null; then umount -l "$m"; fi
done
rm -rf "$root"
cp -a "$base" "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"; mounts+=("$root/proc")
mkdir -p "$work/apt-archives/partial"
mount --bind "$work/apt-archives" "$root/var/cache/apt/archives"; mounts+=("$root/var/cache/apt/archives")
# keep the downloaded .debs between runs (Debian's docker images delete them)
echo 'Binary::apt::APT::Keep-Downloaded-Packages "true";' > "$root/etc/apt/apt.conf.d/99keep"

# 4. the runtime stage's steps, from the Dockerfile
steps=$work/steps.txt
dockerfile=${OFFERAPI_DOCKERFILE:-$src/Dockerfile}   # another Dockerfile: to check this check
python3 "$here/dockerfile_stage.py" "$dockerfile" runtime > "$steps" || fail "cannot read the runtime stage of $dockerfile"
envs=()
user=0:0
workdir=/
while IFS=$'\t' read -r kind arg1 arg2; do
	case $kind in
	RUN)
		echo "RUN $arg1"
		chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
			/bin/sh -c "$arg1" > "$work/run.log" 2>&1 || { tail -30 "$work/run.log" >&2; fail "RUN $arg1"; } ;;
	COPY)
		# only COPY --from=build /install/...: our meson install --destdir
		case $arg1 in /install/*) ;; *) fail "unsupported COPY $arg1 $arg2" ;; esac
		echo "COPY $arg1 $arg2 (from meson install --destdir)"
		cp -a "$install${arg1#/install}." "$root$arg2" ;;
	ENV) envs+=("$arg1=$arg2") ;;
	USER) user=$arg1 ;;
	WORKDIR) workdir=$arg1 ;;
	*) fail "unsupported instruction $kind" ;;
	esac
done < "$steps"
[ "${user%%:*}" -ge 10000 ] 2>/dev/null || fail "the image's USER ($user) is not a numeric uid >= 10000"
grep -q "^[^:]*:x:${user%%:*}:" "$root/etc/passwd" || fail "uid ${user%%:*} has no passwd entry"

# 5. every installed ELF resolves its libraries in the new root
missing=0
while read -r f; do
	rel=${f#"$install"}
	out=$(chroot "$root" ldd "$rel" 2>&1) || true
	if grep -q 'not found' <<< "$out"; then
		echo "$rel:"; grep 'not found' <<< "$out"; missing=1
	fi
done < <(find "$install" -type f \( -name '*.so*' -o -perm -u+x \) -exec sh -c 'head -c4 "$1" | grep -q ELF' _ {} \; -print)
[ $missing = 0 ] || fail "libraries missing from the runtime stage's package list"
echo "ldd: every installed binary and plugin resolves"

# 6. run the server as the image does, and as the pod does: the root file
# system read-only (readOnlyRootFilesystem), /tmp an empty scratch volume
# (the pod's emptyDir; the image's default SQLite database lives there)
ro=$work/root-ro
mkdir -p "$ro"
mount --bind "$root" "$ro"; mounts+=("$ro")
mount -o remount,bind,ro "$ro"
mount -t proc proc "$ro/proc"; mounts+=("$ro/proc")
mount -t tmpfs -o size=64m,mode=1777 scratch "$ro/tmp"; mounts+=("$ro/tmp")
touch "$ro/etc/probe" 2>/dev/null && fail "the root is not read-only"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$work/server.log
chroot --userspec="$user" "$ro" /usr/bin/env -i PATH=/usr/bin:/bin "${envs[@]}" \
	OFFERAPI_LISTEN="127.0.0.1:$port" \
	/bin/sh -c "cd '$workdir' && exec /usr/bin/offerapi-server --demo --scorers similarity,random" > "$log" 2>&1 &
pid=$!
base_url=http://127.0.0.1:$port
ok=
for _ in $(seq 1 100); do
	if curl -fsS "$base_url/readyz" > /dev/null 2>&1; then ok=1; break; fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
[ -n "$ok" ] || { tail -20 "$log" >&2; fail "/readyz did not answer 200"; }
echo "/readyz: $(curl -fsS "$base_url/readyz")"
spid=$(pgrep -P "$pid" -x offerapi-server || echo "$pid")
uid=$(awk '/^Uid:/ {print $2}' "/proc/$spid/status")
[ "$uid" = "${user%%:*}" ] || fail "server runs as uid $uid, not ${user%%:*}"
n=$(curl -fsS "$base_url/api/v1/offers" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["offers"]))')
[ "$n" -ge 3 ] || fail "demo offers: $n"
metrics=$(curl -fsS "$base_url/metrics")
for s in random similarity; do
	grep -q "offerapi_scorer_info{scorer=\"$s\"" <<< "$metrics" || fail "scorer plugin $s not loaded from the installed folder"
done
pw=$(sed -n 's/.*password "\(.*\)".*/\1/p' "$log" | head -n1)
python3 "$here/load.py" "$base_url" "$pw" 2 || fail "applications and pages under the image"
# scoring is a job: the applications are answered before they are scored, so
# wait (bounded) for the server's worker threads to score at least one
scored=
for _ in $(seq 1 300); do
	if curl -fsS "$base_url/metrics" 2>/dev/null \
		| grep '^offerapi_scoring_duration_seconds_count{scorer="similarity"} [1-9]' > /dev/null; then
		scored=1; break
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
[ -n "$scored" ] || { tail -20 "$log" >&2; fail "no application was scored within 60 s"; }
chroot --userspec="$user" "$ro" /usr/bin/finops-report --version > /dev/null || fail "finops-report does not start"
test -s "$root/usr/share/finops-report/pricing.default.conf" || fail "finops-report's pricing file is missing"
echo "PASS: the runtime stage's packages run offerapi-server (uid $uid, read-only root, SQLite in /tmp, demo, plugins) and finops-report"
