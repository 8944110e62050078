"""vigil-shield on a veth pair between two network namespaces made here:
blocking and unblocking a source, the allowlist over the blocklist, and
the amplification guard, seen by real packets."""
import contextlib
import json
import os
import socket
import subprocess
import time

import pytest
from jsonschema import Draft202012Validator

from conftest import BUILD

SHIELD = os.path.join(BUILD, "src", "shield", "vigil-shield")
with open(os.path.join(os.path.dirname(__file__), "..", "..", "docs",
                       "schema", "shield-status.schema.json")) as _f:
    STATUS_SCHEMA = Draft202012Validator(json.load(_f))
NS_C, NS_V = "vigiltest-c", "vigiltest-v"


def sh(*argv, check=True):
    return subprocess.run(list(argv), capture_output=True, text=True,
                          check=check, timeout=60)


def in_ns(ns, *argv, check=False):
    return sh("ip", "netns", "exec", ns, *argv, check=check)


@pytest.fixture
def shield(tmp_path):
    with shield_with(tmp_path, "# test\namp-guard yes\n") as sock:
        yield sock


@contextlib.contextmanager
def shield_with(tmp_path, config, before=None, env=None):
    """The shield on the victim's side of a veth pair; `before(tmp_path)`
    runs once the namespaces exist and before the shield starts."""
    for ns in (NS_C, NS_V):
        sh("ip", "netns", "del", ns, check=False)
        sh("ip", "netns", "add", ns)
    sh("ip", "link", "add", "vt-c", "netns", NS_C, "type", "veth", "peer",
       "name", "vt-v", "netns", NS_V)
    in_ns(NS_C, "ip", "addr", "add", "10.77.0.1/24", "dev", "vt-c",
          check=True)
    in_ns(NS_V, "ip", "addr", "add", "10.77.0.2/24", "dev", "vt-v",
          check=True)
    for ns, dev in ((NS_C, "vt-c"), (NS_V, "vt-v")):
        in_ns(ns, "ip", "link", "set", dev, "up", check=True)
        in_ns(ns, "ip", "link", "set", "lo", "up", check=True)
    if before:
        before(tmp_path)
    sock = str(tmp_path / "shield.sock")
    conf = tmp_path / "shield.conf"
    conf.write_bytes(config if isinstance(config, bytes) else config.encode())
    # a TCP listener in the victim's namespace: what "reachable" means
    server = subprocess.Popen(
        ["ip", "netns", "exec", NS_V, "/usr/bin/python3", "-c",
         "import socket\n"
         "s = socket.socket()\n"
         "s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)\n"
         "s.bind(('10.77.0.2', 7777)); s.listen(64)\n"
         "while True:\n"
         "    c, _ = s.accept(); c.close()\n"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    log = open(tmp_path / "shield.log", "w")
    proc = subprocess.Popen(["ip", "netns", "exec", NS_V, SHIELD, "run",
                             "--interface", "vt-v", "--config", str(conf),
                             "--socket", sock], stdout=log, stderr=log,
                            env=env)
    end = time.time() + 20
    while not os.path.exists(sock) and time.time() < end:
        assert proc.poll() is None, open(tmp_path / "shield.log").read()
        time.sleep(0.05)
    end = time.time() + 20
    while ping() != 0 and time.time() < end:  # the listener starting
        time.sleep(0.1)
    try:
        yield sock
    finally:
        proc.terminate()
        rc = proc.wait(20)
        server.kill()
        server.wait(20)
        for ns in (NS_C, NS_V):
            sh("ip", "netns", "del", ns, check=False)
    # a clean exit (under the sanitizers: no leak, no error at the end)
    assert rc == 0, (tmp_path / "shield.log").read_text()[-3000:]


def ctl(sock, *args):
    res = sh(SHIELD, *args, "--socket", sock, check=False)
    return res.returncode, res.stdout


def ping():
    """0 if the client reaches the victim's listener within a second."""
    return in_ns(NS_C, "/usr/bin/python3", "-c",
                 "import socket\n"
                 "socket.create_connection(('10.77.0.2', 7777), 1).close()"
                 ).returncode


def status(sock):
    """The status, checked against docs/schema/shield-status.schema.json
    each time a test asks for it."""
    rc, out = ctl(sock, "status", "--json")
    assert rc == 0, out
    doc = json.loads(out)
    errors = [e.message for e in STATUS_SCHEMA.iter_errors(doc)]
    assert not errors, (doc, errors)
    return doc


def test_block_and_unblock(shield):
    assert ping() == 0
    assert ctl(shield, "block", "10.77.0.1/32")[0] == 0
    assert ping() != 0
    st = status(shield)
    assert "10.77.0.1/32" in st["blocked"]
    assert st["counters"]["blocked"] >= 1
    assert ctl(shield, "unblock", "10.77.0.1/32")[0] == 0
    assert ping() == 0


def test_allowlist_over_blocklist(shield):
    assert ctl(shield, "block", "10.77.0.0/24")[0] == 0
    assert ping() != 0
    assert ctl(shield, "allow", "10.77.0.1")[0] == 0
    assert ping() == 0
    assert status(shield)["counters"]["allowed"] >= 1
    # an allowlist entry comes out at run time as it went in
    assert ctl(shield, "unallow", "10.77.0.1")[0] == 0
    assert "10.77.0.1/32" not in status(shield)["allowed"]
    assert ping() != 0
    assert ctl(shield, "allow", "10.77.0.1")[0] == 0
    assert ctl(shield, "disallow", "10.77.0.1")[0] == 0
    assert ping() != 0


def test_bad_prefix_is_refused(shield):
    rc, out = ctl(shield, "block", "10.77.0.1/24")  # host bits set
    assert rc == 1 and '"ok":false' in out
    assert "bits past the length are set" in out
    rc, out = ctl(shield, "block", "not-an-address")
    assert rc == 1


def test_amplification_guard(shield):
    """UDP from NTP's port is dropped by the guard (config: amp-guard
    yes); from another port it passes."""
    before = status(shield)["counters"]["amp_dropped"]
    code = ("import socket\n"
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
            "s.bind(('10.77.0.1', %d))\n"
            "for _ in range(5): s.sendto(b'x' * 64, ('10.77.0.2', 9999))\n")
    in_ns(NS_C, "/usr/bin/python3", "-c", code % 123, check=True)
    assert status(shield)["counters"]["amp_dropped"] >= before + 5
    passed = status(shield)["counters"]["passed"]
    in_ns(NS_C, "/usr/bin/python3", "-c", code % 40000, check=True)
    assert status(shield)["counters"]["passed"] >= passed + 5


def test_udp_flood_is_detected_mitigated_and_ends(tmp_path):
    """Every header sampled; an attack above 300 UDP packets a second to
    a destination, ended 2 s after its last second above."""
    conf = ("sample-every 1\nthreshold-udp-pps 300\nhold-down 2\n")
    with shield_with(tmp_path, conf) as sock:
        flood = ("import socket, time\n"
                 "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                 "end = time.time() + 2.5\n"
                 "n = 0\n"
                 "while time.time() < end and n < 20000:\n"
                 "    s.sendto(b'x' * 64, ('10.77.0.2', 9999)); n += 1\n"
                 "    if n % 50 == 0: time.sleep(0.01)\n")
        in_ns(NS_C, "/usr/bin/python3", "-c", flood, check=True)
        st = status(sock)
        attacks = [a for a in st["attacks"] if "udp" in a["vectors"]]
        assert attacks and attacks[0]["destination"] == "10.77.0.2"
        assert attacks[0]["peak_pps"] > 300
        # detected while the flood ran: its rule dropped part of it
        assert st["counters"]["rule_rate_dropped"] > 0
        # a rate rule's drops are counted there only, not as rule_dropped
        # too: each packet lands in one counter
        assert st["counters"]["rule_dropped"] == 0
        end = time.time() + 10
        while time.time() < end and status(sock)["rules"]:
            time.sleep(0.2)
        st = status(sock)
        assert st["rules"] == 0
        assert [a["state"] for a in st["attacks"]] == ["ended"]
    log = (tmp_path / "shield.log").read_text()
    assert "attack 1 on 10.77.0.2 started: udp-flood" in log
    assert "attack 1 on 10.77.0.2 ended after" in log


def test_dist_config_and_metrics(tmp_path):
    """The shipped example configuration loads as it is; its metrics port
    answers on the victim's loopback in the Prometheus text format."""
    dist = os.path.join(os.path.dirname(__file__), "..", "..", "dist",
                        "vigil-shield.conf")
    with open(dist) as f:
        conf = f.read()
    with shield_with(tmp_path, conf) as sock:
        assert ping() == 0
        body = in_ns(NS_V, "curl", "-sf", "http://127.0.0.1:9747/metrics",
                     check=True).stdout
        lines = dict(l.rsplit(" ", 1) for l in body.splitlines()
                     if l and not l.startswith("#"))
        passed = 'vigil_shield_packets_total{interface="vt-v",' \
                 'outcome="passed"}'
        assert int(lines[passed]) > 0
        assert lines["vigil_shield_attacks_active"] == "0"
        helps = {l.split()[2] for l in body.splitlines()
                 if l.startswith("# HELP ")}
        types = {l.split()[2] for l in body.splitlines()
                 if l.startswith("# TYPE ")}
        assert types and types == helps  # every metric says what it is
        rc, out = ctl(sock, "metrics")
        assert rc == 0 and passed in out
        rc, out = ctl(sock, "rules")
        assert rc == 0 and json.loads(out) == {"rules": []}
        rc, out = ctl(sock, "attacks")
        assert rc == 0 and json.loads(out) == {"attacks": []}


@pytest.mark.parametrize("line,message", [
    ("threshold-pps lots", "not a whole number"),
    ("no-such-key 1", "unknown option no-such-key"),
    ("protect 10.0.0.1/8", "not a prefix"),
    ("bird-socket /run/bird/bird.ctl", "go together"),
    ("threshold-pps 100 200", "one value only"),
    ("src-pps 4294967296", "not a whole number up to 4294967295"),
    ("metrics-port 70000", "up to 65535"),
    ("baseline-factor ten", "a number from 1 to 1000"),
    ("amp-guard maybe", "yes or no"),
    ("flowspec-action drop", "discard or rate-limit"),
    ("block " + "1" * 600, "line longer than 512 bytes"),
    ("threshold-pps", "a value is missing"),
])
def test_bad_config_is_refused_with_its_line(tmp_path, line, message):
    conf = tmp_path / "bad.conf"
    conf.write_text("# a comment\n" + line + "\n")
    res = sh(SHIELD, "run", "--interface", "lo", "--config", str(conf),
             "--socket", str(tmp_path / "s.sock"), check=False)
    assert res.returncode == 1
    assert message in res.stderr
    if "go together" not in message:
        assert "bad.conf:2:" in res.stderr
    # alone, and before the interface is looked at
    for argv in (["check-config", str(conf)],
                 ["run", "--interface", "nosuch0", "--config", str(conf)]):
        res = sh(SHIELD, *argv, check=False)
        assert res.returncode == 1 and message in res.stderr, res.stderr
        assert "No such device" not in res.stderr


def test_check_config_and_rules_alone(tmp_path):
    conf = tmp_path / "ok.conf"
    conf.write_text("threshold-pps 1000\namp-guard yes\n")
    assert sh(SHIELD, "check-config", str(conf)).returncode == 0
    rules = tmp_path / "set.rules"
    rules.write_text("vigil-shield-rules 1\ndrop proto udp sport 11211\n"
                     "block 192.0.2.0/24\n")
    res = sh(SHIELD, "check-rules", str(rules))
    assert res.stdout == "%s: 1 rules, 1 block prefixes\n" % rules
    rules.write_text("vigil-shield-rules 1\ndrop proto udp sport lots\n")
    res = sh(SHIELD, "check-rules", str(rules), check=False)
    assert res.returncode == 1 and "line 2" in res.stderr


@pytest.fixture
def bpffs(tmp_path):
    """A bpffs of the test's own: `ip netns exec` hides /sys/fs/bpf, and
    libxdp keeps its dispatcher's state there."""
    path = tmp_path / "bpffs"
    path.mkdir()
    sh("mount", "-t", "bpf", "bpf", str(path))
    try:
        yield str(path)
    finally:
        sh("umount", str(path), check=False)


def test_coexists_with_xdp_filter(tmp_path, bpffs):
    """Attached through libxdp's dispatcher, the shield runs first and
    another XDP program (xdp-filter) after it on the same interface --
    where the dispatcher loads (libxdp falls back to one program an
    interface where it does not, as on this platform's kernel)."""
    env = dict(os.environ, LIBXDP_BPFFS=bpffs)
    with shield_with(tmp_path, "sample-every 0\n", env=env) as shield:
        if "xdp_dispatcher" not in in_ns(NS_V, "ip", "link", "show",
                                         "vt-v").stdout:
            pytest.skip("libxdp's dispatcher does not load on this kernel")
        coexist(shield, env)


def test_does_not_replace_another_xdp_program(tmp_path, bpffs):
    """Where the interface has a program already and the two cannot
    share it, the shield refuses to start and the other keeps running."""
    env = dict(os.environ, LIBXDP_BPFFS=bpffs)
    sh("ip", "netns", "del", NS_V, check=False)
    sh("ip", "netns", "add", NS_V)
    try:
        sh("ip", "link", "add", "vt-v", "netns", NS_V, "type", "veth",
           "peer", "name", "vt-p", "netns", NS_V)
        subprocess.run(["ip", "netns", "exec", NS_V, "xdp-filter", "load",
                        "-m", "native", "-f", "tcp,ipv4", "vt-v"], env=env,
                       check=True, capture_output=True)
        proc = subprocess.Popen(["ip", "netns", "exec", NS_V, SHIELD, "run",
                                 "--interface", "vt-v", "--socket",
                                 str(tmp_path / "s2.sock")], env=env,
                                stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:  # running: they share it
            proc.terminate()
            proc.communicate(timeout=20)
            assert "xdp_dispatcher" in in_ns(NS_V, "ip", "link", "show",
                                             "vt-v").stdout
            return
        shown = in_ns(NS_V, "ip", "link", "show", "vt-v").stdout
        assert proc.returncode == 1
        assert "another XDP program" in err
        assert "xdpfilt" in shown
    finally:
        sh("ip", "netns", "del", NS_V, check=False)


def coexist(shield, env):
    def xf(*args, check=True):
        return subprocess.run(["ip", "netns", "exec", NS_V, *args],
                              capture_output=True, text=True, env=env,
                              check=check, timeout=60)
    try:
        xf("xdp-filter", "load", "-m", "native", "-f", "tcp,ipv4", "vt-v")
        progs = xf("xdp-loader", "status", "vt-v").stdout
        assert "shield" in progs and "xdpfilt" in progs, progs
        xf("xdp-filter", "port", "-p", "tcp", "-m", "dst", "7777")
        passed = status(shield)["counters"]["passed"]
        assert ping() != 0  # xdp-filter drops what the shield passed on
        assert status(shield)["counters"]["passed"] > passed
        xf("xdp-filter", "port", "-r", "-p", "tcp", "-m", "dst", "7777")
        assert ping() == 0
        assert ctl(shield, "block", "10.77.0.1")[0] == 0
        assert ping() != 0  # the shield's own verdicts still count
        assert ctl(shield, "unblock", "10.77.0.1")[0] == 0
        assert ping() == 0
    finally:
        xf("xdp-filter", "unload", "vt-v", check=False)


def test_rule_sets_from_the_updater(tmp_path):
    """A rule set published with vigil-repo and installed by `vigil update
    --type rules` is in force; the next release replaces it within a
    couple of seconds; the allowlist stays above it; a set the shield
    cannot parse is refused and the one in force stays."""
    from updhelp import Repo, update
    repo = Repo(tmp_path / "r")
    db = tmp_path / "rules-db"

    def release(text, env=None):
        f = tmp_path / "shield.rules"
        f.write_text(text)
        repo.publish(f, "--target", "rules/shield", "--type", "rules",
                     env=env)
        res = update(db, ["file://" + repo.dir], repo.trust, "--target",
                     "rules/shield", "--type", "rules")
        assert res.returncode == 0, res.stderr

    def feed(sock, want):
        end = time.time() + 10
        while time.time() < end:
            f = status(sock)["rules_file"]
            if want(f):
                return f
            time.sleep(0.1)
        raise AssertionError(status(sock)["rules_file"])

    release("vigil-shield-rules 1\ndrop proto tcp dport 7777\n")
    conf = "rules-file %s\n" % (db / "current" / "rules")
    with shield_with(tmp_path, conf) as sock:
        assert feed(sock, lambda f: f["rules"] == 1)["error"] == ""
        assert ping() != 0
        assert status(sock)["counters"]["rule_dropped"] > 0
        release("vigil-shield-rules 1\nblock 10.77.0.0/24\n")
        feed(sock, lambda f: f["rules"] == 0 and f["blocks"] == 1)
        assert "10.77.0.0/24" in status(sock)["blocked"]
        assert ping() != 0
        assert ctl(sock, "allow", "10.77.0.1")[0] == 0
        assert ping() == 0  # no rule set overrides the allowlist
        # the publisher checks a set with vigil-shield before it signs
        bad = tmp_path / "bad.rules"
        bad.write_text("vigil-shield-rules 1\nkill everything\n")
        res = repo.publish(bad, "--target", "rules/shield", "--type",
                           "rules", check=False)
        assert res.returncode == 1 and "nothing published" in res.stderr
        # one signed all the same (an older publisher): the shield refuses
        release("vigil-shield-rules 1\nkill everything\n",
                env=dict(os.environ, VIGIL_TEST_UNCHECKED_PUBLISH="1"))
        f = feed(sock, lambda f: f["error"] != "")
        assert "line 2: unknown action" in f["error"]
        assert f["blocks"] == 1
        assert "10.77.0.0/24" in status(sock)["blocked"]


def test_a_silent_client_does_not_stall_the_daemon(shield):
    """Clients that connect and say nothing (to the control socket, or
    hold a scrape open) are given up on; the daemon goes on serving."""
    silent = []
    for _ in range(3):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(shield)
        silent.append(s)
    try:
        assert status(shield)["interface"] == "vt-v"
        for s in silent:  # each was answered with a refusal and closed
            s.settimeout(5)
            assert b"empty command" in s.recv(4096)
    finally:
        for s in silent:
            s.close()


def test_malformed_control_requests_are_refused(shield):
    """A request is one line, "command [argument]": more words, a word
    too long or a NUL byte is refused with a reason, and nothing done."""
    def raw(data):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(5)
            s.connect(shield)
            s.sendall(data)
            return json.loads(s.recv(65536))
    for req in (b"block 10.99.0.0/16 extra\n", b"x" * 40 + b"\n",
                b"block 10.99.0.0/16\0\n"):
        answer = raw(req)
        assert answer["ok"] is False, req
        assert "not a command line" in answer["error"], req
    assert raw(b"block " + b"1" * 300 + b"\n")["error"].startswith(
        "not a prefix: 111")
    # bytes that are not UTF-8 come back as U+FFFD: the answer is JSON
    assert raw(b"block caf\xe9\n")["error"] == "not a prefix: caf\ufffd"
    assert raw(b" \t\r\n")["error"] == "empty command"
    assert "10.99.0.0/16" not in status(shield)["blocked"]
    assert raw(b"block 10.99.0.0/16\r\n")["ok"] is True
    assert "10.99.0.0/16" in status(shield)["blocked"]
    assert raw(b"unblock 10.99.0.0/16\n")["ok"] is True


def test_ipv6_block_and_allow(shield):
    """The same over IPv6, on real packets: a /64 blocked, then an address
    in it allowed; both lists show the v6 prefixes."""
    for ns, dev, addr in ((NS_C, "vt-c", "fd00:77::1/64"),
                          (NS_V, "vt-v", "fd00:77::2/64")):
        in_ns(ns, "ip", "-6", "addr", "add", addr, "dev", dev, "nodad",
              check=True)
    server = subprocess.Popen(
        ["ip", "netns", "exec", NS_V, "/usr/bin/python3", "-c",
         "import socket\n"
         "s = socket.socket(socket.AF_INET6)\n"
         "s.bind(('fd00:77::2', 7778)); s.listen(8)\n"
         "while True:\n"
         "    c, _ = s.accept(); c.close()\n"])

    def ping6():
        return in_ns(NS_C, "/usr/bin/python3", "-c",
                     "import socket\n"
                     "socket.create_connection(('fd00:77::2', 7778), 1)"
                     ".close()").returncode
    try:
        end = time.time() + 10
        while ping6() != 0 and time.time() < end:
            time.sleep(0.1)
        assert ping6() == 0
        assert ctl(shield, "block", "fd00:77::/64")[0] == 0
        assert ping6() != 0
        assert ping() == 0  # IPv4 untouched
        assert ctl(shield, "allow", "fd00:77::1")[0] == 0
        assert ping6() == 0
        st = status(shield)
        assert "fd00:77::/64" in st["blocked"]
        assert "fd00:77::1/128" in st["allowed"]
    finally:
        server.kill()
        server.wait(20)


def test_status_json_with_a_latin1_rules_path(tmp_path):
    """A rules-file path that is not UTF-8 (and the error naming it) is
    valid JSON in the status."""
    d = os.fsencode(str(tmp_path))
    path = d + b"/caf\xe9.rules"
    with open(path, "wb") as f:
        f.write(b"rule drop dst 10.99.0.0/16 proto 300\n")
    with shield_with(tmp_path, b"rules-file " + path + b"\n") as sock:
        res = subprocess.run([SHIELD, "status", "--json", "--socket", sock],
                             capture_output=True)
        assert res.returncode == 0, res.stderr
        st = json.loads(res.stdout)  # strict UTF-8
    assert st["rules_file"]["path"] == str(tmp_path) + "/caf\ufffd.rules"
    assert st["rules_file"]["error"], st["rules_file"]
