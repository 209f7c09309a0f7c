"""The command palette (ctrl+p): every action of the main screen, by name.

A table of (title, help, action) so the palette and the key bindings name the
same actions; each entry runs through ``App.run_action`` like a key press.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from logwatch_tui.core.levels import Level

if TYPE_CHECKING:
    from logwatch_tui.ui.app import LogwatchApp

LEVEL_KEYS = {
    "1": Level.TRACE,
    "2": Level.DEBUG,
    "3": Level.INFO,
    "4": Level.NOTICE,
    "5": Level.WARNING,
    "6": Level.ERROR,
    "7": Level.CRITICAL,
    "0": Level.UNKNOWN,
}

COMMANDS: list[tuple[str, str, str]] = [
    ("Help: key bindings", "Show every key binding (?)", "help"),
    ("Follow: jump to newest and follow", "Like End/G", "focused_log('go_bottom')"),
    (
        "Follow: pause / resume",
        "Stop or resume following new lines (f)",
        "focused_log('toggle_follow')",
    ),
    (
        "Next error",
        "Jump to the next ERROR or CRITICAL line (e)",
        "focused_log(\"next_level('error')\")",
    ),
    ("Previous error", "Jump to the previous error (E)", "focused_log(\"prev_level('error')\")"),
    ("Next warning", "Jump to the next WARNING line (w)", "focused_log(\"next_level('warning')\")"),
    (
        "Previous warning",
        "Jump to the previous warning (W)",
        "focused_log(\"prev_level('warning')\")",
    ),
    ("Raise minimum level", "Hide the lowest shown level (+)", "min_level(1)"),
    ("Lower minimum level", "Show one more level (-)", "min_level(-1)"),
    ("Show all levels", "Clear level filters (a)", "show_all_levels"),
    ("Search", "Regex search with highlights (/; n/N next/previous)", "prompt('search')"),
    ("Filter in", "Keep only lines matching a regex (i)", "prompt('filter-in')"),
    ("Filter out", "Hide lines matching a regex (x)", "prompt('filter-out')"),
    ("Time range filter", "Show a time range: 10:42..10:50, -15m (T)", "prompt('time-range')"),
    ("Manage filters", "Toggle or remove filters (F)", "manage_filters"),
    ("Jump to time", "10:42:00, -5m, ISO (t)", "prompt('jump-time')"),
    (
        "Mark line",
        "Bookmark the selected line (m; . , next/previous)",
        "focused_log('toggle_mark')",
    ),
    ("Record detail", "All fields of the selected record (Enter)", "detail"),
    ("Histogram", "Records over time by level (H)", "histogram"),
    (
        "Export visible lines",
        "Write the shown lines to a file, raw or .jsonl (X)",
        "prompt('export')",
    ),
    ("Cycle source", "All sources, then one at a time (o)", "cycle_source"),
    ("Patterns", "Message templates by count; Enter filters to one (P)", "patterns"),
    ("Rules: open", "Add, edit, enable/disable, delete rules (R)", "rules"),
    (
        "Rules: new rule from selected line",
        "Prefilled from the selected line (A)",
        "new_rule_from_line",
    ),
    ("Toggle side panel", "Show/hide stats and alerts (s)", "toggle_side"),
    ("Open newest alert", "Detail of the most recent alert", "alert_detail"),
]


def palette_commands(app: LogwatchApp) -> Iterable[SystemCommand]:
    for title, help_text, action in COMMANDS:
        yield SystemCommand(title, help_text, partial(app.run_action, action))
    for key, lv in LEVEL_KEYS.items():
        yield SystemCommand(
            f"Toggle level {lv.name}",
            f"Show/hide {lv.name} lines (key {key})",
            partial(app.run_action, f"toggle_level({int(lv)})"),
        )
    names = ["desktop", *sorted(n for n in app.config.notifiers if n != "desktop")]
    for name in names:
        yield SystemCommand(
            f"Send test notification: {name}",
            "Send a sample alert through this notifier and report the outcome",
            partial(app.run_action, f"notify_test({name!r})"),
        )
