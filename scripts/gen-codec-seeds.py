#!/usr/bin/python3
"""gen-codec-seeds.py [FUZZDIR] -- writes the seed corpora of the codec
fuzz targets (FUZZDIR/corpus/codec_<name>/, default fuzz/): for each
decoder of src/lib/formats/codec/ a stream it decodes, with the first byte
fuzz_codec.c reads as the decoder's parameters, and the same cut short.
Where no encoder is at hand (NRV, Implode, raw Huffman codes) the seeds
are fixed bytes the fuzzer grows from. Needs 7z (Deflate64). The seeds
are committed; rerun this when fuzz_codec.c's input layout changes."""
import base64
import gzip
import io
import lzma
import os
import struct
import sys
import zlib
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
import formatgen as fg  # noqa: E402
import packgen  # noqa: E402

PAYLOAD = b"ABCDE hello world kkkkllll kkkkllll " + bytes(range(64)) * 2


def raw_deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def deflate64_stream(data):
    """The entry's raw stream out of a zip 7z wrote with Deflate64."""
    z = fg.zip_deflate64(data)
    info = zipfile.ZipFile(io.BytesIO(z)).infolist()[0]
    off = info.header_offset
    name_len, extra_len = struct.unpack("<HH", z[off + 26:off + 30])
    start = off + 30 + name_len + extra_len
    return z[start:start + info.compress_size]


def lzma_raw(data, lc=3, lp=0, pb=2):
    props = bytes([lc + 9 * lp + 45 * pb])
    return props + lzma.compress(data, format=lzma.FORMAT_RAW, filters=[{
        "id": lzma.FILTER_LZMA1, "lc": lc, "lp": lp, "pb": pb,
        "dict_size": 1 << 16}])


def seeds():
    p = PAYLOAD
    uu = fg.uuencode(p)
    return {
        "codec_aplib": [packgen.aplib_compress(p)],
        "codec_encoding": [b"\0" + base64.encodebytes(p),
                           b"\1" + fg.qp_encode(p).encode(),
                           b"\2" + uu[uu.index(b"\n") + 1:],
                           b"\3" + uu,
                           b"\4" + b"data&#58;x;base64&#x2C;&lt;&AMP;&#999;&"
                           + p],
        "codec_explode": [b"\0\0\x40" + bytes(range(7, 200, 3)),
                          b"\6\0\x80" + bytes(range(255, 0, -5))],
        "codec_inflate64": [deflate64_stream(p)],
        "codec_fastinflate": [b"\0" + raw_deflate(p),
                              b"\1" + gzip.compress(p, mtime=0)],
        "codec_lzma": [lzma_raw(p), lzma_raw(p, 0, 2, 0)],
        "codec_nrv": [b"\0\xff" + p[:8] + b"\0\0\0\0\xff\xff\xff\xff",
                      b"\1\x7f" + p[:16], b"\2" + bytes(range(0, 256, 7))],
        "codec_pdf": [b"\0" + zlib.compress(p), b"\1" + p.hex().encode() +
                      b">", b"\2" + base64.a85encode(p, adobe=True),
                      b"\3\x04hello\xfd!\x80", b"\4" + fg.lzw_encode(p)],
        "codec_huffman": [b"\x05\x01\x02\x03\x03\x02" + bytes(range(64)),
                          b"\x83\x02\x02\x02\x02" + bytes(range(200, 0, -3))],
    }


def main():
    fuzzdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "fuzz")
    for target, items in seeds().items():
        d = os.path.join(fuzzdir, "corpus", target)
        os.makedirs(d, exist_ok=True)
        for i, data in enumerate(items):
            for cut, blob in (("", data), ("-cut", data[:len(data) // 2])):
                with open(os.path.join(d, "seed%d%s" % (i, cut)), "wb") as f:
                    f.write(blob)


if __name__ == "__main__":
    main()
