"""Limits and bombs: every limit gives its own result, never OK, and an
option turns limits into warnings. The bombs (nested 42.zip style,
overlapping entries, gzip/bzip2/xz/zstd bombs, 1,000-level nesting) are
built by tests/bombgen.py; bench/bombs.py measures their time and memory."""
import os
import sys
import zipfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from bombgen import (compression_bombs, deep_gzip, nested_zip_bomb,  # noqa: E402
                     overlapping_zip, zip_quine)


def check_limit(vigil, path, which, *extra):
    """which: the limit expected first (one name, or a tuple of names)."""
    r = vigil("scan", "--no-summary", "-d", path.parent / "s.ndb", *extra, path, timeout=120)
    assert r.rc == 1, (which, r.out, r.err)
    names = (which,) if isinstance(which, str) else which
    first = r.out.splitlines()[0]
    assert any(first.endswith(": Heuristics.Limits.Exceeded.%s FOUND" % n) for n in names), r.out
    return r


def sigs(tmp_path):
    (tmp_path / "s.ndb").write_text("Never:0:*:%s\n" % b"\xffnever-present\xfe".hex())


def test_compression_bombs(tmp_path, vigil):
    sigs(tmp_path)
    for name, data in compression_bombs().items():
        (tmp_path / name).write_bytes(data)
        check_limit(vigil, tmp_path / name, "CompressionRatio")


def test_ratio_guard_in_vigils_own_decoders(tmp_path, vigil):
    """Zeros through the decoders Vigil carries itself (Deflate64 and
    Implode in zip, NSIS, ARJ, KWAJ, InstallShield's zlib, SIS, VBA, UPX...)
    reach ratios of a few hundred at most with standard encoders, so the
    guard is tightened to 10 here: each must stop and say so, never hand
    over a clean truncated object."""
    import formatgen as fg
    sigs(tmp_path)
    zeros = bytes(16 << 20)
    bombs = {"d64.zip": fg.zip_deflate64(zeros), "nsis.exe": fg.nsis(zeros),
             "zeros.arj": fg.arj(zeros, "2"), "cab.cab": fg.cab(zeros),
             "iscab.exe": fg.iscab_setup(zeros, chunk=65000), "zeros.sis": fg.sis(zeros),
             "is.exe": fg.installshield(zeros, deflated=True)}
    for name, data in bombs.items():
        (tmp_path / name).write_bytes(data)
        check_limit(vigil, tmp_path / name, "CompressionRatio", "--max-ratio", "10")


def test_parser_bounds_are_limits(tmp_path, vigil):
    """A parser's own bound on the entries of one object, met with entries
    left, is the MaxFiles limit. Entries that are no objects (ALZ
    directories, an XML Data Package's chunks) padded a file past it, and
    what came after was dropped with no word. Word 2003 XML and HWPML read
    256 parts each: the 257th was dropped with no word too."""
    import formatgen as fg
    sigs(tmp_path)
    xdp = fg.xdp(fg.pdf(os.urandom(6000)), chunks=65)
    assert xdp.count(b"<chunk>") == 65
    cases = {"dirs.alz": fg.alz([("p.bin", b"payload")], dirs=65536), "many.xdp": xdp,
             "many.xml": fg.wordxml(b"payload", before=256),
             "many.hml": fg.hwpml(b"payload", before=256)}
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
        check_limit(vigil, tmp_path / name, "MaxFiles")


def test_vba_modules_past_the_bound(tmp_path, vigil):
    """A VBA project lists at most 4,096 modules that Vigil reads: a
    module listed after as many others was dropped with no word. Now that
    is the MaxFiles limit; the 4,096th is still read, with no limit."""
    import formatgen as fg
    src = b"Sub AutoOpen()\r\n  Shell \"vba-module-past-the-bound\"\r\nEnd Sub\r\n"
    (tmp_path / "p.hdb").write_text("%s:%d:Vba.Late\n" % (fg.md5(src), len(src)))
    sigs(tmp_path)
    (tmp_path / "over.doc").write_bytes(fg.vba_doc(src, before=["M%d" % i for i in range(4096)]))
    check_limit(vigil, tmp_path / "over.doc", "MaxFiles")
    (tmp_path / "at.doc").write_bytes(fg.vba_doc(src, before=["M%d" % i for i in range(4095)]))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "p.hdb", tmp_path / "at.doc")
    assert r.out.strip() == "%s//Module1.vba: Vba.Late FOUND" % (tmp_path / "at.doc"), r.out


