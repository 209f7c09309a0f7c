"""A one-line prompt at the bottom of the screen: search, filters, time, export.

One widget for every "type something and press Enter" interaction, so they
all behave alike: Escape cancels, errors show inline next to the prompt (the
input stays open with what was typed), nothing blocks.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label

from logwatch_tui.ui.safe_text import inert

PROMPTS = {
    "search": "/",
    "filter-in": "keep lines matching:",
    "filter-out": "hide lines matching:",
    "time-range": "time range (10:42..10:50, -15m, ISO; empty clears):",
    "jump-time": "jump to time (10:42:00, -5m, ISO):",
    "export": "export visible lines to (.jsonl for JSON):",
}


class PromptBar(Horizontal):
    """Hidden until :meth:`ask`; posts :class:`PromptBar.Submitted`."""

    DEFAULT_CSS = """
    PromptBar {
        height: auto;
        max-height: 2;
        display: none;
        background: $panel;
    }
    PromptBar.-open { display: block; }
    PromptBar > Label { width: auto; padding: 0 1; color: $accent; text-style: bold; }
    PromptBar > Input { width: 1fr; border: none; height: 1; padding: 0; background: $panel; }
    PromptBar > #prompt-error { color: $error; width: auto; max-width: 60%; padding: 0 1; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]

    kind: reactive[str] = reactive("search")
    """What the prompt is for (a key of PROMPTS)."""

    class Submitted(Message):
        def __init__(self, kind: str, value: str) -> None:
            super().__init__()
            self.kind = kind
            self.value = value

    class Cancelled(Message):
        pass

    def compose(self) -> ComposeResult:
        yield Label(PROMPTS["search"], id="prompt-label")
        yield Input(id="prompt-input")
        yield Label("", id="prompt-error")

    def ask(self, kind: str, value: str = "") -> None:
        self.kind = kind
        self.query_one("#prompt-label", Label).update(PROMPTS.get(kind, kind))
        self.show_error("")
        inp = self.query_one(Input)
        inp.value = value
        self.add_class("-open")
        inp.focus()

    def show_error(self, message: str) -> None:
        """An inline error; the prompt stays open so the user can fix the text."""
        self.query_one("#prompt-error", Label).update(Text(inert(message)))

    def close(self) -> None:
        self.remove_class("-open")

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self.kind, event.value))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show_error("")

    def action_cancel(self) -> None:
        self.close()
        self.post_message(self.Cancelled())
