"""The trust seam: the program that reads every file cannot talk. vigil
links nothing that opens connections (vigil update is vigil-update, a
program of its own); a confined scan and a confined worker are refused a
socket, an exec, a fork and a write."""
import os

import pytest

from conftest import BUILD, VIGIL, VIGIL_UPDATE, run
from daemon import EICAR, Vigild, instream, make_db

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


NOSANDBOX = os.path.join(BUILD, "tests", "nosandbox")
REFUSED = ("read: allowed; write: Permission denied; "
           "socket: Operation not permitted; exec: Operation not permitted; "
           "fork: Operation not permitted; thread: allowed; "
           "limit: Operation not permitted")


def probe_file(tmp_path):
    p = tmp_path / "target.txt"
    p.write_text("the probe may read this, never write it\n")
    os.chmod(tmp_path, 0o777)
    return p


def test_confined_scan_refuses_socket_exec_fork_and_write(tmp_path):
    p = probe_file(tmp_path)
    res = run([VIGIL, "scan", "--sandbox-probe", str(p)])
    assert res.rc == 0, (res.out, res.err)
    assert res.out == "sandbox probe: %s\n" % REFUSED
    assert res.err == ""
    assert p.read_text().startswith("the probe may read")


def test_probe_shows_what_an_unconfined_scan_can(tmp_path):
    """The probe itself works: with both layers missing, everything is
    allowed, the scan says so once, and the probe's exit status says it."""
    p = probe_file(tmp_path)
    res = run([NOSANDBOX, "--landlock", "--seccomp", "--", VIGIL, "scan",
               "--sandbox-probe", str(p)])
    assert res.rc == 2, (res.out, res.err)
    assert res.out == ("sandbox probe: read: allowed; write: allowed; "
                       "socket: allowed; exec: allowed; fork: allowed; "
                       "thread: allowed; limit: allowed\n")
    assert res.err.count("warning: scanning unconfined: ") == 1, res.err
    assert "Landlock is not available" in res.err
    assert "seccomp is not available" in res.err


def test_scan_without_landlock_runs_and_says_so_once(tmp_path, dbdir):
    files = tmp_path / "files"
    files.mkdir()
    for i in range(3):
        (files / ("f%d" % i)).write_bytes(EICAR if i == 1 else b"x")
    res = run([NOSANDBOX, "--landlock", "--", VIGIL, "scan", "-j", "2",
               "-d", dbdir, "--no-cache", "--no-summary", str(files)])
    assert res.rc == 1, res.err
    assert res.found() == {str(files / "f1"): {"Eicar-Signature"}}
    assert res.err.count("vigil: warning: scanning partly confined: "
                         "Landlock is not available") == 1, res.err
    # seccomp is still in force: the probe shows it
    p = probe_file(tmp_path)
    res = run([NOSANDBOX, "--landlock", "--", VIGIL, "scan",
               "--sandbox-probe", str(p)])
    assert res.out == ("sandbox probe: read: allowed; write: allowed; "
                       "socket: Operation not permitted; exec: Operation "
                       "not permitted; fork: Operation not permitted; thread: "
                       "allowed; limit: Operation not permitted\n")


def test_require_sandbox_refuses_where_a_layer_is_missing(tmp_path, dbdir):
    f = tmp_path / "f"
    f.write_bytes(EICAR)
    for hidden in ("--landlock", "--seccomp"):
        res = run([NOSANDBOX, hidden, "--", VIGIL, "scan", "-d", dbdir,
                   "--no-cache", "--require-sandbox", str(f)])
        assert res.rc == 2, (hidden, res.out, res.err)
        assert "FOUND" not in res.out and "OK" not in res.out
        assert "--require-sandbox asks for it" in res.err
    res = run([VIGIL, "scan", "-d", dbdir, "--no-cache",
               "--require-sandbox", "--no-summary", str(f)])
    assert res.rc == 1, res.err
    assert res.found() == {str(f): {"Eicar-Signature"}}


@pytest.fixture
def dbdir(tmp_path):
    return make_db(str(tmp_path / "db"))


def worker_probe(d, path):
    return d.ask(b"zSANDBOXPROBE " + str(path).encode() + b"\0")


def test_worker_refuses_everything(tmp_path, dbdir):
    p = probe_file(tmp_path)
    d = Vigild(str(tmp_path), dbdir, "DebugSandboxProbe yes\n")
    try:
        assert worker_probe(d, p) == (
            b"read: Permission denied; write: Permission denied; "
            b"socket: Operation not permitted; exec: Operation not "
            b"permitted; fork: Operation not permitted; thread: Operation "
            b"not permitted; limit: Operation not permitted\0")
        assert "worker processes, confined: Landlock ABI " in d.logtext()
    finally:
        d.stop()


def test_vigild_refuses_to_start_without_landlock(tmp_path, dbdir):
    d = Vigild(str(tmp_path), dbdir, wait=False,
               wrap=[NOSANDBOX, "--landlock", "--"])
    try:
        assert d.proc.wait(60) != 0
        log = d.logtext()
        assert "the workers cannot be confined: Landlock is not " \
               "available" in log, log
        assert "refusing to start" in log
    finally:
        d.stop()


def test_vigild_allowed_unconfined_says_what_it_has(tmp_path, dbdir):
    p = probe_file(tmp_path)
    d = Vigild(str(tmp_path), dbdir, "DebugSandboxProbe yes\n"
               "AllowUnconfinedWorkers yes\n",
               wrap=[NOSANDBOX, "--landlock", "--"])
    try:
        log = d.logtext()
        assert "PARTLY confined or not at all (AllowUnconfinedWorkers " \
               "yes): only seccomp allowlist: Landlock is not available" \
               in log, log
        assert "sandboxed" not in log
        assert worker_probe(d, p) == (
            b"read: allowed; write: allowed; socket: Operation not "
            b"permitted; exec: Operation not permitted; fork: Operation "
            b"not permitted; thread: Operation not permitted; limit: "
            b"Operation not permitted\0")
        assert d.ask(instream(EICAR)) == b"stream: Eicar-Signature FOUND\0"
    finally:
        d.stop()
