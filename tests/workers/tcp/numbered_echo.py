#!/usr/bin/env python3
"""Test backend: TCP line echo on 127.0.0.1:PORT, bound after --delay SECONDS. Each line comes
back prefixed with the number of the accepted connection that carried it, counted from 1."""
import argparse
import itertools
import socket
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("--delay", type=float, default=0)
a = ap.parse_args()

time.sleep(a.delay)
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", a.port))
srv.listen(64)
print(f"listening on {a.port}", flush=True)


def serve(conn, number):
    with conn, conn.makefile("rb") as lines:
        for line in lines:
            conn.sendall(f"{number} ".encode() + line)


for n in itertools.count(1):
    conn, _ = srv.accept()
    threading.Thread(target=serve, args=(conn, n), daemon=True).start()
