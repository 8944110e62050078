"""YARA rules in the engine: `vigil scan -d rules.yar` names a match
YARA.<rule>, as clamscan does (less its .UNOFFICIAL), on the same rules
and files clamscan reads (ClamAV's subset of YARA: text and hex strings,
any/all/N of); .yar files beside ClamAV signatures in a database
directory and in a .cld both detect; the externals public rules use
load; a rule that needs a module is counted as skipped
and said so; a .vdb refuses YARA rules rather than drop them; vigild
serving a directory with a .yar answers clamd's protocol with the rule."""
import gzip
import hashlib
import io
import random
import tarfile
import zipfile

import daemon
import pemodgen  # noqa: F401  (puts tests/ on the path)
import formatgen  # noqa: E402
from conftest import run


def rules_and_files(d, seed=5, n=40):
    r = random.Random(seed)
    words = ["%s%04d" % (r.choice(["alpha", "delta", "omega", "kappa"]), i)
             for i in range(n)]
    text = []
    for i, w in enumerate(words):
        hexs = " ".join("%02X" % c for c in w.encode()[::-1])
        cond = r.choice(["any of them", "all of them", "1 of them"])
        text.append('rule r%d { strings: $a = "%s" $b = { %s } condition: %s }'
                    % (i, w, hexs, cond))
    (d / "rules.yar").write_text("\n".join(text) + "\n")
    files = []
    for k in range(30):
        body = bytearray(r.randbytes(2000))
        for _ in range(r.randrange(3)):
            w = r.choice(words).encode()
            piece = w if r.randrange(2) else w[::-1]
            at = r.randrange(1900)
            body[at:at + len(piece)] = piece
        p = d / ("f%02d" % k)
        p.write_bytes(bytes(body))
        files.append(p)
    return files


def strip(found):
    return {p: {n.replace(".UNOFFICIAL", "") for n in names}
            for p, names in found.items()}


def test_rules_detect_as_clamscan(tmp_path, vigil, clamscan):
    files = rules_and_files(tmp_path)
    args = ["--allmatch", "-d", tmp_path / "rules.yar"] + files
    v = vigil("scan", *args)
    c = clamscan("--no-summary", *args)
    assert v.rc == c.rc == 1, (v.err, c.err)
    want = strip(c.found())
    assert len(want) >= 5
    assert v.found() == want


def test_beside_clamav_signatures(tmp_path, vigil):
    db = tmp_path / "db"
    db.mkdir()
    (db / "words.yar").write_text('rule Word { strings: $a = "needle-yara" '
                                  'condition: $a }\n')
    (db / "words.ndb").write_text("Word.Ndb:0:*:%s\n" % b"needle-ndb".hex())
    f = tmp_path / "f"
    f.write_bytes(b"xx needle-yara yy needle-ndb zz")
    v = vigil("scan", "--allmatch", "-d", db, f)
    assert v.found() == {str(f): {"YARA.Word", "Word.Ndb"}}
    assert "Known viruses: 2" in v.out


def test_module_rules_and_vdb(tmp_path, vigil):
    y = tmp_path / "m.yar"
    y.write_text('import "pe"\nimport "cuckoo"\n'
                 'rule M { condition: pe.is_32bit() and pe.number_of_sections == 1 '
                 'and pe.sections[0].name == "code" }\n'
                 'rule C { condition: cuckoo.network.dns_lookup(/x/) }\n'
                 'rule T { strings: $a = "plain" condition: $a }\n')
    f = tmp_path / "f"
    f.write_bytes(b"a plain file")
    exe = tmp_path / "p.exe"
    exe.write_bytes(formatgen.pe())
    v = vigil("scan", "-d", y, f, exe)
    assert v.found() == {str(f): {"YARA.T"}, str(exe): {"YARA.M"}}
    assert "1 YARA rules use a module Vigil does not have" in v.err
    # compiled into a .vdb beside ClamAV signatures, and loaded from it
    ndb = tmp_path / "x.ndb"
    ndb.write_text("Body.Sig:0:*:706c61696e2066696c65\n")
    c = vigil("db", "compile", y, ndb, "-o", tmp_path / "x.vdb")
    assert c.rc == 0, c.err
    info = vigil("db", "info", tmp_path / "x.vdb")
    assert "Format version: 8" in info.out and "YARA rule files: 1" in info.out
    v = vigil("scan", "--allmatch", "-d", tmp_path / "x.vdb", f, exe)
    assert v.found() == {str(f): {"YARA.T", "Body.Sig"},
                         str(exe): {"YARA.M"}}, v.out
    assert "1 YARA rules use a module Vigil does not have" in v.err
    bad = tmp_path / "bad.yar"
    bad.write_text("rule B { condition: nothing }\n")
    b = vigil("scan", "-d", bad, f)
    assert b.rc == 2 and "bad.yar:1:21: undefined identifier" in b.err


