"""Vigil's YARA evaluator (src/lib/yara/yreval.c, driven by
build/tests/yrscan) against yara 4.2 on generated rules and files
(yaragen.py): the same rules match the same files, with the reference
matcher (yrmatch.c) and with the fast one (yrfast.c), listing matches or
not (-1: strings stop at their first match where that is enough); and the two
matchers find every string at the same offsets (yrscan -c)."""
import os
import shutil
import subprocess

import pytest

import yaragen
from conftest import BUILD

YRSCAN = os.path.join(BUILD, "tests", "yrscan")


def found(out):
    return {tuple(line.split(" ", 1)) for line in out.splitlines() if line}


def yara_found(tmp_path, text, files):
    """The rules and files written under tmp_path, and what yara finds."""
    if not shutil.which("yara"):
        pytest.fail("yara is not installed (scripts/deps.sh test installs it)")
    rules = tmp_path / "rules.yar"
    rules.write_text(text)
    fdir = tmp_path / "files"
    fdir.mkdir()
    paths = []
    for name, body in files.items():
        (fdir / name).write_bytes(body)
        paths.append(str(fdir / name))
    y = subprocess.run(["yara", "-w", str(rules), str(fdir)],
                       capture_output=True, text=True, timeout=300)
    assert y.returncode == 0, y.stderr
    return rules, paths, found(y.stdout)


def each_alone(tmp_path, texts, files):
    """Each rule text alone against yara, with both matchers: with all of
    them, any rule that may be true wakes the lazy tables for every
    other."""
    for i, text in enumerate(texts):
        sub = tmp_path / f"alone{i}"
        sub.mkdir()
        yrscan_agrees(*yara_found(sub, text, files))


def fast_stats(rules, path):
    """What yrscan -v says of the fast matcher built of rules (its strings,
    runs, pairs and what waits)."""
    v = subprocess.run([YRSCAN, "-1", "-v", str(rules), path],
                       capture_output=True, text=True, timeout=60)
    return v.stderr


def yrscan_agrees(rules, paths, want):
    """Both matchers, listing matches or not, find what yara found."""
    for mode in ("-r", "-f", "-1", "-c"):
        args = [YRSCAN] + ([mode] if mode != "-r" else [])
        v = subprocess.run(args + [str(rules)] + paths, capture_output=True,
                           text=True, timeout=300)
        assert v.returncode == 0, (mode, v.stderr[:2000])
        assert v.stderr == "", v.stderr  # nothing unsupported was generated
        got = found(v.stdout)
        assert got == want, (mode, sorted(want - got)[:10],
                             sorted(got - want)[:10])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rules_match_as_yara(tmp_path, seed):
    rules, paths, want = yara_found(tmp_path, *yaragen.generate(seed, 120, 30))
    assert len(want) > 50  # the comparison is not empty
    yrscan_agrees(rules, paths, want)

SHARED = r'''
rule pe_first { strings: $a = "shared needle" condition: uint16(0) == 0x5a4d and $a }
rule any_file { strings: $a = "shared needle" condition: $a }
rule twice_pe { strings: $a = "shared needle" condition: uint16(0) == 0x5a4d and #a == 2 }
rule once { strings: $b = "repeat me" condition: $b }
rule thrice { strings: $b = "repeat me" condition: #b == 3 }
rule second_at { strings: $b = "repeat me" condition: @b[2] == 40 }
rule case_apart { strings: $c = "Mixed Case" condition: $c }
rule case_any { strings: $c = "Mixed Case" nocase condition: $c }
rule case_any2 { strings: $x = "Mixed Case" nocase $y = "nothing here" condition: $x and not $y }
rule hex1 { strings: $h = { 4D 69 [1-3] 65 64 } condition: $h }
rule hex2 { strings: $h = { 4D 69 [1-3] 65 64 } condition: uint16(0) == 0x5a4d and $h }
rule re1 { strings: $r = /rep[a-z]at me/ condition: $r }
rule re2 { strings: $r = /rep[a-z]at me/ condition: #r > 1 }
rule short1 { strings: $s = "me" condition: #s > 2 }
rule short2 { strings: $s = "me" condition: $s }
rule at1 { strings: $t = "shared" condition: $t at 100 }
rule at2 { strings: $t = "shared" condition: $t at 100 }
rule at_any { strings: $t = "shared" condition: $t }
rule wide1 { strings: $w = "wide one" wide condition: $w }
rule wide2 { strings: $w = "wide one" wide condition: uint16(0) == 0x5a4d and $w }
rule xor1 { strings: $x = "xored text" xor(1-9) condition: $x }
rule xor2 { strings: $x = "xored text" xor(1-9) condition: not $x }
rule b64a { strings: $e = "base sixty four" base64 condition: $e }
rule b64b { strings: $e = "base sixty four" base64 condition: uint16(0) == 0x5a4d and $e }
private rule hidden { strings: $a = "shared needle" condition: $a }
rule uses_hidden { condition: hidden }
'''


