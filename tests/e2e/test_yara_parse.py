"""Vigil's YARA parser (src/lib/yara/, driven by build/tests/yrcheck)
against yarac 4.2 on generated rule files: the files yarac compiles are
read, and each kind of error yarac refuses is refused too, named with
its line and column. YARA 4.3's additions (~ in hex strings, N% of,
"of ... in", defined) are read by Vigil and refused by yarac 4.2, so the
generated files keep to 4.2's language."""
import os
import shutil
import subprocess

import pytest

from conftest import BUILD

YRCHECK = os.path.join(BUILD, "tests", "yrcheck")

GOOD = [
    'rule plain { condition: true }',
    'rule t : a b { meta: x = "y" n = -3 f = false condition: filesize > 1KB }',
    'rule s { strings: $a = "ab\\x41\\"" ascii wide nocase fullword\n'
    ' $b = { 4D 5A [2-4] ( 90 | 9? | ( 41 42 ) ) ?? 50 [-] 45 }\n'
    ' $c = /ab+c[0-9]{2,3}\\/x/is $d = "k" xor(1-3) $e = "p" base64\n'
    ' $f = "q" base64wide("!\\"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\\\]^_`")\n'
    ' condition: $a at 0 and #b in (0..filesize) > 2 and @c[1] < 10\n'
    ' and !d[1] == 3 and $e in (0..100) and $f }',
    'rule q { strings: $x1 = "one" $x2 = "two" $y = { 41 }\n'
    ' condition: 2 of ($x*) and for all of them : ( # > 1 and @ < 5 )\n'
    ' and for any i in (1..#y) : ( uint16be(@y[i]) & 0xff00 == 0x4100 )\n'
    ' and for all k in (1, 2, 3) : ( k <= 3 ) and any of them\n'
    ' and -1 + 2 * 3 \\ 4 % 5 | 6 ^ ~7 << 1 >= 0o17 }',
    'import "pe"\nimport "math"\nrule m { condition: pe.number_of_sections > 2\n'
    ' and math.entropy(0, filesize) >= 7.5 and pe.imports("k.dll", "f")\n'
    ' and pe.sections[0].name == ".text" }',
    'rule a { condition: true }\nprivate global rule b { condition: a and not a }',
    'rule itself { condition: itself or true }',
    'rule x { strings: $h = { 4D // a comment with {braces}\n 5A /* } */ }\n'
    ' condition: $h and "abc" contains "b" and "abc" matches /B/i }',
]

BAD = {
    "undefined identifier": 'rule a { condition: nope }',
    "later rule": 'rule a { condition: b }\nrule b { condition: true }',
    "module not imported": 'rule a { condition: pe.is_dll() }',
    "unknown module": 'import "nope"\nrule a { condition: true }',
    "duplicated rule": 'rule a { condition: true }\nrule a { condition: true }',
    "duplicated string": 'rule a { strings: $x = "a" $x = "b" condition: $x }',
    "undefined string": 'rule a { strings: $x = "a" condition: $y }',
    "undefined count": 'rule a { strings: $x = "a" condition: #z > 1 and $x }',
    "unreferenced string": 'rule a { strings: $x = "a"\n $y = "b" condition: $x }',
    "anonymous outside loop": 'rule a { strings: $x = "a" condition: $ }',
    "empty string": 'rule a { strings: $x = "" condition: $x }',
    "bad escape": 'rule a { strings: $x = "a\\q" condition: $x }',
    "duplicated modifier": 'rule a { strings: $x = "a" wide wide condition: $x }',
    "xor nocase": 'rule a { strings: $x = "a" xor nocase condition: $x }',
    "base64 fullword": 'rule a { strings: $x = "a" base64 fullword condition: $x }',
    "xor range": 'rule a { strings: $x = "a" xor(3-1) condition: $x }',
    "hex modifier": 'rule a { strings: $x = { 41 } nocase condition: $x }',
    "hex odd digits": 'rule a { strings: $x = { 4 } condition: $x }',
    "hex jump first": 'rule a { strings: $x = { [2] 41 } condition: $x }',
    "hex jump last": 'rule a { strings: $x = { 41 [2] } condition: $x }',
    "hex jump order": 'rule a { strings: $x = { 41 [4-2] 42 } condition: $x }',
    "hex unbounded in alternative":
        'rule a { strings: $x = { 41 ( 42 [2-] 43 | 44 ) } condition: $x }',
    "missing condition": 'rule a { strings: $x = "a" }',
    "unclosed rule": 'rule a { condition: true',
    "matches a number": 'rule a { condition: 1 matches 2 }',
    "loop variable reused":
        'rule a { condition: for any i in (1..2) : ( for any i in (1..2) : ( i ) ) }',
    "unterminated regex": 'rule a { strings: $x = /a condition: $x }',
    "division by zero": 'rule a { condition: filesize \\ 0 == 1 }',
}


def write(tmp_path, name, text):
    p = tmp_path / (name.replace(" ", "_") + ".yar")
    p.write_text(text + "\n")
    return str(p)


def yarac(path, tmp_path):
    cp = subprocess.run(["yarac", path, str(tmp_path / "out.yarc")],
                        capture_output=True, text=True, timeout=60)
    return cp.returncode == 0, cp.stderr


def vigil(path):
    cp = subprocess.run([YRCHECK, path], capture_output=True, text=True,
                        timeout=60)
    return cp.returncode == 0, cp.stdout


@pytest.fixture(autouse=True)
def need_yarac():
    if not shutil.which("yarac"):
        pytest.fail("yarac is not installed (scripts/deps.sh test installs yara)")


def test_what_yarac_compiles_is_read(tmp_path):
    for i, text in enumerate(GOOD):
        path = write(tmp_path, "good%d" % i, text)
        ok, err = yarac(path, tmp_path)
        assert ok, ("yarac refuses a rule meant to be good", text, err)
        ok, out = vigil(path)
        assert ok, (text, out)


def test_what_yarac_refuses_is_refused(tmp_path):
    for name, text in BAD.items():
        path = write(tmp_path, name, text)
        ok, err = yarac(path, tmp_path)
        assert not ok, ("yarac compiles a rule meant to be bad", name)
        ok, out = vigil(path)
        assert not ok, (name, out)
        line = out.split(": error: ", 1)[1]
        assert line.startswith(path + ":"), out  # file:line:column


def test_includes_as_yarac(tmp_path):
    """An index file that includes others (relative to itself), as the
    public collections have them; and one whose include is missing."""
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "one.yar").write_text('rule one { condition: true }\n')
    (sub / "two.yar").write_text('include "one.yar"\nrule two { condition: one }\n')
    index = tmp_path / "index.yar"
    index.write_text('include "sub/two.yar"\nrule three { condition: two }\n')
    assert yarac(str(index), tmp_path)[0]
    ok, out = vigil(str(index))
    assert ok and "OK 3 rules" in out, out
    index.write_text('include "sub/none.yar"\n')
    assert not yarac(str(index), tmp_path)[0]
    ok, out = vigil(str(index))
    assert not ok and 'cannot include "sub/none.yar"' in out, out
