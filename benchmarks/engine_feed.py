"""How much the rule engine adds to ingest: records/s through the example rules.

Feeds 1M synthetic records (4% ERROR, 0.5% "connection refused") in batches of
50k through "High Error Rate" and "Connection Failed" from examples/rules.toml,
one record per line, 1000 records per second of event time.

    .venv/bin/python benchmarks/engine_feed.py [--records N] [--batch N] [--repeat N]
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from logwatch_tui.core.engine import RuleEngine
from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import LineBatch
from logwatch_tui.core.rules import load_rules

ROOT = Path(__file__).resolve().parent.parent


def make_batches(records: int, batch_size: int, seed: int = 1) -> list[LineBatch]:
    rnd = random.Random(seed)
    batches = []
    t0 = 1_700_000_000.0
    for start in range(0, records, batch_size):
        n = min(batch_size, records - start)
        lines, ts, levels, msgs = [], [], [], []
        for k in range(start, start + n):
            r = rnd.random()
            if r < 0.005:
                lvl, msg = (
                    Level.ERROR,
                    f"upstream db-{k % 7}: connection refused (errno 111) req={k}",
                )
            elif r < 0.04:
                lvl, msg = (
                    Level.ERROR,
                    f"handler failed: KeyError 'user' req={k} path=/api/v1/items/{k % 997}",
                )
            elif r < 0.10:
                lvl, msg = Level.WARNING, f"slow request {k % 5000} ms path=/api/v1/items/{k % 997}"
            else:
                lvl, msg = (
                    Level.INFO,
                    f"GET /api/v1/items/{k % 997} 200 {k % 300} ms req={k} user=u{k % 50}",
                )
            lines.append(f"2023-11-14T22:13:20Z {lvl.name} {msg}")
            ts.append(t0 + k / 1000.0)
            levels.append(int(lvl))
            msgs.append(msg)
        batches.append(
            LineBatch(
                source="/var/log/app.log",
                format="bench",
                first_line=start + 1,
                lines=lines,
                ts=ts,
                levels=levels,
                messages=msgs,
                heads=[True] * n,
            )
        )
    return batches


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--batch", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rules = [
        r
        for r in load_rules(ROOT / "examples" / "rules.toml")
        if r.id in ("high-error-rate", "connection-failed")
    ]
    batches = make_batches(args.records, args.batch)
    best = None
    for _ in range(args.repeat):
        engine = RuleEngine(rules)
        events = 0
        t = time.perf_counter()
        for b in batches:
            events += len(engine.feed(b))
        events += len(engine.finish())
        dt = time.perf_counter() - t
        best = dt if best is None else min(best, dt)
    assert best is not None
    print(f"rules: {', '.join(r.name for r in rules)}")
    print(f"records: {args.records:,} in batches of {args.batch:,}; alert events: {events:,}")
    print(f"fired: {engine.fired_counts}")
    print(f"best of {args.repeat}: {best:.3f} s = {args.records / best:,.0f} records/s")


if __name__ == "__main__":
    main()
