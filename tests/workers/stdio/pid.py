"""Waits for one line on stdin, then answers with its pid and the line."""
import os
import sys

line = sys.stdin.readline().strip()
sys.stdout.write("pid=%d line=%s mode=%s\n" % (os.getpid(), line, os.environ.get("GOPHERMESH_STDIO_MODE")))
sys.stdout.flush()
