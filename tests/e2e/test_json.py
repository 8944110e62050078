"""Every JSON document the programs write is valid JSON whatever bytes
the names in it hold: member names inside archives (Latin-1 in old zips),
file names, paths of databases and rule sets, a client's request. Invalid
UTF-8 comes out as U+FFFD, never raw. (The shield's documents are tested
in test_shield.py, where a shield runs.)"""
import io
import json
import os
import zipfile

from conftest import VIGIL, run
from daemon import EICAR, make_db

LATIN1 = b"caf\xe9"  # "cafe" with an e-acute, in Latin-1: invalid UTF-8


def latin1_zip(path):
    """A zip whose member is named caf\\xe9.com in raw Latin-1 (no UTF-8
    flag), as old Windows tools wrote them, holding EICAR."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("cafX.com", EICAR)
    data = buf.getvalue()
    assert data.count(b"cafX.com") == 2  # local header and directory
    path.write_bytes(data.replace(b"cafX.com", LATIN1 + b".com"))


def lines_of(out):
    """Every line is one JSON document; strict UTF-8."""
    docs = []
    for line in out.splitlines():
        line.decode("utf-8")  # raises on invalid UTF-8
        docs.append(json.loads(line))
    return docs


def scan_json(*args):
    res = run_bytes([VIGIL, "scan", "--json", "--no-cache"] + list(args))
    return res.returncode, lines_of(res.stdout)


def run_bytes(argv):
    import subprocess
    return subprocess.run(argv, capture_output=True, timeout=300)


def test_scan_json_with_latin1_member_and_file_names(tmp_path):
    db = make_db(str(tmp_path / "db"))
    d = tmp_path / "files"
    d.mkdir()
    latin1_zip(d / "old.zip")
    bad_name = os.path.join(os.fsencode(str(d)), LATIN1 + b".txt")
    with open(bad_name, "wb") as f:
        f.write(EICAR)
    rc, docs = scan_json("-d", db, str(d))
    assert rc == 1
    results = {doc["path"]: doc for doc in docs if "path" in doc}
    z = results[str(d / "old.zip")]
    assert z["status"] == "FOUND"
    assert z["found"] == [{"name": "Eicar-Signature",
                           "object": str(d / "old.zip") + "//caf\ufffd.com"}]
    f = results[str(d) + "/caf\ufffd.txt"]
    assert f["found"][0]["name"] == "Eicar-Signature"
    assert docs[-1]["summary"]["infected_files"] == 2


def test_scan_json_error_with_latin1_path(tmp_path):
    db = make_db(str(tmp_path / "db"))
    missing = os.path.join(os.fsencode(str(tmp_path)), LATIN1)
    rc, docs = scan_json("-d", db, missing)
    assert rc == 2
    assert docs[0] == {"path": str(tmp_path) + "/caf\ufffd",
                       "status": "ERROR",
                       "error": "No such file or directory"}


def test_db_info_json_with_latin1_path(tmp_path):
    src = tmp_path / "sigs.ndb"
    src.write_text("X:0:*:41414141\n")
    vdb = os.path.join(os.fsencode(str(tmp_path)), LATIN1 + b".vdb")
    assert run([VIGIL, "db", "compile", "--no-matcher", str(src), "-o",
                os.fsdecode(vdb)]).rc == 0
    res = run_bytes([VIGIL, "db", "info", "--json", vdb])
    assert res.returncode == 0, res.stderr
    doc, = lines_of(res.stdout)
    assert doc["file"] == str(tmp_path) + "/caf\ufffd.vdb"
    assert doc["body"] == 1 and len(doc["checksum"]) == 16
