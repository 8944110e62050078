"""WWPack32-shaped executables for the tests: the packer's stream format
(32-bit little-endian words of bits, top bit first, with the literal bytes
between them), a greedy compressor for it, and a PE whose last section
carries the stub's recognisable code, the original entry point and the
block list that src/lib/formats/wwpack.c reads."""
import struct

import formatgen as fg

STUB_HEAD = bytes.fromhex("53558be833dbeb")
STUB_CALL = bytes.fromhex("e800000000582d6d000000506033c950585050")
NEAR_RANGES = ((0, 5, 1), (1, 6, 0x21), (2, 8, 0x61), (3, 9, 0x161))
FAR_RANGES = ((0, 5, None), (1, 6, None), (2, 7, None), (3, 8, 0), (3, 9, 1),
              (4, 10, 0), (4, 11, 1), (5, 12, None))


class Stream:
    def __init__(self):
        self.out = bytearray(4)
        self.slot, self.n = 0, 0

    def bit(self, b):
        if b:
            w = struct.unpack_from("<I", self.out, self.slot)[0]
            struct.pack_into("<I", self.out, self.slot, w | 1 << (31 - self.n))
        self.n += 1
        if self.n == 32:  # the next word follows what was written so far
            self.slot, self.n = len(self.out), 0
            self.out += b"\x00" * 4

    def bits(self, v, k):
        for i in reversed(range(k)):
            self.bit(v >> i & 1)

    def literal(self, byte):
        self.bit(0)
        self.out.append(byte)

    def near(self, dist):
        """A 2-byte copy from 1 to 0x35f back."""
        for k, w, base in NEAR_RANGES:
            if base <= dist < base + (1 << w) - (k == 3):
                self.bit(1)
                self.bits(3, 2)
                self.bits(k, 2)
                self.bits(dist - base, w)
                return
        raise ValueError(dist)

    def far(self, dist):
        for k, w, extra in FAR_RANGES:
            base = (1 << w) - 31
            if base <= dist < base + (1 << w):
                self.bits(k, 3)
                if extra is not None:
                    self.bit(extra)
                self.bits(dist - base, w)
                return
        for k, w, base in ((6, 14, 0x1fe1), (7, 15, 0x5fe1)):
            if base <= dist < base + (1 << w):
                self.bits(k, 3)
                self.bits(dist - base, w)
                return
        raise ValueError(dist)

    def copy(self, dist, n):
        """A copy of 3 to 16,383 bytes from 1 to 57,312 back."""
        self.bit(1)
        self.bits(0 if n > 4 else n - 2, 2)
        self.far(dist)
        if n <= 4:
            return
        if n <= 6:
            self.bits(0, 1)
            self.bit(n - 5)
            return
        self.bit(1)
        if n <= 13:
            self.bits(n - 6, 3)
            return
        self.bits(0, 3)
        if n <= 28:
            self.bits(n - 13, 4)
            return
        self.bits(0, 4)
        for w, base in ((5, 29), (6, 61), (7, 125)):
            if n < base + (1 << w):
                self.bit(1)
                self.bits(n - base, w)
                return
            self.bit(0)
        self.bits(n, 14)

    def end(self):
        self.bit(1)
        self.bits(3, 2)
        self.bits(3, 2)
        self.bits(0x1ff, 9)
        return bytes(self.out.ljust(len(self.out) + (-len(self.out) % 4), b"\x00"))


def compress(data):
    """Greedy: the longest match among the last few at each 3-byte prefix."""
    s, seen, i = Stream(), {}, 0
    while i < len(data):
        best, dist = 0, 0
        for j in reversed(seen.get(data[i:i + 3], [])[-16:]):
            if i - j > 57312:
                break
            n = 0
            while i + n < len(data) and n < 16383 and data[j + n] == data[i + n]:
                n += 1
            if n > best:
                best, dist = n, i - j
        if best < 3 and i + 2 <= len(data):
            j = data.rfind(data[i:i + 2], max(0, i - 0x35f), i + 1)
            if 0 <= j < i:
                best, dist = 2, i - j
        if best >= 3:
            s.copy(dist, best)
        elif best == 2:
            s.near(dist)
        else:
            best = 1
            s.literal(data[i])
        for k in range(i, i + best):
            seen.setdefault(data[k:k + 3], []).append(k)
        i += best
    return s.end()


def zeros(n):
    """n zero bytes, in runs of the longest copy."""
    s = Stream()
    s.literal(0)
    left = n - 1
    while left:
        k = min(left, 16383)
        if k < 3:
            for _ in range(k):
                s.literal(0)
        else:
            s.copy(1, k)
        left -= k
    return s.end()


def wwpack_pe(content, code=b"\x90\xc3", vsize=None, stream=None):
    """A PE whose section "code" is content (at 0x1000) compressed as
    WWPack32 does, entered through a stub in the last section; the
    original entry point is the section "entry" (code) after it."""
    stream = compress(content) if stream is None else stream
    vsize = vsize or len(content) + (-len(content) % 0x1000) or 0x1000
    entry_rva = 0x1000 + vsize
    stub_rva = entry_rva + 0x1000
    stub = bytearray(0x2c0)
    stub[0:len(STUB_HEAD)] = STUB_HEAD
    stub[0x68:0x68 + len(STUB_CALL)] = STUB_CALL
    struct.pack_into("<I", stub, 0x295, (entry_rva - stub_rva - 0x299) & 0xffffffff)
    # the block: back from the stub's section to 0x1000, its size in
    # words, where it ends (the stub computes its start from these)
    words = len(stream) // 4
    struct.pack_into("<IIIIB", stub, 0x2a1, stub_rva - 0x1000, 0, words,
                     len(stream) - 4, 0)
    img = bytearray(fg.pe(sections=(("code", stream), ("entry", code),
                                    (".WWP32", bytes(stub)))))
    table = 0x80 + 24 + 224
    for i, (rva, size) in enumerate(((0x1000, vsize), (entry_rva, 0x1000),
                                     (stub_rva, 0x1000))):
        struct.pack_into("<II", img, table + 40 * i + 8, size, rva)
    struct.pack_into("<I", img, 0x80 + 24 + 16, stub_rva)  # entry point
    struct.pack_into("<I", img, 0x80 + 24 + 56, stub_rva + 0x1000)
    return bytes(img)
