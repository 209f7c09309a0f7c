"""Throughput of SourceParser.feed (detection + parse_columns + multiline) per format.

Generates realistic lines per format in memory (syslog, json, python, generic,
access, logfmt, hdfs, glog — the last two are declared formats and need the
declarative library) and feeds them in 50k-line batches, the way the pipeline does
for a big file. Prints lines per CPU second (best of ``--rounds``); the machine's other
load still shows up in the numbers, so compare runs made back to back.

    .venv/bin/python benchmarks/parse_formats.py [--lines 300000] [--batch 50000]
        [--formats syslog,json,...]

To compare with another checkout: ``PYTHONPATH=/path/to/other python benchmarks/...``.
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


def python_lines(n: int, rng: random.Random) -> list[str]:
    lv = ("INFO", "INFO", "INFO", "DEBUG", "WARNING", "ERROR")
    return [
        f"{T0 + timedelta(milliseconds=i * 25):%Y-%m-%d %H:%M:%S},{i % 1000:03d} - app.api - "
        f"{rng.choice(lv)} - request {rng.randint(1, 99999)} done in {rng.randint(1, 900)}ms"
        for i in range(n)
    ]


def generic_lines(n: int, rng: random.Random) -> list[str]:
    lv = ("INFO ", "INFO ", "DEBUG", "WARN ", "ERROR")
    return [
        f"{T0 + timedelta(milliseconds=i * 25):%Y-%m-%d %H:%M:%S}.{i % 1000:03d} {rng.choice(lv)} "
        f"[http-nio-8080-exec-{rng.randint(1, 9)}] com.example.shop.web.OrderController - "
        f"GET /api/orders/{rng.randint(1, 9999)} 200 ({rng.randint(1, 300)} ms)"
        for i in range(n)
    ]


def access_lines(n: int, rng: random.Random) -> list[str]:
    return [
        f"10.0.{rng.randint(0, 9)}.{rng.randint(1, 250)} - - "
        f"[{T0 + timedelta(seconds=i // 40):%d/%b/%Y:%H:%M:%S} +0000] "
        f'"GET /api/orders/{rng.randint(1, 9999)} HTTP/1.1" {rng.choice((200, 200, 304, 404, 502))}'
        f' {rng.randint(100, 50000)} "-" "curl/8.5.0"'
        for i in range(n)
    ]


def logfmt_lines(n: int, rng: random.Random) -> list[str]:
    return [
        f"ts={(T0 + timedelta(milliseconds=i * 25)).isoformat(timespec='milliseconds')}Z "
        f'level={rng.choice(("info", "info", "warn", "error"))} msg="request completed" '
        f"path=/api/orders status={rng.choice((200, 404, 500))} duration={rng.randint(1, 300)}ms"
        for i in range(n)
    ]


def hdfs_lines(n: int, rng: random.Random) -> list[str]:
    return [
        f"{T0 + timedelta(seconds=i // 40):%y%m%d %H%M%S} {rng.randint(10, 999)} "
        f"{rng.choice(('INFO', 'INFO', 'WARN'))} dfs.DataNode$PacketResponder: PacketResponder "
        f"{rng.randint(0, 2)} for block blk_{rng.randint(10**17, 10**18)} terminating"
        for i in range(n)
    ]


def glog_lines(n: int, rng: random.Random) -> list[str]:
    return [
        f"{rng.choice('IIIWE')}{T0 + timedelta(milliseconds=i * 25):%m%d %H:%M:%S.%f} "
        f"{rng.randint(1000, 99999)} server.cc:{rng.randint(1, 999)}] handled request "
        f"{rng.randint(1, 10**6)}"
        for i in range(n)
    ]


GENERATORS = {
    "syslog": syslog_lines,
    "json": json_lines,
    "python": python_lines,
    "generic": generic_lines,
    "access": access_lines,
    "logfmt": logfmt_lines,
    "hdfs": hdfs_lines,
    "glog": glog_lines,
}


def bench(name: str, lines: list[str], batch: int, rounds: int) -> None:
    best = 0.0
    for _ in range(rounds):
        sp = SourceParser(name)
        start = time.process_time()  # CPU time: less disturbed by a shared machine
        for i in range(0, len(lines), batch):
            sp.feed(lines[i : i + batch], first_line=i + 1)
        rate = len(lines) / (time.process_time() - start)
        best = max(best, rate)
        print(f"  {name:8} {rate / 1e6:5.2f} M lines/s  (format={sp.format.name})")
    print(f"{name:8} best {best / 1e6:5.2f} M lines/s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=300_000)
    ap.add_argument("--batch", type=int, default=50_000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--formats", default=",".join(GENERATORS), help="comma-separated")
    args = ap.parse_args()
    for name in args.formats.split(","):
        lines = GENERATORS[name](args.lines, random.Random(42))
        bench(name, lines, args.batch, args.rounds)


if __name__ == "__main__":
    main()
