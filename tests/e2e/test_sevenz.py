"""7z archives read by Vigil's own reader (formats/archive/sevenz.c): every
coder chain 7-Zip writes that liblzma decodes, packed and plain headers,
encrypted files and headers, damage, and big solid folders cut at the
LZMA2 stream's full resets and decoded on several threads with the same
result as on one. Coders liblzma lacks (PPMd, BCJ2) still go through
libarchive. The archives are made by 7-Zip itself."""
import json
import random
import struct
import subprocess
import zlib

import pytest

MARK = b"vigil-7z-marker-" + bytes(range(65, 91))
MARK_END = b"vigil-7z-tail-" + bytes(range(97, 123))


def _ndb(tmp_path):
    ndb = tmp_path / "m.ndb"
    ndb.write_text("SevenZ.Mark:0:*:%s\nSevenZ.Tail:0:*:%s\n" %
                   (MARK.hex(), MARK_END.hex()))
    return ndb


def _seven(out, cwd, *args):
    subprocess.run(["7z", "a", "-bd", "-y", str(out)] + list(args),
                   cwd=cwd, check=True, capture_output=True)
    return out


def _report(vigil, ndb, target, *args):
    r = vigil("scan", "--json", "--no-summary", "-z", "-d", ndb, *args,
              target)
    assert r.rc in (0, 1), r.err
    docs = [json.loads(line) for line in r.out.splitlines() if line]
    assert len(docs) == 1, r.out
    return docs[0]


def _found(doc):
    return sorted((f["name"], f["object"].split("//", 1)[-1])
                  for f in doc.get("found", []))


def _files(root, rnd):
    """Text, random bytes, an ELF-like program and an empty file; the
    markers at the start of each and at the very end of each (a filter
    that held its last bytes back would lose the tail)."""
    root.mkdir()
    (root / "sub").mkdir()
    (root / "emptydir").mkdir()
    (root / "zero").write_bytes(b"")
    prog = bytearray(b"\x7fELF" + rnd.randbytes(3000))
    for i in range(0, 3000, 97):  # call instructions for the BCJ filters
        prog[i:i + 5] = b"\xe8" + struct.pack("<i", rnd.randrange(-4096, 4096))
    bodies = {"a.txt": b"plain words, repeated, compressible\n" * 200,
              "b.bin": rnd.randbytes(5000),
              "sub/prog": bytes(prog)}
    for name, body in bodies.items():
        (root / name).write_bytes(MARK + body + MARK_END)
    return sorted(bodies)


CHAINS = {
    "lzma2": ["-mhc=off"],
    "packed-header": [],
    "lzma": ["-m0=LZMA", "-mhc=off"],
    "copy": ["-mx0", "-mhc=off"],
    "bcj-lzma2": ["-m0=BCJ", "-m1=LZMA2"],
    "bcj-lzma": ["-m0=BCJ", "-m1=LZMA"],
    "arm-lzma2": ["-m0=ARM", "-m1=LZMA2"],
    "arm64-lzma2": ["-m0=ARM64", "-m1=LZMA2"],
    "armt-lzma2": ["-m0=ARMT", "-m1=LZMA2"],
    "ppc-lzma2": ["-m0=PPC", "-m1=LZMA2"],
    "ia64-lzma2": ["-m0=IA64", "-m1=LZMA2"],
    "sparc-lzma2": ["-m0=SPARC", "-m1=LZMA2"],
    "delta-lzma": ["-m0=Delta:4", "-m1=LZMA"],
    "non-solid": ["-ms=off"],
    "ppmd": ["-m0=PPMd"],
    "bcj2": ["-m0=BCJ2", "-m1=LZMA", "-m2=LZMA", "-m3=LZMA", "-mb0:1",
             "-mb0s1:2", "-mb0s2:3"],
}


@pytest.mark.parametrize("chain", sorted(CHAINS))
def test_every_chain_gives_every_file(vigil, tmp_path, chain):
    """Both markers of every file, in the file, and nothing to warn about
    (each file's CRC checked)."""
    names = _files(tmp_path / "in", random.Random(chain))
    arc = _seven(tmp_path / "t.7z", tmp_path / "in", *CHAINS[chain], ".")
    doc = _report(vigil, _ndb(tmp_path), arc)
    want = sorted((n, f) for f in names
                  for n in ("SevenZ.Mark", "SevenZ.Tail"))
    assert [x for x in _found(doc) if x[1] != str(arc)] == want, doc
    assert "warnings" not in doc, doc


@pytest.mark.parametrize("method", ["copy", "lzma1", "lzma2", "deflate",
                                    "bzip2", "ppmd"])
