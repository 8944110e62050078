"""Archives and compressed files built here with the standard tools: every
format is unpacked, the payload is found by its hash and its body, the
detection names the path inside, and clamscan agrees on the verdict."""
import bz2
import gzip
import hashlib
import io
import lzma
import subprocess
import tarfile
import zipfile

import pytest

PAYLOAD = b"\x7fVIGIL-ARCHIVE-PAYLOAD\x00" + bytes(range(256)) * 8 + b"\xfe-END"
BODY = PAYLOAD[1:33]


def sigs(d):
    (d / "p.hdb").write_text("%s:%d:Payload.Md5\n" % (hashlib.md5(PAYLOAD).hexdigest(), len(PAYLOAD)))
    (d / "p.hsb").write_text("%s:%d:Payload.Sha256\n" % (hashlib.sha256(PAYLOAD).hexdigest(), len(PAYLOAD)))
    (d / "p.ndb").write_text("Payload.Body:0:*:%s\n" % BODY.hex())


def run_tool(argv, cwd):
    subprocess.run(argv, cwd=cwd, check=True, capture_output=True)


def build_all(src, out):
    """name -> path of an archive holding payload.bin."""
    (src / "payload.bin").write_bytes(PAYLOAD)
    made = {}
    for method, tag in ((zipfile.ZIP_STORED, "stored"), (zipfile.ZIP_DEFLATED, "deflate"),
                        (zipfile.ZIP_BZIP2, "bzip2"), (zipfile.ZIP_LZMA, "lzma")):
        p = out / ("p-%s.zip" % tag)
        with zipfile.ZipFile(p, "w", method) as z:
            z.write(src / "payload.bin", "dir/payload.bin")
        made[p.name] = "dir/payload.bin"
    # a compressed stream is one object, named from the gzip header, or
    # after its file (x.tar.bz2 holds x.tar)
    for mode, ext, inner in (("w", "tar", ""), ("w:gz", "tar.gz", "p.tar//"),
                             ("w:bz2", "tar.bz2", "p.tar//"), ("w:xz", "tar.xz", "p.tar//")):
        p = out / ("p." + ext)
        with tarfile.open(p, mode) as t:
            t.add(src / "payload.bin", "payload.bin")
        made[p.name] = inner + "payload.bin"
    for mod, ext in ((gzip, "gz"), (bz2, "bz2"), (lzma, "xz")):
        (out / ("payload.bin." + ext)).write_bytes(mod.compress(PAYLOAD))
        made["payload.bin." + ext] = None
    tools = [
        ("p.7z", ["7z", "a", "-bd", str(out / "p.7z"), "payload.bin"], "payload.bin"),
        ("p.zst", ["zstd", "-q", "-o", str(out / "p.zst"), "payload.bin"], None),
        ("p.lz", ["lzip", "-k", "-c", "payload.bin"], None),
        ("p.a", ["ar", "rc", str(out / "p.a"), "payload.bin"], "payload.bin"),
        ("p.iso", ["genisoimage", "-quiet", "-o", str(out / "p.iso"), "payload.bin"], "PAYLOAD.BIN"),
        ("p.cab", ["gcab", "-c", "-z", str(out / "p.cab"), "payload.bin"], "payload.bin"),
        ("p-sfx.elf", ["7z", "a", "-bd", "-t7z", "-sfx7zCon.sfx", str(out / "p-sfx.elf"),
                       "payload.bin"],
         "payload.bin"),
        ("p.lz4", ["lz4", "-q", "payload.bin", str(out / "p.lz4")], None),
        ("p.Z", ["compress", "-c", "payload.bin"], None),
    ]
    for name, argv, inner in tools:
        if name in ("p.lz", "p.Z"):
            (out / name).write_bytes(subprocess.run(argv, cwd=src, check=True,
                                                    capture_output=True).stdout)
        else:
            run_tool(argv, src)
        made[name] = inner
    for method in ("1", "4"):  # LZ77 with Huffman blocks; "fastest"
        name = "p-m%s.arj" % method
        run_tool(["arj", "a", "-m" + method, "-y", str(out / name), "payload.bin"], src)
        made[name] = "payload.bin"
    for fmt in ("newc", "odc", "bin"):
        p = out / ("p-%s.cpio" % fmt)
        cp = subprocess.run(["cpio", "-o", "-H", fmt, "--quiet"], cwd=src, input=b"payload.bin\n",
                            capture_output=True, check=True)
        p.write_bytes(cp.stdout)
        made[p.name] = "payload.bin"
    return made


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("archives")
    src, out = root / "src", root / "out"
    src.mkdir()
    out.mkdir()
    sigs(root)
    return root, out, build_all(src, out)


