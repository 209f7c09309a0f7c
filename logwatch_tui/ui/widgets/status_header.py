"""One-line header: sources, format, follow state, hidden levels, progress."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from logwatch_tui.core.levels import Level
from logwatch_tui.ui.safe_text import inert


class StatusHeader(Widget):
    """What am I looking at, and is it live? Always visible at the top."""

    DEFAULT_CSS = """
    StatusHeader {
        height: 1;
        background: $panel;
        color: $foreground;
    }
    StatusHeader > .status--follow { color: $success; text-style: bold; }
    StatusHeader > .status--paused { color: $warning; text-style: bold; }
    StatusHeader > .status--filter { color: $warning; }
    StatusHeader > .status--dim { color: $text-muted; }
    StatusHeader > .status--alert { color: $error; text-style: bold; }
    """
    COMPONENT_CLASSES = {
        "status--follow",
        "status--paused",
        "status--filter",
        "status--dim",
        "status--alert",
    }

    sources: reactive[str] = reactive("")
    """Source paths (or a count when there are many)."""
    format_name: reactive[str] = reactive("")
    """Detected (or forced) format of the sources."""
    follow: reactive[bool] = reactive(True)
    """Following new lines, or paused."""
    hidden: reactive[frozenset[int]] = reactive(frozenset())
    """Levels hidden by toggles."""
    min_level: reactive[int] = reactive(0)
    """Minimum level shown (0: all)."""
    progress: reactive[float | None] = reactive(None)
    """Indexing progress 0..1 while the existing content loads; None when done."""
    firing: reactive[int] = reactive(0)
    """Alerts currently firing."""
    search: reactive[str] = reactive("")
    """The active search and its match count."""
    only_source: reactive[str] = reactive("")
    """The one source shown, when the view is limited to one."""
    note: reactive[str] = reactive("")
    """A short source status such as 'waiting for app.log'."""
    new_lines: reactive[int] = reactive(0)
    """Lines that arrived below while following is paused."""
    shown: reactive[str] = reactive("")
    """``1,234 of 5,000 lines`` while filters hide some (empty otherwise)."""
    zone: reactive[str] = reactive("")
    """The zone times are shown in (the user's local zone), e.g. ``UTC`` or ``CET``."""

    def render(self) -> Text:
        s = self.get_component_rich_style
        t = Text(no_wrap=True, overflow="ellipsis")
        if self.follow:
            t.append(" ▶ FOLLOW ", s("status--follow"))
        else:
            t.append(" ❚❚ PAUSED ", s("status--paused"))
            if self.new_lines:
                t.append(f"+{self.new_lines:,} new (G) ", s("status--paused"))
        t.append(inert(self.sources))
        if self.format_name:
            t.append(f" [{inert(self.format_name)}]", s("status--dim"))
        if self.progress is not None:
            t.append(f"  indexing {self.progress:.0%}", s("status--filter"))
        if self.zone:
            t.append(f" {inert(self.zone)}", s("status--dim"))
        if self.shown:
            t.append(f"  {inert(self.shown)}", s("status--filter"))
        if self.min_level:
            t.append(f"  ≥{Level(self.min_level).label}", s("status--filter"))
        if self.hidden:
            names = ",".join(Level(lv).label for lv in sorted(self.hidden))
            t.append(f"  hidden:{names}", s("status--filter"))
        if self.search:
            t.append(f"  {inert(self.search)}", s("status--filter"))
        if self.only_source:
            t.append(f"  only:{inert(self.only_source.rsplit('/', 1)[-1])}", s("status--filter"))
        if self.firing:
            t.append(f"  ● {self.firing} firing", s("status--alert"))
        if self.note:
            t.append(f"  {inert(self.note)}", s("status--dim"))
        return t
