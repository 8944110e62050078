"""For the HTTP API's tests: vigild with HTTPPort, and every answer its
get() and post() receive checked against docs/openapi.json (the status
listed for its path and method, the body against that status's
schema)."""
import json
import os
import urllib.parse

import requests
from jsonschema import Draft202012Validator, RefResolver

from daemon import Vigild, free_port, make_db

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
with open(os.path.join(ROOT, "docs", "openapi.json")) as f:
    OPENAPI = json.load(f)
RESOLVER = RefResolver("", OPENAPI)


def schema_of(path, method, status):
    op = OPENAPI["paths"][path][method.lower()]
    resp = op["responses"][str(status)]
    if "$ref" in resp:
        resp = RESOLVER.resolve(resp["$ref"])[1]
    content = resp.get("content", {}).get("application/json")
    return content["schema"] if content else None


def validate(resp):
    """Any answer of the API against the document: a path it lists must
    list the answer's status (and its body fit that status's schema); an
    error from a path it does not list has the error form."""
    path = urllib.parse.urlsplit(resp.url).path
    method = resp.request.method.lower()
    if path not in OPENAPI["paths"] or \
            method not in OPENAPI["paths"][path]:
        errors = list(Draft202012Validator(
            OPENAPI["components"]["schemas"]["Error"]).iter_errors(
                resp.json()))
        assert not errors, (path, resp.status_code, resp.text)
        return
    op = OPENAPI["paths"][path][method]
    assert str(resp.status_code) in op["responses"], \
        (path, method, resp.status_code, resp.text[:300])
    if resp.headers.get("Content-Type", "").startswith("application/json"):
        check(resp, path, method.upper())


def check(resp, path, method="GET"):
    """resp's status is one the document lists for path, and its body
    validates against that status's schema. Returns the parsed body."""
    schema = schema_of(path, method, resp.status_code)
    if schema is None:  # documented without a JSON schema (/scan)
        return None
    doc = resp.json()
    if schema is not None:
        errors = list(Draft202012Validator(
            schema, resolver=RESOLVER).iter_errors(doc))
        assert not errors, (path, resp.status_code, doc,
                            [e.message for e in errors])
    return doc


class Http(Vigild):
    """vigild with the HTTP API on a loopback port; self.url its base."""

    def __init__(self, workdir, dbdir=None, extra=""):
        self.http_port = free_port()
        dbdir = dbdir or make_db(os.path.join(workdir, "db"))
        if "QuarantineDirectory" not in extra:  # not the machine's
            extra += "QuarantineDirectory %s\n" % os.path.join(
                workdir, "no-quarantine")
        super().__init__(workdir, dbdir, "HTTPPort %d\n%s"
                         % (self.http_port, extra))
        self.url = "http://127.0.0.1:%d" % self.http_port

    def get(self, path, **kw):
        r = requests.get(self.url + path, timeout=30, **kw)
        validate(r)
        return r

    def post(self, path, **kw):
        r = requests.post(self.url + path, timeout=30, **kw)
        validate(r)
        return r
