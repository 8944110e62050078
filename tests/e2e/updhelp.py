"""Helpers for the update tests: a repository made with vigil-repo, a
fault-injecting HTTP server on loopback that the tests steer, and a
runner for vigil-update."""
import hashlib
import http.server
import os
import shutil
import subprocess
import threading
import time

from conftest import BUILD, VIGIL_UPDATE

REPO_TOOL = os.path.join(BUILD, "src", "update", "vigil-repo")
SHIELD_TOOL = os.path.join(BUILD, "src", "shield", "vigil-shield")


class Repo:
    def __init__(self, root):
        self.root = str(root)
        self.dir = os.path.join(self.root, "repo")
        self.keys = os.path.join(self.root, "keys")
        self.trust = os.path.join(self.dir, "v1", "root", "1.root")
        self.tool("init", self.dir)

    def tool(self, *args, env=None, check=True):
        # the build's vigil-shield checks rule sets (installed, it is found
        # beside vigil-repo)
        env = dict(env or os.environ, VIGIL_SHIELD=SHIELD_TOOL)
        res = subprocess.run([REPO_TOOL] + list(args) + ["--keys", self.keys],
                             capture_output=True, text=True, env=env)
        assert res.returncode == 0 or not check, res.stderr
        return res

    def publish(self, vdb, *extra, env=None, check=True):
        return self.tool("publish", self.dir, str(vdb), "--level", "3",
                         *extra, env=env, check=check)

    def path(self, *parts):
        return os.path.join(self.dir, "v1", *parts)

    def read(self, *parts):
        with open(self.path(*parts), "rb") as f:
            return f.read()

    def write(self, data, *parts):
        with open(self.path(*parts), "wb") as f:
            f.write(data)

    def snapshot(self, dest):
        shutil.copytree(self.dir, dest)
        return dest

    def pinned(self, role):
        """The path under v1/ of the targets or release file the current
        timestamp pins."""
        for line in self.read("timestamp").decode().splitlines():
            if line.startswith(role + ": "):
                return "meta/%s.%s" % (line.split()[3], role)
        raise KeyError(role)

    def db_objects(self):
        return [os.path.join(self.path("db"), f)
                for f in os.listdir(self.path("db"))]


def sha256(data):
    return hashlib.sha256(data).hexdigest()


class FaultServer:
    """Serves a directory; self.faults[path] changes one answer:
    ("status", code), ("endless",), ("slow",), ("replace", bytes),
    ("truncate", n). Every request line and header set is logged. A
    "Range: bytes=A-B" request gets those bytes (206), as web servers
    answer it, unless self.ranges is False (the whole file, 200)."""

    def __init__(self, root):
        self.root = root
        self.faults = {}
        self.log = []
        self.ranges = True
        srv = self

        class H(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                srv.log.append((self.path, dict(self.headers)))
                fault = srv.faults.get(self.path)
                if fault and fault[0] == "status":
                    self.send_error(fault[1])
                    return
                if fault and fault[0] in ("endless", "slow"):
                    return self.stream(fault[0])
                data = srv.body(self.path, fault)
                if data is None:
                    self.send_error(404)
                    return
                want = self.headers.get("Range", "")
                if srv.ranges and want.startswith("bytes="):
                    a, b = want[6:].split("-")
                    data = data[int(a):int(b) + 1]
                    self.send_response(206)
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def stream(self, how):
                self.send_response(200)
                self.end_headers()
                end = time.time() + 60
                try:
                    while time.time() < end:
                        self.wfile.write(b"x" * (65536 if how == "endless"
                                                 else 1))
                        if how == "slow":
                            time.sleep(1)
                except OSError:
                    pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever,
                         daemon=True).start()

    def body(self, path, fault):
        if fault and fault[0] == "replace":
            return fault[1]
        full = os.path.normpath(os.path.join(self.root, path.lstrip("/")))
        if not full.startswith(self.root) or not os.path.isfile(full):
            return None
        with open(full, "rb") as f:
            data = f.read()
        if fault and fault[0] == "truncate":
            data = data[:fault[1]]
        return data

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def update(dbdir, mirrors, trust, *extra, env=None, timeout=120):
    argv = [VIGIL_UPDATE, "--dir", str(dbdir), "--trust", str(trust),
            "--once"] + list(extra)
    for m in mirrors:
        argv += ["--mirror", m]
    return subprocess.run(argv, capture_output=True, text=True,
                          timeout=timeout, env=env)


def status(dbdir, env=None):
    return subprocess.run([VIGIL_UPDATE, "--dir", str(dbdir), "--status"],
                          capture_output=True, text=True, env=env)


def tree_state(dbdir):
    """What must not change when an update is refused: state files, the
    link and the database bytes."""
    out = {}
    for rel in ("state/versions", "state/root", "current/main.vdb"):
        p = os.path.join(str(dbdir), rel)
        out[rel] = sha256(open(p, "rb").read()) if os.path.exists(p) else None
    cur = os.path.join(str(dbdir), "current")
    out["link"] = os.readlink(cur) if os.path.islink(cur) else None
    return out


def installed_db(tmp_path, body):
    """tmp_path/db as vigil update leaves it: a database signing body
    (one Eicar-Signature body signature), compiled, published with
    vigil-repo and installed from a loopback mirror. Its path."""
    from conftest import VIGIL
    repo = Repo(tmp_path)
    src = tmp_path / "one.ndb"
    src.write_text("Eicar-Signature:0:*:%s\n" % body.hex())
    subprocess.run([VIGIL, "db", "compile", str(src), "-o",
                    str(tmp_path / "one.vdb")], check=True,
                   capture_output=True)
    repo.publish(tmp_path / "one.vdb")
    srv = FaultServer(repo.dir)
    try:
        res = update(tmp_path / "db", [srv.url], repo.trust)
        assert res.returncode == 0, res.stderr
    finally:
        srv.stop()
    return str(tmp_path / "db")
