#!/usr/bin/env python3
"""A small kustomize for the fields OffreAPI's k8s/ uses, so the tests do not
depend on kubectl: resources (files, or directories with a
kustomization.yaml), namespace, labels (pairs, includeSelectors false,
without includeTemplates), images (name, newName, newTag, digest),
generatorOptions (disableNameSuffixHash true, labels), configMapGenerator
(files), secretGenerator (envs, options.labels: an Opaque Secret whose data
are base64) and patches (target kind/name with an inline JSON 6902 patch). Any
other field is an error, so the renderer never silently differs from
`kubectl kustomize`; test_render.py compares the two where kubectl exists.

  render.py DIR            prints the rendered YAML stream
  import render; render.build(DIR) -> list of objects
"""
import base64
import copy
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

KNOWN = {"apiVersion", "kind", "resources", "namespace", "labels", "images",
         "generatorOptions", "configMapGenerator", "secretGenerator", "patches"}
CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume",
                  "StorageClass", "CustomResourceDefinition", "PriorityClass"}


class RenderError(Exception):
    pass


def _load_docs(path):
    with open(path, encoding="utf-8") as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def _pointer(path):
    if not path.startswith("/"):
        raise RenderError("JSON pointer must start with /: %r" % path)
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(doc, parts):
    cur = doc
    for p in parts:
        cur = cur[int(p)] if isinstance(cur, list) else cur[p]
    return cur


def json6902(obj, ops):
    for op in ops:
        parts = _pointer(op["path"])
        parent = _walk(obj, parts[:-1])
        key = parts[-1]
        kind = op["op"]
        if isinstance(parent, list):
            idx = len(parent) if key == "-" else int(key)
            if kind == "add":
                parent.insert(idx, copy.deepcopy(op["value"]))
            elif kind == "remove":
                del parent[idx]
            elif kind == "replace":
                parent[idx] = copy.deepcopy(op["value"])
            else:
                raise RenderError("unsupported op %r" % kind)
        else:
            if kind == "add":
                parent[key] = copy.deepcopy(op["value"])
            elif kind == "remove":
                if key not in parent:
                    raise RenderError("remove: no %s" % op["path"])
                del parent[key]
            elif kind == "replace":
                if key not in parent:
                    raise RenderError("replace: no %s" % op["path"])
                parent[key] = copy.deepcopy(op["value"])
            else:
                raise RenderError("unsupported op %r" % kind)


def _containers(obj):
    spec = obj.get("spec", {})
    if obj.get("kind") == "CronJob":
        spec = spec.get("jobTemplate", {}).get("spec", {})
    pod = spec.get("template", {}).get("spec", {})
    return pod.get("containers", []) + pod.get("initContainers", [])


def _split_image(image):
    digest = None
    if "@" in image:
        image, digest = image.split("@", 1)
    name, tag = image, None
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        name, tag = image[:colon], image[colon + 1:]
    return name, tag, digest


def _env_file(path):
    """KEY=VALUE lines as kustomize reads them: blank lines and # comments
    skipped, the value is the rest of the line, as it is."""
    data = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n").lstrip()
            if not line or line.startswith("#"):
                continue
            key, eq, value = line.partition("=")
            if not eq or not re.fullmatch(r"[-._a-zA-Z0-9]+", key):
                raise RenderError("%s:%d: not KEY=VALUE" % (path, n))
            data[key] = value
    return data


def _base64(value):
    """Base64 as kustomize writes Secret data: from 70 characters on, in
    lines of 70, each ended by a line break."""
    enc = base64.b64encode(value.encode("utf-8")).decode("ascii")
    if len(enc) < 70:
        return enc
    return "".join(enc[i:i + 70] + "\n" for i in range(0, len(enc), 70))


def _secrets(directory, gens, gopts):
    if gens and not gopts.get("disableNameSuffixHash"):
        raise RenderError("secretGenerator needs disableNameSuffixHash: true here (no hash suffixes)")
    out = []
    for g in gens:
        if set(g) - {"name", "envs", "options"} or set(g.get("options", {})) - {"labels"}:
            raise RenderError("secretGenerator: only name, envs and options.labels")
        data = {}
        for e in g.get("envs", []):
            for key, value in _env_file(os.path.join(directory, e)).items():
                data[key] = _base64(value)
        labels = dict(gopts.get("labels") or {})
        labels.update(g.get("options", {}).get("labels") or {})
        meta = {"name": g["name"]}
        if labels:
            meta["labels"] = labels
        out.append({"apiVersion": "v1", "kind": "Secret", "metadata": meta, "type": "Opaque",
                    "data": data})
    return out


def secret_values(secret):
    """The decoded values of a rendered Secret (data or stringData)."""
    values = {k: base64.b64decode(v).decode("utf-8") for k, v in (secret.get("data") or {}).items()}
    values.update(secret.get("stringData") or {})
    return values


