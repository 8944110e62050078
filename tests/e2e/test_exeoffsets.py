"""Executable-relative offsets (EP+n, EP-n, Sx+n, SEx, SL+n) on PE, ELF and
Mach-O files, against clamscan: signatures are cut from each file at
places its headers name (read with readelf and objdump for real files, or
known from building it), some right and some deliberately off, and both
scanners must find exactly the same ones -- except for one documented
departure (docs/signatures.md): ClamAV 1.4 finds no entry point in Mach-O
files, so its EP signatures for them never match; Vigil reads the entry
point from LC_MAIN or the x86 thread state, as ClamAV's manual describes."""
import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
import formatgen as fg  # noqa: E402

CODE = b"\x55\x48\x89\xe5" + bytes(range(16, 80)) + b"\xc3"
TESTFILES = "/usr/share/clamav-testfiles"


def elf_layout(path):
    """(entry offset, [(offset, size)]) from readelf."""
    hdr = subprocess.run(["readelf", "-hlSW", path], capture_output=True, text=True,
                         check=True).stdout
    entry = int(re.search(r"Entry point address:\s+0x([0-9a-f]+)", hdr).group(1), 16)
    ep = None
    for m in re.finditer(r"^\s+LOAD\s+0x([0-9a-f]+) 0x([0-9a-f]+) 0x[0-9a-f]+ 0x([0-9a-f]+)",
                         hdr, re.M):
        off, vaddr, filesz = (int(g, 16) for g in m.groups())
        if ep is None and vaddr <= entry < vaddr + filesz:
            ep = off + entry - vaddr
    sects = [(int(m.group(2), 16), int(m.group(3), 16)) for m in re.finditer(
        r"^\s+\[\s*(\d+)\]\s+\S*\s+\S+\s+[0-9a-f]+ ([0-9a-f]+) ([0-9a-f]+)", hdr, re.M)]
    return ep, sects


def pe_layout(path):
    """(entry offset, [(offset, size)]) from objdump, with section offsets
    aligned down to FileAlignment as the PE loader (and ClamAV) does."""
    out = subprocess.run(["objdump", "-fhp", path], capture_output=True, text=True,
                         check=True).stdout
    start = int(re.search(r"start address 0x([0-9a-f]+)", out).group(1), 16)
    falign = int(re.search(r"FileAlignment\s+([0-9a-f]+)", out).group(1), 16)
    sects, ep = [], None
    for m in re.finditer(r"^\s+\d+ \S+\s+([0-9a-f]+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)",
                         out, re.M):
        size, vma, off = (int(g, 16) for g in m.groups())
        off -= off % falign
        sects.append((off, size))
        if vma <= start < vma + size:
            ep = off + start - vma
    assert ep is not None
    return ep, sects


