# Sourced by image-build.sh and image-runtime.sh (bash): the checks both
# need and the debootstrapped Debian 12 base root they share, made once in
# $work/rootfs-base. Callers set $work and list the tools they need in
# $image_tools before sourcing.

fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, chroot, mount)"
for t in $image_tools; do
	command -v "$t" >/dev/null || fail "$t is missing (Debian package: ${t/chroot/coreutils})"
done

mirror=$(grep -rhoE 'https?://[^ ]+/debian/?( |$)' /etc/apt/sources.list /etc/apt/sources.list.d/ 2>/dev/null \
	| head -n1 | tr -d ' ' || true)
mirror=${mirror:-http://deb.debian.org/debian}
mkdir -p "$work"

base=$work/rootfs-base
if [ ! -e "$base/.complete" ]; then
	rm -rf "$base"
	echo "debootstrap --variant=minbase bookworm from $mirror (once)"
	debootstrap --variant=minbase bookworm "$base" "$mirror" > "$work/debootstrap.log" 2>&1 \
		|| { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap"; }
	touch "$base/.complete"
fi
