#!/usr/bin/env python3
"""Test backend: HTTP server on 127.0.0.1:PORT answering its name and pid.

Each answer says in X-Connection which accepted connection, counted from 1, carried it.
Options: --delay SECONDS before binding; --drop-first closes the first accepted connection unread; --starts FILE appends one line per start;
--grandchild starts a sleeping grandchild (to check tree kill); --exit-code N exits with N
after printing to stderr instead of serving.
"""
import argparse
import http.server
import itertools
import os
import subprocess
import sys
import time

ap = argparse.ArgumentParser()
ap.add_argument("port", type=int)
ap.add_argument("--name", default="backend")
ap.add_argument("--delay", type=float, default=0)
ap.add_argument("--starts")
ap.add_argument("--grandchild", action="store_true")
ap.add_argument("--exit-code", type=int)
ap.add_argument("--drop-first", action="store_true")
a = ap.parse_args()

if a.starts:
    with open(a.starts, "a") as f:
        f.write(f"{os.getpid()}\n")
print(f"{a.name} starting pid {os.getpid()}", flush=True)
if a.exit_code is not None:
    sys.stderr.write(f"{a.name}: fatal: cannot open model file\n")
    sys.stderr.flush()
    sys.exit(a.exit_code)
if a.grandchild:
    subprocess.Popen(["sleep", "300"])
time.sleep(a.delay)


connections = itertools.count(1)


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        self.connection_number = next(connections)

    def handle(self):
        if a.drop_first and self.connection_number == 1:
            return  # closed without reading: what a request sent on it meets is an end of stream
        super().handle()

    def do_GET(self):
        body = f"{a.name} {os.getpid()}\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Connection", str(self.connection_number))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


srv = http.server.ThreadingHTTPServer(("127.0.0.1", a.port), H)
print(f"{a.name} listening on {a.port}", flush=True)
srv.serve_forever()
