#!/usr/bin/env bash
# One benchmark run: starts the server under test, runs the load tool against it, stops the server.
#
#   bench/run.sh <preset> [target] [-- load-tool options]
#     preset  control-room | many-viewers | broadcast | ingest | devices | soak (30 min of mixed load, resources sampled)
#     target  trackerevents (default) | kestrel | signalr
#   e.g.  bench/run.sh broadcast kestrel
#         bench/run.sh broadcast trackerevents -- --stall 0.1 --label trackerevents-stall10
#         STORE=postgres PG="Host=127.0.0.1;Port=55433;Username=bench;Password=bench" bench/run.sh ingest -- --batch 1000
#
# Prints the load tool's table and writes its JSON to bench/results/. Builds the server and the peers
# (Release) if they are not built yet (BUILD=1 forces it). Every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD

PRESET=${1:?usage: bench/run.sh <preset> [target] [-- load options]}
shift
TARGET=trackerevents
if [ $# -gt 0 ] && [ "$1" != "--" ]; then TARGET=$1; shift; fi
[ "${1:-}" = "--" ] && shift

PORT=${PORT:-18080}
# The device listener of the node on port P listens on P-25 (18055 for the first node).
DEVICE_PORT=$((PORT - 25))
ADMIN_KEY=bench-admin-key-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
SERVER_DLL=$ROOT/src/TrackerEvents.Server/bin/Release/net10.0/TrackerEvents.Server.dll
KESTREL_DLL=$ROOT/bench/peers/KestrelCeiling/bin/Release/net10.0/KestrelCeiling.dll
SIGNALR_DLL=$ROOT/bench/peers/SignalRFanout/bin/Release/net10.0/SignalRFanout.dll
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "${BUILD:-0}" = 1 ] || [ ! -f "$SERVER_DLL" ]; then dotnet build -c Release src/TrackerEvents.Server >/dev/null; fi
if [ "${BUILD:-0}" = 1 ] || [ ! -f "$KESTREL_DLL" ] || [ ! -f "$SIGNALR_DLL" ]; then dotnet build -c Release bench/Bench.slnx >/dev/null; fi
if [ ! -d bench/load/node_modules/ws ]; then (cd bench/load && npm ci --no-audit --no-fund >/dev/null); fi

# The machine is shared (2 cores): wait until the rest of it is quiet (< QUIET_PERCENT of one core busy
# over 3 s, default 30), for at most QUIET_WAIT seconds (default 300), so that a run measures the server
# and its clients rather than someone else's build. The load tool records what else ran anyway.
busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9}' /proc/stat; }
quiet_deadline=$((SECONDS + ${QUIET_WAIT:-300}))
while :; do
    b0=$(busy_ticks); sleep 3; b1=$(busy_ticks)
    busy=$(( (b1 - b0) * 100 / 3 / $(getconf CLK_TCK) ))
    if [ "$busy" -lt "${QUIET_PERCENT:-30}" ]; then break; fi
    if [ "$SECONDS" -ge "$quiet_deadline" ]; then echo "[run] machine still busy (${busy}% of a core); running anyway"; break; fi
    echo "[run] machine busy (${busy}% of a core used by other processes); waiting"
    sleep 7
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/trackerevents-bench.XXXXXX")
PIDS=()
cleanup() {
    local status=$?
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    done
    [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts one TrackerEvents node on port $1; prints its pid. Logging as the shipped appsettings.json has it
# (one line per connection open and close), which is not read here: the working directory is a temp folder.
start_trackerevents() {
    local port=$1 store_args=()
    if [ "${STORE:-sqlite}" = postgres ]; then
        store_args=(--Store:Provider=Postgres "--ConnectionStrings:Tracker=${PG:?PG must hold a PostgreSQL connection string}")
    else
        store_args=("--ConnectionStrings:Tracker=Data Source=$WORK/bench.db")
    fi
    (cd "$WORK" && exec dotnet "$SERVER_DLL" --urls="http://127.0.0.1:$port" "${store_args[@]}" \
        --Demo:Enabled=false --Admin:ApiKey="$ADMIN_KEY" --Atmosphere:MaxConnectionsPerUser=20000 --Atmosphere:MaxConnectionsPerAddress=20000 \
        --Api:RateLimit=100000 --Api:AddressRateLimit=100000 --Logging:Directory="$WORK/logs-$port" \
        --Devices:Urls="http://127.0.0.1:$((port - 25))" --Devices:AddressRateLimit=10000000 \
        --Logging:LogLevel:Default=Information --Logging:LogLevel:Microsoft.AspNetCore=Warning ${SERVER_ARGS:-} >"$WORK/server-$port.log" 2>&1) &
    echo $!
}

wait_ready() {
    for _ in $(seq 1 120); do
        if curl -sf "http://127.0.0.1:$1/health/live" >/dev/null; then return 0; fi
        sleep 0.5
    done
    echo "server on port $1 did not come up:"; tail -20 "$WORK"/server-"$1".log; return 1
}

EXTRA=()
case "$TARGET" in
    trackerevents)
        SERVER_PID=$(start_trackerevents "$PORT"); PIDS+=("$SERVER_PID")
        wait_ready "$PORT"
        if [ -n "${NODE2_PORT:-}" ]; then
            # A second node on the same PostgreSQL database: the clients connect to it, the ingest goes to the first.
            NODE2_PID=$(start_trackerevents "$NODE2_PORT"); PIDS+=("$NODE2_PID")
            wait_ready "$NODE2_PORT"
            SERVER_PID=$NODE2_PID
            EXTRA+=(--ws-url "http://127.0.0.1:$NODE2_PORT")
        fi
        ;;
    kestrel | signalr)
        DLL=$KESTREL_DLL; [ "$TARGET" = signalr ] && DLL=$SIGNALR_DLL
        (cd "$WORK" && exec dotnet "$DLL" --urls="http://127.0.0.1:$PORT" >"$WORK/server-$PORT.log" 2>&1) &
        SERVER_PID=$!; PIDS+=("$SERVER_PID")
        wait_ready "$PORT"
        ;;
    *) echo "target must be trackerevents, kestrel or signalr"; exit 2 ;;
esac

if [ "$PRESET" = soak ]; then
    # A long mixed load with the server's resources sampled (bench/load/soak.js); TrackerEvents only.
    node bench/load/soak.js --url "http://127.0.0.1:$PORT" --admin-key "$ADMIN_KEY" --server-pid "$SERVER_PID" --work-dir "$WORK" "$@"
    exit
fi

node bench/load/bench.js --preset "$PRESET" --target "$TARGET" --url "http://127.0.0.1:$PORT" --device-url "http://127.0.0.1:$DEVICE_PORT" \
    --admin-key "$ADMIN_KEY" --server-pid "$SERVER_PID" "${EXTRA[@]}" "$@"
