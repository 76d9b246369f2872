"""A TCP server for process supervision tests.

usage: server.py PORT [--delay-ms N] [--crash-after-ms N] [--ignore-term] [--child]

Binds PORT on 127.0.0.1 after --delay-ms, prints "bound at <epoch ms>", and logs every accepted
connection as "conn <n>" (then closes it). --crash-after-ms exits with code 4 that long after
binding; --ignore-term ignores SIGTERM; --child starts `sh -c` with a grandchild and prints its pid.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import threading
import time

p = argparse.ArgumentParser()
p.add_argument("port", type=int)
p.add_argument("--delay-ms", type=int, default=0)
p.add_argument("--crash-after-ms", type=int, default=0)
p.add_argument("--ignore-term", action="store_true")
p.add_argument("--child", action="store_true")
a = p.parse_args()

if a.ignore_term:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
print(f"booting pid {os.getpid()}", flush=True)

if a.child:
    sh = subprocess.Popen(["sh", "-c", "sleep 300 & echo grandchild $!; wait"], stdout=subprocess.PIPE, text=True)
    line = sh.stdout.readline().strip()
    print(f"child {sh.pid} {line}", flush=True)

time.sleep(a.delay_ms / 1000)
srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", a.port))
srv.listen(64)
print(f"bound at {int(time.time() * 1000)}", flush=True)

if a.crash_after_ms:
    def crash():
        print("crashing on purpose", file=sys.stderr, flush=True)
        os._exit(4)
    threading.Timer(a.crash_after_ms / 1000, crash).start()

n = 0
while True:
    conn, _ = srv.accept()
    n += 1
    print(f"conn {n}", flush=True)
    conn.close()
