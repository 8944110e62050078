"""Signed catalogs (.cat) against clamscan: a catalog whose signature
holds and whose signer a .crb line trusts vouches for the PE images it
lists (by SHA-256 or SHA-1 Authenticode digest, signed or not): they are
not matched; an image it does not list is. A catalog no .crb line trusts,
or one changed after signing, vouches for nothing (Vigil says so)."""
import os
import sys

import pytest

import authgen
from test_parity import by_file

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import formatgen as fg  # noqa: E402


def image(mark):
    return fg.pe(sections=(("code", b"\xc3" * 64 + mark),))


@pytest.fixture
def catset(tmp_path):
    pki_dir = tmp_path / "pki"
    pki_dir.mkdir()
    pki = authgen.Pki(pki_dir)
    files = tmp_path / "files"
    files.mkdir()
    imgs = {n: image(m) for n, m in (("a.exe", b"CATMARK-A"), ("b.exe", b"CATMARK-B"),
                                      ("c.exe", b"CATMARK-C"))}
    for n, d in imgs.items():
        (files / n).write_bytes(d)
    db = tmp_path / "db"
    db.mkdir()
    (db / "m.ndb").write_text("".join("Cat.%s:1:*:%s\n" % (n[0].upper(), m.hex())
                                      for n, m in (("a", b"CATMARK-A"), ("b", b"CATMARK-B"),
                                                   ("c", b"CATMARK-C"))))
    cat = authgen.catalog([
        authgen.catalog_member(authgen.authenticode_digest(imgs["a.exe"], "sha256"), "sha256"),
        authgen.catalog_member(authgen.authenticode_digest(imgs["b.exe"], "sha1"), "sha1")])
    pki.sign_catalog(cat, db / "v.cat")
    trust = tmp_path / "trust.crb"
    trust.write_text(authgen.crb_line("Test.CA", pki.ca, 1, code=1, cert=1))
    return db, files, trust


def scan_both(vigil, clamscan, files, *dbs):
    args = []
    for d in dbs:
        args += ["-d", d]
    v = vigil("scan", "--no-summary", *args, files)
    c = clamscan("--no-summary", "-r", *args, files)
    return by_file(v, files), by_file(c, files), v


def test_trusted_catalog_vouches_for_its_members(tmp_path, vigil, clamscan, catset):
    db, files, trust = catset
    vf, cf, _ = scan_both(vigil, clamscan, files, trust, db)
    assert cf == {"c.exe": {"Cat.C"}}, cf
    assert vf == cf
    # clamscan checks a catalog against the .crb lines loaded before it;
    # Vigil once every database is loaded, so the order does not matter
    r = vigil("scan", "--no-summary", "-d", db, "-d", trust, files)
    assert by_file(r, files) == {"c.exe": {"Cat.C"}}, r.out
    r = vigil("db", "compile", db, trust, "-o", tmp_path / "c.vdb")
    assert r.rc == 0, r.err
    r = vigil("scan", "--no-summary", "-d", tmp_path / "c.vdb", files)
    assert by_file(r, files) == {"c.exe": {"Cat.C"}}, r.out


def test_untrusted_or_changed_catalog_vouches_for_nothing(tmp_path, vigil, clamscan, catset):
    db, files, trust = catset
    everything = {"a.exe": {"Cat.A"}, "b.exe": {"Cat.B"}, "c.exe": {"Cat.C"}}
    vf, cf, v = scan_both(vigil, clamscan, files, db)  # no .crb line
    assert vf == cf == everything, (vf, cf)
    assert "v.cat: no .crb line trusts its signer" in v.err, v.err
    cat = bytearray((db / "v.cat").read_bytes())
    at = cat.index(b"\x04\x20") + 2  # the first member's SHA-256, changed
    cat[at] ^= 1
    (db / "v.cat").write_bytes(bytes(cat))
    vf, cf, v = scan_both(vigil, clamscan, files, trust, db)
    assert vf == cf == everything, (vf, cf)
    assert "v.cat: its signature does not hold" in v.err, v.err
