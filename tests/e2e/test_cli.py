"""vigil scan as users drive it: output formats, exit codes, stdin, the
default database, exclusions, limits, and files that are not what they
seem (symlink loops, fifos, unreadable files) never hang the scan."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

import pytest

EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIG = "Test.Marker:0:*:%s\n" % b"VIGIL-E2E-MARKER".hex()


def tree(tmp_path):
    d = tmp_path / "t"
    (d / "sub").mkdir(parents=True)
    (d / "clean.txt").write_text("nothing here\n")
    (d / "sub" / "bad.bin").write_bytes(b"\x00\x01 VIGIL-E2E-MARKER \x02")
    (d / "sub" / "also-clean.bin").write_bytes(b"\x00" * 100)
    (tmp_path / "sigs.ndb").write_text(SIG)
    return d, tmp_path / "sigs.ndb"


def test_exit_codes_and_lines(tmp_path, vigil):
    d, db = tree(tmp_path)
    r = vigil("scan", "-d", db, d)
    assert r.rc == 1
    assert "%s: Test.Marker FOUND" % (d / "sub" / "bad.bin") in r.out.splitlines()
    assert "%s: OK" % (d / "clean.txt") in r.out.splitlines()
    assert "----------- SCAN SUMMARY -----------" in r.out
    assert "Infected files: 1" in r.out and "Scanned files: 3" in r.out
    r = vigil("scan", "-d", db, d / "clean.txt")
    assert r.rc == 0
    r = vigil("scan", "-d", db, "--no-summary", "-i", d)
    assert r.out.splitlines() == ["%s: Test.Marker FOUND" % (d / "sub" / "bad.bin")]
    r = vigil("scan", "-d", db, d / "missing")
    assert r.rc == 2 and "ERROR" in r.out
    # found wins over an error
    r = vigil("scan", "-d", db, d, d / "missing")
    assert r.rc == 1


def test_json(tmp_path, vigil):
    d, db = tree(tmp_path)
    r = vigil("scan", "--json", "-d", db, d, d / "missing")
    objs = [json.loads(line) for line in r.out.splitlines()]
    by_path = {o["path"]: o for o in objs if "path" in o}
    assert by_path[str(d / "sub" / "bad.bin")]["status"] == "FOUND"
    assert by_path[str(d / "sub" / "bad.bin")]["name"] == "Test.Marker"
    assert by_path[str(d / "clean.txt")]["status"] == "OK"
    assert by_path[str(d / "clean.txt")]["type"] == "TEXT"
    assert by_path[str(d / "missing")]["status"] == "ERROR"
    summary = objs[-1]["summary"]
    assert summary["scanned_files"] == 3 and summary["infected_files"] == 1
    assert summary["errors"] == 1


def test_stdin_and_threads(tmp_path, vigil):
    d, db = tree(tmp_path)
    data = (d / "sub" / "bad.bin").read_bytes()
    r = vigil("scan", "--no-summary", "-d", db, "-", input=data.decode("latin-1"))
    assert r.rc == 1 and r.out.strip() == "stdin: Test.Marker FOUND"
    for j in ("1", "2", "8"):
        r = vigil("scan", "--no-summary", "-j", j, "-d", db, d)
        assert r.rc == 1 and len(r.out.splitlines()) == 3


def test_default_database_finds_eicar(tmp_path, vigil):
    f = tmp_path / "eicar.com"
    f.write_bytes(EICAR)
    r = vigil("scan", "--no-summary", f)
    assert r.rc == 1, r.err
    assert r.out.strip() == "%s: Eicar-Test-Signature FOUND" % f


def test_sample_set_of_make_scan(tmp_path, vigil):
    """What "make scan" shows: the samples, the EICAR file on its own and
    zipped in a mail, with the default database."""
    here = os.path.join(os.path.dirname(__file__), "..", "..")
    d = tmp_path / "samples"
    subprocess.run(["sh", os.path.join(here, "scripts", "make-samples.sh"), str(d)], check=True)
    r = vigil("scan", "-i", "--no-summary", d)
    assert r.rc == 1, r.err
    assert sorted(r.out.splitlines()) == sorted([
        "%s/found/eicar.com: Eicar-Test-Signature FOUND" % d,
        "%s/found/mail.eml//eicar.zip//eicar.com: Eicar-Test-Signature FOUND" % d,
        "%s/found/logical.txt: Vigil.Test.SampleLogical FOUND" % d,
        "%s/found/marker.txt: Vigil.Test.SampleMarker FOUND" % d]), r.out


def test_exclude_and_max_filesize(tmp_path, vigil):
    d, db = tree(tmp_path)
    r = vigil("scan", "--no-summary", "-d", db, "--exclude", r"\.bin$", d)
    assert r.rc == 0 and "bad.bin" not in r.out
    r = vigil("scan", "--no-summary", "-d", db, "--exclude-dir", "/sub$", d)
    assert r.rc == 0 and "bad.bin" not in r.out
    # a file named or walked is matched whole whatever its size (a large
    # library is no alarm); the limit is for what containers hold
    big = tmp_path / "big.bin"
    big.write_bytes(b"\x00" * 4096 + b"VIGIL-E2E-MARKER")
    r = vigil("scan", "--no-summary", "-d", db, "--max-filesize", "1K", big)
    assert r.rc == 1
    assert r.out.strip() == "%s: Test.Marker FOUND" % big
    zipped = tmp_path / "big.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(big, "big.bin")
    r = vigil("scan", "--no-summary", "-d", db, "--max-filesize", "1K",
              zipped)
    assert r.rc == 1
    assert r.out.strip() == \
        "%s//big.bin: Heuristics.Limits.Exceeded.MaxFileSize FOUND" % zipped
    r = vigil("scan", "-d", db, "--max-filesize", "1Q", big)
    assert r.rc == 2


def test_special_files_never_hang(tmp_path, vigil):
    d, db = tree(tmp_path)
    os.symlink(d, d / "sub" / "loop")
    os.mkfifo(d / "fifo")
    r = vigil("scan", "--no-summary", "-d", db, "--follow-symlinks", d, timeout=30)
    assert r.rc == 1
    assert "symbolic link loop" in r.err
    assert "fifo" in r.err and "skipped" in r.err
    r = vigil("scan", "--no-summary", "-d", db, d / "fifo", timeout=30)
    assert r.rc == 0 and "skipped" in r.err
    # without --follow-symlinks, links inside directories are not followed
    r = vigil("scan", "--no-summary", "-d", db, d, timeout=30)
    assert r.out.count("bad.bin") == 1


def test_unreadable_file(vigil):
    # The scan runs as an unprivileged user, so the tree must be reachable.
    d = tempfile.mkdtemp(prefix="vigil-e2e-")
    try:
        os.chmod(d, 0o755)
        db = os.path.join(d, "sigs.ndb")
        with open(db, "w") as f:
            f.write(SIG)
        secret = os.path.join(d, "secret.bin")
        with open(secret, "wb") as f:
            f.write(b"VIGIL-E2E-MARKER")
        os.chmod(secret, 0)
        vigil_bin = os.path.join(os.environ.get("VIGIL_BUILD", "build"), "src", "cli", "vigil")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", vigil_bin,
               "scan", "--no-cache", "--no-summary", "-d", db, secret]
        if os.geteuid() != 0:
            cmd = cmd[4:]
        cp = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        assert cp.returncode == 2, cp.stderr
        assert cp.stdout.strip() == "%s: Permission denied ERROR" % secret
    finally:
        shutil.rmtree(d)


def test_no_database_message(tmp_path, vigil):
    r = vigil("scan", "-d", tmp_path / "nothing.ndb", tmp_path)
    assert r.rc == 2 and "cannot load" in r.err
    empty = tmp_path / "empty"
    empty.mkdir()
    r = vigil("scan", "-d", empty, tmp_path)
    assert r.rc == 2 and "no usable signatures" in r.err


def test_help_and_version(vigil):
    r = vigil("scan", "--help")
    assert r.rc == 0 and "--max-filesize" in r.out
    r = vigil("--version")
    assert r.rc == 0 and r.out.startswith("vigil ")
    r = vigil("bogus")
    assert r.rc == 2
    page = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "man", "vigil.1")
    assert os.path.exists(page)
    if shutil.which("groff"):
        cp = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", page],
                            capture_output=True, text=True)
        assert cp.returncode == 0 and not cp.stderr, cp.stderr


def test_stdin_that_never_ends_is_a_limit(tmp_path, vigil):
    """A pipe whose writer neither writes nor closes: the scan gives up at
    --max-scantime with the limit as its result, not clean, not a hang."""
    _, db = tree(tmp_path)
    r, w = os.pipe()
    try:
        p = vigil("scan", "--no-summary", "--max-scantime=1000", "-d", db, "-",
                  stdin=r, timeout=60)
    finally:
        os.close(r)
        os.close(w)
    assert p.rc == 1, p.err
    assert p.out.strip() == \
        "stdin: Heuristics.Limits.Exceeded.MaxScanTime FOUND"


def test_pcre_limits_and_alert_exceeds_max(tmp_path, vigil):
    """A PCRE subsignature that backtracks past --pcre-match-limit does not
    match, as in clamscan, with a warning naming the signature;
    --alert-exceeds-max makes it the limit's result. A larger limit lets
    the expression finish (here: no match, no warning)."""
    db = tmp_path / "p.ldb"
    db.write_text("Pcre.Test;Engine:81-255,Target:0;0&1;4b4559;0/(a|aa)+$/\n")
    f = tmp_path / "f.bin"
    f.write_bytes(b"\x01KEY" + b"a" * 24 + b"!")
    p = vigil("scan", "--no-summary", "--pcre-match-limit=1000", "-d", db, f)
    assert p.rc == 0, p.err
    assert "Pcre.Test: subsignature 1 not matched: PCREMatchLimit" in p.err
    p = vigil("scan", "--no-summary", "--pcre-match-limit=1000",
              "--alert-exceeds-max", "-d", db, f)
    assert p.rc == 1, p.err
    assert p.out.strip().endswith("Heuristics.Limits.Exceeded.PCREMatchLimit FOUND")
    p = vigil("scan", "--no-summary", "--pcre-match-limit=4000000000",
              "--pcre-recmatch-limit=100000", "-d", db, f)
    assert (p.rc, p.err) == (0, ""), p.err
    f.write_bytes(b"\x01KEY" + b"a" * 24)
    p = vigil("scan", "--no-summary", "-d", db, f)
    assert p.out.strip().endswith("Pcre.Test FOUND"), p.out


def test_alert_macros_and_encrypted_options(tmp_path, vigil):
    """clamscan's --alert-macros: an Office document with a VBA project is
    Heuristics.OLE2.ContainsMacros.VBA only when asked. --alert-encrypted=no
    (and its -archive form) turns Heuristics.Encrypted.* into a warning;
    Vigil's default is to report it."""
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
    import formatgen as fg
    db = tmp_path / "x.ndb"
    db.write_text("Nothing:0:*:00112233445566778899\n")
    doc = tmp_path / "m.doc"
    doc.write_bytes(fg.ole2({"WordDocument": b"x" * 64},
                            ("VBA", {"dir": b"\x01" + b"junk" * 10, "Module1": b"Sub A()"})))
    plain = tmp_path / "p.doc"
    plain.write_bytes(fg.ole2({"WordDocument": b"x" * 64}))
    p = vigil("scan", "--no-summary", "--alert-macros", "-d", db, doc, plain)
    assert p.rc == 1 and "m.doc: Heuristics.OLE2.ContainsMacros.VBA FOUND" in p.out, p.out
    assert "p.doc: OK" in p.out
    for args in ((), ("--alert-macros=no",)):
        p = vigil("scan", "--no-summary", *args, "-d", db, doc)
        assert p.rc == 0 and p.out.strip().endswith("OK"), p.out
    z = tmp_path / "e.zip"
    subprocess.run(["zip", "-q", "-P", "secret", str(z), str(db)], check=True)
    p = vigil("scan", "--no-summary", "-d", db, z)
    assert p.rc == 1 and "Heuristics.Encrypted.Zip" in p.out
    for opt in ("--alert-encrypted=no", "--alert-encrypted-archive=no"):
        p = vigil("scan", "--no-summary", opt, "-d", db, z)
        assert p.rc == 0 and "Heuristics.Encrypted.Zip" in p.err, (p.out, p.err)
    p = vigil("scan", "--no-summary", "--alert-encrypted-doc=no", "-d", db, z)
    assert p.rc == 1


