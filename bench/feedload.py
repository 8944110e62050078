#!/usr/bin/env python3
"""How fast does a real feed become a working scanner? For ClamAV signature
files (the official feed's main.ldb, daily.ndb, third-party .ldb, a whole
/var/lib/clamav ...), or with --generate a feed of the official feed's
size and shape made by feedgen.py, this measures in one run, beside
clamscan and clamd on the same files:

  - loading the sources: `vigil scan` of one small file over an empty
    matcher cache, against clamscan loading the same files;
  - building: `vigil db compile` (the .vdb, and the full matcher into the
    cache);
  - loading the .vdb: cold (empty cache), warm (second run) and warm
    with the .vdb noted as checked in the cache (third run);
  - with --daemons: the memory of vigild serving the .vdb (parent and
    workers, RSS and PSS) against clamd serving the sources, and with
    --corpus the time of `clamdscan --fdpass` over it;
  - scanning, with --corpus DIR: one thread over DIR's files, database
    load included, Vigil from the .vdb against clamscan from the sources,
    and whether both flag the same files.

    bench/feedload.py [--vigil build/src/cli/vigil] [--corpus DIR]
                      [--daemons] [--runs N] (FILE... | --generate [SCALE])

Each figure is the median of --runs runs (default 3). Nothing is kept:
the signatures are the caller's (or generated into the temporary
directory), the .vdb and caches live in a temporary directory.
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


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


def loads(a, tmp, probe, vdb):
    """The load figures, as rows of (name, (median s, peak KiB))."""
    src, build, load_cold, load_warm, load_checked, clam = [], [], [], [], [], []
    for i in range(a.runs):
        clam.append(measured(["clamscan", "--no-summary"] +
                             ["-d%s" % f for f in a.files] + [probe]))
        src.append(measured([a.vigil, "scan", "--no-summary", "--cache-dir",
                             os.path.join(tmp, "src%d" % i)] +
                            ["-d%s" % f for f in a.files] + [probe]))
        cache = os.path.join(tmp, "cache%d" % i)
        build.append(measured([a.vigil, "db", "compile", "--cache-dir", cache, "-o", vdb]
                              + a.files))
        cold = os.path.join(tmp, "cold%d" % i)
        load_cold.append(measured([a.vigil, "scan", "--no-summary", "--cache-dir", cold,
                                   "-d", vdb, probe]))
        # a .vdb changed under two seconds ago is read whole at each load;
        # the first load after that notes it checked, and later ones trust
        # the note (what a daemon's reloads and restarts meet)
        while time.time() < os.stat(vdb).st_ctime + 2.2:
            time.sleep(0.1)
        load_warm.append(measured([a.vigil, "scan", "--no-summary", "--cache-dir", cold,
                                   "-d", vdb, probe]))
        load_checked.append(measured([a.vigil, "scan", "--no-summary", "--cache-dir",
                                      cold, "-d", vdb, probe]))
        for d in (cache, cold):
            shutil.rmtree(d, ignore_errors=True)
    return [("clamscan, load the sources", median(clam)),
            ("vigil scan, load the sources, empty cache", median(src)),
            ("vigil db compile", median(build)),
            ("vigil scan, load .vdb, empty cache", median(load_cold)),
            ("vigil scan, load .vdb, warm cache", median(load_warm)),
            ("vigil scan, load .vdb, warm, checked before", median(load_checked))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", default="build/src/cli/vigil")
    ap.add_argument("--corpus")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--daemons", action="store_true")
    ap.add_argument("--generate", nargs="?", const="1.0", metavar="SCALE")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="feedload-")
    try:
        if a.generate:
            gen = os.path.join(tmp, "feed")
            subprocess.run([sys.executable, os.path.join(HERE, "feedgen.py"), gen,
                            "--scale", a.generate], check=True)
            a.files = sorted(os.path.join(gen, f) for f in os.listdir(gen))
        if not a.files:
            ap.error("signature files, or --generate")
        probe = os.path.join(tmp, "probe.txt")
        with open(probe, "w") as f:
            f.write("nothing to see here\n")
        vdb = os.path.join(tmp, "feed.vdb")
        rows = loads(a, tmp, probe, vdb)
        for name, (t, rss) in rows:
            print("%-42s %7.2f s %8.1f MiB" % (name, t, rss / 1024))
        (ct, crss), (vt, vrss) = rows[0][1], rows[1][1]
        print("from the sources: %.2fx clamscan's load time, %.2fx its peak RSS"
              % (vt / ct, vrss / crss))
        if a.daemons:
            daemons(a, tmp, vdb)
        if a.corpus:
            scan(a, vdb, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def daemons(a, tmp, vdb):
    """RSS and PSS of vigild serving the .vdb and clamd serving the
    sources, each after its first PONG and one scan."""
    sys.path.insert(0, HERE)
    import daemon as dm
    vdir, cdir = os.path.join(tmp, "vdb"), os.path.join(tmp, "clamd-db")
    os.makedirs(vdir)
    os.makedirs(cdir)
    os.link(vdb, os.path.join(vdir, "feed.vdb"))
    for f in a.files:
        os.symlink(os.path.abspath(f), os.path.join(cdir, os.path.basename(f)))
    vigild = os.path.join(os.path.dirname(os.path.abspath(a.vigil)), "..", "daemon", "vigild")
    with open(os.path.join(tmp, "vigild.conf"), "w") as f:
        f.write("LocalSocket %s/vigild.sock\nDatabaseDirectory %s\nCacheDirectory %s/vc\n"
                "MaxThreads 2\nICAPPort 0\nSelfCheck 0\n" % (tmp, vdir, tmp))
    with open(os.path.join(tmp, "clamd.conf"), "w") as f:
        f.write("LocalSocket %s/clamd.sock\nDatabaseDirectory %s\nForeground yes\n"
                "MaxThreads 2\nLogFile %s/clamd-own.log\n" % (tmp, cdir, tmp))
    os.environ["PATH"] += ":/usr/sbin"
    fdpass = {}
    for name, argv, sock in (
            ("clamd", ["clamd", "--config-file=" + os.path.join(tmp, "clamd.conf")],
             "clamd.sock"),
            ("vigild", [vigild, "-c", os.path.join(tmp, "vigild.conf"), "--foreground"],
             "vigild.sock")):
        srv = dm.Server(name, argv, os.path.join(tmp, sock), os.path.join(tmp, name + ".log"))
        dm.ask(srv.sock, dm.instream(os.urandom(1 << 20)))  # workers at work once
        rss, pss = dm.memory(srv.proc.pid)
        print("%-7s start to first PONG %6.2f s, RSS %7.1f MiB, PSS %7.1f MiB"
              % (name, srv.start_s, rss / 1024, pss / 1024))
        conf = os.path.join(tmp, name + "-client.conf")
        with open(conf, "w") as f:  # clamdscan's own: it refuses Vigil's keys
            f.write("LocalSocket %s\n" % os.path.join(tmp, sock))
        log = os.path.join(tmp, "vigild.log")
        if name == "vigild" and "(quick matcher)" in open(log).read():
            if a.corpus:  # what a client meets right after the start
                wall, _ = dm.clamdscan(conf, ["--fdpass"], a.corpus)
                print("%-7s clamdscan --fdpass over the corpus %6.2f s while the "
                      "full matcher compiles beside it" % (name, wall))
            # the figures below are the steady state: the compiled matcher
            # serving, as after an update (the reload measured is one with
            # it serving, not the one onto it)
            dm.wait_log(log, "the full matcher is compiled", 0)
            dm.wait_log(log, "database reloaded", 0)
        if a.corpus:  # one pass: clamd remembers the files it found
            # clean (a second took it 0.82 s where the first took 16.0)
            wall, found = dm.clamdscan(conf, ["--fdpass"], a.corpus)
            fdpass[name] = (wall, found)
            print("%-7s clamdscan --fdpass over the corpus %6.2f s, %d files found"
                  % (name, wall, len(found)))
        reload = dm.reload_clamd if name == "clamd" else dm.reload_vigild
        took, steady, peak = reload(srv, os.path.join(
            tmp, "clamd-own.log" if name == "clamd" else name + ".log"))
        print("%-7s RELOAD %6.2f s, RSS %7.1f MiB, peak %7.1f MiB (%.2fx), "
              "PSS %7.1f MiB, peak %7.1f MiB (%.2fx)"
              % (name, took, steady[0] / 1024, peak[0] / 1024, peak[0] / steady[0],
                 steady[1] / 1024, peak[1] / 1024, peak[1] / steady[1]))
        srv.stop()
    if a.corpus:
        (cw, cf), (vw, vf) = fdpass["clamd"], fdpass["vigild"]
        print("clamdscan --fdpass: vigild %.2fx clamd, the same files found: %s"
              % (cw / vw, "yes" if cf.keys() == vf.keys() else "NO"))


def scan(a, vdb, tmp):
    """One thread over the corpus, database load included, both engines:
    Vigil over an empty matcher cache once, then over the cache that run
    filled (as after `vigil db compile`)."""
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(a.corpus)
               for f in fs if os.path.isfile(os.path.join(d, f)))
    argv = [a.vigil, "scan", "-j", "1", "--no-summary", "-i", "--cache-dir",
            os.path.join(tmp, "scancache"), "-d", vdb, a.corpus]
    cold = measured(argv)
    v = [measured(argv) for _ in range(a.runs)]
    c = [measured(["clamscan", "--no-summary", "-i", "-r"] + ["-d%s" % f for f in a.files]
                  + [a.corpus]) for _ in range(a.runs)]
    vt, ct = median(v)[0], median(c)[0]
    mib = size / 2**20
    print("corpus %.1f MiB: vigil %.2f s (%.1f MiB/s), clamscan %.2f s (%.1f MiB/s): %.2fx"
          % (mib, vt, mib / vt, ct, mib / ct, ct / vt))
    print("corpus %.1f MiB, vigil over an empty matcher cache: %.2f s (%.1f MiB/s): %.2fx"
          % (mib, cold[0], mib / cold[0], ct / cold[0]))
    vf, cf = flagged(v[0][2]), flagged(c[0][2])
    print("flagged: vigil %d, clamscan %d, both %d" % (len(vf), len(cf), len(vf & cf)))


if __name__ == "__main__":
    main()
