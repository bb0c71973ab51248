#!/usr/bin/python3
"""smtpd.py DIR [--port N] [--refuse-first N] [--json]: a real SMTP server for tests.

Debian's python3-aiosmtpd on 127.0.0.1. Each message it accepts is written
to DIR as NNNN.eml (the DATA as received, CRLF line ends), atomically
(written to a temporary name, then renamed), and the envelope to
NNNN.env (MAIL FROM, then one RCPT TO a line). It prints "port N" on
stdout once it listens, then runs until SIGTERM or SIGINT.
--refuse-first N answers the first N messages' DATA with a 451 (a relay
that fails for a while). --json also writes NNNN.json, the message as
Python's email package reads it, for tests in other languages (the browser
tests): {"mail_from", "rcpt_tos", "headers": {name: decoded value},
"subject", "to", "text", "html"}, before the .eml (a test that waits for
NNNN.eml finds both). Never skips: a missing aiosmtpd is an error.
"""
import argparse
import email
import email.policy
import json
import os
import signal
import socket
import sys
import threading

try:
    from aiosmtpd.controller import Controller
except ImportError:
    sys.exit("smtpd.py: python3-aiosmtpd is missing (apt-get install python3-aiosmtpd)")


class Saver:
    def __init__(self, folder, refuse, as_json):
        self.folder = folder
        self.refuse = refuse
        self.as_json = as_json
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse > 0:
                self.refuse -= 1
                return "451 4.3.0 try again later (test relay)"
            self.count += 1
            n = self.count
        base = os.path.join(self.folder, "%04d" % n)
        files = [(".env", "\n".join([envelope.mail_from] + envelope.rcpt_tos).encode()),
                 (".eml", envelope.original_content)]
        if self.as_json:
            files.insert(1, (".json", as_json(envelope)))
        for ext, data in files:
            with open(base + ext + ".tmp", "wb") as f:
                f.write(data)
            os.rename(base + ext + ".tmp", base + ext)
        return "250 2.0.0 OK"


def as_json(envelope):
    """The message decoded (RFC 2047 headers, base64 or quoted-printable
    parts) as UTF-8 JSON; a message Python cannot read is an error in it."""
    m = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    out = {"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
           "headers": {k: str(v) for k, v in m.items()},
           "subject": str(m["Subject"] or ""), "to": str(m["To"] or "")}
    for kind in ("plain", "html"):
        part = m.get_body(preferencelist=(kind,))
        out["text" if kind == "plain" else "html"] = part.get_content() if part else None
    return json.dumps(out, ensure_ascii=False, indent=1).encode()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--refuse-first", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    os.makedirs(a.folder, exist_ok=True)
    port = a.port or free_port()
    ctl = Controller(Saver(a.folder, a.refuse_first, a.json), hostname="127.0.0.1", port=port)
    ctl.start()
    print("port %d" % port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    ctl.stop()


if __name__ == "__main__":
    main()
