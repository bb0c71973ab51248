"""contract.py - every API answer checked against server/openapi.yaml.

serverlib.Client.request() hands each answer to a path under /api/v1/ to
Contract.check(): the (method, path) must be a documented operation (an
unrouted path or method must answer a Problem), the status one the
operation documents, the Content-Type one of that response's media types
(no body when it documents none), the headers marked required present, and
a JSON (or problem+json) body must match the response's schema (JSON Schema 2020-12, which
OpenAPI 3.1 uses, with Debian's python3-jsonschema). Mismatches are kept
and Checker.done() fails the test on any.

Needs python3-yaml and python3-jsonschema (Debian packages): a missing one
fails the test, it never skips."""
import json
import os
import re
import sys

try:
    import yaml
    import jsonschema
except ImportError as ex:
    print("FAIL: %s (apt-get install python3-yaml python3-jsonschema)" % ex, file=sys.stderr)
    sys.exit(1)

METHODS = ("get", "put", "post", "delete", "patch")


def _template_re(tmpl):
    out = ""
    for part in re.split(r"(\{[a-z_]+\})", tmpl):
        out += ("[1-9][0-9]{0,17}" if part == "{id}" else "[0-9a-f]{16}" if part == "{sid}"
                else re.escape(part))
    return re.compile(out + "$")


class Contract:
    def __init__(self, path):
        with open(path) as f:
            self.spec = yaml.safe_load(f)
        self.resolver = jsonschema.RefResolver.from_schema(self.spec)
        self.routes = [(_template_re(t), t, item) for t, item in self.spec["paths"].items()]
        self.problems = []
        self.checked = 0
        self._validators = {}

    def resolve(self, node):
        while isinstance(node, dict) and "$ref" in node:
            cur = self.spec
            for part in node["$ref"][2:].split("/"):
                cur = cur[part.replace("~1", "/").replace("~0", "~")]
            node = cur
        return node

    def operation(self, method, path):
        """(template, operation) for a request, (template, None) for a path
        routed with another method, (None, None) for an unknown path."""
        path = path.split("?", 1)[0]
        for rx, tmpl, item in self.routes:
            if rx.match(path):
                return tmpl, item.get(method.lower())
        return None, None

    def validate(self, schema, value):
        """The errors of @value against @schema, as readable lines."""
        key = id(schema)
        v = self._validators.get(key)
        if v is None:
            v = jsonschema.Draft202012Validator(schema, resolver=self.resolver)
            self._validators[key] = (v, schema)  # keep @schema alive: ids stay unique
        else:
            v = v[0]
        return ["%s: %s" % ("/" + "/".join(map(str, e.absolute_path)), e.message)
                for e in v.iter_errors(value)]

    def errors_of(self, method, path, status, headers, body):
        """Every way the answer departs from the document."""
        self.checked += 1
        hget = {k.lower(): v for k, v in headers}
        ctype = (hget.get("content-type") or "").split(";")[0].strip().lower()
        tmpl, op = self.operation(method, path)
        if op is None:
            # no operation: the router's own 404/405, or the refusal of a
            # path that does not decode (400, "%00") or is too long (414),
            # before any routing; a problem every time
            if status not in (400, 404, 405, 414):
                return ["%s %s: %d for an undocumented operation" % (method, path, status)]
            return self._body(ctype, body, {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}}}, method, path, status)
        responses = op["responses"]
        resp = responses.get(str(status))
        if resp is None:
            return ["%s %s: status %d not documented (%s)" % (method, tmpl, status,
                                                             sorted(responses))]
        resp = self.resolve(resp)
        out = []
        for name, h in (resp.get("headers") or {}).items():
            if self.resolve(h).get("required") and name.lower() not in hget:
                out.append("%s %s %d: header %s missing" % (method, tmpl, status, name))
        out += self._body(ctype, body, resp.get("content"), method, tmpl, status)
        return out

    def _body(self, ctype, body, content, method, tmpl, status):
        where = "%s %s %d" % (method, tmpl, status)
        if not content:
            return [] if not body else ["%s: a body where none is documented" % where]
        if method == "HEAD":
            return []
        media = content.get(ctype)
        if media is None:
            return ["%s: Content-Type %r not documented (%s)" % (where, ctype, sorted(content))]
        if ctype != "application/json" and not ctype.endswith("+json"):
            return []
        try:
            value = json.loads(body)
        except ValueError as ex:
            return ["%s: not JSON (%s)" % (where, ex)]
        return ["%s: %s" % (where, e) for e in self.validate(media.get("schema", {}), value)]

    def check(self, method, path, status, headers, body):
        errs = self.errors_of(method, path, status, headers, body)
        for e in errs[:5]:
            if e not in self.problems and len(self.problems) < 50:
                self.problems.append(e)
        return errs


_contract = [None]


def contract():
    """The document named by OFFERAPI_OPENAPI (else the source tree's),
    loaded once per process."""
    if _contract[0] is None:
        here = os.path.dirname(os.path.abspath(__file__))
        p = os.environ.get("OFFERAPI_OPENAPI") or os.path.join(here, "..", "..", "server",
                                                                "openapi.yaml")
        _contract[0] = Contract(p)
    return _contract[0]
