"""This session's constructs read from a stream (vigil scan -, the path of
vigild's INSTREAM): icon groups, a UDF volume, an HWP 3 document and a
PE a signed catalog vouches for give the same results as the files."""
import os
import sys

import authgen
import icongen as ig

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import formatgen as fg  # noqa: E402


def from_stdin(vigil, dbs, data, tmp_path):
    f = tmp_path / "in.bin"
    f.write_bytes(data)
    args = []
    for d in dbs:
        args += ["-d", d]
    with open(f, "rb") as fh:
        s = vigil("scan", "--no-summary", "--allmatch", *args, "-", stdin=fh)
    p = vigil("scan", "--no-summary", "--allmatch", *args, f)
    names = lambda r: {n for v in r.found().values() for n in v}  # noqa: E731
    return names(s), names(p)


def test_new_constructs_from_a_stream(tmp_path, vigil):
    exe = ig.pe_with_icons([ig.dib(32, 32, 24, 1)])
    icon = tmp_path / "icon.exe"
    icon.write_bytes(exe)
    m = vigil("db", "icon-sig", icon).out.split(": ")[1].strip()
    (tmp_path / "i.idb").write_text("Ico.A:G1:H1:%s\n" % m)
    (tmp_path / "i.ldb").write_text("Icon.G1;Engine:51-255,Target:1,IconGroup1:G1;0;4d5a\n")
    (tmp_path / "m.ndb").write_text("Udf.A:0:0:%s\nHwp.Ole:0:0:%s\n" % (
        b"first file UDFMARKA".hex(), b"OLEPAYLOAD".hex()))
    dbs = [tmp_path / "i.idb", tmp_path / "i.ldb", tmp_path / "m.ndb"]
    cases = {
        "icon": (exe, {"Icon.G1"}),
        "udf": (fg.udf({"d/a.txt": b"first file UDFMARKA payload\n"}), {"Udf.A"}),
        "hwp3": (fg.hwp3(blocks=[(2, b"OLEPAYLOAD here")]), {"Hwp.Ole"}),
    }
    for what, (data, want) in cases.items():
        s, p = from_stdin(vigil, dbs, data, tmp_path)
        assert s == p == want, (what, s, p)


def test_catalog_from_a_stream(tmp_path, vigil):
    pki_dir = tmp_path / "pki"
    pki_dir.mkdir()
    pki = authgen.Pki(pki_dir)
    img = fg.pe(sections=(("code", b"\xc3" * 64 + b"CATMARK-S"),))
    cat = authgen.catalog([authgen.catalog_member(
        authgen.authenticode_digest(img, "sha256"), "sha256")])
    pki.sign_catalog(cat, tmp_path / "v.cat")
    (tmp_path / "t.crb").write_text(authgen.crb_line("Test.CA", pki.ca, 1, code=1, cert=1))
    (tmp_path / "m.ndb").write_text("Cat.S:1:*:%s\n" % b"CATMARK-S".hex())
    dbs = [tmp_path / "t.crb", tmp_path / "v.cat", tmp_path / "m.ndb"]
    assert from_stdin(vigil, dbs, img, tmp_path) == (set(), set())
    assert from_stdin(vigil, dbs[2:], img, tmp_path) == ({"Cat.S"}, {"Cat.S"})
