"""DOTS (RFC 9132) in vigil-shield, against real peers: libcoap's own
coap-client (DTLS with a pre-shared key) drives the shield's DOTS server,
and cbor2 (an independent CBOR implementation) writes the bodies and
reads the answers; then two vigil-shields, a customer's edge and its
provider, in network namespaces: a flood at the customer becomes a DOTS
request that the provider turns into a drop rule, the flood stops at the
provider while other traffic still passes, and the request is withdrawn
when the flood ends."""
import contextlib
import decimal
import json
import os
import re
import shutil
import subprocess
import time

import pytest

from test_shield import NS_C, NS_V, SHIELD, ctl, in_ns, sh, shield_with
from shieldhelp import receiver_code, wait_for
from test_shield_bgp import iso

cbor2 = pytest.importorskip("cbor2")
COAP = shutil.which("coap-client-openssl")
pytestmark = pytest.mark.skipif(not COAP, reason="libcoap3-bin missing")

KEY = "edge1-secret-key-0123456789"
ROOT = "coaps://%s:4646/.well-known/dots/"


def server_conf(tmp_path, extra=""):
    keys = tmp_path / "dots-keys"
    keys.mkdir(exist_ok=True)
    (keys / "edge1.key").write_text(KEY + "\n")
    return ("sample-every 1\nhold-down 2\n"
            "dots-listen 10.77.0.2:4646\n"
            "dots-client-keys %s\n"
            "dots-client edge1@10.77.0.0/24,fd00:77::/64\n" % keys + extra)


def scope_body(targets, protocols=None, ports=None, lifetime=600):
    """A mitigation request, keys as RFC 9132's table maps them."""
    scope = {6: targets, 14: lifetime}
    if protocols:
        scope[10] = protocols
    if ports:
        scope[7] = [{8: lo, 9: hi} for lo, hi in ports]
    return cbor2.dumps({1: {2: [scope]}})


def coap(tmp_path, method, path, body=None, key=KEY, user="edge1",
         extra=(), cert=None):
    """coap-client in the client's namespace: (exit code, answer bytes,
    what it printed); with cert, a certificate of tmp_path/pki instead of
    the key."""
    out = tmp_path / "answer.bin"
    if out.exists():
        out.unlink()
    auth = ["-u", user, "-k", key]
    if cert:
        d = tmp_path / "pki"
        auth = ["-c", str(d / (cert + ".pem")), "-j", str(d / (cert + ".key")),
                "-C", str(d / "ca.pem")]
    argv = [COAP, "-m", method] + auth + ["-B", "5", "-o", str(out)] + \
        list(extra)
    if body is not None:
        f = tmp_path / "body.cbor"
        f.write_bytes(body)
        argv += ["-t", "271", "-f", str(f)]
    res = in_ns(NS_C, *argv, (ROOT % "10.77.0.2") + path)
    got = out.read_bytes() if out.exists() else b""
    return res.returncode, got, res.stdout + res.stderr


def answered(out, code):
    """Whether coap-client printed response code code ("2.01"; "4." for
    any 4.xx), not as digits of a log line's time ("08:45:32.014" holds
    "2.01": a run of CI failed on it)."""
    pat = re.escape(code) + (r"\d\d" if code.endswith(".") else "")
    return re.search(r"(?<![\d.])" + pat + r"(?!\d)", out) is not None


def status(sock):
    rc, out = ctl(sock, "status", "--json")
    assert rc == 0, out
    return json.loads(out)


def udp_reaches(port, count=20):
    """How many of count UDP datagrams from the client reach a receiver
    on the protected host."""
    recv = subprocess.Popen(
        ["ip", "netns", "exec", NS_V, "/usr/bin/python3", "-c",
         "import socket, sys\n"
         "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
         "s.bind(('10.77.0.2', %d)); s.settimeout(1.5)\n"
         "print('ready', flush=True)\n"
         "n = 0\n"
         "try:\n"
         "    while True:\n"
         "        s.recv(2048); n += 1\n"
         "except socket.timeout:\n"
         "    pass\n"
         "print(n)\n" % port], stdout=subprocess.PIPE, text=True)
    assert recv.stdout.readline().strip() == "ready"
    in_ns(NS_C, "/usr/bin/python3", "-c",
          "import socket\n"
          "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
          "for _ in range(%d): s.sendto(b'x' * 100, ('10.77.0.2', %d))\n"
          % (count, port), check=True)
    out, _ = recv.communicate(timeout=20)
    return int(out.strip().splitlines()[-1])


