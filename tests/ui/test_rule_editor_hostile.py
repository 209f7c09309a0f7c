"""The rule editor with a catastrophic regex and hostile history: it never freezes (issue 12).

Before: typing ``(a+)+$``-style patterns froze the TUI; the backtest ran stdlib
``re`` in a worker thread, which holds the GIL, so even Esc did nothing. Now
the backtest's regex is bounded and releases the GIL, the editor warns about
nested quantifiers, and a duplicate rule name is refused inline.
"""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Button, Input

from logwatch_tui.analysis.backtest import BacktestHistory
from logwatch_tui.ui.screens.rule_editor import RuleEditor

from .helpers import wait_for
from .test_rules_ui import R1, R2, T0, Host, editor, log_line, text_of


def hostile_history(tmp_path: Path) -> BacktestHistory:
    log = tmp_path / "app.log"
    lines = [log_line(T0 + i, "INFO", "a" * 60 + "b") for i in range(200)]
    log.write_text("".join(x + "\n" for x in lines), encoding="utf-8")
    return BacktestHistory(paths=[str(log)])


async def test_typing_a_catastrophic_regex_never_freezes_and_escape_works(tmp_path: Path) -> None:
    history = hostile_history(tmp_path)
    app = Host(lambda: RuleEditor(None, history=history, existing=[R1, R2], debounce=0.05))
    async with app.run_test(size=(120, 36)) as pilot:
        ed = editor(app)
        ed.query_one("#f-name", Input).value = "Evil"
        match = ed.query_one("#f-match", Input)
        match.focus()
        await pilot.press(*"(a|aa)+$")  # typed for real, each keystroke a backtest
        assert match.value == "(a|aa)+$"
        assert "exponential" in text_of(ed.query_one("#msg-match"))  # the warning
        # The backtest finishes (bounded) and says the engine would disable the rule.
        await wait_for(
            pilot,
            lambda: (
                ed.backtest_settled
                and ed.backtest_result is not None
                and ed.backtest_rule is not None
                and ed.backtest_rule.match == "(a|aa)+$"
            ),
            timeout=60,
        )
        assert any("disable" in e for e in ed.backtest_result.errors)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.results == [None])


async def test_duplicate_name_is_refused_inline(tmp_path: Path) -> None:
    app = Host(lambda: RuleEditor(None, existing=[R1, R2]))
    async with app.run_test(size=(100, 30)) as pilot:
        ed = editor(app)
        ed.query_one("#f-name", Input).value = " errors "  # R2 is "Errors"
        await wait_for(  # (error lines are built when first needed)
            pilot, lambda: any("already named" in text_of(w) for w in ed.query("#msg-name"))
        )
        assert ed.query_one("#save", Button).disabled
