#!/usr/bin/env python3
"""test_threads.py - more keep-alive connections than worker threads.

CivetWeb serves one connection per worker thread, keep-alive included
(docs/dependencies.md, "One connection per worker"): with 4 workers and 16 clients holding keep-alive
connections, waiting clients are served only when a worker drops an idle
connection after --keep-alive-ms. This checks that every request of every
client is answered, completely, and that the server stays healthy: a stall
would hit the per-request socket timeout (60 s) and fail the test. No
timing is asserted.
"""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import Checker, Server  # noqa: E402

T = Checker("server-threads")
srv = Server(extra=["--threads", "4", "--keep-alive-ms", "200"])
CLIENTS, REQUESTS = 16, 25
done = [0] * CLIENTS
errors = []


def client(i):
    c = srv.client()
    try:
        for _ in range(REQUESTS):
            r = c.get("/")
            if r.status != 200 or not r.text.endswith("</html>\n"):
                errors.append("client %d: status %d" % (i, r.status))
                return
            done[i] += 1
    except OSError as e:
        errors.append("client %d: %s" % (i, e))
    finally:
        c.close()


threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
for t in threads:
    t.start()
for t in threads:
    t.join()
T.check(not errors, "every client served: %s" % errors[:5])
T.check(sum(done) == CLIENTS * REQUESTS, "all %d requests answered (%d)" % (CLIENTS * REQUESTS, sum(done)))
r = srv.client().get("/healthz")
T.status(r, 200, "healthy afterwards")
srv.stop()
srv.cleanup()
T.done()