def test_common_externals(tmp_path, vigil):
    """Public rules use the externals LOKI and THOR give each file; each
    object scanned has its own: filename, filepath, extension, filetype
    (and for an object inside an archive, its name there)."""
    y = tmp_path / "e.yar"
    y.write_text('rule Named { strings: $a = "ext-test" condition: $a and '
                 'filename == "Tool.EXE" and extension == ".exe" and '
                 'filepath endswith "/sub/Tool.EXE" and owner == "" }\n'
                 'rule NotProcexp { strings: $a = "ext-test" condition: $a and '
                 'not (filename matches /procexp/i) }\n'
                 'rule Typed { condition: filetype == "EXE" and '
                 'extension == ".dll" }\n')
    (tmp_path / "sub").mkdir()
    named = tmp_path / "sub" / "Tool.EXE"
    named.write_bytes(b"an ext-test here")
    skip = tmp_path / "procexp64.exe"
    skip.write_bytes(b"an ext-test here")
    inner = tmp_path / "a.zip"
    with zipfile.ZipFile(inner, "w") as z:
        z.writestr("dir/lib.dll", formatgen.pe())
    v = vigil("scan", "--allmatch", "-d", y, named, skip, inner)
    assert v.found() == {str(named): {"YARA.Named", "YARA.NotProcexp"},
                         str(inner) + "//dir/lib.dll": {"YARA.Typed"}}, \
        v.out + v.err


def test_rules_inside_a_cld(tmp_path, vigil):
    """A .cld (a database container, as freshclam keeps them; unsigned)
    holding a .yar beside a .ndb: both detect."""
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, body in (("in.yar", b'rule InCld { strings: $a = '
                            b'"inside-a-cld" condition: $a }\n'),
                           ("in.ndb", b"Ndb.InCld:0:*:%s\n"
                            % b"ndb-in-cld".hex().encode())):
            info = tarfile.TarInfo(name)
            info.size = len(body)
            t.addfile(info, io.BytesIO(body))
    gz = gzip.compress(tar.getvalue())
    hdr = ("ClamAV-VDB:03 Dec 2026 10-00 +0000:9:2:216:%s:nosig:test:"
           "1795600000" % hashlib.md5(gz).hexdigest())
    cld = tmp_path / "test.cld"
    cld.write_bytes(hdr.encode().ljust(512, b" ") + gz)
    f = tmp_path / "f"
    f.write_bytes(b"... inside-a-cld ... ndb-in-cld ...")
    v = vigil("scan", "--allmatch", "-d", cld, f)
    assert v.found() == {str(f): {"YARA.InCld", "Ndb.InCld"}}, v.err


def test_vigild_serves_yara(tmp_path):
    db = tmp_path / "db"
    db.mkdir()
    (db / "r.yar").write_text('rule Served { strings: $a = "served-by-yara" '
                              'condition: $a }\n'
                              'rule Named { strings: $a = "named-by-path" '
                              'condition: $a and filename == "Tool.EXE" and '
                              'extension == ".exe" and filepath endswith '
                              '"/Tool.EXE" }\n')
    named = tmp_path / "Tool.EXE"
    named.write_bytes(b"... named-by-path ...")
    other = tmp_path / "other.bin"
    other.write_bytes(b"... named-by-path ...")
    d = daemon.Vigild(tmp_path, db)
    try:
        reply = d.ask(daemon.instream(b"... served-by-yara ..."))
        assert reply == b"stream: YARA.Served FOUND\0", reply
        # a path the daemon opens gives the rules its name; a stream none
        reply = d.ask(b"zSCAN %s\0" % str(named).encode())
        assert reply == b"%s: YARA.Named FOUND\0" % str(named).encode(), reply
        reply = d.ask(b"zSCAN %s\0" % str(other).encode())
        assert reply == b"%s: OK\0" % str(other).encode(), reply
        reply = d.ask(daemon.instream(b"... named-by-path ..."))
        assert reply == b"stream: OK\0", reply
    finally:
        d.stop()
