"""Records per time bucket and level: the data behind the histogram view.

Counts *records* (head lines), not physical lines: a 40-line traceback is one
error, as the stats panel and the rule engine count it. The counting is a
handful of C-level passes — ``compress`` to keep heads, ``map`` to turn
timestamps into bucket numbers, and one ``Counter`` over ``zip(bucket, level)``
— so a million records take a fraction of a second.

Buckets are aligned to local wall-clock time (an hour bucket starts at :00,
a day bucket at local midnight), using the zone offset at the data's start.
Bucket sizes come from a ladder of round durations so that zooming feels like
a map: 1s, 5s, 10s, 30s, 1m … 1d, 7d.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import compress, repeat
from operator import sub, truediv
from typing import TYPE_CHECKING

from logwatch_tui.core.levels import Level

if TYPE_CHECKING:
    from logwatch_tui.core.store import LineStore

LADDER: tuple[float, ...] = (
    1.0,
    5.0,
    10.0,
    30.0,
    60.0,
    300.0,
    600.0,
    1800.0,
    3600.0,
    3 * 3600.0,
    6 * 3600.0,
    12 * 3600.0,
    86400.0,
    7 * 86400.0,
)
"""Bucket sizes, seconds, smallest first."""
LEVELS = len(Level)
MAX_BUCKETS = 200_000
COLUMNS_FROM = 200_000
"""Stores of this many lines are counted with numpy (:func:`_histogram_columns`)."""
"""A histogram never has more buckets than this; the bucket grows up the ladder instead
(a stray timestamp from 1970 must not allocate millions of empty buckets)."""


def bucket_size_for(span_seconds: float, max_buckets: int) -> float:
    """The smallest ladder step that shows ``span_seconds`` in at most ``max_buckets``."""
    max_buckets = max(1, max_buckets)
    span = max(0.0, float(span_seconds))
    for step in LADDER:
        if math.floor(span / step) + 1 <= max_buckets:
            return step
    return LADDER[-1]


def zoom_in(bucket: float) -> float:
    """The next smaller ladder step (finer buckets); the smallest stays."""
    i = bisect_left(LADDER, bucket)
    return LADDER[max(0, i - 1)]


def zoom_out(bucket: float) -> float:
    """The next larger ladder step (coarser buckets); the largest stays."""
    i = bisect_right(LADDER, bucket)
    return LADDER[min(len(LADDER) - 1, i)]


def bucket_label(bucket: float) -> str:
    """``5s``, ``10m``, ``3h``, ``1d``, ``7d``: for titles."""
    b = int(bucket)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if b >= size and b % size == 0:
            return f"{b // size}{unit}"
    return f"{bucket:g}s"


def local_offset(ts: float) -> float:
    """Seconds east of UTC at ``ts`` in local time (0 when the time is unrepresentable)."""
    try:
        off = datetime.fromtimestamp(ts).astimezone().utcoffset()
    except (OverflowError, OSError, ValueError):
        return 0.0
    return off.total_seconds() if off is not None else 0.0


@dataclass(frozen=True, slots=True)
class Histogram:
    """Counts per bucket per level; bucket ``i`` covers ``[start + i*bucket, start + (i+1)*bucket)``."""

    start: float
    bucket: float
    counts: list[list[int]]
    """``counts[i][level]`` — one row of ``len(Level)`` ints per bucket."""

    def __len__(self) -> int:
        return len(self.counts)

    @property
    def end(self) -> float:
        return self.start + len(self.counts) * self.bucket

    def bucket_of(self, ts: float) -> int:
        """Index of the bucket holding ``ts`` (may be outside ``0..len-1``)."""
        return math.floor((ts - self.start) / self.bucket)

    def bucket_start(self, index: int) -> float:
        return self.start + index * self.bucket

    def totals(self) -> list[int]:
        return [sum(row) for row in self.counts]

    def max_total(self) -> int:
        return max(self.totals(), default=0)

    def total(self) -> int:
        return sum(self.totals())


def _heads_of(store: LineStore, rows: Sequence[int] | None) -> Sequence[int]:
    heads = store.heads
    if rows is None:
        if heads.find(0) < 0:
            return range(len(heads))
        return list(compress(range(len(heads)), heads))
    return list(compress(rows, map(heads.__getitem__, rows)))


def histogram(
    store: LineStore,
    rows: Sequence[int] | None,
    bucket: float,
    start: float | None = None,
    end: float | None = None,
) -> Histogram:
    """Records of ``rows`` (ascending line numbers; None = the whole store) per bucket.

    ``start``/``end`` limit the time span (half-open); without them it runs from the
    first to the last record. Buckets are aligned to local time. If the span would
    need more than :data:`MAX_BUCKETS` buckets, the bucket grows up the ladder.
    """
    if bucket <= 0 or not math.isfinite(bucket):
        raise ValueError(f"bucket size must be a positive number of seconds, not {bucket!r}")
    bucket = float(bucket)
    if len(store) >= COLUMNS_FROM:
        return _histogram_columns(store, rows, bucket, start, end)
    lines = _heads_of(store, rows)
    ts = store.ts
    levels = store.levels
    tsv: Sequence[float]
    lv: Sequence[int]
    if isinstance(lines, range) and len(lines) == len(ts):
        tsv, lv = ts, levels  # every line is a record: use the columns as they are
    else:
        tsv = list(map(ts.__getitem__, lines))
        lv = list(map(levels.__getitem__, lines))
    if start is not None or end is not None:
        lo_t = -math.inf if start is None else float(start)
        hi_t = math.inf if end is None else float(end)
        keep = list(map(bool.__and__, map(lo_t.__le__, tsv), map(hi_t.__gt__, tsv)))
        tsv = list(compress(tsv, keep))
        lv = list(compress(lv, keep))
    first_ts = start if start is not None else (min(tsv) if tsv else 0.0)
    last_ts = end if end is not None else (max(tsv) if tsv else first_ts)
    first_key, n, bucket, offset = _buckets(first_ts, last_ts, bucket, end)
    counts = [[0] * LEVELS for _ in range(n)]
    if tsv:
        # bucket number relative to the first bucket, all in C
        shifted = map(sub, tsv, repeat(first_key * bucket - offset))
        keys = map(math.floor, map(truediv, shifted, repeat(bucket)))
        for (k, level), c in Counter(zip(keys, lv)).items():
            if 0 <= k < n:
                counts[k][min(level, LEVELS - 1)] += c
    return Histogram(start=first_key * bucket - offset, bucket=bucket, counts=counts)


def _buckets(
    first_ts: float, last_ts: float, bucket: float, end: float | None
) -> tuple[int, int, float, float]:
    """(first bucket key, bucket count, bucket size, local offset) for the span."""
    last_ts = max(last_ts, first_ts)
    offset = local_offset(first_ts)

    def key_range(size: float) -> tuple[int, int]:
        first = math.floor((first_ts + offset) / size)
        if end is not None:  # half-open: a bucket starting exactly at ``end`` is out
            last = max(first, math.ceil((last_ts + offset) / size) - 1)
        else:
            last = math.floor((last_ts + offset) / size)
        return first, last

    first_key, last_key = key_range(bucket)
    while last_key - first_key + 1 > MAX_BUCKETS and bucket < LADDER[-1]:
        bucket = zoom_out(bucket)
        first_key, last_key = key_range(bucket)
    n = last_key - first_key + 1
    if n > MAX_BUCKETS:  # even weekly buckets are too many: keep the latest ones
        first_key = last_key - MAX_BUCKETS + 1
        n = MAX_BUCKETS
    return first_key, n, bucket, offset


def _histogram_columns(
    store: LineStore,
    rows: Sequence[int] | None,
    bucket: float,
    start: float | None,
    end: float | None,
) -> Histogram:
    """:func:`histogram` with numpy over copies of the store's columns (millions of
    lines: a fraction of a second instead of seconds; the same float operations, so
    the same buckets). Copies, not views: a view would pin the store's arrays, which
    the event loop goes on growing."""
    import numpy as np

    n_lines = len(store.levels)  # (levels are appended last: every column has this many)
    heads = np.frombuffer(store.heads[:n_lines], np.uint8)
    ts = np.frombuffer(store.ts[:n_lines], np.float64)
    levels = np.frombuffer(store.levels[:n_lines], np.uint8)
    if rows is not None and len(rows) == n_lines and n_lines and rows[-1] - rows[0] == n_lines - 1:
        rows = None  # ascending line numbers without a gap: every line (the usual view)
    if rows is None:
        if int(heads.min(initial=1)):
            tsv, lv = ts, levels
        else:
            tsv, lv = ts[heads != 0], levels[heads != 0]
    else:
        copy = rows[:] if isinstance(rows, array) and rows.typecode == "q" else array("q", rows)
        idx = np.frombuffer(copy, np.int64)
        idx = idx[idx < n_lines]
        idx = idx[heads[idx] != 0]
        tsv, lv = ts[idx], levels[idx]
    if start is not None or end is not None:
        keep = np.ones(len(tsv), bool)
        if start is not None:
            keep &= tsv >= float(start)
        if end is not None:
            keep &= tsv < float(end)
        tsv, lv = tsv[keep], lv[keep]
    first_ts = start if start is not None else (float(tsv.min()) if len(tsv) else 0.0)
    last_ts = end if end is not None else (float(tsv.max()) if len(tsv) else first_ts)
    first_key, n, bucket, offset = _buckets(first_ts, last_ts, bucket, end)
    base = first_key * bucket - offset
    if len(tsv):
        # (in place: each step one pass over the lines, no new array per operation)
        keys = np.subtract(tsv, base)
        keys /= bucket
        np.floor(keys, out=keys)
        if not (keys.min() >= 0 and keys.max() < n):  # a span cut short: outside lines out
            ok = (keys >= 0) & (keys < n)
            keys, lv = keys[ok], lv[ok]
        idx = keys.astype(np.int64)
        idx *= LEVELS
        idx += np.minimum(lv, LEVELS - 1)
        counts = np.bincount(idx, minlength=n * LEVELS).reshape(n, LEVELS).tolist()
    else:
        counts = [[0] * LEVELS for _ in range(n)]
    return Histogram(start=base, bucket=bucket, counts=counts)


__all__ = [
    "LADDER",
    "MAX_BUCKETS",
    "Histogram",
    "bucket_label",
    "bucket_size_for",
    "histogram",
    "local_offset",
    "zoom_in",
    "zoom_out",
]
