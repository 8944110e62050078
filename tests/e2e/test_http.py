"""vigild's HTTP API (libmicrohttpd): scans of a body and of multipart
files, the state endpoints, ajilach/clamav-rest's endpoints for its
clients, every answer checked against docs/openapi.json; bad requests each
with a clear error; the token; TLS; a unix socket; a client that leaves
mid-scan; concurrent uploads with no lost verdict."""
import concurrent.futures
import json
import os
import pathlib
import shutil
import socket
import subprocess
import tempfile
import time

import pytest
import requests

from daemon import EICAR, ask, instream, wait_for
from httphelp import OPENAPI, ROOT, Http, check

CLEAN = b"nothing to see here\n" * 10


@pytest.fixture
def http(tmp_path):
    d = Http(str(tmp_path))
    yield d
    d.stop()


def test_scan_a_body_and_files(http):
    r = http.post("/v1/scan?name=e.com", data=EICAR)
    doc = check(r, "/v1/scan", "POST")
    assert r.status_code == 200 and doc["verdict"] == "infected"
    f = doc["files"][0]
    assert f["name"] == "e.com" and f["bytes"] == len(EICAR)
    assert f["detections"] == [{"name": "Eicar-Signature", "path": ""}]
    doc = check(http.post("/v1/scan", data=CLEAN), "/v1/scan", "POST")
    assert doc["verdict"] == "clean" and doc["files"][0]["name"] == "body"
    r = http.post("/v1/scan", files=[("a", ("a.com", EICAR)),
                                     ("b", ("b.txt", CLEAN)),
                                     ("c", ("c.txt", b""))])
    doc = check(r, "/v1/scan", "POST")
    assert [(f["name"], f["verdict"], f["bytes"]) for f in doc["files"]] == \
        [("a.com", "infected", len(EICAR)), ("b.txt", "clean", len(CLEAN)),
         ("c.txt", "clean", 0)]
    assert doc["verdict"] == "infected"
    # curl's way: --data-binary (it says urlencoded), and -F
    out = subprocess.run(["curl", "-s", "--data-binary", "@-",
                          http.url + "/v1/scan"], input=EICAR,
                         capture_output=True, timeout=30).stdout
    assert json.loads(out)["verdict"] == "infected"


def test_state_endpoints(http):
    check(http.post("/v1/scan?name=x", data=EICAR), "/v1/scan", "POST")
    assert http.ask(instream(EICAR)) == b"stream: Eicar-Signature FOUND\0"
    doc = check(http.get("/v1/version"), "/v1/version")
    assert doc["database"]["signatures"] == 1 and doc["update"] is None
    assert check(http.get("/v1/health"), "/v1/health") == {"status": "ok"}
    assert check(http.get("/v1/ready"), "/v1/ready")["signatures"] == 1
    doc = check(http.get("/v1/status"), "/v1/status")
    assert doc["counters"]["by_interface"]["http"] == 1
    assert doc["counters"]["by_interface"]["clamd"] == 1
    assert doc["workers"]["live"] >= 1
    dets = check(http.get("/v1/detections"), "/v1/detections")["detections"]
    assert [(d["via"], d["object"], d["name"]) for d in dets] == [
        ("http", "x", "Eicar-Signature"), ("clamd", "stream",
                                           "Eicar-Signature")]
    later = http.get("/v1/detections?after=%d" % dets[0]["seq"]).json()
    assert len(later["detections"]) == 1
    r = http.get("/v1/openapi.json")
    assert r.status_code == 200 and r.json() == OPENAPI


def test_clamav_rest_clients(http):
    """ajilach/clamav-rest's answers: an array with Status, Description
    and FileName; 406 when something is found; /scan's objects one after
    another with its deprecation headers; /version."""
    r = http.post("/v2/scan", files=[("file", ("eicar.com", EICAR)),
                                     ("file", ("ok.txt", CLEAN))])
    assert r.status_code == 406
    assert check(r, "/v2/scan", "POST") == [
        {"Status": "FOUND", "Description": "Eicar-Signature",
         "FileName": "eicar.com"},
        {"Status": "OK", "Description": "", "FileName": "ok.txt"}]
    r = http.post("/v2/scan", files=[("file", ("ok.txt", CLEAN))])
    assert r.status_code == 200 and r.json()[0]["Status"] == "OK"
    r = http.post("/v2/scan", files={"file": ("", CLEAN)})
    assert r.status_code == 422
    assert r.json()[0]["Description"] == "MimePart FileName missing"
    r = http.post("/scan", files=[("file", ("a", EICAR)),
                                  ("file", ("b", CLEAN))])
    assert r.status_code == 406
    assert r.text == ('{"Status":"FOUND","Description":"Eicar-Signature"}'
                      '{"Status":"OK","Description":""}')
    assert r.headers["Deprecation"] == "version=v1"
    assert "successor-version" in r.headers["Link"]
    doc = check(http.get("/version"), "/version")
    assert doc["Clamav"].startswith("Vigil ")


