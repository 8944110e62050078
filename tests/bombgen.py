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


# ------------------------------------------------------------------ quine
# A zip file that contains itself. Its DEFLATE data is an LZ77 program that
# prints the zip's header, itself and the zip's trailer, in "tokens" of
# QUINE_TOKEN bytes: Ln prints the next n tokens (a stored block, padded in
# front with empty fixed-Huffman blocks to the token size), Rn repeats the
# last n tokens (a fixed-Huffman block of copies, padded the same way).
QUINE_TOKEN = 12
_LEN_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83,
             99, 115, 131, 163, 195, 227, 258]
_LEN_EXTRA = [0] * 8 + [1] * 4 + [2] * 4 + [3] * 4 + [4] * 4 + [5] * 4 + [0]
_DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769]
_DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8]


def _len_code(n):
    i = max(k for k, base in enumerate(_LEN_BASE) if base <= n and (n != 258 or k == 28))
    return 257 + i, n - _LEN_BASE[i], _LEN_EXTRA[i]


def _dist_code(d):
    i = max(k for k, base in enumerate(_DIST_BASE) if base <= d)
    return i, d - _DIST_BASE[i], _DIST_EXTRA[i]


class _Bits:
    """DEFLATE's bit order: fields LSB first, Huffman codes MSB first."""

    def __init__(self):
        self.v, self.n = 0, 0

    def put(self, val, nbits):
        self.v |= (val & ((1 << nbits) - 1)) << self.n
        self.n += nbits

    def code(self, sym):  # fixed Huffman literal/length code
        c, nb = ((0x30 + sym, 8) if sym < 144 else (0x190 + sym - 144, 9) if sym < 256
                 else (sym - 256, 7) if sym < 280 else (0xc0 + sym - 280, 8))
        for i in range(nb - 1, -1, -1):
            self.put((c >> i) & 1, 1)

    def empty_block(self):
        self.put(0, 1)
        self.put(1, 2)
        self.code(256)

    def done(self):
        assert self.n == 8 * QUINE_TOKEN, self.n
        return self.v.to_bytes(QUINE_TOKEN, "little")


def _copy_bits(n, d):
    code, _, extra = _len_code(n)
    return (7 if code < 280 else 8) + extra + 5 + _dist_code(d)[2]


def _copies(total, budget):
    """Copy lengths summing to total (at distance total) whose bits leave a
    multiple of 10 bits of budget, for empty blocks."""
    def parts(left, lo, m):
        if left == 0:
            yield ()
        elif m:
            for x in range(lo, min(left, 258) + 1):
                if left - x == 0 or left - x >= 3:
                    for rest in parts(left - x, x, m - 1):
                        yield (x,) + rest
    for m in range(1, 7):
        for p in parts(total, 3, m):
            spare = budget - sum(_copy_bits(x, total) for x in p)
            if spare >= 0 and spare % 10 == 0:
                return p, spare // 10
    raise ValueError("no %d-byte encoding of a %d-byte repeat" % (QUINE_TOKEN, total))


def _lit(n):
    w = _Bits()
    k = next(k for k in range(20) if 0 <= 8 * QUINE_TOKEN - 35 - 10 * k <= 7)
    for _ in range(k):
        w.empty_block()
    w.put(0, 3)  # a stored block, not final
    w.put(0, (8 - w.n % 8) % 8)
    w.put(n * QUINE_TOKEN, 16)
    w.put(~(n * QUINE_TOKEN) & 0xffff, 16)
    return w.done()


def _rep(n, final=0):
    total = n * QUINE_TOKEN
    lengths, k = _copies(total, 8 * QUINE_TOKEN - 10)
    w = _Bits()
    for _ in range(k):
        w.empty_block()
    w.put(final, 1)
    w.put(1, 2)
    for x in lengths:
        code, extra, nb = _len_code(x)
        w.code(code)
        w.put(extra, nb)
        dc, dextra, dnb = _dist_code(total)
        for i in range(4, -1, -1):
            w.put((dc >> i) & 1, 1)
        w.put(dextra, dnb)
    w.code(256)
    return w.done()


def _quine_program(head, tail):
    """The tokens of an LZ77 program printing head + itself + tail (after
    Russ Cox's construction)."""
    p, s = len(head), len(tail)
    lp, rp, ls, rs = _lit(p + 1), _rep(p + 1), _lit(s + 1), _rep(s + 1, final=1)
    l0, l1, l4, r4 = _lit(0), _lit(1), _lit(4), _rep(4)
    return ([lp] + head + [lp, rp, l1, rp, l1, l1, l4, rp, l1, l1, l4, r4, l4, r4, l4, r4,
                           l4, r4, l4, r4, l0, l0, ls, r4, l0, l0, ls, rs] + tail + [rs])


def _quine_zip(crc):
    t, name = QUINE_TOKEN, b"r.zip"
    extra = struct.pack("<HH", 0xcafe, 9) + b"VIGILQUIN"  # header: 48 bytes
    comment = b"vigil-quine"                              # trailer: 84 bytes
    ntok = 48 // t + 84 // t + 30
    qlen, total = ntok * t, 48 + ntok * t + 84
    head = struct.pack("<IHHHHHIIIHH", 0x04034b50, 20, 0, 8, 0, 0x21, crc, qlen, total,
                       len(name), len(extra)) + name + extra
    cd = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014b50, 20, 20, 0, 8, 0, 0x21, crc, qlen,
                     total, len(name), 0, 0, 0, 0, 0, 0) + name
    tail = cd + struct.pack("<IHHHHIIH", 0x06054b50, 0, 0, 1, 1, len(cd), 48 + qlen,
                            len(comment)) + comment
    toks = _quine_program([head[i:i + t] for i in range(0, len(head), t)],
                          [tail[i:i + t] for i in range(0, len(tail), t)])
    return head + b"".join(toks) + tail


def zip_quine():
    """r.zip containing r.zip, CRC and all: the CRC-32 it declares is a fixed
    point, found by solving the (affine, over GF(2)) CRC of the file in the
    CRC's own bits."""
    base = zlib.crc32(_quine_zip(0))
    cols = [zlib.crc32(_quine_zip(1 << i)) ^ base for i in range(32)]
    # Rows of (Lin + I) x = base, as bit masks with the right-hand bit.
    rows = [[sum(((cols[i] >> b & 1) ^ (i == b)) << i for i in range(32)), base >> b & 1]
            for b in range(32)]
    pivots, r = {}, 0
    for c in range(32):
        piv = next((i for i in range(r, 32) if rows[i][0] >> c & 1), None)
        if piv is None:
            continue
        rows[r], rows[piv] = rows[piv], rows[r]
        for i in range(32):
            if i != r and rows[i][0] >> c & 1:
                rows[i] = [rows[i][0] ^ rows[r][0], rows[i][1] ^ rows[r][1]]
        pivots[c], r = r, r + 1
    crc = sum(rows[pivots[c]][1] << c for c in pivots)
    data = _quine_zip(crc)
    assert zlib.crc32(data) == crc, "no fixed point for the CRC"
    return data
