"""The shipped files as an operator installs them, paths moved into a test
root: dist/vigild.conf with its vigild.conf.d/, the units' command lines,
from vigil-repo publish through the update unit's vigil-update to vigild
(started by its unit's command, as root, becoming the configured user)
answering clamdscan, which reads the same vigild.conf."""
import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile

import pytest

from conftest import BUILD, VIGIL, VIGIL_UPDATE
from daemon import EICAR, EICAR_NDB, VIGILD, Daemon, instream, wait_for
from updhelp import Repo

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
MARK = b"Vigil shipped-layout test mark 5d41402abc4b2a76"
USER = "nobody"


def exec_start(unit):
    with open(unit) as f:
        for line in f:
            if line.startswith("ExecStart="):
                return shlex.split(line[len("ExecStart="):])
    raise AssertionError("no ExecStart in " + unit)


def built_etc():
    """Where the build's units look for the configuration (SYSCONFDIR)."""
    argv = exec_start(os.path.join(BUILD, "src", "daemon", "vigild.service"))
    conf = [a for a in argv if a.startswith("--config-file=")][0]
    return os.path.dirname(conf.split("=", 1)[1])


def moved(text, root):
    """The shipped text with its absolute paths under root, and the user
    and group the test machine has."""
    text = text.replace(built_etc(), root + "/etc/vigil")
    for d in ("/var/lib/vigil", "/var/cache/vigil", "/var/log/vigil",
              "/run/vigil"):
        text = text.replace(d, root + d)
    text = re.sub(r"(?<![\w/])/etc/vigil", root + "/etc/vigil", text)
    text = re.sub(r"(?m)^User vigil$", "User " + USER, text)
    return re.sub(r"(?m)^LocalSocketGroup vigil$", "LocalSocketGroup root",
                  text)


def install_config(root):
    etc = os.path.join(root, "etc", "vigil")
    os.makedirs(os.path.join(etc, "vigild.conf.d"))
    for rel in ("vigild.conf", os.path.join("vigild.conf.d", "vigil.conf")):
        with open(os.path.join(ROOT, "dist", rel)) as f:
            text = moved(f.read(), root)
        with open(os.path.join(etc, rel), "w") as f:
            f.write(text)
    for d in ("run/vigil", "var/cache/vigil"):
        os.makedirs(os.path.join(root, d))
    nobody = pwd.getpwnam(USER)
    os.chown(os.path.join(root, "var/cache/vigil"), nobody.pw_uid,
             nobody.pw_gid)
    return os.path.join(etc, "vigild.conf")


def compiled(tmp, name, ndb):
    src = os.path.join(tmp, name + ".ndb")
    with open(src, "w") as f:
        f.write(ndb)
    out = os.path.join(tmp, name + ".vdb")
    res = subprocess.run([VIGIL, "db", "compile", src, "-o", out],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return out


def run_update_unit(root, repo):
    """The update unit's command and update.conf as built, paths in the
    test root, the mirror the test's repository."""
    with open(os.path.join(BUILD, "src", "update", "update.conf")) as f:
        text = moved(f.read(), root)
    text = re.sub(r"(?m)^Mirror .*$", "Mirror file://" + repo.dir, text)
    with open(os.path.join(root, "etc", "vigil", "update.conf"), "w") as f:
        f.write(text)
    argv = exec_start(os.path.join(BUILD, "src", "update",
                                   "vigil-update.service"))
    argv = [moved(a, root) for a in argv]
    argv[0] = VIGIL_UPDATE
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


def clamdscan(conf, path):
    return subprocess.run(["clamdscan", "--config-file=" + conf, "--fdpass",
                           "--no-summary", path], capture_output=True,
                          text=True, timeout=60)


@pytest.fixture
def root():
    """A test root that the configured user can walk (tmp_path is 0700)."""
    d = tempfile.mkdtemp(prefix="vigil-shipped-", dir="/tmp")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def test_publish_update_serve(root):
    if os.geteuid() != 0:
        pytest.skip("vigild becomes User only when started as root")
    conf = install_config(root)
    tmp = os.path.join(root, "work")
    os.makedirs(tmp)
    repo = Repo(tmp)
    shutil.copy(repo.trust, os.path.join(root, "etc", "vigil", "root.trust"))
    repo.publish(compiled(tmp, "v1", EICAR_NDB))
    res = run_update_unit(root, repo)  # vigild not up yet: no reload
    assert "installed release 1" in res.stdout + res.stderr, res.stderr
    assert os.path.isdir(os.path.join(root, "var/lib/vigil/current"))

    argv = exec_start(os.path.join(BUILD, "src", "daemon", "vigild.service"))
    argv[0] = VIGILD
    argv = [a.split("=")[0] + "=" + conf if a.startswith("--config-file=")
            else a for a in argv]
    sock = os.path.join(root, "run", "vigil", "vigild.ctl")
    d = Daemon(tmp, argv, sock)
    try:
        # the configured user, as clamd would become it
        with open("/proc/%d/status" % d.proc.pid) as f:
            uid = [l.split()[1] for l in f if l.startswith("Uid:")][0]
        assert int(uid) == pwd.getpwnam(USER).pw_uid
        sample = os.path.join(tmp, "eicar.com")
        with open(sample, "wb") as f:
            f.write(EICAR)
        res = clamdscan(conf, sample)
        assert "Eicar-Signature FOUND" in res.stdout, res.stdout + res.stderr
        assert d.ask(instream(MARK)) == b"stream: OK\0"

        # the next release, and the unit's --reload
        repo.publish(compiled(tmp, "v2", EICAR_NDB +
                              "Mark.Sig:0:*:%s\n" % MARK.hex()))
        res = run_update_unit(root, repo)
        assert res.returncode == 0, res.stdout + res.stderr
        assert wait_for(lambda: d.ask(instream(MARK)) ==
                        b"stream: Mark.Sig FOUND\0")
        # the --check-config of the daemon sees the same database
        res = subprocess.run([VIGILD, "--check-config", "-c", conf],
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        assert "var/lib/vigil/current: 2 signatures" in res.stdout
        # Vigil's own keys come from vigild.conf.d/
        assert "CacheDirectory %s/var/cache/vigil\n" % root in res.stdout
    finally:
        d.stop()
