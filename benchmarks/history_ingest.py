#!/usr/bin/env python3
"""Ingest speed with the alert history on vs off, when every line raises an alert.

Issue 12: with history on, ingest fell to ~2.9k lines/s (one SQLite write per
alert on the ingest thread); after moving writes to their own thread it was
~3.9k vs 6.7k lines/s with history off (the writer thread's per-alert work
competing for the GIL). This measures what the TUI and ``--headless`` run:
a :class:`~logwatch_tui.pipeline.Pipeline` over a file that exists at start,
its updates routed by an :class:`~logwatch_tui.alerting.AlertRouter` (alert
book, history writer), timed from ``start()`` until the pipeline reports the
content caught up (``ingest``), and until the history holds every event
(``history done``). One rule fires on every line (a key per line, a 1 s
window: each line's alert fires, and resolves with the next line), so there
are two history rows per line.

Each figure is the median of ``--runs`` processes, the variants interleaved
run by run.

    python benchmarks/history_ingest.py [--lines 50000] [--runs 5] [--base REV]

``--base REV`` adds "history on" run by a git revision (checked out into a
temporary worktree), e.g. the commit before the writer was batched.

Small and quick: ``--lines 5000 --runs 3``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def write_log(path: Path, lines: int) -> None:
    t0 = 1_700_000_000
    with path.open("w") as fh:
        for i in range(lines):
            ts = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(t0 + i))
            fh.write(f"{ts} ERROR worker: job failed req={i}\n")


def child(log: str, history: str | None) -> dict:
    from logwatch_tui.alerting import AlertRouter
    from logwatch_tui.core.rules import Rule
    from logwatch_tui.history.store import AlertHistory
    from logwatch_tui.pipeline import Pipeline

    rule = Rule(
        id="err",
        name="Every error",
        match=r"req=(?P<req>\d+)",
        group_by=("req",),
        cooldown=0.0,
        window=1.0,
    )
    router = AlertRouter([rule])
    if history is not None:
        router.attach_history(AlertHistory(history))
    done = threading.Event()
    lines = [0]
    events = [0]

    def sink(upd) -> None:  # as headless does: route on the pipeline's thread
        router.route(upd.history_alerts, upd.alerts, replay=True)
        if upd.stats is not None:
            router.refresh(list(upd.active))
        lines[0] += sum(len(b) for b in upd.batches)
        events[0] += len(upd.history_alerts) + len(upd.alerts)
        if upd.caught_up:
            done.set()

    pipeline = Pipeline([log], sink=sink, rules=[rule], use_watchdog=False)
    t0 = time.perf_counter()
    pipeline.start()
    if not done.wait(600):
        raise SystemExit("pipeline never caught up")
    ingest = time.perf_counter() - t0
    if router.writer is not None:
        router.writer.wait_idle(600)
    written = time.perf_counter() - t0
    pipeline.stop(timeout=1.0)
    router.stop(timeout=1.0)
    return {"ingest": ingest, "written": written, "lines": lines[0], "events": events[0]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=50_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--base", help="also run 'history on' with this git revision")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        log, hist = args.child[0], (args.child[1] if len(args.child) > 1 else None)
        print(json.dumps(child(log, hist)))
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        log = tmpdir / "app.log"
        write_log(log, args.lines)
        trees = {"off": ROOT, "on": ROOT}
        if args.base:
            base = tmpdir / "base"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.base],
                check=True,
                capture_output=True,
            )
            trees[f"on@{args.base}"] = base
        results: dict[str, list[dict]] = {v: [] for v in trees}
        try:
            for r in range(args.runs):
                for variant, tree in trees.items():
                    results[variant].append(run_child(tree, variant, log, tmpdir, r))
        finally:
            if args.base:
                subprocess.run(
                    ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tmpdir / "base")],
                    capture_output=True,
                )
        load = os.getloadavg()[0]
        print(
            f"{args.lines:,} lines, one alert each (2 history rows a line); median of "
            f"{args.runs} runs; load average {load:.1f} on {os.cpu_count()} CPUs"
        )
        print(f"{'history':<16}{'ingest s':>9}{'lines/s':>10}{'history done s':>16}{'on/off':>8}")
        med = {v: statistics.median(r["ingest"] for r in rs) for v, rs in results.items()}
        for variant, rs in results.items():
            wr = statistics.median(r["written"] for r in rs)
            print(
                f"{variant:<16}{med[variant]:>9.2f}{args.lines / med[variant]:>10,.0f}"
                f"{wr if variant != 'off' else float('nan'):>16.2f}"
                f"{med['off'] / med[variant]:>8.3f}"
            )
        print("on/off: ingest speed with history on over history off (1.000 = no cost)")
    return 0


def run_child(tree: Path, variant: str, log: Path, tmpdir: Path, r: int) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), LOGWATCH_STATE_DIR=str(tmpdir / "state"))
    argv = [sys.executable, __file__, "--child", str(log)]
    if variant != "off":
        argv.append(str(tmpdir / f"history-{variant}-{r}.sqlite3"))
    proc = subprocess.run(argv, capture_output=True, env=env, check=False, cwd=tree)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(2)
    return json.loads(proc.stdout.decode().splitlines()[-1])


if __name__ == "__main__":
    raise SystemExit(main())
