"""The morning digest from the outside (docs/digest.md), with the real
binary, the real clock and a real SMTP server (aiosmtpd, scripts/smtp_sink.py).

    digest.py crash DATABASE_URL     SIGKILL while the mail server holds the
                                     digest: that day is not sent again
    digest.py replicas DATABASE_URL  two servers on one PostgreSQL: one
                                     digest per seeker

The real clock decides when a digest is due, so each seeker gets a time
zone where it is morning now and business hours on all seven days, and a
send time a minute ago.

Environment: FOLLOWUP_BIN, HARNESS_WORK (see harness.py), SINK_PYTHON (a
Python with aiosmtpd).
"""

import datetime
import email
import email.policy
import os
import subprocess
import sys
import time
import urllib.parse

from harness import Server, call, free_port, log

WORK = os.environ.get("HARNESS_WORK", "/tmp")
SINK_PYTHON = os.environ.get("SINK_PYTHON", "python3")
ALL_DAYS = {d: {"start": "00:00", "end": "23:59"} for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}


class Sink:
    def __init__(self, name, delay=0.0):
        self.port = free_port()
        self.dir = os.path.join(WORK, name)
        self.proc = subprocess.Popen(
            [SINK_PYTHON, "scripts/smtp_sink.py", "--port", str(self.port), "--dir", self.dir,
             "--delay", str(delay)],
            stdout=subprocess.PIPE, text=True)
        with open(os.path.join(WORK, "pids"), "a") as pids:
            pids.write(f"{self.proc.pid}\n")
        line = self.proc.stdout.readline()
        if not line.startswith("ready"):
            raise SystemExit(f"the SMTP sink did not start: {line!r}")

    def mails(self):
        try:
            names = sorted(n for n in os.listdir(self.dir) if n.endswith(".eml"))
        except FileNotFoundError:
            return []
        out = []
        for name in names:
            with open(os.path.join(self.dir, name), "rb") as f:
                out.append(email.message_from_bytes(f.read(), policy=email.policy.default))
        return out

    def digests_to(self, address):
        return [m for m in self.mails()
                if m["X-Sink-Rcpt"] == address and str(m["Subject"]).startswith("Your follow-ups")]

    def wait(self, what, predicate, seconds=60):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = predicate()
            if found:
                return found
            time.sleep(0.2)
        raise SystemExit(f"timed out waiting for {what}")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)


def morning_zone():
    """An Etc/GMT zone where it is between 07:00 and 10:59 now."""
    now = datetime.datetime.now(datetime.timezone.utc)
    for offset in range(-12, 15):
        local = now + datetime.timedelta(hours=offset)
        if 7 <= local.hour <= 10:
            # Etc/GMT signs are inverted: Etc/GMT-3 is UTC+3.
            name = "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"
            return name, local
    raise SystemExit("no zone is in the morning now")


def server(database_url, sink, name):
    s = Server(database_url, name=name, extra=[
        "--smtp-url", f"smtp://127.0.0.1:{sink.port}",
        "--smtp-from", "followup <digest@followup.test>"])
    s.extra += ["--public-url", s.base]
    return s


def subscribed(srv, sink, label):
    """A seeker in a morning zone with something due today, the digest on
    and verified; returns (token, address)."""
    zone, local = morning_zone()
    address = f"{label}-{os.getpid()}@example.com"
    r = call(srv.base, "POST", "/v1/auth/register", {
        "email": address, "password": "harness passphrase", "display_name": label,
        "role": "seeker", "timezone": zone})
    if r.status != 201:
        raise SystemExit(f"register: {r.status} {r.raw!r}")
    token = r.json["access_token"]
    r = call(srv.base, "PATCH", "/v1/me", {"business_hours": ALL_DAYS}, token)
    if r.status != 200:
        raise SystemExit(f"business hours: {r.status} {r.raw!r}")
    # A final with nothing else open: "apply to more jobs" is due at once.
    r = call(srv.base, "POST", "/v1/opportunities",
             {"company": "Acme", "title": "Editor", "stage": "final"}, token)
    if r.status != 201:
        raise SystemExit(f"opportunity: {r.status} {r.raw!r}")
    before = len(sink.mails())
    at = (local - datetime.timedelta(minutes=1)).strftime("%H:%M")
    r = call(srv.base, "PATCH", "/v1/me", {"digest": {"enabled": True, "at": at}}, token, timeout=30)
    if r.status != 200 or r.json["digest"]["status"] != "unverified":
        raise SystemExit(f"turning the digest on: {r.status} {r.raw!r}")
    link = None
    for mail in sink.wait("the verification e-mail", lambda: [
            m for m in sink.mails()[before:] if m["X-Sink-Rcpt"] == address]):
        body = mail.get_body(preferencelist=("plain",)).get_content()
        link = next(w for w in body.split() if "/v1/digest/verify?token=" in w)
    path = urllib.parse.urlsplit(link)
    r = call(srv.base, "GET", f"{path.path}?{path.query}")
    if r.status != 200 or r.json["status"] != "active":
        raise SystemExit(f"following the link: {r.status} {r.raw!r}")
    return token, address


def crash(database_url):
    # The sink holds each message 8 s before it answers 250.
    sink = Sink("crash-sink", delay=8.0)
    srv = server(database_url, sink, "crash")
    srv.start()
    token, address = subscribed(srv, sink, "crash")
    log(f"crash: {address} subscribed; waiting for the digest to reach the mail server")
    sink.wait("the digest at the mail server", lambda: sink.digests_to(address), seconds=60)
    srv.kill()
    log("crash: killed the server while the mail server held the digest; restarting")
    srv.start()
    # The worker passes at start and every 15 s: give it three passes.
    time.sleep(35)
    digests = sink.digests_to(address)
    me = call(srv.base, "GET", "/v1/me", token=token)
    recent = me.json["digest"]["recent"]
    log(f"crash: {len(digests)} digest(s) to {address}; the day reads {recent[0]['state']!r}")
    if len(digests) != 1:
        raise SystemExit(f"crash: {len(digests)} digests for one day")
    if recent[0]["state"] != "sending":
        raise SystemExit(f"crash: the day reads {recent!r}")
    # The restarted server still sends the others' digests.
    _, other = subscribed(srv, sink, "after")
    sink.wait("a digest after the restart", lambda: sink.digests_to(other), seconds=60)
    srv.stop()
    sink.stop()
    log("crash: ok")


def replicas(database_url):
    sink = Sink("replicas-sink")
    a = server(database_url, sink, "replica-a")
    a.start()
    b = server(database_url, sink, "replica-b")
    b.start()
    addresses = []
    for i in range(8):
        srv = a if i % 2 == 0 else b
        _, address = subscribed(srv, sink, f"replica{i}")
        addresses.append(address)
    sink.wait("a digest for every seeker",
              lambda: all(sink.digests_to(x) for x in addresses), seconds=60)
    # Three more passes of each server.
    time.sleep(35)
    counts = [len(sink.digests_to(x)) for x in addresses]
    log(f"replicas: digests per seeker {counts}")
    a.stop()
    b.stop()
    sink.stop()
    if counts != [1] * len(addresses):
        raise SystemExit(f"replicas: {counts}")
    log("replicas: ok")


if __name__ == "__main__":
    {"crash": crash, "replicas": replicas}[sys.argv[1]](sys.argv[2])
