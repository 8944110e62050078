"""Builds a sample of every format Vigil unpacks, wrapping a payload, from
Python's standard library and, where noted, the Debian tools the suite
installs. Used by the end-to-end tests (fixtures made at test time) and by
scripts/gen-fuzz-seeds.py (the committed seed corpora).

Each builder returns bytes. Formats nobody can create on Linux with free
tools (SZDD, NSIS, InstallShield, UPX) are written here from their
documented layouts, with the simplest valid encodings (literal-only LZSS,
stored or deflated blocks)."""
import bz2
import gzip
import hashlib
import io
import lzma
import os
import struct
import subprocess
import tarfile
import tempfile
import zipfile
import zlib


# ----------------------------------------------------------- archives
def zip_of(payload, name="payload.bin", method=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        z.writestr(name, payload)
    return buf.getvalue()


def tar_of(payload, name="payload.bin", mode="w"):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode=mode) as t:
        info = tarfile.TarInfo(name)
        info.size = len(payload)
        t.addfile(info, io.BytesIO(payload))
    return buf.getvalue()


def with_tool(payload, argv_fn, out_name, name="payload.bin"):
    """Runs a tool in a scratch directory holding the payload."""
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, name), "wb") as f:
            f.write(payload)
        argv = argv_fn(os.path.join(d, out_name), name)
        cp = subprocess.run(argv, cwd=d, capture_output=True, check=True)
        p = os.path.join(d, out_name)
        return open(p, "rb").read() if os.path.exists(p) else cp.stdout


def sevenzip(payload):
    return with_tool(payload, lambda o, n: ["7z", "a", "-bd", o, n], "p.7z")


def zip_deflate64(payload):
    return with_tool(payload, lambda o, n: ["7z", "a", "-bd", "-tzip", "-mm=Deflate64", o, n],
                     "p.zip")


def arj(payload, method="1"):
    return with_tool(payload, lambda o, n: ["arj", "a", "-m" + method, "-y", o, n], "p.arj")


def cab(payload):
    return with_tool(payload, lambda o, n: ["gcab", "-c", "-z", o, n], "p.cab")


def rar4(payload, name="payload.bin"):
    """A RAR 4 archive holding the payload stored (method 0x30): marker,
    archive header, file header, data, end of archive. Each header's CRC is
    the low 16 bits of the CRC-32 of the header from its type byte on."""
    def block(typ, flags, body):
        rest = struct.pack("<BHH", typ, flags, 7 + len(body)) + body
        return struct.pack("<H", zlib.crc32(rest) & 0xffff) + rest
    n = name.encode()
    head = struct.pack("<IIBIIBBHI", len(payload), len(payload), 2, zlib.crc32(payload),
                       0x5b000000, 20, 0x30, len(n), 0x20) + n
    return (b"Rar!\x1a\x07\x00" + block(0x73, 0, b"\x00" * 6) +
            block(0x74, 0x8000, head) + payload + block(0x7b, 0x4000, b""))


def kwaj(payload):
    """A KWAJ file (compress.exe's later format) with the payload stored."""
    return b"KWAJ\x88\xf0\x27\xd1" + struct.pack("<HHH", 0, 14, 0) + payload


def cpio(payload, fmt="newc"):
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "payload.bin"), "wb") as f:
            f.write(payload)
        return subprocess.run(["cpio", "-o", "-H", fmt, "--quiet"], cwd=d,
                              input=b"payload.bin\n", capture_output=True,
                              check=True).stdout


# ------------------------------------------------------- compressions
def gz(payload):
    return gzip.compress(payload, mtime=0)


def bzip(payload):
    return bz2.compress(payload)


def xz(payload):
    return lzma.compress(payload)


def lzma_alone(payload):
    return lzma.compress(payload, format=lzma.FORMAT_ALONE)


def zstd(payload):
    return subprocess.run(["zstd", "-q", "-c"], input=payload, capture_output=True,
                          check=True).stdout


def szdd(payload):
    """compress.exe's SZDD, literal-only LZSS: a flag byte of 0xff before
    every eight literals."""
    out = bytearray(b"SZDD\x88\xf0\x27\x33A\x00" + struct.pack("<I", len(payload)))
    for i in range(0, len(payload), 8):
        out.append(0xff)
        out += payload[i:i + 8]
    return bytes(out)


