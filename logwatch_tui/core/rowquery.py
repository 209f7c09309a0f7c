"""Which store lines the log view shows, and in what order.

A :class:`RowQuery` combines every way of narrowing the view — levels,
sources, a restriction to an explicit set of lines (a pattern's records, say),
and regex/time filters — and says whether rows from several sources are
merged into one timeline ordered by timestamp. :meth:`RowQuery.rows` is pure
and made of C-level passes, so the view can run it in a thread worker over
millions of lines.

Merged order is a *stable* sort by timestamp: lines with equal times keep
their arrival order, and lines without a time of their own (they took their
predecessor's time in the parser) stay right after their predecessor.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from itertools import compress
from typing import Any, Protocol

from logwatch_tui.core.store import LineStore


class LineFilter(Protocol):
    """What the regex/time filter set provides (see core/filters.py)."""

    def apply(self, store: LineStore, candidates: array, **kwargs: Any) -> array: ...


@dataclass(frozen=True, slots=True)
class RowQuery:
    shown_levels: frozenset[int]
    sources: frozenset[int] | None = None
    """Only these source ids (None: all)."""
    restriction: bytes | None = field(default=None, compare=False)
    """A 0/1 mask over store lines (index = line); lines beyond its end are excluded."""
    restriction_label: str = ""
    filters: LineFilter | None = None
    merge: bool = False
    """Order rows by timestamp across sources (several sources)."""

    def with_(self, **changes: Any) -> RowQuery:
        return replace(self, **changes)

    def rows(
        self,
        store: LineStore,
        *,
        start: int = 0,
        stop: int | None = None,
        cancel: Callable[[], bool] | None = None,
    ) -> array:
        """Store line numbers to show, from ``start`` up to ``stop`` (default: all)."""
        n = len(store) if stop is None else min(stop, len(store))
        idx = store.visible(self.shown_levels, start=start, sources=self.sources)
        if stop is not None and idx and idx[-1] >= n:
            idx = idx[: bisect.bisect_left(idx, n)]
        if self.restriction is not None:
            mask = self.restriction
            idx = idx[: bisect.bisect_left(idx, len(mask))]  # later lines are outside the set
            idx = array("q", compress(idx, map(mask.__getitem__, idx)))
        if self.filters is not None and idx:
            idx = self.filters.apply(store, idx)
        if cancel is not None and cancel():
            return idx
        if self.merge and idx:
            ts = store.ts
            idx = array("q", sorted(idx, key=ts.__getitem__))
        return idx

    def append_rows(self, store: LineStore, rows: array, new: range) -> bool:
        """Extend ``rows`` with the lines in ``new``; False if they need a re-sort instead.

        In merged order, lines that are older than the newest shown row must be
        placed inside the timeline: the caller re-runs :meth:`rows` (throttled).
        """
        more = self.rows(store, start=new.start, stop=new.stop)
        if not more:
            return True
        if self.merge and rows:
            ts = store.ts
            if min(ts[i] for i in more) < ts[rows[-1]]:
                return False
            more = array("q", sorted(more, key=ts.__getitem__))
        rows.extend(more)
        return True


def restriction_mask(lines: Iterable[int], size: int) -> bytes:
    """A 0/1 mask of ``size`` bytes with ones at ``lines``."""
    mask = bytearray(size)
    for i in lines:
        if 0 <= i < size:
            mask[i] = 1
    return bytes(mask)


def row_of(rows: array, line: int, store: LineStore, merged: bool) -> int:
    """Position in ``rows`` of ``line``, or of the nearest row before it (-1 if none)."""
    if not merged:
        return bisect.bisect_right(rows, line) - 1
    ts = store.ts
    pos = bisect.bisect_right(rows, ts[line], key=ts.__getitem__) - 1
    # among equal times, prefer the exact line when present
    probe = pos
    while probe >= 0 and ts[rows[probe]] == ts[line]:
        if rows[probe] == line:
            return probe
        probe -= 1
    return pos


def row_at_time(rows: array, when: float, store: LineStore) -> int:
    """First row at or after ``when`` (rows in time order), clamped to the last row."""
    if not rows:
        return -1
    pos = bisect.bisect_left(rows, when, key=store.ts.__getitem__)
    return min(pos, len(rows) - 1)
