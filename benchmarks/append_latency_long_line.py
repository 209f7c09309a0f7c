"""Append latency before and after one 10 MB line, through the real ``--headless`` process.

Issue 11 measured appends taking 1.3–2.7 s to appear after a 10 MB line early
in a file (against ~0.05 s before it). This writes ``--lines`` numbered lines
one at a time to a followed file, each at a random moment, and times each
from ``write()`` to the alert it fires (a rule that fires once per line) on
the app's stdout; then one 10 MB line without a break; then ``--lines`` more.
Prints median / p95 / max before and after, and the ratio of the medians.

    .venv/bin/python benchmarks/append_latency_long_line.py [--lines 30] [--mb 10]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

RULES = """\
[[rules]]
name = "every line"
id = "every-line"
match = 'seq=(?P<seq>\\d+)'
group_by = ["seq"]
threshold = 1
window = "1s"
cooldown = "0s"
notify = []
"""


def _line(seq: int) -> bytes:
    t = time.time()
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t)) + f",{int(t * 1000) % 1000:03d}"
    return f"{stamp} - app - INFO - request done seq={seq}\n".encode()


def run(lines: int, mb: int, fmt: str | None = None) -> tuple[list[float], list[float]]:
    with tempfile.TemporaryDirectory(prefix="lw-longline-") as tmp:
        log = Path(tmp) / "app.log"
        log.write_bytes(b"".join(_line(0) for _ in range(5)))
        rules = Path(tmp) / "rules.toml"
        rules.write_text(RULES)
        env = dict(os.environ, LOGWATCH_CONFIG_DIR=f"{tmp}/cfg", LOGWATCH_STATE_DIR=f"{tmp}/st")
        proc = subprocess.Popen(
            [sys.executable, "-m", "logwatch_tui", "--headless", "--rules", str(rules), str(log)]
            + (["--format", fmt] if fmt else []),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=str(ROOT),
        )
        arrived: dict[int, float] = {}
        cond = threading.Condition()
        ready = threading.Event()

        def read_out() -> None:
            assert proc.stdout is not None
            for raw in proc.stdout:
                m = re.search(rb'"seq": "(\d+)"', raw)
                if m and b'"firing"' in raw:
                    with cond:
                        arrived.setdefault(int(m.group(1)), time.perf_counter())
                        cond.notify_all()

        def read_err() -> None:
            assert proc.stderr is not None
            for raw in proc.stderr:
                if b"following" in raw:
                    ready.set()

        threading.Thread(target=read_out, daemon=True).start()
        threading.Thread(target=read_err, daemon=True).start()
        try:
            if not ready.wait(30):
                raise RuntimeError("the app did not start")
            fd = os.open(log, os.O_WRONLY | os.O_APPEND)

            def measure(first: int) -> list[float]:
                out = []
                for seq in range(first, first + lines):
                    time.sleep(random.uniform(0.05, 0.3))
                    t0 = time.perf_counter()
                    os.write(fd, _line(seq))
                    with cond:
                        if not cond.wait_for(lambda seq=seq: seq in arrived, timeout=60):
                            raise RuntimeError(f"line {seq} never fired")
                        out.append(arrived[seq] - t0)
                return out

            try:
                before = measure(1)
                big = b"x" * (mb << 20)
                os.write(fd, _line(0)[:-1] + b" " + big + b"\n")
                after = measure(lines + 1)
            finally:
                os.close(fd)
            return before, after
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _fmt(lat: list[float]) -> str:
    s = sorted(lat)
    p95 = s[min(len(s) - 1, int(len(s) * 0.95))]
    return f"median {statistics.median(s) * 1000:7.1f} ms  p95 {p95 * 1000:7.1f} ms  max {s[-1] * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=30)
    parser.add_argument("--mb", type=int, default=10)
    parser.add_argument("--format", help="force a format (no detection), to compare")
    args = parser.parse_args()
    before, after = run(args.lines, args.mb, args.format)
    how = f", --format {args.format}" if args.format else ", format detected"
    print(f"append -> alert latency through logwatch-tui --headless ({args.lines} lines each{how})")
    print(f"  before the {args.mb} MB line: {_fmt(before)}")
    print(f"  after  the {args.mb} MB line: {_fmt(after)}")
    print(
        f"  ratio of medians (after / before): {statistics.median(after) / statistics.median(before):.2f}"
    )


if __name__ == "__main__":
    main()
