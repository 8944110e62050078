"""vigil-shield against real floods: hping3 in an attacker's namespace, a
legitimate client in another, the victim in a third, all on a bridge in a
fourth (every namespace made here and removed after). Floods are bounded
by a packet count and a timeout.

- UDP and SYN floods are detected and a local rule is in force within
  two seconds of the flood's start.
- A reflection-shaped flood (source port 123) paced above what the
  victim's service can handle: without the shield's rule the legitimate
  client loses much of its traffic; with it, once the rule is in force,
  under 1%."""
import contextlib
import json
import os
import shutil
import subprocess
import time

import pytest

from conftest import BUILD

SHIELD = os.path.join(BUILD, "src", "shield", "vigil-shield")
NS = {"a": "vigilfl-a", "l": "vigilfl-l", "v": "vigilfl-v", "r": "vigilfl-r"}
ADDR = {"a": "10.79.0.1", "v": "10.79.0.2", "l": "10.79.0.3"}
pytestmark = pytest.mark.skipif(not shutil.which("hping3"),
                                reason="hping3 is not installed")

# A UDP echo service with a fixed capacity (about 5,000 requests a
# second: 0.2 ms of work each) and a small receive buffer, as a real
# service under load has.
ECHO = """
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
s.bind(('10.79.0.2', 7))
while True:
    d, a = s.recvfrom(2048)
    t = time.perf_counter() + 0.0002
    while time.perf_counter() < t:
        pass
    s.sendto(d, a)
"""

# The legitimate client: 500 requests a second for `secs`, then the loss.
CLIENT = """
import socket, sys, threading, time
secs = float(sys.argv[1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.79.0.3', 0))
got = set()
def recv():
    s.settimeout(1.0)
    try:
        while True:
            got.add(int(s.recv(64)))
    except OSError:
        pass
t = threading.Thread(target=recv); t.start()
n, start = 0, time.time()
while time.time() - start < secs:
    s.sendto(b'%d' % n, ('10.79.0.2', 7)); n += 1
    time.sleep(0.002)
t.join()
print(n, len(got))
"""


def sh(*argv, check=True, timeout=60):
    return subprocess.run(list(argv), capture_output=True, text=True,
                          check=check, timeout=timeout)


def ns(who, *argv, check=False):
    return sh("ip", "netns", "exec", NS[who], *argv, check=check)


@contextlib.contextmanager
def topology():
    for n in NS.values():
        sh("ip", "netns", "del", n, check=False)
        sh("ip", "netns", "add", n)
        sh("ip", "-n", n, "link", "set", "lo", "up")
    r = NS["r"]
    sh("ip", "-n", r, "link", "add", "br0", "type", "bridge")
    sh("ip", "-n", r, "link", "set", "br0", "up")
    for who in ("a", "l", "v"):
        sh("ip", "link", "add", "vf-" + who, "netns", NS[who], "type", "veth",
           "peer", "name", "br-" + who, "netns", r)
        sh("ip", "-n", r, "link", "set", "br-" + who, "master", "br0")
        sh("ip", "-n", r, "link", "set", "br-" + who, "up")
        sh("ip", "-n", NS[who], "addr", "add", ADDR[who] + "/24", "dev",
           "vf-" + who)
        sh("ip", "-n", NS[who], "link", "set", "vf-" + who, "up")
    procs = []
    try:
        yield procs
    finally:
        for p in procs:
            p.kill()
            p.wait(20)
        for n in NS.values():
            sh("ip", "netns", "del", n, check=False)


def start(procs, tmp_path, config):
    sock = str(tmp_path / "shield.sock")
    if os.path.exists(sock):
        os.unlink(sock)
    (tmp_path / "shield.conf").write_text(config)
    log = open(tmp_path / "shield.log", "a")
    p = subprocess.Popen(["ip", "netns", "exec", NS["v"], SHIELD, "run",
                          "--interface", "vf-v", "--config",
                          str(tmp_path / "shield.conf"), "--socket", sock],
                         stdout=log, stderr=log)
    procs.append(p)
    end = time.time() + 20
    while not os.path.exists(sock) and time.time() < end:
        assert p.poll() is None, (tmp_path / "shield.log").read_text()
        time.sleep(0.05)
    return p, sock


