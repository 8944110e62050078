"""Mails with links for the phishing checks (test_phishing.py): each case
is an HTML (or plain text) body whose link either shows where it goes or
claims a domain it does not go to, plus the .pdb and .wdb lists they are
checked against."""

PDB = "H:paypal.com\nR:.+\\.amazon\\.(com|co\\.uk)([/?].*)?\n# a comment\n"
WDB = "M:www.paypal-community.com:www.paypal.com\nX:.+\\.amazon\\.de([/?].*)?:.+\\.amazon\\.com([/?].*)?:17-\n"

CASES = {
    "spoof.eml": '<html><body><a href="http://evil.example.net/login">www.paypal.com</a></body></html>',
    "same.eml": '<a href="https://www.paypal.com/x">www.paypal.com</a>',
    "sub.eml": '<a href="http://secure.paypal.com/x">www.paypal.com</a>',
    "unlisted.eml": '<a href="http://evil.example.net/">www.example.org</a>',
    "ssl-listed.eml": '<a href="http://www.paypal.com/">https://www.paypal.com/</a>',
    "ssl-unlisted.eml": '<a href="http://www.example.org/">https://www.example.org/</a>',
    "text.eml": '<a href="http://evil.example.net/">click here to sign in</a>',
    "img.eml": '<a href="http://evil.example.net/"><img src="http://www.paypal.com/logo.gif"></a>',
    "form.eml": '<form action="http://evil.example.net/post"><a href="http://www.paypal.com/">PayPal</a></form>',
    "title.eml": '<a href="http://evil.example.net/" title="www.paypal.com">sign in</a>',
    "allowed-m.eml": '<a href="http://www.paypal-community.com/">www.paypal.com</a>',
    "allowed-x.eml": '<a href="http://www.amazon.de/">www.amazon.com</a>',
    "cloak.eml": '<a href="http://evil.example.net%01%00@www.example.org/">www.example.org</a>',
    "spaced.eml": '<a href="http://evil.example.net/">w w w . p a y p a l . c o m</a>',
    "nested.eml": '<a href="http://evil.example.net/">www.<b>pay</b>pal.com</a>',
    "couk.eml": '<a href="http://evil.example.net/">www.amazon.co.uk</a>',
    "couk-ok.eml": '<a href="http://www.amazon.co.uk/">amazon.co.uk</a>',
    "mailto.eml": '<a href="mailto:x@evil.example.net">www.paypal.com</a>',
    "numeric.eml": '<a href="http://1.2.3.4/">www.paypal.com</a>',
    "two-a.eml": '<a href="http://www.paypal.com/">www.paypal.com<a href="http://evil.example.net/">www.paypal.com</a>',
    "area.eml": '<a href="http://evil.example.net/"><area href="http://www.paypal.com/"></a>',
    "x-prefix.eml": '<a href="http://www.amazon.de.evil.example.net/">www.amazon.com</a>',
    "r-suffix.eml": '<a href="http://evil.example.net/">www.amazon.com.example.org</a>',
    "comment.eml": '<!-- <a href="http://evil.example.net/">www.paypal.com</a> --><p>hello</p>',
}
PLAIN = {"plain.eml": '<a href="http://evil.example.net/">www.paypal.com</a>'}


def mail(body, ctype="text/html"):
    return ("From: a@example.com\r\nTo: b@example.com\r\nSubject: test\r\n"
            "MIME-Version: 1.0\r\nContent-Type: %s; charset=us-ascii\r\n\r\n%s\r\n"
            % (ctype, body)).encode()


def attachment(body):
    """The same link in an attached HTML file: not a mail body."""
    return ("From: a@example.com\r\nTo: b@example.com\r\nSubject: test\r\n"
            "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"B\"\r\n\r\n"
            "--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
            "--B\r\nContent-Type: text/html; name=\"page.html\"\r\n"
            "Content-Disposition: attachment; filename=\"page.html\"\r\n\r\n%s\r\n--B--\r\n"
            % body).encode()


def write(root):
    files = root / "files"
    files.mkdir()
    for name, body in CASES.items():
        (files / name).write_bytes(mail(body))
    for name, body in PLAIN.items():
        (files / name).write_bytes(mail(body, "text/plain"))
    (files / "attached.eml").write_bytes(attachment(CASES["spoof.eml"]))
    (root / "p.pdb").write_text(PDB)
    (root / "w.wdb").write_text(WDB)
    (root / "x.ndb").write_text("Nothing:0:*:6e6f7468696e672d6d617463686573\n")
    return files


def sha256(text):
    import hashlib
    return hashlib.sha256(text.encode()).hexdigest()


GDB_CASES = {
    "blocked.eml": '<a href="http://blocked.example.net/x?y=1">click</a>',
    "phish.eml": '<a href="https://user@Phish.Example.ORG/login/page.html">log in</a>',
    "malware.eml": '<a href="http://a.b.example.com/dl">download</a>',
    "allowed.eml": '<a href="http://ok.example.com/">ok</a>',
    "escaped.eml": '<a href="http://blocked.example.net/%2e/x">click</a>',
    "empty.eml": '<a href="http://blocked.example.net/"></a>',
    "none.eml": '<a href="http://fine.example.net/">fine</a>',
    "allowed-only.eml": '<a href="http://safe.example.org/">fine</a>',
}


def write_gdb(root):
    """URL hashes on every list, and mails that reach them by a parent
    domain, a path prefix, an escaped dot segment or nothing."""
    files = root / "gfiles"
    files.mkdir()
    for name, body in GDB_CASES.items():
        (files / name).write_bytes(mail(body))
    (root / "g.gdb").write_text(
        "S:P:%s\nS1:F:%s\nS2:F:%s\nS:F:%s\nS:W:%s\nS1:F:%s\nS:W:%s\n" % (
            sha256("evil.example.net/")[:8], sha256("blocked.example.net/"),
            sha256("phish.example.org/login/"), sha256("example.com/"),
            sha256("ok.example.com/"), sha256("ok.example.com/"),
            sha256("safe.example.org/")))
    return files
