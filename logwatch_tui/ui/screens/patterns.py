"""The Patterns view: which kinds of message the logs hold, ranked by count.

A full :class:`Screen` rather than a modal: the table is the whole point of the
view and needs every row and column of an 80x24 terminal (a modal would spend
them on a frame around a dimmed log view nobody reads meanwhile). The user
switches to it with a key and back with Escape, like a tab.

Each row is one template (variables shown as ``<*>``): rank, records, share,
a rate sparkline, first/last seen, the level mix and the template. Mining runs
in a thread worker over the app's :class:`PatternIndex` (kept alive by the app
across openings, so a second opening only mines what arrived since) and is
repeated every :data:`REFRESH_SECONDS` while the view is open.

Rates are counted up to the *newest record* in the store, not the wall clock:
an old file shows its last half hour instead of an empty line, and the picture
does not change while the view is merely looked at.

Enter posts :class:`PatternsScreen.PatternChosen` with the exact store lines
of that template's records (continuation lines included) to the app and
closes the view; ``r`` posts :class:`PatternsScreen.RuleFromPattern` and keeps
the view open under the rule editor.
"""

from __future__ import annotations

import threading
import time
from array import array
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.events import Resize
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static
from textual.worker import Worker, WorkerState

from logwatch_tui.analysis.pattern_index import PatternIndex, PatternRow
from logwatch_tui.core.levels import Level
from logwatch_tui.ui.safe_text import inert
from logwatch_tui.ui.widgets.backtest_panel import progress_text
from logwatch_tui.ui.widgets.stats_panel import sparkline
from logwatch_tui.ui.worker_failures import WorkerFailed

REFRESH_SECONDS = 2.0
"""While open, new lines are mined this often."""
SHOW_PROGRESS_LINES = 20_000
"""A mining run over at least this many lines shows a progress bar."""
PARTIAL_REFRESH_SECONDS = 1.0
"""During a long mining run, the table shows partial results this often."""
SYNC_SELECT_LINES = 200_000
"""Up to this many mined lines, the lines of a pattern are collected at once."""
MAX_ROWS = 1000
"""Rows shown (the most frequent templates); the title says when there are more."""
WIDE_WIDTH = 120
"""From this width on: first/last seen columns and a per-minute sparkline."""
MIN_TEMPLATE_WIDTH = 16
ELLIPSIS = "\u2026"

LEVEL_ORDER = (
    Level.CRITICAL,
    Level.ERROR,
    Level.WARNING,
    Level.NOTICE,
    Level.INFO,
    Level.DEBUG,
    Level.TRACE,
    Level.UNKNOWN,
)
LEVEL_LETTER = {
    Level.CRITICAL: "C",
    Level.ERROR: "E",
    Level.WARNING: "W",
    Level.NOTICE: "N",
    Level.INFO: "I",
    Level.DEBUG: "D",
    Level.TRACE: "T",
    Level.UNKNOWN: "?",
}


def _clock(ts: float, with_date: bool) -> str:
    """A log time as the log view shows it (local time), with the date when the log spans days."""
    try:
        dt = datetime.fromtimestamp(ts)
    except (OverflowError, OSError, ValueError):
        return "--:--:--"
    return dt.strftime("%m-%d %H:%M") if with_date else dt.strftime("%H:%M:%S")


def _share(count: int, total: int) -> str:
    if total <= 0:
        return ""
    pct = 100.0 * count / total
    return "<1%" if 0 < pct < 0.5 else f"{pct:.0f}%"


