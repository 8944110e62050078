#!/usr/bin/env python3
"""bench/bigarchive.py [BUILD] -- one big archive on one core and on two,
in one run: a corpus of real binaries, random data and text (bench/gen.py)
is packed into one zip (deflate, many members) and one 7z, and scanned by
`vigil scan -j 1` and `-j 2` (the second thread helps with the same
archive), and by clamscan, which reads an archive on one core, with the
same generated signatures and limits raised so that the whole archive is
read. Reported: MiB/s of archive content, the two-thread speed-up, and
whether the detections of -j 1 and -j 2 are the same.

Environment: BENCH_WORK (default /tmp/vigil-bench), BENCH_BIG_MIB (corpus
size, default 1024), BENCH_RUNS (default 3; the best of them is kept).
Inputs are reused between runs.
"""
import json
import os
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MIB = 1024 * 1024
LIMITS = ["--max-filesize=4000M", "--max-scansize=4000M",
          "--max-files=1000000", "--max-scantime=3600000"]
CLAM_LIMITS = LIMITS


def say(msg):
    print("[bench] " + msg, file=sys.stderr, flush=True)


def prepare(work, mib, vigil):
    corpus = os.path.join(work, "corpus-%d" % mib)
    if not os.path.isdir(corpus):
        say("generating a %d MiB corpus" % mib)
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"),
                        "corpus", corpus, "--mib", str(mib)], check=True)
    sigs = os.path.join(work, "bigsigs-%d" % mib)
    if not os.path.isdir(sigs):
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "sigs",
                        sigs, "--manifest", corpus + ".manifest.json",
                        "--md5", "50000", "--sha256", "50000",
                        "--ndb", "10000", "--ldb", "1000"], check=True)
    vdb = os.path.join(work, "big-%d.vdb" % mib)
    if not os.path.exists(vdb):
        say("compiling the signatures")
        subprocess.run([vigil, "db", "compile", "-o", vdb] +
                       [os.path.join(sigs, f) for f in sorted(os.listdir(sigs))],
                       check=True, capture_output=True)
    zipf = os.path.join(work, "big-%d.zip" % mib)
    if not os.path.exists(zipf):
        say("zipping the corpus")
        subprocess.run(["zip", "-q", "-r", "-6", zipf + ".tmp", "."],
                       cwd=corpus, check=True)
        os.rename(zipf + ".tmp", zipf)
    sevenz = os.path.join(work, "big-%d.7z" % mib)
    if not os.path.exists(sevenz) and shutil.which("7z"):
        say("packing the corpus with 7z")
        subprocess.run(["7z", "a", "-bd", "-y", "-mx=1", sevenz + ".tmp.7z",
                        "."], cwd=corpus, check=True, capture_output=True)
        os.rename(sevenz + ".tmp.7z", sevenz)
    return corpus, vdb, zipf, sevenz


def timed(argv, env=None):
    t = time.monotonic()
    cp = subprocess.run(argv, capture_output=True, text=True, env=env,
                        errors="replace")
    return time.monotonic() - t, cp


def found(out):
    for line in out.splitlines():
        if line.startswith("{") and "summary" not in line:
            d = json.loads(line)
            return sorted((f["name"], f["object"]) for f in d.get("found", []))
    return None


def warm(path):
    """Reads the archive into the page cache before a timed run: a host
    that takes cold pages back (as VMs do) would have the run time the
    disk instead."""
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def bench_one(vigil, vdb, archive, runs, cache):
    env = dict(os.environ, VIGIL_CACHE_DIR=cache)
    base = [vigil, "scan", "--json", "-z", "--no-summary", "-d", vdb] + LIMITS
    # the matcher cache, with the faster matcher (as a machine that has
    # scanned before has it)
    timed(base + ["--full-matcher", "-j", "1",
                  os.path.join(os.path.dirname(vdb), "one.txt")], env)
    best, res = {}, {}
    for _ in range(runs):
        for j in ("1", "2"):
            warm(archive)
            dt, cp = timed(base + ["-j", j, archive], env)
            if cp.returncode not in (0, 1):
                raise SystemExit("vigil failed: " + cp.stderr)
            best[j] = min(best.get(j, dt), dt)
            res[j] = found(cp.stdout)
    load, _ = timed(base + ["-j", "1", os.path.join(os.path.dirname(vdb),
                                                   "one.txt")], env)
    return best, res, load


def clamscan_time(vdb_sigs, archive):
    exe = shutil.which("clamscan")
    if not exe:
        return None
    args = [exe, "--no-summary", "-z"] + CLAM_LIMITS + \
        ["-d", vdb_sigs, archive]
    timed([exe, "--no-summary", "-d", vdb_sigs, "/dev/null"])
    warm(archive)
    dt, _ = timed(args)
    load, _ = timed([exe, "--no-summary", "-d", vdb_sigs, "/dev/null"])
    return dt - load


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..",
                                                                "build")
    vigil = os.path.join(build, "src", "cli", "vigil")
    work = os.environ.get("BENCH_WORK", "/tmp/vigil-bench")
    mib = int(os.environ.get("BENCH_BIG_MIB", "1024"))
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "one.txt"), "w") as f:
        f.write("x")
    corpus, vdb, zipf, sevenz = prepare(work, mib, vigil)
    content = sum(os.path.getsize(os.path.join(d, f))
                  for d, _, fs in os.walk(corpus) for f in fs) / MIB
    cache = os.path.join(work, "cache")
    print("one big archive, %.0f MiB of content (best of %d; load time "
          "subtracted)" % (content, runs))
    print("%-8s %10s %12s %12s %9s %12s %6s" %
          ("archive", "size MiB", "-j 1 MiB/s", "-j 2 MiB/s", "speed-up",
           "clamscan", "same"))
    for label, path in (("zip", zipf), ("7z", sevenz)):
        if not path or not os.path.exists(path):
            continue
        best, res, load = bench_one(vigil, vdb, path, runs, cache)
        t1, t2 = best["1"] - load, best["2"] - load
        ct = clamscan_time(os.path.join(work, "bigsigs-%d" % mib), path)
        print("%-8s %10.0f %12.1f %12.1f %8.2fx %12s %6s" %
              (label, os.path.getsize(path) / MIB, content / t1,
               content / t2, t1 / t2,
               "%.1f MiB/s" % (content / ct) if ct else "-",
               "yes" if res["1"] == res["2"] else "NO"), flush=True)


if __name__ == "__main__":
    main()