def shared_files():
    xored = bytes(b ^ 5 for b in b"xored text")
    body = (b"..shared needle..repeat me....repeat me..Mixed Case ...mixed case "
            b"Mi__ed ." + "wide one".encode("utf-16-le") + b" " + xored +
            b" YmFzZSBzaXh0eSBmb3Vy ")
    return {
        "mz.bin": b"MZ" + body + b"shared needle repeat me",
        "plain.txt": body.ljust(100, b"-") + b"shared needle",
        "count.txt": b"x" * 20 + b"repeat me" + b"x" * 11 + b"repeat me" +
                     b"repeat me" + b"me",
        "empty.txt": b"nothing to see",
    }


def test_strings_rules_share(tmp_path):
    """Strings that several rules hold alike are matched once (yrdup.c):
    each rule still sees every match its condition reads, whether the
    first rule of the string is dead for the file (a gate term false),
    reads it once, counts it, asks for it at one offset, or is private;
    strings that differ in a modifier stay apart. The same as yara."""
    rules, paths, want = yara_found(tmp_path, SHARED, shared_files())
    assert ("any_file", paths[1]) in want and ("pe_first", paths[1]) not in want
    assert ("thrice", paths[2]) in want and ("second_at", paths[2]) in want
    yrscan_agrees(rules, paths, want)

# Short runs (two or three bytes: pairs) in rules that need a long string
# wait for one (yrdefer.c); the rules whose condition may be true on
# short strings alone look for them always.
WAITING = r'''
rule all_of { strings: $l = "long needle" $s = { E8 F1 ?? C3 } condition: all of them }
rule three_of { strings: $l1 = "long needle" $l2 = "other needle" $s1 = { E8 F1 ?? C3 } $s2 = "zq" condition: 3 of them }
rule two_of_short { strings: $l1 = "long needle" $s1 = { E8 F1 ?? C3 } $s2 = "zq" condition: 2 of them }
rule and_or { strings: $l1 = "long needle" $l2 = "other needle" $s1 = { E8 F1 ?? C3 } $s2 = "zq" condition: ($l1 and $s1) or ($l2 and #s2 > 1) }
rule or_short { strings: $l1 = "long needle" $s1 = { E8 F1 ?? C3 } condition: $l1 or $s1 }
rule not_long { strings: $l1 = "long needle" $s1 = { E8 F1 ?? C3 } condition: not $l1 and $s1 }
rule count_long { strings: $l1 = "long needle" $s1 = { E8 F1 ?? C3 } condition: #l1 >= 2 and $s1 }
rule at_long { strings: $l1 = "long needle" $s1 = { E8 F1 ?? C3 } condition: $l1 at 0 and $s1 }
rule gated { strings: $l1 = "long needle" $s1 = { E8 F1 ?? C3 } condition: uint16(0) == 0x5a4d and all of them }
rule loop_short { strings: $l1 = "long needle" $s1 = { E8 F1 ?? C3 } $s2 = "zq" condition: $l1 and for all of ($s*) : (# >= 1) }
rule half { strings: $l1 = "long needle" $s1 = { E8 F1 ?? C3 } $s2 = "zq" condition: 50% of them }
rule sets { strings: $l1 = "long needle" $l2 = "other needle" $s1 = { E8 F1 ?? C3 } $s2 = "zq" condition: any of ($l*) and 2 of ($s*) }
rule shared_eager { strings: $s = { 0F 0B ?? 90 } condition: $s }
rule shared_wait { strings: $l = "other needle" $s = { 0F 0B ?? 90 } condition: $l and $s }
rule wait_a { strings: $l = "long needle" $s = { CC 1B [2] 77 } condition: $l and $s }
rule wait_b { strings: $l = "other needle" $s = { CC 1B [2] 77 } condition: $l and $s }
rule only_short { strings: $s1 = { E8 F1 ?? C3 } $s2 = "zq" condition: all of them }
private rule hidden_wait { strings: $l = "long needle" $s = "zq" condition: $l and #s == 2 }
rule uses_wait { condition: hidden_wait }
'''


