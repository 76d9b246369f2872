"""Answers with its environment, one KEY=VALUE per line, sorted (http mode)."""
import os
import sys

sys.stdin.buffer.read()
for key in sorted(os.environ):
    sys.stdout.write("%s=%s\n" % (key, os.environ[key]))
sys.stdout.flush()
