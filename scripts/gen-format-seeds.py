#!/usr/bin/python3
"""gen-format-seeds.py [FUZZDIR] -- writes the seed corpora of the format
fuzz targets (FUZZDIR/corpus/<format>/, default fuzz/) from the builders in
tests/formatgen.py: for each format a small sample carrying the ABCDE
pattern that fuzz_scan.c's signatures look for, nested and truncated
variants. Needs the archivers of `scripts/deps.sh test`. The seeds are
committed; rerun this when a builder changes."""
import hashlib
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests"))
import au3gen  # noqa: E402
import formatgen as fg  # noqa: E402
import packgen  # noqa: E402

PAYLOAD = b"ABCDE hello world <script> kkkkllll " + bytes(range(64))


def seeds():
    """format -> list of seed bytes; each is also given cut in half."""
    p = PAYLOAD
    return {
        "archive": [fg.zip_of(p), fg.zip_of(fg.zip_of(p), "inner.zip"),
                    fg.tar_of(p), fg.tar_of(p, mode="w:gz"), fg.sevenzip(p),
                    fg.cpio(p), fg.cpio(p, "odc"), fg.zip_deflate64(p), fg.cab(p),
                    fg.rar4(p)],
        "compressed": [fg.gz(p), fg.bzip(p), fg.xz(p), fg.lzma_alone(p),
                       fg.zstd(p), fg.gz(fg.gz(p))],
        "arj": [fg.arj(p, m) for m in ("0", "1", "4")],
        "mspack": [fg.szdd(p), fg.kwaj(p), fg.cab(p)],
        "mail": [fg.mime(p), fg.mime_qp(p), fg.uuencode(p)],
        "binhex": [fg.binhex(p)],
        "html": [fg.html(p)],
        "rtf": [fg.rtf(p)],
        "pdf": [fg.pdf(p, f) for f in ("FlateDecode", "ASCIIHexDecode",
                                       "ASCII85Decode", "LZWDecode",
                                       "RunLengthDecode")],
        "ole2": [fg.ole2_package(p)],
        "tnef": [fg.tnef(p)],
        "sis": [fg.sis(p)],
        "pe": [fg.pe(sections=(("data", p),)), fg.upx_pe(p), fg.nsis(p),
               fg.elf(p), fg.elf(p, is64=False, be=True), fg.macho(p),
               fg.macho(p, lc_main=True), fg.pe_sfx(p), fg.upx_elf(p),
               fg.pe_resource(p),
               fg.installshield(p), fg.iscab_setup(p, chunk=16), fg.embedded_pe(fg.pe(sections=(("d", p),))),
               fg.pe(body=au3gen.archive("5", [("p.bin", p, True)])),
               fg.pe(body=au3gen.archive("6", [("p.bin", p, True), ("q", p, False)])),
               fg.pe_resource(au3gen.archive("6", [("p.bin", p, True)])),
               fg.pe(body=au3gen.archive("6", [], script=au3gen.tokens(
                   [[("kw", 28), ("var", "A"), ("op", "="), ("str", "ABCDE"),
                     ("op", "&"), ("int", 7), ("double", 0.5)]]))),
               packgen.wwpack_pe(fg.zip_of(p)), packgen.petite_pe(p),
               packgen.petite_pe(p, key=False),
               packgen.aspack_pe(b"\xe8\x01\x00\x00\x00" + p, version="2.12"),
               packgen.aspack_pe(p + p, version="2.42"),
               packgen.mew_pe(p + bytes(32)),
               packgen.mew_pe(p, use_lzma="special", calls=8),
               packgen.pespin_pe(p), packgen.upack_pe(b"\xe8\x01\0\0\0" + p, fixes=1),
               packgen.fsg_pe(p)],
    }


def main():
    top = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(__file__), "..", "fuzz")
    for fmt, datas in seeds().items():
        d = os.path.join(top, "corpus", fmt)
        os.makedirs(d, exist_ok=True)
        for old in os.listdir(d):  # earlier generations; crash-* files stay
            if len(old) == 16 and all(ch in "0123456789abcdef" for ch in old):
                os.unlink(os.path.join(d, old))
        for data in datas:
            for seed in (data, data[:len(data) // 2]):
                name = hashlib.sha1(seed).hexdigest()[:16]
                with open(os.path.join(d, name), "wb") as f:
                    f.write(seed)
        print("%s: %d seeds" % (fmt, len(os.listdir(d))))


if __name__ == "__main__":
    main()