def test_pcre_search_keeps_the_scan_time(tmp_path, vigil):
    """PCRE2's match limit counts afresh at each start position: an
    expression that takes a few thousand steps at each of two million
    starts runs for many seconds in one call. The search goes in slices
    with the scan time checked between them, so --max-scantime holds."""
    db = tmp_path / "p.ldb"
    db.write_text("Slow;Engine:81-255,Target:0;0&1;4b4559;0/x.{0,3000}[yz]/s\n")
    f = tmp_path / "x.bin"
    f.write_bytes(b"\x01KEY" + b"x" * (2 << 20))
    p = vigil("scan", "--no-summary", "--max-scantime=1000", "-d", db, f, timeout=120)
    assert p.rc == 1, p.err
    assert p.out.strip().endswith("Heuristics.Limits.Exceeded.MaxScanTime FOUND"), p.out


def test_scan_family_switches(tmp_path, vigil):
    """clamscan's --scan-archive=no (and mail, html, pdf, ole2, pe): that
    family is not unpacked, its objects are still matched, the others are
    unpacked as before."""
    import zipfile
    db = tmp_path / "m.ndb"
    db.write_text("Inner:0:*:%s\n" % b"INNERMARKER".hex())
    z = tmp_path / "a.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as f:
        f.writestr("x.txt", b"INNERMARKER " * 50)
    raw = tmp_path / "raw.bin"
    raw.write_bytes(b"\x01INNERMARKER")
    p = vigil("scan", "--no-summary", "-d", db, z, raw)
    assert p.out.count("Inner FOUND") == 2, p.out
    p = vigil("scan", "--no-summary", "--scan-archive=no", "-d", db, z, raw)
    assert "a.zip: OK" in p.out and "raw.bin: Inner FOUND" in p.out, p.out
    p = vigil("scan", "--no-summary", "--scan-mail=no", "--scan-pdf=no", "-d", db, z)
    assert "Inner FOUND" in p.out, p.out
    p = vigil("scan", "--no-summary", "--scan-archive=maybe", "-d", db, z)
    assert p.rc == 2


