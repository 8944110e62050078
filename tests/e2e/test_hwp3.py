"""HWP 3.0 documents (formatgen.hwp3): the inflated content and the
additional information blocks (OLE objects, pictures, hyperlink macros,
unknown blocks) are objects of their own, as clamscan scans them; the
paragraph walk goes through tables, pictures, character shapes and long
paragraph information; a password-protected document is
Heuristics.Encrypted.HWP (clamscan passes it as clean); one whose
paragraphs do not hold is Heuristics.Broken.HWP3."""
import os
import struct
import sys

from test_parity import by_file

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import formatgen as fg  # noqa: E402

TEXT = "Hello HWP3 world"
OLE = b"OLEPAYLOAD HWP3ATTACH marker"
IMG = b"IMGPAYLOAD picture bytes"


def sigs(tmp_path):
    db = tmp_path / "h.ndb"
    db.write_text("Hwp.Text:0:*:%s\nHwp.Ole:0:0:%s\nHwp.Img:0:0:%s\nHwp.Link:0:0:%s\n" % (
        "Hello HWP3".encode("utf-16-le").hex(), OLE[:10].hex(), IMG[:10].hex(),
        b"MACRO-LINK".hex()))
    return db


def documents(d):
    link = bytearray(617)
    link[288:288 + 10] = b"MACRO-LINK"
    docs = {
        "plain.hwp": fg.hwp3(),
        "stored.hwp": fg.hwp3(compressed=False),
        "blocks.hwp": fg.hwp3(blocks=[(2, OLE), (1, b"N" * 32 + IMG), (3, bytes(link))]),
        "nested.hwp": fg.hwp3(paragraphs=[
            fg.hwp3_paragraph("outer", specials=fg.hwp3_table(["cell one", "cell two"])),
            fg.hwp3_paragraph("pic", specials=fg.hwp3_picture(b"\x89PNG" + bytes(40))),
            fg.hwp3_paragraph(TEXT, long_info=True, shapes=True)],
            blocks=[(2, OLE)]),
    }
    for name, data in docs.items():
        (d / name).write_bytes(data)


def test_hwp3_as_clamscan(tmp_path, vigil, clamscan):
    d = tmp_path / "docs"
    d.mkdir()
    documents(d)
    db = sigs(tmp_path)
    v = vigil("scan", "--no-summary", "--allmatch", "-d", db, d)
    c = clamscan("--no-summary", "--allmatch", "-r", "-d", db, d)
    cf = by_file(c, d)
    assert cf["blocks.hwp"] == {"Hwp.Text", "Hwp.Ole", "Hwp.Img", "Hwp.Link"}, c.out
    assert cf["nested.hwp"] == {"Hwp.Text", "Hwp.Ole"}, c.out
    assert by_file(v, d) == cf, (v.out, c.out)
    assert "blocks.hwp//hwp3-block-0-2: Hwp.Ole FOUND" in v.out, v.out


def test_hwp3_password_and_damage(tmp_path, vigil, clamscan):
    d = tmp_path / "docs"
    d.mkdir()
    (d / "pw.hwp").write_bytes(fg.hwp3(password=True))
    bad = fg.hwp3_paragraph(TEXT).replace(b"\x0d\x00", b"\x01\x00")  # a reserved code
    (d / "bad.hwp").write_bytes(fg.hwp3(paragraphs=[bad], blocks=[(2, OLE)]))
    cut = bytearray(fg.hwp3(compressed=False, blocks=[(2, OLE)]))
    struct.pack_into("<I", cut, len(cut) - 8 - len(OLE) - 4, 1 << 20)  # a block too long
    (d / "cut.hwp").write_bytes(bytes(cut))
    v = vigil("scan", "--no-summary", "--allmatch", "-d", sigs(tmp_path), d)
    found = by_file(v, d)
    assert found["pw.hwp"] == {"Heuristics.Encrypted.HWP"}, v.out
    assert "Heuristics.Broken.HWP3" in found["bad.hwp"], v.out
    assert "Heuristics.Broken.HWP3" in found["cut.hwp"], v.out
    c = clamscan("--no-summary", "-d", sigs(tmp_path), d / "pw.hwp")
    assert c.rc == 0, c.out  # clamscan: password-protected is clean


def test_scan_hwp3_no(tmp_path, vigil, clamscan):
    """--scan-hwp3=no leaves HWP 3 documents unread, as in clamscan."""
    d = tmp_path / "docs"
    d.mkdir()
    (d / "blocks.hwp").write_bytes(fg.hwp3(blocks=[(2, OLE)]))
    db = sigs(tmp_path)
    v = vigil("scan", "--no-summary", "--allmatch", "--scan-hwp3=no", "-d", db, d)
    c = clamscan("--no-summary", "--allmatch", "-r", "--scan-hwp3=no", "-d", db, d)
    assert by_file(v, d) == by_file(c, d) == {}, (v.out, c.out)


def test_blocks_past_the_limit(tmp_path, vigil):
    """5,000 additional information blocks: the first 4,096 are read (an
    OLE object among them is found), the rest are named unread and the
    document flagged, never OK."""
    d = tmp_path / "docs"
    d.mkdir()
    many = [(2, OLE)] + [(7, b"x")] * 4999
    (d / "many.hwp").write_bytes(fg.hwp3(blocks=many))
    v = vigil("scan", "--no-summary", "--allmatch", "-d", sigs(tmp_path), d, timeout=120)
    assert by_file(v, d)["many.hwp"] == {"Hwp.Text", "Hwp.Ole", "Heuristics.Broken.HWP3"}, v.out
    assert "HWP 3 blocks past 4096 not read" in v.err, v.err
