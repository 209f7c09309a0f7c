"""Manage the regex and time filters: toggle, remove, clear."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from logwatch_tui.core.filters import FilterSet
from logwatch_tui.ui.safe_text import inert


class FiltersScreen(ModalScreen[FilterSet | None]):
    """Space toggles, d/Delete removes, c clears all; Enter/Escape closes with the result."""

    DEFAULT_CSS = """
    FiltersScreen { align: center middle; }
    FiltersScreen > Vertical {
        width: 70;
        max-width: 95%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    FiltersScreen OptionList { height: auto; max-height: 16; }
    FiltersScreen .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("space", "toggle", "On/off"),
        Binding("d,delete", "remove", "Remove"),
        Binding("c", "clear", "Clear all"),
        Binding("escape,enter", "done", "Done", priority=True),
    ]

    def __init__(self, filters: FilterSet) -> None:
        super().__init__()
        self.filters = filters

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                Text("Filters (lines must match a 'keep' filter and no 'hide' filter)"),
                markup=False,
            )
            yield OptionList(id="filter-list")
            yield Label(
                Text("space on/off · d remove · c clear all · enter done"),
                classes="hint",
                markup=False,
            )

    def on_mount(self) -> None:
        self._refresh_list()

    def _refresh_list(self) -> None:
        ol = self.query_one(OptionList)
        keep = ol.highlighted
        ol.clear_options()
        for f in self.filters.filters:
            mark = "[x]" if f.enabled else "[ ]"
            verb = "keep" if f.kind == "in" else "hide"
            ol.add_option(Option(Text(f"{mark} {verb} {inert(f.pattern)}")))
        start, end = self.filters.time_range
        if start is not None or end is not None:
            ol.add_option(
                Option(
                    Text(inert(FilterSet(time_range=self.filters.time_range).describe())), id="time"
                )
            )
        if ol.option_count:
            ol.highlighted = min(keep or 0, ol.option_count - 1)

    def _index(self) -> int | None:
        ol = self.query_one(OptionList)
        return ol.highlighted

    def action_toggle(self) -> None:
        i = self._index()
        if i is not None and i < len(self.filters.filters):
            self.filters = self.filters.toggle(i)
            self._refresh_list()

    def action_remove(self) -> None:
        i = self._index()
        if i is None:
            return
        if i < len(self.filters.filters):
            self.filters = self.filters.remove(i)
        else:
            self.filters = self.filters.with_time_range(None, None)
        self._refresh_list()

    def action_clear(self) -> None:
        self.filters = FilterSet(
            sources=self.filters.sources, source_labels=self.filters.source_labels
        )
        self._refresh_list()

    def action_done(self) -> None:
        self.dismiss(self.filters)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_done()
