"""Every JSON document the programs write is checked against its schema
in docs/schema/ (python3-jsonschema), on outputs that exercise each field:
vigil scan --json (clean, found with a path inside an archive, warnings,
limits, errors, the summary), vigil db info --json, vigil yara --json,
vigil quarantine --json."""
import json
import os
import zipfile

import pytest
from jsonschema import Draft202012Validator

from conftest import VIGIL, run

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
EICAR = (rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
         rb"!$H+H*")


def validator(name):
    with open(os.path.join(ROOT, "docs", "schema", name)) as f:
        schema = json.load(f)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def check(name, lines):
    v = validator(name)
    docs = [json.loads(l) for l in lines if l.strip()]
    assert docs
    for d in docs:
        errors = sorted(v.iter_errors(d), key=str)
        assert not errors, (d, [e.message for e in errors])
    return docs


@pytest.fixture
def tree(tmp_path):
    db = tmp_path / "e.ndb"
    db.write_text("Eicar:0:*:%s\n" % EICAR.hex())
    d = tmp_path / "t"
    d.mkdir()
    (d / "eicar.com").write_bytes(EICAR)
    (d / "clean.txt").write_text("nothing\n")
    with zipfile.ZipFile(d / "in.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("deep/eicar.com", EICAR)
        z.writestr("big.bin", b"\0" * 4096)
    return db, d


def test_scan_json(tree, tmp_path):
    db, d = tree
    r = run([VIGIL, "scan", "--json", "-z", "-d", db, "--max-filesize=1K",
             d, tmp_path / "missing"])
    docs = check("scan-result.schema.json", r.out.splitlines())
    status = {x.get("status") for x in docs}
    assert {"OK", "FOUND", "ERROR", None} <= status  # None: the summary
    found = [x for x in docs if x.get("path", "").endswith("in.zip")]
    assert any(f["object"].endswith("in.zip//deep/eicar.com")
               for f in found[0]["found"])


def test_db_info_json(tree, tmp_path):
    db, _ = tree
    out = tmp_path / "e.vdb"
    assert run([VIGIL, "db", "compile", db, "-o", out]).rc == 0
    r = run([VIGIL, "db", "info", "--json", out])
    (doc,) = check("db-info.schema.json", r.out.splitlines())
    assert doc["body"] == 1 and doc["sources"] == "e.ndb"


def test_yara_json(tree, tmp_path):
    _, d = tree
    rules = tmp_path / "r.yar"
    rules.write_text('import "dotnet"\n'
                     'rule r : t1 { meta: a = "b" n = -3 f = true '
                     'strings: $s = "EICAR" condition: $s }\n'
                     'rule d { condition: dotnet.is_dotnet }\n')
    r = run([VIGIL, "yara", "--json", "-s", "-m", "-g", rules, d])
    docs = check("yara-result.schema.json", r.out.splitlines())
    assert any(x["matches"] for x in docs)


def test_quarantine_json(tree, tmp_path):
    db, d = tree
    store = tmp_path / "store"
    r = run([VIGIL, "scan", "--no-summary", "-d", db,
             "--quarantine=%s" % store, d / "eicar.com"])
    assert r.rc == 1, r.err
    r = run([VIGIL, "quarantine", "--dir", store, "--json", "list"])
    (doc,) = check("quarantine-entry.schema.json", r.out.splitlines())
    r = run([VIGIL, "quarantine", "--dir", store, "--json", "show",
             doc["id"]])
    check("quarantine-entry.schema.json", r.out.splitlines())
