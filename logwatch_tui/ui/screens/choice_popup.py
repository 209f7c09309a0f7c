"""The option list of a :class:`~logwatch_tui.ui.widgets.choice.Choice`, opened on demand.

A small typed modal placed under the field: dismisses with the value picked
(Enter or a click) or ``None`` (Escape, or a click outside the list).
"""

from __future__ import annotations

from collections.abc import Sequence

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option


class ChoicePopup(ModalScreen[str | None]):
    """Pick one option; ``at`` is the screen cell under which the list opens."""

    DEFAULT_CSS = """
    ChoicePopup { background: transparent; }
    ChoicePopup > OptionList {
        width: auto;
        min-width: 16;
        max-width: 40;
        height: auto;
        max-height: 12;
        border: tall $primary;
        padding: 0;
    }
    """

    BINDINGS = [Binding("escape", "dismiss(None)", "Close", show=False)]

    def __init__(
        self,
        options: Sequence[tuple[str, str]],
        value: str,
        *,
        at: tuple[int, int] = (0, 0),
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.options = list(options)
        self.value = value
        self.at = at

    def compose(self) -> ComposeResult:
        yield OptionList(*(Option(label) for label, _ in self.options))

    def on_mount(self) -> None:
        listing = self.query_one(OptionList)
        x, y = self.at
        size = self.app.size
        height = min(len(self.options) + 2, 12)
        listing.styles.offset = (max(0, x), max(0, min(y, size.height - height)))
        values = [v for _, v in self.options]
        listing.highlighted = values.index(self.value) if self.value in values else 0
        listing.focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.options[event.option_index][1])

    def on_click(self, event: events.Click) -> None:
        # a click that no option handled landed outside the list: close, like Escape
        if event.widget is self:
            self.dismiss(None)


__all__ = ["ChoicePopup"]
