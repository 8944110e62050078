"""ClamAV containers made for the tests: a .cvd with its .info (sizes,
SHA-256 and the header repeated, as a signed container carries it), and
ClamAV 1.5's detached NAME-VERSION.cvd.sign signatures made with openssl
under a test certificate authority."""
import gzip
import hashlib
import io
import subprocess
import tarfile


def openssl(*args, cwd):
    subprocess.run(["openssl"] + [str(a) for a in args], cwd=cwd, check=True,
                   capture_output=True, timeout=60)


def make_ca(d, name):
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
            name + ".key", "-out", name + ".crt", "-subj", "/CN=" + name,
            "-days", "2", "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign", cwd=d)


def make_signer(d, ca):
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "s.key",
            "-out", "s.csr", "-subj", "/CN=Database Signer", cwd=d)
    openssl("x509", "-req", "-in", "s.csr", "-CA", ca + ".crt", "-CAkey",
            ca + ".key", "-CAcreateserial", "-out", "s.crt", "-days", "2",
            cwd=d)


def make_cvd(version=7, files=None, stime=1795600000):
    """A .cvd of files (name: bytes; one body signature by default) with
    the .info a signed container carries (sizes, SHA-256, its header
    repeated), its header signature no key's."""
    files = files or {
        "test.ndb": b"Cvd.Sign.Test:0:*:7369676e65642d6376642d626f6479\n"}
    head = "%s:%d:%d:216" % ("02 Dec 2026 10-00 +0000", version, len(files))
    info = "ClamAV-VDB:%s:x:x:test:%d\n" % (head, stime) + "".join(
        "%s:%d:%s\n" % (n, len(b), hashlib.sha256(b).hexdigest())
        for n, b in files.items()) + "DSIG:none\n"
    tar = io.BytesIO()
    with tarfile.open(fileobj=tar, mode="w", format=tarfile.GNU_FORMAT) as t:
        for name, body in [("x.info", info.encode())] + list(files.items()):
            entry = tarfile.TarInfo(name)
            entry.size = len(body)
            t.addfile(entry, io.BytesIO(body))
    gz = gzip.compress(tar.getvalue())
    hdr = "ClamAV-VDB:%s:%s:nosig:test:%d" % (
        head, hashlib.md5(gz).hexdigest(), stime)
    return hdr.encode().ljust(512, b" ") + gz


def sign(d, cvd, out):
    openssl("smime", "-sign", "-binary", "-in", cvd, "-signer", "s.crt",
            "-inkey", "s.key", "-outform", "PEM", "-out", "p7.pem", cwd=d)
    body = "".join(l for l in (d / "p7.pem").read_text().splitlines()
                   if "PKCS7" not in l)
    out.write_text("#clamsign-1.0\n# a comment\n220::pkcs7-pem:%s\n" % body)
