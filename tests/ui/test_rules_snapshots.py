"""Snapshots of the rules screen and the rule editor (valid and invalid), narrow and wide.

Stable by construction: the rules file and the log are written into a temp
dir that becomes the working directory (so paths show as ``rules.toml`` and
``sample.log``), event times come from the log (TZ=UTC in conftest), fired
counts are fixed, and pictures are taken once the backtest has finished.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input

from logwatch_tui.analysis.backtest import BacktestHistory
from logwatch_tui.core.rules import Rule, rule_from_dict, save_rules
from logwatch_tui.ui.screens.rule_editor import RuleEditor
from logwatch_tui.ui.screens.rules import RulesScreen

from .helpers import quiet

SAMPLE = Path(__file__).parent / "fixtures" / "sample.log"

RULES: list[Rule] = [
    rule_from_dict(
        {
            "name": "Connection refused",
            "match": r"connection refused by (?P<ip>[\d.]+)",
            "group_by": ["ip"],
            "threshold": 1,
            "window": "60s",
            "severity": "error",
            "notify": ["toast", "email"],
        }
    ),
    rule_from_dict({"name": "High Error Rate", "level": "error", "threshold": 3, "window": "60s"}),
    rule_from_dict(
        {
            "name": "Heartbeat missing",
            "enabled": False,
            "condition": "absence",
            "match": r"\bheartbeat\b",
            "window": "2m",
            "severity": "critical",
        }
    ),
    rule_from_dict(
        {
            "name": "[b]Deploy[/b] spike of slow queries in the orders table",
            "condition": "spike",
            "match": "slow query",
            "window": "60s",
            "severity": "info",
        }
    ),
]
FIRED = {RULES[0].id: 2, RULES[1].id: 1}


class Host(App[None]):
    def __init__(self, make_screen: Callable[[], Screen]) -> None:
        super().__init__()
        self.make_screen = make_screen

    def on_mount(self) -> None:
        self.push_screen(self.make_screen())


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copy(SAMPLE, tmp_path / "sample.log")
    save_rules(tmp_path / "rules.toml", RULES)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def editor_app(rule: Rule) -> Host:
    hist = BacktestHistory(paths=["sample.log"])
    return Host(lambda: RuleEditor(rule, history=hist, existing=RULES))


async def steady(pilot: Pilot) -> None:
    """Backtest finished, no cursor blinking: nothing changes any more."""
    screen = pilot.app.screen
    for inp in screen.query(Input):
        inp.cursor_blink = False
    if isinstance(screen, RuleEditor):
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not (
            screen.backtest_settled and screen.backtest_rule is not None
        ):
            await pilot.pause(0.05)
        assert screen.backtest_settled
    await quiet(pilot)
    await pilot.wait_for_scheduled_animations()


async def make_invalid(pilot: Pilot) -> None:
    screen = pilot.app.screen
    screen.query_one("#f-match", Input).value = r"connection (?P<ip>[\d.]+"
    screen.query_one("#f-window", Input).value = "5x"
    await pilot.pause()
    await steady(pilot)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_rules_screen(snap_compare, workdir: Path, size: tuple[int, int]) -> None:
    app = Host(lambda: RulesScreen("rules.toml", RULES, FIRED))
    assert snap_compare(app, terminal_size=size, run_before=steady)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_rule_editor_valid(snap_compare, workdir: Path, size: tuple[int, int]) -> None:
    assert snap_compare(editor_app(RULES[0]), terminal_size=size, run_before=steady)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_rule_editor_invalid(snap_compare, workdir: Path, size: tuple[int, int]) -> None:
    assert snap_compare(editor_app(RULES[0]), terminal_size=size, run_before=make_invalid)
