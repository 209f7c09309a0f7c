"""What a rule would have done over the history already loaded, run in a thread and shown live.

The rule editor decides *when* to test (debounced, only when what it edits
changes the figures); this panel does the testing and the showing: it runs
:func:`~logwatch_tui.analysis.backtest.backtest_history` in a thread worker, shows
its progress, drops results that an edit made stale, and renders the
figures with the matches highlighted. The seam is there because none of
that needs the form, and the form needs none of it but "test this rule".

Progress is one line of text, not a ``ProgressBar``: the panel is built each
time the editor opens, and a bar (four widgets, animated while indeterminate)
cost the editor's open time and redrew the screen while the rule was tested.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from logwatch_tui.analysis.backtest import BacktestHistory, BacktestResult, backtest_history
from logwatch_tui.core.rules import Rule
from logwatch_tui.ui.safe_text import inert
from logwatch_tui.ui.worker_failures import WorkerFailed

FIX_THE_RULE = "Backtest: fix the rule to see what it would have done."
NO_HISTORY = "No history loaded: nothing to test against yet."


def when(ts: float) -> str:
    return datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M:%S")


class BacktestPanel(Vertical):
    """Backtest figures of one rule at a time; a new run makes any earlier one stale."""

    DEFAULT_CSS = """
    BacktestPanel #bt-progress { display: none; height: 1; color: $text-muted; }
    BacktestPanel #bt-progress.-running { display: block; }
    BacktestPanel > .backtest-panel--match { background: $accent 45%; text-style: bold; }
    BacktestPanel > .backtest-panel--dim { color: $text-muted; }
    """

    COMPONENT_CLASSES = {"backtest-panel--match", "backtest-panel--dim"}

    class _Progress(Message):
        """Posted from the backtest thread; a flood collapses to the latest."""

        def __init__(self, generation: int, done: int, total: int) -> None:
            super().__init__()
            self.generation = generation
            self.done = done
            self.total = total

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, BacktestPanel._Progress)

    class _Done(Message):
        def __init__(self, generation: int, rule: Rule, result: BacktestResult) -> None:
            super().__init__()
            self.generation = generation
            self.rule = rule
            self.result = result

    def __init__(
        self,
        history: BacktestHistory | None,
        *,
        rule_enabled: Callable[[], bool] = lambda: True,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``history`` is what runs replay; ``rule_enabled`` is asked when figures are shown.

        The figures never depend on whether the rule is switched on (a test
        runs it as if it were), so the editor does not rerun on that toggle;
        the panel just says so when the form has it off.
        """
        super().__init__(name=name, id=id, classes=classes)
        self.history = history
        self.rule_enabled = rule_enabled
        self.result: BacktestResult | None = None
        self.rule: Rule | None = None
        """The rule ``result`` belongs to."""
        self.running = False
        """A run was started and neither finished, failed nor was cancelled."""
        self._generation = 0
        self._cancel: threading.Event | None = None

    def compose(self) -> ComposeResult:
        yield Static("", id="bt-progress", markup=False)
        yield Static("", id="bt-text", markup=False)

    # -- what the editor calls ------------------------------------------------------------------
    def run(self, rule: Rule) -> None:
        """Test ``rule`` against the history in a thread; an earlier run's result is dropped."""
        assert self.history is not None
        self._generation += 1
        self._cancel = threading.Event()
        self.running = True
        bar = self.query_one("#bt-progress", Static)
        bar.update(progress_text(0, 0))
        bar.add_class("-running")
        self._run(rule, self.history, self._cancel, self._generation)

    def show_idle(self, note: str) -> None:
        """No run for now (the rule is invalid, nothing is loaded…): a late result is dropped."""
        self._generation += 1
        self.running = False
        self.query_one("#bt-progress", Static).remove_class("-running")
        self._show_note(note)

    def reset(self, history: BacktestHistory | None) -> None:
        """Start over on ``history`` (a reused editor's next rule): no figures, no run."""
        self.cancel()
        self._generation += 1
        self.history = history
        self.result = None
        self.rule = None
        self.query_one("#bt-text", Static).update("")

    def cancel(self) -> None:
        """Stop the run in flight, if any (it ends as cancelled and is ignored)."""
        self.running = False
        self.query("#bt-progress").remove_class("-running")  # none left once unmounted
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None

    # -- the run --------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="backtest", exit_on_error=False)
    def _run(
        self, rule: Rule, history: BacktestHistory, cancel: threading.Event, generation: int
    ) -> None:
        last = 0.0

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - last >= 0.1:
                last = now
                self.post_message(self._Progress(generation, done, total))

        result = backtest_history(rule, history, cancel=cancel, progress=progress)
        self.post_message(self._Done(generation, rule, result))

    @on(_Progress)
    def _on_progress(self, event: _Progress) -> None:
        if event.generation == self._generation and self.running:
            self.query_one("#bt-progress", Static).update(progress_text(event.done, event.total))

    @on(_Done)
    def _on_done(self, event: _Done) -> None:
        if event.generation != self._generation or event.result.cancelled:
            return
        self.running = False
        self.result = event.result
        self.rule = event.rule
        self.query_one("#bt-progress", Static).remove_class("-running")
        self._show_result(event.result)

    @on(Worker.StateChanged)
    def _on_worker_state(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "backtest" or event.state != WorkerState.ERROR:
            return
        self.running = False
        self.query_one("#bt-progress", Static).remove_class("-running")
        # the app's worker-failure handler logs it and shows the toast
        self._show_note(f"Backtest failed: {event.worker.error!r}")
        self.post_message(WorkerFailed(event.worker))

    # -- showing --------------------------------------------------------------------------------
    def _style(self, name: str) -> Style:
        """A theme colour for Text spans (partial: no background painted over the panel's)."""
        return self.get_component_rich_style(name, partial=True)

    def _show_note(self, text: str) -> None:
        self.query_one("#bt-text", Static).update(
            Text(text, style=self._style("backtest-panel--dim"))
        )

    def _show_result(self, result: BacktestResult) -> None:
        dim = self._style("backtest-panel--dim")
        hit = self._style("backtest-panel--match")
        t = Text()
        t.append("Backtest ", "bold")
        files = len(self.history.paths) if self.history else 0
        where = inert(self.history.paths[0]) if files == 1 and self.history else f"{files} files"
        t.append(f"over {result.records:,} records of {where}\n", dim)
        t.append(f"matched {result.matched:,}", "bold")
        t.append(" · ")
        if result.firings:
            t.append(f"would fire {result.firings:,}×", "bold")
            t.append(f" (resolved {result.resolved:,})\n")
            assert result.first is not None and result.last is not None
            t.append(f"first {when(result.first)} · last {when(result.last)}\n")
        else:
            t.append("would not fire\n")
        if not self.rule_enabled():
            t.append("(disabled: figures are as if it were on)\n", dim)
        for err in result.errors:
            t.append(inert(err) + "\n", dim)
        for msg, spans in result.samples:
            t.append("› ", dim)
            t.append_text(_highlighted(msg, spans, hit))
            t.append("\n")
        t.rstrip()
        t.no_wrap = True
        t.overflow = "ellipsis"
        self.query_one("#bt-text", Static).update(t)


def progress_text(
    done: int, total: int, width: int = 20, *, what: str = "testing", unit: str = ""
) -> Text:
    """``testing ▕██████░░░░░░░░░░░░░░▏ 30%`` (plus ``1,500 / 5,000 lines`` with a unit).

    Just ``testing…`` before the first figures. A line of text where a
    ``ProgressBar`` would cost four widgets and an animation timer.
    """
    if total <= 0:
        return Text(f"{what}…")
    frac = min(max(done / total, 0.0), 1.0)
    full = round(frac * width)
    t = Text(f"{what} ")
    t.append("▕" + "█" * full + "░" * (width - full) + "▏")
    t.append(f" {frac:.0%}")
    if unit:
        t.append(f"  {done:,} / {total:,} {unit}")
    return t


def _highlighted(msg: str, spans: list[tuple[int, int]], style: Any) -> Text:
    """The message as inert text with the match styled (pieces made inert separately)."""
    out = Text()
    pos = 0
    for a, b in spans:
        out.append(inert(msg[pos:a]))
        out.append(inert(msg[a:b]), style)
        pos = b
    out.append(inert(msg[pos:]))
    return out


__all__ = ["FIX_THE_RULE", "NO_HISTORY", "BacktestPanel", "progress_text", "when"]
