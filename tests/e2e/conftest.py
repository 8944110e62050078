"""Fixtures for the end-to-end tests: the built programs, scratch
directories, and runners for vigil and clamscan."""
import os
import shutil
import subprocess

import pytest

BUILD = os.environ.get("VIGIL_BUILD") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build")
VIGIL = os.path.join(BUILD, "src", "cli", "vigil")
VIGIL_UPDATE = os.path.join(BUILD, "src", "update", "vigil-update")


class Run:
    def __init__(self, cp):
        self.rc = cp.returncode
        self.out = cp.stdout
        self.err = cp.stderr

    def found(self):
        """{path: set(names)} from "path: Name FOUND" lines."""
        res = {}
        for line in self.out.splitlines():
            if line.endswith(" FOUND"):
                path, name = line[:-6].rsplit(": ", 1)
                res.setdefault(path, set()).add(name)
        return res


def run(argv, timeout=300, **kw):
    cp = subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                        errors="replace", **kw)
    return Run(cp)


@pytest.fixture
def vigil(tmp_path):
    cache = tmp_path / "cache"

    def _vigil(*args, **kw):
        env = dict(os.environ, VIGIL_CACHE_DIR=str(cache))
        env.update(kw.pop("env", {}))
        return run([VIGIL] + [str(a) for a in args], env=env, **kw)
    return _vigil


@pytest.fixture
def clamscan():
    exe = shutil.which("clamscan")
    if not exe:
        pytest.fail("clamscan is not installed (scripts/deps.sh test installs it)")

    def _clamscan(*args, **kw):
        return run([exe] + [str(a) for a in args], **kw)
    return _clamscan
