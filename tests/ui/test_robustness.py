"""The app stays up and says what failed: mouse gestures, failing workers of every kind."""

from __future__ import annotations

from pathlib import Path

import pytest

from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.patterns import PatternsScreen

from .helpers import py_line, wait_for, wait_loaded


def write_log(path: Path, n: int) -> None:
    path.write_text(
        "".join(py_line("INFO", f"event {i}", when=1_763_600_000 + i) + "\n" for i in range(n))
    )


def toasts(app: LogwatchApp) -> list[str]:
    return [f"{n.title} {n.message}" for n in app._notifications]


async def test_double_and_triple_click_in_the_log_view_keep_the_app_running(
    tmp_path: Path,
) -> None:
    log = tmp_path / "app.log"
    write_log(log, 50)
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 50)
        assert await pilot.double_click("#log", offset=(10, 3))
        await pilot.pause()
        assert await pilot.triple_click("#log", offset=(10, 3))
        await pilot.pause()
        assert app.is_running
        assert app.return_code is None
        # the header, the stats and the alerts pane too
        for target in ("#header", "#stats", "#alerts"):
            assert await pilot.double_click(target, offset=(2, 1 if target != "#header" else 0))
            await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_choosing_a_pattern_is_not_a_mouse_selection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PatternsScreen's "collecting lines" flag once reused Screen._selecting, Textual's
    mouse-selection flag: choosing a pattern put the screen into drag-select mode."""
    import logwatch_tui.ui.screens.patterns as patterns

    monkeypatch.setattr(patterns, "SYNC_SELECT_LINES", 0)  # collect in the worker
    log = tmp_path / "app.log"
    write_log(log, 50)
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 50)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PatternsScreen))
        screen = app.screen
        await wait_for(pilot, lambda: screen.table.row_count > 0)
        selecting: list[bool] = []
        screen.watch(screen, "_selecting", lambda v: selecting.append(bool(v)), init=False)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, PatternsScreen))
        assert True not in selecting
        assert app.log_view.restriction is not None
