"""The ``alerts`` command: print the alert history as a table or JSON lines.

Why this is its own module: it is presentation for a terminal (column
widths, escaping log-derived text so it cannot drive the terminal, exit
codes), built on :class:`~logwatch_tui.history.store.AlertHistory` but of no use
to the TUI or the headless pipeline that also open the history. It imports
the history and the config lazily, inside :func:`cmd_alerts`, so ``--help``
stays quick.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from logwatch_tui.core.safe_text import inert

if TYPE_CHECKING:
    from logwatch_tui.history.store import HistoryEntry

__all__ = ["cmd_alerts"]


def _printable(text: str) -> str:
    """Log-derived text (a group_by value may hold an ANSI sequence) made inert."""
    return inert(text)


def _table(entries: Sequence[HistoryEntry]) -> list[str]:
    headers = ("TIME", "KIND", "SEVERITY", "RULE", "KEY", "COUNT", "DETAIL")
    rows = [
        (
            datetime.fromtimestamp(e.at).astimezone().strftime("%Y-%m-%d %H:%M:%S"),
            e.kind,
            e.severity or "-",
            _printable(e.name or e.rule or "-"),
            _printable(e.key_text) or "-",
            str(e.count),
            _printable(e.detail),
        )
        for e in entries
    ]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, cell in enumerate(row[:-1]):
            widths[i] = min(max(widths[i], len(cell)), 40)

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, cell in enumerate(cells[:-1]):
            if len(cell) > widths[i]:
                cell = cell[: widths[i] - 1] + "…"
            parts.append(cell.rjust(widths[i]) if i == 5 else cell.ljust(widths[i]))
        parts.append(cells[-1])
        return "  ".join(parts).rstrip()

    return [line(headers), *(line(r) for r in rows)]


def cmd_alerts(args: Any) -> int:
    """``logwatch-tui alerts [--since DURATION] [--json] [--config FILE]``.

    Oldest first (a timeline, newest next to the prompt). Opening the history
    applies the configured retention, as every start does. Returns the exit
    code: 0, or 2 for a bad ``--since``, a broken config or an unreadable history.
    """
    from logwatch_tui.config import load_config, state_dir
    from logwatch_tui.core.durations import parse_duration
    from logwatch_tui.core.tomlio import ConfigError
    from logwatch_tui.history.store import DEFAULT_FILENAME, AlertHistory, HistoryError

    since_text = str(getattr(args, "since", None) or "24h").strip()
    try:
        seconds = parse_duration(since_text)
    except ValueError as exc:
        print(f"logwatch-tui: --since: {exc}", file=sys.stderr)
        return 2
    try:
        cfg = load_config(getattr(args, "config", None))
    except (ConfigError, OSError) as exc:
        print(f"logwatch-tui: {exc}", file=sys.stderr)
        return 2
    path = state_dir() / DEFAULT_FILENAME
    entries: list[HistoryEntry] = []
    if path.exists():  # listing must not create a state dir as a side effect
        try:
            with AlertHistory(
                path, retention_days=cfg.history_days, max_rows=cfg.history_max_rows
            ) as hist:
                entries = hist.recent(since=time.time() - seconds, limit=None)
        except HistoryError as exc:
            print(f"logwatch-tui: {exc}", file=sys.stderr)
            return 2
    entries.reverse()
    out = sys.stdout
    if getattr(args, "json", False):
        for e in entries:
            out.write(json.dumps(e.to_json(), ensure_ascii=True) + "\n")
    elif not entries:
        out.write(f"no alerts in the last {since_text}\n")
    else:
        for text in _table(entries):
            out.write(text + "\n")
    out.flush()
    return 0
