"""serverlib.py - start the real offerapi-server on loopback and talk to it.

Used by every test under tests/server/. http.client for requests (cookies
handled by hand so tests see exactly what the server sends), a minimal PDF
writer for real CVs. Every answer under /api/v1/ is checked against
server/openapi.yaml (contract.py: python3-yaml, python3-jsonschema) and
Checker.done() fails the test on any mismatch.

Environment (set by tests/server/meson.build):
  OFFERAPI_SERVER_BIN   path of build/server/offerapi-server
  OFFERAPI_PLUGINS      scorer plugin files (.so), separated by ':'
  OFFERAPI_TEST_PG_URL  when set and the test asks for PostgreSQL
  OFFERAPI_ADMIN_BIN    path of build/tools/admin/offerapi-admin (admin())
"""
import atexit
import email
import email.policy
import http.client
import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.parse
import uuid
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import contract  # noqa: E402

BIN = os.environ.get("OFFERAPI_SERVER_BIN", "")
SMTPD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "mail", "smtpd.py")


def fail(msg):
    print("FAIL: " + msg, file=sys.stderr)
    sys.exit(1)


# Every child a test starts (servers, the SMTP server) dies with the test,
# however it ends: a failed check exits at once, and a child left behind
# would keep meson's output pipe open, so meson would wait for its timeout.
_CHILDREN = []


def _reap():
    for p in _CHILDREN:
        if p.poll() is None:
            p.kill()
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


atexit.register(_reap)


# Personal data the tests sent (names, e-mail addresses, CV lines, answers),
# registered by the helpers that send it: no server's log may hold any of
# it (checked at stop(); issue 16, "nothing personal in logs").
PERSONAL = set()


def personal(value):
    if isinstance(value, str) and len(value) >= 10 and re.search(r"[A-Za-z]{3}", value):
        PERSONAL.add(value)


def personal_fields(fields):
    for k, v in (fields or {}).items():
        if k in ("display_name", "email") or k.startswith("answer"):
            personal(v)
        elif k == "answers" and isinstance(v, list):
            for a in v:
                personal(a if isinstance(a, str) else (a or {}).get("text"))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def make_pdf(lines, pages=1):
    """A real PDF (Helvetica) of @pages pages, each showing @lines (ASCII),
    with a correct cross-reference table."""
    text = "BT /F1 11 Tf 14 TL 56 780 Td\n"
    for line in lines:
        personal(line)
        esc = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text += "(%s) Tj T*\n" % esc
    text += "ET\n"
    content = text.encode("latin-1")
    kids = " ".join("%d 0 R" % (5 + i) for i in range(pages)).encode()
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % pages,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
    ]
    for _ in range(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                    b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>")
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def make_image_only_pdf():
    """A valid PDF with one page and no text at all (draws a rectangle)."""
    content = b"0 0 1 rg 10 10 100 100 re f\n"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def make_pdf_bomb(blank_mib=4, draws=2000):
    """A 5 KB PDF that costs MuPDF about 30 s of CPU (tests/common/pdfbomb.c,
    PDFBOMB_FORM): a page with one line of text, then a form of @blank_mib
    MiB of deflated blanks drawn @draws times."""
    text = b"BT /F1 11 Tf 56 780 Td (Jeanne Dupont - Developpeuse C) Tj ET\n"
    page = zlib.compress(text + b"/X1 Do\n" * draws, 9)
    form = zlib.compress(b" " * (blank_mib << 20), 9)
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >>"
        b" /XObject << /X1 6 0 R >> >> /Contents 5 0 R >>",
        b"<< /Filter /FlateDecode /Length %d >>\nstream\n" % len(page) + page + b"\nendstream",
        b"<< /Type /XObject /Subtype /Form /BBox [0 0 10 10] /Filter /FlateDecode /Length %d >>"
        b"\nstream\n" % len(form) + form + b"\nendstream",
    ]
    out = b"%PDF-1.7\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


