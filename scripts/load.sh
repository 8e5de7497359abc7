#!/usr/bin/env bash
# Load test of GET /v1/agenda beside GET /healthz, on SQLite, with a seeker of
# 50 open opportunities and 500 interactions: requests/s and latency
# percentiles at 32 connections. Installs wrk (Debian) if missing, builds the
# release binary, runs everything on 127.0.0.1 and stops by itself.
# Usage: scripts/load.sh [seconds per run, default 15]
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-15}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet

work="$(mktemp -d)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FOLLOWUP_JWT_SECRET="load-secret-load-secret-load-secret-0123" \
    target/release/followup serve --listen "127.0.0.1:$port" --database-url "sqlite://$work/load.db" \
    --access-token-ttl 3600 --log-level warn >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

token=$(python3 - "$base" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"content-type": "application/json", **({"authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
reg = call("POST", "/v1/auth/register", {"email": "load@example.com", "password": "load passphrase",
    "display_name": "Load", "role": "seeker", "timezone": "America/New_York"})
token = reg["access_token"]
kinds = ["interview", "influence_letter", "thank_you", "follow_up_email", "call_no_answer",
         "interview", "influence_letter", "follow_up_email", "call_no_answer", "follow_up_email"]
for i in range(50):
    opp = call("POST", "/v1/opportunities", {"company": f"Company {i}", "title": "Editor",
        "stage": ["interviewing", "final", "screening"][i % 3]}, token)["opportunity"]["id"]
    contact = call("POST", f"/v1/opportunities/{opp}/contacts", {"name": "Hiring Manager",
        "role": "hiring_manager", "email": "hm@example.com", "timezone": "America/New_York"}, token)["contact"]["id"]
    for n, kind in enumerate(kinds):
        call("POST", f"/v1/opportunities/{opp}/interactions", {"kind": kind, "contact_id": contact,
            "occurred_at": f"2026-10-{(n % 28) + 1:02d}T15:00:00Z"}, token)
print(token)
PY
)

run() {
    local path="$1"
    shift
    echo "--- $path $*"
    wrk -t2 -c32 -d"${duration}s" --latency -H "Authorization: Bearer $token" "$@" "$base$path" \
        | grep -E "Requests/sec|Transfer/sec|50%|99%|Non-2xx|Socket errors" || true
}
agenda_bytes=$(curl -fsS -H "Authorization: Bearer $token" "$base/v1/agenda" | wc -c)
agenda_items=$(curl -fsS -H "Authorization: Bearer $token" "$base/v1/agenda" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))')
etag=$(curl -fsS -o /dev/null -D - -H "Authorization: Bearer $token" "$base/v1/agenda" | tr -d '\r' | awk 'tolower($1) == "etag:" {print $2}')
echo "agenda: $agenda_items actions, $agenda_bytes bytes"
run /healthz
# What a client sees: evaluated on the minute, kept per seeker (docs/cadence.md).
run /v1/agenda
# A poll that carries the ETag it has: 304, no body.
run /v1/agenda -H "If-None-Match: $etag"
# The cold path: an explicit ?at= is never kept, so every request reads the
# pipeline, evaluates every rule and renders every draft.
run "/v1/agenda?at=2026-11-02T15:00:00Z"
