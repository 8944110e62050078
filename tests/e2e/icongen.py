"""PE images with icon resources, for ClamAV's icon matcher (.idb and
IconGroup1/2): DIB icons of every depth ClamAV reads (1, 4, 8, 16, 24 and
32 bits, 32 with and without alpha), sizes it keeps (16, 24, 32), halves
(48, 64, 96, 128) and samples (20, 40, 30x36), drawn from a seed so that
the same seed gives the same picture at every size."""
import math
import os
import struct
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import formatgen as fg  # noqa: E402


def picture(w, h, seed):
    """Rows of (r, g, b, opaque) tuples, top row first: a disc and a bar
    on a gradient, placed by the seed, with a transparent corner."""
    cx, cy = w * (0.3 + 0.1 * (seed % 4)), h * (0.4 + 0.1 * (seed % 3))
    rad = min(w, h) * (0.2 + 0.05 * (seed % 3))
    hue = [(200, 30, 40), (30, 160, 60), (40, 60, 210), (220, 200, 30),
           (120, 120, 120), (250, 250, 250), (10, 10, 10)][seed % 7]
    rows = []
    for y in range(h):
        row = []
        for x in range(w):
            g = int(255 * (x + y) / (w + h))
            px = (g, (g * 3 + seed * 40) & 255, 255 - g)
            if seed % 5 == 4:   # black and white pictures
                px = (g, g, g)
            if (x - cx) ** 2 + (y - cy) ** 2 < rad * rad:
                px = hue
            if abs(y - h * 0.75) < h / 10 and x > w / 5:
                px = (hue[2], hue[0], hue[1]) if seed % 5 != 4 else (0, 0, 0)
            opaque = not (x < w // 6 and y < h // 6)
            row.append(px + (opaque,))
        rows.append(row)
    return rows


def _mask(rows, w):
    stride = ((w + 31) // 32) * 4
    out = b""
    for row in reversed(rows):
        bits = bytearray(stride)
        for x, p in enumerate(row):
            if not p[3]:
                bits[x // 8] |= 0x80 >> (x % 8)
        out += bytes(bits)
    return out


def _palette(rows, depth):
    colours = []
    for row in rows:
        for p in row:
            if p[:3] not in colours:
                colours.append(p[:3])
    n = 1 << depth
    if len(colours) > n:  # reduce: keep the first n, map to nearest
        colours = colours[:n]
    return colours + [(0, 0, 0)] * (n - len(colours))


def _nearest(pal, c):
    return min(range(len(pal)), key=lambda i: sum((a - b) ** 2 for a, b in zip(pal[i], c)))


def dib(w, h, depth, seed, alpha=True):
    """An icon's DIB: header (height doubled), palette, pixels bottom-up,
    AND mask (none for 32-bit with alpha)."""
    rows = picture(w, h, seed)
    stride = ((w * depth + 31) // 32) * 4
    pal = _palette(rows, depth) if depth <= 8 else None
    data = b""
    for row in reversed(rows):
        line = bytearray()
        if depth <= 8:
            acc, nbits = 0, 0
            for p in row:
                acc = (acc << depth) | _nearest(pal, p[:3])
                nbits += depth
                if nbits == 8:
                    line.append(acc)
                    acc, nbits = 0, 0
            if nbits:
                line.append(acc << (8 - nbits))
        elif depth == 16:
            for r, g, b, _ in row:
                v = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3)
                line += struct.pack("<H", v)
        elif depth == 24:
            for r, g, b, _ in row:
                line += bytes((b, g, r))
        else:
            for r, g, b, o in row:
                a = (255 if o else 0) if alpha else 0
                line += bytes((b, g, r, a))
        data += bytes(line.ljust(stride, b"\x00"))
    hdr = struct.pack("<IiiHHIIiiII", 40, w, 2 * h, 1, depth, 0, 0, 0, 0, 0, 0)
    paltab = b"".join(bytes((b, g, r, 0)) for r, g, b in pal) if pal else b""
    mask = b"" if depth == 32 and alpha else _mask(rows, w)
    return hdr + paltab + data + mask


def pe_with_icons(icons, langs=1):
    """A PE whose .rsrc holds each icon (DIB bytes) as RT_ICON 1..n, in
    langs languages, and RT_GROUP_ICON 1 listing them."""
    n = len(icons)
    grp = struct.pack("<HHH", 0, 1, n) + b"".join(
        struct.pack("<BBBBHHIH", 0, 0, 0, 0, 1, 32, len(d), i + 1)
        for i, d in enumerate(icons))
    leaves = [(3, i + 1, d) for i, d in enumerate(icons)] + [(14, 1, grp)]
    rva = 0x2000

    def dirhdr(nids):
        return struct.pack("<IIHHHH", 0, 0, 0, 0, 0, nids)
    # layout: root, type dirs, name dirs, lang dirs, data entries, data
    root_len = 16 + 8 * 2
    type3_len = 16 + 8 * n
    type14_len = 16 + 8
    lang_len = 16 + 8 * langs
    off_type3 = root_len
    off_type14 = off_type3 + type3_len
    off_langs = off_type14 + type14_len
    off_entries = off_langs + lang_len * len(leaves)
    off_data = off_entries + 16 * len(leaves) * langs
    blob = bytearray()
    blob += dirhdr(2) + struct.pack("<IIII", 3, 0x80000000 | off_type3,
                                    14, 0x80000000 | off_type14)
    blob += dirhdr(n) + b"".join(struct.pack("<II", i + 1, 0x80000000 | (off_langs + lang_len * i))
                                 for i in range(n))
    blob += dirhdr(1) + struct.pack("<II", 1, 0x80000000 | (off_langs + lang_len * n))
    for k in range(len(leaves)):
        blob += dirhdr(langs) + b"".join(
            struct.pack("<II", 0x409 + j, off_entries + 16 * (k * langs + j)) for j in range(langs))
    data = bytearray()
    entries = bytearray()
    for _, _, d in leaves:
        at = off_data + len(data)
        for j in range(langs):
            entries += struct.pack("<IIII", rva + at, len(d), 0, 0)
        data += d + b"\x00" * (-len(d) % 4)
    blob += entries + data
    img = bytearray(fg.pe(sections=(("code", b"\xc3" * 64), ("rsrc", bytes(blob)))))
    struct.pack_into("<II", img, 0x80 + 4 + 20 + 96 + 2 * 8, rva, len(blob))
    return bytes(img)
