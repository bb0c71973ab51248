#!/usr/bin/env python3
"""test_proxy.py - the recommended front proxy (docs/haproxy.cfg, run as it
is by Debian's HAProxy) against slow clients and floods, on loopback.

1. Per client address, HAProxy admits 20 connections and closes the rest.
2. 1 000 slow connections from 50 client addresses (20 each, 127.0.1.x):
   a third idle, a third trickling their head a byte a second, a third
   trickling a body; meanwhile 8 clients (127.0.2.x) ask for GET / 8 times
   a second each (under the proxy's rate limit). Every fast request must
   be answered 200, every slow connection must be ended by HAProxy within
   its limits (timeout http-request 5 s, so before the 12 s the slow
   clients last), and the server must never see a slow one (its log counts only the fast requests). p50/p99/max of GET /
   are printed for the record, not asserted.
3. For reference, 150 idle connections straight at the server (no proxy):
   the latency of GET / is printed (CivetWeb gives each connection a worker
   until its request timeout).
A missing haproxy fails the test (Debian package haproxy, scripts/deps).
"""
import os
import resource
import selectors
import shutil
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server, fail, free_port  # noqa: E402

T = Checker("server-proxy")
HAPROXY = shutil.which("haproxy") or (os.access("/usr/sbin/haproxy", os.X_OK) and "/usr/sbin/haproxy")
if not HAPROXY:
    fail("haproxy is not installed (Debian package haproxy; scripts/deps installs it)")
CFG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "haproxy.cfg")
SLOW_S = 12.0
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < 4096:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 8192), hard))

srv = Server(scorers="random", extra=["--trust-proxy"])
front = free_port()
hlog = open(os.path.join(srv.tmp, "haproxy.log"), "wb")
env = dict(os.environ, OFFERAPI_FRONT="127.0.0.1:%d" % front, OFFERAPI_BACKEND="127.0.0.1:%d" % srv.port)
hap = subprocess.Popen([HAPROXY, "-f", CFG, "-db"], env=env, stdout=hlog, stderr=subprocess.STDOUT)


def get(port, path="/", src="127.0.0.1", timeout=30):
    """One GET on a new connection; returns (status or 0, seconds)."""
    t0 = time.monotonic()
    try:
        s = socket.socket()
        s.settimeout(timeout)
        s.bind((src, 0))
        s.connect(("127.0.0.1", port))
        s.sendall(b"GET %s HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n" % path.encode())
        got = b""
        while b"\r\n" not in got:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
        while s.recv(65536):
            pass
        s.close()
        st = int(got.split(b" ", 2)[1]) if got.startswith(b"HTTP/1.") else 0
    except OSError:
        st = 0
    return st, time.monotonic() - t0


deadline = time.time() + 20
while get(front, "/healthz", timeout=2)[0] != 200:
    if hap.poll() is not None or time.time() > deadline:
        hlog.close()
        fail("haproxy did not start: %s" % open(hlog.name, "rb").read().decode("utf-8", "replace"))
    time.sleep(0.1)

# ---- 1. connections per client address ---------------------------------------
conns, closed = [], 0
for i in range(25):
    s = socket.socket()
    s.bind(("127.0.0.50", 0))
    s.connect(("127.0.0.1", front))
    conns.append(s)
time.sleep(0.5)
for s in conns:
    s.setblocking(False)
    try:
        closed += s.recv(1) == b""
    except BlockingIOError:
        pass
    except ConnectionError:
        closed += 1
T.check(closed == 5, "25 connections from one address: 20 kept, 5 closed at once (%d closed)" % closed)
for s in conns:
    s.close()

# ---- 2. 1 000 slow connections, and a fast client ------------------------------
HEAD = b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: " + b"a" * 100 + b"\r\n\r\n"
BODY_HEAD = (b"POST /api/v1/sessions HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
             b"Content-Length: 1000\r\n\r\n")
