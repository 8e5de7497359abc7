"""The PostgreSQL outage of scripts/outage.sh (see there).

Usage: outage.py DATABASE_URL DB_TIMEOUT "STOP COMMAND" "START COMMAND"
"""

import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import CONNECTION_ERRORS, Server, call, list_ids, log, report_missing, seeker  # noqa: E402

DOWN_SECONDS = 5.0
RECOVERY_LIMIT = 5.0


class Load:
    """A few requests a second: three writers, three readers and the two
    probes, each request recorded with its start, end, status and content
    type. Several of each, as a request waits out --db-timeout while the
    database is down."""

    def __init__(self, base, token, opp):
        self.base, self.token, self.opp = base, token, opp
        self.records = []  # (kind, start, end, status or None, content type)
        self.acked = set()
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(k,), daemon=True)
                        for k in ("write",) * 3 + ("read",) * 3 + ("healthz", "readyz")]

    def request(self, kind, n):
        if kind == "write":
            note = f"outage write {n} of thread {threading.get_ident()}"
            return call(self.base, "POST", f"/v1/opportunities/{self.opp}/interactions",
                        {"kind": "note", "notes": note}, self.token, timeout=15)
        if kind == "read":
            return call(self.base, "GET", f"/v1/opportunities/{self.opp}/interactions?limit=5",
                        token=self.token, timeout=15)
        return call(self.base, "GET", f"/{kind}", timeout=15)

    def run(self, kind):
        try:
            self.loop(kind)
        except Exception as e:  # a broken harness must fail, not go quiet
            with self.lock:
                self.records.append((kind, 0.0, 0.0, None, f"harness error: {e!r}"))

    def loop(self, kind):
        n = 0
        while not self.stopping.is_set():
            n += 1
            start = time.monotonic()
            try:
                r = self.request(kind, n)
                status, ctype = r.status, r.content_type
            except CONNECTION_ERRORS as e:
                r, status, ctype = None, None, type(e).__name__
            end = time.monotonic()
            with self.lock:
                self.records.append((kind, start, end, status, ctype))
                if kind == "write" and r is not None and r.ok:
                    self.acked.add(r.json["interaction"]["id"])
            time.sleep(0.25)

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=20)


def main(database_url, db_timeout, stop_cmd, start_cmd):
    server = Server(database_url, "outage", extra=["--db-timeout", str(db_timeout)])
    server.start()
    token, (opp,) = seeker(server.base, "outage")
    load = Load(server.base, token, opp).start()
    failed = []
    try:
        time.sleep(3.0)
        down_from = time.monotonic()
        subprocess.run(stop_cmd, shell=True, check=True, timeout=60, stdout=subprocess.DEVNULL)
        down_since = time.monotonic()
        time.sleep(DOWN_SECONDS)
        up_from = time.monotonic()
        subprocess.run(start_cmd, shell=True, check=True, timeout=60, stdout=subprocess.DEVNULL)
        up_since = time.monotonic()
        recovered = None
        deadline = up_since + RECOVERY_LIMIT + 5.0
        while recovered is None and time.monotonic() < deadline:
            with load.lock:
                ok = [end for kind, start, end, status, _ in load.records
                      if kind in ("write", "read") and start >= up_since and status and 200 <= status < 300]
            recovered = min(ok) if ok else None
            time.sleep(0.05)
        time.sleep(2.0)  # writes after the recovery
    finally:
        load.stop()

    records = load.records
    data = [r for r in records if r[0] in ("write", "read")]
    while_down = [r for r in records if r[1] >= down_since and r[2] <= up_from]
    data_down = [r for r in while_down if r[0] in ("write", "read")]
    unavailable = [r for r in data_down if r[3] == 503]
    latency_down = max((r[2] - r[1] for r in data_down), default=0.0)
    latency_all = max(r[2] - r[1] for r in records)
    recovery = None if recovered is None else recovered - up_since
    log(f"outage of postgres for {up_from - down_from:.1f} s under light load "
        f"({len(records)} requests, {len(data)} on data, --db-timeout {db_timeout}):")
    log(f"  while down: {len(data_down)} data requests, {len(unavailable)} answered 503 "
        f"problem+json, max latency {latency_down:.2f} s (max overall {latency_all:.2f} s)")
    probes = {k: [r[3] for r in while_down if r[0] == k] for k in ("healthz", "readyz")}
    log(f"  probes while down: /healthz {len(probes['healthz'])} times "
        f"({probes['healthz'].count(200)} × 200), /readyz {len(probes['readyz'])} times "
        f"({probes['readyz'].count(503)} × 503)")
    if not probes["healthz"] or not probes["readyz"]:
        failed.append("a probe never ran while the database was down")
    log("  recovery: " + ("none within the wait" if recovery is None
                          else f"first successful data request {recovery:.2f} s after the cluster was back "
                               f"({recovered - up_from:.2f} s after its start began)"))

    for kind, _, _, status, ctype in data_down:
        if status != 503 or not ctype.startswith("application/problem+json"):
            failed.append(f"a {kind} while the database was down got {status} {ctype}")
    for kind, _, _, status, ctype in while_down:
        if kind == "healthz" and status != 200:
            failed.append(f"/healthz while down got {status} {ctype}")
        if kind == "readyz" and status != 503:
            failed.append(f"/readyz while down got {status} {ctype}")
    for kind, _, _, status, ctype in records:
        if status is None or (status >= 500 and status != 503) or (400 <= status < 500):
            failed.append(f"a {kind} got {status} {ctype}")
    if len(unavailable) < 4:
        failed.append(f"only {len(unavailable)} data requests ran while the database was down")
    if latency_all > db_timeout + 1:
        failed.append(f"a request took {latency_all:.2f} s, over --db-timeout + 1 s")
    if recovery is None or recovery > RECOVERY_LIMIT:
        failed.append(f"no successful data request within {RECOVERY_LIMIT} s of the cluster's return")
    present = list_ids(server.base, token, [opp])
    missing = report_missing("writes acknowledged before and after, through the API",
                             load.acked, present)
    if missing:
        failed.append(f"{missing} acknowledged writes missing")
    if len(load.acked) < 10:
        failed.append(f"only {len(load.acked)} acknowledged writes")
    server.stop()
    for reason in dict.fromkeys(failed):
        log("  FAIL: " + reason)
    if failed:
        log("--- server log (tail) ---\n" + server.tail())
    log("outage: " + ("FAILED" if failed else "ok"))
    return bool(failed)


if __name__ == "__main__":
    url, timeout, stop, start = sys.argv[1:5]
    sys.exit(1 if main(url, int(timeout), stop, start) else 0)
