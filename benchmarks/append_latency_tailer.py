"""Latency from ``write()`` of a log line to the follower's ``on_chunk`` callback.

Appends lines one at a time to a temp file (waiting for each to arrive, then a
random pause within one poll interval, before writing the next) and prints median / p95 / max, once with watchdog (inotify
wakes the reader) and once with polling only.

    .venv/bin/python benchmarks/append_latency_tailer.py [--lines 100] [--poll-interval 0.25]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import threading
import time

from logwatch_tui.sources.file import RawChunk, SourceEvent
from logwatch_tui.sources.follower import FileFollower


def measure(lines: int, *, use_watchdog: bool, poll_interval: float) -> list[float]:
    """Seconds from each write to its delivery."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "app.log")
        with open(path, "wb"):
            pass
        arrived = threading.Event()
        caught_up = threading.Event()
        stamp = [0.0]

        def on_chunk(chunk: RawChunk) -> None:
            stamp[0] = time.perf_counter()
            arrived.set()

        def on_event(event: SourceEvent) -> None:
            if event.kind == "caught-up":
                caught_up.set()

        follower = FileFollower(
            [path],
            on_chunk=on_chunk,
            on_event=on_event,
            use_watchdog=use_watchdog,
            poll_interval=poll_interval,
        )
        follower.start()
        try:
            if not caught_up.wait(10):
                raise RuntimeError("follower did not start")
            latencies: list[float] = []
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            try:
                for i in range(lines):
                    # Write at a random moment of the poll cycle, as real
                    # logs do (not right after the previous delivery).
                    time.sleep(random.uniform(0, poll_interval))
                    arrived.clear()
                    t0 = time.perf_counter()
                    os.write(fd, b"2024-05-01T12:00:00Z INFO request %d done\n" % i)
                    if not arrived.wait(10):
                        raise RuntimeError(f"line {i} never arrived")
                    latencies.append(stamp[0] - t0)
            finally:
                os.close(fd)
            return latencies
        finally:
            follower.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100)
    parser.add_argument("--poll-interval", type=float, default=0.25)
    args = parser.parse_args()
    print(f"{args.lines} lines, one write each; poll interval {args.poll_interval}s")
    for name, use_watchdog in (("watchdog", True), ("polling", False)):
        lat = sorted(
            measure(args.lines, use_watchdog=use_watchdog, poll_interval=args.poll_interval)
        )
        p95 = lat[max(0, int(round(0.95 * len(lat))) - 1)]
        print(
            f"{name:9s} median {statistics.median(lat) * 1000:8.2f} ms   "
            f"p95 {p95 * 1000:8.2f} ms   max {lat[-1] * 1000:8.2f} ms"
        )


if __name__ == "__main__":
    main()
