"""Pilot tests of the Patterns view on real files, driven through the real app.

The app does not open the view by itself yet (the lead wires the key), so the
tests push :class:`PatternsScreen` the way the app will, and a small app
subclass handles its messages the way the app is meant to: ``PatternChosen``
restricts the log view to the given lines.
"""

from __future__ import annotations

import re
from pathlib import Path

from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import DataTable

from logwatch_tui.analysis.pattern_index import PatternIndex
from logwatch_tui.ui import app as app_module
from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.patterns import PatternsScreen

from .helpers import SAMPLE, append, py_line, screen_rows, wait_for, wait_loaded

# 0-based store lines of fixtures/sample.log
CONNECTION_REFUSED = [25, 26, 27, 28, 29]  # the error and its 4-line traceback
SAMPLE_LINES = SAMPLE.read_text().splitlines()


def lines_with(text: str) -> list[int]:
    """The oracle: 0-based lines of the sample that contain ``text``."""
    return [i for i, line in enumerate(SAMPLE_LINES) if text in line]


PAYMENT_SETTLED = lines_with(" settled amount=")


class PatternsApp(LogwatchApp):
    """The real app, plus the handling of the Patterns view's messages."""

    CSS_PATH = Path(app_module.__file__).parent / "app.tcss"  # relative paths follow the subclass

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.chosen: list[PatternsScreen.PatternChosen] = []
        self.rule_requests: list[PatternsScreen.RuleFromPattern] = []
        self.index: PatternIndex | None = None

    def on_patterns_screen_pattern_chosen(self, message: PatternsScreen.PatternChosen) -> None:
        self.chosen.append(message)
        if hasattr(self.log_view, "set_restriction"):
            self.log_view.set_restriction(message.lines, message.template)

    def on_patterns_screen_rule_from_pattern(self, message: PatternsScreen.RuleFromPattern) -> None:
        self.rule_requests.append(message)

    def open_patterns(self) -> PatternsScreen:
        if self.index is None:  # one index for the app's lifetime, as the app will keep it
            self.index = PatternIndex(self.store, self._message_of)
        screen = PatternsScreen(self.index)
        self.push_screen(screen)
        return screen


async def open_view(pilot: Pilot, lines: int) -> PatternsScreen:
    app: PatternsApp = pilot.app  # type: ignore[assignment]
    await wait_loaded(pilot, lines)
    screen = app.open_patterns()
    await wait_for(pilot, lambda: app.screen is screen and screen.index.mined >= lines)
    await wait_for(pilot, lambda: screen.table.row_count > 0)
    await pilot.pause()
    return screen


def table_texts(screen: PatternsScreen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def select(pilot: Pilot, screen: PatternsScreen, template: str) -> None:
    """Move the cursor to the row of ``template`` with the arrow keys."""
    row = next(i for i, tid in enumerate(screen._order) if screen._rows[tid].text == template)
    await pilot.press("home")
    await pilot.press(*(["down"] * row))
    assert screen._selected_id() == screen._order[row]


async def test_lists_templates_ranked_with_counts_and_levels() -> None:
    app = PatternsApp([str(SAMPLE)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_view(pilot, 51)
        rows = table_texts(screen)
        by_template = {r[-1]: r for r in rows}
        assert len(rows) == 11
        assert rows[0][-1] == "payment <*> settled amount=<*>"
        assert [r[0] for r in rows] == [str(i) for i in range(1, 12)]
        counts = [int(r[1]) for r in rows]
        assert counts == sorted(counts, reverse=True) and sum(counts) == 47
        settled = by_template["payment <*> settled amount=<*>"]
        assert settled[1:3] == ["10", "21%"]
        assert settled[4:7] == ["10:00:26", "10:01:25", "I10"]  # first, last (log time, UTC)
        assert by_template["payment <*> failed: upstream timeout"][6] == "E4"
        assert by_template["disk full on <*>"][6] == "C1"
        # the rate is relative to the newest record, so an old file still shows it
        assert settled[3].strip() != ""
        # markup in log text is shown as text, never interpreted
        assert "odd input [bold]x[/] and [@click=<*>]q[/]" in by_template


async def test_enter_filters_the_log_view_to_exactly_that_patterns_lines() -> None:
    app = PatternsApp([str(SAMPLE)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_view(pilot, 51)
        await select(pilot, screen, "connection refused by <*>")
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.chosen) and app.screen is not screen)
        msg = app.chosen[0]
        assert msg.template == "connection refused by <*>"
        assert list(msg.lines) == CONNECTION_REFUSED
        assert SAMPLE_LINES[25].endswith("connection refused by 10.0.3.12:5432")
        assert hasattr(app.log_view, "set_restriction"), "LogView.set_restriction is missing"
        view = app.log_view
        await wait_for(pilot, lambda: list(view.rows) == CONNECTION_REFUSED)
        shown = [r for r in screen_rows(view) if r.strip()]
        assert len(shown) == 5
        assert "connection refused by 10.0.3.12:5432" in shown[0]
        assert shown[-1].strip() == "app.db.PoolExhausted: pool exhausted"


async def test_choosing_again_picks_another_pattern_and_counts_match() -> None:
    app = PatternsApp([str(SAMPLE)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_view(pilot, 51)
        await select(pilot, screen, "payment <*> settled amount=<*>")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.chosen) == 1)
        assert list(app.chosen[0].lines) == PAYMENT_SETTLED
        await wait_for(pilot, lambda: list(app.log_view.rows) == PAYMENT_SETTLED)
        # a second opening reuses the index: nothing to mine, same table at once
        mined = app.index.records if app.index else 0
        screen2 = app.open_patterns()
        await wait_for(pilot, lambda: app.screen is screen2 and screen2.table.row_count == 11)
        assert app.index is not None and app.index.records == mined == 47
        await select(pilot, screen2, "heartbeat seq=<*>")
        await pilot.press("enter")
        await wait_for(pilot, lambda: len(app.chosen) == 2)
        lines = list(app.chosen[1].lines)
        assert lines == lines_with(" - DEBUG - heartbeat seq=")
        await wait_for(pilot, lambda: list(app.log_view.rows) == lines)


async def test_r_opens_a_prefilled_rule_editor_and_escape_goes_back(tmp_path: Path) -> None:
    from logwatch_tui.ui.screens.rule_editor import RuleEditor

    app = LogwatchApp(
        [str(SAMPLE)], use_watchdog=False, use_history=False, rules_path=tmp_path / "rules.toml"
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 51)
        await pilot.press("P")
        await wait_for(pilot, lambda: isinstance(app.screen, PatternsScreen))
        screen = app.screen
        await wait_for(
            pilot, lambda: any("payment <*> failed" in r[-1] for r in table_texts(screen))
        )
        await select(pilot, screen, "payment <*> failed: upstream timeout")
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, RuleEditor))
        editor = app.screen
        match = editor.query_one("#f-match").value
        assert re.search(match, "payment 0a90 failed: upstream timeout")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen)  # back on the patterns view
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is not screen)
        assert len(app.log_view.rows) == 51  # nothing restricted
        assert not (tmp_path / "rules.toml").exists()  # cancelled: nothing saved