def test_declared_size_and_the_size_limit(tmp_path, vigil):
    """A SIS file that inflates past the object size limit: declaring its
    whole size, it is that limit; declaring 9 bytes, those are the object
    and the whole is the limit."""
    import formatgen as fg
    data = b"HEAD-MARK" + os.urandom(3 << 20)
    (tmp_path / "h.ndb").write_text("Head:0:0:%s\n" % b"HEAD-MARK".hex())
    cases = {"whole.sis": ["payload.bin: Heuristics.Limits.Exceeded.MaxFileSize"],
             "nine.sis": ["payload.bin: Head",
                          "payload.bin-whole: Heuristics.Limits.Exceeded.MaxFileSize"]}
    for name, want in cases.items():
        f = tmp_path / name
        f.write_bytes(fg.sis(data, declared=None if name == "whole.sis" else 9))
        r = vigil("scan", "--no-summary", "--allmatch", "--max-filesize=1M",
                  "-d", tmp_path / "h.ndb", f)
        assert r.out.splitlines() == ["%s//%s FOUND" % (f, w) for w in want], r.out + r.err


def test_tnef_attributes_have_no_bound(tmp_path, vigil):
    """A TNEF stream's attributes take 9 bytes or more each, so their
    number needs no bound: an attachment after 100,001 others is found
    (the bound of 100,000 dropped it with no word)."""
    import struct
    import formatgen as fg
    payload = b"tnef-attachment-after-many-attributes" * 4
    pad = struct.pack("<BII", 1, 0x00069999, 0) + b"\x00\x00"
    t = fg.tnef(payload)
    (tmp_path / "many.dat").write_bytes(t[:6] + pad * 100001 + t[6:])
    (tmp_path / "p.hdb").write_text("%s:%d:Tnef.Late\n" % (fg.md5(payload), len(payload)))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "p.hdb", tmp_path / "many.dat")
    assert r.out.strip() == "%s//payload.bin: Tnef.Late FOUND" % (tmp_path / "many.dat"), r.out


def test_nested_zip_bomb(tmp_path, vigil):
    sigs(tmp_path)
    p = tmp_path / "42.zip"
    p.write_bytes(nested_zip_bomb())
    # The leaf declares 256 MiB: refused before a byte is inflated. Each
    # limit is reported once, where it first bit, without -z.
    r = check_limit(vigil, p, "MaxFileSize")
    assert r.out.splitlines()[0].startswith(
        "%s//lib2-0.zip//lib1-0.zip//lib0-0.zip//zeros.bin: " % p), r.out
    assert len(r.out.splitlines()) <= 3, r.out


def test_overlapping_zip(tmp_path, vigil):
    sigs(tmp_path)
    p = tmp_path / "overlap.zip"
    p.write_bytes(overlapping_zip())
    r = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb", p)
    assert r.rc == 1 and r.out.strip() == "%s: Heuristics.Zip.OverlappingFiles FOUND" % p


def test_zip_quine(tmp_path, vigil, clamscan):
    """A zip that contains itself: unpacked once, its copy inside is seen to
    be the object still being unpacked around it, which would recurse for
    ever: reported as exceeding the recursion limit at once, where clamscan
    (with --alert-exceeds-max) gets there by unpacking 17 levels."""
    import hashlib
    import io
    import json
    data = zip_quine()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.read("r.zip") == data and z.testzip() is None  # a real quine
    sigs(tmp_path)
    p = tmp_path / "r.zip"
    p.write_bytes(data)
    r = vigil("scan", "--json", "-d", tmp_path / "s.ndb", p, timeout=30)
    rec = json.loads(r.out.splitlines()[0])
    assert r.rc == 1 and rec["objects"] <= 3, r.out + r.err
    assert rec["found"] == [{"name": "Heuristics.Limits.Exceeded.MaxRecursion",
                             "object": "%s//r.zip//r.zip" % p}], rec
    c = clamscan("--no-summary", "--alert-exceeds-max=yes", "-d", tmp_path / "s.ndb", p)
    assert c.out.strip().endswith("Heuristics.Limits.Exceeded.MaxRecursion FOUND"), c.out
    # A signature for the file finds it and its copy, before the limit.
    (tmp_path / "q.hdb").write_text("%s:%d:Quine.Md5\n" % (hashlib.md5(data).hexdigest(),
                                                           len(data)))
    r = vigil("scan", "--no-summary", "--allmatch", "-d", tmp_path / "q.hdb", p)
    assert r.out.splitlines() == ["%s: Quine.Md5 FOUND" % p, "%s//r.zip: Quine.Md5 FOUND" % p,
                                  "%s//r.zip//r.zip: Heuristics.Limits.Exceeded.MaxRecursion "
                                  "FOUND" % p], r.out


