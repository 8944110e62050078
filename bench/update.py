#!/usr/bin/env python3
"""Signed updates: for a 1M-signature database and the next release that
changes 1% of its signatures, the bytes a client fetches with a delta and
with the full file, and the time to fetch, verify and install each, over
HTTP on loopback; then the time from the start of `vigil update` until a
running vigild serves the new release (its RELOAD done), beside clamd
reloading the same change from its sources.

usage: bench/update.py [BUILD]    (environment: BENCH_WORK, BENCH_LEVEL
(zstd level of the publisher, default 19))
"""
import http.server
import os
import random
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import daemon as dm  # noqa: E402  (its Server and ask)
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                        os.path.join(HERE, "..", "build"))
VIGIL = os.path.join(BUILD, "src", "cli", "vigil")
VIGILD = os.path.join(BUILD, "src", "daemon", "vigild")
REPO_TOOL = os.path.join(BUILD, "src", "update", "vigil-repo")
WORK = os.path.join(os.environ.get("BENCH_WORK", "/tmp/vigil-bench"),
                    "update")
LEVEL = os.environ.get("BENCH_LEVEL", "19")


def say(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def sources(out, seed, base=None):
    """1M hash signatures (half MD5, half SHA-256), 10k body; with base,
    the same set with 1% of the hashes replaced."""
    os.makedirs(out, exist_ok=True)
    r = random.Random(seed)
    if base:
        for name in ("b.ndb",):
            shutil.copy(os.path.join(base, name), os.path.join(out, name))
        for name, n in (("b.hdb", 32), ("b.hsb", 64)):
            lines = open(os.path.join(base, name)).read().splitlines()
            for i in r.sample(range(len(lines)), len(lines) // 100):
                lines[i] = "%s:%d:Bench.New-%d" % (
                    "%0*x" % (n, r.getrandbits(4 * n)), r.randint(1, 1 << 20),
                    i)
            open(os.path.join(out, name), "w").write("\n".join(lines) + "\n")
        return
    with open(os.path.join(out, "b.hdb"), "w") as f:
        for i in range(500000):
            f.write("%032x:%d:Bench.Md5-%d\n" % (r.getrandbits(128),
                                                r.randint(1, 1 << 20), i))
    with open(os.path.join(out, "b.hsb"), "w") as f:
        for i in range(500000):
            f.write("%064x:%d:Bench.Sha-%d\n" % (r.getrandbits(256),
                                                r.randint(1, 1 << 20), i))
    with open(os.path.join(out, "b.ndb"), "w") as f:
        for i in range(10000):
            f.write("Bench.Body-%d:0:*:%016x%016x\n" % (
                i, r.getrandbits(64), r.getrandbits(64)))


class Server:
    def __init__(self, root):
        self.bytes = 0
        srv = self

        class H(http.server.SimpleHTTPRequestHandler):
            def __init__(self, *a, **k):
                super().__init__(*a, directory=root, **k)

            def log_message(self, *a):
                pass

            def copyfile(self, src, dst):
                data = src.read()
                srv.bytes += len(data)
                dst.write(data)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


def run(*argv):
    t0 = time.time()
    res = subprocess.run(list(argv), capture_output=True, text=True)
    if res.returncode:
        sys.exit(" ".join(argv) + ": " + res.stderr)
    return time.time() - t0, res.stdout


def main():
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    say("generating 1M hash + 10k body signatures, and the same with 1% "
        "changed")
    a, b = os.path.join(WORK, "src1"), os.path.join(WORK, "src2")
    sources(a, 1)
    sources(b, 2, base=a)
    va, vb = os.path.join(WORK, "r1.vdb"), os.path.join(WORK, "r2.vdb")
    run(VIGIL, "db", "compile", "--no-matcher", a, "-o", va)
    run(VIGIL, "db", "compile", "--no-matcher", b, "-o", vb)
    repo, keys = os.path.join(WORK, "repo"), os.path.join(WORK, "keys")
    run(REPO_TOOL, "init", repo, "--keys", keys)
    say("publishing (zstd level %s)" % LEVEL)
    t1, _ = run(REPO_TOOL, "publish", repo, "--keys", keys, va,
                "--level", LEVEL)
    srv = Server(repo)
    trust = os.path.join(repo, "v1", "root", "1.root")
    rows = []

    def client(label, db):
        srv.bytes = 0
        t, out = run(VIGIL, "update", "--mirror", srv.url, "--trust", trust,
                     "--dir", os.path.join(WORK, db), "--once")
        rows.append((label, srv.bytes, t, out.strip()))

    client("release 1, first install", "c1")
    vd, cd = daemons(os.path.join(WORK, "c1", "current"), a)
    t2, _ = run(REPO_TOOL, "publish", repo, "--keys", keys, vb,
                "--level", LEVEL)
    t0 = time.time()
    client("release 2 by delta", "c1")
    reloaded(vd, "database reloaded")
    served = [("vigil update, then vigild's RELOAD", time.time() - t0)]
    for name in ("b.hdb", "b.hsb"):
        shutil.copy(os.path.join(b, name), os.path.join(WORK, "clamd-db"))
    t0 = time.time()
    reloaded(cd, "Database correctly reloaded")
    served.append(("clamd's RELOAD of the same sources", time.time() - t0))
    vd.stop()
    cd.stop()
    client("release 2 in full", "c2")
    report(va, vb, t1, t2, rows, served)


def daemons(vdbdir, sources_dir):
    """vigild on the installed release, clamd on a copy of its sources;
    each logs to WORK/<name>.log."""
    cdb = os.path.join(WORK, "clamd-db")
    shutil.copytree(sources_dir, cdb)
    conf = os.path.join(WORK, "vigild.conf")
    with open(conf, "w") as f:
        f.write("LocalSocket %s/vigild.sock\nDatabaseDirectory %s\n"
                "CacheDirectory %s/cache\nMaxThreads 2\nICAPPort 0\n"
                "SelfCheck 0\n" % (WORK, vdbdir, WORK))
    vd = dm.Server("vigild", [VIGILD, "-c", conf, "--foreground"],
                   os.path.join(WORK, "vigild.sock"),
                   os.path.join(WORK, "vigild.log"))
    conf = os.path.join(WORK, "clamd.conf")
    with open(conf, "w") as f:
        f.write("LocalSocket %s/clamd.sock\nDatabaseDirectory %s\n"
                "Foreground yes\nMaxThreads 2\nLogFile %s/clamd.log\n"
                % (WORK, cdb, WORK))
    cd = dm.Server("clamd", ["clamd", "--config-file=" + conf],
                   os.path.join(WORK, "clamd.sock"),
                   os.path.join(WORK, "clamd.log"))
    return vd, cd


def reloaded(srv, line):
    """RELOAD, then wait until the daemon's log says line once more."""
    log = os.path.join(WORK, srv.name + ".log")
    before = open(log).read().count(line)
    assert dm.ask(srv.sock, b"zRELOAD\0") == b"RELOADING\0"
    while open(log).read().count(line) == before:
        time.sleep(0.005)


def report(va, vb, t1, t2, rows, served):
    print("\nsigned update of a 1M-signature database (%.1f MiB; the next "
          "release changes 1%% of the hashes)" % (os.path.getsize(vb) /
                                                  2**20))
    print("publish: release 1 %.1f s, release 2 with its delta %.1f s"
          % (t1, t2))
    for label, n, t, out in rows:
        print("%-26s %12d bytes fetched  %6.2f s  (%s)" % (label, n, t, out))
    for label, t in served:
        print("%-40s %6.2f s" % (label, t))
    print("the change reaches vigild %.1fx as fast as clamd's reload"
          % (served[1][1] / served[0][1]))


if __name__ == "__main__":
    main()
