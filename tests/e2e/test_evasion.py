"""The evasion suite: hostile files an attacker would use to get a payload
past the scanner (issue 12's findings, each with neighbours: another
container, another offset, another encoding), generated here. Each must
be found on every path a file reaches the engine by: `vigil scan`, the
library (docs/examples/scan_example.c), vigild's clamd protocol
(INSTREAM, SCAN of a path, FILDES) and its ICAP service. Nothing may
crash, and nothing may be called clean."""
import gzip
import io
import os
import socket
import struct
import subprocess
import sys
import zipfile

import pytest

from conftest import BUILD, VIGIL
from daemon import Vigild, instream, make_db, pass_pipe

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import formatgen as fg  # noqa: E402

MARKER = b"VIGIL-EVASION-MARKER:found-on-every-path"
NAME = "Vigil.Test.Evasion"
EXAMPLE = os.path.join(BUILD, "tests", "scan_example")


def gz(data, name="x"):
    b = io.BytesIO()
    with gzip.GzipFile(filename=name, mode="wb", fileobj=b, mtime=0) as g:
        g.write(data)
    return b.getvalue()


def zipped(data, name="x", method=zipfile.ZIP_DEFLATED):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", method) as z:
        z.writestr(name, data)
    return b.getvalue()


def payload(text=b"hello "):
    return text + MARKER + b"\n"


def hidden(data):
    """Data whose compressed form must not show the marker as it is (a
    compressor that keeps literals raw would make the sample prove
    nothing): the marker's first half comes earlier too, so that the
    compressor copies it."""
    assert MARKER not in data, "the sample shows its payload"
    return data


def split_payload():
    return MARKER[:20] + b"_" * 40 + payload()


# ------------------------------------------------------------ finding 1
def pe_without_sections(stub, headers, size, ep=0x200):
    """A PE32 with no section, SizeOfHeaders as given, a packer's stub at
    the entry point, and the payload in a zip appended to it: found only
    if the packer stage survives the image and lets the later stages
    look."""
    b = bytearray(size)
    b[0:2] = b"MZ"
    struct.pack_into("<I", b, 0x3c, 0x40)
    b[0x40:0x44] = b"PE\0\0"
    struct.pack_into("<HHIIIHH", b, 0x44, 0x14c, 0, 0, 0, 0, 0xe0, 0x102)
    o = 0x40 + 24
    struct.pack_into("<H", b, o, 0x10b)
    struct.pack_into("<I", b, o + 16, ep)
    struct.pack_into("<I", b, o + 28, 0x400000)
    struct.pack_into("<II", b, o + 32, 0x1000, 0x200)
    struct.pack_into("<I", b, o + 56, 0x5000)
    struct.pack_into("<I", b, o + 60, headers)
    struct.pack_into("<I", b, o + 92, 16)
    for k, v in stub.items():
        b[ep + k:ep + k + len(v)] = v
    for i in range(0x1000, size):
        b[i] = 0x41  # what the overflow wrote
    return bytes(b) + zipped(payload(), "readme.txt")


ASPACK_212 = {0: bytes.fromhex("60e803000000e9eb"),
              0x3b9: bytes.fromhex("6800000000c3")}
ASPACK_NOSECT = pe_without_sections(ASPACK_212, 0x4000, 0x4000)


# ------------------------------------------------------------ finding 2
def long_path(levels, layers=16, width=190, inner=gz, outer=zipped):
    """Names nested until the path to the payload passes 16 KiB."""
    obj = payload()
    for lv in range(levels):
        for i in range(layers):
            obj = inner(obj, ("g%d_%02d_" % (lv, i)) + "x" * width)
        obj = outer(obj, ("z%d_" % lv) + "y" * (width + 6))
    return obj


def tarred(data, name):
    import tarfile
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w", format=tarfile.GNU_FORMAT) as t:
        info = tarfile.TarInfo(name)
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return b.getvalue()


# ------------------------------------------------------------ finding 6
def upx_marked(sfx):
    b = bytearray(sfx)
    b[0x40:0x44] = b"UPX!"  # in the DOS stub: no pack header follows
    return bytes(b)


