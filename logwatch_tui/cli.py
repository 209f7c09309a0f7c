"""Command line: argument parsing, exit codes, wiring.

``logwatch-tui [SOURCE…]`` opens the TUI; ``--headless`` follows without a
screen; subcommands ``parse``, ``check``, ``patterns``, ``alerts`` and
``notify-test`` cover the batch jobs. Exit codes: 0 fine, 1 ``check`` found
alerts, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from logwatch_tui import __version__
from logwatch_tui.config import AppConfig, default_rules_path, load_config
from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import AlertEvent, LogRecord
from logwatch_tui.core.rules import Rule, RuleError, load_rules
from logwatch_tui.core.safe_text import inert, json_text
from logwatch_tui.core.tomlio import ConfigError

PROG = "logwatch-tui"
SUBCOMMANDS = ("parse", "check", "patterns", "alerts", "notify-test")
# `formats` (list / test / import) lives in logwatch_tui/commands/formats.py


class UsageError(Exception):
    """A problem the user can fix; printed as one line, exit 2."""


def _add_common(p: argparse.ArgumentParser, *, rules: bool = True) -> None:
    p.add_argument("--config", metavar="FILE", help="config.toml to use (default: the config dir)")
    if rules:
        p.add_argument(
            "--rules", metavar="FILE", help="rules.toml to use (default: the config dir)"
        )
    p.add_argument("--format", metavar="NAME", help="force a log format instead of auto-detecting")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog=PROG,
        description="A full-screen terminal log monitor with alert rules. "
        "Opens the TUI on SOURCEs (files, globs, directories) and follows them.",
        epilog="Subcommands: parse, check, patterns, alerts, notify-test, formats "
        f"(see `{PROG} SUBCOMMAND --help`). Config dir: $LOGWATCH_CONFIG_DIR or "
        "~/.config/logwatch-tui (rules.toml, config.toml).",
    )
    p.add_argument(
        "sources",
        nargs="*",
        metavar="SOURCE",
        help="log files, globs or directories (.gz/.bz2/.xz too); '-' for standard input; "
        "journald:[UNIT|dir=PATH|file=PATH]; syslog+udp|tcp|tls://HOST:PORT to receive syslog",
    )
    _add_common(p)
    p.add_argument(
        "--lines",
        "-n",
        type=int,
        metavar="N",
        help="read only the last N lines of existing content",
    )
    p.add_argument("--theme", metavar="NAME", help="colour theme (see themes/)")
    p.add_argument(
        "--headless",
        action="store_true",
        help="no screen: follow and print alert events as JSON lines",
    )
    p.add_argument(
        "--replay",
        action="store_true",
        help="headless: also report alerts found in pre-existing content",
    )
    p.add_argument(
        "--demo",
        action="store_true",
        help="run the built-in demo: generated logs and example rules",
    )
    p.add_argument(
        "--poll", action="store_true", help="use polling instead of inotify (network filesystems)"
    )
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return p


def build_sub_parser(cmd: str) -> argparse.ArgumentParser:
    if cmd == "parse":
        p = argparse.ArgumentParser(prog=f"{PROG} parse", description="Print parsed records.")
        p.add_argument("sources", nargs="+", metavar="SOURCE")
        _add_common(p, rules=False)
        p.add_argument("--json", action="store_true", help="one JSON object per record")
        p.add_argument("--lines", "-n", type=int, metavar="N", help="only the last N lines")
    elif cmd == "check":
        p = argparse.ArgumentParser(
            prog=f"{PROG} check",
            description="Replay files through the rules in event time; print the alert "
            "timeline and a per-level summary. Exit 1 if any alert fired.",
        )
        p.add_argument("sources", nargs="+", metavar="SOURCE")
        _add_common(p)
        p.add_argument("--json", action="store_true", help="one JSON object per alert event")
    elif cmd == "patterns":
        p = argparse.ArgumentParser(
            prog=f"{PROG} patterns", description="List message templates by count."
        )
        p.add_argument("sources", nargs="+", metavar="SOURCE")
        _add_common(p, rules=False)
        p.add_argument("--top", type=int, default=50, metavar="N")
        p.add_argument("--json", action="store_true")
        p.add_argument("--messages", action="store_true", help="take each line as a message as-is")
        p.add_argument(
            "--csv", action="store_true", help="LineId,ClusterId,EventTemplate per input line"
        )
    elif cmd == "alerts":
        p = argparse.ArgumentParser(prog=f"{PROG} alerts", description="List the alert history.")
        p.add_argument("--since", metavar="DURATION", default="24h")
        p.add_argument("--json", action="store_true")
        p.add_argument("--config", metavar="FILE")
    elif cmd == "notify-test":
        p = argparse.ArgumentParser(
            prog=f"{PROG} notify-test", description="Send a sample alert through one notifier."
        )
        p.add_argument("name", metavar="NAME")
        p.add_argument("--config", metavar="FILE")
    else:  # pragma: no cover
        raise ValueError(cmd)
    return p


# -- helpers -------------------------------------------------------------------------------


def _err(msg: str) -> None:
    print(f"{PROG}: {inert(msg)}", file=sys.stderr)


def _load_config(args: argparse.Namespace) -> AppConfig:
    return load_config(getattr(args, "config", None))


def _load_rules(
    args: argparse.Namespace, *, required: bool = False
) -> tuple[list[Rule], Path | None]:
    explicit = getattr(args, "rules", None)
    path = Path(explicit) if explicit else default_rules_path()
    if not explicit and not path.exists():
        if required:
            raise UsageError(f"no rules file at {path} (use --rules FILE)")
        return [], None
    return load_rules(path), path


def _check_sources(sources: Sequence[str]) -> list[str]:
    """Expand specs for batch commands; a missing file is a usage error there (exit 2)."""
    from logwatch_tui.sources.specs import readable_files

    return readable_files(list(sources))


def _prepare_special_sources(cfg: AppConfig, sources: Sequence[str]) -> None:
    """TLS settings for receivers; fail now, in one line, on a spec that can't work."""
    from logwatch_tui.sources.special import check_specs, split_specs
    from logwatch_tui.sources.syslog_receiver import configure

    configure(cfg.raw.get("syslog") if isinstance(cfg.raw.get("syslog"), dict) else None)
    check_specs(split_specs(list(sources))[1])