def signatures(tag, data, target, ep, sects):
    """Right and wrong signatures for one file."""
    def at(off, n=8):
        return data[off:off + n].hex()
    sigs = {
        "EP": "EP+0:" + at(ep, 12), "EPplus": "EP+4:" + at(ep + 4),
        "EPminus": "EP-4:" + at(ep - 4), "EPfloat": "EP+0,16:" + at(ep + 10),
        "EPoff": "EP+1:" + at(ep), "EPfloatshort": "EP+0,4:" + at(ep + 10),
    }
    for i, (off, size) in enumerate(sects):
        if size < 16 or off + size > len(data):
            continue
        sigs["S%d" % i] = "S%d+0:%s" % (i, at(off))
        sigs["S%dplus" % i] = "S%d+3:%s" % (i, at(off + 3))
        sigs["S%doff" % i] = "S%d+1:%s" % (i, at(off))
        sigs["SE%d" % i] = "SE%d:%s" % (i, at(off + size // 2))
        sigs["SE%dend" % i] = "SE%d:%s" % (i, at(off + size - 8))
    live = [s for s in sects if s[1] >= 16 and s[0] + s[1] <= len(data)]
    if live:
        sigs["SL"] = "SL+0:" + at(sects[-1][0], 4) if sects[-1][1] >= 4 else None
    return ["%s.%s:%d:%s" % (tag, k, target, v) for k, v in sigs.items()
            if v and not v.endswith(":")]


def cases(tmp):
    made = {
        "pe.exe": (fg.pe(sections=(("code", CODE), ("data", b"DATADATA" * 8))), 1,
                   (0x200, [(0x200, 0x200), (0x400, 0x200)])),
        "elf64.elf": (fg.elf(CODE, entry_at=4), 6, None),
        "elf32be.elf": (fg.elf(CODE, is64=False, be=True, entry_at=4), 6, None),
        "thread.macho": (fg.macho(CODE, entry_at=4), 9, "thread"),
        "main.macho": (fg.macho(CODE, entry_at=4, lc_main=True), 9, "main"),
    }
    out = []
    for name, (data, target, layout) in made.items():
        p = tmp / name
        p.write_bytes(data)
        if target == 6:
            layout = elf_layout(str(p))
        elif target == 9:
            text = data.index(CODE)
            layout = (text + 4, [(text, len(CODE)), (text + len(CODE), 64)])
        out.append((p, target, layout))
    true = "/usr/bin/true"
    out.append((true, 6, elf_layout(true)))
    clam = os.path.join(TESTFILES, "clam.exe")
    if os.path.exists(clam):
        out.append((clam, 1, pe_layout(clam)))
    return out


def found(run):
    return {name for names in run.found().values() for name in names}


def test_offsets_match_clamscan(tmp_path, vigil, clamscan):
    lines, files = [], []
    for i, (path, target, (ep, sects)) in enumerate(cases(tmp_path)):
        data = open(path, "rb").read()
        lines += signatures("F%d" % i, data, target, ep, sects)
        files.append(path)
    db = tmp_path / "exe.ndb"
    db.write_text("\n".join(lines) + "\n")
    theirs = clamscan("--no-summary", "--allmatch", "-d", db, *files)
    ours = vigil("scan", "--no-summary", "--allmatch", "-d", db, *files)
    want = {n.replace(".UNOFFICIAL", "") for n in found(theirs)}
    assert "ERROR" not in theirs.out + theirs.err, theirs.err
    macho = {i for i, f in enumerate(files) if str(f).endswith(".macho")}
    # Every other file's entry point signature is found: the test is not empty.
    assert {"F%d.EP" % i for i in range(len(files)) if i not in macho} <= want
    assert not any(n.startswith("F%d.EP" % i) for i in macho for n in want)
    want |= {"F%d.%s" % (i, k) for i in macho for k in ("EP", "EPplus", "EPminus", "EPfloat")}
    assert found(ours) == want, (sorted(found(ours) - want), sorted(want - found(ours)))


def test_exe_offset_needs_exe_target(tmp_path, vigil):
    db = tmp_path / "t.ndb"
    db.write_text("Bad:0:EP+0:558bec\nGood:1:EP+0:558bec\n")
    r = vigil("scan", "--no-summary", "-d", db, tmp_path / "t.ndb")
    assert "only valid for targets 1, 6 and 9" in r.err


def section_hash_sigs(tag, data, sects):
    """.mdb and .msb lines for each section, right and wrong."""
    import hashlib
    mdb, msb = [], []
    for i, (off, size) in enumerate(sects):
        sec = data[off:off + size]
        mdb.append("%d:%s:%s.S%d.md5" % (size, hashlib.md5(sec).hexdigest(), tag, i))
        msb.append("%d:%s:%s.S%d.sha1" % (size, hashlib.sha1(sec).hexdigest(), tag, i))
        msb.append("*:%s:%s.S%d.sha256any:73" % (hashlib.sha256(sec).hexdigest(), tag, i))
        mdb.append("%d:%s:%s.S%d.wrongsize" % (size + 1, hashlib.md5(sec).hexdigest(), tag, i))
        mdb.append("%d:%s:%s.S%d.shifted" % (size, hashlib.md5(data[off + 1:off + size + 1])
                                             .hexdigest(), tag, i))
    return mdb, msb


def test_section_hashes_match_clamscan(tmp_path, vigil, clamscan):
    pe = tmp_path / "pe.exe"
    pe.write_bytes(fg.pe(sections=(("code", CODE), ("data", b"DATADATA" * 8))))
    files = [(pe, [(0x200, 0x200), (0x400, 0x200)])]
    clam = os.path.join(TESTFILES, "clam.exe")
    if os.path.exists(clam):
        files.append((clam, pe_layout(clam)[1]))
    mdb, msb = [], []
    for i, (path, sects) in enumerate(files):
        a, b = section_hash_sigs("P%d" % i, open(path, "rb").read(), sects)
        mdb += a
        msb += b
    (tmp_path / "t.mdb").write_text("\n".join(mdb) + "\n")
    (tmp_path / "t.msb").write_text("\n".join(msb) + "\n")
    args = ("--no-summary", "--allmatch", "-d", tmp_path / "t.mdb", "-d", tmp_path / "t.msb")
    theirs = clamscan(*args, *[f for f, _ in files])
    ours = vigil("scan", *args, *[f for f, _ in files])
    want = {n.replace(".UNOFFICIAL", "") for n in found(theirs)}
    assert {"P0.S0.md5", "P0.S1.sha1", "P0.S1.sha256any"} <= want, sorted(want)
    assert found(ours) == want


def target_block_sigs(tag, data, target, ep, sects):
    """NumberOfSections and EntryPoint ranges, right and wrong, as logical
    signatures on the bytes at the entry point."""
    n, body = len(sects), data[ep:ep + 8].hex()
    ranges = {"NSin": "NumberOfSections:%d-%d" % (n, n),
              "NSabove": "NumberOfSections:%d-255" % (n + 1),
              "NSbelow": "NumberOfSections:0-%d" % max(n - 1, 0),
              "EPin": "EntryPoint:%d-%d" % (ep, ep),
              "EPrange": "EntryPoint:%d-%d" % (max(ep - 8, 0), ep + 8),
              "EPafter": "EntryPoint:%d-%d" % (ep + 1, ep + 100)}
    return ["%s.%s;Engine:51-255,Target:%d,%s;0;%s" % (tag, k, target, r, body)
            for k, r in ranges.items()]


def test_target_block_exe_keys_match_clamscan(tmp_path, vigil, clamscan):
    """NumberOfSections and EntryPoint in logical signatures' target blocks
    select the same executables as in clamscan (Mach-O aside: clamscan
    reads no entry point there, see the offsets test)."""
    lines, files = [], []
    for i, (path, target, (ep, sects)) in enumerate(cases(tmp_path)):
        if str(path).endswith(".macho"):
            continue
        lines += target_block_sigs("T%d" % i, open(path, "rb").read(), target, ep, sects)
        files.append(path)
    db = tmp_path / "exe.ldb"
    db.write_text("\n".join(lines) + "\n")
    theirs = clamscan("--no-summary", "--allmatch", "-d", db, *files)
    ours = vigil("scan", "--no-summary", "--allmatch", "-d", db, *files)
    want = {n.replace(".UNOFFICIAL", "") for n in found(theirs)}
    assert "ERROR" not in theirs.out + theirs.err, theirs.err
    assert any(n.endswith(".EPin") for n in want)  # the test is not empty
    assert found(ours) == want, (sorted(found(ours) - want), sorted(want - found(ours)))


def test_version_info_offsets_match_clamscan(tmp_path, vigil, clamscan):
    """VI signatures (a PE's version information strings) against
    clamscan: the strings clamscan --debug lists for ClamAV's own test
    executables, whole, cut short, and shifted by one character (which must
    not match), in .ndb and .ldb form."""
    exes = [os.path.join(TESTFILES, n) for n in ("clam.ea06.exe", "clam.ea05.exe")]
    exes = [e for e in exes if os.path.exists(e)]
    if not exes:
        import pytest
        pytest.skip("clamav-testfiles has no executable with version information")
    lines, dummy = [], tmp_path / "dummy.ndb"
    dummy.write_text("Dummy:0:*:00112233445566778899\n")
    for i, exe in enumerate(exes):
        dbg = subprocess.run(["clamscan", "--debug", "--no-summary", "-d", str(dummy), exe],
                             capture_output=True, text=True).stderr
        for j, hexs in enumerate(re.findall(r" - VI:([0-9a-f]+)", dbg)):
            tag = "V%d_%d" % (i, j)
            lines += ["%s.Whole:1:VI:%s" % (tag, hexs), "%s.Short:1:VI:%s" % (tag, hexs[:24]),
                      "%s.Shifted:1:VI:%s" % (tag, hexs[4:28]),
                      "%s.Ldb;Engine:51-255,Target:1;0;VI:%s" % (tag, hexs[:32])]
    assert lines, "clamscan --debug listed no version information"
    ndb, ldb = tmp_path / "vi.ndb", tmp_path / "vi.ldb"
    ndb.write_text("\n".join(x for x in lines if ";" not in x) + "\n")
    ldb.write_text("\n".join(x for x in lines if ";" in x) + "\n")
    theirs = clamscan("--no-summary", "--allmatch", "-d", ndb, "-d", ldb, *exes)
    ours = vigil("scan", "--no-summary", "--allmatch", "-d", ndb, "-d", ldb, *exes)
    want = {n.replace(".UNOFFICIAL", "") for n in found(theirs)}
    assert any(n.endswith(".Whole") for n in want) and any(n.endswith(".Ldb") for n in want)
    assert not any(n.endswith(".Shifted") for n in want)
    assert found(ours) == want, (sorted(found(ours) - want), sorted(want - found(ours)))


def test_import_table_hashes_match_clamscan(tmp_path, vigil, clamscan):
    """.imp signatures: the import table hashes sigtool --imp computes for
    ClamAV's test executables (packed ones included: what they unpack to
    is hashed too) find the same files in vigil and clamscan, those whose
    tables import from oleaut32, ws2_32 or wsock32 by ordinal included
    (the names of those ordinals are part of the hashed text)."""
    exes = sorted(glob.glob(os.path.join(TESTFILES, "*.exe")))
    if not exes:
        import pytest
        pytest.skip("no clamav-testfiles")
    sigs, seen = [], set()
    for exe in exes:
        out = subprocess.run(["sigtool", "--debug", "--imp", exe],
                             capture_output=True, text=True).stderr
        m = re.search(r"Imphash: ([0-9a-f]{32}):(\d+)", out)
        if m and m.group(2) != "0" and m.group(1) not in seen:
            seen.add(m.group(1))
            sigs.append("%s:%s:Imp.%s" % (m.group(1), m.group(2), os.path.basename(exe)))
    assert len(sigs) >= 5, sigs
    db = tmp_path / "t.imp"
    db.write_text("\n".join(sigs) + "\n")
    theirs = clamscan("--no-summary", "-z", "-d", db, *exes)
    ours = vigil("scan", "--no-summary", "-z", "-d", db, *exes)

    def by_top(run):
        return {(os.path.basename(p.split("//")[0]), n.replace(".UNOFFICIAL", ""))
                for p, names in run.found().items() for n in names}
    want, got = by_top(theirs), by_top(ours)
    assert got == want, (sorted(want - got), sorted(got - want))
    ordinal = {"clam.ea05.exe", "clam.ea06.exe", "clam_IScab_ext.exe", "clam_IScab_int.exe",
               "clam_ISmsi_ext.exe", "clam_ISmsi_int.exe"}
    assert ordinal <= {f for f, _ in got}
    assert len(got) >= 16


def test_import_table_text_is_bounded(tmp_path, vigil):
    """1024 import descriptors that all point at one table of 1024 long
    names would make half a gigabyte of text to hash from a 26 KB file: the
    text stops at 1 MiB, with a warning, and the other signatures still
    run."""
    import struct
    base, n = 0x1000, 1024
    desc = b"".join(struct.pack("<IIIII", base + 0x5400, 0, 0, base + 0x5100, base + 0x5400)
                    for _ in range(n)) + b"\x00" * 20
    sec = desc.ljust(0x5100, b"\x00") + b"k.dll\x00"
    sec = sec.ljust(0x5200, b"\x00") + b"\x00\x00" + b"A" * 255 + b"\x00"
    sec = sec.ljust(0x5400, b"\x00") + struct.pack("<%dI" % n, *([base + 0x5200] * n)) + b"\x00" * 4
    sec += b"EVILMARKER"
    img = bytearray(fg.pe(sections=(("imports", sec),)))
    opt = 0x80 + 24
    struct.pack_into("<II", img, opt + 96 + 8, base, len(desc))
    f = tmp_path / "bomb.exe"
    f.write_bytes(bytes(img))
    imp, ndb = tmp_path / "t.imp", tmp_path / "t.ndb"
    imp.write_text("98c88d882f01a3f6ac1e5f7dfd761624:39:Imp.Clam\n")
    ndb.write_text("Marker:1:*:%s\n" % b"EVILMARKER".hex())
    p = vigil("scan", "--no-summary", "-d", imp, "-d", ndb, f)
    assert "import table over 1048576 bytes of text: not hashed" in p.err, p.err
    assert p.out.strip().endswith("Marker FOUND"), p.out
