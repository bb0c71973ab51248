#!/usr/bin/env python3
"""gen_openapi.py OPENAPI_YAML OUT_C - at build time, embeds the OpenAPI
document in the server: its YAML as written, its JSON form, and the
reference page /api/docs in French and English (HTML rendered here from the
document: no script, no external asset, styled by /static/style.css).
Each gets a strong ETag (a SHA-256 prefix). Needs python3-yaml."""
import hashlib
import html
import json
import re
import sys

import yaml

METHODS = ("get", "put", "post", "delete", "patch")
# The page's own words: a key, then its French and English text.
WORDS = (
    ("title", "Référence de l'API JSON", "JSON API reference"),
    ("skip", "Aller au contenu", "Skip to content"),
    ("intro", "Généré depuis le document OpenAPI {v} ; le document lui-même : ",
     "Generated from the OpenAPI document {v}; the document itself: "),
    ("ops", "Opérations", "Operations"),
    ("params", "Paramètres", "Parameters"),
    ("name", "Nom", "Name"),
    ("in", "Dans", "In"),
    ("type", "Type", "Type"),
    ("req", "Requis", "Required"),
    ("desc", "Description", "Description"),
    ("body", "Corps de la requête", "Request body"),
    ("resp", "Réponses", "Responses"),
    ("problems", "Codes d'erreur", "Error codes"),
    ("status", "Statut", "Status"),
    ("media", "Types", "Types"),
    ("schemas", "Schémas", "Schemas"),
    ("prop", "Propriété", "Property"),
    ("yes", "oui", "yes"),
    ("no", "non", "no"),
    ("auth", "Authentification :", "Authentication:"),
    ("none", "aucune", "none"),
    ("note", "Les descriptions détaillées sont en anglais.", ""),
    ("lang", "English", "Français"),  # the other language: by name,
    ("other", "en", "fr"),  # and by code
)
TEXT = {lang: {row[0]: row[1 + i] for row in WORDS} for i, lang in enumerate(("fr", "en"))}


def e(s):
    return html.escape(str(s), quote=True)


def md(s):
    """The little Markdown the document uses: paragraphs and `code`."""
    out = []
    for para in re.split(r"\n\s*\n", (s or "").strip()):
        if para:
            t = re.sub(r"`([^`]+)`", r"<code>\1</code>", e(para))
            out.append("<p>%s</p>" % t)
    return "".join(out)


def resolve(doc, node):
    while isinstance(node, dict) and "$ref" in node:
        cur = doc
        for part in node["$ref"][2:].split("/"):
            cur = cur[part.replace("~1", "/").replace("~0", "~")]
        node = cur
    return node


def type_of(s):
    if not isinstance(s, dict):
        return ""
    if "$ref" in s:
        name = s["$ref"].rsplit("/", 1)[1]
        return '<a href="#schema-%s">%s</a>' % (e(name), e(name))
    t = s.get("type", "")
    if isinstance(t, list):
        t = " | ".join(t)
    if t == "array" or (isinstance(s.get("type"), list) and "array" in s["type"]):
        t = "%s of %s" % (t, type_of(s.get("items", {})))
    if "enum" in s:
        t += " (%s)" % ", ".join(e(v) for v in s["enum"])
    return t if "<a" in t else t


def table(head, rows):
    h = "".join('<th scope="col">%s</th>' % c for c in head)
    b = "".join("<tr>%s</tr>" % "".join("<td>%s</td>" % c for c in r) for r in rows)
    return "<table><thead><tr>%s</tr></thead><tbody>%s</tbody></table>" % (h, b)


def operation(doc, path, method, op, common, tx, lang):
    oid = op["operationId"]
    summary = op.get("x-summary-fr") if lang == "fr" else None
    out = ['<section aria-labelledby="op-%s">' % e(oid),
           '<h3 id="op-%s"><code>%s %s</code> %s</h3>' % (
               e(oid), method.upper(), e(path), e(summary or op.get("summary", "")))]
    out.append(md(op.get("description", "")))
    sec = op.get("security", doc.get("security", []))
    names = sorted({k for s in sec for k in s}) if sec else []
    anon = not sec or {} in sec
    out.append("<p>%s %s</p>" % (tx["auth"], e(", ".join(names + ([tx["none"]] if anon else [])))))
    params = [resolve(doc, p) for p in common + op.get("parameters", [])]
    if params:
        out.append("<h4>%s</h4>" % tx["params"])
        out.append(table([tx["name"], tx["in"], tx["type"], tx["req"], tx["desc"]], [
            ["<code>%s</code>" % e(p["name"]), e(p["in"]), type_of(p.get("schema")),
             tx["yes"] if p.get("required") else tx["no"], md(p.get("description", ""))]
            for p in params]))
    if "requestBody" in op:
        rb = resolve(doc, op["requestBody"])
        out.append("<h4>%s</h4>" % tx["body"])
        out.append(table([tx["media"], tx["type"]], [
            ["<code>%s</code>" % e(mt), type_of(c.get("schema"))]
            for mt, c in rb["content"].items()]))
    rows = []
    for st, r in op["responses"].items():
        r = resolve(doc, r)
        types = ", ".join("<code>%s</code> %s" % (e(mt), type_of(c.get("schema")))
                          for mt, c in (r.get("content") or {}).items())
        rows.append([e(st), md(r.get("description", "")), types])
    out.append("<h4>%s</h4>" % tx["resp"])
    out.append(table([tx["status"], tx["desc"], tx["media"]], rows))
    out.append("</section>")
    return "".join(out)


