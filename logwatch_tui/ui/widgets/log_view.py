"""The log view: a virtualised Line-API scroll view over a LineStore.

Only the rows on screen are rendered; each row reads its text back from the
store (lazily, cached there) and is turned into segments with styles taken
from component classes, so every colour comes from the theme. Filtering
produces an ``array`` of visible line numbers; for big stores it runs in a
thread worker so the screen never freezes.
"""

from __future__ import annotations

import re
from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual import on, work
from textual.binding import Binding
from textual.events import MouseScrollUp, Resize
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import Worker, WorkerState, get_current_worker

from logwatch_tui.core.formats.base import ParsedLine
from logwatch_tui.core.levels import Level
from logwatch_tui.core.rowquery import (
    LineFilter,
    RowQuery,
    restriction_mask,
    row_of,
)
from logwatch_tui.core.rule_regex import RegexTimeout
from logwatch_tui.core.store import LineStore
from logwatch_tui.ui.widgets.log_columns import LogColumns
from logwatch_tui.ui.widgets.log_navigation import LogNavigation
from logwatch_tui.ui.widgets.log_rows import (
    LEVEL_WIDTH,
    MAX_DISPLAY_CHARS,
    SOURCE_COLOURS,
    SOURCE_WIDTH,
    TIME_WIDTH,
    paint_row,
)
from logwatch_tui.ui.worker_failures import WorkerFailed

SYNC_FILTER_LIMIT = 200_000
"""Below this many lines, filtering is done at once (it takes a few ms)."""

ALL_LEVELS = frozenset(int(lv) for lv in Level)
MIN_LEVEL_STEPS = (0, Level.INFO, Level.WARNING, Level.ERROR, Level.CRITICAL)
"""What ``+``/``-`` step through: each step hides something people notice."""


