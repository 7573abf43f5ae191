#!/usr/bin/env python3
"""Slowloris: opens N connections to 127.0.0.1:PORT from the source
addresses (a comma-separated list, used in turn) and keeps each alive by
sending one header byte a second, until STOP_FILE exists (or 120 s pass).
Writes READY_FILE with the number it opened; when RESULT_FILE is given,
writes there once a second how many of them the server has closed.
Usage: slow_clients.py PORT N SOURCE_ADDRS READY_FILE STOP_FILE [RESULT_FILE]"""
import os
import socket
import sys
import time

port, n, sources, ready, stop = (int(sys.argv[1]), int(sys.argv[2]), sys.argv[3].split(","),
                                 sys.argv[4], sys.argv[5])
result = sys.argv[6] if len(sys.argv) > 6 else None
head = b"POST /hooks/ts/ts HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nX-Slow: "
socks = []
for i in range(n):
    c = socket.socket()
    try:
        c.bind((sources[i % len(sources)], 0))
        c.settimeout(2)
        c.connect(("127.0.0.1", port))
        c.setblocking(False)
        c.send(head[:1])
        socks.append([c, 1, False])
    except OSError:
        c.close()


def closed_by_server(c):
    try:
        return c.recv(4096) == b""  # the end of the stream (or an answer, then it)
    except BlockingIOError:
        return False
    except OSError:
        return True


with open(ready + ".tmp", "w") as f:
    f.write(str(len(socks)))
os.rename(ready + ".tmp", ready)

def write_result():
    if result:
        with open(result + ".tmp", "w") as f:
            f.write(str(sum(1 for e in socks if e[2])))
        os.rename(result + ".tmp", result)


deadline = time.monotonic() + 120
while not os.path.exists(stop) and time.monotonic() < deadline:
    time.sleep(1)
    write_result()
    for entry in socks:
        c, at, gone = entry
        if gone:
            continue
        if closed_by_server(c):
            entry[2] = True
            continue
        try:
            c.send(head[at % len(head):at % len(head) + 1] if at < len(head) else b"x")
            entry[1] = at + 1
        except OSError:
            entry[2] = True
for c, _, _ in socks:
    c.close()
