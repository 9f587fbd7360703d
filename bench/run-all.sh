#!/usr/bin/env bash
# Every figure of README "Performance", in one go (about an hour on the 2-core machine):
#   1. the three presets; many-viewers and broadcast (also at 5 changes/s) against (a) the bare Kestrel loop and (b) SignalR
#   2. broadcast with 10% of the clients not reading (20 and 5 changes/s, and a 270 s run for the RSS bound)
#   3. store: ingest throughput on SQLite and PostgreSQL, batches of 1, 100 and 1,000
#   4. change -> delivery latency on PostgreSQL across two nodes (and on one node, for reference)
#   5. devices: 10,000 phones reporting through the device listener every second, on SQLite and PostgreSQL
# then bench/load/report.js prints the summary tables (with the ratios to (a) and (b)) and writes
# bench/results/summary-*.json.
#
#   bench/run-all.sh              everything
#   ONLY="broadcast store" bench/run-all.sh    a part: presets | broadcast | stall | store | cross-node | devices
#   ONLY=sitting bench/run-all.sh the targets of docs/performance.md in one sitting (~35 min; not part of everything):
#                                 ROUNDS (3) rounds of many viewers and broadcast at 5/s against (a) and (b), control
#                                 room, cross-node and devices; bench/load/targets.js prints the medians and ratios
#
# PostgreSQL: a throwaway cluster owned by the non-root 'postgres' user under /tmp, on PG_PORT (55433),
# fsync on, synchronous_commit off (the same durability class as the embedded store's WAL with
# synchronous=NORMAL: a crash may lose the last commits, never corrupts). Stopped and removed at the end.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ONLY=${ONLY:-"presets broadcast stall store cross-node devices"}
want() { [[ " $ONLY " == *" $1 "* ]]; }
DURATION=${DURATION:-30}
# Cross-node: 1,500 connections on node 2, each state on 10 of 15,000 trackers; 1,000 changes/s ingested through node 1.
CROSS_NODE=(--connections 1500 --users 150 --rate 1000 --duration "$DURATION" --group cross-node)
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
mkdir -p bench/results
FILES=()
count_results() { find bench/results -maxdepth 1 -name '*.json' ! -name 'summary-*' | wc -l; }
run() { # run.sh arguments...; remembers the result file it wrote
    local before
    before=$(count_results)
    bench/run.sh "$@" 2>&1 | grep --line-buffered -v '^\[bench .*\] \(ramp\|load\|warm-up\):' || true
    if [ "$(count_results)" -gt "$before" ]; then
        # sed reads the whole list: with head, a list longer than a pipe write made grep die of SIGPIPE, and
        # pipefail with set -e ended the sitting after whichever run that happened to
        FILES+=("$(ls -t bench/results/*.json | grep -v '/summary-' | sed -n 1p)")
    fi
}

dotnet build -c Release src/TrackerEvents.Server >/dev/null && dotnet build -c Release bench/Bench.slnx >/dev/null

if want presets; then
    run control-room trackerevents -- --duration "$DURATION"
    for target in kestrel signalr trackerevents; do run many-viewers "$target" -- --duration "$DURATION"; done
    # The same changes in 200 requests/s of 10 instead of 20 of 100: each change waits for a smaller commit.
    for target in kestrel signalr trackerevents; do run many-viewers "$target" -- --duration "$DURATION" --requests-per-second 200 --group many-viewers-200req/s; done
fi
if want broadcast; then
    for target in kestrel signalr trackerevents; do run broadcast "$target" -- --duration "$DURATION"; done
    # The same at a quarter of the rate (5 changes/s = 75,000 events/s), which this machine sustains: latency without saturation.
    for target in kestrel signalr trackerevents; do run broadcast "$target" -- --duration "$DURATION" --rate 5 --group broadcast-5/s; done
fi
if want stall; then
    run broadcast trackerevents -- --warmup 90 --duration 60 --stall 0.1 --label trackerevents-stall10
    run broadcast trackerevents -- --rate 5 --warmup 90 --duration 60 --stall 0.1 --label trackerevents-stall10 --group broadcast-5/s
    run broadcast trackerevents -- --rate 5 --warmup 90 --duration 180 --stall 0.1 --label trackerevents-stall10-270s --group stall-long
