"""vigild's workers: sandboxed, replaced when they crash or overrun, and
stopped when their client leaves; limits that answer instead of hanging."""
import os
import re
import signal
import socket

import pytest

from daemon import (EICAR, Vigild, ask, instream, make_db, pass_pipe,
                    read_all, stall, wait_for)



@pytest.fixture
def vd(tmp_path):
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")),
               "DebugSandboxProbe yes\nWorkerTimeout 2\nReadTimeout 2\n"
               "CommandReadTimeout 2\n")
    yield d
    d.stop()


def test_worker_cannot_open_files_or_sockets(vd):
    out = vd.ask(b"zSANDBOXPROBE /etc/passwd\0")
    assert out == (b"read: Permission denied; write: Permission denied; "
                   b"socket: Operation not permitted; exec: Operation not "
                   b"permitted; fork: Operation not permitted; thread: "
                   b"Operation not permitted; limit: Operation not "
                   b"permitted\0")
    for pid in vd.workers():
        with open("/proc/%d/status" % pid) as f:
            status = f.read()
        assert "\nSeccomp:\t2\n" in status and "\nNoNewPrivs:\t1\n" in status


def test_probe_without_sandbox_can(tmp_path):
    """The probe itself works: without the sandbox every call succeeds
    (the write opens the file for appending and writes nothing)."""
    target = tmp_path / "target"
    target.write_text("unchanged\n")
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")),
               "DebugSandboxProbe yes\nWorkerSandbox no\n")
    try:
        assert d.ask(b"zSANDBOXPROBE " + str(target).encode() + b"\0") == \
            (b"read: allowed; write: allowed; socket: allowed; "
             b"exec: allowed; fork: allowed; thread: allowed; "
             b"limit: allowed\0")
        assert target.read_text() == "unchanged\n"
        assert "NOT confined (WorkerSandbox no)" in d.logtext()
    finally:
        d.stop()


def test_probe_is_off_by_default(tmp_path):
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")))
    try:
        assert d.ask(b"zSANDBOXPROBE /etc/passwd\0") == b"UNKNOWN COMMAND\0"
    finally:
        d.stop()


def test_overrun_worker_is_replaced(vd):
    out = read_all(stall(vd.sock))
    assert out == b"stall: Scan failed: time limit exceeded. ERROR\0"
    assert vd.metric('vigil_worker_restarts_total{reason="timeout"}') == 1
    assert wait_for(lambda: len(vd.workers()) == 2)
    assert vd.ask(instream(EICAR)) == b"stream: Eicar-Signature FOUND\0"


def test_crashed_worker_is_replaced(vd):
    c = stall(vd.sock)
    assert wait_for(lambda: vd.metric("vigil_workers_busy") == 1)
    for pid in vd.workers():
        os.kill(pid, signal.SIGSEGV)
    out = read_all(c)
    assert out == b"stall: Scan failed: the worker crashed. ERROR\0"
    # under AddressSanitizer a crashing worker writes its report first
    assert wait_for(lambda: len(vd.workers()) == 2, 120), vd.logtext()
    assert vd.ask(instream(EICAR)) == b"stream: Eicar-Signature FOUND\0"


def test_client_that_leaves_cancels_its_scan(vd):
    c = stall(vd.sock)
    assert wait_for(lambda: vd.metric("vigil_workers_busy") == 1)
    c.close()
    assert wait_for(lambda: vd.metric(
        'vigil_worker_restarts_total{reason="cancel"}') == 1, 5)
    assert vd.metric("vigil_workers_busy") == 0


@pytest.mark.parametrize("where", ["unix", "tcp"])
def test_half_closed_client_gets_its_answer(vd, where):
    """A client that shuts its sending side after the stream (Node's
    stream.pipe() does, as clamdjs) still reads: clamd answers it, and so
    does vigild, however long the scan takes (the stream and the end of
    input arrive together here, before the worker answers)."""
    target = vd.sock if where == "unix" else vd.tcp
    data = EICAR + b"x" * (900 << 10)
    for _ in range(5):
        assert ask(target, instream(data), half_close=True) == \
            b"stream: Eicar-Signature FOUND\0"


def test_stalled_stream_times_out(vd):
    """clamd's reply, with a newline even in z mode."""
    out = vd.ask(b"zINSTREAM\0" + (16).to_bytes(4, "big") + b"abc")
    assert out == b"COMMAND READ TIMED OUT\n"


def test_stalled_command_times_out(vd):
    assert vd.ask(b"zPIN") == b"COMMAND READ TIMED OUT\n"


