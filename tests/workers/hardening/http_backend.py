"""HTTP backend on 127.0.0.1:PORT: answers 'NAME PID PATH' to GET and echoes POST bodies."""
import http.server
import os
import sys

port = int(sys.argv[1])
name = sys.argv[2] if len(sys.argv) > 2 else "backend"


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, body):
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.answer(("%s %d %s\n" % (name, os.getpid(), self.path)).encode())

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        self.answer(self.rfile.read(n))

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
server.daemon_threads = True
print("%s listening on %d" % (name, port), flush=True)
server.serve_forever()
