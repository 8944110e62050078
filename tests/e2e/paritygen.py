"""Signatures and files for the clamscan parity test.

Each case plants content matching one construct of ClamAV's signature
formats in a positive file and a near miss in a negative file, and records
what the documented semantics expect. Binary files start with bytes that
both engines classify as binary data (ClamAV's UTF-16 heuristic included);
markers in them carry a byte above 0x7f so that text normalisation can
never create a match. Deterministic for a given seed.
"""
import base64
import hashlib
import io
import random
import zipfile

BIN_HEAD = b"\x00\x00\x00\x01"


class Gen:
    def __init__(self, seed=7):
        self.r = random.Random(seed)
        self.sigs = {"ndb": [], "ldb": [], "hdb": [], "hsb": [], "fp": [], "ign2": []}
        self.files = {}      # name -> bytes
        self.expect = {}     # name -> set of names
        self.n = 0

    # -- helpers ---------------------------------------------------------
    def marker(self, n=12):
        """Random bytes with a high byte first and last, no NUL runs."""
        b = bytearray(self.r.randbytes(n))
        b[0] |= 0x80
        b[-1] |= 0x80
        return bytes(b)

    def fill(self, n):
        return self.r.randbytes(n)

    def binfile(self, body, pad=200):
        return BIN_HEAD + self.fill(pad) + body + self.fill(pad)

    def name(self, kind):
        self.n += 1
        return "Vigil.Parity.%s-%d" % (kind, self.n)

    def case(self, kind, sig_fmt, pos, neg, ext="ndb"):
        """sig_fmt has {name}; pos/neg are file bodies (or lists)."""
        nm = self.name(kind)
        self.sigs[ext].append(sig_fmt.replace("{name}", nm))
        for i, body in enumerate(pos if isinstance(pos, list) else [pos]):
            f = "%s-pos%d" % (nm, i)
            self.files[f] = body
            self.expect[f] = {nm}
        for i, body in enumerate(neg if isinstance(neg, list) else [neg]):
            f = "%s-neg%d" % (nm, i)
            self.files[f] = body
            self.expect[f] = set()
        return nm

    # -- body signature syntax --------------------------------------------
    # Every case draws fresh markers, so that no file matches another case.
    def syntax(self):
        m = self.marker()
        self.case("Literal", "{name}:0:*:" + m.hex(), self.binfile(m),
                  self.binfile(m[:-1] + bytes([m[-1] ^ 1])))
        a = self.marker(9)
        x = bytes([a[4] ^ 0x55])
        self.case("AnyByte", "{name}:0:*:%s??%s" % (a[:4].hex(), a[5:].hex()),
                  self.binfile(a[:4] + x + a[5:]), self.binfile(a[:4] + a[5:]))
        a = self.marker(9)
        hi = a[4] & 0xF0
        self.case("HighNibble", "{name}:0:*:%s%x?%s:17" % (a[:4].hex(), hi >> 4, a[5:].hex()),
                  self.binfile(a[:4] + bytes([hi | 0x5]) + a[5:]),
                  self.binfile(a[:4] + bytes([hi ^ 0x10]) + a[5:]))
        a = self.marker(9)
        lo = a[4] & 0x0F
        self.case("LowNibble", "{name}:0:*:%s?%x%s:17" % (a[:4].hex(), lo, a[5:].hex()),
                  self.binfile(a[:4] + bytes([0x70 | lo]) + a[5:]),
                  self.binfile(a[:4] + bytes([0x70 | (lo ^ 1)]) + a[5:]))
        a, b = self.marker(8), self.marker(8)
        self.case("Star", "{name}:0:*:%s*%s" % (a.hex(), b.hex()),
                  [self.binfile(a + self.fill(300) + b), self.binfile(a + b)],
                  self.binfile(b + self.fill(30) + a))
        self.gaps()
        self.alternatives()

    def gaps(self):
        def g(n):
            return bytes(self.r.randrange(1, 255) for _ in range(n))

        def ab():
            return self.marker(8), self.marker(8)
        a, b = ab()
        self.case("GapExact", "{name}:0:*:%s{5}%s" % (a.hex(), b.hex()),
                  self.binfile(a + g(5) + b), [self.binfile(a + g(4) + b), self.binfile(a + g(6) + b)])
        a, b = ab()
        self.case("GapUpTo", "{name}:0:*:%s{-6}%s" % (a.hex(), b.hex()),
                  [self.binfile(a + b), self.binfile(a + g(6) + b)], self.binfile(a + g(7) + b))
        a, b = ab()
        self.case("GapAtLeast", "{name}:0:*:%s{6-}%s" % (a.hex(), b.hex()),
                  [self.binfile(a + g(6) + b), self.binfile(a + g(500) + b)], self.binfile(a + g(5) + b))
        a, b = ab()
        self.case("GapRange", "{name}:0:*:%s{3-9}%s" % (a.hex(), b.hex()),
                  [self.binfile(a + g(3) + b), self.binfile(a + g(9) + b)],
                  [self.binfile(a + g(2) + b), self.binfile(a + g(10) + b)])
        a, b = ab()
        self.case("AnchoredByte", "{name}:0:*:%s[2-4]%02x" % (a.hex(), b[0]),
                  [self.binfile(a + g(2) + b[:1]), self.binfile(a + g(4) + b[:1])],
                  [self.binfile(a + g(1) + b[:1]), self.binfile(a + g(5) + b[:1])])

    def alternatives(self):
        c1, c2, c3 = 0x81, 0x92, 0xA3
        s1, s2 = bytes([0x91, 0xA2]), bytes([0xB3, 0xC4])

        def ab():
            return self.marker(6), self.marker(6)
        a, b = ab()
        self.case("AltByte", "{name}:0:*:%s(%02x|%02x)%s" % (a.hex(), c1, c2, b.hex()),
                  [self.binfile(a + bytes([c1]) + b), self.binfile(a + bytes([c2]) + b)],
                  self.binfile(a + bytes([c3]) + b))
        a, b = ab()
        self.case("AltNot", "{name}:0:*:%s!(%02x|%02x)%s" % (a.hex(), c1, c2, b.hex()),
                  self.binfile(a + bytes([c3]) + b), self.binfile(a + bytes([c1]) + b))
        a, b = ab()
        self.case("AltMulti", "{name}:0:*:%s(%s|%s)%s" % (a.hex(), s1.hex(), s2.hex(), b.hex()),
                  [self.binfile(a + s1 + b), self.binfile(a + s2 + b)],
                  self.binfile(a + s1[:1] + s2[1:] + b))
        a, b = ab()
        self.case("AltMultiNot", "{name}:0:*:%s!(%s|%s)%s" % (a.hex(), s1.hex(), s2.hex(), b.hex()),
                  self.binfile(a + bytes([0xD5, 0xE6]) + b), self.binfile(a + s2 + b))
        a, b = ab()
        self.case("AltGeneric", "{name}:0:*:%s(%02x|%s)%s" % (a.hex(), c1, s2.hex(), b.hex()),
                  [self.binfile(a + bytes([c1]) + b), self.binfile(a + s2 + b)],
                  self.binfile(a + s1 + b))

    def classes(self):
        """(B) (L) (W): at an edge they test the neighbouring byte, inside
        they consume one (or, for (L), a CRLF pair)."""
        H = BIN_HEAD

        def m():
            return self.marker(6)
        a = m()
        self.case("BoundLeft", "{name}:0:*:(B)" + a.hex(),
                  [H + b" " + a + H, a + H], H + b"x" + a + H)
        a = m()
        self.case("BoundRight", "{name}:0:*:%s(B)" % a.hex(),
                  [H + a + b" " + H, H + a], H + a + b"x" + H)
        a = m()
        self.case("LineRight", "{name}:0:*:%s(L)" % a.hex(),
                  [H + a + b"\n" + H, H + a + b"\r\n" + H, H + a], H + a + b"x" + H)
        a = m()
        self.case("LineLeft", "{name}:0:*:(L)" + a.hex(), H + b"\n" + a + H, H + b"x" + a + H)
        a, b = m(), m()
        self.case("WordInner", "{name}:0:*:%s(W)%s" % (a.hex(), b.hex()),
                  H + a + b"-" + b + H, H + a + b"x" + b + H)
        a, b = m(), m()
        self.case("BoundInner", "{name}:0:*:%s(B)%s" % (a.hex(), b.hex()),
                  H + a + b" " + b + H, H + a + b"x" + b + H)
        a, b = m(), m()
        self.case("LineInner", "{name}:0:*:%s(L)%s" % (a.hex(), b.hex()),
                  [H + a + b"\n" + b + H, H + a + b"\r\n" + b + H], H + a + b"x" + b + H)

    # -- offsets and targets ------------------------------------------------
    def offsets(self):
        m = self.marker()
        self.case("OffAbs", "{name}:0:100:" + m.hex(), BIN_HEAD + self.fill(96) + m + self.fill(50),
                  BIN_HEAD + self.fill(97) + m + self.fill(50))
        m = self.marker()
        body = BIN_HEAD + self.fill(96)
        self.case("OffShift", "{name}:0:100,20:" + m.hex(),
                  [body + m + self.fill(40), body + self.fill(20) + m + self.fill(40)],
                  [body + self.fill(21) + m + self.fill(40), BIN_HEAD + self.fill(50) + m + self.fill(80)])
        m = self.marker()
        self.case("OffEof", "{name}:0:EOF-%d:%s" % (len(m) + 10, m.hex()),
                  BIN_HEAD + self.fill(100) + m + self.fill(10),
                  BIN_HEAD + self.fill(100) + m + self.fill(11))
        m = self.marker()
        self.case("OffEofShift", "{name}:0:EOF-%d,5:%s" % (len(m) + 10, m.hex()),
                  BIN_HEAD + self.fill(100) + m + self.fill(6),
                  BIN_HEAD + self.fill(100) + m + self.fill(11))

    def targets(self, elf_bytes):
        m = self.marker()
        self.case("TargetElf", "{name}:6:*:" + m.hex(), elf_bytes + m + self.fill(20), self.binfile(m))
        text_pos = b"Some plain text.\nSHOUTED PHRASE HERE and more\n"
        self.case("TargetText", "{name}:7:*:" + b"shouted phrase here".hex(), text_pos,
                  [b"Some plain text.\nshouted  phrase,here\n"])
        self.case("TargetTextRawCase", "{name}:7:*:" + b"SHOUTED PHRASE".hex(), [],
                  [b"Some plain text.\nSHOUTED PHRASE in capitals\n"])
        self.case("TargetAnyText", "{name}:0:*:" + b"collapsed white space".hex(),
                  b"Here is COLLAPSED   \t WHITE\n\nSPACE, folks\n", b"Here is collapsedwhite space\n")
        html = b"<html><head><title>x</title></head><body><p>Hello Markup World</p></body></html>\n"
        self.case("TargetHtml", "{name}:3:*:" + b"hello markup world".hex(), html,
                  b"plain text: hello markup world\n")

    # -- hashes, logical signatures, lists ----------------------------------
    def hashes(self):
        for algo, ext in (("md5", "hdb"), ("sha1", "hsb"), ("sha256", "hsb")):
            body = self.binfile(self.marker(), pad=self.r.randrange(50, 400))
            d = hashlib.new(algo, body).hexdigest()
            self.case("Hash" + algo, "%s:%d:{name}" % (d, len(body)), body,
                      body[:-1] + bytes([body[-1] ^ 1]), ext=ext)
            nm = self.name("HashSize" + algo)
            self.sigs[ext].append("%s:%d:%s" % (d, len(body) + 1, nm))
        body = self.binfile(self.marker(), pad=77)
        d = hashlib.sha256(body).hexdigest()
        self.case("HashAnySize", "%s:*:{name}:73" % d, body, self.binfile(self.marker()), ext="hsb")

    def logical(self):
        f = self.binfile

        def m3():
            a, b, c = (self.marker(8) for _ in range(3))
            return a, b, c, "%s;%s;%s" % (a.hex(), b.hex(), c.hex()), "%s;%s" % (a.hex(), b.hex())
        a, b, c, subs, subs2 = m3()
        self.case("LdbAnd", "{name};Engine:51-255,Target:0;0&1;" + subs2,
                  f(a + self.fill(40) + b), f(a + self.fill(40) + c), ext="ldb")
        a, b, c, subs, subs2 = m3()
        self.case("LdbOr", "{name};Engine:51-255,Target:0;(0|1)&2;" + subs,
                  [f(b + c), f(a + c)], f(a + b), ext="ldb")
        a, b, c, subs, subs2 = m3()
        self.case("LdbCount", "{name};Engine:51-255,Target:0;0>1;" + a.hex(),
                  f(a + self.fill(9) + a), f(a + self.fill(9) + b), ext="ldb")
        a, b, c, subs, subs2 = m3()
        self.case("LdbDistinct", "{name};Engine:51-255,Target:0;(0|1|2)>1,2;" + subs,
                  f(a + a + b), f(a + self.fill(3) + a + self.fill(3) + a), ext="ldb")
        a, b, c, subs, subs2 = m3()
        self.case("LdbExact", "{name};Engine:51-255,Target:0;(0=2)&1;" + subs2,
                  f(a + self.fill(5) + a + b), f(a + self.fill(5) + a + self.fill(5) + a + b), ext="ldb")
        a, b, c, subs, subs2 = m3()
        self.case("LdbSize", "{name};Engine:51-255,Target:0,FileSize:500-600;0;" + a.hex(),
                  BIN_HEAD + a + self.fill(520 - 4 - len(a)), BIN_HEAD + a + self.fill(700), ext="ldb")
        a, b, c, subs, subs2 = m3()
        self.case("LdbEof", "{name};Engine:51-255,Target:0;0&1;%s;EOF-%d:%s" % (a.hex(), len(b), b.hex()),
                  f(a, pad=100) + b, f(a + b + self.fill(3)), ext="ldb")
        for kind, word, mod in (("LdbNocase", b"Malicious", "i"), ("LdbWide", b"Widechar", "w"),
                                ("LdbWideAscii", b"Bothways", "wa"), ("LdbFullword", b"Wordonly", "f")):
            wide = b"".join(bytes([ch, 0]) for ch in word)
            hexw = (word.lower() if mod == "i" else word).hex()
            sig = "{name};Engine:81-255,Target:0;0;%s::%s" % (hexw, mod)
            if mod == "i":
                self.case(kind, sig, f(word.upper()), f(word.upper().replace(b"I", b"1")), ext="ldb")
            elif mod == "w":
                self.case(kind, sig, f(wide), f(word), ext="ldb")
            elif mod == "wa":
                self.case(kind, sig, [f(wide), f(word)], f(word[:-1]), ext="ldb")
            else:
                self.case(kind, sig, f(b" " + word + b" "), f(b"x" + word + b"x"), ext="ldb")

    def pcre(self):
        """PCRE subsignatures: the manual's offset rules and flags."""
        f, head = self.binfile, len(BIN_HEAD) + 200

        def rx(b):
            return "".join("\\x%02x" % c for c in b)

        def sig(kind, expr, pcre):
            return "{name};Engine:81-255,Target:0;%s;%s;%s" % (expr, kind.hex(), pcre)
        a, b = self.marker(8), self.marker(8)
        self.case("PcreClass", sig(a, "0&1", "0/%s[0-9]{3}x/" % rx(b)),
                  f(a + self.fill(20) + b + b"123x"), f(a + b + b"12zx"), ext="ldb")
        a, b = self.marker(8), self.marker(8)
        self.case("PcreGlobal", sig(a, "0&(1=2)", "0/%s/g" % rx(b)),
                  f(a + b + self.fill(9) + b), f(a + b + b + self.fill(3) + b), ext="ldb")
        a, b = self.marker(8), self.marker(8)
        self.case("PcreFirstOnly", sig(a, "0&(1=1)", "0/%s/" % rx(b)),
                  f(a + b + self.fill(9) + b), f(a + self.fill(9)), ext="ldb")
        a, b = self.marker(8), self.marker(8)
        self.case("PcreAnchored", sig(a, "0&1", "%d:0/%s/" % (head, rx(b))),
                  f(b + self.fill(10) + a), f(self.fill(1) + b + a), ext="ldb")
        a, b = self.marker(8), self.marker(8)
        self.case("PcreRolling", sig(a, "0&1", "%d:0/%s/r" % (head, rx(b))),
                  f(self.fill(30) + b + a), BIN_HEAD + b + self.fill(300) + a, ext="ldb")
        a, b = self.marker(8), self.marker(8)
        self.case("PcreShift", sig(a, "0&1", "%d,40:0/%s/" % (head, rx(b))),
                  f(self.fill(40) + b + a), f(self.fill(41) + b + a), ext="ldb")
        a, b = self.marker(8), self.marker(8)
        self.case("PcreEncompass", sig(a, "0&1", "%d,40:0/%s/e" % (head, rx(b))),
                  f(self.fill(32) + b + a), f(self.fill(33) + b + a), ext="ldb")
        a = self.marker(8)
        word = bytes(self.r.choice(b"bcdfghjklmnpqrstvwxz") for _ in range(10))
        self.case("PcreCaseless", sig(a, "0&1", "0/%s/i" % word.decode()),
                  f(a + word.upper()), f(a + word.upper()[:-1]), ext="ldb")
        a, b = self.marker(8), self.marker(8)
        self.case("PcreDotall", sig(a, "0&1", "0/%s.x/s" % rx(b)),
                  f(a + b + b"\nx"), f(a + b + b"\n\nx"), ext="ldb")

    def zipped(self, entries, extra=()):
        """A zip of (name, bytes) entries, after the extra ones."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
            for name, body in list(extra) + list(entries):
                z.writestr(name, body)
        return out.getvalue()

    def mail(self, *bodies):
        parts = "".join(
            "--XX\r\nContent-Type: application/octet-stream\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "Content-Disposition: attachment; filename=\"r%d.bin\"\r\n\r\n%s\r\n"
            % (i, base64.encodebytes(b).decode()) for i, b in enumerate(bodies))
        return ("From: a@example.org\r\nTo: b@example.org\r\nSubject: report\r\n"
                "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
                "--XX\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + parts + "--XX--\r\n").encode()

    def containers(self):
        """Container and Intermediates: the types of what holds the file."""
        f, zp = self.binfile, self.zipped

        def sig(block, m):
            return "{name};Engine:81-255,%s,Target:0;0;%s" % (block, m.hex())
        m = self.marker()
        self.case("ContainerZip", sig("Container:CL_TYPE_ZIP", m),
                  zp([("a.bin", f(m))]), [f(m), self.mail(f(m))], ext="ldb")
        m = self.marker()
        self.case("ContainerMail", sig("Container:CL_TYPE_MAIL", m),
                  self.mail(f(m)), [f(m), zp([("a.bin", f(m))])], ext="ldb")
        m = self.marker()
        self.case("ContainerNone", sig("Container:CL_TYPE_ANY", m),
                  f(m), self.mail(f(m)), ext="ldb")
        m = self.marker()
        self.case("IntermediatesZipZip", sig("Intermediates:CL_TYPE_ZIP>CL_TYPE_ZIP", m),
                  zp([("in.zip", zp([("a.bin", f(m))]))]), zp([("a.bin", f(m))]), ext="ldb")
        m = self.marker()
        self.case("IntermediatesAny", sig("Intermediates:CL_TYPE_ANY>CL_TYPE_ZIP", m),
                  self.mail(zp([("a.bin", f(m))])), zp([("a.bin", f(m))]), ext="ldb")
        m = self.marker()
        body = f(m)  # the same object in a mail, then in a zip in that mail
        self.case("ContainerSeenTwice", sig("Container:CL_TYPE_ZIP", m),
                  self.mail(body, zp([("a.bin", body)])), self.mail(body, body), ext="ldb")
        m = self.marker()
        ct = ("[Content_Types].xml", b'<?xml version="1.0"?><Types xmlns='
              b'"http://schemas.openxmlformats.org/package/2006/content-types"/>')
        self.case("ContainerOoxml", sig("Container:CL_TYPE_OOXML_WORD", m),
                  [zp([("word/document.xml", f(m))], [ct]), zp([("word/x.bin", f(m))])],
                  zp([("wordy/document.xml", f(m))], [ct]), ext="ldb")

    def lists(self):
        m = self.marker()
        body = self.binfile(m)
        nm = self.name("Allowed")
        self.sigs["ndb"].append("%s:0:*:%s" % (nm, m.hex()))
        self.sigs["fp"].append("%s:%d:AllowMe" % (hashlib.md5(body).hexdigest(), len(body)))
        self.files[nm + "-allowlisted"] = body
        self.expect[nm + "-allowlisted"] = set()
        other = self.binfile(m)
        self.files[nm + "-other"] = other
        self.expect[nm + "-other"] = {nm}
        m2 = self.marker()
        nm2 = self.name("Ignored")
        self.sigs["ndb"].append("%s:0:*:%s" % (nm2, m2.hex()))
        self.sigs["ign2"].append(nm2)
        self.files[nm2 + "-file"] = self.binfile(m2)
        self.expect[nm2 + "-file"] = set()

    def decoys(self, n=300):
        for _ in range(n):
            self.sigs["hdb"].append("%032x:%d:Vigil.Parity.DecoyHash" % (
                self.r.getrandbits(128), self.r.randrange(10, 5000)))
            self.sigs["ndb"].append("Vigil.Parity.Decoy:0:*:%s" % self.marker(16).hex())


def generate(elf_bytes, seed=7):
    g = Gen(seed)
    g.syntax()
    g.classes()
    g.offsets()
    g.targets(elf_bytes)
    g.hashes()
    g.logical()
    g.pcre()
    g.containers()
    g.lists()
    g.decoys()
    return g
