"""vigil-shield's Modbus/TCP policies, with real implementations: a
pymodbus server on the protected host, pymodbus clients in the client
namespace from two addresses. Every client may read (read-only); the
engineering host (10.77.0.3) may also write registers 0-99. A write from
another host is dropped in XDP and recorded with its client, function
and target; the engineering host's write passes, one outside its range
does not; what the server holds afterwards says which writes reached it,
and tshark's Modbus dissector, on the client's side of the link, sees the
refused writes leave and get no answer."""
import json
import subprocess

import pytest
from jsonschema import Draft202012Validator

from httphelp import Http
from test_console import browser, shot, text, until  # noqa: F401
from test_shield import NS_C, NS_V, STATUS_SCHEMA, ctl, in_ns, shield_with

pymodbus = pytest.importorskip("pymodbus")

SERVER = """
from pymodbus.server import StartTcpServer
from pymodbus.datastore import (ModbusSequentialDataBlock,
                                ModbusSlaveContext, ModbusServerContext)
store = ModbusSlaveContext(hr=ModbusSequentialDataBlock(0, [17] * 300),
                           co=ModbusSequentialDataBlock(0, [0] * 300))
StartTcpServer(context=ModbusServerContext(slaves=store, single=True),
               address=("10.77.0.2", 502))
"""

CLIENT = """
import json, sys
from pymodbus.client import ModbusTcpClient
src, op, addr = sys.argv[1], sys.argv[2], int(sys.argv[3])
c = ModbusTcpClient("10.77.0.2", port=502, timeout=1.5, retries=0,
                    source_address=(src, 0))
out = {"connected": c.connect()}
try:
    if op == "read":
        r = c.read_holding_registers(addr, 3, slave=1)
    elif op == "write":
        r = c.write_register(addr, 99, slave=1)
    else:
        r = c.write_coil(addr, True, slave=1)
    out["ok"] = not r.isError()
    out["registers"] = getattr(r, "registers", None)
except Exception as e:
    out["ok"] = False
    out["error"] = type(e).__name__
print(json.dumps(out))
"""


def capture(path):
    """tshark on the client's side of the link, for Modbus/TCP."""
    p = subprocess.Popen(["ip", "netns", "exec", NS_C, "tshark", "-q", "-i",
                          "vt-c", "-f", "tcp port 502", "-w", str(path)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                         text=True)
    for line in p.stderr:  # "Capturing on 'vt-c'": it is listening
        if "Capturing on" in line:
            return p
    raise AssertionError("tshark did not start")


def dissected(path):
    """What tshark's Modbus dissector saw: (source, destination, function,
    transaction) of each unit."""
    out = subprocess.run(["tshark", "-r", str(path), "-Y", "mbtcp", "-T",
                          "fields", "-e", "ip.src", "-e", "ip.dst", "-e",
                          "modbus.func_code", "-e", "mbtcp.trans_id"],
                         capture_output=True, text=True, timeout=60).stdout
    return [tuple(line.split("\t")) for line in out.splitlines() if line]


def client(src, op, addr):
    res = in_ns(NS_C, "/usr/bin/python3", "-c", CLIENT, src, op, str(addr))
    return json.loads(res.stdout.strip().splitlines()[-1])


def setup_client_address(tmp_path):
    in_ns(NS_C, "ip", "addr", "add", "10.77.0.3/24", "dev", "vt-c",
          check=True)


def test_modbus_policies(tmp_path, browser):  # noqa: F811
    conf = ("modbus 10.77.0.2:502@0.0.0.0/0:read-only\n"
            "modbus 10.77.0.2:502@10.77.0.3/32:all:0-99\n")
    with shield_with(tmp_path, conf, before=setup_client_address) as sock:
        server = subprocess.Popen(["ip", "netns", "exec", NS_V,
                                   "/usr/bin/python3", "-c", SERVER],
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            for _ in range(50):  # the server starting
                if client("10.77.0.1", "read", 0)["ok"]:
                    break
            r = client("10.77.0.1", "read", 0)
            assert r["ok"] and r["registers"] == [17, 17, 17], r
            pcap = tmp_path / "modbus.pcapng"
            tshark = capture(pcap)
            # a write from a host that may only read: dropped
            assert not client("10.77.0.1", "write", 5)["ok"]
            assert not client("10.77.0.1", "coil", 1)["ok"]
            # the engineering host: within its range, and outside it
            assert client("10.77.0.3", "write", 5)["ok"]
            assert not client("10.77.0.3", "write", 150)["ok"]
            # what reached the server
            assert client("10.77.0.1", "read", 5)["registers"][0] == 99
            assert client("10.77.0.1", "read", 149)["registers"] == \
                [17, 17, 17]
            # the range holds for the engineering host's reads too
            assert not client("10.77.0.3", "read", 149)["ok"]
            tshark.terminate()
            tshark.wait(20)
            # as Wireshark's dissector sees the wire: the refused writes
            # left the client and got no answer; the allowed one did
            units = dissected(pcap)
            sent = [u for u in units if u[0] == "10.77.0.1" and u[2] == "6"]
            back = [u for u in units if u[1] == "10.77.0.1" and u[2] == "6"]
            assert sent and not back, units
            assert [u for u in units if u[1] == "10.77.0.3" and
                    u[2] == "6"], units
            rc, out = ctl(sock, "status", "--json")
            st = json.loads(out)
            assert not list(STATUS_SCHEMA.iter_errors(st)), st
            assert st["counters"]["ics_dropped"] >= 3
            got = {(r["client"], r["function"]) for r in st["ics"]}
            assert ("10.77.0.1", 6) in got and ("10.77.0.1", 5) in got
            assert ("10.77.0.3", 6) in got
            assert all(r["server"] == "10.77.0.2" and r["port"] == 502
                       for r in st["ics"])
            # and on the console
            d = Http(str(tmp_path / "d"), extra="ShieldSocket %s\n" % sock)
            try:
                browser.get(d.url + "/")
                assert until(lambda: "write register" in text(browser,
                                                              "ics"))
                assert "10.77.0.1" in text(browser, "ics")
                browser.execute_script(
                    "document.getElementById('ics-part').scrollIntoView()")
                shot(browser, "console-ics.png", tmp_path)
            finally:
                d.stop()
        finally:
            server.kill()
            server.wait(20)


def test_modbus_lines_are_checked(tmp_path):
    from test_shield import SHIELD, sh
    for line, ok in (("10.77.0.2@10.0.0.0/8:read-only", True),
                     ("10.77.0.2:1502@10.0.0.1/32:1-6,15,16:0-999", True),
                     ("10.77.0.2@10.0.0.0/8", False),
                     ("10.77.0.2@10.0.0.0/8:7-3", False),
                     ("10.77.0.2:0@10.0.0.0/8:all", False),
                     ("10.77.0.2@10.0.0.0/33:all", False),
                     ("10.77.0.2@10.0.0.0/8:all:9-1", False),
                     ("nothost@10.0.0.0/8:all", False)):
        conf = tmp_path / "c.conf"
        conf.write_text("modbus %s\n" % line)
        res = sh(SHIELD, "check-config", str(conf), check=False)
        assert (res.returncode == 0) == ok, (line, res.stdout, res.stderr)
