#!/usr/bin/env python3
"""A live log generator: realistic lines, steady traffic, periodic error bursts.

Powers ``logwatch-tui --demo`` and the benchmarks. Stdlib only.

    python examples/generate.py --out /tmp/app.log --rate 20 --format python
    python examples/generate.py --out big.log --lines 1000000 --format syslog   # batch file
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from datetime import UTC, datetime

FORMATS = ("python", "syslog", "json", "journald", "logfmt", "access")
HOSTS = ("web-01", "web-02", "api-01", "db-01")
SERVICES = ("api", "auth", "payments", "worker", "scheduler")
USERS = ("alice", "bob", "carol", "dave", "erin", "frank")
PATHS = ("/api/orders", "/api/users", "/login", "/health", "/api/payments", "/static/app.js")

NORMAL = [
    ("INFO", "request {method} {path} completed in {ms}ms status={status}"),
    ("INFO", "user {user} logged in from {ip}"),
    ("DEBUG", "cache hit ratio {ratio:.2f} for key {key}"),
    ("DEBUG", "worker {n} picked job {job}"),
    ("INFO", "payment {job} for {user} settled amount={amount}"),
    ("WARNING", "slow query took {ms}ms on table orders"),
    ("INFO", "scheduled task cleanup finished, removed {n} rows"),
    ("WARNING", "retrying upstream call to {ip}:8443 attempt={n}"),
    ("NOTICE", "configuration reloaded by {user}"),
]
BURST = [
    ("ERROR", "payment {job} for {user} failed: upstream timeout"),
    ("ERROR", "connection refused by {ip}:5432"),
    ("ERROR", "request {method} {path} failed status=502"),
    ("CRITICAL", "database pool exhausted: {n} waiting clients"),
]


def fill(tmpl: str, rnd: random.Random) -> str:
    return tmpl.format(
        method=rnd.choice(("GET", "POST", "PUT")),
        path=rnd.choice(PATHS),
        ms=rnd.randint(2, 900),
        status=rnd.choice((200, 200, 200, 201, 204, 304, 404)),
        user=rnd.choice(USERS),
        ip=f"10.0.{rnd.randint(0, 9)}.{rnd.randint(1, 254)}",
        ratio=rnd.random(),
        key=f"user:{rnd.randint(1, 9999)}",
        n=rnd.randint(1, 40),
        job=f"{rnd.getrandbits(32):08x}",
        amount=f"{rnd.randint(1, 999)}.{rnd.randint(0, 99):02d}",
    )


def render(fmt: str, ts: float, level: str, msg: str, rnd: random.Random, seq: int) -> str:
    dt = datetime.fromtimestamp(ts, tz=UTC).astimezone()
    service = SERVICES[seq % len(SERVICES)]
    if fmt == "python":
        return f"{dt:%Y-%m-%d %H:%M:%S},{dt.microsecond // 1000:03d} - {service} - {level} - {msg}"
    if fmt == "syslog":
        host = HOSTS[seq % len(HOSTS)]
        return f"{dt:%b} {dt.day:>2} {dt:%H:%M:%S} {host} {service}[{1000 + seq % 9000}]: {level} {msg}"
    if fmt == "json":
        return json.dumps(
            {
                "ts": dt.isoformat(timespec="milliseconds"),
                "level": level.lower(),
                "msg": msg,
                "service": service,
                "host": HOSTS[seq % len(HOSTS)],
                "seq": seq,
            }
        )
    if fmt == "journald":  # `journalctl -o json`
        prio = {"DEBUG": 7, "INFO": 6, "NOTICE": 5, "WARNING": 4, "ERROR": 3, "CRITICAL": 2}[level]
        return json.dumps(
            {
                "__REALTIME_TIMESTAMP": str(int(ts * 1e6)),
                "PRIORITY": str(prio),
                "_HOSTNAME": HOSTS[seq % len(HOSTS)],
                "SYSLOG_IDENTIFIER": service,
                "_PID": str(1000 + seq % 9000),
                "MESSAGE": msg,
            }
        )
    if fmt == "logfmt":
        quoted = msg.replace('"', "'")
        return f'time={dt.isoformat(timespec="milliseconds")} level={level.lower()} service={service} msg="{quoted}"'
    if fmt == "access":
        status = {"ERROR": 502, "CRITICAL": 503, "WARNING": 404}.get(level, 200)
        ip = f"192.168.{rnd.randint(0, 9)}.{rnd.randint(1, 254)}"
        return (
            f'{ip} - - [{dt:%d/%b/%Y:%H:%M:%S %z}] "GET {rnd.choice(PATHS)} HTTP/1.1" '
            f'{status} {rnd.randint(200, 9000)} "-" "Mozilla/5.0"'
        )
    raise ValueError(fmt)


def line_stream(
    fmt: str,
    seed: int,
    burst_every: float,
    start: float,
    step: float,
    first_burst: float | None = None,
):
    """Yield (ts, line) forever: steady traffic and an error burst every ``burst_every`` seconds."""
    rnd = random.Random(seed)
    seq = 0
    ts = start
    next_burst = first_burst if first_burst is not None else start + min(8.0, burst_every)
    while True:
        if ts >= next_burst:
            for _ in range(rnd.randint(4, 7)):
                level, tmpl = rnd.choice(BURST)
                yield ts, render(fmt, ts, level, fill(tmpl, rnd), rnd, seq)
                seq += 1
                if fmt == "python" and level == "CRITICAL":
                    yield ts, "Traceback (most recent call last):"
                    yield ts, '  File "/srv/app/db.py", line 88, in acquire'
                    yield ts, "    raise PoolExhausted(waiting)"
                    yield ts, "app.db.PoolExhausted: pool exhausted"
            next_burst = ts + burst_every
        level, tmpl = rnd.choice(NORMAL)
        yield ts, render(fmt, ts, level, fill(tmpl, rnd), rnd, seq)
        seq += 1
        ts += step * rnd.uniform(0.5, 1.5)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", required=True, help="file to append to ('-' for stdout)")
    ap.add_argument("--format", choices=FORMATS, default="python")
    ap.add_argument("--rate", type=float, default=20.0, help="lines per second (live mode)")
    ap.add_argument(
        "--lines", type=int, help="write this many lines as fast as possible, then exit"
    )
    ap.add_argument("--burst-every", type=float, default=20.0, help="seconds between error bursts")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument(
        "--history", type=int, default=200, help="live mode: lines of history written first"
    )
    args = ap.parse_args(argv)

    out = sys.stdout if args.out == "-" else open(args.out, "a", encoding="utf-8")  # noqa: SIM115
    try:
        if args.lines:
            # Batch: timestamps spread over the past, 50 lines per second of log time.
            start = time.time() - args.lines / 50.0
            stream = line_stream(args.format, args.seed, args.burst_every * 50, start, 1 / 50.0)
            buf = []
            for i, (_, line) in enumerate(stream):
                if i >= args.lines:
                    break
                buf.append(line)
                if len(buf) >= 10000:
                    out.write("\n".join(buf) + "\n")
                    buf.clear()
            if buf:
                out.write("\n".join(buf) + "\n")
            return 0
        step = 1.0 / max(args.rate, 0.1)
        start = time.time() - args.history * step
        # The first burst comes a few seconds *after* the history, so a viewer that
        # opened the file sees it arrive live (toast and all).
        stream = line_stream(
            args.format, args.seed, args.burst_every, start, step, first_burst=time.time() + 6
        )
        for ts, line in stream:
            delay = ts - time.time()
            if delay > 0:
                out.flush()
                time.sleep(delay)
            out.write(line + "\n")
            if ts >= time.time() - step:
                out.flush()
    except (KeyboardInterrupt, BrokenPipeError):
        pass
    finally:
        if out is not sys.stdout:
            out.close()
        else:
            try:
                out.flush()
            except BrokenPipeError:
                os._exit(0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
