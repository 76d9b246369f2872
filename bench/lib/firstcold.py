#!/usr/bin/env python3
"""Scenario 7, first cold start: the first request to a mesh just started, whose route's backend
has never run. coldstart.py warms the mesh up first and measures later cold starts; this one
measures what the first user after a start meets.

Each try, in turn:
  mesh:   start the mesh (--launcher, or --java/--jar/--opts) on --conf, wait until --route
          accepts and then --settle seconds (a mesh runs before it is used), send one GET through
          the route, stop the mesh with SIGTERM and wait until the backend's port is closed;
  direct: as in coldstart.py: spawn the backend on --direct-port, poll, send the same GET.
overhead = median over the tries of (mesh - direct). Prints one JSON line.
"""
import argparse
import json
import os
import shlex
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from coldstart import accepts, direct_try, get, paired, wait_until  # noqa: E402
from util import stop_process  # noqa: E402


def mesh_try(cmd, route, backend_port, settle, log):
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    try:
        if not wait_until(lambda: accepts(route), 60, 0.005):
            raise RuntimeError(f"mesh route {route} did not accept within 60s (see {log.name})")
        time.sleep(settle)
        if accepts(backend_port):
            raise RuntimeError(f"backend port {backend_port} accepts before the first request")
        t0 = time.perf_counter()
        status = get(route, 30)
        t1 = time.perf_counter()
    finally:
        stop_process(proc)
        wait_until(lambda: not accepts(backend_port), 10, 0.01)
    if status != 200:
        raise RuntimeError(f"mesh route {route} answered {status} on its first cold start")
    return (t1 - t0) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--java")
    ap.add_argument("--jar")
    ap.add_argument("--opts", default="", help="JVM options")
    ap.add_argument("--launcher", help="run the mesh through this launcher script instead of java -jar")
    ap.add_argument("--conf", required=True)
    ap.add_argument("--direct-cmd", required=True, help="JSON list: the backend's command on --direct-port")
    ap.add_argument("--route", type=int, required=True)
    ap.add_argument("--backend-port", type=int, required=True)
    ap.add_argument("--direct-port", type=int, required=True)
    ap.add_argument("--tries", type=int, default=5)
    ap.add_argument("--settle", type=float, default=1.0)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    mesh_args = ["--conf", args.conf, "--no-dashboard", "--no-protocol", "--no-console"]
    if args.launcher:
        cmd = [args.launcher, *mesh_args]
    else:
        cmd = [args.java, *shlex.split(args.opts), "-jar", args.jar, *mesh_args]
    direct_cmd = json.loads(args.direct_cmd)

    directs, meshes, errors = [], [], []
    with open(args.log, "a") as log:
        for i in range(args.tries):
            try:
                if i % 2:
                    mesh_ms = mesh_try(cmd, args.route, args.backend_port, args.settle, log)
                    _, direct_ms = direct_try(direct_cmd, args.direct_port)
                else:
                    _, direct_ms = direct_try(direct_cmd, args.direct_port)
                    mesh_ms = mesh_try(cmd, args.route, args.backend_port, args.settle, log)
                directs.append(direct_ms)
                meshes.append(mesh_ms)
            except (OSError, RuntimeError) as e:
                errors.append(str(e))
    out = {"tries": len(meshes), "errors": len(errors), "last_error": errors[-1] if errors else ""}
    if meshes:
        out.update(paired(meshes, directs))
    print(json.dumps(out))
    return 0 if meshes else 1


if __name__ == "__main__":
    sys.exit(main())
