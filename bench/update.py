#!/usr/bin/env python3
"""Signed updates: for a 1M-signature database and the next release that
changes 1% of its signatures, the bytes a client fetches with a delta and
with the full file, and the time to fetch, verify and install each, over
HTTP on loopback.

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
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                        os.path.join(HERE, "..", "build"))
VIGIL = os.path.join(BUILD, "src", "cli", "vigil")
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
    run(VIGIL, "db", "compile", a, "-o", va)
    run(VIGIL, "db", "compile", b, "-o", vb)
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
    t2, _ = run(REPO_TOOL, "publish", repo, "--keys", keys, vb,
                "--level", LEVEL)
    client("release 2 by delta", "c1")
    client("release 2 in full", "c2")
    report(va, vb, t1, t2, rows)


def report(va, vb, t1, t2, rows):
    print("\nsigned update of a 1M-signature database (%.1f MiB; the next "
          "release changes 1%% of the hashes)" % (os.path.getsize(vb) /
                                                  2**20))
    print("publish: release 1 %.1f s, release 2 with its delta %.1f s"
          % (t1, t2))
    for label, n, t, out in rows:
        print("%-26s %12d bytes fetched  %6.2f s  (%s)" % (label, n, t, out))


if __name__ == "__main__":
    main()