def test_connection_limit_has_an_answer(tmp_path):
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")),
               "MaxConnections 2\nCommandReadTimeout 30\n")
    try:
        held = [socket.socket(socket.AF_UNIX) for _ in range(2)]
        for s in held:
            s.connect(d.sock)
        assert wait_for(lambda: d.metric("vigil_connections") == 2)
        assert ask(d.sock, b"zPING\0") == \
            b"Server busy: too many connections. ERROR\0"
        assert ask(d.sock, b"nPING\n") == \
            b"Server busy: too many connections. ERROR\n"
        for s in held:
            s.close()
        assert wait_for(lambda: ask(d.sock, b"zPING\0") == b"PONG\0")
    finally:
        d.stop()


def test_queue_limit_has_an_answer(tmp_path):
    """Past MaxQueue an object waits QueueTimeout for a place, then gets
    an explicit answer; the queue keeps its order."""
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")),
               "MaxThreads 1\nMaxQueue 1\nQueueTimeout 1\n"
               "WorkerTimeout 30\nDebugSandboxProbe yes\n")
    try:
        busy = stall(d.sock)      # the worker
        queued = stall(d.sock)    # the queue
        assert wait_for(lambda: d.metric("vigil_queue_depth") == 1)
        assert d.ask(instream(b"x")) == \
            b"stream: Server busy: scan queue full. ERROR\0"
        assert d.metric("vigil_queue_refused_total") == 1
        busy.close()
        queued.close()
    finally:
        d.stop()


def test_many_requests_in_one_session(vd):
    """IDSESSION with a hundred streams: every reply, once, numbered."""
    req = b"zIDSESSION\0" + b"".join(
        instream(EICAR if i % 2 else b"clean %d" % i) for i in range(100))
    out = vd.ask(req + b"zEND\0")
    lines = out.split(b"\0")[:-1]
    assert len(lines) == 100
    nums = sorted(int(x.split(b":")[0]) for x in lines)
    assert nums == list(range(1, 101))
    for x in lines:
        n = int(x.split(b":")[0])
        want = b"Eicar-Signature FOUND" if (n - 1) % 2 else b"OK"
        assert x == b"%d: stream: %s" % (n, want)


def test_burst_past_the_queue_waits_its_turn(tmp_path):
    import threading
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")),
               "MaxThreads 1\nMaxQueue 2\nQueueTimeout 60\n")
    try:
        out = []
        threads = [threading.Thread(target=lambda i=i: out.append(
            d.ask(instream(EICAR if i % 2 else b"clean")))) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(out) == sorted([b"stream: OK\0"] * 10 +
                                     [b"stream: Eicar-Signature FOUND\0"] * 10)
    finally:
        d.stop()


def test_idle_pipes_hold_no_worker(vd):
    """Finding 11: a pipe nobody writes to is read by the daemon itself
    within ReadTimeout, so more idle pipes than workers stop no one."""
    held = [pass_pipe(vd.sock) for _ in range(4)]   # 2 workers
    assert vd.ask(instream(EICAR)) == b"stream: Eicar-Signature FOUND\0"
    assert vd.metric("vigil_workers_busy") == 0
    for c, w in held:
        out = read_all(c)
        os.close(w)
        assert re.fullmatch(rb"fd\[\d+\]: Read timed out\. ERROR\0", out)


def test_pipe_is_scanned_once_it_ends(vd):
    c, w = pass_pipe(vd.sock)
    for part in (EICAR[:20], EICAR[20:]):
        os.write(w, part)
    os.close(w)
    assert re.fullmatch(rb"fd\[\d+\]: Eicar-Signature FOUND\0", read_all(c))


def test_pipe_past_the_stream_limit_is_an_error(tmp_path):
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")),
               "StreamMaxLength 1K\n")
    try:
        c, w = pass_pipe(d.sock)
        try:
            os.write(w, b"x" * 4096)
        except BrokenPipeError:
            pass
        out = read_all(c)
        os.close(w)
        assert re.fullmatch(rb"fd\[\d+\]: Size limit exceeded\. ERROR\0", out)
        assert d.ask(b"zPING\0") == b"PONG\0"
    finally:
        d.stop()


def test_pipes_inside_a_session_keep_their_order(vd):
    """IDSESSION: a pipe's FILDES, then INSTREAM; both answered, numbered."""
    c, w = pass_pipe(vd.sock, b"zIDSESSION\0zFILDES\0")
    c.sendall(instream(b"clean") + b"zEND\0")
    os.write(w, EICAR)
    os.close(w)
    lines = read_all(c).split(b"\0")[:-1]
    assert len(lines) == 2, lines
    assert any(re.fullmatch(rb"1: fd\[\d+\]: Eicar-Signature FOUND", x)
               for x in lines), lines
    assert b"2: stream: OK" in lines


