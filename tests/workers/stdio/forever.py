"""Prints a line every 20 ms until killed."""
import sys
import time

i = 0
while True:
    sys.stdout.write("tick %d\n" % i)
    sys.stdout.flush()
    i += 1
    time.sleep(0.02)
