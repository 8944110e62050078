"""Packed executables for the tests, shaped as the unpackers in
src/lib/formats/ read them (each packer's stream format, a greedy
compressor for it, and a PE around it):

- WWPack32: 32-bit little-endian words of bits, top bit first, with the
  literal bytes between them; the last section carries the stub's
  recognisable code, the original entry point and the block list.
- Petite 2.2: bytes of bits with literals XORed by the count left; the
  stub section's list moves the packed data and unpacks it; the stub's
  code at the end of the unpacked section holds the encrypted entry point,
  turned by every import.
- MEW 11: aPLib (bytes of bits, literals and offset bytes between them)
  and raw LZMA (lc 4, lp 0, pb 2) chunks, the loader in the PE header.
- PESpin 1.1: the stub's five layers (a falling-key XOR, shift-register
  XORs, byte-operation sequences), the sections' key hidden behind a
  checksum of the file's start, aPLib sections.
- Upack 0.39: the loader's jumps and counts where the unpacker follows
  them, its initial data, LZMA without the range coder's leading zero.
- FSG 2.0: aPLib into the empty section, the stack its entry point swaps
  in naming destination, source and the original entry point.
- ASPack 2.12-2.42: canonical Huffman codes (lengths delta-coded through
  a pre-code with runs), matches by position slot with the aligned code
  and the last distance reused, a second table set halfway; the stub
  holds the block list, the decoder's tables, the call marker and the
  original entry point at each version's offsets."""
import struct

import formatgen as fg

STUB_HEAD = bytes.fromhex("53558be833dbeb")
STUB_CALL = bytes.fromhex("e800000000582d6d000000506033c950585050")
NEAR_RANGES = ((0, 5, 1), (1, 6, 0x21), (2, 8, 0x61), (3, 9, 0x161))
FAR_RANGES = ((0, 5, None), (1, 6, None), (2, 7, None), (3, 8, 0), (3, 9, 1),
              (4, 10, 0), (4, 11, 1), (5, 12, None))


def _place(img, secs, ep, lfanew=0x80, empty=()):
    """Moves the sections of a formatgen.pe image to (rva, virtual size)
    each, sets the entry point and the image size; sections in empty get
    no raw data."""
    table = lfanew + 24 + 224
    for i, (rva, vsize) in enumerate(secs):
        struct.pack_into("<II", img, table + 40 * i + 8, vsize, rva)
        if i in empty:
            struct.pack_into("<II", img, table + 40 * i + 16, 0, 0)
    struct.pack_into("<I", img, lfanew + 24 + 16, ep)
    struct.pack_into("<I", img, lfanew + 24 + 56, max(r + v for r, v in secs))
    return bytes(img)


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
    return _place(img, ((0x1000, vsize), (entry_rva, 0x1000), (stub_rva, 0x1000)),
                  stub_rva)


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
    return _place(img, ((0x1000, vsize), (entry_rva, 0x1000),
                        (stub_rva, len(stub) + 0xfff & ~0xfff)), ep, empty=(0,))


# ASPack: offsets in the stub (from the byte before the entry point) of
# each version: "push 0; ret" (from the entry point), the block list and
# its entry size, the decoder's tables, the call marker, the entry point.
ASPACK_VERSIONS = {
    "2.12": (0x3b9, 0x57c, 8, 0x6d6, 0x148, 0x39b),
    "2.2x": (0x41f, 0x5d8, 12, 0x732, 0x13a, 0x401),
    "2.42": (0x42b, 0x5e4, 12, 0x73e, 0x148, 0x40d),
}
AS_LEN_BASE = [0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, 24, 28, 32,
               40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224]
