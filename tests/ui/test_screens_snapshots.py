"""Every screen at 80x24 and 160x48 (issue 16), on the fixed sample log (TZ=UTC).

Each picture was looked at (converted to PNG) when it was accepted; the names say
what a person should see in it.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.confirm import ConfirmScreen
from logwatch_tui.ui.screens.silence import SilenceScreen
from logwatch_tui.ui.widgets.stats_panel import StatsPanel

from .helpers import quiet, wait_for
from .test_snapshots import ROOT, make_app, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((160, 48), id="160x48")]
DAYS = ["tests/ui/fixtures/days-app.log", "tests/ui/fixtures/days-batch.log"]


@pytest.fixture(autouse=True)
def _at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def press(*keys: str):
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await quiet(pilot)
        pilot.app.clear_notifications()  # a 2 s toast must not decide the picture
        await pilot.pause()
        await pilot.wait_for_scheduled_animations()

    return run_before


@pytest.mark.parametrize("size", SIZES)
def test_main(snap_compare, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_help_keys_as_glyphs(snap_compare, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=press("question_mark"))


@pytest.mark.parametrize("size", SIZES)
def test_record_detail(snap_compare, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=press("up", "up", "enter"))


@pytest.mark.parametrize("size", SIZES)
def test_histogram(snap_compare, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=press("H"))


@pytest.mark.parametrize("size", SIZES)
def test_alert_detail(snap_compare, size) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.action_alert_detail()
        await quiet(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_silence_choice(snap_compare, size) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        app: LogwatchApp = pilot.app  # type: ignore[assignment]
        app.push_screen(SilenceScreen(next(iter(app.book))))
        await quiet(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_delete_confirm(snap_compare, size) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        pilot.app.push_screen(
            ConfirmScreen("Delete rule 'High Error Rate'?", yes="Delete", no="Keep")
        )
        await quiet(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_filters_screen(snap_compare, size) -> None:
    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        app: LogwatchApp = pilot.app  # type: ignore[assignment]
        app.investigation.submit("filter-out", "heartbeat")
        app.investigation.submit("filter-in", "pay|cache")
        await quiet(pilot)
        await pilot.press("F")
        await quiet(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_empty_filtered_view_says_why(snap_compare, size) -> None:
    """'0 of 51 lines match: level ≥ INFO · +/no-such-thing/' and the keys that clear it."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        app: LogwatchApp = pilot.app  # type: ignore[assignment]
        await pilot.press("i")
        app.prompt_bar.query_one(Input).value = "no-such-thing"
        await pilot.press("enter", "plus")
        await quiet(pilot)

    assert snap_compare(make_app(), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_raw_lines(snap_compare, size) -> None:
    assert snap_compare(make_app(), terminal_size=size, run_before=press("r"))


def _days_app() -> LogwatchApp:
    return LogwatchApp(DAYS, use_watchdog=False, use_history=False)


async def _days_settle(pilot: Pilot) -> None:
    app: LogwatchApp = pilot.app  # type: ignore[assignment]
    await wait_for(pilot, lambda: app.caught_up and len(app.store) == 18)
    # the arrival rate settles at 0/s at the next tick (as in settle())
    if app.pipeline is not None:
        app.pipeline.stats.rate_window = 0.01
    await wait_for(
        pilot, lambda: app._latest_stats is not None and app._latest_stats.lines_per_sec == 0
    )
    app.query_one(StatsPanel).snapshot = app._latest_stats
    await pilot.wait_for_scheduled_animations()


@pytest.mark.parametrize("size", SIZES)
def test_merged_view_across_days_shows_the_date_change(snap_compare, size) -> None:
    """Two files over four days, merged: every row carries its date (11-18 … 11-22)."""
    assert snap_compare(_days_app(), terminal_size=size, run_before=_days_settle)