def test_unread_formats_count_signatures_not_comments(tmp_path, vigil):
    """Files in a format Vigil does not read count their signature lines
    as skipped, not comments or empty lines; a bytecode file counts as
    one signature."""
    (tmp_path / "a.ndb").write_text(SIG)
    (tmp_path / "c.crb").write_text("# There must always be one line\n")
    (tmp_path / "p.pwdb").write_text("# comment\n\nPwd.A;Engine:81-255;0;41\n"
                                     "Pwd.B;Engine:81-255;0;42\n")
    (tmp_path / "b.cbc").write_text("ClamBC\nline2\nline3\nline4\n")
    for files, skipped in ((("c.crb",), 0), (("p.pwdb",), 2), (("b.cbc",), 1),
                           (("c.crb", "p.pwdb", "b.cbc"), 3)):
        dbs = [str(tmp_path / f) for f in ("a.ndb",) + files]
        r = vigil("db", "compile", "--no-matcher", *dbs, "-o", tmp_path / "o.vdb")
        assert r.rc == 0, r.err
        assert "; %d lines skipped;" % skipped in r.out + r.err, (files, r.out, r.err)


def test_crb_lines_checked(tmp_path, vigil):
    """.crb lines are counted as certificates; a malformed one is warned
    about with its file and line and skipped, never half-read."""
    good = "Ok.Cert;1;%s;;%s;010001;1;0;1;0;fine\n" % ("ab" * 20, "C0FFEE" * 40)
    bad = ["Short;1;%s\n" % ("ab" * 20),
           "Two;2;%s;;%s;010001;1;0;1;0;x\n" % ("ab" * 20, "C0" * 64),
           "Subj;1;abcd;;%s;010001;1;0;1;0;x\n" % ("C0" * 64),
           "Odd;0;%s;;ABC;010001;1;0;1;0;x\n" % ("ab" * 20),
           ";1;%s;;%s;010001;1;0;1;0;noname\n" % ("ab" * 20, "C0" * 64)]
    (tmp_path / "a.ndb").write_text(SIG)
    crb = tmp_path / "c.crb"
    crb.write_text(good + "".join(bad) + good.replace("Ok.Cert", "Ok.Two"))
    r = vigil("db", "compile", "-v", "--no-matcher", tmp_path / "a.ndb", crb,
              "-o", tmp_path / "o.vdb")
    assert r.rc == 0, r.err
    assert "2 certificates" in r.out and "; 5 lines skipped;" in r.out, r.out
    for line in range(2, 7):
        assert "c.crb:%d:" % line in r.err, r.err


