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
export FOLLOWUP_BIN="${CARGO_TARGET_DIR:-target}/debug/followup"

cleanup() {
    if [ -f "$work/pids" ]; then
        while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$work/pids"
    fi
    if [ "$target" != "sqlite" ]; then
        psql "$target" -qc "DROP DATABASE IF EXISTS $name WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

cargo build --quiet

if [ "$target" = "sqlite" ]; then
    status=0
    timeout 120 python3 scripts/crash.py crash "sqlite://$work/crash.db" || status=1
    timeout 120 python3 scripts/crash.py outside "$work/outside.db" || status=1
    exit "$status"
else
    name="followup_crash_$$"
    PGOPTIONS="-c client_min_messages=warning" psql "$target" -qc "DROP DATABASE IF EXISTS $name" -qc "CREATE DATABASE $name"
    timeout 120 python3 scripts/crash.py crash "${target%/*}/$name"
fi
