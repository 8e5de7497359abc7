#!/usr/bin/env bash
# The morning digest from the outside (docs/digest.md): the real binary and
# a real SMTP server (aiosmtpd on loopback). A server killed with SIGKILL
# while the mail server holds the day's digest does not send it again after
# its restart; on PostgreSQL, two servers sharing the database send one
# digest per seeker. Exits non-zero on a second digest or a missing one.
# Usage: scripts/digest.sh sqlite|postgres://ADMIN_URL
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-sqlite}"
work="$(mktemp -d)"
export HARNESS_WORK="$work"
name="followup_digest_$$"

runner=""
cleanup() {
    [ -z "$runner" ] || kill "$runner" 2>/dev/null || true
    if [ -f "$work/pids" ]; then
        while read -r pid; do kill -9 "$pid" 2>/dev/null || true; done <"$work/pids"
    fi
    if [ "$target" != "sqlite" ]; then
        psql "$target" -qc "DROP DATABASE IF EXISTS ${name}_c WITH (FORCE)" >/dev/null 2>&1 || true
        psql "$target" -qc "DROP DATABASE IF EXISTS ${name}_r WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# aiosmtpd in the virtual environment the Rust tests use (tests/api/smtp.rs).
venv="${FOLLOWUP_SMTP_VENV:-$HOME/.cache/followup-aiosmtpd}"
if ! "$venv/bin/python" -c 'import aiosmtpd' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'aiosmtpd==1.4.6'
fi
export SINK_PYTHON="$venv/bin/python"

if [ -z "${FOLLOWUP_BIN:-}" ]; then
    cargo build --quiet
    export FOLLOWUP_BIN="${CARGO_TARGET_DIR:-target}/debug/followup"
fi

harness() {
    PYTHONDONTWRITEBYTECODE=1 PYTHONPATH=scripts timeout 300 python3 scripts/digest.py "$@" &
    runner=$!
    wait "$runner"
}

if [ "$target" = "sqlite" ]; then
    harness crash "sqlite://$work/crash.db"
else
    for suffix in c r; do
        PGOPTIONS="-c client_min_messages=warning" psql "$target" -qc "DROP DATABASE IF EXISTS ${name}_$suffix" -qc "CREATE DATABASE ${name}_$suffix"
    done
    harness crash "${target%/*}/${name}_c"
    harness replicas "${target%/*}/${name}_r"
fi
