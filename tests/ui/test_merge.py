"""Several files merge into one timeline ordered by timestamp, live."""

from __future__ import annotations

from pathlib import Path

from logwatch_tui.ui.app import LogwatchApp

from .helpers import append, py_line, wait_for, wait_loaded

T0 = 1_763_600_000


def shown_messages(app: LogwatchApp) -> list[str]:
    view = app.log_view
    return [view.store.text(i).rsplit(" - ", 1)[-1] for i in view.rows]


async def test_two_files_merge_in_time_order_and_follow_both(tmp_path: Path) -> None:
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    # a: even seconds, b: odd seconds, b is read after a
    a.write_text("".join(py_line("INFO", f"a{t:02d}", when=T0 + t) + "\n" for t in range(0, 20, 2)))
    b.write_text("".join(py_line("INFO", f"b{t:02d}", when=T0 + t) + "\n" for t in range(1, 20, 2)))
    app = LogwatchApp([str(a), str(b)], use_watchdog=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_loaded(pilot, 20)
        await wait_for(pilot, lambda: shown_messages(app)[:4] == ["a00", "b01", "a02", "b03"])
        assert shown_messages(app) == [f"{'ab'[t % 2]}{t:02d}" for t in range(20)]
        # an equal timestamp keeps arrival order; a late line lands in its place
        append(b, py_line("INFO", "b20", when=T0 + 20))
        append(a, py_line("INFO", "a21", when=T0 + 21))
        await wait_for(pilot, lambda: len(app.store) == 22)
        await wait_for(pilot, lambda: shown_messages(app)[-2:] == ["b20", "a21"])
        append(a, py_line("INFO", "a05-late", when=T0 + 5))
        await wait_for(pilot, lambda: "a05-late" in shown_messages(app))
        msgs = shown_messages(app)
        assert msgs.index("a05-late") == msgs.index("b05") + 1
        # a source column names the file; a key shows one source only
        row = "".join(seg.text for seg in app.log_view.render_line(0))
        assert "a.log" in row or "b.log" in row
        await pilot.press("o")
        assert all(m.startswith("a") for m in shown_messages(app))
        await pilot.press("o")
        assert all(m.startswith("b") for m in shown_messages(app))
        await pilot.press("o")
        assert len(shown_messages(app)) == 23