def test_dots_server_with_libcoap_client(tmp_path):
    with shield_with(tmp_path, server_conf(tmp_path)) as sock:
        assert udp_reaches(9999) == 20
        # a request for a host the client owns: UDP to port 9999
        body = scope_body(["10.77.0.2/32"], [17], [(9999, 9999)])
        rc, _, out = coap(tmp_path, "put",
                          "mitigate/cuid=testcuid/mid=7", body)
        assert rc == 0, out
        st = status(sock)
        dots = st["dots"]["server"]
        assert [(m["client"], m["mid"]) for m in dots["mitigations"]] == \
            [("edge1", 7)]
        rules = json.loads(ctl(sock, "rules")[1])["rules"]
        # first the pass rule for the DOTS endpoint itself, then the drop
        assert rules[0]["action"] == "pass"
        assert rules[0]["destination_ports"] == [4646, 4646]
        assert rules[1]["destination"] == "10.77.0.2/32"
        assert rules[1]["protocol"] == 17 and rules[1]["action"] == "drop"
        assert rules[1]["destination_ports"] == [9999, 9999]
        # the rule drops exactly that: port 9999 no more, 9998 still
        assert udp_reaches(9999) == 0
        assert udp_reaches(9998) == 20
        time.sleep(1.2)  # the counters are read once a second
        rc, got, out = coap(tmp_path, "get", "mitigate/cuid=testcuid/mid=7")
        assert rc == 0, out
        scope = cbor2.loads(got)[1][2][0]
        assert scope[5] == 7 and scope[6] == ["10.77.0.2/32"]
        assert scope[16] == 1  # attack mitigation in progress
        assert scope[27] >= 20  # pkts-dropped
        assert 0 < scope[14] <= 600  # lifetime left
        # efficacy update: the client says the attack is mitigated
        rc, _, out = coap(tmp_path, "put", "mitigate/cuid=testcuid/mid=7",
                          cbor2.dumps({1: {2: [{29: 2}]}}),
                          extra=("-O", "1,"))
        assert rc == 0, out
        rc, got, out = coap(tmp_path, "get", "mitigate/cuid=testcuid")
        assert cbor2.loads(got)[1][2][0][16] == 2
        # withdrawn: the traffic passes again
        rc, _, out = coap(tmp_path, "delete", "mitigate/cuid=testcuid/mid=7")
        assert rc == 0, out
        assert status(sock)["dots"]["server"]["mitigations"] == []
        assert udp_reaches(9999) == 20


