"""Syslog receiver throughput: 100 concurrent TCP senders on loopback, 0 loss.

Whole processes, as a user runs them:

* **logwatch-tui**: a receiver process runs the real pipeline on
  ``syslog+tcp://127.0.0.1:PORT`` (framing, per-host batching, format
  detection and parsing, stats, the rule engine with the example rules) and
  counts every line that reaches the sink;
* **rsyslog**: ``rsyslogd`` with ``imtcp`` writing the same load into a file
  (its own config, work dir and pid file; never the system's).

A sender process opens 100 connections at once and pushes pre-built RFC 5424
messages (octet-counted) as fast as TCP lets it. Sustained rate = messages /
(first byte sent .. last message counted). Loss must be 0 — TCP back-pressure
slows the senders instead of dropping.

Usage::

    python benchmarks/receiver.py            # 100 senders x 10,000 messages, 3 runs each
    python benchmarks/receiver.py --small    # 100 x 1,000, 1 run (a quick check)

The machine it runs on matters: the figures printed are medians of the runs,
with the core count.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}")


# ----------------------------------------------------------------------- sender process


def payload(sender: int, count: int) -> bytes:
    host = f"node{sender:03d}"
    out = bytearray()
    for i in range(count):
        lvl = 11 if i % 50 == 0 else 14
        m = (
            f"<{lvl}>1 2026-12-04T10:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z {host} "
            f"checkout 4242 - - order {i} processed for user{i % 97} in {i % 300} ms"
        ).encode()
        out += b"%d %s" % (len(m), m)
    return bytes(out)


def run_senders(port: int, senders: int, per: int) -> None:
    """Child process: connect all, then send all at once; prints start time."""
    bufs = [payload(k, per) for k in range(senders)]
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(senders)]
    go = threading.Event()

    def push(s: socket.socket, b: bytes) -> None:
        go.wait()
        s.sendall(b)
        s.close()

    threads = [threading.Thread(target=push, args=(s, b)) for s, b in zip(socks, bufs)]
    for t in threads:
        t.start()
    print(json.dumps({"start": time.time()}), flush=True)
    go.set()
    for t in threads:
        t.join()


# ----------------------------------------------------------------------- receiver process


def run_receiver(port: int, expect: int) -> None:
    """Child process: the logwatch-tui pipeline on the port; prints when all arrived."""
    sys.path.insert(0, str(ROOT))
    from logwatch_tui.core.rules import load_rules
    from logwatch_tui.pipeline import Pipeline, PipelineUpdate

    count = [0]
    done = threading.Event()
    last = [0.0]

    def sink(upd: PipelineUpdate) -> None:
        n = sum(len(b) for b in upd.batches)
        if n:
            count[0] += n
            last[0] = time.time()
            if count[0] >= expect:
                done.set()

    rules = load_rules(ROOT / "examples" / "rules.toml")
    p = Pipeline([f"syslog+tcp://127.0.0.1:{port}"], sink=sink, rules=rules)
    p.start()
    print(json.dumps({"ready": True}), flush=True)
    signal.signal(signal.SIGTERM, lambda *a: done.set())
    done.wait()
    p.stop()
    print(json.dumps({"count": count[0], "end": last[0]}), flush=True)


# ----------------------------------------------------------------------- one measurement


def measure_logwatch(senders: int, per: int, timeout: float) -> dict:
    port = free_port()
    total = senders * per
    rx = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(port), "--expect", str(total)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert rx.stdout is not None
    json.loads(rx.stdout.readline())
    wait_port(port)
    tx = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--send",
            str(port),
            "--senders",
            str(senders),
            "--per",
            str(per),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert tx.stdout is not None
    start = json.loads(tx.stdout.readline())["start"]
    try:
        out = rx.communicate(timeout=timeout)[0]
    except subprocess.TimeoutExpired:
        rx.send_signal(signal.SIGTERM)
        out = rx.communicate(timeout=30)[0]
    tx.wait(timeout=60)
    res = json.loads(out.strip().splitlines()[-1])
    secs = res["end"] - start
    return {"received": res["count"], "sent": total, "seconds": secs, "rate": res["count"] / secs}


def measure_rsyslog(senders: int, per: int, timeout: float) -> dict | None:
    exe = shutil.which("rsyslogd") or "/usr/sbin/rsyslogd"
    if not os.path.exists(exe):
        return None
    total = senders * per
    with tempfile.TemporaryDirectory(prefix="lw-bench-rsyslog-") as d:
        port = free_port()
        out = Path(d) / "received.log"
        conf = Path(d) / "rsyslog.conf"
        conf.write_text(
            f'global(workDirectory="{d}")\n'
            'module(load="imtcp" threads="2")\n'
            f'input(type="imtcp" address="127.0.0.1" port="{port}")\n'
            f'action(type="omfile" file="{out}" template="RSYSLOG_FileFormat" '
            'asyncWriting="on" ioBufferSize="256k" flushOnTXEnd="off")\n'
        )
        daemon = subprocess.Popen(
            [exe, "-n", "-f", str(conf), "-i", str(Path(d) / "pid")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            wait_port(port)
            time.sleep(0.2)  # rsyslog's probe connection above must not count
            out.touch()
            tx = subprocess.Popen(
                [sys.executable, __file__, "--send", str(port), "--senders", str(senders),
                 "--per", str(per)],
                stdout=subprocess.PIPE,
                text=True,
            )  # fmt: skip
            assert tx.stdout is not None
            start = json.loads(tx.stdout.readline())["start"]
            lines, pos, end = 0, 0, time.time()
            deadline = time.monotonic() + timeout
            with out.open("rb") as f:
                while lines < total and time.monotonic() < deadline:
                    data = f.read(1 << 20)
                    if data:
                        lines += data.count(b"\n")
                        pos += len(data)
                        end = time.time()
                    else:
                        time.sleep(0.01)
            tx.wait(timeout=60)
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=20)
    secs = end - start
    return {"received": lines, "sent": total, "seconds": secs, "rate": lines / secs}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", action="store_true", help="100 x 1,000 messages, one run")
    ap.add_argument("--senders", type=int, default=100)
    ap.add_argument("--per", type=int, default=None, help="messages per sender")
    ap.add_argument("--runs", type=int, default=None)
    ap.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--expect", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--send", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.serve:
        run_receiver(args.serve, args.expect)
        return 0
    if args.send:
        run_senders(args.send, args.senders, args.per)
        return 0
    per = args.per or (1000 if args.small else 10_000)
    runs = args.runs or (1 if args.small else 3)
    timeout = 600.0
    print(
        f"{args.senders} concurrent TCP senders x {per:,} messages (RFC 5424, octet-counted) "
        f"on loopback; {os.cpu_count()} cores; median of {runs} run(s)"
    )
    for name, fn in (("logwatch-tui", measure_logwatch), ("rsyslog -> file", measure_rsyslog)):
        results = [fn(args.senders, per, timeout) for _ in range(runs)]
        if any(r is None for r in results):
            print(f"  {name:<16} not installed")
            continue
        rate = statistics.median(r["rate"] for r in results)
        lost = max(r["sent"] - r["received"] for r in results)
        print(f"  {name:<16} {rate:>10,.0f} msgs/s   lost {lost}   ({len(results)} runs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
