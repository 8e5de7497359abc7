#!/usr/bin/env bash
# Crash safety, short form: 8 writers record interactions while the server is
# SIGKILLed every 2-3 s and restarted on the same database (5 kills), then
# every write the server acknowledged (2xx) must be listed back through the
# API after a last restart. On SQLite also the outside reader: while the
# server takes writes, other processes open the database with the SQLite
# library (count, lock, backup) and close it; every acknowledged write must
# then be visible through the API, to a fresh sqlite3 connection and after a
# clean restart. Prints the figures; exits non-zero on any loss.
# Usage: scripts/crash.sh sqlite|postgres://ADMIN_URL
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-sqlite}"
work="$(mktemp -d)"
export HARNESS_WORK="$work"
name="followup_crash_$$"

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
    if [ "$target" != "sqlite" ]; then
        psql "$target" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# FOLLOWUP_BIN tests a given binary (e.g. a release build) instead.
if [ -z "${FOLLOWUP_BIN:-}" ]; then
    cargo build --quiet
    export FOLLOWUP_BIN="${CARGO_TARGET_DIR:-target}/debug/followup"
fi

if [ "$target" = "sqlite" ]; then
    status=0
    harness scripts/crash.py crash "sqlite://$work/crash.db" || status=1
    harness scripts/crash.py outside "$work/outside.db" || status=1
    exit "$status"
else
    PGOPTIONS="-c client_min_messages=warning" psql "$target" -qc "DROP DATABASE IF EXISTS $name" -qc "CREATE DATABASE $name"
    harness scripts/crash.py crash "${target%/*}/$name"
fi
