#!/usr/bin/env python3
"""YARA rules, side by side in one run: `vigil yara` against yara (the
Debian package) and, with --yarax, YARA-X (the npm package
@litko/yara-x-linux-x64-gnu, YARA-X compiled as a Node addon, driven by a
few lines of JavaScript), each on one thread, over the same corpus with
the same rules:

  - compile: the rules alone (an empty directory scanned), seconds and
    peak RSS;
  - scan: the whole run less the compile, and MB/s;
  - the rule/file pairs each finds, and how many differ from Vigil's;
    with --rules, also over a corpus made of the rules' own strings (per
    rule, a file with each of its text and hex strings and one with every
    other), where real rules match: the clean corpus shows most of them
    matching nothing.

The rules are generated, shaped like the public collections (text strings
in every form, hex strings with wildcards, jumps and alternatives, regular
expressions, xor and base64, conditions with counts, offsets and
quantifiers), from strings of the corpus itself, nine in ten changed at
one place so that, as with real rules, most find nothing; with
--plain N, N rules of one text string each; with --rules DIR, the .yar and
.yara files under DIR that yarac compiles alone, joined into one file
(files whose rule names clash with earlier ones left out). The corpus is
generated: system binaries and libraries, text and random data, about
--mb MiB (or --corpus DIR).

    bench/yara.py [--vigil build/src/cli/vigil] [--rules DIR | --plain N]
                  [--corpus DIR] [--mb 64] [--runs 3] [--yarax]

Each figure is the median of --runs runs. Nothing is kept: everything
lives in a temporary directory (YARA-X's package in ~/.cache/vigil-bench).
"""
import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXTERNALS = ["filename", "filepath", "extension", "filetype", "owner"]
YARAX_PKG = "@litko/yara-x-linux-x64-gnu"
YARAX_JS = r"""
const yx = require(process.argv[2]);
const fs = require("fs");
const [rules, dir, ...defs] = process.argv.slice(3);
const vars = {};
for (const d of defs) { const i = d.indexOf("="); vars[d.slice(0, i)] = d.slice(i + 1); }
const r = yx.compile(fs.readFileSync(rules, "utf8"), { defineVariables: vars });
for (const f of fs.readdirSync(dir).sort()) {
  const p = dir + "/" + f;
  for (const m of r.scanFile(p)) console.log(m.ruleIdentifier + " " + p);
}
"""


def corpus(dest, mb, seed):
    """System binaries, libraries and text, and random data: about mb MiB."""
    r = random.Random(seed)
    os.makedirs(dest)
    budget = mb << 20
    pools = [sorted("/usr/bin/" + f for f in os.listdir("/usr/bin")),
             sorted(os.path.join(d, f) for d, _, fs in
                    os.walk("/usr/lib/x86_64-linux-gnu") for f in fs
                    if ".so" in f),
             sorted(os.path.join(d, f) for d, _, fs in os.walk("/usr/share/doc")
                    for f in fs)]
    shares = [0.45, 0.35, 0.1]
    n = 0
    for pool, share in zip(pools, shares):
        pool = [p for p in pool if os.path.isfile(p) and not os.path.islink(p)]
        r.shuffle(pool)
        left = int(budget * share)
        for p in pool:
            size = os.path.getsize(p)
            if size < 4096 or size > left:
                continue
            shutil.copyfile(p, os.path.join(dest, "f%04d" % n))
            n += 1
            left -= size
            if left < 4096:
                break
    with open(os.path.join(dest, "random.bin"), "wb") as f:
        f.write(r.randbytes(int(budget * 0.1)))
    return n + 1


def samples(cdir, r, count):
    """Printable runs and byte slices of the corpus, to build strings from."""
    words, slices = [], []
    files = sorted(os.listdir(cdir))
    for _ in range(count):
        data = open(os.path.join(cdir, r.choice(files)), "rb").read()
        if len(data) < 64:
            continue
        at = r.randrange(len(data) - 64)
        m = re.search(rb"[A-Za-z_][A-Za-z0-9_.]{5,24}", data[at:at + 4096])
        if m:
            words.append(m.group().decode())
        b = data[at:at + r.randrange(8, 24)]
        if len(set(b) - {0, 0xff, 0x20}) >= 6:  # as rule writers pick them
            slices.append(b)
    return words or ["nothing_here"], slices or [b"nothing here"]


