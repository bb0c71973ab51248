#!/usr/bin/env python3
"""finops-report's command line and its exits: the docs' option list is
`--help` as it is; every error path (bad options after others allocated
something, files that cannot be read, sources that fail after collection
began, an output that cannot be written) exits 1 with a message naming the
option, file or URL at fault. In the ASan build (LeakSanitizer on), the
harness fails any run whose stderr carries a sanitizer report, so every exit
path must free what it holds.

Usage: test_cli.py PATH/TO/finops-report
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
import scenario  # noqa: E402

TOOL = os.path.abspath(sys.argv[1])
HERE = os.path.dirname(os.path.abspath(__file__))
DOCS = os.path.join(HERE, "..", "..", "docs", "finops-report.md")
ENV = {"ASAN_OPTIONS": "detect_leaks=1:halt_on_error=1"}


def docs_options():
    with open(DOCS) as f:
        text = f.read()
    a = text.index("<!-- options:begin -->")
    b = text.index("<!-- options:end -->")
    block = text[a:b].split("```text\n", 1)[1]
    return block.rsplit("```", 1)[0]


def translations(ck):
    """Every text the renderers translate has its French line in
    i18n_fr.h, and every line there is used (--lang fr leaves no English
    behind, and no dead text piles up)."""
    import i18n_keys
    used, cat = i18n_keys.used_keys(), i18n_keys.catalogue()
    ck.check(len(used) > 100, "texts to translate found: %d" % len(used))
    ck.check(not used - set(cat), "untranslated: %s" % sorted(used - set(cat)))
    ck.check(not set(cat) - used, "translated, never used: %s"
             % sorted(set(cat) - used))


def run(tmp):
    ck = harness.Checker()

    def tool(*args, env=None):
        e = dict(ENV)
        e.update(env or {})
        return harness.run_tool(TOOL, list(args), env=e)

    # ---- the docs' option list is --help ---------------------------------
    r = tool("--help")
    ck.check(r.code == 0, "--help exit 0")
    ck.check(docs_options() == r.stdout, "docs/finops-report.md's option list "
             "equals --help (regenerate it from `finops-report --help`)")

    # ---- errors before any source is asked --------------------------------
    secret = os.path.join(tmp, "token")
    with open(secret, "w") as f:
        f.write("tok\n")
    url = "http://127.0.0.1:%d" % harness.free_port()
    ns = ["-n", "a,b", "-n", "c"]
    for args, want in (
            (ns + ["--bogus"], "unrecognized option"),
            (ns + ["--window", "x"], "--window 'x'"),
            (ns + ["--cpu-percentile", "0"], "--cpu-percentile '0'"),
            (ns + ["--format", "xml"], "--format 'xml'"),
            (ns + ["--group-by", "x"], "--group-by 'x'"),
            (ns + ["--pricing", os.path.join(tmp, "none.conf")], "none.conf"),
            (ns + ["--prometheus", url, "--currency", ""], "--currency"),
            (ns + ["--prometheus", url, "--memory-unit", "MB"], "--memory-unit"),
            (ns, "no source"),
            (ns + ["--prometheus", url, "--end", "yesterday"], "--end"),
            (ns + ["--prometheus", url, "--namespace-regex", "a.*", "--pod", "("],
             "--pod '('"),
            (ns + ["--prometheus", url, "--namespace-regex", "a.*", "-l", "a in (b)"],
             "--selector"),
            (ns + ["--prometheus", url, "--namespace-regex", "a",
                   "--prometheus-token-file", os.path.join(tmp, "nope")], "nope"),
            (ns + ["--prometheus", url, "--kubecost", url, "--prometheus-token-file",
                   secret, "--kubecost-user", "u", "--kubecost-password-file",
                   os.path.join(tmp, "nopass")], "nopass"),
            (ns + ["--prometheus", url, "extra"], "unexpected argument 'extra'")):
        r = tool(*args)
        ck.check(r.code == 1 and want in r.stderr,
                 "%s -> exit 1 saying %r: %d %s" % (args[len(ns):], want, r.code,
                                                     r.stderr.strip()[-300:]))
    for args in (ns + ["--help"], ns + ["--version"]):
        r = tool(*args)
        ck.check(r.code == 0 and r.stdout, "%s after -n -> exit 0" % args[-1])

    # ---- errors once collection has begun ---------------------------------
    end = (int(time.time()) // 3600) * 3600 - 86400
    om = os.path.join(tmp, "scenario.om")
    harness.write_openmetrics(om, scenario.build(end),
                              end - scenario.WINDOW - scenario.LEAD, end, 60)
    prom = harness.Prometheus(tmp, om)

    def down(h, rest, n):
        h.reply(500, "internal error: boom\n", "text/plain")
    fake = harness.FakeServer({"down": down})
    try:
        base = ["--prometheus", prom.url, "--window", "24h", "--end", str(end),
                "--retries", "0", "--prometheus-token-file", secret] + ns + \
            ["-n", "shop"]
        r = tool(*base + ["-o", os.path.join(tmp, "no", "such", "dir", "r")])
        ck.check(r.code == 1 and "--output" in r.stderr,
                 "unwritable --output after collection -> 1: %d %s"
                 % (r.code, r.stderr.strip()))
        r = tool(*base + ["--kubecost", fake.url + "/down"])
        ck.check(r.code == 1 and fake.url + "/down" in r.stderr,
                 "Kubecost failing after Prometheus -> 1: %d %s"
                 % (r.code, r.stderr.strip()))
        dead = "http://127.0.0.1:%d" % harness.free_port()
        r = tool(*["--prometheus", dead, "--retries", "0", "--stats"] + ns)
        ck.check(r.code == 1 and dead in r.stderr and "stats:" in r.stderr,
                 "unreachable Prometheus -> 1, stats still printed: %d %s"
                 % (r.code, r.stderr.strip()))
        for fmt in ("table", "json", "csv", "markdown", "html"):
            r = tool(*base + ["-f", fmt, "--fail-if-savings-over", "0",
                              "--min-efficiency", "99", "--max-monthly-cost", "0",
                              "--fail-on-risk"])
            ck.check(r.code == 2 and r.stdout.count("\n") > 3,
                     "%s with four breaches -> 2: %d %s" % (fmt, r.code,
                                                            r.stderr[-300:]))
    finally:
        fake.close()
        prom.close()
    translations(ck)
    return ck.finish()


if __name__ == "__main__":
    harness.main_wrapper(run)
