#!/bin/sh
# The mesh's launcher, installed next to mesh.jar as "mesh": runs mesh.jar on a JDK >= 25 with the
# JVM options the mesh is measured with, and with the AOT cache mesh.aot when it sits beside the jar.
#
#   mesh [mesh options]        e.g. mesh --conf config.json
#   mesh --aot-train           (re)builds mesh.aot for this JDK: the build runs it once
#
# JDK: $JAVA_HOME, then /usr/lib/jvm/*, then the java on PATH (the first that is 25 or newer).
# MESH_JAVA_OPTS is added after the launcher's own options, so it can override any of them
# (e.g. MESH_JAVA_OPTS=-Xmx1g, or -Xlog:aot to see why a cache is not used).

self=$0
while [ -h "$self" ]; do
    link=$(readlink "$self")
    case $link in
        /*) self=$link ;;
        *) self=$(dirname "$self")/$link ;;
    esac
done
dir=$(cd "$(dirname "$self")" && pwd)
jar=$dir/mesh.jar
aot=$dir/mesh.aot

# The major version of the JDK at $1, from its release file (no JVM started for that).
release_major() {
    [ -r "$1/release" ] || return 1
    while IFS= read -r line; do
        case $line in
            JAVA_VERSION=*)
                v=${line#JAVA_VERSION=}
                v=${v#\"}
                v=${v%%[!0-9]*}
                [ -n "$v" ] && echo "$v" && return 0
                ;;
        esac
    done <"$1/release"
    return 1
}

# Whether the JDK at $1 runs java 25 or newer.
usable() {
    [ -n "$1" ] && [ -x "$1/bin/java" ] || return 1
    major=$(release_major "$1") || major=$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
    [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null
}

find_jdk() {
    if usable "${JAVA_HOME:-}"; then
        echo "$JAVA_HOME"
        return 0
    fi
    for home in /usr/lib/jvm/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        if usable "$home"; then
            echo "$home"
            return 0
        fi
    done
    java=$(command -v java) || return 1
    # /usr/bin/java is usually a chain of links into the JDK
    home=$(dirname "$(dirname "$(readlink -f "$java" 2>/dev/null || echo "$java")")")
    if usable "$home"; then
        echo "$home"
        return 0
    fi
    return 1
}

if ! home=$(find_jdk); then
    echo "mesh: no JDK 25 or newer found: set JAVA_HOME to one (tried \$JAVA_HOME, /usr/lib/jvm/*, java on PATH)" >&2
    exit 2
fi
if [ ! -f "$jar" ]; then
    echo "mesh: $jar not found: the launcher runs the mesh.jar beside it" >&2
    exit 2
fi

# Measured with bench/jvmflags: a small heap that grows on demand and the serial collector keep an
# idle mesh small; object bodies stream, so the cap only bounds buffers and bookkeeping.
# Compact headers must match between the training run and every run using the cache.
train=
[ "${1:-}" = "--aot-train" ] && train=1
set -- -jar "$jar" "$@"
if [ -n "${MESH_JAVA_OPTS:-}" ]; then
    # several options in one variable, split on blanks and never expanded as file patterns
    set -f
    # shellcheck disable=SC2086
    set -- $MESH_JAVA_OPTS "$@"
    set +f
fi
if [ -n "$train" ]; then
    set -- "-XX:AOTCacheOutput=$aot" "$@"
elif [ -f "$aot" ]; then
    # a cache from another JDK or another jar is ignored (start-up is then just slower): silently
    set -- "-XX:AOTCache=$aot" -Xlog:aot*=off -Xlog:cds*=off "$@"
fi
# hand memory the JVM has freed back to the system; Linux only (elsewhere the JVM warns it cannot)
[ -d /proc/self/task ] && set -- -XX:TrimNativeHeapInterval=2000 "$@"
exec "$home/bin/java" -XX:+UseSerialGC -XX:+UseCompactObjectHeaders -Xss512k -Xms16m -Xmx256m "$@"
