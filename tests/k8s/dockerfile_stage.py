#!/usr/bin/env python3
"""Print the instructions of one stage of a Dockerfile, one per line:
KIND<TAB>ARG1[<TAB>ARG2], continuation lines joined, comments dropped.
RUN: the shell command; COPY (with --from=STAGE) and COPYCTX (from the
build context): source, destination; ENV: name, value (one line per variable); USER, WORKDIR: the value.
Other instructions (FROM, EXPOSE, ENTRYPOINT, CMD, LABEL, ARG) are left out.
Usage: dockerfile_stage.py DOCKERFILE STAGE"""
import shlex
import sys


def instructions(text):
    cur = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not cur and (not line or line.startswith("#")):
            continue
        if cur and line.startswith("#"):
            continue
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        cur += line
        yield cur
        cur = ""
    if cur:
        yield cur


def main():
    path, stage = sys.argv[1], sys.argv[2]
    text = open(path, encoding="utf-8").read()
    current = None
    found = False
    for ins in instructions(text):
        kind, _, rest = ins.partition(" ")
        kind = kind.upper()
        rest = rest.strip()
        if kind == "FROM":
            words = rest.split()
            current = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            found = found or current == stage
            continue
        if current != stage:
            continue
        if kind == "RUN":
            print("RUN\t" + " ".join(rest.split()))
        elif kind == "COPY":
            words = shlex.split(rest)
            opts = [w for w in words if w.startswith("--")]
            args = [w for w in words if not w.startswith("--")]
            if len(args) != 2 or any(not o.startswith("--from=") for o in opts):
                sys.exit("unsupported COPY: " + rest)
            # COPY --from=STAGE: from another stage; COPYCTX: from the context
            print("%s\t%s\t%s" % ("COPY" if opts else "COPYCTX", args[0], args[1]))
        elif kind == "ENV":
            for w in shlex.split(rest):
                k, _, v = w.partition("=")
                print("ENV\t%s\t%s" % (k, v))
        elif kind in ("USER", "WORKDIR"):
            print("%s\t%s" % (kind, rest))
    if not found:
        sys.exit("no stage named %r in %s" % (stage, path))


if __name__ == "__main__":
    main()