def hex_of(b, r):
    parts = []
    for i, c in enumerate(b):
        k = r.randrange(14)
        parts.append("??" if k == 0 and 0 < i < len(b) - 1 else
                     "%X?" % (c >> 4) if k == 1 and i else "%02X" % c)
        if k == 2 and 0 < i < len(b) - 1:
            parts.append("[%d-%d]" % (r.randrange(3), r.randrange(3, 9)))
    return "{ " + " ".join(parts) + " }"


def unseen(r, words, slices):
    """Most strings of real rules are in no file of a clean corpus: a word
    or a slice of it changed at random, one time in ten left as it is."""
    w, b = r.choice(words), bytearray(r.choice(slices))
    if r.randrange(10):
        i = r.randrange(len(w))
        w = w[:i] + r.choice("QXZqxz_") + w[i + 1:]
        b[r.randrange(len(b))] ^= 1 + r.randrange(255)
    return w, bytes(b)


def string(r, words, slices):
    k = r.randrange(20)
    w, b = unseen(r, words, slices)
    if k < 9:
        return '"%s"%s' % (w, r.choice(["", " ascii wide", " wide", " nocase",
                                        " fullword", " ascii wide nocase"]))
    if k < 15:
        return hex_of(b, r)
    if k < 18:
        return "/%s[0-9a-z_]{0,8}%s/%s" % (re.escape(w[:4]).replace("/", "\\/"),
                                           re.escape(w[4:]).replace("/", "\\/"),
                                           r.choice(["", "i", " wide ascii"]))
    return '"%s" %s' % (w, r.choice(["xor", "base64", "xor(1-31)"]))


