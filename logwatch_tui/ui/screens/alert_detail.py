"""Everything about one alert: rule, window, samples, when it fired and resolved."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from logwatch_tui.core.alerts import AlertItem
from logwatch_tui.core.durations import format_duration
from logwatch_tui.ui.safe_text import inert


def when(ts: float | None) -> str:
    if ts is None:
        return "—"
    return datetime.fromtimestamp(ts).astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


class AlertDetailScreen(ModalScreen[None]):
    """A read-only modal; Escape closes it."""

    DEFAULT_CSS = """
    AlertDetailScreen { align: center middle; }
    AlertDetailScreen > VerticalScroll {
        width: 90%;
        max-width: 110;
        height: auto;
        max-height: 90%;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,enter", "dismiss(None)", "Close")]

    def __init__(self, item: AlertItem, rule_summary: str = "") -> None:
        super().__init__()
        self.item = item
        self.rule_summary = rule_summary

    def compose(self) -> ComposeResult:
        it = self.item
        t = Text()
        bold = "bold"
        t.append(inert(it.name) + "\n", bold)
        rows = [
            ("status", "FIRING" if it.firing else "resolved"),
            ("severity", it.severity),
            ("rule id", it.rule),
            ("condition", self.rule_summary or f"window {format_duration(it.window)}"),
            ("window", format_duration(it.window)),
            ("key", it.key_text or "—"),
            ("count", str(it.count)),
            ("fired", when(it.fired_at)),
            ("resolved", when(it.resolved_at)),
            ("source", it.source or "—"),
        ]
        if it.from_history:
            rows.append(("note", "raised by content that existed at start (not notified)"))
        for k, v in rows:
            t.append(f"{k:>10}  ", "dim")
            t.append(inert(v) + "\n")
        if it.summary:
            t.append("\nmessage\n", bold)
            t.append(inert(it.summary) + "\n")
        t.append(f"\nsamples ({len(it.samples)})\n", bold)
        for s in it.samples:
            t.append("  " + inert(s) + "\n")
        if it.deliveries:
            t.append("\nnotifications\n", bold)
            for d in it.deliveries:
                t.append("  " + inert(d) + "\n")
        t.rstrip()
        with VerticalScroll():
            yield Static(t, markup=False)
