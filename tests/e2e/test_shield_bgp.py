"""vigil-shield signalling upstream: the shield drives a local BIRD 2 in the
victim's namespace, which speaks BGP to an "upstream" BIRD 2 in a
namespace of its own (the hoster's router). A reflection-shaped UDP flood
(source port 123) from the attacker's namespace must reach the upstream
as a FlowSpec rule (RFC 8955: destination, protocol, source port,
discard) and a blackhole route tagged 65535:666 (RFC 7999) within a
second of the shield's decision, and both must be withdrawn within a
second of the attack's end (after the hold-down). The same over IPv6
(RFC 8956) on a second, IPv6 session."""
import calendar
import json
import os
import shutil
import subprocess
import time

import pytest

from test_shield import NS_C, NS_V, ctl, in_ns, sh, shield_with

NS_U = "vigiltest-u"
pytestmark = pytest.mark.skipif(not shutil.which("bird"),
                                reason="bird2 is not installed")

UPSTREAM_CONF = """router id 10.78.0.1;
flow4 table flowtab4;
flow6 table flowtab6;
protocol device {}
protocol bgp customer {
  local 10.78.0.1 as 64500;
  neighbor 10.78.0.2 as 64501;
  ipv4 { import all; export none; };
  flow4 { table flowtab4; import all; export none; };
}
protocol bgp customer6 {
  local fd00:78::1 as 64500;
  neighbor fd00:78::2 as 64501;
  ipv6 { import all; export none; };
  flow6 { table flowtab6; import all; export none; };
}
"""

LOCAL_CONF = """router id 10.78.0.2;
flow4 table vigil_flow4;
flow6 table vigil_flow6;
include "%(include)s";
protocol device {}
protocol bgp upstream {
  local 10.78.0.2 as 64501;
  neighbor 10.78.0.1 as 64500;
  ipv4 { import none; export where proto = "vigil_rtbh4"; };
  flow4 { table vigil_flow4; import none; export all; };
}
protocol bgp upstream6 {
  local fd00:78::2 as 64501;
  neighbor fd00:78::1 as 64500;
  ipv6 { import none; export where proto = "vigil_rtbh6"; };
  flow6 { table vigil_flow6; import none; export all; };
}
"""


def birdc(sock, *args):
    return sh("birdc", "-s", sock, *args, check=False).stdout


class Upstream:
    """Both BIRDs and the namespace between them."""

    def __init__(self, tmp_path):
        self.dir = tmp_path
        self.up_sock = str(tmp_path / "up.ctl")
        self.local_sock = str(tmp_path / "local.ctl")
        self.include = str(tmp_path / "vigil-shield.bird")

    def start(self, tmp_path):
        sh("ip", "netns", "del", NS_U, check=False)
        sh("ip", "netns", "add", NS_U)
        sh("ip", "link", "add", "vt-u", "netns", NS_U, "type", "veth",
           "peer", "name", "vt-vu", "netns", NS_V)
        in_ns(NS_U, "ip", "addr", "add", "10.78.0.1/24", "dev", "vt-u",
              check=True)
        in_ns(NS_V, "ip", "addr", "add", "10.78.0.2/24", "dev", "vt-vu",
              check=True)
        for ns, dev, addr in ((NS_U, "vt-u", "fd00:78::1/64"),
                              (NS_V, "vt-vu", "fd00:78::2/64"),
                              (NS_C, "vt-c", "fd00:77::1/64"),
                              (NS_V, "vt-v", "fd00:77::2/64")):
            in_ns(ns, "ip", "-6", "addr", "add", addr, "dev", dev, "nodad",
                  check=True)
        in_ns(NS_U, "ip", "link", "set", "vt-u", "up", check=True)
        in_ns(NS_U, "ip", "link", "set", "lo", "up", check=True)
        in_ns(NS_V, "ip", "link", "set", "vt-vu", "up", check=True)
        (self.dir / "up.conf").write_text(UPSTREAM_CONF)
        (self.dir / "local.conf").write_text(
            LOCAL_CONF % {"include": self.include})
        open(self.include, "w").close()  # the shield fills it
        for ns, name, sock in ((NS_U, "up", self.up_sock),
                               (NS_V, "local", self.local_sock)):
            in_ns(ns, "bird", "-c", str(self.dir / (name + ".conf")), "-s",
                  sock, "-P", str(self.dir / (name + ".pid")), check=True)
        end = time.time() + 30
        while time.time() < end:  # both sessions, IPv4 and IPv6
            if birdc(self.up_sock, "show", "protocols").count(
                    "Established") == 2:
                return
            time.sleep(0.2)
        raise AssertionError("BGP session not up: " +
                             birdc(self.up_sock, "show", "protocols", "all"))

    def stop(self):
        for name in ("up", "local"):
            pid = self.dir / (name + ".pid")
            if pid.exists():
                try:
                    os.kill(int(pid.read_text()), 15)
                except (ProcessLookupError, ValueError):
                    pass
        sh("ip", "netns", "del", NS_U, check=False)

    def routes(self, family=4):
        """(flowspec routes, blackholed hosts, the unicast table) the
        upstream holds for IPv4 or IPv6."""
        flows = [l for l in birdc(self.up_sock, "show", "route", "table",
                                  "flowtab%d" % family, "all").splitlines()
                 if l.startswith("flow%d" % family)]
        uni = birdc(self.up_sock, "show", "route", "table",
                    "master%d" % family, "all")
        prefix = "0123456789" if family == 4 else "f"
        holes = [l.split()[0] for l in uni.splitlines()
                 if l and l[0] in prefix] if "(65535,666)" in uni else []
        return flows, holes, uni


