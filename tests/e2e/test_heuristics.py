"""clamscan's heuristics options in vigil scan and vigild: broken
executables (--alert-broken), broken images (--alert-broken-media),
credit card and social security numbers (--detect-structured and its
--structured-* settings), --heuristic-alerts and
--heuristic-scan-precedence, and macros (--alert-macros: VBA projects and
Excel 4.0 macro sheets). The files are generated here (heurgen.py);
clamscan runs beside vigil on them and the names must agree file by
file."""
import os
import sys
import zipfile

import heurgen
from test_parity import by_file

ALL = ("--alert-broken", "--alert-broken-media", "--detect-structured")
NO_MATCH_NDB = "Dummy.Sig:0:*:6e6f7468696e672d6d617463686573\n"  # "nothing-matches"


def write_files(root):
    files = root / "files"
    files.mkdir()
    for group in (heurgen.executables(), heurgen.images(), heurgen.texts()):
        for name, body in group.items():
            data = body if isinstance(body, bytes) else body.encode()
            (files / name).write_bytes(data)
    db = root / "d.ndb"
    db.write_text(NO_MATCH_NDB)
    return files, db


def both(vigil, clamscan, files, db, *opts):
    c = by_file(clamscan("--no-summary", "-z", *opts, "-d", db, files), files)
    v = by_file(vigil("scan", "--no-summary", "-z", *opts, "-d", db, files), files)
    return c, v


def test_broken_and_structured_agree_with_clamscan(tmp_path, vigil, clamscan):
    files, db = write_files(tmp_path)
    c, v = both(vigil, clamscan, files, db, *ALL)
    assert c == v
    # the generated set exercises every family: sound files stay clean
    names = {n for s in v.values() for n in s}
    assert "Heuristics.Broken.Executable" in names
    assert "Heuristics.Structured.CreditCardNumber" in names
    assert "Heuristics.Structured.SSN" in names
    kinds = {n.split(".")[3] for n in names if n.startswith("Heuristics.Broken.Media.")}
    assert kinds == {"PNG", "GIF", "JPEG", "TIFF"}
    assert not any(f.startswith("sound.") or f.endswith("-sound") or f.endswith("sound.exe")
                   for f in v)


def test_off_by_default_and_with_heuristic_alerts_no(tmp_path, vigil, clamscan):
    files, db = write_files(tmp_path)
    r = vigil("scan", "--no-summary", "-d", db, files)
    assert r.rc == 0 and not r.found()
    c, v = both(vigil, clamscan, files, db, "--alert-broken-media", "--heuristic-alerts=no")
    assert c == v == {}
    r = vigil("scan", "--no-summary", "--alert-broken-media", "--scan-image=no", "-d", db, files)
    assert r.rc == 0 and not r.found()


def test_structured_settings_agree_with_clamscan(tmp_path, vigil, clamscan):
    files, db = write_files(tmp_path)
    for opts in (("--structured-ssn-format=1",), ("--structured-ssn-format=2",),
                 ("--structured-cc-count=2",), ("--structured-cc-mode=1",),
                 ("--structured-ssn-count=4",), ("--structured-cc-count=1",)):
        c, v = both(vigil, clamscan, files, db, "--detect-structured", *opts)
        assert c == v, opts


def test_scan_precedence_agrees_with_clamscan(tmp_path, vigil, clamscan):
    """A broken image before a signature match in one archive: without
    precedence the signature is the result, with it the heuristic."""
    db = tmp_path / "d.ndb"
    db.write_text(NO_MATCH_NDB)
    files = tmp_path / "files"
    files.mkdir()
    with zipfile.ZipFile(files / "both.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.png", heurgen.images()["png-cut-crc.png"])
        z.writestr("b.txt", b"xx nothing-matches yy" * 10)
    for opts, want in (((), "Dummy.Sig"),
                       (("--heuristic-scan-precedence",),
                        "Heuristics.Broken.Media.PNG.EOFReadingChunkCRC")):
        c = clamscan("--no-summary", "--alert-broken-media", *opts, "-d", db, files)
        v = vigil("scan", "--no-summary", "--alert-broken-media", *opts, "-d", db, files)
        assert by_file(c, files) == by_file(v, files) == {"both.zip": {want}}
        assert c.rc == v.rc == 1


def test_macros_agree_with_clamscan(tmp_path, vigil, clamscan):
    """--alert-macros: a VBA project is Heuristics.OLE2.ContainsMacros.VBA,
    an Excel 4.0 macro sheet among a workbook's sheets (hidden or not,
    BIFF8 "Workbook" or BIFF5 "Book") Heuristics.OLE2.ContainsMacros.XLM;
    worksheets, other streams and a sheet list cut short are not; the
    module source is matched either way."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    import formatgen as fg
    files = tmp_path / "files"
    files.mkdir()
    src = b'Sub AutoOpen()\r\n  Shell "vigil-macro-payload"\r\nEnd Sub\r\n'
    cases = {"vba.doc": fg.vba_doc(src), "xlm.xls": fg.xls(),
             "hidden.xls": fg.xls(hidden=2), "book.xls": fg.xls(stream="Book"),
             "sheet.xls": fg.xls(sheet_type=0), "other.xls": fg.xls(stream="Other"),
             "tail-cut.xls": fg.xls(cut=60), "list-cut.xls": fg.xls(cut=90)}
    for name, data in cases.items():
        (files / name).write_bytes(data)
    db = tmp_path / "d.ndb"
    db.write_text(NO_MATCH_NDB)
    c, v = both(vigil, clamscan, files, db, "--alert-macros")
    assert c == v
    xlm = {"Heuristics.OLE2.ContainsMacros.XLM"}
    assert v == {"vba.doc": {"Heuristics.OLE2.ContainsMacros.VBA"}, "xlm.xls": xlm,
                 "hidden.xls": xlm, "book.xls": xlm, "tail-cut.xls": xlm}
    c, v = both(vigil, clamscan, files, db)
    assert c == v == {}
    db.write_text("Macro.Source:0:*:%s\n" % b"vigil-macro-payload".hex())
    c, v = both(vigil, clamscan, files, db)
    assert c == v == {"vba.doc": {"Macro.Source"}}


def test_vigild_keys(tmp_path):
    """The same settings under clamd.conf's names: AlertBrokenMedia,
    AlertBrokenExecutables, StructuredDataDetection with its counts, and
    HeuristicAlerts no, over INSTREAM."""
    from daemon import Vigild, instream, make_db
    dbdir = make_db(tmp_path / "db")
    img = heurgen.images()["gif-label.gif"]
    exe = heurgen.executables()["pe-hole.exe"]
    cards = heurgen.texts()["cards-two.txt"].encode()
    d = Vigild(str(tmp_path), dbdir,
               "AlertBrokenMedia yes\nAlertBrokenExecutables yes\n"
               "StructuredDataDetection yes\nStructuredMinCreditCardCount 2\n")
    try:
        assert b"Heuristics.Broken.Media.GIF.UnknownBlockLabel FOUND" in d.ask(instream(img))
        assert b"Heuristics.Broken.Executable FOUND" in d.ask(instream(exe))
        assert b"Heuristics.Structured.CreditCardNumber FOUND" in d.ask(instream(cards))
    finally:
        d.stop()
    (tmp_path / "off").mkdir()
    d = Vigild(str(tmp_path / "off"), dbdir, "AlertBrokenMedia yes\nHeuristicAlerts no\n")
    try:
        assert d.ask(instream(img)).endswith(b"OK\0")
        assert d.ask(instream(cards)).endswith(b"OK\0")
    finally:
        d.stop()
