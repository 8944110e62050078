"""vigil scan --quarantine and vigil quarantine: files found infected are
taken out of place into an encrypted store (no scanner finds them there,
clamscan included), listed with their detection and original path, put
back exactly (bytes, mode, owner, times), deleted, purged; the store keeps
to its size cap by dropping the oldest; a damaged entry is never restored."""
import json
import os
import pwd

import pytest

from conftest import VIGIL, run

EICAR = (rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
         rb"!$H+H*")


@pytest.fixture
def setup(tmp_path):
    db = tmp_path / "e.ndb"
    db.write_text("Eicar:0:*:%s\n" % EICAR.hex())
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    files = {}
    for i, rel in enumerate(("a.com", "sub/b.com", "sub/c.com")):
        p = tree / rel
        p.write_bytes(EICAR + b"\n" * i)
        os.chmod(p, 0o640)
        os.utime(p, ns=(1_500_000_000_000_000_000 + i,
                        1_600_000_000_123_456_789 + i))
        files[rel] = p
    (tree / "clean.txt").write_text("nothing\n")
    return db, tree, files, tmp_path / "store"


def q(store, *args):
    return run([VIGIL, "quarantine", "--dir", str(store)] +
               [str(a) for a in args])


def entries(store):
    r = q(store, "--json", "list")
    assert r.rc == 0, r.err
    return [json.loads(l) for l in r.out.splitlines()]


def test_scan_takes_files_into_an_encrypted_store(setup, clamscan):
    db, tree, files, store = setup
    nobody = pwd.getpwnam("nobody")
    os.chown(files["a.com"], nobody.pw_uid, nobody.pw_gid)
    before = {rel: (p.read_bytes(), os.stat(p)) for rel, p in files.items()}
    r = run([VIGIL, "scan", "--no-summary", "-d", db,
             "--quarantine=%s" % store, tree])
    assert r.rc == 1, r.err
    assert r.out.count(": quarantined as ") == 3
    assert not any(p.exists() for p in files.values())
    assert (tree / "clean.txt").exists()
    assert os.stat(store).st_mode & 0o777 == 0o700
    assert os.stat(store / "key").st_mode & 0o777 == 0o600
    got = entries(store)
    assert sorted(e["path"] for e in got) == \
        sorted(str(p) for p in files.values())
    assert {e["detection"] for e in got} == {"Eicar"}
    # nothing of the file is left readable: no scanner finds it there
    for f in os.listdir(store):
        assert EICAR not in (store / f).read_bytes()
    r = clamscan("--no-summary", "-d", db, "-r", store)
    assert r.rc == 0, r.out
    # restored exactly: bytes, mode, owner, times
    for e in got:
        r = q(store, "restore", e["id"])
        assert r.rc == 0, r.err
    for rel, p in files.items():
        data, st = before[rel]
        now = os.stat(p)
        assert p.read_bytes() == data
        assert (now.st_mode, now.st_uid, now.st_gid, now.st_mtime_ns) == \
            (st.st_mode, st.st_uid, st.st_gid, st.st_mtime_ns)
    assert entries(store) == []


def test_restore_never_replaces_and_damage_is_refused(setup):
    db, tree, files, store = setup
    run([VIGIL, "scan", "--no-summary", "-d", db, "--quarantine=%s" % store,
         files["a.com"]])
    (e,) = entries(store)
    files["a.com"].write_text("a new file in its place\n")
    r = q(store, "restore", e["id"])
    assert r.rc == 2 and "exists" in r.err
    elsewhere = tree / "restored.com"
    vq = store / (e["id"] + ".vq")
    good = vq.read_bytes()
    vq.write_bytes(good[:-5] + bytes(b ^ 1 for b in good[-5:]))
    r = q(store, "restore", e["id"], "--to", elsewhere)
    assert r.rc == 2 and not elsewhere.exists()
    assert not [f for f in os.listdir(tree) if f.startswith(".vigil-")]
    vq.write_bytes(good)
    r = q(store, "restore", e["id"], "--to", elsewhere)
    assert r.rc == 0 and elsewhere.read_bytes() == EICAR
    r = q(store, "show", e["id"])
    assert r.rc == 2 and "no such entry" in r.err


def test_cap_delete_and_purge(setup):
    db, tree, files, store = setup
    for rel in ("a.com", "sub/b.com"):
        r = run([VIGIL, "scan", "--no-summary", "-d", db,
                 "--quarantine=%s" % store, "--quarantine-max=150",
                 files[rel]])
        assert r.rc == 1, r.err
    # two of ~70 bytes fit in 150: the third makes the oldest go
    r = run([VIGIL, "scan", "--no-summary", "-d", db,
             "--quarantine=%s" % store, "--quarantine-max=150",
             files["sub/c.com"]])
    assert r.rc == 1, r.err
    paths = [e["path"] for e in entries(store)]
    assert paths == [str(files["sub/b.com"]), str(files["sub/c.com"])]
    # larger than the cap: left in place, and an error said
    big = tree / "big.com"
    big.write_bytes(EICAR + b"x" * 200)
    r = run([VIGIL, "scan", "--no-summary", "-d", db,
             "--quarantine=%s" % store, "--quarantine-max=150", big])
    assert big.exists() and "more than the quarantine's cap" in r.err
    first = entries(store)[0]["id"]
    assert q(store, "delete", first).rc == 0
    assert len(entries(store)) == 1
    assert q(store, "purge", "--older-than", "1").rc == 0
    assert len(entries(store)) == 1  # not a day old
    assert q(store, "purge").rc == 0 and entries(store) == []