def test_deep_nesting(tmp_path, vigil):
    sigs(tmp_path)
    p = tmp_path / "deep.gz"
    p.write_bytes(deep_gzip())
    check_limit(vigil, p, "MaxRecursion")
    r = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb", "--max-recursion", "2000", p)
    # Past 1,000 levels nothing is left to unpack: it is clean
    assert r.rc == 0, r.out


def test_autoit_entries_over_the_limits(tmp_path, vigil):
    """An AutoIt entry too large for --max-filesize, stored or expanding
    to it, is that limit; one expanding past --max-ratio is that limit
    (AutoIt's LZSS reaches about 255:1 at best, under the default 1000)."""
    import au3gen
    import formatgen as fg
    sigs(tmp_path)
    zeros = au3gen.lzss_zeros("6", 8 << 20)  # 8 MiB in about 33 KiB
    for name, data, compress in (("stored", bytes(2 << 20), False),
                                 ("lzss", zeros, "raw")):
        path = tmp_path / ("au3-%s.exe" % name)
        path.write_bytes(fg.pe(body=au3gen.archive(
            "6", [("big.bin", data, compress)],
            script=au3gen.tokens([[("fn", "Exit")]]))))
        check_limit(vigil, path, "MaxFileSize", "--max-filesize", "1M")
    check_limit(vigil, tmp_path / "au3-lzss.exe", "CompressionRatio",
                "--max-ratio", "100")
    r = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb",
              tmp_path / "au3-lzss.exe")
    assert r.rc == 0 and not r.err, r.out + r.err  # within the defaults


def test_wwpack_image_past_the_ratio(tmp_path, vigil):
    """A WWPack image of 64 MiB of zeros from 21 KiB is past the ratio
    guard before a byte is expanded; 1 MiB is within the defaults."""
    import packgen
    sigs(tmp_path)
    (tmp_path / "ww64.exe").write_bytes(packgen.wwpack_pe(
        b"", stream=packgen.ww_zeros(64 << 20), vsize=64 << 20))
    check_limit(vigil, tmp_path / "ww64.exe", "CompressionRatio")
    (tmp_path / "ww1.exe").write_bytes(packgen.wwpack_pe(
        b"", stream=packgen.ww_zeros(1 << 20), vsize=1 << 20))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb", tmp_path / "ww1.exe")
    assert r.rc == 0 and not r.err, r.out + r.err


def test_each_limit_and_warning_mode(tmp_path, vigil):
    sigs(tmp_path)
    many = tmp_path / "many.zip"
    with zipfile.ZipFile(many, "w") as z:
        for i in range(30):
            z.writestr("f%d.txt" % i, "file %d\n" % i)
    check_limit(vigil, many, "MaxFiles", "--max-files", "10")
    check_limit(vigil, many, "MaxScanSize", "--max-scansize", "100")
    big = tmp_path / "big.zip"
    with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.bin", bytes(range(256)) * 8192)
    check_limit(vigil, big, "MaxFileSize", "--max-filesize", "1M")
    r = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb", "--max-files", "10",
              "--limits-warn", many)
    assert r.rc == 0 and r.out.strip() == "%s: OK" % many
    assert "not fully scanned: Heuristics.Limits.Exceeded.MaxFiles" in r.err
    r = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb", "--no-unpack",
              "--max-files", "1", many)
    assert r.rc == 0


def test_limits_keep_real_detections_first(tmp_path, vigil):
    (tmp_path / "s.ndb").write_text("Real.Payload:0:*:%s\n" % b"REAL-PAYLOAD-MARKER".hex())
    p = tmp_path / "mixed.zip"
    with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("big.bin", bytes(2 << 20))
        z.writestr("evil.txt", "xx REAL-PAYLOAD-MARKER xx")
    r = vigil("scan", "--no-summary", "-z", "-d", tmp_path / "s.ndb", "--max-filesize", "1M", p)
    lines = r.out.splitlines()
    assert lines[0] == "%s//evil.txt: Real.Payload FOUND" % p
    assert "%s//big.bin: Heuristics.Limits.Exceeded.MaxFileSize FOUND" % p in lines


