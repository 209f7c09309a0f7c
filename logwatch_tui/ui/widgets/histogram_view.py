"""Records over time as stacked bars, one column per time bucket.

Each bar is stacked by level, most severe at the bottom so a handful of
errors sits on the baseline where the eye finds it (a non-zero level always
gets at least an eighth of a cell). Bars use the eighth-block characters, and
a cell where one level ends and the next begins paints the lower part in the
lower level's colour (foreground) and the rest in the upper level's colour
(background), so stacks read cleanly at a small height. All colours come from
component classes, so every theme works.

``left``/``right`` select a bucket, ``+``/``-`` zoom (bucket size down/up the
ladder, keeping the selected time in view), ``Enter`` posts
:class:`HistogramView.BucketSelected`. Big stores are counted in a thread
worker; the widget says so meanwhile.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

from rich.segment import Segment
from rich.style import Style
from textual import on, work
from textual.binding import Binding
from textual.events import Resize
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.worker import Worker, WorkerState, get_current_worker

from logwatch_tui.core.histogram import (
    Histogram,
    bucket_label,
    bucket_size_for,
    histogram,
    zoom_in,
    zoom_out,
)
from logwatch_tui.core.levels import Level
from logwatch_tui.core.store import LineStore
from logwatch_tui.ui.worker_failures import WorkerFailed

SYNC_LIMIT = 200_000
"""Stores up to this many lines are counted at once; bigger ones in a thread."""
GUTTER = 7
"""Width of the y-axis labels plus the axis line."""
BLOCKS = " ▁▂▃▄▅▆▇█"
STACK_ORDER = (
    Level.CRITICAL,
    Level.ERROR,
    Level.WARNING,
    Level.NOTICE,
    Level.INFO,
    Level.DEBUG,
    Level.TRACE,
    Level.UNKNOWN,
)
"""Bottom to top."""


def short_count(n: int) -> str:
    """``999``, ``1.2k``, ``34k``, ``1.5M``: fits the 5-cell y-axis gutter."""
    if n < 1000:
        return str(n)
    for div, unit in ((1_000_000_000, "G"), (1_000_000, "M"), (1000, "k")):
        if n >= div:
            v = n / div
            return f"{v:.1f}{unit}" if v < 10 else f"{v:.0f}{unit}"
    return str(n)  # pragma: no cover


def time_format(bucket: float) -> str:
    """strftime for axis labels: seconds only when buckets are under a minute."""
    if bucket < 60:
        return "%H:%M:%S"
    if bucket < 86400:
        return "%H:%M"
    return "%m-%d"


def _fmt(ts: float, fmt: str) -> str:
    try:
        return datetime.fromtimestamp(ts).strftime(fmt)
    except (OverflowError, OSError, ValueError):
        return "?"


class HistogramView(Widget, can_focus=True):
    """Counts per time bucket, stacked by level, with a selectable bucket."""

    DEFAULT_CSS = """
    HistogramView {
        height: 1fr;
        min-height: 8;
        background: $surface;
        color: $foreground;
    }
    HistogramView > .histogram--title { text-style: bold; }
    HistogramView > .histogram--axis { color: $text-muted; }
    HistogramView > .histogram--cursor { background: $primary 30%; }
    HistogramView:focus > .histogram--cursor { background: $primary 45%; }
    HistogramView > .histogram--selected-label { color: $text; background: $primary; }
    HistogramView > .histogram--info { color: $text; }
    HistogramView > .histogram--level-unknown { color: $text-muted; }
    HistogramView > .histogram--level-trace { color: $text-disabled; }
    HistogramView > .histogram--level-debug { color: $secondary; }
    HistogramView > .histogram--level-info { color: $success; }
    HistogramView > .histogram--level-notice { color: $accent; }
    HistogramView > .histogram--level-warning { color: $warning; }
    HistogramView > .histogram--level-error { color: $error; }
    HistogramView > .histogram--level-critical { color: $error-darken-2; }
    """

    BINDINGS = [
        Binding("left,h", "select(-1)", "Earlier", show=False),
        Binding("right,l", "select(1)", "Later", show=False),
        Binding("pageup", "select_page(-1)", "Page earlier", show=False),
        Binding("pagedown", "select_page(1)", "Page later", show=False),
        Binding("home", "select_edge(0)", "First", show=False),
        Binding("end", "select_edge(1)", "Last", show=False),
        Binding("plus,equals_sign", "zoom(-1)", "Zoom in"),
        Binding("minus", "zoom(1)", "Zoom out"),
        Binding("enter", "choose", "Go to time"),
    ]

    COMPONENT_CLASSES = {
        "histogram--title",
        "histogram--axis",
        "histogram--cursor",
        "histogram--selected-label",
        "histogram--info",
        *(f"histogram--level-{lv.name.lower()}" for lv in Level),
    }

    bucket: reactive[float] = reactive(0.0, init=False)
    """Seconds per bucket (0 until the first layout picks one for the width)."""
    selected: reactive[int] = reactive(0, init=False)
    """Index of the selected bucket in :attr:`hist`."""

    class BucketSelected(Message):
        """Enter on a bucket: the app jumps the log view to ``start_ts``."""

        def __init__(self, start_ts: float, bucket: float) -> None:
            super().__init__()
            self.start_ts = start_ts
            self.bucket = bucket

    class _Computed(Message):
        def __init__(self, hist: Histogram, generation: int, keep_ts: float | None) -> None:
            super().__init__()
            self.hist = hist
            self.generation = generation
            self.keep_ts = keep_ts

    def __init__(
        self,
        store: LineStore,
        rows: Sequence[int] | None = None,
        *,
        bucket: float | None = None,
        select_ts: float | None = None,
        upto: int | None = None,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """``rows``: the visible (filtered) lines, or None for the whole store.

        ``bucket`` fixes the first bucket size (else it fits the width);
        ``select_ts`` picks the bucket to select first (else the latest).
        ``upto``: count only ``rows[:upto]`` — ``rows`` may be the log view's live
        array, which grows while the screen is open; it is copied in the worker,
        never on the event loop.
        """
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.rows = rows
        self.upto = upto if upto is not None else (len(rows) if rows is not None else 0)
        self.hist: Histogram | None = None
        self.first_bucket = 0
        """Index of the first bucket on screen."""
        self._initial_bucket = bucket
        self._select_ts = select_ts
        self._generation = 0
        self.computing = False
        self.failed = ""
        """Why the last count failed (shown instead of bars)."""

    # -- data ----------------------------------------------------------------------------------
    @property
    def histogram(self) -> Histogram | None:
        """The counts on screen (None until the first count finishes)."""
        return self.hist

    @property
    def selected_start(self) -> float | None:
        """Start time (epoch seconds) of the selected bucket."""
        if self.hist is None or not len(self.hist):
            return None
        return self.hist.bucket_start(self.selected)

    @property
    def plot_width(self) -> int:
        return max(1, self.size.width - GUTTER)

    def _span(self) -> float:
        store, rows = self.store, self.rows
        if not len(store) or (rows is not None and not len(rows)):
            return 0.0
        if rows is not None and not self.upto:
            return 0.0
        first = rows[0] if rows is not None else 0
        last = rows[self.upto - 1] if rows is not None else len(store) - 1
        ts = store.ts
        return max(0.0, ts[last] - ts[first])

    def on_resize(self, event: Resize) -> None:
        if not self.bucket and event.size.width > GUTTER:
            self.bucket = self._initial_bucket or bucket_size_for(self._span(), self.plot_width)
        else:
            self._scroll_to_selected()

    def watch_bucket(self, old: float, new: float) -> None:
        keep = self._select_ts
        if keep is None and self.hist is not None and len(self.hist):
            keep = self.hist.bucket_start(self.selected) + min(old, new) / 2
        self._select_ts = None
        self._recompute(keep)

    def _recompute(self, keep_ts: float | None) -> None:
        self._generation += 1
        bucket = self.bucket
        if len(self.store) <= SYNC_LIMIT:
            self._apply(histogram(self.store, self._rows_now(), bucket), keep_ts)
        else:
            self.computing = True
            self.refresh()
            # after the "counting…" frame: a counting thread started now would hold
            # the GIL while the screen is being laid out and delay it by seconds
            generation = self._generation
            self.call_after_refresh(self._count_worker, bucket, generation, keep_ts)

    def _rows_now(self) -> Sequence[int] | None:
        rows = self.rows
        if rows is None or len(rows) == self.upto:
            return rows
        return rows[: self.upto]

    @work(thread=True, exclusive=True, group="histogram", exit_on_error=False)
    def _count_worker(self, bucket: float, generation: int, keep_ts: float | None) -> None:
        hist = histogram(self.store, self._rows_now(), bucket)
        if not get_current_worker().is_cancelled:
            self.post_message(self._Computed(hist, generation, keep_ts))

    @on(Worker.StateChanged)
    def _on_count_failed(self, event: Worker.StateChanged) -> None:
        # The app logs it and shows the toast; the widget says so instead of "counting…".
        if event.worker.group == "histogram" and event.state == WorkerState.ERROR:
            self.computing = False
            self.failed = f"counting failed: {event.worker.error}"
            self.refresh()
            self.post_message(WorkerFailed(event.worker))

    @on(_Computed)
    def _on_computed(self, event: _Computed) -> None:
        if event.generation == self._generation:
            self.computing = False
            self._apply(event.hist, event.keep_ts)

    def _apply(self, hist: Histogram, keep_ts: float | None) -> None:
        self.hist = hist
        self.failed = ""
        if hist.bucket != self.bucket:  # grew to stay under MAX_BUCKETS
            self.set_reactive(HistogramView.bucket, hist.bucket)
        n = len(hist)
        if keep_ts is not None:
            index = hist.bucket_of(keep_ts)
        else:
            index = n - 1
        self.set_reactive(HistogramView.selected, max(0, min(n - 1, index)))
        self._scroll_to_selected(center=True)
        self.refresh()

    def _scroll_to_selected(self, *, center: bool = False) -> None:
        if self.hist is None:
            return
        cols = self._visible_buckets()
        n = len(self.hist)
        sel = self.selected
        if center and not (self.first_bucket <= sel < self.first_bucket + cols):
            self.first_bucket = sel - cols // 2
        elif sel < self.first_bucket:
            self.first_bucket = sel
        elif sel >= self.first_bucket + cols:
            self.first_bucket = sel - cols + 1
        self.first_bucket = max(0, min(self.first_bucket, max(0, n - cols)))

    def _col_width(self) -> int:
        """Cells per bucket: 1 when buckets are many, up to 6 (bar + gap) when few."""
        n = len(self.hist) if self.hist is not None else 1
        return max(1, min(6, self.plot_width // max(1, n)))

    def _visible_buckets(self) -> int:
        return max(1, self.plot_width // self._col_width())

    # -- actions -------------------------------------------------------------------------------
    def watch_selected(self, old: int, new: int) -> None:
        self._scroll_to_selected()
        self.refresh()

    def action_select(self, delta: int) -> None:
        if self.hist is None or not len(self.hist):
            return
        self.selected = max(0, min(len(self.hist) - 1, self.selected + delta))

    def action_select_page(self, direction: int) -> None:
        self.action_select(direction * max(1, self._visible_buckets() - 1))

    def action_select_edge(self, end: int) -> None:
        if self.hist is not None and len(self.hist):
            self.selected = len(self.hist) - 1 if end else 0

    def action_zoom(self, direction: int) -> None:
        """-1: finer buckets (zoom in), +1: coarser (zoom out)."""
        if not self.bucket:
            return
        self.bucket = zoom_in(self.bucket) if direction < 0 else zoom_out(self.bucket)

    def action_choose(self) -> None:
        if self.hist is None or not self.hist.total():
            self.notify("no records here to go to", timeout=2, markup=False)
            return
        self.post_message(
            self.BucketSelected(self.hist.bucket_start(self.selected), self.hist.bucket)
        )

    # -- rendering -------------------------------------------------------------------------------
    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"histogram--{name}", partial=True)

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        base = self.rich_style
        lines = self._lines(width, height)
        if y >= len(lines):
            return Strip.blank(width, base)
        return Strip(lines[y]).crop_extend(0, width, base).apply_style(base)

    def _lines(self, width: int, height: int) -> list[list[Segment]]:
        """Every row of the widget at once (it is small: a screenful of cells)."""
        key = (
            width,
            height,
            id(self.hist),
            self.selected,
            self.first_bucket,
            self.computing,
            self.failed,
        )
        cached = getattr(self, "_line_cache", None)
        if cached is not None and cached[0] == key and cached[2] == self._styles_key():
            return cached[1]
        lines = self._build(width, height)
        self._line_cache = (key, lines, self._styles_key())
        return lines

    def _styles_key(self) -> object:
        return (self.app.theme if self.is_attached else None, self.has_focus)

    def _build(self, width: int, height: int) -> list[list[Segment]]:
        hist = self.hist
        title_style = self._style("title")
        axis = self._style("axis")
        if self.failed and not self.computing:
            return [[Segment(self.failed, title_style)]]
        if hist is None or self.computing:
            return [[Segment("counting records…", title_style)]]
        if not hist.total():
            return [[Segment("no records to count", title_style)]]
        col_w = self._col_width()
        cols = self._visible_buckets()
        first = self.first_bucket
        last = min(len(hist), first + cols)
        visible = hist.counts[first:last]
        peak = max((sum(r) for r in visible), default=0) or 1
        fmt = time_format(hist.bucket)
        lines: list[list[Segment]] = []
        # title
        span = f"{_fmt(hist.start, '%Y-%m-%d %H:%M')} – {_fmt(hist.end, '%Y-%m-%d %H:%M')}"
        title = f" records per {bucket_label(hist.bucket)} · {hist.total():,} · {span}"
        lines.append([Segment(title, title_style)])
        bar_h = max(1, height - 4)
        # per visible column: list of (style, top_eighth) bottom-up
        stacks = [self._stack(row, peak, bar_h * 8) for row in visible]
        cursor = self._style("cursor")
        sel_col = self.selected - first
        for r in range(bar_h - 1, -1, -1):
            segs: list[Segment] = []
            if r == bar_h - 1:
                label = short_count(peak)
            elif r == 0:
                label = "0"
            elif bar_h >= 6 and r == bar_h // 2:
                label = short_count(peak // 2) if peak >= 2 else ""
            else:
                label = ""
            segs.append(
                Segment(f"{label:>{GUTTER - 2}} ┤" if label else " " * (GUTTER - 1) + "│", axis)
            )
            bar_w = col_w - 1 if col_w >= 3 else col_w  # wide bars get a gap between them
            gap = " " * (col_w - bar_w)
            for c, stack in enumerate(stacks):
                ch, style = self._cell(stack, r)
                if c == sel_col and ch == " ":
                    style = cursor if style is None else style + Style(bgcolor=cursor.bgcolor)
                segs.append(Segment(ch * bar_w, style))
                if gap:
                    segs.append(Segment(gap))
            lines.append(segs)
        # x axis with a tick every few columns and the selected bucket marked
        label_len = len(_fmt(hist.start, fmt))
        step = max(1, math.ceil((label_len + 2) / col_w))
        axis_cells = []
        for c in range(last - first):
            mark = "▲" if c == sel_col else ("┬" if (first + c) % step == 0 else "─")
            axis_cells.append(mark + ("─" * (col_w - 1)))
        lines.append([Segment(" " * (GUTTER - 1) + "└", axis), Segment("".join(axis_cells), axis)])
        # time labels under the ticks
        label_row = [" "] * (cols * col_w + 1)
        for c in range(0, last - first):
            if (first + c) % step == 0:
                text = _fmt(hist.bucket_start(first + c), fmt)
                x = c * col_w
                if x + label_len <= len(label_row):
                    label_row[x : x + label_len] = list(text)
        lines.append([Segment(" " * GUTTER), Segment("".join(label_row).rstrip(), axis)])
        # the selected bucket's numbers
        lines.append(self._info_line())
        return lines

    def _stack(self, row: list[int], peak: int, eighths: int) -> list[tuple[Style, int]]:
        out: list[tuple[Style, int]] = []
        top = 0
        for lv in STACK_ORDER:
            n = row[lv]
            if not n:
                continue
            size = max(1, round(n * eighths / peak))
            top = min(eighths, top + size)
            out.append((self._style(f"level-{lv.name.lower()}"), top))
            if top >= eighths:
                break
        return out

    @staticmethod
    def _cell(stack: list[tuple[Style, int]], r: int) -> tuple[str, Style | None]:
        """Character and style of bar row ``r`` (0 = bottom) for one column's stack."""
        lo, hi = r * 8, r * 8 + 8
        for i, (style, top) in enumerate(stack):
            if top <= lo:
                continue
            # this level covers the bottom of the cell; k eighths of it
            k = min(top, hi) - lo
            if k >= 8:
                return BLOCKS[8], Style(color=style.color)
            upper = stack[i + 1][0] if i + 1 < len(stack) else None
            return BLOCKS[k], Style(
                color=style.color, bgcolor=upper.color if upper is not None else None
            )
        return " ", None

    def _info_line(self) -> list[Segment]:
        hist = self.hist
        assert hist is not None
        i = self.selected
        row = hist.counts[i] if 0 <= i < len(hist) else [0] * len(Level)
        fmt = "%Y-%m-%d %H:%M:%S" if hist.bucket < 86400 else "%Y-%m-%d"
        start = hist.bucket_start(i)
        segs = [
            Segment(
                f" {_fmt(start, fmt)} +{bucket_label(hist.bucket)} ",
                self._style("selected-label"),
            ),
            Segment(f" {sum(row):,} records  ", self._style("info")),
        ]
        sep = ""
        for lv in STACK_ORDER:
            if row[lv]:
                segs.append(Segment(sep, self._style("axis")))
                segs.append(
                    Segment(f"{lv.label} {row[lv]:,}", self._style(f"level-{lv.name.lower()}"))
                )
                sep = " · "
        return segs


__all__ = ["HistogramView", "short_count", "time_format"]