def test_archives_of_another_writer(vigil, tmp_path, method):
    """7z archives written by libarchive (bsdtar), which lays out its
    headers its own way: the same files found (deflate, bzip2 and PPMd
    folders through libarchive's reader)."""
    names = _files(tmp_path / "in", random.Random(method))
    arc = tmp_path / ("b-%s.7z" % method)
    subprocess.run(["bsdtar", "--format", "7zip", "--options",
                    "7zip:compression=" + method, "-cf", str(arc), "-C",
                    str(tmp_path / "in"), "."], check=True)
    doc = _report(vigil, _ndb(tmp_path), arc)
    want = sorted((n, "./" + f) for f in names
                  for n in ("SevenZ.Mark", "SevenZ.Tail"))
    # (bzip2's stream is also found by its signature inside the archive)
    assert [x for x in _found(doc) if x[1].startswith("./")] == want, doc
    assert "warnings" not in doc, doc


def test_coder_nobody_decodes_is_reported(vigil, tmp_path):
    """A filter 7-Zip has and neither liblzma nor libarchive decodes
    (Swap4): its files are Heuristics.Broken.7Zip, never clean (libarchive
    alone gave a warning and OK)."""
    _files(tmp_path / "in", random.Random(4))
    arc = _seven(tmp_path / "w.7z", tmp_path / "in", "-m0=SWAP4",
                 "-m1=LZMA2", ".")
    doc = _report(vigil, _ndb(tmp_path), arc)
    assert doc["status"] != "OK", doc
    assert "Heuristics.Broken.7Zip" in [f["name"] for f in doc["found"]]


@pytest.mark.parametrize("header", [False, True])
def test_encrypted_is_reported(vigil, tmp_path, header):
    _files(tmp_path / "in", random.Random(3))
    arc = _seven(tmp_path / "e.7z", tmp_path / "in", "-pSECRET",
                 "-mhe=on" if header else "-mhe=off", ".")
    doc = _report(vigil, _ndb(tmp_path), arc)
    assert doc["status"] != "OK", doc
    assert "Heuristics.Encrypted.7Zip" in [f["name"] for f in doc["found"]]


def test_bad_crc_is_warned_and_the_data_scanned(vigil, tmp_path):
    """A stored file whose bytes no longer match its CRC: 7-Zip refuses
    it; Vigil says so and still scans what is there."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "x.bin").write_bytes(b"\0" * 500 + MARK + b"\0" * 500)
    arc = _seven(tmp_path / "c.7z", src, "-mx0", "-mhc=off", ".")
    data = bytearray(arc.read_bytes())
    data[32 + 100] ^= 0xff  # inside the stored data, away from the marker
    arc.write_bytes(bytes(data))
    doc = _report(vigil, _ndb(tmp_path), arc)
    assert ("SevenZ.Mark", "x.bin") in _found(doc), doc
    assert any("CRC mismatch" in w["warning"] for w in doc["warnings"]), doc


def test_cut_short_keeps_what_is_there(vigil, tmp_path):
    """An archive cut in its data (the header, at the end, is gone): the
    reader cannot list it and libarchive is asked, as before; the raw
    bytes are still matched, and the scan does not fail."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "x.bin").write_bytes(MARK * 10)
    arc = _seven(tmp_path / "s.7z", src, "-mx0", ".")
    arc.write_bytes(arc.read_bytes()[:200])
    doc = _report(vigil, _ndb(tmp_path), arc)
    assert doc["status"] == "FOUND", doc


def test_archive_appended_to_an_archive(vigil, tmp_path):
    """A 7z after a 7z (and junk between): 7-Zip opens the first only,
    another tool may look further; Vigil reads both, so a payload
    cannot hide in the second (libarchive read neither: "Malformed")."""
    clean, bad = tmp_path / "clean", tmp_path / "bad"
    clean.mkdir()
    (clean / "readme.txt").write_bytes(b"nothing here\n" * 100)
    _files(bad, random.Random(9))
    first = _seven(tmp_path / "1.7z", clean, ".")
    second = _seven(tmp_path / "2.7z", bad, ".")
    arc = tmp_path / "both.7z"
    arc.write_bytes(first.read_bytes() + b"junk" * 10 + second.read_bytes())
    doc = _report(vigil, _ndb(tmp_path), arc)
    assert ("SevenZ.Mark", "a.txt") in _found(doc), doc


def _lzma2_resets(arc, start):
    """Output offsets of the full resets in the LZMA2 stream at start."""
    data = arc.read_bytes()
    pos, out, resets = start, 0, []
    while pos < len(data) and data[pos]:
        c = data[pos]
        if c in (1, 2):
            size = (data[pos + 1] << 8 | data[pos + 2]) + 1
            pos, out = pos + 3 + size, out + size
            continue
        assert c >= 0x80, c
        if c >= 0xe0:
            resets.append(out)
        size = ((c & 0x1f) << 16 | data[pos + 1] << 8 | data[pos + 2]) + 1
        packed = (data[pos + 3] << 8 | data[pos + 4]) + 1
        pos, out = pos + (6 if c >= 0xc0 else 5) + packed, out + size
    return resets


