"""Seeds the load test through the API: SEEKERS seekers, each with 10
opportunities of 10 interactions (and a contact each), as a new user would
enter them. Writes one line per seeker to OUT: the access token, then the
seeker's opportunity ids, comma-separated. Prints the seeding rate. A 503
with Retry-After (a full writer queue) is retried after the wait it names;
any other failure stops the seeding.

Usage: python3 scripts/load_seed.py BASE_URL SEEKERS OUT [THREADS]
"""

import json
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE, SEEKERS, OUT = sys.argv[1], int(sys.argv[2]), sys.argv[3]
THREADS = int(sys.argv[4]) if len(sys.argv) > 4 else 16
KINDS = ["interview", "influence_letter", "thank_you", "follow_up_email", "call_no_answer",
         "interview", "reply_received", "follow_up_email", "call_no_answer", "follow_up_email"]
STAGES = ["applied", "screening", "interviewing", "final", "interviewing"]

requests = 0
lock = threading.Lock()


def call(method, path, body=None, token=None):
    global requests
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    req = urllib.request.Request(BASE + path, method=method, headers=headers,
                                 data=json.dumps(body).encode() if body is not None else None)
    for attempt in range(10):
        try:
            with urllib.request.urlopen(req, timeout=60) as response:
                with lock:
                    requests += 1
                return json.load(response)
        except urllib.error.HTTPError as e:
            # A full writer queue answers 503 with Retry-After: wait, retry.
            retry_after = e.headers.get("Retry-After")
            if e.code != 503 or retry_after is None or attempt == 9:
                raise SystemExit(f"{method} {path}: {e.code} {e.read().decode(errors='replace')}")
            time.sleep(float(retry_after))


def seed(n):
    token = call("POST", "/v1/auth/register", {
        "email": f"load-{n}@example.com", "password": "load passphrase",
        "display_name": f"Load {n}", "role": "seeker", "timezone": "America/New_York"})["access_token"]
    ids = []
    for i in range(10):
        opp = call("POST", "/v1/opportunities", {
            "company": f"Company {n}-{i}", "title": "Editor", "stage": STAGES[i % len(STAGES)]},
            token)["opportunity"]["id"]
        contact = call("POST", f"/v1/opportunities/{opp}/contacts", {
            "name": "Hiring Manager", "role": "hiring_manager", "email": "hm@example.com",
            "phone": "+1 212 555 0100", "timezone": "America/New_York"}, token)["contact"]["id"]
        for k, kind in enumerate(KINDS):
            call("POST", f"/v1/opportunities/{opp}/interactions", {
                "kind": kind, "contact_id": contact,
                "occurred_at": f"2026-10-{(k * 2 + i) % 28 + 1:02d}T15:00:00Z"}, token)
        ids.append(opp)
    return token, ids


started = time.monotonic()
with ThreadPoolExecutor(THREADS) as pool:
    seekers = list(pool.map(seed, range(SEEKERS)))
elapsed = time.monotonic() - started
with open(OUT, "w") as out:
    for token, ids in seekers:
        out.write(f"{token} {','.join(ids)}\n")
print(f"seeded {SEEKERS} seekers: {requests} requests in {elapsed:.1f} s "
      f"({requests / elapsed:.0f} req/s, {1000 * elapsed / requests:.2f} ms per request wall)")
