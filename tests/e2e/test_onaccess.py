"""vigil-onaccess with a real vigild, on a tmpfs the test mounts: files
are scanned when written and opened under the watched path; with
--prevent an infected file cannot be opened; outside the path, under an
excluded one, or too large, files pass; when vigild is gone, opens pass
or, with --fail-closed, are denied; a written file is judged anew."""
import os
import shutil
import signal
import subprocess
import tempfile
import time

import pytest

from pathlib import Path

from conftest import BUILD
from daemon import EICAR, Vigild, make_db

ONACCESS = os.path.join(BUILD, "src", "onaccess", "vigil-onaccess")


class OnAccess:
    def __init__(self, tmp_path, *args, start_vigild=True):
        # outside pytest's private directories, so that other users can
        # reach it (the --exclude-uid test)
        self.mnt = Path(tempfile.mkdtemp(prefix="vigil-onaccess-"))
        os.chmod(self.mnt, 0o755)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,mode=755",
                        "tmpfs", str(self.mnt)], check=True)
        for d in ("watched", "watched/skip", "other"):
            (self.mnt / d).mkdir()
        vdir = tmp_path / "vigild"
        vdir.mkdir()
        self.vigild = Vigild(str(vdir), make_db(str(tmp_path / "db"))) \
            if start_vigild else None
        self.sock = str(vdir / "vigild.sock")
        self.logpath = tmp_path / "onaccess.log"
        self.log = open(self.logpath, "w")
        self.proc = subprocess.Popen(
            [ONACCESS, "--path", str(self.mnt / "watched"), "--exclude-path",
             str(self.mnt / "watched" / "skip"), "--socket", self.sock,
             "--timeout", "5", *args], stdout=self.log, stderr=self.log)
        self.wait_log("watching")

    def logtext(self):
        return self.logpath.read_text()

    def wait_log(self, text, seconds=10):
        end = time.time() + seconds
        while time.time() < end:
            if text in self.logtext():
                return
            assert self.proc.poll() is None, self.logtext()
            time.sleep(0.02)
        raise AssertionError("no %r in: %s" % (text, self.logtext()))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(20)
        self.log.close()
        if self.vigild:
            self.vigild.stop()
        for _ in range(50):  # the kernel lets the marks go a moment later
            if subprocess.run(["umount", str(self.mnt)],
                              capture_output=True).returncode == 0:
                break
            time.sleep(0.1)
        else:
            subprocess.run(["umount", "-l", str(self.mnt)], check=False)
        shutil.rmtree(self.mnt, ignore_errors=True)


@pytest.fixture
def onaccess(tmp_path):
    started = []

    def start(*args, **kw):
        started.append(OnAccess(tmp_path, *args, **kw))
        return started[-1]
    yield start
    for oa in started:
        oa.stop()


def readable(path):
    try:
        with open(path, "rb") as f:
            f.read()
        return True
    except PermissionError:
        return False


def test_prevention(onaccess):
    oa = onaccess("--prevent")
    w = oa.mnt / "watched"
    (w / "eicar.com").write_bytes(EICAR)  # judged when the write closes
    oa.wait_log("%s: Eicar-Signature FOUND\n" % (w / "eicar.com"))
    assert not readable(w / "eicar.com")
    oa.wait_log("%s: Eicar-Signature FOUND (access denied)" % (w / "eicar.com"))
    (w / "clean.txt").write_bytes(b"nothing to see\n")
    settled(w / "clean.txt")
    for _ in range(3):  # the cache answers after the first
        assert readable(w / "clean.txt")
    for elsewhere in (oa.mnt / "other" / "e.com", w / "skip" / "e.com"):
        elsewhere.write_bytes(EICAR)
        assert readable(elsewhere)
    assert "other" not in oa.logtext() and "skip" not in oa.logtext()
    counts = stop_summary(oa)
    assert counts["found"] == 2 and counts["from the cache"] >= 2, counts


def settled(path):
    """Waits until path was last changed a second ago: only then may the
    clean-file cache remember it (a rewrite in the same tick of the file
    system's clock would leave its times as they are)."""
    while time.time() - os.stat(path).st_ctime < 1.05:
        time.sleep(0.05)


def denied_soon(path, seconds=10):
    """Whether opening path is denied within some seconds."""
    end = time.time() + seconds
    while time.time() < end:
        if not readable(path):
            return True
        time.sleep(0.05)
    return False


def stop_summary(oa):
    oa.proc.send_signal(signal.SIGTERM)
    assert oa.proc.wait(20) == 0
    last = oa.logtext().splitlines()[-1]
    assert last.startswith("vigil-onaccess: stopped: "), last
    return {v: int(n) for n, v in
            (part.split(" ", 1) for part in last[25:].split(", "))}


def test_directories_made_later_are_watched(onaccess):
    """Every directory under the path is marked, and one made (or moved
    in) later too."""
    oa = onaccess("--prevent")
    deep = oa.mnt / "watched" / "new" / "deeper"
    deep.mkdir(parents=True)
    outside = oa.mnt / "moved"
    (outside / "sub").mkdir(parents=True)
    (outside / "sub" / "e.com").write_bytes(EICAR)
    (deep / "e.com").write_bytes(EICAR)
    # marked once inotify has told of the new directories
    assert denied_soon(deep / "e.com")
    os.rename(outside, oa.mnt / "watched" / "moved")
    assert denied_soon(oa.mnt / "watched" / "moved" / "sub" / "e.com")


