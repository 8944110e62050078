"""Database reloads: on RELOAD, SIGHUP, SIGUSR2 and a changed directory;
new scans use the new database; a database that fails to load or fails
the self-test is refused while the old one keeps serving; no request fails
during reloads."""
import json
import os
import signal
import threading
import time

import pytest

from daemon import (EICAR, Vigild, ask, instream, make_db, read_all, stall,
                    wait_for)

MARK = b"VIGILRELOADTESTMARKER"
MARK_SIG = "Reload.Test-Sig:0:*:%s\n" % MARK.hex()



def found_mark(d):
    return d.ask(instream(MARK)) == b"stream: Reload.Test-Sig FOUND\0"


@pytest.fixture
def vd(tmp_path):
    db = make_db(str(tmp_path / "db"))
    d = Vigild(str(tmp_path), db, "SelfCheck 0\n")
    d.db = db
    yield d
    d.stop()


def add_sig(d, text, name="extra.ndb"):
    with open(os.path.join(d.db, name), "w") as f:
        f.write(text)


def generation(d):
    return d.metric("vigil_db_generation")


@pytest.mark.parametrize("how", ["RELOAD", "SIGHUP", "SIGUSR2"])
def test_reload_picks_up_new_signatures(vd, how):
    assert not found_mark(vd)
    add_sig(vd, MARK_SIG)
    if how == "RELOAD":
        assert vd.ask(b"zRELOAD\0") == b"RELOADING\0"
    else:
        vd.proc.send_signal(getattr(signal, how))
    assert wait_for(lambda: generation(vd) == 2)
    assert found_mark(vd)
    assert vd.metric('vigil_db_reloads_total{result="ok"}') == 1


