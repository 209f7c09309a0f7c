"""What opening each modal costs, counted rather than timed (issue 16: modals open in ≤ 200 ms).

Open times are measured by ``benchmarks/modals.py``; these tests pin the
*work* an opening does, so a change that makes a modal slow again fails here
on any machine: how many widgets it builds, how many style passes Textual
runs while it opens (a class set after mounting restyles the whole screen),
how many screen lines it renders (only the visible ones), how often it reads
the store, and which thread counts or mines over all the rows. Counters wrap
the real objects (the app's stylesheet, its store, the real functions); the
app runs on real files.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, Select
from textual.widgets import ProgressBar as TextualProgressBar

from logwatch_tui.core.rules import load_rules
from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.confirm import ConfirmScreen
from logwatch_tui.ui.screens.help import HelpScreen
from logwatch_tui.ui.screens.histogram import HistogramScreen
from logwatch_tui.ui.screens.patterns import PatternsScreen
from logwatch_tui.ui.screens.record_detail import MAX_DETAIL_CHARS, RecordDetail, RecordDetailScreen
from logwatch_tui.ui.screens.rule_editor import EDITOR_SCREEN, RuleEditor
from logwatch_tui.ui.screens.rules import RulesScreen
from logwatch_tui.ui.widgets.histogram_view import HistogramView
from logwatch_tui.ui.widgets.key_table import KeyTable

from .helpers import py_line, wait_for, wait_loaded

T0 = 1_795_168_800  # 2026-11-20 10:00:00 UTC
LINES = 3000
MEGABYTE = 1024 * 1024

EDITOR_WIDGETS = 50
"""The rule editor was 121 widgets (0.65–5 s to open); it is 42 now."""
STYLE_PASSES_PER_WIDGET = 3
"""Textual styles each new widget when it mounts and again when its screen resumes (about
2.3 passes per widget of the editor today); a class set on the screen after mounting, or a
focus change on the form's container, restyles all of it once more and goes past this."""

RULES = """
[[rules]]
name = "High error rate"
level = "error"
threshold = 50
window = "1m"

[[rules]]
name = "Payment failures"
match = "payment \\\\S+ failed"
threshold = 5
window = "5m"
"""