@pytest.mark.parametrize("db", ["p.hdb", "p.hsb", "p.ndb"])
def test_every_format_unpacked(corpus, vigil, db):
    root, out, made = corpus
    r = vigil("scan", "--no-summary", "-d", root / db, out)
    found = r.found()
    for name, inner in made.items():
        top = str(out / name)
        hits = [p for p in found if p == top or p.startswith(top + "//")]
        assert hits, "%s: payload not found (%s)" % (name, r.err)
        # a file hash can only match the unpacked payload; a body signature
        # may already match stored data in the container itself
        if inner and db != "p.ndb":
            assert top + "//" + inner in found, (name, hits)
    assert r.rc == 1


def test_clamscan_agrees(corpus, vigil, clamscan):
    root, out, made = corpus
    v = vigil("scan", "--no-summary", "-d", root / "p.hdb", out)
    c = clamscan("--no-summary", "-r", "-d", root / "p.hdb", out)
    vtop = {p.split("//")[0] for p in v.found()}
    ctop = set(c.found())
    # clamscan 1.4 reads neither lzip, zstd, compress, lz4, ar nor LZMA
    # inside zip
    assert ctop <= vtop
    assert vtop - ctop == {str(out / n) for n in ("p.lz", "p.zst", "p.a", "p-lzma.zip",
                                                  "p.Z", "p.lz4")}


def test_nested_path(tmp_path, vigil):
    sigs(tmp_path)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("invoice/payload.exe", PAYLOAD)
    tgz = io.BytesIO()
    with tarfile.open(fileobj=tgz, mode="w:gz") as t:
        info = tarfile.TarInfo("invoice.zip")
        info.size = len(inner.getvalue())
        t.addfile(info, io.BytesIO(inner.getvalue()))
    mail = tmp_path / "outer.tgz"
    mail.write_bytes(tgz.getvalue())
    r = vigil("scan", "--no-summary", "-d", tmp_path / "p.ndb", mail)
    inner = "outer.tar//invoice.zip//invoice/payload.exe"
    assert r.out.strip() == "%s//%s: Payload.Body FOUND" % (mail, inner)
    r = vigil("scan", "--json", "--no-summary", "-d", tmp_path / "p.ndb", mail)
    import json
    obj = json.loads(r.out.splitlines()[0])
    assert obj["found"][0]["object"] == "%s//%s" % (mail, inner)
    assert obj["objects"] == 4  # the gzip, the tar, the zip, the payload


def test_encrypted_entry_is_never_clean(tmp_path, vigil):
    sigs(tmp_path)
    (tmp_path / "payload.bin").write_bytes(PAYLOAD)
    subprocess.run(["zip", "-q", "-P", "secret", str(tmp_path / "enc.zip"), "payload.bin"],
                   cwd=tmp_path, check=True)
    subprocess.run(["7z", "a", "-bd", "-psecret", "-mhe=on", str(tmp_path / "enc.7z"),
                    "payload.bin"], cwd=tmp_path, check=True, capture_output=True)
    r = vigil("scan", "--no-summary", "-d", tmp_path / "p.ndb", tmp_path / "enc.zip")
    assert r.rc == 1 and "Heuristics.Encrypted.Zip FOUND" in r.out
    r = vigil("scan", "--no-summary", "-d", tmp_path / "p.ndb", tmp_path / "enc.7z")
    assert r.rc == 1 and "Heuristics.Encrypted.7Zip FOUND" in r.out


