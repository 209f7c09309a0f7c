"""A yes/no question as a typed modal: ``ConfirmScreen(...)`` dismisses with a bool.

Used before anything that cannot be undone (deleting a rule). The safe
answer has the focus, so a stray Enter never destroys anything; ``y`` and
``n`` answer directly, Escape means no.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmScreen(ModalScreen[bool]):
    """Ask one question; True for yes."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical {
        width: auto;
        min-width: 40;
        max-width: 90%;
        height: auto;
        border: thick $error;
        background: $surface;
        padding: 1 2 0 2;
    }
    ConfirmScreen #question { width: auto; max-width: 100%; height: auto; }
    ConfirmScreen Horizontal { height: auto; width: auto; margin-top: 1; }
    ConfirmScreen Button { margin-right: 2; }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
        Binding("left", "app.focus_previous", "Previous button", show=False),
        Binding("right", "app.focus_next", "Next button", show=False),
    ]

    def __init__(
        self,
        question: str,
        *,
        yes: str = "Yes",
        no: str = "No",
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``question`` may hold user text (a rule name): it is shown as plain text."""
        super().__init__(name=name, id=id, classes=classes)
        self.question = question
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.question), id="question", markup=False)
            with Horizontal():
                yield Button(f"{self.yes_label} (y)", id="yes", variant="error", compact=True)
                yield Button(f"{self.no_label} (n)", id="no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


__all__ = ["ConfirmScreen"]