def test_dots_server_refuses(tmp_path):
    with shield_with(tmp_path, server_conf(tmp_path)) as sock:
        # a prefix the client does not own: 4.03, nothing installed
        rc, _, out = coap(tmp_path, "put", "mitigate/cuid=c1/mid=1",
                          scope_body(["10.99.0.0/24"]))
        assert "4.03" in out, out
        # an alias needs the data channel: 4.00 with the reason
        rc, _, out = coap(tmp_path, "put", "mitigate/cuid=c1/mid=2",
                          cbor2.dumps({1: {2: [{13: ["www"]}]}}))
        assert "4.00" in out and "data channel" in out, out
        # not CBOR; CBOR declaring more than it holds
        rc, _, out = coap(tmp_path, "put", "mitigate/cuid=c1/mid=3",
                          b"\xbf\xff")
        assert "4.00" in out, out
        rc, _, out = coap(tmp_path, "put", "mitigate/cuid=c1/mid=4",
                          b"\xa1\x01\xba\xff\xff\xff\xff")
        assert "4.00" in out and "past the end" in out, out
        # a scope wider than 16 filters
        rc, _, out = coap(tmp_path, "put", "mitigate/cuid=c1/mid=5",
                          scope_body(["10.77.0.%d/32" % i
                                      for i in range(1, 10)], [6, 17]))
        assert "4.00" in out and "16 filters" in out, out
        # a client may hold 16 filters, so that none takes all 32
        # (10.77.0.2 among the targets: the DOTS endpoint stays open)
        wide = scope_body(["10.77.0.%d/32" % i for i in range(1, 9)],
                          [6, 17])
        coap(tmp_path, "put", "mitigate/cuid=c1/mid=7", wide)
        assert [m["filters"] for m in
                status(sock)["dots"]["server"]["mitigations"]] == [16]
        rc, _, out = coap(tmp_path, "put", "mitigate/cuid=c1/mid=8",
                          scope_body(["10.77.0.9/32"]))
        assert "5.03" in out and "this client" in out, out
        coap(tmp_path, "delete", "mitigate/cuid=c1/mid=7")
        # another's mitigation is not found; a wrong key gets nothing
        assert "4.04" in coap(tmp_path, "get", "mitigate/cuid=c1/mid=1")[2]
        rc, _, out = coap(tmp_path, "put", "mitigate/cuid=c1/mid=6",
                          scope_body(["10.77.0.2/32"]), key="wrong-key-" * 3)
        assert rc != 0 or not answered(out, "2.01"), out
        st = status(sock)["dots"]["server"]
        assert st["mitigations"] == [] and st["refused"] >= 5
        assert [r["action"] for r in
                json.loads(ctl(sock, "rules")[1])["rules"]] == ["pass"]
        # a float where a boolean belongs (libcbor asserts on it if asked
        # whether it is a boolean: the fuzzer's find) is refused, and the
        # shield goes on
        rc, _, out = coap(tmp_path, "put", "hb",
                          b"\xa1\x18\x31\xa1\x18\x33\xf9\x3c\x00")
        assert "4.00" in out, out
        # heartbeat and session configuration
        rc, _, out = coap(tmp_path, "put", "hb",
                          cbor2.dumps({49: {51: True}}), extra=("-N",))
        assert rc == 0, out
        rc, got, out = coap(tmp_path, "get", "config")
        cfg = cbor2.loads(got)[30]
        assert cfg[32][33][36] == 30 and cfg[32][37][36] == 15
        # decimals as CBOR tag 4, which cbor2 reads as Decimal
        assert cfg[32][39][43] == decimal.Decimal("2.00")


NS_A, NS_P, NS_E = "vigildots-a", "vigildots-p", "vigildots-e"


