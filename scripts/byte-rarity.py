#!/usr/bin/python3
"""byte-rarity.py -- the table of how much each byte narrows a search
(src/lib/match/anchors.c's rarity_of), measured on this machine's files:
the first MiB of 400 binaries and libraries under /usr/bin and
/usr/lib/x86_64-linux-gnu (three quarters of the weight) and of 400 text
files under /usr/share/doc (a quarter), chosen with a fixed seed. Each
byte's value is twice the bits of information its frequency gives
(-2 log2 p, letters counted with their other case, 1 to 24); NUL and 0xff
are 0, since runs of them fill whole objects. Prints the C rows."""
import collections
import math
import os
import random

FILES = 400
READ = 1 << 20


def files_under(dirs, keep):
    out = []
    for d in dirs:
        for root, _, names in os.walk(d):
            for n in names:
                p = os.path.join(root, n)
                if os.path.isfile(p) and not os.path.islink(p) and keep(p):
                    out.append(p)
    return sorted(out)


def counts(paths, r):
    c, total = collections.Counter(), 0
    paths = list(paths)
    r.shuffle(paths)
    for p in paths[:FILES]:
        try:
            with open(p, "rb") as f:
                b = f.read(READ)
        except OSError:
            continue
        c.update(b)
        total += len(b)
    return c, max(total, 1)


def main():
    r = random.Random(1)
    binc, bint = counts(files_under(["/usr/bin", "/usr/lib/x86_64-linux-gnu"],
                                    lambda p: True), r)
    txtc, txtt = counts(files_under(["/usr/share/doc"],
                                    lambda p: not p.endswith(".gz")), r)
    vals = []
    for b in range(256):
        both = [b, b - 32] if 0x61 <= b <= 0x7a else [b]
        p = (0.75 * sum(binc[x] for x in both) / bint +
             0.25 * sum(txtc[x] for x in both) / txtt)
        vals.append(0 if b in (0, 0xff) else
                    max(1, min(24, round(-2 * math.log2(max(p, 1e-9))))))
    for i in range(0, 256, 16):
        print("\t" + ", ".join("%2d" % v for v in vals[i:i + 16]) + ",")


if __name__ == "__main__":
    main()
