"""Image fuzzy hashes (fuzzy_img subsignatures) against ClamAV: the hash
of every image layout imggen.py draws, as "sigtool --fuzzy-img" gives it,
and the detections of .ldb signatures that use them, as clamscan reports
them (also inside an archive, from a compiled .vdb, and with the options
that turn them off)."""
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

import imggen
from test_parity import by_file

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import formatgen as fg  # noqa: E402


def sigtool_hash(path):
    exe = shutil.which("sigtool")
    if not exe:
        pytest.fail("sigtool is not installed (scripts/deps.sh test installs clamav)")
    out = subprocess.run([exe, "--fuzzy-img", str(path)], capture_output=True,
                         text=True, timeout=60).stdout
    return out.strip().splitlines()[-1].split(": ")[-1]


def vigil_hashes(vigil, paths):
    r = vigil("db", "fuzzy-img", *paths)
    assert r.rc == 0, r.err
    return dict(line.rsplit(": ", 1) for line in r.out.splitlines())


def write(tmp_path, images):
    d = tmp_path / "img"
    d.mkdir()
    for name, data in images.items():
        (d / name).write_bytes(data)
    return d


def test_hashes_equal_sigtool(tmp_path, vigil):
    """PNG (RGB, gray, palette, RGBA, 16-bit, Adam7), GIF (a frame smaller
    than its screen too), BMP (24-bit, palette, 1-bit, top-down), TIFF and
    JPEG (4:4:4, 4:2:2, 4:2:0, progressive, gray), also one pixel, one row,
    one column and one colour: every hash is ClamAV's, bit for bit."""
    d = write(tmp_path, imggen.images())
    paths = sorted(d.iterdir())
    got = vigil_hashes(vigil, paths)
    want = {str(p): sigtool_hash(p) for p in paths}
    assert len(want) >= 150
    assert got == want


def test_fuzzy_img_detections_match_clamscan(tmp_path, vigil, clamscan):
    """Signatures on the hashes of a few images (alone, with a second
    subsignature that holds or not, Target 0 and 5) find the same files
    as clamscan: the images, a copy in another format, one in a zip."""
    imgs = imggen.images()
    d = write(tmp_path, {n: imgs[n] for n in
                         ("rgb0.png", "b0.bmp", "a1.gif", "t2.tif", "pal3.png")})
    with zipfile.ZipFile(d / "in.zip", "w") as z:
        z.writestr("x/inner.png", imgs["rgb0.png"])
    (d / "note.txt").write_text("not an image at all\n")
    h0, h1, h2 = (sigtool_hash(d / n) for n in ("rgb0.png", "a1.gif", "t2.tif"))
    db = tmp_path / "f.ldb"
    db.write_text(
        "Img.Zero;Engine:150-255,Target:0;0;fuzzy_img#%s#0\n"
        "Img.One;Engine:150-255,Target:5;0;fuzzy_img#%s\n"
        "Img.Two.Bad;Engine:150-255,Target:0;0&1;deadbeef;fuzzy_img#%s#0\n"
        "Img.Two.Good;Engine:150-255,Target:0;0&1;49492a00;fuzzy_img#%s#0\n"
        % (h0, h1, h2, h2))
    v = vigil("scan", "--no-summary", "-d", db, d)
    c = clamscan("--no-summary", "-r", "-d", db, d)
    vf, cf = by_file(v, d), by_file(c, d)
    assert cf.get("rgb0.png") == {"Img.Zero"}, c.out
    assert cf.get("b0.bmp") == {"Img.Zero"}  # same picture, other format
    assert "in.zip" in cf and "Img.Two.Good" in cf.get("t2.tif", set())
    assert vf == cf
    for off in ("--scan-image-fuzzy-hash=no", "--scan-image=no"):
        v = vigil("scan", "--no-summary", off, "-d", db, d)
        c = clamscan("--no-summary", "-r", off, "-d", db, d)
        assert by_file(v, d) == by_file(c, d) == {}, (off, v.out, c.out)


def test_fuzzy_img_from_compiled_database(tmp_path, vigil):
    imgs = imggen.images()
    d = write(tmp_path, {"rgb0.png": imgs["rgb0.png"]})
    h = sigtool_hash(d / "rgb0.png")
    (tmp_path / "f.ldb").write_text(
        "Img.Zero;Engine:150-255,Target:0;0;fuzzy_img#%s#0\n" % h)
    r = vigil("db", "compile", tmp_path / "f.ldb", "-o", tmp_path / "f.vdb")
    assert r.rc == 0, r.err
    r = vigil("scan", "--no-summary", "-d", tmp_path / "f.vdb", d)
    assert by_file(r, d) == {"rgb0.png": {"Img.Zero"}}, r.out