def topology():
    """attacker and client (10.78.1.1, .3) -- provider router (10.78.1.2 |
    10.78.2.1) -- customer edge (10.78.2.2)."""
    for ns in (NS_A, NS_P, NS_E):
        sh("ip", "netns", "del", ns, check=False)
        sh("ip", "netns", "add", ns)
        in_ns(ns, "ip", "link", "set", "lo", "up", check=True)
    sh("ip", "link", "add", "va", "netns", NS_A, "type", "veth", "peer",
       "name", "pa", "netns", NS_P)
    sh("ip", "link", "add", "pc", "netns", NS_P, "type", "veth", "peer",
       "name", "ep", "netns", NS_E)
    for ns, dev, addrs in ((NS_A, "va", ["10.78.1.1/24", "10.78.1.3/24"]),
                           (NS_P, "pa", ["10.78.1.2/24"]),
                           (NS_P, "pc", ["10.78.2.1/24"]),
                           (NS_E, "ep", ["10.78.2.2/24"])):
        for a in addrs:
            in_ns(ns, "ip", "addr", "add", a, "dev", dev, check=True)
        in_ns(ns, "ip", "link", "set", dev, "up", check=True)
    in_ns(NS_A, "ip", "route", "add", "default", "via", "10.78.1.2",
          check=True)
    in_ns(NS_E, "ip", "route", "add", "default", "via", "10.78.2.1",
          check=True)
    in_ns(NS_P, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1", check=True)


@contextlib.contextmanager
def shield_in(tmp_path, name, ns, dev, conf):
    sock = str(tmp_path / (name + ".sock"))
    (tmp_path / (name + ".conf")).write_text(conf)
    log = open(tmp_path / (name + ".log"), "w")
    proc = subprocess.Popen(["ip", "netns", "exec", ns, SHIELD, "run",
                             "--interface", dev, "--config",
                             str(tmp_path / (name + ".conf")), "--socket",
                             sock], stdout=log, stderr=log)
    end = time.time() + 20
    while not os.path.exists(sock) and time.time() < end:
        assert proc.poll() is None, (tmp_path / (name + ".log")).read_text()
        time.sleep(0.05)
    try:
        yield sock
    finally:
        proc.terminate()
        rc = proc.wait(20)
        assert rc == 0, (tmp_path / (name + ".log")).read_text()[-3000:]



FLOOD = """
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.78.1.1", 5000))
end = time.time() + %f
n = 0
while time.time() < end and n < 60000:
    s.sendto(b"x" * 200, ("10.78.2.2", 40000)); n += 1
    if n %% 20 == 0: time.sleep(0.01)
print(n)
"""


def reaches_tcp():
    return in_ns(NS_A, "/usr/bin/python3", "-c",
                 "import socket\n"
                 "socket.create_connection(('10.78.2.2', 7777), 1,"
                 " ('10.78.1.3', 0)).close()").returncode == 0



@pytest.mark.parametrize("auth", ["psk", "certificates"])
def test_flood_at_customer_becomes_mitigation_at_provider(tmp_path, auth):
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "cust.key").write_text(KEY + "\n")
    provider = ("sample-every 1\nhold-down 2\ndots-listen 10.78.2.1:4646\n"
                "dots-client cust@10.78.2.0/24\n")
    customer = ("sample-every 1\nthreshold-udp-pps 300\nhold-down 2\n"
                "dots-server 10.78.2.1:4646\ndots-signal-pps 300\n"
                "dots-heartbeat 1\n")
    if auth == "psk":
        provider += "dots-client-keys %s\n" % keys
        customer += "dots-identity cust\ndots-key-file %s\n" % (
            keys / "cust.key")
    else:  # the customer's certificate names it: CN=edge1
        d = pki(tmp_path)
        provider = provider.replace("cust@", "edge1@")
        provider += "dots-certificate %s\ndots-key %s\ndots-ca %s\n" % (
            d / "server.pem", d / "server.key", d / "ca.pem")
        customer += "dots-certificate %s\ndots-key %s\ndots-ca %s\n" % (
            d / "edge1.pem", d / "edge1.key", d / "ca.pem")
    topology()
    recv = None
    try:
        with shield_in(tmp_path, "provider", NS_P, "pa", provider) as psock, \
                shield_in(tmp_path, "customer", NS_E, "ep", customer) as csock:
            recv = subprocess.Popen(["ip", "netns", "exec", NS_E,
                                     "/usr/bin/python3", "-c",
                                     receiver_code("10.78.2.2", 25)],
                                    stdout=subprocess.PIPE, text=True)
            assert recv.stdout.readline().strip() == "ready"
            assert wait_for(reaches_tcp, 10)
            flood = subprocess.Popen(["ip", "netns", "exec", NS_A,
                                      "/usr/bin/python3", "-c", FLOOD % 8.0],
                                     stdout=subprocess.PIPE, text=True)
            mit = wait_for(lambda: status(psock)["dots"]["server"][
                "mitigations"], 8)
            assert mit, (tmp_path / "customer.log").read_text()
            assert mit[0]["client"] == ("cust" if auth == "psk" else "edge1")
            assert mit[0]["targets"] == ["10.78.2.2/32"]
            assert mit[0]["protocols"] == [17]
            # other traffic to the customer still passes the provider
            assert reaches_tcp()
            sent = int(flood.communicate(timeout=30)[0])
            pst = status(psock)["dots"]["server"]["mitigations"]
            cst = status(csock)
            rep = json.loads(ctl(csock, "report", "--format", "json")[1])
            # withdrawn once the flood is over at both ends
            gone = wait_for(lambda: not status(psock)["dots"]["server"][
                "mitigations"], 20)
            assert gone, (tmp_path / "customer.log").read_text()
            assert not status(csock)["dots"]["client"]["requests"]
            plog = (tmp_path / "provider.log").read_text()
            assert "withdrew" in plog and "expired" not in plog, plog
        seen = json.loads(recv.communicate(timeout=40)[0])
    finally:
        if recv and recv.poll() is None:
            recv.kill()
        for ns in (NS_A, NS_P, NS_E):
            sh("ip", "netns", "del", ns, check=False)
    start = mit[0]["start"]
    detected = rep["attacks"][0]["start"]
    after = [t for t in seen if t > start + 0.5]
    print("flood: %d datagrams sent, %d reached the customer, %d after "
          "the provider's rule (+0.5 s); provider dropped %d" %
          (sent, len(seen), len(after), pst[0]["packets_dropped"]))
    print("customer detected the attack at %s; the provider's mitigation "
          "started %.3f s later" % (detected, start - iso(detected)))
    assert pst[0]["packets_dropped"] >= sent / 2
    assert len(after) <= 5, len(after)
    assert cst["dots"]["client"]["failed"] == 0


