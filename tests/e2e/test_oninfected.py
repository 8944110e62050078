"""vigild's OnInfected: a file a client names by path (SCAN, CONTSCAN,
MULTISCAN, ALLMATCHSCAN) found infected is taken into the encrypted
quarantine, removed, moved or copied, once per file, after the reply;
streams and passed descriptors are the client's and left alone. What could
not be done is logged and counted, never silent."""
import json
import os
import subprocess

from conftest import VIGIL
from daemon import EICAR, VIGILD, Vigild, instream, make_db, wait_for

SIG2 = b"second-signature-bytes"


def tree(root, n_bad=3):
    root.mkdir()
    bad = []
    for i in range(n_bad):
        p = root / ("bad%d.com" % i)
        p.write_bytes(EICAR + b"\n" * i)
        os.chmod(p, 0o640)
        bad.append(p)
    (root / "clean.txt").write_text("nothing\n")
    return bad


def metric(d, result):
    return d.metric('vigil_oninfected_total{result="%s"}' % result)


def quarantined(store):
    r = subprocess.run([VIGIL, "quarantine", "--dir", str(store), "--json",
                        "list"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return [json.loads(line) for line in r.stdout.splitlines()]


def test_quarantine_of_scanned_paths(tmp_path):
    store = tmp_path / "q"
    db = make_db(str(tmp_path / "db"), "Second:0:*:%s\n" % SIG2.hex())
    d = Vigild(str(tmp_path), db, "OnInfected quarantine\n"
               "QuarantineDirectory %s\n" % store)
    try:
        bad = tree(tmp_path / "t")
        want = {str(p): p.read_bytes() for p in bad}
        out = d.ask(("zCONTSCAN %s\0" % (tmp_path / "t")).encode())
        assert out.count(b"Eicar-Signature FOUND") == 3, out
        assert wait_for(lambda: metric(d, "done") == 3), d.logtext()[-2000:]
        assert not any(p.exists() for p in bad)
        assert (tmp_path / "t" / "clean.txt").exists()
        got = quarantined(store)
        assert sorted(e["path"] for e in got) == sorted(want)
        assert {e["detection"] for e in got} == {"Eicar-Signature"}
        # ALLMATCHSCAN of a file with two detections: acted on once
        two = tmp_path / "two.bin"
        two.write_bytes(EICAR + b"\0" + SIG2)
        out = d.ask(("zALLMATCHSCAN %s\0" % two).encode())
        assert b"Eicar-Signature FOUND" in out and b"Second FOUND" in out
        assert wait_for(lambda: metric(d, "done") == 4)
        assert not two.exists() and len(quarantined(store)) == 4
        # what a client sends is its own: not acted on
        assert d.ask(instream(EICAR)) == b"stream: Eicar-Signature FOUND\0"
        assert metric(d, "done") == 4 and metric(d, "failed") == 0
        # and put back exactly
        entry = next(e for e in got if e["path"] == str(bad[1]))
        r = subprocess.run([VIGIL, "quarantine", "--dir", str(store),
                            "restore", entry["id"]], capture_output=True,
                           text=True)
        assert r.returncode == 0, r.stderr
        assert bad[1].read_bytes() == want[str(bad[1])]
        assert os.stat(bad[1]).st_mode & 0o777 == 0o640
        assert "quarantined as %s" % entry["id"] in d.logtext()
    finally:
        d.stop()


def test_remove_move_copy(tmp_path):
    db = make_db(str(tmp_path / "db"))
    moved = tmp_path / "moved"
    moved.mkdir()
    for action in ("remove", "move", "copy"):
        work = tmp_path / action
        work.mkdir()
        d = Vigild(str(work), db, "OnInfected %s\nOnInfectedDirectory %s\n"
                   % (action, moved))
        try:
            bad = tree(work / "t", 2)
            out = d.ask(("zMULTISCAN %s\0" % (work / "t")).encode())
            assert out.count(b"FOUND") == 2, out
            assert wait_for(lambda: metric(d, "done") == 2), d.logtext()
            assert all(p.exists() == (action == "copy") for p in bad)
            log = d.logtext()
            for p in bad:
                if action == "remove":
                    assert "%s: Removed." % p in log
                else:
                    assert "%s: %s to '%s/%s" % (
                        p, "moved" if action == "move" else "copied",
                        moved, p.name) in log, log
        finally:
            d.stop()
    # moved, then copied under the same names: the copies got .001
    names = sorted(os.listdir(moved))
    assert names == ["bad0.com", "bad0.com.001", "bad1.com",
                     "bad1.com.001"], names
    assert (moved / "bad1.com.001").read_bytes() == EICAR + b"\n"


def test_failure_is_logged_and_counted(tmp_path):
    """The target directory gone after start: the file stays, the log and
    the failed counter say so."""
    db = make_db(str(tmp_path / "db"))
    gone = tmp_path / "gone"
    gone.mkdir()
    d = Vigild(str(tmp_path), db, "OnInfected move\nOnInfectedDirectory "
               "%s\n" % gone)
    try:
        gone.rmdir()
        bad = tree(tmp_path / "t", 1)[0]
        assert d.ask(("zSCAN %s\0" % bad).encode()).endswith(b"FOUND\0")
        assert wait_for(lambda: metric(d, "failed") == 1)
        assert bad.exists() and metric(d, "done") == 0
        assert "Can't move file '%s' into %s: No such file" % (bad, gone) \
            in d.logtext()
    finally:
        d.stop()


def test_check_config(tmp_path):
    db = make_db(str(tmp_path / "db"))
    conf = tmp_path / "c.conf"
    plain = tmp_path / "plain"
    plain.write_text("")
    for extra, why in (
            ("OnInfected move\n", "OnInfected move needs OnInfectedDirectory"),
            ("OnInfected delete\n", "OnInfected"),
            ("OnInfected copy\nOnInfectedDirectory %s\n" % (tmp_path / "no"),
             "OnInfectedDirectory %s: No such file" % (tmp_path / "no")),
            ("OnInfected quarantine\nQuarantineDirectory %s\n" % plain,
             "%s: not a directory" % plain)):
        conf.write_text("LocalSocket %s\nDatabaseDirectory %s\n%s"
                        % (tmp_path / "s", db, extra))
        r = subprocess.run([VIGILD, "--check-config", "-c", str(conf)],
                           capture_output=True, text=True)
        assert r.returncode == 1 and why in r.stderr, (extra, r.stderr)
    conf.write_text("LocalSocket %s\nDatabaseDirectory %s\nOnInfected "
                    "quarantine\nQuarantineDirectory %s\n"
                    % (tmp_path / "s", db, tmp_path / "new"))
    r = subprocess.run([VIGILD, "--check-config", "-c", str(conf)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "OnInfected quarantine\n" in r.stdout


def test_many_at_once_into_a_new_store(tmp_path):
    """Thirty files found at once: their actions run side by side and all
    make the store's key together; each ends in the store with the one
    key (restorable), none is left or failed (a race here once lost a
    file: "the quarantine's key ... File exists")."""
    store = tmp_path / "q"
    db = make_db(str(tmp_path / "db"))
    d = Vigild(str(tmp_path), db, "OnInfected quarantine\nMaxThreads 4\n"
               "QuarantineDirectory %s\n" % store)
    try:
        bad = tree(tmp_path / "t", 30)
        out = d.ask(("zCONTSCAN %s\0" % (tmp_path / "t")).encode())
        assert out.count(b"FOUND") == 30, out
        assert wait_for(lambda: metric(d, "done") + metric(d, "failed")
                        == 30), d.logtext()[-2000:]
        assert metric(d, "failed") == 0, d.logtext()[-2000:]
        assert not any(p.exists() for p in bad)
        got = quarantined(store)
        assert len(got) == 30
        for e in got[:5]:
            r = subprocess.run([VIGIL, "quarantine", "--dir", str(store),
                                "restore", e["id"]], capture_output=True,
                               text=True)
            assert r.returncode == 0, r.stderr
    finally:
        d.stop()