# ---------------------------------------------------------------- mail
def mime(payload, name="payload.bin"):
    import base64
    b64 = base64.encodebytes(payload).decode()
    return ("From: a@example.com\r\nTo: b@example.com\r\nSubject: test\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XyZ\"\r\n\r\n"
            "--XyZ\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
            "--XyZ\r\nContent-Type: application/octet-stream; name=\"%s\"\r\n"
            "Content-Transfer-Encoding: base64\r\n\r\n%s\r\n--XyZ--\r\n" % (name, b64)).encode()


def qp_encode(payload):
    """Binary-safe quoted-printable: every byte outside printable ASCII,
    CR and LF included, as =XX; soft line breaks before column 76, and one
    at the end so that the message's last newline is not part of the data."""
    lines, cur = [], ""
    for b in payload:
        tok = chr(b) if 33 <= b <= 126 and b != 61 else "=%02X" % b
        if len(cur) + len(tok) > 75:
            lines.append(cur + "=")
            cur = ""
        cur += tok
    return "\n".join(lines + [cur + "="])


def mime_qp(payload, name="payload.bin"):
    qp = qp_encode(payload)
    return ("From: a@example.com\nMIME-Version: 1.0\nContent-Type: application/octet-stream;"
            " name=%s\nContent-Transfer-Encoding: quoted-printable\n\n%s\n" % (name, qp)).encode("latin-1")


def uuencode(payload, name="payload.bin"):
    import binascii
    lines = ["begin 644 %s" % name]
    for i in range(0, len(payload), 45):
        lines.append(binascii.b2a_uu(payload[i:i + 45]).decode().rstrip("\n"))
    lines += ["`", "end"]
    return ("From a@example.com Mon Jan  1 00:00:00 2024\nFrom: a@example.com\n"
            "Subject: uu\n\n" + "\n".join(lines) + "\n").encode()


def binhex(payload, name="payload.bin"):
    """BinHex 4.0 without run-length compression (a literal 0x90 escaped)."""
    def crc16(data):
        c = 0
        for b in data:
            c ^= b << 8
            for _ in range(8):
                c = ((c << 1) ^ 0x1021) & 0xffff if c & 0x8000 else (c << 1) & 0xffff
        return struct.pack(">H", c)
    n = name.encode()
    hdr = bytes([len(n)]) + n + b"\x00" + b"TEXTUNIX" + b"\x00\x00" + \
        struct.pack(">II", len(payload), 0)
    raw = hdr + crc16(hdr) + payload + crc16(payload) + crc16(b"")
    esc = raw.replace(b"\x90", b"\x90\x00")
    chars = "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr"
    bits = "".join("{:08b}".format(b) for b in esc)
    bits += "0" * (-len(bits) % 6)
    enc = "".join(chars[int(bits[i:i + 6], 2)] for i in range(0, len(bits), 6))
    body = "\n".join(enc[i:i + 64] for i in range(0, len(enc), 64))
    return ("(This file must be converted with BinHex 4.0)\n:" + body + ":\n").encode()


def tnef(payload, name="payload.bin"):
    def attr(level, aid, data):
        return struct.pack("<BII", level, aid, len(data)) + data + \
            struct.pack("<H", sum(data) & 0xffff)
    out = struct.pack("<IH", 0x223e9f78, 0x0101)
    out += attr(2, 0x00069002, b"\x01\x00" + b"\x00" * 12)
    out += attr(2, 0x00018010, name.encode() + b"\x00")
    out += attr(2, 0x0006800f, payload)
    return out


# ------------------------------------------------------------ documents
def html(payload):
    import base64
    return (b"<html><body><a href=\"data:application/octet-stream;base64," +
            base64.b64encode(payload) + b"\">x</a><script>var a=1;</script></body></html>\n")


def html_script(payload):
    """The payload as a script block, tags in mixed case."""
    return (b"<html><head><SCRIPT language=\"x\">" + payload +
            b"</Script></head><body>x</body></html>\n")


