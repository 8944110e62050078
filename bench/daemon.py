#!/usr/bin/env python3
"""vigild against clamd, in one run, with the same signatures (1M hashes,
10k body, 1k logical) and corpus as bench/run.sh: clamdscan --fdpass and
--multiscan throughput on two workers against clamd's three threads (its
MULTISCAN holds one), start to first PONG over an empty and a warm matcher
cache, reload time and memory with the database unchanged and after an
update that changes one body signature, and a soak of concurrent INSTREAM
clients.

usage: bench/daemon.py [BUILD]    (environment: BENCH_WORK, BENCH_MIB
(default 1024), BENCH_SOAK_S (120), BENCH_SOAK_CLIENTS (200))
"""
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                        os.path.join(HERE, "..", "build"))
VIGIL = os.path.join(BUILD, "src", "cli", "vigil")
VIGILD = os.path.join(BUILD, "src", "daemon", "vigild")
WORK = os.environ.get("BENCH_WORK", "/tmp/vigil-bench")
MIB = int(os.environ.get("BENCH_MIB", "1024"))
SOAK_S = float(os.environ.get("BENCH_SOAK_S", "120"))
SOAK_CLIENTS = int(os.environ.get("BENCH_SOAK_CLIENTS", "200"))
THREADS = 2


def say(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def inputs():
    corpus = os.path.join(WORK, "corpus-%d" % MIB)
    sigs = os.path.join(WORK, "sigs-%d-1000000-10000-1000" % MIB)
    if not os.path.isdir(corpus):
        say("generating a %d MiB corpus" % MIB)
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"),
                        "corpus", corpus, "--mib", str(MIB)], check=True)
    if not os.path.exists(os.path.join(sigs, "hits.ndb")):
        say("generating signatures")
        subprocess.run([sys.executable, os.path.join(HERE, "gen.py"), "sigs",
                        sigs, "--manifest", corpus + ".manifest.json",
                        "--md5", "500000", "--sha256", "500000",
                        "--ndb", "10000", "--ldb", "1000"], check=True)
    vdbdir = os.path.join(WORK, "vigild-db-%d" % MIB)
    os.makedirs(vdbdir, exist_ok=True)
    vdb = os.path.join(vdbdir, "bench.vdb")
    if not os.path.exists(vdb):
        subprocess.run([VIGIL, "db", "compile", "--no-matcher", sigs,
                        "-o", vdb],
                       check=True, capture_output=True)
    return corpus, sigs, vdbdir


def ask(path, data, timeout=600):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(path)
    with s:
        s.sendall(data)
        out = b""
        while True:
            b = s.recv(65536)
            if not b:
                return out
            out += b


def instream(data):
    return (b"zINSTREAM\0" + len(data).to_bytes(4, "big") + data +
            b"\0\0\0\0")


def tree(pid):
    """pid and its children's pids."""
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                         text=True).stdout
    return [pid] + [int(p) for p in out.split()]


def memory(pid):
    """(RSS, PSS) in KiB summed over pid and its children."""
    rss = pss = 0
    for p in tree(pid):
        try:
            with open("/proc/%d/smaps_rollup" % p) as f:
                for line in f:
                    if line.startswith("Rss:"):
                        rss += int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
        except OSError:
            pass
    return rss, pss


