"""The two scenarios of scripts/crash.sh (see there).

Usage: crash.py crash DATABASE_URL
       crash.py outside SQLITE_PATH
"""

import os
import random
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    Server, Writers, list_ids, log, report_missing, seeker, sqlite_ids)

MIN_ACKED = 100


def crash(database_url):
    """SIGKILL the server every 2-3 s under 8 writers, restart it on the
    same database, then check every acknowledged write is still there."""
    kills_under_load = int(os.environ.get("FOLLOWUP_CRASH_KILLS", "5"))
    server = Server(database_url, "crash")
    server.start()
    token, opps = seeker(server.base, "crash", opportunities=4)
    writers = Writers(server.base, token, opps, threads=8).start()
    kills = 0
    rng = random.Random(20261125)
    try:
        for _ in range(kills_under_load):
            time.sleep(rng.uniform(2.0, 3.0))
            server.kill()
            kills += 1
            time.sleep(rng.uniform(0.1, 0.5))  # writers hit a closed port meanwhile
            server.start()
        time.sleep(1.0)
    finally:
        writers.stop()
    # Once more, idle, then read everything back through the API.
    server.kill()
    kills += 1
    server.start()
    present = list_ids(server.base, token, opps)
    server.stop()
    acked = writers.snapshot()
    log(f"crash safety on {database_url.split('://')[0]}: {kills} kills (SIGKILL), "
        f"{len(acked)} acknowledged writes, {writers.connection_errors} connection errors "
        f"retried, {len(present - set(acked))} unacknowledged writes that landed anyway")
    missing = report_missing("after the last restart, through the API", acked, present)
    failed = False
    if missing:
        failed = True
    if writers.unexpected:
        log(f"  {len(writers.unexpected)} unexpected answers, e.g. {writers.unexpected[:3]}")
        failed = True
    if len(acked) < MIN_ACKED:
        log(f"  fewer than {MIN_ACKED} acknowledged writes: the test proves nothing")
        failed = True
    if failed:
        log("--- server log (tail) ---\n" + server.tail())
    log("crash safety: " + ("FAILED" if failed else "ok"))
    return failed


OUTSIDE_ROUND = r"""
import sqlite3, sys
db, copy = sys.argv[1], sys.argv[2]
c = sqlite3.connect(db, timeout=10)
users = c.execute("SELECT count(*) FROM users").fetchone()[0]
c.execute("PRAGMA user_version").fetchone()
c.execute("CREATE TEMP TABLE outside_probe (x)")
c.execute("DROP TABLE outside_probe")
c.execute("BEGIN IMMEDIATE")  # takes the write lock, writes nothing
c.execute("COMMIT")
dst = sqlite3.connect(copy)
c.backup(dst)
dst.close()
c.close()
print(users)
"""


def outside(path):
    """While the server takes writes, other processes open the database
    through the SQLite library, read, take the write lock, back it up and
    close it. Then every acknowledged write must be visible through the
    API, to a fresh SQLite connection in another process, and after a clean
    restart."""
    rounds = int(os.environ.get("FOLLOWUP_OUTSIDE_ROUNDS", "6"))
    server = Server(f"sqlite://{path}", "outside")
    server.start()
    token, opps = seeker(server.base, "outside", opportunities=4)
    writers = Writers(server.base, token, opps, threads=8).start()
    try:
        time.sleep(1.0)
        with tempfile.TemporaryDirectory() as tmp:
            for i in range(rounds):
                out = subprocess.run(
                    [sys.executable, "-c", OUTSIDE_ROUND, path, os.path.join(tmp, f"copy{i}.db")],
                    capture_output=True, text=True, timeout=60)
                if out.returncode != 0:
                    log(f"  outside round {i} failed: {out.stderr.strip()}")
                time.sleep(0.7)
        time.sleep(1.0)
    finally:
        writers.stop()
    acked = writers.snapshot()
    log(f"outside reader on sqlite: {rounds} rounds of another process opening, "
        f"reading, locking, backing up and closing the database under "
        f"{len(acked)} acknowledged writes")
    missing = report_missing("through the API of the running server", acked,
                             list_ids(server.base, token, opps))
    missing += report_missing("read by a fresh sqlite3 connection in another process",
                              acked, sqlite_ids(path))
    server.stop()
    server.start()
    missing += report_missing("through the API after a clean restart (SIGTERM, start)",
                              acked, list_ids(server.base, token, opps))
    server.stop()
    failed = bool(missing) or bool(writers.unexpected) or len(acked) < MIN_ACKED
    if writers.unexpected:
        log(f"  {len(writers.unexpected)} unexpected answers, e.g. {writers.unexpected[:3]}")
    if len(acked) < MIN_ACKED:
        log(f"  fewer than {MIN_ACKED} acknowledged writes: the test proves nothing")
    if failed:
        log("--- server log (tail) ---\n" + server.tail())
    log("outside reader: " + ("FAILED" if failed else "ok"))
    return failed


if __name__ == "__main__":
    mode, target = sys.argv[1], sys.argv[2]
    sys.exit(1 if {"crash": crash, "outside": outside}[mode](target) else 0)