def problems(doc, tx):
    """One anchor per error code: a problem's type points here."""
    codes = doc["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
    rows = "".join('<li id="problem-%s"><code>%s</code></li>' % (e(c), e(c)) for c in codes)
    return '<h2 id="problems">%s</h2><ul>%s</ul>' % (tx["problems"], rows)


def schemas(doc, tx):
    out = [problems(doc, tx), '<h2 id="schemas">%s</h2>' % tx["schemas"]]
    for name, s in doc["components"]["schemas"].items():
        out.append('<section aria-labelledby="schema-%s"><h3 id="schema-%s">%s</h3>'
                   % (e(name), e(name), e(name)))
        out.append(md(s.get("description", "")))
        props = s.get("properties") or {}
        req = set(s.get("required") or [])
        if props:
            out.append(table([tx["prop"], tx["type"], tx["req"], tx["desc"]], [
                ["<code>%s</code>" % e(k), type_of(v), tx["yes"] if k in req else tx["no"],
                 md(v.get("description", "") if isinstance(v, dict) else "")]
                for k, v in props.items()]))
        else:
            out.append("<p>%s</p>" % type_of(s))
        out.append("</section>")
    return "".join(out)


def page(doc, lang):
    tx = TEXT[lang]
    body = []
    for tag in doc.get("tags", []):
        body.append('<h2 id="tag-%s">%s</h2>%s' % (e(tag["name"]), e(tag["name"]),
                                                    md(tag.get("description", ""))))
        for path, item in doc["paths"].items():
            for m in METHODS:
                if m in item and tag["name"] in item[m].get("tags", []):
                    body.append(operation(doc, path, m, item[m], item.get("parameters", []),
                                          tx, lang))
    toc = "".join('<li><a href="#tag-%s">%s</a></li>' % (e(t["name"]), e(t["name"]))
                  for t in doc.get("tags", []))
    toc += '<li><a href="#schemas">%s</a></li>' % tx["schemas"]
    info = doc["info"]
    return ('<!DOCTYPE html>\n<html lang="%s"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>%s - %s</title><link rel="stylesheet" href="/static/style.css"></head>'
            '<body><a class="skip" href="#main">%s</a><header><p><a href="/">OffreAPI</a> '
            '<a href="/lang/%s" hreflang="%s" lang="%s">%s</a></p></header>'
            '<main id="main"><h1>%s</h1><p>%s<a href="/api/v1/openapi.json">openapi.json</a>, '
            '<a href="/api/v1/openapi.yaml">openapi.yaml</a>.</p>%s%s'
            '<nav aria-label="%s"><ul>%s</ul></nav>%s%s</main></body></html>\n') % (
        lang, e(tx["title"]), e(info["title"]), tx["skip"], tx["other"], tx["other"],
        tx["other"], tx["lang"], e(tx["title"]), e(tx["intro"].format(v=info["version"])),
        md(tx["note"]), md(info.get("description", "")), e(tx["ops"]), toc, "".join(body),
        schemas(doc, tx))


def c_array(name, data):
    lines = []
    for i in range(0, len(data), 24):
        lines.append("\t" + ", ".join(str(b) for b in data[i:i + 24]) + ",")
    etag = hashlib.sha256(data).hexdigest()[:32]
    return ("const unsigned char %s[] = {\n%s\n};\nconst size_t %s_len = %d;\n"
            "const char %s_etag[] = \"\\\"%s\\\"\";\n") % (name, "\n".join(lines), name,
                                                          len(data), name, etag)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    raw = open(src, "rb").read()
    doc = yaml.safe_load(raw)
    parts = [("openapi_yaml", raw),
             ("openapi_json", json.dumps(doc, ensure_ascii=False, indent=1).encode()),
             ("openapi_html_fr", page(doc, "fr").encode()),
             ("openapi_html_en", page(doc, "en").encode())]
    with open(dst, "w") as f:
        f.write("/* generated by server/gen_openapi.py from server/openapi.yaml */\n"
                "#include \"openapi_doc.h\"\n\n")
        for name, data in parts:
            f.write(c_array(name, data))


if __name__ == "__main__":
    main()