async def test_new_lines_are_counted_while_the_view_is_open(tmp_path: Path) -> None:
    log = tmp_path / "live.log"
    log.write_text(SAMPLE.read_text())
    app = PatternsApp([str(log)], use_history=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_view(pilot, 51)
        before = {r[-1]: int(r[1]) for r in table_texts(screen)}
        assert before["cache warmed: <*> keys"] == 8
        append(log, *(py_line("INFO", f"cache warmed: {n} keys") for n in (5, 6, 7)))
        append(log, py_line("ERROR", "brand new failure in module z"))

        def counted() -> bool:
            now = {r[-1]: r[1] for r in table_texts(screen)}
            return now.get("cache warmed: <*> keys") == "11" and any(
                "brand new failure" in t for t in now
            )

        await wait_for(pilot, counted, timeout=15)
        assert screen.index.records == 51
        assert screen.index.mined == len(app.store) == 55


async def test_narrow_screen_ellipsises_long_templates_and_hostile_text(tmp_path: Path) -> None:
    log = tmp_path / "odd.log"
    long_words = " ".join(f"word{chr(97 + i % 26)}x" for i in range(60))
    log.write_text(
        "\n".join(
            [
                py_line("INFO", "plain " + long_words, when=1_763_600_000),
                py_line(
                    "WARNING",
                    "ansi \x1b[2J\x1b]52;c;aGk=\x07 bell \x07 nul \x00 end",
                    1_763_600_001,
                ),
                py_line("ERROR", "markup [/foo] [@click=app.quit]q[/]", when=1_763_600_002),
            ]
        )
        + "\n"
    )
    app = PatternsApp([str(log)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_view(pilot, 3)
        table = screen.query_one(DataTable)
        template_col = table.ordered_columns[-1]
        rows = table_texts(screen)
        assert len(rows) == 3
        templates = [r[-1] for r in rows]
        long_one = next(t for t in templates if t.startswith("plain "))
        assert long_one.endswith("\u2026") and len(long_one) == template_col.width
        # the whole table fits the screen: the template column takes the rest
        total = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert total <= 80
        joined = "".join(templates)
        assert "\x1b" not in joined and "\x07" not in joined and "\x00" not in joined
        assert "markup [<*>] [@click=<*>]q[/]" in templates  # text, not markup
        # the screen still renders and the app still runs
        await pilot.press("down", "down")
        assert app.is_running


async def test_command_palette_offers_the_views_actions() -> None:
    app = PatternsApp([str(SAMPLE)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_view(pilot, 51)
        await select(pilot, screen, "disk full on <*>")
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"rule from this pattern")
        palette = app.screen
        await wait_for(
            pilot,
            lambda: any(
                "rule from this pattern" in str(opt.prompt)
                for opt in palette.query_one(CommandList).options
            ),
        )
        await pilot.press("enter")
        await wait_for(pilot, lambda: bool(app.rule_requests))
        assert app.rule_requests[0].template == "disk full on <*>"
        assert app.rule_requests[0].sample_message == "disk full on /var/lib/app"
