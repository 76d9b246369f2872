#!/usr/bin/env python3
"""Scenario 1, idle row: the latency of one request on a kept-alive connection to a proxy that has
nothing else to do, as a desktop app's occasional call meets it. One connection; after a few
untimed requests, --count requests, each --gap seconds after the last answer. Prints one JSON line:
p50_ms, p90_ms, requests, errors. What it measures is mostly thread wake-ups, not work."""
import argparse
import json
import socket
import statistics
import time

REQUEST = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def exchange(sock):
    """Sends one GET and reads its whole answer (Content-Length framing); returns the status."""
    sock.sendall(REQUEST)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise OSError("connection closed before the answer's head")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise OSError("connection closed in the answer's body")
        body += chunk
    return int(head.split(None, 2)[1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--gap", type=float, default=0.02)
    ap.add_argument("--warm", type=int, default=20)
    a = ap.parse_args()
    times, errors = [], 0
    try:
        with socket.create_connection(("127.0.0.1", a.port), timeout=5) as s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for _ in range(a.warm):
                exchange(s)
            for _ in range(a.count):
                time.sleep(a.gap)
                t = time.perf_counter_ns()
                status = exchange(s)
                times.append(time.perf_counter_ns() - t)
                errors += status != 200
    except OSError as e:
        print(json.dumps({"errors": 1, "error": str(e)}))
        return
    times.sort()
    print(json.dumps({"p50_ms": statistics.median(times) / 1e6, "p90_ms": times[len(times) * 9 // 10] / 1e6,
                      "requests": len(times), "errors": errors}))


if __name__ == "__main__":
    main()
