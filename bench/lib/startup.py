#!/usr/bin/env python3
"""Scenario 8: start-up time and idle memory of the mesh, run through its launcher (`--launcher
target/mesh`, which takes MESH_JAVA_OPTS from the environment) or as `java [OPTS] -jar mesh.jar`.

Each try spawns the mesh on CONF and, every millisecond, tries to connect to each route port
that has not accepted yet: "first" is the first route that accepted a connection (the mesh starts
its routes in parallel, so this is usually a tcp or stdio route), "all" when every route has. It
also sends GET / to the internal health route until it answers 200 ("http": the first http route,
which pays the web server's one-time initialisation). After
IDLE seconds without traffic it reads VmRSS of the java process from /proc/PID/status, then stops
the mesh with SIGTERM. Prints one JSON line of medians.
"""
import argparse
import json
import os
import shlex
import socket
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from util import listening_ports, rss_mb, stop_process  # noqa: E402

HOST = "127.0.0.1"


def http_ok(port):
    try:
        with socket.create_connection((HOST, port), timeout=1) as s:
            s.settimeout(2)
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            head = s.recv(64)
            return head.startswith(b"HTTP/1.1 200") or head.startswith(b"HTTP/1.0 200")
    except OSError:
        return False


def connects(port):
    try:
        with socket.create_connection((HOST, port), timeout=1):
            return True
    except OSError:
        return False


def one_try(cmd, ports, http_port, idle, log):
    ports = set(ports)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    first = every = http = None
    accepted = set()
    try:
        deadline = t0 + 60
        while time.perf_counter() < deadline and (every is None or http is None):
            if proc.poll() is not None:
                raise RuntimeError(f"mesh exited with {proc.returncode} during start-up (see {log.name})")
            # a refused connect on loopback costs tens of microseconds; reading /proc/net/tcp every
            # millisecond cost milliseconds and took a core from the mesh it was timing
            for port in ports - accepted:
                if connects(port):
                    accepted.add(port)
                    if first is None:
                        first = time.perf_counter()
            if accepted == ports and every is None:
                every = time.perf_counter()
            if http is None and (not http_port or (http_port in accepted and http_ok(http_port))):
                http = time.perf_counter()
            time.sleep(0.001)
        if every is None or http is None:
            raise RuntimeError(f"mesh not ready within 60s (see {log.name})")
        time.sleep(idle)
        rss = rss_mb(proc.pid)
    finally:
        t_stop = time.perf_counter()
        stop_process(proc)
        stop_ms = (time.perf_counter() - t_stop) * 1000
        end = time.perf_counter() + 10
        while listening_ports() & ports and time.perf_counter() < end:
            time.sleep(0.01)
    return {
        "first_ms": (first - t0) * 1000,
        "all_ms": (every - t0) * 1000,
        "http_ms": (http - t0) * 1000 if http_port else float("nan"),
        "rss_mb": rss,
        "stop_ms": stop_ms,
        "exit": proc.returncode,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--java")
    ap.add_argument("--jar")
    ap.add_argument("--conf")
    ap.add_argument("--launcher", help="run the mesh through this launcher script instead of java -jar")
    ap.add_argument("--cmd", help="measure this command instead of the mesh (e.g. a JVM floor)")
    ap.add_argument("--ports", required=True, help="comma-separated route ports")
    ap.add_argument("--http-port", type=int, default=0, help="internal health route port, 0: none")
    ap.add_argument("--tries", type=int, default=5)
    ap.add_argument("--idle", type=float, default=3)
    ap.add_argument("--opts", default="", help="JVM options")
    ap.add_argument("--log", required=True)
    ap.add_argument("--label", default="")
    args = ap.parse_args()

    mesh_args = ["--conf", args.conf, "--no-dashboard", "--no-protocol", "--no-console"]
    if args.cmd:
        cmd = shlex.split(args.cmd)
    elif args.launcher:
        cmd = [args.launcher, *mesh_args]
    else:
        cmd = [args.java, *shlex.split(args.opts), "-jar", args.jar, *mesh_args]
    ports = [int(p) for p in args.ports.split(",")]
    tries, errors = [], []
    with open(args.log, "a") as log:
        for _ in range(args.tries):
            log.write(f"--- {' '.join(cmd)}\n")
            log.flush()
            try:
                tries.append(one_try(cmd, ports, args.http_port, args.idle, log))
            except RuntimeError as e:
                errors.append(str(e))
    out = {"label": args.label, "opts": args.opts, "tries": len(tries), "errors": len(errors),
           "last_error": errors[-1] if errors else ""}
    for key in ("first_ms", "all_ms", "http_ms", "rss_mb", "stop_ms"):
        if tries and not (key == "http_ms" and not args.http_port):
            out[key] = round(statistics.median(t[key] for t in tries), 1)
    if tries:
        out["first_all_ms"] = [round(t["first_ms"], 1) for t in tries]
        out["rss_all_mb"] = [round(t["rss_mb"], 1) for t in tries]
        out["exit_codes"] = sorted({t["exit"] for t in tries})
    print(json.dumps(out))
    return 0 if tries else 1


if __name__ == "__main__":
    sys.exit(main())