def generated(path, nrules, cdir, seed, plain):
    r = random.Random(seed)
    words, slices = samples(cdir, r, 4000)
    out = []
    for i in range(nrules):
        if plain:
            out.append('rule p%d { strings: $a = "%s" condition: $a }'
                       % (i, r.choice(words)))
            continue
        n = r.randrange(1, 8)
        strs = "\n".join("  $s%d = %s" % (k, string(r, words, slices))
                         for k in range(n))
        cond = r.choice(["any of them", "all of them", "%d of them" % max(1, n // 2),
                         "uint16(0) == 0x457f and any of them",
                         "filesize < 20MB and any of them",
                         "#s0 > 1 and any of them",
                         "$s0 and (%d of them)" % max(1, n // 2)])
        out.append("rule g%d : t%d {\n meta:\n  author = \"bench\"\n strings:\n"
                   "%s\n condition:\n  %s\n}" % (i, i % 7, strs, cond))
    open(path, "w").write("\n".join(out) + "\n")


def joined(path, rdir):
    """The rule files under rdir that yarac compiles alone, in one file."""
    defs = sum((["-d", e + "=x"] for e in EXTERNALS), [])
    names, texts = set(), []
    for d, _, fs in sorted(os.walk(rdir)):
        for f in sorted(fs):
            if not f.endswith((".yar", ".yara")):
                continue
            p = os.path.join(d, f)
            t = open(p, errors="replace").read()
            ns = set(re.findall(r"^\s*(?:private\s+|global\s+)*rule\s+(\w+)", t, re.M))
            if "include " in t or ns & names or subprocess.run(
                    ["yarac", "-w"] + defs + [p, "/dev/null"],
                    capture_output=True).returncode:
                continue
            names |= ns
            texts.append(t)
    open(path, "w").write("\n".join(texts))
    check = subprocess.run(["yarac", "-w"] + defs + [path, "/dev/null"],
                           capture_output=True, text=True)
    if check.returncode:
        sys.exit("the joined rules do not compile: " + check.stderr[:500])
    return len(texts)


def unescape(text):
    """A YARA text string's bytes (its escapes \\n \\t \\r \\\\ \\" \\xHH)."""
    out, i = bytearray(), 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            c = text[i + 1]
            if c == "x" and i + 3 < len(text):
                out.append(int(text[i + 2:i + 4], 16))
                i += 4
                continue
            out.append({"n": 10, "t": 9, "r": 13}.get(c, ord(c)))
            i += 2
            continue
        out += text[i].encode()
        i += 1
    return bytes(out)


def hex_bytes(body):
    """Bytes a hex string matches: wildcards and nibbles as 0, a jump as
    its fewest zero bytes, an alternative's first branch."""
    body = re.sub(r"//[^\n]*|/\*.*?\*/", "", body, flags=re.S)
    while "(" in body:
        body = re.sub(r"\(([^()|]*)(\|[^()]*)?\)", r"\1", body)
    out = bytearray()
    for t in re.findall(r"\[[^\]]*\]|~?[0-9A-Fa-f?]{2}", body):
        if t.startswith("["):
            out += bytes(int(re.match(r"\[\s*(\d*)", t).group(1) or 0))
        else:
            out.append(0 if t.startswith("~") else int(t.replace("?", "0"), 16))
    return bytes(out)


def derived(dest, rules):
    """A corpus of the rules' own strings, where the clean one shows
    curated rules matching nothing: per rule, a file holding each text and
    hex string of it (wide where only wide; xor, base64 and regexes left
    out) behind a PE's first bytes, and one holding every other string."""
    os.makedirs(dest)
    head = b"MZ" + bytes(58) + b"\x80\0\0\0" + bytes(64) + b"PE\0\0"
    text = open(rules, errors="replace").read()
    n = 0
    for rule in re.split(r"\n(?=(?:private |global )*rule )", text):
        parts = []
        for value, mods in re.findall(r'\$\w*\s*=\s*("(?:[^"\\]|\\.)*"|'
                                      r"\{[^}]*\})([^\n]*)", rule):
            if value.startswith("{"):
                parts.append(hex_bytes(value[1:-1]))
            elif not re.search(r"\b(xor|base64)", mods):
                b = unescape(value[1:-1])
                wide = "wide" in mods and "ascii" not in mods
                parts.append(b"".join(bytes([c, 0]) for c in b) if wide else b)
        for i, keep in enumerate((parts, parts[::2])):
            if keep:
                with open(os.path.join(dest, "d%05d.%d" % (n, i)), "wb") as f:
                    f.write(head + b"..".join(keep))
        n += bool(parts)
    return n


def compare_derived(args, tmp, rules):
    """Each program once over the derived corpus: the rule/file pairs each
    finds, and those that differ from vigil's (at most ten named)."""
    ddir = os.path.join(tmp, "derived")
    n = derived(ddir, rules)
    found = {}
    for name, cmd in peers(args, tmp, rules, ddir, ddir).items():
        out = os.path.join(tmp, name + ".derived")
        timed(cmd(ddir), out)
        found[name] = pairs(out)
    print("on the rules' own strings (%d rules, %d files): %s"
          % (n, len(os.listdir(ddir)),
             ", ".join("%s %d pairs" % (k, len(v)) for k, v in found.items())))
    for name, x in found.items():
        if name == "vigil":
            continue
        only = sorted(x - found["vigil"]) + sorted(found["vigil"] - x)
        print("  %d pairs differ between vigil and %s%s" % (
            len(only), name, "".join("\n    " + " ".join(p).strip()
                                     for p in only[:10])))


def timed(cmd, out=None):
    """Seconds and peak RSS (MiB) of one run, through /usr/bin/time (its
    %M; the seconds timed here to the microsecond, where its hundredths
    were a seventh of vigil's scan; its own start is in every figure,
    the compile's too, so that the scan's is without it)."""
    tf = tempfile.NamedTemporaryFile(delete=False)
    tf.close()
    with open(out or os.devnull, "w") as o:
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tf.name] + cmd,
                           stdout=o, stderr=subprocess.PIPE, text=True)
        secs = time.perf_counter() - t0
    kb = open(tf.name).read().split()[-1]
    os.unlink(tf.name)
    if p.returncode != 0:
        sys.exit("%s failed: %s" % (cmd[0], p.stderr[:500]))
    return secs, int(kb) / 1024


def pairs(path):
    return {tuple(line.split(" ", 1)) for line in open(path) if " " in line}


def yarax_module():
    cache = os.path.expanduser("~/.cache/vigil-bench")
    mod = os.path.join(cache, "node_modules", YARAX_PKG)
    if not os.path.isdir(mod):
        os.makedirs(cache, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", cache, YARAX_PKG],
                       check=True, capture_output=True)
    return mod


def peers(args, tmp, rules, cdir, empty):
    """The command lines (compile only, whole run) of each program."""
    defs = sum((["-d", e + "=x"] for e in EXTERNALS), [])
    out = {
        "yara": lambda d: ["yara", "-w", "-p", "1"] + defs + [rules, d],
        "vigil": lambda d: [args.vigil, "yara", "-w", "-p", "1"] + defs +
                           [rules, d],
    }
    if args.yarax:
        js = os.path.join(tmp, "yx.js")
        open(js, "w").write(YARAX_JS)
        mod = yarax_module()
        out["YARA-X"] = lambda d: ["node", js, mod, rules, d] + \
            [e + "=x" for e in EXTERNALS]
    return out


def measure(args, tmp, rules, cdir, nbytes):
    """Each program's compile-only run and whole run, the programs taken in
    turn within each round, so that a slower minute of a shared machine
    falls on all of them alike; a scan is a round's whole run less its
    compile, the figure the median of the rounds'."""
    empty = os.path.join(tmp, "empty")
    os.makedirs(empty, exist_ok=True)
    progs = peers(args, tmp, rules, cdir, empty)
    comp = {name: [] for name in progs}
    whole = {name: [] for name in progs}
    for i in range(args.runs):
        for name, cmd in progs.items():
            comp[name].append(timed(cmd(empty)))
            whole[name].append(timed(cmd(cdir),
                                     os.path.join(tmp, name + ".out")))
    res = {}
    for name in progs:
        c = statistics.median(t for t, _ in comp[name])
        scan = statistics.median(w - k for (w, _), (k, _) in
                                 zip(whole[name], comp[name]))
        res[name] = {"compile": max(c, 1e-3),
                     "compile_rss": max(m for _, m in comp[name]),
                     "scan": max(scan, 1e-3),
                     "rss": max(m for _, m in whole[name]),
                     "pairs": pairs(os.path.join(tmp, name + ".out"))}
    print("%-8s %10s %12s %10s %10s %10s %8s" % ("", "compile s", "compile MiB",
                                                 "scan s", "MB/s", "scan MiB",
                                                 "pairs"))
    for name, x in res.items():
        print("%-8s %10.3f %12.0f %10.3f %10.0f %10.0f %8d"
              % (name, x["compile"], x["compile_rss"], x["scan"],
                 nbytes / 1e6 / x["scan"], x["rss"], len(x["pairs"])))
    v = res["vigil"]
    for name, x in res.items():
        if name != "vigil":
            print("vigil against %s: scan %.1fx, compile %.1fx; %d pairs only "
                  "%s finds, %d only vigil" % (name, x["scan"] / v["scan"],
                                                x["compile"] / v["compile"],
                                                len(x["pairs"] - v["pairs"]), name,
                                                len(v["pairs"] - x["pairs"])))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--vigil", default=os.path.join(HERE, "..", "build", "src",
                                                    "cli", "vigil"))
    ap.add_argument("--rules", help="a directory of real rules")
    ap.add_argument("--plain", type=int, default=0, help="N plain string rules")
    ap.add_argument("--nrules", type=int, default=3000)
    ap.add_argument("--corpus", help="a directory of files to scan")
    ap.add_argument("--mb", type=int, default=64)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--yarax", action="store_true")
    args = ap.parse_args()
    for prog in ("yara", "yarac", args.vigil):
        if not shutil.which(prog):
            sys.exit("%s is not installed (scripts/deps.sh test)" % prog)
    with tempfile.TemporaryDirectory() as tmp:
        cdir = args.corpus or os.path.join(tmp, "corpus")
        if not args.corpus:
            corpus(cdir, args.mb, args.seed)
        files = [os.path.join(cdir, f) for f in os.listdir(cdir)]
        nbytes = sum(os.path.getsize(f) for f in files if os.path.isfile(f))
        rules = os.path.join(tmp, "rules.yar")
        if args.rules:
            what = "%d rule files from %s" % (joined(rules, args.rules), args.rules)
        else:
            generated(rules, args.plain or args.nrules, cdir, args.seed,
                      args.plain)
            what = "%d generated %srules" % (args.plain or args.nrules,
                                             "plain string " if args.plain else "")
        print("%s over %d files, %.0f MB; median of %d runs, one thread"
              % (what, len(files), nbytes / 1e6, args.runs))
        measure(args, tmp, rules, cdir, nbytes)
        if args.rules:
            compare_derived(args, tmp, rules)


if __name__ == "__main__":
    main()
