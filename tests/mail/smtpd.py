#!/usr/bin/python3
"""smtpd.py DIR [--port N] [--refuse-first N]: a real SMTP server for tests.

Debian's python3-aiosmtpd on 127.0.0.1. Each message it accepts is written
to DIR as NNNN.eml (the DATA as received, CRLF line ends), atomically
(written to a temporary name, then renamed), and the envelope to
NNNN.env (MAIL FROM, then one RCPT TO a line). It prints "port N" on
stdout once it listens, then runs until SIGTERM or SIGINT.
--refuse-first N answers the first N messages' DATA with a 451 (a relay
that fails for a while). Never skips: a missing aiosmtpd is an error.
"""
import argparse
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
    def __init__(self, folder, refuse):
        self.folder = folder
        self.refuse = refuse
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
        for ext, data in ((".env", "\n".join([envelope.mail_from] + envelope.rcpt_tos).encode()),
                          (".eml", envelope.original_content)):
            with open(base + ext + ".tmp", "wb") as f:
                f.write(data)
            os.rename(base + ext + ".tmp", base + ext)
        return "250 2.0.0 OK"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--refuse-first", type=int, default=0)
    a = ap.parse_args()
    os.makedirs(a.folder, exist_ok=True)
    port = a.port or free_port()
    ctl = Controller(Saver(a.folder, a.refuse_first), hostname="127.0.0.1", port=port)
    ctl.start()
    print("port %d" % port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    done.wait()
    ctl.stop()


if __name__ == "__main__":
    main()
