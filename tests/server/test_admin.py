#!/usr/bin/env python3
"""test_admin.py - offerapi-admin's key and integrity commands on a store the
real server filled (SQLite): key-create, rotate-key (the old key no longer
opens the store, the new one does), check (a damaged CV is found, exit 1),
usage errors (exit 2), --json, --help in French and English. It also greps the
database file and the server's log for the sentences of the CV that was sent
and the logins used: absent."""
import json
import os
import sqlite3
import stat
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from serverlib import CV_LINES, Checker, Server, apply_api, create_offer, signup  # noqa: E402

ADMIN = os.environ.get("OFFERAPI_ADMIN_BIN")
T = Checker("admin")
if not ADMIN or not os.access(ADMIN, os.X_OK):
    T.check(False, "OFFERAPI_ADMIN_BIN names the offerapi-admin binary: %r" % ADMIN)
    T.done()


def admin(*args, env=None):
    e = dict(os.environ)
    e.pop("OFFERAPI_DATA_KEY_FILE", None)
    e.update({"LANG": "C"}, **(env or {}))
    p = subprocess.run([ADMIN] + list(args), capture_output=True, text=True, env=e, timeout=60)
    return p.returncode, p.stdout, p.stderr


srv = Server()
db = os.path.join(srv.tmp, "test.db")
url = "sqlite:" + db
try:
    T.check("created the data key file %s.key" % db in srv.logtext(), "the server says it made a key")
    rec = signup(srv, "recruiter")
    oid = create_offer(rec)
    cand = signup(srv, "candidate")
    r = apply_api(cand, oid)
    T.status(r, 201, "apply")
finally:
    log = srv.stop()

# nothing personal in the server's log: no login, no CV line
for what in [rec.login, cand.login] + CV_LINES:
    T.check(what not in log, "the server's log does not hold %r" % what)

st = os.stat(db + ".key")
T.check(stat.S_IMODE(st.st_mode) == 0o600, "the default key file is mode 0600")
blob = b""
for suffix in ("", "-wal"):
    if os.path.exists(db + suffix):
        with open(db + suffix, "rb") as f:
            blob += f.read()
for line in CV_LINES:
    T.check(line.encode() not in blob, "the database file holds no CV line: %r" % line)
T.check(b"recruiter" in blob or b"rec" in blob, "the grep reads the database (a login is there)")

rc, out, err = admin("--database", url, "--json", "check")
T.check(rc == 0, "check exits 0: %d %s" % (rc, err))
j = json.loads(out)
T.check(j["cvs_sealed"] == 1 and j["cvs_damaged"] == 0 and j["ok"], "check --json: %s" % out)

new = os.path.join(srv.tmp, "new.key")
rc, out, err = admin("key-create", new)
T.check(rc == 0 and stat.S_IMODE(os.stat(new).st_mode) == 0o600, "key-create: 0600")
rc, out, err = admin("--json", "key-create", new)
T.check(rc == 3 and json.loads(out)["ok"] is False, "key-create never overwrites: exit 3")
rc, out, err = admin("--database", url, "rotate-key")
T.check(rc == 2 and "--new-key-file" in err, "rotate-key without --new-key-file: exit 2")
rc, out, err = admin("--database", url, "--new-key-file", new, "rotate-key")
T.check(rc == 0, "rotate-key: %d %s" % (rc, err))
rc, out, err = admin("--database", url, "check")
T.check(rc == 3 and "does not open" in err, "the old key no longer opens the store: %d %s" % (rc, err))
rc, out, err = admin("--database", url, "check", env={"OFFERAPI_DATA_KEY_FILE": new})
T.check(rc == 0 and "encrypted CVs: 1; damaged: 0" in out, "the new key does (variable): %s %s" % (out, err))

con = sqlite3.connect(db)
con.execute("UPDATE cv_sealed SET cv_text = zeroblob(length(cv_text))")
con.commit()
con.close()
rc, out, err = admin("--database", url, "--data-key-file", new, "--json", "check")
j = json.loads(out) if out else {}
T.check(rc == 1 and j.get("cvs_damaged") == 1 and j.get("first_damaged_application", 0) > 0,
        "a damaged CV is found: exit %d %s" % (rc, out))

rc, out, err = admin("frobnicate")
T.check(rc == 2 and "unknown command" in err, "unknown command: exit 2")
rc, out, err = admin("--bogus")
T.check(rc == 2, "unknown option: exit 2")
rc, out, err = admin("--help")
T.check(rc == 0 and "Exit status" in out and "rotate-key" in out, "--help in English")
rc, out, err = admin("--help", env={"LANG": "fr_FR.UTF-8"})
T.check(rc == 0 and "Codes de sortie" in out, "--help in French")
srv.cleanup()
T.done()