def waiting_files():
    call, ud2, near = b"\xe8\xf1\x00\xc3", b"\x0f\x0b\x01\x90", b"\xcc\x1b..\x77"
    return {
        "both.bin": b"MZ long needle .. " + call + b" zq zq " + ud2 + near,
        "short_only.bin": b"MZ " + call + b" zq zq " + ud2 + near,
        "long_only.txt": b"long needle and other needle, twice long needle",
        "second.txt": b"other needle " + b"zq zq " + ud2 + call + near,
        "at0.txt": b"long needle " + call + b" long needle zq",
        "none.txt": b"nothing of the kind " + b"\xe8\xf1" + b" z q",
        "near_miss.bin": b"MZ long needle " + b"\xe8\xf1\x00\xc4 z" + b"\x0f\x0b\x01\x91",
    }


def test_short_runs_wait(tmp_path):
    """A rule whose condition is false while none of its long strings is
    found ("all of them", "3 of them" over four with two short, "$l and
    $s", a count or "at" on the long one) has its short strings looked for
    only once a long one is (yrdefer.c, yrfast.c's wake()); a rule that
    may be true on short strings alone ("2 of them", "or", "not", a
    percentage, only short strings) looks for them in every file, and a
    short string shared by the two kinds is looked for always. The same as
    yara, with each matcher, listing matches or not."""
    rules, paths, want = yara_found(tmp_path, WAITING, waiting_files())
    by_file = {os.path.basename(p): p for p in paths}
    # each rule alone as well: with all of them, any one that may be true
    # wakes the short runs of every other
    alone = [line for line in WAITING.strip().splitlines()
             if "hidden_wait" not in line]
    alone[-1] = WAITING[WAITING.index("private rule"):]
    each_alone(tmp_path, alone, waiting_files())
    # the comparison covers both sides of the waiting: rules true with
    # their short strings found after a long one, and false without it
    assert ("all_of", by_file["both.bin"]) in want
    assert ("all_of", by_file["short_only.bin"]) not in want
    assert ("two_of_short", by_file["short_only.bin"]) in want
    assert ("shared_eager", by_file["short_only.bin"]) in want
    assert ("shared_wait", by_file["second.txt"]) in want
    assert ("and_or", by_file["second.txt"]) in want
    assert ("count_long", by_file["at0.txt"]) in want
    assert ("uses_wait", by_file["both.bin"]) in want
    yrscan_agrees(rules, paths, want)


# Strings of four-byte keys in rules that need another string wait for
# it too, in a second anchors table (yrdefer.c): the least rare first,
# each as long as the rule needs one that does not wait; a weak key
# (four common bytes: x86 code, words) for any string, a rarer one for
# a string of eight bytes; a short string waits for a weak one.
WEAK = r'''
rule weak_and { strings: $l = "long needle" $w = "code" condition: $l and $w }
rule weak_or { strings: $l = "long needle" $w = "read" condition: $l or $w }
rule weak_hex { strings: $l = "other needle" $w = { 40 00 00 00 48 89 } condition: all of them }
rule weak_count { strings: $l = "long needle" $w = "http" nocase condition: $l and #w == 3 }
rule weak_shared_a { strings: $l = "other needle" $w = "file" condition: $l and $w }
rule weak_shared_b { strings: $w = "file" condition: $w }
rule weak_all { strings: $l = "long needle" $w = "info" $s = { E8 F1 ?? C3 } condition: all of them }
rule weak_short { strings: $w = "list" $s = { E8 F1 ?? C3 } condition: $w and $s }
rule weak_only { strings: $w1 = "path" $w2 = { 48 89 44 24 } condition: all of them }
rule weak_wide { strings: $l = "long needle" $w = "data" wide condition: $l and $w }
rule weak_three { strings: $l = "long needle" $w1 = "tail" $w2 = "neat" $w3 = "seat" condition: 3 of them }
rule rare_four { strings: $l = "long needle" $r = { 9A B7 C1 D3 } condition: $l and $r }
rule rare_pair { strings: $a = { 9B B8 C2 D4 } $b = { 9C B9 C3 D5 } condition: $a and $b }
'''


