"""clamav-milter, unchanged, pointed at vigild: it spools each message and
passes it by FILDES; a message carrying EICAR is rejected and the status
header names the signature, a clean one is accepted. Driven by miltertest
(the libmilter test tool) the way an MTA would."""
import os
import shutil
import subprocess
import time

import pytest

from daemon import Vigild, make_db

SCRIPT = r'''
local function check(rc, what)
  if rc ~= nil then error(what .. ": " .. tostring(rc)) end
end
conn = mt.connect("unix:%(sock)s", 40, 0.25)
if conn == nil then error("cannot connect") end
check(mt.conninfo(conn, "localhost", "127.0.0.1"), "conninfo")
check(mt.mailfrom(conn, "<a@example.org>"), "mailfrom")
check(mt.rcptto(conn, "<b@example.org>"), "rcptto")
check(mt.header(conn, "Subject", "test"), "header")
check(mt.bodystring(conn, "%(body)s\r\n"), "body")
check(mt.eom(conn), "eom")
print("reply " .. string.char(mt.getreply(conn)))
if mt.eom_check(conn, MT_HDRADD, "X-Virus-Status", "%(status)s") then
  print("status header")
end
mt.disconnect(conn)
'''


@pytest.fixture(scope="module")
def milter(tmp_path_factory):
    for exe in ("clamav-milter", "miltertest"):
        if not shutil.which(exe) and not os.path.exists("/usr/sbin/" + exe):
            pytest.fail(exe + " is not installed (scripts/deps.sh test)")
    tmp = tmp_path_factory.mktemp("milter")
    v = Vigild(str(tmp), make_db(str(tmp / "db")))
    sock = str(tmp / "milter.sock")
    conf = tmp / "milter.conf"
    conf.write_text("MilterSocket unix:%s\nClamdSocket unix:%s\n"
                    "Foreground yes\nLogFile %s\nLogInfected Full\n"
                    "OnInfected Reject\nAddHeader Replace\n"
                    % (sock, v.sock, tmp / "milter.log"))
    exe = shutil.which("clamav-milter") or "/usr/sbin/clamav-milter"
    proc = subprocess.Popen([exe, "--config-file=" + str(conf)],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    end = time.time() + 30
    while not os.path.exists(sock) and time.time() < end:
        time.sleep(0.05)
    yield tmp, sock, v
    proc.terminate()
    proc.wait(30)
    v.stop()


def run(tmp, sock, body, status):
    script = tmp / "t.lua"
    script.write_text(SCRIPT % {"sock": sock, "body": body,
                                "status": status})
    res = subprocess.run(["miltertest", "-s", str(script)],
                         capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout


def test_infected_mail_is_rejected(milter):
    tmp, sock, v = milter
    eicar = (r"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-"
             r"TEST-FILE!$H+H*")
    out = run(tmp, sock, eicar, "Infected (Eicar-Signature)")
    assert "reply r" in out and "status header" in out
    assert "fd[" in v.logtext()  # the message came as a descriptor
    assert "infected by Eicar-Signature" in (tmp / "milter.log").read_text()


def test_clean_mail_is_accepted(milter):
    tmp, sock, _ = milter
    out = run(tmp, sock, "hello, nothing to see", "Clean")
    assert "reply a" in out and "status header" in out