def fds(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return -1


class Server:
    def __init__(self, name, argv, sock, log):
        self.name, self.sock = name, sock
        t0 = time.time()
        self.proc = subprocess.Popen(argv, stdout=open(log, "w"),
                                     stderr=subprocess.STDOUT)
        while True:
            try:
                if ask(sock, b"zPING\0", 5) == b"PONG\0":
                    break
            except OSError:
                pass
            if self.proc.poll() is not None:
                raise RuntimeError(name + " died; see " + log)
            time.sleep(0.01)
        self.start_s = time.time() - t0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def start_clamd(sigs):
    d = os.path.join(WORK, "clamd")
    os.makedirs(d, exist_ok=True)
    sock = os.path.join(d, "clamd.sock")
    conf = os.path.join(d, "clamd.conf")
    with open(conf, "w") as f:
        f.write("LocalSocket %s\nDatabaseDirectory %s\nForeground yes\n"
                "MaxThreads %d\nStreamMaxLength 100M\nMaxQueue 400\n"
                "LogFile %s/clamd.log\nLogTime yes\n"
                % (sock, sigs, THREADS + 1, d))
    return Server("clamd", ["clamd", "--config-file=" + conf], sock,
                  os.path.join(d, "out.log")), conf


def start_vigild(vdbdir):
    """vigild on vdbdir with the matcher cache in WORK/cache."""
    d = os.path.join(WORK, "vigild")
    os.makedirs(d, exist_ok=True)
    sock = os.path.join(d, "vigild.sock")
    conf = os.path.join(d, "vigild.conf")
    with open(conf, "w") as f:
        f.write("LocalSocket %s\nDatabaseDirectory %s\nCacheDirectory %s\n"
                "MaxThreads %d\nStreamMaxLength 100M\nMaxQueue 400\n"
                "MaxConnections 1024\nICAPPort 0\nSelfCheck 0\n"
                % (sock, vdbdir, os.path.join(WORK, "cache"), THREADS))
    client = os.path.join(d, "clamdscan.conf")
    with open(client, "w") as f:
        f.write("LocalSocket %s\n" % sock)
    return Server("vigild", [VIGILD, "-c", conf, "--foreground"], sock,
                  os.path.join(d, "out.log")), client


def clamdscan(conf, mode, corpus):
    t0 = time.time()
    res = subprocess.run(["clamdscan", "--config-file=" + conf, "-i",
                          "--no-summary"] + mode + [corpus],
                         capture_output=True, text=True)
    wall = time.time() - t0
    found = {}
    for line in res.stdout.splitlines():
        if line.endswith(" FOUND"):
            path, name = line[:-6].rsplit(": ", 1)
            found.setdefault(path, set()).add(
                name.replace(".UNOFFICIAL", ""))
    return wall, found


def corpus_bytes(corpus):
    n = 0
    for root, _, files in os.walk(corpus):
        for f in files:
            n += os.path.getsize(os.path.join(root, f))
    return n


def reload_vigild(srv, log=None):
    """RELOAD; returns (seconds to the new generation, steady and peak
    (RSS, PSS) in KiB over the parent and its workers)."""
    steady = memory(srv.proc.pid)
    peak = list(steady)
    log = log or os.path.join(WORK, "vigild", "out.log")
    before = open(log).read().count("database reloaded")
    t0 = time.time()
    assert ask(srv.sock, b"zRELOAD\0") == b"RELOADING\0"
    while open(log).read().count("database reloaded") == before:
        m = memory(srv.proc.pid)
        peak = [max(a, b) for a, b in zip(peak, m)]
        time.sleep(0.005)
    took = time.time() - t0
    end = time.time() + 2
    while time.time() < end:  # the old generation leaves
        m = memory(srv.proc.pid)
        peak = [max(a, b) for a, b in zip(peak, m)]
        time.sleep(0.01)
    return took, steady, peak


def reload_clamd(srv, log=None):
    log = log or os.path.join(WORK, "clamd", "clamd.log")
    steady = memory(srv.proc.pid)
    peak = list(steady)
    before = open(log).read().count("Database correctly reloaded")
    t0 = time.time()
    assert ask(srv.sock, b"zRELOAD\0") == b"RELOADING\0"
    while open(log).read().count("Database correctly reloaded") == before:
        m = memory(srv.proc.pid)
        peak = [max(a, b) for a, b in zip(peak, m)]
        time.sleep(0.005)
        if time.time() - t0 > 600:
            break
    return time.time() - t0, steady, peak


def wait_log(path, text, before, seconds=1200):
    """Waits until path holds text more than before times; the seconds."""
    t0 = time.time()
    while open(path).read().count(text) <= before:
        if time.time() - t0 > seconds:
            raise RuntimeError("%s never logged %r" % (path, text))
        time.sleep(0.01)
    return time.time() - t0


def cold_start(vdbdir):
    """vigild over an empty matcher cache: (seconds to the first PONG,
    seconds until the compiled matcher serves)."""
    shutil.rmtree(os.path.join(WORK, "cache"), ignore_errors=True)
    t0 = time.time()
    v, _ = start_vigild(vdbdir)
    log = os.path.join(WORK, "vigild", "out.log")
    wait_log(log, "the full matcher is compiled", 0)
    wait_log(log, "database reloaded", 0)
    full = time.time() - t0
    v.stop()
    return v.start_s, full


def change_one(cdb, vdbdir):
    """An update that changes one body signature: clamd's sources in
    place, vigild's .vdb rebuilt from them (without a matcher, as
    vigil update installs it) and renamed into place."""
    ndb = os.path.join(cdb, "bench.ndb")
    with open(ndb) as f:
        lines = f.readlines()
    lines[0] = "Bench.Changed-1:0:*:%s\n" % os.urandom(16).hex()
    with open(ndb, "w") as f:
        f.writelines(lines)
    tmp = os.path.join(WORK, "changed.vdb")
    subprocess.run([VIGIL, "db", "compile", "--no-matcher", cdb, "-o", tmp],
                   check=True, capture_output=True)
    os.rename(tmp, os.path.join(vdbdir, "bench.vdb"))


def soak(srv, found):
    """SOAK_CLIENTS clients, each INSTREAM after INSTREAM for SOAK_S, of
    random (clean) data and of files the scans found (each with the name
    it must get)."""
    errors, done = [], [0]
    lock = threading.Lock()
    objs = [(os.urandom(random.randint(1, 200000)), b"stream: OK\0")
            for _ in range(16)]
    for path, names in sorted(found.items())[:4]:
        with open(path, "rb") as f:
            objs.append((f.read(), b"stream: %s FOUND\0" %
                         sorted(names)[0].encode()))
    stop = time.time() + SOAK_S

    def client(i):
        r = random.Random(i)
        while time.time() < stop:
            data, want = r.choice(objs)
            try:
                got = ask(srv.sock, instream(data), 120)
            except OSError as e:
                got = repr(e).encode()
            with lock:
                done[0] += 1
                if got != want:
                    errors.append(got[:80])

    samples = []
    threads = [threading.Thread(target=client, args=(i,))
               for i in range(SOAK_CLIENTS)]
    for t in threads:
        t.start()
    while time.time() < stop:
        samples.append((time.time(), memory(srv.proc.pid)[0],
                        fds(srv.proc.pid)))
        time.sleep(1)
    for t in threads:
        t.join()
    samples.append((time.time(), memory(srv.proc.pid)[0],
                    fds(srv.proc.pid)))
    return done[0], errors, samples


def mib(kib):
    return kib / 1024.0


def main():
    if not shutil.which("clamd") and not os.path.exists("/usr/sbin/clamd"):
        sys.exit("clamd is not installed (scripts/deps.sh bench)")
    os.environ["PATH"] += ":/usr/sbin"
    corpus, sigs, vdbdir = inputs()
    # copies that the update at the end changes
    cdb = os.path.join(WORK, "clamd-db")
    shutil.rmtree(cdb, ignore_errors=True)
    shutil.copytree(sigs, cdb)
    live = os.path.join(WORK, "vigild-db-live")
    shutil.rmtree(live, ignore_errors=True)
    shutil.copytree(vdbdir, live)
    sigs, vdbdir = cdb, live
    size = corpus_bytes(corpus)
    subprocess.run(["cat"] + [os.path.join(r, f) for r, _, fs in
                              os.walk(corpus) for f in fs],
                   stdout=subprocess.DEVNULL)  # the page cache, warm
    say("vigild: a start over an empty matcher cache")
    cold_pong, cold_full = cold_start(vdbdir)
    rows, results = [], {}
    # each mode on freshly started daemons: clamd remembers the files it
    # found clean, and a second pass over the same corpus would measure
    # that cache, not the scanner
    for label, mode in (("--fdpass", ["--fdpass"]),
                        ("--multiscan", ["--multiscan"]),
                        ("--multiscan --fdpass", ["-m", "--fdpass"])):
        clamd, cconf = start_clamd(sigs)
        v, vconf = start_vigild(vdbdir)
        if not rows:
            rows.append(("start to first PONG, empty cache, s",
                         clamd.start_s, cold_pong))
            rows.append(("start to compiled matcher serving, s",
                         clamd.start_s, cold_full))
            rows.append(("start to first PONG, warm cache, s",
                         clamd.start_s, v.start_s))
        cw, cf = clamdscan(cconf, mode, corpus)
        vw, vf = clamdscan(vconf, mode, corpus)
        results[label] = (cf, vf)
        rows.append(("clamdscan %s, MiB/s" % label, size / cw / 2**20,
                     size / vw / 2**20))
        say("%s: clamd %.1f s, vigild %.1f s, %d/%d files found, same: %s"
            % (label, cw, vw, len(cf), len(vf), cf == vf))
        if label != "--multiscan --fdpass":
            clamd.stop()
            v.stop()
    rt, rs, rp = reload_clamd(clamd)
    vt, vs, vp = reload_vigild(v)
    rows.append(("RELOAD unchanged, s", rt, vt))
    rows.append(("RSS steady, MiB", mib(rs[0]), mib(vs[0])))
    rows.append(("RSS peak in reload, MiB", mib(rp[0]), mib(vp[0])))
    rows.append(("PSS steady, MiB", mib(rs[1]), mib(vs[1])))
    rows.append(("PSS peak in reload, MiB", mib(rp[1]), mib(vp[1])))
    say("one body signature changed")
    log = os.path.join(WORK, "vigild", "out.log")
    compiled = open(log).read().count("the full matcher is compiled")
    change_one(cdb, vdbdir)
    rt, rs, rp = reload_clamd(clamd)
    t0 = time.time()
    vt, vs, vp = reload_vigild(v)
    rows.append(("RELOAD after one body signature changed, s", rt, vt))
    rows.append(("RSS peak in that reload, MiB", mib(rp[0]), mib(vp[0])))
    wait_log(log, "the full matcher is compiled", compiled)
    rows.append(("... until the compiled matcher serves, s", rt,
                 time.time() - t0))
    clamd.stop()
    say("soak: %d INSTREAM clients for %.0f s" % (SOAK_CLIENTS, SOAK_S))
    n, errors, samples = soak(v, results["--fdpass"][1])
    v.stop()
    report(rows, results, n, errors, samples, size)


def report(rows, results, n, errors, samples, size):
    print("\nvigild against clamd 1.4, %d workers against %d threads, "
          "%.0f MiB corpus" % (THREADS, THREADS + 1, size / 2**20))
    print("%-44s %10s %10s %8s" % ("", "clamd", "vigild", "ratio"))
    for name, c, v in rows:
        ratio = (v / c if "MiB/s" in name else c / v if v else 0)
        print("%-44s %10.2f %10.2f %7.1fx" % (name, c, v, ratio))
    for label, (cf, vf) in results.items():
        print("detections %-22s clamd %d files, vigild %d, identical: %s"
              % (label, len(cf), len(vf), "yes" if cf == vf else "NO"))
    first, last = samples[0], samples[-1]
    print("soak: %d requests by %d clients in %.0f s, %d errors%s"
          % (n, SOAK_CLIENTS, SOAK_S, len(errors),
             (" (first: %r)" % errors[0]) if errors else ""))
    print("soak: RSS %.0f -> %.0f MiB (max %.0f), parent descriptors "
          "%d -> %d (max %d)" % (
              mib(first[1]), mib(last[1]), mib(max(s[1] for s in samples)),
              first[2], last[2], max(s[2] for s in samples)))


if __name__ == "__main__":
    main()
