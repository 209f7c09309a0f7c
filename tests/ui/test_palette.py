"""Every main-screen action is reachable from the command palette."""

from __future__ import annotations

import socket
from pathlib import Path

from textual.command import CommandList, CommandPalette

from logwatch_tui.config import AppConfig
from logwatch_tui.core.levels import Level
from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.commands import COMMANDS
from logwatch_tui.ui.screens.histogram import HistogramScreen

from .helpers import py_line, wait_for, wait_loaded


async def run_palette(pilot, text: str) -> None:
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*text)
    commands = app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: commands.option_count > 0 and commands.highlighted is not None)
    await pilot.press("enter")
    await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette))


def test_every_palette_action_exists() -> None:
    for _title, _help, action in COMMANDS:
        name = action.split("(", 1)[0]
        assert hasattr(LogwatchApp, f"action_{name}"), action


async def test_palette_runs_actions(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(
        "".join(
            py_line(lv, f"m{i}", when=1_763_600_000 + i) + "\n"
            for i, lv in enumerate(["DEBUG", "INFO", "ERROR"] * 5)
        )
    )
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_loaded(pilot, 15)
        await run_palette(pilot, "Toggle level DEBUG")
        await wait_for(pilot, lambda: Level.DEBUG in app.log_view.hidden_levels)
        assert len(app.log_view.rows) == 10
        await run_palette(pilot, "Histogram")
        await wait_for(pilot, lambda: isinstance(app.screen, HistogramScreen))
        await pilot.press("escape")
        await run_palette(pilot, "Previous error")
        await wait_for(pilot, lambda: app.log_view.cursor_line == 11)


async def test_palette_test_notification_reports_failure(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(py_line("INFO", "x") + "\n")
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cfg = AppConfig(
        path=tmp_path / "config.toml",
        notifiers={
            "hook": {"type": "webhook", "url": f"http://127.0.0.1:{port}/x", "timeout": "2s"}
        },
    )
    app = LogwatchApp([str(log)], config=cfg, use_watchdog=False, use_history=False)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await wait_loaded(pilot, 1)
        await run_palette(pilot, "Send test notification: hook")
        await wait_for(
            pilot, lambda: any(n.title == "Test notification" for n in app._notifications)
        )
        note = next(n for n in app._notifications if n.title == "Test notification")
        assert note.severity == "error"
        assert "refused" in note.message.lower()
