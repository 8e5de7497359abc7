#!/usr/bin/env bash
# Checks the iCalendar feed with a parser the server does not share: starts
# the server on SQLite, seeds a seeker through the API, fetches
# /v1/agenda.ics under a feed token and reads it with the Python `icalendar`
# package (RFC 5545), checking every event and its alarm against the agenda.
# Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

work="$(mktemp -d)"
venv="${FOLLOWUP_ICAL_VENV:-$HOME/.cache/followup-icalendar}"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import icalendar' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'icalendar>=5,<7'
fi

if [ -z "${FOLLOWUP_BIN:-}" ]; then
    cargo build --quiet
    FOLLOWUP_BIN="${CARGO_TARGET_DIR:-target}/debug/followup"
fi
port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FOLLOWUP_JWT_SECRET="ical-secret-ical-secret-ical-secret-01234" \
    "$FOLLOWUP_BIN" serve --listen "127.0.0.1:$port" --database-url "sqlite://$work/ical.db" \
    --log-level warn >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
base="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

"$venv/bin/python" - "$base" <<'PY'
import datetime as dt
import json
import sys
import urllib.error
import urllib.request

import icalendar

base = sys.argv[1]


def call(method, path, body=None, token=None, raw=False):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, method=method, data=data, headers=headers)
    with urllib.request.urlopen(req) as r:
        return r.read() if raw else json.load(r)


def ago(days):
    at = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=days)
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


token = call("POST", "/v1/auth/register", {
    "email": "ical@example.com", "password": "ical passphrase", "display_name": "Ical Seeker",
    "role": "seeker", "timezone": "America/New_York"})["access_token"]
for n, stage in enumerate(["interviewing", "final", "screening"]):
    opp = call("POST", "/v1/opportunities", {"company": f"Company {n}", "title": "Editor", "stage": stage},
               token)["opportunity"]["id"]
    contact = call("POST", f"/v1/opportunities/{opp}/contacts", {
        "name": f"Manager {n}", "role": "hiring_manager", "email": f"m{n}@example.com",
        "phone": "+1 212 555 0100", "timezone": "Europe/London"}, token)["contact"]["id"]
    call("POST", f"/v1/opportunities/{opp}/interactions",
         {"kind": "interview", "contact_id": contact, "occurred_at": ago(9 + n)}, token)

feed = call("POST", "/v1/me/feed-tokens", {"name": "Phone calendar"}, token)
text = call("GET", feed["path"], raw=True)
agenda = call("GET", "/v1/agenda", token=token)["items"]
assert agenda, "the seeded agenda has actions"

calendar = icalendar.Calendar.from_ical(text)
assert calendar.name == "VCALENDAR", calendar.name
assert str(calendar["VERSION"]) == "2.0"
assert str(calendar["PRODID"]).strip()
events = [c for c in calendar.walk() if c.name == "VEVENT"]
uids = {str(e["UID"]) for e in events}
expected = {a["id"] + "@followup" for a in agenda}
assert uids == expected, (sorted(uids), sorted(expected))
due = {a["id"] + "@followup": a for a in agenda}
for event in events:
    action = due[str(event["UID"])]
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND")
    assert start == dt.datetime.fromisoformat(action["due_at"].replace("Z", "+00:00")), (start, action["due_at"])
    assert end > start, (start, end)
    assert isinstance(event.decoded("DTSTAMP"), dt.datetime)
    assert str(event["SUMMARY"]).strip()
    assert action["reason"] in str(event["DESCRIPTION"])
    alarms = [c for c in event.walk() if c.name == "VALARM"]
    assert len(alarms) == 1, event.to_ical()
    assert str(alarms[0]["ACTION"]) == "DISPLAY"
    assert alarms[0].decoded("TRIGGER") == dt.timedelta(minutes=-15), alarms[0].decoded("TRIGGER")

call("DELETE", f"/v1/me/feed-tokens/{feed['id']}", token=token, raw=True)
try:
    call("GET", feed["path"], raw=True)
    raise SystemExit("a revoked feed token still reads the feed")
except urllib.error.HTTPError as e:
    assert e.code == 404, e.code
print(f"icalendar {icalendar.__version__}: {len(events)} events, each with its alarm, match the agenda")
PY
