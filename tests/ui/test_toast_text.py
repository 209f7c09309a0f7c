"""A toast is built from log text (the rendered summary, the group_by key): shown inert."""

from __future__ import annotations

from pathlib import Path

from logwatch_tui.core.rules import rule_from_dict
from logwatch_tui.ui.app import LogwatchApp

from .helpers import append, py_line, wait_for, wait_loaded

EVIL = "\x1b]52;c;aGVsbG8=\x07\x1b[2J\x1b]8;;http://evil.example/\x1b\\x\x9b31m\x7f"

RULE = rule_from_dict(
    {
        "name": "Login failed",
        "match": r"login failed for (?P<user>\S+)",
        "group_by": ["user"],
        "threshold": 1,
        "window": "60s",
        "cooldown": "0s",
        "message": "{count} failures for {user}",
    }
)


def has_controls(text: str) -> bool:
    return any(ord(c) < 0x20 and c != "\t" or 0x7F <= ord(c) < 0xA0 for c in text)


async def test_toast_text_from_log_is_inert(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(py_line("INFO", "start") + "\n")
    app = LogwatchApp([str(log)], rules=[RULE])
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_loaded(pilot, 1)
        append(log, py_line("ERROR", f"login failed for {EVIL}"))
        await wait_for(pilot, lambda: any("Login failed" in n.title for n in app._notifications))
        [toast] = [n for n in app._notifications if "Login failed" in n.title]
        assert not has_controls(toast.message), repr(toast.message)
        assert not has_controls(toast.title)
        assert "\u241b]52;c;aGVsbG8=\u2407\u241b[2J" in toast.message  # shown, not run
