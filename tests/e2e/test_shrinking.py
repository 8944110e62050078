"""A file another process shrinks while it is being scanned: its mapping
loses pages, and reading them raised SIGBUS, which ended `vigil scan` (and
every file after it went unscanned) or a vigild worker. Now the scan of
that file ends in an error that says so, and the rest goes on. The file
is cut as soon as the scanning process has it mapped (seen in
/proc/PID/maps), so that the cut always falls within the scan."""
import os
import re
import subprocess
import threading
import time

import pytest

from conftest import VIGIL
from daemon import EICAR, Vigild, ask, make_db, wait_for

MIB = 1 << 20
SHRANK = "the file shrank while it was scanned"


def big_file(path, mib=512):
    """mib MiB of random data (a MiB of it over and over): scanned at the
    matcher's pace, not skipped as zeros would be."""
    block = os.urandom(MIB)
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(block)


def maps(pid, name):
    try:
        with open("/proc/%d/maps" % pid) as f:
            return name in f.read()
    except OSError:
        return False


def cut_when_mapped(pids, path, seconds=60):
    """Polls the processes pids() lists until one maps path, then cuts the
    file to a MiB. True if it was cut while mapped."""
    end = time.time() + seconds
    while time.time() < end:
        if any(maps(p, path) for p in pids()):
            os.truncate(path, MIB)
            return True
        time.sleep(0.002)
    return False


def workers(d):
    """The pids of the daemon's workers, as its log names them."""
    return sorted({int(p) for p in re.findall(r"worker (\d+): confined",
                                              d.logtext())})


def test_cli_scan_goes_on_past_a_file_shrunk_under_it(tmp_path):
    db = make_db(str(tmp_path / "db"))
    big = str(tmp_path / "big.bin")
    big_file(big)
    after = tmp_path / "after.txt"
    after.write_bytes(EICAR)
    env = dict(os.environ, VIGIL_CACHE_DIR=str(tmp_path / "cache"))
    p = subprocess.Popen([VIGIL, "scan", "--no-summary", "-j", "1", "-d", db,
                          big, str(after)], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    cut = cut_when_mapped(lambda: [p.pid], big)
    out, err = p.communicate(timeout=120)
    assert cut, "the scan never mapped the file"
    assert p.returncode >= 0, "vigil scan died of signal %d" % -p.returncode
    assert "%s: %s ERROR" % (big, SHRANK) in out, out + err
    assert "%s: Eicar-Signature FOUND" % after in out
    assert p.returncode == 1  # found (an error beside it: vigil(1))


@pytest.mark.parametrize("how", ["SCAN", "FILDES"])
def test_vigild_worker_survives_a_file_shrunk_under_it(tmp_path, how):
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")))
    try:
        big = str(tmp_path / "big.bin")
        big_file(big)
        assert wait_for(lambda: len(workers(d)) == 2)
        before = workers(d)
        reply = {}

        def scan():
            if how == "SCAN":
                reply["r"] = ask(d.sock, b"zSCAN %s\0" % big.encode(),
                                 timeout=120)
            else:
                with open(big, "rb") as f:
                    reply["r"] = ask(d.sock, b"zFILDES\0", fds=[f.fileno()],
                                     timeout=120)
        t = threading.Thread(target=scan)
        t.start()
        cut = cut_when_mapped(lambda: before, big)
        t.join(130)
        assert cut, "no worker mapped the file"
        assert SHRANK.encode() in reply["r"], reply["r"]
        assert reply["r"].endswith(b"ERROR\0")
        assert "died of signal" not in d.logtext()
        # the same workers still serve, none started since
        assert workers(d) == before
        for pid in before:
            os.kill(pid, 0)
        eicar = tmp_path / "eicar.txt"
        eicar.write_bytes(EICAR)
        assert ask(d.sock, b"zSCAN %s\0" % str(eicar).encode()).endswith(
            b"Eicar-Signature FOUND\0")
    finally:
        d.stop()


def test_yara_scan_goes_on_past_a_file_shrunk_under_it(tmp_path):
    d = tmp_path / "dir"
    d.mkdir()
    big = str(d / "big.bin")
    big_file(big)
    (d / "after.txt").write_bytes(EICAR)
    rules = tmp_path / "r.yar"
    rules.write_text('rule eicar { strings: $a = "EICAR-STANDARD" '
                     'condition: $a }\n')
    p = subprocess.Popen([VIGIL, "yara", str(rules), str(d)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    cut = cut_when_mapped(lambda: [p.pid], big)
    out, err = p.communicate(timeout=120)
    assert cut, "the scan never mapped the file"
    assert p.returncode >= 0, "vigil yara died of signal %d" % -p.returncode
    assert "error scanning %s: %s" % (big, SHRANK) in err, out + err
    assert "eicar %s" % (d / "after.txt") in out


def test_cli_scan_reports_a_database_written_over_under_it(tmp_path):
    """A .vdb written over in place (cp onto it) while `vigil scan` runs:
    the engine read the new file's bytes at the old one's offsets, and the
    run ended clean. Now it says so and ends in an error (exit 2)."""
    src = tmp_path / "sigs.ndb"
    vdbs = []
    for n in (1, 2):
        src.write_text("".join("Pad.%d.%d:0:*:%s\n" % (n, i, os.urandom(
            12).hex()) for i in range(500 * n)))
        vdbs.append(tmp_path / ("v%d.vdb" % n))
        r = subprocess.run([VIGIL, "db", "compile", str(src), "-o",
                            str(vdbs[-1])], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    db = tmp_path / "db"
    db.mkdir()
    (db / "main.vdb").write_bytes(vdbs[0].read_bytes())
    big = str(tmp_path / "big.bin")
    big_file(big)
    env = dict(os.environ, VIGIL_CACHE_DIR=str(tmp_path / "cache"))
    p = subprocess.Popen([VIGIL, "scan", "--no-summary", "-j", "1", "-d",
                          str(db), big], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, env=env)
    end, seen = time.time() + 60, False
    while time.time() < end and not seen:
        seen = maps(p.pid, big)
        time.sleep(0.002)
    with open(db / "main.vdb", "r+b") as f:     # in place, as cp does
        f.truncate(0)
        f.write(vdbs[1].read_bytes())
    out, err = p.communicate(timeout=120)
    assert seen, "the scan never mapped the file"
    assert "written over in place during the scan" in err, out + err
    assert p.returncode == 2