sel = selectors.DefaultSelector()
slow = []  # [socket, kind, bytes sent, end time or None]
for i in range(1000):
    s = socket.socket()
    s.bind(("127.0.1.%d" % (1 + i % 50), 0))
    s.connect(("127.0.0.1", front))
    s.setblocking(False)
    kind = ("idle", "head", "body")[i % 3]
    if kind == "body":
        s.send(BODY_HEAD)
    c = [s, kind, 0, None]
    slow.append(c)
    sel.register(s, selectors.EVENT_READ, c)
t_slow = time.monotonic()

fast = []


def fast_client(src):
    # 8 requests a second from each address: under the proxy's 100 in 10 s
    while time.monotonic() - t_slow < SLOW_S - 1:
        fast.append(get(front, src=src))
        time.sleep(0.12)


ths = [threading.Thread(target=fast_client, args=("127.0.2.%d" % (1 + i),)) for i in range(8)]
for th in ths:
    th.start()
next_byte = time.monotonic()
while time.monotonic() - t_slow < SLOW_S:
    for key, _ in sel.select(timeout=0.05):
        c = key.data
        try:
            data = c[0].recv(4096)
        except ConnectionError:
            data = b""
        if not data or c[3] is None:
            c[3] = time.monotonic() - t_slow
            sel.unregister(c[0])
    if time.monotonic() >= next_byte:
        next_byte += 1.0
        for c in slow:
            if c[3] is None and c[1] != "idle":
                try:
                    c[0].send((HEAD if c[1] == "head" else b"x" * 1000)[c[2]:c[2] + 1])
                    c[2] += 1
                except OSError:
                    pass
for th in ths:
    th.join()
for c in slow:
    c[0].close()
sel.close()

lat = sorted(dt for st, dt in fast)
ok = sum(1 for st, dt in fast if st == 200)
ended = [c[3] for c in slow if c[3] is not None]


def pct(p):
    return lat[min(len(lat) - 1, int(p * len(lat)))] * 1000 if lat else float("nan")


print("server-proxy: through HAProxy with 1000 slow connections: %d GET / answered 200 of %d; "
      "latency p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (ok, len(fast), pct(0.5), pct(0.99),
                                                      lat[-1] * 1000 if lat else float("nan")))
print("server-proxy: slow connections ended by HAProxy: %d of 1000, after %.1f s to %.1f s"
      % (len(ended), min(ended) if ended else 0, max(ended) if ended else 0))
T.check(len(fast) >= 50 and ok == len(fast), "every fast GET / answered 200 (%d of %d)" % (ok, len(fast)))
T.check(len(ended) == 1000, "every slow connection ended by the proxy within the test (%d)" % len(ended))
T.check(not ended or max(ended) < SLOW_S, "none outlived the proxy's limits")
served = sum(1 for line in srv.logtext().splitlines() if 'msg=request' in line and 'path="/"' in line)
T.check(served == ok, "the server saw the fast requests only (%d served, %d fast)" % (served, ok))
T.check(get(front, "/healthz")[0] == 200, "the proxy and the server answer afterwards")

# ---- 3. reference: slow connections straight at the server ----------------------
idle = []
for i in range(150):
    s = socket.create_connection(("127.0.0.1", srv.port))
    idle.append(s)
direct = []
t0 = time.monotonic()
while time.monotonic() - t0 < 6:
    direct.append(get(srv.port, timeout=15))
for s in idle:
    s.close()
lat = sorted(dt for st, dt in direct)
print("server-proxy: for reference, straight at the server with 150 idle connections: %d GET /, "
      "%d answered 200; p50 %.1f ms, p99 %.1f ms, max %.1f ms"
      % (len(direct), sum(1 for st, dt in direct if st == 200), pct(0.5), pct(0.99), lat[-1] * 1000))

hap.terminate()
hap.wait(timeout=10)
hlog.close()
srv.stop()
srv.cleanup()
T.done()
