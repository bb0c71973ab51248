"""Test harness for finops-report: a real Prometheus loaded with a backfilled
scenario, a fake Kubecost/OpenCost/Prometheus-proxy HTTP server, and helpers
to run the tool. Standard library only.

Everything started here is stopped by Harness.close(), which the tests call
in a finally block; a missing prometheus/promtool is a failure, never a skip.
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MIB = 1048576
GIB = 1073741824


class Fail(Exception):
    pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def fmt_labels(labels):
    return ",".join('%s="%s"' % (k, v) for k, v in sorted(labels.items()))


class Series:
    """One series: name, labels and a function t -> value (None = no sample)."""

    def __init__(self, name, labels, fn):
        self.name, self.labels, self.fn = name, labels, fn


def write_openmetrics(path, series, start, end, step):
    """Writes series sampled every `step` seconds in [start, end] as an
    OpenMetrics file: families contiguous, samples of a series in time order,
    timestamps in seconds, no blank line, '# EOF' at the end."""
    by_name = {}
    for s in series:
        by_name.setdefault(s.name, []).append(s)
    with open(path, "w") as f:
        for name, group in by_name.items():
            for s in group:
                lab = fmt_labels(s.labels)
                t = start
                while t <= end:
                    v = s.fn(t)
                    if v is not None:
                        f.write("%s{%s} %r %d\n" % (name, lab, float(v), t))
                    t += step
        f.write("# EOF\n")


class Prometheus:
    """A real Prometheus over a backfilled data directory, on a free loopback
    port."""

    def __init__(self, tmp, om_path):
        for b in ("prometheus", "promtool"):
            if not shutil.which(b):
                raise Fail("%s not found: install Debian's prometheus package "
                           "(apt-get install prometheus)" % b)
        self.data = os.path.join(tmp, "data")
        os.makedirs(self.data, exist_ok=True)
        r = None
        if om_path:  # None: start over blocks already in tmp/data
            r = subprocess.run(["promtool", "tsdb", "create-blocks-from",
                                "openmetrics", om_path, self.data],
                               capture_output=True, text=True)
        if r is not None and r.returncode != 0:
            raise Fail("promtool failed: %s %s" % (r.stdout[-2000:],
                                                   r.stderr[-2000:]))
        cfg = os.path.join(tmp, "prometheus.yml")
        with open(cfg, "w") as f:
            f.write("global: {scrape_interval: 15s}\nscrape_configs: []\n")
        self.port = free_port()
        self.url = "http://127.0.0.1:%d" % self.port
        self.log = open(os.path.join(tmp, "prometheus.log"), "w")
        self.proc = subprocess.Popen(
            ["prometheus", "--config.file=" + cfg,
             "--storage.tsdb.path=" + self.data,
             "--storage.tsdb.retention.time=100y",
             "--web.listen-address=127.0.0.1:%d" % self.port,
             "--query.max-samples=200000000"],
            stdout=self.log, stderr=subprocess.STDOUT)
        try:
            self._wait_ready()
        except BaseException:
            self.close()
            raise

    def _wait_ready(self):
        deadline = time.time() + 30
        while True:
            if self.proc.poll() is not None:
                self.log.flush()
                with open(self.log.name) as f:
                    tail = f.read()[-2000:]
                raise Fail("prometheus exited with %s:\n%s"
                           % (self.proc.returncode, tail))
            try:
                with urllib.request.urlopen(self.url + "/-/ready",
                                            timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.time() > deadline:
                raise Fail("prometheus not ready after 30 s")
            time.sleep(0.05)

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class FakeHandler(BaseHTTPRequestHandler):
    """Routes on the first path segment, which the tests put in the base URL
    they give the tool (http://127.0.0.1:PORT/<route>)."""

    def log_message(self, *a):
        pass

    def reply(self, code, body, ctype="application/json", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        srv = self.server
        route, _, rest = self.path.lstrip("/").partition("/")
        rest = "/" + rest
        with srv.lock:
            srv.hits.setdefault(route, []).append(
                (rest, self.headers.get("Authorization")))
            n = len(srv.hits[route])
        h = srv.routes.get(route)
        if h is None:
            return self.reply(404, "no such route\n", "text/plain")
        h(self, rest, n)


class FakeServer:
    def __init__(self, routes, ssl_ctx=None):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", free_port()),
                                         FakeHandler)
        if ssl_ctx:
            self.httpd.socket = ssl_ctx.wrap_socket(self.httpd.socket,
                                                    server_side=True)
        self.httpd.daemon_threads = True
        self.httpd.routes = routes
        self.httpd.hits = {}
        self.httpd.lock = threading.Lock()
        self.url = "%s://127.0.0.1:%d" % ("https" if ssl_ctx else "http",
                                          self.httpd.server_address[1])
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def hits(self, route):
        with self.httpd.lock:
            return list(self.httpd.hits.get(route, []))

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class Result:
    def __init__(self, proc, out):
        self.code = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.out = out


def run_tool(tool, args, env=None, timeout=120, out_file=None):
    e = dict(os.environ)
    for k in list(e):
        # the report's language comes from the locale: tests choose it
        if k.startswith("FINOPS_") or k in ("LC_ALL", "LC_MESSAGES", "LANG"):
            del e[k]
    e.update(env or {})
    p = subprocess.run([tool] + args, capture_output=True, text=True,
                       env=e, timeout=timeout)
    for bad in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
        if bad in p.stderr:
            raise Fail("sanitizer report running %s:\n%s" % (args, p.stderr))
    out = None
    if out_file and os.path.exists(out_file):
        with open(out_file) as f:
            out = f.read()
    return Result(p, out)


class Checker:
    """Collects failures instead of stopping at the first one, and prints a
    final 'N passed, N failed' line."""

    def __init__(self):
        self.ok = 0
        self.failed = []

    def check(self, cond, what):
        if cond:
            self.ok += 1
        else:
            self.failed.append(what)
            print("FAIL:", what, flush=True)
        return cond

    def near(self, got, want, what, rel=1e-6, absolute=1e-9):
        ok = got is not None and want is not None and \
            abs(got - want) <= max(absolute, rel * abs(want))
        return self.check(ok, "%s: got %r, want %r" % (what, got, want))

    def finish(self):
        print("%d passed, %d failed" % (self.ok, len(self.failed)))
        return 1 if self.failed else 0


def main_wrapper(fn):
    """Runs fn(tmpdir) -> exit code; any exception is a failure."""
    tmp = tempfile.mkdtemp(prefix="finops-test-")
    try:
        rc = fn(tmp)
    except Fail as e:
        print("FAIL:", e)
        rc = 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(rc)
