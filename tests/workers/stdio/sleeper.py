"""Writes its pid to stderr, then sleeps without output until killed."""
import os
import sys
import time

sys.stderr.write("sleeping pid %d\n" % os.getpid())
sys.stderr.flush()
time.sleep(3600)
