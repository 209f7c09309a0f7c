"""Text, time and source filters over the log view's visible lines.

Semantics follow lnav (its ``line_filter_observer::excluded``): a record is
shown when it matches **any** enabled filter-in (or there is none) and **no**
enabled filter-out. Several filter-ins therefore widen the view ("ERROR" plus
"timeout" shows both), and a filter-out always wins.

Records stay whole, again like lnav, which feeds every line of a message to
the filter before deciding: a record matches a filter when **any of its lines**
matches. A traceback whose last line says ``ConnectionRefusedError`` is kept
by a filter-in ``Refused`` — head and all — and dropped whole by the same
filter-out. The time range is half-open, ``start <= ts < end`` (a histogram
bucket selects exactly its own records); continuation lines carry their
record's timestamp and source, so those two filters keep records whole for free.

Speed: time and source restrictions are C-level passes (``bisect`` on a sorted
timestamp column, ``bytes.translate`` masks, ``itertools.compress``). The text
scan is :func:`~logwatch_tui.core.search.iter_line_texts`, one pass for all
patterns. Matching lines become whole records only when the scanned range holds
continuation lines at all; then the work is proportional to the matches, not
to the lines.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import compress, filterfalse, islice
from operator import gt, le, or_, truth
from typing import TYPE_CHECKING, Literal
from weakref import WeakKeyDictionary

from logwatch_tui.core.rule_regex import search_guard
from logwatch_tui.core.search import (
    Cancel,
    LineTest,
    Progress,
    compile_search,
    iter_line_texts,
    line_test,
)

if TYPE_CHECKING:
    from logwatch_tui.core.store import LineStore

FilterKind = Literal["in", "out"]


@dataclass(frozen=True, slots=True)
class Filter:
    """One text filter. The pattern is validated at construction (SearchError)."""

    kind: FilterKind
    pattern: str
    enabled: bool = True

    def __post_init__(self) -> None:
        if self.kind not in ("in", "out"):
            raise ValueError(f"filter kind must be 'in' or 'out', not {self.kind!r}")
        compile_search(self.pattern)  # raises SearchError with the position

    def describe(self) -> str:
        sign = "+" if self.kind == "in" else "-"
        text = f"{sign}/{self.pattern}/"
        return text if self.enabled else f"({text} off)"


# -- sortedness of the timestamp column, remembered per store (it only grows) ----------------
_SORTED: WeakKeyDictionary[object, tuple[int, bool]] = WeakKeyDictionary()


def ts_sorted(store: LineStore) -> bool:
    """Is ``store.ts`` non-decreasing? Checked incrementally: the store only appends."""
    ts = store.ts
    n = len(ts)
    checked, ok = _SORTED.get(store, (0, True))
    if ok and n > checked:
        a = max(0, checked - 1)
        ok = all(map(le, islice(ts, a, n - 1), islice(ts, a + 1, n)))
    _SORTED[store] = (n, ok)
    return ok


def _fmt_time(ts: float) -> str:
    try:
        return datetime.fromtimestamp(ts).strftime("%Y-%m-%d %H:%M:%S")
    except (OverflowError, OSError, ValueError):
        return str(ts)


@dataclass(frozen=True, slots=True)
class FilterSet:
    """Everything besides levels that decides which lines the log view shows.

    Immutable: every change returns a new FilterSet, so a filter worker can run on
    one while the user edits the next, and "did the filters change?" is ``==``.
    """

    filters: tuple[Filter, ...] = ()
    time_range: tuple[float | None, float | None] = (None, None)
    """``(start, end)`` epoch seconds, half-open; None = unbounded."""
    sources: frozenset[int] | None = None
    """Source ids to show (``store.sources`` values); None = every source."""
    source_labels: tuple[str, ...] = field(default=(), compare=False)
    """Names of the shown sources, for :meth:`describe` only."""

    @property
    def needs_time_limit(self) -> bool:
        """Some enabled regex may backtrack badly (``(a+)+$``): it runs with a time
        budget per line (core/rule_regex.py), so callers keep it off the UI's thread."""
        return any(
            search_guard(compile_search(f.pattern)).risk is not None
            for f in self.filters
            if f.enabled
        )

    def turn_off(self, pattern: str) -> FilterSet:
        """Every enabled filter with this regex, disabled (cut off by its time budget)."""
        fs = tuple(
            Filter(f.kind, f.pattern, False) if f.enabled and f.pattern == pattern else f
            for f in self.filters
        )
        return replace(self, filters=fs)

    # -- editing (each returns a new set) ---------------------------------------------------
    def add(self, kind: FilterKind, pattern: str, enabled: bool = True) -> FilterSet:
        return replace(self, filters=(*self.filters, Filter(kind, pattern, enabled)))

    def remove(self, index: int) -> FilterSet:
        fs = list(self.filters)
        del fs[index]
        return replace(self, filters=tuple(fs))

    def toggle(self, index: int) -> FilterSet:
        fs = list(self.filters)
        f = fs[index]
        fs[index] = Filter(f.kind, f.pattern, not f.enabled)
        return replace(self, filters=tuple(fs))

    def with_time_range(self, start: float | None, end: float | None) -> FilterSet:
        if start is not None and end is not None and end <= start:
            raise ValueError("the end of a time range must be after its start")
        return replace(self, time_range=(start, end))

    def with_sources(self, sources: Iterable[int] | None, labels: Iterable[str] = ()) -> FilterSet:
        return replace(
            self,
            sources=None if sources is None else frozenset(sources),
            source_labels=tuple(labels),
        )

    def cleared(self) -> FilterSet:
        return FilterSet()

    # -- questions -------------------------------------------------------------------------
    @property
    def active_filters(self) -> tuple[Filter, ...]:
        return tuple(f for f in self.filters if f.enabled)

    @property
    def is_active(self) -> bool:
        """Does this set hide anything at all? (If not, callers skip :meth:`apply`.)"""
        return (
            bool(self.active_filters) or self.time_range != (None, None) or self.sources is not None
        )

    def describe(self) -> str:
        """One line for the filter bar: ``+/ERROR/ -/health/ 10:00:00..10:15:00 src: api.log``."""
        parts = [f.describe() for f in self.filters]
        start, end = self.time_range
        if start is not None or end is not None:
            a = _fmt_time(start) if start is not None else "…"
            b = _fmt_time(end) if end is not None else "…"
            parts.append(f"time {a} .. {b}")
        if self.sources is not None:
            names = ", ".join(self.source_labels) or ", ".join(
                f"#{s}" for s in sorted(self.sources)
            )
            parts.append(f"sources: {names or 'none'}")
        return "  ".join(parts) if parts else "no filters"

    # -- the work --------------------------------------------------------------------------
    def apply(
        self,
        store: LineStore,
        candidates: array,
        *,
        cancel: Cancel | None = None,
        progress: Progress | None = None,
    ) -> array:
        """The candidate lines (ascending, already level-filtered) that pass every filter.

        Returns a new ``array('q')``. If ``cancel`` is set midway the result is
        incomplete: the caller that cancelled must drop it.
        """
        rows: array = candidates
        if self.sources is not None:
            rows = _by_source(store, rows, self.sources)
        start, end = self.time_range
        if start is not None or end is not None:
            rows = _by_time(store, rows, start, end)
        filters = self.active_filters
        if filters:
            rows = _by_text(store, rows, filters, cancel, progress)
        if rows is candidates:
            rows = array("q", candidates)
        return rows


