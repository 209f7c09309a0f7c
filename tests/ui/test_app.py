"""Pilot tests on real files: open, follow, filter, jump, alerts, safety."""

from __future__ import annotations

from pathlib import Path

from logwatch_tui.core.levels import Level
from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.alert_detail import AlertDetailScreen
from logwatch_tui.ui.screens.help import HelpScreen
from logwatch_tui.ui.widgets.status_header import StatusHeader

from .helpers import HIGH_ERROR_RATE, append, py_line, screen_rows, wait_for, wait_loaded


def write_log(path: Path, n: int) -> None:
    levels = ["INFO", "INFO", "DEBUG", "WARNING", "INFO", "ERROR", "INFO", "INFO", "DEBUG", "INFO"]
    path.write_text(
        "".join(
            py_line(levels[i % 10], f"event number {i:05d}", when=1_763_600_000 + i) + "\n"
            for i in range(n)
        )
    )


async def test_opens_on_newest_lines(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 500)
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 500)
        view = app.log_view
        rows = screen_rows(view)
        assert any("event number 00499" in r for r in rows), rows
        assert not any("event number 00000" in r for r in rows)
        assert view.follow is True
        assert app.query_one(StatusHeader).format_name == "python"


async def test_appended_lines_appear_and_follow(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 100)
    app = LogwatchApp([str(log)])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 100)
        append(log, py_line("INFO", "brand new line one"), py_line("INFO", "brand new line two"))
        await wait_for(pilot, lambda: len(app.store) >= 102)
        await pilot.pause()
        rows = screen_rows(app.log_view)
        assert any("brand new line two" in r for r in rows)
        assert app.log_view.cursor == len(app.log_view.rows) - 1


async def test_level_keys_hide_and_show_exact_lines(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 100)  # per 10 lines: 6 INFO, 2 DEBUG, 1 WARNING, 1 ERROR
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 100)
        view = app.log_view
        assert len(view.rows) == 100
        await pilot.press("2")  # DEBUG off
        assert len(view.rows) == 80
        assert all(view.store.levels[i] != Level.DEBUG for i in view.rows)
        await pilot.press("3")  # INFO off
        assert len(view.rows) == 20
        header = app.query_one(StatusHeader)
        assert header.hidden == frozenset({Level.DEBUG, Level.INFO})
        await pilot.press("2", "3")  # both back
        assert len(view.rows) == 100
        await pilot.press("plus")  # the first + hides TRACE and DEBUG in one step
        assert view.min_level == Level.INFO
        assert len(view.rows) == 80
        assert app.query_one(StatusHeader).min_level == Level.INFO
        await pilot.press("plus")  # minimum level WARNING
        assert view.min_level == Level.WARNING
        assert len(view.rows) == 20
        assert {view.store.levels[i] for i in view.rows} == {Level.WARNING, Level.ERROR}
        await pilot.press("plus")
        assert len(view.rows) == 10
        await pilot.press("minus")
        assert len(view.rows) == 20
        await pilot.press("a")
        assert len(view.rows) == 100


async def test_next_and_previous_error_and_warning(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 50)  # errors at 5, 15, 25…; warnings at 3, 13, 23…
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 50)
        view = app.log_view
        await pilot.press("g")
        assert view.cursor_line == 0
        assert view.follow is False
        await pilot.press("e")
        assert view.cursor_line == 5
        await pilot.press("e")
        assert view.cursor_line == 15
        await pilot.press("E")
        assert view.cursor_line == 5
        await pilot.press("w")
        assert view.cursor_line == 13
        await pilot.press("W")
        assert view.cursor_line == 3


async def test_follow_pauses_on_scroll_up_and_resumes_with_end(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 200)
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 200)
        view = app.log_view
        header = app.query_one(StatusHeader)
        await pilot.press("up", "up")
        assert view.follow is False
        await pilot.pause()
        assert header.follow is False
        selected = view.cursor_line
        append(log, py_line("INFO", "arrived while paused"))
        await wait_for(pilot, lambda: len(app.store) >= 201)
        await pilot.pause()
        assert view.cursor_line == selected  # selection did not move
        assert not any("arrived while paused" in r for r in screen_rows(view))
        await pilot.press("G")
        assert view.follow is True
        await pilot.pause()
        assert header.follow is True
        assert any("arrived while paused" in r for r in screen_rows(view))


async def test_alert_fires_on_appended_errors_with_toast(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 10)
    app = LogwatchApp([str(log)], rules=[HIGH_ERROR_RATE])
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_loaded(pilot, 10)
        assert not any(it.firing and not it.from_history for it in app.book)
        append(log, *(py_line("ERROR", f"payment {i} failed: upstream timeout") for i in range(3)))
        await wait_for(pilot, lambda: any(it.firing and not it.from_history for it in app.book))
        item = next(iter(app.book))
        assert item.name == "High Error Rate"
        assert item.count == 3
        await wait_for(pilot, lambda: any("High Error Rate" in n.title for n in app._notifications))
        note = next(n for n in app._notifications if "High Error Rate" in n.title)
        assert note.severity == "error"
        assert note.markup is False
        pane = app.query_one("#alerts")
        await wait_for(pilot, lambda: pane.option_count >= 1)  # panels refresh at 4 Hz
        assert "High Error Rate" in str(pane.get_option_at_index(0).prompt)
        pane.focus()
        pane.highlighted = 0
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, AlertDetailScreen))
        assert app.screen.item.uid == item.uid