def iso(t):
    return calendar.timegm(time.strptime(t[:19], "%Y-%m-%dT%H:%M:%S")) + \
        float(t[19:-1] or 0)


FLOOD = ("import socket, time\n"
         "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
         "s.bind(('10.77.0.1', 123))\n"
         "end = time.time() + 3\n"
         "n = 0\n"
         "while time.time() < end and n < 30000:\n"
         "    s.sendto(b'x' * 400, ('10.77.0.2', 40000 + n % 8)); n += 1\n"
         "    if n % 50 == 0: time.sleep(0.01)\n")


def signalling(up):
    """A shield configuration that signals at 300 packets a second."""
    return ("sample-every 1\nthreshold-udp-pps 300\nhold-down 2\n"
            "bird-socket %s\nbird-include %s\nflowspec-pps 300\n"
            "rtbh-pps 300\n" % (up.local_sock, up.include))


def test_flowspec_and_rtbh_reach_the_upstream_and_are_withdrawn(tmp_path):
    up = Upstream(tmp_path)
    conf = signalling(up)
    try:
        with shield_with(tmp_path, conf, before=up.start) as sock:
            flood = subprocess.Popen(["ip", "netns", "exec", NS_C,
                                      "/usr/bin/python3", "-c", FLOOD])
            seen = None
            end = time.time() + 10
            while time.time() < end and seen is None:
                flows, holes, _ = up.routes()
                if flows and holes:
                    seen = time.time()
                time.sleep(0.05)
            flood.wait(30)
            assert seen, up.routes()
            flows, holes, uni = up.routes()
            assert len(flows) == 1
            assert "dst 10.77.0.2/32; proto 17; sport 123;" in flows[0]
            assert holes == ["10.77.0.2/32"], uni
            rep = json.loads(ctl(sock, "report", "--format", "json")[1])
            att = rep["attacks"][0]
            assert att["kind"] == "udp-amplification"
            acts = {a["action"]: iso(a["at"]) for a in att["actions"]}
            assert "flowspec" in acts and "rtbh" in acts
            # visible upstream within a second of the decision
            print("upstream saw the routes %.3f s after the decision" %
                  (seen - iso(att["start"])))
            assert seen - iso(att["start"]) <= 1.0 + 0.1
            gone = None
            end = time.time() + 15
            while time.time() < end and gone is None:
                flows, holes, _ = up.routes()
                if not flows and not holes:
                    gone = time.time()
                time.sleep(0.05)
            assert gone, up.routes()
            rep = json.loads(ctl(sock, "report", "--format", "json")[1])
            att = rep["attacks"][0]
            assert att["state"] == "ended"
            print("withdrawn upstream %.3f s after the end" %
                  (gone - iso(att["end"])))
            assert gone - iso(att["end"]) <= 1.0 + 0.1
            assert [a["action"] for a in att["actions"]] == [
                "local-rule", "flowspec", "rtbh", "withdrawn"]
            st = json.loads(ctl(sock, "status", "--json")[1])
            # routes both: a FlowSpec route and a blackhole, each
            # announced and each withdrawn
            assert st["upstream"]["announced"] == 2
            assert st["upstream"]["withdrawn"] == 2
            assert st["upstream"]["error"] == ""
    finally:
        up.stop()


