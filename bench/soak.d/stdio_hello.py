"""stdio http-mode worker for the soak: reads the request, answers a line."""
import os
import sys

sys.stdin.buffer.read()
sys.stdout.write("hello %s\n" % os.environ.get("REQUEST_URI", "?"))
