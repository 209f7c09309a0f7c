"""The TUI on top of the shared alert router: disabled rules are shown, live counts move."""

from __future__ import annotations

from pathlib import Path

from logwatch_tui.core.rules import rule_from_dict
from logwatch_tui.ui.app import LogwatchApp

from .helpers import append, py_line, wait_for, wait_loaded

EVIL = rule_from_dict({"name": "Evil", "match": "(a|aa)+$"})
ERRORS = rule_from_dict(
    {"name": "Errors", "level": "error", "threshold": 2, "window": "10m", "cooldown": "0s"}
)


async def test_a_rule_that_blows_its_budget_is_shown_and_the_rest_go_on(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(py_line("INFO", "start") + "\n")
    app = LogwatchApp([str(log)], rules=[EVIL, ERRORS])
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_loaded(pilot, 1)
        append(log, py_line("INFO", "a" * 60 + "b"))
        await wait_for(
            pilot,
            lambda: any(
                n.title == "Rule disabled" and "rule 'Evil' disabled" in n.message
                for n in app._notifications
            ),
            timeout=30,
        )
        # the other rule fires, and its count keeps moving while it fires (×5, not ×2)
        for i in range(5):
            append(log, py_line("ERROR", f"disk full {i}"))
        await wait_for(
            pilot,
            lambda: any(it.name == "Errors" and it.firing and it.count == 5 for it in app.book),
            timeout=30,
        )
        assert app.fired_counts.get(ERRORS.id) == 1
