#!/usr/bin/env python3
"""bench/containers.py [BUILD] -- Vigil against ClamAV on containers, in one
run: a corpus of nested archives, compressed files, mail and documents is
built here (tests/formatgen.py and the standard archivers), around slices of
real binaries and text, with planted content deep inside; the same
generated signatures (100k hashes, 5k body, 500 logical + the planted hits)
are given to both. Reported: MiB/s and objects/s with one thread (clamscan,
vigil -j 1) and with all cores (clamd MULTISCAN with one thread per core,
its database already loaded; vigil -j N), and both engines' detections
against the manifest.

Environment: BENCH_WORK (default /tmp/vigil-bench), BENCH_CONTAINERS_MIB
(corpus size, default 200). Inputs are reused between runs.
"""
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
sys.path.insert(0, HERE)
import formatgen as fg  # noqa: E402
import gen  # noqa: E402

MIB = 1024 * 1024


def say(msg):
    print("[bench] " + msg, file=sys.stderr, flush=True)


class Pool:
    """Slices of real files (ELF binaries, libraries) and generated text."""

    def __init__(self, r):
        self.r = r
        self.files = []
        for d in ("/usr/bin", "/usr/lib/x86_64-linux-gnu"):
            for n in sorted(os.listdir(d)):
                p = os.path.join(d, n)
                if os.path.isfile(p) and not os.path.islink(p) and \
                        64 * 1024 < os.path.getsize(p) < 8 * MIB:
                    self.files.append(p)
        self.files = self.files[:400]

    def binary(self, n):
        data = open(self.r.choice(self.files), "rb").read()
        at = self.r.randrange(max(1, len(data) - n))
        return data[at:at + n]

    def text(self, n):
        words = gen.WORDS
        out = []
        size = 0
        while size < n:
            w = self.r.choice(words)
            out.append(w)
            size += len(w) + 1
        return " ".join(out).encode()[:n]

    def member(self):
        n = int(gen.log_uniform(self.r, 4 * 1024, 1536 * 1024))
        return self.binary(n) if self.r.random() < 0.7 else self.text(n)


def nested_zip(members):
    """Zips three deep: each level holds the level below and one member."""
    inner = multi_zip(members[:1])
    for m in members[1:3]:
        inner = multi_zip([inner, m])
    return multi_zip([inner] + members[3:])


def multi_zip(members):
    import io
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for i, m in enumerate(members):
            z.writestr("f%d.bin" % i, m)
    return buf.getvalue()


def multi_tar(members, mode):
    import io
    import tarfile
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        for i, m in enumerate(members):
            info = tarfile.TarInfo("d/f%d.bin" % i)
            info.size = len(m)
            t.addfile(info, io.BytesIO(m))
    return buf.getvalue()


def mail_with_zip(members):
    return fg.mime(multi_zip(members), "attachment.zip")


def doc(members):
    return fg.ole2_package(members[0])


# (kind, builder, weight): how often each occurs, after what a mail or web
# gateway sees -- zip (and the zip-based office formats), mail, PDF and
# office documents most, gzip often, cab, 7z, bzip2 and xz rarely. The
# report gives each kind's figures too, so the mix hides nothing.
KINDS = [
    ("zip", multi_zip, 3),
    ("nested.zip", nested_zip, 2),
    ("eml", mail_with_zip, 3),
    ("pdf", lambda m: fg.pdf(m[0]), 2),
    ("doc", doc, 2),
    ("tar.gz", lambda m: multi_tar(m, "w:gz"), 2),
    ("gz", lambda m: fg.gz(m[0]), 1),
    ("cab", lambda m: fg.cab(m[0]), 1),
    ("7z", lambda m: fg.sevenzip(multi_tar(m, "w")), 1),
    ("tar.bz2", lambda m: multi_tar(m, "w:bz2"), 1),
    ("tar.xz", lambda m: multi_tar(m, "w:xz"), 1),
]
SCHEDULE = [k for k in KINDS for _ in range(k[2])]