def with_method(method):
    """A stored zip entry relabelled with another compression method in
    both headers: data 7-Zip would extract (PPMd, WavPack...) that Vigil
    cannot decode."""
    import struct
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_STORED) as z:
        z.writestr("a.txt", b"nothing to see here\n")
    d = bytearray(b.getvalue())
    struct.pack_into("<H", d, 8, method)
    struct.pack_into("<H", d, d.find(b"PK\1\2") + 10, method)
    return bytes(d)


def test_unsupported_method_is_never_clean(tmp_path, vigil):
    sigs(tmp_path)
    for method in (98, 97, 19):
        f = tmp_path / ("m%d.zip" % method)
        f.write_bytes(with_method(method))
        r = vigil("scan", "--no-summary", "-d", tmp_path / "p.ndb", f)
        assert r.rc == 1 and r.out.strip().endswith(
            "Heuristics.Broken.Zip FOUND"), (r.out, r.err)
        assert "compression method %d not supported" % method in r.err
        r = vigil("scan", "--no-summary", "--limits-warn", "-d",
                  tmp_path / "p.ndb", f)
        assert r.rc == 0 and "not fully scanned: Heuristics.Broken.Zip" \
            in r.err
    f = tmp_path / "stored.zip"
    f.write_bytes(with_method(0))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "p.ndb", f)
    assert r.rc == 0 and r.out.strip().endswith(": OK")


def test_damaged_archive_gives_a_reason(tmp_path, vigil):
    sigs(tmp_path)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.bin", PAYLOAD * 20)
    cut = tmp_path / "cut.zip"
    cut.write_bytes(buf.getvalue()[:200])
    r = vigil("scan", "--no-summary", "-d", tmp_path / "p.ndb", cut, timeout=30)
    # what inflated before the cut is matched (it was dropped before)
    assert r.out.strip() == "%s//a.bin: Payload.Body FOUND" % cut, r.out
    assert "warning" in r.err and "bytes read" in r.err, r.err
    gz = tmp_path / "cut.gz"
    gz.write_bytes(gzip.compress(PAYLOAD)[:-30])
    r = vigil("scan", "--json", "--no-summary", "-d", tmp_path / "p.ndb", gz, timeout=30)
    assert r.rc in (0, 1) and "warnings" in r.out


def test_undecodable_compressed_header_is_no_limit(tmp_path, vigil):
    """One random file in 65,536 starts as a .Z (1f 9d); with a header no
    decoder takes (3 bits a code), libarchive's raw reader handed back the
    input itself, read again as one until the depth limit: reported as
    Heuristics.Limits.Exceeded.MaxRecursion, a detection in vigild. It is
    a damaged stream: a warning, and the file is clean."""
    import json
    import random
    sigs(tmp_path)
    f = tmp_path / "noise.bin"
    f.write_bytes(b"\x1f\x9d\xa3" + random.Random(861).randbytes(4093))
    r = vigil("scan", "--json", "-d", tmp_path / "p.ndb", f)
    rec = json.loads(r.out.splitlines()[0])
    assert r.rc == 0 and rec["status"] == "OK", r.out
    assert rec["objects"] == 1, rec
    assert "no decoder takes its header" in r.out


