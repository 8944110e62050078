#!/usr/bin/env python3
"""How fast does a real feed become a working scanner? For ClamAV signature
files (the official feed's main.ldb, daily.ndb, third-party .ldb ...), this
measures in one run, beside clamscan on the same files:

  - building: `vigil db compile` with an empty matcher cache (wall time,
    peak RSS), against clamscan loading the same files and scanning one
    small file;
  - loading: `vigil scan` of one small file with the compiled .vdb, cold
    (empty cache) and warm (second run);
  - scanning, with --corpus DIR: one thread over DIR's files, database
    load included, Vigil from the .vdb against clamscan from the sources,
    and whether both flag the same files.

    bench/feedload.py [--vigil build/src/cli/vigil] [--corpus DIR] FILE...

Each figure is the median of --runs runs (default 3). Nothing is kept:
the signatures are the caller's, the .vdb and caches live in a temporary
directory.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import tempfile


def measured(argv, env=None):
    """(wall seconds, peak RSS KiB, stdout) of one run, from GNU time."""
    cp = subprocess.run(["/usr/bin/time", "-f", "@@ %e %M"] + argv, capture_output=True,
                        text=True, errors="replace", env=env)
    m = re.search(r"@@ ([0-9.]+) ([0-9]+)", cp.stderr)
    if not m:
        raise SystemExit("no timing from %s: %s" % (argv[0], cp.stderr[-400:]))
    return float(m.group(1)), int(m.group(2)), cp.stdout


def median(runs):
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def flagged(out):
    return {line.split(": ")[0] for line in out.splitlines() if line.endswith(" FOUND")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", default="build/src/cli/vigil")
    ap.add_argument("--corpus")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="feedload-")
    try:
        probe = os.path.join(tmp, "probe.txt")
        with open(probe, "w") as f:
            f.write("nothing to see here\n")
        vdb = os.path.join(tmp, "feed.vdb")
        build, load_cold, load_warm, clam = [], [], [], []
        for i in range(a.runs):
            cache = os.path.join(tmp, "cache%d" % i)
            build.append(measured([a.vigil, "db", "compile", "--cache-dir", cache, "-o", vdb]
                                  + a.files))
            cold = os.path.join(tmp, "cold%d" % i)
            load_cold.append(measured([a.vigil, "scan", "--no-summary", "--cache-dir", cold,
                                       "-d", vdb, probe]))
            load_warm.append(measured([a.vigil, "scan", "--no-summary", "--cache-dir", cold,
                                       "-d", vdb, probe]))
            clam.append(measured(["clamscan", "--no-summary"] +
                                 ["-d%s" % f for f in a.files] + [probe]))
        rows = [("vigil db compile, empty cache", median(build)),
                ("vigil scan, load .vdb, empty cache", median(load_cold)),
                ("vigil scan, load .vdb, warm cache", median(load_warm)),
                ("clamscan, load the sources", median(clam))]
        for name, (t, rss) in rows:
            print("%-38s %7.2f s %8.1f MiB" % (name, t, rss / 1024))
        ct = median(clam)[0]
        print("build: %.2fx clamscan's load time, %.2fx its peak RSS" % (
            median(build)[0] / ct, median(build)[1] / median(clam)[1]))
        if a.corpus:
            scan(a, vdb, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def scan(a, vdb, tmp):
    """One thread over the corpus, database load included, both engines."""
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(a.corpus)
               for f in fs if os.path.isfile(os.path.join(d, f)))
    v = [measured([a.vigil, "scan", "-j", "1", "--no-summary", "-i", "--cache-dir",
                   os.path.join(tmp, "scancache"), "-d", vdb, a.corpus])
         for _ in range(a.runs)]
    c = [measured(["clamscan", "--no-summary", "-i", "-r"] + ["-d%s" % f for f in a.files]
                  + [a.corpus]) for _ in range(a.runs)]
    vt, ct = median(v)[0], median(c)[0]
    print("corpus %.1f MiB: vigil %.2f s (%.1f MiB/s), clamscan %.2f s (%.1f MiB/s): %.2fx"
          % (size / 2**20, vt, size / 2**20 / vt, ct, size / 2**20 / ct, ct / vt))
    vf, cf = flagged(v[0][2]), flagged(c[0][2])
    print("flagged: vigil %d, clamscan %d, both %d" % (len(vf), len(cf), len(vf & cf)))


if __name__ == "__main__":
    main()
