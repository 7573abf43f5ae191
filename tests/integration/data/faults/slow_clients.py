#!/usr/bin/env python3
"""Slowloris: opens N connections from SOURCE_ADDR to 127.0.0.1:PORT and
keeps each alive by sending one header byte a second, until STOP_FILE
exists (or 120 s pass). Writes READY_FILE with the number it opened.
Usage: slow_clients.py PORT N SOURCE_ADDR READY_FILE STOP_FILE"""
import os
import socket
import sys
import time

port, n, source, ready, stop = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
head = b"POST /hooks/ts/ts HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\nX-Slow: "
socks = []
for _ in range(n):
    try:
        c = socket.socket()
        c.bind((source, 0))
        c.settimeout(2)
        c.connect(("127.0.0.1", port))
        c.setblocking(False)
        c.send(head[:1])
        socks.append([c, 1])
    except OSError:
        c.close()
with open(ready + ".tmp", "w") as f:
    f.write(str(len(socks)))
os.rename(ready + ".tmp", ready)
deadline = time.monotonic() + 120
while not os.path.exists(stop) and time.monotonic() < deadline:
    time.sleep(1)
    for entry in socks:
        c, at = entry
        try:
            c.send(head[at % len(head):at % len(head) + 1] if at < len(head) else b"x")
            entry[1] = at + 1
        except OSError:
            pass
for c, _ in socks:
    c.close()