def test_checked_database_not_read_whole_again(tmp_path, vigil):
    """A .vdb read whole and found to match its checksum leaves a stamp in
    the matcher cache (not while it has just changed: timestamps tick
    coarsely), and a load of the same unchanged file trusts it; a file
    changed in place since, even with its size kept, is read whole again
    and its damage found."""
    d, db = tree(tmp_path)
    vdb, cache = tmp_path / "s.vdb", tmp_path / "cache"
    assert vigil("db", "compile", "--no-matcher", db, "-o", vdb).rc == 0

    def stamps():
        return sorted(f for f in os.listdir(cache) if f.endswith(".vok")) \
            if cache.exists() else []
    r = vigil("scan", "--cache-dir", cache, "-d", vdb, d / "sub" / "bad.bin")
    assert r.rc == 1 and stamps() == [], stamps()   # changed a moment ago
    old = os.stat(vdb).st_ctime
    while time.time() < old + 2.2:
        time.sleep(0.1)
    for _ in range(2):
        r = vigil("scan", "--cache-dir", cache, "-d", vdb, d / "sub" / "bad.bin")
        assert r.rc == 1 and "Test.Marker FOUND" in r.out, r.err
        assert len(stamps()) == 1
    body = bytearray(vdb.read_bytes())
    body[-1] ^= 0x01
    with open(vdb, "r+b") as f:   # in place: same inode, same size
        f.write(body)
    r = vigil("scan", "--cache-dir", cache, "-d", vdb, d / "sub" / "bad.bin")
    assert r.rc == 2 and "checksum mismatch" in r.err, (r.out, r.err)


