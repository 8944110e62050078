"""PE icons and ClamAV's icon signatures (.idb, IconGroup1/IconGroup2):
the metrics of every icon layout icongen.py draws, as clamscan --debug
prints them, and the detections of logical signatures that name icon
groups, as clamscan reports them (also from a compiled .vdb, with bad
.idb lines, and past the icon limit)."""
import re
import shutil

import pytest

import icongen as ig
from test_parity import by_file

DEPTHS = (1, 4, 8, 16, 24, 32, "32a0")
SIZES = ((16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (72, 72),
         (20, 20), (40, 40), (30, 36), (128, 128))


def icon(w, h, depth, seed):
    if depth == "32a0":  # 32 bits whose alpha is all zero: the AND mask
        return ig.dib(w, h, 32, seed, alpha=False)
    return ig.dib(w, h, depth, seed)


def clamav_metrics(clamscan, tmp_path, exe):
    """What clamscan --debug prints for each icon of exe: it measures
    icons only for a signature with icon groups whose expression holds,
    with an .idb loaded (here of a group nobody names)."""
    db = tmp_path / "probe"
    db.mkdir(exist_ok=True)
    (db / "p.idb").write_text("P:G1:G2:" + "10" + "0" * 122 + "\n")
    (db / "p.ldb").write_text("Probe;Engine:51-255,Target:1,IconGroup1:NOPE;0;4d5a\n")
    r = clamscan("--debug", "--no-summary", "-d", db, exe)
    return re.findall(r"IDB SIGNATURE: ICON_NAME:GROUP1:GROUP2:([0-9a-f]+)", r.err + r.out)


def vigil_metrics(vigil, exe):
    r = vigil("db", "icon-sig", exe)
    assert r.rc == 0, r.err
    return [line.rsplit(": ", 1)[1] for line in r.out.splitlines()]


@pytest.mark.parametrize("depth", DEPTHS)
def test_metrics_equal_clamav(tmp_path, vigil, clamscan, depth):
    """Every size ClamAV keeps, halves or samples, in each depth it
    reads, two pictures (one in colour, one black and white): Vigil's
    metrics are clamscan's, digit for digit, in the same order."""
    if not shutil.which("clamscan"):
        pytest.fail("clamscan is not installed")
    icons = [icon(w, h, depth, seed) for w, h in SIZES for seed in (1, 4)]
    exe = tmp_path / "icons.exe"
    exe.write_bytes(ig.pe_with_icons(icons))
    want = clamav_metrics(clamscan, tmp_path, exe)
    assert len(want) == len(icons)
    assert vigil_metrics(vigil, exe) == want


def test_metrics_every_language(tmp_path, vigil, clamscan):
    """A group and its icons in two languages: both read, as ClamAV."""
    exe = tmp_path / "two.exe"
    exe.write_bytes(ig.pe_with_icons([icon(32, 32, 24, 2), icon(16, 16, 8, 3)], langs=2))
    want = clamav_metrics(clamscan, tmp_path, exe)
    assert len(want) == 8  # 2 group languages x 2 icons x 2 languages
    assert vigil_metrics(vigil, exe) == want


def icon_set(tmp_path, vigil):
    """Files and signatures: entries A (colour, 32), B (black and white,
    24) and C (colour, 16) in groups; PEs with those icons exact, halved
    and sampled, others with unrelated pictures, no resources, no PE."""
    d = tmp_path / "files"
    d.mkdir()
    files = {
        "a32.exe": [icon(32, 32, 24, 1)], "a64.exe": [icon(64, 64, 32, 1)],
        "a40.exe": [icon(40, 40, 8, 1)], "b24.exe": [icon(24, 24, 24, 4)],
        "b48.exe": [icon(48, 48, 4, 4)], "c16.exe": [icon(16, 16, 24, 2)],
        "other.exe": [icon(32, 32, 24, 3), icon(16, 16, 24, 6)],
        "mixed.exe": [icon(16, 16, 24, 6), icon(24, 24, 24, 4)],
    }
    for name, icons in files.items():
        (d / name).write_bytes(ig.pe_with_icons(icons))
    (d / "plain.exe").write_bytes(ig.fg.pe())
    (d / "text.txt").write_bytes(b"MZ but not a PE\n")
    m = {n: vigil_metrics(vigil, d / n)[0] for n in ("a32.exe", "b24.exe", "c16.exe")}
    db = tmp_path / "db"
    db.mkdir()
    (db / "i.idb").write_text(
        "Ico.A:G1:H1:%s\nIco.B:G2:H2:%s\nIco.C:G1:H2:%s\n"
        % (m["a32.exe"], m["b24.exe"], m["c16.exe"]))
    (db / "i.ldb").write_text(
        "Icon.G1;Engine:51-255,Target:1,IconGroup1:G1;0;4d5a\n"
        "Icon.G2H2;Engine:51-255,Target:1,IconGroup1:G2,IconGroup2:H2;0;4d5a\n"
        "Icon.H2;Engine:51-255,Target:1,IconGroup2:H2;0;4d5a\n"
        "Icon.Any;Engine:51-255,Target:1,IconGroup1:*;0;4d5a\n"
        "Icon.Nope;Engine:51-255,Target:1,IconGroup1:NOPE;0;4d5a\n"
        "Icon.ExprFalse;Engine:51-255,Target:1,IconGroup1:G1;0;deadbeefcafe\n")
    return d, db


def test_icon_detections_match_clamscan(tmp_path, vigil, clamscan):
    d, db = icon_set(tmp_path, vigil)
    v = vigil("scan", "--no-summary", "--allmatch", "-d", db, d)
    c = clamscan("--no-summary", "--allmatch", "-r", "-d", db, d)
    vf, cf = by_file(v, d), by_file(c, d)
    assert cf.get("a32.exe") == {"Icon.G1", "Icon.Any"}, c.out
    assert "Icon.H2" in cf.get("c16.exe", set()), c.out
    assert "Icon.G2H2" in cf.get("b24.exe", set()), c.out
    assert "plain.exe" not in cf and "text.txt" not in cf
    assert vf == cf, (v.out, c.out)


def test_icon_signatures_from_compiled_database(tmp_path, vigil, clamscan):
    d, db = icon_set(tmp_path, vigil)
    r = vigil("db", "compile", db, "-o", tmp_path / "i.vdb")
    assert r.rc == 0, r.err
    v = vigil("scan", "--no-summary", "--allmatch", "-d", tmp_path / "i.vdb", d)
    c = clamscan("--no-summary", "--allmatch", "-r", "-d", db, d)
    assert by_file(v, d) == by_file(c, d), (v.out, c.out)


def test_groups_of_another_database(tmp_path, vigil, clamscan):
    """The .ldb in one database, the .idb in another (as the official
    main.ldb and daily.idb): the groups are the engine's."""
    d, db = icon_set(tmp_path, vigil)
    v = vigil("scan", "--no-summary", "-d", db / "i.ldb", "-d", db / "i.idb", d / "a32.exe")
    c = clamscan("--no-summary", "-d", db / "i.ldb", "-d", db / "i.idb", d / "a32.exe")
    assert by_file(v, d) == by_file(c, d) == {"a32.exe": {"Icon.G1"}}, (v.out, c.out)
    v = vigil("scan", "--no-summary", "-d", db / "i.ldb", d / "a32.exe")
    assert v.rc == 0, v.out  # no .idb: no icon signature matches


GOOD = "20" + "0" * 122


@pytest.mark.parametrize("line,why", [
    ("Ico.X:G1:%s" % GOOD, "NAME:GROUP1:GROUP2:METRICS"),
    ("Ico.X:G1:G2:%s" % GOOD[:-2], "124 hex digits"),
    ("Ico.X:G1:G2:11" + GOOD[2:], "side"),
    ("Ico.X:G1:G2:zz" + GOOD[2:], "not hex"),
    ("Ico.X:G1:G2:%s" % (GOOD[:-8] + "40404000"), "spread"),
    ("Ico.X:G1:G2:20fff" + GOOD[5:], "out of range"),
])
def test_bad_idb_lines_refused(tmp_path, vigil, clamscan, line, why):
    """What clamscan refuses (it fails the whole load), Vigil refuses with
    the file and line, and with --strict fails too."""
    db = tmp_path / "bad.idb"
    db.write_text("Ico.Ok:G1:G2:%s\n%s\n" % (GOOD, line))
    ndb = tmp_path / "x.ndb"
    ndb.write_text("Txt:0:*:41414141\n")
    f = tmp_path / "a.txt"
    f.write_text("AAAA\n")
    c = clamscan("--no-summary", "-d", db, "-d", ndb, f)
    assert c.rc == 2, c.out + c.err
    v = vigil("scan", "--no-summary", "-d", db, "-d", ndb, f)
    assert "bad.idb:2" in v.err and why in v.err, v.err
    assert by_file(v, tmp_path) == {"a.txt": {"Txt"}}
    v = vigil("scan", "--strict", "--no-summary", "-d", db, "-d", ndb, f)
    assert v.rc == 2, v.out + v.err


def test_icons_past_the_limit(tmp_path, vigil, clamscan):
    """ClamAV reads 100 entries of a group (MaxIconsPE): an icon that
    would match as the 101st is not compared by either; Vigil says so in
    a warning, and with --alert-exceeds-max it is a limit result."""
    d, db = icon_set(tmp_path, vigil)
    filler = icon(16, 16, 1, 6)
    exe = tmp_path / "many.exe"
    exe.write_bytes(ig.pe_with_icons([filler] * 100 + [icon(32, 32, 24, 1)]))
    c = clamscan("--no-summary", "-d", db, exe)
    assert c.rc == 0, c.out
    v = vigil("scan", "--no-summary", "-d", db, exe)
    assert v.rc == 0 and "not compared" in v.err, (v.out, v.err)
    v = vigil("scan", "--no-summary", "--alert-exceeds-max", "-d", db, exe)
    assert "Heuristics.Limits.Exceeded.MaxIconsPE" in v.out, v.out
    exe.write_bytes(ig.pe_with_icons([filler] * 99 + [icon(32, 32, 24, 1)]))
    v = vigil("scan", "--no-summary", "-d", db, exe)
    c = clamscan("--no-summary", "-d", db, exe)
    assert by_file(v, tmp_path) == by_file(c, tmp_path) == {
        "many.exe": {"Icon.G1"}}, (v.out, c.out)


def test_icon_sig_errors(tmp_path, vigil):
    """vigil db icon-sig: a file that is not a PE is an error (exit 2, one
    line naming it), a PE without icons says so and is no error, and the
    other files are still read."""
    (tmp_path / "t.txt").write_text("not a PE\n")
    (tmp_path / "plain.exe").write_bytes(ig.fg.pe())
    exe = tmp_path / "i.exe"
    exe.write_bytes(ig.pe_with_icons([icon(16, 16, 8, 1)]))
    r = vigil("db", "icon-sig", tmp_path / "t.txt", tmp_path / "plain.exe", exe)
    assert r.rc == 2, (r.out, r.err)
    assert "t.txt: not a PE image" in r.err and "plain.exe: no icon" in r.err, r.err
    assert r.out.startswith(str(exe) + ": 10") and r.out.count("\n") == 1, r.out
    r = vigil("db", "icon-sig", tmp_path / "plain.exe")
    assert r.rc == 0 and r.out == "", (r.out, r.err)


def test_icons_of_each_object_in_an_archive(tmp_path, vigil, clamscan):
    """Two PEs of the same length in one zip, one with a listed icon and
    one without: each is measured for itself (the icons kept for one
    object never answer for the next), as clamscan finds."""
    import zipfile
    d, db = icon_set(tmp_path, vigil)
    hit = ig.pe_with_icons([icon(32, 32, 24, 1)])
    miss = ig.pe_with_icons([icon(32, 32, 24, 3)])
    assert len(hit) == len(miss)
    z = tmp_path / "z"
    z.mkdir()
    for name, order in (("hit-first.zip", (hit, miss)), ("miss-first.zip", (miss, hit))):
        with zipfile.ZipFile(z / name, "w", zipfile.ZIP_DEFLATED) as f:
            for i, data in enumerate(order):
                f.writestr("m%d.exe" % i, data)
    v = vigil("scan", "--no-summary", "--allmatch", "-d", db, z)
    c = clamscan("--no-summary", "--allmatch", "-r", "-d", db, z)
    assert by_file(c, z) == {"hit-first.zip": {"Icon.G1", "Icon.Any"},
                             "miss-first.zip": {"Icon.G1", "Icon.Any"}}, c.out
    assert by_file(v, z) == by_file(c, z), v.out
    assert "hit-first.zip//m0.exe: Icon.G1 FOUND" in v.out, v.out
    assert "miss-first.zip//m1.exe: Icon.G1 FOUND" in v.out, v.out
    assert "hit-first.zip//m1.exe" not in v.out, v.out
    assert "miss-first.zip//m0.exe" not in v.out, v.out