def looping_ministream(nfat):
    """A compound file of 4 KiB sectors whose allocation table is one
    sector listed nfat times (through a DIFAT sector that names itself as
    its successor), in which sector 1 chains to itself; the root entry
    declares a 4 GiB mini stream starting there. Read naively, each step of
    the loop appends the same sector."""
    import struct
    ss, per = 4096, 1024
    fat = [0xffffffff] * per
    fat[0], fat[1], fat[2], fat[3] = 0xfffffffd, 1, 0xfffffffc, 0xfffffffe
    name = "Root Entry".encode("utf-16-le") + b"\0\0"
    root = (name.ljust(64, b"\0") + struct.pack("<HBB", len(name), 5, 1) +
            struct.pack("<III", 0xffffffff, 0xffffffff, 0xffffffff) +
            bytes(36) + struct.pack("<III", 1, 0xffffffff, 0))
    head = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) +
            struct.pack("<HHHHH", 0x3e, 4, 0xfffe, 12, 6) + bytes(6) +
            struct.pack("<IIIIIIII", 0, nfat, 3, 0, 4096, 1, 1, 2) +
            struct.pack("<I", nfat) + struct.pack("<109I", *([0] * 109)))
    difat = struct.pack("<%dI" % per, *([0] * (per - 1) + [2]))
    sectors = [struct.pack("<%dI" % per, *fat), bytes(ss), difat,
               root.ljust(ss, b"\0")]
    return head.ljust(ss, b"\0") + b"".join(sectors) + bytes(ss * (nfat - 4))


def test_ole2_mini_stream_loop_is_bounded(tmp_path, vigil):
    """A 4 MiB file whose mini stream loops was read into a 4 GiB buffer
    (15 s, 4.2 GB of memory): now a chain takes no more steps than the file
    has sectors, and the mini stream is held to the object size limit. The
    scan's peak memory stays far below what the loop would take."""
    import subprocess
    from conftest import VIGIL
    sigs(tmp_path)
    p = tmp_path / "loop.doc"
    p.write_bytes(looping_ministream(1023))
    r = subprocess.run(["/usr/bin/time", "-f", "%M", VIGIL, "scan",
                        "--no-summary", "--no-cache", "-d",
                        str(tmp_path / "s.ndb"), str(p)], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, (r.returncode, r.stdout, r.stderr)
    assert r.stdout.strip() == "%s: OK" % p
    peak_kib = int(r.stderr.strip().splitlines()[-1])
    assert peak_kib < 1024 * 1024, peak_kib  # the loop: over 4 GiB


def pdf_of(streams):
    body = b"%PDF-1.4\n"
    for i, (filt, data) in enumerate(streams, 1):
        body += (b"%d 0 obj\n<< /Length %d /Filter %s >>\nstream\n"
                 % (i, len(data), filt) + data + b"\nendstream\nendobj\n")
    return body + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"


def test_pdf_filters_stop_at_the_ratio_as_they_decode(tmp_path, vigil):
    """A stream of a few hundred bytes that inflates twice to 99 MiB: the
    second filter stops at the ratio the stream's own size allows, instead
    of producing 99 MiB first and asking afterwards."""
    import subprocess
    import zlib
    from conftest import VIGIL
    sigs(tmp_path)
    c = zlib.compressobj(9)
    inner = b"".join(c.compress(bytes(1 << 20)) for _ in range(99))
    inner += c.flush()
    twice = zlib.compress(inner, 9)
    p = tmp_path / "bomb.pdf"
    p.write_bytes(pdf_of([(b"[/FlateDecode /FlateDecode]", twice)] * 3))
    r = subprocess.run(["/usr/bin/time", "-f", "%M", VIGIL, "scan",
                        "--no-summary", "--no-cache", "-d",
                        str(tmp_path / "s.ndb"), str(p)], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stdout.strip() == \
        "%s: Heuristics.Limits.Exceeded.CompressionRatio FOUND" % p
    if not os.environ.get("VIGIL_SANITIZE"):
        peak_kib = int(r.stderr.strip().splitlines()[-1])
        assert peak_kib < 64 * 1024, peak_kib  # decoding first: ~200 MiB
