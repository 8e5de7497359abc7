"""A real SMTP server for the digest's tests: aiosmtpd on loopback.

Each message it takes is written to DIR as <n>.eml (the envelope's recipients
in an X-Sink-Rcpt header first), before the server answers 250, so a test
reads exactly what was taken.

    python3 scripts/smtp_sink.py --port P --dir DIR [--delay S] [--refuse N]

--delay S   after writing a message, wait S seconds before answering 250
            (a server killed meanwhile has handed the message over without
            hearing back).
--refuse N  answer the first N messages with 451 (try again later),
            taking nothing.

Prints "ready <port>" once it listens; stops on SIGTERM or SIGINT.
"""

import argparse
import asyncio
import os
import signal
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, directory, delay, refuse):
        self.directory = directory
        self.delay = delay
        self.refuse = refuse
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 try again later"
        with self.lock:
            self.count += 1
            n = self.count
        path = os.path.join(self.directory, f"{n:05d}.eml")
        header = "X-Sink-Rcpt: " + ", ".join(envelope.rcpt_tos) + "\r\n"
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode("utf-8")
        tmp = path + ".tmp"
        with open(tmp, "wb") as out:
            out.write(header.encode("ascii"))
            out.write(content)
        os.replace(tmp, path)
        if self.delay > 0:
            await asyncio.sleep(self.delay)
        return "250 2.0.0 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--refuse", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    controller = Controller(
        Sink(args.dir, args.delay, args.refuse),
        hostname="127.0.0.1",
        port=args.port,
    )
    controller.start()
    print(f"ready {args.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
