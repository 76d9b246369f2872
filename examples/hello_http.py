#!/usr/bin/env python3
"""A small HTTP backend: answers every request with its own name, the path and the client."""
import http.server
import json
import sys


def main():
    port = int(sys.argv[1])
    name = sys.argv[2] if len(sys.argv) > 2 else f"hello-{port}"

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self):
            length = int(self.headers.get("Content-Length") or 0)
            body_in = self.rfile.read(length) if length else b""
            body = json.dumps({
                "backend": name,
                "method": self.command,
                "path": self.path,
                "received_bytes": len(body_in),
                "forwarded_for": self.headers.get("X-Forwarded-For"),
            }).encode() + b"\n"
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _answer

        def log_message(self, fmt, *args):
            sys.stderr.write(f"{name}: {self.command} {self.path}\n")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"{name} listening on 127.0.0.1:{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