def test_stamp_names_matcher_cache(tmp_path, vigil):
    """The stamp of a checked .vdb holds its set's digest, and later loads
    name the matcher's cache files by it without reading the patterns
    again: a digest changed in the stamp leads to other cache files; a
    stamp without one (an earlier version's) is written again with it."""
    d, _ = tree(tmp_path)
    cache, vdb = tmp_path / "cache", tmp_path / "many.vdb"
    sigs = tmp_path / "many.ndb"
    sigs.write_text("".join("Many.%d:0:*:%s\n" % (i, ("%08x" % (i * 2654435761 % 2**32)) * 2)
                            for i in range(1200)))
    target = d / "many.bin"
    target.write_bytes(b"\x01" * 100 + bytes.fromhex(("%08x" % (7 * 2654435761 % 2**32)) * 2))
    assert vigil("db", "compile", "--no-matcher", sigs, "-o", vdb).rc == 0
    while time.time() < vdb.stat().st_ctime + 2.2:
        time.sleep(0.1)

    def scan():
        r = vigil("scan", "--no-summary", "--cache-dir", cache, "-d", vdb, target)
        assert r.rc == 1 and "Many.7 FOUND" in r.out, (r.out, r.err)
        return sorted(f for f in os.listdir(cache) if not f.endswith(".vok"))
    files = scan()
    stamp = [cache / f for f in os.listdir(cache) if f.endswith(".vok")]
    assert len(stamp) == 1 and len(stamp[0].read_bytes()) == 72, os.listdir(cache)
    assert scan() == files
    good = stamp[0].read_bytes()
    stamp[0].write_bytes(good[:56] + bytes(16))   # another set's digest
    assert len(scan()) > len(files)
    stamp[0].write_bytes(good[:56])               # no digest
    scan()
    assert stamp[0].read_bytes() == good


