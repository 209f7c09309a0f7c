"""Command line: argument parsing, exit codes, wiring.

``logwatch-tui [SOURCE…]`` opens the TUI; ``--headless`` follows without a
screen; subcommands ``parse``, ``check``, ``patterns``, ``alerts`` and
``notify-test`` cover the batch jobs. Exit codes: 0 fine, 1 ``check`` found
alerts, 2 usage or configuration error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from logwatch_tui import __version__
from logwatch_tui.commands.common import PROG, UsageError, config_for, err
from logwatch_tui.config import load_config
from logwatch_tui.core.rules import RuleError
from logwatch_tui.core.tomlio import ConfigError

SUBCOMMANDS = ("parse", "check", "patterns", "alerts", "notify-test")
# Each subcommand lives in logwatch_tui/commands/ (one module each, `formats` too);
# this module parses arguments, dispatches and maps errors to exit codes.


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


# -- dispatch -------------------------------------------------------------------------------
# Imported when chosen: `--help` and one subcommand don't load the others (or Textual).


def cmd_parse(args: argparse.Namespace) -> int:
    from logwatch_tui.commands.parse import cmd_parse as run

    return run(args)


def cmd_check(args: argparse.Namespace) -> int:
    from logwatch_tui.commands.check import cmd_check as run

    return run(args)


def cmd_patterns(args: argparse.Namespace) -> int:
    from logwatch_tui.commands.patterns import cmd_patterns as run

    return run(args, config_for(args))


def cmd_alerts(args: argparse.Namespace) -> int:
    from logwatch_tui.commands.alerts import cmd_alerts as run

    return run(args)


def cmd_notify_test(args: argparse.Namespace) -> int:
    from logwatch_tui.commands.notify_test import cmd_notify_test as run

    return run(args)


def run_headless(args: argparse.Namespace) -> int:
    from logwatch_tui.commands.headless import run_headless as run

    return run(args)


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
        err(str(exc))
        return 2


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
