"""Packed executables for the tests, shaped as the unpackers in
src/lib/formats/ read them (each packer's stream format, a greedy
compressor for it, and a PE around it):

- WWPack32: 32-bit little-endian words of bits, top bit first, with the
  literal bytes between them; the last section carries the stub's
  recognisable code, the original entry point and the block list.
- Petite 2.2: bytes of bits with literals XORed by the count left; the
  stub section's list moves the packed data and unpacks it; the stub's
  code at the end of the unpacked section holds the encrypted entry point,
  turned by every import."""
import struct

import formatgen as fg

STUB_HEAD = bytes.fromhex("53558be833dbeb")
STUB_CALL = bytes.fromhex("e800000000582d6d000000506033c950585050")
NEAR_RANGES = ((0, 5, 1), (1, 6, 0x21), (2, 8, 0x61), (3, 9, 0x161))
FAR_RANGES = ((0, 5, None), (1, 6, None), (2, 7, None), (3, 8, 0), (3, 9, 1),
              (4, 10, 0), (4, 11, 1), (5, 12, None))


class WwStream:
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


def longest(data, i, seen, max_dist, max_len):
    """The longest earlier match at i among the last few at its 3-byte
    prefix: (length, distance)."""
    best, dist = 0, 0
    for j in reversed(seen.get(data[i:i + 3], [])[-16:]):
        if i - j > max_dist:
            break
        n = 0
        while i + n < len(data) and n < max_len and data[j + n] == data[i + n]:
            n += 1
        if n > best:
            best, dist = n, i - j
    return best, dist


def remember(data, seen, i, n):
    for k in range(i, i + n):
        seen.setdefault(data[k:k + 3], []).append(k)


def ww_compress(data):
    """Greedy, with 2-byte copies from near."""
    s, seen, i = WwStream(), {}, 0
    while i < len(data):
        best, dist = longest(data, i, seen, 57312, 16383)
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
        remember(data, seen, i, best)
        i += best
    return s.end()


def ww_zeros(n):
    """n zero bytes, in runs of the longest copy."""
    s = WwStream()
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
    stream = ww_compress(content) if stream is None else stream
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


class PetiteStream:
    """Bits eight to a byte, top first, each byte placed where the stream
    stood when its first bit was wanted; literals between them."""

    def __init__(self):
        self.out = bytearray()
        self.slot, self.n = 0, 8

    def bit(self, b):
        if self.n == 8:
            self.slot, self.n = len(self.out), 0
            self.out.append(0)
        self.out[self.slot] |= (b & 1) << (7 - self.n)
        self.n += 1

    def gamma(self, v):
        """v >= 2: its bits after the leading one, each followed by
        whether another comes."""
        b = bin(v)[3:]
        for k, c in enumerate(b):
            self.bit(int(c))
            self.bit(k + 1 < len(b))


def petite_compress(data):
    """data (under 64 KiB) as the stub unpacks it: a stored first byte,
    then greedy copies (distances of five low bits) and literals."""
    s, seen, i, last = PetiteStream(), {}, 1, 0
    s.out.append(data[0])
    remember(data, seen, 0, 1)
    while i < len(data):
        left = len(data) - i
        n, dist = longest(data, i, seen, 0x3fa0, left)
        add = 1 + (dist - 1 > 0x39f) + (dist - 1 > 0x3f9f)
        if n >= 3 and n - (0 if dist == last else add) >= 1:
            s.bit(1)
            if dist == last:
                s.gamma(2)
                code = n
            else:
                s.gamma(((dist - 1) >> 5) + 3)
                for k in reversed(range(5)):
                    s.bit((dist - 1) >> k & 1)
                code, last = n - add, dist
            if code <= 3:
                s.bit(code >> 1)
                s.bit(code & 1)
            else:
                s.bit(0)
                s.bit(0)
                s.gamma(code - 2)
        else:
            n = 1
            s.bit(0)
            s.out.append(data[i] ^ (left & 0xff))
        remember(data, seen, i, n)
        i += n
    return bytes(s.out)


def _rol3(v):
    return (v << 3 | v >> 29) & 0xffffffff


def petite_pe(content, code=b"\x90\xc3", key=True, dst=0x1000):
    """A PE whose section "code" (at 0x1000) is content, packed as Petite
    2.2 does and unpacked in place from its end (a move, then the
    section); with key, content ends in the stub's code holding the
    entry point of the section "entry" after it, encrypted and turned by
    its two imports. dst: where the list says to unpack it."""
    base, grown = 0x400000, 0x355
    imports = (0x80000001, 0x2000)
    size = len(content) + (grown if key else 0)
    vsize = (size * 2 + 0x1000) & ~0xfff
    entry_rva = 0x1000 + vsize
    stub_rva = entry_rva + 0x1000
    ep = stub_rva + 0x42
    data = bytearray(content + bytes(grown if key else 0))
    assert len(data) < 0x10000  # distances of five low bits
    if key:
        enc = (entry_rva - (ep + 5)) & 0xffffffff
        for _ in imports:  # the stub takes one off and turns right by 3
            enc = (_rol3(enc) + 1) & 0xffffffff
        t = 0x5a5aa5a5
        end = len(data) - grown
        for off, v in ((0x07, t ^ 0x9d6661aa), (0x0b, t ^ 0xe908c483),
                       (0x0f, enc ^ t), (0x54, 0x645ec033),
                       (0x58, 0x1b8b188b), (0x121, entry_rva + 0x100),
                       (0x1c0, 0x90909090)):
            struct.pack_into("<I", data, end + off, v)
    stream = petite_compress(bytes(data))
    stream += bytes(-len(stream) % 4)
    entry = bytearray(code.ljust(0x300, b"\x00"))
    struct.pack_into("<II", entry, 0x100, entry_rva + 0x200, 0)
    struct.pack_into("<III", entry, 0x200, *imports, 0)
    stub = bytearray(0x400) + stream
    stub[0x42] = 0xb8
    struct.pack_into("<I", stub, 0x43, stub_rva + base)
    words = len(stream) // 4
    struct.pack_into("<IIIIIIII", stub, 0x1b8,
                     0x80000000 | words, stub_rva + 0x400 + len(stream) - 4,
                     0x1000 + vsize - 4,
                     0x1000 + vsize - len(stream), len(data), dst, 0, 0)
    img = bytearray(fg.pe(sections=(("code", b""), ("entry", bytes(entry)),
                                    (".petite", bytes(stub)))))
    table = 0x80 + 24 + 224
    for i, (rva, vs) in enumerate(((0x1000, vsize), (entry_rva, 0x1000),
                                   (stub_rva, len(stub) + 0xfff & ~0xfff))):
        struct.pack_into("<II", img, table + 40 * i + 8, vs, rva)
    struct.pack_into("<II", img, table + 16, 0, 0)  # "code": no raw data
    struct.pack_into("<I", img, 0x80 + 24 + 16, ep)
    struct.pack_into("<I", img, 0x80 + 24 + 56, stub_rva + 0x1000 + len(stub))
    return bytes(img)
