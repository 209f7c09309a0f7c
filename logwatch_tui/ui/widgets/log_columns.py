"""What each row shows besides the message: the date, field columns, raw lines; and what
an empty view says instead of nothing.

A mixin of :class:`~logwatch_tui.ui.widgets.log_view.LogView` (its key bindings
live there): ``d`` cycles the date beside the time (auto: shown when the lines span
more than one day), ``r`` switches to the raw line as in the file (as lnav's raw
view), ``c`` toggles the field columns. Field columns are the fields a format's
declaration names (``columns``), else the fields people filter by found in a sample
of the newest lines — read from what the format's ``parse()`` returns, so they work
for any format.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from logwatch_tui.core.levels import Level
from logwatch_tui.ui.safe_text import inert
from logwatch_tui.ui.widgets.log_rows import fit

if TYPE_CHECKING:
    from logwatch_tui.ui.widgets.log_view import LogView

    _Base = LogView
else:
    _Base = object

FIELD_COLUMN_NAMES = (
    "host",
    "hostname",
    "app",
    "program",
    "service",
    "svc",
    "logger",
    "component",
    "pid",
    "procid",
    "remote",
    "method",
    "status",
)
"""Fields people filter by, in column order; a format's declared ``columns`` win."""
MAX_FIELD_COLUMNS = 3
FIELD_WIDTH = 16
"""A field column is as wide as its longest sampled value, up to this (cut with …)."""
FIELD_SAMPLE = 300
WIDE_FIELDS = 100
"""From this view width the field columns show without asking (``c`` toggles them)."""
DATE_FORMATS = {"short": "%m-%d ", "long": "%Y-%m-%d "}


