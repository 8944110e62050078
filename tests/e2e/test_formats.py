"""Every format Vigil unpacks, built here around one payload (see
tests/formatgen.py): the payload is found by its MD5 inside each, and the
detection names the path down to it."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import au3gen  # noqa: E402
import formatgen as fg  # noqa: E402
import packgen  # noqa: E402

PAYLOAD = b"\x00VIGIL-FORMAT-PAYLOAD\x90\x01" + bytes(range(256)) * 6 + b"\xfe\x90end"
PE_PAYLOAD = fg.pe(sections=(("data", PAYLOAD),))

# name -> (builder, path inside that leads to the payload; None: any)
CASES = {
    "deflate64.zip": (lambda: fg.zip_deflate64(PAYLOAD), "payload.bin"),
    "p.arj": (lambda: fg.arj(PAYLOAD, "2"), "payload.bin"),
    "p.cab": (lambda: fg.cab(PAYLOAD), "payload.bin"),
    "p.lzma": (lambda: fg.lzma_alone(PAYLOAD), "p"),
    "p.szdd": (lambda: fg.szdd(PAYLOAD), "data"),
    "skip.zst": (lambda: fg.zstd_skippable(PAYLOAD), "skip"),
    "p.kwaj": (lambda: fg.kwaj(PAYLOAD), "data"),
    "p.rar": (lambda: fg.rar4(PAYLOAD), "payload.bin"),
    "mime.eml": (lambda: fg.mime(PAYLOAD), "payload.bin"),
    "qp.eml": (lambda: fg.mime_qp(PAYLOAD), "payload.bin"),
    "uu.mbox": (lambda: fg.uuencode(PAYLOAD), "payload.bin"),
    "p.hqx": (lambda: fg.binhex(PAYLOAD), "payload.bin"),
    "winmail.dat": (lambda: fg.tnef(PAYLOAD), "payload.bin"),
    "page.html": (lambda: fg.html(PAYLOAD), "data-uri-1"),
    "doc.rtf": (lambda: fg.rtf(PAYLOAD), "payload.bin"),
    "flate.pdf": (lambda: fg.pdf(PAYLOAD, "FlateDecode"), "obj-4"),
    "ahx.pdf": (lambda: fg.pdf(PAYLOAD, "ASCIIHexDecode"), "obj-4"),
    "a85.pdf": (lambda: fg.pdf(PAYLOAD, "ASCII85Decode"), "obj-4"),
    "lzw.pdf": (lambda: fg.pdf(PAYLOAD, "LZWDecode"), "obj-4"),
    "rle.pdf": (lambda: fg.pdf(PAYLOAD, "RunLengthDecode"), "obj-4"),
    "ole.doc": (lambda: fg.ole2_package(PAYLOAD), "payload.bin"),
    "p.ppt": (lambda: fg.ppt_ole_object(PAYLOAD), "ole-object-1"),
    "stored.ppt": (lambda: fg.ppt_ole_object(PAYLOAD, compressed=False), "ole-object-1"),
    "p.sis": (lambda: fg.sis(PAYLOAD), "payload.bin"),
    "form.xdp": (lambda: fg.xdp(fg.pdf(PAYLOAD), chunks=3), "xdp-pdf//obj-4"),
    "doc.hml": (lambda: fg.hwpml(PAYLOAD), "bindata-1"),
    "plain.hml": (lambda: fg.hwpml(PAYLOAD, compress=False), "bindata-1"),
    "word2003.xml": (lambda: fg.wordxml(PAYLOAD), "bindata-1"),
    "note.one": (lambda: fg.onenote(b"first attachment", PAYLOAD), "onenote-2"),
    "nsis.exe": (lambda: fg.nsis(PAYLOAD), "nsis-2"),
    "is.exe": (lambda: fg.installshield(PAYLOAD), "payload.bin"),
    "is-deflated.exe": (lambda: fg.installshield(PAYLOAD, deflated=True), "payload.bin"),
    "iscab.exe": (lambda: fg.iscab_setup(PAYLOAD), "payload.bin"),
    "sfx.exe": (lambda: fg.pe_sfx(PAYLOAD), "payload.bin"),
    "rsrc.exe": (lambda: fg.pe_resource(PAYLOAD), "resource/10/101"),
    "upx.exe": (lambda: fg.upx_pe(PAYLOAD), "upx-unpacked"),
    "au3-ea05.exe": (lambda: fg.pe(body=au3gen.archive(
        "5", [("C:\\in\\payload.bin", PAYLOAD, True)])), "payload.bin"),
    "au3-ea06.exe": (lambda: fg.pe(body=au3gen.archive(
        "6", [("payload.bin", PAYLOAD, True)])), "payload.bin"),
    "au3-stored.exe": (lambda: fg.pe(body=au3gen.archive(
        "5", [("a.txt", b"x", False), ("payload.bin", PAYLOAD, False)])),
        "payload.bin"),
    "au3-rsrc.exe": (lambda: fg.pe_resource(au3gen.archive(
        "6", [("payload.bin", PAYLOAD, True)])), "resource/10/101//payload.bin"),
    "au3-upx.exe": (lambda: fg.upx_pe(PAYLOAD) + au3gen.archive("5", []),
                    "upx-unpacked"),
    "yc.exe": (lambda: fg.yc_pe(PAYLOAD), "yc-decrypted//upx-unpacked"),
    # a section named yC that is not the crypter's: UPX still unpacks it
    "yc-named-upx.exe": (lambda: fg.upx_pe(PAYLOAD, (("yC", b"\xc3"),)),
                         "upx-unpacked"),
    "upx.elf": (lambda: fg.upx_elf(PAYLOAD), "upx-unpacked"),
    # an archive in an unpacked image's sections, as in ClamAV's test file
    "wwpack.exe": (lambda: packgen.wwpack_pe(fg.zip_of(PAYLOAD)),
                   "wwpack-unpacked//payload.bin"),
    "petite.exe": (lambda: packgen.petite_pe(fg.zip_of(PAYLOAD)),
                   "petite-unpacked//payload.bin"),
    "petite-pe.exe": (lambda: packgen.petite_pe(fg.zip_of(PAYLOAD), key=False),
                      "petite-unpacked//payload.bin"),
    "aspack212.exe": (lambda: packgen.aspack_pe(fg.zip_of(PAYLOAD), version="2.12"),
                      "aspack-unpacked//payload.bin"),
    "aspack22x.exe": (lambda: packgen.aspack_pe(fg.zip_of(PAYLOAD), version="2.2x"),
                      "aspack-unpacked//payload.bin"),
    "aspack242.exe": (lambda: packgen.aspack_pe(fg.zip_of(PAYLOAD), version="2.42"),
                      "aspack-unpacked//payload.bin"),
    "mew.exe": (lambda: packgen.mew_pe(fg.zip_of(PAYLOAD) + bytes(300) + PAYLOAD),
                "mew-unpacked//payload.bin"),
    "mew-lzma.exe": (lambda: packgen.mew_pe(fg.zip_of(PAYLOAD), use_lzma="plain"),
                     "mew-unpacked//payload.bin"),
    "mew-lzma-special.exe": (lambda: packgen.mew_pe(fg.zip_of(PAYLOAD), use_lzma="special"),
                             "mew-unpacked//payload.bin"),
    "pespin.exe": (lambda: packgen.pespin_pe(fg.zip_of(PAYLOAD)),
                   "pespin-unpacked//payload.bin"),
    "upack.exe": (lambda: packgen.upack_pe(fg.zip_of(PAYLOAD)),
                  "upack-unpacked//payload.bin"),
    "fsg.exe": (lambda: packgen.fsg_pe(fg.zip_of(PAYLOAD)), "fsg-unpacked//payload.bin"),
    "upack-lc4.exe": (lambda: packgen.upack_pe(fg.zip_of(PAYLOAD), shift=4),
                      "upack-unpacked//payload.bin"),
}


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    d = tmp_path_factory.mktemp("formats")
    (d / "sig.hdb").write_text("%s:%d:Format.Payload\n" % (fg.md5(PAYLOAD), len(PAYLOAD)))
    (d / "pe.hdb").write_text("%s:%d:Format.PePayload\n" % (fg.md5(PE_PAYLOAD), len(PE_PAYLOAD)))
    for name, (build, _) in CASES.items():
        (d / name).write_bytes(build())
    (d / "dropper.exe").write_bytes(fg.embedded_pe(PE_PAYLOAD))
    return d


@pytest.mark.parametrize("name", sorted(CASES))
def test_payload_found(made, vigil, name):
    r = vigil("scan", "--no-summary", "-d", made / "sig.hdb", made / name)
    expected = "%s//%s: Format.Payload FOUND" % (made / name, CASES[name][1])
    assert r.out.strip() == expected, r.out + r.err
    assert r.rc == 1


def test_script_blocks(tmp_path, vigil):
    """Each script block of a page is an object of its own (tags in any
    case). One left open at the end of the page is not: a browser never
    runs it (HTML's parser marks it "already started" at the end of the
    file); its text is matched as part of the page. "<script" inside a
    block is text, not a block of its own (vim's scripts that mention it
    thirty times were read as thirty nested blocks, a recursion limit)."""
    script = b"var payload = 'VIGIL-SCRIPT-PAYLOAD';\n" * 20
    (tmp_path / "sig.hdb").write_text("%s:%d:Format.Script\n" % (
        fg.md5(script), len(script)))
    page = fg.html_script(b"var a = 1;")[:-len(b"</body></html>\n")] + \
        b"<SCRIPT type=text/javascript>" + script + b"</Script></body>"
    (tmp_path / "page.html").write_bytes(page)
    r = vigil("scan", "--no-summary", "-d", tmp_path / "sig.hdb",
              tmp_path / "page.html")
    assert r.out.strip() == "%s//script-2: Format.Script FOUND" % (
        tmp_path / "page.html"), r.out + r.err
    (tmp_path / "open.html").write_bytes(page[:-len(b"</Script></body>")])
    r = vigil("scan", "--no-summary", "-d", tmp_path / "sig.hdb",
              tmp_path / "open.html")
    assert r.rc == 0, r.out
    nested = b"<html><script>" + b"if (a) { s = '<script' }\n" * 30 + \
        b"</script></html>"
    (tmp_path / "nested.html").write_bytes(nested)
    r = vigil("scan", "--no-summary", "-d", tmp_path / "sig.hdb",
              tmp_path / "nested.html")
    assert r.rc == 0 and r.out.strip().endswith(": OK"), r.out


def test_autoit_ea06_script_as_text(tmp_path, vigil):
    """An EA06 script's tokens are written back as text: keywords by
    number and by name, macros, variables, strings (quotes doubled),
    numbers and operators; a signature on the text finds it."""
    script = au3gen.tokens([
        [("kw", 28), ("var", "PAYLOAD"), ("op", "="), ("str", 'say "hi"'),
         ("op", "&"), ("macro", "CRLF")],
        [("kw", 4), ("fn", "FileExists"), ("op", "("), ("var", "X"),
         ("op", ")"), ("op", ">="), ("int", 2), ("op", "+"),
         ("double", 1.5), ("kw", 5), ("fn", "Run"), ("op", "("),
         ("str", "calc.exe"), ("op", ")")],
    ])
    text = ('Local $PAYLOAD = "say ""hi""" & @CRLF\r\n'
            'If FileExists ( $X ) >= 2 + 1.5 Then Run ( "calc.exe" )\r\n')
    (tmp_path / "sig.hdb").write_text("%s:%d:Format.Au3Text\n" % (
        fg.md5(text.encode()), len(text)))
    (tmp_path / "a.exe").write_bytes(
        fg.pe(body=au3gen.archive("6", [], script=script)))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "sig.hdb",
              tmp_path / "a.exe")
    assert r.out.strip() == "%s//script.au3: Format.Au3Text FOUND" % (
        tmp_path / "a.exe"), r.out + r.err


