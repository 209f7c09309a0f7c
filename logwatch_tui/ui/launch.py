"""Start the TUI from parsed command-line arguments (and the ``--demo``)."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from logwatch_tui.config import default_rules_path, load_config
from logwatch_tui.core.rules import load_rules

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"


class LaunchError(Exception):
    """Printed as one line by the CLI (exit 2)."""


def start_demo(workdir: Path) -> tuple[subprocess.Popen, Path, Path]:
    """Start examples/generate.py writing into a temp file; return (process, log, rules)."""
    generator = EXAMPLES_DIR / "generate.py"
    rules = EXAMPLES_DIR / "rules.toml"
    if not generator.exists() or not rules.exists():
        raise LaunchError(
            f"demo files not found in {EXAMPLES_DIR} (run from a source checkout installed with `pip install -e .`)"
        )
    log = workdir / "demo-app.log"
    log.touch()
    proc = subprocess.Popen(
        [sys.executable, str(generator), "--out", str(log), "--rate", "15", "--burst-every", "20"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, log, rules


def _prepare_special_sources(config, sources: list[str]) -> None:
    """Receivers' TLS settings and a clear error now for a spec that can't work;
    for ``-``, move the piped stdin off fd 0 and give the keyboard the terminal
    (before Textual starts reading fd 0)."""
    from logwatch_tui.sources.special import check_specs, split_specs
    from logwatch_tui.sources.stdin import free_terminal_for_keyboard
    from logwatch_tui.sources.syslog_receiver import configure

    syslog = config.raw.get("syslog")
    configure(syslog if isinstance(syslog, dict) else None)
    special = split_specs(sources)[1]
    try:
        check_specs(special)
        if "-" in special:
            free_terminal_for_keyboard()
    except (OSError, ValueError) as exc:
        raise LaunchError(str(exc)) from exc


def launch(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    demo_proc = None
    tmp = None
    early = None
    try:
        if args.demo:
            tmp = tempfile.TemporaryDirectory(prefix="logwatch-demo-")
            # the demo's alerts stay out of the real alert history
            os.environ.setdefault("LOGWATCH_STATE_DIR", str(Path(tmp.name) / "state"))
            demo_proc, log, example_rules = start_demo(Path(tmp.name))
            sources = [str(log)]
            # edits in the demo go to a copy, never to examples/rules.toml
            rules_path = Path(args.rules) if args.rules else Path(tmp.name) / "rules.toml"
            if not args.rules:
                shutil.copyfile(example_rules, rules_path)
            rules = load_rules(rules_path)
        else:
            if not args.sources:
                raise LaunchError("give a SOURCE to open (file, glob or directory), or try --demo")
            sources = list(args.sources)
            rules_path = Path(args.rules) if args.rules else default_rules_path()
            rules = load_rules(rules_path) if (args.rules or rules_path.exists()) else []
            # without a file yet, rules made in the app create the default one
        from logwatch_tui.sources.file import expand_specs

        paths, globs = expand_specs(sources)
        _prepare_special_sources(config, sources)
        if args.lines is None and not args.demo:
            # a big file: worker processes parse it while the UI starts (imports, first screen)
            from logwatch_tui.ingest.existing import EarlyIndex

            early = EarlyIndex.for_sources(
                paths + globs, rules=rules, format_name=args.format, custom_formats=config.formats
            )
        from logwatch_tui.ui.app import LogwatchApp

        app = LogwatchApp(
            paths + globs,
            rules=rules,
            config=config,
            format_name=args.format,
            tail_lines=args.lines,
            theme=args.theme,
            use_watchdog=not args.poll,
            rules_path=rules_path,
            early_index=early,
        )
        app.run()
        return app.return_code or 0
    except LaunchError as exc:
        print(f"logwatch-tui: {exc}", file=sys.stderr)
        return 2
    finally:
        if early is not None:
            early.cancel()
        if demo_proc is not None:
            demo_proc.terminate()
            try:
                demo_proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                demo_proc.kill()
        if tmp is not None:
            tmp.cleanup()
