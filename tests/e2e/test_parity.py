"""vigil scan and clamscan on the same generated signatures and files: the
same detections, names and exit codes, both equal to what ClamAV's
documentation says (paritygen.py). ClamAV appends ".UNOFFICIAL" to names
from unsigned databases; Vigil reports names as written, so the suffix is
removed before comparing (docs/signatures.md lists this and the other
departures)."""
import os
import shutil
import subprocess

import paritygen

# Cases where ClamAV departs from its documented semantics; Vigil follows
# the documentation (asserted below) and docs/signatures.md explains each.
CLAMAV_DEPARTS = {}


def write_set(root, g):
    sigdir, filedir = root / "sigs", root / "files"
    sigdir.mkdir()
    filedir.mkdir()
    for ext, lines in g.sigs.items():
        if lines:
            (sigdir / ("parity." + ext)).write_text("\n".join(lines) + "\n")
    for name, body in g.files.items():
        (filedir / name).write_bytes(body)
    return sigdir, filedir


def by_file(run, filedir):
    out = {}
    for path, names in run.found().items():
        names = {n[:-len(".UNOFFICIAL")] if n.endswith(".UNOFFICIAL") else n for n in names}
        top = os.path.basename(path.split("//")[0])  # "f//inner": f
        out.setdefault(top, set()).update(names)
    return out


def generated(tmp_path):
    g = paritygen.generate(open("/bin/true", "rb").read())
    sigdir, filedir = write_set(tmp_path, g)
    return g, sigdir, filedir


def test_allmatch_names_agree(tmp_path, vigil, clamscan):
    g, sigdir, filedir = generated(tmp_path)
    v = vigil("scan", "--no-summary", "-z", "-d", sigdir, filedir)
    c = clamscan("--no-summary", "-z", "-r", "-d", sigdir, filedir)
    assert v.rc == 1, v.err
    assert c.rc == 1, c.err
    vf, cf = by_file(v, filedir), by_file(c, filedir)
    wrong_v = {f: (vf.get(f, set()), e) for f, e in g.expect.items() if vf.get(f, set()) != e}
    assert not wrong_v, "vigil departs from the documented semantics: %r" % wrong_v
    wrong_c = {f: (cf.get(f, set()), e) for f, e in g.expect.items()
               if cf.get(f, set()) != e and f.rsplit("-", 1)[0] not in CLAMAV_DEPARTS}
    assert not wrong_c, "clamscan and vigil disagree: %r" % wrong_c


def test_anchors_matcher_agrees(tmp_path, vigil):
    """The anchors matcher (what a set of 50,000 patterns or more gets, here
    forced with VIGIL_MATCHER) finds exactly what the Vectorscan database
    finds, and what the documentation says, on every generated case:
    offsets, counts, wildcards, alternatives, case-insensitive and wide
    strings, logical expressions."""
    g, sigdir, filedir = generated(tmp_path)
    runs = {m: vigil("scan", "--no-summary", "-z", "-d", sigdir, filedir,
                     env={"VIGIL_MATCHER": m}) for m in ("vectorscan", "anchors")}
    # and the generic code that processors without AVX2 and AVX-512 run
    # (the anchors filter, the text normaliser)
    generic = vigil("scan", "--no-summary", "-z", "-d", sigdir, filedir,
                    env={"VIGIL_MATCHER": "anchors", "VIGIL_NO_AVX2": "1",
                         "VIGIL_NO_AVX512": "1"})
    assert sorted(generic.out.splitlines()) == sorted(runs["anchors"].out.splitlines())
    assert runs["anchors"].rc == runs["vectorscan"].rc == 1, runs["anchors"].err
    found = {m: by_file(r, filedir) for m, r in runs.items()}
    assert found["anchors"] == found["vectorscan"]
    wrong = {f: (found["anchors"].get(f, set()), e) for f, e in g.expect.items()
             if found["anchors"].get(f, set()) != e}
    assert not wrong, wrong
    assert sorted(runs["anchors"].out.splitlines()) == sorted(runs["vectorscan"].out.splitlines())


def test_large_set_gets_anchors(tmp_path, vigil, clamscan):
    """A set the size of a real feed (60,000 body signatures, random bytes
    with wildcards, gaps and offsets) builds without a Vectorscan compile
    and finds what clamscan finds."""
    import random
    r = random.Random(7)
    sigs, files = [], {}
    for i in range(60000):
        body = r.randbytes(r.randrange(6, 24)).hex()
        if i % 3 == 1:
            body = body[:8] + "??" + body[8:]
        elif i % 3 == 2:
            body = body[:8] + "{2-6}" + body[8:]
        sigs.append("Large.S%d:0:*:%s" % (i, body))
    (tmp_path / "big.ndb").write_text("\n".join(sigs) + "\n")
    d = tmp_path / "files"
    d.mkdir()
    for i in (6, 1000, 30001, 59998):  # plain, wildcards, a gap
        name, _, _, body = sigs[i].split(":")
        raw = bytes.fromhex(body.replace("??", "41").replace("{2-6}", "4242"))
        (d / ("f%d" % i)).write_bytes(r.randbytes(5000) + raw + r.randbytes(100))
    v = vigil("scan", "--no-summary", "-d", tmp_path / "big.ndb", d)
    c = clamscan("--no-summary", "-r", "-d", tmp_path / "big.ndb", d)
    assert by_file(v, d) == by_file(c, d) == {
        "f6": {"Large.S6"}, "f1000": {"Large.S1000"}, "f30001": {"Large.S30001"},
        "f59998": {"Large.S59998"}}, (v.out, c.out)


