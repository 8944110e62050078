"""The trust seam: the program that reads every file cannot talk. vigil
links nothing that opens connections (vigil update is vigil-update, a
program of its own); a confined scan and a confined worker are refused a
socket, an exec, a fork and a write."""
import os
import subprocess

from conftest import VIGIL, VIGIL_UPDATE, run

# Libraries that open connections: any of them in vigil is a failure.
NETWORK_LIBS = ("libcurl", "libnghttp2", "libssh", "libldap", "librtmp",
                "libgnutls", "libgssapi", "libkrb5", "libpsl", "libidn2")


def test_vigil_links_nothing_that_talks():
    res = run(["ldd", VIGIL])
    assert res.rc == 0, res.err
    libs = [line.split()[0] for line in res.out.splitlines() if line.strip()]
    assert any(lib.startswith("libvigil") for lib in libs), res.out
    bad = [lib for lib in libs if lib.startswith(NETWORK_LIBS)]
    assert not bad, bad
    # vigil-update is where they are
    upd = run(["ldd", VIGIL_UPDATE])
    assert any(line.split()[0].startswith("libcurl")
               for line in upd.out.splitlines() if line.strip()), upd.out


def test_vigil_update_runs_vigil_update():
    direct = run([VIGIL_UPDATE, "--help"])
    through = run([VIGIL, "update", "--help"])
    assert direct.rc == through.rc == 0
    assert through.out == direct.out
    assert through.out.startswith("Usage: vigil-update ")
    bad = run([VIGIL, "update", "--no-such-option"])
    assert bad.rc == 2, (bad.rc, bad.err)
