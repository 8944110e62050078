"""Decompression bombs for the limit tests and bench/bombs.py: compression
bombs of zeros, a 42.zip-style nested bomb, a zip whose central directory
points twice at one entry, and 1,000 levels of gzip."""
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


def nested_zip_bomb(levels=3, fan=16, leaf_mib=4 * ZEROS_MIB):
    """42.zip in miniature: a zip of leaf_mib MiB of zeros, zipped fan times
    per level (42.zip itself: levels=5, fan=16, leaf_mib=4096)."""
    leaf = io.BytesIO()
    with zipfile.ZipFile(leaf, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("zeros.bin", "w", force_zip64=True) as f:
            block = bytes(1 << 20)
            for _ in range(leaf_mib):
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


def zstd_bomb(mib=ZEROS_MIB):
    return subprocess.run(["zstd", "-q", "-19", "-c"], input=bytes(mib << 20),
                          capture_output=True, check=True).stdout


def compression_bombs():
    """name -> bytes: 64 MiB of zeros in each compression format."""
    return {"zeros.gz": gzip_bomb(), "zeros.bz2": zeros_stream(bz2.BZ2Compressor(9)),
            "zeros.xz": zeros_stream(lzma.LZMACompressor()), "zeros.zst": zstd_bomb()}