def weak_files():
    call, mov = b"\xe8\xf1\x00\xc3", b"\x40\x00\x00\x00\x48\x89"
    return {
        "all.bin": b"long needle code HTTP http HttP file info list path "
                   b"read " + call + mov +
                   b"other needle H\x89D$ " + "data".encode("utf-16-le"),
        "weak_only.bin": b"code http file data read path " + call + mov +
                         b"H\x89D$",
        "long_only.txt": b"long needle and other needle",
        "two_http.txt": b"long needle http http",
        "code_call.bin": b"list " + call,
        "three_words.txt": b"seat neat tail",
        "two_words.txt": b"long needle seat neat",
        "rare.bin": b"\x9a\xb7\xc1\xd3 long needle \x9b\xb8\xc2\xd4\x9c\xb9\xc3\xd5",
        "rare_pair.bin": b"\x9b\xb8\xc2\xd4 \x9c\xb9\xc3\xd5",
        "near_miss.bin": b"long needle cod3 " + b"\x41\x00\x00\x00\x48\x89" +
                         b"other needle",
    }


def test_weak_anchors_wait(tmp_path):
    """A string whose anchor is four common bytes waits for another its
    rule needs ("$l and $w", "all of them", a count, "3 of them" over
    four: the two weakest), in the lazy anchors table, a rarer one of
    four bytes for one of eight; one shared with a rule that may be true
    without (one string, "or") is looked for always; a short string
    waits for a weak one. The same as yara, with each matcher, listing
    matches or not."""
    rules, paths, want = yara_found(tmp_path, WEAK, weak_files())
    by_file = {os.path.basename(p): p for p in paths}
    for rule in ("weak_and", "weak_hex", "weak_count", "weak_shared_a",
                 "weak_all", "weak_only", "weak_wide"):
        assert (rule, by_file["all.bin"]) in want
    assert ("weak_and", by_file["weak_only.bin"]) not in want
    assert ("weak_or", by_file["weak_only.bin"]) in want
    assert ("weak_only", by_file["weak_only.bin"]) in want
    assert ("weak_short", by_file["code_call.bin"]) in want
    assert ("weak_count", by_file["two_http.txt"]) not in want
    assert ("weak_three", by_file["three_words.txt"]) in want
    assert ("weak_three", by_file["two_words.txt"]) in want
    assert ("rare_four", by_file["rare.bin"]) in want
    assert ("rare_pair", by_file["rare_pair.bin"]) in want
    yrscan_agrees(rules, paths, want)
    each_alone(tmp_path, WEAK.strip().splitlines(), weak_files())
    # the weak strings of weak_and, weak_hex, weak_count, weak_all and
    # weak_wide wait, an anchor each (weak_shared_a's is shared); the
    # weaker of weak_only's two ("path" waits for H\x89D$); the two
    # weakest of weak_three's three; rare_four's rare key (for a key of
    # eight bytes), not rare_pair's (no key of eight to wait for)
    stats = fast_stats(rules, paths[0])
    assert "; 9 anchors waiting)" in stats, stats


def test_many_weak_strings_wait(tmp_path):
    """A rule of more than 256 strings (yrdefer.c's YR_GREEDY_MAX) has its
    weak ones wait all at once where its condition still needs another:
    300 words of common letters behind a long string, every one waiting.
    The same as yara, with each matcher."""
    import itertools
    words = ["".join(w) for w in itertools.islice(
        itertools.permutations("eatsonir", 4), 300)]
    strings = " ".join(f'$w{i} = "{w}"' for i, w in enumerate(words))
    text = ('rule many { strings: $l = "long needle" ' + strings +
            " condition: $l and 2 of ($w*) }\n")
    files = {"both.txt": ("long needle " + words[7] + " " +
                          words[250]).encode(),
             "words.txt": (words[3] + " " + words[299]).encode(),
             "one.txt": ("long needle " + words[5]).encode()}
    rules, paths, want = yara_found(tmp_path, text, files)
    by_file = {os.path.basename(p): p for p in paths}
    assert ("many", by_file["both.txt"]) in want
    assert ("many", by_file["words.txt"]) not in want
    assert ("many", by_file["one.txt"]) not in want
    yrscan_agrees(rules, paths, want)
    stats = fast_stats(rules, paths[0])
    assert "; 300 anchors waiting)" in stats, stats

