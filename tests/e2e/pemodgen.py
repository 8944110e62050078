"""pemodgen.py -- PE images with what YARA's pe module reads: imports
(by name and by ordinal, from two DLLs), exports (named, one forwarded),
a resource tree holding version information and an icon, a rich header
and a CodeView debug record with a PDB path. Sections sit at RVA
0x1000 * (i + 1), as formatgen.pe() lays them out."""
import struct
import sys
import os

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import formatgen  # noqa: E402

LFANEW = 0x80


def _imports(rva):
    dlls = [("KERNEL32.dll", ["CreateFileA", "WriteFile", "ExitProcess"]),
            ("WS2_32.dll", [0x80000017, 0x80000003])]
    desc_end = 20 * (len(dlls) + 1)
    blob = bytearray(0x200)
    at = desc_end
    names_at = 0x100
    for i, (dll, fns) in enumerate(dlls):
        ilt = at
        at += 4 * (len(fns) + 1)
        for k, fn in enumerate(fns):
            if isinstance(fn, int):
                struct.pack_into("<I", blob, ilt + 4 * k, fn)
            else:
                struct.pack_into("<H", blob, names_at, k)
                blob[names_at + 2:names_at + 3 + len(fn)] = fn.encode() + b"\0"
                struct.pack_into("<I", blob, ilt + 4 * k, rva + names_at)
                names_at += 4 + len(fn) & ~1
        name_at = names_at
        blob[name_at:name_at + len(dll) + 1] = dll.encode() + b"\0"
        names_at += len(dll) + 2
        struct.pack_into("<IIIII", blob, 20 * i, rva + ilt, 0, 0, rva + name_at,
                         rva + ilt)
    return bytes(blob)


def _exports(rva, text_rva):
    blob = bytearray(0x100)
    names = [b"alpha_run", b"beta_stop"]
    funcs, nameptrs, ords = 0x28, 0x34, 0x3c
    struct.pack_into("<IIHHIIIIIII", blob, 0, 0, 0x5f5e0ff, 0, 0, rva + 0x80, 1,
                     3, 2, rva + funcs, rva + nameptrs, rva + ords)
    fwd = rva + 0xa0  # inside the directory: a forwarder
    struct.pack_into("<III", blob, funcs, text_rva, text_rva + 4, fwd)
    at = 0x60
    for i, n in enumerate(names):
        blob[at:at + len(n) + 1] = n + b"\0"
        struct.pack_into("<I", blob, nameptrs + 4 * i, rva + at)
        struct.pack_into("<H", blob, ords + 2 * i, i)
        at += 0x10
    blob[0x80:0x8a] = b"vigil.dll\0"
    blob[0xa0:0xb2] = b"NTDLL.RtlExitFoo\0\0"
    return bytes(blob)


def _block(key, value=b"", children=b"", text=False):
    """A version information block: length, value length, type, key."""
    k = key.encode("utf-16-le") + b"\0\0"
    head = 6 + len(k)
    head += -head % 4
    body = value + b"\0" * (-len(value) % 4)
    vlen = len(value) // 2 if text else len(value)
    data = struct.pack("<HHH", 0, vlen, 1 if text else 0) + k
    data = data.ljust(head, b"\0") + body + children
    return struct.pack("<H", len(data)) + data[2:]


def version_info(strings):
    table = b"".join(
        _block(k, v.encode("utf-16-le") + b"\0\0", text=True)
        for k, v in strings)
    sfi = _block("StringFileInfo", children=_block("040904b0", children=table))
    fixed = struct.pack("<13I", 0xfeef04bd, 0x10000, 0x10002, 3, 0x10002, 3,
                        0x3f, 0, 4, 1, 0, 0, 0)
    return _block("VS_VERSION_INFO", fixed, sfi)


def _resources(rva, vi):
    """type 16 (version) and 3 (icon), each one name and language."""
    def directory(entries):
        out = struct.pack("<IIHHHH", 0, 0x5f5e100, 4, 0, 0, len(entries))
        return out + b"".join(struct.pack("<II", i, to) for i, to in entries)
    root = directory([(3, 0x80000018 + 0x00), (16, 0x80000020)])
    # level 1 for the icon at 0x18, the version at 0x30 (each 24 bytes)
    blob = bytearray(0x200)
    blob[0:len(root)] = root
    root_len = len(root)  # 32
    struct.pack_into("<I", blob, 16 + 4, 0x80000000 | root_len)
    struct.pack_into("<I", blob, 24 + 4, 0x80000000 | (root_len + 24))
    lvl1 = [directory([(1, 0x80000000 | (root_len + 48))]),
            directory([(1, 0x80000000 | (root_len + 72))])]
    lvl2 = [directory([(0x409, root_len + 96)]),
            directory([(0x809, root_len + 112)])]
    at = root_len
    for d in lvl1 + lvl2:
        blob[at:at + len(d)] = d
        at += len(d)
    icon, data_at = b"\x00" * 40, 0x100
    struct.pack_into("<IIII", blob, root_len + 96, rva + data_at, len(icon), 0, 0)
    struct.pack_into("<IIII", blob, root_len + 112, rva + data_at + 0x40, len(vi), 0, 0)
    blob[data_at:data_at + len(icon)] = icon
    blob = blob[:data_at + 0x40] + vi
    return bytes(blob)


def _rich(image):
    """A rich header between the DOS stub and the PE header."""
    key = 0x1234abcd
    entries = [(0x00e1, 0x7809, 3), (0x0105, 0x7809, 12)]
    words = [0x536e6144, 0, 0, 0]
    for tool, build, count in entries:
        words += [(tool << 16) | build, count]
    enc = [w ^ key for w in words] + [0x68636952, key]
    blob = struct.pack("<%dI" % len(enc), *enc)
    out = bytearray(image)
    out[0x40:0x40 + len(blob)] = blob
    return bytes(out)


def _debug(rva, pdb):
    rec = b"RSDS" + b"\x11" * 16 + struct.pack("<I", 1) + pdb + b"\0"
    entry = struct.pack("<IIHHIIII", 0, 0, 0, 0, 2, len(rec), rva + 28, 0)
    return entry + rec


def image(pe64=False):
    """The whole image; data directories patched to point at each part."""
    text = b"\x55\x8b\xec" + b"\x90" * 61 + b"\xc3"
    vi = version_info([("CompanyName", "Vigil Test"),
                       ("FileDescription", "Module fixture"),
                       ("OriginalFilename", "fixture.exe")])
    secs = (("text", text), ("idata", _imports(0x2000)),
            ("edata", _exports(0x3000, 0x1000)), ("rsrc", _resources(0x4000, vi)),
            ("debug", _debug(0x5000, b"C:\\build\\fixture.pdb")))
    img = bytearray(formatgen.pe(sections=secs, pe64=pe64))
    dirs = LFANEW + 24 + (112 if pe64 else 96)
    sizes = {0: (0x3000, 0x100), 1: (0x2000, 60), 2: (0x4000, len(secs[3][1])),
             6: (0x5000, 28)}
    for k, (r, n) in sizes.items():
        struct.pack_into("<II", img, dirs + 8 * k, r, n)
    struct.pack_into("<I", img, LFANEW + 24 + 16, 0x1000)  # entry point
    return _rich(bytes(img))