def hold_worker(d):
    """Holds vigild's only worker (SANDBOXSTALL, DebugSandboxProbe) until
    the socket returned is closed."""
    st = socket.socket(socket.AF_UNIX)
    st.connect(d.sock)
    st.sendall(b"zSANDBOXSTALL\0")
    assert wait_for(lambda: d.get("/v1/status").json()["workers"]
                    ["busy"] == 1)
    return st


def error_of(resp, path="/v1/scan", method="POST"):
    return check(resp, path, method)["error"]["code"]


def test_bad_requests(tmp_path):
    d = Http(str(tmp_path), extra="HTTPMaxUploadSize 1K\n")
    try:
        # too large, said by Content-Length: refused before the body
        r = d.post("/v1/scan", data=b"x" * 2048)
        assert r.status_code == 413 and error_of(r) == "too_large"
        # too large, found while it streams in (chunked, no length)
        r = d.post("/v1/scan", data=iter([b"x" * 600, b"y" * 600]))
        assert r.status_code == 413 and error_of(r) == "too_large"
        r = d.post("/v1/scan", files={"f": ("big", b"z" * 2000)})
        assert r.status_code == 413 and error_of(r) == "too_large"
        # multipart without a boundary, of another kind, cut short
        r = d.post("/v1/scan", data=b"x",
                   headers={"Content-Type": "multipart/form-data"})
        assert r.status_code == 400 and error_of(r) == "malformed_multipart"
        r = d.post("/v1/scan", data=b"x",
                   headers={"Content-Type": "multipart/mixed; boundary=b"})
        assert r.status_code == 415
        assert error_of(r) == "unsupported_media_type"
        r = d.post("/v1/scan", data=b"--b\r\nContent-Disposition: form-data;"
                   b" name=\"f\"; filename=\"a\"\r\n\r\nabc",
                   headers={"Content-Type": "multipart/form-data; "
                            "boundary=b"})
        assert r.status_code == 400 and error_of(r) == "malformed_multipart"
        r = d.post("/v1/scan", files={"f": (None, b"a plain field")})
        assert r.status_code == 400 and error_of(r) == "no_files"
        r = d.get("/v1/nothing")
        assert r.status_code == 404 and r.json()["error"]["code"] == \
            "not_found"
        r = d.get("/v1/scan")
        assert r.status_code == 405
        assert r.json()["error"]["code"] == "method_not_allowed"
        # not HTTP at all: refused or dropped, and the daemon goes on
        out = ask(d.http_port, b"\x16\x03\x01garbage\r\n\r\n")
        assert out == b"" or out.startswith(b"HTTP/1.1 400"), out
        # nothing is left held
        doc = check(d.get("/v1/status"), "/v1/status")
        assert doc["memory_held_bytes"] == 0
        assert d.post("/v1/scan", data=EICAR).json()["verdict"] == \
            "infected"
    finally:
        d.stop()


def test_token(tmp_path):
    tok = tmp_path / "token"
    tok.write_text("s3cret-token-of-some-length\n")
    d = Http(str(tmp_path), extra="HTTPTokenFile %s\n" % tok)
    good = {"Authorization": "Bearer s3cret-token-of-some-length"}
    try:
        for path, method in (("/v1/scan", "POST"), ("/v1/version", "GET"),
                             ("/v1/status", "GET"), ("/v1/reload", "POST"),
                             ("/v2/scan", "POST")):
            for headers in ({}, {"Authorization": "Bearer wrong"},
                            {"Authorization": "Basic czNjcmV0"}):
                r = requests.request(method, d.url + path, data=EICAR,
                                     headers=headers, timeout=30)
                assert r.status_code == 401, (path, headers)
                assert r.json()["error"]["code"] == "unauthorized"
        assert d.get("/v1/health").status_code == 200
        assert d.get("/v1/ready").status_code == 200
        r = d.post("/v1/scan", data=EICAR, headers=good)
        assert check(r, "/v1/scan", "POST")["verdict"] == "infected"
        r = d.post("/v1/reload", headers=good)
        assert check(r, "/v1/reload", "POST") == {"status": "reloading"}
        assert wait_for(lambda: "reload" in d.logtext().lower())
    finally:
        d.stop()
    # without a token, nothing may change state
    d = Http(str(tmp_path / "b"), extra="")
    try:
        r = d.post("/v1/reload")
        assert r.status_code == 403 and error_of(r, "/v1/reload") == \
            "forbidden"
    finally:
        d.stop()


