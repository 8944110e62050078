"""vigil update --from-clamav: ClamAV's own .cvd files from a ClamAV or
cvdupdate mirror (here a loopback HTTP server that answers range requests
as web servers do), as freshclam with a PrivateMirror fetches them: the
header first, the whole file only when newer, with its .cvd.sign; checked
with ClamAV's signature (here the detached one, under a test CA), the
header the signed .info repeats, a load and self-test, before current
moves; versions never go down; vigild serves the result."""
import os
import subprocess
import time

import pytest

from conftest import VIGIL, VIGIL_UPDATE
from cvdhelp import make_ca, make_cvd, make_signer, sign
from daemon import Vigild, wait_for
from updhelp import FaultServer

MAIN_SIG = b"main-cvd-test-body"
DAILY_SIGS = {7: b"daily-seven-test-body", 8: b"daily-eight-test-body"}


def ndb(name, body):
    return ("%s:0:*:%s\n" % (name, body.hex())).encode()


class Mirror:
    """A ClamAV mirror's directory: NAME.cvd and NAME-VERSION.cvd.sign."""

    def __init__(self, root, pki):
        self.root, self.pki = root, pki
        root.mkdir()
        self.srv = FaultServer(str(root))

    def put(self, name, version, body, sign_it=True, stime=None, lie=None):
        data = make_cvd(version, {name + ".ndb": body},
                        stime=stime or int(time.time()))
        if lie:  # the header (outside the signature) says another version
            data = data.replace(b":%d:1:216:" % version,
                                b":%d:1:216:" % lie, 1)
        path = self.root / (name + ".cvd")
        path.write_bytes(data)
        if sign_it:
            sign(self.pki, path, self.root / ("%s-%d.cvd.sign" % (
                name, lie or version)))
        return path


@pytest.fixture
def env(tmp_path):
    pki = tmp_path / "pki"
    pki.mkdir()
    make_ca(pki, "ca")
    make_ca(pki, "other")
    make_signer(pki, "ca")
    certs = tmp_path / "certs"
    certs.mkdir()
    (certs / "ca.crt").write_bytes((pki / "ca.crt").read_bytes())
    m = Mirror(tmp_path / "mirror", pki)
    m.put("main", 3, ndb("Main.Test", MAIN_SIG))
    m.put("daily", 7, ndb("Daily.Seven", DAILY_SIGS[7]))
    sample = tmp_path / "sample"
    sample.write_bytes(b"..." + MAIN_SIG + b"..." + DAILY_SIGS[8] + b"...")
    yield m, certs, tmp_path / "db", sample
    m.srv.stop()


def update(m, certs, db, *extra):
    return subprocess.run(
        [VIGIL_UPDATE, "--from-clamav", m.srv.url, "--databases",
         "main,daily", "--cvdcertsdir", str(certs), "--dir", str(db),
         "--once"] + list(extra), capture_output=True, text=True, timeout=120)


def scan(db, certs, sample):
    r = subprocess.run([VIGIL, "scan", "--no-summary", "--allmatch",
                        "--cvdcertsdir", str(certs), "-d", str(db), sample],
                       capture_output=True, text=True, timeout=120)
    return r.stdout


def fetched(log):
    """The files fetched whole, and those asked for their header only."""
    whole = sorted(p for p, h in log if "Range" not in h)
    heads = sorted(p for p, h in log if h.get("Range") == "bytes=0-511")
    return whole, heads


def test_install_then_only_what_changed(env):
    m, certs, db, sample = env
    r = update(m, certs, db)
    assert r.returncode == 0, r.stderr
    assert "installed release 1" in r.stdout, r.stdout
    whole, heads = fetched(m.srv.log)
    assert whole == ["/daily-7.cvd.sign", "/daily.cvd", "/main-3.cvd.sign",
                     "/main.cvd"], whole
    assert heads == ["/daily.cvd", "/main.cvd"]
    for path, headers in m.srv.log:  # the file wanted, and nothing else
        assert "?" not in path and headers["User-Agent"] == "vigil-update/1"
        assert "Cookie" not in headers and "Referer" not in headers
    assert "Main.Test FOUND" in scan(db, certs, sample)
    # nothing new: headers only
    m.srv.log.clear()
    r = update(m, certs, db)
    assert r.returncode == 0 and "up to date: release 1" in r.stdout
    assert fetched(m.srv.log)[0] == []
    # a new daily: it alone is fetched; main is the same file, linked
    m.put("daily", 8, ndb("Daily.Eight", DAILY_SIGS[8]))
    m.srv.log.clear()
    r = update(m, certs, db)
    assert r.returncode == 0 and "installed release 2" in r.stdout, r.stderr
    assert fetched(m.srv.log)[0] == ["/daily-8.cvd.sign", "/daily.cvd"]
    out = scan(db, certs, sample)
    assert "Daily.Eight FOUND" in out and "Main.Test FOUND" in out, out
    assert os.stat(db / "v/1-clamav/main.cvd").st_ino == \
        os.stat(db / "v/2-clamav/main.cvd").st_ino
    assert (db / "state/clamav").read_text().startswith("main 3 ")
    st = subprocess.run([VIGIL_UPDATE, "--dir", str(db), "--status"],
                        capture_output=True, text=True)
    assert st.returncode == 0 and "status: OK" in st.stdout, st.stdout


