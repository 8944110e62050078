"""Allocation-failure injection, as curl's torture tests do: libvigil's
scan of a varied set of infected files (the evasion suite's, a few
formats of each family) with each of the library's allocations failing in
turn (tests/torture/torture.c). Every run must end in a detection or an
error; a crash or a clean verdict fails the test."""
import os
import subprocess

from conftest import BUILD
from test_evasion import MARKER, NAME, SAMPLES

TORTURE = os.path.join(BUILD, "tests", "torture")
# Samples whose scan allocates too often to repeat once per allocation.
TOO_LONG = ("long-path", "20000", "1mib", "200-siblings")


def test_no_allocation_failure_gives_a_clean_verdict(tmp_path):
    db = tmp_path / "t.ndb"
    db.write_text("%s:0:*:%s\n" % (NAME, MARKER.hex()))
    paths = []
    for name, data in sorted(SAMPLES.items()):
        if any(t in name for t in TOO_LONG):
            continue
        p = tmp_path / name
        p.write_bytes(data)
        paths.append(str(p))
    assert len(paths) >= 30
    res = subprocess.run([TORTURE, str(db)] + paths, capture_output=True,
                         text=True, timeout=1200)
    assert res.returncode == 0, res.stdout + res.stderr
    lines = res.stdout.splitlines()
    assert len(lines) == len(paths)
    assert all("no clean verdict" in line for line in lines), res.stdout
