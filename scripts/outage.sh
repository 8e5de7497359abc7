#!/usr/bin/env bash
# A PostgreSQL outage under light load: a throwaway cluster, the server on it
# with --db-timeout 2, a few requests a second, the cluster stopped for 5 s
# and started again. While it is down, data requests must answer 503
# problem+json (/healthz 200, /readyz 503) within --db-timeout + 1 s; once it
# is back, a data request must succeed within 5 s; no acknowledged write may
# be lost. Prints the figures; exits non-zero on any failure.
# Usage: scripts/outage.sh
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
pgwork="$(mktemp -d)"
export HARNESS_WORK="$work"
pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
data="$pgwork/data"

# initdb refuses root: as root, run the cluster as the postgres user.
if [ "$(id -u)" = 0 ]; then
    chown postgres:postgres "$pgwork"
    as_pg() { su postgres -c "$*"; }
else
    as_pg() { sh -c "$*"; }
fi
pg_ctl="$pgbin/pg_ctl -D $data -l $pgwork/server.log"

runner=""
# Each scenario runs in the background and is waited for, so a signal to
# this script runs the trap at once: it stops the scenario, then kills every
# server the scenario started (their pids are in $work/pids).
harness() {
    PYTHONDONTWRITEBYTECODE=1 timeout 120 python3 "$@" &
    runner=$!
    wait "$runner"
}
cleanup() {
    [ -z "$runner" ] || kill "$runner" 2>/dev/null || true
    if [ -f "$work/pids" ]; then
        while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$work/pids"
    fi
    as_pg "$pg_ctl -m immediate stop" >/dev/null 2>&1 || true
    rm -rf "$work" "$pgwork"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# FOLLOWUP_BIN tests a given binary (e.g. a release build) instead.
if [ -z "${FOLLOWUP_BIN:-}" ]; then
    cargo build --quiet
    export FOLLOWUP_BIN="${CARGO_TARGET_DIR:-target}/debug/followup"
fi
as_pg "$pgbin/initdb -D $data -U postgres -A trust -E UTF8 --no-sync" >/dev/null
start="$pg_ctl -w -t 30 start -o '-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off'"
as_pg "$start" >/dev/null
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U postgres outage

if [ "$(id -u)" = 0 ]; then
    stop_cmd="su postgres -c \"$pg_ctl -w -t 30 -m fast stop\""
    start_cmd="su postgres -c \"$start\""
else
    stop_cmd="$pg_ctl -w -t 30 -m fast stop"
    start_cmd="$start"
fi
harness scripts/outage.py "postgres://postgres@127.0.0.1:$port/outage" 2 "$stop_cmd" "$start_cmd" \
    || { echo "--- postgres log (tail) ---"; tail -n 20 "$pgwork/server.log"; exit 1; }
