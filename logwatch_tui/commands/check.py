"""``logwatch-tui check``: replay files through the rules in event time.

Prints the alert timeline and a per-level summary; exit 1 if any alert fired.
"""

from __future__ import annotations

import argparse
import os
import sys

from logwatch_tui.commands.common import check_sources, config_for, err, iso, rules_for
from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.safe_text import inert, json_text


def format_alert_line(ev: AlertEvent) -> str:
    """One alert as a line of text; the key and source come from logs, so inert."""
    key = f" [{ev.key_text}]" if ev.key else ""
    return inert(
        f"{iso(ev.at)}  {ev.status.upper():<8} {ev.severity:<8} {ev.name}{key}  count={ev.count}  {ev.source}"
    )


def cmd_check(args: argparse.Namespace) -> int:
    columnar = os.environ.get("LOGWATCH_TUI_COLUMNAR", "1") != "0"
    workers = None
    if columnar and len(args.sources) == 1:
        from logwatch_tui.ingest.check import columnar_candidate, start_workers

        if columnar_candidate(args.sources[0]):  # fork now: their start-up overlaps ours
            workers = start_workers(args.sources[0])
    try:
        return _check(args, columnar, workers)
    finally:
        if workers is not None:
            workers.close()


def _check(args: argparse.Namespace, columnar: bool, workers) -> int:
    cfg = config_for(args)
    rules, _ = rules_for(args, required=True)
    paths = check_sources(args.sources)
    fired = 0
    out = sys.stdout

    def show(ev: AlertEvent) -> None:
        nonlocal fired
        if ev.status == "firing":
            fired += 1
        if args.json:
            out.write(json_text(ev.to_json()) + "\n")
        else:
            out.write(format_alert_line(ev) + "\n")

    if len(paths) == 1 and columnar:
        # Worker processes and columns; None when the file needs the line-by-line path
        # (which includes a file without timestamps: the probe below says so).
        from logwatch_tui.ingest.check import check_columnar

        same = workers is not None and os.path.abspath(args.sources[0]) == os.path.abspath(paths[0])
        res = check_columnar(
            paths[0],
            rules,
            format_name=args.format,
            custom_formats=cfg.formats,
            started=workers if same else None,
        )
        if res is not None:
            for ev in res.events:
                show(ev)
            for notice in res.rule_notices:  # a rule disabled by its regex budget, a key cap
                err(notice)
            if res.notice:  # lines that stopped matching their format
                err(res.notice)
            if not args.json:
                fmts = f"{paths[0]}: {res.format_name}"
                _summary(out, res.total_records, res.total_lines, fmts, res.counts, fired)
            return 1 if fired else 0

    from logwatch_tui.commands.timestamps import untimed_files

    untimed = untimed_files(paths, format_name=args.format, custom=cfg.formats)
    for p, fmt in untimed.items():  # windows over made-up times would raise false alerts
        err(
            f"{p}: no timestamps in its lines (format {fmt}); time-window rules are not "
            "evaluated on it. Use --format or a [[formats]] entry with a 'ts' group."
        )
    paths = [p for p in paths if p not in untimed]
    if not paths:
        return 2
    from logwatch_tui.pipeline import Pipeline, PipelineUpdate

    def sink(upd: PipelineUpdate) -> None:
        for notice in upd.notices:
            err(notice.message)
        for ev in upd.history_alerts + upd.alerts:
            show(ev)

    pipeline = Pipeline(
        paths, sink=sink, rules=rules, format_name=args.format, custom_formats=cfg.formats
    )
    pipeline.replay(paths, merge=True)
    for pr in pipeline.parsers.values():  # lines that stopped matching their format
        if pr.notice:
            err(pr.notice)
    if not args.json:
        snap = pipeline.stats.snapshot()
        fmts = ", ".join(f"{p}: {pr.format.name}" for p, pr in pipeline.parsers.items())
        _summary(out, snap.total_records, snap.total_lines, fmts, snap.counts, fired)
    return 1 if fired else 0


def _summary(out, records: int, lines: int, formats: str, counts, fired: int) -> None:
    """The text summary after the timeline (both ingest paths print the same)."""
    out.write(f"\n{records} records in {lines} lines ({inert(formats)})\n")
    for lv in reversed(Level):
        if counts[lv]:
            out.write(f"  {lv.name:<9}{counts[lv]:>10}\n")
    out.write(f"{fired} alert(s) fired\n" if fired else "no alerts fired\n")
