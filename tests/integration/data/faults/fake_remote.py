#!/usr/bin/env python3
"""A misbehaving remote for the fault tests: `hang` reads each request and
never answers; `429` answers every request 429 with Retry-After: 60.
Usage: fake_remote.py MODE PORT_FILE SEEN_FILE. Binds 127.0.0.1 on a port
chosen at run time, writes it to PORT_FILE, and appends one line to
SEEN_FILE per request it received (so a test waits for the first call)."""
import socket
import sys
import threading

MODE, PORT_FILE, SEEN_FILE = sys.argv[1], sys.argv[2], sys.argv[3]
held = []  # hanging connections stay open until the process ends


def serve(conn):
    data = b""
    while b"\r\n\r\n" not in data and len(data) < 65536:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    with open(SEEN_FILE, "a") as f:
        f.write(data.split(b"\r\n", 1)[0].decode("latin-1") + "\n")
    if MODE == "hang":
        held.append(conn)
        return
    body = b'{"code":"too_many_requests","message":"slow down"}'
    conn.sendall(b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 60\r\n"
                 b"Content-Type: application/json\r\nConnection: close\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    conn.close()


def main():
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    with open(PORT_FILE + ".tmp", "w") as f:
        f.write(str(s.getsockname()[1]))
    import os
    os.rename(PORT_FILE + ".tmp", PORT_FILE)
    while True:
        conn, _ = s.accept()
        threading.Thread(target=serve, args=(conn,), daemon=True).start()


main()