def test_empty_cache_gets_the_quick_matcher(tmp_path, vigil, clamscan):
    """1,500 body signatures over an empty cache: vigil scan serves at once
    with the anchors matcher and leaves no compiled database behind;
    --full-matcher (and vigil db compile) compile and cache it; all three
    find what clamscan finds."""
    import random
    r = random.Random(11)
    sigs = ["Quick.S%d:0:*:%s" % (i, r.randbytes(r.randrange(8, 20)).hex())
            for i in range(1500)]
    (tmp_path / "q.ndb").write_text("\n".join(sigs) + "\n")
    d = tmp_path / "files"
    d.mkdir()
    for i in (3, 777, 1499):
        raw = bytes.fromhex(sigs[i].split(":")[3])
        (d / ("f%d" % i)).write_bytes(r.randbytes(3000) + raw)
    (d / "clean").write_bytes(r.randbytes(3000))
    cache = tmp_path / "cache"

    def compiled():
        # the whole set's database (a key of hex digits), not the anchors
        # matcher's rest (vigil-y) nor text databases (vigil-p to s)
        return [f for f in os.listdir(cache) if f.endswith(".hsdb") and
                f[6] in "0123456789abcdef"] if cache.exists() else []
    want = {"f3": {"Quick.S3"}, "f777": {"Quick.S777"}, "f1499": {"Quick.S1499"}}
    c = clamscan("--no-summary", "-r", "-d", tmp_path / "q.ndb", d)
    assert by_file(c, d) == want, c.out
    quick = vigil("scan", "--no-summary", "-d", tmp_path / "q.ndb", d)
    assert by_file(quick, d) == want, quick.out
    assert compiled() == []
    # the anchors table itself is cached: used again, and when damaged,
    # refused and rebuilt
    table = [cache / f for f in os.listdir(cache) if ".anc" in f]
    assert len(table) == 1
    first, inode = table[0].read_bytes(), table[0].stat().st_ino
    again = vigil("scan", "--no-summary", "-d", tmp_path / "q.ndb", d)
    assert by_file(again, d) == want, again.out
    assert table[0].stat().st_ino == inode  # read, not written again
    bad = bytearray(first)
    bad[len(bad) // 2] ^= 1
    table[0].write_bytes(bytes(bad))
    again = vigil("scan", "--no-summary", "-d", tmp_path / "q.ndb", d)
    assert by_file(again, d) == want, again.out
    assert table[0].read_bytes() == first
    assert table[0].stat().st_ino != inode
    full = vigil("scan", "--no-summary", "--full-matcher", "-d",
                 tmp_path / "q.ndb", d)
    assert by_file(full, d) == want, full.out
    assert len(compiled()) == 1
    shutil.rmtree(cache)
    res = vigil("db", "compile", tmp_path / "q.ndb", "-o", tmp_path / "q.vdb")
    assert res.rc == 0, res.err
    assert len(compiled()) == 1
    warm = vigil("scan", "--no-summary", "-v", "-d", tmp_path / "q.vdb", d)
    assert by_file(warm, d) == want, warm.out
    assert "quick matcher" not in warm.err
    shutil.rmtree(cache)
    cold = vigil("scan", "--no-summary", "-v", "-d", tmp_path / "q.vdb", d)
    assert "1 database part(s) not in the matcher cache" in cold.err


def test_text_database_built_when_asked(tmp_path, vigil, clamscan):
    """300 signatures of text words and 300 of binary bytes, over an empty
    cache: the whole set compiles at load but its text database (the 300
    that could match text) would take too long, so the part counts as a
    quick matcher until --full-matcher builds it; text files, a page and
    binary files give what clamscan gives either way, and with the text
    database left out (VIGIL_NO_TEXT_DB)."""
    import random
    r = random.Random(52)
    words = ["".join(r.choice("abcdefghijklmnopqrstuvwxyz ") for _ in range(14))
             for _ in range(300)]
    text = ["Text.W%d:0:*:%s" % (i, w.encode().hex()) for i, w in enumerate(words)]
    binary = ["Bin.B%d:0:*:%s" % (i, (b"\x00\xff" + r.randbytes(10)).hex())
              for i in range(300)]
    (tmp_path / "t.ndb").write_text("\n".join(text + binary) + "\n")
    d = tmp_path / "files"
    d.mkdir()
    (d / "note.txt").write_bytes(b"Dear reader,\n  " + words[5].encode() + b" and more\n")
    (d / "page.html").write_bytes(b"<html><body><p>x " + words[77].encode() +
                                  b"</p></body></html>\n")
    (d / "mixed.bin").write_bytes(r.randbytes(500) + words[150].encode() +
                                  bytes.fromhex(binary[9].split(":")[3]))
    (d / "clean.txt").write_bytes(b"nothing here but plain words\n" * 50)
    want = {"note.txt": {"Text.W5"}, "page.html": {"Text.W77"},
            "mixed.bin": {"Text.W150", "Bin.B9"}}
    c = clamscan("--no-summary", "--allmatch", "-r", "-d", tmp_path / "t.ndb", d)
    assert by_file(c, d) == want, c.out
    cache = tmp_path / "cache"
    args = ["scan", "--no-summary", "--allmatch", "-v", "--cache-dir", cache,
            "-d", tmp_path / "t.ndb", d]

    def text_dbs():
        return [f for f in os.listdir(cache) if f.startswith("vigil-p")]
    cold = vigil(*args)
    assert by_file(cold, d) == want, cold.out
    assert "1 database part(s) not in the matcher cache" in cold.err
    assert text_dbs() == []
    full = vigil(*args[:-1], "--full-matcher", d)
    assert by_file(full, d) == want, full.out
    assert len(text_dbs()) == 1
    warm = vigil(*args)
    assert by_file(warm, d) == want, warm.out
    assert "not in the matcher cache" not in warm.err
    plain = vigil(*args, env={"VIGIL_NO_TEXT_DB": "1"})
    assert sorted(plain.out.splitlines()) == sorted(warm.out.splitlines())


def test_short_patterns_deferred(tmp_path, vigil, clamscan):
    """Patterns too short to anchor (three bytes, as main.ldb's 83ec44) in a
    logical signature that needs one of its anchored ones are verified
    only when that one matched: the anchors matcher finds what Vectorscan
    and clamscan find, with "and", "or", counts, "=0" and PCRE."""
    import random
    r = random.Random(5)
    x, y, z, w, v = (r.randbytes(16) for _ in range(5))
    head = "Engine:81-255,Target:0"
    lines = ["Def.And;%s;0&1;%s;83ec44" % (head, x.hex()),
             "Def.Or;%s;0|1;%s;8bff55" % (head, y.hex()),
             "Def.Count;%s;0&1>2;%s;5589e5" % (head, z.hex()),
             "Def.Eq;%s;0&1=0;%s;c3c3c3" % (head, w.hex()),
             "Def.Pcre;%s;0&1&2;%s;9090e8;0/abc[0-9]+def/" % (head, v.hex())]
    (tmp_path / "d.ldb").write_text("\n".join(lines) + "\n")
    d = tmp_path / "files"
    d.mkdir()
    pad = b"." * 300
    files = {"f1": x + pad + bytes.fromhex("83ec44"), "f2": x,
             "f3": y, "f4": pad + bytes.fromhex("8bff55"),
             "f5": z + bytes.fromhex("5589e5") * 3 + pad,
             "f6": z + bytes.fromhex("5589e5") * 2 + pad,
             "f7": w + pad, "f8": w + bytes.fromhex("c3c3c3"),
             "f9": v + bytes.fromhex("9090e8") + b" abc123def",
             "f10": v + b" abc123def"}
    for name, body in files.items():
        (d / name).write_bytes(pad + body + pad)
    want = {"f1": {"Def.And"}, "f3": {"Def.Or"}, "f4": {"Def.Or"},
            "f5": {"Def.Count"}, "f7": {"Def.Eq"}, "f9": {"Def.Pcre"}}
    c = clamscan("--no-summary", "-r", "-d", tmp_path / "d.ldb", d)
    assert by_file(c, d) == want, c.out
    for m in ("anchors", "vectorscan"):
        res = vigil("scan", "--no-summary", "-d", tmp_path / "d.ldb", d,
                    env={"VIGIL_MATCHER": m})
        assert by_file(res, d) == want, (m, res.out, res.err)
    for run in ("cold", "warm"):   # the cache's choice of them, taken as it is
        res = vigil("scan", "--no-summary", "--cache-dir", tmp_path / "cache",
                    "-d", tmp_path / "d.ldb", d, env={"VIGIL_MATCHER": "anchors"})
        assert by_file(res, d) == want, (run, res.out, res.err)


def test_anchors_tables_by_target(tmp_path, vigil, clamscan):
    """The anchors matcher keeps a table per target type, and a logical
    signature that needs a long pattern leaves its short ones (four to six
    fixed bytes) to be verified once the long one matched: an ELF file,
    a file of no known type and a text file each find exactly their own
    type's signatures and those for any type, with "and", "or" and a
    count, as Vectorscan, the generic code and clamscan find them."""
    import random
    r = random.Random(23)

    def short():
        return bytes([0x80 | r.randrange(128) for _ in range(5)])
    m_elf, m_any, m_def, m_or, m_cnt = (short() for _ in range(5))
    long_def, long_or, long_cnt = (r.randbytes(16) for _ in range(3))
    head = "Engine:81-255,Target:"
    (tmp_path / "t.ndb").write_text("\n".join([
        "T.Elf:6:*:" + m_elf.hex(), "T.Pe:1:*:" + m_elf.hex(),
        "T.Any:0:*:" + m_any.hex(), "T.Text:7:*:" + b"vqzkxj".hex()]) + "\n")
    (tmp_path / "t.ldb").write_text("\n".join([
        "L.Def;%s6;0&1;%s;%s" % (head, long_def.hex(), m_def.hex()),
        "L.Or;%s0;0|1;%s;%s" % (head, long_or.hex(), m_or.hex()),
        "L.Cnt;%s0;0&1>1;%s;%s" % (head, long_cnt.hex(), m_cnt.hex())]) + "\n")
    elf, pad = open("/bin/true", "rb").read(), b"." * 200
    blob = bytes(range(256)) * 2  # binary data: of no known type
    files = {"elf-own": elf + pad + m_elf, "blob-elf": blob + m_elf,
             "elf-any": elf + m_any, "blob-any": blob + m_any,
             "text-any": b"words " + m_any + b" more\n",
             "text-own": b"Some words, VQZKXJ and more\n", "blob-text": blob + b"vqzkxj",
             "elf-def": elf + long_def + pad + m_def, "elf-def-long": elf + long_def,
             "elf-def-short": elf + m_def, "blob-def": blob + long_def + m_def,
             "blob-or": blob + m_or, "blob-cnt2": blob + long_cnt + m_cnt + pad + m_cnt,
             "blob-cnt1": blob + long_cnt + pad + m_cnt}
    d = tmp_path / "files"
    d.mkdir()
    for name, body in files.items():
        (d / name).write_bytes(body)
    want = {"elf-own": {"T.Elf"}, "elf-any": {"T.Any"}, "blob-any": {"T.Any"},
            "text-any": {"T.Any"}, "text-own": {"T.Text"}, "elf-def": {"L.Def"},
            "blob-or": {"L.Or"}, "blob-cnt2": {"L.Cnt"}}
    args = ("scan", "--no-summary", "-z", "-d", tmp_path / "t.ndb", "-d",
            tmp_path / "t.ldb", d)
    c = clamscan("--no-summary", "-z", "-r", "-d", tmp_path / "t.ndb", "-d",
                 tmp_path / "t.ldb", d)
    assert by_file(c, d) == want, c.out
    for env in ({"VIGIL_MATCHER": "anchors"}, {"VIGIL_MATCHER": "vectorscan"},
                {"VIGIL_MATCHER": "anchors", "VIGIL_NO_AVX2": "1",
                 "VIGIL_NO_AVX512": "1"}):
        res = vigil(*args, env=env)
        assert by_file(res, d) == want, (env, res.out, res.err)


def test_anchor_past_a_star(tmp_path, vigil, clamscan):
    """A pattern whose fixed runs of four bytes or more all lie past a "*"
    is found by an anchor there and verified at every start before it
    not tried yet: it matches where its first piece comes before that run,
    and not where it comes only after, with a gap and a wildcard in the
    first piece, with the anchor repeated, as Vectorscan, the generic code
    and clamscan find."""
    import random
    r = random.Random(29)
    x, y = r.randbytes(16), r.randbytes(12)
    (tmp_path / "s.ndb").write_text(
        "S.Star:0:*:a1b2*%s\nS.Gap:0:*:c3d4??e5{1-3}f6a7*%s\n" % (x.hex(), y.hex()))
    pad = b"." * 300
    files = {"before": pad + b"\xa1\xb2" + pad + x, "after": pad + x + pad + b"\xa1\xb2",
             "twice": x + pad + b"\xa1\xb2" + pad + x + pad,
             "adjacent": b"\xa1\xb2" + x, "alone": pad + x + pad,
             "gap": pad + b"\xc3\xd4\x00\xe5\x01\x02\xf6\xa7" + pad + y,
             "gap-far": pad + b"\xc3\xd4\x00\xe5\x01\x02\x03\x04\xf6\xa7" + pad + y,
             "gap-after": pad + y + b"\xc3\xd4\x00\xe5\x01\xf6\xa7"}
    d = tmp_path / "files"
    d.mkdir()
    for name, body in files.items():
        (d / name).write_bytes(body)
    want = {"before": {"S.Star"}, "twice": {"S.Star"}, "adjacent": {"S.Star"},
            "gap": {"S.Gap"}}
    c = clamscan("--no-summary", "-r", "-d", tmp_path / "s.ndb", d)
    assert by_file(c, d) == want, c.out
    for env in ({"VIGIL_MATCHER": "anchors"}, {"VIGIL_MATCHER": "vectorscan"},
                {"VIGIL_MATCHER": "anchors", "VIGIL_NO_AVX2": "1",
                 "VIGIL_NO_AVX512": "1"}):
        res = vigil("scan", "--no-summary", "-d", tmp_path / "s.ndb", d, env=env)
        assert by_file(res, d) == want, (env, res.out, res.err)


def test_anchors_in_runs_of_zeros(tmp_path, vigil, clamscan):
    """Patterns whose only fixed bytes are NUL (which fill whole objects)
    get no anchor but a Vectorscan database of their own: an object of
    zeros is neither a step-limit result nor slow, and a match is found."""
    db = tmp_path / "z.ndb"
    db.write_text("Zero.Gap:0:*:00000000000000000000{10-20}0000000000000000??fe\n"
                  "Zero.Hit:0:*:0000000000000000{2-4}00000000000000000000ffff\n")
    (tmp_path / "zeros.bin").write_bytes(bytes(8 << 20))
    (tmp_path / "hit.bin").write_bytes(bytes(1 << 20) + b"\xff\xff" + bytes(100))
    for m in ("anchors", "vectorscan"):
        v = vigil("scan", "--no-summary", "-d", db, tmp_path / "zeros.bin", tmp_path / "hit.bin",
                  env={"VIGIL_MATCHER": m})
        assert sorted(v.out.splitlines()) == ["%s: Zero.Hit FOUND" % (tmp_path / "hit.bin"),
                                              "%s: OK" % (tmp_path / "zeros.bin")], (m, v.out)
    c = clamscan("--no-summary", "-d", db, tmp_path / "zeros.bin")
    assert c.out.strip() == "%s: OK" % (tmp_path / "zeros.bin"), c.out


def test_anchors_repeated_all_over(tmp_path, vigil, clamscan):
    """An anchor repeated a million times, its pattern's start up to 8,000
    bytes before it: each start is tried once, not once per anchor (which
    took 14 s here), and a match after all the repeats is still found;
    the same results as Vectorscan's (and, for the body signature,
    clamscan's). A counted subsignature counts each start once (clamscan
    counts this overlapping pattern's matches otherwise: not compared)."""
    db = tmp_path / "s.ndb"
    db.write_text("Spread:0:*:5a5a{0-8000}4142434445464748\n")
    ldb = tmp_path / "s.ldb"
    ldb.write_text("Spread.Count;Target:0;0=3;5a5a{0-8000}4142434445464748\n")
    rep = b"ABCDEFGH" * 1000000
    files = {"repeats.bin": rep,
             "late.bin": rep + b"ZZ" + b"x" * 100 + b"ABCDEFGH",
             "three.bin": (b"ZZ" + b"y" * 50 + b"ABCDEFGH" + b"ABCDEFGH" * 2000) * 3}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    paths = [tmp_path / n for n in sorted(files)]
    want = {"late.bin": {"Spread"}, "three.bin": {"Spread", "Spread.Count"}}
    for m in ("anchors", "vectorscan"):
        v = vigil("scan", "--no-summary", "-z", "-d", db, "-d", ldb, *paths,
                  env={"VIGIL_MATCHER": m})
        assert by_file(v, tmp_path) == want, (m, v.out)
    c = clamscan("--no-summary", "-d", db, *paths)
    assert by_file(c, tmp_path) == {"late.bin": {"Spread"}, "three.bin": {"Spread"}}, c.out


def test_first_match_and_exit_codes(tmp_path, vigil, clamscan):
    g, sigdir, filedir = generated(tmp_path)
    v = vigil("scan", "--no-summary", "-i", "-d", sigdir, filedir)
    c = clamscan("--no-summary", "-i", "-r", "-d", sigdir, filedir)
    assert (v.rc, c.rc) == (1, 1)
    assert set(by_file(v, filedir)) == set(by_file(c, filedir))
    assert set(by_file(v, filedir)) == {f for f, e in g.expect.items() if e}
    clean = [f for f, e in g.expect.items() if not e][0]
    v = vigil("scan", "--no-summary", "-d", sigdir, filedir / clean)
    c = clamscan("--no-summary", "-d", sigdir, filedir / clean)
    assert (v.rc, c.rc) == (0, 0)
    assert v.out.strip() == "%s: OK" % (filedir / clean)
    assert c.out.strip() == v.out.strip()


def test_documented_departures(tmp_path, vigil, clamscan):
    """Each place docs/signatures.md says clamscan departs from ClamAV's
    documented semantics: Vigil follows the documentation, and clamscan is
    shown to behave as described (so the list stays true)."""
    sigs = tmp_path / "d.ndb"
    tiny = b"tiny!"
    import hashlib
    (tmp_path / "d.hdb").write_text("%s:5:Dep.TinyHash\n" % hashlib.md5(tiny).hexdigest())
    sigs.write_text("Dep.HtmlRaw:0:*:%s\nDep.Utf16Text:7:*:%s\n" % (
        b"Hello  World".hex(), b"hello world".hex()))
    files = tmp_path / "f"
    files.mkdir()
    (files / "page.html").write_bytes(b"<html><body><p>Hello  World</p></body></html>\n")
    (files / "tiny.bin").write_bytes(tiny)
    (files / "not-text.bin").write_bytes(b"\x90\x91" * 40 + b"  HELLO WORLD  " + b"\x00\x92" * 8)
    v = vigil("scan", "--no-summary", "-d", sigs, "-d", tmp_path / "d.hdb", files)
    c = clamscan("--no-summary", "-r", "-d", sigs, "-d", tmp_path / "d.hdb", files)
    vf, cf = by_file(v, files), by_file(c, files)
    # target 0 means any file, HTML included: clamscan only matches the
    # normalised HTML, where the double space is gone
    assert vf.get("page.html") == {"Dep.HtmlRaw"} and "page.html" not in cf
    # a hash signature for a 5-byte file: clamscan skips files that small
    assert vf.get("tiny.bin") == {"Dep.TinyHash"} and "tiny.bin" not in cf
    # binary data clamscan's UTF-16 heuristic takes for text gets text
    # (type 7) signatures; Vigil does not call data with NUL bytes text
    assert "not-text.bin" not in vf and cf.get("not-text.bin") == {"Dep.Utf16Text"}
    # HandlerType: the manual says the signature "will not cause an alert"
    # and the file is read again as that type; clamscan 1.4 reads it again
    # and also reports the handler signature itself
    h = tmp_path / "h.ldb"
    h.write_text("Dep.Handler;Engine:51-255,HandlerType:CL_TYPE_PDF,Target:0;0;%s\n"
                 "Dep.InPdf;Engine:51-255,Target:10;0;%s\n" % (b"KEYKEY".hex(), b"EVILEVIL".hex()))
    (files / "handled.bin").write_bytes(b"\x01KEYKEY junk EVILEVIL junk")
    (files / "only-handled.bin").write_bytes(b"\x01KEYKEY junk")
    v = vigil("scan", "--no-summary", "-z", "-d", h, files)
    c = clamscan("--no-summary", "-z", "-r", "-d", h, files)
    vf, cf = by_file(v, files), by_file(c, files)
    assert vf.get("handled.bin") == {"Dep.InPdf"} and "only-handled.bin" not in vf
    assert cf.get("handled.bin") == {"Dep.InPdf", "Dep.Handler"}
    assert cf.get("only-handled.bin") == {"Dep.Handler"}
    # macro subsignatures: the manual's own example; clamscan 1.4 never
    # matches it (whatever the order the files load in)
    m = tmp_path / "macro"
    m.mkdir()
    (m / "a.ndb").write_text("D1:0:$12:626262\nD2:0:$12:636363\nD3:0:$30:626264\n")
    (m / "b.ldb").write_text("Dep.Macro;Engine:51-255,Target:0;0&1;616161;${6-7}12$\n")
    mf = tmp_path / "mf"
    mf.mkdir()
    for name, body in (("six", b"aaa___bbb"), ("seven", b"aaa____ccc"), ("eight", b"aaa_____bbb"),
                       ("other-group", b"aaa___bbd")):
        (mf / name).write_bytes(b"\x01" + body)
    v = vigil("scan", "--no-summary", "-d", m, mf)
    c = clamscan("--no-summary", "-r", "-d", m, mf)
    assert by_file(v, mf) == {"six": {"Dep.Macro"}, "seven": {"Dep.Macro"}}
    assert by_file(c, mf) == {}


BCOMP_SIGS = """B.Bin;Engine:81-255,Target:0;0&1;4b45593a;0(>>4#ib2#=0x1234)
B.BinLE;Engine:81-255,Target:0;0&1;4b45593a;0(>>4#il2#=0x3412)
B.BinNoOrder;Engine:81-255,Target:0;0&1;4b45593a;0(>>4#i2#=0x3030)
B.Back;Engine:81-255,Target:0;0&1;4b45593a;0(<<2#ib1#=0x41)
B.Dec;Engine:81-255,Target:0;0&1;4445433a;0(>>4#d3#>99,<200)
B.DecExact;Engine:81-255,Target:0;0&1;4445433a;0(>>4#de4#>1)
B.HexLE;Engine:81-255,Target:0;0&1;4845583a;0(>>4#hle4#=0x3412)
B.HexLE2;Engine:81-255,Target:0;0&1;4845583a;0(>>4#hl4#=0x001f)
B.HexBE;Engine:81-255,Target:0;0&1;4845583a;0(>>4#hb4#=0x1f00)
B.HexNoOrder;Engine:81-255,Target:0;0&1;4845583a;0(>>4#h4#=0x1234)
B.AutoLE;Engine:81-255,Target:0;0&1;4155543a;0(>>4#al4#=31)
B.AutoBE;Engine:81-255,Target:0;0&1;4155543a;0(>>4#ab4#=31)
B.AutoNoOrder;Engine:81-255,Target:0;0&1;4155543a;0(>>4#a4#=31)
"""


def test_byte_compare_matches_clamscan(tmp_path, vigil, clamscan):
    """Byte-compare subsignatures: every kind, order, offset direction and
    comparison, on numbers written every way, give clamscan's answers
    (including where the manual is silent: see core/bcompscan.c)."""
    db = tmp_path / "bc.ldb"
    db.write_text(BCOMP_SIGS)
    files = tmp_path / "f"
    files.mkdir()
    bodies = [b"Ax" + b"KEY:\x12\x34 DEC:150 HEX:1234 AUT:0x1f ",
              b"Bx" + b"KEY:\x34\x12 DEC:250 HEX:3412 AUT:31",
              b"KEY:00 DEC:1500 HEX:1f00 AUT:0031 ",
              b"HEX:0x1f AUT:1f00 DEC:99 KEY:", b"HEX:1234 AUT:0x1F DEC:150x "]
    for i, body in enumerate(bodies):
        (files / ("n%d.bin" % i)).write_bytes(b"\x01\x00" + body)
    v = vigil("scan", "--no-summary", "-z", "-d", db, files)
    c = clamscan("--no-summary", "-z", "-r", "-d", db, files)
    vf, cf = by_file(v, files), by_file(c, files)
    assert sum(len(n) for n in cf.values()) >= 8, c.out  # not an empty test
    assert vf == cf


CDB_SIGS = r"""Cdb.DoubleExt:CL_TYPE_ZIP:*:.*\.pdf\.exe$:*:*:*:*:*:*
Cdb.EncExe:CL_TYPE_ZIP:*:.*\.exe$:*:*:1:*:*:*
Cdb.SecondTxt:CL_TYPE_ZIP:*:readme\.txt:*:1:0:2:*:*
Cdb.AnySize5:*:*:.*:*:5:0:1:*:*
Cdb.RarOnly:CL_TYPE_RAR:*:.*:*:*:*:*:*:*
Cdb.TarStored:CL_TYPE_POSIX_TAR:*:.*\.exe$:5:5:0:1:*:*
Cdb.BigContainer:CL_TYPE_ZIP:100000-200000:.*:*:*:*:*:*:*
Cdb.ThirdEntry:*:*:.*:*:*:*:3-9:*:*
"""


def test_container_metadata_matches_clamscan(tmp_path, vigil, clamscan):
    """.cdb signatures on zip (plain and encrypted) and tar entries: the
    same names as clamscan (Vigil also reports the encrypted entry it
    cannot read, Heuristics.Encrypted.Zip, by its own rule)."""
    import tarfile
    import zipfile
    db = tmp_path / "t.cdb"
    db.write_text(CDB_SIGS)
    files = tmp_path / "f"
    files.mkdir()
    with zipfile.ZipFile(files / "c1.zip", "w") as z:
        z.writestr("invoice.pdf.exe", b"hello")
        z.writestr("readme.txt", b"x")
    src = tmp_path / "invoice.pdf.exe"
    src.write_bytes(b"hello")
    subprocess.run(["zip", "-q", "-j", "-P", "pw", str(files / "c2.zip"), str(src)], check=True)
    with tarfile.open(files / "t.tar", "w") as t:
        t.add(src, arcname="a.exe")
    v = vigil("scan", "--no-summary", "-z", "-d", db, files)
    c = clamscan("--no-summary", "-z", "-r", "-d", db, files)
    vf = {f: {n for n in ns if not n.startswith("Heuristics.")} for f, ns in by_file(v, files).items()}
    cf = by_file(c, files)
    assert cf.get("c1.zip") == {"Cdb.DoubleExt", "Cdb.SecondTxt", "Cdb.AnySize5"}, cf
    assert vf == cf
    assert "Heuristics.Encrypted.Zip" in by_file(v, files)["c2.zip"]


def test_modifier_inside_a_pattern_read_as_clamscan(tmp_path, vigil, clamscan):
    """A subsignature with "::modifier" inside its pattern (one line of
    ClamAV's main.ldb has "hex::i*hex::i*hex::i"): clamscan keeps the
    pattern up to the first "::", followed by one byte of anything, with
    no modifier; Vigil reads it the same way."""
    db = tmp_path / "m.ldb"
    db.write_text("M3;Engine:81-255,Target:0;0;41414141::i*42424242::i*43434343::i\n"
                  "M7;Engine:81-255,Target:0;0;41414141::w*42424242::i\n")
    files = tmp_path / "f"
    files.mkdir()
    for i, body in enumerate((b"AAAA", b"AAAA:", b"AAAA bbbb", b"aaaa BBBB CCCC",
                              b"A\0A\0A\0A\0bbbb", b"AAAA::i")):
        (files / ("q%d" % i)).write_bytes(b"\x01" + body)
    v = by_file(vigil("scan", "--no-summary", "-z", "-d", db, files), files)
    c = by_file(clamscan("--no-summary", "-z", "-r", "-d", db, files), files)
    assert c.get("q1") == {"M3", "M7"} and "q0" not in c and "q3" not in c
    assert v == c


def test_file_type_magic_agrees_with_clamscan(tmp_path, vigil, clamscan):
    """.ftm rules teach the type detector: a body-pattern rule makes plain
    text with a tag no built-in rule knows HTML, so an HTML-target
    signature matches it, in clamscan and in Vigil (also from a compiled
    .vdb); without the rule neither does. A mail whose header block starts
    after a line of something else is mail by ClamAV's built-in magic, and
    by Vigil's."""
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    (files / "marquee.txt").write_text("Plain notes for the week\n<marquee>see evilcode here</marquee>\n")
    (files / "plain.txt").write_text("Plain notes for the week\nsee evilcode here\n")
    (files / "late-mail.eml").write_bytes(b"XYZMAGIC envelope line\n" +
                                          fg.mime(b"hidden-marker-inside-mail" * 3))
    sigs = tmp_path / "s.ndb"
    sigs.write_text("HtmlOnly:3:*:6576696c636f6465\n"
                    "Marker:0:*:68696464656e2d6d61726b65722d696e736964652d6d61696c\n")
    ftm = tmp_path / "t.ftm"
    ftm.write_text("# a tag no built-in rule knows\n"
                   "1:*:3c6d617271756565:HTML marquee:CL_TYPE_ANY:CL_TYPE_HTML\n")
    want_without = {"late-mail.eml": {"Marker"}}
    want_with = dict(want_without, **{"marquee.txt": {"HtmlOnly"}})
    for extra, want in (((), want_without), (("-d", ftm), want_with)):
        c = by_file(clamscan("--no-summary", "-d", sigs, *extra, files), files)
        v = by_file(vigil("scan", "--no-summary", "-d", sigs, *extra, files), files)
        assert c == v == want
    vdb = tmp_path / "t.vdb"
    r = vigil("db", "compile", sigs, ftm, "-o", vdb)
    assert r.rc == 0, r.err
    v = by_file(vigil("scan", "--no-summary", "-d", vdb, files), files)
    assert v == want_with


def test_file_type_magic_bad_lines_are_named(tmp_path, vigil):
    ftm = tmp_path / "bad.ftm"
    ftm.write_text("2:0:4142:Two:CL_TYPE_ANY:CL_TYPE_PDF\n"
                   "0:*:4142:Star:CL_TYPE_ANY:CL_TYPE_PDF\n"
                   "0:0:41??:Wild:CL_TYPE_ANY:CL_TYPE_PDF\n"
                   "0:0:4142:Nope:CL_TYPE_ANY:CL_TYPE_NOPE\n"
                   "0:0:4142:Good:CL_TYPE_ANY:CL_TYPE_PDF\n")
    r = vigil("db", "compile", "-v", "--no-matcher", ftm, "-o", tmp_path / "x.vdb")
    assert r.rc == 0, r.err
    for line, why in ((1, "magic type must be 0, 1 or 4"), (2, "decimal offset"),
                      (3, "plain hex"), (4, "unknown file type 'CL_TYPE_NOPE'")):
        assert "bad.ftm:%d: %s" % (line, why) in r.err or \
            ("bad.ftm:%d:" % line in r.err and why in r.err), r.err
    r = vigil("db", "compile", "--strict", ftm, "-o", tmp_path / "y.vdb")
    assert r.rc != 0 and "bad.ftm:1" in r.err


def test_onenote_attachments_agree_with_clamscan(tmp_path, vigil, clamscan):
    """The files embedded in a OneNote section are contained objects of
    type CL_TYPE_ONENOTE's children, in clamscan and in Vigil; a section
    whose embedded file runs past its end is Heuristics.Broken.OneNote in
    Vigil (clamscan reports it OK)."""
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    (files / "a.one").write_bytes(fg.onenote(b"first", b"xx hidden-marker-in-note yy"))
    (files / "b.one").write_bytes(fg.onenote(b"nothing to see"))
    db = tmp_path / "one.ldb"
    db.write_text("OneChild;Engine:81-255,Container:CL_TYPE_ONENOTE,Target:0;0;"
                  "68696464656e2d6d61726b65722d696e2d6e6f7465\n")
    c = by_file(clamscan("--no-summary", "-d", db, files), files)
    v = by_file(vigil("scan", "--no-summary", "-d", db, files), files)
    assert c == v == {"a.one": {"OneChild"}}
    cut = tmp_path / "cut.one"
    cut.write_bytes(fg.onenote(b"x" * 100)[:150])
    r = vigil("scan", "--no-summary", "-d", db, cut)
    assert "Heuristics.Broken.OneNote" in r.out and r.rc == 1


def test_iso9660_with_and_without_joliet(tmp_path, vigil, clamscan):
    """ISO 9660 images, plain, with Joliet and with Rock Ridge: each file
    inside is an object of CL_TYPE_ISO9660's children, in both."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text("xx hidden-marker-in-iso yy\n")
    files = tmp_path / "files"
    files.mkdir()
    for name, extra in (("plain.iso", []), ("joliet.iso", ["-J"]), ("rr.iso", ["-R"])):
        subprocess.run(["genisoimage", "-quiet", *extra, "-o", str(files / name), str(src)],
                       check=True)
    db = tmp_path / "c.ldb"
    db.write_text("IsoChild;Engine:81-255,Container:CL_TYPE_ISO9660,Target:0;0;"
                  "68696464656e2d6d61726b65722d696e2d69736f\n")
    c = by_file(clamscan("--no-summary", "-d", db, files), files)
    v = by_file(vigil("scan", "--no-summary", "-d", db, files), files)
    assert c == v == {n: {"IsoChild"} for n in ("plain.iso", "joliet.iso", "rr.iso")}


def test_mbr_disk_images_agree_with_clamscan(tmp_path, vigil, clamscan):
    """Disk images with a master boot record: primary and logical
    partitions are contained objects of CL_TYPE_MBR; overlapping primary
    partitions are ClamAV's Heuristics.MBRPartitionnIntersect with
    --alert-partition-intersection."""
    import struct
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    mark = b"xx hidden-marker-in-disk yy\n"
    (files / "primary.img").write_bytes(fg.mbr_image([(b"first", 0x83), (mark, 0x0c)]))
    (files / "logical.img").write_bytes(fg.mbr_image([(b"first", 0x83)],
                                                     ebr_parts=[b"logical", mark]))
    (files / "plain.img").write_bytes(fg.mbr_image([(b"nothing here", 0x83)]))
    img = bytearray(fg.mbr_image([(b"a" * 2048, 0x83), (b"b" * 1024, 0x83)]))
    struct.pack_into("<I", img, 446 + 16 + 8, 3)  # the second starts in the first
    (files / "overlap.img").write_bytes(bytes(img))
    db = tmp_path / "c.ldb"
    db.write_text("MbrChild;Engine:81-255,Container:CL_TYPE_MBR,Target:0;0;"
                  "68696464656e2d6d61726b65722d696e2d6469736b\n")
    for opts, extra in (((), {}),
                        (("--alert-partition-intersection",),
                         {"overlap.img": {"Heuristics.MBRPartitionnIntersect"}})):
        c = by_file(clamscan("--no-summary", *opts, "-d", db, files), files)
        v = by_file(vigil("scan", "--no-summary", *opts, "-d", db, files), files)
        want = dict({"primary.img": {"MbrChild"}, "logical.img": {"MbrChild"}}, **extra)
        assert c == v == want, opts


def test_gpt_disk_images_agree_with_clamscan(tmp_path, vigil, clamscan):
    """Disk images with a GUID partition table: each used entry is a
    contained object of CL_TYPE_GPT, through the backup header when the
    primary one is damaged; overlapping entries are
    Heuristics.GPTPartitionIntersection with --alert-partition-intersection."""
    import struct
    import zlib
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    mark = b"xx hidden-marker-in-disk yy\n"
    (files / "gpt.img").write_bytes(fg.gpt_image([b"first", mark]))
    img = bytearray(fg.gpt_image([b"first", mark]))
    img[512 + 8] ^= 0xff  # the primary header's CRC no longer holds
    (files / "backup.img").write_bytes(bytes(img))
    img = bytearray(fg.gpt_image([b"a" * 2048, b"b" * 1024]))
    struct.pack_into("<Q", img, 1024 + 128 + 32, 36)  # the second starts in the first
    table = bytes(img[1024:1024 + 128 * 128])
    struct.pack_into("<I", img, 512 + 88, zlib.crc32(table))
    struct.pack_into("<I", img, 512 + 16, 0)
    struct.pack_into("<I", img, 512 + 16, zlib.crc32(bytes(img[512:512 + 92])))
    (files / "overlap.img").write_bytes(bytes(img))
    db = tmp_path / "c.ldb"
    db.write_text("GptChild;Engine:81-255,Container:CL_TYPE_GPT,Target:0;0;"
                  "68696464656e2d6d61726b65722d696e2d6469736b\n")
    for opts, extra in (((), {}),
                        (("--alert-partition-intersection",),
                         {"overlap.img": {"Heuristics.GPTPartitionIntersection"}})):
        c = by_file(clamscan("--no-summary", *opts, "-d", db, files), files)
        v = by_file(vigil("scan", "--no-summary", *opts, "-d", db, files), files)
        want = dict({"gpt.img": {"GptChild"}, "backup.img": {"GptChild"}}, **extra)
        assert c == v == want, opts


def test_icon_group_signatures_load_and_match_nothing(tmp_path, vigil, clamscan):
    """IconGroup1/2 logical signatures load without a warning (ClamAV's
    main.ldb has 80) and, with no .idb defining their groups, match
    nothing, in clamscan as in Vigil; outside Target:1 they are refused."""
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    (files / "a.exe").write_bytes(fg.pe(sections=(("code", b"\xc3" + b"ICONMARK" * 8),)))
    db = tmp_path / "i.ldb"
    db.write_text("Icon.Sig;Engine:51-255,Target:1,IconGroup1:DOCS;0;49434f4e4d41524b\n"
                  "Plain.Sig;Engine:51-255,Target:1;0;49434f4e4d41524b\n")
    c = by_file(clamscan("--no-summary", "-z", "-d", db, files), files)
    r = vigil("scan", "--no-summary", "-z", "-d", db, files)
    assert c == by_file(r, files) == {"a.exe": {"Plain.Sig"}}
    assert "warning" not in r.err
    bad = tmp_path / "bad.ldb"
    bad.write_text("Icon.Sig;Engine:51-255,Target:0,IconGroup2:DOCS;0;49434f4e4d41524b\n"
                   "Plain.Sig;Engine:51-255,Target:1;0;49434f4e4d41524b\n")
    r = vigil("db", "compile", "-v", "--no-matcher", bad, "-o", tmp_path / "b.vdb")
    assert "bad.ldb:1: IconGroup needs Target:1" in r.err


def test_which_text_is_html(tmp_path, vigil, clamscan):
    """Departure 8: an HTML-target signature reaches text that ClamAV's
    current rules take for HTML (a tag name and a separator), in both;
    "<scriptlet" is HTML to clamscan 1.4 only, "<meta" to Vigil only."""
    files = tmp_path / "files"
    files.mkdir()
    body = "\nvar marker_for_html = 1;\n"
    (files / "table.txt").write_text("notes\n<table>\n" + body)
    (files / "iframe.txt").write_text("notes\n<iframe src=x>\n" + body)
    (files / "anchor.txt").write_text("notes\n<a class=x\nhref=y>\n" + body)
    (files / "scriptlet.txt").write_text("notes\n<scriptlet>\n" + body)
    (files / "meta.txt").write_text("notes\n<meta charset=utf-8>\n" + body)
    (files / "plain.txt").write_text("notes\n" + body)
    db = tmp_path / "h.ndb"
    db.write_text("HtmlOnly:3:*:6d61726b65725f666f725f68746d6c\n")
    c = by_file(clamscan("--no-summary", "-d", db, files), files)
    v = by_file(vigil("scan", "--no-summary", "-d", db, files), files)
    both = {"table.txt", "iframe.txt", "anchor.txt"}
    assert set(c) == both | {"scriptlet.txt"}
    assert set(v) == both | {"meta.txt"}


def test_flash_files_agree_with_clamscan(tmp_path, vigil, clamscan):
    """Compressed Flash files (CWS zlib, ZWS LZMA) are decompressed and
    matched as clamscan does, and not with --scan-swf=no."""
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    for kind in ("CWS", "ZWS", "FWS"):
        (files / (kind + ".swf")).write_bytes(fg.swf(b"xx hidden-marker-in-flash yy" * 3, kind))
    db = tmp_path / "m.ndb"
    db.write_text("SwfMark:0:*:68696464656e2d6d61726b65722d696e2d666c617368\n")
    for opts, want in (((), {"CWS.swf", "ZWS.swf", "FWS.swf"}),
                       (("--scan-swf=no",), {"FWS.swf"})):
        c = by_file(clamscan("--no-summary", *opts, "-d", db, files), files)
        v = by_file(vigil("scan", "--no-summary", *opts, "-d", db, files), files)
        assert c == v and set(v) == want, opts


def test_alz_archives_agree_with_clamscan(tmp_path, vigil, clamscan):
    """ALZ archives, stored, bzip2 and deflate: each file is a contained
    object of CL_TYPE_ALZ in both; an encrypted one is
    Heuristics.Encrypted.ALZ in Vigil (clamscan reports it OK)."""
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    mark = b"xx hidden-marker-in-alz yy" * 3
    for method in (0, 1, 2):
        (files / ("m%d.alz" % method)).write_bytes(
            fg.alz([("a.txt", b"first file"), ("b.txt", mark)], method=method))
    (files / "plain.alz").write_bytes(fg.alz([("a.txt", b"nothing")]))
    db = tmp_path / "c.ldb"
    db.write_text("AlzChild;Engine:81-255,Container:CL_TYPE_ALZ,Target:0;0;"
                  "68696464656e2d6d61726b65722d696e2d616c7a\n")
    c = by_file(clamscan("--no-summary", "-d", db, files), files)
    v = by_file(vigil("scan", "--no-summary", "-d", db, files), files)
    assert c == v == {"m%d.alz" % m: {"AlzChild"} for m in (0, 1, 2)}
    enc = tmp_path / "enc.alz"
    enc.write_bytes(fg.alz([("b.txt", mark)], encrypted=True))
    r = vigil("scan", "--no-summary", "-d", db, enc)
    assert "Heuristics.Encrypted.ALZ" in r.out and r.rc == 1


def test_egg_archives_agree_with_clamscan(tmp_path, vigil, clamscan):
    """EGG archives, stored, deflate and bzip2: each file is a contained
    object of CL_TYPE_EGG in both. An encrypted entry is
    Heuristics.Encrypted.EGG and a solid archive Heuristics.Broken.EGG in
    Vigil (clamscan reads neither and reports them OK)."""
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    mark = b"xx hidden-marker-in-egg yy" * 3
    for method in (0, 1, 2):
        (files / ("m%d.egg" % method)).write_bytes(
            fg.egg([("a.txt", b"first file"), ("b.txt", mark)], method=method))
    (files / "plain.egg").write_bytes(fg.egg([("a.txt", b"nothing")]))
    db = tmp_path / "c.ldb"
    db.write_text("EggChild;Engine:81-255,Container:CL_TYPE_EGG,Target:0;0;"
                  "68696464656e2d6d61726b65722d696e2d656767\n")
    c = by_file(clamscan("--no-summary", "-d", db, files), files)
    v = by_file(vigil("scan", "--no-summary", "-d", db, files), files)
    assert c == v == {"m%d.egg" % m: {"EggChild"} for m in (0, 1, 2)}
    odd = tmp_path / "odd"
    odd.mkdir()
    (odd / "enc.egg").write_bytes(fg.egg([("b.txt", mark)], encrypted=True))
    (odd / "solid.egg").write_bytes(fg.egg([("b.txt", mark)], solid=True))
    v = by_file(vigil("scan", "--no-summary", "-d", db, odd), odd)
    assert v == {"enc.egg": {"Heuristics.Encrypted.EGG"},
                 "solid.egg": {"Heuristics.Broken.EGG"}}


def test_apm_disk_images_agree_with_clamscan(tmp_path, vigil, clamscan):
    """Disk images with an Apple Partition Map: each partition is a
    contained object of CL_TYPE_APM; overlapping ones are
    Heuristics.APMPartitionIntersection with --alert-partition-intersection."""
    import struct
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    (files / "apm.img").write_bytes(fg.apm_image([b"first", b"xx hidden-marker-in-disk yy\n"]))
    img = bytearray(fg.apm_image([b"a" * 2048, b"b" * 1024]))
    struct.pack_into(">I", img, 3 * 512 + 8, 5)  # the second starts in the first
    (files / "overlap.img").write_bytes(bytes(img))
    db = tmp_path / "c.ldb"
    db.write_text("ApmChild;Engine:81-255,Container:CL_TYPE_APM,Target:0;0;"
                  "68696464656e2d6d61726b65722d696e2d6469736b\n")
    for opts, extra in (((), {}),
                        (("--alert-partition-intersection",),
                         {"overlap.img": {"Heuristics.APMPartitionIntersection"}})):
        c = by_file(clamscan("--no-summary", *opts, "-d", db, files), files)
        v = by_file(vigil("scan", "--no-summary", *opts, "-d", db, files), files)
        assert c == v == dict({"apm.img": {"ApmChild"}}, **extra), opts


def test_dmg_images_agree_with_clamscan(tmp_path, vigil, clamscan):
    """Apple disk images (UDIF): a partition's deflated, bzip2 and stored
    runs are put together and matched as a contained object of
    CL_TYPE_DMG, in clamscan and in Vigil."""
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    for kind in ("deflate", "bzip2", "stored"):
        (files / (kind + ".dmg")).write_bytes(fg.dmg(b"xx hidden-marker-in-disk yy\n" * 4, kind))
    (files / "plain.dmg").write_bytes(fg.dmg(b"nothing here\n" * 4))
    db = tmp_path / "c.ldb"
    db.write_text("DmgChild;Engine:81-255,Container:CL_TYPE_DMG,Target:0;0;"
                  "68696464656e2d6d61726b65722d696e2d6469736b\n")
    c = by_file(clamscan("--no-summary", "-d", db, files), files)
    v = by_file(vigil("scan", "--no-summary", "-d", db, files), files)
    assert c == v == {k + ".dmg": {"DmgChild"} for k in ("deflate", "bzip2", "stored")}


def test_hfsplus_volumes_agree_with_clamscan(tmp_path, vigil, clamscan):
    """HFS+ and HFSX volumes inside APM and DMG images: every file's data
    fork is a contained object of CL_TYPE_PART_HFSPLUS, put together from
    the extents of its catalog record and of the extents-overflow tree, so
    hash signatures of the files match, in clamscan and in Vigil. A volume
    whose catalog lies outside it is Heuristics.Broken.HFSPlus in Vigil
    (clamscan passes it as clean)."""
    import hashlib
    import struct
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    small, big = b"a small file\n", b"x" * 9000 + b"the tail of a split file\n"
    vol = {"a.txt": small, "split.bin": big, "caf\u00e9.txt": b"other\n"}
    for sig in (b"H+", b"HX"):
        v = fg.hfsplus(vol, sig=sig, overflow=True)
        tag = "hfsx" if sig == b"HX" else "hfsplus"
        (files / ("%s-apm.img" % tag)).write_bytes(fg.apm_image([v]))
        (files / ("%s.dmg" % tag)).write_bytes(fg.dmg(v))
    (files / "none.dmg").write_bytes(fg.dmg(fg.hfsplus({"b.txt": b"nothing\n"})))
    db = tmp_path / "h.hdb"
    db.write_text("".join("%s:%d:%s\n" % (hashlib.md5(d).hexdigest(), len(d), n)
                          for n, d in (("Hfs.Small", small), ("Hfs.Split", big))))
    ldb = tmp_path / "c.ldb"
    ldb.write_text("HfsChild;Engine:81-255,Container:CL_TYPE_PART_HFSPLUS,Target:0;0;%s\n"
                   % b"the tail of a split".hex())
    want = {"Hfs.Small", "Hfs.Split", "HfsChild"}
    c = by_file(clamscan("--no-summary", "-z", "-d", db, "-d", ldb, files), files)
    v = by_file(vigil("scan", "--no-summary", "-z", "-d", db, "-d", ldb, files), files)
    assert c == v == {n: want for n in ("hfsplus-apm.img", "hfsplus.dmg",
                                             "hfsx-apm.img", "hfsx.dmg")}
    broken = bytearray(fg.hfsplus(vol))
    struct.pack_into(">I", broken, 1024 + 272 + 16, 0x100000)  # catalog's first block
    (files / "broken.img").write_bytes(fg.apm_image([bytes(broken)]))
    v = by_file(vigil("scan", "--no-summary", "-d", db, files / "broken.img"), files)
    assert v == {"broken.img": {"Heuristics.Broken.HFSPlus"}}


def test_mso_streams_agree_with_clamscan(tmp_path, vigil, clamscan):
    """An OLE2 stream holding ActiveMime data (a 4-byte size, then zlib)
    is inflated and matched, as clamscan does; clamscan skips it when the
    file also holds a Word document stream, Vigil does not."""
    import struct
    import zlib
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    payload = b"xx hidden-marker-in-mso yy\n" * 8
    mso = struct.pack("<I", len(payload)) + zlib.compress(payload)
    (files / "mso.ole").write_bytes(fg.ole2({"Data": b"x" * 64, "editdata.mso": mso}))
    (files / "word.doc").write_bytes(fg.ole2({"WordDocument": b"x" * 64, "editdata.mso": mso}))
    (files / "cut.ole").write_bytes(fg.ole2({"Data": b"x" * 64, "editdata.mso": mso[:40]}))
    db = tmp_path / "m.ndb"
    db.write_text("Mso.Marker:0:*:%s\n" % b"hidden-marker-in-mso".hex())
    c = by_file(clamscan("--no-summary", "-d", db, files), files)
    v = by_file(vigil("scan", "--no-summary", "-d", db, files), files)
    assert c == {"mso.ole": {"Mso.Marker"}, "cut.ole": {"Mso.Marker"}}
    assert v == dict(c, **{"word.doc": {"Mso.Marker"}})


def test_encrypted_office_agrees_with_clamscan(tmp_path, vigil, clamscan):
    """A workbook encrypted with Excel's built-in password (Standard
    Encryption, AES-128) is decrypted and its package matched, as clamscan
    does; Vigil also opens AES-256 ones. One under a user's password or
    Agile encryption, and an RC4-encrypted workbook, Word or PowerPoint
    document, is Heuristics.Encrypted.OLE2 in Vigil (ClamAV 1.5's name; a
    warning with --alert-encrypted-doc=no); clamscan 1.4 passes them as
    clean. A
    package size past its stream: what is stored is decrypted, in both."""
    import struct
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    z = fg.zip_of(b"xx hidden-marker-in-office yy", name="xl/payload.bin")
    for name, kw in (("velvet.xls", {}), ("aes256.xls", {"bits": 256}),
                     ("password.xls", {"password": "secret"}), ("agile.xls", {"agile": True})):
        (files / name).write_bytes(fg.encrypted_ooxml(z, **kw))
    cut = bytearray(fg.encrypted_ooxml(z))
    pkg = cut.index(struct.pack("<Q", len(z)))
    struct.pack_into("<Q", cut, pkg, 1 << 20)  # a package size past its stream
    (files / "cut.xls").write_bytes(bytes(cut))
    (files / "rc4.xls").write_bytes(fg.xls(sheet_type=0, filepass=True))
    fib = struct.pack("<HHHHHH", 0xA5EC, 0xC1, 0, 0x409, 0, 0x0100) + b"\x00" * 52
    (files / "rc4.doc").write_bytes(fg.ole2({"WordDocument": fib}))
    (files / "plain.doc").write_bytes(fg.ole2({"WordDocument": fib[:10] + b"\x00\x00" + fib[12:]}))
    (files / "rc4.ppt").write_bytes(fg.ole2({"PowerPoint Document": b"\x00" * 64,
                                             "EncryptedSummary": b"\x00" * 64}))
    db = tmp_path / "o.ndb"
    db.write_text("Office.Marker:0:*:%s\n" % b"hidden-marker-in-office".hex())
    c = by_file(clamscan("--no-summary", "-d", db, files), files)
    v = by_file(vigil("scan", "--no-summary", "-d", db, files), files)
    assert c == {"velvet.xls": {"Office.Marker"}, "cut.xls": {"Office.Marker"}}
    enc = {"Heuristics.Encrypted.OLE2"}
    assert v == dict(c, **{"aes256.xls": {"Office.Marker"}, "password.xls": enc,
                           "agile.xls": enc, "rc4.xls": enc, "rc4.doc": enc,
                           "rc4.ppt": enc})
    r = vigil("scan", "--no-summary", "--alert-encrypted-doc=no", "-d", db, files / "password.xls")
    assert r.rc == 0 and "OK" in r.out, r.out


def test_hwp5_streams_agree_with_clamscan(tmp_path, vigil, clamscan):
    """HWP 5 documents: the compressed body, document information and
    binary data streams are inflated (an embedded OLE object without its
    size prefix) and matched, in clamscan and in Vigil; uncompressed ones
    are matched as they are. A password-protected document's streams are
    Heuristics.Encrypted.HWP in Vigil; clamscan passes them as clean."""
    import struct
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    m = b"xx hidden-marker-in-hwp yy\n" * 4
    z = fg.raw_deflate
    inner = fg.ole2({"Data": m})
    (files / "body.hwp").write_bytes(fg.hwp5({}, ("BodyText", {"Section0": z(m)})))
    (files / "docinfo.hwp").write_bytes(fg.hwp5({"DocInfo": z(m)}))
    (files / "ole.hwp").write_bytes(fg.hwp5({}, ("BinData", {
        "BIN0001.OLE": z(struct.pack("<I", len(inner)) + inner)})))
    (files / "plain.hwp").write_bytes(fg.hwp5({}, ("BodyText", {"Section0": m}), flags=0))
    (files / "other.hwp").write_bytes(fg.hwp5({"Preview": z(m)}))
    (files / "locked.hwp").write_bytes(fg.hwp5({}, ("BodyText", {"Section0": z(m)}), flags=3))
    db = tmp_path / "h.ndb"
    db.write_text("Hwp.Marker:0:*:%s\n" % b"hidden-marker-in-hwp".hex())
    c = by_file(clamscan("--no-summary", "-d", db, files), files)
    v = by_file(vigil("scan", "--no-summary", "-d", db, files), files)
    want = {n: {"Hwp.Marker"} for n in ("body.hwp", "docinfo.hwp", "ole.hwp", "plain.hwp")}
    assert c == want
    assert v == dict(want, **{"locked.hwp": {"Heuristics.Encrypted.HWP"}})


def crb_case(tmp_path, vigil, clamscan, marker, files, case, text):
    """clamscan's and Vigil's findings with the marker signature and the
    .crb text of one case, and the .crb file."""
    crb = tmp_path / (case + ".crb")
    crb.write_text(text)
    dbs = ("-d", marker, "-d", crb)
    c = by_file(clamscan("--no-summary", *dbs, files), files)
    v = by_file(vigil("scan", "--no-summary", *dbs, files), files)
    return c, v, crb


def test_authenticode_certificates_agree_with_clamscan(tmp_path, vigil, clamscan):
    """.crb lines against Authenticode-signed PE images (signed here with
    osslsigncode by a root, an intermediate and a code signer): a valid
    signature chaining up to a trusted line that may sign code (and
    certificates, for an issuer) makes the image trusted and unmatched; a
    blocked certificate is detected under its line's name, signature valid
    or not, and wins over trust; a tampered image is not trusted. The same
    names as clamscan's, file by file, also from a compiled database."""
    import io
    import zipfile
    import authgen
    from heurgen import fg
    pki = authgen.Pki(tmp_path)
    files = tmp_path / "files"
    files.mkdir()
    image = fg.pe(sections=(("code", b"\xc3" * 64 + b"vigil-signed-marker"),))
    pki.sign(image, files / "signed.exe")
    pki.sign(image, files / "signed-sha1.exe", "sha1")
    image64 = fg.pe(sections=(("code", b"\xc3" * 64 + b"vigil-signed-marker"),), pe64=True)
    pki.sign(image64, files / "signed64.exe")
    tampered = bytearray((files / "signed.exe").read_bytes())
    tampered[tampered.index(b"\xc3\xc3")] = 0x90
    (files / "tampered.exe").write_bytes(bytes(tampered))
    (files / "plain.exe").write_bytes(image)
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:  # no marker in the raw zip
        zf.writestr("signed.exe", (files / "signed.exe").read_bytes())
    (files / "signed.zip").write_bytes(z.getvalue())
    marker = tmp_path / "m.ndb"
    marker.write_text("Signed.Marker:0:*:%s\n" % b"vigil-signed-marker".hex())
    line = authgen.crb_line
    cases = {
        "root": line("Test.Root", pki.ca, 1, code=1, cert=1),
        "root-no-code": line("Test.Root", pki.ca, 1, code=0, cert=1, serial=False),
        "root-no-cert": line("Test.Root", pki.ca, 1, code=1, cert=0),
        "inter": line("Test.Inter", pki.inter, 1, code=1, cert=1, serial=False),
        "leaf": line("Test.Leaf", pki.leaf, 1, code=1),
        "leaf-no-code": line("Test.Leaf", pki.leaf, 1, code=0),
        "blocked": line("Test.BlockedSigner", pki.leaf, 0),
        "both": line("Test.Root", pki.ca, 1, code=1, cert=1) +
                line("Test.BlockedSigner", pki.leaf, 0),
    }
    found = {}
    for case, text in cases.items():
        c, v, crb = crb_case(tmp_path, vigil, clamscan, marker, files, case, text)
        assert c == v, case
        found[case] = v
        vdb = tmp_path / (case + ".vdb")
        assert vigil("db", "compile", marker, crb, "-o", vdb).rc == 0
        assert by_file(vigil("scan", "--no-summary", "-d", vdb, files), files) == v, case
    mark = {"Signed.Marker"}
    untrusted = {n: mark for n in ("signed.exe", "signed-sha1.exe", "tampered.exe",
                                   "plain.exe", "signed.zip", "signed64.exe")}
    trusted = {"tampered.exe": mark, "plain.exe": mark}
    for case in ("root", "inter", "leaf"):
        assert found[case] == trusted, case
    for case in ("root-no-code", "root-no-cert", "leaf-no-code"):
        assert found[case] == untrusted, case
    blocked = {n: {"Test.BlockedSigner"} for n in
               ("signed.exe", "signed-sha1.exe", "tampered.exe", "signed.zip", "signed64.exe")}
    assert found["blocked"] == found["both"] == dict(blocked, **{"plain.exe": mark})