_prepared = {}


def prepared(src):
    """A copy of SOURCE_ROOT/k8s in a temporary folder, with the Secrets'
    files made by k8s/make-secrets.sh as an operator would (never the
    files of a developer's checkout): the k8s folder to render. One per
    process, removed at exit."""
    if src in _prepared:
        return _prepared[src]
    import atexit
    tmp = tempfile.mkdtemp(prefix="offerapi-k8s-")
    atexit.register(shutil.rmtree, tmp, True)
    k8s = os.path.join(tmp, "k8s")
    shutil.copytree(os.path.join(src, "k8s"), k8s,
                    ignore=shutil.ignore_patterns("*.env", "*.env.tmp.*"))
    r = subprocess.run(["/bin/sh", os.path.join(k8s, "make-secrets.sh")],
                       capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    if r.returncode != 0:
        raise RenderError("k8s/make-secrets.sh failed: %s" % (r.stderr or r.stdout).strip())
    _prepared[src] = k8s
    return k8s


def build(directory):
    kpath = os.path.join(directory, "kustomization.yaml")
    if not os.path.exists(kpath):
        raise RenderError("no kustomization.yaml in %s" % directory)
    with open(kpath, encoding="utf-8") as f:
        k = yaml.safe_load(f) or {}
    unknown = set(k) - KNOWN
    if unknown:
        raise RenderError("%s: fields this renderer does not implement: %s" % (kpath, sorted(unknown)))
    objs = []
    for r in k.get("resources", []):
        p = os.path.normpath(os.path.join(directory, r))
        if os.path.isdir(p):
            objs += build(p)
        else:
            objs += _load_docs(p)

    gopts = k.get("generatorOptions", {}) or {}
    if set(gopts) - {"disableNameSuffixHash", "labels"}:
        raise RenderError("generatorOptions: only disableNameSuffixHash and labels")
    if k.get("configMapGenerator") and not gopts.get("disableNameSuffixHash"):
        raise RenderError("configMapGenerator needs disableNameSuffixHash: true here (no hash suffixes)")
    for g in k.get("configMapGenerator", []) or []:
        if set(g) - {"name", "files"}:
            raise RenderError("configMapGenerator: only name and files")
        data = {}
        for fp in g.get("files", []):
            key, _, rel = fp.partition("=") if "=" in fp else (os.path.basename(fp), "", fp)
            with open(os.path.join(directory, rel), encoding="utf-8") as f:
                data[key] = f.read()
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": g["name"]}, "data": data}
        if gopts.get("labels"):
            cm["metadata"]["labels"] = dict(gopts["labels"])
        objs.append(cm)

    objs += _secrets(directory, k.get("secretGenerator", []) or [], gopts)

    for p in k.get("patches", []) or []:
        if set(p) - {"target", "patch"} or set(p.get("target", {})) - {"kind", "name"}:
            raise RenderError("patches: only target (kind, name) and an inline patch")
        ops = yaml.safe_load(p["patch"])
        if not isinstance(ops, list):
            raise RenderError("patches: only JSON 6902 (a list of operations)")
        t = p["target"]
        hit = [o for o in objs if o.get("kind") == t.get("kind", o.get("kind"))
               and o["metadata"].get("name") == t.get("name", o["metadata"].get("name"))]
        if not hit:
            raise RenderError("patch target %s matches nothing" % t)
        for o in hit:
            json6902(o, ops)

    ns = k.get("namespace")
    if ns:
        for o in objs:
            if o.get("kind") not in CLUSTER_SCOPED:
                o["metadata"]["namespace"] = ns

    for lab in k.get("labels", []) or []:
        if set(lab) - {"pairs", "includeSelectors"} or lab.get("includeSelectors"):
            raise RenderError("labels: only pairs with includeSelectors false")
        for o in objs:
            o["metadata"].setdefault("labels", {}).update(lab["pairs"])

    for img in k.get("images", []) or []:
        if set(img) - {"name", "newName", "newTag", "digest"}:
            raise RenderError("images: only name, newName, newTag, digest")
        for o in objs:
            for c in _containers(o):
                name, tag, digest = _split_image(c.get("image", ""))
                if name != img["name"]:
                    continue
                name = img.get("newName", name)
                if "digest" in img:
                    c["image"] = "%s@%s" % (name, img["digest"])
                else:
                    tag = img.get("newTag", tag)
                    c["image"] = name + (":" + str(tag) if tag else "") + ("@" + digest if digest else "")
    return objs


def main():
    objs = build(sys.argv[1])
    yaml.safe_dump_all(objs, sys.stdout, sort_keys=False, default_flow_style=False)


if __name__ == "__main__":
    try:
        main()
    except RenderError as e:
        sys.exit("render.py: %s" % e)
