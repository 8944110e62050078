#!/usr/bin/env python3
"""Benchmark inputs: a scan corpus with planted hits, and a ClamAV-format
signature set of realistic size.

    gen.py corpus DIR --mib 1024 [--seed 1]     -> DIR/, DIR.manifest.json
    gen.py sigs OUT --manifest M [--md5 N --sha256 N --ndb N --ldb N]

Corpus: copies of ELF binaries and libraries from /usr (only ELF, so that
what a host keeps under /usr/share/doc cannot change the counts), random data, and generated text and HTML. Planted: body markers (binary ones
in binary files, lower-case text ones in text), marker pairs for logical
signatures, whole files whose MD5 or SHA-256 becomes a hash signature, and
near misses (one byte changed; half a pair) that must stay clean.

Signatures: N random MD5 and SHA-256 hashes (sizes spread like samples), body
signatures using the whole hex syntax (literals, ??, nibbles, gaps, *,
alternatives) over targets 0, 1, 3, 6, 7 and offsets *, n, n,m, EOF-n, and
logical signatures of 2-4 subsignatures; plus the hit signatures for the
planted content. Deterministic for a seed. Standard library only.
"""
import argparse
import hashlib
import json
import os
import random
import sys

KIB, MIB = 1024, 1024 * 1024
WORDS = ("the of and to in is that for it as with was on be by this are from at or "
         "an have not which but all were when can there has more will one other about "
         "data file system network server user access scan engine report value").split()


def log_uniform(r, lo, hi):
    import math
    return int(math.exp(r.uniform(math.log(lo), math.log(hi))))