def rtf(payload, name="payload.bin"):
    n = name.encode() + b"\x00"
    native = b"\x02\x00" + n + b"C:\\" + n + b"\x00\x00\x03\x00" + \
        struct.pack("<I", len(n) + 3) + b"C:\\" + n + struct.pack("<I", len(payload)) + payload
    ole1 = struct.pack("<II", 0x0501, 2) + struct.pack("<I", 8) + b"Package\x00" + \
        struct.pack("<II", 0, 0) + struct.pack("<I", len(native)) + native
    return (b"{\\rtf1\\ansi{\\object\\objemb{\\*\\objclass Package}{\\*\\objdata " +
            ole1.hex().encode() + b"}}}\n")


def lzw_encode(data):
    """PDF's LZW, EarlyChange 1, starting with a clear code."""
    table = {bytes([i]): i for i in range(256)}
    nxt, width, bits, out = 258, 9, [], bytearray()

    def emit(code):
        bits.append((code, width))
    emit(256)
    w = b""
    for ch in data:
        wc = w + bytes([ch])
        if wc in table:
            w = wc
            continue
        emit(table[w])
        table[wc] = nxt
        nxt += 1
        # The decoder adds each entry one code later than we do, so
        # EarlyChange 1 means: widen once our next code reaches 2**width.
        if nxt >= (1 << width) and width < 12:
            width += 1
        w = bytes([ch])
    if w:
        emit(table[w])
    emit(257)
    acc, n = 0, 0
    for code, wd in bits:
        acc = (acc << wd) | code
        n += wd
        while n >= 8:
            n -= 8
            out.append((acc >> n) & 0xff)
    if n:
        out.append((acc << (8 - n)) & 0xff)
    return bytes(out)