def test_sizes_claimed_past_the_input_are_no_limits(tmp_path, vigil):
    """A size a header claims is not a size: a binary cpio entry (a
    two-byte magic random data has once in 32,768 files) claiming 2 GB in
    a file of 4 KiB, and a text starting "CWS" (a compressed Flash file's
    magic, its next four letters read as a length of gigabytes), and
    likewise random data starting "ZWS" (LZMA Flash) were
    Heuristics.Limits.Exceeded.MaxFileSize, a detection in vigild. The
    cpio entry is damage (a warning; its stored bytes are read as far as
    they go); the text is no Flash file (no zlib header after the
    magic), nor is the "ZWS" file (its LZMA stream's first byte is not 0,
    as every encoder writes it and decoders require)."""
    import json
    import random
    import struct
    sigs(tmp_path)
    # magic, dev, ino, mode, uid, gid, nlink, rdev, mtime (two halves,
    # high first), name size, file size (likewise)
    cpio = struct.pack("<13H", 0o70707, 1, 2, 0o100644, 0, 0, 1, 0, 0, 0, 8,
                       0x7fff, 0xffff) + b"payload\0"
    (tmp_path / "claims.cpio").write_bytes(
        cpio + random.Random(7).randbytes(4096))
    (tmp_path / "cws.txt").write_bytes(b"CWS report for the year\n" * 40)
    # "ZWS", a size of 2 GB, LZMA properties, a first byte no LZMA
    # encoder writes (one random file in 16 million starts "ZWS")
    (tmp_path / "zws.bin").write_bytes(
        b"ZWS\x0a\xff\xff\xff\x7f" + bytes(4) + b"\x5d" + bytes(4) + b"\x42"
        + random.Random(9).randbytes(4078))
    for name, warned in (("claims.cpio", True), ("cws.txt", False),
                         ("zws.bin", False)):
        r = vigil("scan", "--json", "-d", tmp_path / "p.ndb",
                  tmp_path / name)
        rec = json.loads(r.out.splitlines()[0])
        assert rec["status"] == "OK" and r.rc == 0, r.out
        assert ("warnings" in rec) == warned, r.out
    (tmp_path / "payload.cpio").write_bytes(cpio + PAYLOAD + bytes(2048))
    r = vigil("scan", "--no-summary", "-d", tmp_path / "p.ndb",
              tmp_path / "payload.cpio")
    assert r.out.strip().endswith("payload.cpio: Payload.Body FOUND"), r.out


