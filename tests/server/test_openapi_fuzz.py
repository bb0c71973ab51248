#!/usr/bin/env python3
"""test_openapi_fuzz.py - a property-based pass over server/openapi.yaml.

For every operation of the document, Hypothesis (Debian's
python3-hypothesis) generates at least MIN_PER_OP requests, valid and
invalid: path ids real, unknown or malformed; query parameters inside and
outside their schema (too long, bad %-escapes, unknown values); bodies
built from the request schema, then broken (a required member dropped, a
member of the wrong type, another JSON type, malformed JSON, another
Content-Type); no session, a candidate's, a recruiter's, a bad token; French
or English. Every answer must be below 500 and match the document
(contract.py: status, Content-Type, required headers, body schema).
Prints the number of requests per operation."""
import base64
import json
import os
import sys
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from contract import contract  # noqa: E402
from serverlib import Checker, Server, apply_api, create_offer, fail, make_pdf, signup  # noqa: E402

try:
    from hypothesis import HealthCheck, given, settings, strategies as st
except ImportError:
    fail("python3-hypothesis is not installed (apt-get install python3-hypothesis)")

MIN_PER_OP = int(os.environ.get("OFFERAPI_FUZZ_EXAMPLES", "200"))
T = Checker("server-openapi-fuzz")
C = contract()
spec = C.spec

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
JUNK = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63), st.floats(allow_nan=False),
                 TEXT, st.lists(st.integers(), max_size=3), st.dictionaries(TEXT, TEXT, max_size=2))


def from_schema(s, depth=0):
    """A strategy for values valid under the (small) schemas the document uses."""
    s = C.resolve(s)
    t = s.get("type")
    if isinstance(t, list):
        return st.one_of([from_schema(dict(s, type=x), depth) for x in t])
    if "enum" in s:
        return st.sampled_from(s["enum"])
    if t == "string":
        lo, hi = s.get("minLength", 0), min(s.get("maxLength", 40), 40)
        if s.get("contentEncoding") == "base64":
            return st.binary(max_size=60).map(lambda b: base64.b64encode(b).decode())
        return st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")),
                       min_size=lo, max_size=max(lo, hi))
    if t == "integer":
        return st.integers(s.get("minimum", -1000), s.get("maximum", 10**6))
    if t == "number":
        return st.floats(allow_nan=False, allow_infinity=False)
    if t == "boolean":
        return st.booleans()
    if t == "null":
        return st.none()
    if t == "array":
        return st.lists(from_schema(s.get("items", {}), depth + 1), max_size=min(s.get("maxItems", 3), 3))
    if t == "object" and depth < 3:
        props = s.get("properties", {})
        req = set(s.get("required", []))
        return st.fixed_dictionaries(
            {k: from_schema(v, depth + 1) for k, v in props.items() if k in req},
            optional={k: from_schema(v, depth + 1) for k, v in props.items() if k not in req})
    return JUNK


def broken(s):
    """A strategy for bodies that break the object schema @s one way or another."""
    s = C.resolve(s)
    props = list(s.get("properties", {}))
    req = list(s.get("required", []))
    good = from_schema(s)
    ways = [JUNK.map(json.dumps).map(str.encode),  # another JSON type
            st.binary(max_size=40),  # not JSON (or by chance JSON)
            st.just(b'{"a":' * 40 + b'1' + b'}' * 40),  # deeper than allowed
            good.flatmap(lambda v: st.sampled_from(props).flatmap(  # a member of the wrong type
                lambda k: JUNK.map(lambda j: json.dumps(dict(v, **{k: j})).encode())))]
    if req:
        ways.append(good.flatmap(lambda v: st.sampled_from(req).map(  # a required member dropped
            lambda k: json.dumps({a: b for a, b in v.items() if a != k}).encode())))
    return st.one_of(ways)


srv = Server()
rec = signup(srv, "recruiter")
cand = signup(srv, "candidate")
oid = create_offer(rec, questions=["Q ?"])
cand.token = cand.bearer
aid = apply_api(cand, oid).json()["application"]["id"]
CV = base64.b64encode(make_pdf(["Jeanne Dupont", "C, Linux"])).decode()
real_ids = {"offer": oid, "application": aid}


def fresh_session():
    """A session of its own, for the operation that ends its session."""
    c = srv.client()
    r = c.api("POST", "/api/v1/sessions", {"login": cand.login, "password": cand.password})
    c.close()  # an idle keep-alive connection holds a server worker
    return r.json()["token"] if r.status == 201 else "0" * 64


