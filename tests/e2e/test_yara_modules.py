"""YARA's modules in `vigil yara`, against yara 4.2 itself: every field
yara's pe module prints (`yara -D`) for generated images (imports by name
and ordinal, exports with a forwarder, resources with version information,
a rich header, a PDB path, an Authenticode signature with a nested one, a
PE32+ and a truncated copy) turned into one rule each, which must hold in
Vigil as in yara; the pe functions, math, hash and loops over module
arrays and dictionaries compared rule by rule."""
import os
import re
import shutil
import subprocess

import pytest

import pemodgen
import yaradump
from conftest import BUILD

VIGIL = os.path.join(BUILD, "src", "cli", "vigil")


def need(tool):
    if not shutil.which(tool):
        pytest.fail("%s is not installed (scripts/deps.sh test installs it)" % tool)


def matched(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return {line.split()[0] for line in out.stdout.splitlines() if line.strip()}


def per_dll(conds):
    """yara 4.2 numbers a DLL's functions on from the DLL before it (and
    counts them so); later versions, and Vigil, number each DLL's own."""
    cum = {}
    for path, cond in conds:
        m = re.match(r"pe\.import_details\[(\d+)\]\.number_of_functions == (\d+)", cond)
        if m:
            cum[int(m.group(1))] = int(m.group(2))
    base = {i: cum.get(i - 1, 0) for i in cum}
    out = []
    for path, cond in conds:
        m = re.match(r"pe\.import_details\[(\d+)\]\.number_of_functions == (\d+)", cond)
        if m:
            i = int(m.group(1))
            cond = "pe.import_details[%d].number_of_functions == %d" % (i, cum[i] - base[i])
        m = re.match(r"(.*pe\.import_details\[(\d+)\]\.functions\[)(\d+)(\].*)", cond)
        if m:
            i = int(m.group(2))
            k = int(m.group(3)) - base[i]
            cond = re.sub(r"import_details\[%d\]\.functions\[\d+\]" % i,
                          "import_details[%d].functions[%d]" % (i, k), cond)
        out.append((path, cond))
    return out


def signed(tmp_path, src):
    need("osslsigncode")
    need("openssl")
    out = str(tmp_path / "signed.exe")
    for n, cn in enumerate(("Vigil Code Signing", "Vigil Nested Signer")):
        key, cert = str(tmp_path / ("k%d.pem" % n)), str(tmp_path / ("c%d.pem" % n))
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                        "-subj", "/C=DE/O=Vigil Test/CN=" + cn, "-days", "30",
                        "-keyout", key, "-out", cert], check=True,
                       capture_output=True)
        dst = out + ".tmp"
        args = ["osslsigncode", "sign"] + (["-nest"] if n else []) + [
            "-certs", cert, "-key", key, "-in", src if not n else out, "-out", dst]
        subprocess.run(args, check=True, capture_output=True)
        os.replace(dst, out)
    return out


@pytest.fixture(scope="module")
def images(tmp_path_factory):
    d = tmp_path_factory.mktemp("pe")
    plain = d / "fixture.exe"
    plain.write_bytes(pemodgen.image())
    (d / "fixture64.exe").write_bytes(pemodgen.image(pe64=True))
    (d / "cut.exe").write_bytes(pemodgen.image()[:0x700])
    return [str(plain), str(d / "fixture64.exe"), str(d / "cut.exe"),
            signed(d, str(plain))]


def same_fields(module, target, tmp_path, dicts=(), fix=lambda c: c):
    """Every value `yara -D` prints for target's module, as a rule each,
    holds in Vigil."""
    probe = tmp_path / "probe.yar"
    probe.write_text('import "%s" rule p { condition: false }\n' % module)
    dump = subprocess.run(["yara", "-D", str(probe), target], capture_output=True,
                          text=True, errors="replace", check=True).stdout
    conds = fix(yaradump.conditions(module, dump, dicts))
    assert len(conds) > 100, dump[:500]
    rules = tmp_path / "fields.yar"
    rules.write_text(yaradump.rules(module, conds))
    ours = matched([VIGIL, "yara", str(rules), target])
    missing = [conds[i][1] for i in range(len(conds)) if "c%d" % i not in ours]
    assert not missing, (target, missing[:10])


