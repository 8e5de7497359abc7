#!/usr/bin/env bash
# Checks /metrics with Prometheus's own linter: starts the server (the debug
# build, on SQLite, on a free port), makes a few requests so every family has
# series (a 200, a 401, a 404, a 405, a HEAD), fetches /metrics and runs
# `promtool check metrics` on it. Any problem promtool reports (a missing
# HELP or TYPE, a counter without `_total`, a bad unit…) fails the run.
#
# Installs promtool (Debian's `prometheus` package; the service is not
# started) when it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v promtool >/dev/null; then
    echo "installing promtool (the prometheus package)" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
command -v curl >/dev/null || { echo "curl is needed" >&2; exit 1; }

if [ -z "${FOLLOWUP_BIN:-}" ]; then
    cargo build --quiet --bin followup
    FOLLOWUP_BIN="${CARGO_TARGET_DIR:-target}/debug/followup"
fi
binary="$FOLLOWUP_BIN"

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FOLLOWUP_JWT_SECRET="promtool-secret-promtool-secret-0123456" \
    "$binary" serve --listen "127.0.0.1:$port" --database-url "sqlite://$work/promtool.db" \
    --log-level warn >"$work/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 150); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.2
done

# A few answers of different kinds, so the families have series.
curl -fsS "$base/healthz" >/dev/null
curl -fsS -I "$base/healthz" >/dev/null
curl -fsS -H 'Accept-Encoding: gzip' "$base/openapi.json" >/dev/null
curl -sS -o /dev/null "$base/v1/agenda"                  # 401
curl -sS -o /dev/null "$base/v1/nothing-here"            # 404
curl -sS -o /dev/null -X DELETE "$base/healthz"          # 405
curl -sS -o /dev/null -X POST -H 'Content-Type: application/json' \
    -d '{"email":"promtool@example.com","password":"a long passphrase","display_name":"Prom Tool","role":"seeker","timezone":"UTC"}' \
    "$base/v1/auth/register"

curl -fsS "$base/metrics" >"$work/metrics.txt"
grep -q '^http_requests_total{' "$work/metrics.txt" \
    || { echo "no request series in /metrics" >&2; cat "$work/metrics.txt" >&2; exit 1; }
# promtool exits non-zero on errors; lint problems only print, so any
# output at all is a failure too.
if ! report=$(promtool check metrics <"$work/metrics.txt" 2>&1) || [ -n "$report" ]; then
    echo "promtool check metrics: /metrics has problems:" >&2
    echo "$report" >&2
    exit 1
fi
echo "promtool check metrics: /metrics is clean ($(grep -c '^[a-z]' "$work/metrics.txt") samples)"
