#!/usr/bin/env python3
"""bench/bigfile.py [BUILD] -- one plain file past Vectorscan's 4 GiB block,
scanned whole, against the same bytes as small files, in one run.

The binaries and random data of bench/gen.py's corpus (the corpus of
bench/bigarchive.py) are scanned as they are, as many small files, and
joined (after 4 KiB of random bytes, so that the whole is typed as plain
data) into one file of BENCH_PLAIN_MIB (default 4608) MiB. Reported, best
of BENCH_RUNS: `vigil scan -z -j 1` MiB/s over the small files and over
the big one, and peak RSS; then the big file again, cold (page cache
dropped) in a memory cgroup of BENCH_CGROUP_MIB (default 256) MiB, with its
detections compared with the unconfined run's. A file is mapped, so its
pages are page cache the kernel may take back at any time; the scanner's
own memory does not grow with the file. clamscan is run on the small files
for its MiB/s, and on the big file for what it says of a file it cannot
read (its limits end at 4 GiB).

Environment: BENCH_WORK (default /tmp/vigil-bench), BENCH_BIG_MIB (corpus
size, default 1024), BENCH_RUNS (default 3).
"""
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

import bigarchive

MIB = 1024 * 1024
LIMITS = ["--max-filesize=8G", "--max-scansize=8G", "--max-files=1000000",
          "--max-scantime=3600000"]


def say(msg):
    print("[bench] " + msg, file=sys.stderr, flush=True)


def parts(corpus):
    out = []
    for sub in ("usr", "rand"):
        for d, _, fs in os.walk(os.path.join(corpus, sub)):
            out += [os.path.join(d, f) for f in sorted(fs)]
    return sorted(out)


def make_plain(path, files, mib):
    if os.path.exists(path) and os.path.getsize(path) == mib * MIB:
        return
    say("joining the corpus into one %d MiB file" % mib)
    left = mib * MIB
    with open(path + ".tmp", "wb") as out:
        head = random.Random(4096).randbytes(4096)
        out.write(head)
        left -= len(head)
        while left > 0:
            for f in files:
                with open(f, "rb") as src:
                    data = src.read(left)
                out.write(data)
                left -= len(data)
                if not left:
                    break
    os.rename(path + ".tmp", path)


def run(argv, env=None, cgroup=None):
    """Wall seconds, the completed process and its peak RSS in KiB."""
    pre = None
    if cgroup:
        def pre():
            with open(os.path.join(cgroup, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))
    with tempfile.TemporaryFile() as o, tempfile.TemporaryFile() as e:
        t = time.monotonic()
        p = subprocess.Popen(argv, stdout=o, stderr=e, env=env,
                             preexec_fn=pre)
        _, status, ru = os.wait4(p.pid, 0)
        dt = time.monotonic() - t
        p.returncode = os.waitstatus_to_exitcode(status)
        o.seek(0)
        e.seek(0)
        cp = subprocess.CompletedProcess(
            argv, p.returncode, o.read().decode(errors="replace"),
            e.read().decode(errors="replace"))
    return dt, cp, ru.ru_maxrss


def vigil_best(argv, runs, env):
    best, res, rss = None, None, 0
    for _ in range(runs):
        dt, cp, peak = run(argv, env)
        if cp.returncode not in (0, 1):
            raise SystemExit("vigil failed: " + cp.stderr[-2000:])
        rss = max(rss, peak)
        best = dt if best is None else min(best, dt)
        res = names(cp.stdout)
    return best, res, rss


def names(out):
    found = set()
    for line in out.splitlines():
        if line.endswith(" FOUND"):
            found.add(line.rsplit(" ", 2)[1])
    return found


def memory_cgroup(mib):
    """A memory cgroup limited to mib MiB (v2 or v1), or None."""
    for root, limit in (("/sys/fs/cgroup", "memory.max"),
                        ("/sys/fs/cgroup/memory", "memory.limit_in_bytes")):
        if not os.path.exists(os.path.join(root, limit)) and \
                not os.path.exists(os.path.join(root, "cgroup.procs")):
            continue
        own = "/"
        with open("/proc/self/cgroup") as f:
            for line in f:
                hier, ctrl, path = line.rstrip("\n").split(":", 2)
                if (limit == "memory.max" and hier == "0") or \
                        "memory" in ctrl.split(","):
                    own = path
        cg = os.path.join(root + own, "vigil-bench-bigfile")
        try:
            os.makedirs(cg, exist_ok=True)
            with open(os.path.join(cg, limit), "w") as f:
                f.write(str(mib * MIB))
            return cg
        except OSError:
            continue
    return None


