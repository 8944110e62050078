#!/usr/bin/python3
"""fuzz-table.py SUMMARY.tsv... -- the Markdown table of docs/hostile-files.md
from scripts/fuzz.sh's summary lines (target, CPU seconds, executions,
coverage, features, result), several runs of a target added up: CPU time
and executions summed, coverage the largest seen, findings counted."""
import sys


def main(paths):
    rows = {}
    for path in paths:
        for line in open(path):
            f = line.rstrip("\n").split("\t")
            if len(f) < 6 or not f[1].isdigit():
                continue
            r = rows.setdefault(f[0], {"cpu": 0, "runs": 0, "cov": 0, "n": 0, "finds": 0})
            r["cpu"] += int(f[1])
            r["runs"] += int(f[2]) if f[2].isdigit() else 0
            r["cov"] = max(r["cov"], int(f[3]) if f[3].isdigit() else 0)
            r["n"] += 1
            r["finds"] += f[5] != "none"
    print("| Target | CPU time | Executions | Coverage (edges) | Runs | Findings |")
    print("|---|---|---|---|---|---|")
    for t in sorted(rows):
        r = rows[t]
        print("| `%s` | %d min %02d s | %s | %d | %d | %s |" % (
            t, r["cpu"] // 60, r["cpu"] % 60, format(r["runs"], ","), r["cov"], r["n"],
            r["finds"] or "none"))


if __name__ == "__main__":
    main(sys.argv[1:])
