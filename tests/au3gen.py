"""AutoIt 3 compiled-script archives, built here for the tests: the
GUID and "AU3!EA05"/"AU3!EA06", a hash, and entries whose fields are
encrypted with the version's key stream and whose data may be compressed
with AutoIt's LZSS (see src/lib/formats/autoit.c for the layout)."""
import struct
import zlib

GUID = bytes.fromhex("a3484bbe986c4aa9994c530a86d6487d")
M32 = 0xffffffff
# tag: (cipher, bytes a name character, file, name_len, name, path_len,
#       path, size, sum, data seeds and masks)
VERSIONS = {
    "5": ("mt", 1, 0x16fa, 0x29bc, 0xa25e, 0x29ac, 0xf25e, 0x45aa, 0xc3d2, 0x22af),
    "6": ("lag", 2, 0x18ee, 0xadbc, 0xb33f, 0xf820, 0xf479, 0x87bc, 0xa685, 0x2477),
}


def _mt_bytes(seed, n):
    s = [seed & M32] + [0] * 623
    for i in range(1, 624):
        s[i] = (1812433253 * (s[i - 1] ^ (s[i - 1] >> 30)) + i) & M32
    out, i = bytearray(), 624
    for _ in range(n):
        if i == 624:
            for k in range(624):
                y = (s[k] & 0x80000000) | (s[(k + 1) % 624] & 0x7fffffff)
                s[k] = s[(k + 397) % 624] ^ (y >> 1) ^ (0x9908b0df if y & 1 else 0)
            i = 0
        y = s[i]
        i += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9d2c5680
        y ^= (y << 15) & 0xefc60000
        y ^= y >> 18
        out.append((y >> 1) & 0xff)
    return bytes(out)


def _lag_bytes(seed, n):
    w = []
    for _ in range(17):
        seed = (1 - seed * 0x53a9b4fb) & M32
        w.append(seed)
    state = [0, 10]

    def step():
        i, j = state
        v = ((((w[i] << 9) | (w[i] >> 23)) & M32) +
             (((w[j] << 13) | (w[j] >> 19)) & M32)) & M32
        w[i] = v
        state[0], state[1] = (i - 1) % 17, (j - 1) % 17
        return v
    for _ in range(9):
        step()
    out = bytearray()
    for _ in range(n):
        step()
        out.append(step() >> 24)
    return bytes(out)


def crypt(tag, seed, data):
    key = (_mt_bytes if VERSIONS[tag][0] == "mt" else _lag_bytes)(seed, len(data))
    return bytes(a ^ b for a, b in zip(data, key))


class _Bits:
    def __init__(self):
        self.bits = []

    def put(self, v, k):
        self.bits += [(v >> (k - 1 - i)) & 1 for i in range(k)]

    def bytes(self):
        b = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(int("".join(map(str, b[i:i + 8])), 2) for i in range(0, len(b), 8))


def _put_len(out, length):
    v = length - 3
    for k, add in ((2, 0), (3, 3), (5, 10), (8, 41)):
        if v - add < (1 << k) - 1:
            out.put(v - add, k)
            return
        out.put((1 << k) - 1, k)
    v -= 296
    while v >= 255:
        out.put(255, 8)
        v -= 255
    out.put(v, 8)


def lzss(tag, data):
    """AutoIt's LZSS: greedy matches within 32 KiB, literals otherwise."""
    out, i, lit = _Bits(), 0, 0 if tag == "5" else 1
    while i < len(data):
        best = (0, 0)
        for d in range(1, min(i, 32767) + 1):
            n = 0
            while i + n < len(data) and data[i + n - d] == data[i + n] and n < 2000:
                n += 1
            if n > best[0]:
                best = (n, d)
        if best[0] >= 3:
            out.put(1 - lit, 1)
            out.put(best[1], 15)
            _put_len(out, best[0])
            i += best[0]
        else:
            out.put(lit, 1)
            out.put(data[i], 8)
            i += 1
    return b"EA0" + tag.encode() + struct.pack(">I", len(data)) + out.bytes()


