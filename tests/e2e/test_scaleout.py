"""Past one machine: the shipped HAProxy configuration (dist/deploy/) in
front of three vigild instances, clients sending INSTREAM and ICAP
requests through it, one vigild killed in the middle. No request is
answered OK without a scan (an infected stream is FOUND or a failure the
client retries), every failure is a clean one (the connection closed or
cut, never a wrong verdict), and HAProxy stops sending to the dead one.
Squid with an ICAP service set over two vigild instances fails over too."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from daemon import EICAR, Vigild, free_port, instream, make_db, wait_for

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
CLEAN = b"an ordinary stream, nothing in it\n" * 100


def haproxy_conf(tmp, clamd_port, icap_port, daemons):
    """The shipped file, its ports and socket moved to the test's."""
    with open(os.path.join(ROOT, "dist", "deploy", "haproxy.cfg")) as f:
        text = f.read()
    text = text.replace("/run/haproxy/vigil.sock", str(tmp / "ha.sock"))
    text = text.replace("127.0.0.1:3310", "127.0.0.1:%d" % clamd_port)
    text = text.replace("127.0.0.1:1344\n", "127.0.0.1:%d\n" % icap_port)
    for i, d in enumerate(daemons, 1):
        text = text.replace("127.0.0.1:331%d " % i, "127.0.0.1:%d " % d.tcp)
        text = text.replace("127.0.0.1:1344%d " % i,
                            "127.0.0.1:%d " % d.icap)
    path = tmp / "haproxy.cfg"
    path.write_text(text)
    return path


def ha_states(sock):
    """server name -> operational state (2: up, 0: down) of a backend."""
    s = socket.socket(socket.AF_UNIX)
    s.connect(str(sock))
    s.sendall(b"show servers state vigild_clamd\n")
    out = b""
    while True:
        b = s.recv(65536)
        if not b:
            break
        out += b
    s.close()
    states = {}
    for line in out.decode().splitlines():
        f = line.split()
        if len(f) > 5 and f[0].isdigit():
            states[f[3]] = int(f[5])
    return states


