"""Generated HTML pages that exercise every rule of clamscan's HTML
normalisation (core/htmlnorm.c): tags with attributes quoted every way,
references (named, decimal, hexadecimal, cut short, too large),
multi-byte and 8-bit characters, control bytes, NULs, CR and LF,
comments, scripts and styles, links and images, data: values, and runs
long enough to cross the 8191-byte pieces the page is read in."""
import random

NAMES = ["amp", "lt", "gt", "quot", "nbsp", "eacute", "Eacute", "pi", "Pi",
         "hellip", "euro", "AMP", "bogus", "thetasym", "yuml", "copy",
         "trade", "rang", "lang", "aacgr", "ohm", "boxh", "Jsercy", "period",
         "epsi", "angst"]
WORDS = [b"Hello", b"WORLD", b"eval", b"document.write", b"unescape", b"x",
         b"Foo-Bar_9", b"http://Evil.example/a?b=C&d=e"]
EIGHT = [b"\xc3\xa9", b"\xe9", b"\xe3\x80\x82", b"\xef\xbc\x8e", b"\xa1C",
         b"\xa1x", b"\xf0\x9f\x98\x80", b"\xe2\x82\xac", b"\x80\x81\x82\x83",
         b"\xc3"]
VALUES = [b"x", b"Foo Bar", b"http://A.b/C", b"a'b", b'a"b', b'a\\"b',
          b"data:text/html;base64,PGI+", b"DATA:x,y", b"data:,a%41b&amp;c",
          b"", b"\xc3\xa9t\xe9", b"x&amp;y&#65;"]


class Pages:
    def __init__(self, seed):
        self.r = random.Random(seed)

    def ref(self):
        r = self.r
        k = r.randrange(9)
        if k == 0:
            return b"&" + r.choice(NAMES).encode() + b";"
        if k == 1:
            return b"&#%d;" % r.choice([65, 97, 233, 255, 256, 0, 1, 12290,
                                        65294, 65537, 0x10041, 99999999999])
        if k == 2:
            return b"&#x%x;" % r.choice([0x41, 0xe9, 0x3002, 0xfe52, 0xffff])
        if k == 3:
            return b"&#X4A;"
        if k == 4:
            return b"&" + r.choice(NAMES).encode() + b" "
        return r.choice([b"&#65", b"&;", b"&#99999999999999999999999;",
                         b"&" + r.choice(NAMES).encode()])

    def text(self):
        r, parts = self.r, []
        for _ in range(r.randrange(1, 8)):
            k = r.randrange(10)
            if k < 3:
                parts.append(r.choice(WORDS))
            elif k == 3:
                parts.append(self.ref())
            elif k == 4:
                parts.append(r.choice(EIGHT))
            elif k == 5:
                parts.append(r.choice([b"  \t ", b"\r\n", b"\n\n", b"\x0b"]))
            elif k == 6:
                parts.append(r.choice([b"\x01", b"\x00", b"\x1f", b"\x7f",
                                       b"'", b'"', b"\\", b">", b"="]))
            else:
                parts.append(b" ")
        return b"".join(parts)

    def value(self):
        r = self.r
        v = r.choice(VALUES) + (self.ref() if r.randrange(4) == 0 else b"")
        k = r.randrange(10)
        if k < 3:
            return b'"' + v + b'"'
        if k < 5:
            return b"'" + v + b"'"
        return b'"' + v if k == 5 else v.replace(b" ", b"")

    def tag(self):
        r = self.r
        name = r.choice([b"a", b"A", b"img", b"IMG", b"b", b"div", b"table",
                         b"/a", b"br/", b"%@", b"x" * r.choice([3, 1030])])
        s = b"<" + r.choice([b"", b" "]) + name
        for _ in range(r.randrange(0, 4)):
            an = r.choice([b"href", b"HREF", b"src", b"title", b"y"])
            sep = r.choice([b" ", b"\t", b"\n", b"  "])
            k = r.randrange(5)
            if k == 0:
                s += sep + an
            else:
                s += sep + an + (b" = " if k == 1 else b"=") + self.value()
        return s + r.choice([b">", b" >", b"/>", b""])

    def block(self):
        r = self.r
        k = r.randrange(13)
        if k < 4:
            return self.text()
        if k < 8:
            return self.tag()
        if k == 8:
            return b"<!--" + self.text() + r.choice([b"-->", b" > x -->", b""])
        if k == 9:
            tn = r.choice([b"script", b"SCRIPT", b"style"])
            return (b"<" + tn + b">var A = 'x';\n if (a < b) { x = \"<b>\" }"
                    b" <!-- c --> " + self.text() + b"</" + tn +
                    r.choice([b">", b" >", b" x>"]))
        if k == 10:
            return b"\x00" * r.randrange(1, 5)
        if k == 11:
            return self.prose()
        return b"W" * r.choice([10, 9000, 20000]) + r.choice([b" ", b""])

    def prose(self):
        """Words of any case and length, mostly one space apart, now and
        then two spaces, a line break, a space at the end, a reference or a
        tag: the normaliser takes plain text sixteen bytes at a time, and
        these land at every place in a block of sixteen."""
        r, out = self.r, []
        for _ in range(r.randrange(20, 400)):
            out.append(bytes(r.choice(b"aZbYcXdWeV") for _ in range(
                r.randrange(1, 21))))
            out.append(r.choice([b" "] * 12 + [b"  ", b"\n", b" \n ", b".",
                                               b" &amp; ", b"<b>", b" <i> "]))
        return b"".join(out)

    def page(self):
        r = self.r
        body = b"<html>" + b"".join(self.block()
                                    for _ in range(r.randrange(3, 60)))
        return body * (r.randrange(2, 6) if r.randrange(5) == 0 else 1)


def pages(seed, n):
    """{name: bytes} of n pages."""
    g = Pages(seed)
    return {"p%03d.html" % i: g.page() for i in range(n)}