def write_logs(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A log of LINES ordinary lines, a file holding one 1 MB line, and a rules file."""
    log = tmp_path / "app.log"
    levels = ["INFO", "INFO", "DEBUG", "WARNING", "ERROR"]
    log.write_text(
        "".join(
            py_line(levels[i % 5], f"payment {i:05d} failed for user u{i % 7}", T0 + i) + "\n"
            for i in range(LINES)
        )
    )
    huge = tmp_path / "huge.log"
    huge.write_text(py_line("ERROR", "x" * MEGABYTE, T0 + LINES + 10) + "\n")
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    return log, huge, rules


def make_app(tmp_path: Path) -> LogwatchApp:
    log, huge, rules = write_logs(tmp_path)
    return LogwatchApp(
        [str(log), str(huge)],
        rules=load_rules(rules),
        rules_path=rules,
        use_history=False,
        use_watchdog=False,
    )


@contextmanager
def counting_style_passes(app: LogwatchApp, kind: type) -> Iterator[list[int]]:
    """Count how often widgets of a ``kind`` screen (or not attached yet) are styled.

    Wraps the app's real stylesheet. Component-class pseudo nodes and the other
    screens (their footers refresh on every screen change) are left out.
    """
    sheet = app.stylesheet
    real = sheet.apply
    count = [0]

    def apply(node: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(node, Widget) and (not node.is_attached or isinstance(node.screen, kind)):
            count[0] += 1
        return real(node, *args, **kwargs)

    sheet.apply = apply  # type: ignore[method-assign]
    try:
        yield count
    finally:
        del sheet.apply  # back to the class's method


@contextmanager
def counting_calls(
    obj: Any, name: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[tuple[threading.Thread, tuple]]]:
    """Record the thread and arguments of each call of ``obj.name`` while the block runs."""
    real = getattr(obj, name)
    calls: list[tuple[threading.Thread, tuple]] = []
    recording = [True]

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if recording[0]:
            calls.append((threading.current_thread(), args))
        return real(*args, **kwargs)

    monkeypatch.setattr(obj, name, wrapper)
    try:
        yield calls
    finally:
        recording[0] = False


async def open_modal(pilot: Pilot, key: str, kind: type) -> Any:
    """Press ``key`` like a person and wait until the screen is mounted and drawn."""
    app = pilot.app
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(app.screen, kind) and app.screen.is_mounted)
    await pilot.pause()
    return app.screen


def widget_count(screen: Any) -> int:
    return sum(1 for _ in screen.walk_children())


def rendered_rows(monkeypatch: pytest.MonkeyPatch, cls: type) -> set[int]:
    """Record which content lines (scroll offset + row) instances of ``cls`` render."""
    rows: set[int] = set()
    real = cls.render_line

    def render_line(self: Any, y: int) -> Any:
        rows.add(self.scroll_offset.y + y)
        return real(self, y)

    monkeypatch.setattr(cls, "render_line", render_line)
    return rows


async def loaded(pilot: Pilot) -> LogwatchApp:
    """All lines in, and the rule editor built ahead (as the app does once idle): what
    an opening costs is measured without that build landing in the middle of it."""
    app: LogwatchApp = pilot.app  # type: ignore[assignment]
    await wait_loaded(pilot, LINES + 1)
    await wait_for(pilot, lambda: editor_prebuilt(app))
    return app


def editor_prebuilt(app: LogwatchApp) -> bool:
    if not app.is_screen_installed(EDITOR_SCREEN):
        return False
    editor = app.get_screen(EDITOR_SCREEN)
    return editor.is_mounted and bool(editor.query("#f-name"))


async def select_line(pilot: Pilot, predicate: Callable[[int], bool]) -> int:
    """Put the cursor on the first store line ``predicate`` accepts."""
    app: LogwatchApp = pilot.app  # type: ignore[assignment]
    line = next(i for i in range(len(app.store)) if predicate(i))
    await wait_for(pilot, lambda: app.log_view.move_to_line(line))
    await pilot.pause()
    assert app.log_view.cursor_line == line
    return line


# -- rule editor --------------------------------------------------------------------------------


async def test_new_rule_from_a_line_builds_a_small_form_and_reads_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 48)) as pilot:
        await loaded(pilot)
        await select_line(pilot, lambda i: app.store.lengths[i] < 1000)
        with (
            counting_calls(app.store, "text", monkeypatch) as texts,
            counting_calls(app.store, "iter_text_blocks", monkeypatch) as blocks,
            counting_style_passes(app, RuleEditor) as passes,
        ):
            editor = await open_modal(pilot, "A", RuleEditor)
            widgets = widget_count(editor)
        assert widgets <= EDITOR_WIDGETS, widgets
        assert passes[0] <= STYLE_PASSES_PER_WIDGET * widgets, (passes[0], widgets)
        # the selected line is read once; the backtest reads the files in its worker
        assert len(texts) + len(blocks) <= 1, (texts, blocks)
        assert not editor.query(Select), "a Select builds nine widgets: use Choice"
        assert not editor.query(TextualProgressBar)
        assert not editor.query("#f-opt--factor, #f-opt--baseline, #f-opt--learn")
        assert "payment" in editor.query_one("#f-match", Input).value


async def test_new_rule_from_the_megabyte_line_gets_a_short_suggestion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await select_line(pilot, lambda i: app.store.lengths[i] > MEGABYTE)
        with counting_style_passes(app, RuleEditor) as passes:
            editor = await open_modal(pilot, "A", RuleEditor)
            widgets = widget_count(editor)
        assert widgets <= EDITOR_WIDGETS
        assert passes[0] <= STYLE_PASSES_PER_WIDGET * widgets, (passes[0], widgets)
        assert len(editor.query_one("#f-name", Input).value) <= 100
        assert len(editor.query_one("#f-match", Input).value) <= 400


async def test_editing_a_rule_builds_a_small_form(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await open_modal(pilot, "R", RulesScreen)
        with counting_style_passes(app, RuleEditor) as passes:
            editor = await open_modal(pilot, "e", RuleEditor)
            widgets = widget_count(editor)
        assert widgets <= EDITOR_WIDGETS, widgets
        assert passes[0] <= STYLE_PASSES_PER_WIDGET * widgets, (passes[0], widgets)
        assert editor.query_one("#f-name", Input).value == "High error rate"
        assert app.focused is editor.query_one("#f-name", Input)


async def test_delete_confirm_is_a_handful_of_widgets(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await open_modal(pilot, "R", RulesScreen)
        with counting_style_passes(app, ConfirmScreen) as passes:
            confirm = await open_modal(pilot, "x", ConfirmScreen)
            widgets = widget_count(confirm)
        assert widgets <= 6, widgets
        # its buttons restyle when they take and give up focus: 4 passes each today
        assert passes[0] <= 5 * widgets, (passes[0], widgets)
        assert app.focused is confirm.query_one("#no")


# -- record detail ------------------------------------------------------------------------------


async def test_detail_on_a_megabyte_line_renders_only_the_lines_on_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = rendered_rows(monkeypatch, RecordDetail)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        line = await select_line(pilot, lambda i: app.store.lengths[i] > MEGABYTE)
        screen = await open_modal(pilot, "enter", RecordDetailScreen)
        detail = screen.query_one(RecordDetail)
        # what reaches the widget is cut (title, message and raw record: each ≤ the cap)
        assert app.store.lengths[line] > MEGABYTE
        assert len(detail.text().plain) <= 3 * MAX_DETAIL_CHARS + 2000
        assert len(detail.screen_lines()) > detail.size.height  # it scrolls…
        assert rows and max(rows) < detail.size.height + 2, (max(rows), detail.size.height)
        rows.clear()
        await pilot.press("end")  # …and the end is drawn when scrolled to
        await pilot.pause()
        assert max(rows) >= len(detail.screen_lines()) - 2


# -- histogram ----------------------------------------------------------------------------------


async def test_histogram_screen_is_up_before_the_rows_are_counted_in_a_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import logwatch_tui.ui.widgets.histogram_view as hv

    monkeypatch.setattr(hv, "SYNC_LIMIT", 100)  # the test's store counts as big
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        with counting_calls(hv, "histogram", monkeypatch) as counts:
            await pilot.press("H")
            await wait_for(
                pilot, lambda: isinstance(app.screen, HistogramScreen) and app.screen.is_mounted
            )
            view = app.screen.query_one(HistogramView)
            await wait_for(pilot, lambda: view.hist is not None and not view.computing)
        assert counts and all(t is not threading.main_thread() for t, _ in counts)
        assert view.hist.total() == len(app.log_view.rows)


# -- help ---------------------------------------------------------------------------------------


async def test_help_renders_only_the_rows_on_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = rendered_rows(monkeypatch, KeyTable)
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        screen = await open_modal(pilot, "question_mark", HelpScreen)
        table = screen.query_one(KeyTable)
        assert widget_count(screen) <= 3
        assert len(screen.rows()) > 3 * table.size.height  # long enough to need it
        assert rows and max(rows) < table.size.height + 2, (max(rows), table.size.height)


# -- patterns -----------------------------------------------------------------------------------


async def test_patterns_mine_in_a_worker_after_the_screen_is_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from logwatch_tui.analysis.pattern_index import PatternIndex

    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        with counting_calls(PatternIndex, "update", monkeypatch) as mined:
            await pilot.press("P")
            await wait_for(
                pilot, lambda: isinstance(app.screen, PatternsScreen) and app.screen.is_mounted
            )
            screen = app.screen
            widgets = widget_count(screen)
            await wait_for(pilot, lambda: screen.index.records > 0)
        assert widgets <= 12, widgets
        assert not screen.query(TextualProgressBar)
        assert mined and all(t is not threading.main_thread() for t, _ in mined)


async def test_reopening_the_editor_reuses_it_with_nothing_left_from_before(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await open_modal(pilot, "R", RulesScreen)
        first = await open_modal(pilot, "e", RuleEditor)
        built = widget_count(first)
        # leave it broken: an error under a field, Save disabled, a spike option typed
        first.query_one("#f-window", Input).value = "5x"
        first.query_one("#f-name", Input).value = "Changed"
        await wait_for(pilot, lambda: "window" in first.errors)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, RulesScreen))
        await pilot.press("down")
        with counting_style_passes(app, RuleEditor) as passes:
            second = await open_modal(pilot, "e", RuleEditor)
        assert second is first  # built once, refilled
        assert widget_count(second) <= built + 2
        # restyled once as its screen resumes, not built (building styles each widget ~2.3x)
        assert passes[0] < 2 * widget_count(second), passes[0]
        assert second.query_one("#f-name", Input).value == "Payment failures"
        assert second.query_one("#f-window", Input).value == "5m"
        assert second.errors == {} and not second.query_one("#save").disabled
        assert not second.query_one("#msg-window").has_class("-error")
        assert app.focused is second.query_one("#f-name", Input)
        await wait_for(pilot, lambda: second.backtest_settled and second.backtest_rule is not None)
        assert second.backtest_rule.name == "Payment failures"
        await pilot.press("ctrl+s")  # unchanged: saves the identical rule
        await wait_for(pilot, lambda: isinstance(app.screen, RulesScreen))
        assert [r.name for r in app.rules] == ["High error rate", "Payment failures"]


async def test_the_editor_is_built_while_idle_and_its_first_opening_only_refills_it(
    tmp_path: Path,
) -> None:
    """Once the app has caught up, the rule editor is built without being shown; it
    runs no backtest while hidden, and the first ``A`` restyles it once (no build)
    and then backtests the rule it was opened with."""
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        prebuilt = app.get_screen(EDITOR_SCREEN)
        assert prebuilt not in app.screen_stack
        await pilot.pause()
        assert not [w for w in app.workers if w.group == "backtest"]
        await select_line(pilot, lambda i: "payment" in app.store.text(i))
        with counting_style_passes(app, RuleEditor) as passes:
            editor = await open_modal(pilot, "A", RuleEditor)
        assert editor is prebuilt
        assert passes[0] < 2 * widget_count(editor), passes[0]
        assert "payment" in editor.query_one("#f-match", Input).value
        await wait_for(pilot, lambda: editor.backtest_settled and editor.backtest_rule is not None)
        assert "payment" in editor.backtest_rule.match


async def test_a_new_rule_right_after_start_up_opens_before_the_editor_is_built_ahead(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, LINES + 1)
        editor = await open_modal(pilot, "A", RuleEditor)
        assert editor.query_one("#f-name", Input).value
        await wait_for(pilot, lambda: editor.backtest_settled)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, RuleEditor))
        app.rule_editing.prebuild()  # (what the app's timer calls) keeps the one built
        await pilot.pause()
        assert app.get_screen(EDITOR_SCREEN) is editor