def _resume_state():
    from logwatch_tui.config import state_dir
    from logwatch_tui.sources.resume import ResumeState

    return ResumeState(state_dir())


def _iso(ts: float) -> str:
    """Local ISO 8601 with microseconds always: every line's timestamp has the same width."""
    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="microseconds")


# -- parse ----------------------------------------------------------------------------------


def cmd_parse(args: argparse.Namespace) -> int:
    from logwatch_tui.pipeline import Pipeline, PipelineUpdate

    cfg = _load_config(args)
    paths = _check_sources(args.sources)
    out = sys.stdout
    if args.json:  # columnar fast path: every record with its whole text
        from logwatch_tui.commands.parse_json import write_json_records

        write_json_records(
            paths, out, format_name=args.format, custom=cfg.formats, tail_lines=args.lines
        )
        return 0
    pending: list[LogRecord | None] = [None]

    def emit(rec: LogRecord) -> None:
        # fixed width: isoformat drops ".000000" on whole seconds
        ts = rec.timestamp.isoformat(timespec="microseconds") if rec.timestamp else "-"
        out.write(inert(f"{ts} {rec.level.name:<8} {rec.source}:{rec.line} {rec.message}") + "\n")

    def sink(upd: PipelineUpdate) -> None:
        for batch in upd.batches:
            parser = pipeline.parsers[batch.source]
            seen_head = False
            for i, head in enumerate(batch.heads):
                if head:
                    seen_head = True
                    if pending[0] is not None:
                        emit(pending[0])
                    pending[0] = parser.record(batch, i)  # includes its continuations in this batch
                elif not seen_head and pending[0] is not None:
                    # continuation of a record that started in an earlier batch
                    pending[0].raw += "\n" + batch.lines[i]

    pipeline = Pipeline(
        paths, sink=sink, format_name=args.format, custom_formats=cfg.formats, tail_lines=args.lines
    )
    pipeline.replay(paths)
    if pending[0] is not None:
        emit(pending[0])
    return 0


# -- check ----------------------------------------------------------------------------------


def format_alert_line(ev: AlertEvent) -> str:
    """One alert as a line of text; the key and source come from logs, so inert."""
    key = f" [{ev.key_text}]" if ev.key else ""
    return inert(
        f"{_iso(ev.at)}  {ev.status.upper():<8} {ev.severity:<8} {ev.name}{key}  count={ev.count}  {ev.source}"
    )