def cold_confined(base, target, mib):
    cg = memory_cgroup(mib)
    if not cg:
        return None
    try:
        subprocess.run(["sync"])
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3")
        cold = "cold"
    except OSError:
        cold = "warm"
    try:
        dt, cp, _ = run(base + [target], cgroup=cg)
        peak = 0
        for name in ("memory.peak", "memory.max_usage_in_bytes"):
            p = os.path.join(cg, name)
            if os.path.exists(p):
                with open(p) as f:
                    peak = int(f.read()) // MIB
        return dt, names(cp.stdout), peak, cold, cp.returncode
    finally:
        os.rmdir(cg)


def clamscan(sigs, target):
    exe = shutil.which("clamscan")
    if not exe:
        return None, ""
    load, _, _ = run([exe, "--no-summary", "-d", sigs, "/dev/null"])
    dt, cp, _ = run([exe, "--no-summary", "-r", "-z",
                     "--max-filesize=4000M",
                     "--max-scansize=4000M", "--max-files=1000000",
                     "--max-scantime=3600000", "-d", sigs] + target)
    tail = cp.stdout.strip().splitlines()[-1] if cp.stdout.strip() else ""
    return dt - load, tail


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "build")
    vigil = os.path.join(build, "src", "cli", "vigil")
    work = os.environ.get("BENCH_WORK", "/tmp/vigil-bench")
    mib = int(os.environ.get("BENCH_BIG_MIB", "1024"))
    plain_mib = int(os.environ.get("BENCH_PLAIN_MIB", "4608"))
    runs = int(os.environ.get("BENCH_RUNS", "3"))
    cg_mib = int(os.environ.get("BENCH_CGROUP_MIB", "256"))
    os.makedirs(work, exist_ok=True)
    corpus, vdb, _, _ = bigarchive.prepare(work, mib, vigil)
    files = parts(corpus)
    small_mib = sum(os.path.getsize(f) for f in files) / MIB
    plain = os.path.join(work, "plain-%d.bin" % plain_mib)
    make_plain(plain, files, plain_mib)
    env = dict(os.environ, VIGIL_CACHE_DIR=os.path.join(work, "cache"))
    base = [vigil, "scan", "-z", "-j", "1", "--no-summary", "-d", vdb] + \
        LIMITS
    run(base + ["--full-matcher", os.path.join(work, "one.txt")], env)
    dirs = [os.path.join(corpus, d) for d in ("usr", "rand")]
    ts, found_small, rss_s = vigil_best(base + dirs, runs, env)
    tb, found_big, rss_b = vigil_best(base + [plain], runs, env)
    print("one plain file of %d MiB against its bytes as %d small files "
          "(%.0f MiB), one thread, best of %d" %
          (plain_mib, len(files), small_mib, runs))
    print("  small files: %7.1f MiB/s, peak RSS %4d MiB" %
          (small_mib / ts, rss_s // 1024))
    print("  one file:    %7.1f MiB/s, peak RSS %4d MiB (%.2fx the small "
          "files' speed; the mapped file's pages count)" %
          (plain_mib / tb, rss_b // 1024, (plain_mib / tb) /
           (small_mib / ts)))
    c = cold_confined(base, plain, cg_mib)
    if c:
        dt, found_c, peak, cold, rc = c
        print("  %s, in a %d MiB memory cgroup: %.1f MiB/s, cgroup peak "
              "%d MiB, exit %d, detections %s" %
              (cold, cg_mib, plain_mib / dt, peak, rc,
               "the same" if found_c == found_big else "DIFFERENT"))
    else:
        print("  (no memory cgroup could be made here)")
    ct, _ = clamscan(os.path.join(work, "bigsigs-%d" % mib), dirs)
    if ct:
        print("  clamscan, small files: %.1f MiB/s (vigil %.1fx)" %
              (small_mib / ct, ct / ts))
    _, said = clamscan(os.path.join(work, "bigsigs-%d" % mib), [plain])
    print("  clamscan, one file: %s" % (said or "(no output)"))
    print("  detections: %d in the small files, %d in the one file" %
          (len(found_small), len(found_big)))


if __name__ == "__main__":
    main()
