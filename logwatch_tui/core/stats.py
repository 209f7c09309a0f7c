"""Counters and per-level rates, folded from batches.

Two clocks, on purpose:

* counts and the per-level **rate series** use *event time* (the log's own
  timestamps), so a replayed file shows its own shape, and a live file shows
  the recent past;
* **lines/s** uses *arrival time* (the wall clock passed to :meth:`fold`),
  because that is what "how fast is this log growing right now" means.

Folding costs a few C-level passes per batch (Counter over zipped columns),
not Python work per line.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter, deque
from dataclasses import dataclass
from itertools import compress, repeat
from operator import floordiv

from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import LineBatch

N_LEVELS = len(Level)


@dataclass(frozen=True, slots=True)
class StatsSnapshot:
    total_lines: int
    total_records: int
    counts: tuple[int, ...]
    """Records per level, indexed by Level value."""
    lines_per_sec: float
    """Arrival rate over the last few seconds."""
    series: tuple[tuple[int, ...], ...]
    """Per level: records per bucket, oldest first, ending at the latest event time."""
    bucket_seconds: float
    first_ts: float | None
    last_ts: float | None


class Stats:
    """Totals, per-level counts, an event-time series and an arrival rate."""

    def __init__(self, *, bucket_seconds: float = 5.0, buckets: int = 60, rate_window: float = 5.0):
        self.bucket_seconds = bucket_seconds
        self.buckets = buckets
        self.rate_window = rate_window
        self.total_lines = 0
        self.total_records = 0
        self.counts = [0] * N_LEVELS
        self.first_ts: float | None = None
        self.last_ts: float | None = None
        self._series: Counter[tuple[int, float]] = Counter()  # (level, bucket number) -> count
        self._arrivals: deque[tuple[float, int]] = deque()

    def fold(self, batch: LineBatch, arrival: float | None = None) -> None:
        n = len(batch.lines)
        if not n:
            return
        self.total_lines += n
        heads = batch.heads
        if all(heads):
            levels, ts = batch.levels, batch.ts
        else:
            levels = list(compress(batch.levels, heads))
            ts = list(compress(batch.ts, heads))
        self.total_records += len(levels)
        # bytes.count is a memchr-speed pass per level: far cheaper than a Counter.
        packed = bytes(levels)
        counts = self.counts
        present = []
        for lv in range(N_LEVELS):
            c = packed.count(lv)
            if c:
                counts[lv] += c
                present.append(lv)
        if ts:
            lo, hi = min(ts), max(ts)
            if self.first_ts is None or lo < self.first_ts:
                self.first_ts = lo
            if self.last_ts is None or hi > self.last_ts:
                self.last_ts = hi
            self._fold_series(packed, ts, present)
            self._prune()
        if arrival is not None:
            self._arrivals.append((arrival, n))

    def fold_counts(
        self,
        lines: int,
        counts: list[int],
        series: list[tuple[int, float, int]],
        first_ts: float | None,
        last_ts: float | None,
        arrival: float | None = None,
    ) -> None:
        """Fold lines counted elsewhere (worker processes): all of them record heads.

        ``counts`` per Level value, ``series`` as (level, bucket number, lines) with
        buckets of :attr:`bucket_seconds`, ``first_ts``/``last_ts`` the lines' smallest
        and largest times — what :meth:`fold` would have derived from the lines.
        """
        if not lines:
            return
        self.total_lines += lines
        self.total_records += lines
        for lv, c in enumerate(counts[: len(self.counts)]):
            self.counts[lv] += c
        if first_ts is not None and last_ts is not None:
            if self.first_ts is None or first_ts < self.first_ts:
                self.first_ts = first_ts
            if self.last_ts is None or last_ts > self.last_ts:
                self.last_ts = last_ts
            oldest = self.last_ts // self.bucket_seconds - self.buckets - 1
            for lv, bucket, c in series:
                if bucket >= oldest:
                    self._series[(lv, bucket)] += c
            self._prune()
        if arrival is not None:
            self._arrivals.append((arrival, lines))

    def _fold_series(self, packed: bytes, ts: list[float], present: list[int]) -> None:
        size = self.bucket_seconds
        series = self._series
        if ts != sorted(ts):
            series.update(zip(packed, map(floordiv, ts, repeat(size))))
            return
        # Time-ordered (the usual case). Lines older than the series span (from the
        # newest time seen) would be pruned anyway: skip them with one bisect. Then
        # each bucket is one slice, counted per level with bytes.count — a few C
        # calls per bucket instead of work per line.
        end = len(ts)
        i = bisect_left(ts, self.last_ts - size * (self.buckets + 1))  # type: ignore[operator]
        while i < end:
            b = ts[i] // size
            j = bisect_left(ts, (b + 1) * size, i, end)
            chunk = packed[i:j]
            for lv in present:
                c = chunk.count(lv)
                if c:
                    series[(lv, b)] += c
            i = j

    def _prune(self) -> None:
        if self.last_ts is None or len(self._series) < self.buckets * N_LEVELS * 4:
            return
        oldest = self.last_ts // self.bucket_seconds - self.buckets
        for k in [k for k in self._series if k[1] <= oldest]:
            del self._series[k]

    def lines_per_sec(self, now: float) -> float:
        cutoff = now - self.rate_window
        arr = self._arrivals
        while arr and arr[0][0] < cutoff:
            arr.popleft()
        if not arr:
            return 0.0
        return sum(n for _, n in arr) / self.rate_window

    def snapshot(self, now: float | None = None) -> StatsSnapshot:
        series: list[tuple[int, ...]] = []
        if self.last_ts is not None:
            end = int(self.last_ts // self.bucket_seconds)
            start = end - self.buckets + 1
            get = self._series.get
            for lv in range(N_LEVELS):
                series.append(tuple(get((lv, float(b)), 0) for b in range(start, end + 1)))
        else:
            series = [(0,) * self.buckets for _ in range(N_LEVELS)]
        return StatsSnapshot(
            total_lines=self.total_lines,
            total_records=self.total_records,
            counts=tuple(self.counts),
            lines_per_sec=self.lines_per_sec(now) if now is not None else 0.0,
            series=tuple(series),
            bucket_seconds=self.bucket_seconds,
            first_ts=self.first_ts,
            last_ts=self.last_ts,
        )