def _by_source(store: LineStore, rows: array, sources: frozenset[int]) -> array:
    table = bytearray(256)
    for s in sources:
        table[min(max(s, 0), 255)] = 1
    mask = store.sources.translate(table)
    return array("q", compress(rows, map(mask.__getitem__, rows)))


def _by_time(store: LineStore, rows: array, start: float | None, end: float | None) -> array:
    ts = store.ts
    lo_t = -math.inf if start is None else float(start)
    hi_t = math.inf if end is None else float(end)
    if ts_sorted(store):
        lo = bisect_left(ts, lo_t)
        hi = bisect_left(ts, hi_t, lo)
        a = bisect_left(rows, lo)
        b = bisect_left(rows, hi, a)
        return rows[a:b] if isinstance(rows, array) else array("q", rows[a:b])
    # unsorted (several sources interleaved, clock jumps): two C-level comparisons
    keep = map(lo_t.__le__, map(ts.__getitem__, rows))
    out = array("q", compress(rows, keep))
    return array("q", compress(out, map(hi_t.__gt__, map(ts.__getitem__, out))))


def _any_of_lazy(tests: list[LineTest], texts: list[str]) -> Iterator[bool]:
    """Element-wise OR of several lazy tests (each evaluated once per line, in C)."""
    it = map(truth, tests[0](texts))
    for t in tests[1:]:
        it = map(or_, it, map(truth, t(texts)))
    return it


