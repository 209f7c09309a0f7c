"""The TUI after rotation shows, filters, searches and exports the lines written — each once.

Issue 11: after copytruncate (or delete + recreate) the store re-read old
lines' offsets from the new file, so ``i alpha`` found nothing, ``i B3$``
found ``alpha line A3`` too and ``X`` exported the new lines twice. And the
existing content of several files was not replayed in event time, so the TUI
raised alerts ``check`` does not.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from logwatch_tui.core.rules import rule_from_dict
from logwatch_tui.ui.app import LogwatchApp

from .helpers import append, quiet, visible_texts, wait_for, wait_loaded

ROOT = Path(__file__).resolve().parents[2]

A = [f"alpha line A{i}" for i in range(1, 11)]
B = [f"bravo line B{i}" for i in range(1, 11)]


async def _type(pilot, key: str, text: str) -> None:
    from textual.widgets import Input

    await pilot.press(key)
    inp = pilot.app.prompt_bar.query_one(Input)
    inp.value = text
    await pilot.press("enter")
    await pilot.pause()


async def _clear_filters(pilot) -> None:
    await pilot.press("F")
    await pilot.press("c", "enter")
    await pilot.pause()


@pytest.mark.parametrize("style", ["copytruncate", "delete"])
async def test_after_rotation_filter_search_and_export_give_each_written_line_once(
    tmp_path: Path, style: str
) -> None:
    log = tmp_path / "f"
    log.write_text("".join(t + "\n" for t in A))
    out = tmp_path / "export.log"
    app = LogwatchApp([str(log)], use_watchdog=False, use_history=False)
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_loaded(pilot, 10)
        view = app.log_view
        if style == "copytruncate":  # cp f f.1; : > f
            shutil.copyfile(log, tmp_path / "f.1")
            os.truncate(log, 0)
        else:
            os.unlink(log)
        append(log, *B)
        await wait_for(pilot, lambda: len(app.store) == 20, timeout=15)
        await pilot.pause()
        assert [app.store.text(i) for i in range(20)] == A + B

        await _type(pilot, "i", "alpha")
        await wait_for(pilot, lambda: len(view.rows) == 10)
        assert visible_texts(view) == A
        await _clear_filters(pilot)

        await _type(pilot, "i", "B3$")
        await wait_for(pilot, lambda: len(view.rows) == 1)
        assert visible_texts(view) == ["bravo line B3"]
        await _clear_filters(pilot)
        await wait_for(pilot, lambda: len(view.rows) == 20)

        await _type(pilot, "slash", "3$")
        await wait_for(pilot, lambda: "match" in app.header.search)
        assert list(view.search_matches) == [2, 12]

        await _type(pilot, "X", str(out))
        await wait_for(pilot, lambda: any("wrote" in n.message for n in app._notifications))
    assert out.read_text().splitlines() == A + B


RULES = """\
[[rules]]
name = "High Error Rate"
id = "high-error-rate"
level = "error"
threshold = 3
window = "60s"
"""


async def test_two_files_of_different_years_raise_only_what_check_raises(tmp_path: Path) -> None:
    """The existing content of several files is replayed merged in event time,
    exactly like ``check``: 2025 errors and 2026 errors never share a window."""
    access = tmp_path / "access.log"
    py = tmp_path / "py.log"
    access.write_text(
        "".join(
            f'10.0.0.{i} - - [01/Jun/2025:10:00:{10 * i:02d} +0000] "GET /x HTTP/1.1" 500 12\n'
            for i in range(2)
        )
    )
    py.write_text(
        "".join(
            f"2026-06-01 10:00:{10 * i:02d},000 - app - {lv} - event {i}\n"
            for i, lv in enumerate(["ERROR", "INFO", "ERROR"])
        )
    )
    rules_path = tmp_path / "rules.toml"
    rules_path.write_text(RULES)
    env = dict(os.environ, LOGWATCH_CONFIG_DIR=str(tmp_path / "cfg"))
    check = subprocess.run(
        [sys.executable, "-m", "logwatch_tui", "check", "--json", "--rules", str(rules_path)]
        + [str(py), str(access)],
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        env=env,
    )
    assert check.returncode in (0, 1), check.stderr
    check_alerts = [json.loads(x) for x in check.stdout.splitlines() if x.strip()]
    check_firing = [a for a in check_alerts if a["status"] == "firing"]

    rule = rule_from_dict({"name": "High Error Rate", "level": "error", "threshold": 3})
    app = LogwatchApp([str(py), str(access)], rules=[rule], use_watchdog=False, use_history=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 5)
        # the history alerts arrive in the update that says "caught up": all are in the book
        await quiet(pilot)
        tui_firing = [item for item in app.book if not item.earlier_session]
    assert check_firing == []  # 2 errors in 2025, 2 in 2026: never 3 within 60 s
    assert len(tui_firing) == len(check_firing)
