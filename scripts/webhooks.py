"""Webhooks from the outside (docs/webhooks.md), run by scripts/webhooks.sh:
a receiver on loopback verifies every delivery with the `standardwebhooks`
package (an implementation of the specification this project did not
write) and records it; the scenarios write through the API and check that
every event of the feed arrived, verified.

  verify DB_URL     every event arrives, verified; after a secret rotation
                    both signatures verify; prints events delivered per second
  crash DB_URL      the server is SIGKILLed mid-delivery and restarted: every
                    event arrives at least once; prints the duplicates
  replicas PG_URL   two servers on one PostgreSQL: no event is delivered by
                    both (no crash here, so no duplicate is allowed)
"""

import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from harness import Server, call, log, seeker

ALLOW = ["--webhook-allow-http", "--webhook-allow-network", "127.0.0.0/8"]


class Receiver:
    """Records every delivery; verifies it against the secrets it is given
    (all of them must verify)."""

    def __init__(self, delay=0.0):
        self.delay = delay
        self.times = []
        self.secrets = []
        self.lock = threading.Lock()
        self.ids = []
        self.failures = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                headers = {k.lower(): v for k, v in self.headers.items()}
                if receiver.delay:
                    time.sleep(receiver.delay)
                with receiver.lock:
                    secrets = list(receiver.secrets)
                for secret in secrets:
                    try:
                        Webhook(secret).verify(body, headers)
                    except WebhookVerificationError as e:
                        with receiver.lock:
                            receiver.failures.append(f"{headers.get('webhook-id')}: {e}")
                with receiver.lock:
                    receiver.ids.append(headers.get("webhook-id"))
                    receiver.times.append(time.monotonic())
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        class Listener(ThreadingHTTPServer):
            # The default backlog (5) drops the SYNs of the worker's
            # concurrent connections: each then waits a second to retry.
            request_queue_size = 256
            daemon_threads = True

        self.server = Listener(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def seen(self):
        with self.lock:
            return list(self.ids)


def feed_ids(base, token):
    """Every event id of the caller's feed."""
    ids, cursor = [], ""
    while True:
        r = call(base, "GET", f"/v1/events?limit=200&cursor={cursor}", token=token)
        if r.status != 200:
            raise SystemExit(f"feed: {r.status} {r.raw!r}")
        ids += [e["id"] for e in r.json["items"]]
        cursor = r.json["next_cursor"]
        if len(r.json["items"]) < 200:
            return ids


def subscribe(base, token, url):
    r = call(base, "POST", "/v1/webhooks", {"url": url, "description": "scripts/webhooks.py"}, token)
    if r.status != 201:
        raise SystemExit(f"create webhook: {r.status} {r.raw!r}")
    return r.json["id"], r.json["secret"]


def write(servers, token, opp, n, threads=4):
    """`n` interactions through the servers in turn; returns how many were
    acknowledged (a killed server refuses some)."""
    done = [0]
    lock = threading.Lock()

    def worker(k):
        for i in range(k, n, threads):
            base = servers[i % len(servers)].base
            try:
                r = call(base, "POST", f"/v1/opportunities/{opp}/interactions",
                         {"kind": "note", "notes": f"note {i}"}, token, timeout=5)
                if r.ok:
                    with lock:
                        done[0] += 1
            except OSError:
                pass

    pool = [threading.Thread(target=worker, args=(k,)) for k in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    return done[0]


def wait_all(receiver, expected, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if expected <= set(receiver.seen()):
            return True
        time.sleep(0.1)
    return False


def report(receiver, expected):
    seen = receiver.seen()
    missing = expected - set(seen)
    counts = {}
    for i in seen:
        counts[i] = counts.get(i, 0) + 1
    duplicates = sum(c - 1 for c in counts.values())
    return missing, duplicates


def verify(db_url):
    receiver = Receiver()
    server = Server(db_url, "verify", ALLOW)
    server.start()
    try:
        token, opps = seeker(server.base, "verify")
        earlier = set(feed_ids(server.base, token))
        _, secret = subscribe(server.base, token, receiver.url)
        receiver.secrets = [secret]
        n = 400
        started = time.monotonic()
        acked = write([server], token, opps[0], n)
        expected = set(feed_ids(server.base, token)) - earlier
        if not wait_all(receiver, expected):
            missing = report(receiver, expected)[0]
            hook = call(server.base, "GET", "/v1/webhooks", token=token).json["items"][0]["id"]
            listed = call(server.base, "GET", f"/v1/webhooks/{hook}/deliveries?limit=200", token=token).json["items"]
            stuck = [d for d in listed if d["event_id"] in missing]
            raise SystemExit(f"missing deliveries: {len(missing)}: {sorted(missing)[:3]}; {stuck[:3]}")
        elapsed = time.monotonic() - started
        log(f"verify: {len(expected)} events ({acked} writes acknowledged), all delivered and "
            f"verified by standardwebhooks in {elapsed:.1f} s: {len(expected) / elapsed:.0f} events/s "
            "end to end (write, dispatch, deliver)")
        # Deliveries alone: every delivery queued again at once (redeliver),
        # then timed from the first arrival to the last.
        hook = call(server.base, "GET", "/v1/webhooks", token=token).json["items"][0]["id"]
        listed, cursor = [], ""
        while True:
            page = call(server.base, "GET", f"/v1/webhooks/{hook}/deliveries?limit=200&cursor={cursor}",
                        token=token).json
            listed += [d["id"] for d in page["items"]]
            cursor = page["next_cursor"]
            if not cursor:
                break
        first = len(receiver.times)
        queued_at = time.monotonic()
        threads = [threading.Thread(target=lambda part: [
            call(server.base, "POST", f"/v1/webhooks/{hook}/deliveries/{d}/redeliver", None, token)
            for d in part], args=(listed[k::8],)) for k in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        queued = time.monotonic() - queued_at
        deadline = time.monotonic() + 120
        while len(receiver.times) - first < len(listed) and time.monotonic() < deadline:
            time.sleep(0.05)
        times = receiver.times[first:]
        if len(times) < len(listed):
            raise SystemExit("redelivered deliveries are missing")
        elapsed = times[-1] - queued_at
        log(f"verify: {len(listed)} deliveries queued again in {queued:.1f} s and all delivered "
            f"{elapsed:.1f} s after the first was queued: {len(listed) / elapsed:.0f} deliveries/s")
        # Rotation: both the old and the new secret verify each delivery.
        r = call(server.base, "POST", f"/v1/webhooks/{hook}/rotate-secret", None, token)
        receiver.secrets = [secret, r.json["secret"]]
        before = set(receiver.seen())
        write([server], token, opps[0], 20)
        rotated = set(feed_ids(server.base, token)) - expected - earlier
        if not wait_all(receiver, rotated) or not rotated.isdisjoint(before):
            raise SystemExit("deliveries after the rotation are missing")
        log(f"verify: {len(rotated)} deliveries after a rotation verified with both secrets")
        if receiver.failures:
            raise SystemExit(f"{len(receiver.failures)} deliveries failed verification: {receiver.failures[:3]}")
    finally:
        server.stop()


def crash(db_url):
    receiver = Receiver(delay=0.2)
    server = Server(db_url, "crash", ALLOW)
    server.start()
    token, opps = seeker(server.base, "crash")
    earlier = set(feed_ids(server.base, token))
    _, secret = subscribe(server.base, token, receiver.url)
    receiver.secrets = [secret]
    kills = 0
    try:
        acked = write([server], token, opps[0], 600)
        # Kill it while deliveries are in flight, five times.
        for _ in range(5):
            time.sleep(0.7)
            server.kill()
            kills += 1
            server.start()
        expected = set(feed_ids(server.base, token)) - earlier
        if not wait_all(receiver, expected, timeout=180):
            missing, _ = report(receiver, expected)
            raise SystemExit(f"crash: {len(missing)} of {len(expected)} events never arrived")
        # Deliveries cut off by a kill are sent again when their lease (a
        # minute) runs out: count once none is pending.
        hook = call(server.base, "GET", "/v1/webhooks", token=token).json["items"][0]["id"]
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            pending, cursor = 0, ""
            while True:
                page = call(server.base, "GET",
                            f"/v1/webhooks/{hook}/deliveries?limit=200&cursor={cursor}", token=token).json
                pending += sum(1 for d in page["items"] if d["status"] == "pending")
                cursor = page["next_cursor"]
                if not cursor:
                    break
            if pending == 0:
                break
            time.sleep(1)
        time.sleep(1)
        missing, duplicates = report(receiver, expected)
        log(f"crash: {kills} SIGKILLs mid-delivery, {len(expected)} events ({acked} writes "
            f"acknowledged), 0 missing, {duplicates} delivered twice (receivers deduplicate on "
            "webhook-id)")
        if receiver.failures:
            raise SystemExit(f"verification failed: {receiver.failures[:3]}")
    finally:
        server.stop()


def replicas(db_url):
    receiver = Receiver(delay=0.005)
    a = Server(db_url, "replica-a", ALLOW)
    b = Server(db_url, "replica-b", ALLOW)
    a.start()
    b.start()
    try:
        token, opps = seeker(a.base, "replicas")
        earlier = set(feed_ids(a.base, token))
        _, secret = subscribe(a.base, token, receiver.url)
        receiver.secrets = [secret]
        acked = write([a, b], token, opps[0], 400)
        expected = set(feed_ids(b.base, token)) - earlier
        if not wait_all(receiver, expected):
            raise SystemExit("replicas: deliveries missing")
        time.sleep(2)  # anything delivered twice would have come by now
        missing, duplicates = report(receiver, expected)
        log(f"replicas: two servers, {len(expected)} events ({acked} writes acknowledged), "
            f"{len(missing)} missing, {duplicates} delivered by both")
        if duplicates or missing:
            raise SystemExit(1)
    finally:
        a.stop()
        b.stop()


if __name__ == "__main__":
    scenario, url = sys.argv[1], sys.argv[2]
    {"verify": verify, "crash": crash, "replicas": replicas}[scenario](url)