def test_hfsplus_compressed_files_agree_with_clamscan(tmp_path, vigil, clamscan):
    """Files the Mac file system compressed (decmpfs): zlib data in the
    attribute (type 3), stored data in it, and zlib blocks in the resource
    fork (type 4) are handed on decompressed, so hash signatures of their
    contents match, in clamscan and in Vigil. A stored block in the
    resource fork (first byte 0xff) Vigil reads too; clamscan 1.4 refuses
    the file (it ends a zlib stream it never started)."""
    import hashlib
    import zlib
    from heurgen import fg
    files = tmp_path / "files"
    files.mkdir()
    inline = b"an inline compressed file " * 40
    stored = b"a stored small file\n"
    part1, part2 = b"first block of a resource file " * 300, b"second, stored block\n"
    comp = {
        "inline.txt": (fg.decmpfs_attr(3, len(inline)) + zlib.compress(inline), b""),
        "stored.txt": (fg.decmpfs_attr(3, len(stored)) + b"\xff" + stored, b""),
        "rsrc.bin": (fg.decmpfs_attr(4, len(part1) + len(part2)),
                     fg.decmpfs_rsrc([zlib.compress(part1), zlib.compress(part2)])),
    }
    vol = fg.hfsplus({"plain.txt": b"plain\n"}, compressed=comp)
    (files / "c.dmg").write_bytes(fg.dmg(vol))
    raw = {"raw.bin": (fg.decmpfs_attr(4, len(part2)), fg.decmpfs_rsrc([b"\xff" + part2]))}
    (files / "raw.dmg").write_bytes(fg.dmg(fg.hfsplus({}, compressed=raw)))
    db = tmp_path / "h.hdb"
    db.write_text("".join("%s:%d:%s\n" % (hashlib.md5(d).hexdigest(), len(d), n)
                          for n, d in (("Hfs.Inline", inline), ("Hfs.Stored", stored),
                                       ("Hfs.Rsrc", part1 + part2), ("Hfs.Raw", part2))))
    want = {"Hfs.Inline", "Hfs.Stored", "Hfs.Rsrc"}
    c = by_file(clamscan("--no-summary", "--allmatch", "-d", db, files), files)
    v = by_file(vigil("scan", "--no-summary", "--allmatch", "-d", db, files), files)
    assert c == {"c.dmg": want}, c
    assert v == {"c.dmg": want, "raw.dmg": {"Hfs.Raw"}}, v