def test_autoit_ea05_unicode_script_as_text(tmp_path, vigil):
    """EA05's Unicode scripts (UTF-16 with a byte-order mark) are handed
    over as UTF-8 text."""
    text = "; caf\u00e9 \u20ac\r\nRun(\"calc.exe\")\r\n"
    (tmp_path / "sig.hdb").write_text("%s:%d:Format.Au3Unicode\n" % (
        fg.md5(text.encode()), len(text.encode())))
    (tmp_path / "a.exe").write_bytes(fg.pe(body=au3gen.archive(
        "5", [], script=b"\xff\xfe" + text.encode("utf-16-le"),
        name=">AUTOIT UNICODE SCRIPT<")))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "sig.hdb",
              tmp_path / "a.exe")
    assert r.out.strip() == "%s//script.au3: Format.Au3Unicode FOUND" % (
        tmp_path / "a.exe"), r.out + r.err


@pytest.mark.parametrize("packer", ["wwpack", "petite", "aspack", "mew", "fsg"])
def test_unpacked_entry_point(tmp_path, vigil, packer):
    """The unpacked image has the original entry point (a signature
    relative to it matches): WWPack, ASPack, MEW and FSG keep it in their
    stubs, Petite encrypts it with a key turned by every import."""
    entry = b"\xe8VIGIL-PACKED-ENTRY\xc3"
    (tmp_path / "ep.ndb").write_text("Format.Entry:1:EP+0:%s\n" % entry.hex())
    build = getattr(packgen, packer + "_pe")
    (tmp_path / "p.exe").write_bytes(build(fg.zip_of(PAYLOAD), code=entry))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "ep.ndb", tmp_path / "p.exe")
    assert r.out.strip() == "%s//%s-unpacked: Format.Entry FOUND" % (
        tmp_path / "p.exe", packer), r.out + r.err


