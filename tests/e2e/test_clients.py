"""The client libraries people use with clamd, against vigild and clamd
side by side, each call's outcome compared: npm's clamscan (over the unix
socket and TCP) and clamdjs, Perl's ClamAV::Client, Python's pyclamd
(test_vigild.py). npm's packages are installed from the registry at their
pinned versions (tests/clients/package.json) into the build directory."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import BUILD
from daemon import EICAR, Clamd, Vigild, make_db, normalise

CLIENTS = os.path.join(os.path.dirname(__file__), "..", "clients")


@pytest.fixture(scope="module")
def npm_dir():
    d = os.path.join(BUILD, "npm-clients")
    if not os.path.isdir(os.path.join(d, "node_modules", "clamscan")):
        os.makedirs(d, exist_ok=True)
        for f in ("package.json", "package-lock.json", "drive.js"):
            shutil.copy(os.path.join(CLIENTS, f), d)
        res = subprocess.run(["npm", "ci", "--no-audit", "--no-fund",
                              "--ignore-scripts"], cwd=d, capture_output=True,
                             text=True, timeout=300)
        assert res.returncode == 0, res.stdout + res.stderr
    shutil.copy(os.path.join(CLIENTS, "drive.js"), d)
    return d


@pytest.fixture(scope="module")
def daemons(tmp_path_factory):
    db = make_db(str(tmp_path_factory.mktemp("db")))
    v = Vigild(str(tmp_path_factory.mktemp("vigild")), db)
    c = Clamd(str(tmp_path_factory.mktemp("clamd")), db, tcp=True)
    files = tmp_path_factory.mktemp("files")
    (files / "eicar.com").write_bytes(EICAR)
    (files / "clean.txt").write_bytes(b"nothing to see\n")
    (files / "sub").mkdir()
    (files / "sub" / "eicar2.com").write_bytes(EICAR)
    yield v, c, files
    v.stop()
    c.stop()


def drive(npm_dir, *args):
    res = subprocess.run(["node", os.path.join(npm_dir, "drive.js")] +
                         [str(a) for a in args], capture_output=True,
                         text=True, timeout=120, cwd=npm_dir)
    assert res.returncode == 0, res.stderr
    text = normalise(res.stdout.encode()).decode()
    return [json.loads(l) for l in text.splitlines()]


def same_calls(a, b):
    assert [x["call"] for x in a] == [x["call"] for x in b]
    for x, y in zip(a, b):
        assert x == y, (x, y)


@pytest.mark.parametrize("kind", ["unix", "tcp"])
def test_npm_clamscan(npm_dir, daemons, kind):
    """npm's clamscan sends unterminated commands ("PING", "SCAN path"),
    which clamd takes whole, one read one command."""
    v, c, files = daemons
    eicar, root = files / "eicar.com", files
    vw = v.sock if kind == "unix" else v.tcp
    cw = c.sock if kind == "unix" else c.tcp
    got = drive(npm_dir, "clamscan", kind, vw, eicar, root)
    want = drive(npm_dir, "clamscan", kind, cw, eicar, root)
    same_calls(got, want)
    calls = {x["call"]: x["value"] for x in got}
    assert calls["init"] == "ok"
    assert calls["isInfected"] == {"isInfected": True,
                                   "viruses": ["Eicar-Signature"]}
    assert calls["scanStream"]["isInfected"] is True


def test_npm_clamdjs(npm_dir, daemons):
    v, c, files = daemons
    got = drive(npm_dir, "clamdjs", "tcp", v.tcp, files / "eicar.com", files)
    want = drive(npm_dir, "clamdjs", "tcp", c.tcp, files / "eicar.com",
                 files)
    same_calls(got, want)
    calls = {x["call"]: x["value"] for x in got}
    assert calls["ping"] is True
    assert calls["scanFile"]["clean"] is False
    assert calls["scanDirectory"]["infected"] == 2


PERL = r'''
use strict;
use ClamAV::Client;
my ($sock, $file, $dir) = @ARGV;
my $s = ClamAV::Client->new(socket_name => $sock);
sub show { my ($n, $v) = @_; $v = "ERR" unless defined $v; print "$n\t$v\n"; }
show("ping", eval { $s->ping } ? 1 : "ERR: $@");
my $ver = eval { $s->version }; show("version", $ver ? ($ver =~ m{^(ClamAV|Vigil) [^/\s]+(/\d+/.+)?$} ? "NAME VERSION" : $ver) : "ERR");
my @r = eval { $s->scan_path($file) }; show("scan_path", $@ ? "ERR" : join("|", map { defined $_ ? $_ : "" } @r));
my %h = eval { $s->scan_path_complete($dir) }; show("scan_path_complete", $@ ? "ERR" : join("|", map { "$_=$h{$_}" } sort keys %h));
'''


def test_perl_clamav_client(daemons):
    """Debian's libclamav-client-perl: ping, version, SCAN and CONTSCAN
    (its STREAM command is older than clamd 1.x and left out)."""
    v, c, files = daemons

    def run(sock):
        res = subprocess.run(["perl", "-e", PERL, sock, str(files /
                              "eicar.com"), str(files)],
                             capture_output=True, text=True, timeout=60)
        assert res.returncode == 0, res.stderr
        return normalise(res.stdout.encode()).decode()

    got, want = run(v.sock), run(c.sock)
    assert got == want
    assert "ping\t1\n" in got and "Eicar-Signature" in got
    assert "eicar2.com=Eicar-Signature" in got