def test_tls_and_unix_socket(tmp_path):
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-keyout", "k.pem", "-out", "c.pem", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-days", "2"], cwd=tmp_path, check=True,
                   capture_output=True)
    sock = tmp_path / "http.sock"
    d = Http(str(tmp_path), extra="HTTPTLSCertificate %s\nHTTPTLSKey %s\n"
             "HTTPSocket %s\n" % (tmp_path / "c.pem", tmp_path / "k.pem",
                                  sock))
    try:
        url = "https://127.0.0.1:%d" % d.http_port
        r = requests.post(url + "/v1/scan", data=EICAR, timeout=30,
                          verify=str(tmp_path / "c.pem"))
        assert check(r, "/v1/scan", "POST")["verdict"] == "infected"
        with pytest.raises(requests.exceptions.ConnectionError):
            requests.get(d.url + "/v1/health", timeout=10)  # not plain
        out = subprocess.run(["curl", "-s", "--unix-socket", str(sock),
                              "--data-binary", "@-",
                              "http://localhost/v1/scan"], input=EICAR,
                             capture_output=True, timeout=30).stdout
        assert json.loads(out)["verdict"] == "infected"
    finally:
        d.stop()


def test_client_leaving_mid_scan_stops_it(tmp_path):
    """The only worker is held (SANDBOXSTALL); an upload waits for it;
    its client leaves: the scan is taken back, nothing stays held."""
    d = Http(str(tmp_path), extra="MaxThreads 1\nDebugSandboxProbe yes\n"
             "WorkerTimeout 5\n")
    try:
        st = hold_worker(d)
        c = socket.create_connection(("127.0.0.1", d.http_port))
        c.sendall(b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: "
                  b"%d\r\n\r\n%s" % (len(EICAR), EICAR))
        assert wait_for(lambda: d.get("/v1/status").json()["workers"]
                        ["queued"] == 1)
        c.close()
        assert wait_for(lambda: "left during its scan" in d.logtext())
        assert wait_for(lambda: d.get("/v1/status").json()["workers"]
                        ["queued"] == 0)
        st.close()
        assert d.get("/v1/status").json()["memory_held_bytes"] == 0
        r = d.post("/v1/scan", data=EICAR)
        assert r.json()["verdict"] == "infected"
    finally:
        d.stop()


def test_concurrent_uploads_lose_no_verdict(http):
    """Bounded load on loopback: 8 clients, 200 uploads, every verdict
    right, no error."""
    def one(i):
        bad = i % 3 == 0
        body = (EICAR if bad else CLEAN) + b"\n" * (i % 7)
        if i % 2:
            r = http.post("/v1/scan?name=n%d" % i, data=body)
        else:
            r = http.post("/v1/scan", files={"f": ("n%d" % i, body)})
        doc = r.json()
        return (r.status_code, doc["files"][0]["name"], doc["verdict"],
                "infected" if bad else "clean")
    with concurrent.futures.ThreadPoolExecutor(8) as ex:
        got = list(ex.map(one, range(200)))
    for status, name, verdict, want in got:
        assert status == 200 and verdict == want, (name, verdict, want)
    assert sorted(g[1] for g in got) == sorted("n%d" % i for i in range(200))
    doc = check(http.get("/v1/status"), "/v1/status")
    assert doc["counters"]["by_interface"]["http"] == 200
    assert doc["counters"]["errors"] == 0


@pytest.fixture
def open_dir():
    """A directory any user can reach (pytest's own is root's alone)."""
    d = tempfile.mkdtemp(prefix="vigil-http-", dir="/tmp")
    os.chmod(d, 0o755)
    yield pathlib.Path(d)
    shutil.rmtree(d, ignore_errors=True)