def ask_tcp(port, data, timeout=20):
    """The reply, or None when the connection failed or was cut."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        with s:
            s.sendall(data)
            out = b""
            while True:
                b = s.recv(65536)
                if not b:
                    return out or None
                out += b
    except OSError:
        return None


def icap_respmod(port, body):
    hdr = b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n"
    chunk = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
    req = (b"RESPMOD icap://127.0.0.1/avscan ICAP/1.0\r\nHost: 127.0.0.1\r\n"
           b"Allow: 204\r\nEncapsulated: res-hdr=0, res-body=%d\r\n\r\n"
           % len(hdr)) + hdr + chunk
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=20)
        with s:
            s.sendall(req)
            s.settimeout(20)
            out = s.recv(65536)
            return out or None
    except OSError:
        return None


class Load:
    """Client threads sending EICAR and clean streams, each retried after a
    failure as a client would (up to RETRIES times, half a second apart);
    every outcome is kept as (infected, start time, answers...)."""

    RETRIES = 3

    def __init__(self, port, threads=6):
        self.port = port
        self.stop = False
        self.results = []
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i,))
                        for i in range(threads)]
        for t in self.threads:
            t.start()

    def ask(self, data):
        answers = [ask_tcp(self.port, data)]
        while answers[-1] is None and len(answers) <= self.RETRIES:
            time.sleep(0.5)
            answers.append(ask_tcp(self.port, data))
        return answers

    def run(self, i):
        n = 0
        while not self.stop:
            bad = (n + i) % 2 == 0
            start = time.monotonic()
            answers = self.ask(instream(EICAR if bad else CLEAN))
            with self.lock:
                self.results.append((bad, start, answers))
            n += 1

    def end(self):
        self.stop = True
        for t in self.threads:
            t.join(60)
        return self.results


@pytest.fixture
def farm(tmp_path):
    db = make_db(str(tmp_path / "db"))
    daemons = []
    for i in range(3):
        w = tmp_path / ("v%d" % i)
        w.mkdir()
        daemons.append(Vigild(str(w), db, "MaxThreads 1\n"))
    yield daemons
    for d in daemons:
        d.stop()


@pytest.fixture
def haproxy(tmp_path, farm):
    exe = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(exe):
        pytest.fail("haproxy is not installed (scripts/deps.sh test)")
    clamd_port, icap_port = free_port(), free_port()
    conf = haproxy_conf(tmp_path, clamd_port, icap_port, farm)
    proc = subprocess.Popen([exe, "-db", "-f", str(conf)],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        sock = tmp_path / "ha.sock"
        assert wait_for(lambda: sock.exists() and
                        set(ha_states(sock).values()) == {2}, 30)
        yield clamd_port, icap_port, sock
    finally:
        proc.terminate()
        proc.wait(30)


def test_haproxy_survives_a_dead_vigild(farm, haproxy):
    clamd_port, icap_port, sock = haproxy
    load = Load(clamd_port)
    time.sleep(2)
    victim = farm[1]
    killed = time.monotonic()
    victim.proc.send_signal(signal.SIGKILL)
    victim.proc.wait(10)
    for w in victim.workers():
        os.kill(w, signal.SIGKILL)
    time.sleep(4)
    results = load.end()
    assert len(results) > 50
    right = {True: b"stream: Eicar-Signature FOUND\0", False: b"stream: OK\0"}
    wrong = [r for r in results
             if any(x is not None and x != right[r[0]] for x in r[2])]
    assert not wrong, wrong[:5]  # never OK for EICAR, never FOUND clean
    failed = [r for r in results if r[2][0] is None]
    unanswered = [(round(r[1] - killed, 2), len(r[2])) for r in failed
                  if r[2][-1] is None]
    # every failure is a transient one: a retry is answered
    assert not unanswered, "(start after the kill, tries): %s" % unanswered
    # the dead one is out of the rotation
    states = ha_states(sock)
    assert states["vigild2"] == 0 and states["vigild1"] == 2, states
    # ICAP through the same balancer, after the death
    out = icap_respmod(icap_port, EICAR)
    assert out and out.startswith(b"ICAP/1.0 200") and \
        b"X-Infection-Found" in out
    out = icap_respmod(icap_port, CLEAN)
    assert out and out.startswith(b"ICAP/1.0 204")
    print("requests %d, failed first time %d (retried: all answered)"
          % (len(results), len(failed)))


def test_squid_fails_over_between_icap_services(tmp_path, farm):
    """Squid's adaptation service set over two vigild: with one dead, the
    next in the set scans; EICAR is still blocked."""
    from test_vigild_icap import curl, squid_with
    files = Path(tempfile.mkdtemp(prefix="vigil-origin-"))
    os.chmod(files, 0o755)
    (files / "eicar.com").write_bytes(EICAR)
    (files / "clean.txt").write_bytes(CLEAN)
    with open(os.path.join(ROOT, "dist", "deploy", "squid-icap.conf")) as f:
        icap = f.read()
    icap = re.sub(r"127\.0\.0\.1:13441", "127.0.0.1:%d" % farm[0].icap, icap)
    icap = re.sub(r"127\.0\.0\.1:13442", "127.0.0.1:%d" % farm[1].icap, icap)
    try:
        with squid_with(icap, files) as (proxy_port, origin_port):
            base = "http://127.0.0.1:%d/" % origin_port
            assert curl(proxy_port, base + "eicar.com")[0] == 403
            farm[0].proc.send_signal(signal.SIGKILL)
            farm[0].proc.wait(10)
            codes = [curl(proxy_port, base + "eicar.com")[0]
                     for _ in range(6)]
            assert 200 not in codes, codes  # never let through
            assert codes[-1] == 403, codes  # the next service scans
            code, body = curl(proxy_port, base + "clean.txt")
            assert code == 200 and body == CLEAN
    finally:
        shutil.rmtree(files, ignore_errors=True)