FLOOD6 = FLOOD.replace("AF_INET,", "AF_INET6,").replace(
    "'10.77.0.1'", "'fd00:77::1'").replace("'10.77.0.2'", "'fd00:77::2'")


def wait_for(cond, seconds):
    """The time cond() first held, polled every 50 ms, or None."""
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return time.time()
        time.sleep(0.05)
    return None


def test_ipv6_flowspec_and_rtbh_reach_the_upstream(tmp_path):
    """The same over IPv6: a FlowSpec for IPv6 (RFC 8956: next header,
    source port) and a /128 blackhole, over the IPv6 session, then
    withdrawn."""
    up = Upstream(tmp_path)
    conf = signalling(up)
    try:
        with shield_with(tmp_path, conf, before=up.start) as sock:
            in_ns(NS_C, "/usr/bin/python3", "-c", FLOOD6, check=True)
            seen = wait_for(lambda: all(up.routes(6)[:2]), 10)
            flows, holes, uni = up.routes(6)
            assert seen, (flows, holes, uni)
            assert len(flows) == 1, flows
            assert "dst fd00:77::2/128; next header 17; sport 123;" in \
                flows[0], flows
            assert holes == ["fd00:77::2/128"], uni
            assert up.routes(4)[:2] == ([], [])
            att = json.loads(ctl(sock, "report", "--format", "json")[1])[
                "attacks"][0]
            assert att["destination"] == "fd00:77::2"
            assert att["kind"] == "udp-amplification"
            gone = wait_for(lambda: not any(up.routes(6)[:2]), 15)
            assert gone, up.routes(6)
    finally:
        up.stop()


def test_allowlisted_destination_is_never_signalled(tmp_path):
    up = Upstream(tmp_path)
    conf = signalling(up) + "allow 10.77.0.2/32\n"
    try:
        with shield_with(tmp_path, conf, before=up.start) as sock:
            in_ns(NS_C, "/usr/bin/python3", "-c", FLOOD, check=True)
            st = json.loads(ctl(sock, "status", "--json")[1])
            assert st["attacks"] and st["attacks"][0]["destination"] == \
                "10.77.0.2"
            assert st["upstream"]["announced"] == 0
            assert up.routes()[:2] == ([], [])
    finally:
        up.stop()


def test_golden_includes_parse_in_bird(tmp_path):
    """The BIRD include files of the report golden set (FlowSpec v4 and
    v6 with ports, TCP flags, both actions; v6 blackholes) are accepted by
    BIRD's own parser."""
    golden = os.path.join(os.path.dirname(__file__), "..", "data", "shield")
    for name in ("bird-discard.conf", "bird-rate.conf"):
        conf = tmp_path / ("check-" + name)
        conf.write_text('router id 10.0.0.1;\nflow4 table vigil_flow4;\n'
                        'flow6 table vigil_flow6;\ninclude "%s";\n'
                        'protocol device {}\n' %
                        os.path.abspath(os.path.join(golden, name)))
        res = sh("bird", "-p", "-c", str(conf), check=False)
        assert res.returncode == 0, res.stderr