def status(sock):
    res = sh(SHIELD, "status", "--json", "--socket", sock, check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    return json.loads(res.stdout)


def seen(sock):
    """Packets the shield has counted, whatever it did with them."""
    return sum(status(sock)["counters"].values())


def until_rule(sock, limit, before=None):
    """Seconds until the shield has a rule in force, or None: counted from
    the flood's first packets at the shield (its counters past before),
    where before is given, so that a flood whose start the machine delays
    (one CI run: 6.9 s, where reruns took 0.98-1.03) is not the shield's
    time; else from the call."""
    t0 = time.time()
    start = None if before is not None else t0
    while time.time() - t0 < limit:
        st = status(sock)
        if start is None and sum(st["counters"].values()) > before:
            start = time.time()
        if st["rules"]:
            return time.time() - (start or t0)
        time.sleep(0.05)
    return None


def hping(*args, count=40000):
    return subprocess.Popen(["ip", "netns", "exec", NS["a"], "timeout", "15",
                             "hping3", "-q", "-i", "u1", "-c", str(count),
                             *args, ADDR["v"]],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("kind,args,vector", [
    ("udp-flood", ["--udp", "-p", "9", "-d", "100"], "udp"),
    ("syn-flood", ["-S", "-p", "7777", "--rand-source"], "syn"),
    ("udp-amplification", ["--udp", "-s", "123", "-k", "-p", "9999", "-d",
                           "440"], "udp"),
])
def test_flood_is_detected_with_a_rule_within_2s(tmp_path, kind, args,
                                                 vector):
    conf = ("sample-every 8\nthreshold-udp-pps 2000\n"
            "threshold-syn-pps 2000\nhold-down 2\n")
    with topology() as procs:
        _, sock = start(procs, tmp_path, conf)
        before = seen(sock)
        flood = hping(*args)
        took = until_rule(sock, 10, before)
        flood.wait(30)
        st = status(sock)
        assert took is not None and took <= 2.0, (took, st)
        print("%s: rule in force after %.2f s" % (kind, took))
        assert st["attacks"][0]["destination"] == ADDR["v"]
        assert vector in st["attacks"][0]["vectors"]
        assert st["attacks"][0]["kind"] == kind
        assert st["counters"]["rule_rate_dropped"] > 0


def legit_loss(secs):
    res = ns("l", "/usr/bin/python3", "-c", CLIENT, str(secs), check=True)
    sent, got = map(int, res.stdout.split())
    return 1 - got / sent


def test_legit_traffic_survives_a_reflection_flood(tmp_path):
    flood_args = ["--udp", "-s", "123", "-k", "-p", "7", "-d", "200"]
    with topology() as procs:
        procs.append(subprocess.Popen(
            ["ip", "netns", "exec", NS["v"], "/usr/bin/python3", "-c", ECHO]))
        time.sleep(0.5)
        assert legit_loss(1) < 0.01  # the service alone: no loss
        # the flood without mitigation: the service is overrun
        shield, sock = start(procs, tmp_path, "sample-every 8\n")
        flood = hping(*flood_args, count=60000)
        time.sleep(0.5)
        unprotected = legit_loss(1.5)
        flood.wait(30)
        shield.terminate()
        shield.wait(20)
        print("legit loss without the rule: %.1f%%" % (unprotected * 100))
        assert unprotected > 0.10
        # the same flood with detection: once the rule is in force
        _, sock = start(procs, tmp_path, "sample-every 8\n"
                        "threshold-udp-pps 300\nhold-down 5\n")
        flood = hping(*flood_args, count=60000)
        assert until_rule(sock, 5) is not None
        protected = legit_loss(1.5)
        flood.wait(30)
        st = status(sock)
        print("legit loss with the rule: %.2f%%" % (protected * 100))
        assert st["counters"]["rule_rate_dropped"] > 10000
        assert protected < 0.01
        rules = json.loads(sh(SHIELD, "rules", "--socket", sock).stdout)
        assert rules["rules"][0]["source_ports"] == [123, 123]
