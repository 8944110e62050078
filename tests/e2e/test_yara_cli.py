"""`vigil yara` against yara 4.2 itself, as scripts run them: the same
generated rules (yaragen.py, with tags and metadata added) over the same
directory of files, the output of -s -m -g -e (every matched string with
its offset and data), of -c and of -n compared line for line; namespaces
from NS:FILE; yara's exit status for a rule file that does not compile and
a target that does not exist; --json carrying the same matches."""
import json
import os
import re
import shutil
import subprocess

import pytest

import yaragen
from conftest import BUILD

VIGIL = os.path.join(BUILD, "src", "cli", "vigil")


def yara_present():
    if not shutil.which("yara"):
        pytest.fail("yara is not installed (scripts/deps.sh test installs it)")


def tagged(text):
    """Tags and metadata of every kind on each rule."""
    n = [0]

    def one(m):
        n[0] += 1
        return ('%s : t%d common {\n meta:\n  author = "a\\"b\\\\c"\n'
                '  rank = %d\n  live = %s\n'
                % (m.group(1), n[0] % 3, n[0], "true" if n[0] % 2 else "false"))
    return re.sub(r'^((?:private |global )*rule \w+) \{\n', one, text,
                  flags=re.M)


def blocks(out):
    """Each rule line with the string lines under it, sorted (yara prints
    files in its threads' order)."""
    res, cur = [], None
    for line in out.splitlines():
        if line.startswith("0x"):
            cur.append(line)
        else:
            cur = [line]
            res.append(cur)
    return sorted("\n".join(b) for b in res)


