#!/usr/bin/env python3
"""Soak test of the built mesh.jar.

Starts target/mesh.jar on a temporary config with six routes:

  chaos-http   http, managed python backend    (killed every few seconds)
  chaos-tcp    tcp, managed python echo        (killed every few seconds)
  cat          stdio stream, /bin/cat
  hello        stdio http, a python worker
  steady-http  http, managed python backend    (untouched)
  steady-tcp   tcp, managed python echo        (untouched)

and runs mixed traffic on all of them from a few client threads while a chaos thread kills the
chaos backends through the dashboard API (DELETE /api/process/PORT:0) and reloads the config
(POST /api/config: toggles chaos-http's load_balance, adds and removes an extra route).

At the end it checks: no failed request on the untouched routes; the mesh's open file
descriptors and threads back near their start values; RSS near its start; after SIGTERM the mesh
exits and leaves no process behind and no backend port bound. It prints a summary and exits 1 when
a check fails, 2 on a usage or setup error. Every loop is bounded by the run time; all traffic
stays on 127.0.0.1.
"""
import argparse
import ctypes
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
JAR = os.path.join(ROOT, "target", "mesh.jar")
BUILD = "export JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64; mvn -o -q -B package -DskipTests"
PYTHON = sys.executable or "python3"

CHAOS_PERIOD = 3.0      # seconds between kill rounds; every second round also reloads
SAMPLE_PERIOD = 5.0     # seconds between resource samples
REQUEST_TIMEOUT = 10.0  # per request
FD_SLACK = 24           # descriptors above the start value still counted as "back"
THREAD_SLACK = 12       # threads likewise
RSS_SLACK_MIB = 160     # resident memory likewise (heap is capped with -Xmx256m)
HEAP_SLACK_MIB = 16     # heap in use after a full GC likewise
SETTLE = 90.0           # seconds the mesh gets to come back to its start values (JDK pools idle out after 60 s)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def java():
    home = os.environ.get("JAVA_HOME")
    for candidate in ([os.path.join(home, "bin", "java")] if home else []) + [
            "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"]:
        if os.access(candidate, os.X_OK):
            return candidate
    return shutil.which("java") or "java"


# ---- /proc ---------------------------------------------------------------------------------

