#!/usr/bin/env python3
"""bench/bombs.py [BUILD] -- time and peak memory of a verdict on each
decompression bomb of tests/bombgen.py, for vigil scan and clamscan in one
run. Memory is peak RSS above the same program's baseline (scanning a
one-byte file with the same database); the goal is a verdict within 1 s
and under 64 MiB above the baseline.

Environment: BENCH_WORK (default /tmp/vigil-bench).
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests"))
import bombgen  # noqa: E402

GOAL_SECONDS, GOAL_MIB = 1.0, 64


def measure(argv):
    """(wall seconds, peak RSS MiB, first output line) of a run."""
    cp = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + argv, capture_output=True,
                        text=True, errors="replace")
    wall, rss = cp.stderr.strip().splitlines()[-1].split()
    first = (cp.stdout.strip().splitlines() or ["?"])[0]
    return float(wall), int(rss) / 1024.0, first.rsplit(": ", 1)[-1].replace(" FOUND", "")


def build(work):
    d = os.path.join(work, "bombs")
    os.makedirs(d, exist_ok=True)
    bombs = dict(bombgen.compression_bombs())
    bombs["42.zip"] = bombgen.nested_zip_bomb()
    p = os.path.join(d, "42-full.zip")  # as 42.zip: 16^5 files of 4 GiB
    if not os.path.exists(p):
        with open(p, "wb") as f:
            f.write(bombgen.nested_zip_bomb(levels=5, leaf_mib=4096))
    bombs["42-full.zip"] = open(p, "rb").read()
    bombs["overlap.zip"] = bombgen.overlapping_zip()
    bombs["quine.zip"] = bombgen.zip_quine()
    bombs["deep1000.gz"] = bombgen.deep_gzip()
    paths = {}
    for name, data in bombs.items():
        paths[name] = os.path.join(d, name)
        with open(paths[name], "wb") as f:
            f.write(data)
    db = os.path.join(d, "s.ndb")
    with open(db, "w") as f:
        f.write("Never:0:*:%s\n" % b"\xffnever-present\xfe".hex())
    tiny = os.path.join(d, "tiny.txt")
    with open(tiny, "w") as f:
        f.write("x")
    return paths, db, tiny


def main():
    build_dir = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                                os.path.join(HERE, "..", "build"))
    vigil = os.path.join(build_dir, "src", "cli", "vigil")
    work = os.environ.get("BENCH_WORK", "/tmp/vigil-bench")
    paths, db, tiny = build(work)
    engines = {
        "vigil": [vigil, "scan", "--no-summary", "-j", "1", "-d", db],
        "clamscan": ["clamscan", "--no-summary", "--alert-exceeds-max=yes", "-d", db],
    }
    base = {k: min(measure(v + [tiny])[1] for _ in range(3)) for k, v in engines.items()}
    print("\nBombs: seconds and peak RSS above the baseline (vigil %.1f MiB, clamscan %.1f MiB)"
          % (base["vigil"], base["clamscan"]))
    ok = True
    for name, path in paths.items():
        size = os.path.getsize(path)
        row = []
        for eng, argv in engines.items():
            wall, rss, verdict = measure(argv + [path])
            row.append("%s %5.2f s %6.1f MiB  %-44s" % (eng, wall, rss - base[eng], verdict[:44]))
            if eng == "vigil":
                ok &= wall < GOAL_SECONDS and rss - base[eng] < GOAL_MIB and verdict != "OK"
        print("  %-12s %9d B  %s" % (name, size, " | ".join(row)))
    print("  vigil within %.0f s and %d MiB, never OK: %s" % (GOAL_SECONDS, GOAL_MIB, ok))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
