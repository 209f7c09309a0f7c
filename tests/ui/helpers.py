"""Helpers for driving the app like a user: wait for conditions, read the screen."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual.pilot import Pilot

from logwatch_tui.core.rules import rule_from_dict
from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.widgets.log_view import LogView

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "sample.log"


async def wait_for(pilot: Pilot, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        await pilot.pause(0.02)
    assert predicate(), "condition not reached in time"


async def wait_loaded(pilot: Pilot, lines: int | None = None, timeout: float = 10.0) -> None:
    app: LogwatchApp = pilot.app  # type: ignore[assignment]
    await wait_for(
        pilot, lambda: app.caught_up and (lines is None or len(app.store) >= lines), timeout
    )
    await pilot.pause()


def screen_rows(view: LogView) -> list[str]:
    """The text of the rows the log view shows right now."""
    return [
        "".join(seg.text for seg in view.render_line(y))
        for y in range(view.scrollable_content_region.height)
    ]


def visible_texts(view: LogView) -> list[str]:
    return [view.store.text(i) for i in view.rows]


def py_line(level: str, message: str, when: float | None = None, svc: str = "api") -> str:
    dt = datetime.fromtimestamp(when if when is not None else time.time())
    return f"{dt:%Y-%m-%d %H:%M:%S},{dt.microsecond // 1000:03d} - {svc} - {level} - {message}"


def append(path: Path, *lines: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write("".join(line + "\n" for line in lines))
        fh.flush()


HIGH_ERROR_RATE = rule_from_dict(
    {
        "name": "High Error Rate",
        "level": "error",
        "threshold": 3,
        "window": "60s",
        "severity": "error",
    }
)


async def quiet(pilot: Pilot, timeout: float = 10.0) -> None:
    """Wait until no worker of the app or its screens is pending or running, then until
    the screen has handled what they posted: what a picture or a check may rely on."""
    app = pilot.app
    await wait_for(pilot, lambda: all(w.is_finished for w in app.workers), timeout)
    await pilot.pause()