def path_value(tmpl):
    kind = "application" if tmpl.startswith("/api/v1/applications/") else "offer"
    return st.one_of(st.just(str(real_ids[kind])), st.integers(1, 10**18 - 1).map(str),
                     st.sampled_from(["0", "-1", "01", "abc", "1" * 19, "%00", "1.5"]))


def query_value(p):
    s = C.resolve(p).get("schema", {})
    valid = from_schema(s).map(lambda v: str(v).lower() if isinstance(v, bool) else str(v))
    invalid = st.one_of(st.text(min_size=0, max_size=600), st.sampled_from(["%", "%zz", "%00", "-1",
                        "bogus", "1e9", "99999999999999999999"]))
    return st.one_of(valid, invalid)


def request_for(tmpl, method, op, common):
    params = [C.resolve(p) for p in common + op.get("parameters", [])]
    query = [p for p in params if p["in"] == "query"]
    body_schema, body_type = None, None
    if "requestBody" in op:
        content = C.resolve(op["requestBody"])["content"]
        for mt in content:
            if mt.endswith("json") and body_type is None:
                body_type, body_schema = mt, content[mt].get("schema")

    @st.composite
    def req(draw):
        path = tmpl
        if "{id}" in path:
            path = path.replace("{id}", draw(path_value(tmpl)))
        q = {}
        for p in query:
            if draw(st.booleans()):
                q[p["name"]] = draw(query_value(p))
        if draw(st.integers(0, 9)) == 0:
            q[draw(st.sampled_from(["unknown", "rank", "limit"]))] = draw(st.text(max_size=8))
        # a raw "%..." tests bad escapes; only ASCII can go raw on the wire
        qs = "&".join("%s=%s" % (k, v if v.startswith("%") and v.isascii()
                                 else urllib.parse.quote(v, safe=""))
                      for k, v in q.items())
        headers = {"Accept-Language": draw(st.sampled_from(["fr", "en", "en-GB,fr;q=0.5", "de"]))}
        for p in params:
            if p["in"] == "header" and draw(st.booleans()):
                headers[p["name"]] = draw(st.one_of(st.sampled_from(
                    ['*', '"x"', 'W/"x"', '"' + "0" * 32 + '"', ",,", ""]),
                    st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=40)))
        who = draw(st.sampled_from(["none", "candidate", "recruiter", "bad"]))
        token = {"candidate": cand.bearer, "recruiter": rec.bearer, "bad": draw(st.sampled_from(
            ["f" * 64, "x", "0" * 63, ""])), "none": None}[who]
        body = None
        if body_schema is not None:
            kind = draw(st.integers(0, 9))
            if kind < 5:
                v = draw(from_schema(body_schema))
                if "pdf_base64" in v and draw(st.booleans()):
                    v["pdf_base64"] = CV
                body = json.dumps(v).encode()
                headers["Content-Type"] = body_type
            elif kind < 9:
                body = draw(broken(body_schema))
                headers["Content-Type"] = body_type
            else:
                body = draw(st.binary(max_size=30))
                headers["Content-Type"] = draw(st.sampled_from(
                    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                     "application/json", "application/json-patch+json"]))
        return path + ("?" + qs if qs else ""), headers, who, token, body
    return req()


counts = {}


def run_operation(tmpl, method, op, common):
    key = "%s %s" % (method.upper(), tmpl)
    counts[key] = 0
    client = srv.client()

    @settings(max_examples=MIN_PER_OP, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(request_for(tmpl, method, op, common))
    def prop(r):
        url, headers, who, token, body = r
        client.token = None
        if method == "delete" and who in ("candidate", "recruiter"):
            token = fresh_session()
        if token is not None:
            headers["Authorization"] = "Bearer " + token
        resp = client.request(method.upper(), url, body=body, headers=headers, cookies=False)
        counts[key] += 1
        assert resp.status < 500, "%s %s: %d %s" % (method.upper(), url, resp.status, resp.text[:200])
        assert not resp.contract_errors, "%s %s (%s): %s" % (method.upper(), url, who,
                                                            resp.contract_errors)
    try:
        prop()
    except AssertionError as ex:
        T.check(False, str(ex)[:600])
    client.close()


for tmpl, item in spec["paths"].items():
    for m in ("get", "put", "post", "delete", "patch"):
        if m in item:
            run_operation(tmpl, m, item[m], item.get("parameters", []))
for key, n in sorted(counts.items()):
    print("%-48s %d requests" % (key, n))
    T.check(n >= MIN_PER_OP, "%s: %d generated requests, at least %d" % (key, n, MIN_PER_OP))
print("%d operations, %d generated requests" % (len(counts), sum(counts.values())))
srv.stop()
srv.cleanup()
T.done()
