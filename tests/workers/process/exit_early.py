"""Prints to stdout and stderr, then exits with the code given (default 3) without binding."""
import sys

code = int(sys.argv[1]) if len(sys.argv) > 1 else 3
print("loading settings", flush=True)
for i in range(12):
    print(f"stderr line {i}", file=sys.stderr, flush=True)
print("fatal: config missing", file=sys.stderr, flush=True)
sys.exit(code)
