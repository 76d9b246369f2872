#!/usr/bin/env python3
"""Hot spots of a JFR recording: the methods most often on top of the sampled stacks (self time)
and the project's own methods most often anywhere on them (total time).

  jfrtop.py FILE.jfr [N] [EVENT]   EVENT: jdk.ExecutionSample (default) or jdk.NativeMethodSample
                                   (uses `jfr` next to the java on PATH or in JAVA_HOME)

Record with e.g. MESH_JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/mesh.jfr,settings=profile,dumponexit=true".
"""
import collections
import json
import os
import shutil
import subprocess
import sys


def jfr_tool():
    home = os.environ.get("JAVA_HOME")
    if home and os.path.exists(os.path.join(home, "bin", "jfr")):
        return os.path.join(home, "bin", "jfr")
    for candidate in sorted(os.listdir("/usr/lib/jvm"), reverse=True) if os.path.isdir("/usr/lib/jvm") else []:
        path = os.path.join("/usr/lib/jvm", candidate, "bin", "jfr")
        if "25" in candidate and os.path.exists(path):
            return path
    return shutil.which("jfr") or "jfr"


def frame_name(frame):
    method = frame["method"]
    return f"{method['type']['name']}.{method['name']}".replace("/", ".")


def main():
    path = sys.argv[1]
    top_n = int(sys.argv[2]) if len(sys.argv) > 2 else 15
    kind = sys.argv[3] if len(sys.argv) > 3 else "jdk.ExecutionSample"
    out = subprocess.run([jfr_tool(), "print", "--json", "--stack-depth", "64", "--events",
                          kind, path], capture_output=True, text=True, check=True).stdout
    events = json.loads(out)["recording"]["events"]
    own = collections.Counter()
    total = collections.Counter()
    threads = collections.Counter()
    for event in events:
        frames = event["values"]["stackTrace"]["frames"] if event["values"].get("stackTrace") else []
        if not frames:
            continue
        own[frame_name(frames[0])] += 1
        seen = set()
        for frame in frames:
            name = frame_name(frame)
            if name.startswith("io.gophermesh") and name not in seen:
                seen.add(name)
                total[name] += 1
        thread = event["values"].get("sampledThread") or {}
        threads[(thread.get("javaName") or thread.get("osName") or "?").rstrip("0123456789-")] += 1
    n = max(1, sum(own.values()))
    print(f"{n} samples of {kind}")
    print("\nself (top of stack):")
    for name, count in own.most_common(top_n):
        print(f"  {100 * count / n:5.1f}%  {name}")
    print("\nio.gophermesh methods on the stack (total):")
    for name, count in total.most_common(top_n):
        print(f"  {100 * count / n:5.1f}%  {name}")
    print("\nthreads:")
    for name, count in threads.most_common(8):
        print(f"  {100 * count / n:5.1f}%  {name}")


if __name__ == "__main__":
    main()