@pytest.mark.parametrize("conf,why", [
    ("dots-listen 10.0.0.1:4646\n", "dots-client lines"),
    ("dots-listen 10.0.0.1:99999\n", "ADDRESS[:PORT]"),
    ("dots-listen 10.0.0.1\ndots-client-keys /k\n"
     "dots-client a/b@10.0.0.0/8\n", "IDENTITY@PREFIX"),
    ("dots-listen 10.0.0.1\ndots-client-keys /k\n"
     "dots-client e@10.0.0.0/8\ndots-divert x@tun0\n", "no dots-client"),
    ("dots-listen 10.0.0.1\ndots-client-keys /k\n"
     "dots-client e@10.0.0.0/8\ndots-divert e@tun0\n", "need bird-socket"),
    ("dots-server [fd00::1]:4646\ndots-identity e\n", "dots-key-file"),
    ("dots-server [fd00::1]:4646\ndots-identity e\ndots-key-file /k\n",
     "never signal"),
    ("dots-lifetime 10\n", "at least 60"),
    ("dots-listen 10.0.0.1\ndots-client-keys /k\ndots-client e@10.0.0.0/8\n"
     "dots-certificate /c\ndots-key /k\ndots-ca /a\n", "not both"),
    ("dots-certificate /c\n", "go together"),
    ("anycast 10.0.0.0/8\n", "PREFIX@IFNAME"),
])
def test_dots_and_anycast_settings_checked(tmp_path, conf, why):
    (tmp_path / "c.conf").write_text(conf)
    res = sh(SHIELD, "check-config", str(tmp_path / "c.conf"), check=False)
    assert res.returncode != 0 and why in res.stderr, res.stderr


DATA = "https://10.77.0.2:8443/restconf/data/ietf-dots-data-channel:dots-data"


def pki(tmp_path):
    """A CA, the server's certificate (for 10.77.0.2) and two clients':
    edge1, known, and stranger, signed by another CA."""
    def ossl(*args):
        sh("openssl", *args)
    d = tmp_path / "pki"
    d.mkdir()
    for ca in ("ca", "other-ca"):
        ossl("req", "-x509", "-newkey", "ec", "-pkeyopt",
             "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj",
             "/CN=" + ca, "-keyout", str(d / (ca + ".key")), "-out",
             str(d / (ca + ".pem")))
    for name, ca, ext in (("server", "ca", "subjectAltName=IP:10.77.0.2"),
                          ("edge1", "ca", None),
                          ("stranger", "other-ca", None)):
        ossl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-subj", "/CN=" + name, "-keyout",
             str(d / (name + ".key")), "-out", str(d / (name + ".csr")))
        extf = d / (name + ".ext")
        extf.write_text((ext or "basicConstraints=CA:FALSE") + "\n")
        ossl("x509", "-req", "-in", str(d / (name + ".csr")), "-CA",
             str(d / (ca + ".pem")), "-CAkey", str(d / (ca + ".key")),
             "-CAcreateserial", "-days", "2", "-extfile", str(extf), "-out",
             str(d / (name + ".pem")))
    return d


def rest(tmp_path, method, path, body=None, who="edge1"):
    """curl in the client's namespace: (HTTP status, JSON answer or None)."""
    d = tmp_path / "pki"
    out = tmp_path / "rest.json"
    argv = ["curl", "-s", "-o", str(out), "-w", "%{http_code}", "-X", method,
            "--cacert", str(d / "ca.pem"), "--max-time", "10"]
    if who:
        argv += ["--cert", str(d / (who + ".pem")), "--key",
                 str(d / (who + ".key"))]
    if body is not None:
        argv += ["-H", "Content-Type: application/yang-data+json",
                 "--data-binary", body if isinstance(body, str) else
                 json.dumps(body)]
    res = in_ns(NS_C, *argv, DATA + path)
    text = out.read_text() if out.exists() else ""
    return int(res.stdout or 0), (json.loads(text) if text else None)


