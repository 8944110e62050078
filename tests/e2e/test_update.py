"""vigil-repo and vigil update against servers started here on loopback:
a legitimate update, and attacks from the design's list, each asserting
the exit status, the error code, and that state, link and database are
unchanged when the update is refused."""
import os
import subprocess
import time

import pytest

from conftest import VIGIL, VIGIL_UPDATE, run
from updhelp import (REPO_TOOL, FaultServer, Repo, sha256, status,
                     tree_state, update)

EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
         b"!$H+H*")
MARK = b"VIGILUPDATEMARKER"


def compile_db(tmp, name, extra=""):
    src = tmp / (name + ".ndb")
    src.write_text("Eicar-Signature:0:*:%s\n%s" % (EICAR.hex(), extra))
    out = tmp / (name + ".vdb")
    res = run([VIGIL, "db", "compile", str(src), "-o", str(out)])
    assert res.rc == 0, res.err
    return out


@pytest.fixture
def env(tmp_path):
    repo = Repo(tmp_path)
    v1 = compile_db(tmp_path, "one")
    v2 = compile_db(tmp_path, "two", "Mark.Sig:0:*:%s\n" % MARK.hex())
    repo.publish(v1)
    srv = FaultServer(repo.dir)
    yield repo, srv, tmp_path / "db", (v1, v2)
    srv.stop()


def refused(res, code, before, dbdir):
    assert res.returncode == 1, res.stdout + res.stderr
    assert code + ":" in res.stderr, res.stderr
    assert tree_state(dbdir) == before


def test_install_update_status(env, tmp_path):
    repo, srv, db, (v1, v2) = env
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0 and "installed release 1" in res.stdout
    assert open(db / "current" / "main.vdb", "rb").read() == \
        open(v1, "rb").read()
    repo.publish(v2)
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0 and "installed release 2" in res.stdout
    mark = tmp_path / "mark.txt"
    mark.write_bytes(MARK)
    scan = run([VIGIL, "scan", "--no-summary", "-d", db / "current", mark])
    assert scan.rc == 1 and "Mark.Sig FOUND" in scan.out
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0 and "up to date: release 2" in res.stdout
    st = status(db)
    assert st.returncode == 0 and "status: OK" in st.stdout
    later = dict(os.environ, VIGIL_TEST_NOW=str(int(time.time()) + 25 * 3600))
    st = status(db, env=later)
    assert st.returncode == 3 and "STALE" in st.stdout


def test_yara_rules_ride_the_update(env, tmp_path):
    """A release compiled from ClamAV signatures and YARA rules (one using
    the pe module) reaches the client through vigil update; the installed
    database detects with both."""
    repo, srv, db, (v1, _) = env
    yar = tmp_path / "rules.yar"
    yar.write_text('import "hash"\nrule Yara_Mark { strings: $m = "%s" '
                   'condition: $m and hash.md5(0, 4) != "" }\n' % MARK.decode())
    src = tmp_path / "three.ndb"
    src.write_text("Eicar-Signature:0:*:%s\n" % EICAR.hex())
    v3 = tmp_path / "three.vdb"
    res = run([VIGIL, "db", "compile", str(src), str(yar), "-o", str(v3)])
    assert res.rc == 0, res.err
    repo.publish(v3)
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0 and "installed release" in res.stdout
    mark = tmp_path / "mark.txt"
    mark.write_bytes(MARK)
    scan = run([VIGIL, "scan", "--no-summary", "-d", db / "current", mark])
    assert scan.rc == 1 and "YARA.Yara_Mark FOUND" in scan.out, scan.out


def test_file_mirror(env):
    repo, _, db, _ = env
    res = update(db, ["file://" + repo.dir], repo.trust)
    assert res.returncode == 0, res.stderr


def installed(env):
    repo, srv, db, _ = env
    assert update(db, [srv.url], repo.trust).returncode == 0
    return tree_state(db)