# ------------------------------------------------ findings 4, 5, 7, 14
def zip_entries(entries, method=zipfile.ZIP_DEFLATED):
    """A zip of (name, data, unix mode or None) in this order."""
    import warnings
    b = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names, on purpose
        with zipfile.ZipFile(b, "w", method) as z:
            for name, data, mode in entries:
                info = zipfile.ZipInfo(name)
                info.compress_type = method
                if mode is not None:
                    info.create_system = 3
                    info.external_attr = mode << 16
                z.writestr(info, data)
    return b.getvalue()


def duplicate_names(method):
    return zip_entries([("readme.txt", b"clean text\n" * 20, None),
                        ("readme.txt", payload(), None)], method)


def moded(mode, method=zipfile.ZIP_BZIP2):
    return zip_entries([("evil.txt", b"A" * 100 + payload(), mode)], method)


JPEG = bytes.fromhex("ffd8ffe000104a46494600010100000100010000ffd9")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def damaged_first_header(data):
    assert data[:4] == b"PK\x03\x04"
    return b"PK\x03\x05" + data[4:]


def sevenzip_of(data):
    return fg.sevenzip(data)


# ------------------------------------------------------------ finding 3
def mail(subject=b"invoice", first=b"", encoding=b"base64", inner=None):
    import base64
    import quopri
    body = b"A" * 100 + (inner or payload()) + b"B" * 100
    enc = base64.encodebytes(body) if encoding == b"base64" else \
        quopri.encodestring(body + bytes(range(200, 256)))
    return (first + b"From: a@example.com\r\nTo: b@example.com\r\n"
            b"Subject: " + subject + b"\r\nMIME-Version: 1.0\r\n"
            b"Content-Type: multipart/mixed; boundary=\"BB\"\r\n\r\n--BB\r\n"
            b"Content-Type: text/plain\r\n\r\nhello\r\n--BB\r\n"
            b"Content-Type: application/octet-stream; name=\"a.bin\"\r\n"
            b"Content-Transfer-Encoding: " + encoding + b"\r\n\r\n" + enc +
            b"\r\n--BB--\r\n")


def page(prefix=b"", inside=b"", inner=None):
    import base64
    b64 = base64.b64encode(b"A" * 100 + (inner or payload()) + b"B" * 100)
    return (prefix + b"<html>" + inside + b"<body><a href=\"data:application/"
            b"octet-stream;base64," + b64 + b"\">x</a></body></html>\n")


