"""Limits and bombs: every limit gives its own result, never OK, and an
option turns limits into warnings. The bombs (nested 42.zip style,
overlapping entries, gzip/bzip2/xz/zstd bombs, 1,000-level nesting) are
built here; their time and memory are measured by bench/bombs.py."""
import bz2
import gzip
import io
import lzma
import struct
import subprocess
import zipfile
import zlib

ZEROS_MIB = 64


def zeros_stream(compressor, mib=ZEROS_MIB):
    out = io.BytesIO()
    block = bytes(1 << 20)
    for _ in range(mib):
        out.write(compressor.compress(block))
    out.write(compressor.flush())
    return out.getvalue()


def gzip_bomb():
    return zeros_stream(zlib.compressobj(9, zlib.DEFLATED, 31))


def nested_zip_bomb(levels=3, fan=16):
    """42.zip in miniature: a zip of zeros, zipped fan times per level."""
    leaf = io.BytesIO()
    with zipfile.ZipFile(leaf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("zeros.bin", "w", force_zip64=True) as f:
            block = bytes(1 << 20)
            for _ in range(ZEROS_MIB * 4):
                f.write(block)
    data = leaf.getvalue()
    for lvl in range(levels):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for i in range(fan):
                z.writestr("lib%d-%d.zip" % (lvl, i), data)
        data = buf.getvalue()
    return data


def overlapping_zip():
    """Two central directory entries pointing at one local entry."""
    payload = zlib.compress(bytes(4096))[2:-4]
    name = b"a.bin"
    crc = zlib.crc32(bytes(4096))
    local = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0, crc,
                        len(payload), 4096, len(name), 0) + name + payload
    cd = b""
    for n in (b"a.bin", b"b.bin"):
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 8, 0, 0, crc,
                          len(payload), 4096, len(n), 0, 0, 0, 0, 0, 0) + n
    eocd = struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 2, 2, len(cd), len(local), 0)
    return local + cd + eocd


def deep_gzip(levels=1000):
    data = b"\x00VIGIL deep nesting payload"
    for _ in range(levels):
        data = gzip.compress(data, mtime=0)
    return data


def check_limit(vigil, path, which, *extra):
    """which: the limit expected first (one name, or a tuple of names)."""
    r = vigil("scan", "--no-summary", "-d", path.parent / "s.ndb", *extra, path, timeout=120)
    assert r.rc == 1, (which, r.out, r.err)
    names = (which,) if isinstance(which, str) else which
    first = r.out.splitlines()[0]
    assert any(first.endswith(": Heuristics.Limits.Exceeded.%s FOUND" % n) for n in names), r.out
    return r


def sigs(tmp_path):
    (tmp_path / "s.ndb").write_text("Never:0:*:%s\n" % b"\xffnever-present\xfe".hex())


def test_compression_bombs(tmp_path, vigil):
    sigs(tmp_path)
    bombs = {
        "zeros.gz": gzip_bomb(),
        "zeros.bz2": zeros_stream(bz2.BZ2Compressor(9)),
        "zeros.xz": zeros_stream(lzma.LZMACompressor()),
    }
    zst = subprocess.run(["zstd", "-q", "-19", "-c"], input=bytes(ZEROS_MIB << 20),
                         capture_output=True, check=True).stdout
    bombs["zeros.zst"] = zst
    for name, data in bombs.items():
        (tmp_path / name).write_bytes(data)
        check_limit(vigil, tmp_path / name, "CompressionRatio")


def test_nested_zip_bomb(tmp_path, vigil):
    sigs(tmp_path)
    p = tmp_path / "42.zip"
    p.write_bytes(nested_zip_bomb())
    # The leaf declares 256 MiB: refused before a byte is inflated. Each
    # limit is reported once, where it first bit, without -z.
    r = check_limit(vigil, p, "MaxFileSize")
    assert r.out.splitlines()[0].startswith(
        "%s//lib2-0.zip//lib1-0.zip//lib0-0.zip//zeros.bin: " % p), r.out
    assert len(r.out.splitlines()) <= 3, r.out


def test_overlapping_zip(tmp_path, vigil):
    sigs(tmp_path)
    p = tmp_path / "overlap.zip"
    p.write_bytes(overlapping_zip())
    r = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb", p)
    assert r.rc == 1 and r.out.strip() == "%s: Heuristics.Zip.OverlappingFiles FOUND" % p


def test_deep_nesting(tmp_path, vigil):
    sigs(tmp_path)
    p = tmp_path / "deep.gz"
    p.write_bytes(deep_gzip())
    check_limit(vigil, p, "MaxRecursion")
    r = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb", "--max-recursion", "2000", p)
    # Past 1,000 levels nothing is left to unpack: it is clean
    assert r.rc == 0, r.out


def test_each_limit_and_warning_mode(tmp_path, vigil):
    sigs(tmp_path)
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(30):
            z.writestr("f%d.txt" % i, "file %d\n" % i)
    check_limit(vigil, many, "MaxFiles", "--max-files", "10")
    check_limit(vigil, many, "MaxScanSize", "--max-scansize", "100")
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.bin", bytes(range(256)) * 8192)
    check_limit(vigil, big, "MaxFileSize", "--max-filesize", "1M")
    r = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb", "--max-files", "10",
              "--limits-warn", many)
    assert r.rc == 0 and r.out.strip() == "%s: OK" % many
    assert "not fully scanned: Heuristics.Limits.Exceeded.MaxFiles" in r.err
    r = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb", "--no-unpack",
              "--max-files", "1", many)
    assert r.rc == 0


def test_limits_keep_real_detections_first(tmp_path, vigil):
    (tmp_path / "s.ndb").write_text("Real.Payload:0:*:%s\n" % b"REAL-PAYLOAD-MARKER".hex())
    p = tmp_path / "mixed.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.bin", bytes(2 << 20))
        z.writestr("evil.txt", "xx REAL-PAYLOAD-MARKER xx")
    r = vigil("scan", "--no-summary", "-z", "-d", tmp_path / "s.ndb", "--max-filesize", "1M", p)
    lines = r.out.splitlines()
    assert lines[0] == "%s//evil.txt: Real.Payload FOUND" % p
    assert "%s//big.bin: Heuristics.Limits.Exceeded.MaxFileSize FOUND" % p in lines