async def test_markup_and_escapes_render_literally(tmp_path: Path) -> None:
    log = tmp_path / "evil.log"
    payloads = [
        "[bold]x[/]",
        "[/foo]",
        "[@click=app.quit]q[/]",
        "clear \x1b[2J screen",
        "clip \x1b]52;c;aGVsbG8=\x07 board",
        "bell \x07 nul \x00 end",
    ]
    log.write_text("".join(py_line("INFO", p, when=1_763_600_000) + "\n" for p in payloads))
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(120, 24)) as pilot:
        await wait_loaded(pilot, len(payloads))
        view = app.log_view
        strips = [view.render_line(y) for y in range(view.scrollable_content_region.height)]
        text = "\n".join("".join(s.text for s in strip) for strip in strips)
        assert "[bold]x[/]" in text
        assert "[/foo]" in text
        assert "[@click=app.quit]q[/]" in text
        for strip in strips:
            for seg in strip:
                assert "\x1b" not in seg.text and "\x07" not in seg.text and "\x00" not in seg.text
                assert not (seg.style and seg.style.meta and "@click" in seg.style.meta)
        assert "␛[2J" in text
        # clicking the would-be link does nothing: the app is still running
        await pilot.click("#log", offset=(40, 2))
        await pilot.pause()
        assert app.is_running


async def test_help_screen_lists_bindings(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 5)
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot, 5)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_side_panel_toggles(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 5)
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot, 5)
        side = app.query_one("#side")
        assert side.display
        width_with = app.log_view.size.width
        await pilot.press("s")
        await pilot.pause()
        assert not side.display
        assert app.log_view.size.width > width_with


async def test_unknown_theme_falls_back_with_message(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 5)
    app = LogwatchApp([str(log)], use_watchdog=False, theme="no-such-theme")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_loaded(pilot, 5)
        assert app.theme == "logwatch"
        assert any("unknown theme 'no-such-theme'" in n.message for n in app._notifications)


async def test_theme_choice_persists_and_broken_config_is_never_overwritten(tmp_path: Path) -> None:
    import tomllib

    from logwatch_tui.config import AppConfig

    log = tmp_path / "app.log"
    write_log(log, 5)
    cfg_path = tmp_path / "config.toml"
    cfg_path.write_text('[notifiers.x]\ntype = "desktop"\n')
    app = LogwatchApp([str(log)], use_watchdog=False, config=AppConfig(path=cfg_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_loaded(pilot, 5)
        assert "logwatch-light" in app.available_themes
        app.theme = "logwatch-light"
        await pilot.pause()
    saved = tomllib.loads(cfg_path.read_text())
    assert saved["ui"]["theme"] == "logwatch-light"
    assert saved["notifiers"]["x"]["type"] == "desktop"  # the rest is kept
    broken = '[ui\ntheme = "x"\n'
    cfg_path.write_text(broken)
    app = LogwatchApp([str(log)], use_watchdog=False, config=AppConfig(path=cfg_path))
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await wait_loaded(pilot, 5)
        app.theme = "logwatch-light"
        await wait_for(
            pilot, lambda: any("theme not saved" in n.message for n in app._notifications)
        )
        note = next(n for n in app._notifications if "theme not saved" in n.message)
        assert f"{cfg_path}:1" in note.message
    assert cfg_path.read_text() == broken


async def test_file_that_does_not_exist_yet_is_waited_for(tmp_path: Path) -> None:
    log = tmp_path / "later.log"
    app = LogwatchApp([str(log)], use_history=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_for(pilot, lambda: "waiting" in app.header.note)
        write_log(log, 3)
        await wait_for(pilot, lambda: len(app.store) == 3)
        await pilot.pause()
        assert any("event number 00002" in r for r in screen_rows(app.log_view))


async def test_rotation_keeps_following(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write_log(log, 5)
    app = LogwatchApp([str(log)], use_history=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_loaded(pilot, 5)
        log.rename(tmp_path / "app.log.1")
        log.write_text(py_line("ERROR", "after rotation") + "\n")
        await wait_for(pilot, lambda: len(app.store) == 6, timeout=15)
        await pilot.pause()
        assert any("after rotation" in r for r in screen_rows(app.log_view))
        assert app.store.text(0).endswith("event number 00000")  # old lines still readable


async def test_a_1mb_line_is_cut_with_a_marker_and_scrolls_sideways(tmp_path: Path) -> None:
    log = tmp_path / "long.log"
    long_msg = "start " + "x" * (1024 * 1024) + " end"
    log.write_text(
        py_line("INFO", "short before", when=1_763_600_000)
        + "\n"
        + py_line("ERROR", long_msg, when=1_763_600_001)
        + "\n"
        + py_line("INFO", "short after", when=1_763_600_002)
        + "\n"
    )
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(100, 24)) as pilot:
        await wait_loaded(pilot, 3)
        rows = screen_rows(app.log_view)
        assert any("short after" in r for r in rows)
        await pilot.press("up", "right", "right")
        view = app.log_view
        assert view.scroll_x == 16  # sideways scrolling works
        view.scroll_to(x=4000, animate=False, immediate=True)  # to where the view cuts it
        await pilot.pause()
        row = "".join(seg.text for seg in view.render_line(view.cursor - int(view.scroll_y)))
        assert "bytes]" in row or "chars]" in row  # the marker says how much was cut
