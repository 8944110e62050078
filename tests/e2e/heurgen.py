"""Files for the heuristics options (--alert-broken, --alert-broken-media,
--detect-structured): sound and broken executables, sound and broken
images, and text with card and social security numbers. Each is built
here, at test time; test_heuristics.py runs clamscan and vigil on them."""
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import formatgen as fg  # noqa: E402
from formatgen import elf, pe  # noqa: E402


def luhn_complete(prefix, length):
    """prefix followed by digits up to length with a valid check digit."""
    digits = prefix + "7" * (length - len(prefix) - 1)
    total = 0
    for i, ch in enumerate(reversed(digits)):
        v = int(ch)
        if i % 2 == 0:
            v = v * 2 - 9 if v * 2 > 9 else v * 2
        total += v
    return digits + str((10 - total % 10) % 10)


def png(chunks=None):
    def chunk(typ, data):
        return (struct.pack(">I", len(data)) + typ + data +
                struct.pack(">I", zlib.crc32(typ + data)))
    if chunks is None:
        raw = b"\x00\x00\x00\x00" * 2
        chunks = [chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 2, 8, 2, 0, 0, 0)),
                  chunk(b"IDAT", zlib.compress(raw)), chunk(b"IEND", b"")]
    return b"\x89PNG\r\n\x1a\n" + b"".join(chunks)


def gif(body=None, gct=True):
    head = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80 if gct else 0, 0, 0)
    if gct:
        head += b"\x00\x00\x00\xff\xff\xff"
    if body is None:
        body = (b"\x21\xf9\x04\x00\x00\x00\x00\x00" +
                b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) +
                b"\x02\x02\x44\x01\x00" + b"\x3b")
    return head + body


def jpeg_seg(marker, data):
    return bytes([0xff, marker]) + struct.pack(">H", len(data) + 2) + data


