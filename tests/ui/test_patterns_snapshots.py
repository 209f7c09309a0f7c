"""Snapshots of the Patterns view on the fixed sample log, at 80x24 and 160x48.

Nothing in the picture depends on the wall clock: first/last seen are log
times (TZ=UTC from conftest) and the rate sparkline ends at the newest record
in the store, not at "now". The sample is opened by a relative path so the
picture is the same on every machine.
"""

from __future__ import annotations

import time
from pathlib import Path

from textual.pilot import Pilot

from logwatch_tui.analysis.pattern_index import PatternIndex
from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.patterns import PatternsScreen

from .helpers import quiet

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_REL = "tests/ui/fixtures/sample.log"


def make_app() -> LogwatchApp:
    return LogwatchApp([SAMPLE_REL], use_watchdog=False, use_history=False)


async def open_patterns(pilot: Pilot, *keys: str) -> None:
    app: LogwatchApp = pilot.app  # type: ignore[assignment]
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (app.caught_up and len(app.store) == 51):
        await pilot.pause(0.05)
    screen = PatternsScreen(PatternIndex(app.store, app._message_of))
    app.push_screen(screen)
    while time.monotonic() < deadline and not (
        app.screen is screen and screen.index.mined == 51 and screen.table.row_count
    ):
        await pilot.pause(0.05)
    if keys:
        await pilot.press(*keys)
    await quiet(pilot)
    await pilot.wait_for_scheduled_animations()


def test_patterns_80x24(snap_compare, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=open_patterns)


def test_patterns_160x48_error_row_selected(snap_compare, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)

    async def run_before(pilot: Pilot) -> None:
        # row 7: "payment <*> failed: upstream timeout" (errors in the level mix and detail)
        await open_patterns(pilot, *(["down"] * 6))

    assert snap_compare(make_app(), terminal_size=(160, 48), run_before=run_before)