def test_pe_fields_match_yara(images, tmp_path):
    need("yara")
    for img in images:
        same_fields("pe", img, tmp_path, ("version_info",), per_dll)


FUNCTIONS = r'''
import "pe"
rule imp_name { condition: pe.imports("kernel32.dll", "writefile") }
rule imp_dll { condition: pe.imports("KERNEL32.DLL") == 3 }
rule imp_ord { condition: pe.imports("ws2_32.dll", 23) }
rule imp_re { condition: pe.imports(/ws2_/i, /sock/) == 2 }
rule imp_flags { condition: pe.imports(pe.IMPORT_ANY, "kernel32.dll", "ExitProcess") }
rule imp_none { condition: not pe.imports("user32.dll", "MessageBoxA") }
rule exp_name { condition: pe.exports("ALPHA_RUN") and pe.exports_index("beta_stop") == 1 }
rule exp_ord { condition: pe.exports(2) and not pe.exports(7) }
rule exp_re { condition: pe.exports(/^beta/) and pe.exports_index(/alpha/) == 0 }
rule sect { condition: pe.section_index(".rsrc") == 3 or pe.section_index("rsrc") == 3 }
rule sect_at { condition: pe.section_index(pe.entry_point) == 0 }
rule loop_s { condition: for any s in pe.sections : (s.name == "edata") }
rule loop_vi { condition: for any k, v in pe.version_info : (k == "CompanyName" and v contains "Vigil") }
rule vi { condition: pe.version_info["OriginalFilename"] == "fixture.exe" }
rule lang { condition: pe.locale(0x409) and pe.language(0x09) and not pe.locale(0x407) }
rule kinds { condition: pe.is_32bit() and not pe.is_64bit() and not pe.is_dll() }
rule rich { condition: pe.rich_signature.toolid(0xe1) == 3 and pe.rich_signature.version(0x7809) == 15 and pe.rich_signature.toolid(0x105, 0x7809) == 12 }
rule csum { condition: pe.calculate_checksum() > 0 }
rule rva { condition: pe.rva_to_offset(0x1000) == 0x400 and not defined pe.rva_to_offset(0x100000) }
rule ep { condition: entrypoint == pe.entry_point and uint8(pe.entry_point) == 0x55 }
rule sig { condition: for any i in (0..pe.number_of_signatures - 1) : (pe.signatures[i].subject contains "Nested" and pe.signatures[i].valid_on(pe.signatures[i].not_before + 1)) }
rule imph { condition: pe.imphash() == "IMPHASH" }
'''


def test_pe_functions_match_yara(images, tmp_path):
    need("yara")
    probe = tmp_path / "imphash.yar"
    probe.write_text('import "pe" import "console"\n'
                     'rule h { condition: console.log(pe.imphash()) }\n')
    imphash = subprocess.run(["yara", str(probe), images[0]], capture_output=True,
                             text=True, check=True).stdout.split()[0]
    rules = tmp_path / "fn.yar"
    rules.write_text(FUNCTIONS.replace("IMPHASH", imphash))
    for img in images:
        theirs = matched(["yara", str(rules), img])
        ours = matched([VIGIL, "yara", str(rules), img])
        assert ours == theirs, (img, sorted(ours ^ theirs))
    assert len(matched([VIGIL, "yara", str(rules), images[3]])) >= 18


MATH = r'''
import "math"
import "hash"
rule e1 { condition: math.entropy(0, filesize) > 7.5 }
rule e2 { condition: math.entropy(0, 4096) < 0.1 }
rule e3 { condition: math.entropy("abcd") == 2.0 }
rule m1 { condition: math.mean(0, 4096) == 65.0 }
rule m2 { condition: math.in_range(math.mean(4096, filesize), 120.0, 135.0) }
rule d1 { condition: math.deviation(4096, 8192, math.MEAN_BYTES) > 50.0 }
rule s1 { condition: math.serial_correlation(4096, 8192) < 0.1 }
rule s2 { condition: math.serial_correlation(0, 100) == -100000.0 }
rule p1 { condition: math.monte_carlo_pi(4096, 16384) < 0.1 }
rule c1 { condition: math.count(0x41, 0, 4096) == 4096 and math.mode(0, 10) == 0x41 }
rule c2 { condition: math.percentage(0x41, 0, 8192) >= 0.5 }
rule u1 { condition: not defined math.entropy(filesize, 10) and not defined math.mean(-1, 5) }
rule h1 { condition: hash.md5(0, 4) == hash.md5("AAAA") }
rule h2 { condition: hash.sha256(0, 4) == "63c1dd951ffedf6f7fd968ad4efa39b8ed584f162f46e715114ee184f8de9201" }
rule h3 { condition: hash.sha1(0, 4) == "e2512172abf8cc9f67fdd49eb6cacf2df71bbad3" }
rule h4 { condition: hash.crc32(0, 4) == hash.crc32("AAAA") and hash.checksum32(0, 4) == 0x104 }
rule h5 { condition: not defined hash.md5(filesize, 1) and defined hash.md5(0, 0) }
rule h6 { condition: hash.md5(0, filesize) == hash.md5(0, filesize + 100) }
'''


