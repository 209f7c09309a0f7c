"""Painting one log line: time, level, source, message, search highlights, marks.

Kept apart from the scrolling/filtering widget so each stays readable. All
text is made inert (control characters visible) and built as Segments — never
markup — with styles from the view's component classes (theme colours).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style

from logwatch_tui.core.levels import Level
from logwatch_tui.core.search import bounded_finditer
from logwatch_tui.ui.safe_text import inert

if TYPE_CHECKING:
    from logwatch_tui.ui.widgets.log_view import LogView

TIME_WIDTH = 8
LEVEL_WIDTH = 5
SOURCE_WIDTH = 14
"""The source column is as wide as the longest file name, up to this."""
MAX_DISPLAY_CHARS = 4000
"""Longer messages are cut here on screen (with a marker); the detail view has all."""
SOURCE_COLOURS = 6
MAX_HIGHLIGHTS = 200
"""Spans highlighted per line: a highlight, not an index."""


def clock_text(ts: float, date_format: str) -> str:
    """``10:42:05``, or ``11-20 10:42:05`` / ``2026-11-20 10:42:05`` when dates are shown."""
    try:
        return datetime.fromtimestamp(ts).strftime(date_format + "%H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return "--:--:--".rjust(TIME_WIDTH + len(date_format))


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells, cut with a marker (never silently)."""
    if len(text) > width:
        return text[: max(0, width - 1)] + "\u2026"
    return text.ljust(width)


def paint_row(view: LogView, line: int) -> tuple[list[Segment], int]:
    """Segments and cell width of one store line as the view shows it (uncropped)."""
    store = view.store
    text = store.text(line)
    is_head = store.heads[line]
    level = store.levels[line]
    segs: list[Segment] = []
    if line in view.marks:
        segs.append(Segment("▌", view._style("logview--mark")))
    elif view.marks:
        segs.append(Segment(" "))
    raw = view.raw_mode
    date_format = view.date_format
    columns = view.shown_field_columns
    if raw:
        pass  # the line exactly as in the file (made inert): no parsed columns
    elif is_head:
        segs.append(Segment(clock_text(store.ts[line], date_format), view._style("logview--time")))
        segs.append(Segment(" "))
        lvl = Level(level)
        segs.append(
            Segment(lvl.label.ljust(LEVEL_WIDTH), view._style(f"logview--level-{lvl.name.lower()}"))
        )
        segs.append(Segment(" "))
    else:
        segs.append(Segment(" " * (TIME_WIDTH + len(date_format) + 1 + LEVEL_WIDTH + 1)))
    if view.multi_source:
        sid = store.sources[line]
        name = store.source_names[sid].rsplit("/", 1)[-1] if sid < len(store.source_names) else "?"
        style = view._style(f"logview--source-{sid % SOURCE_COLOURS}")
        segs.append(Segment(fit(inert(name), view.source_width) + " ", style))
    parsed = view.parse_of(store.sources[line], text) if is_head and not raw else None
    if columns and not raw:
        fields = parsed.fields if parsed is not None else {}
        field_style = view._style("logview--field")
        for name, width in columns:
            value = fields.get(name)
            cell = "" if value is None or not is_head else inert(str(value))
            segs.append(Segment(fit(cell, width) + " ", field_style))
    message = parsed.message if parsed is not None and parsed.message else text
    message = inert(message)
    marker = ""
    if len(message) > MAX_DISPLAY_CHARS:
        marker = f" \u2026[+{len(message) - MAX_DISPLAY_CHARS} chars]"
        message = message[:MAX_DISPLAY_CHARS]
    if not is_head:
        style: Style | None = view._style("logview--continuation")
    elif level >= Level.ERROR:
        style = view._style("logview--level-error")  # whole error lines stand out
    else:
        style = None
    if view.search_rx is not None:
        segs.extend(highlight(view, message, style))
    else:
        segs.append(Segment(message, style))
    if marker:
        segs.append(Segment(marker, view._style("logview--marker")))
    return segs, sum(s.cell_length for s in segs)


def highlight(view: LogView, message: str, style: Style | None) -> list[Segment]:
    """The message with every search match in the match style."""
    out: list[Segment] = []
    pos = 0
    match_style = view._style("logview--match")
    rx = view.search_rx
    assert rx is not None
    for n, m in enumerate(bounded_finditer(rx, message)):  # bounded: see core/rule_regex
        a, b = m.span()
        if b == a:
            if n > MAX_HIGHLIGHTS:
                break
            continue
        if a > pos:
            out.append(Segment(message[pos:a], style))
        out.append(Segment(message[a:b], match_style if style is None else style + match_style))
        pos = b
        if n > MAX_HIGHLIGHTS:  # a highlight, not an index
            break
    if pos < len(message):
        out.append(Segment(message[pos:], style))
    return out
