#!/usr/bin/env python3
"""Small helpers for bench/run (stdlib only; everything on 127.0.0.1).

  util.py ports N                     print N distinct free TCP ports, one per line
  util.py listening TIMEOUT PORT... [--pid PID]
                                      wait until every PORT is in LISTEN state (exit 1 on timeout
                                      or when PID exits first)
  util.py accepting TIMEOUT PORT      wait until PORT accepts a TCP connection (exit 1 on timeout)
  util.py closed TIMEOUT PORT...      wait until no PORT accepts connections any more
  util.py jget FILE KEY [DEFAULT]     print KEY of the last JSON object line in FILE
  util.py fig FILE KEY                KEY of a run's JSON result, nan when the run failed
  util.py errs FILE                   a note naming the errors of a run
  util.py iperf FILE                  print received Gbit/s and bytes of an iperf3 -J report as JSON
  util.py per FILE CPUFILE KEY SCALE  CPU seconds of CPUFILE * SCALE / KEY of the run in FILE
  util.py reap MARKER                 stop every process whose environment holds MARKER
  util.py cpu PGID                    user + system CPU seconds of process group PGID
  util.py rss PID                     print VmRSS of PID in MB
"""
import json
import os
import random
import signal
import socket
import subprocess
import sys
import time

HOST = "127.0.0.1"


def free_ports(n):
    """Free ports below the kernel's ephemeral range, so that no load client's own end takes one."""
    low, high = 20000, 32700
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            eph_low = int(f.read().split()[0])
        high = min(high, eph_low - 1)
        low = min(low, high - 5000)
    except (OSError, ValueError):
        pass
    ports = []
    for port in random.sample(range(low, high), min(4000, high - low)):
        if len(ports) == n:
            break
        with socket.socket() as s:
            try:
                s.bind((HOST, port))
            except OSError:
                continue
        if not accepts(port, 0.1):
            ports.append(port)
    if len(ports) < n:
        raise SystemExit("bench: could not find %d free ports" % n)
    return ports


def listening_ports():
    """Ports in LISTEN state on any local address, read from /proc (makes no connection)."""
    found = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == "0A":
                        found.add(int(parts[1].rsplit(":", 1)[1], 16))
        except FileNotFoundError:
            pass
    return found


def accepts(port, timeout=0.5):
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait(predicate, timeout, step=0.005):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def last_json(path):
    obj = None
    with open(path, errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                try:
                    obj = json.loads(line)
                except ValueError:
                    pass
    return obj


def error_count(obj):
    return sum(v for k, v in obj.items() if k.startswith("err") and isinstance(v, int))


def figure(obj, key):
    """A figure of a run, or nan when the run is void: nothing done, or over 1% of it failed."""
    if not obj or key not in obj:
        return "nan"
    done = obj.get("requests", obj.get("conns", obj.get("uploads", 1)))
    if done == 0 or error_count(obj) > 0.01 * done:
        return "nan"
    return obj[key]


def error_note(obj):
    if obj is None:
        return "no result"
    n = error_count(obj)
    return f"{n} errors" if n else ""


def marked_pids(marker):
    me = {os.getpid(), os.getppid()}
    needle = marker.encode()
    pids = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) in me:
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as f:
                if needle in f.read().split(b"\0"):
                    pids.append(int(entry))
        except OSError:
            pass
    return pids


def reap(marker):
    pids = marked_pids(marker)
    if not pids:
        return 0
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    wait(lambda: not marked_pids(marker), 5, 0.05)
    left = marked_pids(marker)
    for pid in left:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    wait(lambda: not marked_pids(marker), 5, 0.05)
    print(f"bench: stopped {len(pids)} leftover process(es): {pids}", file=sys.stderr)
    return 1 if marked_pids(marker) else 0


def running(pid):
    """True while PID exists and is not a zombie."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def group_cpu_seconds(pgid):
    """User + system CPU seconds of every live process in process group PGID (threads included)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # after the command: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
        if int(fields[2]) == pgid:
            total += int(fields[11]) + int(fields[12])
    return total / tick


def own_and_reaped_seconds(pid):
    """CPU seconds of process PID itself (all its threads) and of its children it has reaped."""
    tick = os.sysconf("SC_CLK_TCK")
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # ... utime stime cutime cstime: fields 14-17 of proc(5), 12-15 after the command
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def stop_process(proc):
    """SIGTERM to a process started in a session of its own, SIGKILL to its group after 15 s."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(5)


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def main(argv):
    cmd = argv[1]
    if cmd == "ports":
        print("\n".join(str(p) for p in free_ports(int(argv[2]))))
    elif cmd == "listening":
        rest = argv[3:]
        pid = None
        if "--pid" in rest:
            i = rest.index("--pid")
            pid = int(rest[i + 1])
            del rest[i:i + 2]
        ports = {int(p) for p in rest}
        gone = lambda: pid is not None and not running(pid)
        ok = wait(lambda: gone() or ports <= listening_ports(), float(argv[2]))
        return 0 if ok and not gone() else 1
    elif cmd == "accepting":
        return 0 if wait(lambda: accepts(int(argv[3])), float(argv[2])) else 1
    elif cmd == "closed":
        ports = [int(p) for p in argv[3:]]
        return 0 if wait(lambda: not any(accepts(p, 0.2) for p in ports), float(argv[2]), 0.05) else 1
    elif cmd == "jget":
        obj = last_json(argv[2]) or {}
        value = obj.get(argv[3], argv[4] if len(argv) > 4 else "")
        print(value)
    elif cmd == "fig":
        print(figure(last_json(argv[2]), argv[3]))
    elif cmd == "errs":
        print(error_note(last_json(argv[2])))
    elif cmd == "proccpu":
        try:
            print("%.3f %.3f" % own_and_reaped_seconds(int(argv[2])))
        except (OSError, ValueError):
            print("nan nan")
    elif cmd == "perconn":
        # FILE CPU2FILE own|reaped: microseconds per connection (warm-up included) of the CPU that
        # CPU2FILE ("own reaped" before, then after) records
        obj = last_json(argv[2])
        try:
            with open(argv[3]) as f:
                v = [float(x) for x in f.read().split()]
            i = 0 if argv[4] == "own" else 1
            conns = float(figure(obj, "all_conns"))
            print("%.1f" % ((v[2 + i] - v[i]) * 1e6 / conns) if conns > 0 else "nan")
        except (OSError, ValueError, IndexError):
            print("nan")
    elif cmd == "cpu":
        print("%.3f" % group_cpu_seconds(int(argv[2])))
    elif cmd == "iperf":
        try:
            with open(argv[2]) as f:
                received = json.load(f)["end"]["sum_received"]
            print(json.dumps({"gbps": round(received["bits_per_second"] / 1e9, 3), "bytes": received["bytes"]}))
        except (OSError, ValueError, KeyError):
            print("{}")
    elif cmd == "per":
        # CPU seconds in CPUFILE * SCALE / KEY of the run in FILE (e.g. microseconds per request)
        obj = last_json(argv[2])
        count = figure(obj, argv[4])
        try:
            with open(argv[3]) as f:
                cpu = float(f.read().strip())
            print("%.3f" % (cpu * float(argv[5]) / float(count)) if float(count) > 0 else "nan")
        except (OSError, ValueError):
            print("nan")
    elif cmd == "reap":
        return reap(argv[2])
    elif cmd == "rss":
        print("%.1f" % rss_mb(int(argv[2])))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