def pdf(payload, filt="FlateDecode"):
    import base64
    if filt == "FlateDecode":
        data = zlib.compress(payload)
    elif filt == "ASCIIHexDecode":
        data = payload.hex().encode() + b">"
    elif filt == "ASCII85Decode":
        data = base64.a85encode(payload) + b"~>"
    elif filt == "LZWDecode":
        data = lzw_encode(payload)
    elif filt == "RunLengthDecode":
        data = b"".join(bytes([len(payload[i:i + 128]) - 1]) + payload[i:i + 128]
                        for i in range(0, len(payload), 128)) + b"\x80"
    else:
        data = payload
    obj = (b"4 0 obj\n<< /Length %d /Filter /%s >>\nstream\n" % (len(data), filt.encode()) +
           data + b"\nendstream\nendobj\n")
    return b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + obj + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def ole2(streams):
    """A compound file with the given {name: bytes} streams in the root,
    all in big sectors (each padded to 4096 bytes so no mini stream)."""
    ss = 512
    sectors, fat, dirents = [], [], []
    for name, data in streams.items():
        data = data + b"\x00" * (-len(data) % ss)
        if len(data) < 4096:
            data += b"\x00" * (4096 - len(data))
        start = len(sectors)
        for i in range(0, len(data), ss):
            sectors.append(data[i:i + ss])
            fat.append(len(sectors) if i + ss < len(data) else 0xfffffffe)
        dirents.append((name, start, len(data)))

    def entry(name, typ, child, start, size, left=0xffffffff, right=0xffffffff):
        n = name.encode("utf-16-le") + b"\x00\x00"
        return (n.ljust(64, b"\x00") + struct.pack("<HBB", len(n), typ, 1) +
                struct.pack("<III", left, right, child) + b"\x00" * 36 +
                struct.pack("<III", start, size, 0))
    ents = [entry("Root Entry", 5, 1, 0xfffffffe, 0)]
    for i, (name, start, size) in enumerate(dirents):
        ents.append(entry(name, 2, 0xffffffff, start, size,
                          right=i + 2 if i + 1 < len(dirents) else 0xffffffff))
    d = b"".join(ents)
    d += b"\x00" * (-len(d) % ss)
    dir_start = len(sectors)
    for i in range(0, len(d), ss):
        sectors.append(d[i:i + ss])
        fat.append(len(sectors) if i + ss < len(d) else 0xfffffffe)
    # The allocation table's own sectors come last; each holds 128 entries,
    # and the header lists up to 109 of them (no DIFAT sectors needed).
    nfat = 1
    while len(fat) + nfat > nfat * (ss // 4):
        nfat += 1
    assert nfat <= 109, "compound file too large for this builder"
    fat_first = len(sectors)
    fat += [0xfffffffd] * nfat
    fat += [0xffffffff] * (nfat * (ss // 4) - len(fat))
    for k in range(nfat):
        sectors.append(struct.pack("<%dI" % (ss // 4), *fat[k * (ss // 4):(k + 1) * (ss // 4)]))
    difat = [fat_first + k for k in range(nfat)] + [0xffffffff] * (109 - nfat)
    hdr = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16 +
           struct.pack("<HHHHH", 0x3e, 3, 0xfffe, 9, 6) + b"\x00" * 6 +
           struct.pack("<IIIIIIII", 0, nfat, dir_start, 0, 4096, 0xfffffffe, 0, 0xfffffffe) +
           struct.pack("<I", 0) + struct.pack("<109I", *difat))
    return hdr + b"".join(sectors)


def ole2_package(payload, name="payload.bin"):
    n = name.encode() + b"\x00"
    native = b"\x02\x00" + n + b"C:\\" + n + b"\x00\x00\x03\x00" + \
        struct.pack("<I", len(n) + 3) + b"C:\\" + n + struct.pack("<I", len(payload)) + payload
    return ole2({"\x01Ole10Native": struct.pack("<I", len(native)) + native,
                 "WordDocument": b"\x00" * 64})


# -------------------------------------------------------- executables
def pe(body=b"", sections=(("code", b"\xc3" * 64),), lfanew=0x80):
    """A minimal PE32 image: headers (the PE header at lfanew), then each
    section's data."""
    nsec = len(sections)
    opt = 224
    hdr_len = lfanew + 24 + opt + 40 * nsec + 0x1ff & ~0x1ff
    raw, out_secs = hdr_len, []
    for name, data in sections:
        size = len(data) + (-len(data) % 0x200)
        out_secs.append((name, raw, size, data))
        raw += size
    dos = b"MZ" + b"\x00" * 58 + struct.pack("<I", lfanew)
    dos = dos.ljust(lfanew, b"\x00")
    coff = struct.pack("<HHIIIHH", 0x14c, nsec, 0, 0, 0, opt, 0x102)
    optional = struct.pack("<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII", 0x10b, 1, 0, 0, 0, 0, 0x1000,
                           0x1000, 0, 0x400000, 0x1000, 0x200, 4, 0, 0, 0, 4, 0, 0,
                           0x1000 * (nsec + 1), hdr_len, 0, 2, 0, 0x100000, 0x1000, 0x100000,
                           0x1000, 0, 16) + b"\x00" * 128
    table = b""
    for i, (name, rawoff, size, data) in enumerate(out_secs):
        table += (name.encode()[:8].ljust(8, b"\x00") +
                  struct.pack("<IIIIIIHHI", max(size, 0x1000), 0x1000 * (i + 1), size, rawoff,
                              0, 0, 0, 0, 0x60000020))
    head = (dos + b"PE\x00\x00" + coff + optional + table).ljust(hdr_len, b"\x00")
    secs = b"".join(data.ljust(size, b"\x00") for _, _, size, data in out_secs)
    return head + secs + body


def nrv2b_literals(data):
    """An NRV2B (LE32) stream of literals only, then the end marker."""
    out = bytearray()
    state = {"pos": None, "n": 0, "word": 0}

    def bit(b):
        if state["n"] == 0:
            state["pos"] = len(out)
            out.extend(b"\x00\x00\x00\x00")
        state["word"] |= (b & 1) << (31 - state["n"])
        state["n"] += 1
        struct.pack_into("<I", out, state["pos"], state["word"])
        if state["n"] == 32:
            state["n"], state["word"] = 0, 0
    for ch in data:
        bit(1)
        out.append(ch)
    bit(0)
    m_off = 0x01000002  # (m_off - 3) * 256 + 0xff == 0xffffffff: the end
    bits = bin(m_off)[3:]
    for i, b in enumerate(bits):
        bit(int(b))
        bit(1 if i == len(bits) - 1 else 0)
    out.append(0xff)
    return bytes(out)


def upx_pe(payload, extra=()):
    """A PE laid out as UPX does: empty UPX0, UPX1 holding the NRV2B data,
    and the "UPX!" pack header in the headers (then any extra sections)."""
    comp = nrv2b_literals(payload)
    img = pe(sections=(("UPX0", b""), ("UPX1", comp)) + tuple(extra))
    ph = (b"UPX!" + bytes([13, 9, 2, 8]) + struct.pack("<IIIII", 0, 0, len(payload), len(comp), 0) +
          b"\x00\x00\x00\x00")
    img = bytearray(img)
    img[0x1e0:0x1e0 + len(ph)] = ph
    # UPX0 has no raw data: give it a zero size but keep UPX1 at 0x200
    return bytes(img)


def upx_elf(payload):
    """An ELF laid out as UPX does: the "UPX!" l_info and p_info after the
    program, then b_info blocks (here: the payload in two stored blocks)
    ending with a zero-sized one."""
    half = len(payload) // 2
    blocks = b""
    for part in (payload[:half], payload[half:]):
        blocks += struct.pack("<IIBBBB", len(part), len(part), 2, 0, 0, 0) + part
    blocks += struct.pack("<IIBBBB", 0, 0, 0, 0, 0, 0)
    info = b"\x00" * 4 + b"UPX!" + struct.pack("<HBB", 12, 13, 12) + \
        struct.pack("<III", 0, len(payload), len(payload))
    return elf(b"\x90" * 16) + info + blocks


def _rol8(v, k):
    return ((v << k) | (v >> (8 - k))) & 0xff


def _ror8(v, k):
    return ((v >> k) | (v << (8 - k))) & 0xff


def yc_pe(payload):
    """upx_pe(payload) encrypted as yoda's Crypter 1.3 does: a "yC" section
    with the entry point and a two-layer stub (its own sequences: xor 0x5a,
    add cl, rol 3 for the stub; sub cl, xor 0x77, not for the sections)."""
    inner = upx_pe(payload)
    pe_off = struct.unpack_from("<I", inner, 0x3c)[0]
    nsec = struct.unpack_from("<H", inner, pe_off + 6)[0]
    secs = []
    for i in range(nsec):
        o = pe_off + 24 + 224 + 40 * i
        name = inner[o:o + 8].rstrip(b"\x00").decode()
        rs, ro = struct.unpack_from("<II", inner, o + 16)
        secs.append((name, inner[ro:ro + rs]))
    ep_rva = 0x1000 * (nsec + 1)
    ep_va = 0x400000 + ep_rva
    layer2 = (bytes.fromhex("8bfeeb0490eb01e9ac") + bytes.fromhex("2ac13477f6d0") +
              bytes.fromhex("aae2f0c3")).ljust(0x80, b"\x90")
    seq1 = bytes.fromhex("345a02c1c0c003")
    start_off = 51 + len(seq1) + 3
    ebp = 0x1000
    count = len(layer2)
    imm_a = (ep_va + 0xc - ebp) & 0xffffffff
    imm_c = 0x100
    stub = bytearray(bytes.fromhex("558bec53565760e8000000005d81ed") + struct.pack("<I", imm_a) +
                     b"\xb9" + struct.pack("<I", imm_c + count) + b"\x81\xe9" +
                     struct.pack("<I", imm_c) + b"\x8b\xd5\x81\xc2" +
                     struct.pack("<I", ep_va + start_off - ebp) +
                     bytes.fromhex("8d3a8bf733c0eb0490eb01c2ac"))
    stub += seq1 + bytes.fromhex("aae2f0")
    for i, b in enumerate(layer2):  # what the first layer undoes
        cl = (count - i) & 0xff
        stub.append(((_ror8(b, 3) - cl) & 0xff) ^ 0x5a)
    enc = []
    for name, data in secs:
        if data and name not in ("UPX0",):
            data = data.ljust(len(data) + (-len(data) % 0x200), b"\x00")
            n = len(data)
            data = bytes(((((~b) & 0xff) ^ 0x77) + ((n - i) & 0xff)) & 0xff
                         for i, b in enumerate(data))
        enc.append((name, data))
    img = bytearray(pe(sections=tuple(enc) + (("yC", bytes(stub)),)))
    img[0x1e0:0x200] = inner[0x1e0:0x200]  # the UPX pack header
    struct.pack_into("<I", img, 0x80 + 4 + 20 + 16, ep_rva)
    return bytes(img)


def nsis(payload):
    """An NSIS installer: PE stub, first header, a deflated script block
    and a deflated file block, then the CRC."""
    def block(data):
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        d = c.compress(data) + c.flush()
        return struct.pack("<I", 0x80000000 | len(d)) + d
    blocks = block(b"\x00" * 300) + block(payload)
    first = struct.pack("<II", 0, 0xdeadbeef) + b"NullsoftInst" + \
        struct.pack("<II", 300, 28 + len(blocks) + 4)
    stub = pe()
    stub += b"\x00" * (-len(stub) % 512)
    return stub + first + blocks + b"CRC!"


def installshield(payload, name="payload.bin"):
    """A setup executable with an "InstallShield" stream holding the
    payload, obfuscated in 1024-byte blocks with its name's key."""
    magic = (0x13, 0x35, 0x86, 0x07)
    key = [ord(ch) ^ magic[i % 4] for i, ch in enumerate(name)]
    enc = bytearray()
    for i, b in enumerate(payload):
        v = (key[(i % 1024) % len(key)] ^ ~b) & 0xff
        enc.append(((v << 4) | (v >> 4)) & 0xff)
    hdr = b"InstallShield\x00" + struct.pack("<HI", 1, 0) + b"\x00" * 26
    ent = name.encode().ljust(260, b"\x00") + struct.pack("<III", 6, 0, len(payload)) + b"\x00" * 40
    return pe() + hdr + ent + bytes(enc)


def iscab_setup(payload, name="payload.bin", chunk=1000):
    """A setup executable whose plain file list holds an InstallShield
    cabinet: data1.hdr (version 9 file table) and data1.cab with the payload
    as chunks of raw deflate, each after its 16-bit length."""
    data = b""
    for i in range(0, len(payload), chunk):
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        z = c.compress(payload[i:i + chunk]) + c.flush(zlib.Z_SYNC_FLUSH)
        data += struct.pack("<H", len(z)) + z
    cab = b"ISc(" + struct.pack("<I", 0x01009500) + b"\x00" * (0x200 - 8) + data
    hdr = bytearray(0x300)
    struct.pack_into("<4sIIII", hdr, 0, b"ISc(", 0x01009500, 0, 0x200, 0x100)
    struct.pack_into("<I", hdr, 0x200 + 0x0c, 0x40)          # file table
    struct.pack_into("<II", hdr, 0x200 + 0x28, 1, 0x20)      # files, descriptors
    hdr[0x240:0x240 + len(name) + 1] = name.encode() + b"\x00"
    fd = struct.pack("<HQQQ", 4, len(payload), len(data), 0x200) + b"\x00" * 32 + \
        struct.pack("<IH", 0, 0) + b"\x00" * 21 + struct.pack("<H", 1)
    hdr[0x260:0x260 + len(fd)] = fd

    def entry(n, blob):
        return b"%s\x00Disk1\\%s\x00%s\x00%d\x00" % (n, n, b"1.0.0.0", len(blob)) + blob
    return pe() + entry(b"data1.cab", cab) + entry(b"data1.hdr", bytes(hdr))


def sis(payload, name="payload.bin"):
    comp = zlib.compress(payload)
    dest = name.encode("utf-16-le")
    hdr = bytearray(0x100)
    struct.pack_into("<IIII", hdr, 0, 0x10201234, 0x10003a12, 0x10000419, 0)
    struct.pack_into("<HHHHHHHH", hdr, 0x10, 0, 1, 1, 0, 0, 0, 0x21, 0)
    struct.pack_into("<IHH", hdr, 0x20, 200, 1, 0)
    struct.pack_into("<I", hdr, 0x34, 0x60)
    rec = struct.pack("<IIIIIII", 0, 0, 0, 0, 0, len(dest), 0x100) + \
        struct.pack("<III", len(comp), 0x100 + len(dest), len(payload)) + struct.pack("<II", 0, 0)
    hdr[0x60:0x60 + len(rec)] = rec
    return bytes(hdr) + dest + comp


def elf(code, data=b"DATADATA" * 8, is64=True, be=False, entry_at=0):
    """An executable ELF: ELF header, one PT_LOAD mapping the whole file at
    0x400000, sections NULL, .text (code), .data and .shstrtab; the entry
    point is entry_at bytes into .text."""
    e = ">" if be else "<"
    ehsize, phsize, shsize = (64, 56, 64) if is64 else (52, 32, 40)
    names = b"\x00.text\x00.data\x00.shstrtab\x00"
    text_off = ehsize + phsize
    data_off = text_off + len(code)
    str_off = data_off + len(data)
    sh_off = (str_off + len(names) + 7) & ~7
    total = sh_off + 4 * shsize
    base = 0x400000
    if is64:
        hdr = struct.pack(e + "HHIQQQIHHHHHH", 2, 62, 1, base + text_off + entry_at, ehsize,
                          sh_off, 0, ehsize, phsize, 1, shsize, 4, 3)
        ph = struct.pack(e + "IIQQQQQQ", 1, 5, 0, base, base, total, total, 0x1000)
    else:
        hdr = struct.pack(e + "HHIIIIIHHHHHH", 2, 3, 1, base + text_off + entry_at, ehsize,
                          sh_off, 0, ehsize, phsize, 1, shsize, 4, 3)
        ph = struct.pack(e + "IIIIIIII", 1, 0, base, base, total, total, 5, 0x1000)
    ident = b"\x7fELF" + bytes([2 if is64 else 1, 2 if be else 1, 1]) + b"\x00" * 9
    secs = [(0, 0, 0, 0), (1, 1, text_off, len(code)), (7, 1, data_off, len(data)),
            (13, 3, str_off, len(names))]
    table = b""
    for name, typ, off, size in secs:
        if is64:
            table += struct.pack(e + "IIQQQQIIQQ", name, typ, 0, base + off if off else 0,
                                 off, size, 0, 0, 1, 0)
        else:
            table += struct.pack(e + "IIIIIIIIII", name, typ, 0, base + off if off else 0,
                                 off, size, 0, 0, 1, 0)
    body = ident + hdr + ph + code + data + names
    return body.ljust(sh_off, b"\x00") + table


def macho(code, data=b"DATADATA" * 8, entry_at=0, lc_main=False):
    """An x86-64 Mach-O executable: one __TEXT segment with __text and
    __data sections, and the entry point in LC_UNIXTHREAD (or LC_MAIN)."""
    nsect, seg_size = 2, 72 + 2 * 80
    thread_size = 16 + 21 * 8 if not lc_main else 24
    cmds = seg_size + thread_size
    text_off = 32 + cmds
    data_off = text_off + len(code)
    total = data_off + len(data)
    base = 0x100000000
    hdr = struct.pack("<IIIIIII", 0xfeedfacf, 0x01000007, 3, 2, 2, cmds, 0) + b"\x00" * 4
    seg = struct.pack("<II16sQQQQIIII", 0x19, seg_size, b"__TEXT", base, total, 0, total, 5, 5,
                      nsect, 0)
    for name, off, size in ((b"__text", text_off, len(code)), (b"__data", data_off, len(data))):
        seg += struct.pack("<16s16sQQIIIIIIII", name, b"__TEXT", base + off, size, off, 0,
                           0, 0, 0, 0, 0, 0)
    if lc_main:
        thread = struct.pack("<IIQQ", 0x80000028, 24, text_off + entry_at, 0)
    else:
        regs = [0] * 21
        regs[16] = base + text_off + entry_at  # rip
        thread = struct.pack("<IIII", 5, thread_size, 4, 42) + struct.pack("<21Q", *regs)
    return hdr + seg + thread + code + data


def pe_resource(payload, rtype=10, rid=101):
    """A PE whose second section is .rsrc: a type / name / language tree
    with one leaf, the payload (RCDATA by default)."""
    rva = 0x2000  # pe() maps section i at 0x1000 * (i + 1)

    def directory(entry_id, to):
        return struct.pack("<IIHHHH", 0, 0, 0, 0, 0, 1) + struct.pack("<II", entry_id, to)
    tree = (directory(rtype, 0x80000018) + directory(rid, 0x80000030) +
            directory(0x409, 0x48) + struct.pack("<IIII", rva + 0x58, len(payload), 0, 0))
    blob = tree.ljust(0x58, b"\x00") + payload
    img = bytearray(pe(sections=(("code", b"\xc3" * 64), ("rsrc", blob))))
    struct.pack_into("<II", img, 0x80 + 4 + 20 + 96 + 2 * 8, rva, len(blob))
    return bytes(img)


def pe_sfx(payload):
    """A self-extracting zip: a PE stub with the zip appended."""
    return pe() + zip_of(payload)


def embedded_pe(payload_pe):
    return pe(body=b"\x00" * 77 + payload_pe + b"\x00" * 50)


def md5(data):
    return hashlib.md5(data).hexdigest()
