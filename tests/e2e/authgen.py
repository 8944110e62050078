"""Authenticode-signed PE images for the .crb tests, made here with the
openssl and osslsigncode programs: a test CA, an intermediate and a code
signer, images signed by them, and the .crb lines that name each
certificate as ClamAV does (SHA-1 of the subject name's DER content and of
the serial number's bytes, the RSA modulus)."""
import hashlib
import subprocess

EXT = """[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
[leaf]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
"""


def run(*argv):
    subprocess.run([str(a) for a in argv], check=True, capture_output=True)


def _der(buf, at):
    """(tag, content start, content end) of the DER object at buf[at]."""
    tag, n = buf[at], buf[at + 1]
    at += 2
    if n & 0x80:
        k = n & 0x7f
        n = int.from_bytes(buf[at:at + k], "big")
        at += k
    return tag, at, at + n


def _children(buf, start, end):
    out = []
    while start < end:
        tag, c, e = _der(buf, start)
        out.append((tag, c, e))
        start = e
    return out


def crb_fields(pem):
    """(subject SHA-1, serial SHA-1, modulus hex) of a PEM certificate."""
    der = subprocess.run(["openssl", "x509", "-in", str(pem), "-outform", "DER"],
                         check=True, capture_output=True).stdout
    _, c, e = _der(der, 0)
    _, tc, te = _children(der, c, e)[0]  # tbsCertificate
    f = _children(der, tc, te)
    if f[0][0] == 0xa0:  # [0] version
        f = f[1:]
    serial, subject = f[0], f[4]
    mod = subprocess.run(["openssl", "x509", "-in", str(pem), "-noout", "-modulus"],
                         check=True, capture_output=True, text=True).stdout
    return (hashlib.sha1(der[subject[1]:subject[2]]).hexdigest(),
            hashlib.sha1(der[serial[1]:serial[2]]).hexdigest(),
            mod.strip().split("=", 1)[1])


def crb_line(name, pem, trusted, code=1, time=0, cert=0, serial=True, not_before=0):
    subject, ser, mod = crb_fields(pem)
    return "%s;%d;%s;%s;%s;010001;%d;%d;%d;%d;test\n" % (
        name, trusted, subject, ser if serial else "", mod, code, time, cert, not_before)


class Pki:
    """A CA, an intermediate it issued and a code signer the intermediate
    issued, in dir."""

    def __init__(self, d):
        self.d = d
        (d / "ext.cnf").write_text(EXT)
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", d / "ca.key",
            "-out", d / "ca.pem", "-days", "3650", "-subj", "/CN=Vigil Test Root",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
        self.issue("inter", "ca", "/CN=Vigil Test Intermediate", "ca")
        self.issue("leaf", "inter", "/CN=Vigil Test Signer", "leaf")
        self.ca, self.inter, self.leaf = (d / "ca.pem", d / "inter.pem", d / "leaf.pem")

    def issue_dated(self, name, by, subj, start, end):
        """A code signer valid from start to end (YYYYMMDDhhmmssZ)."""
        d = self.d
        (d / "ca.cnf").write_text(
            "[ca]\ndefault_ca=t\n[t]\ndatabase=%s\nnew_certs_dir=%s\nserial=%s\n"
            "default_md=sha256\npolicy=p\n[p]\ncommonName=supplied\n"
            % (d / "index.txt", d, d / "serial"))
        (d / "index.txt").write_text("")
        (d / "serial").write_text("1000\n")
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", d / (name + ".key"),
            "-out", d / (name + ".csr"), "-subj", subj)
        run("openssl", "ca", "-batch", "-config", d / "ca.cnf", "-cert", d / (by + ".pem"),
            "-keyfile", d / (by + ".key"), "-in", d / (name + ".csr"), "-out",
            d / (name + ".pem"), "-startdate", start, "-enddate", end,
            "-extfile", d / "ext.cnf", "-extensions", "leaf", "-notext")
        return d / (name + ".pem")

    def issue(self, name, by, subj, ext):
        d = self.d
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", d / (name + ".key"),
            "-out", d / (name + ".csr"), "-subj", subj)
        run("openssl", "x509", "-req", "-in", d / (name + ".csr"), "-CA", d / (by + ".pem"),
            "-CAkey", d / (by + ".key"), "-CAcreateserial", "-out", d / (name + ".pem"),
            "-days", "3650", "-extfile", d / "ext.cnf", "-extensions", ext)

    def sign(self, image, out, digest="sha256", signer="leaf"):
        """image signed by a code signer, with the chain up to the root."""
        chain = self.d / "chain.pem"
        chain.write_bytes(self.inter.read_bytes() + self.ca.read_bytes())
        src = self.d / "unsigned.exe"
        src.write_bytes(image)
        run("osslsigncode", "sign", "-certs", self.d / (signer + ".pem"), "-ac", chain,
            "-key", self.d / (signer + ".key"), "-h", digest, "-in", src, "-out", out)
