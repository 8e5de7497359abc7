"""The live backup procedure of scripts/backup.sh (see there).

Usage: backup.py WORK_DIR
"""

import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import (  # noqa: E402
    Server, Writers, list_ids, log, report_missing, seeker, sqlite_ids)

PYTHON_BACKUP = r"""
import sqlite3, sys
src = sqlite3.connect(sys.argv[1], timeout=10)
dst = sqlite3.connect(sys.argv[2])
src.backup(dst)
dst.close()
src.close()
"""

VACUUM_INTO = r"""
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], timeout=10)
c.execute("VACUUM INTO ?", (sys.argv[2],))
c.close()
"""

INTEGRITY = r"""
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(c.execute("PRAGMA integrity_check").fetchone()[0])
c.close()
"""


def run(args):
    out = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise SystemExit(f"{args[:2]} failed: {out.stderr.strip()}")
    return out.stdout.strip()


def main(work):
    live = os.path.join(work, "live.db")
    server = Server(f"sqlite://{live}", "live")
    server.start()
    token, opps = seeker(server.base, "backup", opportunities=4)
    writers = Writers(server.base, token, opps, threads=4).start()
    copies = []
    try:
        time.sleep(2.0)
        # What the copies must hold: every write acknowledged before the
        # backup began.
        before = writers.snapshot()
        copy = os.path.join(work, "backup-dot.db")
        if shutil.which("sqlite3"):
            run(["sqlite3", live, f".backup '{copy}'"])
            copies.append(("sqlite3 .backup", copy, before))
        else:
            run([sys.executable, "-c", PYTHON_BACKUP, live, copy])
            copies.append(("Connection.backup (no sqlite3 CLI)", copy, before))
        before = writers.snapshot()
        copy = os.path.join(work, "backup-vacuum.db")
        run([sys.executable, "-c", VACUUM_INTO, live, copy])
        copies.append(("VACUUM INTO", copy, before))
        time.sleep(1.0)
    finally:
        writers.stop()
    acked = writers.snapshot()
    log(f"live backup on sqlite: {len(acked)} acknowledged writes, "
        f"backups taken under load: {', '.join(c[0] for c in copies)}")
    failed = bool(writers.unexpected)
    if writers.unexpected:
        log(f"  {len(writers.unexpected)} unexpected answers, e.g. {writers.unexpected[:3]}")
    for what, path, expected in copies:
        check = run([sys.executable, "-c", INTEGRITY, path])
        log(f"  {what}: PRAGMA integrity_check says {check!r}")
        failed |= check != "ok"
        restored = Server(f"sqlite://{path}", os.path.basename(path))
        restored.start()
        present = list_ids(restored.base, token, opps)
        restored.stop()
        failed |= bool(report_missing(
            f"{what}: a server on the copy, writes acknowledged before the backup began",
            expected, present))
        failed |= len(expected) < 50
    # Taking the backup must not harm the live database either.
    missing = report_missing("live database, through the API", acked, list_ids(server.base, token, opps))
    missing += report_missing("live database, read by a fresh sqlite3 connection", acked, sqlite_ids(live))
    server.stop()
    server.start()
    missing += report_missing("live database, through the API after a clean restart",
                              acked, list_ids(server.base, token, opps))
    server.stop()
    failed |= bool(missing)
    if failed:
        log("--- server log (tail) ---\n" + server.tail())
    log("live backup: " + ("FAILED" if failed else "ok"))
    return failed


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1]) else 0)