def test_nothing_else_on_the_mount_reaches_it(onaccess):
    oa = onaccess("--prevent")
    for i in range(20):
        (oa.mnt / "other" / ("f%d" % i)).write_bytes(EICAR)
        assert readable(oa.mnt / "other" / ("f%d" % i))
    assert stop_summary(oa)["events"] == 0


def test_whole_mount(onaccess):
    oa = onaccess("--prevent", "--whole-mount")
    f = oa.mnt / "watched" / "e.com"
    f.write_bytes(EICAR)
    assert not readable(f)
    for i in range(20):
        (oa.mnt / "other" / ("f%d" % i)).write_bytes(b"x")
    counts = stop_summary(oa)
    assert counts["events"] >= 40, counts  # seen, and let through


def test_a_written_file_is_judged_anew(onaccess):
    oa = onaccess("--prevent", "--cache-seconds", "600")
    f = oa.mnt / "watched" / "doc.txt"
    f.write_bytes(b"harmless\n")
    assert readable(f) and readable(f)
    with open(f, "wb") as out:  # the same inode, now infected
        out.write(EICAR)
    assert not readable(f)
    with pytest.raises(PermissionError):  # even opened to be overwritten
        f.write_bytes(b"clean again\n")
    f.unlink()  # but it can be deleted
    f.write_bytes(b"clean again\n")
    assert readable(f)


def test_an_excluded_user_is_not_scanned(onaccess):
    """vigild's own user is excluded this way: a daemon that opened a
    watched file would otherwise wait for its own verdict."""
    oa = onaccess("--prevent", "--exclude-uid", "nobody")
    f = oa.mnt / "watched" / "e.com"
    f.write_bytes(EICAR)
    res = subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                          "--clear-groups", "cat", str(f)],
                         capture_output=True, timeout=10)
    assert res.returncode == 0 and res.stdout == EICAR, res.stderr
    assert not readable(f)  # root's processes are still judged


def test_log_only_without_prevent(onaccess):
    oa = onaccess()
    f = oa.mnt / "watched" / "e.com"
    f.write_bytes(EICAR)
    assert readable(f)
    oa.wait_log("%s: Eicar-Signature FOUND\n" % f)
    assert "access denied" not in oa.logtext()


def test_too_large_files_pass_unscanned(onaccess):
    oa = onaccess("--prevent", "--max-size", "1K")
    f = oa.mnt / "watched" / "big.com"
    f.write_bytes(EICAR + b"\n" * 2048)
    assert readable(f)
    assert stop_summary(oa)["too large"] >= 1
    assert "FOUND" not in oa.logtext()


@pytest.mark.parametrize("closed", [False, True])
def test_without_vigild(onaccess, closed):
    oa = onaccess("--prevent", *(["--fail-closed"] if closed else []),
                  start_vigild=False)
    f = oa.mnt / "watched" / "any.txt"
    if closed:  # every open waits for a scan it cannot have: denied
        with pytest.raises(PermissionError):
            f.write_bytes(b"x")
    else:
        f.write_bytes(b"x")
        assert readable(f)
    oa.wait_log("%s: not scanned: vigild at %s" % (f, oa.sock))
    assert ("(access denied)" in oa.logtext()) is closed


@pytest.mark.parametrize("args", [[], ["--path", "/nonexistent/x"],
                                  ["--path", "/tmp", "--threads", "0"],
                                  ["--path", "/tmp", "--max-size", "-1"],
                                  ["--path", "/tmp", "extra"],
                                  ["--path", "/tmp", "--exclude-uid", "no-such-user"]])
def test_usage_errors(args):
    res = subprocess.run([ONACCESS, *args], capture_output=True, text=True,
                         timeout=10)
    assert res.returncode == 2, res.stderr
    assert "usage: vigil-onaccess" in res.stderr


def test_quarantine(onaccess, tmp_path):
    """--quarantine: a file found infected is taken into the encrypted
    store (read through the event's descriptor, after the open's answer),
    and vigil quarantine lists and restores it exactly."""
    from conftest import VIGIL, run
    store = tmp_path / "store"
    oa = onaccess("--prevent", "--quarantine=%s" % store)
    w = oa.mnt / "watched"
    (w / "eicar.com").write_bytes(EICAR)
    os.chmod(w / "eicar.com", 0o640)
    oa.wait_log("%s: quarantined as " % (w / "eicar.com"))
    assert not (w / "eicar.com").exists()
    r = run([VIGIL, "quarantine", "--dir", str(store), "--json", "list"])
    import json
    (entry,) = [json.loads(l) for l in r.out.splitlines()]
    assert entry["path"] == str(w / "eicar.com")
    assert entry["detection"] == "Eicar-Signature"
    restored = oa.mnt / "other" / "back.com"
    r = run([VIGIL, "quarantine", "--dir", str(store), "restore",
             entry["id"], "--to", str(restored)])
    assert r.rc == 0, r.err
    assert restored.read_bytes() == EICAR
    assert os.stat(restored).st_mode & 0o777 == 0o640
