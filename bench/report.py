#!/usr/bin/env python3
"""Turns bench/run.sh's measurements into a table of figures and ratios,
and checks each engine's detections against the corpus manifest."""
import json
import os
import sys

MIB = 1024 * 1024


def found(path, corpus):
    got = set()
    prefix = os.path.abspath(corpus).rstrip("/") + "/"
    for line in open(path, errors="replace"):
        line = line.rstrip("\n")
        if line.endswith(" FOUND"):
            p = line.rsplit(": ", 1)[0]
            got.add(p[len(prefix):] if p.startswith(prefix) else p)
    return got


def check(name, got, man):
    exp = set(man["expected_detected"])
    neg = set(man["expected_clean_negatives"])
    miss, extra = sorted(exp - got), sorted(got - exp)
    print("  %-8s expected %d, found %d, missing %d, extra %d, negatives flagged %d"
          % (name, len(exp), len(got), len(miss), len(extra), len(neg & got)))
    for p in miss[:5]:
        print("           missing: " + p)
    for p in extra[:5]:
        print("           extra:   " + p)
    return not miss and not extra


def main():
    res_path, man_path, corpus, work = sys.argv[1:5]
    t = {}
    for line in open(res_path):
        label, wall, rss = line.split("\t")
        t[label] = (float(wall), int(rss) / 1024.0)
    man = json.load(open(man_path))
    mib = man["total_bytes"] / MIB
    warm = min(t[k] for k in t if k.startswith("vigil_vdb_warm"))
    clam_load = t["clam_load"]
    print("\nDatabase load (process start to exit, scanning a 1-byte file):")
    rows = [("clamscan, sources", clam_load), ("vigil, sources, empty cache", t["vigil_src_cold"]),
            ("vigil, sources, warm cache", t["vigil_src_warm"]), ("vigil, .vdb, empty cache", t["vigil_vdb_cold"]),
            ("vigil, .vdb, warm cache", warm)]
    for name, (wall, rss) in rows:
        print("  %-28s %8.3f s  %8.1f MiB" % (name, wall, rss))
    print("  vigil db compile             %8.3f s  %8.1f MiB" % t["vigil_compile"])
    print("  .vdb warm load: %.1fx faster than clamscan, peak RSS %.2fx clamscan's"
          % (clam_load[0] / max(warm[0], 1e-3), warm[1] / clam_load[1]))

    runs = {}
    for kind in ("vigil_scan_j1", "vigil_scan_jN"):
        runs[kind] = sorted(v for k, v in t.items() if k.startswith(kind + "_"))
        t[kind] = runs[kind][0]
    # the median too: on a machine whose speed changes by the minute, the
    # best of three may be a quick spell that clamscan's longer run averages
    t["vigil_scan_j1_median"] = runs["vigil_scan_j1"][len(runs["vigil_scan_j1"]) // 2]

    def tput(scan, load):
        return mib / max(t[scan][0] - load[0], 1e-3)
    c = tput("clam_scan", clam_load)
    v1 = tput("vigil_scan_j1", warm)
    v1m = tput("vigil_scan_j1_median", warm)
    v2 = tput("vigil_scan_jN", warm)
    print("\nScan of %.0f MiB in %d files (wall time minus load time):" % (mib, man["n_files"]))
    print("  clamscan              %8.1f MiB/s  (%.1f s, peak RSS %.0f MiB)" % (c, t["clam_scan"][0], t["clam_scan"][1]))
    print("  vigil -j 1 (best of 3) %7.1f MiB/s  (%.1f s, peak RSS %.0f MiB)" % (v1, t["vigil_scan_j1"][0], t["vigil_scan_j1"][1]))
    print("  vigil -j %-2d           %8.1f MiB/s  (%.1f s, peak RSS %.0f MiB)" % (
        os.cpu_count(), v2, t["vigil_scan_jN"][0], t["vigil_scan_jN"][1]))
    vq = tput("vigil_scan_quick", t["vigil_vdb_cold"])
    print("  vigil -j 1, empty cache %6.1f MiB/s  (%.1f s: the quick matcher)" % (vq, t["vigil_scan_quick"][0]))
    print("  one thread: %.1fx clamscan (the median of %d runs %.1fx; %.1fx with the quick matcher);"
          " all cores: %.2fx one thread"
          % (v1 / c, len(runs["vigil_scan_j1"]), v1m / c, vq / c, v2 / v1))
    print("\nDetections against the manifest:")
    cf = found(os.path.join(work, "out.clam_scan"), corpus)
    v1f = found(os.path.join(work, "out.vigil_scan_j1_1"), corpus)
    v2f = found(os.path.join(work, "out.vigil_scan_jN_1"), corpus)
    vqf = found(os.path.join(work, "out.vigil_scan_quick"), corpus)
    check("clamscan", cf, man)
    ok = check("vigil", v1f, man)
    print("  vigil -j 1, -j N and the quick matcher agree: %s; vigil and clamscan agree: %s"
          % (v1f == v2f == vqf, v1f == cf))
    if cf - v1f or v1f - cf:
        print("  only clamscan: %s" % sorted(cf - v1f)[:5])
        print("  only vigil:    %s" % sorted(v1f - cf)[:5])
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
