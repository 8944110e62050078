"""vigild's HTTP API (libmicrohttpd): scans of a body and of multipart
files, the state endpoints, ajilach/clamav-rest's endpoints for its
clients, every answer checked against docs/openapi.json; bad requests each
with a clear error; the token; TLS; a unix socket; a client that leaves
mid-scan; concurrent uploads with no lost verdict."""
import concurrent.futures
import json
import os
import socket
import subprocess
import time

import pytest
import requests

from daemon import EICAR, instream, wait_for
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
