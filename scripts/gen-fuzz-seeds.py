#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/<target>/ (run once; the seeds
are committed). Valid inputs of every construct, and broken ones. The
format parsers' corpora come from scripts/gen-format-seeds.py."""
import gzip
import hashlib
import io
import os
import struct
import sys
import tarfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus")


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def cvd(files, md5_ok=True, gz=True):
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in files:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 0
            t.addfile(info, io.BytesIO(data))
    body = gzip.compress(raw.getvalue(), mtime=0) if gz else raw.getvalue()
    md5 = hashlib.md5(body).hexdigest()
    if not md5_ok:
        md5 = "0" * 32
    hdr = "ClamAV-VDB:25 Nov 2026 10-00 +0000:7:%d:216:%s:sig:fuzz:1795600000" % (
        len(files), md5)
    return hdr.encode().ljust(512, b" ") + body


def main():
    md5 = hashlib.md5(b"hello world\n").hexdigest()
    sha = hashlib.sha256(b"hello world\n").hexdigest()
    put("hashdb", "valid", "%s:12:A\n%s:*:B:73\n%s:12:C:1:250\n" % (md5, sha, md5))
    put("hashdb", "broken", "%s:x:A\nzz:12:B\n%s\n::\n%s:*:D\n" % (md5, sha, md5))
    put("allow", "valid", "%s:12:A\n%s:12:B\n" % (sha, hashlib.sha1(b"x").hexdigest()))
    put("ndb", "valid", "\n".join([
        "A:0:*:41424344", "B:1:0:4d5a", "C:0:EOF-10,5:41424344??45",
        "D:0:*:4142*4344{2}4546{-3}4748{1-}494a{2-9}4b4c",
        "E:7:*:61(62|63)64!(65|66)6768(6969|6a6a)6b6c",
        "F:0:*:(B)4142(L)4344(W)4546(B)", "G:0:5,20:41[1-3]424344",
        "H:3:*:4142(4?|5?5?)4344:17:255", "I:0:*:4?42?343"]) + "\n")
    put("ndb", "broken", "A:0:*:414\nB:0:*:41{5-2}42\nC:0:EP+4:4142\nD:9:*:4142\n"
        "E:0:*:4142!(43|4445)46\nF:0:*:((41|42)\nG:0:*:41*42\nH\n:::\n")
    put("ldb", "valid", "\n".join([
        "A;Target:0;0&1;41414141;42424242",
        "B;Engine:51-255,Target:1,FileSize:10-100;((0|1|2)>2,2)&3;4141;4242;4343;4444",
        "C;Engine:81-255,Target:0;0=0|(1<3);41424344::iwfa;EOF-10:45464748",
        "D;Target:0;(0&1|2)=2;41414141;42424242;43434343"]) + "\n")
    put("ldb", "broken", "A;Target:0;0&2;4141;4242\nB;Target:0;(0&;4141\n"
        "C;Target:0;0;4141::q\nD;Target:0,Container:CL_TYPE_ZIP;0;4141\n"
        "E;Target:0;0&1;4141;0/re/i\nF;Target:0;0>;4141\n")
    put("ign", "valid", "Eicar-Test-Signature\nA:%s\n" % md5)
    put("ign", "broken", "A:zz\n:\nA:B:C\n")
    files = [("COPYING", b"licence\n"), ("f.ndb", b"A:0:*:41424344\n"),
             ("f.hdb", ("%s:12:H\n" % md5).encode())]
    put("cvd", "valid", cvd(files))
    put("cvd", "bad_md5", cvd(files, md5_ok=False))
    put("cvd", "truncated", cvd(files)[:600])
    put("cld", "valid", cvd(files, md5_ok=False))
    put("cld", "plain_tar", cvd(files, gz=False))
    info = ("ClamAV-VDB:x:7:1:216:x:x:x:1\nf.ndb:15:%s\nDSIG:x\n" %
            hashlib.sha256(b"A:0:*:41424344\n").hexdigest()).encode()
    put("cld", "with_info", cvd([("f.info", info), ("f.ndb", b"A:0:*:41424344\n")]))
    put("scan", "text", "hello world ABCDE and AAA BBB CCC key=\n")
    put("scan", "binary", b"\x00MZ\x90" + b"\x00" * 30 + b"PE" + b"ABCDE" + b"XYZZ" * 3)
    put("scan", "html", "<html><script>alert(1)</script></html>")
    put("scan", "elf", b"\x7fELF\x02\x01\x01" + bytes(range(256)))
    put("scan", "wide", "k\0k\0k\0k\0 llll".encode())


if __name__ == "__main__":
    main()