# Each rule that waits wakes its own group's strings (yrdefer.c's wake
# groups: rules joined where they share a string that waits), each
# group's in a table of its own; with more than three groups woken in a
# file, the whole lazy table is looked for once (yrfast.c's wake()).
GROUPS = "".join(
    f'rule g{i} {{ strings: $l = "long needle {i}" $w = "{w}" '
    "condition: $l and $w }\n"
    for i, w in enumerate(("code", "read", "file", "info", "list", "path"))
) + r'''
rule s1 { strings: $l = "long needle s1" $w = "data" condition: $l and $w }
rule s2 { strings: $l = "long needle s2" $w = "data" condition: $l and $w }
rule p6 { strings: $l = "long needle 6" $w = "seat" $s = { E8 F1 ?? C3 } condition: all of them }
'''


def group_files():
    words = b" code read file info list path data"
    return {
        "one.txt": b"long needle 0" + words,
        "second_of_shared.txt": b"long needle s2" + words,
        "two.txt": b"long needle 1 long needle 5" + words,
        "four.txt": b"long needle 0 long needle 2 long needle 3 "
                    b"long needle s1" + words,
        "words.txt": words,
        "long_only.txt": b"long needle 4 long needle s1",
        "short.bin": b"long needle 6 seat \xe8\xf1\x00\xc3",
    }


def test_wake_groups(tmp_path):
    """A file holding one rule's long string wakes that rule's group
    alone, and the rule is found; two rules sharing the string that
    waits are one group (woken by the second's long string, whose table
    holds the shared string's runs); two groups woken, then four (the
    whole table); a group with a short run (the pairs') has its own
    table as well. The same as yara, with each matcher."""
    rules, paths, want = yara_found(tmp_path, GROUPS, group_files())
    by_file = {os.path.basename(p): p for p in paths}
    assert want == {("g0", by_file["one.txt"]),
                    ("s2", by_file["second_of_shared.txt"]),
                    ("g1", by_file["two.txt"]), ("g5", by_file["two.txt"]),
                    ("g0", by_file["four.txt"]), ("g2", by_file["four.txt"]),
                    ("g3", by_file["four.txt"]), ("s1", by_file["four.txt"]),
                    ("p6", by_file["short.bin"])}
    yrscan_agrees(rules, paths, want)
    stats = fast_stats(rules, paths[0])
    assert "; 8 anchors waiting)" in stats, stats
    assert ", 8 wake groups (0 whole)" in stats, stats


# Hex strings of short runs only, with a window of four single bytes one
# of whose first two is open (?? or a nibble): found by the anchors, a
# key for each byte the window allows (yratom.c's yr_hex_gapped()), not
# by the pairs' pass over every byte.
GAPPED = r'''
rule gap_two { strings: $a = { 03 44 95 ?? 42 83 FA ?? 7C } $b = { 3B C1 73 ?? 80 3C 18 } $l = "long needle" condition: 2 of them }
rule gap_nibble { strings: $n = { 31 D? 88 45 ?? 7C } condition: $n }
rule gap_first { strings: $g = { 5? 8B EC 83 } condition: #g == 2 }
rule gap_jump { strings: $j = { 0F [1-3] ?? 8B EC 83 C4 } condition: #j == 1 }
rule gap_wide { strings: $w = { 61 00 ?? 00 63 00 } condition: $w }
'''


def gapped_files():
    a = b"\x03\x44\x95\x10\x42\x83\xfa\x01\x7c"
    b = b"\x3b\xc1\x73\x00\x80\x3c\x18"
    return {
        "both.bin": b"xx" + a + b"yy" + b,
        "one.bin": a + b"long needle",
        "case.bin": b"\x03\x44\x95\x41\x42\x83\xfa\x61\x7c" + b,
        "near.bin": b"\x03\x44\x95\x10\x42\x83\xfb\x01\x7c" + b,
        "nibble.bin": b"\x31\xd7\x88\x45\x00\x7c \x31\xc7\x88\x45\x00\x7c",
        "nibble_no.bin": b"\x31\xc7\x88\x45\x00\x7c",
        "twice.bin": b"\x55\x8b\xec\x83 \x53\x8b\xec\x83 \x65\x8b\xec\x83",
        "jump.bin": b"\x0f\x00\x00\x8b\xec\x83\xc4" + b"\x00" * 8,
        "jump2.bin": b"x\x0f\x00\x00\x00\x8b\xec\x83\xc4",
        "wide.bin": b"a\x00b\x00c\x00 a\x00\x00\x00c\x00",
    }


