"""What the shield's namespace tests share: waiting for a condition, and
a receiver on the protected host that counts UDP datagrams (their arrival
times) while it also accepts TCP connections."""
import time


def wait_for(cond, seconds):
    """cond()'s first true value, polled every 0.1 s, or None."""
    end = time.time() + seconds
    while time.time() < end:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    return None


RECEIVER = """
import json, socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("%(addr)s", 40000)); s.settimeout(%(secs)d)
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("%(addr)s", 7777)); t.listen(128)
print("ready", flush=True)
seen = []
try:
    while len(seen) < 200000:
        s.recv(2048); seen.append(time.time())
except socket.timeout:
    pass
print(json.dumps(seen))
"""


def receiver_code(addr, secs):
    """RECEIVER for a host address, quiet for secs before it reports."""
    return RECEIVER % {"addr": addr, "secs": secs}