@pytest.mark.parametrize("packer", ["aspack", "mew", "upack"])
def test_packer_calls_turned_back(tmp_path, vigil, packer):
    """ASPack rewrites the calls of its first block (a marker byte, then a
    24-bit target), MEW's special LZMA routine makes them absolute and
    big-endian, Upack marks them and makes them big-endian; all are
    turned back, here at the original entry point."""
    code = b"\xe8\x34\x12\x00\x00VIGIL-CALL"
    (tmp_path / "c.ndb").write_text("Format.Call:1:EP+0:%s\n" % code.hex())
    if packer == "aspack":
        built = packgen.aspack_pe(code + fg.zip_of(PAYLOAD), oep=0x1000)
    elif packer == "mew":
        built = packgen.mew_pe(b"\xe8\x00\x00\x12\x35VIGIL-CALL" + fg.zip_of(PAYLOAD),
                               oep=0x1000, use_lzma="special", calls=16)
    else:
        built = packgen.upack_pe(code + fg.zip_of(PAYLOAD), fixes=1)
    (tmp_path / "a.exe").write_bytes(built)
    r = vigil("scan", "--no-summary", "-d", tmp_path / "c.ndb", tmp_path / "a.exe")
    assert r.out.strip() == "%s//%s-unpacked: Format.Call FOUND" % (
        tmp_path / "a.exe", packer), r.out + r.err


