#!/usr/bin/env python3
"""test_attack.py - raw-socket attacks on the real server, on loopback,
bounded in count and time. Each case names the finding it reproduces
(issue "Hardening"); after all of them the server must still answer, no
worker may stay busy (process CPU and the in-flight gauge back to idle) and
SIGTERM must still stop it.

- a JSON body of ~920 nested '[' crashed the process (stack overflow in the
  parser, on CivetWeb's 100 KiB worker stacks);
- a url-encoded body ending in an incomplete escape ("login=a%0") or holding
  a NUL byte made CivetWeb 1.15's form parser spin forever.
"""
import concurrent.futures
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server  # noqa: E402

T = Checker("server-attack")
srv = Server(scorers="random")
HZ = os.sysconf("SC_CLK_TCK")


def raw(data, timeout=5.0, read_all=False):
    """Send @data on a new connection; return (first line, seconds)."""
    t0 = time.monotonic()
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=timeout)
    try:
        s.sendall(data)
        got = b""
        while b"\r\n" not in got or read_all:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
        line = got.split(b"\r\n", 1)[0].decode("latin-1")
    except socket.timeout:
        line = "TIMEOUT"
    except ConnectionError as e:
        line = "RESET %s" % e
    finally:
        s.close()
    return line, time.monotonic() - t0


def post(path, body, ctype, extra=b""):
    return raw(b"POST %s HTTP/1.1\r\nHost: t\r\nContent-Type: %s\r\nContent-Length: %d\r\n%s\r\n"
               % (path.encode(), ctype.encode(), len(body), extra) + body)


def status_of(line):
    m = re.match(r"HTTP/1\.[01] (\d{3}) ", line)
    return int(m.group(1)) if m else 0


def cpu_seconds():
    with open("/proc/%d/stat" % srv.proc.pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def alive(what):
    line, dt = raw(b"GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    T.check(status_of(line) == 200, "the server answers /healthz after %s (%r)" % (what, line))


# 1. deep JSON: refused with 400 before the parser recurses, at any depth
for path in ("/api/v1/sessions", "/api/v1/users"):
    for depth in (33, 913, 920, 5000, 200000):
        line, _ = post(path, b"[" * depth, "application/json")
        T.check(status_of(line) == 400, "%d nested '[' to %s: 400 (got %r)" % (depth, path, line))
    alive("deep JSON to " + path)
body = b'{"login": ' + b"[" * 31 + b"]" * 31 + b"}"
line, _ = post("/api/v1/sessions", body, "application/json")
T.check(status_of(line) in (400, 401, 422), "31 levels inside an object are parsed (%r)" % line)
line, _ = post("/api/v1/sessions", b'{"login": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", '
               b'"password": "x"}', "application/json")
T.check(status_of(line) in (401, 422), "brackets inside a string are not nesting (%r)" % line)

# 2. url-encoded bodies that wedged CivetWeb's parser: a 4xx, at once
FORM = "application/x-www-form-urlencoded"
bad_forms = [b"login=a%0", b"login=a%", b"login=a%zz&password=b", b"login=a\x00b",
             b"lo%00gin=x", b"login=%00", b"a=%F", b"%"]
for body in bad_forms:
    for path in ("/login", "/signup"):
        line, dt = post(path, body, FORM)
        T.check(400 <= status_of(line) < 500 and dt < 3,
                "%r to %s: a 4xx within 3 s (got %r in %.1f s)" % (body, path, line, dt))
# the same through the multipart path and in query strings
line, _ = raw(b"GET /?q=a%0 HTTP/1.1\r\nHost: t\r\n\r\n")
T.check(status_of(line) == 400, "a bad escape in the query string: 400 (%r)" % line)
line, _ = raw(b"GET /api/v1/offers?q=a%00b HTTP/1.1\r\nHost: t\r\n\r\n")
T.check(status_of(line) == 400, "an encoded NUL in an API query: 400 (%r)" % line)
mp = (b"--XX\r\nContent-Disposition: form-data; name=\"login\"\r\n\r\nab\x00c\r\n--XX--\r\n")
line, _ = post("/login", mp, "multipart/form-data; boundary=XX")
T.check(status_of(line) == 400, "a NUL in a multipart value: 400 (%r)" % line)
for mp in (b"--XX\r\nContent-Disposition: form-data; name=\"login\"\r\n\r\nabc",
           b"--XX\r\nContent-Disposition: form-data; name=\"login\"\r\n\r\nabc\r\n--X",
           b"--XX\r\nContent-Disposition: form-data; name=\"login\"",
           b"--XX\r\n" + b"X: y\r\n" * 3000 + b"\r\nabc\r\n--XX--\r\n",
           b"no boundary here"):
    line, dt = post("/login", mp, "multipart/form-data; boundary=XX")
    T.check(status_of(line) == 400 and dt < 3, "a broken multipart body: 400 (%r)" % line)

# 64 wedging bodies at once (the whole pool, as the attack did): every one
# is answered and the server stays free
with concurrent.futures.ThreadPoolExecutor(max_workers=64) as ex:
    lines = list(ex.map(lambda i: post("/login", bad_forms[i % len(bad_forms)], FORM)[0],
                        range(64)))
T.check(all(400 <= status_of(x) < 500 for x in lines),
        "64 wedging bodies at once: all 4xx (%s)" % sorted(set(lines)))
alive("64 wedging bodies at once")

# 3. afterwards: no worker busy, CPU idle
time.sleep(0.5)
c0 = cpu_seconds()
time.sleep(1.5)
used = cpu_seconds() - c0
T.check(used < 0.3, "the process is idle afterwards (%.2f s of CPU in 1.5 s)" % used)
s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
s.sendall(b"GET /metrics HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
page = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    page += chunk
s.close()
m = re.search(rb"^offerapi_http_requests_in_flight (\d+)", page, re.M)
T.check(m is not None and int(m.group(1)) == 1,
        "only the scrape itself is in flight (%s)" % (m.group(0) if m else "no gauge"))

# 4. SIGTERM still stops it (a wedged worker blocked mg_stop forever)
t0 = time.monotonic()
srv.stop()
T.check(time.monotonic() - t0 < 15, "SIGTERM stops the server promptly")
srv.cleanup()
T.done()