def test_stream_memory_is_bounded_across_clients(tmp_path):
    """Finding 12: streams that never end hold at most StreamMemoryLimit
    between them; past it INSTREAM, FILDES of a pipe and ICAP bodies get
    an explicit busy answer, and the memory comes back when clients go."""
    import shutil
    import subprocess
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")),
               "StreamMemoryLimit 2M\n")     # StreamMaxLength is 1M
    try:
        held = []
        for _ in range(2):
            s = socket.socket(socket.AF_UNIX)
            s.connect(d.sock)
            s.sendall(b"zINSTREAM\0" + (1000000).to_bytes(4, "big") +
                      b"x" * 1000000)                  # never ended
            held.append(s)
        assert wait_for(
            lambda: d.metric("vigil_stream_memory_bytes") == 2000000)
        assert d.ask(instream(b"y" * 100000)) == \
            b"stream: Server busy: stream memory full. ERROR\0"
        c, w = pass_pipe(d.sock)
        os.write(w, b"z" * 100000)
        out = read_all(c)
        os.close(w)
        assert re.fullmatch(
            rb"fd\[\d+\]: Server busy: stream memory full\. ERROR\0", out)
        body = tmp_path / "body.bin"
        body.write_bytes(b"w" * 200000)
        icap = subprocess.run(
            [shutil.which("c-icap-client"), "-i", "127.0.0.1", "-p",
             str(d.icap), "-s", "avscan", "-f", str(body), "-v"],
            capture_output=True, text=True, timeout=60)
        assert "503" in icap.stdout + icap.stderr, icap.stdout + icap.stderr
        assert d.metric("vigil_stream_memory_refused_total") == 3
        for s in held:
            s.close()
        assert wait_for(lambda: d.metric("vigil_stream_memory_bytes") == 0)
        assert d.ask(instream(EICAR)) == b"stream: Eicar-Signature FOUND\0"
        assert d.metric("vigil_stream_memory_bytes") == 0
    finally:
        d.stop()


def test_stream_memory_below_one_stream_is_refused(tmp_path):
    conf = tmp_path / "v.conf"
    conf.write_text("StreamMaxLength 10M\nStreamMemoryLimit 5M\n")
    from daemon import VIGILD
    import subprocess
    r = subprocess.run([VIGILD, "--check-config", "--config-file",
                        str(conf)], capture_output=True, text=True)
    assert r.returncode != 0
    assert "StreamMemoryLimit" in r.stderr and "StreamMaxLength" in r.stderr


def test_worker_memory_limit_is_an_error(tmp_path):
    """WorkerMaxMemory: what a worker allocates past it is an error to the
    client (never OK), and the worker serves on. The object's own file is
    mapped on top of it: a 3 GiB file or a 100 MiB stream under a 64M
    limit is scanned whole (it was "out of memory"), and the room it was
    given is taken back after it: a member that follows, inflated to
    100 MiB, is still an error."""
    import gzip
    d = Vigild(str(tmp_path), make_db(str(tmp_path / "db")),
               "WorkerMaxMemory 64M\nStreamMaxLength 200M\n"
               "MaxFileSize 200M\nMaxScanSize 400M\n")
    try:
        huge = tmp_path / "disk.img"
        with open(huge, "wb") as f:
            f.truncate(3 << 30)             # sparse: no disk used
            f.seek((3 << 30) - 4096)
            f.write(EICAR)
        found = ("%s: Eicar-Signature FOUND\0" % huge).encode()
        assert d.ask(b"zSCAN %s\0" % bytes(huge), timeout=120) == found
        with open(huge, "rb") as f:
            assert d.ask(b"zFILDES\0", fds=[f.fileno()], timeout=120) \
                .endswith(b": Eicar-Signature FOUND\0")
        big = b"x" * (100 << 20) + EICAR
        assert d.ask(instream(big, chunk=1 << 20), timeout=120) == \
            b"stream: Eicar-Signature FOUND\0"
        # 100 MiB to inflate, at a ratio no bomb heuristic stops (2:1)
        member = gzip.compress(os.urandom(50 << 20).hex().encode() + EICAR,
                               compresslevel=1)
        reply = d.ask(instream(member, chunk=1 << 20), timeout=120)
        # (under ASan, whose allocator ends the process, the worker dies)
        assert reply in (b"stream: out of memory. ERROR\0",
                         b"stream: Scan failed: the worker crashed. ERROR\0")
        assert d.ask(instream(EICAR)) == b"stream: Eicar-Signature FOUND\0"
        assert "out of memory" not in reply.decode() or \
            "stream(local): out of memory" in d.logtext()
    finally:
        d.stop()