"""Authenticode-signed PE images for the .crb tests, made here with the
openssl and osslsigncode programs: a test CA, an intermediate and a code
signer, images signed by them, and the .crb lines that name each
certificate as ClamAV does (SHA-1 of the subject name's DER content and of
the serial number's bytes, the RSA modulus)."""
import hashlib
import struct
import subprocess

EXT = """[ca]
basicConstraints=critical,CA:TRUE
keyUsage=critical,keyCertSign,cRLSign
[leaf]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=codeSigning
[tsa]
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=critical,timeStamping
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

    def sign_catalog(self, cat, out, signer="leaf"):
        """A catalog (DER bytes) signed by a code signer, with its chain."""
        chain = self.d / "chain.pem"
        chain.write_bytes(self.inter.read_bytes() + self.ca.read_bytes())
        src = self.d / "unsigned.cat"
        src.write_bytes(cat)
        run("osslsigncode", "sign", "-certs", self.d / (signer + ".pem"), "-ac", chain,
            "-key", self.d / (signer + ".key"), "-h", "sha256", "-in", src, "-out", out)


# ------------------------------------------------ legacy countersignatures
def _len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def _tlv(tag, content):
    return bytes([tag]) + _len(len(content)) + content


def _oid(dotted):
    p = [int(x) for x in dotted.split(".")]
    out = bytes([40 * p[0] + p[1]])
    for v in p[2:]:
        enc = [v & 0x7f]
        v >>= 7
        while v:
            enc.append(0x80 | (v & 0x7f))
            v >>= 7
        out += bytes(reversed(enc))
    return _tlv(0x06, out)


def _tree(buf, start, end):
    """[(tag, header, content or children)] of the DER objects in buf."""
    out = []
    while start < end:
        tag, c, e = _der(buf, start)
        kids = _tree(buf, c, e) if tag & 0x20 else None
        out.append([tag, buf[c:e] if kids is None else kids])
        start = e
    return out


def _enc(node):
    tag, v = node
    return _tlv(tag, v if isinstance(v, (bytes, bytearray)) else b"".join(_enc(k) for k in v))


def countersign(d, signed, out, tsa, when):
    """signed (a PE osslsigncode signed) with an Authenticode timestamp of
    the old kind added: a PKCS #9 countersignature by the certificate tsa
    (its key tsa.key beside it), dated when (YYMMDDhhmmssZ), and tsa
    itself among the signature's certificates."""
    for f in (d / "sig.der", d / "plain.exe", out):
        if f.exists():  # osslsigncode writes no file that exists
            f.unlink()
    run("osslsigncode", "extract-signature", "-in", signed, "-out", d / "sig.der")
    der = (d / "sig.der").read_bytes()
    root = _tree(der, 0, len(der))[0]           # ContentInfo
    sd = root[1][1][1][0]                       # [0] -> SignedData
    certs = next(k for k in sd[1] if k[0] == 0xa0)
    si = [k for k in sd[1] if k[0] == 0x31][-1][1][0]  # the SignerInfo
    enc_digest = next(k for k in si[1] if k[0] == 0x04)[1]
    tsa_der = subprocess.run(["openssl", "x509", "-in", str(tsa), "-outform", "DER"],
                             check=True, capture_output=True).stdout
    tbs = _tree(tsa_der, 0, len(tsa_der))[0][1][0][1]
    tbs = tbs[1:] if tbs[0][0] == 0xa0 else tbs
    issuer_serial = _tlv(0x30, _enc(tbs[2]) + _enc(tbs[0]))
    sha256 = _tlv(0x30, _oid("2.16.840.1.101.3.4.2.1") + b"\x05\x00")
    attrs = (_tlv(0x30, _oid("1.2.840.113549.1.9.3") + _tlv(0x31, _oid("1.2.840.113549.1.7.1"))) +
             _tlv(0x30, _oid("1.2.840.113549.1.9.5") + _tlv(0x31, _tlv(0x17, when.encode()))) +
             _tlv(0x30, _oid("1.2.840.113549.1.9.4") +
                  _tlv(0x31, _tlv(0x04, hashlib.sha256(enc_digest).digest()))))
    (d / "attrs.der").write_bytes(_tlv(0x31, attrs))
    run("openssl", "dgst", "-sha256", "-sign", str(tsa)[:-4] + ".key", "-out",
        d / "attrs.sig", d / "attrs.der")
    csi = _tlv(0x30, b"\x02\x01\x01" + issuer_serial + sha256 + _tlv(0xa0, attrs) +
               _tlv(0x30, _oid("1.2.840.113549.1.1.1") + b"\x05\x00") +
               _tlv(0x04, (d / "attrs.sig").read_bytes()))
    unauth = _tlv(0xa1, _tlv(0x30, _oid("1.2.840.113549.1.9.6") + _tlv(0x31, csi)))
    si[1] = [k for k in si[1] if k[0] != 0xa1] + _tree(unauth, 0, len(unauth))
    certs[1].append(_tree(tsa_der, 0, len(tsa_der))[0])
    (d / "sig2.der").write_bytes(_enc(root))
    plain = d / "plain.exe"
    run("osslsigncode", "remove-signature", "-in", signed, "-out", plain)
    # it checks what it attached and fails on the expired signer: the
    # file is written all the same
    subprocess.run(["osslsigncode", "attach-signature", "-sigin", str(d / "sig2.der"),
                    "-in", str(plain), "-out", str(out)], capture_output=True)
    assert out.exists()


# ------------------------------------------------ signed catalogs (.cat)
def _seq(*c):
    return _tlv(0x30, b"".join(c))


def _set(*c):
    return _tlv(0x31, b"".join(c))


_DIGEST_OID = {"sha1": "1.3.14.3.2.26", "sha256": "2.16.840.1.101.3.4.2.1"}


def authenticode_digest(img, algo):
    """The Authenticode digest of a PE image without a certificate table:
    every byte but the checksum and the security directory entry."""
    opt = struct.unpack_from("<I", img, 0x3c)[0] + 24
    ck = opt + 64
    de = opt + (112 if struct.unpack_from("<H", img, opt)[0] == 0x20b else 96) + 4 * 8
    return hashlib.new(algo, img[:ck] + img[ck + 4:de] + img[de + 8:]).digest()


def catalog_member(digest, algo):
    """A catalog member vouching for a PE image with this digest."""
    spc = _seq(_seq(_oid("1.3.6.1.4.1.311.2.1.15"),
                    _seq(b"\x03\x01\x00", _tlv(0xa0, _tlv(0xa2, _tlv(0x80, b""))))),
               _seq(_seq(_oid(_DIGEST_OID[algo]), b"\x05\x00"), _tlv(0x04, digest)))
    return _seq(_tlv(0x04, digest.hex().upper().encode("utf-16-le")),
                _set(_seq(_oid("1.3.6.1.4.1.311.2.1.4"), _set(spc))))


def catalog(members):
    """An unsigned catalog: PKCS #7 SignedData (no signer yet) whose content
    is a certificate trust list of the members, as makecat writes it."""
    ctl = _seq(_seq(_oid("1.3.6.1.4.1.311.12.1.1")), _tlv(0x04, b"\x01" * 16),
               _tlv(0x17, b"261202000000Z"),
               _seq(_oid("1.3.6.1.4.1.311.12.1.2"), b"\x05\x00"), _seq(*members))
    sd = _seq(b"\x02\x01\x01", _set(), _seq(_oid("1.3.6.1.4.1.311.10.1"), _tlv(0xa0, ctl)),
              _set())
    return _seq(_oid("1.2.840.113549.1.7.2"), _tlv(0xa0, sd))