def test_path_scans(tmp_path, open_dir):
    """Off by default; on, a file or a tree is scanned where it lies,
    with the client's rights over HTTPSocket (nobody may not have a 0600
    file of root's scanned), with the daemon's over TCP."""
    tree = open_dir / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "a.com").write_bytes(EICAR)
    (tree / "sub" / "b.com").write_bytes(EICAR + b"\n")
    (tree / "clean.txt").write_bytes(CLEAN)
    secret = open_dir / "secret.com"
    secret.write_bytes(EICAR)
    os.chmod(secret, 0o600)
    d = Http(str(tmp_path / "off"))
    try:
        r = d.post("/v1/scan/path?path=%s" % tree)
        assert r.status_code == 403 and error_of(r, "/v1/scan/path") == \
            "forbidden"
    finally:
        d.stop()
    sock = open_dir / "http.sock"
    d = Http(str(tmp_path / "on"), extra="HTTPScanPath yes\nHTTPSocket %s\n"
             "LocalSocketMode 666\n" % sock)
    try:
        r = d.post("/v1/scan/path", params={"path": str(tree)})
        doc = check(r, "/v1/scan/path", "POST")
        assert doc["verdict"] == "infected" and doc["scanned"] == 3
        assert sorted(f["name"] for f in doc["files"]) == [
            str(tree / "a.com"), str(tree / "sub" / "b.com")]
        doc = check(d.post("/v1/scan/path", params={"path": str(
            tree / "clean.txt")}), "/v1/scan/path", "POST")
        assert doc["verdict"] == "clean" and doc["files"] == []
        r = d.post("/v1/scan/path", params={"path": str(tmp_path / "no")})
        assert r.status_code == 404
        r = d.post("/v1/scan/path", params={"path": "relative"})
        assert r.status_code == 400
        # clamav-rest's /scanPath: clamd's ALLMATCHSCAN lines
        r = d.get("/scanPath", params={"path": str(tree / "sub")})
        assert check(r, "/scanPath") == [{
            "Raw": "%s: Eicar-Signature FOUND" % (tree / "sub" / "b.com"),
            "Description": "Eicar-Signature", "Path": str(tree / "sub" /
                                                          "b.com"),
            "Hash": "", "Size": 0, "Status": "FOUND"}]
        # over the unix socket, with the client's rights
        def as_nobody(path):
            out = subprocess.run(
                ["setpriv", "--reuid=nobody", "--regid=nogroup",
                 "--clear-groups", "curl", "-s", "-X", "POST",
                 "--unix-socket", str(sock),
                 "http://localhost/v1/scan/path?path=%s" % path],
                capture_output=True, timeout=30).stdout
            return json.loads(out)
        assert as_nobody(secret)["error"]["code"] == "forbidden"
        assert as_nobody(tree / "a.com")["verdict"] == "infected"
        doc = check(d.post("/v1/scan/path", params={"path": str(secret)}),
                    "/v1/scan/path", "POST")
        assert doc["verdict"] == "infected"  # TCP: the daemon's rights
    finally:
        d.stop()


def test_check_config(tmp_path):
    from daemon import VIGILD, make_db
    db = make_db(str(tmp_path / "db"))
    conf = tmp_path / "c.conf"
    for extra, why in (
            ("HTTPPort 8080\nHTTPAddr 0.0.0.0\n", "is not loopback"),
            ("HTTPPort 8080\nHTTPTLSKey /x\n", "go together"),
            ("HTTPPort 8080\nHTTPTokenFile /nonexistent\n",
             "/nonexistent: No such file")):
        conf.write_text("LocalSocket %s\nDatabaseDirectory %s\n%s"
                        % (tmp_path / "s", db, extra))
        r = subprocess.run([VIGILD, "--check-config", "-c", str(conf)],
                           capture_output=True, text=True)
        assert r.returncode == 1 and why in r.stderr, (extra, r.stderr)


def test_version_says_the_update_state(tmp_path):
    """A database vigil update installed: /v1/version gives its release,
    freshness and place in the public log (the leaf vigil update checked
    the release manifest at, in a tree of the size it verified)."""
    from updhelp import installed_db
    installed_db(tmp_path, EICAR)
    (tmp_path / "d").mkdir()
    d = Http(str(tmp_path / "d"), str(tmp_path / "db"))
    try:
        doc = check(d.get("/v1/version"), "/v1/version")
        up = doc["update"]
        assert up["release"] == 1 and not up["stale"]
        assert up["release_dir"].startswith("1-")
        assert up["log"]["size"] >= 1
        assert 0 <= up["log"]["leaf"] < up["log"]["size"]
    finally:
        d.stop()


