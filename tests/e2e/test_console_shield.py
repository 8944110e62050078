"""The shield on the console: vigil-shield filters a veth pair between
two namespaces made here, vigild reads its control socket (ShieldSocket);
a UDP flood (hping3) becomes an attack record with a rule; the API passes
on the shield's documents (status checked against its schema) and the
console shows the counters, the packets chart, the attack on its
timeline and the rules. Without the shield: 404, or 502 when its socket
does not answer."""
import json
import os
import shutil
import subprocess
import time

import pytest
from jsonschema import Draft202012Validator

from httphelp import Http, check
from test_console import browser, shot, text, until  # noqa: F401
from test_shield import NS_C, shield_with

pytestmark = pytest.mark.skipif(not shutil.which("hping3"),
                                reason="hping3 is not installed")
ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
with open(os.path.join(ROOT, "docs", "schema",
                       "shield-status.schema.json")) as _f:
    STATUS = Draft202012Validator(json.load(_f))


def flood():
    subprocess.run(["ip", "netns", "exec", NS_C, "timeout", "15", "hping3",
                    "-q", "-i", "u1", "-c", "30000", "--udp", "-p", "9",
                    "-d", "100", "10.77.0.2"], capture_output=True,
                   timeout=30)


def test_shield_page(tmp_path, browser):  # noqa: F811
    rules = tmp_path / "rules"
    rules.write_text("vigil-shield-rules 1\n"
                     "drop proto tcp dport 23 dst 10.77.0.2/32\n")
    conf = ("sample-every 8\nthreshold-udp-pps 2000\nhold-down 2\n"
            "rules-file %s\n" % rules)
    with shield_with(tmp_path, conf) as sock:
        d = Http(str(tmp_path / "d"), extra="ShieldSocket %s\n" % sock)
        try:
            st = check(d.get("/v1/shield/status"), "/v1/shield/status")
            assert not list(STATUS.iter_errors(st))
            browser.get(d.url + "/")
            assert until(lambda: text(browser, "sh-interface") == "on vt-v")
            flood()
            st = d.get("/v1/shield/status").json()
            assert not list(STATUS.iter_errors(st))
            assert st["attacks"] and st["attacks"][0]["kind"] == "udp-flood"
            rep = check(d.get("/v1/shield/report"), "/v1/shield/report")
            assert rep["attacks"][0]["sources"]["top"][0]["address"] == \
                "10.77.0.1"
            rules = check(d.get("/v1/shield/rules"), "/v1/shield/rules")
            assert rules["rules"]
            assert until(lambda: "udp-flood" in text(browser, "attacks"))
            assert until(lambda: int(text(browser, "sh-dropped").replace(
                ",", "")) > 0)
            assert "10.77.0.1" in text(browser, "attacks")
            # the rule set's rule, with what it dropped
            assert until(lambda: "10.77.0.2/32" in text(browser,
                                                        "shield-rules"))
            time.sleep(2.5)
            browser.execute_script(
                "document.getElementById('shield-card').scrollIntoView()")
            shot(browser, "console-shield.png", tmp_path)
        finally:
            d.stop()


def test_no_shield(tmp_path):
    d = Http(str(tmp_path / "a"))
    try:
        r = d.get("/v1/shield/status")
        assert r.status_code == 404 and r.json()["error"]["code"] == \
            "not_found"
    finally:
        d.stop()
    d = Http(str(tmp_path / "b"), extra="ShieldSocket %s\n"
             % (tmp_path / "nothing.sock"))
    try:
        r = d.get("/v1/shield/status")
        assert r.status_code == 502
        assert check(r, "/v1/shield/status")["error"]["code"] == \
            "shield_unavailable"
    finally:
        d.stop()
