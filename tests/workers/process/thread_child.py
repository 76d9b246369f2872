"""Starts `sleep 300` from a second thread that then stays alive (reading stdin), prints the
child's pid, and waits: in /proc the child is listed under that thread, not under the main one."""
import subprocess
import sys
import threading

started = threading.Event()
children = []


def spawn():
    children.append(subprocess.Popen(["sleep", "300"]))
    started.set()
    sys.stdin.read()


threading.Thread(target=spawn, daemon=True).start()
started.wait()
print(children[0].pid, flush=True)
children[0].wait()
