#!/usr/bin/env bash
# The live backup procedure on SQLite: while the server takes writes, back
# the database up with `sqlite3 DB ".backup COPY"` and with `VACUUM INTO`;
# each copy must pass `PRAGMA integrity_check` and a server started on it
# must serve every write acknowledged before the backup began. The live
# database must lose nothing either (through the API, to a fresh sqlite3
# connection, after a clean restart). Installs the sqlite3 CLI (Debian) if
# missing, else falls back to Python's Connection.backup.
# Usage: scripts/backup.sh
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
export HARNESS_WORK="$work"
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
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! command -v sqlite3 >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && apt-get install -y -qq sqlite3; } >/dev/null 2>&1 || true
fi
# FOLLOWUP_BIN tests a given binary (e.g. a release build) instead.
if [ -z "${FOLLOWUP_BIN:-}" ]; then
    cargo build --quiet
    export FOLLOWUP_BIN="${CARGO_TARGET_DIR:-target}/debug/followup"
fi
harness scripts/backup.py "$work"
