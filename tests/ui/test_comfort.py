"""At home for lnav users: key glyphs, first-key behaviour, honest states (issue 16)."""

from __future__ import annotations

from pathlib import Path

from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.alert_detail import AlertDetailScreen
from logwatch_tui.ui.screens.help import binding_rows
from logwatch_tui.ui.widgets.alerts_pane import AlertsPane
from logwatch_tui.ui.widgets.log_view import LogView

from .helpers import HIGH_ERROR_RATE, py_line, wait_for, wait_loaded


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