def pdf_script(js, key=b"/JS"):
    """A PDF that runs a script written as a string when it opens."""
    return (b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /OpenAction 2 0 R >>\n"
            b"endobj\n2 0 obj\n<< /S /JavaScript " + key + b" " + js +
            b" >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


def octal(data):
    return b"".join(b"\\%03o" % ch for ch in data)


def rtf_object(cut):
    """An RTF object whose hex is broken up by cut(chunk) every 16 digits:
    control words with parameters, \\bin with raw bytes."""
    r = fg.rtf(payload())
    i = r.index(b"objdata ") + 8
    j = r.index(b"}", i)
    return r[:i] + b"".join(cut(r[k:min(k + 16, j)])
                            for k in range(i, j, 16)) + r[j:]


# ------------------------------------------------------------ finding 8
def ole2_chain(n, inner=lambda d: zipped(d, "payload.bin")):
    """n streams whose directory entries form a chain of siblings; the
    last holds the payload."""
    streams = {"s%03d" % i: b"filler %d\n" % i * 10 for i in range(n)}
    streams["s%03d" % (n - 1)] = inner(payload())
    return fg.ole2(streams)


# ------------------------------------------------------------ finding 9
def pdf_stream(data, filt=b"/FlateDecode", length=None, enc=None):
    """One stream whose /Length may lie (shorter, zero, pointing into the
    data); enc turns the payload into the filter's encoding."""
    import zlib
    body = zlib.compress(data) if enc is None else enc(data)
    n = len(body) if length is None else length
    return (b"%PDF-1.4\n1 0 obj\n<< /Length " + str(n).encode() +
            b" /Filter " + filt + b" >>\nstream\n" + body +
            b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")


# ----------------------------------------------------------- finding 15
def many_dirs_then(n, kind):
    """n empty directory entries, then the payload."""
    if kind == "zip":
        return zip_entries([("d%06d/" % i, b"", 0o40755) for i in range(n)] +
                           [("last.txt", payload(), None)])
    import tarfile
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode="w:gz") as t:
        for i in range(n):
            info = tarfile.TarInfo("d%06d" % i)
            info.type = tarfile.DIRTYPE
            t.addfile(info)
        info = tarfile.TarInfo("last.txt")
        data = payload()
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return b.getvalue()


SAMPLES = {
    # 1: an ASPack stub in a PE with no section (a heap overflow once)
    "aspack-no-sections": ASPACK_NOSECT,
    "aspack-no-sections-1mib": pe_without_sections(ASPACK_212, 1 << 20,
                                                   1 << 20),
    "aspack-no-sections-in-zip": zipped(ASPACK_NOSECT, "setup.exe"),
    # 2: a detection whose path inside the object passes 16 KiB
    "long-path-zip-gzip": long_path(5),
    "long-path-tar-gzip": long_path(5, outer=tarred),
    "long-path-zips-only": long_path(15, layers=0, width=1200),
    # 6: "UPX!" in the first 4 KiB, or a real UPX image, with a zip after
    "upx-marker-sfx": upx_marked(fg.pe_sfx(payload())),
    "upx-section-name-sfx": fg.pe(sections=(("UPX!", b"\xc3" * 64),))
    + zipped(payload()),
    "upx-real-with-zip": fg.upx_pe(b"harmless program bytes" * 10)
    + zipped(payload()),
    # 4: two entries of one name, the second the payload
    "zip-duplicate-name-deflate": duplicate_names(zipfile.ZIP_DEFLATED),
    "zip-duplicate-name-stored": duplicate_names(zipfile.ZIP_STORED),
    "zip-duplicate-name-bzip2": duplicate_names(zipfile.ZIP_BZIP2),
    # 7: entries whose mode says directory, link, device, FIFO or socket
    "zip-mode-directory": moded(0o40755),
    "zip-mode-symlink": moded(0o120777),
    "zip-mode-chardev": moded(0o20644),
    "zip-mode-socket": moded(0o140644),
    "zip-mode-directory-lzma": moded(0o40755, zipfile.ZIP_LZMA),
    "zip-mode-directory-stored": moded(0o40755, zipfile.ZIP_STORED),
    # 5: an archive that does not start at byte 0
    "zip-after-text": b"#!/bin/sh\necho hello\nexit 0\n" + zipped(payload()),
    "zip-after-binary": bytes(range(256)) * 40 + zipped(payload()),
    "zip-jpeg-polyglot": JPEG + zipped(payload()),
    "zip-pdf-polyglot": PDF + zipped(payload()),
    "zip-damaged-first-header": damaged_first_header(zipped(payload())),
    "zip-after-zip": zipped(b"clean\n" * 10, "a.txt") + zipped(payload(),
                                                                "b.txt"),
    "7z-after-text": b"some text before\n" * 10 + fg.sevenzip(payload()),
    "7z-jpeg-polyglot": JPEG + fg.sevenzip(payload()),
    # the class of 5: compressed streams and other archives at any offset
    "gzip-after-text": hidden(b"#!/bin/sh\nexit 0\n" +
                              gz(split_payload())),
    "gzip-jpeg-polyglot": hidden(JPEG + gz(split_payload())),
    "gzip-in-pdf-comment": hidden(PDF.replace(
        b"%%EOF", b"%" + gz(split_payload()) + b"\n%%EOF")),
    "xz-after-text": hidden(b"some text before\n" * 5 + __import__("lzma")
                            .compress(split_payload())),
    "bzip2-after-binary": hidden(bytes(range(256)) * 4 + __import__("bz2")
                                 .compress(split_payload())),
    "zstd-after-text": hidden(b"some text before\n" * 5 +
                              fg.zstd(split_payload())),
    "cab-after-text": hidden(b"some text before\n" * 5 +
                             fg.cab(split_payload())),
    "cab-jpeg-polyglot": hidden(JPEG + fg.cab(split_payload())),
    # 3: mail and HTML a stray byte or an unusual first field would hide
    "mail-nul-in-subject": mail(b"invoice\x00"),
    "mail-ctl-in-subject": mail(b"invoice\x01"),
    "mail-del-in-subject": mail(b"invoice\x7f"),
    "mail-vt-in-subject": mail(b"invoice\x0b"),
    "mail-x-mailer-first": mail(first=b"X-Mailer: Outlook\r\n"),
    "mail-arc-seal-first": mail(first=b"ARC-Seal: i=1\r\n"),
    "mail-qp-nul-in-subject": mail(b"a\x00b", encoding=b"quoted-printable"),
    "html-ctl-before": page(b"\x01"),
    "html-nul-inside": page(inside=b"\x00\x00"),
    # PDF: a script in a string, written as a reader decodes it
    "pdf-js-octal": pdf_script(b"(" + octal(payload()[:12]) +
                               payload()[12:] + b")"),
    "pdf-js-hex": pdf_script(b"<" + payload().hex().encode() + b">"),
    "pdf-js-line-continued": pdf_script(b"(" + payload()[:16] + b"\\\n" +
                                        payload()[16:] + b")"),
    "pdf-js-escaped-key": pdf_script(b"<" + payload().hex().encode() + b">",
                                     key=b"/J#53"),
    # markup mshta runs wherever it is in the file: an HTA that is also
    # an executable or an image
    "hta-after-pe": fg.pe() + page(),
    "html-after-jpeg": JPEG + page(),
    "hta-tag-after-pe": fg.pe() + page().replace(
        b"<html>", b"<HTA:APPLICATION ID=x>").replace(b"</html>", b""),
    # RTF: what Word skips between the object's hex digits
    "rtf-control-word-parameters": rtf_object(lambda h: h + b"\\uc1 "),
    "rtf-negative-parameters": rtf_object(lambda h: h + b"\\li-1234 "),
    "rtf-bin-raw-bytes": rtf_object(
        lambda h: b"\\bin8 " + bytes.fromhex(h.decode()) if len(h) == 16
        else h),
    # character references in the attribute, as a browser decodes them
    "html-data-colon-ref": page().replace(b"data:", b"data&#58;"),
    "html-data-hex-refs": page().replace(b"data:", b"&#x64;ata&colon;")
    .replace(b";base64,", b"&#59;base64&#x2c;"),
    # 8: OLE2 streams past the 33rd sibling
    "ole2-40-siblings": ole2_chain(40),
    "ole2-200-siblings": ole2_chain(200),
    "ole2-40-siblings-gzip": ole2_chain(40, gz),
    # 9: a /Length that does not end at endstream
    "pdf-length-short": pdf_stream(payload(), length=2),
    "pdf-length-zero": pdf_stream(payload(), length=0),
    "pdf-length-short-hex": pdf_stream(payload(), b"/ASCIIHexDecode", 4,
                                       lambda d: d.hex().encode() + b">"),
    # 15: many entries without data before the payload
    "zip-20000-dirs-then-payload": many_dirs_then(20000, "zip"),
    "tgz-20000-dirs-then-payload": many_dirs_then(20000, "tar"),
    # names written with #xx escapes, as readers accept them
    "pdf-escaped-filter-name": pdf_stream(payload(), b"/Fl#61teDecode"),
    "pdf-escaped-filter-array": pdf_stream(
        payload(), b"[/#41SCIIHexDecode]",
        enc=lambda d: d.hex().encode() + b">"),
    "pdf-escaped-length": pdf_stream(payload(), length=3).replace(
        b"/Length", b"/L#65ngth"),
    "pdf-length-short-a85": pdf_stream(
        payload(), b"/ASCII85Decode", 3,
        lambda d: __import__("base64").a85encode(d) + b"~>"),
}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("evasion")
    db = make_db(str(root / "db"), "%s:0:*:%s\n" % (NAME, MARKER.hex()))
    files = root / "files"
    files.mkdir()
    os.chmod(root, 0o755)
    os.chmod(files, 0o755)
    for name, data in SAMPLES.items():
        (files / name).write_bytes(data)
        os.chmod(files / name, 0o644)
    d = Vigild(str(root), db, "MaxThreads 2\nStreamMaxLength 64M\n")
    yield db, files, d
    d.stop()


def icap_respmod(port, body):
    hdr = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"
    req = (b"RESPMOD icap://127.0.0.1/avscan ICAP/1.0\r\nHost: 127.0.0.1\r\n"
           b"Allow: 204\r\nEncapsulated: res-hdr=0, res-body=%d\r\n\r\n"
           % len(hdr) + hdr + b"%x\r\n" % len(body) + body + b"\r\n0\r\n\r\n")
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(req)
        s.settimeout(60)
        out = b""
        while b"\r\n\r\n" not in out:
            b = s.recv(65536)
            if not b:
                break
            out += b
    return out.split(b"\r\n\r\n", 1)[0].decode(errors="replace")


def encrypted_pdf(trailer):
    return pdf_stream(bytes(range(256)) * 4, b"/Crypt",
                      enc=lambda x: x).replace(
        b"trailer\n<< /Root 1 0 R >>", trailer)


ENCRYPTED_PDFS = {
    "plain": encrypted_pdf(b"trailer\n<< /Root 1 0 R /Encrypt 2 0 R >>"),
    # the name written with #xx escapes, as readers accept it
    "escaped-name": encrypted_pdf(
        b"trailer\n<< /Root 1 0 R /Encr#79pt 2 0 R >>"),
    "every-byte-escaped": encrypted_pdf(
        b"trailer\n<< /Root 1 0 R /#45#6e#63#72#79#70#74 2 0 R >>"),
    # no trailer: the dictionary of a cross-reference stream names it
    "xref-stream": encrypted_pdf(
        b"9 0 obj\n<< /Type /XRef /Encrypt 2 0 R /Size 3 >>\nendobj"),
}


@pytest.mark.parametrize("name", sorted(ENCRYPTED_PDFS))
def test_encrypted_pdf_is_never_clean(env, name, tmp_path):
    """Streams under an /Encrypt dictionary cannot be read: reported, by
    every path, never OK (finding 17 and its neighbours)."""
    data = ENCRYPTED_PDFS[name]
    path = tmp_path / "encrypted.pdf"
    path.write_bytes(data)
    os.chmod(tmp_path, 0o755)
    os.chmod(path, 0o644)
    seen = verdicts(env, str(path), data)
    assert set(seen.values()) == {"Heuristics.Encrypted.PDF"}, seen


def fildes_of_pipe(sock, data):
    """FILDES of a pipe the client fills and closes (read by the daemon)."""
    import threading
    c, w = pass_pipe(sock)

    def feed():
        with os.fdopen(w, "wb") as f:
            f.write(data)
    t = threading.Thread(target=feed)
    t.start()
    c.settimeout(120)
    out = b""
    while not out.endswith(b"\0"):
        b = c.recv(65536)
        if not b:
            break
        out += b
    t.join()
    c.close()
    return out.decode()


def verdicts(env, path, data):
    """{path the object took: "Name", "OK" or the error text}."""
    db, files, d = env
    seen = {}

    def line(text):
        text = text.strip().rstrip("\0")
        label, _, rest = text.partition(": ")
        return rest[:-6] if rest.endswith(" FOUND") else rest
    for how, argv in (("vigil scan", [VIGIL, "scan", "--no-summary",
                                      "--no-cache", "-d", db, path]),
                      ("library", [EXAMPLE, db, path])):
        res = subprocess.run(argv, capture_output=True, text=True,
                             timeout=300)
        seen[how] = line(res.stdout.splitlines()[-1] if res.stdout else
                         "rc %d: %s" % (res.returncode, res.stderr))
    seen["INSTREAM"] = line(d.ask(instream(data), timeout=120).decode())
    seen["SCAN"] = line(d.ask(b"zSCAN " + path.encode() + b"\0",
                              timeout=120).decode())
    fd = os.open(path, os.O_RDONLY)
    try:
        seen["FILDES"] = line(d.ask(b"zFILDES\0", fds=[fd],
                                    timeout=120).decode())
    finally:
        os.close(fd)
    seen["FILDES of a pipe"] = line(fildes_of_pipe(d.sock, data))
    head = icap_respmod(d.icap, data)
    if head.startswith("ICAP/1.0 204"):
        seen["ICAP"] = "OK"
    else:
        threat = [x for x in head.split("\r\n")
                  if x.startswith("X-Infection-Found:")]
        seen["ICAP"] = threat[0].split("Threat=")[1].rstrip(";") \
            if threat else head.split("\r\n")[0]
    return seen


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_found_on_every_path(env, name):
    db, files, d = env
    seen = verdicts(env, str(files / name), SAMPLES[name])
    assert all(v == NAME for v in seen.values()), seen


def deep_zip(levels):
    data = payload()
    for i in range(levels):
        data = zipped(data, "level%d.zip" % i)
    return data


SAME = {
    "clean-text": b"nothing to see here\n" * 100,
    "clean-zip": zipped(b"nothing to see here\n" * 100, "readme.txt"),
    "clean-html": page(inner=b"an attachment"),
    "clean-mail": mail(b"minutes", inner=b"an attachment"),
    "clean-pdf": pdf_stream(b"BT /F1 12 Tf (hello) Tj ET"),
    "clean-pe": fg.pe(sections=((".text", b"\xc3" * 64),)),
    "clean-empty": b"",
    "limit-recursion": deep_zip(40),
}


@pytest.mark.parametrize("name", sorted(SAME))
def test_same_verdict_everywhere(env, name):
    """The same object, the same verdict, clean or not, on every path."""
    db, files, d = env
    path = files / ("same-" + name)
    path.write_bytes(SAME[name])
    os.chmod(path, 0o644)
    seen = verdicts(env, str(path), SAME[name])
    assert len(set(seen.values())) == 1, seen
    want = "OK" if name.startswith("clean") else \
        "Heuristics.Limits.Exceeded.MaxRecursion"
    assert seen["vigil scan"] == want, seen


def test_embedded_executable_is_an_object(env, tmp_path):
    """A Windows executable inside a JPEG or after text is scanned as an
    executable of its own: a signature for executables (target 1) finds
    what it holds, which clamscan misses in the JPEG."""
    db, files, d = env
    pe_db = tmp_path / "pe"
    make_db(str(pe_db), "Vigil.Test.PEOnly:1:*:%s\n" % MARKER.hex())
    exe = fg.pe(sections=((".text", b"\xc3" * 64 + payload()),))
    for name, data in (("pe-jpeg-polyglot", JPEG + exe + b"trailer"),
                       ("pe-after-text", b"text " * 100 + exe)):
        path = tmp_path / name
        path.write_bytes(data)
        res = subprocess.run([VIGIL, "scan", "--no-summary", "--no-cache",
                              "-d", str(pe_db), str(path)],
                             capture_output=True, text=True)
        assert res.returncode == 1, res.stdout + res.stderr
        assert res.stdout.strip() == "%s//pe@%d: Vigil.Test.PEOnly FOUND" % (
            path, data.index(b"MZ"))
    # and a text file that merely mentions "PE\0\0" is not an executable
    path = tmp_path / "mentions"
    path.write_bytes(b"a note: MZ" + b"x" * 100 + b"PE\0\0L\x01" + payload())
    res = subprocess.run([VIGIL, "scan", "--no-summary", "--no-cache", "-d",
                          str(pe_db), str(path)], capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stdout


def test_zip_constants_in_a_program_are_not_a_zip(tmp_path):
    """A program that handles zips holds their signatures as constants:
    an end record followed by the other two, and a "local header" with a
    reserved flag and no name (both from osslsigncode's machine code, which
    was reported Heuristics.Encrypted.Zip). Not a zip: clean."""
    code = (b"\x48\x89\xe5" * 40 + b"PK\x05\x06PK\x01\x02PK\x03\x04" +
            b"\xff\xff\xff\xff\x11\x00\x00\x00\x01\x00" + b"\x00" * 30 +
            b"PK\x03\x04\x0f\x85\x62\x02\x00\x00\x4c\x8d\x74\x24\x12\xba" +
            b"\x02\x00\x00\x00\x48\x89\xe9\xbe\x01\x00\x00\x00\x4c\x89" +
            b"\x90" * 200)
    path = tmp_path / "zip-tool"
    path.write_bytes(fg.elf(code))
    db = tmp_path / "d.ndb"
    db.write_text("%s:0:*:%s\n" % (NAME, MARKER.hex()))
    res = subprocess.run([VIGIL, "scan", "--no-summary", "--no-cache", "-d",
                          str(db), str(path)], capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.strip().endswith(": OK"), \
        res.stdout + res.stderr
