"""Generated YARA rules and files for comparing Vigil's reference
evaluator with yara (test_yara_eval.py): text strings with ascii, wide,
nocase and fullword; hex strings with wildcards, jumps and alternatives;
regular expressions; and conditions with counts, offsets, lengths, at,
in, N of, for..of, for..in, uintXX, arithmetic, filesize and rule
references. Files are random bytes with the strings planted in every
form (upper case, wide, inside words, at offset 0, several times).
"#a in (range)" is left out: yara 4.2.3 stops with its error 31 on it."""
import base64
import random

WORDS = [b"alpha", b"bravo", b"charlie", b"delta", b"echo9"]


class Gen:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def plant(self, w):
        r = self.r
        k = r.randrange(8)
        if k == 0:
            w = w.upper()
        elif k == 1:
            w = b"".join(bytes([c, 0]) for c in w)
        elif k == 2:
            w = b"x" + w + b"y"  # inside a word
        elif k == 3:
            w = b" " + w + b" "
        elif k == 4:
            key = r.randrange(0, 30)
            w = bytes(c ^ key for c in w)
        elif k == 5:  # base64 of the word after 0-2 bytes, maybe wide
            w = base64.b64encode(b"xyz"[:r.randrange(3)] + w + b"q" * r.randrange(3))
            if r.randrange(3) == 0:
                w = b"".join(bytes([c, 0]) for c in w)
        return w

    def file(self):
        r = self.r
        data = bytearray(r.randbytes(r.randrange(200, 3000)))
        for _ in range(r.randrange(0, 8)):
            w = self.plant(r.choice(WORDS))
            at = 0 if r.randrange(6) == 0 else r.randrange(len(data))
            data[at:at + len(w)] = w
        return bytes(data)

    def text_string(self):
        r = self.r
        mods = r.choice(["", "", "ascii", "wide", "ascii wide", "nocase",
                         "fullword", "wide nocase", "ascii wide nocase",
                         "private", "xor", "xor(1-20)", "wide xor(3)",
                         "ascii wide xor(0-29)", "base64", "base64wide",
                         "base64 base64wide", "wide base64"])
        return '"%s" %s' % (r.choice(WORDS).decode(), mods), True

    def hex_string(self):
        r = self.r
        w = r.choice(WORDS)
        parts = ["%02X" % c for c in w]
        k = r.randrange(4)
        if k == 0:
            parts[r.randrange(len(parts))] = "??"
        elif k == 1:
            i = r.randrange(len(parts))
            parts[i] = parts[i][0] + "?"
        elif k == 2:
            parts.insert(2, "[0-2]")
        else:
            o = r.choice(WORDS)
            parts = parts[:2] + ["( %s | %s )" % (" ".join(parts[2:]),
                                                   " ".join("%02X" % c for c in o[2:]))]
        return "{ %s }" % " ".join(parts), k < 2

    def regex_string(self):
        r = self.r
        w = r.choice(WORDS).decode()
        return r.choice(["/%s/" % w, "/%s/i" % w, "/%s[a-z0-9]/" % w[:-1],
                         "/%s.?%s/" % (w[:2], w[2:]),
                         "/%s/ nocase" % w, "/%s/ wide" % w,
                         "/%s[a-z0-9]/ wide ascii" % w[:-1],
                         "/%s.?%s/ wide nocase" % (w[:2], w[2:]),
                         # a count without its least: from 0, as yara
                         "/%s.{,2}%s/" % (w[:2], w[2:]),
                         "/%s[a-z]{,1}%s/ wide ascii" % (w[:3], w[3:])]), False

    def atom(self, s, fixed):
        r = self.r
        c = [s, "#%s > 1" % s[1:], "#%s == 0" % s[1:],
             "@%s[1] < 1000" % s[1:], "%s at 0" % s,
             "%s in (0..500)" % s, "%s in (100..2000)" % s,
             "for any i in (1..#%s) : ( @%s[i] %% 2 == 0 )" % (s[1:], s[1:])]
        if fixed:
            c.append("!%s[1] == !%s" % (s[1:], s[1:]))
        return r.choice(c)

    GATES = ["filesize > 1000", "uint8(0) == 0x61", "uint16(0) != 0",
             "filesize \\ 2 < 700", "int8(1) < 0", "not (uint8(2) > 0x80)",
             "uint32be(4) > 0x10000000", "(filesize + 3) * 2 % 7 == 1"]

    def other(self):
        r = self.r
        return r.choice(["filesize > 1000", "filesize \\ 2 < 700",
                         "uint8(0) == 0x61", "uint16(0) != 0",
                         "uint32be(4) > 0x10000000", "int8(1) < 0",
                         "(filesize + 3) * 2 % 7 == 1",
                         "for all k in (1, 2, 3) : ( k < 4 )",
                         "uint8(filesize) == 0",
                         "filesize \\ (uint8(1) - uint8(1)) == 1 or true"])

    def rule(self, i, names):
        r = self.r
        strings, used = [], []
        for j in range(r.randrange(1, 4)):
            kind = r.randrange(3)
            text, fixed = (self.text_string, self.hex_string,
                           self.regex_string)[kind]()
            strings.append("$s%d = %s" % (j, text))
            used.append(("$s%d" % j, fixed and kind == 0))
        terms = [self.atom(s, f) for s, f in used]
        if r.randrange(3) == 0:
            terms.append(self.other())
        if names and r.randrange(4) == 0:
            terms.append(r.choice(names))
        ops = [r.choice([" and ", " or "]) for _ in terms[1:]]
        cond = terms[0] + "".join(o + t for o, t in zip(ops, terms[1:]))
        cond = r.choice(["%s", "not (%s)", "(%s) and any of them",
                         "any of them and (%s)", "2 of them or (%s)",
                         "for any of ($s*) : ( $ at 0 ) or (%s)",
                         "all of ($s*) or (%s)", "none of them or (%s)"]) % cond
        # every string is used: "them" does it where the terms did not
        cond = "(%s) or (filesize == 0 and any of them)" % cond
        if r.randrange(5) == 0:  # PEiD's form: strings read only at offsets
            cond = "for %s of ($*) : ( $ at %s )" % (
                r.choice(["any", "all", "1"]),
                r.choice(["0", "(filesize \\ filesize) - 1",
                          "uint32(filesize)", "uint8(0) - uint8(0)"]))
        if r.randrange(3) == 0:  # a term of integers first: a gate
            cond = "%s and %s" % (r.choice(self.GATES), cond)
        flags = "private " if r.randrange(10) == 0 else ""
        return "%srule r%d {\n strings:\n  %s\n condition:\n  %s\n}\n" % (
            flags, i, "\n  ".join(strings), cond)


def generate(seed, nrules, nfiles):
    g = Gen(seed)
    rules, names = [], []
    for i in range(nrules):
        rules.append(g.rule(i, names))
        names.append("r%d" % i)
    files = {"f%03d.bin" % i: g.file() for i in range(nfiles)}
    return "global rule gate { condition: filesize > 0 }\n" + "".join(rules), files