def current(db):
    return os.readlink(db / "current"), (db / "state/clamav").read_text()


@pytest.mark.parametrize("how", ["rollback", "header-lies", "other-signer",
                                 "bytes-changed", "no-signature"])
def test_refused_leaves_the_old_set(env, how):
    m, certs, db, sample = env
    m.put("daily", 8, ndb("Daily.Eight", DAILY_SIGS[8]))
    assert update(m, certs, db).returncode == 0
    before = current(db)
    want = {"rollback": "E_ROLLBACK", "header-lies": "E_SIG",
            "other-signer": "E_SIG", "bytes-changed": "E_SIG",
            "no-signature": "E_SIG"}[how]
    if how == "rollback":
        m.put("daily", 7, ndb("Daily.Seven", DAILY_SIGS[7]))
    elif how == "header-lies":  # daily 8's bytes, offered as 9
        m.put("daily", 8, ndb("Daily.Eight", DAILY_SIGS[8]), lie=9)
    elif how == "other-signer":
        p = m.put("daily", 9, ndb("Daily.Nine", b"nine"), sign_it=False)
        other = m.pki / "o"
        other.mkdir()
        make_signer(other, "../other")
        sign(other, p, m.root / "daily-9.cvd.sign")
    elif how == "bytes-changed":
        p = m.put("daily", 9, ndb("Daily.Nine", b"nine"))
        p.write_bytes(p.read_bytes().replace(b"10-00", b"10-01", 1))
    else:
        m.put("daily", 9, ndb("Daily.Nine", b"nine"), sign_it=False)
    r = update(m, certs, db)
    assert r.returncode == 1 and want in r.stderr, r.stdout + r.stderr
    assert current(db) == before
    assert os.listdir(db / "tmp") == []
    assert "Daily.Eight FOUND" in scan(db, certs, sample)


def test_server_without_ranges_and_a_config_file(env, tmp_path):
    """A server that ignores Range is cut off after the header; the
    settings come from update.conf as freshclam's from freshclam.conf."""
    m, certs, db, sample = env
    m.srv.ranges = False
    conf = tmp_path / "update.conf"
    conf.write_text("DatabaseDirectory %s\nClamAVMirror %s\nClamAVDatabases "
                    "main,daily\nCVDCertsDirectory %s\n" % (db, m.srv.url,
                                                           certs))
    r = subprocess.run([VIGIL_UPDATE, "--config", str(conf), "--once"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "Main.Test FOUND" in scan(db, certs, sample)
    conf.write_text(conf.read_text() + "Mirror http://127.0.0.1:1/\n")
    r = subprocess.run([VIGIL_UPDATE, "--config", str(conf), "--once"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2 and "cannot be mixed" in r.stderr, r.stderr


def test_vigild_serves_the_clamav_set(env, tmp_path):
    m, certs, db, sample = env
    assert update(m, certs, db).returncode == 0
    d = Vigild(str(tmp_path), str(db), "CVDCertsDirectory %s\n" % certs)
    try:
        scan_cmd = ("zALLMATCHSCAN %s\0" % sample).encode()
        assert b"Main.Test FOUND" in d.ask(scan_cmd)
        assert b"Daily.Eight" not in d.ask(scan_cmd)
        m.put("daily", 8, ndb("Daily.Eight", DAILY_SIGS[8]))
        r = update(m, certs, db, "--reload", d.sock)
        assert r.returncode == 0, r.stderr
        assert wait_for(lambda: b"Daily.Eight FOUND" in d.ask(scan_cmd))
    finally:
        d.stop()