def test_gapped_windows(tmp_path):
    """A hex string of short runs with a window of one open byte (x86 code
    with an operand between: 83 FA ?? 7C) is found by a key for each byte
    the window allows, a nibble's sixteen: in "2 of them" with a long
    string no pass of the pairs is left. The same as yara, with each
    matcher, listing matches or not."""
    rules, paths, want = yara_found(tmp_path, GAPPED, gapped_files())
    by_file = {os.path.basename(p): p for p in paths}
    for rule, name in (("gap_two", "both.bin"), ("gap_two", "one.bin"),
                       ("gap_two", "case.bin"), ("gap_nibble", "nibble.bin"),
                       ("gap_first", "twice.bin"), ("gap_jump", "jump.bin"),
                       ("gap_wide", "wide.bin")):
        assert (rule, by_file[name]) in want, (rule, name)
    assert ("gap_two", by_file["near.bin"]) not in want
    assert ("gap_nibble", by_file["nibble_no.bin"]) not in want
    yrscan_agrees(rules, paths, want)
    stats = fast_stats(rules, paths[0])
    assert "(0 pairs, " in stats, stats

# Rules with terms testable before their strings (yrgate.h), many over
# each word of the rules' bits: by the rule's number, an "MZ" term, a
# size, a word at 4 (rarely true) or two terms; two rules with none.
GATE_TERMS = ("uint16(0) == 0x5a4d and ", "filesize < 400 and ",
              "uint32(4) == 0x11223344 and ",
              "uint16(0) == 0x5a4d and filesize > 300 and ")
UNGATED = (70, 144)


def gate_term(i):
    return "" if i in UNGATED else GATE_TERMS[i % 4]


# Runs too short for an anchor (the pairs, yrpairs.h), of rules with the
# "MZ" term and without; one run shared by both kinds.
SHORT_RUNS = '''
rule short_mz { strings: $a = { 48 8D } condition: uint16(0) == 0x5a4d and $a }
rule short_any { strings: $a = { 25 5C } condition: $a }
rule shared_mz { strings: $a = { 0F 11 } condition: uint16(0) == 0x5a4d and $a }
rule shared_any { strings: $a = { 0F 11 } condition: $a }
'''


def gates_text():
    return "".join(
        'rule g%03d { strings: $a = "needle %03d" condition: %s$a }\n'
        % (i, i, gate_term(i)) for i in range(150)) + SHORT_RUNS


def gates_files():
    def needles(pick):
        return b" ".join(b"needle %03d" % i for i in range(150) if pick(i))
    return {
        "mz_all.bin": b"MZ" + needles(lambda i: True),
        "text_all.txt": b"ab" + needles(lambda i: True),
        "mz_small.bin": b"MZ" + needles(lambda i: i % 4 in (0, 3) and i < 40),
        "word.bin": b"abcd\x44\x33\x22\x11" + needles(lambda i: i % 4 == 2),
        # every rule that reads it dead but g144 (no term), with the
        # needles of dead rules in the same words of the bits
        "one_live.txt": b"ab" + b"x" * 400 + needles(lambda i: i != 70),
        "dead_only.txt": b"ab" + b"x" * 400 + needles(
            lambda i: i not in UNGATED),
        "short.txt": b"ab H\x8d %\\ \x0f\x11",
        "short_mz.bin": b"MZ H\x8d %\\ \x0f\x11",
    }