def test_authenticode_dates_agree_with_clamscan(tmp_path, vigil, clamscan):
    """Dates in the trust decision, as clamscan makes it: an image whose
    signing certificate has expired is not trusted, even when a .crb line
    trusts that very certificate or its issuer, unless an old-style
    Authenticode timestamp (a PKCS #9 countersignature, made here by hand)
    by a certificate trusted to sign time dates the signing within the
    certificate's validity; a countersignature that is not trusted makes
    even a valid signer untrusted. A trusted line's NotBefore vouches only
    for a certificate whose validity starts no earlier."""
    import time
    import authgen
    from heurgen import fg
    pki = authgen.Pki(tmp_path)
    expired = pki.issue_dated("old", "inter", "/CN=Vigil Expired Signer",
                              "20200101000000Z", "20210101000000Z")
    files = tmp_path / "files"
    files.mkdir()
    image = fg.pe(sections=(("code", b"\xc3" * 64 + b"vigil-signed-marker"),))
    pki.sign(image, files / "valid.exe")
    pki.sign(image, files / "expired.exe", signer="old")
    pki.issue("tsa", "inter", "/CN=Vigil Test TSA", "tsa")
    tsa = tmp_path / "tsa.pem"
    authgen.countersign(tmp_path, files / "expired.exe", files / "ts.exe", tsa,
                        "200601000000Z")
    authgen.countersign(tmp_path, files / "expired.exe", files / "ts-late.exe", tsa,
                        "220601000000Z")
    authgen.countersign(tmp_path, files / "valid.exe", files / "valid-ts.exe", tsa,
                        time.strftime("%y%m%d%H%M%SZ", time.gmtime()))
    marker = tmp_path / "m.ndb"
    marker.write_text("Signed.Marker:0:*:%s\n" % b"vigil-signed-marker".hex())
    line = authgen.crb_line
    cases = {
        "leaves": line("Test.Leaf", pki.leaf, 1) + line("Test.Old", expired, 1),
        "inter": line("Test.Inter", pki.inter, 1, code=1, cert=1, serial=False),
        "tsa": line("Test.Leaf", pki.leaf, 1) + line("Test.Old", expired, 1) +
               line("Test.Tsa", tsa, 1, code=0, time=1),
        "inter-time": line("Test.Inter", pki.inter, 1, code=1, cert=1, time=1,
                           serial=False),
        # a year from now: after the signer's start (ClamAV reads it as an int)
        "late": line("Test.Leaf", pki.leaf, 1, not_before=int(time.time()) + 31536000),
        "early": line("Test.Leaf", pki.leaf, 1, not_before=946684800),  # 2000
    }
    mark = {"Signed.Marker"}
    stamped = {n: mark for n in ("ts.exe", "ts-late.exe", "valid-ts.exe")}
    expired_only = {"expired.exe": mark, "ts-late.exe": mark}
    want = {"leaves": dict(stamped, **{"expired.exe": mark}),
            "inter": dict(stamped, **{"expired.exe": mark}),
            "tsa": expired_only, "inter-time": expired_only,
            "late": dict(stamped, **{"valid.exe": mark, "expired.exe": mark}),
            "early": dict(stamped, **{"expired.exe": mark})}
    for case, text in cases.items():
        c, v, _ = crb_case(tmp_path, vigil, clamscan, marker, files, case, text)
        assert c == v == want[case], (case, c, v)