def test_damaged_packed_images(made, tmp_path, vigil):
    """A WWPack stream cut short is a warning, and what was expanded
    before the cut is still scanned; a Petite list pointing outside the
    image is a warning, not an error."""
    noise = b"".join(fg.md5(b"%d" % i).encode() for i in range(400))
    stream = packgen.ww_compress(PE_PAYLOAD + noise)
    (tmp_path / "cut.exe").write_bytes(packgen.wwpack_pe(
        b"", stream=stream[:len(stream) * 3 // 4 & ~3], vsize=0x4000))
    r = vigil("scan", "--no-summary", "-d", made / "pe.hdb", tmp_path / "cut.exe")
    assert r.out.strip() == "%s//wwpack-unpacked//embedded-pe-1: Format.PePayload FOUND" % (
        tmp_path / "cut.exe"), r.out + r.err
    assert "WWPack: damaged" in r.err, r.err
    (tmp_path / "pt.exe").write_bytes(packgen.petite_pe(PAYLOAD, dst=0x7ffffff0))
    r = vigil("scan", "--no-summary", "-d", made / "sig.hdb", tmp_path / "pt.exe")
    assert r.rc == 0 and "Petite: damaged" in r.err, r.out + r.err
    (tmp_path / "as.exe").write_bytes(packgen.aspack_pe(PAYLOAD, damage=True))
    r = vigil("scan", "--no-summary", "-d", made / "sig.hdb", tmp_path / "as.exe")
    assert r.rc == 0 and "ASPack: damaged" in r.err, r.out + r.err
    (tmp_path / "mew.exe").write_bytes(packgen.mew_pe(PAYLOAD, use_lzma="plain", damage=True))
    r = vigil("scan", "--no-summary", "-d", made / "sig.hdb", tmp_path / "mew.exe")
    assert r.rc == 0 and "MEW: damaged" in r.err, r.out + r.err
    (tmp_path / "spin.exe").write_bytes(packgen.pespin_pe(fg.zip_of(PAYLOAD), damage=True))
    r = vigil("scan", "--no-summary", "-d", made / "sig.hdb", tmp_path / "spin.exe")
    assert r.rc == 0 and "PESpin: damaged" in r.err, r.out + r.err
    (tmp_path / "up.exe").write_bytes(packgen.upack_pe(PAYLOAD, claim_shift=2))
    r = vigil("scan", "--no-summary", "-d", made / "sig.hdb", tmp_path / "up.exe")
    assert r.rc == 0 and "Upack: literal context of 6 bits" in r.err, r.out + r.err


def test_pespin_sections_only_xored(tmp_path, vigil):
    """A PESpin section that is only XORed (not compressed, not through
    the byte operations) is decrypted in place in the image."""
    (tmp_path / "s.ndb").write_text("Format.SpinPlain:1:*:%s\n" % b"VIGIL-SPIN-PLAIN".hex())
    (tmp_path / "s.exe").write_bytes(packgen.pespin_pe(fg.zip_of(PAYLOAD)))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb", tmp_path / "s.exe")
    assert r.out.strip() == "%s//pespin-unpacked: Format.SpinPlain FOUND" % (
        tmp_path / "s.exe"), r.out + r.err


def test_embedded_pe(made, vigil):
    r = vigil("scan", "--no-summary", "-d", made / "pe.hdb", made / "dropper.exe")
    assert r.out.strip() == "%s//embedded-pe-1: Format.PePayload FOUND" % (made / "dropper.exe")


def test_damaged_copies_never_crash(made, vigil):
    """Each sample cut short and flipped: a result for every one, no hang."""
    bad = made / "damaged"
    bad.mkdir()
    for name in CASES:
        data = (made / name).read_bytes()
        (bad / ("cut-" + name)).write_bytes(data[: len(data) * 2 // 3])
        flipped = bytearray(data)
        for i in range(len(flipped) // 3, len(flipped), 97):
            flipped[i] ^= 0x5a
        (bad / ("flip-" + name)).write_bytes(bytes(flipped))
    r = vigil("scan", "--no-summary", "-d", made / "sig.hdb", bad, timeout=120)
    assert r.rc in (0, 1), r.err
    assert len(r.out.splitlines()) >= 2 * len(CASES)


# name -> (builder of an archive around one member, the member's path)
CUT = {
    "p.hqx": (fg.binhex, "payload.bin"),
    "winmail.dat": (fg.tnef, "payload.bin"),
    "doc.rtf": (fg.rtf, "payload.bin"),
    "p.sis": (fg.sis, "payload.bin"),
    "nsis.exe": (fg.nsis, "nsis-2"),
    "is.exe": (fg.installshield, "payload.bin"),
    "p.arj": (lambda p: fg.arj(p, "0"), "payload.bin"),
    "z.arj": (lambda p: fg.arj(p, "1"), "payload.bin"),
}


@pytest.mark.parametrize("name", sorted(CUT))
def test_member_cut_short_is_matched(tmp_path, vigil, name):
    """The payload and junk after it, cut in the junk: what a consumer
    that extracts as far as the data goes (GNU tar, unarj, a BinHex or
    TNEF reader) writes holds the payload whole. A member whose length
    ran past the end was dropped, matched only as the container's bytes:
    a signature at offset 0 (or for its type, or its hash) missed it."""
    import random
    build, inside = CUT[name]
    data = build(PAYLOAD + random.Random(11).randbytes(20000))
    (tmp_path / name).write_bytes(data[: len(data) * 2 // 3])
    (tmp_path / "head.ndb").write_text("Format.Head:0:0:%s\n" % PAYLOAD[:24].hex())
    r = vigil("scan", "--no-summary", "-d", tmp_path / "head.ndb", tmp_path / name)
    assert r.out.strip() == "%s//%s: Format.Head FOUND" % (tmp_path / name, inside), \
        r.out + r.err
    assert "warning" in r.err


def test_ppt_object_longer_than_declared(tmp_path, vigil):
    """A PowerPoint OLE object that inflates past the size it declares
    (the payload, junk after it, the payload's size declared) was dropped
    whole (zlib's uncompress() fails on a full buffer): the declared size's
    worth is the object now, with a warning, and the whole is handed over
    too ("-whole"), so that a hash of all it inflates to is matched."""
    import random
    f = tmp_path / "lie.ppt"
    whole = PAYLOAD + random.Random(3).randbytes(5000)
    f.write_bytes(fg.ppt_ole_object(whole, declared=len(PAYLOAD)))
    (tmp_path / "sig.hdb").write_text("%s:%d:Format.Payload\n%s:%d:Format.Whole\n" % (
        fg.md5(PAYLOAD), len(PAYLOAD), fg.md5(whole), len(whole)))
    r = vigil("scan", "--no-summary", "--allmatch", "-d", tmp_path / "sig.hdb", f)
    assert sorted(r.out.split("\n")) == sorted([
        "%s//ole-object-1: Format.Payload FOUND" % f,
        "%s//ole-object-1-whole: Format.Whole FOUND" % f, ""]), r.out + r.err
    assert "inflates past its declared size" in r.err


@pytest.mark.parametrize("kind", ["declared-short", "r5-squeezed"])
def test_sis_data_inflated_whole(tmp_path, vigil, kind):
    """A SIS file's data is inflated as far as it goes, whatever size its
    record declares: an OS 6-8 record declaring the payload's size with
    junk after it, and an EPOC R5 record (no size) of data that compresses
    more than 4:1, were cut at the declared size (at 4x the compressed
    size and 1 KiB) and the whole file's hash missed. The OS 6-8 file is
    handed over as declared too (what the installer writes), the whole as
    payload.bin-whole."""
    import random
    whole = PAYLOAD + random.Random(4).randbytes(3000) + bytes(60000) + PAYLOAD
    data = fg.sis(whole, r5=True) if kind == "r5-squeezed" else \
        fg.sis(whole, declared=len(PAYLOAD))
    f = tmp_path / "p.sis"
    f.write_bytes(data)
    (tmp_path / "sig.hdb").write_text("%s:%d:Format.Whole\n%s:%d:Format.Payload\n" % (
        fg.md5(whole), len(whole), fg.md5(PAYLOAD), len(PAYLOAD)))
    r = vigil("scan", "--no-summary", "--allmatch", "-d", tmp_path / "sig.hdb", f)
    want = ["%s//payload.bin: Format.Whole FOUND" % f] if kind == "r5-squeezed" else \
        ["%s//payload.bin: Format.Payload FOUND" % f,
         "%s//payload.bin-whole: Format.Whole FOUND" % f]
    assert sorted(r.out.split()) == sorted(" ".join(want).split()), r.out + r.err


def test_sis_files_after_options_and_conditions(tmp_path, vigil):
    """A SIS file's records may give the installer's options and IF,
    ELSEIF, ELSE and ENDIF conditions before and between its files (an
    option, or the phone's model, choosing what installs): the files after
    them are unpacked. The records of other kinds ended the walk, so a
    payload behind an IF was never matched."""
    import struct
    cond = struct.pack("<I", 3) + struct.pack("<I", 16) + bytes(range(16))
    options = struct.pack("<II", 2, 2) + bytes(2 * 8 + 16)
    elseif = struct.pack("<II", 4, 8) + bytes(8)
    for kind, before in (("if", [cond]), ("options", [options, cond]),
                         ("elseif", [cond, struct.pack("<I", 5), elseif,
                                     struct.pack("<I", 6)])):
        f = tmp_path / ("%s.sis" % kind)
        f.write_bytes(fg.sis(PAYLOAD, before=before))
    (tmp_path / "sig.hdb").write_text("%s:%d:Format.Payload\n" % (fg.md5(PAYLOAD), len(PAYLOAD)))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "sig.hdb", tmp_path)
    assert sorted(r.found()) == sorted("%s//payload.bin" % (tmp_path / ("%s.sis" % k))
                                       for k in ("if", "options", "elseif")), r.out + r.err


def _outlook_cases():
    rtf = fg.rtf(PAYLOAD)
    iid = bytes(range(16))
    return {
        # the RTF body, compressed, and stored ("MELA")
        "rtf.dat": (fg.tnef_props(msg_props=[(0x102, 0x1009, fg.lzfu(rtf))]),
                    "body.rtf//payload.bin"),
        "mela.dat": (fg.tnef_props(msg_props=[(0x102, 0x1009, fg.lzfu(rtf, stored=True))]),
                     "body.rtf//payload.bin"),
        # an embedded message (PR_ATTACH_DATA_OBJ: its interface, then TNEF)
        "embedded.dat": (fg.tnef_props(attach_props=[
            (0x1f, 0x3707, "fwd.msg".encode("utf-16-le")),
            (0x0d, 0x3701, iid + fg.tnef(PAYLOAD))]), "attachment-data-1//payload.bin"),
        "bin.dat": (fg.tnef_props(attach_props=[(0x102, 0x3701, fg.zip_of(PAYLOAD))]),
                    "attachment-data-1//payload.bin"),
        # an Outlook .msg file's RTF body
        "body.msg": (fg.ole2({"__substg1.0_10090102": fg.lzfu(rtf),
                              "__substg1.0_0037001F": "hello".encode("utf-16-le")}),
                     "__substg1.0_10090102.rtf//payload.bin"),
    }


@pytest.mark.parametrize("name", ["rtf.dat", "mela.dat", "embedded.dat", "bin.dat", "body.msg"])
def test_outlook_properties_are_opened(tmp_path, vigil, name):
    """What Outlook keeps in message properties rather than attachments:
    the compressed RTF body (MS-OXRTFCP; an RTF body may carry OLE
    objects, and Outlook's preview renders it), an embedded message or
    object, an attachment's data given as a property. None was opened
    (the RTF body was only its compressed bytes), so a payload there was
    matched by body signatures at best; clamscan opens none either."""
    data, inside = _outlook_cases()[name]
    f = tmp_path / name
    f.write_bytes(data)
    (tmp_path / "sig.hdb").write_text("%s:%d:Format.Payload\n" % (fg.md5(PAYLOAD), len(PAYLOAD)))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "sig.hdb", f)
    assert r.out.strip() == "%s//%s: Format.Payload FOUND" % (f, inside), r.out + r.err


def test_compressed_rtf_cut_short(tmp_path, vigil):
    """Compressed RTF cut before its end mark: what decoded is matched,
    with a warning. The same for the whole file cut in the middle of the
    property's value: the value is read as far as it goes (it was
    dropped whole)."""
    body = fg.lzfu(b"{\\rtf1\\ansi " + b"VIGIL-RTF-MARK " * 40 + b"junk " * 300 + b"}")
    (tmp_path / "cut.dat").write_bytes(
        fg.tnef_props(msg_props=[(0x102, 0x1009, body[:len(body) // 2])]))
    whole = fg.tnef_props(msg_props=[(0x102, 0x1009, body)])
    (tmp_path / "filecut.dat").write_bytes(whole[:len(whole) - len(body) // 2])
    (tmp_path / "m.ndb").write_text("Rtf.Head:0:0:%s\n" % b"{\\rtf1\\ansi VIGIL-RTF-MARK".hex())
    for name in ("cut.dat", "filecut.dat"):
        f = tmp_path / name
        r = vigil("scan", "--no-summary", "-d", tmp_path / "m.ndb", f)
        assert r.out.strip() == "%s//body.rtf: Rtf.Head FOUND" % f, r.out + r.err
        assert "compressed RTF cut short" in r.err, r.err



def test_vba_module_records_cut_short(tmp_path, vigil):
    """A VBA "dir" stream cut inside its last module's records (after the
    stream's name and the source's offset): that module is still read (it
    was left out, so its source reached no signature)."""
    src = b'Sub AutoOpen()\r\n  Shell "vba-dir-cut-short"\r\nEnd Sub\r\n'
    f = tmp_path / "cut.doc"
    f.write_bytes(fg.vba_doc(src, before=["Other"], cut=True))
    (tmp_path / "m.hdb").write_text("%s:%d:Vba.Cut\n" % (fg.md5(src), len(src)))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "m.hdb", f)
    assert r.out.strip() == "%s//Module1.vba: Vba.Cut FOUND" % f, r.out + r.err


def test_installshield_deflated_damaged(tmp_path, vigil):
    """An InstallShield stream file marked deflated: cut short, what
    inflated is matched with a warning; not deflated data at all, it is
    read as stored, with a warning; an empty one is neither."""
    import struct
    mark = b"VIGIL-IS-DEFLATED-MARK"
    payload = mark + os.urandom(30000)
    whole = fg.installshield(payload, deflated=True)
    size = struct.unpack_from("<I", whole, whole.index(b"payload.bin") + 268)[0]
    cut = whole[:len(whole) - size // 2]
    stored = bytearray(fg.installshield(payload))
    stored[stored.index(b"payload.bin") + 280] = 1  # marked deflated, stored
    (tmp_path / "cut.exe").write_bytes(cut)
    (tmp_path / "stored.exe").write_bytes(bytes(stored))
    (tmp_path / "m.ndb").write_text("Is.Mark:0:0:%s\n" % mark.hex())
    for name, warning in (("cut.exe", "damaged compressed data"),
                          ("stored.exe", "not deflated data")):
        f = tmp_path / name
        r = vigil("scan", "--no-summary", "-d", tmp_path / "m.ndb", f)
        assert r.out.strip() == "%s//payload.bin: Is.Mark FOUND" % f, r.out + r.err
        assert warning in r.err, r.err
    # an empty file deflated (as ClamAV's clam_ISmsi_int.exe holds) is no damage
    f = tmp_path / "empty.exe"
    f.write_bytes(fg.installshield(b"", deflated=True))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "m.ndb", f)
    assert r.rc == 0 and r.err == "", r.out + r.err

BIG = ("ole.doc", "flate.pdf", "deflate64.zip", "p.arj", "mime.eml", "iscab.exe",
       "nsis.exe", "p.cab", "winmail.dat")


def test_damaged_large_copies_are_warnings(made, vigil):
    """Larger samples (multi-sector tables, many blocks) cut and flipped:
    damage is a warning and a result, never an error such as "out of
    memory" (damaged-input codes must not be mistaken for one)."""
    import random
    r = random.Random(5)
    payload = bytes(r.randrange(256) for _ in range(150000)) + PAYLOAD * 100
    bad = made / "damaged-large"
    bad.mkdir()
    for name in BIG:
        build = {"ole.doc": fg.ole2_package, "flate.pdf": fg.pdf,
                 "deflate64.zip": fg.zip_deflate64, "p.arj": lambda p: fg.arj(p, "2"),
                 "mime.eml": fg.mime, "iscab.exe": fg.iscab_setup, "nsis.exe": fg.nsis,
                 "p.cab": fg.cab, "winmail.dat": fg.tnef}[name]
        data = build(payload)
        for k, cut in enumerate((len(data) // 3, len(data) * 2 // 3, len(data) - 7)):
            (bad / ("cut%d-%s" % (k, name))).write_bytes(data[:cut])
        flipped = bytearray(data)
        for i in range(len(flipped) // 2, len(flipped), 4099):
            flipped[i] ^= 0xa5
        (bad / ("flip-" + name)).write_bytes(bytes(flipped))
    res = vigil("scan", "--no-summary", "-d", made / "sig.hdb", bad, timeout=120)
    assert res.rc in (0, 1) and "ERROR" not in res.out, res.out + res.err
    assert len(res.out.splitlines()) == 4 * len(BIG)


def test_zstd_container_type(tmp_path, vigil):
    """A zstd stream, with or without a skippable frame before it, is
    ClamAV's CL_TYPE_ZSTD (ClamAV 1.5's name; clamscan 1.4 does not unpack
    zstd): a Container:CL_TYPE_ZSTD signature matches what comes out."""
    db = tmp_path / "z.ldb"
    db.write_text("ZstdChild;Engine:81-255,Container:CL_TYPE_ZSTD,Target:0;0;%s\n"
                  % PAYLOAD[1:21].hex())
    for name, data in (("plain.zst", fg.zstd(PAYLOAD)),
                       ("skip.zst", fg.zstd_skippable(PAYLOAD)),
                       ("plain.gz", fg.gz(PAYLOAD))):
        (tmp_path / name).write_bytes(data)
    r = vigil("scan", "--no-summary", "-d", db, tmp_path / "plain.zst",
              tmp_path / "skip.zst", tmp_path / "plain.gz")
    found = r.found()
    # no stored name: named after the file, as tools name what they unpack
    assert set(found) == {str(tmp_path / "plain.zst") + "//plain",
                          str(tmp_path / "skip.zst") + "//skip"}


def test_stream_layers_are_named_after_the_file(tmp_path, vigil):
    """A gzip, bzip2, xz or zstd stream without a stored name holds what
    its file name says: x.tar.gz and x.tgz hold x.tar, x.gz holds x; one
    whose name says nothing holds "data"."""
    db = tmp_path / "p.ndb"
    db.write_text("Payload.Mark:0:*:%s\n" % PAYLOAD[1:21].hex())
    cases = {"a.tar.gz": "a.tar", "b.tgz": "b.tar", "c.gz": "c",
             "d.TGZ": "d.tar", "e.bin": "data"}
    for name in cases:
        (tmp_path / name).write_bytes(fg.gz(PAYLOAD))
    r = vigil("scan", "--no-summary", "-d", db,
              *[tmp_path / n for n in cases])
    assert set(r.found()) == {"%s//%s" % (tmp_path / n, inner)
                              for n, inner in cases.items()}


@pytest.mark.parametrize("matcher", ["vectorscan", "anchors"])
def test_xdp_after_a_text_detection(tmp_path, vigil, matcher):
    """A text file with a detection has its passes made again (the raw
    one had left out what its normalisation's is sure to find); that
    pass, the last over the file, is the one whose containers' marks
    decide what is opened inside: with --allmatch, the PDF of an XML Data
    Package whose XML also holds a text signature is still found."""
    db = tmp_path / "db"
    db.mkdir()
    (db / "sig.hdb").write_text("%s:%d:Format.Payload\n" % (fg.md5(PAYLOAD), len(PAYLOAD)))
    (db / "t.ndb").write_text("Text.InXml:0:*:%s\n" % b"evil text".hex())
    xdp = fg.xdp(fg.pdf(PAYLOAD))
    head, mark, rest = xdp.partition(b"<xdp:xdp")
    f = tmp_path / "noted.xdp"
    f.write_bytes(head + b"<!-- evil text -->\n" + mark + rest)
    r = vigil("scan", "--no-summary", "--allmatch", "-d", db, f,
              env={"VIGIL_MATCHER": matcher})
    assert sorted(r.found()) == sorted(["%s" % f, "%s//xdp-pdf//obj-4" % f]), r.out + r.err


@pytest.mark.parametrize("matcher", ["own-pass", "body-pass", "anchors"])
def test_xdp_mark_in_the_first_mib(tmp_path, vigil, matcher):
    """An XML Data Package is known by "<xdp:xdp" whole in its first MiB,
    wherever there (ClamAV's magic looks anywhere): the mark is found by
    the containers' pass of its own (no body signatures), by the body
    signatures' Vectorscan pass, or beside the anchors matcher, and the
    same answer comes from each."""
    db = tmp_path / "db"
    db.mkdir()
    (db / "sig.hdb").write_text("%s:%d:Format.Payload\n" % (fg.md5(PAYLOAD), len(PAYLOAD)))
    if matcher != "own-pass":
        (db / "b.ndb").write_text("Never.There:0:*:%s\n" % os.urandom(24).hex())
    env = {"VIGIL_MATCHER": "anchors"} if matcher == "anchors" else {}
    xdp = fg.xdp(fg.pdf(PAYLOAD))
    head, mark, rest = xdp.partition(b"<xdp:xdp")
    files = {}
    for name, pad in (("start.xdp", 0), ("later.xdp", 100000),
                      ("edge.xdp", (1 << 20) - 8 - len(head) - 7),
                      ("past.xdp", (1 << 20) - 7 - len(head) - 7)):
        data = head + b"<!--" + b"x" * pad + b"-->" + mark + rest
        (tmp_path / name).write_bytes(data)
        files[name] = data.index(mark)
    assert files["edge.xdp"] + 8 == 1 << 20 and files["past.xdp"] + 8 == (1 << 20) + 1
    r = vigil("scan", "--no-summary", "-d", db, *[tmp_path / n for n in sorted(files)],
              env=env)
    assert set(r.found()) == {"%s//xdp-pdf//obj-4" % (tmp_path / n)
                              for n in ("start.xdp", "later.xdp", "edge.xdp")}, r.out + r.err
