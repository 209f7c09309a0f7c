"""What the subcommands share: the program name, usage errors, loading config/rules/sources.

Kept apart from ``cli.py`` (argument parsing, dispatch, exit codes) so each
subcommand module imports these without importing the command line back.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from logwatch_tui.config import AppConfig, default_rules_path, load_config
from logwatch_tui.core.rules import Rule, load_rules
from logwatch_tui.core.safe_text import inert

PROG = "logwatch-tui"


class UsageError(Exception):
    """A problem the user can fix; printed as one line, exit 2."""


def err(msg: str) -> None:
    print(f"{PROG}: {inert(msg)}", file=sys.stderr)


def config_for(args: argparse.Namespace) -> AppConfig:
    return load_config(getattr(args, "config", None))


def rules_for(
    args: argparse.Namespace, *, required: bool = False
) -> tuple[list[Rule], Path | None]:
    explicit = getattr(args, "rules", None)
    path = Path(explicit) if explicit else default_rules_path()
    if not explicit and not path.exists():
        if required:
            raise UsageError(f"no rules file at {path} (use --rules FILE)")
        return [], None
    return load_rules(path), path


def check_sources(sources: Sequence[str]) -> list[str]:
    """Expand specs for batch commands; a missing file is a usage error there (exit 2)."""
    from logwatch_tui.sources.special import readable_files

    return readable_files(list(sources))


def prepare_special_sources(cfg: AppConfig, sources: Sequence[str]) -> None:
    """TLS settings for receivers; fail now, in one line, on a spec that can't work."""
    from logwatch_tui.sources.special import check_specs, split_specs
    from logwatch_tui.sources.syslog_receiver import configure

    configure(cfg.raw.get("syslog") if isinstance(cfg.raw.get("syslog"), dict) else None)
    check_specs(split_specs(list(sources))[1])


def resume_state():
    from logwatch_tui.config import state_dir
    from logwatch_tui.sources.resume import ResumeState

    return ResumeState(state_dir())


def iso(ts: float) -> str:
    """Local ISO 8601 with microseconds always: every line's timestamp has the same width."""
    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="microseconds")