def test_math_and_hash_match_yara(tmp_path):
    need("yara")
    data = tmp_path / "data.bin"
    data.write_bytes(b"A" * 4096 + os.urandom(65536))
    rules = tmp_path / "math.yar"
    rules.write_text(MATH)
    theirs = matched(["yara", str(rules), str(data)])
    ours = matched([VIGIL, "yara", str(rules), str(data)])
    assert ours == theirs
    assert {"e1", "e3", "m1", "c1", "h1", "h2", "h3", "h4", "h5"} <= ours


def test_elf_fields_match_yara(tmp_path):
    """Every field yara's elf module prints for an executable, a shared
    library (thousands of symbols), an object file and a cut copy."""
    need("yara")
    libc = "/lib/x86_64-linux-gnu/libc.so.6"
    cut = tmp_path / "cut"
    cut.write_bytes(open("/bin/ls", "rb").read()[:3000])
    for f in ["/bin/ls", libc, VIGIL, str(cut)]:
        same_fields("elf", f, tmp_path)
    loops = tmp_path / "loops.yar"
    loops.write_text('import "elf"\n'
                     'rule d { condition: for any s in elf.dynsym : (s.name == "malloc") }\n'
                     'rule e { condition: elf.type == elf.ET_DYN and entrypoint > 0 }\n'
                     'rule n { condition: for any x in elf.dynamic : '
                     '(x.type == elf.DT_NEEDED) }\n')
    assert matched([VIGIL, "yara", str(loops), "/bin/ls"]) == \
        matched(["yara", str(loops), "/bin/ls"]) == {"d", "e", "n"}


def test_console_lines_as_yara(tmp_path):
    """console.log() and console.hex() print on stdout, as yara does."""
    need("yara")
    data = tmp_path / "d.bin"
    data.write_bytes(b"hello\x00\x01 world" * 50)
    rules = tmp_path / "c.yar"
    rules.write_text('import "console"\nimport "math"\nimport "hash"\n'
                     'rule c { condition: console.log("e: ", math.entropy(0, filesize))'
                     ' and console.log(hash.md5(0, 12)) and console.hex("n: ", filesize)'
                     ' and console.log(uint32(0)) and console.log("s: ", "a\\x01b") }\n')
    out = [subprocess.run(cmd + [str(rules), str(data)], capture_output=True,
                          text=True, check=True).stdout
           for cmd in (["yara"], [VIGIL, "yara"])]
    assert out[0] == out[1] and out[0].count("\n") == 6


def test_magic_as_yara(images, tmp_path):
    """magic.type() and magic.mime_type(): libmagic's names, as yara's."""
    need("yara")
    rules = tmp_path / "m.yar"
    rules.write_text('import "magic"\nimport "console"\n'
                     'rule m { condition: console.log(magic.mime_type()) and '
                     'console.log(magic.type()) }\n'
                     'rule pe { condition: magic.mime_type() == '
                     '"application/vnd.microsoft.portable-executable" }\n')
    text = tmp_path / "t.txt"
    text.write_text("plain words\n" * 20)
    for f in [images[0], "/bin/ls", str(text)]:
        outs = [subprocess.run(cmd + [str(rules), f], capture_output=True,
                               text=True, timeout=60, check=True).stdout
                for cmd in (["yara"], [VIGIL, "yara"])]
        assert outs[0] == outs[1], outs
    assert "pe " in subprocess.run([VIGIL, "yara", str(rules), images[0]],
                                   capture_output=True, text=True).stdout
