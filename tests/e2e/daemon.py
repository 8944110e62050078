"""Start vigild (and clamd, the peer) on a unix socket and loopback ports
of their own, and talk the clamd protocol to them byte by byte."""
import array
import os
import re
import shutil
import signal
import socket
import subprocess
import time

from conftest import BUILD

VIGILD = os.path.join(BUILD, "src", "daemon", "vigild")
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE"
         b"!$H+H*")
EICAR_NDB = "Eicar-Signature:0:*:%s\n" % EICAR.hex()


def wait_for(pred, seconds=30.0):
    """Polls pred until it holds or the time is up; its last answer."""
    end = time.time() + seconds
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.05)
    return pred()


_HANDED_OUT = set()


def free_port():
    """A loopback port nothing listens on, and not one this run handed out
    already: the kernel may give a port just closed again, and a daemon
    given the same port for two listeners fails to start (a CI flake:
    clamd's and the metrics' port were one)."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _HANDED_OUT:
            _HANDED_OUT.add(port)
            return port


def ask(path_or_port, data, timeout=10.0, fds=None, half_close=False):
    """Sends data (and descriptors) and reads until the server closes."""
    if isinstance(path_or_port, int):
        s = socket.create_connection(("127.0.0.1", path_or_port))
    else:
        s = socket.socket(socket.AF_UNIX)
        s.connect(path_or_port)
    with s:
        if fds:
            s.sendmsg([data], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                array.array("i", fds))])
        else:
            s.sendall(data)
        if half_close:
            s.shutdown(socket.SHUT_WR)
        s.settimeout(timeout)
        out = b""
        try:
            while True:
                b = s.recv(65536)
                if not b:
                    break
                out += b
        except socket.timeout:
            out += b"<TIMEOUT>"
        except ConnectionResetError:
            out += b"<RESET>"
        return out


def pass_pipe(sock, command=b"zFILDES\0"):
    """Sends command and the read end of a new pipe over SCM_RIGHTS: the
    connection and the pipe's write end, the caller's to fill and close."""
    r, w = os.pipe()
    c = socket.socket(socket.AF_UNIX)
    c.connect(sock)
    c.sendall(command)
    c.sendmsg([b"\0"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                         array.array("i", [r]))])
    os.close(r)
    return c, w


def stall(sock):
    """SANDBOXSTALL (DebugSandboxProbe): a worker waits on a pipe nobody
    writes to; the connection to read its answer from."""
    c = socket.socket(socket.AF_UNIX)
    c.connect(sock)
    c.sendall(b"zSANDBOXSTALL\0")
    return c


def read_all(c, timeout=20):
    """What c receives until the daemon closes it."""
    c.settimeout(timeout)
    return b"".join(iter(lambda: c.recv(4096), b""))


def instream(data, chunk=65536, prefix=b"z"):
    out = prefix + b"INSTREAM" + (b"\0" if prefix == b"z" else b"\n")
    for i in range(0, len(data), chunk):
        part = data[i:i + chunk]
        out += len(part).to_bytes(4, "big") + part
    return out + b"\0\0\0\0"


class Daemon:
    """A daemon started on a config file in a directory of its own."""

    def __init__(self, workdir, argv, sock, env=None):
        self.dir = workdir
        self.sock = sock
        self.log = open(os.path.join(workdir, "daemon.log"), "w+")
        self.proc = subprocess.Popen(argv, stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env)
        self.wait_ready()

    def wait_ready(self, seconds=60):
        end = time.time() + seconds
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError("daemon exited: " + self.logtext())
            try:
                if ask(self.sock, b"zPING\0", timeout=2) == b"PONG\0":
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("daemon not ready: " + self.logtext())

    def logtext(self):
        self.log.flush()
        with open(self.log.name) as f:
            return f.read()

    def ask(self, data, **kw):
        return ask(self.sock, data, **kw)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


class Vigild(Daemon):
    def __init__(self, workdir, dbdir, extra="", env=None, wait=True,
                 wrap=()):
        self.tcp = free_port()
        self.icap = free_port()
        self.metrics = free_port()
        sock = os.path.join(workdir, "vigild.sock")
        self.conf = os.path.join(workdir, "vigild.conf")
        with open(self.conf, "w") as f:
            f.write("LocalSocket %s\nTCPSocket %d\nTCPAddr 127.0.0.1\n"
                    "DatabaseDirectory %s\nCacheDirectory %s\n"
                    "ICAPPort %d\nMetricsPort %d\nMaxThreads 2\n"
                    "StreamMaxLength 1M\nLogVerbose yes\n%s"
                    % (sock, self.tcp, dbdir,
                       os.path.join(workdir, "cache"), self.icap,
                       self.metrics, extra))
        argv = list(wrap) + [VIGILD, "--config-file", self.conf,
                             "--foreground"]
        if wait:
            super().__init__(workdir, argv, sock, env)
        else:
            self.dir, self.sock = workdir, sock
            self.log = open(os.path.join(workdir, "daemon.log"), "w+")
            self.proc = subprocess.Popen(argv, stdout=self.log,
                                         stderr=subprocess.STDOUT, env=env)

    def client_conf(self, tcp=False):
        """A clamd.conf for clamdscan, naming this daemon's socket."""
        path = os.path.join(self.dir, "clamdscan.conf")
        with open(path, "w") as f:
            if tcp:
                f.write("TCPSocket %d\nTCPAddr 127.0.0.1\n" % self.tcp)
            else:
                f.write("LocalSocket %s\n" % self.sock)
        return path

    def metric(self, name):
        """The value of one metric line ("name{labels}" exactly)."""
        text = ask(self.metrics, b"GET /metrics HTTP/1.0\r\n\r\n").decode()
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        raise KeyError(name)

    def workers(self):
        """The worker processes alive (zombies not yet reaped are not)."""
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)],
                             capture_output=True, text=True).stdout
        alive = []
        for p in out.split():
            try:
                with open("/proc/%s/stat" % p) as f:
                    if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                        alive.append(int(p))
            except OSError:
                pass
        return alive


class Clamd(Daemon):
    def __init__(self, workdir, dbdir, tcp=False):
        exe = shutil.which("clamd") or "/usr/sbin/clamd"
        sock = os.path.join(workdir, "clamd.sock")
        conf = os.path.join(workdir, "clamd.conf")
        self.tcp = free_port() if tcp else 0
        with open(conf, "w") as f:
            f.write("LocalSocket %s\nDatabaseDirectory %s\nForeground yes\n"
                    "StreamMaxLength 1M\nMaxThreads 2\nReadTimeout 5\n"
                    "CommandReadTimeout 5\nLogFile %s\n"
                    % (sock, dbdir, os.path.join(workdir, "clamd.log")))
            if tcp:
                f.write("TCPSocket %d\nTCPAddr 127.0.0.1\n" % self.tcp)
        super().__init__(workdir, [exe, "--config-file=" + conf], sock)


def normalise(reply):
    """clamd names unsigned signatures Name.UNOFFICIAL; Vigil keeps names."""
    return re.sub(rb"\.UNOFFICIAL", b"", reply)


def make_db(path, extra=""):
    os.makedirs(path, exist_ok=True)
    with open(os.path.join(path, "test.ndb"), "w") as f:
        f.write(EICAR_NDB + extra)
    return path