def test_large_body_is_scanned_as_it_arrives(tmp_path):
    """A body of 1 MiB or more goes to a worker through a pipe while it
    arrives: half-sent, its scan already runs and vigild holds none of it;
    the rest sent, the verdict; a client that leaves mid-body has its scan
    stopped."""
    d = Http(str(tmp_path), extra="MaxThreads 1\nHTTPMaxUploadSize 64M\n")
    body = b"A" * (6 << 20) + EICAR
    try:
        c = socket.create_connection(("127.0.0.1", d.http_port))
        c.sendall(b"POST /v1/scan?name=big HTTP/1.1\r\nHost: x\r\n"
                  b"Content-Length: %d\r\n\r\n" % len(body))
        c.sendall(body[:3 << 20])
        st = lambda: d.get("/v1/status").json()  # noqa: E731
        assert wait_for(lambda: st()["workers"]["busy"] == 1)
        # what is charged is the pipe's buffer, not the 3 MiB sent
        assert st()["memory_held_bytes"] == 1 << 20
        c.sendall(body[3 << 20:])
        out = b""
        while b"}]}" not in out:
            b = c.recv(65536)
            assert b, out
            out += b
        c.close()
        doc = json.loads(out.split(b"\r\n\r\n", 1)[1])
        assert doc["verdict"] == "infected", doc
        assert doc["files"][0]["bytes"] == len(body)
        # a client that leaves half-way: its worker is taken back
        before = st()["workers"]["generation"], st()["workers"]["live"]
        c = socket.create_connection(("127.0.0.1", d.http_port))
        c.sendall(b"POST /v1/scan HTTP/1.1\r\nHost: x\r\nContent-Length: "
                  b"%d\r\n\r\n" % len(body))
        c.sendall(body[:2 << 20])
        assert wait_for(lambda: st()["workers"]["busy"] == 1)
        c.close()
        assert wait_for(lambda: st()["workers"]["busy"] == 0)
        r = d.post("/v1/scan", data=body)
        assert r.json()["verdict"] == "infected" and before[1] == 1
        assert st()["memory_held_bytes"] == 0
    finally:
        d.stop()


def test_full_queue_is_429(tmp_path):
    """The only worker held, one upload waiting in MaxQueue: the next
    waits QueueTimeout for a place, then is refused with 429 and
    Retry-After; nothing stays held."""
    d = Http(str(tmp_path), extra="MaxThreads 1\nMaxQueue 1\nQueueTimeout 1\n"
             "DebugSandboxProbe yes\nWorkerTimeout 20\n")
    try:
        st = hold_worker(d)
        first = concurrent.futures.ThreadPoolExecutor(1).submit(
            d.post, "/v1/scan", data=EICAR)
        assert wait_for(lambda: d.get("/v1/status").json()["workers"]
                        ["queued"] == 1)
        r = d.post("/v1/scan", data=EICAR)
        assert r.status_code == 429 and r.headers["Retry-After"] == "1"
        assert error_of(r) == "busy"
        st.close()  # the worker is free again: the first one is answered
        assert first.result(30).json()["verdict"] == "infected"
        assert d.get("/v1/status").json()["memory_held_bytes"] == 0
    finally:
        d.stop()


def test_slow_client_holds_up_no_one(http):
    """A client trickling its body (a byte every 20 ms) holds no worker
    and no one else: 35 other uploads are answered meanwhile, then its
    own verdict comes."""
    body = EICAR + b"\n"
    c = socket.create_connection(("127.0.0.1", http.http_port))
    c.sendall(b"POST /v1/scan?name=slow HTTP/1.1\r\nHost: x\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body))
    done = 0
    for i, byte in enumerate(body):
        c.sendall(bytes([byte]))
        if i % 2 == 0:
            assert http.post("/v1/scan", data=CLEAN).json()["verdict"] == \
                "clean"
            done += 1
        else:
            time.sleep(0.02)
    out = b""
    while b"}]}" not in out:
        b = c.recv(65536)
        assert b, out
        out += b
    c.close()
    assert done == 35
    doc = json.loads(out.split(b"\r\n\r\n", 1)[1])
    assert doc["verdict"] == "infected" and doc["files"][0]["name"] == "slow"


def test_names_cannot_forge_log_lines(http):
    r = http.post("/v1/scan", params={"name": "x\nFri Dec  4 forged FOUND"},
                  data=EICAR)
    assert r.json()["files"][0]["name"] == "x?Fri Dec  4 forged FOUND"
    assert "\nFri Dec  4 forged" not in http.logtext()
