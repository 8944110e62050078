"""The Debian packages: built from this tree with dpkg-buildpackage -b,
lintian clean of errors, installed with dpkg, then used as an operator
would: vigil-update run as its unit runs it (its user, update.conf) from
a local repository made with the installed vigil-repo, vigild run from its
unit's command line (root, becoming its user) answering clamdscan through
the shipped vigild.conf; then purged, leaving nothing behind. The packages
are built once per tree (both passes of the suite share them)."""
import glob
import hashlib
import os
import pwd
import shlex
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from daemon import EICAR, EICAR_NDB, ask, wait_for

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PACKAGES = ["vigil-onaccess", "vigil-shield", "vigil-update", "vigil-daemon",
            "vigil", "libvigil-dev", "libvigil0"]
LEFT_BEHIND = ["/etc/vigil", "/var/lib/vigil", "/var/cache/vigil",
               "/var/log/vigil", "/usr/sbin/vigild", "/usr/bin/vigil",
               "/usr/share/vigil", "/usr/lib/x86_64-linux-gnu/libvigil.so.0"]

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="installing packages needs root")


def sh(*argv, **kw):
    kw.setdefault("timeout", 600)
    return subprocess.run(list(argv), capture_output=True, text=True, **kw)


def tree_key():
    files = sh("git", "-C", ROOT, "ls-files", "-co", "--exclude-standard")
    h = hashlib.sha256()
    for f in sorted(files.stdout.split()):
        p = os.path.join(ROOT, f)
        if f.startswith("build") or not os.path.isfile(p):
            continue
        h.update(f.encode() + b"\0")
        with open(p, "rb") as fh:
            h.update(hashlib.sha256(fh.read()).digest())
    return h.hexdigest()[:16]


@pytest.fixture(scope="module")
def debs():
    """The .deb files of this tree, built once (cached by its content)."""
    out = "/tmp/vigil-debs-" + tree_key()
    if not glob.glob(out + "/*.deb"):
        src = tempfile.mkdtemp(prefix="vigil-debsrc-")
        files = sh("git", "-C", ROOT, "ls-files", "-co",
                   "--exclude-standard").stdout.split()
        for f in files:
            if f.startswith("build") or not os.path.isfile(
                    os.path.join(ROOT, f)):
                continue
            os.makedirs(os.path.join(src, "vigil", os.path.dirname(f)),
                        exist_ok=True)
            shutil.copy2(os.path.join(ROOT, f), os.path.join(src, "vigil", f))
        res = sh("dpkg-buildpackage", "-b", "-us", "-uc",
                 cwd=os.path.join(src, "vigil"), timeout=2400,
                 env=dict(os.environ, DEB_BUILD_OPTIONS="nocheck parallel=2"))
        assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
        os.makedirs(out, exist_ok=True)
        for f in glob.glob(src + "/*.deb"):
            shutil.move(f, out)
        shutil.rmtree(src, ignore_errors=True)
    found = sorted(f for f in glob.glob(out + "/*.deb")
                   if "-dbgsym_" not in f)
    assert len(found) >= len(PACKAGES), found
    return found


def purge():
    sh("dpkg", "--purge", *PACKAGES)


def test_lintian_finds_no_error(debs):
    res = sh("lintian", "--fail-on", "error", "--tag-display-limit", "0",
             *debs, timeout=1200)
    assert res.returncode == 0, res.stdout + res.stderr


def unit_argv(unit):
    with open("/usr/lib/systemd/system/" + unit) as f:
        for line in f:
            if line.startswith("ExecStart="):
                return shlex.split(line[len("ExecStart="):])
    raise AssertionError(unit)


def test_install_update_serve_purge(debs, tmp_path):
    purge()
    try:
        res = sh("dpkg", "-i", *debs)
        assert res.returncode == 0, res.stdout + res.stderr
        vigil = pwd.getpwnam("vigil")
        assert os.stat("/var/lib/vigil").st_uid == vigil.pw_uid
        serve_from_an_update(tmp_path)
    finally:
        res = sh("dpkg", "--purge", *PACKAGES)
        shutil.rmtree("/run/vigil", ignore_errors=True)
    assert res.returncode == 0, res.stdout + res.stderr
    left = [p for p in LEFT_BEHIND if os.path.lexists(p)]
    assert not left, left
    res = sh("dpkg-query", "-W", "-f", "${Status}\\n", *PACKAGES)
    assert "installed" not in res.stdout.replace("not-installed", "")


def serve_from_an_update(tmp_path):
    work = tempfile.mkdtemp(prefix="vigil-deb-")
    os.chmod(work, 0o755)
    try:
        src = os.path.join(work, "e.ndb")
        with open(src, "w") as f:
            f.write(EICAR_NDB)
        vdb = os.path.join(work, "e.vdb")
        assert sh("/usr/bin/vigil", "db", "compile", src, "-o", vdb).returncode == 0
        repo, keys = os.path.join(work, "repo"), os.path.join(work, "keys")
        assert sh("/usr/bin/vigil-repo", "init", repo, "--keys", keys).returncode == 0
        res = sh("/usr/bin/vigil-repo", "publish", repo, vdb, "--keys", keys)
        assert res.returncode == 0, res.stderr
        shutil.copy(os.path.join(repo, "v1", "root", "1.root"),
                    "/etc/vigil/root.trust")
        with open("/etc/vigil/update.conf") as f:
            conf = f.read().replace("https://updates.example.org",
                                    "file://" + repo)
        with open("/etc/vigil/update.conf", "w") as f:
            f.write(conf)
        # the update unit's command, as its user
        res = sh("runuser", "-u", "vigil", "--",
                 *unit_argv("vigil-update.service"))
        assert "installed release 1" in res.stdout, res.stdout + res.stderr
        os.makedirs("/run/vigil", exist_ok=True)
        proc = subprocess.Popen(unit_argv("vigild.service"),
                                stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        try:
            sock = "/run/vigil/vigild.ctl"
            assert wait_for(lambda: os.path.exists(sock) and
                            ask(sock, b"zPING\0", timeout=2) == b"PONG\0",
                            60)
            sample = os.path.join(work, "eicar.com")
            with open(sample, "wb") as f:
                f.write(EICAR)
            os.chmod(sample, 0o644)
            res = sh("clamdscan", "--config-file=/etc/vigil/vigild.conf",
                     "--fdpass", "--no-summary", sample)
            assert "Eicar-Signature FOUND" in res.stdout, \
                res.stdout + res.stderr
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)
    finally:
        shutil.rmtree(work, ignore_errors=True)
        # the operator's own file, which a purge rightly leaves
        if os.path.exists("/etc/vigil/root.trust"):
            os.unlink("/etc/vigil/root.trust")
