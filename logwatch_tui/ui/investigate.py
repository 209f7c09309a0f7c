"""Search, filters, time jumps, detail, histogram and export — the app's "investigate" half.

The app routes keys and prompt answers here. Anything that scans the store
(search, export) runs in a thread worker with progress posted back as
messages; filtering runs in the log view's own worker. Nothing here blocks
the event loop on millions of lines.
"""

from __future__ import annotations

import os
import threading
import time
from array import array
from pathlib import Path
from typing import TYPE_CHECKING

from textual.message import Message

from logwatch_tui.analysis.export import export_lines, record_at
from logwatch_tui.core.filters import FilterSet
from logwatch_tui.core.rule_regex import RegexTimeout
from logwatch_tui.core.search import SearchError, compile_search, find_matches
from logwatch_tui.core.timespec import parse_time_spec
from logwatch_tui.ui.screens.filters import FiltersScreen
from logwatch_tui.ui.screens.histogram import HistogramScreen
from logwatch_tui.ui.screens.record_detail import RecordDetailScreen

if TYPE_CHECKING:
    from logwatch_tui.ui.app import LogwatchApp


REWRITE_HINT = "Nested quantifiers like (a+)+ backtrack without end; rewrite the pattern"


class SearchProgress(Message):
    """Posted from the search worker; replaced by the next one (a flood collapses)."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, SearchProgress)


class SearchDone(Message):
    def __init__(self, pattern: str, rx, matches: array, generation: int, upto: int) -> None:
        super().__init__()
        self.pattern = pattern
        self.rx = rx
        self.matches = matches
        self.generation = generation
        self.upto = upto
        """The search covered store lines below this."""


class ExportDone(Message):
    def __init__(self, path: str, count: int | None, error: str | None) -> None:
        super().__init__()
        self.path = path
        self.count = count
        self.error = error


class Investigation:
    """State and actions for search and filters, driven by the app."""

    def __init__(self, app: LogwatchApp) -> None:
        self.app = app
        self.filters = FilterSet()
        self.search_pattern = ""
        self._search_cancel: threading.Event | None = None
        self._search_generation = 0

    @property
    def view(self):
        return self.app.log_view

    def parser_for(self, source_id: int):
        return self.app.display_format(source_id)

    # -- prompt answers -------------------------------------------------------------------
    def submit(self, kind: str, value: str) -> str | None:
        """Handle a prompt answer; return an error to show inline (prompt stays open)."""
        if kind == "search":
            return self.start_search(value if value.strip() else "")
        if kind in ("filter-in", "filter-out"):
            if not value.strip():
                return "type a regular expression"
            try:
                compile_search(value)
            except SearchError as exc:
                return str(exc)
            self.set_filters(self.filters.add("in" if kind == "filter-in" else "out", value))
            return None
        value = value.strip()
        if kind == "time-range":
            return self.set_time_range(value)
        if kind == "jump-time":
            try:
                when = parse_time_spec(value, now=time.time(), reference_day=self._reference_day())
            except ValueError as exc:
                return str(exc)
            if not self.view.jump_to_time(when):
                return "nothing is shown"
            return None
        if kind == "export":
            return self.export(value)
        return f"unknown prompt {kind}"

    def _reference_day(self) -> float | None:
        store = self.app.store
        return store.ts[-1] if len(store) else None

    # -- search ------------------------------------------------------------------------------
    def start_search(self, pattern: str) -> str | None:
        if self._search_cancel is not None:
            self._search_cancel.set()
        if not pattern:
            self.clear_search()
            return None
        try:
            rx = compile_search(pattern)
        except SearchError as exc:
            return str(exc)
        self.search_pattern = pattern
        self._search_generation += 1
        generation = self._search_generation
        cancel = threading.Event()
        self._search_cancel = cancel
        store = self.app.store
        n = len(store)
        self.view.set_search(rx, array("q"))
        self.app.header.search = f"/{pattern} …"

        def run() -> None:
            last = [0.0]

            def progress(done: int, total: int) -> None:
                now = time.monotonic()
                if now - last[0] > 0.1:
                    last[0] = now
                    self.app.post_message(SearchProgress(done, total))

            matches = find_matches(store, rx, stop=n, cancel=cancel, progress=progress)
            if not cancel.is_set():
                self.app.post_message(SearchDone(pattern, rx, matches, generation, n))

        self.app.run_worker(run, thread=True, group="search", exclusive=True, exit_on_error=False)
        return None

    def search_failed(self) -> None:
        """The search worker died (the app reports why): the header says so, not a stale %."""
        self._search_cancel = None
        self._search_generation += 1  # a late progress message must not bring the % back
        self.view.set_search(None)
        self.app.header.search = f"/{self.search_pattern} failed"

    def search_cut_off(self, error: RegexTimeout) -> None:
        """The search regex ran out of its time budget on a line: stop it and say why."""
        if self._search_cancel is not None:
            self._search_cancel.set()
        self._search_cancel = None
        self._search_generation += 1
        self.view.set_search(None)
        self.app.header.search = f"/{self.search_pattern} stopped"
        self.app.notify(
            f"Search stopped: {error}. {REWRITE_HINT}",
            title="Search",
            severity="warning",
            timeout=10,
            markup=False,
        )

    def filter_cut_off(self, error: RegexTimeout) -> None:
        """A filter regex ran out of its time budget on a line: turn it off and say why."""
        if not any(f.enabled and f.pattern == error.pattern for f in self.filters.filters):
            return  # already off (several blocks may report the same filter)
        self.set_filters(self.filters.turn_off(error.pattern))
        self.app.notify(
            f"Filter /{error.pattern}/ turned off: {error}. {REWRITE_HINT}",
            title="Filter",
            severity="warning",
            timeout=10,
            markup=False,
        )

    def on_search_progress(self, message: SearchProgress) -> None:
        if message.total and self._search_cancel is not None:
            self.app.header.search = f"/{self.search_pattern} {message.done / message.total:.0%}"

    def on_search_done(self, message: SearchDone) -> None:
        if message.generation != self._search_generation:
            return
        self._search_cancel = None
        matches = message.matches
        n = len(self.app.store)
        if message.upto < n:  # lines that arrived while searching
            try:
                more = find_matches(self.app.store, message.rx, start=message.upto, stop=n)
            except RegexTimeout as exc:
                self.search_cut_off(exc)
                return
            matches.extend(more)
        self.view.set_search(message.rx, matches)
        self._show_count()
        if matches:
            self.view.jump_to_first_match_on_or_below_screen()
        else:
            self.app.notify(f"no match for /{message.pattern}", markup=False)

    def lines_appended(self, new: range) -> None:
        rx = self.view.search_rx
        if rx is not None and self._search_cancel is None and new:
            try:
                more = find_matches(self.app.store, rx, start=new.start, stop=new.stop)
            except RegexTimeout as exc:
                self.search_cut_off(exc)
                return
            if more:
                self.view.search_matches.extend(more)
                self._show_count()

    def _show_count(self) -> None:
        n = len(self.view.search_matches)
        self.app.header.search = f"/{self.search_pattern} {n:,} match{'es' if n != 1 else ''}"

    def clear_search(self) -> None:
        self.search_pattern = ""
        self.view.set_search(None)
        self.app.header.search = ""

    # -- filters -------------------------------------------------------------------------------
    def set_filters(self, filters: FilterSet) -> None:
        self.filters = filters
        self.view.set_filters(filters if filters.is_active else None)
        self.app.filter_bar.filters = filters

    def set_time_range(self, value: str) -> str | None:
        if not value:
            self.set_filters(self.filters.with_time_range(None, None))
            return None
        a, sep, b = value.partition("..")
        now, ref = time.time(), self._reference_day()
        try:
            start = parse_time_spec(a, now=now, reference_day=ref) if a.strip() else None
            end = parse_time_spec(b, now=now, reference_day=ref) if sep and b.strip() else None
            self.set_filters(self.filters.with_time_range(start, end))
        except ValueError as exc:
            return str(exc)
        return None

    def manage_filters(self) -> None:
        def done(result: FilterSet | None) -> None:
            if result is not None and result != self.filters:
                self.set_filters(result)

        self.app.push_screen(FiltersScreen(self.filters), done)

    # -- detail, histogram, export ------------------------------------------------------------
    def open_detail(self) -> None:
        line = self.view.cursor_line
        if line is None:
            return
        record = record_at(self.app.store, line, parser_for=self.parser_for)
        self.app.push_screen(RecordDetailScreen(record))

    def open_histogram(self) -> None:
        rows = self.view.rows
        line = self.view.cursor_line
        select = self.app.store.ts[line] if line is not None else None

        def chosen(when: float | None) -> None:
            if when is not None:
                self.view.follow = False
                self.view.jump_to_time(when)

        # The live rows and their count now: the screen counts them in a worker (order
        # does not matter for counting, and copying 5M rows here would stall the loop).
        self.app.push_screen(
            HistogramScreen(self.app.store, rows, select_ts=select, upto=len(rows)), chosen
        )

    def export(self, value: str) -> str | None:
        path = Path(os.path.expanduser(value or "logwatch-export.log"))
        if path.is_dir():
            return f"{path} is a directory"
        fmt = "jsonl" if path.suffix in (".jsonl", ".json", ".ndjson") else "raw"
        live = self.view.rows
        n = len(live)
        merged = self.view.row_query.merge
        store = self.app.store

        def fresh_format(source_id: int):
            return self.app.display_format(source_id, store, fresh=True)

        def run() -> None:
            # Copy (and, for merged sources, sort) here, off the event loop: 0.5 s at 5M rows.
            rows = array("q", sorted(live[:n])) if merged else live[:n]
            try:
                # its own format instances: this is a worker thread
                count = export_lines(store, rows, path, fmt=fmt, parser_for=fresh_format)
                self.app.post_message(ExportDone(str(path), count, None))
            except OSError as exc:
                self.app.post_message(ExportDone(str(path), None, str(exc)))

        self.app.run_worker(run, thread=True, group="export", exit_on_error=False)
        self.app.notify(f"exporting {n:,} lines to {path}…", markup=False)
        return None

    def on_export_done(self, message: ExportDone) -> None:
        if message.error:
            self.app.notify(f"export failed: {message.error}", severity="error", markup=False)
        else:
            what = "records" if message.path.endswith((".jsonl", ".json", ".ndjson")) else "lines"
            self.app.notify(f"wrote {message.count:,} {what} to {message.path}", markup=False)
