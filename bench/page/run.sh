#!/usr/bin/env bash
# The page benchmark: a server whose demo fleet has TRACKERS trackers (default 2,000), and the monitoring
# page in headless Chromium on it for DURATION seconds (default 300), every tracker changing once a second:
# FEED=synthetic (default) hands the page those batches itself; FEED=server has the server's simulator move
# a quarter of the fleet every 250 ms and deliver them. Prints the figures; asserts nothing.
#
#   bench/page/run.sh                       # 2,000 trackers, 2,000 changes/s, 5 minutes
#   FEED=server bench/page/run.sh           # ... end to end through the server
#   TRACKERS=500 DURATION=60 bench/page/run.sh
#
# Needs /usr/bin/chromium (apt-get install chromium) and npm (playwright-core, which downloads no browser).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
ROOT=$PWD
PORT=${PORT:-18085}
TRACKERS=${TRACKERS:-2000}
SERVER_DLL=$ROOT/src/TrackerEvents.Server/bin/Release/net10.0/TrackerEvents.Server.dll
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

if [ "${BUILD:-0}" = 1 ] || [ ! -f "$SERVER_DLL" ]; then dotnet build -c Release src/TrackerEvents.Server >/dev/null; fi
if [ ! -d bench/page/node_modules/playwright-core ]; then (cd bench/page && npm ci --no-audit --no-fund >/dev/null); fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/trackerevents-page-bench.XXXXXX")
SERVER_PID=
cleanup() {
    local status=$?
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$SERVER_PID" 2>/dev/null || true
    fi
    [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

(cd "$WORK" && exec dotnet "$SERVER_DLL" --urls="http://127.0.0.1:$PORT" "--ConnectionStrings:Tracker=Data Source=$WORK/page-bench.db" \
    --Demo:Trackers="$TRACKERS" --Demo:SimulatorInterval=00:00:00.250 --Demo:Simulator="$([ "${FEED:-synthetic}" = server ] && echo true || echo false)" \
    --Logging:Directory="$WORK/logs" \
    --Logging:LogLevel:Default=Warning >"$WORK/server.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 240); do
    if curl -sf "http://127.0.0.1:$PORT/health/live" >/dev/null; then break; fi
    sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/health/live" >/dev/null || { echo "the server did not come up:"; tail -20 "$WORK/server.log"; exit 1; }

node bench/page/page-bench.js --url "http://127.0.0.1:$PORT" --feed "${FEED:-synthetic}" --duration "${DURATION:-300}" --every "${EVERY:-30}"
