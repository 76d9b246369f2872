"""Starts, says so, and never binds a port: for start timeouts and the parent-death test."""
import os
import time

print(f"warming up pid {os.getpid()}", flush=True)
while True:
    time.sleep(60)
