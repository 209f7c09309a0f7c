"""Throughput of SourceParser.feed (detection + parse_columns + multiline) per format.

Generates 300k realistic syslog lines and 300k JSON lines in memory and feeds
them in 50k-line batches, the way the pipeline does for a big file. Prints
lines/s; run a few times, the machine's other load shows up in the numbers.

    .venv/bin/python benchmarks/parse_formats.py [--lines 300000] [--batch 50000]
"""

from __future__ import annotations

import argparse
import json
import random
import time
from datetime import UTC, datetime, timedelta

from logwatch_tui.core.formats.detect import SourceParser

T0 = datetime(2026, 11, 20, 9, 0, 0)

_SYSLOG = [
    "sshd[{pid}]: Accepted publickey for deploy from 10.0.4.{o} port {port} ssh2: ED25519 SHA256:Vt3qk9",
    "sshd[{pid}]: pam_unix(sshd:session): session opened for user deploy(uid=1001) by (uid=0)",
    "CRON[{pid}]: (root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
    "systemd[1]: Started session-{o}.scope - Session {o} of User deploy.",
    "kernel: [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56 SRC=203.0.113.{o} DST=10.0.4.2 "
    "LEN=60 PROTO=TCP SPT={port} DPT=23 SYN",
    "app[2231]: INFO worker 3 processed job {port} in {o}ms",
    "app[2231]: ERROR upstream 10.0.4.9:5432 connection refused (attempt {o})",
    "app[2231]: 2026-11-20 10:09:12,004 WARN [main] pool at {o}% capacity",
    "postfix/smtpd[{pid}]: connect from mail.example.net[198.51.100.{o}]",
]


def syslog_lines(n: int, rng: random.Random) -> list[str]:
    out = []
    for i in range(n):
        t = T0 + timedelta(seconds=i // 40)
        msg = rng.choice(_SYSLOG).format(
            pid=rng.randint(1000, 9999), o=rng.randint(2, 250), port=rng.randint(30000, 65000)
        )
        out.append(f"{t:%b %e %H:%M:%S} web01 {msg}")
    return out


def json_lines(n: int, rng: random.Random) -> list[str]:
    out = []
    paths = ["/", "/api/orders", "/api/orders/4411", "/static/app.js", "/login", "/api/health"]
    for i in range(n):
        t = (T0 + timedelta(milliseconds=i * 25)).replace(tzinfo=UTC)
        status = rng.choice((200, 200, 200, 200, 304, 404, 502))
        d = {
            "ts": t.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": "error" if status >= 500 else "warn" if status >= 400 else "info",
            "msg": "request completed",
            "service": "checkout",
            "req": {
                "method": "GET",
                "url": rng.choice(paths),
                "id": f"r-{rng.randint(10000, 99999)}",
            },
            "status": status,
            "duration_ms": rng.randint(2, 240),
        }
        out.append(json.dumps(d, separators=(",", ":")))
    return out


def bench(name: str, lines: list[str], batch: int, rounds: int) -> None:
    best = 0.0
    for _ in range(rounds):
        sp = SourceParser(name)
        start = time.perf_counter()
        for i in range(0, len(lines), batch):
            sp.feed(lines[i : i + batch], first_line=i + 1)
        rate = len(lines) / (time.perf_counter() - start)
        best = max(best, rate)
        print(f"  {name:8} {rate / 1e6:5.2f} M lines/s  (format={sp.format.name})")
    print(f"{name:8} best {best / 1e6:5.2f} M lines/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=300_000)
    ap.add_argument("--batch", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    rng = random.Random(42)
    t = time.perf_counter()
    sl = syslog_lines(args.lines, rng)
    jl = json_lines(args.lines, rng)
    print(f"generated {2 * args.lines} lines in {time.perf_counter() - t:.1f}s")
    bench("syslog", sl, args.batch, args.rounds)
    bench("json", jl, args.batch, args.rounds)


if __name__ == "__main__":
    main()