def acl(name, activation, dst, proto, port, action, src=None):
    ip = {"destination-ipv4-network": dst, "protocol": proto}
    if src:
        ip["source-ipv4-network"] = src
    return {"name": name, "type": "ipv4-acl-type",
            "activation-type": activation,
            "aces": {"ace": [{
                "name": name + "-1",
                "matches": {"ipv4": ip, "udp": {
                    "destination-port-range-or-operator":
                        {"operator": "eq", "port": port}}},
                "actions": {"forwarding": "ietf-access-control-list:"
                            + action}}]}}


def test_dots_data_channel_aliases_and_filters(tmp_path):
    d = pki(tmp_path)
    conf = server_conf(tmp_path, "dots-data-listen 10.77.0.2:8443\n"
                       "dots-data-certificate %s\ndots-data-key %s\n"
                       "dots-data-ca %s\n" % (d / "server.pem",
                                              d / "server.key", d / "ca.pem"))
    with shield_with(tmp_path, conf) as sock:
        # who may speak: a certificate of the CA naming a dots-client
        assert rest(tmp_path, "GET", "/capabilities", who=None)[0] == 403
        assert rest(tmp_path, "GET", "/capabilities",
                    who="stranger")[0] in (0, 403)
        code, caps = rest(tmp_path, "GET", "/capabilities")
        assert code == 200 and "ipv4" in caps[
            "ietf-dots-data-channel:capabilities"]["address-family"]
        reg = {"ietf-dots-data-channel:dots-client": [{"cuid": "c1"}]}
        assert rest(tmp_path, "POST", "", reg)[0] == 201
        assert rest(tmp_path, "POST", "", reg)[0] == 409
        # an alias, and one outside the client's prefixes
        web = {"ietf-dots-data-channel:aliases": {"alias": [{
            "name": "web", "target-prefix": ["10.77.0.2/32"],
            "target-protocol": [17],
            "target-port-range": [{"lower-port": 9999}]}]}}
        assert rest(tmp_path, "POST", "/dots-client=c1", web)[0] == 201
        far = {"ietf-dots-data-channel:aliases": {"alias": [{
            "name": "far", "target-prefix": ["10.99.0.0/24"]}]}}
        assert rest(tmp_path, "POST", "/dots-client=c1", far)[0] == 403
        code, got = rest(tmp_path, "GET", "/dots-client=c1/aliases/alias=web")
        assert code == 200
        assert got["ietf-dots-data-channel:aliases"]["alias"][0][
            "target-prefix"] == ["10.77.0.2/32"]
        # a signal-channel request naming the alias
        rc, _, out = coap(tmp_path, "put", "mitigate/cuid=c1/mid=1",
                          cbor2.dumps({1: {2: [{13: ["web"], 14: 600}]}}))
        assert rc == 0 and not answered(out, "4."), out
        assert udp_reaches(9999) == 0
        # a filter list in force at once: drop UDP to port 9998
        drop = {"ietf-dots-data-channel:acls": {"acl": [
            acl("no-9998", "immediate", "10.77.0.2/32", 17, 9998, "drop")]}}
        assert rest(tmp_path, "POST", "/dots-client=c1", drop)[0] == 201
        assert udp_reaches(9998) == 0 and udp_reaches(9997) == 20
        # one in force while mitigating: accept the client's own host
        # before the mitigation's drop
        keep = {"ietf-dots-data-channel:acls": {"acl": [
            acl("keep-mine", "activate-when-mitigating", "10.77.0.2/32", 17,
                9999, "accept", src="10.77.0.1/32")]}}
        assert rest(tmp_path, "POST", "/dots-client=c1", keep)[0] == 201
        assert udp_reaches(9999) == 20
        time.sleep(1.2)  # counted once a second
        code, got = rest(tmp_path, "GET", "/dots-client=c1/acls")
        lists = {a["name"]: a for a in
                 got["ietf-dots-data-channel:acls"]["acl"]}
        assert lists["no-9998"]["matched-packets"] >= 20
        assert lists["keep-mine"]["matched-packets"] >= 20
        # the mitigation withdrawn: the when-mitigating list goes with it
        coap(tmp_path, "delete", "mitigate/cuid=c1/mid=1")
        st = status(sock)["dots"]["server"]
        assert {a["name"]: a["in_force"] for a in st["acls"]} == \
            {"no-9998": True, "keep-mine": False}
        # refused with reasons; deleted
        bad = {"ietf-dots-data-channel:acls": {"acl": [
            acl("rl", "immediate", "10.77.0.2/32", 17, 53, "drop")]}}
        bad["ietf-dots-data-channel:acls"]["acl"][0]["aces"]["ace"][0][
            "actions"] = {"rate-limit": "100.00"}
        code, err = rest(tmp_path, "POST", "/dots-client=c1", bad)
        assert code == 400 and "forwarding" in json.dumps(err)
        assert rest(tmp_path, "POST", "/dots-client=c1", "{not json")[0] \
            == 400
        assert rest(tmp_path, "GET", "/dots-client=nobody/acls")[0] == 404
        assert rest(tmp_path, "DELETE",
                    "/dots-client=c1/acls/acl=no-9998")[0] == 204
        assert udp_reaches(9998) == 20
        assert rest(tmp_path, "GET",
                    "/dots-client=c1/acls/acl=no-9998")[0] == 404
        assert rest(tmp_path, "DELETE", "/dots-client=c1")[0] == 204
        assert status(sock)["dots"]["server"]["aliases"] == 0


