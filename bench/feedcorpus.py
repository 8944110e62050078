#!/usr/bin/env python3
"""Do clamscan and Vigil agree on real signatures? For a set of ClamAV
signature files (.ndb, .ldb: the official feed's or any other), this
writes one file per signature built to trigger it (its patterns expanded:
the first alternative, wildcards as zero bytes, the shortest gaps, at the
offset it asks for; a logical signature's subsignatures as often as its
expression wants), runs clamscan and vigil scan on the same files with
the same signatures, and reports how many files each flags, how many
signatures were triggered as meant, and every file where the two differ.

    bench/feedcorpus.py [--vigil build/src/cli/vigil] [--keep DIR] FILE...

Signatures it cannot build a file for (PCRE, byte compare, macro and icon
subsignatures; executable-relative offsets; targets other than any file,
text and HTML) are counted and left out. Nothing here is committed data:
the signatures are the caller's, the files are made and removed here.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

FILL = b"_"  # printable: a NUL makes clamscan take text for UTF-16


def expand(hexsig):
    """Bytes that match a ClamAV body pattern (or None if it cannot)."""
    out, i, s = bytearray(), 0, hexsig
    while i < len(s):
        c = s[i]
        if s.startswith("??", i):
            out += FILL
            i += 2
        elif c == "*":
            i += 1
        elif c == "{":
            j = s.index("}", i)
            lo = s[i + 1:j].split("-")[0]
            out += FILL * (int(lo) if lo else 0)
            i = j + 1
        elif c == "[":
            j = s.index("]", i)
            out += FILL * int(s[i + 1:j].split("-")[0])
            i = j + 1
        elif c == "!" or c == "(":
            neg = c == "!"
            j = s.index(")", i)
            body = s[i + (2 if neg else 1):j]
            if body in ("B", "W"):
                out += b" "
            elif body == "L":
                out += b"\n"
            elif neg:
                alt = body.split("|")[0]
                out += b"\x7f" * (len(alt) // 2)
            else:
                sub = expand(body.split("|")[0])
                if sub is None:
                    return None
                out += sub
            i = j + 1
        elif re.match(r"[0-9a-fA-F?]{2}", s[i:i + 2]):
            pair = s[i:i + 2].replace("?", "0")
            out.append(int(pair, 16))
            i += 2
        else:
            return None
    return bytes(out)


def place(offset, pat, size_hint=0):
    """A file holding pat where a body offset asks for it, or None."""
    if offset == "*":
        return b"vigil feed corpus\n" + pat + b"\n"
    m = re.fullmatch(r"(\d+)(?:,(\d+))?", offset)
    if m:
        return FILL * int(m.group(1)) + pat + b"\n"
    m = re.fullmatch(r"EOF-(\d+)(?:,\d+)?", offset)
    if m:
        n = int(m.group(1))
        tail = b"\n" * max(0, n - len(pat))
        return b"vigil feed corpus\n" + pat + tail if n >= len(pat) else None
    return None


def ndb_file(line):
    f = line.split(":")
    if len(f) < 4 or f[1] not in ("0", "3", "7"):
        return None
    pat = expand(f[3])
    return place(f[2], pat) if pat else None


def subsig_bytes(sub):
    """The bytes of one .ldb subsignature, or None."""
    if "/" in sub.split("::")[0] and re.match(r"^[0-9A-Za-z*,+\-]*/", sub):
        return None  # PCRE
    if sub.startswith("$") or "#" in sub:
        return None  # macro, byte compare
    mods = ""
    if "::" in sub:
        sub, mods = sub.split("::", 1)
    off = None
    if ":" in sub:
        off, sub = sub.split(":", 1)
        if off != "*" and not re.fullmatch(r"\d+(,\d+)?", off):
            return None
    pat = expand(sub)
    if pat is None:
        return None
    if "w" in mods and "a" not in mods:
        pat = b"".join(bytes([b, 0]) for b in pat)
    if "f" in mods:
        pat = b" " + pat + b" "
    return (off, pat)


def counts_for(expr, n):
    """How often each subsignature should occur for expr to hold: a small
    search from "each once" (None when nothing found works)."""
    def holds(c):
        return evaluate(expr, c)
    base = [1] * n
    if holds(base):
        return base
    for k in range(n):
        for v in (0, 2, 3, 4, 6, 11):
            c = list(base)
            c[k] = v
            if holds(c):
                return c
    for v in (0, 2, 3, 5, 11):
        c = [v] * n
        if holds(c):
            return c
    return None


def evaluate(expr, counts):
    """ClamAV's logical expression on counts (match counts per subsig)."""
    pos = [0]

    def peek():
        return expr[pos[0]] if pos[0] < len(expr) else ""

    def number():
        j = pos[0]
        while pos[0] < len(expr) and expr[pos[0]].isdigit():
            pos[0] += 1
        return int(expr[j:pos[0]])

    def atom():
        if peek() == "(":
            pos[0] += 1
            total, distinct = orexpr()
            pos[0] += 1
        else:
            k = number()
            total, distinct = counts[k], 1 if counts[k] else 0
        if peek() in "=<>" and peek():
            op = peek()
            pos[0] += 1
            x = number()
            y = None
            if peek() == ",":
                pos[0] += 1
                y = number()
            ok = {"=": total == x, ">": total > x, "<": total < x}[op]
            if y is not None:
                ok = ok and distinct >= y
            return (1 if ok else 0), (1 if ok else 0)
        return total, distinct

    def andexpr():
        t, d = atom()
        while peek() == "&":
            pos[0] += 1
            t2, d2 = atom()
            t, d = (t + t2, d + d2) if (t and t2) else (0, 0)
        return t, d

    def orexpr():
        t, d = andexpr()
        while peek() == "|":
            pos[0] += 1
            t2, d2 = andexpr()
            t, d = t + t2, d + d2
        return t, d

    try:
        return orexpr()[0] > 0
    except (ValueError, IndexError, KeyError):
        return False


