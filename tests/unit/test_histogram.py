"""Histogram counts: records (not lines) per bucket and level, aligned to local time."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from logwatch_tui.core.histogram import (
    LADDER,
    MAX_BUCKETS,
    bucket_label,
    bucket_size_for,
    histogram,
    zoom_in,
    zoom_out,
)
from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import LineBatch
from logwatch_tui.core.store import LineStore

from .test_search import build_store, write_lines


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


def py_at(ts: float, level: str, msg: str) -> str:
    dt = datetime.fromtimestamp(ts, tz=UTC)
    return f"{dt:%Y-%m-%d %H:%M:%S},000 - api - {level} - {msg}"


def test_bucket_ladder() -> None:
    assert bucket_size_for(59, 60) == 1
    assert bucket_size_for(3600, 80) == 60
    assert bucket_size_for(3600, 12) == 600  # 5m would need 13 buckets
    assert bucket_size_for(10 * 86400, 70) == 6 * 3600
    assert bucket_size_for(10**9, 10) == LADDER[-1]
    assert zoom_in(60) == 30 and zoom_out(60) == 300
    assert zoom_in(1) == 1 and zoom_out(LADDER[-1]) == LADDER[-1]
    assert zoom_in(45) == 30 and zoom_out(45) == 60  # off-ladder sizes snap
    assert [bucket_label(b) for b in (5, 600, 3 * 3600, 86400, 7 * 86400)] == [
        "5s",
        "10m",
        "3h",
        "1d",
        "7d",
    ]


def test_counts_records_per_level_from_real_file(tmp_path: Path) -> None:
    t0 = utc(2026, 11, 20, 10, 0, 0)
    lines = [
        py_at(t0 + 5, "INFO", "a"),
        py_at(t0 + 20, "ERROR", "b"),
        "Traceback (most recent call last):",  # continuation: not a record of its own
        "ValueError: x",
        py_at(t0 + 61, "WARNING", "c"),
        py_at(t0 + 62, "ERROR", "d"),
        py_at(t0 + 185, "INFO", "e"),
    ]
    store, _ = build_store((write_lines(tmp_path / "a.log", lines), "python"))
    h = histogram(store, None, 60)
    assert h.start == t0 and h.bucket == 60 and len(h) == 4
    assert h.counts[0][Level.INFO] == 1 and h.counts[0][Level.ERROR] == 1
    assert h.counts[1][Level.WARNING] == 1 and h.counts[1][Level.ERROR] == 1
    assert h.totals() == [2, 2, 0, 1]
    assert h.bucket_of(t0 + 185) == 3 and h.bucket_start(3) == t0 + 180
    # only the visible rows count (the level filter left out INFO)
    rows = store.visible({Level.ERROR, Level.WARNING})
    assert histogram(store, rows, 60).totals() == [1, 2]
    # an explicit span, half-open
    h2 = histogram(store, None, 60, start=t0 + 60, end=t0 + 180)
    assert h2.start == t0 + 60 and h2.totals() == [2, 0]


def _mem_store(ts: list[float], levels: list[int], heads: list[bool] | None = None) -> LineStore:
    s = LineStore()
    n = len(ts)
    s.append(
        LineBatch(
            source="m",
            format="plain",
            first_line=1,
            lines=["x"] * n,
            ts=ts,
            levels=levels,
            messages=["x"] * n,
            heads=heads if heads is not None else [True] * n,
        )
    )
    return s


def test_buckets_align_to_local_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # +05:30: hours start at :30 UTC
    time.tzset()
    try:
        t = utc(2026, 11, 20, 4, 45)  # 10:15 local
        h = histogram(_mem_store([t], [3]), None, 3600)
        assert datetime.fromtimestamp(h.start).strftime("%H:%M") == "10:00"
        d = histogram(_mem_store([t], [3]), None, 86400)
        assert datetime.fromtimestamp(d.start).strftime("%H:%M") == "00:00"
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()


def test_stray_timestamp_does_not_explode_memory() -> None:
    s = _mem_store([0.0, utc(2026, 11, 20)], [3, 6])
    h = histogram(s, None, 1.0)
    assert len(h) <= MAX_BUCKETS
    assert h.bucket > 1.0  # grew up the ladder
    assert h.total() == 2


def test_empty_and_bad_bucket() -> None:
    h = histogram(LineStore(), None, 60)
    assert h.total() == 0 and len(h) == 1
    with pytest.raises(ValueError):
        histogram(LineStore(), None, 0)


@pytest.mark.parametrize("bucket", [1.0, 60.0, 3600.0, 7.5])
def test_millions_of_lines_are_counted_by_columns_with_the_same_answer(
    monkeypatch: pytest.MonkeyPatch, bucket: float
) -> None:
    """Big stores are counted with numpy (seconds -> a fraction of one at 5M lines);
    every bucket must hold what the line-by-line count gives: continuation lines
    left out, rows filtered, the span cut at start/end, odd levels in the last column."""
    import random

    from logwatch_tui.core import histogram as hmod

    rnd = random.Random(7)
    n = 30_000
    t0 = utc(2026, 11, 20, 9, 59) + 0.5
    ts = sorted(t0 + rnd.random() * 7200 for _ in range(n))
    levels = [rnd.choice([0, 1, 2, 3, 4, 5, 6, 7, 200]) for _ in range(n)]
    heads = [rnd.random() > 0.1 for _ in range(n)]
    s = _mem_store(ts, levels, heads)
    rows = [i for i in range(n) if i % 3]
    cases = [
        (None, None, None),
        (rows, None, None),
        (rows, ts[100], ts[20_000]),
        (None, ts[5000], None),
        (None, None, ts[n // 2]),
        (list(range(n)), ts[7], None),
    ]
    for r, start, end in cases:
        monkeypatch.setattr(hmod, "COLUMNS_FROM", 10**12)
        by_line = histogram(s, r, bucket, start, end)
        monkeypatch.setattr(hmod, "COLUMNS_FROM", 0)
        by_columns = histogram(s, r, bucket, start, end)
        assert by_columns == by_line
        assert by_line.total() > 0
