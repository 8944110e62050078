"""Diversion to scrubbing and anycast spreading, with BIRD as every router
and vigil-shield on the scrubbing nodes, in network namespaces made here:

    attacker 10.80.1.1   \\                 / s1 (10.80.11.2) \\  VXLAN
    client   10.80.1.3 --- upstream router -                    - customer
                           (BIRD, ECMP)    \\ s2 (10.80.12.2) /    edge
                                  \\________ 10.80.2.2 _________/  10.80.5.0/24

The upstream reaches the customer's 10.80.5.0/24 directly; the scrubbing
nodes speak BGP to it and hand what their XDP program passes back to the
customer through tunnels (VXLAN here: the test kernel is built
without GRE and IP-in-IP). Diversion: a flood at the customer becomes a
DOTS request to s1, which drops the flood and announces the victim's /32;
the upstream sends the victim's traffic to s1, the client's connections
arrive through the tunnel, the flood does not; the route goes when the
flood ends. Spreading: both nodes announce 10.80.5.0/25; the upstream
spreads flows over them; s1, over its capacity, withdraws and s2 takes its
share; s1 announces again once it has cooled."""
import contextlib
import json
import os
import shutil
import subprocess
import time

import pytest

from test_shield import SHIELD, ctl, in_ns, sh
from shieldhelp import receiver_code, wait_for
from test_shield_bgp import iso

pytestmark = pytest.mark.skipif(not shutil.which("bird"),
                                reason="bird2 is not installed")
NS = {k: "vigilsc-" + k for k in ("a", "u", "s1", "s2", "e")}
KEY = "customer-secret-key-0123456"

LINKS = [  # (ns, dev, peer ns, peer dev, addresses, peer addresses)
    ("a", "au", "u", "ua", ["10.80.1.1/24", "10.80.1.3/24"],
     ["10.80.1.2/24"]),
    ("u", "us1", "s1", "s1u", ["10.80.11.1/24"], ["10.80.11.2/24"]),
    ("u", "us2", "s2", "s2u", ["10.80.12.1/24"], ["10.80.12.2/24"]),
    ("u", "ue", "e", "eu", ["10.80.2.1/24"], ["10.80.2.2/24"]),
]

UPSTREAM = """router id 10.80.1.2;
flow4 table flowtab4;
protocol device {}
protocol kernel { ipv4 { export all; }; merge paths on; }
protocol bgp s1 {
  local 10.80.11.1 as 64500; neighbor 10.80.11.2 as 64510;
  ipv4 { import all; export none; };
  flow4 { table flowtab4; import all; export none; };
}
protocol bgp s2 {
  local 10.80.12.1 as 64500; neighbor 10.80.12.2 as 64510;
  ipv4 { import all; export none; };
  flow4 { table flowtab4; import all; export none; };
}
"""

SCRUBBER = """router id %(me)s;
flow4 table vigil_flow4;
flow6 table vigil_flow6;
include "%(include)s";
protocol device {}
protocol kernel { ipv4 { import none; export where proto = "vigil_divert4"; }; }
protocol bgp upstream {
  local %(me)s as 64510; neighbor %(up)s as 64500;
  ipv4 { import none; export where proto = "vigil_divert4"; };
  flow4 { table vigil_flow4; import none; export all; };
}
"""


def ns(k):
    return NS[k]


def run_in(k, *argv, check=True):
    return in_ns(ns(k), *argv, check=check)