class LogView(LogColumns, LogNavigation, ScrollView, can_focus=True):
    """Scrollable, filterable, follow-able view of every line in a LineStore."""

    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $foreground;
        scrollbar-size-vertical: 1;
        scrollbar-size-horizontal: 1;
    }
    LogView > .logview--time { color: $text-muted; }
    LogView > .logview--field { color: $secondary; }
    LogView > .logview--empty { color: $warning; text-style: italic; }
    LogView > .logview--source-0 { color: $secondary; }
    LogView > .logview--source-1 { color: $accent; }
    LogView > .logview--source-2 { color: $primary; }
    LogView > .logview--source-3 { color: $success; }
    LogView > .logview--source-4 { color: $warning; }
    LogView > .logview--source-5 { color: $foreground; text-style: italic; }
    LogView > .logview--continuation { color: $text-muted; }
    LogView > .logview--cursor { background: $boost; }
    LogView:focus > .logview--cursor { background: $primary-darken-3; }
    LogView > .logview--marker { color: $warning; text-style: italic; }
    LogView > .logview--match { background: $accent; color: $background; text-style: bold; }
    LogView > .logview--mark { color: $accent; text-style: bold; }
    LogView > .logview--level-unknown { color: $text-muted; }
    LogView > .logview--level-trace { color: $text-disabled; }
    LogView > .logview--level-debug { color: $text-muted; }
    LogView > .logview--level-info { color: $success; }
    LogView > .logview--level-notice { color: $accent; }
    LogView > .logview--level-warning { color: $warning; text-style: bold; }
    LogView > .logview--level-error { color: $error; text-style: bold; }
    LogView > .logview--level-critical { color: $text; background: $error; text-style: bold; }
    """

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False),
        Binding("pagedown,ctrl+f,space", "page_down", "Page down", show=False),
        Binding("home,g", "go_top", "Top", show=False),
        Binding("end,G", "go_bottom", "Bottom/follow", show=False),
        Binding("left,h", "scroll_left_cols", "Left", show=False),
        Binding("right,l", "scroll_right_cols", "Right", show=False),
        Binding("e", "next_level('error')", "Next error"),
        Binding("E", "prev_level('error')", "Prev error", show=False),
        Binding("w", "next_level('warning')", "Next warn", show=False),
        Binding("W", "prev_level('warning')", "Prev warn", show=False),
        Binding("f", "toggle_follow", "Follow"),
        Binding("n", "next_match", "Next match", show=False),
        Binding("N", "prev_match", "Prev match", show=False),
        Binding("m", "toggle_mark", "Mark line", show=False),
        Binding("full_stop", "next_mark", "Next mark", show=False),
        Binding("comma", "prev_mark", "Prev mark", show=False),
        Binding("d", "cycle_date", "Date column (auto/on/off)", show=False),
        Binding("r", "toggle_raw", "Raw line / parsed columns", show=False),
        Binding("c", "toggle_fields", "Field columns", show=False),
    ]

    COMPONENT_CLASSES = {
        "logview--time",
        "logview--field",
        "logview--empty",
        *(f"logview--source-{i}" for i in range(SOURCE_COLOURS)),
        "logview--continuation",
        "logview--cursor",
        "logview--marker",
        "logview--match",
        "logview--mark",
        *(f"logview--level-{lv.name.lower()}" for lv in Level),
    }

    follow: reactive[bool] = reactive(True)
    """Stay on the newest line as lines arrive (paused by scrolling up)."""
    cursor: reactive[int] = reactive(0, always_update=True)
    """Index into the visible lines of the selected row."""
    filtering: reactive[bool] = reactive(False)
    """A filter is being computed in the background (shown in the header)."""

    class FollowChanged(Message):
        """Following started or paused (the header shows it)."""

        def __init__(self, follow: bool) -> None:
            super().__init__()
            self.follow = follow

    class FilterChanged(Message):
        """The level filter changed (the header shows what is hidden)."""

        def __init__(self, hidden: frozenset[int], min_level: int, shown: int) -> None:
            super().__init__()
            self.hidden = hidden
            self.min_level = min_level
            self.shown = shown

    class NewWhilePaused(Message):
        """Lines arrived below while following is paused (the header shows ``+N new``)."""

        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, LogView.NewWhilePaused)

    class Jumped(Message):
        """A next/previous jump found nothing (the app tells the user)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    class FilterCutOff(Message):
        """A filter's regex ran out of its time budget on a line (the app turns it off)."""

        def __init__(self, error: RegexTimeout) -> None:
            super().__init__()
            self.error = error

    class _FilterDone(Message):
        def __init__(
            self,
            visible: array,
            upto: int,
            generation: int,
            store: LineStore | None = None,
            width: int = 0,
        ) -> None:
            super().__init__()
            self.rows = visible
            self.upto = upto
            self.generation = generation
            self.store = store
            """Set when the rows are for a store to switch to (see set_store)."""
            self.width = width

    def __init__(
        self,
        store: LineStore | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store if store is not None else LineStore()
        self.rows: array = array("q")
        self.hidden_levels: set[int] = set()
        self.min_level: int = 0
        self.only_source: int | None = None
        """Show one source only (None: all)."""
        self.restriction: bytes | None = None
        self.restriction_label = ""
        self.filters: LineFilter | None = None
        """Regex/time filters (core/filters.FilterSet), combined with the levels."""
        self._resort_pending = False
        self.search_rx: re.Pattern[str] | None = None
        """The current search (highlighted on screen)."""
        self.search_matches: array = array("q")
        """Store lines matching the search, ascending."""
        self.marks: set[int] = set()
        """Bookmarked store lines."""
        self.parse_of: Callable[[int, str], ParsedLine | None] = lambda source_id, text: None
        """Given (source id, raw line) return it parsed (message, fields), or None: raw line."""
        self.declared_columns: Callable[[int], Sequence[str] | None] = lambda source_id: None
        """A source's format's declared field columns, if its declaration names them."""
        self.raw_mode = False
        """Show each line exactly as in the file (``r``), like lnav's raw view."""
        self.date_mode = "auto"
        """``auto``: dates shown when the lines span more than one day; ``on``; ``off``."""
        self.show_fields: bool | None = None
        """Field columns on/off (``c``); None: on from WIDE_FIELDS columns."""
        self.new_while_paused = 0
        """Lines that arrived below since following paused."""
        self._date_format = ""
        self._source_count = len(self.store.source_names)
        self._field_columns: list[tuple[str, int]] | None = None
        self._row_cache: OrderedDict[int, tuple[list[Segment], int]] = OrderedDict()
        self._max_width = 0
        self._filter_generation = 0
        self._incoming: LineStore | None = None
        """A store being switched in (its rows computed in the filter worker)."""
        self._styles_key: object = None

    # -- state --------------------------------------------------------------------------
    @property
    def shown_levels(self) -> frozenset[int]:
        return frozenset(
            lv for lv in ALL_LEVELS if lv not in self.hidden_levels and (lv >= self.min_level)
        )

    @property
    def multi_source(self) -> bool:
        return len(self.store.source_names) > 1

    @property
    def source_width(self) -> int:
        """Width of the source column: the longest file name, at most SOURCE_WIDTH."""
        names = self.store.source_names
        longest = max((len(n.rsplit("/", 1)[-1]) for n in names), default=0)
        return max(4, min(SOURCE_WIDTH, longest))

    @property
    def row_query(self) -> RowQuery:
        """Everything that decides which lines show, in which order."""
        return RowQuery(
            shown_levels=self.shown_levels,
            sources=frozenset({self.only_source}) if self.only_source is not None else None,
            restriction=self.restriction,
            restriction_label=self.restriction_label,
            filters=self.filters,
            merge=self.multi_source and self.only_source is None,
        )

    @property
    def cursor_line(self) -> int | None:
        """Store line number under the cursor."""
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def set_store(self, store: LineStore) -> None:
        """Show another store (e.g. the full index replacing the quick preview).

        A big store's rows are computed in the filter worker; the switch happens
        when they are ready, so the screen never stalls on millions of lines.
        """
        if len(store) > SYNC_FILTER_LIMIT or self._filters_need_time_limit():
            self._incoming = store
            self._filter_generation += 1
            self._filter_worker(self.row_query, len(store), self._filter_generation, store)
            return
        self._incoming = None
        self._filter_generation += 1  # (a worker's rows for an earlier store are stale)
        self._switch_store(store, self.row_query.rows(store), len(store), None)
        self._settle_cursor()

    def _settle_cursor(self) -> None:
        n = len(self.rows)
        self.cursor = max(0, n - 1) if self.follow else min(self.cursor, max(0, n - 1))
        if self.follow:
            self._stick_to_end()
        self.refresh()

    def _switch_store(self, store: LineStore, rows: array, upto: int, width: int | None) -> None:
        self.store = store
        self._field_columns = None
        self._row_cache.clear()
        self._max_width = 0
        self.rows = rows
        if width is None:
            self._grow_width(range(len(store)))
        else:
            self._max_width = width
        pending = range(upto, len(store))
        if pending:
            self._append_rows(store, rows, pending)
            self._grow_width(pending)
        self._update_date_format()
        self._update_virtual_size()

    def lines_appended(self, new: range) -> None:
        """The store grew: extend the visible index and keep following."""
        if not new:
            return
        before = len(self.rows)
        if not self._append_rows(self.store, self.rows, new):
            # lines older than the newest shown row (merged sources): re-sort, throttled
            self._schedule_resort()
        self._check_sources()
        self._grow_width(new)
        self._update_date_format()
        self._update_virtual_size()
        if self.follow:
            self.cursor = max(0, len(self.rows) - 1)
            self._stick_to_end()
        elif len(self.rows) > before:
            self.new_while_paused += len(self.rows) - before
            self.post_message(self.NewWhilePaused(self.new_while_paused))
        self.refresh()

    def _check_sources(self) -> None:
        """A second source appeared (a glob matched a new file): every row gets the
        source column, including those painted before it came."""
        count = len(self.store.source_names)
        if count != self._source_count:
            self._source_count = count
            self._row_cache.clear()
            self._field_columns = None

    def _grow_width(self, new: range) -> None:
        store = self.store
        if len(store.lengths) >= new.stop and new:
            # the widest line of the store (the width always covers every line of it)
            longest = store.max_length
        else:
            longest = max((len(self.store.text(i)) for i in new), default=0)
        self._max_width = max(self._max_width, min(longest, MAX_DISPLAY_CHARS + 20))

    def _prefix_width(self) -> int:
        marks = 1 if self.marks else 0
        source = (self.source_width + 1) if self.multi_source else 0
        if self.raw_mode:
            return marks + source
        fields = sum(w + 1 for _, w in self.shown_field_columns)
        return marks + TIME_WIDTH + len(self._date_format) + 1 + LEVEL_WIDTH + 1 + source + fields

    def _update_virtual_size(self) -> None:
        self.virtual_size = Size(self._prefix_width() + self._max_width, len(self.rows))

    # -- filtering ----------------------------------------------------------------------------
    def toggle_level(self, level: int) -> None:
        self.hidden_levels ^= {level}
        self.refilter()

    def change_min_level(self, delta: int) -> None:
        """Step along MIN_LEVEL_STEPS: the first ``+`` hides TRACE and DEBUG together."""
        steps = MIN_LEVEL_STEPS
        if delta > 0:
            nxt = next((lv for lv in steps if lv > self.min_level), steps[-1])
        else:
            nxt = next((lv for lv in reversed(steps) if lv < self.min_level), 0)
        self.min_level = int(nxt)
        self.refilter()

    def show_all_levels(self) -> None:
        self.hidden_levels.clear()
        self.min_level = 0
        self.refilter()

    def _schedule_resort(self) -> None:
        if not self._resort_pending:
            self._resort_pending = True
            self.set_timer(0.5, self._resort)

    def _resort(self) -> None:
        # (marks and the search stay: only the order of the rows is rebuilt)
        self._resort_pending = False
        self.refilter()

    def set_restriction(self, lines: array | None, label: str = "") -> None:
        """Show only these store lines (e.g. one pattern's records); None lifts it."""
        self.restriction = restriction_mask(lines, len(self.store)) if lines is not None else None
        self.restriction_label = label if lines is not None else ""
        self.refilter()

    def set_filters(self, filters: LineFilter | None) -> None:
        self.filters = filters
        self.refilter()

    def cycle_source(self) -> str:
        """All sources -> first -> second … -> all. Returns a label for the user."""
        names = self.store.source_names
        if len(names) < 2:
            self.only_source = None
            return "only one source"
        nxt = 0 if self.only_source is None else self.only_source + 1
        self.only_source = nxt if nxt < len(names) else None
        self.refilter()
        return "all sources" if self.only_source is None else names[self.only_source]

    def refilter(self) -> None:
        """Recompute the visible lines; big stores are filtered off the event loop."""
        if self._incoming is not None:
            # a store is being switched in: the new filter applies to it (restarting
            # its worker), not to the store on screen that it replaces
            self.set_store(self._incoming)
            return
        self._filter_generation += 1
        query = self.row_query
        n = len(self.store)
        if n <= SYNC_FILTER_LIMIT and not self._filters_need_time_limit():
            self._apply_filter(query.rows(self.store, stop=n), n)
            self._post_filter_changed()
        else:
            self.filtering = True
            self._filter_worker(query, n, self._filter_generation)

    def _filters_need_time_limit(self) -> bool:
        """A filter regex that may backtrack badly runs in the worker, never on the event loop."""
        return bool(getattr(self.filters, "needs_time_limit", False))

    def _append_rows(self, store: LineStore, rows: array, new: range) -> bool:
        """``append_rows`` on the event loop (new lines): a filter cut off by its
        time budget is reported (the app turns it off and filters again)."""
        try:
            return self.row_query.append_rows(store, rows, new)
        except RegexTimeout as exc:
            self.post_message(self.FilterCutOff(exc))
            return True

    def _post_filter_changed(self) -> None:
        self.post_message(
            self.FilterChanged(frozenset(self.hidden_levels), self.min_level, len(self.rows))
        )

    @work(thread=True, exclusive=True, group="logview-filter", exit_on_error=False)
    def _filter_worker(
        self, query: RowQuery, n: int, generation: int, new_store: LineStore | None = None
    ) -> None:
        worker = get_current_worker()
        store = new_store if new_store is not None else self.store
        rows = query.rows(store, stop=n, cancel=lambda: worker.is_cancelled)
        width = 0
        if new_store is not None and n:  # (the widest line of the store: it only grows)
            width = min(new_store.max_length, MAX_DISPLAY_CHARS + 20)
        if not worker.is_cancelled:
            self.post_message(self._FilterDone(rows, n, generation, new_store, width))

    @on(Worker.StateChanged)
    def _on_filter_failed(self, event: Worker.StateChanged) -> None:
        # The app reports the error; here the view stops saying it is filtering.
        if event.worker.group == "logview-filter" and event.state == WorkerState.ERROR:
            self.filtering = False
            self.post_message(WorkerFailed(event.worker))

    @on(_FilterDone)
    def _on_filter_done(self, event: _FilterDone) -> None:
        if event.generation != self._filter_generation:
            return
        self.filtering = False
        if event.store is not None:
            self._incoming = None
            self._switch_store(event.store, event.rows, event.upto, event.width)
            self._settle_cursor()
            return
        self._apply_filter(event.rows, event.upto)
        self._post_filter_changed()

    def _apply_filter(self, visible: array, upto: int) -> None:
        anchor = self.cursor_line
        screen_offset = self.cursor - int(self.scroll_y)
        self.rows = visible
        pending = range(upto, len(self.store))
        if pending and not self._append_rows(self.store, visible, pending):
            self._schedule_resort()
        self._check_sources()
        self._update_date_format()
        self._update_virtual_size()
        if self.follow or anchor is None:
            self.cursor = max(0, len(visible) - 1)
            self._stick_to_end()
        else:
            # keep the selected line (or the nearest one above it) where it was on screen
            pos = row_of(visible, anchor, self.store, self.row_query.merge)
            self.cursor = max(0, pos)
            self.scroll_to(y=max(0, self.cursor - screen_offset), animate=False, immediate=True)
        self.refresh()

    # -- rendering ------------------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._row_cache.clear()

    def _on_resize(self, event: Resize) -> None:
        if self.show_fields is None:  # auto field columns depend on the width
            self._row_cache.clear()
        self._update_virtual_size()
        if self.follow:
            self._stick_to_end()

    def _stick_to_end(self) -> None:
        """Show the newest line. While following, the view is also *anchored*, so the
        compositor keeps it at the bottom whenever layout changes its size."""
        self.scroll_end(animate=False, immediate=True, x_axis=False)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _row_segments(self, line: int) -> tuple[list[Segment], int]:
        cached = self._row_cache.get(line)
        if cached is None:
            cached = paint_row(self, line)
            self._row_cache[line] = cached
            if len(self._row_cache) > 2000:
                self._row_cache.popitem(last=False)
        return cached

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        row = scroll_y + y
        width = self.scrollable_content_region.width  # not under the scrollbar
        base = self.rich_style
        if not self.rows:
            return self._empty_line(y, width, base)
        if row >= len(self.rows):
            return Strip.blank(width, base)
        line = self.rows[row]
        segs, cell_len = self._row_segments(line)
        strip = Strip(segs, cell_len)
        if cell_len > scroll_x + width and width > 1:
            # more to the right: say so in the last cell (→/l scrolls, Enter shows all)
            strip = strip.crop_extend(scroll_x, scroll_x + width - 1, None)
            strip = Strip([*strip, Segment("…", self._style("logview--marker"))], width)
        else:
            strip = strip.crop_extend(scroll_x, scroll_x + width, None)
        if row == self.cursor:
            strip = strip.apply_style(self._style("logview--cursor"))
        return strip.apply_style(base)

    # -- cursor and scrolling -----------------------------------------------------------------
    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()

    def on_mount(self) -> None:
        self.anchor()

    def watch_follow(self, follow: bool) -> None:
        if follow:
            self.new_while_paused = 0
            self.anchor()
        else:
            self.release_anchor()
        self.post_message(self.FollowChanged(follow))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if not self.follow and self._anchored and not self._anchor_released:
            # The user scrolled back to the very bottom (mouse/scrollbar): follow again,
            # as lnav and `less +F` users expect.
            self.follow = True
            self.cursor = max(0, len(self.rows) - 1)

    def _move_cursor(self, row: int, *, user: bool = True) -> None:
        n = len(self.rows)
        if not n:
            return
        row = max(0, min(n - 1, row))
        self.cursor = row
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)
        if user:
            self.follow = row >= n - 1

    def move_to_line(self, line: int) -> bool:
        """Select store line ``line`` (or the nearest visible one before it)."""
        pos = row_of(self.rows, line, self.store, self.row_query.merge)
        if pos < 0:
            return False
        self._move_cursor(pos)
        height = max(1, self.scrollable_content_region.height)
        self.scroll_to(y=max(0, pos - height // 3), animate=False, immediate=True)
        return True

    def action_cursor_up(self) -> None:
        self._move_cursor(self.cursor - 1)

    def action_cursor_down(self) -> None:
        self._move_cursor(self.cursor + 1)

    def action_page_up(self) -> None:
        self._move_cursor(self.cursor - max(1, self.scrollable_content_region.height - 1))

    def action_page_down(self) -> None:
        self._move_cursor(self.cursor + max(1, self.scrollable_content_region.height - 1))

    def action_go_top(self) -> None:
        self._move_cursor(0)

    def action_go_bottom(self) -> None:
        self.follow = True
        self._move_cursor(len(self.rows) - 1)
        self.scroll_end(animate=False, immediate=True)

    def action_toggle_follow(self) -> None:
        if self.follow:
            self.follow = False
        else:
            self.action_go_bottom()

    def action_scroll_left_cols(self) -> None:
        self.scroll_to(x=max(0, self.scroll_x - 8), animate=False)

    def action_scroll_right_cols(self) -> None:
        self.scroll_to(x=self.scroll_x + 8, animate=False)

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        if self.follow:
            self.follow = False
