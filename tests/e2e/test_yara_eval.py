"""Vigil's YARA evaluator (src/lib/yara/yreval.c, driven by
build/tests/yrscan) against yara 4.2 on generated rules and files
(yaragen.py): the same rules match the same files, with the reference
matcher (yrmatch.c) and with the fast one (yrfast.c), listing matches or
not (-1: strings stop at their first match where that is enough); and the two
matchers find every string at the same offsets (yrscan -c)."""
import os
import shutil
import subprocess

import pytest

import yaragen
from conftest import BUILD

YRSCAN = os.path.join(BUILD, "tests", "yrscan")


def found(out):
    return {tuple(line.split(" ", 1)) for line in out.splitlines() if line}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rules_match_as_yara(tmp_path, seed):
    if not shutil.which("yara"):
        pytest.fail("yara is not installed (scripts/deps.sh test installs it)")
    text, files = yaragen.generate(seed, 120, 30)
    rules = tmp_path / "rules.yar"
    rules.write_text(text)
    fdir = tmp_path / "files"
    fdir.mkdir()
    paths = []
    for name, body in files.items():
        (fdir / name).write_bytes(body)
        paths.append(str(fdir / name))
    y = subprocess.run(["yara", "-w", str(rules), str(fdir)],
                       capture_output=True, text=True, timeout=300)
    assert y.returncode == 0, y.stderr
    want = found(y.stdout)
    assert len(want) > 50  # the comparison is not empty
    for mode in ("-r", "-f", "-1", "-c"):
        args = [YRSCAN] + ([mode] if mode != "-r" else [])
        v = subprocess.run(args + [str(rules)] + paths, capture_output=True,
                           text=True, timeout=300)
        assert v.returncode == 0, (mode, v.stderr[:2000])
        assert v.stderr == "", v.stderr  # nothing unsupported was generated
        got = found(v.stdout)
        assert got == want, (mode, sorted(want - got)[:10],
                             sorted(got - want)[:10])
