"""UDF volumes (formatgen.udf): the files clamscan extracts from a volume
laid out the way its reader walks it, Vigil extracts too; and Vigil reads
what the specification allows beyond that layout (subdirectories, data
embedded in the file entry, 16-bit names, long allocation descriptors,
512-byte blocks, UDF 2.50 metadata partitions, genisoimage's layout); a volume whose tree does not hold
is Heuristics.Broken.UDF."""
import os
import shutil
import struct
import subprocess
import sys

import pytest

from test_parity import by_file

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import formatgen as fg  # noqa: E402

A = b"first file UDFMARKA payload\n"
B = b"second file UDFMARKB\n" + b"x" * 5000


def sigs(tmp_path):
    db = tmp_path / "u.ndb"
    db.write_text("Udf.A:0:0:%s\nUdf.B:0:0:%s\n" % (A[:16].hex(), B[:16].hex()))
    return db


def test_flat_volume_as_clamscan(tmp_path, vigil, clamscan):
    d = tmp_path / "f"
    d.mkdir()
    (d / "flat.udf").write_bytes(fg.udf({"a.txt": A, "b.bin": B}))
    db = sigs(tmp_path)
    v = vigil("scan", "--no-summary", "--allmatch", "-d", db, d)
    c = clamscan("--no-summary", "--allmatch", "-r", "-d", db, d)
    assert by_file(c, d) == {"flat.udf": {"Udf.A", "Udf.B"}}, c.out
    assert by_file(v, d) == by_file(c, d), v.out
    assert "flat.udf//a.txt: Udf.A FOUND" in v.out, v.out


@pytest.mark.parametrize("kw,files", [
    ({}, {"d1/d2/a.txt": A, "d1/b.bin": B}),
    ({"embed_small": True}, {"a.txt": A, "b.bin": B}),
    ({"wide_names": True, "long_ads": True}, {"\u00e9t\u00e9/a.txt": A, "b.bin": B}),
    ({"bs": 512}, {"a.txt": A, "sub/b.bin": B}),
    ({"meta": True, "embed_small": True}, {"d/a.txt": A, "b.bin": B}),
])
def test_volumes_beyond_clamscans_walk(tmp_path, vigil, kw, files):
    d = tmp_path / "f"
    d.mkdir()
    (d / "v.udf").write_bytes(fg.udf(files, **kw))
    v = vigil("scan", "--no-summary", "--allmatch", "-d", sigs(tmp_path), d)
    assert by_file(v, d) == {"v.udf": {"Udf.A", "Udf.B"}}, v.out
    for path in files:
        assert "v.udf//%s: " % path in v.out, (path, v.out)


def test_genisoimage_udf(tmp_path, vigil):
    """genisoimage's UDF tree (its ISO 9660 descriptors taken out, so the
    volume is UDF alone): the files are found."""
    exe = shutil.which("genisoimage")
    if not exe:
        pytest.fail("genisoimage is not installed (scripts/deps.sh test)")
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_bytes(A)
    (src / "sub" / "b.bin").write_bytes(B)
    iso = tmp_path / "h.iso"
    subprocess.run([exe, "-quiet", "-udf", "-o", str(iso), str(src)], check=True, timeout=60)
    img = bytearray(iso.read_bytes())
    vsd = [b"\x00" + i + b"\x01" + bytes(2041) for i in (b"BEA01", b"NSR02", b"TEA01")]
    img[16 * 2048:21 * 2048] = b"".join(vsd) + bytes(4096)
    d = tmp_path / "f"
    d.mkdir()
    (d / "g.udf").write_bytes(bytes(img))
    v = vigil("scan", "--no-summary", "--allmatch", "-d", sigs(tmp_path), d)
    assert "g.udf//sub/b.bin: Udf.B FOUND" in v.out, v.out
    assert "g.udf//a.txt: Udf.A FOUND" in v.out, v.out


def self_loop(files):
    """A volume whose root directory's entries all point back at the root
    (partition block 1): a cycle that doubles at every level."""
    img = bytearray(fg.udf(files))
    off = (257 + 2) * 2048 + 40  # the root's identifiers, after the parent's
    for _ in files:
        struct.pack_into("<I", img, off + 24, 1)
        off += (38 + img[off + 19] + struct.unpack_from("<H", img, off + 36)[0] + 3) & ~3
    return bytes(img)


def test_virtual_partition_is_not_passed_clean(tmp_path, vigil):
    """A partition map Vigil does not read (a virtual partition of a
    CD-R) leaves the files unread: that is said, never OK."""
    img = bytearray(fg.udf({"a.txt": A}, meta=True))
    at = img.index(b"*UDF Metadata Partition")
    img[at:at + 23] = b"*UDF Virtual Partition\x00"
    d = tmp_path / "f"
    d.mkdir()
    (d / "vat.udf").write_bytes(bytes(img))
    r = vigil("scan", "--no-summary", "-d", sigs(tmp_path), d)
    assert by_file(r, d) == {"vat.udf": {"Heuristics.Broken.UDF"}}, r.out
    assert "Vigil does not read" in r.err, r.err


def test_broken_and_hostile_volumes(tmp_path, vigil):
    """No anchor, a file extent past the end, a directory tree that holds
    itself twice at every level: reported (Heuristics.Broken.UDF or the
    nesting limit), never a silent OK; the cycle ends at once."""
    good = fg.udf({"a.txt": A, "b.bin": B})
    d = tmp_path / "f"
    d.mkdir()
    noanchor = bytearray(good)
    noanchor[256 * 2048:256 * 2048 + 16] = bytes(16)
    (d / "noanchor.udf").write_bytes(bytes(noanchor))
    (d / "cut.udf").write_bytes(good[:len(good) - 4096])
    (d / "loop.udf").write_bytes(self_loop({"x/a.txt": A, "y/b.bin": B}))
    r = vigil("scan", "--no-summary", "--allmatch", "-d", sigs(tmp_path), d, timeout=60)
    found = by_file(r, d)
    assert found.get("noanchor.udf") == {"Heuristics.Broken.UDF"}, r.out
    assert found.get("cut.udf") == {"Udf.A", "Heuristics.Broken.UDF"}, r.out
    assert "Heuristics.Limits.Exceeded.MaxRecursion" in found.get("loop.udf", set()), r.out


def test_extents_past_the_limit(tmp_path, vigil):
    """A file whose descriptors continue in themselves stops at 65,536
    extents: the limit is named and the volume flagged, never OK; the
    other files are still scanned."""
    d = tmp_path / "f"
    d.mkdir()
    (d / "more.udf").write_bytes(fg.udf({"a.txt": A, "b.bin": B}, looped=("b.bin",)))
    r = vigil("scan", "--no-summary", "--allmatch", "-d", sigs(tmp_path), d, timeout=60)
    assert by_file(r, d) == {"more.udf": {"Udf.A", "Heuristics.Broken.UDF"}}, r.out
    assert "b.bin: more than 65536 extents" in r.err, r.err


def test_scan_archive_no(tmp_path, vigil, clamscan):
    """--scan-archive=no leaves UDF volumes unread, as in clamscan."""
    d = tmp_path / "f"
    d.mkdir()
    (d / "flat.udf").write_bytes(fg.udf({"a.txt": A, "b.bin": B}))
    db = sigs(tmp_path)
    v = vigil("scan", "--no-summary", "--scan-archive=no", "-d", db, d)
    c = clamscan("--no-summary", "-r", "--scan-archive=no", "-d", db, d)
    assert by_file(v, d) == by_file(c, d) == {}, (v.out, c.out)
