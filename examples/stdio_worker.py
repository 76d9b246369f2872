#!/usr/bin/env python3
"""A stdio worker: started once per connection (stream) or request (http) by the mesh.

In stream mode it echoes each line upper-cased. In http mode (GOPHERMESH_STDIO_MODE=http) the raw
request arrives on stdin and the mesh turns what is printed into a streamed 200 response.
"""
import os
import sys
import time

mode = os.environ.get("GOPHERMESH_STDIO_MODE", "stream")
if mode == "http":
    method = os.environ.get("REQUEST_METHOD", "?")
    uri = os.environ.get("REQUEST_URI", "?")
    print(f"stdio worker pid {os.getpid()} answering {method} {uri}", flush=True)
    for i in range(3):
        print(f"step {i + 1}/3", flush=True)
        time.sleep(0.2)
    sys.stderr.write(f"served {method} {uri}\n")
else:
    for line in sys.stdin:
        sys.stdout.write(line.upper())
        sys.stdout.flush()
