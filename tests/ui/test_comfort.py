"""At home for lnav users: key glyphs, first-key behaviour, honest states (issue 16)."""

from __future__ import annotations

from pathlib import Path

from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.alert_detail import AlertDetailScreen
from logwatch_tui.ui.screens.help import binding_rows
from logwatch_tui.ui.widgets.alerts_pane import AlertsPane
from logwatch_tui.ui.widgets.log_view import LogView

from .helpers import HIGH_ERROR_RATE, append, py_line, screen_rows, wait_for, wait_loaded


def write_log(path: Path, n: int, start: float = 1_763_600_000, step: float = 1) -> None:
    levels = ["INFO", "INFO", "DEBUG", "WARNING", "INFO", "ERROR", "INFO", "INFO", "DEBUG", "INFO"]
    path.write_text(
        "".join(
            py_line(levels[i % 10], f"event number {i:05d}", when=start + i * step) + "\n"
            for i in range(n)
        )
    )


def test_help_shows_keys_as_the_characters_they_type() -> None:
    keys = dict((desc, key) for key, desc in binding_rows(LogView.BINDINGS))
    assert keys["Next mark"] == "."
    assert keys["Prev mark"] == ","
    labels = " ".join(k for k, _ in binding_rows(LogwatchApp.BINDINGS))
    for raw in ("Full_Stop", "Comma", "Question_Mark", "Equals_Sign", "Slash", "_"):
        assert raw not in labels


async def test_tab_into_alerts_pane_then_enter_opens_the_first_alert(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("".join(py_line("ERROR", f"boom {i}") + "\n" for i in range(5)))
    app = LogwatchApp([str(log)], rules=[HIGH_ERROR_RATE], use_watchdog=False, use_history=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot, 5)
        await wait_for(pilot, lambda: len(app.book) > 0)
        await pilot.pause()
        await pilot.press("tab")
        assert isinstance(app.focused, AlertsPane)
        assert app.focused.highlighted == 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AlertDetailScreen))


# -- the log view: dates, raw lines, field columns, honest empty states, paused backlog ------

DAY = 86400.0


