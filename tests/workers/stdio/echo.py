"""Reads stdin to EOF and answers with a name and what it read (stream mode), like the Go sample."""
import os
import sys

name = sys.argv[1] if len(sys.argv) > 1 else "echo"
payload = sys.stdin.buffer.read()
if os.environ.get("GOPHERMESH_STDIO_MODE") == "http":
    sys.stdout.write("[%s] method=%s uri=%s\n" % (name, os.environ.get("REQUEST_METHOD"), os.environ.get("REQUEST_URI")))
    sys.stdout.flush()
    sys.stdout.buffer.write(payload)
else:
    sys.stdout.buffer.write(name.encode() + b"|" + payload)
sys.stdout.flush()
