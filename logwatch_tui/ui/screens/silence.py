"""Choose what to silence and for how long."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from logwatch_tui.core.alerts import AlertItem
from logwatch_tui.ui.safe_text import inert

DURATIONS = (
    (15 * 60, "15 minutes"),
    (3600, "1 hour"),
    (4 * 3600, "4 hours"),
    (24 * 3600, "24 hours"),
)


@dataclass(frozen=True, slots=True)
class SilenceChoice:
    per_key: bool
    """True: only this rule+key; False: the whole rule."""
    seconds: float


class SilenceScreen(ModalScreen[SilenceChoice | None]):
    """Pick a scope (rule, or rule+key) and a duration; Escape cancels."""

    DEFAULT_CSS = """
    SilenceScreen { align: center middle; }
    SilenceScreen > Vertical {
        width: 60;
        max-width: 95%;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 0 1;
    }
    SilenceScreen OptionList { height: auto; max-height: 14; }
    """
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, item: AlertItem) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        options: list[Option] = []
        scopes = [(False, f"rule '{inert(self.item.name)}'")]
        if self.item.key:
            scopes.insert(
                0, (True, f"rule '{inert(self.item.name)}' for {inert(self.item.key_text)}")
            )
        for per_key, label in scopes:
            for seconds, span in DURATIONS:
                options.append(Option(Text(f"{label} for {span}"), id=f"{int(per_key)}:{seconds}"))
        with Vertical():
            yield Label(Text("Silence notifications (alerts are still recorded)"), markup=False)
            yield OptionList(*options)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        per_key, seconds = (event.option.id or "0:0").split(":")
        self.dismiss(SilenceChoice(per_key == "1", float(seconds)))
