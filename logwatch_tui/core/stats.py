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

from collections import Counter, deque
from dataclasses import dataclass

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
        self._series: dict[tuple[int, int], int] = Counter()  # (level, bucket) -> count
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
            levels = [lv for lv, h in zip(batch.levels, heads) if h]
            ts = [t for t, h in zip(batch.ts, heads) if h]
        self.total_records += len(levels)
        for lv, c in Counter(levels).items():
            self.counts[lv] += c
        if ts:
            lo, hi = min(ts), max(ts)
            if self.first_ts is None or lo < self.first_ts:
                self.first_ts = lo
            if self.last_ts is None or hi > self.last_ts:
                self.last_ts = hi
            size = self.bucket_seconds
            self._series.update(zip(levels, (int(t // size) for t in ts)))
            self._prune()
        if arrival is not None:
            self._arrivals.append((arrival, n))

    def _prune(self) -> None:
        if self.last_ts is None or len(self._series) < self.buckets * N_LEVELS * 4:
            return
        oldest = int(self.last_ts // self.bucket_seconds) - self.buckets
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
                series.append(tuple(get((lv, b), 0) for b in range(start, end + 1)))
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
