"""One line under the header listing the active filters (shown only when any)."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from logwatch_tui.core.filters import FilterSet
from logwatch_tui.ui.safe_text import inert


class FilterBar(Widget):
    """``filters: 1 +/ERROR/  2 -/health/  time 10:00..10:15   (F: manage)``"""

    DEFAULT_CSS = """
    FilterBar {
        height: 1;
        display: none;
        background: $boost;
    }
    FilterBar.-active { display: block; }
    FilterBar > .filterbar--label { color: $text-muted; }
    FilterBar > .filterbar--in { color: $success; }
    FilterBar > .filterbar--out { color: $error; }
    FilterBar > .filterbar--off { color: $text-disabled; text-style: strike; }
    FilterBar > .filterbar--other { color: $accent; }
    """
    COMPONENT_CLASSES = {
        "filterbar--label",
        "filterbar--in",
        "filterbar--out",
        "filterbar--off",
        "filterbar--other",
    }

    filters: reactive[FilterSet] = reactive(FilterSet, always_update=True)
    """The filters to show."""
    extra: reactive[str] = reactive("")
    """Other narrowing (a pattern restriction, search count) shown after the filters."""

    def watch_filters(self, filters: FilterSet) -> None:
        self.set_class(filters.is_active or bool(filters.filters) or bool(self.extra), "-active")

    def watch_extra(self, extra: str) -> None:
        self.set_class(
            self.filters.is_active or bool(self.filters.filters) or bool(extra), "-active"
        )

    def render(self) -> Text:
        s = self.get_component_rich_style
        t = Text(no_wrap=True, overflow="ellipsis")
        t.append(" filters: ", s("filterbar--label"))
        fs = self.filters
        for i, f in enumerate(fs.filters, 1):
            style = (
                s("filterbar--off")
                if not f.enabled
                else s("filterbar--in" if f.kind == "in" else "filterbar--out")
            )
            t.append(f"{i}:", s("filterbar--label"))
            t.append(inert(f.describe()) + "  ", style)
        start, end = fs.time_range
        if start is not None or end is not None or fs.sources is not None:
            rest = FilterSet(
                time_range=fs.time_range, sources=fs.sources, source_labels=fs.source_labels
            )
            t.append(inert(rest.describe()) + "  ", s("filterbar--other"))
        if self.extra:
            t.append(inert(self.extra) + "  ", s("filterbar--other"))
        t.append("(F: manage)", s("filterbar--label"))
        return t
