"""One plain file larger than Vectorscan's block of 4 GiB - 1, scanned
whole: the engine matches it in chunks, and what a chunk cannot
show (a match across chunks with an unbounded gap, an absolute offset
past the first chunk, a pattern with no anchor) is found another way.
The file is sparse (holes read as zeros), so it costs no disk; every
signature is planted once at a place that exercises one of those ways,
and one signature planted nowhere must stay unreported. Its holes are
read as zeros without the page cache's memory, by the scan and by vigil
yara."""
import gzip
import io
import json
import os
import subprocess
import zipfile

import pytest

from conftest import VIGIL

GIB = 1 << 30
MIB = 1 << 20
SIZE = 4 * GIB + 200 * MIB
# where the last chunk starts: it is as long as a block (4 GiB - 64 KiB)
LAST = SIZE - ((1 << 32) - (1 << 16))
LIMITS = ["--max-filesize=5G", "--max-scansize=5G",
          "--max-scantime=600000"]


def _marker(i):
    return b"vigil-bigfile-marker-%02d-" % i + bytes(range(65, 91))


def _zip_with(data):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
        z.writestr("inside.bin", data)
    return b.getvalue()


PLANTS = {
    100: _marker(1),                      # the first chunk
    LAST - 5: _marker(2),                 # across the last chunk's start
    4 * GIB + 10 * MIB: _marker(3),       # past the block limit
    300: b"LDBPART-ONE-abcdefghijk",      # a logical signature's halves
    4 * GIB + 20 * MIB: b"LDBPART-TWO-abcdefghijk",
    50 * MIB: b"WILD-START-0123456789",   # A*B: A in the first chunk, B in
                                          # the last
    4 * GIB + 30 * MIB: b"WILD-END-0123456789",
    60 * MIB: b"vXqi",                    # vX?i*lm?! has no anchor
    4 * GIB + 31 * MIB: b"lmq!",
    3000000000: b"ABS-OFFSET-3G-abcdefgh",
    4400000000 - 0: b"ABS-OFFSET-4G3-abcdefgh",
    SIZE - 100: b"EOF-MARK-abcdefghijklmnop",
    4 * GIB + 40 * MIB: _zip_with(b"x" * 50 + _marker(4) + b"y" * 50),
    100 * MIB: gzip.compress(b"z" * 1000 + _marker(5) + b"z" * 1000),
}

SIGS_NDB = [
    ("Big.M1", _marker(1).hex()), ("Big.M2", _marker(2).hex()),
    ("Big.M3", _marker(3).hex()), ("Big.M4", _marker(4).hex()),
    ("Big.M5", _marker(5).hex()),
    ("Big.Wild", b"WILD-START-0123456789".hex() + "*" +
     b"WILD-END-0123456789".hex()),
    ("Big.NoAnchor", "7658??69*6c6d??21"),
    ("Big.Absent", _marker(9).hex()),
]


def _write(tmp):
    f = tmp / "big.bin"
    with open(f, "wb") as out:
        out.truncate(SIZE)
        for at, data in PLANTS.items():
            out.seek(at)
            out.write(data)
    ndb = tmp / "big.ndb"
    lines = ["%s:0:*:%s" % s for s in SIGS_NDB]
    lines.append("Big.Abs3G:0:3000000000:%s" %
                 b"ABS-OFFSET-3G-abcdefgh".hex())
    lines.append("Big.Abs4G3:0:4400000000:%s" %
                 b"ABS-OFFSET-4G3-abcdefgh".hex())
    lines.append("Big.AbsWrong:0:3000000001:%s" %
                 b"ABS-OFFSET-3G-abcdefgh".hex())
    lines.append("Big.Eof:0:EOF-100:%s" % b"EOF-MARK-abcdefghijklmnop".hex())
    ndb.write_text("\n".join(lines) + "\n")
    ldb = tmp / "big.ldb"
    ldb.write_text("Big.Ldb;Engine:51-255,Target:0;0&1;%s;%s\n" %
                   (b"LDBPART-ONE-abcdefghijk".hex(),
                    b"LDBPART-TWO-abcdefghijk".hex()))
    return f, ndb, ldb


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bigfile")
    f, ndb, ldb = _write(tmp)
    yield f, ndb, ldb
    f.unlink()


def test_every_way_of_matching_past_the_block_limit(vigil, big):
    f, ndb, ldb = big
    r = vigil("scan", "-z", "--json", "-d", ndb, "-d", ldb, *LIMITS, f,
              timeout=900)
    assert r.rc == 1, r.err
    rep = json.loads(r.out.splitlines()[0])
    found = {(d["object"], d["name"]) for d in rep["found"]}
    top = {n for o, n in found if o == str(f)}
    missing = {"Big.M1", "Big.M2", "Big.M3", "Big.M4", "Big.Wild",
                   "Big.NoAnchor", "Big.Abs3G", "Big.Abs4G3", "Big.Eof",
                   "Big.Ldb"} - top
    assert not missing, (missing, found)
    assert not top & {"Big.Absent", "Big.AbsWrong"}, found
    inner = {n for o, n in found if o != str(f)}
    assert "Big.M4" in inner, found  # the zip found past 4 GiB, opened
    assert "Big.M5" in inner, found  # the gzip read over 4 GiB of input
    assert rep["size"] == SIZE


def test_over_the_size_limit_is_never_clean(vigil, big):
    f, ndb, _ = big
    r = vigil("scan", "--json", "-d", ndb, f)
    rep = json.loads(r.out.splitlines()[0])
    assert rep["status"] != "OK", rep
    assert r.rc != 0


def test_holes_are_read_without_memory(big, tmp_path):
    """A sparse file's holes are mapped as anonymous zero pages, not read
    through the page cache: the scan's peak RSS stays far below the 4.2
    GiB the holes would have put in it (and the page cache) before."""
    f, ndb, _ = big
    env = dict(os.environ, VIGIL_CACHE_DIR=str(tmp_path / "cache"))
    p = subprocess.Popen([VIGIL, "scan", "-z", "--no-summary", "-d", str(ndb)] +
                         LIMITS + [str(f)], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, env=env)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 1, out
    assert b"Big.Eof FOUND" in out  # read to its end
    assert ru.ru_maxrss < 1 << 20, ru.ru_maxrss  # KiB: under 1 GiB


def test_yara_reads_holes_without_memory(tmp_path):
    """vigil yara maps files over a MiB the same way: a string after 1.5
    GiB of hole is found at a peak RSS far below the file's size."""
    f = tmp_path / "sparse.bin"
    with open(f, "wb") as out:
        out.truncate(2 * GIB)
        out.seek(3 * GIB // 2)
        out.write(b"vigil-sparse-needle")
    rules = tmp_path / "r.yar"
    rules.write_text('rule needle { strings: $a = "vigil-sparse-needle" '
                     'condition: $a }\n')
    p = subprocess.Popen([VIGIL, "yara", str(rules), str(f)],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0, out
    assert out.decode().split() == ["needle", str(f)]
    assert ru.ru_maxrss < 512 << 10, ru.ru_maxrss  # KiB: under 512 MiB
