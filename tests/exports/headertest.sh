#!/bin/sh
# Every public header compiles on its own, first, at -std=c11 -pedantic
# -Werror (libgit2's headertest), and in C++ as embedding programs may be.
# usage: headertest.sh INCLUDE_DIR
set -eu
inc=$1
cc=${CC:-cc}
for h in "$inc"/offerapi/*.h; do
	name=offerapi/$(basename "$h")
	printf '#include <%s>\nint main(void) { return 0; }\n' "$name" |
		$cc -std=c11 -pedantic -Wall -Wextra -Werror -I"$inc" -x c - -o /dev/null ||
		{ echo "headertest: $name does not compile alone in C11" >&2; exit 1; }
	if command -v c++ >/dev/null 2>&1; then
		printf '#include <%s>\nint main() { return 0; }\n' "$name" |
			c++ -std=c++11 -Wall -Wextra -Werror -I"$inc" -x c++ - -o /dev/null ||
			{ echo "headertest: $name does not compile in C++" >&2; exit 1; }
	fi
	echo "headertest: $name ok"
done