def multipart(fields, files):
    """Encode @fields {name: str} and @files {name: (filename, bytes, ctype)}."""
    personal_fields(fields)
    boundary = "----offerapi" + uuid.uuid4().hex
    body = b""
    for k, v in fields.items():
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n" % (boundary, k)).encode()
        body += v.encode("utf-8") + b"\r\n"
    for k, (fn, data, ct) in files.items():
        body += ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                 "Content-Type: %s\r\n\r\n" % (boundary, k, fn, ct)).encode()
        body += data + b"\r\n"
    body += ("--%s--\r\n" % boundary).encode()
    return body, "multipart/form-data; boundary=" + boundary


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers  # list of (name, value)
        self.body = body

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def headers_all(self, name):
        return [v for k, v in self.headers if k.lower() == name.lower()]

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)


class Client:
    """A browser-like client: keeps the cookies the server sets, one
    keep-alive connection, never follows redirects (tests check them)."""

    def __init__(self, port, lang="fr"):
        self.port = port
        self.cookies = {}
        self.lang = lang
        self.conn = None
        self.token = None  # bearer token for the API when set
        # behind a proxy: the proxy's own answers (no X-Request-Id: our
        # server sets one on every answer) are not the API's to check
        self.proxied = False

    def _conn(self):
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return self.conn

    def request(self, method, path, body=None, headers=None, cookies=True):
        h = {"Accept-Language": self.lang}
        if cookies and self.cookies:
            h["Cookie"] = "; ".join("%s=%s" % kv for kv in self.cookies.items())
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        if headers:
            h.update(headers)
        for attempt in range(2):
            try:
                c = self._conn()
                c.request(method, path, body=body, headers=h)
                r = c.getresponse()
                data = r.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError,
                    http.client.CannotSendRequest, http.client.ResponseNotReady):
                # The server closed a keep-alive connection: open another.
                self.close()
                if attempt:
                    raise
        resp = Response(r.status, r.getheaders(), data)
        resp.contract_errors = []
        from_proxy = self.proxied and resp.header("X-Request-Id") is None
        if not from_proxy and (path.startswith("/api/v1/") or contract().operation(method, path)[0]):
            resp.contract_errors = contract().check(method, path, resp.status, resp.headers,
                                                    data)
        for sc in resp.headers_all("Set-Cookie"):
            name, _, rest = sc.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in sc:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        if (resp.header("Connection") or "").lower() == "close":
            self.close()
        return resp

    def close(self):
        if self.conn:
            self.conn.close()
            self.conn = None

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def csrf(self, path="/login"):
        r = self.get(path)
        m = re.search(r'name="csrf" value="([0-9a-f]{64})"', r.text)
        if not m:
            fail("no CSRF token on %s (status %d)" % (path, r.status))
        return m.group(1)

    def post_form(self, path, fields, csrf_from="/login", csrf=True):
        f = dict(fields)
        personal_fields(f)
        if csrf and "csrf" not in f:
            f["csrf"] = self.csrf(csrf_from)
        body = urllib.parse.urlencode(f).encode()
        return self.request("POST", path, body=body,
                            headers={"Content-Type": "application/x-www-form-urlencoded"})

    def post_multipart(self, path, fields, files, csrf_from=None):
        f = dict(fields)
        if csrf_from is not None and "csrf" not in f:
            f["csrf"] = self.csrf(csrf_from)
        body, ct = multipart(f, files)
        return self.request("POST", path, body=body, headers={"Content-Type": ct})

    def api(self, method, path, obj=None, headers=None):
        h = {"Content-Type": "application/json"} if obj is not None else {}
        if headers:
            h.update(headers)
        if isinstance(obj, dict):
            personal_fields(obj)
        body = json.dumps(obj).encode() if obj is not None else None
        return self.request(method, path, body=body, headers=h)


