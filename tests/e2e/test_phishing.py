"""Phishing lists (.pdb, .wdb) and the link checks of mail bodies, with
clamscan's options (--alert-phishing-ssl, --alert-phishing-cloak,
--phishing-scan-urls, --phishing-sigs) and clamd's keys: clamscan runs
beside vigil on generated mails (phishgen.py) and the names must agree
file by file."""
import phishgen
from test_parity import by_file


def both(vigil, clamscan, root, files, *opts):
    dbs = ("-d", root / "x.ndb", "-d", root / "p.pdb", "-d", root / "w.wdb")
    c = by_file(clamscan("--no-summary", "-z", *opts, *dbs, files), files)
    v = by_file(vigil("scan", "--no-summary", "-z", *opts, *dbs, files), files)
    return c, v


def test_links_agree_with_clamscan(tmp_path, vigil, clamscan):
    files = phishgen.write(tmp_path)
    c, v = both(vigil, clamscan, tmp_path, files)
    assert c == v
    spoofed = {f for f, n in v.items() if "Heuristics.Phishing.Email.SpoofedDomain" in n}
    assert {"spoof.eml", "title.eml", "form.eml", "img.eml", "couk.eml",
            "spaced.eml", "nested.eml", "plain.eml", "x-prefix.eml"} <= spoofed
    for clean in ("same.eml", "sub.eml", "unlisted.eml", "allowed-m.eml",
                  "allowed-x.eml", "couk-ok.eml", "text.eml", "comment.eml",
                  "attached.eml", "r-suffix.eml"):
        assert clean not in v, clean
    assert v["ssl-listed.eml"] == {"Heuristics.Phishing.Email.SSL-Spoof"}


def test_options_agree_with_clamscan(tmp_path, vigil, clamscan):
    files = phishgen.write(tmp_path)
    for opts in (("--alert-phishing-ssl", "--alert-phishing-cloak"),
                 ("--phishing-scan-urls=no",)):
        c, v = both(vigil, clamscan, tmp_path, files, *opts)
        assert c == v, opts
    c, v = both(vigil, clamscan, tmp_path, files, "--alert-phishing-ssl",
                "--alert-phishing-cloak")
    assert v["ssl-unlisted.eml"] == {"Heuristics.Phishing.Email.SSL-Spoof"}
    assert v["cloak.eml"] == {"Heuristics.Phishing.Email.Cloaked.Null"}


def test_phishing_sigs_option(tmp_path, vigil, clamscan):
    """--phishing-sigs=no leaves out the body signatures named
    HTML.Phishing.* and Email.Phishing.*, as clamscan."""
    files = tmp_path / "files"
    files.mkdir()
    (files / "a.txt").write_text("pay your invoice at evil.example.net now\n")
    db = tmp_path / "s.ndb"
    db.write_text("HTML.Phishing.Test:0:*:6576696c2e6578616d706c652e6e6574\n"
                  "Other.Test:0:*:696e766f696365\n")
    for opts, want in (((), {"HTML.Phishing.Test", "Other.Test"}),
                       (("--phishing-sigs=no",), {"Other.Test"})):
        c = by_file(clamscan("--no-summary", "-z", *opts, "-d", db, files), files)
        v = by_file(vigil("scan", "--no-summary", "-z", *opts, "-d", db, files), files)
        assert c == v == {"a.txt": want}


def test_compiled_lists_and_bad_lines(tmp_path, vigil):
    files = phishgen.write(tmp_path)
    vdb = tmp_path / "p.vdb"
    r = vigil("db", "compile", tmp_path / "x.ndb", tmp_path / "p.pdb",
              tmp_path / "w.wdb", "-o", vdb)
    assert r.rc == 0, r.err
    v = by_file(vigil("scan", "--no-summary", "-d", vdb, files), files)
    assert v["spoof.eml"] == {"Heuristics.Phishing.Email.SpoofedDomain"}
    bad = tmp_path / "bad.pdb"
    bad.write_text("Q:paypal.com\nR:(unclosed\nS3:F:0123abcd\nH:\nS:F:abcd\n")
    r = vigil("db", "compile", "-v", "--no-matcher", bad, tmp_path / "x.ndb",
              "-o", tmp_path / "b.vdb")
    for line in (1, 2, 3, 4, 5):
        assert "bad.pdb:%d:" % line in r.err, r.err


def test_url_hashes_agree_with_clamscan(tmp_path, vigil, clamscan):
    """.gdb URL hashes (S, S1, S2 listed, S:W allowed) looked up as
    clamscan does: the same names file by file, also from a .vdb."""
    phishgen.write(tmp_path)
    files = phishgen.write_gdb(tmp_path)
    dbs = ("-d", tmp_path / "x.ndb", "-d", tmp_path / "g.gdb")
    c = by_file(clamscan("--no-summary", "-z", *dbs, files), files)
    v = by_file(vigil("scan", "--no-summary", "-z", *dbs, files), files)
    assert c == v
    assert v["blocked.eml"] == {"Heuristics.Phishing.URL.Blocked"}
    assert v["phish.eml"] == {"Heuristics.Safebrowsing.Suspected-phishing_safebrowsing.clamav.net"}
    assert "none.eml" not in v and "allowed-only.eml" not in v
    vdb = tmp_path / "g.vdb"
    assert vigil("db", "compile", *dbs[1::2], "-o", vdb).rc == 0
    assert by_file(vigil("scan", "--no-summary", "-z", "-d", vdb, files), files) == v


def test_vigild_keys(tmp_path):
    from daemon import Vigild, instream, make_db
    phishgen.write(tmp_path)
    dbdir = make_db(tmp_path / "db")
    (tmp_path / "db" / "p.pdb").write_text(phishgen.PDB)
    mail = phishgen.mail(phishgen.CASES["spoof.eml"])
    ssl = phishgen.mail(phishgen.CASES["ssl-unlisted.eml"])
    (tmp_path / "d1").mkdir()
    d = Vigild(str(tmp_path / "d1"), dbdir, "AlertPhishingSSLMismatch yes\n")
    try:
        assert b"Heuristics.Phishing.Email.SpoofedDomain FOUND" in d.ask(instream(mail))
        assert b"Heuristics.Phishing.Email.SSL-Spoof FOUND" in d.ask(instream(ssl))
    finally:
        d.stop()
    (tmp_path / "d2").mkdir()
    d = Vigild(str(tmp_path / "d2"), dbdir, "PhishingScanURLs no\n")
    try:
        assert d.ask(instream(mail)).endswith(b"OK\0")
    finally:
        d.stop()
