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


def capture(path, what="tcp port 502"):
    """tshark on the client's side of the link."""
    p = subprocess.Popen(["ip", "netns", "exec", NS_C, "tshark", "-q", "-i",
                          "vt-c", "-f", what, "-w", str(path)],
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
                     ("nothost@10.0.0.0/8:all", False),
                     ("[2001:db8::5]:502@[2001:db8:1::]/64:read-only", True),
                     ("[2001:db8::5]@[::]/0:all:0-99", True),
                     ("2001:db8::5@[::]/0:all", False),
                     ("[2001:db8::5]@10.0.0.0/8:all", False),
                     ("[2001:db8::5]@[::]/129:all", False)):
        conf = tmp_path / "c.conf"
        conf.write_text("modbus %s\n" % line)
        res = sh(SHIELD, "check-config", str(conf), check=False)
        assert (res.returncode == 0) == ok, (line, res.stdout, res.stderr)
    for line, ok in (("dnp3 10.0.0.1@10.0.0.0/8:read-only:all", True),
                     ("dnp3 10.0.0.1@10.0.0.0/8:read-only", False),
                     ("dnp3 10.0.0.1:20001@10.0.0.0/8:all:1,2:0-9", True),
                     ("iec104 10.0.0.1@10.0.0.0/8:read-only", True),
                     ("iec104 10.0.0.1@10.0.0.0/8:45-51:0-999", True),
                     ("iec104 10.0.0.1@10.0.0.0/8:45:1:2", False)):
        conf = tmp_path / "c.conf"
        conf.write_text(line + "\n")
        res = sh(SHIELD, "check-config", str(conf), check=False)
        assert (res.returncode == 0) == ok, (line, res.stdout, res.stderr)


RECEIVER = """
import socket, sys, threading
def take(c, port, peer):
    data = b''
    while True:
        d = c.recv(4096)
        if not d:
            break
        data += d
    with open(sys.argv[1], 'a') as f:
        f.write('%s %d %s\\n' % (peer, port, data.hex()))
def serve(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('10.77.0.2', port))
    s.listen(16)
    while True:
        c, a = s.accept()
        threading.Thread(target=take, args=(c, port, a[0]),
                         daemon=True).start()
for p in (20000, 2404):
    threading.Thread(target=serve, args=(p,), daemon=True).start()
threading.Event().wait()
"""

SENDER = """
import socket, sys, time
src, port, frame = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3])
s = socket.socket()
s.bind((src, 0))
s.settimeout(5)
s.connect(('10.77.0.2', port))
s.sendall(frame)
time.sleep(0.4)
s.close()
"""


