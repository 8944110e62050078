"""The normalised forms of HTML pages, against clamscan: its
nocomment.html and notags.html (read back with --leave-temps) hashed
into a .hdb are found by Vigil in the same pages; body signatures for
text that only the text form holds, and .fp entries for a form's hash,
mean the same in both; and an allowlisted file does not end the scan of
its container (core/htmlnorm.c, core/walk.c)."""
import glob
import hashlib
import os
import zipfile

import htmlpages


def strip(names):
    return {n[:-len(".UNOFFICIAL")] if n.endswith(".UNOFFICIAL") else n
            for n in names}


def by_file(run):
    out = {}
    for path, names in run.found().items():
        out.setdefault(os.path.basename(path.split("//")[0]), set()).update(
            strip(names))
    return out


def clam_forms(tmp_path, clamscan, pages):
    """{page: (tags form, text form)} as clamscan writes them."""
    temp, db = tmp_path / "clamtmp", tmp_path / "none.ndb"
    temp.mkdir()
    db.write_text("Vigil.Test.None:0:*:00112233445566778899aabbccddeeff\n")
    clamscan("--leave-temps", "--tempdir", temp, "-d", db, pages)
    forms = {}
    for top in os.listdir(temp):
        page = top.split("-", 1)[1].rsplit(".", 1)[0]
        own = glob.glob(os.path.join(temp, top, "*", "html-tmp.*"))
        assert len(own) == 1, (top, own)
        read = [open(os.path.join(own[0], f), "rb").read()
                for f in ("nocomment.html", "notags.html")]
        forms[page] = tuple(read)
    return forms


def test_hashes_of_the_forms_agree_with_clamscan(tmp_path, vigil, clamscan):
    pages = tmp_path / "pages"
    pages.mkdir()
    gen = htmlpages.pages(20261203, 120)
    for name, body in gen.items():
        (pages / name).write_bytes(body)
    forms = clam_forms(tmp_path, clamscan, pages)
    assert set(forms) == set(gen)
    lines = []
    for name, (tags, text) in sorted(forms.items()):
        for kind, form in (("Tags", tags), ("Text", text)):
            if form:
                lines.append("%s:%d:Form.%s.%s" % (
                    hashlib.md5(form).hexdigest(), len(form), kind, name))
    db = tmp_path / "forms.hdb"
    db.write_text("\n".join(lines) + "\n")
    c = by_file(clamscan("--no-summary", "--allmatch", "-d", db, pages))
    v = by_file(vigil("scan", "--no-summary", "--allmatch", "-d", db, pages))
    assert v == c
    for name, (tags, text) in forms.items():
        assert "Form.Tags." + name in v[name]
        if text:
            assert "Form.Text." + name in v[name]


PAGE = b"<html><body>Hello<b>World</b> tail</body></html>\n"
TEXT_SIG = "Vigil.Test.TextForm:3:*:%s\n" % b"hello world".hex()


def test_text_form_signature_and_its_allowlist(tmp_path, vigil, clamscan):
    files = tmp_path / "files"
    files.mkdir()
    (files / "page.html").write_bytes(PAGE)
    tags, text = clam_forms(tmp_path, clamscan, files)["page.html"]
    assert b"hello world" in text and b"hello world" not in tags
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "s.ndb").write_text(TEXT_SIG)
    for run in (clamscan("--no-summary", "-d", plain, files),
                vigil("scan", "--no-summary", "-d", plain, files)):
        assert by_file(run) == {"page.html": {"Vigil.Test.TextForm"}}
        assert run.rc == 1
    for form, found in ((text, set()), (tags, {"Vigil.Test.TextForm"})):
        db = tmp_path / ("db-%d" % len(form))
        db.mkdir()
        (db / "s.ndb").write_text(TEXT_SIG)
        (db / "s.fp").write_text("%s:%d:Vigil.Test.Allow\n" % (
            hashlib.md5(form).hexdigest(), len(form)))
        for run in (clamscan("--no-summary", "-d", db, files),
                    vigil("scan", "--no-summary", "-d", db, files)):
            got = by_file(run).get("page.html", set())
            assert got == found, (form, run.out)


def test_allowlisted_member_does_not_end_the_scan(tmp_path, vigil, clamscan):
    """A member on the allowlist was found first: the scan went on to
    the next member, which is found, as clamscan does."""
    db = tmp_path / "db"
    db.mkdir()
    first = b"AAAA first member, on the allowlist"
    (db / "s.ndb").write_text("Vigil.Test.A:0:*:%s\nVigil.Test.B:0:*:%s\n" % (
        b"AAAA".hex(), b"BBBB".hex()))
    (db / "s.fp").write_text("%s:%d:Vigil.Test.Allow\n" % (
        hashlib.md5(first).hexdigest(), len(first)))
    arc = tmp_path / "files" / "two.zip"
    arc.parent.mkdir()
    with zipfile.ZipFile(arc, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("a.txt", first)
        z.writestr("b.txt", b"BBBB second member " * 4)
    for run in (clamscan("--no-summary", "-d", db, arc.parent),
                vigil("scan", "--no-summary", "-d", db, arc.parent)):
        assert by_file(run) == {"two.zip": {"Vigil.Test.B"}}, run.out
        assert run.rc == 1
