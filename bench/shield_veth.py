#!/usr/bin/env python3
"""bench/shield_veth.py BUILD -- vigil-shield against xdp-filter and no
filter on a veth pair between two namespaces made here, in one run.

trafgen in the attacker's namespace sends N packets (random spoofed
sources in 198.18.0.0/16, RFC 2544) as fast as one core can:
- a UDP flood to port 9: dropped by xdp-filter (deny udp dst port 9) or
  by vigil-shield (the spoofed range on its blocklist, every other
  feature on: amplification guard, SYN budget, per-source buckets,
  samples);
- a SYN flood to port 80, where a listener waits and the kernel answers
  each SYN with a SYN cookie: no filter, against vigil-shield's SYN budget
  (syn-pps 1000 a destination).

On veth the receiver's work runs in the sender's context, so the rate
the sender achieves is the rate the victim processes. veth cannot show
XDP's advantage over the stack (the skb exists already); the point is
the relative cost in the same run. Goals: UDP drop rate at least 0.9x
xdp-filter's; SYN flood throughput at least 1.5x no filter's.

Environment: SHIELD_BENCH_N (packets a run, default 1,000,000),
SHIELD_BENCH_RUNS (runs each, interleaved; default 3; the median counts).
"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

A, V = "vsb-atk", "vsb-vic"
MAC_A, MAC_V = "02:00:00:00:00:01", "02:00:00:00:00:02"
N = int(os.environ.get("SHIELD_BENCH_N", "1000000"))
RUNS = int(os.environ.get("SHIELD_BENCH_RUNS", "3"))

UDP_CFG = """{
  0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
  c16(0x0800),
  0x45, 0x00, c16(46), drnd(2), c16(0), 64, 17, csumip(14, 33),
  198, 18, drnd(2), 10, 204, 0, 2,
  drnd(2), c16(9), c16(26), csumudp(14, 34),
  fill(0x41, 18)
}
"""
SYN_CFG = """{
  0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
  c16(0x0800),
  0x45, 0x00, c16(40), drnd(2), c16(0x4000), 64, 6, csumip(14, 33),
  198, 18, drnd(2), 10, 204, 0, 2,
  drnd(2), c16(80), drnd(4), c32(0), 0x50, 0x02, c16(65535),
  csumtcp(14, 34), c16(0)
}
"""


def sh(*argv, check=True, **kw):
    return subprocess.run(list(argv), check=check, capture_output=True,
                          text=True, **kw)


def ns(n, *argv, check=True):
    return sh("ip", "netns", "exec", n, *argv, check=check)


def setup(work):
    teardown()
    sh("ip", "netns", "add", A)
    sh("ip", "netns", "add", V)
    sh("ip", "link", "add", "vsb-a", "netns", A, "type", "veth", "peer",
       "name", "vsb-v", "netns", V)
    ns(A, "ip", "link", "set", "vsb-a", "address", MAC_A)
    ns(V, "ip", "link", "set", "vsb-v", "address", MAC_V)
    ns(A, "ip", "addr", "add", "10.204.0.1/30", "dev", "vsb-a")
    ns(V, "ip", "addr", "add", "10.204.0.2/30", "dev", "vsb-v")
    for n, dev in ((A, "vsb-a"), (V, "vsb-v")):
        ns(n, "ip", "link", "set", "lo", "up")
        ns(n, "ip", "link", "set", dev, "up")
    ns(V, "ip", "route", "add", "198.18.0.0/15", "via", "10.204.0.1")
    ns(A, "ip", "neigh", "replace", "10.204.0.2", "lladdr", MAC_V, "dev",
       "vsb-a", "nud", "permanent")
    ns(V, "ip", "neigh", "replace", "10.204.0.1", "lladdr", MAC_A, "dev",
       "vsb-v", "nud", "permanent")
    ns(V, "sysctl", "-qw", "net.ipv4.tcp_syncookies=1")
    for name, text in (("udp.cfg", UDP_CFG), ("syn.cfg", SYN_CFG)):
        with open(os.path.join(work, name), "w") as f:
            f.write(text)
    os.makedirs(os.path.join(work, "bpffs"), exist_ok=True)
    sh("mount", "-t", "bpf", "bpf", os.path.join(work, "bpffs"))


def teardown():
    for n in (A, V):
        sh("ip", "netns", "del", n, check=False)


def tx(dev="vsb-a"):
    base = "/sys/class/net/%s/statistics/" % dev
    out = ns(A, "cat", base + "tx_packets", base + "tx_dropped").stdout
    return sum(int(x) for x in out.split())


def send(cfg):
    """kpps the sender achieved for N packets (trafgen restarted when a
    full veth ring makes it give up, as native XDP on veth does)."""
    start, t0, left = tx(), time.time(), N
    while left > 0 and time.time() - t0 < 120:
        before = tx()
        ns(A, "timeout", "-s", "INT", "60", "nice", "-n", "-10", "trafgen",
           "-o", "vsb-a", "-i", cfg, "-n", str(left), "-P", "1", "-q",
           "-Q", "-C", check=False)
        left -= tx() - before
    elapsed = time.time() - t0
    return (tx() - start) / elapsed / 1000


class Variant:
    def __init__(self, name, build, work):
        self.name, self.build, self.work = name, build, work
        self.proc = None

    def __enter__(self):
        if self.name == "xdp-filter":
            env = dict(os.environ, LIBXDP_BPFFS=os.path.join(self.work,
                                                             "bpffs"))
            subprocess.run(["ip", "netns", "exec", V, "xdp-filter", "load",
                            "-m", "native", "-f", "udp,tcp,ipv4", "vsb-v"],
                           env=env, check=True, capture_output=True)
            for proto in ("udp", "tcp"):
                subprocess.run(["ip", "netns", "exec", V, "xdp-filter",
                                "port", "-p", proto, "-m", "dst",
                                "9" if proto == "udp" else "80"],
                               env=env, check=True, capture_output=True)
        elif self.name == "vigil-shield":
            self.start_shield("block 198.18.0.0/15\namp-guard yes\n"
                              "src-pps 100000\nsrc-burst 100000\n"
                              "syn-pps 1000\nsyn-burst 1000\n"
                              "sample-every 1024\n")
        elif self.name == "shield-syn":  # the SYN budget alone decides
            self.start_shield("syn-pps 1000\nsyn-burst 1000\n"
                              "sample-every 1024\n")
        return self

    def start_shield(self, config):
        conf = os.path.join(self.work, "shield.conf")
        with open(conf, "w") as f:
            f.write(config)
        self.sock = os.path.join(self.work, "shield.sock")
        self.proc = subprocess.Popen(
            ["ip", "netns", "exec", V, os.path.join(
                self.build, "src", "shield", "vigil-shield"), "run",
             "--interface", "vsb-v", "--config", conf, "--socket",
             self.sock], stdout=subprocess.DEVNULL)
        end = time.time() + 20
        while not os.path.exists(self.sock) and time.time() < end:
            time.sleep(0.05)

    def __exit__(self, *exc):
        if self.name == "xdp-filter":
            env = dict(os.environ, LIBXDP_BPFFS=os.path.join(self.work,
                                                             "bpffs"))
            subprocess.run(["ip", "netns", "exec", V, "xdp-filter",
                            "unload", "vsb-v"], env=env, capture_output=True)
        if self.proc:
            self.proc.terminate()
            self.proc.wait(20)


def main():
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else "build")
    work = tempfile.mkdtemp(prefix="shield-bench.")
    results = {}
    listener = None
    try:
        setup(work)
        listener = subprocess.Popen(
            ["ip", "netns", "exec", V, "/usr/bin/python3", "-c",
             "import socket, time\ns = socket.socket()\n"
             "s.bind(('10.204.0.2', 80)); s.listen(4096)\n"
             "time.sleep(3600)\n"])
        plan = [("udp", "none"), ("udp", "xdp-filter"),
                ("udp", "vigil-shield"), ("syn", "none"),
                ("syn", "shield-syn"), ("syn", "vigil-shield")]
        for run in range(RUNS):
            for flood, variant in plan:
                with Variant(variant, build, work):
                    kpps = send(os.path.join(work, flood + ".cfg"))
                results.setdefault((flood, variant), []).append(kpps)
                print("[bench] run %d %s %-13s %7.0f kpps" %
                      (run + 1, flood, variant, kpps), file=sys.stderr)
    finally:
        if listener:
            listener.kill()
            listener.wait()
        sh("umount", os.path.join(work, "bpffs"), check=False)
        teardown()
    report(results)


def report(results):
    med = {k: statistics.median(v) for k, v in results.items()}
    print("shield on veth, %d packets a run, median of %d runs (kpps):" %
          (N, RUNS))
    for (flood, variant), v in sorted(med.items()):
        print("  %-4s %-13s %7.0f" % (flood, variant, v))
    udp = med[("udp", "vigil-shield")] / med[("udp", "xdp-filter")]
    syn = med[("syn", "vigil-shield")] / med[("syn", "none")]
    print("UDP drop rate, vigil-shield / xdp-filter: %.2fx (goal 0.9x)" % udp)
    print("SYN flood throughput, vigil-shield / no filter: %.2fx "
          "(goal 1.5x); SYN budget alone: %.2fx" %
          (syn, med[("syn", "shield-syn")] / med[("syn", "none")]))


if __name__ == "__main__":
    main()
