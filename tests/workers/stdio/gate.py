"""Prints 'first', waits until the file named by argv[1] exists, prints 'second' and exits."""
import os
import sys
import time

sys.stdout.write("first\n")
sys.stdout.flush()
while not os.path.exists(sys.argv[1]):
    time.sleep(0.02)
sys.stdout.write("second\n")
sys.stdout.flush()