def plant(r, pool, pid):
    """A member carrying a marker (body hit) or itself hashed (hash hit);
    random bytes at its end make it unlike every other member."""
    data = bytearray(pool.binary(r.randrange(16 * 1024, 256 * 1024)) + r.randbytes(64))
    if pid % 2:
        m = bytes(r.randbytes(32))
        at = r.randrange(len(data) - 32)
        data[at:at + 32] = m
        return bytes(data), {"id": pid, "kind": "body", "marker_hex": m.hex()}
    import hashlib
    return bytes(data), {"id": pid, "kind": "hash", "size": len(data),
                         "md5": hashlib.md5(data).hexdigest(),
                         "sha256": hashlib.sha256(data).hexdigest()}


def build_corpus(out, mib, seed=7):
    r = random.Random(seed)
    pool = Pool(r)
    os.makedirs(out, exist_ok=True)
    man = {"planted": [], "expected_detected": [], "expected_clean_negatives": [],
           "total_bytes": 0, "n_files": 0}
    i = 0
    while man["total_bytes"] < mib * MIB:
        kind, make, _ = SCHEDULE[i % len(SCHEDULE)]
        members = [pool.member() for _ in range(r.randint(2, 6))]
        name = os.path.join(kind, "c%05d.%s" % (i, kind))
        if r.random() < 0.08:
            data, p = plant(r, pool, len(man["planted"]))
            members[-1 if kind not in ("gz", "doc", "pdf", "cab") else 0] = data
            man["planted"].append(p)
            man["expected_detected"].append(name)
        blob = make(members)
        os.makedirs(os.path.join(out, kind), exist_ok=True)
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)
        man["total_bytes"] += len(blob)
        man["n_files"] += 1
        i += 1
    return man


def sigs(out, manifest_path):
    a = types.SimpleNamespace(seed=3, md5=50000, sha256=50000, ndb=5000, ldb=500,
                              manifest=manifest_path)
    gen.write_sigs(out, a)


def timed(argv, **kw):
    t0 = time.monotonic()
    cp = subprocess.run(argv, capture_output=True, text=True, errors="replace", **kw)
    return time.monotonic() - t0, cp


def found(text, corpus):
    got = set()
    for line in text.splitlines():
        if line.endswith(" FOUND"):
            path = line.rsplit(": ", 1)[0].split("//")[0]
            got.add(os.path.relpath(path, corpus))
    return got


class Clamd:
    """clamd on a unix socket in the work directory, one thread per core and
    one more: MULTISCAN holds one of clamd's threads for the command itself."""

    def __init__(self, work, db):
        self.sock = os.path.join(work, "clamd.sock")
        self.conf = os.path.join(work, "clamd.conf")
        with open(self.conf, "w") as f:
            f.write("LocalSocket %s\nDatabaseDirectory %s\nForeground yes\n"
                    "MaxThreads %d\nLogFile %s\nTemporaryDirectory %s\n"
                    "MaxScanSize 400M\nMaxFileSize 100M\nStreamMaxLength 100M\n"
                    % (self.sock, db, os.cpu_count() + 1, os.path.join(work, "clamd.log"),
                       work))
        self.proc = subprocess.Popen(["clamd", "-c", self.conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        for _ in range(600):
            if os.path.exists(self.sock) and subprocess.run(
                    ["clamdscan", "-c", self.conf, "--ping", "1"],
                    capture_output=True).returncode == 0:
                return
            time.sleep(0.5)
        raise RuntimeError("clamd did not start")

    def multiscan(self, corpus):
        return timed(["clamdscan", "-c", self.conf, "-m", "--no-summary", "-i", corpus])

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=60)


def objects(vigil_json):
    n = 0
    for line in vigil_json.splitlines():
        rec = json.loads(line)
        n += rec.get("objects", 0)
    return n


def per_kind(man, corpus, clam_argv, vigil_argv, load, v_load):
    """{kind: (MiB, clamscan s, vigil -j 1 s)}, each engine on each kind's
    directory alone."""
    out = {}
    for kind, _, _ in KINDS:
        d = os.path.join(corpus, kind)
        size = sum(os.path.getsize(os.path.join(d, f)) for f in os.listdir(d))
        tc, _ = timed(clam_argv + [d])
        tv = min(timed(vigil_argv + [d])[0] for _ in range(3))
        out[kind] = (size / MIB, max(tc - load, 1e-3), max(tv - v_load, 1e-3))
    return out


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "build"))
    vigil = os.path.join(build, "src", "cli", "vigil")
    work = os.environ.get("BENCH_WORK", "/tmp/vigil-bench")
    mib = int(os.environ.get("BENCH_CONTAINERS_MIB", "200"))
    corpus = os.path.join(work, "containers2-%d" % mib)
    man_path = corpus + ".manifest.json"
    db = os.path.join(work, "containers2-sigs")
    if not os.path.exists(man_path):
        say("building a %d MiB container corpus" % mib)
        shutil.rmtree(corpus, ignore_errors=True)
        man = build_corpus(corpus, mib)
        json.dump(man, open(man_path, "w"))
        shutil.rmtree(db, ignore_errors=True)
    man = json.load(open(man_path))
    if not os.path.isdir(db):
        sigs(db, man_path)
    cache = os.path.join(work, "cache")
    vdb = os.path.join(work, "containers2.vdb")
    subprocess.run([vigil, "db", "compile", "--cache-dir", cache, db, "-o", vdb], check=True,
                   capture_output=True)
    subprocess.run(["tar", "cf", "/dev/null", corpus])  # warm the page cache
    say("clamscan (one thread)")
    clam = ["clamscan", "-r", "-i", "--no-summary", "-d", db]
    load, _ = timed(["clamscan", "--no-summary", "-d", db, "/dev/null"])
    t_clam, c_clam = timed(clam + [corpus])
    say("clamd MULTISCAN (%d threads scanning)" % os.cpu_count())
    clamd = Clamd(work, db)
    try:
        t_clamd, c_clamd = clamd.multiscan(corpus)
    finally:
        clamd.stop()
    say("vigil")
    base = [vigil, "scan", "--no-summary", "--no-progress", "--cache-dir", cache, "-d", vdb]
    v_load, _ = timed(base + ["/dev/null"])
    runs1 = [timed(base + ["-i", "-j", "1", corpus]) for _ in range(3)]
    runsn = [timed(base + ["-i", "-j", str(os.cpu_count()), corpus]) for _ in range(3)]
    _, js = timed(base + ["--json", "-j", str(os.cpu_count()), corpus])
    say("each kind alone")
    kinds = per_kind(man, corpus, clam, base + ["-i", "-j", "1"], load, v_load)
    report(man, corpus, objects(js.stdout), load, t_clam, c_clam, t_clamd, c_clamd,
           v_load, runs1, runsn, kinds)