@pytest.mark.parametrize("sub,why", [
    ("fuzzy_img#abcdef#0", "16 hex digits"),
    ("fuzzy_img#af2ad01ed42993zz#0", "16 hex digits"),
    ("fuzzy_img#af2ad01ed42993c7#1", "distance 1"),
    ("fuzzy_img#af2ad01ed42993c7#x", "not a number"),
])
def test_bad_fuzzy_img_lines_refused(tmp_path, vigil, clamscan, sub, why):
    """What clamscan refuses (it fails the whole load), Vigil refuses with
    the file and line, and with --strict fails too."""
    db = tmp_path / "bad.ldb"
    db.write_text("Img.Ok;Engine:150-255,Target:0;0;41414141\n"
                  "Img.Bad;Engine:150-255,Target:0;0;%s\n" % sub)
    f = tmp_path / "a.txt"
    f.write_text("AAAA\n")
    c = clamscan("--no-summary", "-d", db, f)
    assert c.rc == 2, c.out + c.err
    v = vigil("scan", "--no-summary", "-d", db, f)
    assert "bad.ldb:2" in v.err and why in v.err, v.err
    assert by_file(v, tmp_path) == {"a.txt": {"Img.Ok"}}
    v = vigil("scan", "--strict", "--no-summary", "-d", db, f)
    assert v.rc == 2, v.out + v.err


def test_image_over_pixel_limit_is_a_limit(tmp_path, vigil):
    """An image too large to hash (here a PNG header claiming 30000 x
    30000 pixels) is not reported clean while fuzzy_img signatures are
    loaded: it is Heuristics.Limits.Exceeded.MaxImagePixels. Without
    such signatures no image is decoded at all."""
    d = tmp_path / "img"
    d.mkdir()
    big = bytearray(imggen.png_file(30000, 30000, 8, 0, b"\0"))
    (d / "big.png").write_bytes(bytes(big))
    (tmp_path / "f.ldb").write_text(
        "Img.Zero;Engine:150-255,Target:0;0;fuzzy_img#af2ad01ed42993c7#0\n")
    (tmp_path / "n.ndb").write_text("Other:0:*:6e6f742d7468657265\n")
    r = vigil("scan", "--no-summary", "-d", tmp_path / "f.ldb", d)
    assert by_file(r, d) == {
        "big.png": {"Heuristics.Limits.Exceeded.MaxImagePixels"}}, r.out
    r = vigil("scan", "--no-summary", "-d", tmp_path / "n.ndb", d)
    assert r.rc == 0 and by_file(r, d) == {}, r.out


def test_workbook_pictures_scanned_as_clamscan(tmp_path, vigil, clamscan):
    """The pictures of an Excel workbook's drawing group (PNG, JPEG, DIB,
    TIFF blips, in FBSE entries or bare, split over Continue records) are
    objects of their own: a fuzzy_img signature on one picture and a body
    signature on another find the workbook, as in clamscan."""
    imgs = imggen.images()
    png, jpg = imgs["rgb1.png"], imgs["f0.jpg"]
    d = tmp_path / "x"
    d.mkdir()
    (d / "png.png").write_bytes(png)
    (d / "pics.xls").write_bytes(fg.xls(sheet_type=0, pictures=[
        ("jpg", jpg), ("png", png), ("dib", imgs["b2.bmp"][14:])]))
    (d / "bare.xls").write_bytes(fg.xls(sheet_type=0, fbse=False,
                                        pictures=[("tif", imgs["t3.tif"])]))
    (d / "plain.xls").write_bytes(fg.xls(sheet_type=0))
    h = sigtool_hash(d / "png.png")
    (d / "png.png").unlink()
    tif_body = imgs["t3.tif"][-40:-8].hex()
    db = tmp_path / "x.ldb"
    db.write_text("Img.Png;Engine:150-255,Target:0;0;fuzzy_img#%s#0\n" % h)
    ndb = tmp_path / "x.ndb"
    ndb.write_text("Img.Tif:5:*:%s\n" % tif_body)
    v = vigil("scan", "--no-summary", "--allmatch", "-d", db, "-d", ndb, d)
    c = clamscan("--no-summary", "--allmatch", "-r", "-d", db, "-d", ndb, d)
    vf, cf = by_file(v, d), by_file(c, d)
    assert cf.get("pics.xls") == {"Img.Png"}, c.out
    assert cf.get("bare.xls") == {"Img.Tif"}, c.out
    assert vf == cf, (v.out, c.out)


def test_broken_images_hash_nothing(tmp_path, vigil):
    """A broken image has no hash: vigil db fuzzy-img says so for it, on
    one line, and still hashes the good one; a scan with fuzzy_img
    signatures says nothing of it (as clamscan, which skips the hash)."""
    png = imggen.images()["rgb0.png"]
    bad = bytearray(png)
    at = bad.index(b"IDAT") + 12
    bad[at:at + 8] = b"\xff" * 8
    jpg = imggen.images()["f1.jpg"]
    (tmp_path / "bad.png").write_bytes(bytes(bad))
    (tmp_path / "cut.jpg").write_bytes(jpg[:200])
    (tmp_path / "good.png").write_bytes(png)
    r = vigil("db", "fuzzy-img", tmp_path / "bad.png", tmp_path / "cut.jpg",
              tmp_path / "good.png")
    assert r.rc == 2
    assert r.out.count("\n") == 1 and r.out.startswith(str(tmp_path / "good.png"))
    errs = r.err.splitlines()
    assert len(errs) == 2 and all("not an image it reads" in e for e in errs), r.err
