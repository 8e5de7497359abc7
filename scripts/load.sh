#!/usr/bin/env bash
# Load test as a new user population would make it: SEEKERS seekers (each 10
# opportunities × 10 interactions, seeded through the API), wrk with 2
# threads and 32 connections beside the server on the same cores, a random
# seeker per request. Scenarios: /healthz (the yardstick), the kept agenda,
# the kept agenda asked for with Accept-Encoding: gzip (its figures are
# printed beside the uncompressed ones, with the bytes per answer), the cold
# agenda (a new ?at= every request), the opportunity list,
# acknowledged writes (POST an interaction), and a 90/10 mix of agenda reads
# and writes. Prints req/s, the share of the same run's /healthz, p50/p99,
# the answers by status, socket errors and timeouts, the server's RSS and the
# seeding rate.
#
# One command: installs what it needs (wrk, python3, curl, psql) with apt on
# Debian/Ubuntu, builds the binary, starts the server on 127.0.0.1 (SQLite,
# or a fresh database on the machine's PostgreSQL, started if it is down),
# and stops it and drops the database by itself.
#
# It exits non-zero when the run shows the server broken, not slow: a
# scenario that completed no request, a timeout or socket error, or an
# answer other than 2xx (writes may also answer 503 with Retry-After: the
# writer queue is full). Speed is never a failure.
#
# Usage: scripts/load.sh [--backend sqlite|postgres] [--seekers N] [--seconds S]
#                        [--short] [--debug]
#   defaults: sqlite, 1000 seekers (200 on postgres), 15 s per scenario, the
#   release build.
#   --short   a smoke run: 5 seekers, 2 s per scenario (CI runs it).
#   --debug   the dev-profile binary (quick to build where the tests built it;
#             its figures mean nothing).
#   PostgreSQL: $FOLLOWUP_LOAD_PG (default postgres://postgres@127.0.0.1:5432,
#   trust auth) is the server; the database is followup_load_<pid>.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    echo "usage: $0 [--backend sqlite|postgres] [--seekers N] [--seconds S] [--short] [--debug]" >&2
    exit 2
}
backend=sqlite
seekers=""
duration=""
short=false
profile=release
while [ $# -gt 0 ]; do
    case "$1" in
        --backend) backend="${2:-}"; shift 2 ;;
        --seekers) seekers="${2:-}"; shift 2 ;;
        --seconds) duration="${2:-}"; shift 2 ;;
        --short) short=true; shift ;;
        --debug) profile=debug; shift ;;
        *) usage ;;
    esac
done
case "$backend" in sqlite | postgres) ;; *) usage ;; esac
if $short; then
    : "${seekers:=5}" "${duration:=2}"
fi
[ -n "$seekers" ] || { [ "$backend" = postgres ] && seekers=200 || seekers=1000; }
: "${duration:=15}"

# What the run needs, from the distribution's packages.
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v python3 >/dev/null || missing+=(python3)
command -v curl >/dev/null || missing+=(curl)
if [ "$backend" = postgres ]; then
    command -v psql >/dev/null || missing+=(postgresql-client)
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# FOLLOWUP_BIN runs a given binary (CI passes the one its tests built)
# instead of building one of $profile.
target="${CARGO_TARGET_DIR:-target}"
if [ -n "${FOLLOWUP_BIN:-}" ]; then
    binary="$FOLLOWUP_BIN"
elif [ "$profile" = release ]; then
    cargo build --release --quiet --bin followup
    binary="$target/$profile/followup"
else
    cargo build --quiet --bin followup
    binary="$target/$profile/followup"
fi

work="$(mktemp -d)"
server=""
pg_admin="${FOLLOWUP_LOAD_PG:-postgres://postgres@127.0.0.1:5432}"
pg_db="followup_load_$$"
pg_created=false
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    if $pg_created; then
        psql "$pg_admin/postgres" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
    sqlite) url="sqlite://$work/load.db" ;;
    postgres)
        if ! pg_isready -q -d "$pg_admin/postgres"; then
            [ -z "${FOLLOWUP_LOAD_PG:-}" ] && [ -d /etc/postgresql ] \
                || { echo "PostgreSQL at $pg_admin is down" >&2; exit 1; }
            echo "starting the machine's PostgreSQL" >&2
            pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
            for _ in $(seq 1 30); do pg_isready -q -d "$pg_admin/postgres" && break; sleep 1; done
        fi
        psql "$pg_admin/postgres" -qc "CREATE DATABASE $pg_db" >/dev/null
        pg_created=true
        url="$pg_admin/$pg_db" ;;
