"""The English texts finops-report's sources pass to its translation
function (T(...), FR_T(c, ...), TR(...), fr_tr(lang, ...)), with C's
adjacent string literals joined and escapes decoded; and the catalogue of
i18n_fr.h as {english: french}."""
import os
import re

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..")
CALL = re.compile(r'\b(?:T|TR|FR_T\(c,|fr_tr\((?:lang|c->lang),)\s*\(?')
LIT = re.compile(r'"((?:[^"\\]|\\.)*)"')


def unescape(s):
    """C escapes the sources use: \\n, \\t, \\", \\\\."""
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), s)


def literal_runs(text):
    """Runs of adjacent string literals in text, each joined."""
    runs, cur, pos = [], None, 0
    for m in LIT.finditer(text):
        between = text[pos:m.start()]
        if cur is not None and between.strip() == "":
            cur += m.group(1)
        else:
            if cur is not None:
                runs.append(cur)
            cur = m.group(1)
        pos = m.end()
    if cur is not None:
        runs.append(cur)
    return [unescape(r) for r in runs]


def call_args(src, start):
    """The text of a call's arguments from start (just past its '(')."""
    depth, i, instr = 1, start, False
    while i < len(src) and depth:
        ch = src[i]
        if instr:
            if ch == "\\":
                i += 1
            elif ch == '"':
                instr = False
        elif ch == '"':
            instr = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        i += 1
    return src[start:i - 1]


def used_keys():
    keys = set()
    pat = re.compile(r'(?<![A-Za-z_])(T|TR|FR_N)\(|FR_T\(c, |fr_tr\((lang|c->lang), ')
    for name in sorted(os.listdir(SRC)):
        if not name.endswith(".c"):
            continue
        with open(os.path.join(SRC, name), encoding="utf-8") as f:
            src = f.read()
        for m in pat.finditer(src):
            if src[max(0, m.start() - 8):m.start()].endswith("#define "):
                continue
            keys.update(literal_runs(call_args(src, m.end())))
    return keys


def catalogue():
    with open(os.path.join(SRC, "i18n_fr.h"), encoding="utf-8") as f:
        text = f.read()
    body = text[text.index("fr_catalogue[] = {"):]
    out = {}
    for m in re.finditer(r'\{\s*((?:"(?:[^"\\]|\\.)*"\s*)+),\s*((?:"(?:[^"\\]|\\.)*"\s*)+)\}',
                         body):
        out["".join(literal_runs(m.group(1)))] = "".join(literal_runs(m.group(2)))
    return out


if __name__ == "__main__":
    for k in sorted(used_keys()):
        print(repr(k))