def test_a1_database_bit_flipped(env):
    """A first install (no delta base): the full database, one bit off."""
    repo, srv, db, _ = env
    before = tree_state(db)
    obj = [p for p in repo.db_objects()
           if sha256(open(p, "rb").read()) in repo.read(repo.pinned(
               "release")).decode()][0]
    data = bytearray(open(obj, "rb").read())
    data[len(data) // 2] ^= 1
    srv.faults["/v1/db/" + os.path.basename(obj)] = ("replace", bytes(data))
    refused(update(db, [srv.url], repo.trust), "E_HASH", before, db)


def test_a1_release_manifest_changed(env):
    repo, srv, db, (_, v2) = env
    before = installed(env)
    repo.publish(v2)
    rel = repo.pinned("release")
    text = repo.read(rel).replace(b"channel: stable", b"channel: stabld")
    srv.faults["/v1/" + rel] = ("replace", text)
    refused(update(db, [srv.url], repo.trust), "E_MISMATCH", before, db)


def resign_timestamp(repo, tmp, body, keys=None, key="timestamp-1"):
    """A timestamp with the given body, signed by key from keys."""
    f = tmp / "ts"
    f.write_bytes(body)
    res = subprocess.run([REPO_TOOL, "sign", str(f), "--keys",
                          repo.keys if keys is None else keys, "--key", key],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    return f.read_bytes()


def body_of(text):
    return text[:text.index(b"\n--\n") + 4]


def test_a1_timestamp_by_unknown_key(env, tmp_path):
    repo, srv, db, _ = env
    before = installed(env)
    rogue = Repo(tmp_path / "rogue")
    ts = body_of(repo.read("timestamp")).replace(b"version: 1\n",
                                                 b"version: 2\n", 1)
    srv.faults["/v1/timestamp"] = ("replace", resign_timestamp(
        repo, tmp_path, ts, keys=rogue.keys))
    refused(update(db, [srv.url], repo.trust), "E_SIG", before, db)


def test_a1_release_with_one_signature(env, tmp_path):
    """The release role needs 2 of 2: one signature, even pinned by a
    genuine timestamp, is not enough."""
    repo, srv, db, (_, v2) = env
    before = installed(env)
    repo.publish(v2)
    rel = repo.read(repo.pinned("release"))
    first_sig = [l for l in rel.split(b"\n") if l.startswith(b"sig: ")][0]
    one = body_of(rel) + first_sig + b"\n"
    repo.write(one, "meta", sha256(one) + ".release")
    ts = body_of(repo.read("timestamp")).decode().split("\n")
    ts = "\n".join("release: %s %d %s" % (l.split()[1], len(one), sha256(one))
                   if l.startswith("release: ") else
                   "version: 9" if l.startswith("version: ") else l
                   for l in ts).encode()
    srv.faults["/v1/timestamp"] = ("replace",
                                   resign_timestamp(repo, tmp_path, ts))
    refused(update(db, [srv.url], repo.trust), "E_SIG", before, db)


def test_a2_rollback(env, tmp_path):
    repo, srv, db, (_, v2) = env
    old = repo.snapshot(str(tmp_path / "old"))
    repo.publish(v2)
    assert update(db, [srv.url], repo.trust).returncode == 0
    before = tree_state(db)
    stale = FaultServer(old)
    try:
        refused(update(db, [stale.url], repo.trust), "E_ROLLBACK", before,
                db)
    finally:
        stale.stop()


def test_a4_expired_timestamp(env):
    repo, srv, db, _ = env
    before = installed(env)
    later = dict(os.environ, VIGIL_TEST_NOW=str(int(time.time()) + 5 * 3600))
    refused(update(db, [srv.url], repo.trust, env=later), "E_EXPIRED",
            before, db)
    day = dict(os.environ, VIGIL_TEST_NOW=str(int(time.time()) + 25 * 3600))
    assert status(db, env=day).returncode == 3


def test_a9_wrong_target(env, tmp_path):
    """A mirror that answers for the beta channel with the stable chain's
    (validly signed) timestamp: the release it leads to names another
    channel."""
    repo, srv, db, (v1, _) = env
    before = tree_state(db)
    srv.faults["/v1/ts/db/main/beta"] = ("replace", repo.read("timestamp"))
    res = update(db, [srv.url], repo.trust, "--channel", "beta")
    refused(res, "E_WRONGTARGET", before, db)


def test_a10_bad_mirror_then_good(env, tmp_path):
    repo, srv, db, _ = env
    bad = FaultServer(str(tmp_path))  # nothing there: 404s
    try:
        res = update(db, [bad.url, srv.url], repo.trust)
        assert res.returncode == 0, res.stderr
        assert "E_FETCH" in res.stderr  # the bad one is reported
        before = tree_state(db)
        res = update(db, [bad.url, bad.url], repo.trust)
        refused(res, "E_NOMIRROR", before, db)
    finally:
        bad.stop()


def test_a5_endless_timestamp(env):
    repo, srv, db, _ = env
    before = installed(env)
    srv.faults["/v1/timestamp"] = ("endless",)
    t0 = time.time()
    refused(update(db, [srv.url], repo.trust), "E_TOOBIG", before, db)
    assert time.time() - t0 < 30  # stopped at the cap, not the deadline


def test_a16_requests_reveal_nothing(env, tmp_path):
    repo, srv, _, _ = env
    logs = []
    for who in ("alice", "bob"):
        srv.log.clear()
        envv = dict(os.environ, HOME=str(tmp_path / who), USER=who,
                    HOSTNAME=who + "-host")
        res = update(tmp_path / ("db-" + who), [srv.url], repo.trust,
                     env=envv)
        assert res.returncode == 0, res.stderr
        logs.append([(p, sorted((k, v) for k, v in h.items()
                                if k.lower() != "host"))
                     for p, h in srv.log])
    assert logs[0] == logs[1]
    for path, headers in logs[0]:
        assert "?" not in path and path.startswith("/v1/")
        hd = dict(headers)
        assert hd["User-Agent"] == "vigil-update/1"
        assert "Cookie" not in hd and "Referer" not in hd


def test_a11_root_chain_is_walked(env):
    """Roots 2 and 3 (new timestamp keys, then new root keys) are fetched
    in order by a client that trusts root 1; the new timestamp key works."""
    repo, srv, db, (_, v2) = env
    installed(env)
    repo.tool("rotate", repo.dir, "timestamp")
    repo.tool("rotate", repo.dir, "root")
    repo.publish(v2)
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0 and "installed release 2" in res.stdout
    assert b"version: 3\n" in open(db / "state" / "root", "rb").read()
    paths = [p for p, _ in srv.log]
    assert paths.index("/v1/root/2.root") < paths.index("/v1/root/3.root")


def strip_sigs(text, keep):
    lines = text.split(b"\n")
    sigs = [l for l in lines if l.startswith(b"sig: ")]
    return body_of(text) + b"".join(s + b"\n" for s in sigs[:keep])


def test_a11_root_without_old_threshold(env, tmp_path):
    """A new root signed by its own keys and only 2 of the 5 old root
    keys: refused, and nothing it says is believed."""
    repo, srv, db, _ = env
    before = installed(env)
    repo.tool("rotate", repo.dir, "root")
    new = repo.read("root", "2.root")
    sigs = [l for l in new.split(b"\n") if l.startswith(b"sig: ")]
    # sign_all interleaves: new key i, old key i; keep every new one and
    # two old ones
    kept = [s for i, s in enumerate(sigs) if i % 2 == 0] + \
        [s for i, s in enumerate(sigs) if i % 2 == 1][:2]
    repo.write(body_of(new) + b"".join(s + b"\n" for s in kept),
               "root", "2.root")
    refused(update(db, [srv.url], repo.trust), "E_SIG", before, db)


def test_a3_fast_forward_then_recovery(env, tmp_path):
    """A stolen timestamp key signs a huge version: the client believes
    it (it is validly signed), so genuine timestamps are then refused as
    rollbacks; a new root with new timestamp keys resets that floor."""
    repo, srv, db, (_, v2) = env
    installed(env)
    ts = body_of(repo.read("timestamp")).replace(
        b"version: 1\n", b"version: 4503599627370000\n", 1)
    srv.faults["/v1/timestamp"] = ("replace",
                                   resign_timestamp(repo, tmp_path, ts))
    assert update(db, [srv.url], repo.trust).returncode == 0
    del srv.faults["/v1/timestamp"]
    repo.publish(v2)
    before = tree_state(db)
    refused(update(db, [srv.url], repo.trust), "E_ROLLBACK", before, db)
    repo.tool("rotate", repo.dir, "timestamp")
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0 and "installed release 2" in res.stdout


@pytest.mark.parametrize("how", ["none", "tag", "short"])
def test_a13_no_signature_downgrade(env, how):
    repo, srv, db, _ = env
    before = installed(env)
    text = repo.read("timestamp")
    body = body_of(text)
    sig = text[len(body):]
    bad = {"none": body,
           "tag": body + sig.replace(b"sig: ", b"sig-rsa: ", 1),
           "short": body + sig[:40] + b"\n"}[how]
    srv.faults["/v1/timestamp"] = ("replace", bad)
    refused(update(db, [srv.url], repo.trust), "E_SIG", before, db)


def test_a7_release_outside_its_delegation(env):
    """The release role may sign db/* and rules/* only."""
    repo, srv, db, (_, v2) = env
    before = installed(env)
    repo.publish(v2, "--target", "engine/vigild")
    res = update(db, [srv.url], repo.trust, "--target", "engine/vigild")
    refused(res, "E_DELEGATION", before, db)


def test_delta_update(env):
    repo, srv, db, (v1, v2) = env
    installed(env)
    repo.publish(v2)
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0 and "(delta," in res.stdout, res.stdout
    assert open(db / "current" / "main.vdb", "rb").read() == \
        open(v2, "rb").read()
    assert any(p.startswith("/v1/delta/1-2.") for p, _ in srv.log)
    assert not any(p.startswith("/v1/db/") for p, _ in srv.log[-3:])


def test_a15_bad_delta_falls_back_to_the_full_database(env):
    repo, srv, db, (v1, v2) = env
    installed(env)
    repo.publish(v2)
    delta = [f for f in os.listdir(repo.path("delta"))][0]
    data = bytearray(open(repo.path("delta", delta), "rb").read())
    data[-5] ^= 0x10
    srv.faults["/v1/delta/" + delta] = ("replace", bytes(data))
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0 and "(full," in res.stdout
    assert "E_DELTA" in res.stderr
    assert open(db / "current" / "main.vdb", "rb").read() == \
        open(v2, "rb").read()


def test_local_damage_is_not_a_delta_base(env):
    """A database changed on disk since its install is not patched: the
    full file is fetched."""
    repo, srv, db, (v1, v2) = env
    installed(env)
    repo.publish(v2)
    cur = db / "current" / "main.vdb"
    os.chmod(cur, 0o644)
    data = bytearray(cur.read_bytes())
    data[10] ^= 1
    cur.write_bytes(bytes(data))
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0 and "(full," in res.stdout
    assert cur.read_bytes() == open(v2, "rb").read()


def audit(db):
    return subprocess.run([VIGIL, "update", "--dir", str(db), "--audit"],
                          capture_output=True, text=True)


def test_journal_and_audit(env):
    repo, srv, db, (v1, v2) = env
    installed(env)
    repo.publish(v2)
    assert update(db, [srv.url], repo.trust).returncode == 0
    res = audit(db)
    assert res.returncode == 0, res.stdout
    assert "journal: 2 records, chain intact" in res.stdout
    journal = db / "state" / "journal"
    assert journal.stat().st_size == 2 * 184
    # a kept database changed behind the journal's back
    old = [d for d in os.listdir(db / "v") if d.startswith("1-")][0]
    f = db / "v" / old / "main.vdb"
    f.write_bytes(f.read_bytes()[:-1] + b"X")
    res = audit(db)
    assert res.returncode == 1 and "E_AUDIT" in res.stdout


def test_journal_torn_tail_and_tampering(env):
    repo, srv, db, (v1, v2) = env
    installed(env)
    journal = db / "state" / "journal"
    with open(journal, "ab") as f:
        f.write(b"VJR1" + b"\0" * 50)  # a crash half-way through a record
    assert audit(db).returncode == 0
    repo.publish(v2)
    assert update(db, [srv.url], repo.trust).returncode == 0
    assert journal.stat().st_size == 2 * 184  # the torn tail was cut
    data = bytearray(journal.read_bytes())
    data[20] ^= 1  # history rewritten
    journal.write_bytes(bytes(data))
    res = audit(db)
    assert res.returncode == 1 and "journal:" in res.stdout


def fork(repo, dest):
    """A copy of the repository sharing its keys: another history."""
    f = Repo.__new__(Repo)
    f.root, f.keys = repo.root, repo.keys
    f.dir = repo.snapshot(dest)
    f.trust = repo.trust
    return f


def test_a12_checkpoint_without_enough_witnesses(env):
    repo, srv, db, _ = env
    before = tree_state(db)
    cp = repo.read("log", "checkpoint")
    sigs = [l for l in cp.split(b"\n") if l.startswith(b"sig: ")]
    srv.faults["/v1/log/checkpoint"] = ("replace", body_of(cp) + sigs[0] +
                                        b"\n" + sigs[1] + b"\n")
    refused(update(db, [srv.url], repo.trust), "E_WITNESS", before, db)


def test_a12_split_view_raises_a_lasting_alarm(env, tmp_path):
    """The same log size with two roots, both signed: this client was
    shown one history and now another. Refused, and refused again until
    an administrator clears the alarm."""
    repo, srv, db, (v1, v2) = env
    other = fork(repo, str(tmp_path / "fork"))
    repo.publish(v2)
    assert update(db, [srv.url], repo.trust).returncode == 0
    other.publish(compile_db(tmp_path, "three", "X:0:*:58585858585858\n"))
    before = tree_state(db)
    liar = FaultServer(other.dir)
    try:
        refused(update(db, [liar.url], repo.trust), "E_SPLITVIEW", before,
                db)
    finally:
        liar.stop()
    assert (db / "state" / "ALARM").exists()
    refused(update(db, [srv.url], repo.trust), "E_SPLITVIEW", before, db)
    res = subprocess.run([VIGIL, "update", "--dir", str(db),
                          "--clear-alarm"], capture_output=True, text=True)
    assert res.returncode == 0
    assert update(db, [srv.url], repo.trust).returncode == 0


def test_a12_tampered_tile(env):
    repo, srv, db, _ = env
    before = tree_state(db)
    tiles = os.listdir(repo.path("log", "tile", "0", "0.p"))
    width = max(int(t) for t in tiles)
    path = "/v1/log/tile/0/0.p/%d" % width
    data = bytearray(repo.read("log", "tile", "0", "0.p", str(width)))
    data[5] ^= 1
    srv.faults[path] = ("replace", bytes(data))
    refused(update(db, [srv.url], repo.trust), "E_INCLUSION", before, db)


def test_a11_release_not_in_the_log(env, tmp_path):
    """Stolen online keys (timestamp and release) sign a release that the
    log and its witnesses never saw: refused."""
    repo, srv, db, (v1, v2) = env
    before = installed(env)
    other = fork(repo, str(tmp_path / "fork"))
    other.publish(v2)
    rel_path = other.pinned("release")
    rel = other.read(rel_path)
    repo.write(rel, *rel_path.split("/"))
    for obj in other.db_objects():
        name = os.path.basename(obj)
        repo.write(open(obj, "rb").read(), "db", name)
    ts = body_of(repo.read("timestamp")).decode().split("\n")
    ts = "\n".join("release: 2 %d %s" % (len(rel), sha256(rel))
                   if l.startswith("release: ") else
                   "version: 7" if l.startswith("version: ") else l
                   for l in ts).encode()
    srv.faults["/v1/timestamp"] = ("replace",
                                   resign_timestamp(repo, tmp_path, ts))
    refused(update(db, [srv.url], repo.trust), "E_NOTLOGGED", before, db)


@pytest.mark.parametrize("target,fetcher", [
    ("/etc/passwd", "Permission denied"),
    ("/etc/ssl/certs", "allowed"),  # what it may read: the probe works
])
def test_network_side_reads_no_files_and_verifier_opens_no_socket(
        env, target, fetcher):
    repo, srv, db, _ = env
    e = dict(os.environ, VIGIL_TEST_SANDBOX_PROBE=target)
    res = update(db, [srv.url], repo.trust, env=e)
    assert res.returncode == 0, res.stderr
    assert "sandbox probe: fetcher: open: %s" % fetcher in res.stderr
    assert "sandbox probe: verifier: socket: Operation not permitted" in \
        res.stderr
    # the keys of the repository are files like any other
    e["VIGIL_TEST_SANDBOX_PROBE"] = os.path.join(repo.keys, "root-1.key")
    res = update(db, [srv.url], repo.trust, env=e)
    assert "sandbox probe: fetcher: open: Permission denied" in res.stderr


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5, 6])
def test_a14_killed_at_each_install_step(env, step, tmp_path):
    """kill -9 at each step of an install: the installed database is
    always whole and loadable, and the next run finishes the update."""
    repo, srv, db, (v1, v2) = env
    installed(env)
    repo.publish(v2)
    crash = dict(os.environ, VIGIL_TEST_CRASH_AT=str(step))
    res = update(db, [srv.url], repo.trust, env=crash)
    assert res.returncode == -9
    cur = open(db / "current" / "main.vdb", "rb").read()
    assert cur in (open(v1, "rb").read(), open(v2, "rb").read())
    scan = run([VIGIL, "scan", "--no-summary", "-d", db / "current",
                tmp_path / "one.ndb"])
    assert scan.rc in (0, 1), scan.err
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0, res.stderr
    assert open(db / "current" / "main.vdb", "rb").read() == \
        open(v2, "rb").read()
    assert audit(db).returncode == 0
    assert not os.listdir(db / "tmp")


