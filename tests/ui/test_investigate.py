"""Investigate like a user: search, filters, time, detail, histogram, export."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import Input

from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.histogram import HistogramScreen
from logwatch_tui.ui.screens.record_detail import RecordDetail, RecordDetailScreen
from logwatch_tui.ui.widgets.histogram_view import HistogramView

from .helpers import py_line, screen_rows, wait_for, wait_loaded

T0 = 1_763_600_000  # 2025-11-20 00:53:20 UTC


def write(path: Path) -> None:
    """100 records, one per 10 s: every 10th an ERROR 'payment N failed', others INFO."""
    lines = []
    for i in range(100):
        if i % 10 == 7:
            lines.append(
                py_line("ERROR", f"payment {i} failed: upstream timeout", when=T0 + 10 * i)
            )
        elif i % 10 == 3:
            lines.append(py_line("INFO", f"GET /health {i} ok", when=T0 + 10 * i))
        else:
            lines.append(py_line("INFO", f"request {i} done", when=T0 + 10 * i))
    path.write_text("\n".join(lines) + "\n")


def message(app: LogwatchApp, line: int) -> str:
    return app.store.text(line).rsplit(" - ", 1)[-1]


async def type_prompt(pilot, key: str, text: str) -> None:
    """Open a prompt with its key, type the text, press Enter."""
    await pilot.press(key)
    inp = pilot.app.prompt_bar.query_one(Input)
    assert inp.has_focus
    inp.value = text
    await pilot.press("enter")
    await pilot.pause()


async def test_search_highlights_and_n_N_move_between_matches(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log)
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 100)
        await pilot.press("g")
        await type_prompt(pilot, "slash", "payment \\d+ FAILED")  # upper case: case-sensitive
        await wait_for(pilot, lambda: "match" in app.header.search)
        assert "0 matches" in app.header.search
        await type_prompt(pilot, "slash", "payment \\d+ failed")
        await wait_for(pilot, lambda: "10 matches" in app.header.search)
        assert list(app.log_view.search_matches) == [i for i in range(100) if i % 10 == 7]
        view = app.log_view
        assert view.cursor_line == 7
        await pilot.press("n")
        assert view.cursor_line == 17
        await pilot.press("N", "N")
        assert view.cursor_line == 97  # wrapped backwards
        # the match is highlighted with the match style on screen
        strip = view.render_line(view.cursor - int(view.scroll_y))
        match_style = view.get_component_rich_style("logview--match", partial=True)
        highlighted = "".join(
            seg.text for seg in strip if seg.style and match_style.bgcolor == seg.style.bgcolor
        )
        assert "payment 97 failed" in highlighted
        await pilot.press("escape")
        assert view.search_rx is None


async def test_invalid_search_regex_is_an_inline_error(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log)
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 100)
        await type_prompt(pilot, "slash", "payment (")
        assert app.prompt_bar.is_open
        error = str(app.query_one("#prompt-error").render())
        assert "position" in error
        await pilot.press("escape")
        assert not app.prompt_bar.is_open


async def test_filters_in_out_and_time_range_leave_exact_records(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log)
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 100)
        view = app.log_view
        await type_prompt(pilot, "x", "health")
        await wait_for(pilot, lambda: len(view.rows) == 90)
        assert not any("health" in message(app, i) for i in view.rows)
        assert app.filter_bar.display
        await type_prompt(pilot, "i", "payment|request [1-3]\\d ")
        expected = [i for i in range(100) if i % 10 == 7 or (10 <= i < 40 and i % 10 != 3)]
        await wait_for(pilot, lambda: list(view.rows) == expected)
        # time range: records 20..29 inclusive (10 s apart)
        start = f"{py_line('INFO', '', when=T0 + 200)[11:19]}"
        end = f"{py_line('INFO', '', when=T0 + 300)[11:19]}"
        await type_prompt(pilot, "T", f"{start}..{end}")
        await wait_for(pilot, lambda: list(view.rows) == [i for i in expected if 20 <= i < 30])
        # the level filter still combines with it
        await pilot.press("6")  # hide ERROR
        assert list(view.rows) == [i for i in expected if 20 <= i < 30 and i % 10 != 7]
        await pilot.press("6")
        # manage: clear everything
        await pilot.press("F")
        await pilot.press("c", "enter")
        await wait_for(pilot, lambda: len(view.rows) == 100)


async def test_jump_to_time(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log)
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 100)
        clock = py_line("INFO", "", when=T0 + 455)[11:19]
        await type_prompt(pilot, "t", clock)
        assert app.log_view.cursor_line == 46  # first record at or after T0+455
        assert any("request 46 done" in r for r in screen_rows(app.log_view))


async def test_detail_view_shows_fields_and_pretty_json(tmp_path: Path) -> None:
    log = tmp_path / "app.jsonl"
    rec = {
        "ts": "2026-11-20T10:00:00+02:00",
        "level": "error",
        "msg": "card declined",
        "req": {"id": "r-1", "amount": 12.5},
        "user": "bob [bold]x[/]",
    }
    log.write_text(json.dumps(rec) + "\n")
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await wait_loaded(pilot, 1)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RecordDetailScreen))
        screen = app.screen
        assert screen.record.fields["req"] == {"id": "r-1", "amount": 12.5}
        assert screen.record.timestamp.isoformat() == "2026-11-20T10:00:00+02:00"
        shown = screen.query_one(RecordDetail).text().plain
        assert "card declined" in shown
        assert '"amount": 12.5' in shown
        assert "[bold]x[/]" in shown
        await pilot.press("c")
        await wait_for(pilot, lambda: any("(OSC 52)" in n.message for n in app._notifications))
        await pilot.press("escape")


async def test_histogram_bucket_selection_moves_the_view(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log)
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 100)
        await pilot.press("H")
        await wait_for(pilot, lambda: isinstance(app.screen, HistogramScreen))
        hist = app.screen.query_one(HistogramView)
        await wait_for(pilot, lambda: hist.histogram is not None)
        await pilot.press("home")
        await pilot.press("right", "right")
        selected = hist.selected_start
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, HistogramScreen))
        line = app.log_view.cursor_line
        assert line is not None
        assert app.store.ts[line] >= selected
        assert app.store.ts[line] < selected + hist.histogram.bucket
        assert app.log_view.follow is False


async def test_export_writes_exactly_the_visible_records(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log)
    app = LogwatchApp(
        [str(log)],
        use_watchdog=False,
    )
    out_raw = tmp_path / "out.log"
    out_json = tmp_path / "out.jsonl"
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_loaded(pilot, 100)
        await type_prompt(pilot, "i", "payment")
        await wait_for(pilot, lambda: len(app.log_view.rows) == 10)
        await type_prompt(pilot, "X", str(out_raw))
        await wait_for(pilot, lambda: out_raw.exists())
        await type_prompt(pilot, "X", str(out_json))
        await wait_for(pilot, lambda: out_json.exists())
        seen: set[str] = set()  # toasts expire after 5 s: a slow machine may not show both

        def wrote_both() -> bool:
            seen.update(n.message for n in app._notifications if "wrote" in n.message)
            return len(seen) == 2

        await wait_for(pilot, wrote_both)
    lines = out_raw.read_text().splitlines()
    assert lines == [ln for ln in log.read_text().splitlines() if "payment" in ln]
    records = [json.loads(x) for x in out_json.read_text().splitlines()]
    assert [r["message"] for r in records] == [
        f"payment {i} failed: upstream timeout" for i in range(7, 100, 10)
    ]
    assert all(r["level"] == "ERROR" for r in records)
