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
export FOLLOWUP_BIN="${CARGO_TARGET_DIR:-target}/debug/followup"
cleanup() {
    if [ -f "$work/pids" ]; then
        while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$work/pids"
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if ! command -v sqlite3 >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && apt-get install -y -qq sqlite3; } >/dev/null 2>&1 || true
fi
cargo build --quiet
timeout 120 python3 scripts/backup.py "$work"
