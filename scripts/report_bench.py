"""The organization report's benchmark (docs/benchmarks.md): seeds, through
the API, an organization with an admin, two coaches, three groups and
MEMBERS students who joined with a cohort code, each with 10 opportunities
of 10 interactions; then asks for the weekly report RUNS times, as JSON and
as CSV, and prints how many requests one report took and its latency
(median, p95, max, in milliseconds).

Usage: python3 scripts/report_bench.py BASE_URL [MEMBERS] [RUNS]
"""

import json
import statistics
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

BASE = sys.argv[1]
MEMBERS = int(sys.argv[2]) if len(sys.argv) > 2 else 150
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 30
KINDS = ["interview", "thank_you", "follow_up_email", "call_no_answer", "reply_received"]
STAGES = ["applied", "screening", "interviewing", "final", "rejected"]
TAG = str(int(time.time()))


def call(method, path, body=None, token=None, accept=None):
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    if accept:
        headers["accept"] = accept
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, method=method, headers=headers, data=data)
    with urllib.request.urlopen(req, timeout=120) as response:
        raw = response.read()
        return json.loads(raw) if response.headers.get_content_type() == "application/json" else raw


def register(role, n):
    return call("POST", "/v1/auth/register", {
        "email": f"bench-{TAG}-{role}-{n}@example.com", "password": "bench passphrase",
        "display_name": f"Bench {role} {n}", "role": role, "timezone": "America/New_York"})


def main():
    admin = register("coach", 0)
    token = admin["access_token"]
    org = call("POST", "/v1/orgs", {"name": "Bench Career Centre"}, token)
    base = f"/v1/orgs/{org['id']}"
    coaches = []
    for n in (1, 2):
        coach = register("coach", n)
        issued = call("POST", f"{base}/invitations",
                      {"email": f"bench-{TAG}-coach-{n}@example.com", "role": "coach"}, token)
        call("POST", "/v1/org-invitations/accept", {"code": issued["code"]}, coach["access_token"])
        coaches.append(coach["user"]["id"])
    groups = [call("POST", f"{base}/groups", {"name": f"Cohort {g}", "coach_ids": [coaches[g % 2]]},
                   token)["id"] for g in range(3)]
    codes = [call("POST", f"{base}/codes", {"group_id": g, "max_uses": MEMBERS}, token)["code"]
             for g in groups]

    def student(n):
        seeker = register("seeker", n)["access_token"]
        call("POST", "/v1/orgs/join", {"code": codes[n % 3]}, seeker)
        for i in range(10):
            opp = call("POST", "/v1/opportunities", {
                "company": f"Company {n}-{i}", "title": "Editor",
                "stage": STAGES[i % len(STAGES)]}, seeker)["opportunity"]["id"]
            for k in range(10):
                call("POST", f"/v1/opportunities/{opp}/interactions", {
                    "kind": KINDS[k % len(KINDS)],
                    "occurred_at": f"2026-11-{10 + k:02d}T15:00:00Z"}, seeker)

    started = time.time()
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(student, range(MEMBERS)))
    print(f"seeded {MEMBERS} members in {time.time() - started:.0f} s")

    for label, path, accept in [("json", f"{base}/report?limit=500", None),
                                ("csv", f"{base}/report?limit=500&format=csv", None)]:
        times = []
        for _ in range(RUNS):
            t = time.perf_counter()
            body = call("GET", path, token=token, accept=accept)
            times.append((time.perf_counter() - t) * 1000)
        rows = len(body["items"]) if isinstance(body, dict) else body.count(b"\n") - 1
        more = isinstance(body, dict) and body["next_cursor"] is not None
        times.sort()
        print(f"{label}: {rows} members in 1 request{' (more pages!)' if more else ''}; "
              f"median {statistics.median(times):.1f} ms, p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, "
              f"max {times[-1]:.1f} ms")


main()
