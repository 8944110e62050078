#!/usr/bin/env python3
"""evasion-compare.py [BUILD] -- the evasion suite's samples
(tests/e2e/test_evasion.py), scanned by `vigil scan` and by clamscan with
the same signature and their default limits: prints, for each sample the
two do not agree on, what each says, then the totals. The figures in
docs/hostile-files.md come from this script."""
import os
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                        os.path.join(here, "..", "build"))
os.environ["VIGIL_BUILD"] = build
sys.path.insert(0, os.path.join(here, "..", "tests", "e2e"))
import test_evasion as te  # noqa: E402


def verdicts(argv):
    out = subprocess.run(argv, capture_output=True, text=True).stdout
    res = {}
    for line in out.splitlines():
        path, _, what = line.rpartition(": ")
        name = os.path.basename(path.split("//")[0])
        if name in res and res[name] != "OK":
            continue
        res[name] = what.replace(".UNOFFICIAL", "")
    return res


def main():
    if not shutil.which("clamscan"):
        sys.exit("evasion-compare: clamscan is not installed")
    with tempfile.TemporaryDirectory() as tmp:
        db = os.path.join(tmp, "sig.ndb")
        with open(db, "w") as f:
            f.write("%s:0:*:%s\n" % (te.NAME, te.MARKER.hex()))
        files = os.path.join(tmp, "files")
        os.mkdir(files)
        for name, data in te.SAMPLES.items():
            with open(os.path.join(files, name), "wb") as f:
                f.write(data)
        vigil = verdicts([os.path.join(build, "src", "cli", "vigil"), "scan",
                          "--no-summary", "--no-cache", "-d", db, files])
        clam = verdicts(["clamscan", "--no-summary", "-d", db, files])
    found = {"vigil": 0, "clamscan": 0}
    for name in sorted(te.SAMPLES):
        v, c = vigil.get(name, "?"), clam.get(name, "?")
        found["vigil"] += v.endswith("FOUND")
        found["clamscan"] += c.endswith("FOUND")
        if v != c:
            print("%-32s vigil: %-28s clamscan: %s" % (name, v, c))
    print("%d samples: vigil finds %d, clamscan %d" %
          (len(te.SAMPLES), found["vigil"], found["clamscan"]))


main()
