#!/usr/bin/env bash
# Load test as a new user population would make it: SEEKERS seekers (each 10
# opportunities × 10 interactions, seeded through the API), wrk with 2
# threads and 32 connections beside the server on the same cores, a random
# seeker per request. Scenarios: /healthz (the yardstick), the kept agenda,
# the cold agenda (a new ?at= every request), the opportunity list,
# acknowledged writes (POST an interaction), and a 90/10 mix of agenda reads
# and writes. Prints req/s, the share of the same run's /healthz, p50/p99,
# non-2xx answers and timeouts, and the server's RSS at the end.
#
# Installs wrk (Debian) if missing, builds the release binary, runs on
# 127.0.0.1 and stops by itself.
#
# Usage: scripts/load.sh [--backend sqlite|postgres] [--seekers N] [--seconds S]
#   defaults: sqlite, 1000 seekers (200 on postgres), 15 s per scenario.
#   PostgreSQL: a fresh database on $FOLLOWUP_LOAD_PG (default
#   postgres://postgres@127.0.0.1:5432), dropped afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."

backend=sqlite
seekers=""
duration=15
while [ $# -gt 0 ]; do
    case "$1" in
        --backend) backend="$2"; shift 2 ;;
        --seekers) seekers="$2"; shift 2 ;;
        --seconds) duration="$2"; shift 2 ;;
        [0-9]*) duration="$1"; shift ;;
        *) echo "usage: $0 [--backend sqlite|postgres] [--seekers N] [--seconds S]" >&2; exit 2 ;;
    esac
done
[ -n "$seekers" ] || { [ "$backend" = postgres ] && seekers=200 || seekers=1000; }

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
target="${CARGO_TARGET_DIR:-target}"
cargo build --release --quiet

work="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pg_admin="${FOLLOWUP_LOAD_PG:-postgres://postgres@127.0.0.1:5432}"
pg_db="followup_load_$$"
case "$backend" in
    sqlite) url="sqlite://$work/load.db" ;;
    postgres)
        psql "$pg_admin/postgres" -qc "CREATE DATABASE $pg_db" >/dev/null
        url="$pg_admin/$pg_db" ;;
    *) echo "unknown backend $backend" >&2; exit 2 ;;
esac
FOLLOWUP_JWT_SECRET="load-secret-load-secret-load-secret-0123" \
    "$target/release/followup" serve --listen "127.0.0.1:$port" --database-url "$url" \
    --access-token-ttl 86400 --auth-rate-limit 1000000 --log-level warn >"$work/server.log" 2>&1 &
server=$!
cleanup() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    [ "$backend" = postgres ] && psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 100); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

python3 scripts/load_seed.py "$base" "$seekers" "$work/seekers.txt"
rss_seeded=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

# One scenario: wrk's summary reduced to "req/s p50 p99 non2xx timeouts".
run() {
    local scenario="$1"
    local out
    if [ "$scenario" = healthz ]; then
        out=$(wrk -t2 -c32 -d"${duration}s" --latency "$base/healthz")
    else
        out=$(SEEKERS="$work/seekers.txt" SCENARIO="$scenario" \
            wrk -t2 -c32 -d"${duration}s" --latency -s scripts/load.lua "$base")
    fi
    local rps p50 p99 non2xx timeouts
    rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
    non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
    timeouts=$(awk '/Socket errors/ {gsub(",", ""); print $NF}' <<<"$out")
    echo "$scenario ${rps:-0} ${p50:-?} ${p99:-?} ${non2xx:-0} ${timeouts:-0}"
}

results=()
for scenario in healthz kept cold list write mix; do
    results+=("$(run "$scenario")")
done
rss_end=$(awk '/VmRSS/ {print $2}' "/proc/$server/status")

python3 - "$backend" "$seekers" "$duration" "$rss_seeded" "$rss_end" "${results[@]}" <<'PY'
import sys
backend, seekers, duration, rss_seeded, rss_end = sys.argv[1:6]
rows = [line.split() for line in sys.argv[6:]]
health = float(rows[0][1]) or 1.0
print(f"\n{backend}, {seekers} seekers, wrk -t2 -c32, {duration} s per scenario")
print(f"{'scenario':<10} {'req/s':>10} {'share':>8} {'p50':>10} {'p99':>10} {'non-2xx':>8} {'timeouts':>8}")
for name, rps, p50, p99, non2xx, timeouts in rows:
    print(f"{name:<10} {float(rps):>10.0f} {100 * float(rps) / health:>7.2f}% {p50:>10} {p99:>10} {non2xx:>8} {timeouts:>8}")
print(f"RSS: {int(rss_seeded) / 1024:.0f} MB after seeding, {int(rss_end) / 1024:.0f} MB at the end")
PY
