#!/usr/bin/env python3
"""half-vocabulary.py SEED IN OUT: drop about half of the concept lines of
the similarity scorer's vocabulary (IN), chosen by the MD5 of SEED and the
line, and write the rest to OUT (comments and blank lines are kept).

The plugins built with such a vocabulary (tests/scorer/meson.build) score
the development sets as if half of the trades' words were missing from the
vocabulary, which is what text that nobody wrote a vocabulary line for
looks like: a check of a scoring method that vocabulary lines written for
the development sets cannot pass for it.
"""
import hashlib
import sys


def main():
    seed, src, dst = sys.argv[1:4]
    kept = []
    with open(src, encoding="utf-8") as f:
        for line in f:
            digest = hashlib.md5((seed + line).encode("utf-8")).hexdigest()
            if line.startswith("#") or not line.strip() or int(digest, 16) % 2:
                kept.append(line)
    with open(dst, "w", encoding="utf-8") as f:
        f.write("".join(kept))


if __name__ == "__main__":
    main()