def proc_stat(pid):
    """(ppid, starttime, state) of pid, or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            text = f.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    return int(fields[1]), int(fields[19]), fields[0]


def descendants(root):
    """{pid: starttime} of every live descendant of root."""
    children = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name))
            if st:
                children.setdefault(st[0], []).append((int(name), st[1]))
    out, todo = {}, [root]
    while todo:
        for pid, start in children.get(todo.pop(), []):
            out[pid] = start
            todo.append(pid)
    return out


def alive(pid, start):
    st = proc_stat(pid)
    return st is not None and st[1] == start and st[2] != "Z"


def resources(pid):
    """(open fds, threads, rss MiB) of pid."""
    fds = len(os.listdir("/proc/%d/fd" % pid))
    threads = rss = 0
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Threads:"):
                threads = int(line.split()[1])
            elif line.startswith("VmRSS:"):
                rss = int(line.split()[1]) // 1024
    return fds, threads, rss


def live_heap(pid):
    """MiB of heap in use right after a full GC of the mesh (jcmd of the same JDK), None without jcmd."""
    jcmd = os.path.join(os.path.dirname(java()), "jcmd")
    if not os.access(jcmd, os.X_OK):
        return None
    try:
        subprocess.run([jcmd, str(pid), "GC.run"], capture_output=True, timeout=60, check=True)
        out = subprocess.run([jcmd, str(pid), "GC.heap_info"], capture_output=True, timeout=60, check=True,
                             text=True).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in out.splitlines():
        words = line.replace(",", " ").split()
        if "used" in words:
            value = words[words.index("used") + 1]
            if value.endswith("K"):
                return int(value[:-1]) // 1024
    return None


def thread_names(pid):
    """{name with digits as #: count} of the mesh's platform threads (jcmd Thread.print), {} without jcmd."""
    jcmd = os.path.join(os.path.dirname(java()), "jcmd")
    try:
        out = subprocess.run([jcmd, str(pid), "Thread.print"], capture_output=True, timeout=60, text=True).stdout
    except (OSError, subprocess.SubprocessError):
        return {}
    names = {}
    for line in out.splitlines():
        if line.startswith('"'):
            name = "".join("#" if c.isdigit() else c for c in line[1:line.index('"', 1)])
            names[name] = names.get(name, 0) + 1
    return names


def become_subreaper():
    """Orphans of the mesh's children are re-parented to us, so a leftover cannot hide."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def reap():
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


# ---- clients -------------------------------------------------------------------------------

def http_get(port, path, expect):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("GET", path, headers={"Connection": "close"})
        resp = conn.getresponse()
        body = resp.read().decode("utf-8", "replace")
        if resp.status != 200 or expect not in body:
            raise RuntimeError("status %d: %s" % (resp.status, body.strip()[:120]))
    finally:
        conn.close()


def echo(port, n):
    msg = ("soak %d %s\n" % (n, "x" * (n % 2000))).encode()
    with socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT) as s:
        s.sendall(msg)
        s.shutdown(socket.SHUT_WR)
        got = bytearray()
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    if bytes(got) != msg:
        raise RuntimeError("echo got %d of %d bytes" % (len(got), len(msg)))


def api(dash, method, path, body=None):
    conn = http.client.HTTPConnection("127.0.0.1", dash, timeout=30)
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read().decode("utf-8", "replace")
    finally:
        conn.close()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok = {}
        self.failed = {}
        self.errors = {}

    def add(self, route, error=None):
        with self.lock:
            if error is None:
                self.ok[route] = self.ok.get(route, 0) + 1
            else:
                self.failed[route] = self.failed.get(route, 0) + 1
                self.errors.setdefault(route, [])
                if len(self.errors[route]) < 5:
                    self.errors[route].append(error)


def client(route, call, deadline, tally):
    n = 0
    while time.monotonic() < deadline:
        n += 1
        try:
            call(n)
            tally.add(route)
        except Exception as e:  # every failure is counted, whatever it is
            tally.add(route, "%s: %s" % (type(e).__name__, e))


# ---- the run -------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="Soak test of target/mesh.jar")
    ap.add_argument("--minutes", type=float, default=3, help="traffic time in minutes (default 3, at most 60)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (config, mesh log)")
    a = ap.parse_args()
    if not 0 < a.minutes <= 60:
        ap.error("--minutes must be more than 0 and at most 60")
    if not os.path.isfile(JAR):
        print("soak: %s is missing; build it first:\n  %s" % (JAR, BUILD), file=sys.stderr)
        return 2

    become_subreaper()
    work = tempfile.mkdtemp(prefix="mesh-soak-")
    ports = {k: free_port() for k in ("dash", "chaos_http", "chaos_tcp", "cat", "hello", "steady_http",
                                      "steady_tcp", "b_chaos_http", "b_chaos_tcp", "b_steady_http",
                                      "b_steady_tcp", "extra", "b_extra")}
    py = lambda script, *args: {"cmd": PYTHON, "args": ["-u", os.path.join(HERE, script)] + list(args)}
    routes = {
        str(ports["chaos_http"]): {"name": "chaos-http", "backends": [dict(py("http_backend.py", str(ports["b_chaos_http"]), "chaos"), internal_port=str(ports["b_chaos_http"]))]},
        str(ports["chaos_tcp"]): {"name": "chaos-tcp", "protocol": "tcp", "backends": [dict(py("echo.py", str(ports["b_chaos_tcp"])), internal_port=str(ports["b_chaos_tcp"]))]},
        str(ports["cat"]): {"name": "cat", "protocol": "stdio", "stdio_mode": "stream", "backends": [{"cmd": "/bin/cat"}]},
        str(ports["hello"]): {"name": "hello", "protocol": "stdio", "stdio_mode": "http", "backends": [py("stdio_hello.py")]},
        str(ports["steady_http"]): {"name": "steady-http", "backends": [dict(py("http_backend.py", str(ports["b_steady_http"]), "steady"), internal_port=str(ports["b_steady_http"]))]},
        str(ports["steady_tcp"]): {"name": "steady-tcp", "protocol": "tcp", "backends": [dict(py("echo.py", str(ports["b_steady_tcp"])), internal_port=str(ports["b_steady_tcp"]))]},
    }
    config = os.path.join(work, "config.json")
    with open(config, "w") as f:
        json.dump({"dashboard_port": str(ports["dash"]), "routes": routes}, f, indent=2)

    log = open(os.path.join(work, "mesh.log"), "wb")
    mesh = subprocess.Popen([java(), "-Xmx256m", "-XX:G1PeriodicGCInterval=5000", "-jar", JAR, "--config", config, "--no-console", "--no-dashboard",
                             "--no-protocol"], cwd=work, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    dash = ports["dash"]
    checks = []
    seen = {}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if api(dash, "GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if mesh.poll() is not None or time.monotonic() > deadline:
                print("soak: the mesh did not come up; see %s" % log.name, file=sys.stderr)
                a.keep = True
                return 2
            time.sleep(0.2)

        calls = {
            "chaos-http": lambda n: http_get(ports["chaos_http"], "/c%d" % n, "/c%d" % n),
            "chaos-tcp": lambda n: echo(ports["chaos_tcp"], n),
            "cat": lambda n: echo(ports["cat"], n),
            "hello": lambda n: http_get(ports["hello"], "/h%d" % n, "hello /h%d" % n),
            "steady-http": lambda n: http_get(ports["steady_http"], "/s%d" % n, "/s%d" % n),
            "steady-tcp": lambda n: echo(ports["steady_tcp"], n),
        }
        for route, call in calls.items():  # warm-up: cold starts, pools, lazily loaded classes
            for n in range(3):
                try:
                    call(n)
                except Exception as e:
                    print("soak: route %s does not answer before any chaos: %s; see %s" % (route, e, log.name),
                          file=sys.stderr)
                    a.keep = True
                    return 2
        time.sleep(2)
        heap_start = live_heap(mesh.pid)
        names_start = thread_names(mesh.pid)
        start = resources(mesh.pid)
        peak = list(start)
        seen.update(descendants(mesh.pid))

        tally = Tally()
        end = time.monotonic() + a.minutes * 60
        threads = []
        for route, copies in (("steady-http", 2), ("steady-tcp", 2), ("chaos-http", 1), ("chaos-tcp", 1),
                              ("cat", 1), ("hello", 1)):
            for _ in range(copies):
                t = threading.Thread(target=client, args=(route, calls[route], end, tally), daemon=True)
                t.start()
                threads.append(t)

        kills = reloads = 0
        chaos_errors = []
        next_sample = time.monotonic()
        cycle = 0
        while time.monotonic() < end:
            for port in (ports["chaos_http"], ports["chaos_tcp"]):
                status, body = api(dash, "DELETE", "/api/process/%d:0" % port)
                kills += 1
                if status != 200:
                    chaos_errors.append("kill %d: %d %s" % (port, status, body[:100]))
            if cycle % 2 == 1:
                status, body = api(dash, "GET", "/api/config")
                current = json.loads(body)
                chaos = current[str(ports["chaos_http"])]
                chaos["load_balance"] = "least_conn" if chaos.get("load_balance") != "least_conn" else "round_robin"
                if str(ports["extra"]) in current:
                    del current[str(ports["extra"])]
                else:
                    current[str(ports["extra"])] = {"name": "extra", "backends": [{"internal_port": str(ports["b_extra"])}]}
                status, body = api(dash, "POST", "/api/config", json.dumps(current))
                reloads += 1
                if status != 200:
                    chaos_errors.append("reload: %d %s" % (status, body[:100]))
            seen.update(descendants(mesh.pid))
            if time.monotonic() >= next_sample:
                now = resources(mesh.pid)
                peak = [max(p, v) for p, v in zip(peak, now)]
                next_sample += SAMPLE_PERIOD
            reap()
            cycle += 1
            time.sleep(max(0.0, min(CHAOS_PERIOD, end - time.monotonic())))
        for t in threads:
            t.join(REQUEST_TIMEOUT * 3)

        # back to the start config, then give the mesh time to settle
        status, body = api(dash, "GET", "/api/config")
        current = json.loads(body)
        if current.pop(str(ports["extra"]), None) is not None:
            api(dash, "POST", "/api/config", json.dumps(current))
        # wait for the values of the start (idle sockets to backends close after 30 s, timers of
        # removed listeners end within 5 s); the checks below then allow some slack
        settle_end = time.monotonic() + SETTLE
        while True:
            final = resources(mesh.pid)
            if (final[0] <= start[0] + 4 and final[1] <= start[1] + 2 and final[2] <= start[2] + RSS_SLACK_MIB // 4
                    or time.monotonic() > settle_end):
                break
            time.sleep(1)
        heap_end = live_heap(mesh.pid)
        names_end = thread_names(mesh.pid)
        grown = {n: (names_start.get(n, 0), c) for n, c in names_end.items() if c > names_start.get(n, 0)}
        seen.update(descendants(mesh.pid))

        for route in ("steady-http", "steady-tcp"):
            checks.append(("no failed request on untouched route %s (%d served)" % (route, tally.ok.get(route, 0)),
                           tally.failed.get(route, 0) == 0 and tally.ok.get(route, 0) > 0))
        checks.append(("chaos ran: %d kills, %d reloads, %d refused" % (kills, reloads, len(chaos_errors)),
                       kills > 0 and not chaos_errors))
        checks.append(("open fds back near start: %d -> peak %d -> %d (slack %d)" % (start[0], peak[0], final[0], FD_SLACK),
                       final[0] <= start[0] + FD_SLACK))
        checks.append(("threads back near start: %d -> peak %d -> %d (slack %d)%s" % (start[1], peak[1], final[1], THREAD_SLACK,
                       "; more than at start: " + ", ".join("%s %d->%d" % (n, b, c) for n, (b, c) in sorted(grown.items()))
                       if grown else ""),
                       final[1] <= start[1] + THREAD_SLACK))
        if heap_start is not None and heap_end is not None:
            checks.append(("live heap after a full GC back near start: %d MiB -> %d MiB (slack %d MiB)"
                           % (heap_start, heap_end, HEAP_SLACK_MIB), heap_end <= heap_start + HEAP_SLACK_MIB))
        checks.append(("RSS near start: %d MiB -> peak %d MiB -> %d MiB (slack %d MiB)"
                       % (start[2], peak[2], final[2], RSS_SLACK_MIB), final[2] <= start[2] + RSS_SLACK_MIB))
    finally:
        if mesh.poll() is None:
            mesh.send_signal(signal.SIGTERM)
            try:
                code = mesh.wait(20)
                checks.append(("mesh exits on SIGTERM (code %d)" % code, True))
            except subprocess.TimeoutExpired:
                mesh.kill()
                mesh.wait()
                checks.append(("mesh exits on SIGTERM within 20 s", False))
        log.close()
        time.sleep(0.5)
        reap()
        left = ["%d" % pid for pid, st in seen.items() if alive(pid, st)]
        left += ["%d" % pid for pid in descendants(os.getpid())]
        checks.append(("no process left after the mesh stopped (%d seen during the run)%s"
                       % (len(seen), ": " + " ".join(sorted(set(left))) if left else ""), not left))
        bound = []
        for key in ("b_chaos_http", "b_chaos_tcp", "b_steady_http", "b_steady_tcp"):
            try:
                socket.create_connection(("127.0.0.1", ports[key]), timeout=1).close()
                bound.append(str(ports[key]))
            except OSError:
                pass
        checks.append(("no backend port still bound%s" % (": " + " ".join(bound) if bound else ""), not bound))
        for pid, st in seen.items():
            if alive(pid, st):
                os.kill(pid, signal.SIGKILL)

    print("\nsoak: %.1f minute(s) of traffic on %s" % (a.minutes, JAR))
    print("%-12s %10s %8s" % ("route", "ok", "failed"))
    for route in ("steady-http", "steady-tcp", "chaos-http", "chaos-tcp", "cat", "hello"):
        print("%-12s %10d %8d" % (route, tally.ok.get(route, 0), tally.failed.get(route, 0)))
    for route, errors in sorted(tally.errors.items()):
        for e in errors[:3]:
            print("  %s: %s" % (route, e))
    failed = 0
    for what, ok in checks:
        print("%s  %s" % ("PASS" if ok else "FAIL", what))
        failed += 0 if ok else 1
    if a.keep or failed:
        print("mesh log and config kept in %s" % work)
    else:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (len(checks) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