def lying_members(d):
    """name -> archive whose one member, PAYLOAD, claims 50 MB of which
    only what follows is there (GNU tar extracts that much), or is cut
    short in its data (ARJ, stored and compressed)."""
    big = 50 << 20
    t = io.BytesIO()
    with tarfile.open(fileobj=t, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        ti = tarfile.TarInfo("m.bin")
        ti.size = len(PAYLOAD)
        tf.addfile(ti, io.BytesIO(PAYLOAD))
    tar = bytearray(t.getvalue()[:512 + len(PAYLOAD)])
    tar[124:136] = b"%011o\0" % big
    tar[148:156] = b" " * 8
    tar[148:156] = b"%06o\0 " % sum(tar[:512])
    name = b"m.bin\0"
    newc = b"070701" + b"".join(b"%08X" % v for v in (
        1, 0o100644, 0, 0, 1, 0, big, 0, 0, 0, 0, len(name), 0)) + name
    ar = (b"!<arch>\n" + b"m.bin/".ljust(16) + b"0".ljust(12) + b"0".ljust(6) * 2
          + b"100644".ljust(8) + b"%-10d" % big + b"`\n")
    (d / "payload.bin").write_bytes(PAYLOAD)
    made = {"lie.tar": bytes(tar), "lie.tar.gz": gzip.compress(bytes(tar)),
            "lie.cpio": newc + bytes(-len(newc) % 4) + PAYLOAD,
            "lie.a": ar + PAYLOAD}
    for method in ("0", "1"):  # stored; compressed, cut in its data
        run_tool(["arj", "a", "-m" + method, "-y", "whole.arj", "payload.bin"], d)
        whole = (d / "whole.arj").read_bytes()
        made["cut-m%s.arj" % method] = whole[:len(whole) * 2 // 3]
        (d / "whole.arj").unlink()
    for n, data in made.items():
        (d / n).write_bytes(data)
    return made


def test_member_cut_short_keeps_its_bytes(tmp_path, vigil, clamscan):
    """A member whose header claims more than the archive holds was read
    as nothing (libarchive drops a read's bytes at its error): its
    payload was matched only as the container's bytes, never as a file of
    its own, so a signature at offset 0 or for a file type missed it.
    GNU tar extracts what is there; so does Vigil now, with a warning."""
    (tmp_path / "head.ndb").write_text("Payload.Head:0:0:%s\n" % PAYLOAD[:24].hex())
    for name in lying_members(tmp_path):
        r = vigil("scan", "--no-summary", "-d", tmp_path / "head.ndb",
                  tmp_path / name)
        assert r.rc == 1 and "Payload.Head FOUND" in r.out, (name, r.out, r.err)
        assert "warning" in r.err, (name, r.err)
    r = clamscan("--no-summary", "-d", tmp_path / "head.ndb", tmp_path / "lie.tar")
    assert "Payload.Head" in r.out, r.out


def test_sparse_member_whole(tmp_path, vigil):
    """A sparse tar member (GNU and pax formats) is the file it stands
    for, holes and a trailing hole as zeros: its hash is the file's. With
    a run of data ending where a 64 KiB read of archive_read_data() did,
    the trailing hole was lost."""
    f = tmp_path / "sparse.bin"
    with open(f, "wb") as o:
        o.seek(300 << 10)
        o.write(PAYLOAD)
        o.seek((13 << 16) - 4096)  # a run ending at 64 KiB * 13
        o.write(PAYLOAD.ljust(4096, b"\0"))
        o.truncate(900 << 10)
    digest = hashlib.md5(f.read_bytes()).hexdigest()
    (tmp_path / "s.hdb").write_text("%s:%d:Sparse.Md5\n" % (digest, 900 << 10))
    run_tool(["tar", "--sparse", "-cf", "gnu.tar", "sparse.bin"], tmp_path)
    run_tool(["tar", "--sparse", "--format=pax", "-cf", "pax.tar", "sparse.bin"], tmp_path)
    for name in ("gnu.tar", "pax.tar"):
        assert (tmp_path / name).stat().st_size < 64 << 10
        r = vigil("scan", "--no-summary", "-d", tmp_path / "s.hdb", tmp_path / name)
        assert r.out.strip() == "%s//sparse.bin: Sparse.Md5 FOUND" % (tmp_path / name), r.out


def test_copies_in_helpers_matched_once(tmp_path, vigil):
    """Two helpers meeting copies of one member in either order match it
    once: 1,000 distinct members, each stored twice side by side, so the
    later copy often reaches the shared table first (it was matched again
    then, a few dozen objects more a run)."""
    import json
    import random
    sigs(tmp_path)
    rnd = random.Random(7)
    pairs = tmp_path / "pairs.zip"
    with zipfile.ZipFile(pairs, "w", zipfile.ZIP_STORED) as z:
        for i in range(1000):
            inner = io.BytesIO()
            with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as y:
                y.writestr("clean.bin", rnd.randbytes(2048))
            for side in "ab":
                z.writestr("c%04d%s.zip" % (i, side), inner.getvalue())
    assert pairs.stat().st_size >= 1 << 20  # large enough for helpers
    for _ in range(3):
        r = vigil("scan", "--json", "-j", "2", "-d", tmp_path / "p.ndb", pairs)
        rec = json.loads(r.out.splitlines()[0])
        assert r.rc == 0 and rec["status"] == "OK", r.out
        assert rec["objects"] == 1 + 2000 + 1000, rec


def test_copies_matched_once_unless_infected(tmp_path, vigil):
    """A clean object seen again in the same scan is not matched again (a
    zip of 2,000 copies of one nested zip costs one); an infected one is,
    so that --allmatch reports every copy's path."""
    sigs(tmp_path)
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("clean.bin", bytes(range(256)) * 64)
    many = tmp_path / "copies.zip"
    with zipfile.ZipFile(many, "w", zipfile.ZIP_STORED) as z:
        for i in range(2000):
            z.writestr("c%04d.zip" % i, inner.getvalue())
    r = vigil("scan", "--json", "-d", tmp_path / "p.ndb", many)
    import json
    rec = json.loads(r.out.splitlines()[0])
    assert r.rc == 0 and rec["status"] == "OK", r.out
    # Every copy is an object; their contents are matched once.
    assert rec["objects"] == 1 + 2000 + 1, rec
    twice = tmp_path / "twice.zip"
    with zipfile.ZipFile(twice, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a/payload.bin", PAYLOAD)
        z.writestr("b/payload.bin", PAYLOAD)
    r = vigil("scan", "--no-summary", "--allmatch", "-d", tmp_path / "p.ndb", twice)
    assert r.out.splitlines() == ["%s//%s/payload.bin: Payload.Body FOUND" % (twice, d)
                                  for d in "ab"], r.out