class Server:
    """One offerapi-server process on a free loopback port."""

    def __init__(self, db_url=None, extra=(), env=None, plugins=None, scorers="random,similarity",
                 tmp=None):
        if not BIN or not os.access(BIN, os.X_OK):
            fail("OFFERAPI_SERVER_BIN does not name the server binary: %r" % BIN)
        self.tmp = tmp or tempfile.mkdtemp(prefix="offerapi-server-test.")
        self.own_tmp = tmp is None
        self.plugin_dir = os.path.join(self.tmp, "plugins")
        if not os.path.isdir(self.plugin_dir):
            os.makedirs(self.plugin_dir)
            for p in (plugins if plugins is not None else
                      [p for p in os.environ.get("OFFERAPI_PLUGINS", "").split(":") if p]):
                os.symlink(os.path.abspath(p), os.path.join(self.plugin_dir, os.path.basename(p)))
        self.db_url = db_url or "sqlite:" + os.path.join(self.tmp, "test.db")
        self.extra, self.env, self.scorers = list(extra), env, scorers
        # a free port may be taken before the server binds it (a client's
        # own port, another test's server): then start on another
        for _ in range(5):
            if self._start():
                break
        else:
            fail("the server found no free port in 5 tries:\n" + self.logtext())

    def _start(self):
        """Start on a free port until /healthz answers: True; False when the
        port was taken meanwhile (the process is gone); fails otherwise."""
        self.port = free_port()
        self.log_path = os.path.join(self.tmp, "server-%d.log" % self.port)
        args = [BIN, "--listen", "127.0.0.1:%d" % self.port, "--database", self.db_url,
                "--plugin-dir", self.plugin_dir, "--scorers", self.scorers,
                "--pwhash-memlimit", "8192", "--pwhash-opslimit", "1",
                "--secret", "test-secret", "--signup-limit", "0"] + self.extra
        e = dict(os.environ)
        if self.env:
            e.update(self.env)
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=e)
        _CHILDREN.append(self.proc)
        deadline = time.time() + 30
        while True:
            if self.proc.poll() is not None:
                self.log.flush()
                if "offerapi-server: cannot listen on " in self.logtext():
                    self.log.close()
                    return False
                fail("the server exited with %d at start-up:\n%s" % (self.proc.returncode, self.logtext()))
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                c.request("GET", "/healthz")
                if c.getresponse().status == 200:
                    return True
            except OSError:
                pass
            finally:
                c.close()
            if time.time() > deadline:
                self.proc.kill()
                fail("the server did not answer /healthz within 30 s:\n" + self.logtext())
            time.sleep(0.05)

    def logtext(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def wait_log(self, pattern, limit=30):
        """The server's log once the regular expression @pattern matches in
        it (its workers log a job after reporting it), or after @limit
        seconds."""
        return poll(self.logtext, lambda t: re.search(pattern, t, re.M), limit, every=0.05)

    def client(self, lang="fr"):
        return Client(self.port, lang)

    def stop(self, expect_code=0):
        """SIGTERM, wait, and check the exit status."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                fail("the server did not stop within 60 s of SIGTERM")
        self.log.close()
        if expect_code is not None and self.proc.returncode != expect_code:
            fail("the server exited with %s, expected %s:\n%s" %
                 (self.proc.returncode, expect_code, self.logtext()[-4000:]))
        text = self.logtext()
        for bad in ("AddressSanitizer", "runtime error:", "LeakSanitizer"):
            if bad in text:
                fail("sanitizer report in the server's log:\n" + text[-6000:])
        leaks = sorted(p for p in PERSONAL if p in text)
        if leaks:
            line = next(ln for ln in text.splitlines() if leaks[0] in ln)
            fail("personal data in the server's log (%d item(s), e.g. %r in: %s)" %
                 (len(leaks), leaks[0], line[:300]))
        return text

    def cleanup(self):
        if self.own_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)


class Smtpd:
    """tests/mail/smtpd.py (Debian's python3-aiosmtpd) on a loopback port:
    every message it receives is a .eml file in its folder."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="offerapi-smtpd.")
        self.proc = subprocess.Popen(["/usr/bin/python3", SMTPD, self.dir], stdout=subprocess.PIPE)
        _CHILDREN.append(self.proc)
        line = self.proc.stdout.readline().decode()
        if not line.startswith("port "):
            fail("smtpd.py did not start (python3-aiosmtpd missing?)")
        self.port = int(line.split()[1])

    def messages(self):
        return sorted(f for f in os.listdir(self.dir) if f.endswith(".eml"))

    def wait(self, n, timeout=20):
        deadline = time.time() + timeout
        while len(self.messages()) < n and time.time() < deadline:
            time.sleep(0.05)
        got = self.messages()
        if len(got) < n:
            fail("%d message(s) at the SMTP server, expected %d" % (len(got), n))
        with open(os.path.join(self.dir, got[n - 1]), "rb") as f:
            return email.message_from_bytes(f.read(), policy=email.policy.default)

    def relay_args(self):
        """The server options that send mail here, with links to
        https://jobs.example.org."""
        return ["--smtp-url", "smtp://127.0.0.1:%d" % self.port, "--mail-from",
                "jobs@example.org", "--public-url", "https://jobs.example.org"]

    def parsed(self):
        """Every message received so far, parsed, oldest first."""
        out = []
        for name in self.messages():
            with open(os.path.join(self.dir, name), "rb") as f:
                out.append(email.message_from_bytes(f.read(), policy=email.policy.default))
        return out

    def find(self, pred, timeout=20):
        """The first message received for which pred(message) is true,
        waiting up to timeout seconds for it; None when none came."""
        deadline = time.time() + timeout
        while True:
            for m in self.parsed():
                if pred(m):
                    return m
            if time.time() > deadline:
                return None
            time.sleep(0.05)

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=10)


class Checker:
    """Counts checks; prints the closing 'N passed, N failed' line."""

    def __init__(self, name):
        self.name = name
        self.passed = 0
        self.failed = 0

    def check(self, cond, what):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL: %s: %s" % (self.name, what), file=sys.stderr)
        return cond

    def status(self, resp, expected, what):
        exp = expected if isinstance(expected, (list, tuple, set)) else [expected]
        ok = resp.status in exp
        if not ok:
            what = "%s: got %d, expected %s; body: %s" % (what, resp.status, "/".join(map(str, exp)),
                                                         resp.text[:300])
        return self.check(ok, what)

    def done(self):
        c = contract()
        for p in c.problems:
            self.check(False, "against server/openapi.yaml: " + p)
        self.check(c.checked == 0 or not c.problems, "%d API answers match server/openapi.yaml"
                   % c.checked)
        print("%s: %d passed, %d failed" % (self.name, self.passed, self.failed))
        sys.exit(1 if self.failed else 0)


def backend_db_url(backend):
    """The database a test on @backend gives the server: None on SQLite
    (the server's own file), else the URL tests/with-postgresql.sh exports
    (its absence fails the test)."""
    if backend != "postgresql":
        return None
    return os.environ.get("OFFERAPI_TEST_PG_URL") or fail(
        "OFFERAPI_TEST_PG_URL is not set: run under tests/with-postgresql.sh")


PG_BIN = os.environ.get("PG_BINDIR", "/usr/lib/postgresql/15/bin")


def sql(db_url, statement, params=()):
    """Run one statement in a server's database, beside the server (an
    SQLite file, or PostgreSQL through psql); returns its rows, each a list
    of strings. @params fill '?' placeholders (integers on PostgreSQL)."""
    if db_url.startswith("sqlite:"):
        db = sqlite3.connect(db_url[len("sqlite:"):], timeout=30)
        try:
            rows = [[str(v) for v in row] for row in db.execute(statement, params).fetchall()]
            db.commit()
            return rows
        finally:
            db.close()
    for v in params:
        statement = statement.replace("?", str(int(v)), 1)
    psql = os.path.join(PG_BIN, "psql")
    p = subprocess.run([psql if os.access(psql, os.X_OK) else "psql", "-q", "-At", "-v",
                        "ON_ERROR_STOP=1", db_url, "-c", statement], capture_output=True,
                       timeout=60)
    if p.returncode != 0:
        fail("psql failed: %s" % p.stderr.decode())
    return [ln.split("|") for ln in p.stdout.decode().splitlines() if ln]


def admin_bin():
    """offerapi-admin (OFFERAPI_ADMIN_BIN); its absence fails the test."""
    path = os.environ.get("OFFERAPI_ADMIN_BIN")
    if not path or not os.access(path, os.X_OK):
        fail("OFFERAPI_ADMIN_BIN names the offerapi-admin binary: %r" % path)
    return path


def admin(*args, database=None, stdin=None, env=None, timeout=120):
    """Run offerapi-admin ARGS (after --database DATABASE when given) in
    the C locale, with @stdin as input and @env over the environment;
    returns (exit status, stdout, stderr) as text."""
    e = dict(os.environ)
    e["LANG"] = "C"
    e.update(env or {})
    pre = ["--database", database] if database else []
    p = subprocess.run([admin_bin()] + pre + list(args), input=stdin, capture_output=True,
                       encoding="utf-8", env=e, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def admin_on(database, *args, **kw):
    """admin() on the database at URL @database."""
    return admin(*args, database=database, **kw)


_seq = [0]


def unique(prefix):
    _seq[0] += 1
    return "%s%d%s" % (prefix, _seq[0], uuid.uuid4().hex[:6])


def signup(server_or_client, role, login=None, name=None, password="staple-battery-horse-42",
           must=True, email=None, lang="fr"):
    """Sign a new user up through the API (with an e-mail address when
    given, in language lang); returns a Client logged in by cookie (as a
    browser) and its bearer token. With must=False, a refused sign-up
    returns None instead of failing the test."""
    c = server_or_client.client(lang) if isinstance(server_or_client, Server) else server_or_client
    login = login or unique(role[:3])
    body = {"login": login, "display_name": name or login.title(), "password": password,
            "role": role}
    if email:
        body["email"] = email
    r = c.api("POST", "/api/v1/users", body)
    if r.status != 201:
        if not must:
            return None
        fail("sign-up of %s failed: %d %s" % (login, r.status, r.text))
    c.login = login
    c.password = password
    c.user = r.json()["user"]
    c.bearer = r.json()["token"]
    return c


def create_offer(c, title="Développeur C", questions=("Pourquoi nous ?",), skills=("C", "Linux"),
                 location="Lyon", description="Écrire du C sobre et testé."):
    r = c.api("POST", "/api/v1/offers", {"title": title, "description": description,
                                          "location": location, "skills": list(skills),
                                          "questions": list(questions)},
              headers={"X-Requested-With": "test"})
    if r.status != 201:
        fail("offer creation failed: %d %s" % (r.status, r.text))
    return r.json()["offer"]["id"]


CV_LINES = ["Jeanne Dupont - Developpeuse C", "C, Linux, PostgreSQL, Meson",
            "Dix ans de pilotes et de protocoles"]


def apply_api(c, offer_id, answers=("Parce que.",), pdf=None, filename="cv.pdf"):
    body, ct = multipart({"answer_%d" % i: a for i, a in enumerate(answers)},
                         {"cv": (filename, pdf if pdf is not None else make_pdf(CV_LINES),
                                 "application/pdf")})
    return c.request("POST", "/api/v1/offers/%d/applications" % offer_id, body=body,
                     headers={"Content-Type": ct, "X-Requested-With": "test"})


def poll(read, done, limit, every=0.1):
    """Call read() every @every seconds until done(its value) is true or
    @limit seconds have passed (a hang guard, not a timing): the last value
    read."""
    deadline = time.time() + limit
    while True:
        value = read()
        if done(value) or time.time() > deadline:
            return value
        time.sleep(every)


def wait_scored(rec, app_id, n=2, limit=60):
    """Poll (as the offer's recruiter @rec) until application @app_id has @n
    scores: scoring is a job, and an answer to apply may come before it (its
    wait is bounded). True once scored, False after @limit seconds."""
    def scored(r):
        return r.status == 200 and len(r.json()["application"].get("scores", [])) >= n
    return scored(poll(lambda: rec.api("GET", "/api/v1/applications/%d" % app_id), scored, limit))


def wait_offer_scored(c, offer_id, n=2, limit=60):
    """Poll (as offer @offer_id's recruiter @c) until each of its first 100
    applications has @n scores. True once they have, False after @limit
    seconds."""
    def scored(r):
        return r.status == 200 and all(len(a.get("scores", [])) >= n
                                       for a in r.json()["applications"])
    return scored(poll(lambda: c.get("/api/v1/offers/%d/applications?limit=100" % offer_id),
                       scored, limit))


def wait_metric(c, pattern, limit=30):
    """Poll /metrics (as @c) until the regular expression @pattern matches a
    line: a worker counts a job just after storing its result. Returns the
    exposition text, the last one read if it never matched."""
    return poll(lambda: c.get("/metrics").text, lambda t: re.search(pattern, t, re.M), limit)


def link_rels(resp):
    """{rel: url} of a response's RFC 8288 Link header."""
    return {rel: url for url, rel in
            re.findall(r'<([^>]*)>;\s*rel="([a-z]+)"', resp.header("Link") or "")}


def check_paged_list(T, c, path, key, made, foreign_cursor=None, in_order=False):
    """Walk the API list @path (items under @key) 3 a page, by the body's
    next and then by the Link header, and check with @T: it holds exactly
    the ids @made, each once, newest first (created_at, then id; with
    @in_order, created_at then the order of @made); pages of 3; total and
    limit; prev of page 2 is page 1; a malformed cursor, @foreign_cursor
    (another list's) and a bad limit are 400 naming the parameter. Returns
    the ids in list order."""
    def walk(by_link):
        ids, pages, url = [], [], path + "?limit=3"
        while url and len(pages) < 50:
            r = c.get(url)
            if not T.status(r, 200, "GET " + url):
                break
            body = r.json()
            pages.append(body)
            ids += [x["id"] for x in body[key]]
            T.check((body["next"] is None) == ("next" not in link_rels(r)),
                    "%s: Link rel=next iff next" % url)
            if by_link:
                url = link_rels(r).get("next")
            else:
                url = path + "?limit=3&cursor=" + body["next"] if body["next"] else None
        return ids, pages

    ids, pages = walk(False)
    n = len(made)
    T.check(len(ids) == len(set(ids)) and sorted(ids) == sorted(made),
            "%s: every item once, none missing (%s, made %s)" % (path, ids, sorted(made)))
    items = [x for p in pages for x in p[key]]
    order = sorted(items, key=lambda x: (x["created_at"], x["id"]), reverse=True)
    if in_order:
        times = [x["created_at"] for x in items]
        T.check(ids == list(made) and times == sorted(times, reverse=True),
                "%s: newest first, in the order %s: %s" % (path, made, ids))
    else:
        T.check([x["id"] for x in order] == ids, "%s: newest first, then by id: %s" % (path, ids))
    T.check([len(p[key]) for p in pages] == [3] * (n // 3) + ([n % 3] if n % 3 else []),
            "%s: pages of 3 (%s)" % (path, [len(p[key]) for p in pages]))
    T.check(all(p["limit"] == 3 and p["total"] == n for p in pages),
            "%s: limit 3 and total %d on every page" % (path, n))
    T.check(pages[0]["prev"] is None and pages[-1]["next"] is None,
            "%s: no prev on the first page, no next on the last" % path)
    ids2, _ = walk(True)
    T.check(ids2 == ids, "%s: the Link header walks the same pages" % path)
    if len(pages) > 1:
        r = c.get(path + "?limit=3&cursor=" + pages[1]["prev"])
        T.check(r.status == 200 and [x["id"] for x in r.json()[key]] == ids[:3],
                "%s: prev of page 2 is page 1" % path)
    bad = [("cursor=t1.n.0.00000000.1.2.3.4", "cursor"), ("cursor=%25%25", "cursor"),
           ("limit=0", "limit"), ("limit=501", "limit"), ("limit=x", "limit"),
           ("colour=red", "colour")]
    if foreign_cursor:
        bad.append(("cursor=" + foreign_cursor, "cursor"))
    for q, param in bad:
        r = c.get(path + "?" + q)
        T.status(r, 400, "%s?%s" % (path, q))
        errs = r.json().get("errors", []) if r.status == 400 else []
        T.check(any(e.get("parameter") == param and e.get("detail") for e in errs),
                "%s?%s: the problem names %s with a message (%r)" % (path, q, param, errs))
    return ids
