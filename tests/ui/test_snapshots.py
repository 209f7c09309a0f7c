"""Snapshot tests (plain ``def``) of each screen on a fixed sample log.

The sample has fixed timestamps (shown in TZ=UTC, set in conftest) and is
opened by a relative path so the header is the same on every machine. The
arrival-rate figure is the one thing that depends on the wall clock, so it is
pinned to 0 before the picture is taken.
"""

from __future__ import annotations

import time
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.widgets.stats_panel import StatsPanel

from .helpers import HIGH_ERROR_RATE, quiet

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_REL = "tests/ui/fixtures/sample.log"


def make_app() -> LogwatchApp:
    return LogwatchApp([SAMPLE_REL], rules=[HIGH_ERROR_RATE], use_watchdog=False)


async def settle(pilot: Pilot) -> None:
    app: LogwatchApp = pilot.app  # type: ignore[assignment]
    deadline = time.monotonic() + 10
    # Loaded, the history alert raised, and the first clock tick resolved it (the sample's
    # times are in the past), so nothing changes any more.
    while time.monotonic() < deadline and not (
        app.caught_up and len(app.book) and not any(it.firing for it in app.book)
    ):
        await pilot.pause(0.05)
    # The arrival rate decays to 0 five seconds after the last line; shorten that window so
    # the panel settles at 0/s at the next tick instead of showing a time-dependent rate.
    if app.pipeline is not None:
        app.pipeline.stats.rate_window = 0.01
    while time.monotonic() < deadline and (
        app._latest_stats is None or app._latest_stats.lines_per_sec != 0
    ):
        await pilot.pause(0.05)
    stats = getattr(app, "_latest_stats", None)
    if stats is not None:
        app.query_one(StatsPanel).snapshot = stats
    await quiet(pilot)
    await pilot.wait_for_scheduled_animations()


def test_main_screen_80x24(snap_compare, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert snap_compare(make_app(), terminal_size=(80, 24), run_before=settle)


def test_main_screen_160x48(snap_compare, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    assert snap_compare(make_app(), terminal_size=(160, 48), run_before=settle)


def test_help_screen(snap_compare, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 40), run_before=run_before)


def test_alert_detail(snap_compare, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.action_alert_detail()
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 32), run_before=run_before)


def test_level_filtered_header(snap_compare, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("2", "plus", "plus", "plus", "up")
        await pilot.pause()

    assert snap_compare(make_app(), terminal_size=(100, 24), run_before=run_before)


def test_search_highlights_and_filter_bar(snap_compare, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        app = pilot.app
        await pilot.press("x")
        app.prompt_bar.query_one(Input).value = "cache"
        await pilot.press("enter")
        await pilot.press("g")  # search from the top: the first match is the same on every run
        await pilot.pause()
        await pilot.press("slash")
        app.prompt_bar.query_one(Input).value = "pay(ment)?"
        await pilot.press("enter")
        deadline = time.monotonic() + 10
        while "match" not in app.header.search or "…" in app.header.search:
            if time.monotonic() > deadline:
                break
            await pilot.pause(0.05)
        while app.log_view.search_rx is None or app.log_view.cursor_line == 0:
            if time.monotonic() > deadline:
                break
            await pilot.pause(0.05)
        await quiet(pilot)

    assert snap_compare(make_app(), terminal_size=(120, 30), run_before=run_before)
