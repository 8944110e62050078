"""vigild's ICAP service with real clients: c-icap-client for each method
and mode, and a real Squid on loopback that sends an origin server's
responses (and uploads) through vigild, so that EICAR is blocked and clean
content passes unchanged."""
import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from daemon import EICAR, Vigild, free_port, make_db


@pytest.fixture(scope="module")
def vd(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("icap")
    d = Vigild(str(tmp), make_db(str(tmp / "db")))
    yield d
    d.stop()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("www")
    (root / "eicar.com").write_bytes(EICAR)
    (root / "clean.txt").write_text("a clean page\n")
    (root / "big.bin").write_bytes(os.urandom(300 * 1024))
    (root / "late.bin").write_bytes(os.urandom(200 * 1024) + EICAR)
    return root


def icap_client(vd, *args, out=None):
    exe = shutil.which("c-icap-client")
    if not exe:
        pytest.fail("c-icap-client is not installed (scripts/deps.sh test)")
    argv = [exe, "-i", "127.0.0.1", "-p", str(vd.icap), "-v"] + list(args)
    if out:
        argv += ["-o", str(out)]
    res = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    return res.stdout + res.stderr


def test_options(vd):
    for svc in ("avscan", "virus_scan"):
        text = icap_client(vd, "-s", svc)
        assert "ICAP/1.0 200 OK" in text
        assert "Methods: RESPMOD, REQMOD" in text
        assert "Allow: 204" in text and 'ISTag: "VG-' in text
    assert "ICAP/1.0 404" in icap_client(vd, "-s", "nosuch")


@pytest.mark.parametrize("mode", [[], ["-w", "10"], ["-nopreview"],
                                  ["-nopreview", "-no204"]])
def test_respmod_blocks_eicar(vd, files, mode, tmp_path):
    out = tmp_path / "body"
    text = icap_client(vd, "-s", "avscan", "-f", str(files / "eicar.com"),
                       "-resp", "http://origin/eicar.com", *mode, out=out)
    assert "X-Infection-Found: Type=0; Resolution=2; " \
           "Threat=Eicar-Signature;" in text
    assert "HTTP/1.1 403 Forbidden" in text
    assert b"Eicar-Signature" in out.read_bytes()


@pytest.mark.parametrize("name", ["clean.txt", "big.bin"])
def test_respmod_passes_clean(vd, files, name, tmp_path):
    text = icap_client(vd, "-s", "avscan", "-f", str(files / name),
                       "-resp", "http://origin/" + name)
    assert "ICAP/1.0 204" in text
    out = tmp_path / "body"
    text = icap_client(vd, "-s", "avscan", "-f", str(files / name),
                       "-resp", "http://origin/" + name, "-nopreview",
                       "-no204", out=out)
    assert "ICAP/1.0 200 OK" in text and "Infection" not in text
    assert out.read_bytes() == (files / name).read_bytes()


def test_eicar_after_the_preview_is_found(vd, files, tmp_path):
    text = icap_client(vd, "-s", "avscan", "-f", str(files / "late.bin"),
                       "-resp", "http://origin/late.bin", "-w", "1024")
    assert "Threat=Eicar-Signature;" in text
    # without "Allow: 204" the answer begins before the end; what is
    # found then cuts the connection before any of the body is sent
    out = tmp_path / "body"
    text = icap_client(vd, "-s", "avscan", "-f", str(files / "late.bin"),
                       "-resp", "http://origin/late.bin", "-no204",
                       "-nopreview", out=out)
    assert not out.exists() or EICAR not in out.read_bytes()
    assert "Eicar-Signature FOUND" in vd.logtext()


def test_reqmod_upload(vd, files, tmp_path):
    text = icap_client(vd, "-s", "avscan", "-f", str(files / "eicar.com"),
                       "-req", "http://origin/upload", "-method", "POST")
    assert "Threat=Eicar-Signature;" in text
    out = tmp_path / "body"
    text = icap_client(vd, "-s", "avscan", "-f", str(files / "big.bin"),
                       "-req", "http://origin/upload", "-method", "POST",
                       "-nopreview", "-no204", out=out)
    assert "Encapsulated: req-hdr=0, req-body=" in text
    assert out.read_bytes() == (files / "big.bin").read_bytes()


def test_bad_requests_get_400(vd):
    for req in (b"GARBAGE\r\n\r\n", b"RESPMOD icap://x/avscan ICAP/1.0\r\n"
                b"Encapsulated: res-body=5, res-hdr=0\r\n\r\n",
                b"RESPMOD icap://x/avscan HTTP/1.1\r\n\r\n"):
        s = socket.create_connection(("127.0.0.1", vd.icap))
        s.sendall(req)
        s.settimeout(10)
        assert s.recv(100).startswith(b"ICAP/1.0 400 Bad Request")
        s.close()


def wait_port(port, seconds=60):
    end = time.time() + seconds
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("port %d never opened" % port)


@contextlib.contextmanager
def squid_with(icap, files):
    """Squid on loopback with the ICAP lines given, in front of an origin
    serving the directory files; yields (proxy port, origin port)."""
    exe = shutil.which("squid") or "/usr/sbin/squid"
    if not os.path.exists(exe):
        pytest.fail("squid is not installed (scripts/deps.sh test)")
    # Squid drops to the user "proxy", who cannot enter pytest's 0700
    # directories: its files live in a directory of their own
    tmp = Path(tempfile.mkdtemp(prefix="vigil-squid-"))
    os.chmod(tmp, 0o777)
    origin_port, proxy_port = free_port(), free_port()
    origin = subprocess.Popen(
        ["/usr/bin/python3", "-m", "http.server", "--bind", "127.0.0.1",
         "--directory", str(files), str(origin_port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    conf = tmp / "squid.conf"
    conf.write_text(f"""
http_port 127.0.0.1:{proxy_port}
pid_filename {tmp}/squid.pid
cache_log {tmp}/cache.log
access_log {tmp}/access.log
cache deny all
cache_mem 8 MB
coredump_dir {tmp}
shutdown_lifetime 1 seconds
visible_hostname vigil-test
dns_nameservers 127.0.0.1
http_access allow localhost
http_access deny all
{icap}
""")
    proc = subprocess.Popen([exe, "-N", "-f", str(conf)],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        wait_port(origin_port)
        wait_port(proxy_port)
        yield proxy_port, origin_port
    finally:
        proc.terminate()
        proc.wait(30)
        origin.terminate()
        origin.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def squid(vd, files):
    icap = f"""icap_enable on
icap_preview_enable on
icap_preview_size 1024
icap_persistent_connections on
icap_service av_resp respmod_precache icap://127.0.0.1:{vd.icap}/avscan bypass=off
icap_service av_req reqmod_precache icap://127.0.0.1:{vd.icap}/avscan bypass=off
adaptation_access av_resp allow all
adaptation_access av_req allow all"""
    with squid_with(icap, files) as ports:
        yield ports


def curl(proxy, url, *extra):
    res = subprocess.run(["curl", "-s", "-x", "http://127.0.0.1:%d" % proxy,
                          "-o", "-", "-w", "\n%{http_code}", url] +
                         list(extra), capture_output=True, timeout=60)
    body, _, code = res.stdout.rpartition(b"\n")
    return int(code), body


def test_squid_blocks_eicar_and_passes_clean(squid, files):
    proxy, origin = squid
    base = "http://127.0.0.1:%d/" % origin
    code, body = curl(proxy, base + "eicar.com")
    assert code == 403 and b"Eicar-Signature" in body
    for name in ("clean.txt", "big.bin"):
        code, body = curl(proxy, base + name)
        assert code == 200 and body == (files / name).read_bytes()
    # past 64 KiB Squid sends no "Allow: 204" and waits for the answer to
    # begin: vigild begins it, holds the body back, and cuts the
    # connection when it finds something: nothing of it arrives
    code, body = curl(proxy, base + "late.bin")
    assert EICAR not in body and len(body) < 1024


def test_squid_blocks_an_upload(squid, files):
    proxy, origin = squid
    code, body = curl(proxy, "http://127.0.0.1:%d/upload" % origin,
                      "--data-binary", "@" + str(files / "eicar.com"))
    assert code == 403 and b"Eicar-Signature" in body
