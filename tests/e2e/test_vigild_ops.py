"""vigild as operators run it: the shipped configuration, systemd's socket
activation and readiness notification, the Prometheus endpoint, logging."""
import os
import re
import socket
import subprocess
import time

from daemon import EICAR, VIGILD, Vigild, ask, instream, make_db

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def check_config(conf):
    return subprocess.run([VIGILD, "--check-config", "-c", str(conf)],
                          capture_output=True, text=True)


def test_check_config_runs_the_start_checks(tmp_path):
    """--check-config refuses what the daemon would refuse at start (the
    shipped files pass in test_shipped.py), database load included."""
    conf = tmp_path / "c.conf"
    db = make_db(str(tmp_path / "db"))
    empty = tmp_path / "empty"
    empty.mkdir()
    sock = "LocalSocket %s\n" % (tmp_path / "s")
    for text, why in (
            ("TCPSocket 3310\n", "DatabaseDirectory is not set"),
            (sock + "DatabaseDirectory /nonexistent\n",
             "/nonexistent: No such file or directory"),
            (sock + "DatabaseDirectory %s\n" % empty,
             "cannot load the database"),
            ("DatabaseDirectory %s\n" % db, "nothing to listen on"),
            (sock + "DatabaseDirectory %s\nUser no-such-user-x\n" % db,
             "User no-such-user-x: no such user"),
            (sock + "DatabaseDirectory %s\nLocalSocketGroup nosuchgrp\n"
             % db, "LocalSocketGroup nosuchgrp: no such group")):
        conf.write_text(text)
        res = check_config(conf)
        assert res.returncode == 1 and why in res.stderr, (text, res.stderr)
    # a stock clamd.conf's keys only: ICAP stays off, as clamd has none
    conf.write_text(sock + "DatabaseDirectory %s\n" % db)
    res = check_config(conf)
    assert res.returncode == 0, res.stderr
    assert "ICAPPort 0\n" in res.stdout
    assert "# database %s: 1 signatures" % db in res.stdout


def test_stock_clamd_conf_opens_what_clamd_would(tmp_path):
    """No ICAP listener unless ICAPPort says so (c-icap may hold 1344)."""
    from daemon import Daemon
    db = make_db(str(tmp_path / "db"))
    sock = str(tmp_path / "clamd.ctl")
    conf = tmp_path / "clamd.conf"
    conf.write_text("LocalSocket %s\nDatabaseDirectory %s\nForeground yes\n"
                    "MaxThreads 1\n" % (sock, db))
    d = Daemon(str(tmp_path), [VIGILD, "-c", str(conf)], sock)
    try:
        out = subprocess.run(["ss", "-ltnpH"], capture_output=True,
                             text=True).stdout
        assert "pid=%d," % d.proc.pid not in out
        assert "ICAP" not in d.logtext()
    finally:
        d.stop()


def test_help_and_version():
    res = subprocess.run([VIGILD, "--help"], capture_output=True, text=True)
    assert res.returncode == 0 and "--config-file" in res.stdout
    res = subprocess.run([VIGILD, "--version"], capture_output=True,
                         text=True)
    assert res.returncode == 0 and res.stdout.startswith("vigild ")
    res = subprocess.run([VIGILD, "--bogus"], capture_output=True, text=True)
    assert res.returncode == 1


def test_socket_activation_and_notify(tmp_path):
    """systemd's part done by hand: the unix socket is made here and passed
    as descriptor 3 with LISTEN_FDS; READY=1 arrives on NOTIFY_SOCKET once
    the database serves, RELOADING=1 and READY=1 around a reload."""
    db = make_db(str(tmp_path / "db"))
    path = str(tmp_path / "activated.sock")
    lsock = socket.socket(socket.AF_UNIX)
    lsock.bind(path)
    lsock.listen(16)
    npath = str(tmp_path / "notify.sock")
    note = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    note.bind(npath)
    note.settimeout(60)
    conf = tmp_path / "v.conf"
    conf.write_text("DatabaseDirectory %s\nICAPPort 0\nMaxThreads 1\n" % db)

    def child():
        os.dup2(lsock.fileno(), 3)

    # LISTEN_PID must be the daemon's own: the shell's, kept by exec
    env = dict(os.environ, LISTEN_FDS="1", NOTIFY_SOCKET=npath)
    proc = subprocess.Popen(["/bin/sh", "-c", 'LISTEN_PID=$$ exec "$0" "$@"',
                             VIGILD, "-c", str(conf), "--foreground"],
                            env=env, preexec_fn=child, pass_fds=(3,),
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    try:
        assert note.recv(256) == b"READY=1"
        assert ask(path, instream(EICAR)) == \
            b"stream: Eicar-Signature FOUND\0"
        assert ask(path, b"zRELOAD\0") == b"RELOADING\0"
        assert note.recv(256) == b"RELOADING=1"
        assert note.recv(256) == b"READY=1"
    finally:
        proc.terminate()
        proc.wait(30)
    assert os.path.exists(path)  # systemd's socket: not removed by vigild


def test_metrics_count_what_happened(tmp_path):
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")))
    try:
        for _ in range(3):
            d.ask(instream(EICAR))
        d.ask(instream(b"clean"))
        d.ask(instream(b"x" * (2 << 20)))
        text = ask(d.metrics, b"GET /metrics HTTP/1.0\r\n\r\n").decode()
        head, body = text.split("\r\n\r\n", 1)
        assert head.startswith("HTTP/1.0 200 OK")
        assert "text/plain; version=0.0.4" in head
        assert 'vigil_scans_total{result="found"} 3\n' in body
        assert 'vigil_scans_total{result="clean"} 1\n' in body
        assert "vigil_instream_limit_exceeded_total 1\n" in body
        assert 'vigil_scan_duration_seconds_bucket{le="+Inf"} 4\n' in body
        assert "vigil_scan_duration_seconds_count 4\n" in body
        assert "vigil_db_signatures 1\n" in body
        # every sample line is "name{labels} value", every family typed
        names = set()
        for line in body.splitlines():
            if line.startswith("# TYPE "):
                names.add(line.split()[2])
            elif not line.startswith("#"):
                m = re.match(r'([a-z_]+)(\{[^}]*\})? (\S+)$', line)
                assert m, line
                float(m.group(3))
                base = re.sub(r"_(bucket|sum|count)$", "", m.group(1))
                assert m.group(1) in names or base in names, line
        assert ask(d.metrics, b"GET /other HTTP/1.0\r\n\r\n").startswith(
            b"HTTP/1.0 404")
    finally:
        d.stop()


def test_log_file_and_detections(tmp_path):
    log = tmp_path / "vigild.log"
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")),
               "LogFile %s\nLogClean yes\n" % log)
    try:
        d.ask(instream(EICAR))
        d.ask(instream(b"clean"))
        time.sleep(0.2)
        text = log.read_text()
        assert re.search(r"stream\(local\): Eicar-Signature FOUND", text)
        assert "stream(local): OK" in text
    finally:
        d.stop()
    assert "vigild stopped" in log.read_text()