class LogColumns(_Base):
    """Date, raw/parsed and field columns; the empty and narrowed states."""

    @property
    def date_format(self) -> str:
        """strftime prefix of the time column: ``""`` (time only) or a date."""
        return self._date_format

    def _wanted_date_format(self) -> str:
        if self.date_mode == "off" or not self.rows:
            return ""
        ts = self.store.ts
        try:
            first = datetime.fromtimestamp(min(ts[self.rows[0]], ts[self.rows[-1]]))
            last = datetime.fromtimestamp(max(ts[self.rows[0]], ts[self.rows[-1]]))
        except (OverflowError, OSError, ValueError):
            return ""
        if self.date_mode == "auto" and first.date() == last.date():
            return ""
        return DATE_FORMATS["short" if first.year == last.year else "long"]

    def _update_date_format(self) -> None:
        wanted = self._wanted_date_format()
        if wanted != self._date_format:
            self._date_format = wanted
            self._row_cache.clear()
            self._update_virtual_size()

    @property
    def fields_shown(self) -> bool:
        if self.raw_mode:
            return False
        if self.show_fields is not None:
            return self.show_fields
        return self.size.width >= WIDE_FIELDS

    @property
    def shown_field_columns(self) -> list[tuple[str, int]]:
        """(field name, width) of the field columns on screen (none in raw mode)."""
        if not self.fields_shown:
            return []
        if self._field_columns is None:
            if not self.rows:
                return []  # nothing to sample yet: decide when lines are there
            self._field_columns = self._pick_field_columns()
        return self._field_columns

    def _pick_field_columns(self) -> list[tuple[str, int]]:
        """The fields people filter by that these lines have, from a sample of the newest."""
        store, rows = self.store, self.rows
        sample = (
            rows[-FIELD_SAMPLE:] if rows else range(max(0, len(store) - FIELD_SAMPLE), len(store))
        )
        seen: dict[str, int] = {}
        widths: dict[str, int] = {}
        declared: list[str] = []
        parsed_count = 0
        for line in sample:
            if not store.heads[line]:
                continue
            sid = store.sources[line]
            for name in self.declared_columns(sid) or ():
                if name not in declared:
                    declared.append(name)
            parsed = self.parse_of(sid, store.text(line))
            if parsed is None:
                continue
            parsed_count += 1
            for name, value in parsed.fields.items():
                if value is None or isinstance(value, (dict, list)):
                    continue
                seen[name] = seen.get(name, 0) + 1
                widths[name] = max(widths.get(name, 0), len(str(value)))
        if not parsed_count:
            return []
        names = declared or [n for n in FIELD_COLUMN_NAMES if seen.get(n, 0) * 5 >= parsed_count]
        out = []
        for name in names[:MAX_FIELD_COLUMNS]:
            if name in seen:
                out.append((name, max(3, min(FIELD_WIDTH, widths[name]))))
        return out

    def _relayout(self) -> None:
        self._row_cache.clear()
        self._update_virtual_size()
        if self.follow:
            self._stick_to_end()
        self.refresh()

    def action_cycle_date(self) -> None:
        """auto -> on -> off -> auto: the date beside the time."""
        self.date_mode = {"auto": "on", "on": "off", "off": "auto"}[self.date_mode]
        self._update_date_format()
        self._relayout()
        self.post_message(self.Jumped(f"date column: {self.date_mode}"))

    def action_toggle_raw(self) -> None:
        self.raw_mode = not self.raw_mode
        self._relayout()
        self.post_message(
            self.Jumped("raw lines, as in the file" if self.raw_mode else "parsed columns")
        )

    def action_toggle_fields(self) -> None:
        self.show_fields = not self.fields_shown
        self._field_columns = None
        self._relayout()
        names = ", ".join(n for n, _ in self.shown_field_columns)
        if not self.show_fields:
            self.post_message(self.Jumped("field columns off"))
        elif self.raw_mode:
            self.post_message(self.Jumped("field columns show in parsed view (r)"))
        else:
            self.post_message(
                self.Jumped(f"field columns: {names}" if names else "no field columns here")
            )

    # -- empty and narrowed states ---------------------------------------------------------
    def narrowing(self) -> list[tuple[str, str]]:
        """Why lines are hidden, each with the key that undoes it."""
        out: list[tuple[str, str]] = []
        if self.min_level:
            out.append((f"level ≥ {Level(self.min_level).name}", "a"))
        if self.hidden_levels:
            names = ",".join(Level(lv).name for lv in sorted(self.hidden_levels))
            out.append((f"hidden {names}", "a"))
        filters = self.filters
        if filters is not None:
            describe = getattr(filters, "describe", None)
            out.append((describe() if callable(describe) else "filters", "F"))
        if self.restriction is not None:
            out.append((self.restriction_label or "pattern", "Esc"))
        if self.only_source is not None:
            names = self.store.source_names
            name = names[self.only_source] if self.only_source < len(names) else "?"
            out.append((f"only {name.rsplit('/', 1)[-1]}", "o"))
        return out

    KEY_UNDOES = {"a": "all levels", "F": "filters", "Esc": "pattern", "o": "all sources"}

    def empty_text(self) -> list[str]:
        """What an empty view says instead of nothing: why, and the keys that undo it."""
        total = len(self.store)
        if not total:
            return ["no lines yet — waiting for the source to write"]
        if self.filtering:
            return [f"filtering {total:,} lines…"]
        reasons = self.narrowing()
        if not reasons:
            return [f"0 of {total:,} lines shown"]
        why = " · ".join(r for r, _ in reasons)
        keys = ", ".join(
            f"{k} ({self.KEY_UNDOES.get(k, '')})" for k in dict.fromkeys(k for _, k in reasons)
        )
        return [f"0 of {total:,} lines match: {why}", f"clear with {keys}"]

    def _empty_line(self, y: int, width: int, base: Style) -> Strip:
        lines = self.empty_text()
        if y >= len(lines):
            return Strip.blank(width, base)
        text = " " + inert(lines[y])
        seg = Segment(fit(text, width), self._style("logview--empty"))
        return Strip([seg], width).apply_style(base)
