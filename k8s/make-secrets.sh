#!/bin/sh
# Makes the values of OffreAPI's Kubernetes Secrets, once, before the first
# `kubectl apply -k k8s/`: k8s/base/secrets/{postgres,server}.env, read by the
# secretGenerator of k8s/base/secrets/kustomization.yaml. Git ignores them.
set -eu

usage() {
	cat <<'EOF'
usage: k8s/make-secrets.sh [--dir DIR] [--llm-api-key-from-env] [--force]

Writes the Secrets' values for `kubectl apply -k k8s/` (docs/deployment.md):
  DIR/postgres.env  password=...     the database password (offerapi-postgres)
  DIR/server.env    secret=...       the CSRF and session key (offerapi-server)
                    data-key=...     the key that encrypts the stored CVs (64 hex
                                     digits); back it up apart from the database
                    llm-api-key=...  with --llm-api-key-from-env: $LLM_API_KEY
Each value is 32 random bytes from /dev/urandom, written as 64 hex digits;
the files are made readable by their owner only. DIR defaults to
k8s/base/secrets. A file that exists is kept, so running the script again
changes nothing: the database was initialised with the first password.

  --force   write new values over existing files (rotation: the database
            password must then be changed in PostgreSQL too, see
            docs/deployment.md, and every pod restarted)
  --help    this text

Francais : cree une fois les valeurs des Secrets (mot de passe de la base,
cle CSRF), aleatoires, dans des fichiers ignores par git ; un fichier
existant est garde, sauf avec --force.
EOF
}

dir=$(dirname "$0")/base/secrets
force=0
llm=0
while [ $# -gt 0 ]; do
	case $1 in
	--dir)
		[ $# -ge 2 ] || { usage >&2; exit 2; }
		dir=$2
		shift
		;;
	--force) force=1 ;;
	--llm-api-key-from-env) llm=1 ;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		echo "make-secrets.sh: unknown argument: $1" >&2
		usage >&2
		exit 2
		;;
	esac
	shift
done

if [ "$llm" = 1 ] && [ -z "${LLM_API_KEY:-}" ]; then
	echo "make-secrets.sh: --llm-api-key-from-env: LLM_API_KEY is empty or unset" >&2
	exit 1
fi
case ${LLM_API_KEY:-} in
*'
'*)
	echo "make-secrets.sh: LLM_API_KEY holds a line break" >&2
	exit 1
	;;
esac
[ -d "$dir" ] || { echo "make-secrets.sh: no directory $dir" >&2; exit 1; }
[ -r /dev/urandom ] || { echo "make-secrets.sh: cannot read /dev/urandom" >&2; exit 1; }

# 32 random bytes as 64 lower-case hex digits.
random_hex() {
	v=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
	[ ${#v} -eq 64 ] || { echo "make-secrets.sh: short read from /dev/urandom" >&2; exit 1; }
	printf '%s' "$v"
}

umask 077
# write FILE LINE...: all lines or nothing (a temporary file, then rename).
write() {
	file=$1
	shift
	if [ -e "$file" ] && [ "$force" = 0 ]; then
		echo "kept    $file (exists; --force replaces it)"
		return
	fi
	tmp=$file.tmp.$$
	printf '%s\n' "$@" >"$tmp"
	mv "$tmp" "$file"
	echo "written $file"
}

write "$dir/postgres.env" "password=$(random_hex)"
if [ "$llm" = 1 ]; then
	write "$dir/server.env" "secret=$(random_hex)" "data-key=$(random_hex)" \
		"llm-api-key=$LLM_API_KEY"
else
	write "$dir/server.env" "secret=$(random_hex)" "data-key=$(random_hex)"
fi