esac

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FOLLOWUP_JWT_SECRET="load-secret-load-secret-load-secret-0123" \
    "$binary" serve --listen "127.0.0.1:$port" --database-url "$url" \
    --access-token-ttl 86400 --auth-rate-limit 1000000 --log-level warn >"$work/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 150); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
    sleep 0.2
done
rss() { awk '/VmRSS/ {print $2}' "/proc/$server/status"; }
rss_empty=$(rss)

seeding=$(python3 scripts/load_seed.py "$base" "$seekers" "$work/seekers.txt")
echo "$seeding"
rss_seeded=$(rss)

# One scenario: the `result` line of load.lua's done(), prefixed by its name.
run() {
    local scenario="$1" out
    out=$(SEEKERS="$work/seekers.txt" SCENARIO="$scenario" \
        wrk -t2 -c32 -d"${duration}s" -s scripts/load.lua "$base")
    echo "$scenario $(grep '^result ' <<<"$out" | cut -d' ' -f2-)"
}

results=()
for scenario in healthz kept kept-gz cold list write mix; do
    results+=("$(run "$scenario")")
done
rss_end=$(rss)
# What the end's RSS is made of: the heap and stacks (anonymous), the
# binary's and libraries' pages (file), and the threads that allocate.
rss_parts=$(awk '/RssAnon/ {a=$2} /RssFile/ {f=$2} /Threads/ {t=$2}
    END {printf "anonymous %.0f MB, file %.0f MB, %d threads", a/1024, f/1024, t}' "/proc/$server/status")
kill -0 "$server" 2>/dev/null || { echo "the server died" >&2; cat "$work/server.log" >&2; exit 1; }

python3 - "$backend" "$seekers" "$duration" "$profile" "$rss_empty" "$rss_seeded" "$rss_end" \
    "$rss_parts" "${results[@]}" <<'PY'
import sys

backend, seekers, duration, profile, rss_empty, rss_seeded, rss_end, rss_parts = sys.argv[1:9]
rows = []
for line in sys.argv[9:]:
    name, *fields = line.split()
    row = dict(field.split("=", 1) for field in fields)
    row["name"] = name
    rows.append(row)

failures = []
for row in rows:
    requests = int(row.get("requests", 0))
    seconds = float(row.get("seconds", 0)) or 1.0
    row["rps"] = requests / seconds
    if requests == 0:
        failures.append(f"{row['name']}: no request completed")
    for error in ("timeouts", "connect", "read", "write"):
        if int(row.get(error, 0)):
            failures.append(f"{row['name']}: {row[error]} socket {error} errors")
    if row["name"] == "healthz":
        if int(row.get("non2xx", 0)):
            failures.append(f"healthz: {row['non2xx']} non-2xx answers")
        continue
    allowed = {"503+retry-after"} if row["name"] in ("write", "mix") else set()
    for entry in row.get("statuses", "-").split(","):
        if entry == "-":
            continue
        status, count = entry.rsplit(":", 1)
        if not status.startswith("2") and status not in allowed:
            failures.append(f"{row['name']}: {count} answers {status}")

health = rows[0]["rps"] or 1.0
print(f"\n{backend}, {seekers} seekers, wrk -t2 -c32, {duration} s per scenario, {profile} build")
print(f"{'scenario':<9} {'req/s':>9} {'share':>8} {'p50 ms':>8} {'p99 ms':>8} {'timeouts':>8}  answers")
for row in rows:
    answers = row.get("statuses", "-") if row["name"] != "healthz" else f"non-2xx:{row.get('non2xx', '?')}"
    print(f"{row['name']:<9} {row['rps']:>9.0f} {100 * row['rps'] / health:>7.2f}% "
          f"{float(row.get('p50', 0)):>8.2f} {float(row.get('p99', 0)):>8.2f} "
          f"{row.get('timeouts', '?'):>8}  {answers}")
by_name = {row["name"]: row for row in rows}
plain, gz = by_name.get("kept"), by_name.get("kept-gz")
if plain and gz:
    size = lambda row: int(row.get("bytes", 0)) / max(int(row.get("requests", 0)), 1)
    print(f"kept agenda, uncompressed: {plain['rps']:.0f} req/s, p99 {float(plain.get('p99', 0)):.2f} ms, "
          f"{size(plain):.0f} B/answer; gzip: {gz['rps']:.0f} req/s, "
          f"p99 {float(gz.get('p99', 0)):.2f} ms, {size(gz):.0f} B/answer")
mb = lambda kb: int(kb) / 1024
print(f"RSS: {mb(rss_empty):.0f} MB empty, {mb(rss_seeded):.0f} MB after seeding, "
      f"{mb(rss_end):.0f} MB at the end ({rss_parts})")
if failures:
    print("\nFAILED:", *failures, sep="\n  ")
    sys.exit(1)
PY