def build(tmp_path):
    for k in NS:
        sh("ip", "netns", "del", ns(k), check=False)
        sh("ip", "netns", "add", ns(k))
        run_in(k, "ip", "link", "set", "lo", "up")
        run_in(k, "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0")
        run_in(k, "sysctl", "-q", "-w", "net.ipv4.conf.default.rp_filter=0")
    for a, da, b, db, aa, ba in LINKS:
        sh("ip", "link", "add", da, "netns", ns(a), "type", "veth", "peer",
           "name", db, "netns", ns(b))
        for k, dev, addrs in ((a, da, aa), (b, db, ba)):
            for addr in addrs:
                run_in(k, "ip", "addr", "add", addr, "dev", dev)
            run_in(k, "ip", "link", "set", dev, "up")
    for k, gw in (("a", "10.80.1.2"), ("s1", "10.80.11.1"),
                  ("s2", "10.80.12.1"), ("e", "10.80.2.1")):
        run_in(k, "ip", "route", "add", "default", "via", gw)
    run_in("u", "ip", "route", "add", "10.80.5.0/24", "via", "10.80.2.2")
    for k in ("u", "s1", "s2"):
        run_in(k, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")
    run_in("u", "sysctl", "-q", "-w",
           "net.ipv4.fib_multipath_hash_policy=1")  # flows by their ports
    # the return tunnels (VXLAN: this kernel has no GRE or IP-in-IP; the
    # shield only names the interface), and the customer's prefix
    for k, me, vni in (("s1", "10.80.11.2", 11), ("s2", "10.80.12.2", 12)):
        run_in(k, "ip", "link", "add", "tun-e", "type", "vxlan", "id",
               str(vni), "local", me, "remote", "10.80.2.2", "dstport",
               "4789")
        run_in(k, "ip", "addr", "add", "172.31.%d.1/30" % (vni - 10), "dev",
               "tun-e")
        run_in(k, "ip", "link", "set", "tun-e", "up")
        run_in("e", "ip", "link", "add", "tun-" + k, "type", "vxlan", "id",
               str(vni), "local", "10.80.2.2", "remote", me, "dstport",
               "4789")
        run_in("e", "ip", "addr", "add", "172.31.%d.2/30" % (vni - 10),
               "dev", "tun-" + k)
        run_in("e", "ip", "link", "set", "tun-" + k, "up")
        run_in("e", "sysctl", "-q", "-w",
               "net.ipv4.conf.tun-%s.rp_filter=0" % k)
    run_in("e", "ip", "addr", "add", "10.80.5.5/32", "dev", "lo")


def birdc(sock, *args):
    return sh("birdc", "-s", sock, *args, check=False).stdout


def start_birds(tmp_path):
    conf = {"u": UPSTREAM}
    for k, me, up in (("s1", "10.80.11.2", "10.80.11.1"),
                      ("s2", "10.80.12.2", "10.80.12.1")):
        inc = tmp_path / (k + ".inc")
        inc.write_text("")
        conf[k] = SCRUBBER % {"me": me, "up": up, "include": inc}
    for k, text in conf.items():
        (tmp_path / (k + ".bird")).write_text(text)
        run_in(k, "bird", "-c", str(tmp_path / (k + ".bird")), "-s",
               str(tmp_path / (k + ".ctl")), "-P",
               str(tmp_path / (k + ".pid")))
    end = time.time() + 30
    while time.time() < end:
        if birdc(str(tmp_path / "u.ctl"), "show", "protocols").count(
                "Established") == 2:
            return
        time.sleep(0.2)
    raise AssertionError(birdc(str(tmp_path / "u.ctl"), "show",
                               "protocols", "all"))


def stop_birds(tmp_path):
    for k in ("u", "s1", "s2"):
        pid = tmp_path / (k + ".pid")
        if pid.exists():
            try:
                os.kill(int(pid.read_text()), 15)
            except (ProcessLookupError, ValueError):
                pass


@contextlib.contextmanager
def network(tmp_path):
    build(tmp_path)
    try:
        start_birds(tmp_path)
        yield
    finally:
        stop_birds(tmp_path)
        for k in NS:
            sh("ip", "netns", "del", ns(k), check=False)


@contextlib.contextmanager
def shields(tmp_path, confs):
    """vigil-shield on each named node's uplink, with its configuration."""
    procs = {}
    dev = {"s1": "s1u", "s2": "s2u", "e": "eu"}
    try:
        for k, conf in confs.items():
            (tmp_path / (k + ".conf")).write_text(conf)
            log = open(tmp_path / (k + ".log"), "w")
            sock = str(tmp_path / (k + ".sock"))
            procs[k] = subprocess.Popen(
                ["ip", "netns", "exec", ns(k), SHIELD, "run", "--interface",
                 dev[k], "--config", str(tmp_path / (k + ".conf")),
                 "--socket", sock], stdout=log, stderr=log)
            end = time.time() + 20
            while not os.path.exists(sock) and time.time() < end:
                assert procs[k].poll() is None, \
                    (tmp_path / (k + ".log")).read_text()
                time.sleep(0.05)
        yield {k: str(tmp_path / (k + ".sock")) for k in confs}
    finally:
        for k, p in procs.items():
            p.terminate()
            assert p.wait(20) == 0, (tmp_path / (k + ".log")).read_text()


def scrubber_conf(tmp_path, k, extra):
    return ("sample-every 1\nhold-down 2\nbird-socket %s\nbird-include %s\n"
            "flowspec-pps 1000000000\n" % (tmp_path / (k + ".ctl"),
                                           tmp_path / (k + ".inc")) + extra)


def status(sock):
    rc, out = ctl(sock, "status", "--json")
    assert rc == 0, out
    return json.loads(out)


def upstream_route(tmp_path, prefix):
    """The upstream's kernel route for prefix: its next hops."""
    out = run_in("u", "ip", "route", "show", prefix, check=False).stdout
    return sorted(w for line in out.splitlines() for i, w in
                  enumerate(line.split()) if i and
                  line.split()[i - 1] == "via")


def tunnel_rx(k):
    """Packets the customer received through the tunnel from node k."""
    out = json.loads(run_in("e", "ip", "-s", "-j", "link", "show",
                            "tun-" + k).stdout)
    return out[0]["stats64"]["rx"]["packets"]


def tcp_ok(src="10.80.1.3"):
    return run_in("a", "/usr/bin/python3", "-c",
                  "import socket\n"
                  "socket.create_connection(('10.80.5.5', 7777), 1,"
                  " ('%s', 0)).close()" % src, check=False).returncode == 0




# ports: how many source ports the datagrams rotate over (flows to hash)
FLOOD = """
import socket, time
ss = []
for i in range(%(ports)d):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.80.1.1", 20000 + i)); ss.append(s)
end = time.time() + %(secs)f
n = 0
while time.time() < end and n < 60000:
    ss[n %% len(ss)].sendto(b"x" * 200, ("10.80.5.5", 40000)); n += 1
    if n %% %(burst)d == 0: time.sleep(0.01)
print(n)
"""


def receiver(secs):
    p = subprocess.Popen(["ip", "netns", "exec", ns("e"), "/usr/bin/python3",
                          "-c", receiver_code("10.80.5.5", secs)],
                         stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "ready"
    return p


def flood(secs, ports=1, burst=20):
    return subprocess.Popen(["ip", "netns", "exec", ns("a"),
                             "/usr/bin/python3", "-c",
                             FLOOD % {"secs": secs, "ports": ports,
                                      "burst": burst}],
                            stdout=subprocess.PIPE, text=True)


def test_diversion_to_scrubbing_with_tunnel_return(tmp_path):
    keys = tmp_path / "keys"
    keys.mkdir()
    (keys / "cust.key").write_text(KEY)
    s1 = scrubber_conf(tmp_path, "s1",
                       "dots-listen 10.80.11.2:4646\n"
                       "dots-client-keys %s\n"
                       "dots-client cust@10.80.5.0/24\n"
                       "dots-divert cust@tun-e\n" % keys)
    edge = ("sample-every 1\nthreshold-udp-pps 300\nhold-down 2\n"
            "dots-server 10.80.11.2:4646\ndots-identity cust\n"
            "dots-key-file %s\ndots-signal-pps 300\ndots-heartbeat 1\n"
            % (keys / "cust.key"))
    with network(tmp_path), shields(tmp_path, {"s1": s1, "e": edge}) as socks:
        recv = receiver(30)
        assert wait_for(tcp_ok, 10)
        assert upstream_route(tmp_path, "10.80.5.5/32") == []
        rx0 = tunnel_rx("s1")
        f = flood(10.0)
        # the victim's /32 reaches the upstream from the scrubbing node
        diverted = wait_for(lambda: upstream_route(
            tmp_path, "10.80.5.5/32") == ["10.80.11.2"] and time.time(), 10)
        assert diverted, (tmp_path / "e.log").read_text()
        # the request's filter reached the upstream as FlowSpec too
        flows = birdc(str(tmp_path / "u.ctl"), "show", "route", "table",
                      "flowtab4")
        assert "dst 10.80.5.5/32; proto 17; dport 40000;" in flows, flows
        # during the flood, the client's connections come through s1 and
        # its tunnel; the flood is dropped at s1
        oks = [tcp_ok() for _ in range(5)]
        through = tunnel_rx("s1") - rx0
        sent = int(f.communicate(timeout=40)[0])
        ended = time.time()
        mit = status(socks["s1"])["dots"]["server"]["mitigations"]
        rep = json.loads(ctl(socks["e"], "report", "--format", "json")[1])
        # withdrawn with the flood over: the route goes from the upstream
        gone = wait_for(lambda: upstream_route(tmp_path, "10.80.5.5/32")
                        == [] and time.time(), 25)
        assert gone, (tmp_path / "e.log").read_text()
        assert wait_for(tcp_ok, 5)  # the direct path again
        seen = json.loads(recv.communicate(timeout=60)[0])
    assert all(oks), oks
    assert through >= 5 * 3, through  # handshakes' packets, at least
    after = [t for t in seen if t > diverted + 0.5]
    detected = iso(rep["attacks"][0]["start"])
    print("diversion: %d datagrams sent, %d reached the customer, %d after "
          "the upstream took the /32; s1 dropped %d; the route was at the "
          "upstream %.2f s after the customer detected the attack, and "
          "gone %.2f s after the flood ended; %d packets of the client's "
          "came back through the tunnel" %
          (sent, len(seen), len(after), mit[0]["packets_dropped"],
           diverted - detected, gone - ended,
           through))
    assert len(after) <= 5, len(after)
    assert mit[0]["packets_dropped"] >= sent / 3


def test_anycast_spreading_over_two_nodes(tmp_path):
    any_s1 = scrubber_conf(tmp_path, "s1",
                           "anycast 10.80.5.0/25@tun-e\n"
                           "anycast-capacity-pps 150\nanycast-cool-down 3\n")
    any_s2 = scrubber_conf(tmp_path, "s2",
                           "anycast 10.80.5.0/25@tun-e\n"
                           "anycast-capacity-pps 100000\n")
    with network(tmp_path), shields(tmp_path, {"s1": any_s1, "s2": any_s2}) \
            as socks:
        both = wait_for(lambda: upstream_route(tmp_path, "10.80.5.0/25") ==
                        ["10.80.11.2", "10.80.12.2"], 15)
        assert both, run_in("u", "ip", "route", check=False).stdout
        recv = receiver(30)
        assert wait_for(tcp_ok, 10)
        rx = {k: tunnel_rx(k) for k in ("s1", "s2")}
        # 64 flows at about 800 packets a second: about half each, which
        # is over s1's capacity of 150 even on an uneven split
        f = flood(12.0, ports=64, burst=8)
        alone = wait_for(lambda: upstream_route(tmp_path, "10.80.5.0/25") ==
                         ["10.80.12.2"], 10)
        assert alone, (tmp_path / "s1.log").read_text()
        oks = [tcp_ok() for _ in range(3)]
        sent = int(f.communicate(timeout=40)[0])
        back = wait_for(lambda: upstream_route(tmp_path, "10.80.5.0/25") ==
                        ["10.80.11.2", "10.80.12.2"], 15)
        assert back, (tmp_path / "s1.log").read_text()
        st = {k: status(socks[k])["anycast"] for k in ("s1", "s2")}
        carried = {k: tunnel_rx(k) - rx[k] for k in ("s1", "s2")}
        seen = json.loads(recv.communicate(timeout=60)[0])
    print("anycast: %d datagrams sent, %d reached the customer; through "
          "s1's tunnel %d packets, s2's %d; s1 peaked at %d/s (capacity "
          "150), withdrew %d time(s) and came back %d; s2 peaked at %d/s" %
          (sent, len(seen), carried["s1"], carried["s2"],
           st["s1"]["peak_pps"], st["s1"]["withdrawals"],
           st["s1"]["returns"], st["s2"]["peak_pps"]))
    assert all(oks), oks
    assert st["s1"]["withdrawals"] >= 1 and st["s1"]["returns"] >= 1
    assert st["s2"]["withdrawals"] == 0
    assert carried["s1"] > 0 and carried["s2"] > carried["s1"]
    assert len(seen) >= sent * 0.9  # spread, not lost