async def test_dates_show_when_the_lines_span_days_and_d_cycles_them(tmp_path: Path) -> None:
    one_day = tmp_path / "one.log"
    write_log(one_day, 20)
    app = LogwatchApp([str(one_day)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_loaded(pilot, 20)
        rows = [r for r in screen_rows(app.log_view) if r.strip()]
        assert rows[-1].startswith("00:53:39 "), rows[-1]  # time only: one day
        await pilot.press("d")  # auto -> on
        rows = [r for r in screen_rows(app.log_view) if r.strip()]
        assert rows[-1].startswith("11-20 00:53:39 ")
        await pilot.press("d")  # on -> off
        assert app.log_view.date_mode == "off"
        await pilot.press("d")  # back to auto
        assert app.log_view.date_mode == "auto"
    two_days = tmp_path / "two.log"
    write_log(two_days, 20, step=DAY / 4)  # 20 lines over 5 days
    app = LogwatchApp([str(two_days)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_loaded(pilot, 20)
        rows = [r for r in screen_rows(app.log_view) if r.strip()]
        assert rows[0].startswith("11-20 00:53:20 "), rows[0]
        assert rows[-1].startswith("11-24 18:53:20 "), rows[-1]
        assert app.header.zone == "UTC"


async def test_r_switches_between_parsed_columns_and_the_raw_line(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 10)
    raw_last = log.read_text().splitlines()[-1]
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(120, 24)) as pilot:
        await wait_loaded(pilot, 10)
        assert not screen_rows(app.log_view)[9].startswith(raw_last)
        await pilot.press("r")
        assert screen_rows(app.log_view)[9].startswith(raw_last)
        await pilot.press("r")
        assert screen_rows(app.log_view)[9].startswith("00:53:29 INFO ")


async def test_field_columns_show_the_logger_and_c_toggles_them(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(
        "".join(
            py_line("INFO", f"event {i}", when=1_763_600_000 + i, svc=("api.auth", "db")[i % 2])
            + "\n"
            for i in range(10)
        )
    )
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(160, 24)) as pilot:  # wide: on without asking
        await wait_loaded(pilot, 10)
        row = screen_rows(app.log_view)[9]
        assert row.startswith("00:53:29 INFO  db       event 9"), row
        await pilot.press("c")
        assert screen_rows(app.log_view)[9].startswith("00:53:29 INFO  event 9")
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(80, 24)) as pilot:  # narrow: off until asked
        await wait_loaded(pilot, 10)
        assert screen_rows(app.log_view)[9].startswith("00:53:29 INFO  event 9")
        await pilot.press("c")
        assert screen_rows(app.log_view)[8].startswith("00:53:28 INFO  api.auth event 8")


async def test_an_empty_filtered_view_says_why_and_which_key_clears_it(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 100)
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_loaded(pilot, 100)
        await pilot.press("i", *"no-such-thing", "enter")
        await wait_for(pilot, lambda: not app.log_view.rows)
        await pilot.press("plus")
        first, second = screen_rows(app.log_view)[:2]
        assert "0 of 100 lines match" in first, first
        assert "level ≥ INFO" in first and "/no-such-thing/" in first
        assert "clear with a (all levels), F (filters)" in second
        assert app.header.shown == "0 of 100 lines"


async def test_paused_following_counts_new_lines_and_G_resumes(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 50)
    app = LogwatchApp([str(log)], use_history=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_loaded(pilot, 50)
        await pilot.press("up")
        assert app.log_view.follow is False
        append(log, *(py_line("INFO", f"late {i}") for i in range(7)))
        await wait_for(pilot, lambda: app.header.new_lines == 7)
        await pilot.pause()
        assert "+7 new (G)" in app.header.render().plain
        await pilot.press("G")
        assert app.log_view.follow is True
        assert app.header.new_lines == 0
        assert "new" not in app.header.render().plain


# -- sources -----------------------------------------------------------------------------------


def _launch_sources(*specs: str) -> list[str]:
    """What `logwatch-tui SPEC…` hands the app (launch.py): files, then globs to watch."""
    from logwatch_tui.sources.specs import expand_specs

    paths, globs = expand_specs(list(specs))
    return paths + globs


async def test_a_glob_matching_one_file_counts_one_source(tmp_path: Path) -> None:
    write_log(tmp_path / "a.log", 5)
    app = LogwatchApp(_launch_sources(str(tmp_path / "*.log")), use_history=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_loaded(pilot, 5)
        assert app.header.sources == f"1 source ({tmp_path}/*.log)"
        write_log(tmp_path / "b.log", 3)
        await wait_for(pilot, lambda: len(app.store) >= 8, timeout=15)
        await wait_for(pilot, lambda: app.header.sources == f"2 sources ({tmp_path}/*.log)")


async def test_lines_read_before_a_second_file_appeared_get_the_source_column(
    tmp_path: Path,
) -> None:
    write_log(tmp_path / "a.log", 5)
    app = LogwatchApp(_launch_sources(str(tmp_path / "*.log")), use_history=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_loaded(pilot, 5)
        before = [r for r in screen_rows(app.log_view) if r.strip()]
        assert before[0].startswith("00:53:20 INFO  event"), before[0]
        (tmp_path / "b.log").write_text(py_line("ERROR", "from b", when=1_763_600_100) + "\n")
        await wait_for(pilot, lambda: len(app.store) >= 6, timeout=15)
        await pilot.pause()
        rows = [r for r in screen_rows(app.log_view) if r.strip()]
        assert rows[0].startswith("00:53:20 INFO  a.log event"), rows[0]
        assert rows[-1].startswith("00:55:00 ERROR b.log from b"), rows[-1]


# -- the alerts pane shows this run's rules and sources unless asked for all history -----------


async def test_alerts_pane_hides_other_runs_alerts_until_h(tmp_path: Path) -> None:
    from logwatch_tui.core.record import AlertEvent

    log = tmp_path / "app.log"
    write_log(log, 5)
    app = LogwatchApp([str(log)], rules=[HIGH_ERROR_RATE], use_watchdog=False, use_history=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot, 5)
        ours = AlertEvent(
            HIGH_ERROR_RATE.id, "High Error Rate", "firing", "error", 1.0, 3, source=str(log)
        )
        other_rule = AlertEvent(
            "disk-full", "Disk full", "firing", "critical", 2.0, 1, source=str(log)
        )
        other_file = AlertEvent(
            HIGH_ERROR_RATE.id,
            "High Error Rate",
            "firing",
            "error",
            3.0,
            9,
            source="/var/log/other.log",
        )
        for ev in (ours, other_rule, other_file):
            app.book.apply(ev, earlier_session=True)
        pane = app.alerts_pane
        pane.refresh_items(force=True)
        assert pane.option_count == 1
        assert "+2 other runs (h)" in str(pane.border_title)
        pane.focus()
        await pilot.press("h")
        assert pane.option_count == 3
        assert "all history (h)" in str(pane.border_title)
        await pilot.press("h")
        assert pane.option_count == 1


# -- rule editor: every problem in view at 80x24 ------------------------------------------------


async def test_invalid_rule_at_80x24_shows_every_problem(tmp_path: Path) -> None:
    from textual.app import App
    from textual.widgets import Input, Static

    from logwatch_tui.analysis.backtest import BacktestHistory
    from logwatch_tui.ui.screens.rule_editor import RuleEditor

    log = tmp_path / "app.log"
    write_log(log, 50)

    class Host(App[None]):
        def on_mount(self) -> None:
            self.push_screen(RuleEditor(None, history=BacktestHistory(paths=[str(log)])))

    app = Host()
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, RuleEditor))
        editor = app.screen
        editor.query_one("#f-name", Input).value = ""
        editor.query_one("#f-threshold", Input).value = "zero"
        await wait_for(pilot, lambda: len(editor.errors) == 2)
        await pilot.pause()
        status = str(editor.query_one("#status", Static).render())
        assert "2 problems to fix" in status and "name" in status and "threshold" in status, status
        form = editor.query_one("#form")
        visible = form.scrollable_content_region
        for key in ("name", "threshold"):
            msg = editor.query_one(f"#msg-{key}", Static)
            assert msg.region.height >= 1
            assert visible.contains_region(msg.region), (key, msg.region, visible)


async def test_marks_and_search_survive_a_merged_resort(tmp_path: Path) -> None:
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    write_log(a, 10)
    write_log(b, 10, start=1_763_600_100)
    app = LogwatchApp([str(a), str(b)], use_history=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 20)
        view = app.log_view
        await pilot.press("up", "m")
        assert view.marks
        marks = set(view.marks)
        await pilot.press("slash", *"event", "enter")
        await wait_for(pilot, lambda: "match" in app.header.search)
        generation = view._filter_generation
        # a line older than the newest shown row: the merged view re-sorts
        append(a, py_line("INFO", "late but old", when=1_763_600_050))
        await wait_for(pilot, lambda: view._filter_generation > generation, timeout=15)
        await pilot.pause()
        assert view.marks == marks
        assert view.search_rx is not None


# -- 80x24: room for messages, full level names, cuts marked ------------------------------------


async def test_at_80x24_the_side_column_is_narrow_and_level_names_are_whole(
    tmp_path: Path,
) -> None:
    from textual.geometry import Region

    from logwatch_tui.ui.widgets.stats_panel import StatsPanel

    log = tmp_path / "app.log"
    log.write_text(
        "".join(
            py_line(level, f"event {i} " + "with a long message that cannot fit " * 3) + "\n"
            for i, level in enumerate(["INFO", "DEBUG", "WARNING", "ERROR"] * 5)
        )
    )
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 20)
        side = app.query_one("#side")
        assert side.size.width <= 26, side.size.width  # was 32: ~48 columns left for messages
        assert app.log_view.size.width >= 80 - 26 - 1
        stats = app.query_one(StatsPanel)
        await wait_for(
            pilot,
            lambda: (
                "ERROR"
                in "".join(
                    seg.text
                    for strip in stats.render_lines(Region(0, 0, *stats.size))
                    for seg in strip
                )
            ),
        )
        text = "\n".join(
            "".join(seg.text for seg in strip)
            for strip in stats.render_lines(Region(0, 0, *stats.size))
        )
        assert "ERROR" in text and "DEBUG" in text, text
        assert "ERRO " not in text and "DEBU " not in text
        rows = screen_rows(app.log_view)
        assert any(row.rstrip().endswith("…") for row in rows), rows  # cut, and says so