fi

PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV | head -1 || true)
if { want store || want cross-node || want devices || want sitting; } && [ -n "$PG_BIN" ]; then
    PG_PORT=${PG_PORT:-55433}
    PG_DIR=$(mktemp -d /tmp/trackerevents-bench-pg.XXXXXX)
    chown postgres "$PG_DIR"; chmod 700 "$PG_DIR"
    as_pg() { runuser -u postgres -- "$@"; }
    stop_pg() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
    trap stop_pg EXIT
    as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 --locale=C >/dev/null
    as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w start -o \
        "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$PG_DIR -c synchronous_commit=off -c max_connections=200" >/dev/null
    "$PG_BIN/psql" -X -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -c "CREATE ROLE bench LOGIN PASSWORD 'bench'" >/dev/null
    fresh_db() { # a new database per run, so that every run starts from the same empty store
        "$PG_BIN/psql" -X -q -h "$PG_DIR" -p "$PG_PORT" -U postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench OWNER bench" >/dev/null
        echo "Host=127.0.0.1;Port=$PG_PORT;Database=bench;Username=bench;Password=bench"
    }
elif want store || want cross-node || want devices || want sitting; then
    echo "PostgreSQL binaries not found (apt-get install postgresql): the PostgreSQL runs are skipped"
fi

if want store; then
    for batch in 1 100 1000; do
        run ingest trackerevents -- --batch "$batch" --duration 20 --label "sqlite-batch$batch"
        [ -n "$PG_BIN" ] && STORE=postgres PG=$(fresh_db) run ingest trackerevents -- --batch "$batch" --duration 20 --label "postgres-batch$batch"
    done
fi
if want cross-node && [ -n "$PG_BIN" ]; then
    STORE=postgres PG=$(fresh_db) NODE2_PORT=18081 run many-viewers trackerevents -- "${CROSS_NODE[@]}" --label postgres-2nodes
    STORE=postgres PG=$(fresh_db) run many-viewers trackerevents -- "${CROSS_NODE[@]}" --label postgres-1node
fi
if want devices; then
    run devices trackerevents -- --duration "$DURATION" --label sqlite
    [ -n "$PG_BIN" ] && STORE=postgres PG=$(fresh_db) run devices trackerevents -- --duration "$DURATION" --label postgres
fi

if want sitting; then
    # Each round starts from another server, so that (a) and TrackerEvents each run once right after (b): the run
    # after (b)'s, a 1 GB process, was the slow place for either build of TrackerEvents (docs/performance.md, "The
    # order of the runs"), and the earlier sittings always ran TrackerEvents there.
    orders=("kestrel signalr trackerevents" "trackerevents signalr kestrel" "trackerevents kestrel signalr")
    SITTING=()
    sit() { local before=${#FILES[@]}; run "$@"; if [ "${#FILES[@]}" -gt "$before" ]; then SITTING+=("${FILES[-1]}"); fi; }
    for round in $(seq 1 "${ROUNDS:-3}"); do
        read -r -a order <<<"${orders[$(( (round - 1) % 3 ))]}"
        for target in "${order[@]}"; do sit many-viewers "$target" -- --duration "$DURATION"; done
        for target in "${order[@]}"; do sit broadcast "$target" -- --duration "$DURATION" --rate 5 --group broadcast-5/s; done
        sit control-room trackerevents -- --duration "$DURATION"
        if [ -n "$PG_BIN" ]; then
            STORE=postgres PG=$(fresh_db) NODE2_PORT=18081 sit many-viewers trackerevents -- "${CROSS_NODE[@]}" --label postgres-2nodes
        fi
        sit devices trackerevents -- --duration "$DURATION" --label sqlite
    done
fi

echo
echo "runs since $started:"
node bench/load/report.js "${FILES[@]}"
if want sitting; then echo; echo "the targets, this sitting:"; node bench/load/targets.js "${SITTING[@]}"; fi