AS_LEN_BITS = [0] * 8 + [k // 4 for k in range(4, 24)]
AS_POS_BITS = [0, 0, 0, 0] + [k // 2 for k in range(2, 36)] + [17] * 15 + [18] * 5
AS_POS_BASE = [sum(1 << b for b in AS_POS_BITS[:i]) for i in range(58)]


class BitWriter:
    def __init__(self):
        self.out, self.n = bytearray(), 0

    def bits(self, v, k):
        for i in reversed(range(k)):
            if self.n % 8 == 0:
                self.out.append(0)
            self.out[-1] |= (v >> i & 1) << (7 - self.n % 8)
            self.n += 1


def huffman_lengths(freqs, limit=15, every=True):
    """Code lengths for freqs, no longer than limit; every: each symbol
    gets a code (else only those used; at least two are). Complete."""
    import heapq
    freqs = [f + 1 if every else f for f in freqs]
    if sum(1 for f in freqs if f) < 2:
        freqs = [f or (1 if i < 2 else 0) for i, f in enumerate(freqs)]
    while True:
        heap = [(f, i, [i]) for i, f in enumerate(freqs) if f]
        heapq.heapify(heap)
        lens, k = [0] * len(freqs), len(freqs)
        while len(heap) > 1:
            fa, _, a = heapq.heappop(heap)
            fb, _, b = heapq.heappop(heap)
            for s in a + b:
                lens[s] += 1
            heapq.heappush(heap, (fa + fb, k, a + b))
            k += 1
        if max(lens) <= limit:
            return lens
        freqs = [(f + 1) // 2 + 1 if f else 0 for f in freqs]


def canonical(lens):
    codes, code = {}, 0
    for length in range(1, 16):
        for s in range(len(lens)):
            if lens[s] == length:
                codes[s] = (code, length)
                code += 1
        code <<= 1
    return codes


def _as_tokens(data):
    seen, i, out = {}, 0, []
    while i < len(data):
        n, dist = longest(data, i, seen, 0x100000, 264)
        if n >= 3:
            out.append((n, dist))
        else:
            n = 1
            out.append(data[i])
        remember(data, seen, i, n)
        i += n
    return out


def _as_match(n, pos):
    """(main symbol, length symbol or None, its extra, slot, slot extra)."""
    slot = max(s for s in range(58) if AS_POS_BASE[s] <= pos)
    code, lsym, lextra = n - 2, None, None
    if n >= 9:
        code = 7
        lsym = max(k for k in range(28) if AS_LEN_BASE[k] <= n - 9)
        lextra = n - 9 - AS_LEN_BASE[lsym]
    return 256 + slot * 8 + code, lsym, lextra, slot, pos - AS_POS_BASE[slot]


def _as_positions(toks):
    """Each match's position code: 0 reuses the last distance."""
    last, out = None, []
    for t in toks:
        if isinstance(t, int):
            out.append(t)
            continue
        n, dist = t
        out.append((n, 0 if dist == last else dist - 1 + 3))
        last = dist
    return out


def _as_length_codes(lens, prev):
    """The pre-code symbols for lens, delta against prev: runs of zeros
    (17, 18) and of the last length (16) where they pay."""
    out, i = [], 0
    while i < len(lens):
        run = 1
        while i + run < len(lens) and lens[i + run] == lens[i]:
            run += 1
        if lens[i] == 0 and run >= 11:
            k = min(run, 138)
            out.append((18, k - 11, 7))
        elif lens[i] == 0 and run >= 3:
            k = min(run, 10)
            out.append((17, k - 3, 3))
        elif i > 0 and lens[i] == lens[i - 1] and run >= 3:
            k = min(run, 6)
            out.append((16, k - 3, 2))
        else:
            k = 1
            out.append(((lens[i] - prev[i]) & 15, 0, 0))
        i += k
    return out


ALIGNED = [2, 2, 3, 3, 3, 4, 5, 5]


def _as_tables(w, toks, prev):
    """Writes a table set for toks (delta against prev); returns the
    codes and the lengths."""
    main, lng, align = [0] * 721, [0] * 28, [0] * 8
    main[720] = 1  # a new table set may follow
    for t in toks:
        if isinstance(t, int):
            main[t] += 1
            continue
        m, lsym, _, slot, extra = _as_match(*t)
        main[m] += 1
        if lsym is not None:
            lng[lsym] += 1
    lens = huffman_lengths(main, every=False) + huffman_lengths(lng) + ALIGNED
    codes = _as_length_codes(lens, prev)
    pre = huffman_lengths([sum(1 for c in codes if c[0] == v) for v in range(19)])
    pc = canonical(pre)
    w.bits(1 if any(prev) else 0, 1)
    for v in pre:
        w.bits(v, 4)
    for sym, extra, nbits in codes:
        w.bits(*pc[sym])
        w.bits(extra, nbits)
    return canonical(lens[:721]), canonical(lens[721:749]), canonical(ALIGNED), lens


def aspack_compress(data):
    """Greedy matches, the last distance reused, the aligned code for
    slots of three extra bits or more; the table set is sent again
    halfway (symbol 720), as a delta against the first."""
    toks = _as_positions(_as_tokens(data))
    half = len(toks) // 2
    w, prev = BitWriter(), [0] * 757
    for k, part in enumerate((toks[:half], toks[half:])):
        if k:
            w.bits(*mc[720])  # noqa: F821 (the first part's codes)
        mc, lc, ac, prev = _as_tables(w, part, prev)
        for t in part:
            if isinstance(t, int):
                w.bits(*mc[t])
                continue
            m, lsym, lextra, slot, extra = _as_match(*t)
            w.bits(*mc[m])
            if lsym is not None:
                w.bits(*lc[lsym])
                w.bits(lextra, AS_LEN_BITS[lsym])
            if AS_POS_BITS[slot] >= 3:
                w.bits(extra >> 3, AS_POS_BITS[slot] - 3)
                w.bits(*ac[extra & 7])
            else:
                w.bits(extra, AS_POS_BITS[slot])
    return bytes(w.out)


def aspack_pe(content, code=b"\x90\xc3", version="2.12", oep=None, damage=False):
    """A PE whose section "code" (at 0x1000) is content, compressed in
    place as ASPack does, entered through a stub in the section ".aspack"
    (followed by an empty ".adata"); the original entry point is the
    section "entry", or oep. A call at the start of content is stored as
    the packer rewrites it. damage: the stream's first table set made
    unusable."""
    ret, lst, entry_size, tables, mark_at, oep_at = ASPACK_VERSIONS[version]
    base = 0x400000
    data = bytearray(content)
    mark = next(m for m in range(0xa0, 0x100)
                if not any(data[i] in (0xe8, 0xe9) and data[i + 1] == m
                           for i in range(len(data) - 1)))
    if data[:1] == b"\xe8":  # the packer's form of a call at offset 0
        rel = struct.unpack_from("<I", data, 1)[0]
        assert rel < 1 << 24
        data[1:5] = bytes([mark]) + struct.pack("<I", rel)[:3]
    stream = aspack_compress(bytes(data))
    while len(stream) > len(data):  # the block is as long as its output
        data += bytes(len(stream) - len(data) + 64)
        stream = aspack_compress(bytes(data))
    if damage:
        stream = b"\xff" * 10 + stream[10:]
    vsize = len(data) + 0xfff & ~0xfff
    entry_rva = 0x1000 + vsize
    stub_rva = entry_rva + 0x1000
    stub = bytearray(0x800)
    stub[0] = 0x90
    stub[1:9] = bytes.fromhex("60e803000000e9eb")
    stub[1 + ret:1 + ret + 6] = bytes.fromhex("6800000000c3")
    struct.pack_into("<II", stub, lst, 0x1000, len(data))  # then a 0 rva
    stub[tables:tables + 56] = bytes(AS_LEN_BASE + AS_LEN_BITS)
    stub[tables + 56:tables + 114] = bytes(AS_POS_BITS)
    stub[mark_at] = mark
    struct.pack_into("<I", stub, oep_at, entry_rva if oep is None else oep)
    img = bytearray(fg.pe(sections=(("code", stream), ("entry", code),
                                    (".aspack", bytes(stub)), (".adata", b""))))
    return _place(img, ((0x1000, vsize), (entry_rva, 0x1000), (stub_rva, 0x1000),
                        (stub_rva + 0x1000, 0x1000)), stub_rva + 1, empty=(3,))


def aplib_compress(data):
    """aPLib as MEW's loader expands it: a stored first byte, then greedy
    matches (short, long, the last distance again after a literal), zero
    bytes by their own code, literals; the end mark."""
    s, seen, i, last, after_lit = PetiteStream(), {}, 1, None, True
    s.out.append(data[0])
    remember(data, seen, 0, 1)
    while i < len(data):
        n, dist = longest(data, i, seen, 0x7cff, 0x10000)
        adj = (dist >= 0x500) + 2 * (dist <= 0x7f)
        if n >= 2 and after_lit and dist == last:
            s.bit(1), s.bit(0)
            s.gamma(2)
            s.gamma(n)
        elif n >= 2 and dist <= 127 and (n <= 3 or n < adj + 2):
            n = min(n, 3)
            s.bit(1), s.bit(1), s.bit(0)
            s.out.append(dist << 1 | (n - 2))
        elif n >= adj + 2:
            s.bit(1), s.bit(0)
            s.gamma((dist >> 8) + 2 + after_lit)
            s.out.append(dist & 0xff)
            s.gamma(n - adj)
        elif data[i] == 0:
            n = 1
            s.bit(1), s.bit(1), s.bit(1)
            for _ in range(4):
                s.bit(0)
        else:
            n = 1
            s.bit(0)
            s.out.append(data[i])
        after_lit = n == 1
        if n >= 2:
            last = dist
        remember(data, seen, i, n)
        i += n
    s.bit(1), s.bit(1), s.bit(0)
    s.out.append(0)
    return bytes(s.out)


def _lzma_raw(data):
    import lzma
    return lzma.compress(data, format=lzma.FORMAT_RAW, filters=[{
        "id": lzma.FILTER_LZMA1, "lc": 4, "lp": 0, "pb": 2,
        "dict_size": 1 << 16}])


def mew_pe(content, code=b"\x90\xc3", oep=None, use_lzma=None, calls=0, damage=False):
    """A PE packed as MEW 11 does: the section "MEW" empty, the image
    unpacked into it from the data in the next section, through the loader
    in the header (at 0x154) that the entry point jumps to. use_lzma:
    None (aPLib only), "plain" or "special" (one LZMA chunk; a routine
    starting with "push eax", whose first `calls` bytes have their calls'
    targets turned back). content is unpacked at 0x1000, code at the
    original entry point (or oep) after it. damage: the LZMA chunk cut
    in half."""
    base = 0x400000
    image = content + bytes(-len(content) % 0x1000) + code.ljust(0x1000, b"\x00")
    vsize = len(image)
    data_rva = 0x1000 + vsize
    entry = oep if oep is not None else 0x1000 + len(image) - 0x1000
    head = struct.pack("<III", 0, entry + base, 0x1000 + base)
    if use_lzma:
        # aPLib puts a marker at the end of the section; LZMA the rest
        blob = head[:8] + struct.pack("<I", vsize - 16 + 0x1000 + base)
        blob += aplib_compress(b"MEW-LZMA" * 2) + struct.pack("<I", 0)
        packed = _lzma_raw(image[:vsize - 16])
        if damage:
            packed = packed[:len(packed) // 2]
        if use_lzma == "special":
            blob += struct.pack("<I", calls)
        blob += struct.pack("<IIIIB", 0, vsize - 16, 0x1000 + base,
                            len(packed), 0) + packed + struct.pack("<I", 0)
    else:
        blob = head + aplib_compress(image) + struct.pack("<I", 0)
    sect = bytearray(0x40) + blob + bytearray(0x40)
    routine = 0x20  # the LZMA routine, in this section
    sect[routine + 8] = 0x50 if use_lzma == "special" else 0x90
    ep = data_rva + len(sect) - 0x10
    sect[-0x10] = 0xe9
    struct.pack_into("<i", sect, len(sect) - 0x0f, 0x154 - (ep + 5))
    img = bytearray(fg.pe(sections=(("MEW", b""), ("data", bytes(sect))),
                          lfanew=0x1e0))
    img[0x154] = 0xbe
    struct.pack_into("<I", img, 0x155, data_rva + 0x40 + base)
    if use_lzma:
        img[0x154 + 0x7b] = 0xe8
        struct.pack_into("<i", img, 0x154 + 0x7c, data_rva + routine - (0x154 + 0x80))
    return _place(img, ((0x1000, vsize), (data_rva, len(sect) + 0xfff & ~0xfff)),
                  ep, lfanew=0x1e0, empty=(0,))


def _ror8(v, k):
    return (v >> k | v << (8 - k)) & 0xff


def _rol8(v, k):
    return (v << k | v >> (8 - k)) & 0xff


def _spin_checksum(data):
    a = b = 0xffffffff
    for byte in data:
        a ^= byte << 8
        a = a >> 3 & 0x1fffffff
        for _ in range(4):
            a ^= b >> 8 & 0xff
            a = (a + 0x7801a108) & 0xffffffff
            a ^= b
            k = b & 31
            a = (a >> k | a << (32 - k)) & 0xffffffff if k else a
            a, b = b, a
    return b


def _lfsr_xor(data, start, n, key, taps, when):
    for i in range(start, start + n):
        out = key & 1
        key >>= 1
        if out == when:
            key ^= taps
        data[i] ^= key & 0xff


# The two byte-operation sequences (0x24 bytes and a stosb each) and
# their inverses: rol3((x + cl) ^ 0x5a), and ~(x - cl) + 0x33.
SPIN_POLY1 = (bytes.fromhex("02c1") + b"\xeb\x01\xcc" + bytes.fromhex("345a") +
              b"\x0a\xc0" + bytes.fromhex("c0c003")).ljust(0x24, b"\x90") + b"\xaa"
SPIN_POLY2 = (bytes.fromhex("2ac1f6d0") + b"\xf8" + bytes.fromhex("0433")).ljust(
    0x24, b"\x90") + b"\xaa"


def _spin_poly1_encrypt(data, start, n):
    for i in range(n):
        cl = (n - i) & 0xff
        data[start + i] = ((_ror8(data[start + i], 3) ^ 0x5a) - cl) & 0xff


def _spin_poly2_encrypt(data, n):
    for i in range(n):
        cl = (n - i) & 0xff
        data[i] = ((~((data[i] - 0x33) & 0xff) & 0xff) + cl) & 0xff


def _spin_stub(key8, key2, key4_stored, skip, key5, xmap, pmap, cmap):
    """PESpin 1.1's stub from its entry point, encrypted as it ships."""
    p = bytearray(0x3400 - 0x87)
    p[0:4] = b"\xeb\x01\x68\x60"
    p[4:14] = bytes.fromhex("e8000000008b1c2483c3")
    p[0xdb], p[0xdc], p[0xe0] = 0xbb, key8, 0xb9
    struct.pack_into("<I", p, 0xe1, 0x11fe)
    struct.pack_into("<IBI", p, 0x26eb, key2, 0, 0x5a0)
    struct.pack_into("<I", p, 0x429, skip)
    struct.pack_into("<I", p, 0x3217, key4_stored)
    struct.pack_into("<I", p, 0x3207, xmap)
    struct.pack_into("<I", p, 0x644, 0x180)
    struct.pack_into("<I", p, 0x650, key5)
    struct.pack_into("<I", p, 0x28dd, 0x1a1)
    p[0x28ec:0x28ec + 0x25] = SPIN_POLY1
    struct.pack_into("<I", p, 0x6f1, pmap)
    p[0x755:0x755 + 0x25] = SPIN_POLY2
    struct.pack_into("<I", p, 0x3061, cmap)
    _spin_poly1_encrypt(p, 0x6d4, 0x1a1)
    _lfsr_xor(p, 0x28d3, 0x180, key5, 0xed43af32, 1)
    _lfsr_xor(p, 0x2d5, 0x5a0, key2, 0x8c328834, 1)
    k = key8
    for i in reversed(range(0x11fe)):
        p[0x1fe5 + i] ^= k
        k = (k - 1) & 0xff
    return bytes(p)


def pespin_pe(content, plain=b"VIGIL-SPIN-PLAIN", damage=False):
    """A PE protected as PESpin 1.1 does: the section "code" (content)
    aPLib-compressed, run through the second byte operations and XORed
    with the key the checksum of the first 0x200 bytes hides; "data"
    (plain) only XORed; the stub in the last section. damage: the stored
    key is off by one (the checksum does not hold)."""
    key4 = 0x13572468
    packed = bytearray(aplib_compress(content))
    packed += bytes(-len(packed) % 0x200)  # the counter runs over it all
    _spin_poly2_encrypt(packed, len(packed))
    _lfsr_xor(packed, 0, len(packed), key4, 0xed43af31, 0)
    data = bytearray(plain)
    _lfsr_xor(data, 0, len(data), key4, 0xed43af31, 0)
    vsize = len(content) + 0xfff & ~0xfff
    data_rva = 0x1000 + vsize
    stub_rva = data_rva + 0x1000

    def build(stub):
        img = bytearray(fg.pe(sections=(("code", bytes(packed)), ("data", bytes(data)),
                                        (".spin", bytes(0x87) + stub))))
        return bytearray(_place(img, ((0x1000, vsize), (data_rva, 0x1000),
                                      (stub_rva, 0x4000)), stub_rva + 0x87))

    args = [0x91, 0x2468ace1, 0, 0, 0x0badf00d, 0b11, 0b01, 0b01]
    size = len(build(_spin_stub(*args)))
    args[3] = size - 0x200
    first = build(_spin_stub(*args))[:0x200]
    args[2] = (key4 + _spin_checksum(first) + bool(damage)) & 0xffffffff
    return bytes(build(_spin_stub(*args)))


def upack_pe(content, shift=5, marker=0xab, fixes=0, claim_shift=None):
    """A PE packed as Upack 0.39 (three sections, an optional header of
    0x148 bytes) lays out: the loader's code with the jumps, the counts
    and the "shr ebp, <shift>" where the unpacker follows them, its data
    (the original entry point, the decoder's initial data: the stream's
    address, the output's start and end, the number of calls to fix), and
    the content LZMA-compressed (lc 8 - shift, lp 0, pb 0, without the
    range coder's leading zero). The original entry point is the start of
    content; `fixes` calls there are stored as the packer rewrites them
    (the marker, a big-endian target). claim_shift: the shift the loader
    says, if not the one used."""
    import lzma
    base = 0x400000
    data = bytearray(content)
    i = 0
    for _ in range(fixes):  # the packer's form of the first calls
        while data[i] not in (0xe8, 0xe9):
            i += 1
        rel = struct.unpack_from("<i", data, i + 1)[0]
        target = (rel + (i + 1) + 4) & 0xffffff
        data[i + 1:i + 5] = bytes([marker]) + target.to_bytes(3, "big")
        i += 5
    stream = lzma.compress(bytes(data), format=lzma.FORMAT_RAW, filters=[{
        "id": lzma.FILTER_LZMA1, "lc": 8 - shift, "lp": 0, "pb": 0,
        "dict_size": 1 << 16}])
    assert stream[0] == 0
    stream = stream[1:]
    vsize = len(content) + 0xfff & ~0xfff
    code_rva = 0x1000 + vsize
    lz_rva = code_rva + 0x1000
    c = bytearray(0x600)
    c[0:5] = b"\xbe" + struct.pack("<I", base + code_rva + 0x200)
    c[5:7] = b"\xad\x50"  # lodsd; push eax
    c[0xa:0xc] = b"\xeb\x34"  # to the second part, at 0x40
    c[0x47:0x4c] = b"\xbe" + struct.pack("<I", base + code_rva + 0x300)
    c[0x5a:0x5c] = b"\xeb\x10"  # over the names: mov ch at 0x76
    c[0x76:0x78] = b"\xb5\x1c"
    c[0x7f:0x84] = b"\xe9" + struct.pack("<i", 0x7c)  # to the unpacker, 0x100
    c[0x118:0x11b] = bytes([0xc1, 0xed, claim_shift or shift])
    c[0x12a:0x12c] = b"\xe3\x10"  # jecxz to 0x13c
    c[0x144:0x149] = b"\xe9" + struct.pack("<i", 0x1c)  # the call fixer
    c[0x180] = marker  # its cmp al, <marker>
    struct.pack_into("<III", c, 0x200, base + 0x1000, 0, base + code_rva + 0x400)
    struct.pack_into("<I", c, 0x300 + 0x98, base + lz_rva)
    struct.pack_into("<I", c, 0x39c + 4, fixes)
    struct.pack_into("<I", c, 0x39c + 0xc, base + 0x1000)
    struct.pack_into("<I", c, 0x39c + 0x34, base + 0x1000 + len(content))
    img = bytearray(fg.pe(sections=(("out", b""), ("code", bytes(c)),
                                    ("lz", stream)), opt=0x148))
    return _place(img, ((0x1000, vsize), (code_rva, 0x1000),
                        (lz_rva, len(stream) + 0xfff & ~0xfff)),
                  code_rva, empty=(0,))


def fsg_pe(content, code=b""):
    """A PE packed as FSG 2.0 does: code then content aPLib-compressed into
    the section after an empty one, the entry point "xchg esp, [addr]"
    with the stack it pops there (destination, source, and a table whose
    fourth word is the original entry point: the start of code)."""
    base = 0x400000
    content = code + content
    vsize = len(content) + 0xfff & ~0xfff
    d = 0x1000 + vsize
    s = bytearray(0x100) + aplib_compress(content)
    s[0:6] = b"\x87\x25" + struct.pack("<I", base + d + 0x20)
    struct.pack_into("<I", s, 0x20, base + d + 0x40)
    struct.pack_into("<IIIII", s, 0x40, base + 0x1000, base + d + 0x100, 0, 0,
                     base + d + 0x60)
    struct.pack_into("<I", s, 0x60 + 12, base + 0x1000)
    img = bytearray(fg.pe(sections=(("fsg0", b""), ("fsg1", bytes(s)))))
    return _place(img, ((0x1000, vsize), (d, len(s) + 0xfff & ~0xfff)), d,
                  empty=(0,))
