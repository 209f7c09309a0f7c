"""A one-line pick-one field: one widget where Textual's ``Select`` builds nine.

The rule editor has three of these (level, condition, severity). A ``Select``
composes its current-value row, an arrow and an overlay ``OptionList`` up
front, for every select, whether or not it is ever opened; three of them were
a fifth of the editor's open time. A :class:`Choice` is a single focusable
line; ``←``/``→`` step through the options in place and ``Enter``/``Space``
(or a click) opens the list, built only then, as a small popup
(:class:`~logwatch_tui.ui.screens.choice_popup.ChoicePopup`).

Its surface mirrors what the editor used of ``Select``: ``value`` (settable),
``options`` and a :class:`Choice.Changed` message with ``.choice``/``.value``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from logwatch_tui.ui.screens.choice_popup import ChoicePopup


class Choice(Widget, can_focus=True):
    """Pick one of a few ``(label, value)`` options; posts :class:`Choice.Changed`."""

    DEFAULT_CSS = """
    Choice {
        height: 1;
        width: 1fr;
        padding: 0 1 0 0;
        background: $surface;
        color: $foreground;
    }
    Choice:focus { background-tint: $foreground 5%; }
    Choice > .choice--arrow { color: $text-muted; }
    """

    BINDINGS = [
        Binding("enter,space", "open", "Choose", show=False),
        Binding("left", "step(-1)", "Previous option", show=False),
        Binding("right", "step(1)", "Next option", show=False),
    ]

    COMPONENT_CLASSES = {"choice--arrow"}

    value: reactive[str] = reactive("", init=False)
    """The chosen option's value."""

    class Changed(Message):
        """The value changed (by a key, the popup or code)."""

        def __init__(self, choice: Choice, value: str) -> None:
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> Choice:
            return self.choice

    def __init__(
        self,
        options: Sequence[tuple[str, str]],
        value: str,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``options`` are ``(label, value)`` pairs; ``value`` must be one of them."""
        super().__init__(name=name, id=id, classes=classes)
        self.options = list(options)
        if value not in self._values():
            raise ValueError(f"{value!r} is not one of the options")
        self.set_reactive(Choice.value, value)

    def _values(self) -> list[str]:
        return [v for _, v in self.options]

    @property
    def label(self) -> str:
        """The label of the chosen option."""
        return next((label for label, v in self.options if v == self.value), self.value)

    def validate_value(self, value: str) -> str:
        if value not in self._values():
            raise ValueError(f"{value!r} is not one of the options")
        return value

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def render(self) -> Text:
        width = max(self.content_size.width, 3)
        label = self.label
        room = width - 2
        if len(label) > room:
            label = label[: max(room - 1, 0)] + "…"
        t = Text(label.ljust(room), no_wrap=True, overflow="ellipsis")
        t.append(" ▾", self.get_component_rich_style("choice--arrow", partial=True))
        return t

    # -- actions --------------------------------------------------------------------------------
    def action_step(self, delta: int) -> None:
        values = self._values()
        self.value = values[(values.index(self.value) + delta) % len(values)]

    def action_open(self) -> None:
        def picked(value: str | None) -> None:
            if value is not None:
                self.value = value
            self.focus()

        region = self.region
        self.app.push_screen(
            ChoicePopup(self.options, self.value, at=(region.x, region.y + 1)), picked
        )

    async def _on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.action_open()


__all__ = ["Choice"]