def test_broken_database_is_refused(vd, tmp_path, vigil):
    """A compiled database damaged on the way (one byte flipped)."""
    good = tmp_path / "good.vdb"
    res = vigil("db", "compile", os.path.join(vd.db, "test.ndb"), "-o", good)
    assert res.rc == 0, res.err
    data = bytearray(good.read_bytes())
    data[len(data) // 2] ^= 0x40
    (tmp_path / "db" / "damaged.vdb").write_bytes(bytes(data))
    vd.ask(b"zRELOAD\0")
    assert wait_for(lambda: vd.metric(
        'vigil_db_reloads_total{result="refused"}') == 1)
    assert generation(vd) == 1
    assert vd.ask(instream(EICAR)) == b"stream: Eicar-Signature FOUND\0"
    assert "new database refused" in vd.logtext()
    assert "checksum" in vd.logtext()


def test_version_is_the_vdb_creation_time(vd, tmp_path, vigil):
    """With a .vdb the database's version (VERSION, the metric) is its
    header's creation time, as vigil db info says, not a file time."""
    good = tmp_path / "db" / "good.vdb"
    res = vigil("db", "compile", os.path.join(vd.db, "test.ndb"), "-o", good)
    assert res.rc == 0, res.err
    for f in os.listdir(vd.db):   # file times that are not it
        os.utime(os.path.join(vd.db, f), (1000000000, 1000000000))
    assert vd.ask(b"zRELOAD\0") == b"RELOADING\0"
    assert wait_for(lambda: generation(vd) == 2)
    info = vigil("db", "info", "--json", good)
    assert info.rc == 0, info.err
    created = json.loads(info.out)["created"]
    assert created > 1000000000
    assert vd.metric("vigil_db_version") == created
    assert vd.ask(b"zVERSION\0").split(b"/")[1] == str(created).encode()


def test_database_failing_self_test_is_refused(vd):
    """A signature that flags ordinary text (a false-positive wave) must
    not reach the workers."""
    add_sig(vd, "Everything.Bad:0:*:%s\n" % b"Vigil self-test".hex())
    vd.ask(b"zRELOAD\0")
    assert wait_for(lambda: vd.metric(
        'vigil_db_reloads_total{result="refused"}') == 1)
    assert "self-test: a harmless object flagged as" in vd.logtext()
    assert vd.ask(instream(b"an ordinary text")) == b"stream: OK\0"


def test_changed_directory_is_noticed(tmp_path):
    db = make_db(str(tmp_path / "db"))
    d = Vigild(str(tmp_path), db, "SelfCheck 1\n")
    try:
        with open(os.path.join(db, "new.ndb"), "w") as f:
            f.write(MARK_SIG)
        assert wait_for(lambda: found_mark(d))
    finally:
        d.stop()


def test_only_the_database_files_count(tmp_path):
    """A change beside the database directory (its parent holds the
    daemon's log and socket here) is no reason to reload."""
    db = make_db(str(tmp_path / "db"))
    d = Vigild(str(tmp_path), db, "SelfCheck 1\n")
    try:
        gen = generation(d)
        for i in range(6):
            with open(str(tmp_path / ("unrelated-%d" % i)), "w") as f:
                f.write("x")
            time.sleep(0.5)
        assert generation(d) == gen
        assert "directory changed" not in d.logtext()
        with open(os.path.join(db, "new.ndb"), "w") as f:
            f.write(MARK_SIG)
        assert wait_for(lambda: generation(d) == gen + 1)
    finally:
        d.stop()


def test_no_request_fails_during_reloads(vd):
    """Clients keep scanning while the database is reloaded five times."""
    errors, replies = [], []
    stop = threading.Event()

    def client():
        while not stop.is_set():
            r = ask(vd.sock, instream(EICAR))
            replies.append(r)
            if r != b"stream: Eicar-Signature FOUND\0":
                errors.append(r)

    threads = [threading.Thread(target=client) for _ in range(4)]
    for t in threads:
        t.start()
    for i in range(5):
        add_sig(vd, "Gen%d.Sig:0:*:%s\n" % (i, (b"GEN%dMARK" % i).hex()))
        assert vd.ask(b"zRELOAD\0") == b"RELOADING\0"
        assert wait_for(lambda: generation(vd) == i + 2)
    stop.set()
    for t in threads:
        t.join()
    assert not errors and len(replies) > 20
    # old generations leave once their last scan is done
    assert wait_for(lambda: len(vd.workers()) == 2)


def test_quick_matcher_serves_while_the_full_one_compiles(tmp_path):
    """A database part of 1,000 patterns or more whose compiled matcher is
    not in the cache is served at once by the quick one; a background
    process compiles the full one, and a reload switches to it. Both find
    the same."""
    rnd = __import__("random").Random(7)
    lines = ["Quick.Pad-%d:0:*:%s\n" % (i, rnd.randbytes(12).hex())
             for i in range(1500)]
    db = make_db(str(tmp_path / "db"), MARK_SIG + "".join(lines))
    d = Vigild(str(tmp_path), db, "SelfCheck 0\n")
    try:
        assert "(quick matcher)" in d.logtext()
        assert found_mark(d)
        assert d.ask(instream(b"x" + rnd.randbytes(99))) == b"stream: OK\0"
        assert wait_for(lambda: generation(d) == 2, 120)
        assert "the full matcher is compiled" in d.logtext()
        assert d.metric("vigil_db_quick_matchers") == 0
        assert found_mark(d)
        hit = bytes.fromhex(lines[1234].split(":")[3])
        assert d.ask(instream(b"ab" + hit + b"cd")) == \
            b"stream: Quick.Pad-1234 FOUND\0"
        assert any(f.endswith(".hsdb") for f in
                   os.listdir(str(tmp_path / "cache")))
    finally:
        d.stop()
    # started again over the filled cache: no quick matcher, no compile
    d = Vigild(str(tmp_path), db, "SelfCheck 0\n")
    try:
        assert d.metric("vigil_db_quick_matchers") == 0
        assert "background" not in d.logtext()
    finally:
        d.stop()


def test_background_compile_ends_with_the_daemon(tmp_path):
    """The process compiling the full matcher does not outlive vigild, even
    one killed without a chance to stop it."""
    import re
    import signal as sig
    import time
    rnd = __import__("random").Random(8)
    lines = ["Slow.Pad-%d:0:*:%s{1-40}%s??%s\n" % (
        i, rnd.randbytes(6).hex(), rnd.randbytes(5).hex(),
        rnd.randbytes(4).hex()) for i in range(4000)]
    db = make_db(str(tmp_path / "db"), "".join(lines))
    d = Vigild(str(tmp_path), db, "SelfCheck 0\n")
    try:
        m = re.search(r"in the background \(pid (\d+)\)", d.logtext())
        assert m, d.logtext()
        pid = int(m.group(1))
        os.kill(pid, 0)  # compiling (4,000 patterns with gaps: seconds)
        d.proc.send_signal(sig.SIGKILL)
        d.proc.wait()

        def gone():
            try:
                with open("/proc/%d/stat" % pid) as f:
                    return f.read().rsplit(")", 1)[1].split()[0] == "Z"
            except OSError:
                return True
        assert wait_for(gone, 1.0)
    finally:
        d.stop()


def test_files_read_whole_are_stamped_once_settled(tmp_path, vigil):
    """A .vdb a reload loads just after an update wrote it, and a large
    set's anchors table just after a load stored it, are read whole to
    check them but cannot be stamped yet (a change in the same tick of
    their times would go unseen). vigild stamps them in the background
    once they have settled, so that the next reload does not read them
    whole again and leaves no more to stamp."""
    src = tmp_path / "big.ndb"   # anchors matcher from 50,000 patterns
    src.write_text(MARK_SIG + "".join(
        "Many.%d:0:*:%s\n" % (i, ("%08x" % (i * 2654435761 % 2**32)) * 2)
        for i in range(50000)))
    db, cache = tmp_path / "db", tmp_path / "cache"
    db.mkdir()
    (db / "test.ndb").write_text("Eicar-Signature:0:*:%s\n" % EICAR.hex())
    d = Vigild(str(tmp_path), str(db), "SelfCheck 0\n")

    def stamps():
        return sorted(f for f in os.listdir(cache) if f.endswith(".vok")) \
            if cache.exists() else []
    try:
        assert stamps() == []
        assert vigil("db", "compile", "--no-matcher", src, "-o",
                     db / "big.vdb").rc == 0
        written = os.stat(db / "big.vdb").st_ctime
        assert d.ask(b"zRELOAD\0") == b"RELOADING\0"   # stores the table
        assert wait_for(lambda: generation(d) == 2)
        assert d.ask(b"zRELOAD\0") == b"RELOADING\0"   # maps it
        assert wait_for(lambda: generation(d) == 3)
        assert found_mark(d)
        assert [f for f in os.listdir(cache) if ".anc" in f]
        if time.time() < written + 1.5:
            assert stamps() == []   # the loads did not stamp them
        assert wait_for(lambda: len(stamps()) == 2, 10), d.logtext()
        first = {f: os.stat(cache / f).st_ino for f in stamps()}
        settlers = d.logtext().count("stamping ")
        assert settlers >= 1
        assert d.ask(b"zRELOAD\0") == b"RELOADING\0"
        assert wait_for(lambda: generation(d) == 4)
        assert found_mark(d)
        assert d.logtext().count("stamping ") == settlers
        assert {f: os.stat(cache / f).st_ino for f in stamps()} == first
    finally:
        d.stop()


def two_vdbs(tmp_path, vigil):
    """Two compiled databases that both find MARK, under different names,
    at different places in files of different layouts."""
    rnd = __import__("random").Random(11)
    out = []
    for name, pads in (("A", 2000), ("B", 3000)):
        src = tmp_path / ("%s.ndb" % name)
        src.write_text("".join("Pad%s.%d:0:*:%s\n" % (
            name, i, rnd.randbytes(12).hex()) for i in range(pads)) +
            "Mark.%s:0:*:%s\n" % (name, MARK.hex()))
        hdb = tmp_path / ("%s.hdb" % name)
        hdb.write_text("".join("%s:%d:Hash%s.%d\n" % (
            rnd.randbytes(16).hex(), rnd.randrange(100, 10**6), name, i)
            for i in range(20000)))
        vdb = tmp_path / ("%s.vdb" % name)
        res = vigil("db", "compile", src, hdb, "-o", vdb)
        assert res.rc == 0, res.err
        out.append(vdb)
    return out


def serving_a(tmp_path, vigil, selfcheck=0):
    """vigild serving a copy of the first of two_vdbs() as db/main.vdb:
    (the daemon, the db directory, the two .vdb files)."""
    import shutil
    a, b = two_vdbs(tmp_path, vigil)
    db = tmp_path / "db"
    db.mkdir()
    shutil.copyfile(a, db / "main.vdb")
    d = Vigild(str(tmp_path), str(db), "SelfCheck %d\n" % selfcheck)
    return d, db, a, b


def test_vdb_written_over_in_place_is_never_served(tmp_path, vigil):
    """A .vdb is used where it lies, so one written over in place (cp onto
    it) gave the running engine the new file's bytes at the old one's
    offsets, and scans answered OK for what both files find. vigild now
    sees the first write, holds scans until the writer has closed the
    file, and reloads: a scan answers from the new file, never from the
    changed old engine."""
    d, db, _, b = serving_a(tmp_path, vigil)
    try:
        assert d.ask(instream(MARK)) == b"stream: Mark.A FOUND\0"
        ino = os.stat(db / "main.vdb").st_ino
        new = b.read_bytes()
        reply = {}
        with open(db / "main.vdb", "r+b") as f:   # in place, as cp does
            f.truncate(0)
            f.write(new[:len(new) // 2])
            f.flush()
            wait_for(lambda: "written over while in use" in d.logtext(),
                     10)
            t = threading.Thread(target=lambda: reply.update(
                r=d.ask(instream(MARK), timeout=60)))
            t.start()
            time.sleep(1.0)
            assert "r" not in reply    # held while the file is half written
            assert d.metric("vigil_db_held") == 1
            f.write(new[len(new) // 2:])
        assert os.stat(db / "main.vdb").st_ino == ino
        t.join(60)
        assert reply["r"] == b"stream: Mark.B FOUND\0"
        for _ in range(5):
            assert d.ask(instream(MARK)) == b"stream: Mark.B FOUND\0"
        assert "scanning again with the database as written" in d.logtext()
        assert d.metric("vigil_db_held") == 0
    finally:
        d.stop()


def test_vdb_written_over_with_junk_refuses_scans(tmp_path, vigil):
    """If what was written in place does not load, scans are refused with
    an error (never answered by the changed engine) until a database
    loads again."""
    import shutil
    d, db, _, b = serving_a(tmp_path, vigil)
    try:
        with open(db / "main.vdb", "r+b") as f:
            f.write(b"not a database at all")
        wait_for(lambda: "no database to serve with" in d.logtext(), 30)
        refused = b"stream: Scan failed: the database was written over " \
                  b"in use. ERROR\0"
        assert d.ask(instream(MARK), timeout=30) == refused
        assert d.metric("vigil_db_held") == 2
        assert b"STATE: INVALID PRIMARY" in d.ask(b"zSTATS\0")
        shutil.copyfile(b, db / "next.vdb")
        os.rename(db / "next.vdb", db / "main.vdb")   # the right way
        d.ask(b"zRELOAD\0")
        assert wait_for(lambda: d.ask(instream(MARK)) ==
                        b"stream: Mark.B FOUND\0", 30)
    finally:
        d.stop()


def written_over_then_served(d, path, data, want):
    """Writes data over path in place (as cp does): the write is seen, and
    scans answer want."""
    with open(path, "r+b") as f:
        f.truncate(0)
        f.write(data)
    assert wait_for(lambda: d.ask(instream(MARK)) == want, 30)
    assert "written over while in use" in d.logtext()


def test_vdb_written_over_after_current_moved(tmp_path, vigil):
    """In vigil update's layout (DIR/current, a link an update moves), a
    write over a .vdb of the release current names now is seen, not only
    one of the release it named at the start."""
    a, b = two_vdbs(tmp_path, vigil)
    top = tmp_path / "dbtop"
    for rel, src in (("r1", a), ("r2", b)):
        (top / "v" / rel).mkdir(parents=True)
        (top / "v" / rel / "main.vdb").write_bytes(src.read_bytes())
    os.symlink("v/r1", top / "current")
    d = Vigild(str(tmp_path), str(top), "SelfCheck 0\n")
    try:
        assert d.ask(instream(MARK)) == b"stream: Mark.A FOUND\0"
        os.symlink("v/r2", top / "current.new")
        os.rename(top / "current.new", top / "current")   # as an update
        d.ask(b"zRELOAD\0")
        assert wait_for(lambda: d.ask(instream(MARK)) ==
                        b"stream: Mark.B FOUND\0", 30)
        written_over_then_served(d, top / "v" / "r2" / "main.vdb",
                                 a.read_bytes(), b"stream: Mark.A FOUND\0")
    finally:
        d.stop()


def test_vdb_link_to_another_directory_written_over(tmp_path, vigil):
    """A .vdb that is a symbolic link to a file elsewhere: a write over
    that file raises no event in the database directory. Its file is
    watched too: the write is seen, and scans answer from what was
    written (a long name, as any)."""
    a, b = two_vdbs(tmp_path, vigil)
    (tmp_path / "elsewhere").mkdir()
    real = tmp_path / "elsewhere" / "real.vdb"
    real.write_bytes(a.read_bytes())
    db = tmp_path / "db"
    db.mkdir()
    name = "main-" + "x" * 100 + ".vdb"   # longer than any fixed slot
    os.symlink(real, db / name)
    d = Vigild(str(tmp_path), str(db), "SelfCheck 0\n")
    try:
        assert d.ask(instream(MARK)) == b"stream: Mark.A FOUND\0"
        written_over_then_served(d, real, b.read_bytes(),
                                 b"stream: Mark.B FOUND\0")
        assert name + " is being written over while in use" in d.logtext()
    finally:
        d.stop()


def test_vdb_writer_that_keeps_it_open_holds_scans_30s(tmp_path, vigil):
    """A writer that writes a whole .vdb in place and keeps it open (no
    close to wait for) holds scans 30 seconds, then the file is loaded as
    it is: a scan asked at the first write is answered from it then."""
    d, db, _, b = serving_a(tmp_path, vigil)
    try:
        with open(db / "main.vdb", "r+b") as f:
            f.truncate(0)
            f.write(b.read_bytes())
            f.flush()
            wait_for(lambda: "written over while in use" in d.logtext(), 10)
            reply = {}
            t = threading.Thread(target=lambda: reply.update(
                r=d.ask(instream(MARK), timeout=90)))
            t.start()
            time.sleep(2.0)
            assert "r" not in reply and d.metric("vigil_db_held") == 1
            t.join(90)
            assert reply.get("r") == b"stream: Mark.B FOUND\0", reply
            assert "is still open" in d.logtext()
            assert d.metric("vigil_db_held") == 0
    finally:
        d.stop()


def test_vdb_written_through_a_mapping_is_seen_by_selfcheck(tmp_path, vigil):
    """A write that inotify does not report (through a shared mapping; a
    network file system) is seen by SelfCheck, which asks the engine
    whether a file it reads was written over (vigil_engine_changed()):
    the damaged file does not load, and scans are refused, not answered by
    the changed engine."""
    import mmap
    d, db, _, _ = serving_a(tmp_path, vigil, selfcheck=1)
    try:
        assert d.ask(instream(MARK)) == b"stream: Mark.A FOUND\0"
        with open(db / "main.vdb", "r+b") as f:
            m = mmap.mmap(f.fileno(), 0)
            mid = len(m) // 2
            m[mid:mid + 64] = bytes(64)
            m.flush()
            m.close()
        assert wait_for(lambda: "no database to serve with" in d.logtext(),
                        30), d.logtext()
        assert d.ask(instream(MARK), timeout=30) == b"stream: Scan failed: " \
            b"the database was written over in use. ERROR\0"
    finally:
        d.stop()


def test_scan_running_when_the_vdb_is_written_over_ends_in_error(tmp_path,
                                                                  vigil):
    """A scan running on the engine when its .vdb is written over ends
    with an error (its worker read the changed file), never with that
    engine's verdict. A worker held on a pipe nobody writes to stands for
    the scan in flight (SANDBOXSTALL)."""
    a, b = two_vdbs(tmp_path, vigil)
    db = tmp_path / "db"
    db.mkdir()
    (db / "main.vdb").write_bytes(a.read_bytes())
    d = Vigild(str(tmp_path), str(db), "SelfCheck 0\nDebugSandboxProbe yes\n")
    try:
        c = stall(d.sock)
        assert wait_for(lambda: d.metric("vigil_workers_busy") == 1)
        with open(db / "main.vdb", "r+b") as f:
            f.truncate(0)
            f.write(b.read_bytes())
        assert read_all(c, 30) == b"stall: Scan failed: the database was " \
                                  b"written over in use. ERROR\0"
        assert wait_for(lambda: d.ask(instream(MARK)) ==
                        b"stream: Mark.B FOUND\0", 30)
    finally:
        d.stop()

