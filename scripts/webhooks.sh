#!/usr/bin/env bash
# Webhooks from the outside: every delivery verified by the `standardwebhooks`
# Python package (an implementation of the specification this project did
# not write), a SIGKILL mid-delivery (every event arrives at least once; the
# duplicates are counted), and on PostgreSQL two servers sharing the outbox
# (no event delivered by both). Prints the figures; exits non-zero on any
# missing or unverified delivery.
# Usage: scripts/webhooks.sh sqlite|postgres://ADMIN_URL
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-sqlite}"
work="$(mktemp -d)"
export HARNESS_WORK="$work"
name="followup_webhooks_$$"

runner=""
harness() {
    PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=scripts timeout 300 python3 "$@" &
    runner=$!
    wait "$runner"
}
cleanup() {
    [ -z "$runner" ] || kill "$runner" 2>/dev/null || true
    if [ -f "$work/pids" ]; then
        while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$work/pids"
    fi
    if [ "$target" != "sqlite" ]; then
        psql "$target" -qc "DROP DATABASE IF EXISTS ${name}_v WITH (FORCE)" >/dev/null 2>&1 || true
        psql "$target" -qc "DROP DATABASE IF EXISTS ${name}_c WITH (FORCE)" >/dev/null 2>&1 || true
        psql "$target" -qc "DROP DATABASE IF EXISTS ${name}_r WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

python3 -c 'import standardwebhooks' 2>/dev/null || pip install --quiet 'standardwebhooks==1.1.0'

if [ -z "${FOLLOWUP_BIN:-}" ]; then
    cargo build --quiet
    export FOLLOWUP_BIN="${CARGO_TARGET_DIR:-target}/debug/followup"
fi

if [ "$target" = "sqlite" ]; then
    harness scripts/webhooks.py verify "sqlite://$work/verify.db"
    harness scripts/webhooks.py crash "sqlite://$work/crash.db"
else
    for suffix in v c r; do
        PGOPTIONS="-c client_min_messages=warning" psql "$target" -qc "DROP DATABASE IF EXISTS ${name}_$suffix" -qc "CREATE DATABASE ${name}_$suffix"
    done
    harness scripts/webhooks.py verify "${target%/*}/${name}_v"
    harness scripts/webhooks.py crash "${target%/*}/${name}_c"
    harness scripts/webhooks.py replicas "${target%/*}/${name}_r"
fi
