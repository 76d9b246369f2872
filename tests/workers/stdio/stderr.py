"""Writes lines to stderr, then answers on stdout."""
import sys

for i in range(3):
    sys.stderr.write("diag line %d\n" % i)
    sys.stderr.flush()
sys.stdout.write("done\n")
sys.stdout.flush()
