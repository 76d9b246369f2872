# Shared by bench/run and bench/jvmflags: logging, tool discovery, package installs, and the
# start/stop bookkeeping that guarantees no process outlives a run. Source it; do not run it.

say() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }
die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

# firstcold.py imports coldstart.py: no __pycache__ folder in the checkout
export PYTHONDONTWRITEBYTECODE=1

# The java launcher of a JDK >= 25 (the mesh needs it): $JAVA_HOME, then Temurin 25, then PATH.
find_java() {
    local c v
    for c in ${JAVA_HOME:+"$JAVA_HOME/bin/java"} /usr/lib/jvm/temurin-2[5-9]*/bin/java \
             /usr/lib/jvm/*-2[5-9]*/bin/java "$(command -v java || true)"; do
        [[ -n $c && -x $c ]] || continue
        v=$("$c" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')
        if [[ $v =~ ^[0-9]+$ ]] && ((v >= 25)); then
            echo "$c"
            return 0
        fi
    done
    return 1
}

launcher_opts() { # JAR: the JVM options of the launcher beside JAR (the GC and heap the mesh runs with)
    sed -n 's/^exec "\$home\/bin\/java" \(.*\) "\$@"$/\1/p' "$(dirname "$1")/mesh" 2>/dev/null
}

# How the mesh is started: through the launcher beside the jar (target/mesh: the shipped JVM
# options and AOT cache; it reads MESH_JAVA_OPTS itself and appends it last), on the JDK find_java
# chose; or, when the jar has no launcher beside it (e.g. MESH_JAR=/tmp/baseline.jar), as
# `java $MESH_JAVA_OPTS -jar JAR`. Sets MESH_CMD (array) and MESH_HOW (one line for the log).
mesh_command() { # JAVA JAR
    local java=$1 jar=$2 launcher
    launcher=$(dirname "$jar")/mesh
    if [[ -x $launcher && $(basename "$jar") == mesh.jar ]]; then
        export JAVA_HOME
        JAVA_HOME=$(dirname "$(dirname "$java")")
        export MESH_JAVA_OPTS=${MESH_JAVA_OPTS:-}
        MESH_CMD=("$launcher")
        MESH_HOW="$launcher${MESH_JAVA_OPTS:+ (MESH_JAVA_OPTS=$MESH_JAVA_OPTS)}"
    else
        # shellcheck disable=SC2206
        MESH_CMD=("$java" ${MESH_JAVA_OPTS:-} -jar "$jar")
        MESH_HOW="java ${MESH_JAVA_OPTS:+$MESH_JAVA_OPTS }-jar $jar (no launcher beside the jar)"
    fi
}

# Installs the load tools and peers from Debian's packages when missing (apt-get update once).
ensure_packages() {
    local missing=()
    command -v nginx >/dev/null || missing+=(nginx-light)
    [[ -f /usr/lib/nginx/modules/ngx_stream_module.so ]] || missing+=(libnginx-mod-stream)
    command -v wrk >/dev/null || missing+=(wrk)
    command -v iperf3 >/dev/null || missing+=(iperf3)
    command -v socat >/dev/null || missing+=(socat)
    command -v curl >/dev/null || missing+=(curl)
    ((${#missing[@]} == 0)) && return 0
    if ((EUID != 0)); then
        die "missing packages: ${missing[*]}; install them with: sudo apt-get install ${missing[*]}"
    fi
    command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
    say "installing ${missing[*]} (apt-get)"
    apt-get update -qq >&2 || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2 \
        || die "apt-get install ${missing[*]} failed"
}

# --- processes -----------------------------------------------------------------------------------
# Every server runs in its own session (setsid), so that its whole process group can be stopped;
# every process of the run also carries MESHBENCH_RUN in its environment, so that the final sweep
# (util.py reap) finds anything that escaped its group, e.g. a child the mesh spawned.
declare -A PID=()

start() { # NAME CMD... (output to $TMP/NAME.log)
    local name=$1
    shift
    setsid "$@" >"$TMP/$name.log" 2>&1 </dev/null &
    PID[$name]=$!
}

stop() { # NAME: SIGTERM, up to 10 s grace, then SIGKILL to its process group
    local name=$1 pid=${PID[$1]:-} i
    [[ -n $pid ]] || return 0
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset "PID[$name]"
}

alive() { [[ -n ${PID[$1]:-} ]] && kill -0 "${PID[$1]}" 2>/dev/null; }

cleanup() {
    local rc=$? name
    set +e
    trap - EXIT INT TERM
    for name in "${!PID[@]}"; do
        stop "$name"
    done
    if [[ -n ${MESHBENCH_RUN:-} ]]; then
        "$PY" "$LIB/util.py" reap "MESHBENCH_RUN=$MESHBENCH_RUN"
    fi
    if [[ -n ${TMP:-} && -d $TMP ]]; then
        if ((KEEP)); then
            say "kept $TMP"
        else
            rm -rf "$TMP"
        fi
    fi
    exit "$rc"
}

setup_run() { # creates $TMP, marks the run, arms the cleanup
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/meshbench.XXXXXX")
    export MESHBENCH_RUN=$TMP
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}

# --- scenario 8 config ---------------------------------------------------------------------------
# Ten routes of every kind; nothing behind them needs to run for start-up (pure proxies connect
# only on traffic, managed backends start on the first request, stdio children per connection).
# Each backend has its own port (the mesh refuses an internal_port used twice).
# Sets S8_PORTS (comma list of the route ports) and S8_HEALTH (the internal health route, which
# gets the lowest port: routes start in port order, so its first answer is the first route serving).
write_startup_conf() { # FILE DASH_PORT ROUTE_PORT*10 BACKEND_PORT*8 TINY_PY
    local file=$1 dash=$2
    shift 2
    local p b=("${@:11:8}") tiny=${19}
    # ascending, so that the health route (p[0]) has the lowest port and starts first
    mapfile -t p < <(printf '%s\n' "${@:1:10}" | sort -n)
    S8_PORTS=$(IFS=,; echo "${p[*]}")
    S8_HEALTH=${p[0]}
    cat >"$file" <<EOF
{
  "dashboard_host": "127.0.0.1",
  "dashboard_port": "$dash",
  "routes": {
    "${p[0]}": {"name": "health", "protocol": "http", "backends": [{"name": "health", "cmd": "internal"}]},
    "${p[1]}": {"name": "proxy-1", "protocol": "http", "backends": [{"name": "web", "cmd": "", "internal_port": "${b[0]}"}]},
    "${p[2]}": {"name": "proxy-2", "protocol": "http", "backends": [{"name": "web", "cmd": "", "internal_port": "${b[1]}"}]},
    "${p[3]}": {"name": "proxy-3", "protocol": "http", "load_balance": "least_conn", "backends": [
        {"name": "web-a", "cmd": "", "internal_port": "${b[2]}"}, {"name": "web-b", "cmd": "", "internal_port": "${b[3]}"}]},
    "${p[4]}": {"name": "managed-1", "protocol": "http", "backends": [
        {"name": "tiny-1", "cmd": "$PY", "args": ["$tiny", "${b[4]}"], "internal_port": "${b[4]}"}]},
    "${p[5]}": {"name": "managed-2", "protocol": "http", "backends": [
        {"name": "tiny-2", "cmd": "$PY", "args": ["$tiny", "${b[5]}"], "internal_port": "${b[5]}"}]},
    "${p[6]}": {"name": "tcp-1", "protocol": "tcp", "backends": [{"name": "echo", "cmd": "", "internal_port": "${b[6]}"}]},
    "${p[7]}": {"name": "tcp-2", "protocol": "tcp", "backends": [{"name": "echo", "cmd": "", "internal_port": "${b[7]}"}]},
    "${p[8]}": {"name": "cat-stream", "protocol": "stdio", "stdio_mode": "stream", "backends": [{"name": "cat", "cmd": "/bin/cat"}]},
    "${p[9]}": {"name": "cat-http", "protocol": "stdio", "stdio_mode": "http", "backends": [{"name": "cat", "cmd": "/bin/cat"}]}
  }
}
EOF
}
