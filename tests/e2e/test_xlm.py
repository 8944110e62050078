"""Excel 4.0 (XLM) macros: a workbook that holds a macro sheet or pictures
is written out as clamscan's text dump of its records (formulas decoded to
tokens, function names, strings and references; defined names; sheet
kinds) and matched as the object "xlm-macro", so a signature written
against clamscan's dump finds the same text in Vigil. The dumps are
compared line for line with clamscan's own, taken from its temporary
directory (unbuffered by an LD_PRELOAD shim, since clamscan writes the
last part of its dump over the start of the file after scanning it), on
workbooks generated with every kind of token, valid and not."""
import glob
import os
import random
import struct
import subprocess
import sys

from test_parity import by_file

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import formatgen as fg  # noqa: E402

R = fg.biff_record
UNBUF_SRC = os.path.join(os.path.dirname(__file__), "unbufio.c")
HEAD = b"-- BIFF content extracted and disassembled from CL_TYPE_MSXL .xls file"


def bof(dt):
    return R(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0x0DBB, 0x07CC, 0, 6))


def token(r):
    """One formula token of a random kind, or random bytes."""
    k = r.randrange(14)
    if k == 0:
        return r.choice([b"\x03", b"\x08", b"\x11", b"\x16", b"\x07", b"\x15", b"\x00"])
    if k == 1:
        s = bytes(r.randrange(32, 127) for _ in range(r.randrange(0, 20)))
        return b"\x17" + bytes([len(s), 0]) + s
    if k == 2:
        s = "".join(chr(r.choice([r.randrange(32, 0x7f), r.randrange(0x80, 0xd7ff), 0xd800,
                                  0xdc00])) for _ in range(r.randrange(0, 8)))
        u = s.encode("utf-16-le", "surrogatepass")
        return b"\x17" + bytes([len(u) // 2, 1]) + u
    if k == 3:
        fid = r.choice([r.randrange(380), 0x8000 + r.randrange(820), r.randrange(65536)])
        return bytes([r.choice([0x21, 0x41, 0x61])]) + struct.pack("<H", fid)
    if k == 4:
        fid = r.choice([r.randrange(380), 0x8000 + r.randrange(820), 0x806d, 0x6e])
        return bytes([r.choice([0x22, 0x42, 0x62]), r.randrange(256)]) + struct.pack("<H", fid)
    if k == 5:
        return (b"\x19" + bytes([r.choice([0, 0x40, 0x41])]) + struct.pack("<H", r.randrange(4)) +
                r.randbytes(r.randrange(0, 10)))
    if k == 6:
        return bytes([r.choice([0x1d, 0x1e])]) + r.randbytes(2)
    if k == 7:
        return b"\x1f" + struct.pack("<d", r.choice([r.uniform(-1e6, 1e6), 0.0, 1e300]))
    if k == 8:
        return bytes([r.choice([0x24, 0x44, 0xa4, 0x01])]) + r.randbytes(4)
    if k == 9:
        return b"\x25" + r.randbytes(8)
    if k == 10:
        return bytes([r.choice([0x3a, 0x5a, 0x39, 0x26])]) + r.randbytes(6)
    if k == 11:
        return b"\x23" + r.randbytes(4)
    return r.randbytes(r.randrange(1, 6))


def record(r):
    k = r.randrange(8)
    if k < 3:  # Formula: cell, flags, cached value, the tokens, sometimes more
        rgce = b"".join(token(r) for _ in range(r.randrange(1, 8)))
        return R(0x0006, r.randbytes(4) + struct.pack("<H", 0x0F) + bytes(8) +
                 struct.pack("<HIH", 0, 0, len(rgce)) + rgce + r.randbytes(r.choice([0, 0, 1, 3])))
    if k == 3:  # Lbl, a name
        return R(0x18, r.randbytes(r.randrange(10, 40)))
    if k == 4:  # Lbl, a built-in name (1: auto_open)
        return R(0x18, b"\x20" + r.randbytes(13) + bytes([0, r.randrange(4)]) +
                 r.randbytes(r.randrange(0, 4)))
    if k == 5:  # BoundSheet8
        return R(0x85, r.randbytes(4) + bytes([r.randrange(4), r.choice([0, 1, 2, 6, 9])]) +
                 r.randbytes(r.randrange(0, 8)))
    if k == 6:  # String
        return R(0x207, struct.pack("<HB", r.randrange(30), r.choice([0, 1, 8])) +
                 r.randbytes(r.randrange(0, 30)))
    return R(r.randrange(0x1000), r.randbytes(r.randrange(0, 30)))


def workbook(seed):
    """A workbook with a macro sheet and random records. Its first record
    fills clamscan's whole record buffer (8228 bytes), whose bytes past a
    record it reads as if they were the record's: uninitialised memory in
    clamscan until a record has been there, so the test puts one there. Its
    last byte is a NUL, where a name of negative length stops (clamscan
    would read on past its buffer)."""
    r = random.Random(seed)
    recs = [bof(5), R(0x0999, bytes([r.choice([0, 0x41, 0xfe])]) * 8227 + b"\0"),
            R(0x85, struct.pack("<IBBBB", 0, 2, 1, 1, 0) + b"M"), bof(0x40)]
    recs += [record(r) for _ in range(r.randrange(20, 60))]
    return fg.ole2({"Workbook": b"".join(recs)})


def clamscan_dumps(clamscan, tmp_path, d):
    """clamscan's XLM dump of each file of d, by name."""
    tmp = tmp_path / "clamtmp"
    tmp.mkdir()
    shim = tmp_path / "libunbufio.so"  # built here: never with the sanitizers
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(shim), UNBUF_SRC, "-ldl"], check=True)
    db = tmp_path / "none.ndb"
    db.write_text("Never.Here:0:*:%s\n" % b"never-in-a-test-file".hex())
    c = clamscan("--leave-temps", "--tempdir=%s" % tmp, "-r", "-d", db, d,
                 env=dict(os.environ, LD_PRELOAD=str(shim)))
    assert c.rc == 0, c.out + c.err
    out = {}
    for f in os.listdir(d):
        found = glob.glob(str(tmp / ("*-%s.*" % f) / "*" / "xlm_macros*"))
        assert len(found) == 1, (f, found)
        out[f] = open(found[0], "rb").read()
    return out


