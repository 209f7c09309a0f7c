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


# -- failing workers: the app stays up, says what failed, and is not left half-busy ------------


class Boom(RuntimeError):
    pass


def _boom(*args: object, **kwargs: object) -> None:
    raise Boom("disk on fire")


async def _loaded_app(tmp_path: Path, pilot_size=(80, 24), **kwargs):
    log = tmp_path / "app.log"
    write_log(log, 60)
    return LogwatchApp([str(log)], use_watchdog=False, use_history=False, **kwargs)


def _said(app: LogwatchApp, what: str) -> bool:
    return any(what in t and "disk on fire" in t for t in toasts(app))


async def test_a_failing_search_is_reported_and_the_header_is_not_left_at_a_percentage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logwatch_tui.ui.investigate as investigate

    monkeypatch.setattr(investigate, "find_matches", _boom)
    app = await _loaded_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 60)
        await pilot.press("slash", *"event", "enter")
        await wait_for(pilot, lambda: _said(app, "Search failed"))
        assert app.is_running and app.return_code is None
        assert app.header.search == "/event failed"
        assert app.log_view.search_rx is None
        # a later search still works
        monkeypatch.undo()
        await pilot.press("slash", *"event 5", "enter")
        await wait_for(pilot, lambda: "match" in app.header.search)


async def test_a_failing_export_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logwatch_tui.ui.investigate as investigate

    monkeypatch.setattr(investigate, "export_lines", _boom)
    app = await _loaded_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 60)
        await pilot.press("X", *str(tmp_path / "out.log"), "enter")
        await wait_for(pilot, lambda: _said(app, "Export failed"))
        assert app.is_running and app.return_code is None


async def test_a_failing_rules_reload_is_reported_and_the_next_change_reloads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logwatch_tui.ui.rule_editing as rule_editing

    rules = tmp_path / "rules.toml"
    rules.write_text('[[rules]]\nname = "one"\nmatch = "x"\n')
    real_load = rule_editing.load_rules
    monkeypatch.setattr(rule_editing, "load_rules", _boom)
    app = await _loaded_app(tmp_path, rules_path=rules)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 60)
        rules.write_text('[[rules]]\nname = "one"\nmatch = "xy"\n')
        app.rule_editing.check_file()
        await wait_for(pilot, lambda: _said(app, "Rules reload failed"))
        assert app.is_running and app.return_code is None
        assert app.rule_editing._reloading is False
        monkeypatch.setattr(rule_editing, "load_rules", real_load)
        rules.write_text('[[rules]]\nname = "two"\nmatch = "xyz"\n')
        app.rule_editing.check_file()
        await wait_for(pilot, lambda: [r.name for r in app.rules] == ["two"])


async def test_a_failing_histogram_count_is_reported_on_screen_and_as_a_toast(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logwatch_tui.ui.widgets.histogram_view as histogram_view
    from logwatch_tui.ui.screens.histogram import HistogramScreen
    from logwatch_tui.ui.widgets.histogram_view import HistogramView

    monkeypatch.setattr(histogram_view, "SYNC_LIMIT", 0)  # count in the worker, as for 5M lines
    monkeypatch.setattr(histogram_view, "histogram", _boom)
    app = await _loaded_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 60)
        await pilot.press("H")
        await wait_for(pilot, lambda: _said(app, "Histogram failed"))
        assert app.is_running and app.return_code is None
        assert isinstance(app.screen, HistogramScreen)
        view = app.screen.query_one(HistogramView)
        await wait_for(pilot, lambda: not view.computing)
        text = "".join(s.text for s in view.render_line(0))
        assert "counting failed" in text and "disk on fire" in text
        await pilot.press("escape")
        assert app.is_running


async def test_a_failing_test_notification_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logwatch_tui.notify as notify

    monkeypatch.setattr(notify, "notify_test", _boom)
    app = await _loaded_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 60)
        app.action_notify_test("ops")
        await wait_for(pilot, lambda: _said(app, "Test notification failed"))
        assert app.is_running and app.return_code is None


async def test_a_failing_filter_worker_is_reported_and_the_view_stops_filtering(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logwatch_tui.ui.widgets.log_view as log_view
    from logwatch_tui.core.rowquery import RowQuery

    app = await _loaded_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 60)
        monkeypatch.setattr(log_view, "SYNC_FILTER_LIMIT", 0)
        monkeypatch.setattr(RowQuery, "rows", _boom)
        await pilot.press("2")  # hide DEBUG: refilter in the worker
        await wait_for(pilot, lambda: _said(app, "Filtering failed"))
        assert app.is_running and app.return_code is None
        assert app.log_view.filtering is False
