#!/usr/bin/python3
"""ab.py A_VIGIL B_VIGIL [--runs N] [--mib M] -- two builds of `vigil scan`
against each other in one run, on bench/run.sh's generated signatures and
corpus (compiled into a .vdb by each build, matcher cache warm): runs
alternate A, B, A, B ... so that the machine's noise falls on both; with
--cold the page cache is dropped before each run (root). Prints each
build's median wall time and MiB/s for one thread and for all cores, the
B/A ratio, and whether both found the same detections. For "did this
change make scanning slower": A is the old build, B the new one.

Environment: BENCH_WORK (default /tmp/vigil-bench), as bench/run.sh."""
import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def say(*a):
    print("[ab]", *a, file=sys.stderr, flush=True)


def inputs(work, mib):
    corpus = os.path.join(work, "corpus-%d" % mib)
    sigs = os.path.join(work, "sigs-%d-ab" % mib)
    if not os.path.isdir(corpus):
        say("generating a %d MiB corpus" % mib)
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "corpus",
                        corpus, "--mib", str(mib)], check=True)
    if not os.path.exists(os.path.join(sigs, "hits.ndb")):
        say("generating signatures")
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "sigs",
                        sigs, "--manifest", corpus + ".manifest.json",
                        "--md5", "500000", "--sha256", "500000",
                        "--ndb", "10000", "--ldb", "1000"], check=True)
    return corpus, sigs


def compile_db(vigil, sigs, out, cache):
    subprocess.run([vigil, "db", "compile", "--cache-dir", cache, sigs, "-o",
                    out], check=True, capture_output=True)


def scan(vigil, vdb, cache, corpus, threads, cold):
    if cold:
        subprocess.run(["sync"], check=True)
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
    t = time.monotonic()
    res = subprocess.run([vigil, "scan", "-i", "--no-summary", "-j",
                          str(threads), "--cache-dir", cache, "-d", vdb,
                          corpus], capture_output=True, text=True)
    wall = time.monotonic() - t
    if res.returncode not in (0, 1):
        raise SystemExit("%s: exit %d: %s" % (vigil, res.returncode,
                                              res.stderr[-500:]))
    return wall, sorted(res.stdout.splitlines())


def corpus_mib(corpus):
    total = 0
    for d, _, fs in os.walk(corpus):
        for f in fs:
            total += os.path.getsize(os.path.join(d, f))
    return total / (1 << 20)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--mib", type=int, default=512)
    ap.add_argument("--cold", action="store_true")
    o = ap.parse_args()
    work = os.environ.get("BENCH_WORK", "/tmp/vigil-bench")
    os.makedirs(work, exist_ok=True)
    corpus, sigs = inputs(work, o.mib)
    mib = corpus_mib(corpus)
    builds = {"A": os.path.abspath(o.a), "B": os.path.abspath(o.b)}
    dbs = {}
    for k, v in builds.items():
        cache = os.path.join(work, "ab-cache-" + k)
        dbs[k] = (os.path.join(work, "ab-%s.vdb" % k), cache)
        compile_db(v, sigs, dbs[k][0], cache)
    ncpu = os.cpu_count() or 1
    for threads in (1, ncpu):
        times = {"A": [], "B": []}
        found = {}
        for _ in range(o.runs):
            for k in ("A", "B"):
                wall, out = scan(builds[k], dbs[k][0], dbs[k][1], corpus,
                                 threads, o.cold)
                times[k].append(wall)
                found[k] = out
        ma, mb = statistics.median(times["A"]), statistics.median(times["B"])
        print("%d thread(s)%s: A %.2f s (%.0f MiB/s), B %.2f s (%.0f MiB/s), "
              "B/A time %.3f; runs A %s, B %s; same detections: %s (%d)" % (
                  threads, ", cold" if o.cold else "", ma, mib / ma, mb,
                  mib / mb, mb / ma,
                  " ".join("%.2f" % t for t in times["A"]),
                  " ".join("%.2f" % t for t in times["B"]),
                  found["A"] == found["B"], len(found["B"])))


if __name__ == "__main__":
    main()