def test_dump_lines_as_clamscan(tmp_path, vigil, clamscan):
    d = tmp_path / "books"
    d.mkdir()
    for seed in range(40):
        (d / ("b%02d.xls" % seed)).write_bytes(workbook(seed))
    dumps = clamscan_dumps(clamscan, tmp_path, d)
    every = b"".join(dumps.values())
    for piece in [b"ptgStr", b"CHOOSE (", b"func EXEC (0x006e)", b" R~", b"NAMEIDX",
                  b"<Failed to decode UTF16LE string>", b"built-in-name 1 auto_open",
                  b"Excel 4.0 macro sheet, very hidden", b"STRING : String Value of a Formula",
                  b"(null)", b"<unknown function>", b"REFERENCE-EXPRESSION"]:
        assert piece in every, piece  # the generator reaches every path
    sigs, want = [], {}
    for f, text in sorted(dumps.items()):
        assert text.startswith(HEAD), text[:200]
        lines = text.split(b"\n")
        assert lines[-1] == b"", lines[-1]
        for i, line in enumerate(lines[1:-1], 1):
            name = "Xlm.%s.L%d" % (f[:3], i)
            sigs.append("%s:0:*:%s" % (name, (b"\n" + line + b"\n").hex()))
            want.setdefault(f, set()).add(name)
        sigs.append("Xlm.%s.Head:0:0:%s" % (f[:3], lines[0].hex()))
        want[f].add("Xlm.%s.Head" % f[:3])
    db = tmp_path / "lines.ndb"
    db.write_text("\n".join(sigs) + "\n")
    v = vigil("scan", "--no-summary", "-z", "-d", db, d)
    got = by_file(v, d)
    missing = {f: sorted(w - got.get(f, set()))[:5] for f, w in want.items()
               if not w <= got.get(f, set())}
    assert not missing, missing
    assert "b00.xls//xlm-macro: Xlm.b00.Head FOUND" in v.out, v.out


def pictures_png():
    return b"\x89PNG\r\n\x1a\n" + bytes(64)


def test_xlm_detection_as_clamscan(tmp_path, vigil, clamscan):
    """Signatures on the dump: a macro sheet's formulas, and the dump of a
    workbook with pictures but no macro sheet (clamscan writes one for
    those too); a plain worksheet gets no dump."""
    d = tmp_path / "docs"
    d.mkdir()
    (d / "macro.xls").write_bytes(fg.xls())
    (d / "hidden.xls").write_bytes(fg.xls(hidden=2))
    (d / "book.xls").write_bytes(fg.xls(stream="Book"))  # BIFF5: no dump
    (d / "pictures.xls").write_bytes(fg.xls(sheet_type=0, pictures=[("png", pictures_png())]))
    (d / "plain.xls").write_bytes(fg.xls(sheet_type=0))
    db = tmp_path / "x.ndb"
    db.write_text("Xlm.Exec:0:*:%s\nXlm.Sheet:0:*:%s\nXlm.Head:0:0:%s\n" % (
        b"ptgFuncVarV args 1 func EXEC (0x006e)".hex(),
        b"Excel 4.0 macro sheet, very hidden".hex(), HEAD.hex()))
    v = vigil("scan", "--no-summary", "-z", "-d", db, d)
    c = clamscan("--no-summary", "-z", "-r", "-d", db, d)
    cf = by_file(c, d)
    assert cf == {"macro.xls": {"Xlm.Exec", "Xlm.Head"},
                  "hidden.xls": {"Xlm.Exec", "Xlm.Head", "Xlm.Sheet"},
                  "pictures.xls": {"Xlm.Exec", "Xlm.Head"}}, c.out
    assert by_file(v, d) == cf, (v.out, c.out)


def test_scan_ole2_no(tmp_path, vigil, clamscan):
    """--scan-ole2=no: no workbook is read, no dump, in both."""
    d = tmp_path / "docs"
    d.mkdir()
    (d / "macro.xls").write_bytes(fg.xls())
    db = tmp_path / "x.ndb"
    db.write_text("Xlm.Head:0:0:%s\n" % HEAD.hex())
    v = vigil("scan", "--no-summary", "--scan-ole2=no", "-d", db, d)
    c = clamscan("--no-summary", "-r", "--scan-ole2=no", "-d", db, d)
    assert by_file(v, d) == by_file(c, d) == {}, (v.out, c.out)
