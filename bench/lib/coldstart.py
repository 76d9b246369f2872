#!/usr/bin/env python3
"""Scenario 7: cold-start overhead of the mesh.

Each try, in turn:
  direct: spawn the backend ourselves (--direct-cmd, the same program as the route's but on
          --direct-port), poll until the port accepts, then send one GET; the time from spawn to
          the full response is what the backend needs on its own.
  mesh:   with the backend stopped, send the same GET through the mesh route (which spawns the
          backend, waits for its port and proxies); then stop the backend through the dashboard
          API (DELETE /api/process/ROUTE:0) and wait until its port is closed.
overhead = median over the tries of (mesh - direct). Prints one JSON line.
"""
import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

HOST = "127.0.0.1"
REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"


def get(port, timeout):
    """One HTTP GET on a fresh connection; returns the status code."""
    with socket.create_connection((HOST, port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(REQUEST)
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data and data.endswith(b"ok\n"):
                break
    line = data.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) > 1 else 0


def accepts(port):
    try:
        with socket.create_connection((HOST, port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_until(predicate, timeout, step):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def direct_try(cmd, port):
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # a fine poll step, yet not a busy loop that would take CPU from the starting backend
        if not wait_until(lambda: accepts(port), 10, 0.0005):
            raise RuntimeError(f"direct backend on port {port} did not accept within 10s")
        t_bind = time.perf_counter()
        status = get(port, 10)
        t_done = time.perf_counter()
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
    if status != 200:
        raise RuntimeError(f"direct backend answered {status}")
    return (t_bind - t0) * 1000, (t_done - t0) * 1000


def kill_backend(dash, route):
    req = urllib.request.Request(f"http://{HOST}:{dash}/api/process/{route}:0", method="DELETE")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            resp.read()
    except OSError as e:
        print(f"coldstart: DELETE /api/process/{route}:0 failed: {e}", file=sys.stderr)


def find_ref(node, ref):
    if isinstance(node, dict):
        if node.get("ref") == ref:
            return node
        node = list(node.values())
    if isinstance(node, list):
        for item in node:
            found = find_ref(item, ref)
            if found is not None:
                return found
    return None


def backend_status(dash, route):
    try:
        with urllib.request.urlopen(f"http://{HOST}:{dash}/api/status", timeout=5) as resp:
            node = find_ref(json.load(resp), f"{route}:0")
    except (OSError, ValueError):
        return "?"
    return node.get("status", "?") if node else "?"


def mesh_try(route, backend_port, dash):
    if accepts(backend_port):
        kill_backend(dash, route)
        if not wait_until(lambda: not accepts(backend_port), 10, 0.01):
            raise RuntimeError(f"backend port {backend_port} still open after kill")
    t0 = time.perf_counter()
    status = get(route, 30)
    t1 = time.perf_counter()
    if status != 200:
        raise RuntimeError(f"mesh route {route} answered {status} on a cold start")
    kill_backend(dash, route)
    if not wait_until(lambda: not accepts(backend_port), 10, 0.01):
        raise RuntimeError(f"backend port {backend_port} still open after kill")
    # the next try must be a true cold start: wait until the mesh shows the backend stopped
    wait_until(lambda: backend_status(dash, route) not in ("Running", "Starting"), 5, 0.02)
    return (t1 - t0) * 1000


def paired(meshes, directs):
    """Medians of tries run side by side, and of their differences."""
    return {
        "direct_ms": round(statistics.median(directs), 2),
        "mesh_ms": round(statistics.median(meshes), 2),
        # each mesh try and its direct neighbour ran under about the same machine load, so the
        # median of the paired differences is steadier than a difference of medians
        "overhead_ms": round(statistics.median(m - d for m, d in zip(meshes, directs)), 2),
        "overhead_of_medians_ms": round(statistics.median(meshes) - statistics.median(directs), 2),
        "mesh_all_ms": [round(m, 1) for m in meshes],
        "direct_all_ms": [round(d, 1) for d in directs],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--direct-cmd", required=True, help="JSON list: the backend's command on --direct-port")
    ap.add_argument("--route", type=int, required=True)
    ap.add_argument("--backend-port", type=int, required=True)
    ap.add_argument("--direct-port", type=int, required=True)
    ap.add_argument("--dash", type=int, required=True)
    ap.add_argument("--tries", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3, help="untimed cold starts first (class loading, JIT)")
    args = ap.parse_args()
    direct_cmd = json.loads(args.direct_cmd)

    for _ in range(args.warmup):
        try:
            mesh_try(args.route, args.backend_port, args.dash)
        except (OSError, RuntimeError) as e:
            print(f"coldstart: warm-up failed: {e}", file=sys.stderr)

    binds, directs, meshes, errors = [], [], [], []
    deadline = time.monotonic() + 60 + args.tries * 15
    for i in range(args.tries):
        if time.monotonic() > deadline:
            break
        try:
            # alternate the order, so that neither side always runs on the warmer caches
            if i % 2:
                mesh_ms = mesh_try(args.route, args.backend_port, args.dash)
                bind_ms, direct_ms = direct_try(direct_cmd, args.direct_port)
            else:
                bind_ms, direct_ms = direct_try(direct_cmd, args.direct_port)
                mesh_ms = mesh_try(args.route, args.backend_port, args.dash)
            binds.append(bind_ms)
            directs.append(direct_ms)
            meshes.append(mesh_ms)
        except (OSError, RuntimeError) as e:
            errors.append(str(e))
    out = {"tries": len(meshes), "errors": len(errors), "last_error": errors[-1] if errors else ""}
    if meshes and directs:
        out["bind_ms"] = round(statistics.median(binds), 2)
        out.update(paired(meshes, directs))
    print(json.dumps(out))
    return 0 if meshes else 1


if __name__ == "__main__":
    sys.exit(main())