def report(man, corpus, nobj, load, t_clam, c_clam, t_clamd, c_clamd, v_load, runs1, runsn,
           kinds):
    mib = man["total_bytes"] / MIB
    t1 = min(t for t, _ in runs1) - v_load
    tn = min(t for t, _ in runsn) - v_load
    tc = t_clam - load
    rows = [("clamscan", tc), ("clamd MULTISCAN, %d threads" % (os.cpu_count() + 1), t_clamd),
            ("vigil -j 1 (best of 3)", t1), ("vigil -j %d (best of 3)" % os.cpu_count(), tn)]
    print("\nContainers: %d files, %.0f MiB, %d objects (as Vigil counts them); "
          "times exclude database load" % (man["n_files"], mib, nobj))
    for name, t in rows:
        print("  %-30s %7.2f s %8.1f MiB/s %9.0f objects/s" % (name, t, mib / t, nobj / t))
    print("  one thread: vigil %.1fx clamscan; all cores: vigil %.1fx clamd"
          % (tc / t1, t_clamd / tn))
    print("Each kind alone, one thread (MiB/s):")
    for kind, (size, c, v) in kinds.items():
        print("  %-11s %6.1f MiB  clamscan %7.1f  vigil %7.1f  %5.1fx"
              % (kind, size, size / c, size / v, c / v))
    exp = set(man["expected_detected"])
    outs = {"clamscan": found(c_clam.stdout, corpus), "clamd": found(c_clamd.stdout, corpus),
            "vigil -j 1": found(runs1[0][1].stdout, corpus),
            "vigil -j N": found(runsn[0][1].stdout, corpus)}
    print("Detections (expected %d planted):" % len(exp))
    ok = True
    for name, got in outs.items():
        miss, extra = sorted(exp - got), sorted(got - exp)
        print("  %-12s found %d, missing %d, extra %d %s" % (
            name, len(got), len(miss), len(extra), (miss + extra)[:4]))
        ok &= name.startswith("clam") or (not miss and not extra)
    print("  vigil and clamscan identical: %s" % (outs["vigil -j 1"] == outs["clamscan"]))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