def crc16_dnp(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA6BC if crc & 1 else crc >> 1
    crc = ~crc & 0xFFFF
    return bytes([crc & 0xFF, crc >> 8])


def dnp3(app):
    """A DNP3 frame carrying one application fragment (app control on)."""
    user = bytes([0xC0]) + app  # transport: first and last fragment
    head = bytes([0x05, 0x64, 5 + len(user), 0xC4, 1, 0, 3, 0])
    out = head + crc16_dnp(head)
    for i in range(0, len(user), 16):
        out += user[i:i + 16] + crc16_dnp(user[i:i + 16])
    return out


def iec104(asdu):
    """An I-format APDU around an ASDU."""
    return bytes([0x68, 4 + len(asdu), 0, 0, 0, 0]) + asdu


DNP3_READ = dnp3(bytes([0xC0, 0x01, 60, 1, 0x06]))           # class 0
DNP3_OPERATE = dnp3(bytes([0xC1, 0x05, 12, 1, 0x28, 1, 0, 3, 0, 0x41, 1,
                           0xE8, 3, 0, 0, 0, 0, 0, 0, 0]))   # CROB index 3
DNP3_TIME = dnp3(bytes([0xC2, 0x02, 50, 1, 0x07, 1, 0, 0, 0, 0, 0, 0]))
IEC_INTERROGATION = iec104(bytes([100, 1, 6, 0, 1, 0, 0, 0, 0, 20]))
IEC_COMMAND_100 = iec104(bytes([45, 1, 6, 0, 1, 0, 100, 0, 0, 1]))
IEC_COMMAND_5000 = iec104(bytes([45, 1, 6, 0, 1, 0, 0x88, 0x13, 0, 1]))
IEC_STARTDT = bytes([0x68, 4, 7, 0, 0, 0])


def test_dnp3_and_iec104_policies(tmp_path):
    """Frames built here (tshark's DNP3 and IEC 104 dissectors read them
    as such) to a listener on the protected host: what arrives is what
    each client's policy allows."""
    conf = ("dnp3 10.77.0.2@0.0.0.0/0:read-only:all\n"
            "dnp3 10.77.0.2@10.77.0.3/32:all:1,2,12,30,60\n"
            "iec104 10.77.0.2@0.0.0.0/0:read-only\n"
            "iec104 10.77.0.2@10.77.0.3/32:all:0-999\n")
    got = tmp_path / "received"
    with shield_with(tmp_path, conf, before=setup_client_address) as sock:
        rx = subprocess.Popen(["ip", "netns", "exec", NS_V,
                               "/usr/bin/python3", "-c", RECEIVER,
                               str(got)])
        pcap = tmp_path / "ics.pcapng"
        tshark = capture(pcap, "tcp port 20000 or tcp port 2404")
        try:
            sent = [("10.77.0.1", 20000, DNP3_READ, True),
                    ("10.77.0.1", 20000, DNP3_OPERATE, False),
                    ("10.77.0.3", 20000, DNP3_OPERATE, True),
                    ("10.77.0.3", 20000, DNP3_TIME, False),
                    ("10.77.0.1", 20000, b"\x05\x63not-dnp3-at-all", False),
                    ("10.77.0.1", 2404, IEC_STARTDT, True),
                    ("10.77.0.1", 2404, IEC_INTERROGATION, True),
                    ("10.77.0.1", 2404, IEC_COMMAND_100, False),
                    ("10.77.0.3", 2404, IEC_COMMAND_100, True),
                    ("10.77.0.3", 2404, IEC_COMMAND_5000, False)]
            for _ in range(50):  # the listener starting
                if in_ns(NS_C, "/usr/bin/python3", "-c", SENDER, "10.77.0.1",
                         "2404", IEC_STARTDT.hex()).returncode == 0:
                    break
            for src, port, frame, _ in sent:
                in_ns(NS_C, "/usr/bin/python3", "-c", SENDER, src, str(port),
                      frame.hex())
        finally:
            tshark.terminate()
            tshark.wait(20)
            rx.kill()
            rx.wait(20)
        arrived = {tuple(line.split()) for line in got.read_text().splitlines()
                   if len(line.split()) == 3}
        for src, port, frame, allowed in sent:
            assert ((src, str(port), frame.hex()) in arrived) == allowed, \
                (src, port, frame.hex(), allowed)
        units = subprocess.run(
            ["tshark", "-r", str(pcap), "-Y", "dnp3.al.func or "
             "iec60870_asdu.typeid", "-T", "fields", "-e", "dnp3.al.func",
             "-e", "iec60870_asdu.typeid"], capture_output=True, text=True,
            timeout=60).stdout.split()
        assert {"1", "5", "2", "100", "45"} <= set(units), units
        rc, out = ctl(sock, "status", "--json")
        st = json.loads(out)
        assert not list(STATUS_SCHEMA.iter_errors(st)), st
        kinds = {(r["kind"], r["client"], r["function"]) for r in st["ics"]}
        assert ("dnp3-policy", "10.77.0.1", 5) in kinds, kinds
        assert ("dnp3-policy", "10.77.0.3", 2) in kinds, kinds
        assert ("iec104-policy", "10.77.0.1", 45) in kinds, kinds
        assert ("iec104-policy", "10.77.0.3", 45) in kinds, kinds


SERVER6 = SERVER.replace('("10.77.0.2", 502)', '("fd00:77::2", 502)')
CLIENT6 = CLIENT.replace('"10.77.0.2"', '"fd00:77::2"')


def setup_v6(tmp_path):
    for ns, dev, addrs in ((NS_C, "vt-c", ["fd00:77::1/64", "fd00:77::3/64"]),
                           (NS_V, "vt-v", ["fd00:77::2/64"])):
        for a in addrs:
            in_ns(ns, "ip", "-6", "addr", "add", a, "dev", dev, "nodad",
                  check=True)


def client6(src, op, addr):
    res = in_ns(NS_C, "/usr/bin/python3", "-c", CLIENT6, src, op, str(addr))
    return json.loads(res.stdout.strip().splitlines()[-1])


def test_modbus_policies_over_ipv6(tmp_path):
    """The same policies for a server and clients with IPv6 addresses."""
    conf = ("modbus [fd00:77::2]:502@[::]/0:read-only\n"
            "modbus [fd00:77::2]:502@[fd00:77::3]/128:all:0-99\n")
    with shield_with(tmp_path, conf, before=setup_v6) as sock:
        server = subprocess.Popen(["ip", "netns", "exec", NS_V,
                                   "/usr/bin/python3", "-c", SERVER6],
                                  stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            for _ in range(50):
                if client6("fd00:77::1", "read", 0)["ok"]:
                    break
            assert client6("fd00:77::1", "read", 0)["registers"] == \
                [17, 17, 17]
            assert not client6("fd00:77::1", "write", 5)["ok"]
            assert client6("fd00:77::3", "write", 6)["ok"]
            assert not client6("fd00:77::3", "write", 150)["ok"]
            assert client6("fd00:77::1", "read", 5)["registers"][0] == 17
            assert client6("fd00:77::1", "read", 6)["registers"][0] == 99
            st = json.loads(ctl(sock, "status", "--json")[1])
            assert not list(STATUS_SCHEMA.iter_errors(st)), st
            got = {(r["client"], r["server"], r["function"])
                   for r in st["ics"]}
            assert ("fd00:77::1", "fd00:77::2", 6) in got, got
            assert ("fd00:77::3", "fd00:77::2", 6) in got, got
        finally:
            server.kill()
            server.wait(20)
