#!/usr/bin/env python3
"""bench/onaccess.py [BUILD] -- vigil-onaccess (with vigild) against
clamonacc (with clamd), in one run, on a tmpfs this script mounts: both
with prevention, both handing the opened file to their daemon as a
descriptor, both daemons with two scanning threads and the same
signatures. Reported: opens a second for one reader opening and reading
every file of a tree, first (each file scanned) and again (caches), with
no on-access scanning beside; and that every infected file was denied.

Environment: BENCH_WORK (default /tmp/vigil-bench), BENCH_ONACCESS_FILES
(default 2000). Root is needed (fanotify, mount).
"""
import os
import random
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                        os.path.join(HERE, "..", "build"))
VIGILD = os.path.join(BUILD, "src", "daemon", "vigild")
ONACCESS = os.path.join(BUILD, "src", "onaccess", "vigil-onaccess")
WORK = os.path.join(os.environ.get("BENCH_WORK", "/tmp/vigil-bench"),
                    "onaccess")
FILES = int(os.environ.get("BENCH_ONACCESS_FILES", "2000"))
INFECTED = 20
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
         b"!$H+H*")


def say(*a):
    print("[bench]", *a, file=sys.stderr, flush=True)


def tree(root):
    """FILES clean files of 1-32 KiB in 20 directories, and INFECTED."""
    rnd = random.Random(1)
    clean, bad = [], []
    for i in range(FILES):
        d = os.path.join(root, "d%02d" % (i % 20))
        os.makedirs(d, exist_ok=True)
        clean.append(os.path.join(d, "f%05d.bin" % i))
        with open(clean[-1], "wb") as f:
            f.write(rnd.randbytes(rnd.randint(1024, 32768)))
    for i in range(INFECTED):
        bad.append(os.path.join(root, "d%02d" % i, "e%02d.com" % i))
        with open(bad[-1], "wb") as f:
            f.write(EICAR)
    return clean, bad


def read_all(paths):
    """Seconds to open and read every file; how many were denied."""
    denied = 0
    t = time.perf_counter()
    for p in paths:
        try:
            with open(p, "rb") as f:
                f.read()
        except PermissionError:
            denied += 1
    return time.perf_counter() - t, denied


class Proc:
    def __init__(self, argv, log):
        self.log = open(log, "w")
        self.p = subprocess.Popen(argv, stdout=self.log,
                                  stderr=subprocess.STDOUT)

    def stop(self):
        if self.p.poll() is None:
            self.p.send_signal(signal.SIGTERM)
            try:
                self.p.wait(30)
            except subprocess.TimeoutExpired:
                self.p.kill()
                self.p.wait()
        self.log.close()


def wait_denied(path, seconds=60):
    """Until opening the infected file at path is denied."""
    end = time.time() + seconds
    while time.time() < end:
        if read_all([path])[1]:
            return
        time.sleep(0.2)
    raise RuntimeError("on-access scanning did not start")


def start_vigil(d, db, mnt):
    sock = os.path.join(d, "vigild.sock")
    with open(os.path.join(d, "vigild.conf"), "w") as f:
        f.write("LocalSocket %s\nDatabaseDirectory %s\nCacheDirectory %s\n"
                "MaxThreads 2\n" % (sock, db, os.path.join(d, "cache")))
    daemon = Proc([VIGILD, "--config-file", os.path.join(d, "vigild.conf"),
                   "--foreground"], os.path.join(d, "vigild.log"))
    while not os.path.exists(sock):
        time.sleep(0.05)
    oa = Proc([ONACCESS, "--path", mnt, "--socket", sock, "--prevent",
               "--threads", "2"], os.path.join(d, "onaccess.log"))
    return daemon, oa


def start_clam(d, db, mnt):
    conf = os.path.join(d, "clamd.conf")
    sock = os.path.join(d, "clamd.sock")
    with open(conf, "w") as f:
        f.write("LocalSocket %s\nDatabaseDirectory %s\nForeground yes\n"
                "MaxThreads 2\nUser root\nLogFile %s\nOnAccessIncludePath %s\n"
                "OnAccessPrevention yes\nOnAccessMaxThreads 2\n"
                "OnAccessExcludeUID 12345\n" % (sock, db,
                                                os.path.join(d, "clamd.log"),
                                                mnt))
    daemon = Proc(["clamd", "--config-file=" + conf],
                  os.path.join(d, "clamd.out"))
    while not os.path.exists(sock):
        time.sleep(0.1)
    oa = Proc(["clamonacc", "--foreground", "--fdpass",
               "--config-file=" + conf], os.path.join(d, "clamonacc.log"))
    return daemon, oa


def measure(name, start, db, mnt, clean, bad):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    daemon, oa = start(d, db, mnt)
    try:
        wait_denied(bad[-1])
        first, _ = read_all(clean)
        again, _ = read_all(clean)
        _, denied = read_all(bad)
    finally:
        oa.stop()
        daemon.stop()
    return first, again, denied


def main():
    if os.geteuid():
        sys.exit("bench/onaccess.py needs root (fanotify, mount)")
    os.makedirs(WORK, exist_ok=True)
    db = os.path.join(WORK, "db")
    os.makedirs(db, exist_ok=True)
    with open(os.path.join(db, "test.ndb"), "w") as f:
        f.write("Eicar-Signature:0:*:%s\n" % EICAR.hex())
    mnt = os.path.join(WORK, "mnt")
    os.makedirs(mnt, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256m", "tmpfs", mnt],
                   check=True)
    try:
        clean, bad = tree(mnt)
        time.sleep(1.1)  # vigil-onaccess caches files unchanged for 1 s
        base = min(read_all(clean)[0] for _ in range(3))
        rows = [("vigil-onaccess + vigild",
                 measure("vigil", start_vigil, db, mnt, clean, bad)),
                ("clamonacc + clamd 1.4",
                 measure("clam", start_clam, db, mnt, clean, bad))]
    finally:
        for _ in range(50):
            if subprocess.run(["umount", mnt]).returncode == 0:
                break
            time.sleep(0.1)
    print("On-access: %d files of 1-32 KiB opened and read by one reader, "
          "prevention on, %d infected" % (FILES, INFECTED))
    print("  %-26s %10.0f opens/s" % ("no on-access scanning", FILES / base))
    for name, (first, again, denied) in rows:
        print("  %-26s %10.0f opens/s first, %10.0f again; %d/%d denied" %
              (name, FILES / first, FILES / again, denied, INFECTED))
    v, c = rows[0][1], rows[1][1]
    print("  first pass: vigil %.1fx clamonacc; again: %.1fx" %
          (c[0] / v[0], c[1] / v[1]))


if __name__ == "__main__":
    main()