def run(args):
    return subprocess.run(args, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def case(tmp_path_factory):
    yara_present()
    d = tmp_path_factory.mktemp("yaracli")
    text, files = yaragen.generate(7, 120, 30)
    (d / "rules.yar").write_text(tagged(text))
    (d / "files").mkdir()
    for name, body in files.items():
        (d / "files" / name).write_bytes(body)
    return d


@pytest.mark.parametrize("opts", [["-s", "-m", "-g", "-e"], ["-s", "-L"],
                                  ["-c"], ["-n"]])
def test_output_as_yara(case, opts):
    args = opts + [str(case / "rules.yar"), str(case / "files")]
    y = run(["yara", "-w", "-p", "1"] + args)
    v = run([VIGIL, "yara", "-w", "-p", "2"] + args)
    assert y.returncode == 0 and v.returncode == 0, (y.stderr, v.stderr)
    # yara 4.2.3 prints an integer's metadata as "rank =5"
    want = blocks(re.sub(r"(\w+) =(-?\d)", r"\1=\2", y.stdout))
    assert len(want) > 20
    assert blocks(v.stdout) == want


def test_namespaces_and_json(case):
    rules = str(case / "rules.yar")
    args = ["-e", "one:" + rules, "two:" + rules, str(case / "files")]
    y = run(["yara", "-w"] + args)
    v = run([VIGIL, "yara", "-w"] + args)
    assert blocks(v.stdout) == blocks(y.stdout)
    assert "two:" in v.stdout
    j = run([VIGIL, "yara", "--json", "-s", rules, str(case / "files")])
    assert j.returncode == 0, j.stderr
    got = set()
    for line in j.stdout.splitlines():
        doc = json.loads(line)
        for m in doc["matches"]:
            got.add((m["rule"], doc["target"]))
            assert m["namespace"] == "default"
            assert m["rule"] == "gate" or "common" in m["tags"]
    plain = run([VIGIL, "yara", rules, str(case / "files")])
    assert got == {tuple(x.split(" ", 1)) for x in plain.stdout.splitlines()}
    # without -s too, the documents list each matching rule's strings
    bare = run([VIGIL, "yara", "--json", rules, str(case / "files")])
    assert [json.loads(x) for x in bare.stdout.splitlines()] == \
        [json.loads(x) for x in j.stdout.splitlines()]


def test_slow_strings_warned_as_yara(tmp_path, case):
    """A string with nothing fixed to look for is warned of, and
    --fail-on-warnings makes that an error, as yara; -w silences it."""
    slow = tmp_path / "slow.yar"
    slow.write_text("rule loose { strings: $c = /[a-z]+/ condition: $c }\n"
                    "rule h { strings: $h = { 4? ?? 5? } condition: $h }\n")
    fine = tmp_path / "fine.yar"
    fine.write_text('rule two { strings: $b = "ab" condition: $b }\n')
    files = str(case / "files")
    for rules, want in ((slow, 1), (fine, 0)):
        y = run(["yara", "--fail-on-warnings", str(rules), files])
        v = run([VIGIL, "yara", "--fail-on-warnings", str(rules), files])
        assert y.returncode == v.returncode == want, (rules, v.stderr)
    v = run([VIGIL, "yara", str(slow), files])
    assert v.returncode == 0 and v.stderr.count("may slow down") == 2
    assert run([VIGIL, "yara", "-w", str(slow), files]).stderr == ""


def test_errors_as_yara(case, tmp_path):
    bad = tmp_path / "bad.yar"
    bad.write_text("rule x { condition: y }\n")
    for args in ([str(bad), str(case / "files")],
                 [str(case / "rules.yar"), str(tmp_path / "missing")]):
        y = run(["yara"] + args)
        v = run([VIGIL, "yara"] + args)
        assert y.returncode == v.returncode == 1, (y.stderr, v.stderr)
    v = run([VIGIL, "yara", str(bad), str(case / "files")])
    assert "bad.yar:1:21: undefined identifier" in v.stderr


def test_timeout_and_slow_rules(tmp_path):
    """-a gives up on a file as yara does (its message, exit 1); a rule
    that takes long is named with --slow-rules."""
    yara_present()
    rules = tmp_path / "slow.yar"
    rules.write_text('rule slow { strings: $a = "a" condition: for all i in '
                     '(1..#a) : (for all j in (1..#a) : (@a[i] + @a[j] >= 0)) }\n')
    data = tmp_path / "many.a"
    data.write_bytes(b"a" * 30000)
    outs = [subprocess.run(cmd + ["-w", "-a", "1", str(rules), str(data)],
                           capture_output=True, text=True, timeout=60)
            for cmd in (["yara"], [VIGIL, "yara"])]
    for o in outs:
        assert o.returncode == 1 and o.stdout == ""
        assert "error scanning %s: scanning timed out" % data in o.stderr
    small = tmp_path / "some.a"
    small.write_bytes(b"a" * 2000)
    o = subprocess.run([VIGIL, "yara", "-w", "--slow-rules", "1", str(rules),
                        str(small)], capture_output=True, text=True, timeout=60)
    assert o.returncode == 0 and o.stdout == "slow %s\n" % small
    assert "slow rule default:slow:" in o.stderr


def test_defines_of_every_kind(tmp_path):
    """-d values are integers, floats, booleans or text, as yara reads them."""
    yara_present()
    rules = tmp_path / "d.yar"
    rules.write_text('rule i { condition: n == 3 and n + 1 == 4 }\n'
                     'rule f { condition: ratio > 1.25 and ratio < 1.75 }\n'
                     'rule b { condition: flag and not off }\n'
                     'rule s { condition: word == "x1" }\n')
    target = tmp_path / "t"
    target.write_bytes(b"x")
    args = ["-d", "n=3", "-d", "ratio=1.5", "-d", "flag=true", "-d", "off=false",
            "-d", "word=x1", str(rules), str(target)]
    outs = [subprocess.run(cmd + args, capture_output=True, text=True,
                           timeout=60).stdout
            for cmd in (["yara"], [VIGIL, "yara"])]
    assert outs[0] == outs[1] and outs[0].count("\n") == 4, outs


def test_rules_for_one_file_type(tmp_path):
    """Most public rules are for PE files ("uint16(0) == 0x5A4D and ..."):
    where such rules hold most strings, a file that is not PE is scanned
    with a table of the other rules' strings alone. The same matches as
    yara, with and without -s (which lists every string, so uses the whole
    table), on PE and other files holding every rule's strings."""
    yara_present()
    rules, strs = [], []
    for i in range(12):
        s = "pe-only-string-%02d" % i
        strs.append(s)
        rules.append('rule pe%d { strings: $a = "%s" condition: '
                     'uint16(0) == 0x5A4D and $a }' % (i, s))
    for name, cond in (("anytype", "$a"), ("either", "uint16(0) == 0x5A4D or $a"),
                       ("notpe", "uint16(0) != 0x5A4D and $a"),
                       ("short", "uint16(0) == 0x5A4D and $a and filesize < 1MB")):
        s = "%s-type-string" % name
        strs.append(s)
        rules.append('rule %s { strings: $a = "%s" condition: %s }' % (name, s, cond))
    (tmp_path / "r.yar").write_text("\n".join(rules) + "\n")
    d = tmp_path / "files"
    d.mkdir()
    body = b"".join(b" %s " % s.encode() for s in strs)
    (d / "pe.exe").write_bytes(b"MZ" + b"\0" * 62 + body)
    (d / "elf").write_bytes(b"\x7fELF" + b"\0" * 60 + body)
    (d / "text").write_bytes(b"plain words" + body)
    for opts in ([], ["-s"]):
        args = opts + [str(tmp_path / "r.yar"), str(d)]
        y = run(["yara", "-w", "-p", "1"] + args)
        v = run([VIGIL, "yara", "-w", "-p", "1"] + args)
        assert y.returncode == 0 and v.returncode == 0, (y.stderr, v.stderr)
        assert blocks(v.stdout) == blocks(y.stdout), opts
        lines = [b for b in blocks(v.stdout) if b.startswith("pe")]
        assert len([b for b in lines if "pe.exe" in b.split("\n")[0]]) == 12, v.stdout
        assert not [b for b in lines if "pe.exe" not in b.split("\n")[0]], v.stdout


def test_long_matches_printed_as_yara(tmp_path):
    """A hex string's match is printed up to 64 bytes and " ..." after
    them; a text or regex match up to the 512 bytes kept, as yara."""
    yara_present()
    hexes = [" ".join("%02X" % b for b in range(1, n + 1)) for n in (64, 65, 90)]
    rules = tmp_path / "long.yar"
    rules.write_text(
        "".join("rule h%d { strings: $a = { %s } condition: $a }\n" % (i, h)
                for i, h in enumerate(hexes)) +
        "rule j { strings: $a = { 01 02 [60-70] 50 51 } condition: $a }\n"
        "rule t { strings: $a = /(ab){300}/ condition: $a }\n"
        "rule b { strings: $a = /\\x01\\x02[\\x00-\\xff]{100}/ condition: $a }\n")
    data = tmp_path / "data.bin"
    data.write_bytes(bytes(range(1, 200)) + b"ab" * 400)
    y = run(["yara", "-s", str(rules), str(data)])
    v = run([VIGIL, "yara", "-s", str(rules), str(data)])
    assert y.returncode == 0 and v.returncode == 0, (y.stderr, v.stderr)
    assert " ..." in y.stdout and y.stdout.count("\n") > 100
    assert blocks(v.stdout) == blocks(y.stdout)