def test_checked_anchors_table_not_summed_again(tmp_path, vigil):
    """The anchors matcher's cached table, once read whole and found to
    match its checksum, leaves a stamp as a checked .vdb does (not while
    it has just been written), and later loads trust it; a table damaged
    in place since (same inode, same size, new times) is summed again,
    refused and rebuilt, and the scan finds what it should."""
    d, _ = tree(tmp_path)
    cache = tmp_path / "cache"
    sigs = tmp_path / "many.ndb"
    sigs.write_text("".join("Many.%d:0:*:%s\n" % (i, ("%08x" % (i * 2654435761 % 2**32)) * 2)
                            for i in range(1200)))
    target = d / "many.bin"
    target.write_bytes(b"\x01" * 100 + bytes.fromhex(("%08x" % (7 * 2654435761 % 2**32)) * 2))

    def stamps():
        return sorted(f for f in os.listdir(cache) if f.endswith(".vok"))
    r = vigil("scan", "--no-summary", "--cache-dir", cache, "-d", sigs, target)
    assert r.rc == 1 and "Many.7 FOUND" in r.out, (r.out, r.err)
    table = [cache / f for f in os.listdir(cache) if ".anc" in f]
    assert len(table) == 1 and stamps() == [], os.listdir(cache)
    while time.time() < table[0].stat().st_ctime + 2.2:
        time.sleep(0.1)
    for _ in range(2):
        r = vigil("scan", "--no-summary", "--cache-dir", cache, "-d", sigs, target)
        assert r.rc == 1 and "Many.7 FOUND" in r.out, (r.out, r.err)
        assert len(stamps()) == 1, os.listdir(cache)
    first, inode = table[0].read_bytes(), table[0].stat().st_ino
    bad = bytearray(first)
    bad[len(bad) // 2] ^= 1
    with open(table[0], "r+b") as f:   # in place: same inode, same size
        f.write(bad)
    r = vigil("scan", "--no-summary", "--cache-dir", cache, "-d", sigs, target)
    assert r.rc == 1 and "Many.7 FOUND" in r.out, (r.out, r.err)
    assert table[0].read_bytes() == first and table[0].stat().st_ino != inode


def test_matcher_cache_pruned(tmp_path, vigil):
    """Cache files no load used for a week go (matchers of database parts
    replaced since, an old version's tables, a write that died half-way);
    what a load uses has its time renewed and stays; files not Vigil's are
    never touched."""
    d, db = tree(tmp_path)
    cache = tmp_path / "cache"
    sigs = tmp_path / "many.ndb"
    sigs.write_text("".join("Many.%d:0:*:%s\n" % (i, ("%08x" % (i * 2654435761 % 2**32)) * 2)
                            for i in range(1200)))   # enough for a cached anchors table
    r = vigil("scan", "--cache-dir", cache, "-d", sigs, d / "clean.txt")
    assert r.rc == 0, r.err
    used = sorted(os.listdir(cache))
    assert any(".anc" in f for f in used), used
    old = time.time() - 8 * 86400
    stale = ["vigil-0123456789abcdef0123456789abcdef.hsdb", "vigil-y0123.anc2",
             "vigil-0123456789abcdef.vok", "vigil-abc.hsdb.tmp.4242"]
    keep = ["notes.txt", "vigil-readme"]
    for name in stale + keep:
        (cache / name).write_bytes(b"x")
    for name in stale + keep + used:
        os.utime(cache / name, (old, old))
    r = vigil("scan", "--cache-dir", cache, "-d", sigs, d / "clean.txt")
    assert r.rc == 0, r.err
    left = sorted(os.listdir(cache))
    assert left == sorted(used + keep), left
    assert all(os.stat(cache / f).st_mtime > old + 86400 for f in used)


def _infected_tree(root):
    d = root / "d"
    (d / "sub").mkdir(parents=True)
    (d / "a.com").write_bytes(EICAR)
    (d / "sub" / "b.com").write_bytes(EICAR)
    (d / "clean.txt").write_text("nothing\n")
    os.symlink(d / "clean.txt", d / "link.txt")
    q = root / "q"
    q.mkdir()
    (q / "a.com").write_text("already here\n")  # a name taken
    return d, q


def _listing(root):
    return sorted(os.path.relpath(os.path.join(p, f), root)
                  for p, _, fs in os.walk(root) for f in fs)


@pytest.mark.parametrize("action", ["--move", "--copy", "--remove"])
def test_clamscan_actions(tmp_path, vigil, clamscan, action):
    """--move, --copy and --remove as clamscan: the same lines (names
    aside), the same files left where, a taken name given .001; symbolic
    links inside a directory said, not followed."""
    db = tmp_path / "e.ndb"
    db.write_text("Eicar:0:*:%s\n" % EICAR.hex())
    out = {}
    for name, tool, extra in (("vigil", vigil, []), ("clam", clamscan,
                                                      ["-r"])):
        d, q = _infected_tree(tmp_path / name)
        arg = action if action == "--remove" else "%s=%s" % (action, q)
        r = tool("--no-summary", "-d", db, arg, d, *extra) if name == \
            "clam" else tool("scan", "--no-summary", "-d", db, arg, d)
        assert r.rc == 1, r.err
        lines = r.out.replace(".UNOFFICIAL", "").replace(
            str(tmp_path / name), "ROOT").splitlines()
        out[name] = (sorted(lines), _listing(tmp_path / name))
    assert out["vigil"] == out["clam"]
    assert "ROOT/d/link.txt: Symbolic link" in out["vigil"][0]


def test_clamscan_everyday_options(tmp_path, vigil):
    d, q = _infected_tree(tmp_path)
    db = tmp_path / "e.ndb"
    db.write_text("Eicar:0:*:%s\n" % EICAR.hex())
    lst = tmp_path / "list"
    lst.write_text("%s\n%s\n" % (d / "sub" / "b.com", d / "clean.txt"))
    r = vigil("scan", "--no-summary", "-d", db, "-f", lst)
    assert r.rc == 1 and sorted(r.out.splitlines()) == sorted([
        "%s: Eicar FOUND" % (d / "sub" / "b.com"), "%s: OK" % (d /
                                                             "clean.txt")])
    r = vigil("scan", "--no-summary", "-d", db, "-o", "--bell", d)
    assert r.rc == 1 and ": OK" not in r.out and r.err.count("\a") == 2
    r = vigil("scan", "--no-summary", "-i", "-d", db, "--include",
              r"\.com$", "--include-dir", "nothing-matches", d)
    assert r.out.splitlines() == ["%s: Eicar FOUND" % (d / "a.com")]
    r = vigil("scan", "--no-summary", "-d", db, "--max-dir-recursion=1",
              "--cross-fs=no", "--tempdir=/tmp", "--leave-temps", d)
    assert "sub/b.com" not in r.out and "a.com: Eicar FOUND" in r.out
    # no path: the current directory, as clamscan
    r = vigil("scan", "--no-summary", "-d", db, cwd=str(d / "sub"))
    assert r.out.strip() == "./b.com: Eicar FOUND"
    r = vigil("scan", "-V")
    assert r.rc == 0 and r.out.startswith("vigil ")
    r = vigil("scan", "-d", db, "--stdout", "-j", "0", d)
    assert r.rc == 2 and "invalid value '0' for -j/--threads" in r.out
    r = vigil("scan", "-d", db, "--move=/nonexistent", d)
    assert r.rc == 2 and "/nonexistent" in r.err


def test_db_errors_say_what_is_wrong(tmp_path, vigil):
    src = tmp_path / "e.ndb"
    src.write_text("Eicar:0:*:%s\n" % EICAR.hex())
    out = tmp_path / "e.vdb"
    assert vigil("db", "compile", src, "-o", out).rc == 0
    r = vigil("db", "compile", src, "-o", tmp_path / "no" / "dir" / "x.vdb")
    assert r.rc == 2 and "No such file or directory" in r.err, r.err
    cut = tmp_path / "cut.vdb"
    cut.write_bytes(out.read_bytes()[:200])
    r = vigil("db", "info", cut)
    assert r.rc == 2 and "truncated" in r.err, r.err
    r = vigil("db", "info", src)
    assert r.rc == 2 and "not a compiled database" in r.err, r.err


def test_actions_only_under_the_paths_named(tmp_path, vigil):
    """The helper that removes, moves or quarantines trusts the scanning
    process no more than the files it reads: a path outside what the
    command line named (as a scanner taken over would ask for) is left."""
    d, q = _infected_tree(tmp_path)
    db = tmp_path / "e.ndb"
    db.write_text("Eicar:0:*:%s\n" % EICAR.hex())
    outside = tmp_path / "outside.txt"
    outside.write_text("precious\n")
    for arg in ("--remove", "--move=%s" % q,
                "--quarantine=%s" % (tmp_path / "store")):
        r = vigil("scan", "--no-summary", "-d", db, arg, d / "a.com",
                  env={"VIGIL_TEST_ACTION_PATH": str(outside)})
        assert r.rc == 1 and "not under a path the command line named" in \
            r.err, (arg, r.err)
        assert outside.read_text() == "precious\n"
    # past its own check, the helper's confinement still holds: it can
    # change files only beneath what was named (Landlock), and a file
    # named there is still acted on
    for arg in ("--remove", "--quarantine=%s" % (tmp_path / "store2")):
        (d / "sub" / "b.com").write_bytes(EICAR)
        r = vigil("scan", "--no-summary", "-d", db, arg, d / "sub",
                  env={"VIGIL_TEST_SANDBOX_PROBE": str(outside)})
        assert "sandbox probe: actions helper: unlink: Permission denied" \
            in r.err, (arg, r.err)
        assert r.rc == 1 and outside.read_text() == "precious\n"
        assert not (d / "sub" / "b.com").exists(), r.out
    (d / "sub" / "b.com").write_bytes(EICAR)
    # a link named inside the tree is acted on as a link
    lst = tmp_path / "list"
    lst.write_text("%s\n" % (d / "sub"))
    r = vigil("scan", "--no-summary", "-d", db, "--remove", "-f", lst)
    assert r.rc == 1 and "b.com: Removed." in r.out, r.err
    assert not (d / "sub" / "b.com").exists() and (d / "a.com").exists()