def test_dots_signal_channel_with_certificates(tmp_path):
    d = pki(tmp_path)
    conf = server_conf(tmp_path, "dots-certificate %s\ndots-key %s\n"
                       "dots-ca %s\n" % (d / "server.pem", d / "server.key",
                                         d / "ca.pem"))
    conf = "\n".join(line for line in conf.splitlines()
                     if not line.startswith("dots-client-keys")) + "\n"
    with shield_with(tmp_path, conf) as sock:
        body = scope_body(["10.77.0.2/32"], [17], [(9999, 9999)])
        # a certificate of another CA: no session, nothing taken
        rc, _, out = coap(tmp_path, "put", "mitigate/cuid=x/mid=1", body,
                          cert="stranger")
        assert status(sock)["dots"]["server"]["mitigations"] == []
        # edge1's certificate: its common name is the client
        rc, _, out = coap(tmp_path, "put", "mitigate/cuid=x/mid=2", body,
                          cert="edge1")
        assert rc == 0 and not answered(out, "4."), out
        mit = status(sock)["dots"]["server"]["mitigations"]
        assert [(m["client"], m["mid"]) for m in mit] == [("edge1", 2)]
        assert udp_reaches(9999) == 0
        rc, got, out = coap(tmp_path, "get", "mitigate/cuid=x/mid=2",
                            cert="edge1")
        assert got, out
        assert cbor2.loads(got)[1][2][0][5] == 2


def test_refused_request_is_not_repeated(tmp_path):
    """A provider that does not hold the customer's prefix refuses (4.03):
    the customer says so, does not ask again, and forgets the request once
    the flood is over."""
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "cust.key").write_text(KEY + "\n")
    provider = ("sample-every 1\ndots-listen 10.78.2.1:4646\n"
                "dots-client-keys %s\ndots-client cust@10.99.0.0/24\n"
                % keys)
    customer = ("sample-every 1\nthreshold-udp-pps 300\nhold-down 2\n"
                "dots-server 10.78.2.1:4646\ndots-signal-pps 300\n"
                "dots-heartbeat 30\ndots-identity cust\ndots-key-file %s\n"
                % (keys / "cust.key"))
    topology()
    try:
        with shield_in(tmp_path, "provider", NS_P, "pa", provider) as psock, \
                shield_in(tmp_path, "customer", NS_E, "ep", customer) as csock:
            flood = subprocess.Popen(["ip", "netns", "exec", NS_A,
                                      "/usr/bin/python3", "-c", FLOOD % 6.0],
                                     stdout=subprocess.PIPE, text=True)
            refused = wait_for(lambda: "403" in status(csock)["dots"][
                "client"]["error"], 10)
            assert refused, (tmp_path / "customer.log").read_text()
            flood.communicate(timeout=30)
            cl = status(csock)["dots"]["client"]
            # one request (and a heartbeat), not one a second
            assert cl["sent"] <= 3, cl
            assert wait_for(lambda: not status(csock)["dots"]["client"][
                "requests"], 15)
            st = status(psock)["dots"]["server"]
            assert st["mitigations"] == [] and st["refused"] >= 1
    finally:
        for ns in (NS_A, NS_P, NS_E):
            sh("ip", "netns", "del", ns, check=False)