class PatternCommands(Provider):
    """The Patterns view's actions in the command palette (ctrl+p), as its keys do."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [
            ("Patterns: show the lines of this pattern", "choose", "Filter the log view (enter)"),
            ("Patterns: rule from this pattern", "rule", "Open the rule editor prefilled (r)"),
            ("Patterns: back to the log", "back", "Close the Patterns view (escape)"),
        ]

    async def search(self, query: str) -> Hits:
        screen = self.screen
        if not isinstance(screen, PatternsScreen):
            return
        matcher = self.matcher(query)
        for name, action, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(name),
                    getattr(screen, f"action_{action}"),
                    text=name,
                    help=help_text,
                )

    async def discover(self) -> Hits:
        screen = self.screen
        if not isinstance(screen, PatternsScreen):
            return
        for name, action, help_text in self._commands():
            yield DiscoveryHit(name, getattr(screen, f"action_{action}"), help=help_text)


class PatternsScreen(Screen[None]):
    """Templates ranked by count; Enter filters the log view to one of them."""

    DEFAULT_CSS = """
    PatternsScreen {
        layout: vertical;
        background: $surface;
    }
    PatternsScreen > #patterns-title {
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $foreground;
    }
    PatternsScreen > #patterns-progress {
        height: 1;
        padding: 0 1;
        display: none;
        color: $text-muted;
    }
    PatternsScreen > #patterns-progress.-busy { display: block; }
    PatternsScreen > DataTable {
        height: 1fr;
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    PatternsScreen > #patterns-detail {
        height: auto;
        max-height: 4;
        padding: 0 1;
        border-top: solid $panel-lighten-2;
    }
    PatternsScreen > .patterns--muted { color: $text-muted; }
    PatternsScreen > .patterns--title { text-style: bold; }
    PatternsScreen > .patterns--spark { color: $accent; }
    PatternsScreen > .patterns--variable { color: $text-muted; }
    PatternsScreen > .patterns--level-unknown { color: $text-muted; }
    PatternsScreen > .patterns--level-trace { color: $text-disabled; }
    PatternsScreen > .patterns--level-debug { color: $text-muted; }
    PatternsScreen > .patterns--level-info { color: $success; }
    PatternsScreen > .patterns--level-notice { color: $accent; }
    PatternsScreen > .patterns--level-warning { color: $warning; text-style: bold; }
    PatternsScreen > .patterns--level-error { color: $error; text-style: bold; }
    PatternsScreen > .patterns--level-critical { color: $text; background: $error; text-style: bold; }
    """

    BINDINGS = [
        Binding("enter", "choose", "Show its lines", priority=True),
        Binding("r", "rule", "Rule from pattern"),
        Binding("escape", "back", "Back"),
    ]

    COMMANDS = {PatternCommands}

    COMPONENT_CLASSES = {
        "patterns--muted",
        "patterns--title",
        "patterns--spark",
        "patterns--variable",
        *(f"patterns--level-{lv.name.lower()}" for lv in Level),
    }

    class PatternChosen(Message):
        """The user picked a pattern: show exactly these store lines (ascending).

        ``lines`` holds every line of every record with this template, head and
        continuation lines alike, up to what was mined when it was chosen.
        """

        def __init__(self, tid: int, template: str, lines: array) -> None:
            super().__init__()
            self.tid = tid
            self.template = template
            self.lines = lines

    class RuleFromPattern(Message):
        """The user wants a rule for this pattern (the app opens the rule editor prefilled)."""

        def __init__(self, template: str, sample_message: str) -> None:
            super().__init__()
            self.template = template
            self.sample_message = sample_message

    class _Progress(Message):
        """Posted from the mining thread; a flood collapses to the latest."""

        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, PatternsScreen._Progress)

    class _Mined(Message):
        """A mining run finished (or stopped): show the new counts."""

    class _Selected(Message):
        """The lines of a chosen pattern were collected in a thread (big stores)."""

        def __init__(self, tid: int, template: str, lines: array) -> None:
            super().__init__()
            self.tid = tid
            self.template = template
            self.lines = lines

    def __init__(
        self,
        index: PatternIndex,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.index = index
        self._rows: dict[int, PatternRow] = {}
        self._order: list[int] = []
        self._shown_key: tuple[object, ...] = ()
        self._mining: Worker[None] | None = None
        self._choosing = False
        self._last_partial = 0.0
        self._cancel = threading.Event()
        self.table: DataTable[Text] = DataTable(cursor_type="row", id="patterns-table")

    def compose(self) -> ComposeResult:
        yield Static(id="patterns-title")
        # one line of text, not a ProgressBar (four widgets, built at every opening)
        yield Static(id="patterns-progress", markup=False)
        yield self.table
        yield Static(id="patterns-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.table.focus()
        self._show_title()
        self._show_detail(None)
        # After the first frame: a mining thread started now competes with the layout
        # of the screen for the GIL and delays it showing up.
        self.call_after_refresh(self._start_mining)
        self.set_interval(REFRESH_SECONDS, self._start_mining)

    def on_unmount(self) -> None:
        # Stop a long mining run promptly: the index keeps what was mined so far.
        self._cancel.set()

    # -- mining --------------------------------------------------------------------------
    def _start_mining(self) -> None:
        if self._mining is not None and not self._mining.is_finished:
            return
        if self.index.pending() == 0 and self._rows:
            return
        self._mining = self._mine()

    @work(thread=True, exclusive=True, group="patterns-mine", exit_on_error=False)
    def _mine(self) -> None:
        show = self.index.pending() >= SHOW_PROGRESS_LINES

        def progress(done: int, total: int) -> None:
            if show:
                self.post_message(self._Progress(done, total))

        self.index.update(cancel=self._cancel, progress=progress)
        self.post_message(self._Mined())

    @on(_Progress)
    def _on_progress(self, event: _Progress) -> None:
        box = self.query_one("#patterns-progress", Static)
        box.add_class("-busy")
        box.update(progress_text(event.done, event.total, what="mining", unit="lines"))
        now = time.monotonic()
        if now - self._last_partial >= PARTIAL_REFRESH_SECONDS:
            self._last_partial = now
            self._refresh_table()

    @on(_Mined)
    def _on_mined(self, event: _Mined) -> None:
        self.query_one("#patterns-progress").remove_class("-busy")
        self._refresh_table()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # The app reports the error; here the screen stops looking busy.
        if event.state == WorkerState.ERROR:
            self.query_one("#patterns-progress").remove_class("-busy")
            self._choosing = False
            self.post_message(WorkerFailed(event.worker))

    # -- table ------------------------------------------------------------------------
    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    @property
    def _wide(self) -> bool:
        return self.size.width >= WIDE_WIDTH

    def _refresh_table(self, *, force: bool = False) -> None:
        """Rebuild the rows from a fresh copy of the index (keeps the selected template)."""
        wide = self._wide
        buckets, bucket_seconds = (30, 60.0) if wide else (10, 180.0)
        key = (self.index.records, self.index.newest_ts, self.size.width, len(self.index.miner))
        if key == self._shown_key and not force:
            return
        self._shown_key = key
        rows = self.index.summaries(buckets=buckets, bucket_seconds=bucket_seconds, limit=MAX_ROWS)
        self._rows = {r.id: r for r in rows}
        self._order = [r.id for r in rows]
        table = self.table
        selected = self._selected_id()
        total = self.index.records
        ts_values = [r.first_seen for r in rows] + [r.last_seen for r in rows]
        with_date = bool(ts_values) and max(ts_values) - min(ts_values) >= 86_400
        clock_w = 11 if with_date else 8
        mixes = [self._level_mix(r.levels) for r in rows]
        counts = [f"{r.count:,}" for r in rows]
        widths: list[tuple[str, str, int]] = [
            ("rank", "#", max(1, len(str(len(rows))))),
            ("count", "count", max([5, *map(len, counts)])),
            ("share", "share", 5),
            ("rate", "last 30m", max(8, buckets)),
        ]
        if wide:
            widths += [("first", "first", clock_w), ("last", "last", clock_w)]
        widths.append(("levels", "levels", min(14, max([6, *(m.cell_len for m in mixes)]))))
        used = sum(w for _, _, w in widths) + 2 * table.cell_padding * (len(widths) + 1) + 1
        template_w = max(MIN_TEMPLATE_WIDTH, self.size.width - used)
        widths.append(("template", "template", template_w))

        table.clear(columns=True)
        for col_key, label, width in widths:
            justify = "right" if col_key in ("rank", "count", "share") else "left"
            table.add_column(Text(label, justify=justify), width=width, key=col_key)
        spark_style = self._style("patterns--spark")
        var_style = self._style("patterns--variable")
        for rank, (row, mix, count) in enumerate(zip(rows, mixes, counts), start=1):
            template = Text(inert(row.text), no_wrap=True)
            template.highlight_words(["<*>"], var_style)
            template.truncate(template_w, overflow="ellipsis")
            mix.truncate(widths[-2][2], overflow="ellipsis")
            cells: list[Text] = [
                Text(str(rank), justify="right"),
                Text(count, justify="right"),
                Text(_share(row.count, total), justify="right"),
                Text(sparkline(row.rate, buckets), spark_style),
            ]
            if wide:
                cells += [
                    Text(_clock(row.first_seen, with_date)),
                    Text(_clock(row.last_seen, with_date)),
                ]
            cells += [mix, template]
            table.add_row(*cells, key=str(row.id))
        if selected is not None and selected in self._rows:
            table.move_cursor(row=self._order.index(selected), animate=False)
        self._show_title()
        self._show_detail(self._selected_id())

    def _level_mix(self, levels: dict[int, int]) -> Text:
        """``E12 W3 I400``: records per level, most severe first, each in its level's colour."""
        out = Text(no_wrap=True)
        for lv in LEVEL_ORDER:
            n = levels.get(int(lv))
            if not n:
                continue
            if out:
                out.append(" ")
            out.append(f"{LEVEL_LETTER[lv]}{n}", self._style(f"patterns--level-{lv.name.lower()}"))
        return out

    def _selected_id(self) -> int | None:
        row = self.table.cursor_row
        if 0 <= row < len(self._order) and self.table.row_count:
            return self._order[row]
        return None

    def _show_title(self) -> None:
        title = Text(no_wrap=True, overflow="ellipsis")
        title.append("Patterns", self._style("patterns--title"))
        muted = self._style("patterns--muted")
        idx = self.index
        if not idx.records and idx.pending():
            title.append("  mining…", muted)
        else:
            n = len(idx.miner)
            shown = f"top {MAX_ROWS:,} of {n:,}" if n > MAX_ROWS else f"{n:,}"
            title.append(f"  {shown} kinds in {idx.records:,} records", muted)
            if idx.records:
                span = "30 min" if self._wide else "30 min, 3-min steps"
                title.append(
                    f"  ·  rates: {span} up to {_clock(idx.newest_ts, False)} (newest record)",
                    muted,
                )
        self.query_one("#patterns-title", Static).update(title)

    def _show_detail(self, tid: int | None) -> None:
        detail = self.query_one("#patterns-detail", Static)
        row = self._rows.get(tid) if tid is not None else None
        muted = self._style("patterns--muted")
        if row is None:
            empty = "no records yet" if not self.index.pending() else "mining…"
            detail.update(Text(empty, muted))
            return
        width = max(20, self.size.width - 2)
        text = Text(inert(row.text))
        text.highlight_words(["<*>"], self._style("patterns--variable"))
        if text.cell_len > 2 * width:
            text.truncate(2 * width - 1)
            text.append(ELLIPSIS)
        info = Text(no_wrap=True, overflow="ellipsis")
        with_date = row.last_seen - row.first_seen >= 86_400
        info.append("first ", muted)
        info.append(_clock(row.first_seen, with_date))
        info.append("  last ", muted)
        info.append(_clock(row.last_seen, with_date))
        info.append("  ·  ", muted)
        info.append_text(self._level_mix(row.levels))
        info.append("  ·  ", muted)
        info.append(f"{row.count:,} records ({_share(row.count, self.index.records)})")
        peak = max(row.rate, default=0)
        if peak:
            per = "min" if self._wide else "3min"
            info.append(f"  ·  peak {peak:,}/{per}", muted)
        info.truncate(width, overflow="ellipsis")
        detail.update(Text("\n").join([text, info]))

    # -- events -------------------------------------------------------------------------------
    def on_resize(self, event: Resize) -> None:
        if self._rows:
            self._refresh_table()

    @on(DataTable.RowHighlighted)
    def _on_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail(self._selected_id())

    @on(DataTable.RowSelected)
    def _on_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_choose()

    @on(_Selected)
    def _on_selected(self, event: _Selected) -> None:
        self._deliver(event.tid, event.template, event.lines)

    # -- actions -------------------------------------------------------------------------------
    def action_choose(self) -> None:
        """Filter the log view to the highlighted pattern's records and go back to it."""
        tid = self._selected_id()
        if tid is None or self._choosing:
            return
        template = self._rows[tid].text
        if self.index.mined <= SYNC_SELECT_LINES:
            self._deliver(tid, template, self.index.lines_of(tid))
        else:
            self._choosing = True
            self.query_one("#patterns-title", Static).update(
                Text(f"collecting the lines of: {inert(template)}", no_wrap=True)
            )
            self._collect(tid, template)

    @work(thread=True, exclusive=True, group="patterns-select", exit_on_error=False)
    def _collect(self, tid: int, template: str) -> None:
        self.post_message(self._Selected(tid, template, self.index.lines_of(tid)))

    def _deliver(self, tid: int, template: str, lines: array) -> None:
        self._choosing = False
        # To the app, not to this screen: the screen is gone before its queue would run.
        self.app.post_message(self.PatternChosen(tid, template, lines))
        if self.is_current:
            self.dismiss()

    def action_rule(self) -> None:
        """Ask the app for a rule editor prefilled from this pattern (this view stays open)."""
        tid = self._selected_id()
        if tid is None:
            return
        self.app.post_message(
            self.RuleFromPattern(self._rows[tid].text, self.index.sample_message(tid))
        )

    def action_back(self) -> None:
        self.dismiss()
