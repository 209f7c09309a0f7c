"""Search and filter regexes typed in the TUI can't freeze it (issue 12, follow-up).

Before: ``/`` with ``(a+)+$`` over lines of ``a`` ending in ``b`` ran stdlib
``re`` — in the search worker, which held the GIL through a whole block, and
in the highlight of every shown row on the event loop — so the screen froze
(Esc did nothing) for as long as the backtracking took (minutes here). A
filter did the same, on the event loop itself for a small log. Now those
regexes go through the rule guard (core/rule_regex.py): stdlib ``re`` where
the pattern can't backtrack badly, else the ``regex`` module with a time
budget per line, which releases the GIL; a pattern cut off by its budget
stops with a message saying so (the search is cleared, the filter turned off).

The UI's answer to a key is awaited as a condition; the one time figure is a
generous bound (30 s) that tells "answers" from "frozen for minutes" — not a
speed assertion.
"""

from __future__ import annotations

import time
from pathlib import Path

from textual.widgets import Input

from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.help import HelpScreen

from .helpers import py_line, wait_for, wait_loaded

T0 = 1_763_600_000
HOSTILE = "a" * 26 + "b"
"""`(a+)+$` takes ~2^26 steps on this in stdlib re: ~10 s a line, 87 s in all, measured
before the fix (the `regex` module finds it at once)."""
LONG_HOSTILE = "a" * 3000 + "b"
"""Past any budget in both engines: the search or filter is cut off."""
FROZEN = 30.0
"""Generous: a UI that answers does so in well under a second; a frozen one, minutes."""


def write(path: Path) -> None:
    lines = []
    for i in range(60):
        msg = HOSTILE if i % 10 == 5 else f"request {i} done aaa"
        if i == 45:
            msg = LONG_HOSTILE
        lines.append(py_line("INFO", msg, when=T0 + i))
    path.write_text("\n".join(lines) + "\n")


async def prompt(pilot, key: str, text: str) -> None:
    await pilot.press(key)
    inp = pilot.app.prompt_bar.query_one(Input)
    inp.value = text
    await pilot.press("enter")


async def answers_keys(pilot, app: LogwatchApp, started: float) -> None:
    """Help opens on `?` and Esc closes it, while the hostile regex is (or was) at work."""
    await pilot.press("question_mark")
    await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), timeout=FROZEN)
    await pilot.press("escape")
    await wait_for(pilot, lambda: not isinstance(app.screen, HelpScreen), timeout=FROZEN)
    assert time.monotonic() - started < FROZEN, "the UI froze on the regex"


async def test_catastrophic_search_never_freezes_and_says_it_was_cut_off(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log)
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 60)
        notes: list[str] = []
        app.notify = lambda message, *a, **kw: notes.append(str(message))  # type: ignore[method-assign]
        started = time.monotonic()
        await prompt(pilot, "slash", "(a+)+$")
        await answers_keys(pilot, app, started)
        # the search ran out of its budget on a hostile line: stopped, and the user is told
        await wait_for(pilot, lambda: any("took more than" in n for n in notes), timeout=FROZEN)
        note = next(n for n in notes if "took more than" in n)
        assert "(a+)+$" in note and "line of" in note
        assert app.log_view.search_rx is None
        assert "stopped" in app.header.search
        # a harmless search still works afterwards
        await prompt(pilot, "slash", "request 1\\d done")
        await wait_for(pilot, lambda: "9 matches" in app.header.search, timeout=FROZEN)


async def test_catastrophic_filter_never_freezes_and_is_turned_off(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    write(log)
    app = LogwatchApp([str(log)], use_watchdog=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 60)
        notes: list[str] = []
        app.notify = lambda message, *a, **kw: notes.append(str(message))  # type: ignore[method-assign]
        view = app.log_view
        started = time.monotonic()
        await prompt(pilot, "x", "(a+)+$")  # filter out
        await answers_keys(pilot, app, started)
        await wait_for(pilot, lambda: any("took more than" in n for n in notes), timeout=FROZEN)
        note = next(n for n in notes if "took more than" in n)
        assert "turned off" in note and "(a+)+$" in note
        await wait_for(pilot, lambda: not app.investigation.filters.is_active, timeout=FROZEN)
        assert [f.enabled for f in app.investigation.filters.filters] == [False]
        await wait_for(pilot, lambda: len(view.rows) == 60, timeout=FROZEN)
        # a harmless filter still works afterwards
        await prompt(pilot, "i", "request [1-2]\\d done")
        await wait_for(pilot, lambda: len(view.rows) == 18, timeout=FROZEN)