JFIF = jpeg_seg(0xe0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
SOF = jpeg_seg(0xc0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
SOS = jpeg_seg(0xda, b"\x01\x01\x00\x00\x3f\x00")


def jpeg(segments=None, tail=b"\x12\x34\xff\xd9"):
    if segments is None:
        segments = [JFIF, jpeg_seg(0xdb, b"\x00" + b"\x01" * 64), SOF]
    return b"\xff\xd8" + b"".join(segments) + SOS + tail


def tiff(first=8, entries=((256, 3, 1, 1),), nxt=0, pad=b""):
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        ifd += struct.pack("<HHII", tag, typ, count, value)
    return b"II*\x00" + struct.pack("<I", first) + ifd + struct.pack("<I", nxt) + pad


def pe_with(**patch):
    """A sound PE with fields of its headers changed: nsect, salign,
    falign, ep, first_rva, second_rva, raw (of the first section)."""
    img = bytearray(pe(sections=(("code", b"\xc3" * 64), ("data", b"D" * 64))))
    lfanew = 0x80
    opt = lfanew + 24
    table = opt + 224
    fields = {"nsect": (lfanew + 6, "<H"), "salign": (opt + 32, "<I"),
              "falign": (opt + 36, "<I"), "ep": (opt + 16, "<I"),
              "first_rva": (table + 12, "<I"), "second_rva": (table + 40 + 12, "<I"),
              "raw": (table + 20, "<I"), "optsize": (lfanew + 20, "<H")}
    for key, value in patch.items():
        at, fmt = fields[key]
        struct.pack_into(fmt, img, at, value)
    return bytes(img)


def elf_with(**patch):
    """A sound ELF64 with header fields changed: cls, phentsize, phnum,
    shentsize, entry."""
    img = bytearray(elf(b"\x90" * 32))
    fields = {"cls": (4, "<B"), "entry": (24, "<Q"), "phentsize": (54, "<H"),
              "phnum": (56, "<H"), "shentsize": (58, "<H")}
    for key, value in patch.items():
        at, fmt = fields[key]
        struct.pack_into(fmt, img, at, value)
    return bytes(img)


def executables():
    good_pe = pe_with()
    return {
        "pe-sound.exe": good_pe,
        "pe-no-sections.exe": pe_with(nsect=0),
        "pe-salign.exe": pe_with(salign=0x200),
        "pe-falign.exe": pe_with(falign=0x100),
        "pe-hole.exe": pe_with(second_rva=0x4000),
        "pe-first-late.exe": pe_with(first_rva=0x2000, second_rva=0x3000, ep=0x2000),
        "pe-ep-outside.exe": pe_with(ep=0x9000),
        "pe-optsize.exe": pe_with(optsize=0x40),
        "pe-truncated.exe": good_pe[:0x100],
        "elf-sound": elf_with(),
        "elf-class": elf_with(cls=3),
        "elf-phentsize": elf_with(phentsize=40),
        "elf-phnum": elf_with(phnum=200),
        "elf-entry": elf_with(entry=0x10),
        "elf-shentsize": elf_with(shentsize=50),
    }


def images():
    good_png, good_gif, good_jpeg = png(), gif(), jpeg()
    return {
        "sound.png": good_png,
        "png-cut-chunk.png": good_png[:40],
        "png-cut-crc.png": good_png[:8 + 8 + 13 + 2],
        "png-cut-type.png": good_png[:8 + 4 + 2],
        "png-length.png": good_png[:8] + b"\x80\x00\x00\x00IHDR" + b"\x00" * 20,
        "sound.gif": good_gif,
        "gif-screen.gif": good_gif[:9],
        "gif-gct.gif": good_gif[:15],
        "gif-no-image.gif": gif(body=b""),
        "gif-label.gif": gif(body=b"\x99"),
        "gif-data.gif": gif(body=b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) +
                            b"\x02\x40\x44"),
        "gif-ext.gif": gif(body=b"\x21\xfe\x30abc"),
        "sound.jpg": good_jpeg,
        "jpeg-out.jpg": b"\xff\xd8" + JFIF[:4] + b"\x00" * 4,
        "jpeg-size.jpg": b"\xff\xd8\xff\xe0\x00\x01" + b"\x00" * 20,
        "jpeg-noimage.jpg": b"\xff\xd8" + JFIF + b"\xff\xd9",
        "jpeg-dup.jpg": jpeg([JFIF, JFIF, SOF]),
        "jpeg-short.jpg": jpeg([jpeg_seg(0xe0, b"JFIF\x00\x01"), SOF]),
        "jpeg-spurious.jpg": b"\xff\xd8" + JFIF + b"\x00" * 20 + SOF + SOS,
        "jpeg-late-jfif.jpg": jpeg([SOF, jpeg_seg(0xdb, b"\x00" * 65), JFIF]),
        "jpeg-dtt.jpg": jpeg([JFIF, jpeg_seg(0xf2, b"\x00\x00"), SOF]),
        "jpeg-cut.jpg": b"\xff\xd8" + JFIF,
        "sound.tif": tiff(),
        "tiff-zero.tif": tiff(first=0),
        "tiff-far.tif": tiff(first=5000),
        "tiff-oob.tif": tiff(entries=((270, 2, 400, 20),)),
        "tiff-order.tif": tiff(nxt=8, pad=struct.pack("<H", 0) + b"\x00" * 8),
    }


def texts():
    visa = [luhn_complete("4%05d" % (11111 + i), 16) for i in range(4)]
    amex = luhn_complete("3712", 15)
    ssns = ["123-45-6789", "234-56-7890", "345-67-8901"]
    bad_ssns = ["000-12-3456", "666-12-3456", "900-12-3456", "987-65-4321"]
    broken_luhn = [v[:-1] + str((int(v[-1]) + 1) % 10) for v in visa]
    line = "Order notes for the quarter.\n"
    return {
        "cards.txt": line + "\n".join("card %s ok" % v for v in visa[:3]) + "\n",
        "cards-spaced.txt": line + "\n".join(
            "card %s %s %s %s" % (v[:4], v[4:8], v[8:12], v[12:]) for v in visa[:3]) + "\n",
        "cards-two.txt": line + "card %s and %s\n" % (visa[0], visa[1]),
        "cards-luhn.txt": line + "\n".join(broken_luhn) + "\n",
        "cards-amex.txt": line + (amex + "\n") * 3,
        "cards-glued.txt": line + "\n".join("9" + v for v in visa[:3]) + "\n",
        "ssn.txt": line + "\n".join("SSN %s" % s for s in ssns) + "\n",
        "ssn-stripped.txt": line + "\n".join(s.replace("-", "") for s in ssns) + "\n",
        "ssn-bad.txt": line + "\n".join(bad_ssns) + "\n",
        "plain.txt": line * 20,
    }
