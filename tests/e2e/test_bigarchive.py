"""One large archive on several threads: `vigil scan -j N` matches the
entries of a container of 1 MiB or more on helper threads. What it reports
must be what one thread reports: the same detections with the same inner
paths in the same order, the same warnings, the same object counts, with
and without --allmatch, for zips (entries inflated on the helpers), for
streamed archives (tar.gz, 7z: members handed on as they are read), with
copies of members (matched once) and with a limit reached."""
import gzip
import json
import os
import random
import shutil
import subprocess
import tarfile
import zipfile

import pytest

MARKERS = [b"vigil-par-marker-%02d-" % i + bytes(range(65, 91)) for i in range(4)]


def _sigs(tmp_path):
    ndb = tmp_path / "par.ndb"
    ndb.write_text("".join("Par.Marker.%d:0:*:%s\n" % (i, m.hex())
                           for i, m in enumerate(MARKERS)))
    return ndb


def _members(root, rnd, n=240):
    """n members of random bytes (some text); markers planted in a few,
    copies of a clean and of an infected member, and a nested zip."""
    root.mkdir()
    names = []
    for i in range(n):
        size = rnd.randrange(4096, 24576)
        if i % 7 == 0:
            data = (b"line %d of text, some words repeated\n" % i) * (size // 36)
        else:
            data = rnd.randbytes(size)
        if i in (11, 97, 180):
            cut = rnd.randrange(len(data))
            data = data[:cut] + MARKERS[i % 3] + data[cut:]
        name = "m%03d.bin" % i
        (root / name).write_bytes(data)
        names.append(name)
    for k in (150, 151, 152):  # copies of a clean member and an infected one
        shutil.copy(root / "m020.bin", root / ("c%03d.bin" % k))
    shutil.copy(root / "m097.bin", root / "c200.bin")
    inner = root / "inner.zip"
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("deep.txt", b"a" * 100 + MARKERS[3] + b"b" * 100)
    return sorted(p.name for p in root.iterdir())


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bigarchive")
    rnd = random.Random(20261203)
    names = _members(tmp / "m", rnd)
    big_zip = tmp / "big.zip"
    with zipfile.ZipFile(big_zip, "w", zipfile.ZIP_DEFLATED) as z:
        for name in names:
            z.write(tmp / "m" / name, name)
    big_tgz = tmp / "big.tar.gz"
    with tarfile.open(big_tgz, "w:gz") as t:
        for name in names:
            t.add(tmp / "m" / name, name)
    big_7z = tmp / "big.7z"
    subprocess.run(["7z", "a", "-bd", "-y", "-ms=off", str(big_7z)] +
                   names, cwd=tmp / "m", check=True,
                   capture_output=True)
    clean_zip = tmp / "clean.zip"
    with zipfile.ZipFile(clean_zip, "w", zipfile.ZIP_STORED) as z:
        for name in names:
            if name not in ("m011.bin", "m097.bin", "m180.bin", "c200.bin",
                            "inner.zip"):
                z.write(tmp / "m" / name, name)
    for f in (big_zip, big_tgz, big_7z, clean_zip):
        assert f.stat().st_size >= 1 << 20, f
    return {"zip": big_zip, "tgz": big_tgz, "7z": big_7z,
            "clean": clean_zip, "ndb": _sigs(tmp)}


def _report(vigil, corpus, target, *args):
    r = vigil("scan", "--json", "-d", corpus["ndb"], *args, target)
    assert r.rc in (0, 1), r.err
    docs = [json.loads(line) for line in r.out.splitlines() if line]
    files = [d for d in docs if "summary" not in d]
    assert len(files) == 1, r.out
    return files[0]


@pytest.mark.parametrize("kind", ["zip", "tgz", "7z"])
@pytest.mark.parametrize("allmatch", [False, True])
def test_helpers_report_what_one_thread_reports(vigil, corpus, kind,
                                                allmatch):
    flags = ["-z"] if allmatch else []
    one = _report(vigil, corpus, corpus[kind], "-j", "1", *flags)
    assert one["status"] == "FOUND", one
    found = [(f["name"], f["object"]) for f in one["found"]]
    if allmatch:  # every planted marker, in its member, the copy too
        names = {n for n, _ in found}
        assert names == {"Par.Marker.%d" % i for i in range(4)}, found
        assert any(o.endswith("//c200.bin") for _, o in found), found
        assert any(o.endswith("inner.zip//deep.txt") for _, o in found)
    else:
        assert len(found) == 1, found
    for j in ("2", "3", "5"):
        many = _report(vigil, corpus, corpus[kind], "-j", j, *flags)
        assert many == one, (j, many, one)


def test_copies_are_matched_once_on_helpers(vigil, corpus):
    """The object count is the one thread's: copies of a clean member are
    skipped (counted, not matched), also when they ran on other threads."""
    one = _report(vigil, corpus, corpus["clean"], "-j", "1")
    many = _report(vigil, corpus, corpus["clean"], "-j", "4")
    assert one["status"] == many["status"] == "OK"
    assert many["objects"] == one["objects"]
    assert many == one


def test_limit_reached_across_helpers(vigil, corpus):
    """MaxFiles passed by the entries together: reported, never clean."""
    for j in ("1", "2", "4"):
        r = _report(vigil, corpus, corpus["clean"], "-j", j,
                    "--max-files=50")
        assert r["status"] == "LIMIT", r
        names = [f["name"] for f in r["found"]]
        assert "Heuristics.Limits.Exceeded.MaxFiles" in names, (j, r)


TEXT = b"words that compress, so the marker is not seen raw\n" * 100


def _marked_zip(path, seed, n, more):
    """A zip (over 1 MiB) of first.bin (MARKERS[1] in compressed text), n
    members of random bytes, then the (name, bytes, compression) that
    more(rnd) gives."""
    rnd = random.Random(seed)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("first.bin", MARKERS[1] + TEXT)
        for i in range(n):
            z.writestr("f%03d.bin" % i, rnd.randbytes(8000))
        for name, data, kind in more(rnd):
            z.writestr(zipfile.ZipInfo(name), data, compress_type=kind)
    return path


def test_first_detection_stops_helpers(vigil, corpus, tmp_path):
    """Without all-match the first detection in the archive's order is the
    result, wherever the threads were: a marker in the first entry and one
    in the last."""
    big = _marked_zip(tmp_path / "ends.zip", 7, 200, lambda rnd: [
        ("last.bin", TEXT + MARKERS[2], zipfile.ZIP_DEFLATED)])
    for j in ("1", "2", "4"):
        r = _report(vigil, corpus, big, "-j", j)
        assert [(f["name"], f["object"]) for f in r["found"]] == \
            [("Par.Marker.1", "%s//first.bin" % big)], (j, r)


def test_archive_own_bytes_come_before_its_entries(vigil, corpus, tmp_path):
    """The archive's own bytes are matched on a helper while its entries
    are unpacked on the others: a marker in its raw bytes (a stored
    member) is still the first detection, before one in an entry that
    an idle thread inflated meanwhile; with all-match, the same list in
    the same order as on one thread. A gzip stream in a stored member is
    content embedded in the archive's bytes too, found where the helper's
    pass saw it."""
    big = _marked_zip(tmp_path / "own.zip", 11, 150, lambda rnd: [
        ("stored.bin", rnd.randbytes(5000) + MARKERS[0], zipfile.ZIP_STORED),
        ("stored.gz", rnd.randbytes(3000) + gzip.compress(TEXT + MARKERS[2]),
         zipfile.ZIP_STORED)])
    for flags in ([], ["-z"]):
        one = _report(vigil, corpus, big, "-j", "1", *flags)
        found = [(f["name"], f["object"]) for f in one["found"]]
        assert found[0] == ("Par.Marker.0", str(big)), found
        if flags:  # in the member, and embedded in the archive's bytes
            assert [n for n, _ in found].count("Par.Marker.2") == 2, found
        for j in ("2", "4"):
            assert _report(vigil, corpus, big, "-j", j, *flags) == one, j


def test_handler_type_on_helpers(vigil, corpus, tmp_path):
    """A HandlerType signature that the archive's own bytes match (on a
    helper, while its entries are out) has the archive read again as
    that type (a PDF, whose reading finds the zip in it), on one thread:
    what -j 2 and -j 4 report is -j 1's."""
    key = b"vigil-par-handler-key-" + bytes(range(97, 123))
    big = _marked_zip(tmp_path / "handled.zip", 13, 150, lambda rnd: [
        ("key.bin", rnd.randbytes(4000) + key, zipfile.ZIP_STORED),
        ("last.bin", TEXT + MARKERS[2], zipfile.ZIP_DEFLATED)])
    db = tmp_path / "db"
    db.mkdir()
    shutil.copy(corpus["ndb"], db / "par.ndb")
    (db / "handler.ldb").write_text(
        "Par.Handler;Engine:51-255,HandlerType:CL_TYPE_PDF,Target:0;0;%s\n"
        % key.hex())
    for flags in ([], ["-z"]):
        one = _report(vigil, {"ndb": db}, big, "-j", "1", *flags)
        assert one["status"] == "FOUND", one
        if flags:  # read as the handler's type too
            assert any("//CL_TYPE_PDF//" in f["object"]
                       for f in one["found"]), one
        for j in ("2", "4"):
            assert _report(vigil, {"ndb": db}, big, "-j", j, *flags) == one, j


def test_vigild_workers_with_helpers(corpus, tmp_path):
    """WorkerHelperThreads: vigild's workers share a large archive with
    helper threads inside their sandbox, and answer what a worker without
    them answers."""
    from daemon import Vigild
    dbdir = tmp_path / "db"
    dbdir.mkdir()
    shutil.copy(corpus["ndb"], dbdir / "par.ndb")
    replies = {}
    for helpers in ("0", "2"):
        work = tmp_path / ("d" + helpers)
        work.mkdir()
        d = Vigild(str(work), str(dbdir),
                   extra="WorkerHelperThreads %s\n" % helpers)
        try:
            replies[helpers] = [
                d.ask(b"zSCAN %s\0" % str(corpus[k]).encode(), timeout=60)
                for k in ("zip", "tgz", "clean")]
            threads = sum(len(os.listdir("/proc/%d/task" % p))
                          for p in d.workers())
            # the helpers started inside the sandbox, and stay
            assert (threads > len(d.workers())) == (helpers != "0"), threads
        finally:
            d.stop()
    assert replies["2"] == replies["0"], replies
    assert b"Par.Marker" in replies["0"][0], replies
    assert replies["0"][2].endswith(b": OK\0"), replies