def test_gates_by_word(tmp_path):
    """A rule a term of which is false over a file is dead there (yrgate.h,
    yrfast.c's gate()), the false terms' rules marked a word of their bits
    at a time: over 150 rules, each word holding rules of every term, a
    file's live rules are found whatever the dead ones beside them, and
    the anchors' pass is made while one rule needing it lives (one of 150,
    in the third word). Half the rules read "MZ": a file not PE is
    scanned with the table of the other rules' anchors and pairs (a run
    two rules share kept if one of them lacks the term). The same as yara,
    with each matcher, listing matches or not."""
    rules, paths, want = yara_found(tmp_path, gates_text(), gates_files())
    by_file = {os.path.basename(p): p for p in paths}
    assert [r for r, p in want if p == by_file["one_live.txt"]] == ["g144"]
    assert ("g002", by_file["word.bin"]) in want
    assert ("g000", by_file["mz_small.bin"]) in want
    assert ("g003", by_file["mz_small.bin"]) not in want
    assert not [r for r, p in want if p == by_file["dead_only.txt"]]
    assert len(want) > 100
    # a file not PE is passed over by the pairs of the other rules too
    short = sorted(r for r, p in want if p == by_file["short.txt"])
    assert short == ["shared_any", "short_any"], short
    short = sorted(r for r, p in want if p == by_file["short_mz.bin"])
    assert short == ["shared_any", "shared_mz", "short_any", "short_mz"], short
    yrscan_agrees(rules, paths, want)
    # a global rule dead over a file still makes every rule false there;
    # a dead rule that needs no string, read by another, is false
    sub = tmp_path / "global"
    sub.mkdir()
    text = gates_text() + GATED_GLOBAL
    rules, paths, want = yara_found(sub, text, gates_files())
    assert not [r for r, p in want if p.endswith(("mz_all.bin", "mz_small.bin"))]
    assert ("g144", by_file["one_live.txt"].replace(str(tmp_path), str(sub))) in want
    assert ("not_pe", paths[1]) in want and ("reads_mz", paths[1]) not in want
    yrscan_agrees(rules, paths, want)


GATED_GLOBAL = '''
global rule small_or_text { condition: uint16(0) != 0x5a4d or filesize > 10000 }
private rule mz_only { condition: uint16(0) == 0x5a4d and filesize < 100000 }
rule reads_mz { condition: mz_only }
rule not_pe { condition: not mz_only and filesize > 10 }
'''


# Regular expressions where YARA's dialect is not PCRE2's: a count
# without its least, and matches of no bytes (yara counts none).
REGEX_EDGES = r'''
rule count_to { strings: $r = /ev\(.{,9}unsafe/ condition: $r }
rule count_short { strings: $r = /ev\(.{,3}unsafe/ condition: $r }
rule count_open { strings: $r = /xa{,}b/ wide ascii condition: #r == 2 }
rule count_two { strings: $r = /a{,2}b/ condition: #r == 3 }
rule escaped { strings: $r = /q\{,2\}/ condition: $r }
rule empty_alt { strings: $r = /BADD|/ condition: $r }
rule empty_alt_n { strings: $r = /BADD|/ condition: #r == 0 }
rule optional { strings: $r = /a?/ condition: #r == 4 }
rule star { strings: $r = /(ab)*/ condition: #r == 2 }
rule empty_wide { strings: $r = /y|/ wide ascii condition: #r == 2 }
rule three_of { strings: $a = "Affine" $b = /BADD|Bad Error|/ $c = "shot_{0}" condition: 2 of them }
'''


def test_regex_edges_as_yara(tmp_path):
    """"{,m}" and "{,}" count from 0 (PCRE2 10.42 reads their bytes);
    a regex that can match no bytes is found only where it matches some
    (signature-base's ChinaChopper_Generic has ".{,100}"; Yara-Rules'
    PoetRat_Python "/BADD|Bad Error Happened|/" with "3 of them"). The
    same as yara, with each matcher."""
    files = {
        "aspx.txt": b"<%ev(Item[..],unsafe%> q{,2} xaaab",
        "wide.bin": "xaaab xb".encode("utf-16-le") + b" aaab ab",
        "poet.txt": b"Affine and no other, ab abab y",
        "poet2.txt": b"Affine BADD shot_{0} xay",
    }
    rules, paths, want = yara_found(tmp_path, REGEX_EDGES, files)
    by_file = {os.path.basename(p): p for p in paths}
    assert ("count_to", by_file["aspx.txt"]) in want
    assert ("three_of", by_file["poet.txt"]) not in want
    assert ("three_of", by_file["poet2.txt"]) in want
    yrscan_agrees(rules, paths, want)