def ldb_file(line):
    f = line.split(";")
    if len(f) < 4 or "Target:" not in f[1]:
        return None
    tdb = dict(kv.split(":", 1) for kv in f[1].split(",") if ":" in kv)
    if tdb.get("Target") not in ("0", "3", "7") or set(tdb) - {"Engine", "Target", "FileSize"}:
        return None
    subs = [subsig_bytes(s) for s in f[3:]]
    if any(s is None for s in subs):
        return None
    c = counts_for(f[2], len(subs))
    if c is None:
        return None
    body, fixed = b"vigil feed corpus\n", []
    for (off, pat), k in zip(subs, c):
        if off not in (None, "*"):
            fixed.append((int(off.split(",")[0]), pat))
            continue
        body += (pat + b"\n") * k
    for at, pat in sorted(fixed):
        if at < len(body):
            return None
        body += FILL * (at - len(body)) + pat
    return body


def build(paths, outdir):
    made, left = 0, 0
    sigs = []
    for path in paths:
        kind = os.path.splitext(path)[1]
        for line in open(path, encoding="latin-1"):
            line = line.rstrip("\r\n")
            if not line or line.startswith("#"):
                continue
            data = ndb_file(line) if kind == ".ndb" else ldb_file(line)
            if data is None:
                left += 1
                continue
            name = "s%06d" % made
            with open(os.path.join(outdir, name), "wb") as fh:
                fh.write(data)
            sigs.append((name, line.split(":" if kind == ".ndb" else ";")[0]))
            made += 1
    return sigs, left


def found(out):
    res = {}
    for line in out.splitlines():
        if line.endswith(" FOUND"):
            path, name = line[:-6].rsplit(": ", 1)
            top = os.path.basename(path.split("//")[0])
            res.setdefault(top, set()).add(name.replace(".UNOFFICIAL", ""))
    return res


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vigil", default=os.path.join(os.path.dirname(__file__), "..", "build",
                                                   "src", "cli", "vigil"))
    ap.add_argument("--keep", help="write the corpus here and keep it")
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    work = a.keep or tempfile.mkdtemp(prefix="feedcorpus.")
    corpus = os.path.join(work, "corpus")
    os.makedirs(corpus, exist_ok=True)
    sigs, left = build(a.files, corpus)
    dbs = []
    for f in a.files:
        dbs += ["-d", f]
    t0 = time.time()
    c = subprocess.run(["clamscan", "--no-summary", "-z", "-r", *dbs, corpus],
                       capture_output=True, text=True, errors="replace")
    t1 = time.time()
    v = subprocess.run([a.vigil, "scan", "--no-summary", "-z", *dbs, corpus],
                       capture_output=True, text=True, errors="replace")
    t2 = time.time()
    cf, vf = found(c.stdout), found(v.stdout)
    meant_c = sum(1 for n, s in sigs if s in cf.get(n, ()))
    meant_v = sum(1 for n, s in sigs if s in vf.get(n, ()))
    differ = sorted(n for n, _ in sigs if cf.get(n, set()) != vf.get(n, set()))
    print("signatures: %d with a file, %d left out" % (len(sigs), left))
    print("clamscan: %d files flagged, %d by their own signature (%.1f s)"
          % (len(cf), meant_c, t1 - t0))
    print("vigil:    %d files flagged, %d by their own signature (%.1f s)"
          % (len(vf), meant_v, t2 - t1))
    print("files where the names differ: %d" % len(differ))
    for n in differ[:40]:
        line = dict(sigs)[n]
        print("  %s (%s): clamscan %s, vigil %s" % (n, line, sorted(cf.get(n, ())),
                                                   sorted(vf.get(n, ()))))
    if not a.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
