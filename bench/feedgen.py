#!/usr/bin/env python3
"""A generated feed of the official ClamAV feed's size and shape, for
measuring what a full-size database costs to build, load and scan with.

    feedgen.py OUT [--scale 1.0] [--seed 3]

At scale 1 it writes about 8.7 million signatures: 5.0M MD5 file hashes
(.hdb), 1.3M SHA-256 (.hsb), 2.0M MD5 and 0.2M SHA-256 PE section hashes
(.mdb .msb), 100k body signatures (.ndb) and 100k logical ones (.ldb).

The body and logical signatures follow distributions measured on the real
feed (ClamAV's main.ldb of 38,889 signatures and a daily.ndb), so that a
matcher meets what it will meet in the field:
  - logical: subsignature counts (3 and 5 most common, up to 12), targets
    (88% PE), pattern lengths (median 16 static bytes, 5% only 6, 5% over
    100), 21% with {n-m} gaps, a few with ??, alternatives and *; the wide
    and nocase modifiers (12% and 10%); 1% at an absolute or EP offset;
    expressions mostly & with some |, counts and > / =;
  - body: longer patterns (median 71 static bytes), with * in a quarter,
    gaps and ?? in a sixth and a tenth; 10% at fixed offsets.
Standard library only; deterministic for a seed. The names carry the
Bench.Feed prefix. Random patterns match nothing in real files, so a scan
with this feed measures the cost of the signatures, not detections.
"""
import argparse
import os
import random

KIB, MIB = 1024, 1024 * 1024

# measured on main.ldb: subsignatures per signature, targets, static
# bytes per subsignature (quantile points)
LDB_NSUB = ((3, 43), (5, 43), (2, 3), (6, 3.4), (8, 2.6), (1, 2.4), (4, 1.4),
            (12, 0.5), (7, 0.4))
LDB_TARGET = ((1, 88), (2, 6.3), (0, 2.5), (3, 0.8), (7, 0.8), (9, 0.7), (6, 0.3),
              (10, 0.25), (11, 0.25))
LDB_LEN = ((0.0, 4), (0.1, 6), (0.25, 10), (0.5, 16), (0.75, 27), (0.9, 64),
           (0.95, 104), (0.99, 128), (1.0, 255))
NDB_TARGET = ((1, 43), (7, 19), (2, 16), (6, 7), (0, 7), (3, 6), (12, 1), (10, 1))
NDB_LEN = ((0.0, 12), (0.05, 21), (0.25, 42), (0.5, 71), (0.75, 140), (0.95, 400),
           (1.0, 1200))


def pick(r, table):
    x = r.uniform(0, sum(w for _, w in table))
    for v, w in table:
        x -= w
        if x <= 0:
            return v
    return table[-1][0]


def quantile(r, points):
    """A length drawn from a piecewise-linear quantile function."""
    q = r.random()
    for (q0, v0), (q1, v1) in zip(points, points[1:]):
        if q <= q1:
            return int(v0 + (v1 - v0) * (q - q0) / (q1 - q0))
    return points[-1][1]


def hexbody(r, n, gap, qq, alt, star):
    """n static bytes in ClamAV's hex syntax, split by a gap or * when
    asked, with a ?? or an alternative inside a long enough piece."""
    data = r.randbytes(max(n, 2))
    toks = [data[i:i + 1].hex() for i in range(len(data))]
    if qq and len(toks) >= 8:
        toks[r.randrange(3, len(toks) - 3)] = "??"
    if alt and len(toks) >= 8:
        j = r.randrange(3, len(toks) - 3)
        toks[j] = "(%s|%02x)" % (toks[j], r.randrange(256))
    if (gap or star) and len(toks) >= 8:
        j = r.randrange(3, len(toks) - 3)
        sep = "*" if star else "{%d-%d}" % (r.randint(0, 4), r.randint(5, 64))
        toks.insert(j, sep)
    return "".join(toks)


def ldb_sub(r, target):
    pat = hexbody(r, quantile(r, LDB_LEN), r.random() < 0.21, r.random() < 0.004,
                  r.random() < 0.002, r.random() < 0.0013)
    k = r.random()
    mod = "::w" if k < 0.122 else "::i" if k < 0.221 else ""
    if mod and "?" in pat:  # ClamAV refuses modifiers on wildcards
        mod = ""
    k = r.random()
    off = "%d:" % r.randint(0, 4096) if k < 0.008 else \
        "EP+%d:" % r.randint(0, 512) if k < 0.01 and target in (1, 6, 9) else ""
    return off + pat + mod


def ldb_expr(r, n):
    if n == 1:
        return "0"
    k = r.random()
    if k < 0.034:
        return "|".join(str(i) for i in range(n))
    if k < 0.049 and n >= 3:
        return "(%s)>%d" % ("|".join(str(i) for i in range(n)), n - 2)
    if k < 0.059:
        return "0&(%s)" % "|".join(str(i) for i in range(1, n))
    if k < 0.062:
        return "&".join(str(i) for i in range(n - 1)) + "&%d=0" % (n - 1)
    return "&".join(str(i) for i in range(n))


def ldb_line(r, i):
    n, t = pick(r, LDB_NSUB), pick(r, LDB_TARGET)
    return "Bench.Feed.Logical-%d;Engine:51-255,Target:%d;%s;%s\n" % (
        i, t, ldb_expr(r, n), ";".join(ldb_sub(r, t) for _ in range(n)))


def ndb_line(r, i):
    pat = hexbody(r, quantile(r, NDB_LEN), r.random() < 0.18, r.random() < 0.10,
                  r.random() < 0.012, r.random() < 0.25)
    k = r.random()
    off = "*" if k < 0.9 else "%d" % r.randint(0, 8192) if k < 0.97 else \
        "EOF-%d" % r.randint(64, 8192) if k < 0.99 else "EP+%d" % r.randint(0, 256)
    t = pick(r, NDB_TARGET)
    if off.startswith("EP") and t not in (1, 6, 9):
        t = 1
    return "Bench.Feed.Body-%d:%d:%s:%s\n" % (i, t, off, pat)


def write(path, n, line, r):
    with open(path, "w") as f:
        buf = []
        for i in range(n):
            buf.append(line(r, i))
            if len(buf) == 10000:
                f.write("".join(buf))
                buf = []
        f.write("".join(buf))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    r = random.Random(a.seed)

    def n(x):
        return max(1, int(x * a.scale))

    def size(r):
        return int(r.lognormvariate(11.5, 1.6)) + 64

    write(os.path.join(a.out, "feed.hdb"), n(5.0e6), lambda r, i: "%032x:%d:Bench.Feed.Md5-%d\n"
          % (r.getrandbits(128), size(r), i), r)
    write(os.path.join(a.out, "feed.hsb"), n(1.3e6), lambda r, i: "%064x:%d:Bench.Feed.Sha256-%d\n"
          % (r.getrandbits(256), size(r), i), r)
    write(os.path.join(a.out, "feed.mdb"), n(2.0e6), lambda r, i: "%d:%032x:Bench.Feed.Sect-%d\n"
          % (r.randint(512, 2 * MIB) & ~511, r.getrandbits(128), i), r)
    write(os.path.join(a.out, "feed.msb"), n(0.2e6), lambda r, i: "%d:%064x:Bench.Feed.Sect256-%d\n"
          % (r.randint(512, 2 * MIB) & ~511, r.getrandbits(256), i), r)
    write(os.path.join(a.out, "feed.ndb"), n(1e5), ndb_line, r)
    write(os.path.join(a.out, "feed.ldb"), n(1e5), ldb_line, r)


if __name__ == "__main__":
    main()