def test_background_start_reports_its_outcome(tmp_path):
    """Without --foreground vigild returns once the daemon serves (0), or
    with 1 if it could not start; the pid file names the daemon."""
    db = make_db(str(tmp_path / "db"))
    sock, pid = tmp_path / "bg.sock", tmp_path / "bg.pid"
    conf = tmp_path / "bg.conf"
    conf.write_text("LocalSocket %s\nDatabaseDirectory %s\nICAPPort 0\n"
                    "PidFile %s\nLogFile %s\n" % (sock, db, pid,
                                                tmp_path / "bg.log"))
    assert subprocess.run([VIGILD, "-c", str(conf)]).returncode == 0
    try:
        assert ask(str(sock), b"zPING\0") == b"PONG\0"
    finally:
        os.kill(int(pid.read_text()), 15)
    end = time.time() + 30
    while pid.exists() and time.time() < end:
        time.sleep(0.05)
    assert not pid.exists() and not sock.exists()
    conf.write_text("LocalSocket %s\nDatabaseDirectory %s\nICAPPort 0\n"
                    "LogFile %s\n" % (sock, tmp_path / "missing",
                                      tmp_path / "bg.log"))
    assert subprocess.run([VIGILD, "-c", str(conf)]).returncode == 1
    assert "missing: No such file or directory" in \
        (tmp_path / "bg.log").read_text()


def test_shutdown_is_refused_over_tcp(tmp_path):
    """Any local user reaches the TCP port: SHUTDOWN there is refused
    unless AllowTCPShutdown says otherwise; the unix socket, which is not
    world-writable, still takes it."""
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")))
    try:
        out = ask(d.tcp, b"zSHUTDOWN\0")
        assert out == b"SHUTDOWN: not allowed over TCP. ERROR\0", out
        assert d.ask(b"zPING\0") == b"PONG\0"
        assert "SHUTDOWN refused from 127.0.0.1" in d.logtext()
        mode = os.stat(d.sock).st_mode & 0o777
        assert mode == 0o660, oct(mode)
        d.ask(b"zSHUTDOWN\0")
        assert d.proc.wait(30) == 0
    finally:
        d.stop()


def test_tcp_shutdown_when_allowed_and_socket_group(tmp_path):
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")),
               "AllowTCPShutdown yes\nLocalSocketGroup nogroup\n")
    try:
        import grp
        assert os.stat(d.sock).st_gid == grp.getgrnam("nogroup").gr_gid
        ask(d.tcp, b"zSHUTDOWN\0")
        assert d.proc.wait(30) == 0
    finally:
        d.stop()


def test_virus_event(tmp_path):
    """clamd's VirusEvent: run for each detection, %v the name, the file's
    name only in CLAM_VIRUSEVENT_FILENAME (%f is not replaced: a name in a
    shell command line would be an injection)."""
    out = tmp_path / "events"
    script = tmp_path / "event.sh"
    script.write_text('#!/bin/sh\nprintf "%%s|%%s|%%s|%%s\\n" "$1" "$2" '
                      '"$CLAM_VIRUSEVENT_FILENAME" '
                      '"$CLAM_VIRUSEVENT_VIRUSNAME" >> %s\n' % out)
    os.chmod(script, 0o755)
    db = make_db(str(tmp_path / "db"))
    d = Vigild(str(tmp_path), db, "VirusEvent %s %%v %%f\n" % script)
    try:
        sample = tmp_path / "x;touch pwned.com"
        sample.write_bytes(EICAR)
        assert d.ask(("zSCAN %s\0" % sample).encode()).endswith(
            b"Eicar-Signature FOUND\0")
        assert d.ask(instream(EICAR)) == b"stream: Eicar-Signature FOUND\0"
        assert d.ask(instream(b"clean")) == b"stream: OK\0"

        def lines():
            return out.read_text().splitlines() if out.exists() else []
        end = time.time() + 20
        while time.time() < end and len(lines()) < 2:
            time.sleep(0.05)
        got = sorted(lines())
        assert got == sorted([
            "Eicar-Signature|see-CLAM_VIRUSEVENT_FILENAME|%s|Eicar-Signature"
            % sample,
            "Eicar-Signature|see-CLAM_VIRUSEVENT_FILENAME|stream|"
            "Eicar-Signature"]), got
        assert not (tmp_path / "pwned.com").exists()
    finally:
        d.stop()