class Corpus:
    def __init__(self, out, mib, seed):
        self.out, self.total, self.r = out, mib * MIB, random.Random(seed)
        self.size = 0
        self.n = 0
        self.planted, self.expected, self.negatives = [], [], []

    def write(self, sub, name, data):
        d = os.path.join(self.out, sub)
        os.makedirs(d, exist_ok=True)
        rel = os.path.join(sub, name)
        with open(os.path.join(self.out, rel), "wb") as f:
            f.write(data)
        self.size += len(data)
        self.n += 1
        return rel

    def marker(self, text):
        if text:
            return "".join(self.r.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(32)).encode()
        b = bytearray(self.r.randbytes(32))
        b[0] |= 0x80
        return bytes(b)

    def text(self, n, html=False):
        words = []
        size = 0
        while size < n:
            w = self.r.choice(WORDS)
            words.append(w.capitalize() if self.r.random() < 0.1 else w)
            size += len(w) + 1
            if self.r.random() < 0.08:
                words.append(".\n")
        body = " ".join(words).encode()[:n]
        if html:
            body = (b"<html><head><title>page</title><script>var x = 1;</script></head><body><p>"
                    + body + b"</p></body></html>\n")
        return body

    def usr_files(self, budget):
        picked = []
        for root in ("/usr/bin", "/usr/sbin", "/usr/lib/x86_64-linux-gnu", "/usr/libexec"):
            for dp, _, fs in os.walk(root):
                for f in fs:
                    p = os.path.join(dp, f)
                    try:
                        if os.path.islink(p) or not os.path.isfile(p):
                            continue
                        s = os.path.getsize(p)
                    except OSError:
                        continue
                    if KIB <= s <= 50 * MIB:
                        picked.append((p, s))
        self.r.shuffle(picked)
        seen, used = set(), 0
        for p, s in picked:
            if used >= budget:
                break
            try:
                data = open(p, "rb").read()
            except OSError:
                continue
            if data[:4] != b"\x7fELF":
                continue
            h = hashlib.md5(data).digest()
            if h in seen:
                continue
            seen.add(h)
            used += s
            yield os.path.basename(p), data

    def plant(self, data, m, at=None):
        at = self.r.randrange(0, max(1, len(data) - len(m))) if at is None else at
        return data[:at] + m + data[at + len(m):]

    def build(self):
        r = self.r
        pid = 0
        # real binaries, a few with planted binary markers
        for i, (name, data) in enumerate(self.usr_files(self.total * 40 // 100)):
            if i % 40 == 0:
                m = self.marker(False)
                data = self.plant(data, m)
                rel = self.write("usr", "%05d-%s" % (i, name), data)
                self.planted.append({"id": pid, "kind": "body", "file": rel, "marker_hex": m.hex()})
                self.expected.append(rel)
                pid += 1
            else:
                self.write("usr", "%05d-%s" % (i, name), data)
        # random data
        budget = self.total * 80 // 100
        i = 0
        while self.size < budget:
            n = log_uniform(r, KIB, 256 * KIB) if r.random() < 0.85 else log_uniform(r, 256 * KIB, 20 * MIB)
            data = r.randbytes(n)
            kind = i % 25
            if kind == 0:
                m = self.marker(False)
                data = self.plant(data, m)
                rel = self.write("rand", "r%05d.bin" % i, data)
                self.planted.append({"id": pid, "kind": "body", "file": rel, "marker_hex": m.hex()})
                self.expected.append(rel)
            elif kind == 1:
                a, b = self.marker(False), self.marker(False)
                data = self.plant(self.plant(data, a, 0), b, len(data) - 40)
                rel = self.write("rand", "r%05d.bin" % i, data)
                self.planted.append({"id": pid, "kind": "ldb", "file": rel, "markers_hex": [a.hex(), b.hex()]})
                self.expected.append(rel)
            elif kind == 2:
                rel = self.write("rand", "r%05d.bin" % i, data)
                self.planted.append({"id": pid, "kind": "hash", "file": rel, "size": len(data),
                                     "md5": hashlib.md5(data).hexdigest(),
                                     "sha256": hashlib.sha256(data).hexdigest()})
                self.expected.append(rel)
            elif kind == 3:
                m = self.marker(False)
                near = m[:2] + bytes([m[2] ^ 0xFF]) + m[3:]
                rel = self.write("rand", "r%05d.bin" % i, self.plant(data, near))
                self.planted.append({"id": pid, "kind": "body", "file": None, "marker_hex": m.hex()})
                self.negatives.append(rel)
            else:
                self.write("rand", "r%05d.bin" % i, data)
            pid += 1
            i += 1
        # text and html
        i = 0
        while self.size < self.total:
            html = i % 5 == 0
            data = self.text(log_uniform(r, KIB, 512 * KIB), html)
            if i % 20 == 1:
                m = self.marker(True)
                data = self.plant(data, b" " + m + b" ")
                rel = self.write("text", "t%05d.%s" % (i, "html" if html else "txt"), data)
                self.planted.append({"id": pid, "kind": "body", "file": rel, "marker_hex": m.hex()})
                self.expected.append(rel)
                pid += 1
            else:
                self.write("text", "t%05d.%s" % (i, "html" if html else "txt"), data)
            i += 1

    def manifest(self):
        return {"total_bytes": self.size, "n_files": self.n, "planted": self.planted,
                "expected_detected": sorted(set(self.expected)),
                "expected_clean_negatives": sorted(self.negatives)}


def hexpat(r, n):
    """A random body pattern of about n bytes in ClamAV's hex syntax; every
    part between ranges keeps >= 4 static bytes."""
    data = r.randbytes(n)
    style = r.random()
    if style < 0.45 or n < 20:
        return data.hex()
    parts, cut = [], [0]
    nparts = 2 if style < 0.9 else 3
    for _ in range(nparts - 1):
        cut.append(r.randrange(cut[-1] + 6, n - 6 * (nparts - len(cut))))
    cut.append(n)
    for i in range(nparts):
        toks = [data[j:j + 1].hex() for j in range(cut[i], cut[i + 1])]
        if len(toks) >= 12:
            j = r.randrange(4, len(toks) - 4)
            k = r.random()
            toks[j] = "??" if k < 0.4 else (toks[j][0] + "?") if k < 0.6 else \
                "(%s|%02x)" % (toks[j], r.randrange(256))
        parts.append("".join(toks))
    seps = ["*", "{%d-%d}" % (r.randint(0, 8), r.randint(9, 64)), "{-%d}" % r.randint(4, 32),
            "{%d-}" % r.randint(1, 16), "{%d}" % r.randint(1, 8)]
    return "".join(p + (r.choice(seps) if i < len(parts) - 1 else "") for i, p in enumerate(parts))


def ndb_line(r, i):
    t = r.choice((0, 0, 0, 0, 1, 1, 1, 6, 7, 3))
    k = r.random()
    pat = hexpat(r, r.randint(16, 48))
    off = "*"
    if k > 0.85:
        pat = r.randbytes(r.randint(16, 32)).hex()
        off = r.choice(("%d" % r.randint(0, 4096), "EOF-%d" % r.randint(64, 8192),
                        "%d,%d" % (r.randint(0, 1024), r.randint(1, 4096))))
    fl = ":17" if "?" in pat.replace("??", "") else ""
    return "Bench.Synth.Body-%d:%d:%s:%s%s" % (i, t, off, pat, fl)


def ldb_line(r, i):
    nsub = r.choice((2, 3, 4))
    subs = [hexpat(r, r.randint(10, 24)) for _ in range(nsub)]
    expr = {2: ("0&1", "0|1"), 3: ("0&1&2", "(0|1)&2", "((0|1|2)>1,2)"),
            4: ("(0&1)&(2|3)", "((0|1|2)>1,2)&3")}[nsub]
    extra = ",FileSize:%d-%d" % (1024, r.randint(2, 8) * MIB) if r.random() < 0.2 else ""
    return "Bench.Synth.Logical-%d;Engine:51-255,Target:%d%s;%s;%s" % (
        i, r.choice((0, 0, 1)), extra, r.choice(expr), ";".join(subs))


def hit_pattern(m, style):
    h = [m[i:i + 1].hex() for i in range(len(m))]
    if style == 0:
        h[8] = "??"
        return "".join(h)
    if style == 1:
        return "".join(h[:16]) + "{0-8}" + "".join(h[16:])
    if style == 2:
        return "".join(h[:12]) + "*" + "".join(h[12:])
    return "".join(h)


def write_sigs(out, a):
    os.makedirs(out, exist_ok=True)
    r = random.Random(a.seed)
    with open(os.path.join(out, "bench.hdb"), "w") as f:
        for i in range(a.md5):
            f.write("%032x:%d:Bench.Synth.Md5-%d\n" % (r.getrandbits(128), log_uniform(r, KIB, 5 * MIB), i))
    with open(os.path.join(out, "bench.hsb"), "w") as f:
        for i in range(a.sha256):
            f.write("%064x:%d:Bench.Synth.Sha256-%d\n" % (r.getrandbits(256), log_uniform(r, KIB, 5 * MIB), i))
    with open(os.path.join(out, "bench.ndb"), "w") as f:
        for i in range(a.ndb):
            f.write(ndb_line(r, i) + "\n")
    with open(os.path.join(out, "bench.ldb"), "w") as f:
        for i in range(a.ldb):
            f.write(ldb_line(r, i) + "\n")
    man = json.load(open(a.manifest))
    hits = {"hdb": [], "hsb": [], "ndb": [], "ldb": []}
    for p in man["planted"]:
        pid = p["id"]
        if p["kind"] == "hash":
            if pid % 2:
                hits["hsb"].append("%s:%d:Bench.Hit.Sha256-%d" % (p["sha256"], p["size"], pid))
            else:
                hits["hdb"].append("%s:%d:Bench.Hit.Md5-%d" % (p["md5"], p["size"], pid))
        elif p["kind"] == "body":
            hits["ndb"].append("Bench.Hit.Body-%d:0:*:%s" % (pid, hit_pattern(bytes.fromhex(p["marker_hex"]), pid % 4)))
        else:
            a_, b_ = (bytes.fromhex(x) for x in p["markers_hex"])
            hits["ldb"].append("Bench.Hit.Logical-%d;Engine:51-255,Target:0;0&1;%s;%s" % (
                pid, hit_pattern(a_, 3), hit_pattern(b_, 0)))
    for ext, lines in hits.items():
        if not lines:
            continue  # clamscan refuses empty database files
        with open(os.path.join(out, "hits." + ext), "w") as f:
            f.write("".join(line + "\n" for line in lines))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("corpus")
    c.add_argument("dir")
    c.add_argument("--mib", type=int, default=1024)
    c.add_argument("--seed", type=int, default=1)
    s = sub.add_parser("sigs")
    s.add_argument("out")
    s.add_argument("--manifest", required=True)
    s.add_argument("--seed", type=int, default=2)
    s.add_argument("--md5", type=int, default=500000)
    s.add_argument("--sha256", type=int, default=500000)
    s.add_argument("--ndb", type=int, default=10000)
    s.add_argument("--ldb", type=int, default=1000)
    a = ap.parse_args()
    if a.cmd == "corpus":
        cp = Corpus(a.dir, a.mib, a.seed)
        cp.build()
        with open(a.dir.rstrip("/") + ".manifest.json", "w") as f:
            json.dump(cp.manifest(), f)
        print("corpus: %d files, %.0f MiB" % (cp.n, cp.size / MIB), file=sys.stderr)
    else:
        write_sigs(a.out, a)


if __name__ == "__main__":
    main()
