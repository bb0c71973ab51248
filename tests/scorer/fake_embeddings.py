#!/usr/bin/env python3
"""A small OpenAI-compatible embeddings server for the scorer-llm tests.

POST {prefix}/v1/embeddings with {"model": ..., "input": [...]} answers
{"object": "list", "data": [{"object": "embedding", "index": i,
"embedding": [...]}], "model": ...} where each embedding is a deterministic
hashed bag of words (64 dimensions, unit length), so texts that share words
get a higher cosine.

The path prefix chooses a behaviour, so each test asks for its own failure:
  /                      normal answers
  /status/CODE           always answer HTTP CODE (401, 403, 500, ...)
  /errmsg/CODE           always answer HTTP CODE with a long error message
                         of 2-byte characters after one ASCII byte, so that
                         a cut by bytes falls inside a character
  /flaky/ID/N/CODE       the first N requests for ID answer CODE, then normal
  /retryafter/ID/SECS    the first request for ID answers 429 with
                         Retry-After: SECS, then normal
  /slow/MS               wait MS milliseconds before answering
  /badjson               a body that is not JSON
  /nodata                JSON without "data"
  /noembedding           data items without "embedding"
  /count                 one embedding fewer than asked
  /dims                  the second embedding has other dimensions
  /dim/N                 embeddings of N dimensions
  /dimswitch/ID          64 dimensions for the first request of ID, 32 after
                         (a model changed behind a cached offer embedding)
  /auth/YEK              401 unless "Authorization: Bearer KEY", KEY being
                         YEK reversed (so that the URL, which is logged,
                         does not hold the key itself)
GET /stats answers {"requests": n, "inputs": n, "max_input_chars": n,
"auth_seen": bool} since the last GET /stats/reset.

Usage: fake_embeddings.py --port-file FILE   (binds 127.0.0.1, a free port,
written to FILE once listening) or --port N.
"""
import argparse
import hashlib
import json
import math
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DIM = 64
lock = threading.Lock()
counters = {}
stats = {"requests": 0, "inputs": 0, "max_input_chars": 0, "auth_seen": False}


def embedding(text, dim=DIM):
    vec = [0.0] * dim
    for word in re.findall(r"\w+", text.lower()):
        h = hashlib.md5(word.encode("utf-8")).digest()
        i = int.from_bytes(h[:4], "little") % dim
        vec[i] += 1.0 if h[4] & 1 else -1.0
    norm = math.sqrt(sum(v * v for v in vec))
    if norm == 0:
        vec[0] = 1.0  # a direction for texts without words
        norm = 1.0
    return [v / norm for v in vec]


def count(key):
    with lock:
        counters[key] = counters.get(key, 0) + 1
        return counters[key]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go in two writes

    def log_message(self, fmt, *args):  # quiet
        pass

    def send(self, code, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/stats":
            with lock:
                self.send(200, dict(stats))
        elif self.path == "/stats/reset":
            with lock:
                stats.update(requests=0, inputs=0, max_input_chars=0, auth_seen=False)
            self.send(200, {"ok": True})
        else:
            self.send(404, {"error": {"message": "not found"}})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        path = self.path
        if not path.endswith("/v1/embeddings"):
            self.send(404, {"error": {"message": "unknown path " + path}})
            return
        mode = path[: -len("/v1/embeddings")].strip("/").split("/")
        mode = [m for m in mode if m]
        try:
            req = json.loads(raw)
            inputs = req["input"]
            if isinstance(inputs, str):
                inputs = [inputs]
        except (ValueError, KeyError, TypeError) as e:
            self.send(400, {"error": {"message": "bad request: %s" % e}})
            return
        with lock:
            stats["requests"] += 1
            stats["inputs"] += len(inputs)
            for t in inputs:
                stats["max_input_chars"] = max(stats["max_input_chars"], len(t))
            if self.headers.get("Authorization"):
                stats["auth_seen"] = True
        dim = DIM
        kind = mode[0] if mode else ""
        if kind == "status":
            self.send(int(mode[1]), {"error": {"message": "status %s as asked" % mode[1]}})
            return
        if kind == "errmsg":
            self.send(int(mode[1]), {"error": {"message": "x" + "\u00e9" * 200}})
            return
        if kind == "flaky" and count(mode[1]) <= int(mode[2]):
            self.send(int(mode[3]), {"error": {"message": "try again"}})
            return
        if kind == "retryafter" and count(mode[1]) == 1:
            self.send(429, {"error": {"message": "slow down"}}, {"Retry-After": mode[2]})
            return
        if kind == "slow":
            time.sleep(int(mode[1]) / 1000.0)
        if kind == "badjson":
            self.send(200, b'{"data": [ {"embedding": [0.1, 0.2,')
            return
        if kind == "nodata":
            self.send(200, {"object": "list", "model": req.get("model")})
            return
        if kind == "auth" and self.headers.get("Authorization") != "Bearer " + mode[1][::-1]:
            self.send(401, {"error": {"message": "invalid api key"}})
            return
        if kind == "dim":
            dim = int(mode[1])
        if kind == "dimswitch" and count(mode[1]) > 1:
            dim = 32
        data = []
        for i, text in enumerate(inputs):
            d = dim + 8 if kind == "dims" and i == 1 else dim
            item = {"object": "embedding", "index": i, "embedding": embedding(text, d)}
            if kind == "noembedding":
                del item["embedding"]
            data.append(item)
        if kind == "count":
            data = data[:-1]
        self.send(200, {"object": "list", "data": data, "model": req.get("model"),
                        "usage": {"prompt_tokens": 0, "total_tokens": 0}})


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)  # readers never see half a number
    else:
        print("PORT %d" % port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
