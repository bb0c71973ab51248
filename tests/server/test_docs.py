#!/usr/bin/env python3
"""test_docs.py - docs/server.md shows `offerapi-server --help` word for
word: the options table in server/config.c is the one source of both."""
import difflib
import os
import re
import subprocess
import sys

BIN = os.environ.get("OFFERAPI_SERVER_BIN")
DOC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "server.md")

out = subprocess.run([BIN, "--help"], capture_output=True, text=True, check=True).stdout
out = re.sub(r"default: /\S*/offerapi/scorers", "default: $libdir/offerapi/scorers", out)
with open(DOC, encoding="utf-8") as f:
    doc = f.read()
m = re.search(r"<!-- begin: offerapi-server --help -->\n```\n(.*?)```\n<!-- end: offerapi-server --help -->",
              doc, re.S)
if not m:
    sys.exit("FAIL: docs/server.md has no block between the --help markers")
if m.group(1) != out:
    sys.stdout.writelines(difflib.unified_diff(m.group(1).splitlines(True), out.splitlines(True),
                                               "docs/server.md", "offerapi-server --help"))
    sys.exit("FAIL: docs/server.md differs from --help (paste the new --help there)")
n = len(re.findall(r"^  --", out, re.M))
print("server-docs: the %d options of --help are in docs/server.md" % n)
