"""Shared pieces of scripts/crash.sh, scripts/backup.sh and scripts/outage.sh:
start, kill and restart `followup serve`, call the API with a timeout on
every request, run writers that remember every write the server
acknowledged, and list everything back. Python 3 standard library only.

Environment: FOLLOWUP_BIN (the binary), HARNESS_WORK (a scratch directory;
the pids of started servers go to HARNESS_WORK/pids so the calling script's
trap can kill them even if Python dies first).
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

BIN = os.environ.get("FOLLOWUP_BIN", "target/debug/followup")
WORK = os.environ.get("HARNESS_WORK", "/tmp")
SECRET = "harness-secret-harness-secret-0123456789"

# What a request can raise when the server is down or going down.
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


def log(*args):
    print(*args, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    @property
    def ok(self):
        return 200 <= self.status < 300

    @property
    def content_type(self):
        return self.headers.get("content-type", "")


def call(base, method, path, body=None, token=None, timeout=10):
    """One request; HTTP errors come back as a Response, connection errors
    raise one of CONNECTION_ERRORS."""
    headers = {"content-type": "application/json"}
    if token:
        headers["authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(base + path, method=method, data=data, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return Response(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())


class Server:
    """`followup serve` on a fixed port, so clients survive restarts."""

    def __init__(self, database_url, name="server", extra=()):
        self.database_url = database_url
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = os.path.join(WORK, f"{name}.log")
        self.extra = list(extra)
        self.proc = None

    def start(self, wait=30.0):
        env = dict(os.environ, FOLLOWUP_JWT_SECRET=SECRET)
        with open(self.log_path, "ab") as out:
            self.proc = subprocess.Popen(
                [BIN, "serve", "--listen", f"127.0.0.1:{self.port}",
                 "--database-url", self.database_url,
                 "--auth-rate-limit", "1000000", "--login-failure-limit", "1000000",
                 "--access-token-ttl", "3600", "--shutdown-timeout", "5", "--drain-seconds", "1",
                 "--log-level", "warn", *self.extra],
                stdout=out, stderr=subprocess.STDOUT, env=env)
        with open(os.path.join(WORK, "pids"), "a") as pids:
            pids.write(f"{self.proc.pid}\n")
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode} at start:\n{self.tail()}")
            try:
                if call(self.base, "GET", "/healthz", timeout=1).ok:
                    return
            except CONNECTION_ERRORS:
                pass
            time.sleep(0.05)
        self.kill()
        raise SystemExit(f"the server did not answer /healthz within {wait} s:\n{self.tail()}")

    def kill(self):
        """SIGKILL: no shutdown, no flush, nothing."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self):
        """SIGTERM, the clean shutdown; SIGKILL if it takes over 15 s."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
                raise SystemExit("the server ignored SIGTERM for 15 s")

    def tail(self, lines=30):
        try:
            with open(self.log_path, errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""


def seeker(base, label, opportunities=1):
    """Registers a seeker with `opportunities` opportunities; returns the
    access token and the opportunity ids."""
    r = call(base, "POST", "/v1/auth/register", {
        "email": f"{label}-{os.getpid()}@example.com", "password": "harness passphrase",
        "display_name": "Harness", "role": "seeker", "timezone": "UTC"})
    if r.status != 201:
        raise SystemExit(f"register: {r.status} {r.raw!r}")
    token = r.json["access_token"]
    opps = []
    for i in range(opportunities):
        r = call(base, "POST", "/v1/opportunities", {"company": f"Company {i}", "title": "Editor"}, token)
        if r.status != 201:
            raise SystemExit(f"create opportunity: {r.status} {r.raw!r}")
        opps.append(r.json["opportunity"]["id"])
    return token, opps


class Writers:
    """Threads that record interactions as fast as the server takes them.
    Only a 2xx with an id counts as acknowledged; a connection error (the
    server being killed) is retried with a new request; any other answer
    is counted in `unexpected`."""

    def __init__(self, base, token, opportunities, threads=8, pause=0.0, tolerate_503=False):
        self.base = base
        self.token = token
        self.opportunities = opportunities
        self.pause = pause
        self.tolerate_503 = tolerate_503
        self.acked = {}  # interaction id -> opportunity id
        self.acked_order = []  # (monotonic time of the answer, id)
        self.connection_errors = 0
        self.unavailable = 0
        self.unexpected = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(threads)]

    def start(self):
        for t in self.threads:
            t.start()
        return self

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=20)

    def snapshot(self):
        with self.lock:
            return dict(self.acked)

    def run(self, i):
        opp = self.opportunities[i % len(self.opportunities)]
        n = 0
        while not self.stopping.is_set():
            n += 1
            try:
                r = call(self.base, "POST", f"/v1/opportunities/{opp}/interactions",
                         {"kind": "note", "notes": f"writer {i} write {n}"}, self.token, timeout=10)
            except CONNECTION_ERRORS:
                with self.lock:
                    self.connection_errors += 1
                time.sleep(0.05)
                continue
            with self.lock:
                if r.ok and r.json and "interaction" in r.json:
                    iid = r.json["interaction"]["id"]
                    self.acked[iid] = opp
                    self.acked_order.append((time.monotonic(), iid))
                elif r.status == 503 and self.tolerate_503:
                    self.unavailable += 1
                else:
                    self.unexpected.append((r.status, r.raw[:300]))
            if self.pause:
                time.sleep(self.pause)


def list_ids(base, token, opportunities):
    """Every interaction id of the opportunities, read page by page."""
    ids = set()
    for opp in opportunities:
        cursor = None
        for _ in range(100_000):
            path = f"/v1/opportunities/{opp}/interactions?limit=200"
            if cursor:
                path += "&cursor=" + urllib.request.quote(cursor)
            r = call(base, "GET", path, token=token, timeout=30)
            if r.status != 200:
                raise SystemExit(f"list interactions: {r.status} {r.raw[:300]!r}")
            ids.update(item["id"] for item in r.json["items"])
            cursor = r.json.get("next_cursor")
            if not cursor:
                break
    return ids


def sqlite_ids(path):
    """The interaction ids as a fresh SQLite connection in another process
    reads them (the way a reporting script or a backup would)."""
    out = subprocess.run(
        [sys.executable, "-c",
         "import sqlite3, sys\n"
         "c = sqlite3.connect(sys.argv[1], timeout=10)\n"
         "print('\\n'.join(r[0] for r in c.execute('SELECT id FROM interactions')))\n"
         "c.close()\n", path],
        capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise SystemExit(f"reading {path} directly failed: {out.stderr}")
    return set(out.stdout.split())


def report_missing(what, acked, present):
    missing = set(acked) - present
    log(f"  {what}: {len(acked)} acknowledged, {len(missing)} missing")
    for iid in sorted(missing)[:5]:
        log(f"    missing {iid}")
    return len(missing)