def cmd_check(args: argparse.Namespace) -> int:
    from logwatch_tui.pipeline import Pipeline, PipelineUpdate

    cfg = _load_config(args)
    rules, _ = _load_rules(args, required=True)
    paths = _check_sources(args.sources)
    fired = 0
    out = sys.stdout
    from logwatch_tui.commands.timestamps import untimed_files

    untimed = untimed_files(paths, format_name=args.format, custom=cfg.formats)
    for p, fmt in untimed.items():  # windows over made-up times would raise false alerts
        _err(
            f"{p}: no timestamps in its lines (format {fmt}); time-window rules are not "
            "evaluated on it. Use --format or a [[formats]] entry with a 'ts' group."
        )
    paths = [p for p in paths if p not in untimed]
    if not paths:
        return 2

    def show(ev: AlertEvent) -> None:
        nonlocal fired
        if ev.status == "firing":
            fired += 1
        if args.json:
            out.write(json_text(ev.to_json()) + "\n")
        else:
            out.write(format_alert_line(ev) + "\n")

    if len(paths) == 1 and os.environ.get("LOGWATCH_TUI_COLUMNAR", "1") != "0":
        # Worker processes and columns; None when the file needs the line-by-line path.
        from logwatch_tui.ingest.check import check_columnar

        res = check_columnar(paths[0], rules, format_name=args.format, custom_formats=cfg.formats)
        if res is not None:
            for ev in res.events:
                show(ev)
            if res.notice:  # lines that stopped matching their format
                _err(res.notice)
            if not args.json:
                out.write(
                    f"\n{res.total_records} records in {res.total_lines} lines "
                    f"({paths[0]}: {res.format_name})\n"
                )
                for lv in reversed(Level):
                    if res.counts[lv]:
                        out.write(f"  {lv.name:<9}{res.counts[lv]:>10}\n")
                out.write(f"{fired} alert(s) fired\n" if fired else "no alerts fired\n")
            return 1 if fired else 0

    def sink(upd: PipelineUpdate) -> None:
        for notice in upd.notices:
            _err(notice.message)
        for ev in upd.history_alerts + upd.alerts:
            show(ev)

    pipeline = Pipeline(
        paths, sink=sink, rules=rules, format_name=args.format, custom_formats=cfg.formats
    )
    pipeline.replay(paths, merge=True)
    for pr in pipeline.parsers.values():  # lines that stopped matching their format
        if pr.notice:
            _err(pr.notice)
    if not args.json:
        snap = pipeline.stats.snapshot()
        fmts = ", ".join(f"{p}: {pr.format.name}" for p, pr in pipeline.parsers.items())
        out.write(f"\n{snap.total_records} records in {snap.total_lines} lines ({inert(fmts)})\n")
        for lv in reversed(Level):
            if snap.counts[lv]:
                out.write(f"  {lv.name:<9}{snap.counts[lv]:>10}\n")
        out.write(f"{fired} alert(s) fired\n" if fired else "no alerts fired\n")
    return 1 if fired else 0


# -- headless ---------------------------------------------------------------------------------


def run_headless(args: argparse.Namespace) -> int:
    from logwatch_tui.alerting import AlertRouter
    from logwatch_tui.history import HistoryError
    from logwatch_tui.pipeline import Pipeline, PipelineUpdate

    cfg = _load_config(args)
    rules, rules_path = _load_rules(args)
    if not args.sources:
        raise UsageError("no SOURCE given (a file, glob or directory to follow)")
    _prepare_special_sources(cfg, args.sources)
    if not rules:
        _err("no rules loaded: following without alerts (use --rules FILE)")
    out_lock = threading.Lock()
    router = AlertRouter(rules)
    try:
        router.open_history(cfg.history_days, cfg.history_max_rows)
    except HistoryError as exc:
        _err(f"alert history off: {exc}")

    def print_outcome(outcome) -> None:
        with out_lock:
            sys.stderr.write(json_text(outcome_json(outcome), ensure_ascii=True) + "\n")
            sys.stderr.flush()

    def history_problem(message: str) -> None:
        with out_lock:
            _err(f"alert history: {message}")

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
    pipeline.resume = _resume_state()
    stop = threading.Event()

    def on_signal(signum, frame) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    pipeline.start()
    try:
        while not stop.wait(0.1):
            if pipeline.error is not None:
                _err(f"internal error: {pipeline.error!r}")
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
        "at": _iso(outcome.at),
    }


# -- notify-test, alerts, patterns ---------------------------------------------------------------


def cmd_notify_test(args: argparse.Namespace) -> int:
    from logwatch_tui.notify import notify_test

    cfg = _load_config(args)
    outcome = notify_test(args.name, cfg.notifiers)
    print(inert(outcome.describe()))
    return 0 if outcome.status == "delivered" else 1


def cmd_alerts(args: argparse.Namespace) -> int:
    from logwatch_tui.history import cmd_alerts as run

    return run(args)


def cmd_patterns(args: argparse.Namespace) -> int:
    from logwatch_tui.patterns_cli import cmd_patterns as run

    return run(args, _load_config(args))


# -- entry ----------------------------------------------------------------------------------


def run_tui(args: argparse.Namespace) -> int:
    from logwatch_tui.ui.launch import launch

    return launch(args)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "formats":  # list / test FILE / import FILE.json
            from logwatch_tui.commands import formats as formats_cmd

            cfg_formats = [] if "--config" in argv else load_config(None).formats
            return formats_cmd.main(argv[1:], formats=cfg_formats)
        if argv and argv[0] in SUBCOMMANDS:
            cmd = argv[0]
            args = build_sub_parser(cmd).parse_args(argv[1:])
            handler = {
                "parse": cmd_parse,
                "check": cmd_check,
                "patterns": cmd_patterns,
                "alerts": cmd_alerts,
                "notify-test": cmd_notify_test,
            }[cmd]
            return handler(args)
        args = build_parser().parse_args(argv)
        if args.headless:
            return run_headless(args)
        return run_tui(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `logwatch-tui parse big.log | head`: not an error.
        try:
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        except OSError:
            pass
        return 0
    except (UsageError, ConfigError, RuleError, ValueError, OSError) as exc:
        _err(str(exc))
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