def lzss_zeros(tag, n):
    """n zero bytes in AutoIt's LZSS without searching: a literal, then
    long matches at distance 1, then literals for what is left."""
    out, lit = _Bits(), 0 if tag == "5" else 1
    out.put(lit, 1)
    out.put(0, 8)
    left = n - 1
    while left >= 3:
        k = min(left, 51000)
        out.put(1 - lit, 1)
        out.put(1, 15)
        _put_len(out, k)
        left -= k
    for _ in range(left):
        out.put(lit, 1)
        out.put(0, 8)
    return b"EA0" + tag.encode() + struct.pack(">I", n) + out.bytes()


def _text(tag, s):
    return s.encode("utf-16-le") if VERSIONS[tag][1] == 2 else s.encode()


def entry(tag, name, data, path="C:\\build\\x.tmp", compress=True, hash_sum=0):
    _, wide, k_file, k_nlen, k_name, k_plen, k_path, k_size, k_sum, k_data = VERSIONS[tag]
    # compress: True (compressed here), False (stored), "raw" (data is
    # already compressed; flagged so)
    stored = lzss(tag, data) if compress is True else data
    seed = k_data + (hash_sum if tag == "5" else 0)
    n, p = _text(tag, name), _text(tag, path)
    return (crypt(tag, k_file, b"FILE") +
            struct.pack("<I", len(name) ^ k_nlen) + crypt(tag, k_name + len(name), n) +
            struct.pack("<I", len(path) ^ k_plen) + crypt(tag, k_path + len(path), p) +
            bytes([1 if compress else 0]) +
            struct.pack("<III", len(stored) ^ k_size, len(data) ^ k_size,
                        zlib.adler32(stored) ^ k_sum) + b"\x00" * 16 +
            crypt(tag, seed, stored))


OPERATORS = [",", "=", ">", "<", "<>", ">=", "<=", "(", ")", "+", "-", "/",
             "*", "&", "[", "]", "==", "^", "+=", "-=", "/=", "*=", "&=",
             "?", ":"]


def tokens(lines):
    """An EA06 token stream: each line a list of (code, value) tokens,
    code one of "kw" (keyword number), "fn", "macro", "var", "str",
    "name", "int", "double" or "op"."""
    out = struct.pack("<I", len(lines))
    for line in lines:
        for code, value in line:
            if code in ("fn", "macro", "var", "str", "name"):
                op = {"fn": 0x31, "macro": 0x32, "var": 0x33, "str": 0x36,
                      "name": 0x34}[code]
                out += bytes([op]) + struct.pack("<I", len(value)) + b"".join(
                    struct.pack("<H", ord(ch) ^ len(value)) for ch in value)
            elif code == "kw":
                out += b"\x00" + struct.pack("<I", value)
            elif code == "int":
                out += b"\x05" + struct.pack("<I", value)
            elif code == "double":
                out += b"\x20" + struct.pack("<d", value)
            else:
                out += bytes([0x40 + OPERATORS.index(value)])
        out += b"\x7f"
    return out


def archive(tag, files, script=None, name=None):
    """GUID, tag, hash, the script entry, then each (name, data, compress);
    the script by default a line of text (EA05) or of tokens (EA06)."""
    if script is None:
        script = b"MsgBox(0, 'x', 'y')\r\n" if tag == "5" else tokens(
            [[("fn", "MsgBox"), ("op", "("), ("int", 0), ("op", ","),
              ("str", "x"), ("op", ")")]])
    hash16 = bytes(range(16))
    s = sum(hash16)
    name = name or (">AUTOIT SCRIPT<" if tag == "5" else ">>>AUTOIT SCRIPT<<<")
    body = entry(tag, name, script, hash_sum=s)
    for fname, data, compress in files:
        body += entry(tag, fname, data, path=fname, compress=compress, hash_sum=s)
    return GUID + b"AU3!EA0" + tag.encode() + hash16 + body
