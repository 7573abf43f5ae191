#!/usr/bin/env python3
"""Sends N signed webhook deliveries and hangs up on each right after the
request is written, before the answer (which waits for the commit).
Usage: hangup_clients.py PORT PATH SECRET HEADER BODY_FILE N"""
import base64
import hashlib
import hmac
import socket
import sys

port, path, secret, header, body_file, n = sys.argv[1:7]
body = open(body_file, "rb").read()
sig = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest())
request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
           f"{header}: {sig.decode()}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
for _ in range(int(n)):
    c = socket.create_connection(("127.0.0.1", int(port)), timeout=5)
    c.sendall(request)
    c.shutdown(socket.SHUT_RDWR)
    c.close()