@pytest.fixture(scope="module")
def solid(tmp_path_factory):
    """One solid LZMA2 folder of 56 MiB, compressed in blocks (7-Zip on
    two threads resets the stream at each): files of 1-5 MiB with the
    markers at both ends, so that files straddle the reader's cuts."""
    tmp = tmp_path_factory.mktemp("solid")
    rnd = random.Random(56)
    src = tmp / "in"
    src.mkdir()
    total, i = 0, 0
    while total < 56 << 20:
        size = rnd.randrange(1 << 20, 5 << 20)
        words = b"".join(b"%d " % rnd.randrange(1000) for _ in range(4096))
        body = (words * (size // len(words) + 1))[:size]
        (src / ("f%03d.txt" % i)).write_bytes(MARK + body + MARK_END)
        total, i = total + size, i + 1
    arc = _seven(tmp / "solid.7z", src, "-mx1", "-mmt2", "-m0=LZMA2",
                 "-ms=on", ".")
    return {"arc": arc, "n": i, "ndb": _ndb(tmp)}


def test_solid_folder_is_cut_where_lzma2_resets(solid):
    """The archive the next tests read is what they need: one folder whose
    stream resets well past the reader's smallest piece (16 MiB)."""
    resets = _lzma2_resets(solid["arc"], 32)
    assert resets and max(resets) > 32 << 20, resets[:8]


def test_solid_folder_on_threads_as_on_one(vigil, solid):
    one = _report(vigil, solid["ndb"], solid["arc"], "-j", "1")
    want = sorted((n, "f%03d.txt" % i) for i in range(solid["n"])
                  for n in ("SevenZ.Mark", "SevenZ.Tail"))
    assert _found(one) == want, one
    assert "warnings" not in one, one
    for j in ("2", "3"):
        assert _report(vigil, solid["ndb"], solid["arc"], "-j", j) == one


def test_container_positions_across_pieces(vigil, solid, tmp_path):
    """A .cdb signature on an entry's position counts the entries of every
    piece before it, on any number of threads."""
    k = solid["n"] - 2
    cdb = tmp_path / "p.cdb"
    cdb.write_text("Cdb.Pos:CL_TYPE_7Z:*:.*f%03d\\.txt:*:*:*:%d:*:*\n"
                   "Cdb.Wrong:CL_TYPE_7Z:*:.*f%03d\\.txt:*:*:*:%d:*:*\n" %
                   (k, k + 1, k, k + 2))
    for j in ("1", "2"):
        r = vigil("scan", "--no-summary", "-d", cdb, "-j", j, solid["arc"])
        assert "Cdb.Pos FOUND" in r.out and "Cdb.Wrong" not in r.out, r.out


def _handmade(streams, files=b""):
    """A 7z of one stored (Copy) folder cut into the given streams, with
    the file records given (raw FilesInfo property bytes, or none)."""
    data = b"".join(streams)
    assert len(data) < 0x4000 and all(len(x) < 0x80 for x in streams[:-1])
    size = bytes([0x80 | len(data) >> 8, len(data) & 0xff])
    hdr = (b"\x01\x04"  # Header, MainStreamsInfo
           b"\x06\x00\x01\x09" + size + b"\x00"  # PackInfo: one stream
           b"\x07\x0b\x01\x00"  # UnpackInfo: one folder, not external
           b"\x01\x01\x00"  # one coder: Copy
           b"\x0c" + size + b"\x00"  # its size
           b"\x08\x0d" + bytes([len(streams)]) +  # SubStreamsInfo
           b"\x09" + bytes(len(x) for x in streams[:-1]) + b"\x00"
           b"\x00" + files + b"\x00")
    start = struct.pack("<QQI", len(data), len(hdr), zlib.crc32(hdr))
    return (b"7z\xbc\xaf\x27\x1c\x00\x04" +
            struct.pack("<I", zlib.crc32(start)) + start + data + hdr)


def test_streams_no_record_names_are_scanned(vigil, tmp_path):
    """Data the file records do not name (none at all, or fewer records
    than streams) is still there in the archive: it is scanned, as files
    without a name."""
    streams = [b"a" * 100, b"b" * 50 + MARK + b"c" * 50]
    one_name = (b"\x05\x01"  # FilesInfo, one file
                b"\x11\x07\x00x\x00y\x00\x00\x00"  # its name "xy"
                b"\x00")
    for label, files in (("none", b""), ("fewer", one_name)):
        arc = tmp_path / ("h-%s.7z" % label)
        arc.write_bytes(_handmade(streams, files))
        doc = _report(vigil, _ndb(tmp_path), arc)
        assert ("SevenZ.Mark", "?") in _found(doc), (label, doc)
        assert "warnings" not in doc, (label, doc)
