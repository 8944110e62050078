"""Whose rights a path scan uses. A client on the unix socket has scanned
only what it could read itself (its credentials from the socket); with
User set, vigild started as root becomes that user after binding, as
clamd does, so what the user cannot read is refused to everyone."""
import grp
import os
import pwd
import shutil
import subprocess
import sys
import tempfile

import pytest

from daemon import EICAR, Vigild, make_db

CLIENT = """
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\\0")
out = b""
while True:
    b = s.recv(65536)
    if not b:
        break
    out += b
sys.stdout.write(out.decode(errors="replace"))
"""

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="needs root to start vigild as root")


@pytest.fixture
def tree():
    """A world-walkable root with a private directory, a private file and
    a file anyone may read, all holding EICAR and owned by root."""
    d = tempfile.mkdtemp(prefix="vigil-rights-", dir="/tmp")
    os.chmod(d, 0o755)
    files = {}
    for name, mode in (("public.com", 0o644), ("private.com", 0o600)):
        files[name] = os.path.join(d, "data", name)
        os.makedirs(os.path.dirname(files[name]), mode=0o755, exist_ok=True)
        with open(files[name], "wb") as f:
            f.write(EICAR)
        os.chmod(files[name], mode)
    os.makedirs(os.path.join(d, "closed"), mode=0o700)
    files["closed"] = os.path.join(d, "closed", "inside.com")
    with open(files["closed"], "wb") as f:
        f.write(EICAR)
    files["root"] = d
    yield files
    shutil.rmtree(d, ignore_errors=True)


def as_user(user, sock, command, groups=None):
    res = subprocess.run([sys.executable, "-c", CLIENT, sock, command],
                         user=user, extra_groups=groups,
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    return res.stdout.rstrip("\0")


def daemon(tree, extra=""):
    work = os.path.join(tree["root"], "d")
    os.makedirs(work)
    os.chmod(work, 0o755)
    db = make_db(os.path.join(work, "db"))
    os.chmod(db, 0o755)
    return Vigild(work, db, "LocalSocketMode 666\n" + extra)


def test_a_client_scans_only_what_it_can_read(tree):
    d = daemon(tree)  # root, no User: the client's rights decide
    try:
        sock = d.sock
        pub, priv = tree["public.com"], tree["private.com"]
        assert as_user("nobody", sock, "zSCAN " + pub) == \
            pub + ": Eicar-Signature FOUND"
        assert as_user("nobody", sock, "zSCAN " + priv) == \
            priv + ": File path check failure: Permission denied. ERROR"
        assert as_user("nobody", sock, "zSCAN /etc/shadow") == \
            "/etc/shadow: File path check failure: Permission denied. ERROR"
        assert "Permission denied" in as_user("nobody", sock,
                                              "zSCAN " + tree["closed"])
        # a link the client made to what it cannot read leads nowhere
        link = os.path.join(tree["root"], "link.com")
        os.symlink(priv, link)
        assert "Permission denied" in as_user("nobody", sock,
                                              "zSCAN " + link)
        # a directory: what the client may read is scanned, the rest is
        # an error, and nothing is said about what lies in a closed one
        out = as_user("nobody", sock, "zCONTSCAN " + tree["root"])
        assert pub + ": Eicar-Signature FOUND" in out
        assert priv + ": Permission denied. ERROR" in out
        assert "inside.com" not in out
        # a group the client is in (a supplementary one) counts
        grouped = os.path.join(tree["root"], "data", "grouped.com")
        with open(grouped, "wb") as f:
            f.write(EICAR)
        os.chown(grouped, 0, grp.getgrnam("adm").gr_gid)
        os.chmod(grouped, 0o640)
        assert as_user("nobody", sock, "zSCAN " + grouped, ["adm"]) == \
            grouped + ": Eicar-Signature FOUND"
        assert "Permission denied" in as_user("nobody", sock,
                                              "zSCAN " + grouped)
        # root and the daemon's own user are not limited further
        assert d.ask(("zSCAN %s\0" % priv).encode()) == \
            (priv + ": Eicar-Signature FOUND\0").encode()
        assert d.ask(("zSCAN %s\0" % tree["closed"]).encode()) == \
            (tree["closed"] + ": Eicar-Signature FOUND\0").encode()
    finally:
        d.stop()


def test_user_is_become_after_binding(tree):
    d = daemon(tree, "User nobody\n")
    try:
        with open("/proc/%d/status" % d.proc.pid) as f:
            uid = [l.split()[1] for l in f if l.startswith("Uid:")][0]
        assert int(uid) == pwd.getpwnam("nobody").pw_uid
        assert "running as user nobody" in d.logtext()
        for pid in d.workers():
            with open("/proc/%d/status" % pid) as f:
                assert "Uid:\t%s\t" % uid in f.read()
        # even root's request is refused what the daemon's user cannot read
        out = d.ask(b"zSCAN /etc/shadow\0")
        assert out == b"/etc/shadow: File path check failure: " \
                      b"Permission denied. ERROR\0"
        pub = tree["public.com"]
        assert d.ask(("zSCAN %s\0" % pub).encode()) == \
            (pub + ": Eicar-Signature FOUND\0").encode()
    finally:
        d.stop()
