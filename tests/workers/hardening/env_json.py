"""stdio http/cgi worker: reads its input to the end and prints its environment as JSON.

Names and values are taken as bytes and shown as Latin-1, so nothing is hidden by decoding.
"""
import json
import os
import sys

sys.stdin.buffer.read()
env = {k.decode("latin-1"): v.decode("latin-1") for k, v in os.environb.items()}
body = json.dumps(env).encode()
if os.environ.get("GOPHERMESH_STDIO_MODE") == "cgi":
    sys.stdout.buffer.write(b"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body))
sys.stdout.buffer.write(body)
sys.stdout.buffer.flush()
