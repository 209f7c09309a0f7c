"""``logwatch-tui --headless``: follow sources without a screen, alerts as JSON lines.

Alert events go to stdout, delivery outcomes and notices to stderr; the same
pipeline and alert router as the TUI, only the sink differs.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from logwatch_tui.commands.common import (
    PROG,
    UsageError,
    config_for,
    err,
    iso,
    prepare_special_sources,
    resume_state,
    rules_for,
)
from logwatch_tui.core.safe_text import inert, json_text


def run_headless(args: argparse.Namespace) -> int:
    from logwatch_tui.alerting import AlertRouter
    from logwatch_tui.history.store import HistoryError
    from logwatch_tui.pipeline import Pipeline, PipelineUpdate

    cfg = config_for(args)
    rules, rules_path = rules_for(args)
    if not args.sources:
        raise UsageError("no SOURCE given (a file, glob or directory to follow)")
    prepare_special_sources(cfg, args.sources)
    if not rules:
        err("no rules loaded: following without alerts (use --rules FILE)")
    out_lock = threading.Lock()
    router = AlertRouter(rules)
    try:
        router.open_history(cfg.history_days, cfg.history_max_rows)
    except HistoryError as exc:
        router.no_history()
        err(f"alert history off: {exc}")

    def print_outcome(outcome) -> None:
        with out_lock:
            sys.stderr.write(json_text(outcome_json(outcome), ensure_ascii=True) + "\n")
            sys.stderr.flush()

    def history_problem(message: str) -> None:
        with out_lock:
            err(f"alert history: {message}")

    router.on_outcome = print_outcome
    router.on_history_error = history_problem
    router.start_dispatcher(cfg.notifiers)

    def sink(upd: PipelineUpdate) -> None:
        # The pipeline thread: routing queues history writes and hands sends to the
        # dispatcher's threads, so nothing here waits on SQLite or the network.
        announced = router.route(upd.history_alerts, upd.alerts, replay=args.replay)
        if upd.stats is not None:
            router.refresh(list(upd.active))
        with out_lock:
            for ev in upd.events:
                if ev.kind in ("skipped", "cut"):  # a range not read: machine-readable
                    sys.stderr.write(json_text(ev.to_json()) + "\n")
                else:
                    sys.stderr.write(f"{PROG}: {inert(ev.message)}\n")
            for notice in upd.notices:
                sys.stderr.write(f"{PROG}: {inert(notice.message)}\n")
            for a in announced:
                sys.stdout.write(json_text(a.event.to_json()) + "\n")
            sys.stdout.flush()
            sys.stderr.flush()

    pipeline = Pipeline(
        args.sources,
        sink=sink,
        rules=rules,
        format_name=args.format,
        custom_formats=cfg.formats,
        tail_lines=args.lines,
        use_watchdog=not args.poll,
    )
    pipeline.resume = resume_state()
    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    pipeline.start()
    try:
        while not stop.wait(0.1):
            if pipeline.error is not None:
                err(f"internal error: {pipeline.error!r}")
                return 70
            if pipeline.finished:  # only stdin, and it ended
                pipeline.drain_and_finish()
                break
    finally:
        # SIGTERM/SIGINT end the process within 2 s, even mid-regex or with the history
        # locked: each part gets a slice (the threads are daemons; what is left is dropped).
        pipeline.stop(timeout=0.5)
        router.stop(timeout=1.0, history_timeout=0.3)
    return 0


def outcome_json(outcome) -> dict:
    return {
        "notifier": outcome.notifier,
        "status": outcome.status,
        "attempt": outcome.attempt,
        "reason": outcome.reason,
        "alerts": [{"rule": e.rule, "status": e.status, "key": e.key_dict} for e in outcome.events],
        "at": iso(outcome.at),
    }