def test_a14_truncated_downloads(env):
    """Every metadata file and the database cut short at many offsets:
    refused each time, nothing changes; the whole file then works."""
    repo, srv, db, (_, v2) = env
    before = installed(env)
    repo.publish(v2)
    before = tree_state(db)
    obj = [p for p in repo.db_objects()
           if sha256(open(p, "rb").read()) in repo.read(repo.pinned(
               "release")).decode()][0]
    files = {"/v1/timestamp": len(repo.read("timestamp")),
             "/v1/" + repo.pinned("release"):
             len(repo.read(repo.pinned("release"))),
             "/v1/log/checkpoint": len(repo.read("log", "checkpoint"))}
    for path, n in files.items():
        for cut in range(0, n, 37):
            srv.faults[path] = ("truncate", cut)
            res = update(db, [srv.url], repo.trust, "--channel", "stable")
            assert res.returncode == 1 and tree_state(db) == before, (path,
                                                                     cut)
        del srv.faults[path]
    srv.faults["/v1/delta/" + os.listdir(repo.path("delta"))[0]] = \
        ("status", 404)  # so that the full file is what is cut
    size = os.path.getsize(obj)
    for cut in sorted({0, 1, size // 2, size - 1} | set(range(0, size, 97))):
        srv.faults["/v1/db/" + os.path.basename(obj)] = ("truncate", cut)
        res = update(db, [srv.url], repo.trust)
        assert res.returncode == 1 and tree_state(db) == before, cut
    srv.faults.clear()
    assert update(db, [srv.url], repo.trust).returncode == 0


def test_a6_slow_mirror_is_left_for_the_next(env):
    """A mirror that sends a byte a second is dropped when the speed stays
    under the floor (1 KiB/s; here for 2 s instead of 30), and the next
    mirror serves."""
    repo, srv, db, _ = env
    slow = FaultServer(repo.dir)
    slow.faults["/v1/timestamp"] = ("slow",)
    try:
        e = dict(os.environ, VIGIL_TEST_LOW_SPEED_S="2")
        t0 = time.time()
        res = update(db, [slow.url, srv.url], repo.trust, env=e)
        assert res.returncode == 0, res.stderr
        assert "E_SLOW" in res.stderr
        assert time.time() - t0 < 20
    finally:
        slow.stop()


def test_real_nginx_mirror(env, tmp_path):
    """A real nginx serving the repository as static files: the update
    works, and its access log shows nothing but content paths and the
    constant User-Agent."""
    repo, _, db, (_, v2) = env
    exe = "/usr/sbin/nginx"
    if not os.path.exists(exe):
        pytest.fail("nginx is not installed (scripts/deps.sh test)")
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    n = tmp_path / "nginx"
    n.mkdir()
    (n / "nginx.conf").write_text(f"""
user root;
daemon off;
pid {n}/nginx.pid;
error_log {n}/error.log;
events {{ worker_connections 64; }}
http {{
    log_format plain '$request "$http_user_agent" "$http_cookie"';
    access_log {n}/access.log plain;
    client_body_temp_path {n}/body;
    proxy_temp_path {n}/proxy;
    fastcgi_temp_path {n}/fastcgi;
    uwsgi_temp_path {n}/uwsgi;
    scgi_temp_path {n}/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {repo.dir};
    }}
}}
""")
    proc = subprocess.Popen([exe, "-c", str(n / "nginx.conf")],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        end = time.time() + 20
        while time.time() < end:
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.05)
        url = "http://127.0.0.1:%d" % port
        res = update(db, [url], repo.trust)
        assert res.returncode == 0 and "installed release 1" in res.stdout
        repo.publish(v2)
        res = update(db, [url], repo.trust)
        assert res.returncode == 0 and "(delta," in res.stdout
    finally:
        proc.terminate()
        proc.wait(30)
    log = (n / "access.log").read_text().splitlines()
    assert log
    for line in log:
        assert line.startswith("GET /v1/") and "?" not in line
        assert line.endswith('"vigil-update/1" "-"'), line


def test_a5_endless_database(env):
    repo, srv, db, _ = env
    before = tree_state(db)
    obj = os.path.basename(repo.db_objects()[0])
    srv.faults["/v1/db/" + obj] = ("endless",)
    t0 = time.time()
    refused(update(db, [srv.url], repo.trust), "E_TOOBIG", before, db)
    assert time.time() - t0 < 30


def test_a7_nothing_fetched_but_what_is_needed(env, tmp_path):
    """Releases list deltas from many versions and there are other
    targets: the client fetches the one delta it can use, nothing else."""
    repo, srv, db, (v1, v2) = env
    installed(env)
    for i in range(3):
        repo.publish(compile_db(tmp_path, "r%d" % i,
                                "R%d:0:*:%s\n" % (i, (b"REL%dMARK" % i).hex())))
    srv.log.clear()
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0 and "(delta," in res.stdout
    deltas = [p for p, _ in srv.log if p.startswith("/v1/delta/")]
    assert deltas == [[p for p, _ in srv.log
                       if p.startswith("/v1/delta/1-4.")][0]]
    assert not [p for p, _ in srv.log if p.startswith("/v1/db/")]


def test_a8_mix_and_match(env):
    """Timestamp 1 with release 2's manifest at release 1's address, and
    timestamp 2 with release 1's at 2's: each validly signed, neither the
    file its timestamp pins."""
    repo, srv, db, (v1, v2) = env
    before = tree_state(db)
    ts1, pin1 = repo.read("timestamp"), repo.pinned("release")
    rel1 = repo.read(pin1)
    repo.publish(v2)
    pin2 = repo.pinned("release")
    rel2 = repo.read(pin2)
    srv.faults["/v1/timestamp"] = ("replace", ts1)
    srv.faults["/v1/" + pin1] = ("replace", rel2)
    refused(update(db, [srv.url], repo.trust), "E_MISMATCH", before, db)
    srv.faults.clear()
    srv.faults["/v1/" + pin2] = ("replace", rel1)
    refused(update(db, [srv.url], repo.trust), "E_MISMATCH", before, db)


def test_a11_root_signed_by_new_keys_only(env):
    repo, srv, db, _ = env
    before = installed(env)
    repo.tool("rotate", repo.dir, "root")
    new = repo.read("root", "2.root")
    sigs = [l for l in new.split(b"\n") if l.startswith(b"sig: ")]
    repo.write(body_of(new) + b"".join(s + b"\n" for i, s in enumerate(sigs)
                                       if i % 2 == 0), "root", "2.root")
    refused(update(db, [srv.url], repo.trust), "E_SIG", before, db)


def test_audit_against_the_public_log(env, tmp_path):
    """--audit with a mirror: every release the journal recorded is a
    leaf of the public log, whose checkpoint the witnesses signed; a log
    that forgot one is caught."""
    repo, srv, db, (v1, v2) = env
    installed(env)
    repo.publish(v2)
    assert update(db, [srv.url], repo.trust).returncode == 0
    res = subprocess.run([VIGIL, "update", "--dir", str(db), "--audit",
                          "--mirror", srv.url], capture_output=True,
                         text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "2 of 2 recorded releases in it" in res.stdout
    # a mirror whose tiles were rewritten: the checkpoint's root is not
    # theirs, which the audit says
    tiles = os.listdir(repo.path("log", "tile", "0", "0.p"))
    w = max(int(t) for t in tiles)
    data = bytearray(repo.read("log", "tile", "0", "0.p", str(w)))
    data[-1] ^= 1
    srv.faults["/v1/log/tile/0/0.p/%d" % w] = ("replace", bytes(data))
    res = subprocess.run([VIGIL, "update", "--dir", str(db), "--audit",
                          "--mirror", srv.url], capture_output=True,
                         text=True)
    assert res.returncode == 1 and "E_INCLUSION" in res.stdout


def test_what_cannot_serve_is_neither_published_nor_installed(env,
                                                              tmp_path):
    """The publisher loads and self-tests what it signs; the client loads
    and self-tests what it fetched before current moves (E_LOAD), so a
    release that cannot serve leaves the old database serving."""
    repo, srv, db, (v1, v2) = env
    assert update(db, [srv.url], repo.trust).returncode == 0
    trunc = tmp_path / "trunc.vdb"
    trunc.write_bytes(open(v2, "rb").read()[:1000])
    text = tmp_path / "eicar.hdb"
    text.write_text("44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test\n")
    wave = compile_db(tmp_path, "wave", "FP.Wave:0:*:%s\n" %
                      b"self-test".hex())
    for bad, why in ((trunc, "does not load"),
                     (text, "not a compiled database"),
                     (wave, "flags a harmless object as FP.Wave")):
        res = repo.publish(bad, check=False)
        assert res.returncode == 1, res.stdout
        assert why in res.stderr and "nothing published" in res.stderr
    # signed all the same (an older or careless publisher)
    before = tree_state(db)
    for bad, why in ((trunc, "does not load"), (wave, "FP.Wave")):
        repo.publish(bad, env=dict(os.environ,
                                   VIGIL_TEST_UNCHECKED_PUBLISH="1"))
        res = update(db, [srv.url], repo.trust)
        refused(res, "E_LOAD", before, db)
        assert why in res.stderr
    res = subprocess.run([VIGIL, "scan", "--no-summary", "-d",
                          str(db), str(tmp_path / "one.ndb")],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stderr  # the old one, from DBDIR
    # the next good release goes in
    repo.publish(v2)
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0 and "installed release" in res.stdout


def test_config_file_and_schedule(env, tmp_path):
    """update.conf as freshclam.conf: the file's keys, the command line
    over them, a bad line named; --schedule checks at once, says when, and
    says when the next check is."""
    repo, srv, db, _ = env
    conf = tmp_path / "update.conf"
    conf.write_text("# test\nDatabaseDirectory %s\nMirror %s\nTrust %s\n"
                    "Checks 48\n" % (db, srv.url, repo.trust))
    res = subprocess.run([VIGIL_UPDATE, "--config", str(conf), "--once"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and "installed release 1" in res.stdout
    other = tmp_path / "other"
    res = subprocess.run([VIGIL_UPDATE, "--config", str(conf), "--once",
                          "--dir", str(other)], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 0 and (other / "current" / "main.vdb").exists()
    for line, why in (("Checks 0", "Checks: 1 to 50 a day, not 0"),
                      ("Mirrors x", "unknown option Mirrors"),
                      ("Type shield", "Type: sigdb or rules")):
        bad = tmp_path / "bad.conf"
        bad.write_text("DatabaseDirectory %s\n%s\n" % (db, line))
        res = subprocess.run([VIGIL_UPDATE, "--config", str(bad), "--once"],
                             capture_output=True, text=True)
        assert res.returncode == 2 and why in res.stderr, res.stderr
    sched = tmp_path / "sched"
    conf.write_text(conf.read_text().replace(str(db), str(sched)))
    proc = subprocess.Popen([VIGIL_UPDATE, "--config", str(conf),
                             "--schedule"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        while not any("next check at" in l for l in lines):
            line = proc.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        text = "".join(lines)
        assert "48 checks a day of db/main (stable, sigdb)" in text
        assert "checking at " in text and "installed release 1" in text
    finally:
        proc.kill()
        proc.wait()


def test_rules_travel_as_a_second_target(env, tmp_path):
    repo, srv, _, _ = env
    rules = tmp_path / "shield.rules"
    rules.write_text("vigil-shield-rules 1\nblock 192.0.2.0/24\n")
    repo.publish(rules, "--target", "rules/shield", "--type", "rules")
    db = tmp_path / "rules-db"
    res = update(db, [srv.url], repo.trust, "--target", "rules/shield",
                 "--type", "rules")
    assert res.returncode == 0, res.stderr
    assert (db / "current" / "rules").read_text() == \
        "vigil-shield-rules 1\nblock 192.0.2.0/24\n"
    # a rule set asked for as a database: the type is checked
    res = update(tmp_path / "other", [srv.url], repo.trust, "--target",
                 "rules/shield")
    assert res.returncode == 1 and "E_WRONGTARGET" in res.stderr


def test_targets_and_channels_share_a_repository(env, tmp_path):
    """Each target and channel is a chain of its own in one repository
    (its own timestamp and releases; root, targets and the log shared):
    publishing on one locks no client of another out, and each client
    follows its own."""
    repo, srv, db, (v1, v2) = env
    rules = tmp_path / "shield.rules"
    rules.write_text("vigil-shield-rules 1\nblock 192.0.2.0/24\n")
    repo.publish(rules, "--target", "rules/shield", "--type", "rules")
    repo.publish(v2, "--channel", "beta")
    beta, rdb = tmp_path / "beta", tmp_path / "rdb"
    for d, extra, want in ((db, (), v1), (beta, ("--channel", "beta"), v2)):
        res = update(d, [srv.url], repo.trust, *extra)
        assert res.returncode == 0 and "installed release 1" in res.stdout, \
            res.stderr
        assert (d / "current" / "main.vdb").read_bytes() == \
            open(want, "rb").read()
    res = update(rdb, [srv.url], repo.trust, "--target", "rules/shield",
                 "--type", "rules")
    assert res.returncode == 0, res.stderr
    # the next stable release: its clients take it, the others' chains
    # were signed again over the grown log and say up to date
    repo.publish(v2)
    res = update(db, [srv.url], repo.trust)
    assert "installed release 2" in res.stdout, res.stderr
    for d, extra in ((beta, ("--channel", "beta")),
                     (rdb, ("--target", "rules/shield", "--type", "rules"))):
        res = update(d, [srv.url], repo.trust, *extra)
        assert res.returncode == 0 and "up to date: release 1" in res.stdout, \
            res.stderr
    assert repo.tool("timestamp", repo.dir).returncode == 0
    res = update(beta, [srv.url], repo.trust, "--channel", "beta")
    assert res.returncode == 0, res.stderr
    # a chain nobody published: nothing is installed
    res = update(tmp_path / "none", [srv.url], repo.trust, "--channel",
                 "nightly")
    assert res.returncode == 1 and not (tmp_path / "none" / "current").exists()
    res = repo.publish(v2, "--channel", "../x", check=False)
    assert res.returncode == 2


def test_install_tells_vigild_to_reload(env, tmp_path):
    from daemon import Vigild, wait_for, instream
    repo, srv, db, (v1, v2) = env
    assert update(db, [srv.url], repo.trust).returncode == 0
    (tmp_path / "vd").mkdir()
    d = Vigild(str(tmp_path / "vd"), str(db / "current"), "SelfCheck 0\n")
    try:
        assert d.ask(instream(MARK)) == b"stream: OK\0"
        repo.publish(v2)
        res = update(db, [srv.url], repo.trust, "--reload", d.sock)
        assert res.returncode == 0, res.stderr
        assert wait_for(lambda: d.metric("vigil_db_generation") == 2)
        assert d.ask(instream(MARK)) == b"stream: Mark.Sig FOUND\0"
    finally:
        d.stop()


def test_vigild_says_when_updates_stopped(env, tmp_path):
    """A4's other half: a day without verified metadata, and vigild's
    STATS and metrics say STALE (scanning goes on)."""
    from daemon import Vigild, instream
    repo, srv, db, _ = env
    assert update(db, [srv.url], repo.trust).returncode == 0
    for when, word in ((0, b"OK"), (25 * 3600, b"STALE")):
        d_dir = tmp_path / ("vd%d" % when)
        d_dir.mkdir()
        e = dict(os.environ, VIGIL_TEST_NOW=str(int(time.time()) + when))
        d = Vigild(str(d_dir), str(db / "current"), env=e)
        try:
            assert (b"\nDATABASE: " + word + b" ") in d.ask(b"zSTATS\0")
            assert d.metric("vigil_update_stale") == (word == b"STALE")
            assert d.ask(instream(EICAR)) == \
                b"stream: Eicar-Signature FOUND\0"
        finally:
            d.stop()


def test_a12_log_that_shrank(env, tmp_path):
    """A validly signed, witnessed checkpoint smaller than one this client
    already verified, named by a timestamp signed with the real key: a
    split view."""
    repo, srv, db, (v1, v2) = env
    old_cp = repo.read("log", "checkpoint")
    lines = old_cp.decode().split("\n")
    size, root = lines[1].split()[1], lines[2].split()[1]
    repo.publish(v2)
    assert update(db, [srv.url], repo.trust).returncode == 0
    before = tree_state(db)
    ts = body_of(repo.read("timestamp")).decode().split("\n")
    ts = "\n".join("log: %s %s" % (size, root) if l.startswith("log: ") else
                   "release-leaf: 0" if l.startswith("release-leaf: ") else
                   "targets-leaf: 0" if l.startswith("targets-leaf: ") else
                   "version: 9" if l.startswith("version: ") else l
                   for l in ts).encode()
    srv.faults["/v1/timestamp"] = ("replace",
                                   resign_timestamp(repo, tmp_path, ts))
    srv.faults["/v1/log/checkpoint"] = ("replace", old_cp)
    refused(update(db, [srv.url], repo.trust), "E_SPLITVIEW", before, db)
    assert (db / "state" / "ALARM").exists()


@pytest.mark.parametrize("call", ["rename:%d" % i for i in range(1, 6)] +
                         ["fsync:%d:ENOSPC" % i for i in range(1, 8)])
def test_a14_failing_rename_or_fsync(env, call, tmp_path):
    """rename() or fsync() failing (EIO, ENOSPC) at each call of an
    update: the installed database stays whole and loadable, and the next
    run completes."""
    from conftest import BUILD
    repo, srv, db, (v1, v2) = env
    installed(env)
    repo.publish(v2)
    e = dict(os.environ, VIGIL_FAIL=call,
             LD_PRELOAD=os.path.join(BUILD, "tests", "libfailsys.so"),
             ASAN_OPTIONS=os.environ.get("ASAN_OPTIONS", "") +
             ":verify_asan_link_order=0")
    res = update(db, [srv.url], repo.trust, env=e)
    if res.returncode or call in ("rename:1", "fsync:1:ENOSPC"):
        # the first of each is in the install, which must say so
        assert res.returncode == 1 and "E_INSTALL" in res.stderr, res.stderr
    cur = open(db / "current" / "main.vdb", "rb").read()
    assert cur in (open(v1, "rb").read(), open(v2, "rb").read())
    res = update(db, [srv.url], repo.trust)
    assert res.returncode == 0, res.stderr
    assert open(db / "current" / "main.vdb", "rb").read() == \
        open(v2, "rb").read()
    assert audit(db).returncode == 0
