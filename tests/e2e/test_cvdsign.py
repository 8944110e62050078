"""Detached .cvd signatures (ClamAV 1.5's NAME-VERSION.cvd.sign): a .cvd
whose own header signature no trusted key made is loaded when a .sign
file beside it verifies with a certificate of --cvdcertsdir, and refused
when that signature does not verify (another signer, bytes changed after
signing); without a readable .sign the header's signature decides, as
before. The certificates and signatures are made here with openssl."""
import pytest

from cvdhelp import make_ca, make_cvd, make_signer, sign


@pytest.fixture
def setup(tmp_path):
    pki = tmp_path / "pki"
    pki.mkdir()
    make_ca(pki, "ca")
    make_ca(pki, "other")
    make_signer(pki, "ca")
    certs, other = tmp_path / "certs", tmp_path / "othercerts"
    certs.mkdir()
    other.mkdir()
    (certs / "ca.crt").write_bytes((pki / "ca.crt").read_bytes())
    (other / "other.crt").write_bytes((pki / "other.crt").read_bytes())
    db = tmp_path / "db"
    db.mkdir()
    (db / "daily.cvd").write_bytes(make_cvd())
    target = tmp_path / "t.txt"
    target.write_bytes(b"xx signed-cvd-body xx\n")
    return pki, certs, other, db, target


def scan(vigil, db, target, certs):
    return vigil("scan", "--no-summary", "--cvdcertsdir", certs, "-d",
                 db / "daily.cvd", target)


def test_valid_sign_file_vouches_for_cvd(vigil, setup):
    pki, certs, other, db, target = setup
    r = scan(vigil, db, target, certs)
    assert r.rc == 2 and "daily.cvd" in r.err, r.out + r.err  # no .sign
    sign(pki, db / "daily.cvd", db / "daily-7.cvd.sign")
    r = scan(vigil, db, target, certs)
    assert r.rc == 1 and "Cvd.Sign.Test FOUND" in r.out, r.out + r.err
    r = vigil("db", "compile", "--cvdcertsdir", certs, db / "daily.cvd",
              "-o", db.parent / "x.vdb")
    assert r.rc == 0, r.err


def test_sign_file_of_untrusted_signer_refused(vigil, setup):
    pki, certs, other, db, target = setup
    sign(pki, db / "daily.cvd", db / "daily-7.cvd.sign")
    r = scan(vigil, db, target, other)
    assert r.rc == 2 and "does not verify" in r.err, r.out + r.err


def test_sign_file_of_other_bytes_refused(vigil, setup):
    pki, certs, other, db, target = setup
    sign(pki, db / "daily.cvd", db / "daily-7.cvd.sign")
    data = (db / "daily.cvd").read_bytes()
    # the header's build time: still a header, the body's MD5 still matches
    (db / "daily.cvd").write_bytes(data.replace(b"10-00", b"10-01", 1))
    r = scan(vigil, db, target, certs)
    assert r.rc == 2 and "does not verify" in r.err, r.out + r.err


def test_unreadable_sign_file_leaves_header_signature(vigil, setup):
    pki, certs, other, db, target = setup
    (db / "daily-7.cvd.sign").write_text("#clamsign-1.0\n220::other-format:AAAA\n")
    r = scan(vigil, db, target, certs)
    assert r.rc == 2 and "signature" in r.err, r.out + r.err
    (db / "daily-7.cvd.sign").write_text("not a sign file\n")
    r = scan(vigil, db, target, certs)
    assert r.rc == 2, r.out + r.err