def _by_text(
    store: LineStore,
    rows: array,
    filters: tuple[Filter, ...],
    cancel: Cancel | None,
    progress: Progress | None,
) -> array:
    ins = [line_test(f.pattern) for f in filters if f.kind == "in"]
    outs = [line_test(f.pattern) for f in filters if f.kind == "out"]
    if not rows:
        return array("q")
    heads = store.heads
    lo, hi = rows[0], rows[-1] + 1
    whole_lines = heads.find(0, lo, hi) < 0  # no continuation line anywhere in the span
    if whole_lines:
        # Every record is one line: decide line by line, fully in C.
        out = array("q")
        for sel, texts in iter_line_texts(store, rows, cancel=cancel, progress=progress):
            if ins and outs:
                # True > False: matches a filter-in and no filter-out
                keep = map(gt, _any_of_lazy(ins, texts), _any_of_lazy(outs, texts))
                out.extend(compress(sel, keep))
            elif ins:
                out.extend(compress(sel, _any_of_lazy(ins, texts)))
            else:
                hit = list(compress(sel, _any_of_lazy(outs, texts)))
                if hit:
                    drop = set(hit)
                    out.extend(filterfalse(drop.__contains__, sel))
                else:
                    out.extend(sel)
        return out
    # Records span lines: collect matching lines, lift them to their records' heads.
    in_lines = array("q")
    out_lines = array("q")
    for sel, texts in iter_line_texts(store, rows, cancel=cancel, progress=progress):
        if ins:
            in_lines.extend(compress(sel, _any_of_lazy(ins, texts)))
        if outs:
            out_lines.extend(compress(sel, _any_of_lazy(outs, texts)))
    n = len(store)
    mask = bytearray(n) if ins else bytearray(b"\x01") * n
    for h in _record_heads(heads, in_lines):
        end = heads.find(1, h + 1)
        end = n if end < 0 else end
        mask[h:end] = b"\x01" * (end - h)
    for h in _record_heads(heads, out_lines):
        end = heads.find(1, h + 1)
        end = n if end < 0 else end
        mask[h:end] = bytes(end - h)
    return array("q", compress(rows, map(mask.__getitem__, rows)))


def _record_heads(heads: bytearray, lines: array) -> Iterator[int]:
    """The distinct record heads of ascending ``lines``.

    Each search only covers the stretch since the previous line (``rfind`` in C), so
    the total work is linear however long the records are. Continuation lines with no
    head above them (a file tailed from mid-traceback) belong to a record at line 0.
    """
    last_line = -1
    last_head = -1
    for i in lines:
        h = heads.rfind(1, last_line + 1, i + 1)
        if h < 0:
            h = last_head if last_head >= 0 else 0
        last_line = i
        if h != last_head:
            last_head = h
            yield h


__all__ = ["Filter", "FilterKind", "FilterSet", "ts_sorted"]
