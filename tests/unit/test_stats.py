from __future__ import annotations

from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import LineBatch
from logwatch_tui.core.stats import Stats


def mk(ts, levels, heads=None):
    n = len(ts)
    return LineBatch(
        source="s",
        format="f",
        first_line=1,
        lines=["x"] * n,
        ts=list(ts),
        levels=list(levels),
        messages=["x"] * n,
        heads=heads or [True] * n,
    )


def test_counts_per_level_ignore_continuation_lines() -> None:
    st = Stats()
    st.fold(
        mk(
            [0, 1, 1, 2],
            [Level.INFO, Level.ERROR, Level.ERROR, Level.WARNING],
            heads=[True, True, False, True],
        )
    )
    snap = st.snapshot()
    assert snap.total_lines == 4
    assert snap.total_records == 3
    assert snap.counts[Level.ERROR] == 1
    assert snap.counts[Level.INFO] == 1
    assert snap.counts[Level.WARNING] == 1


def test_series_buckets_by_event_time() -> None:
    st = Stats(bucket_seconds=10, buckets=6)
    st.fold(mk([100, 101, 125, 159], [Level.ERROR, Level.ERROR, Level.ERROR, Level.INFO]))
    snap = st.snapshot()
    # buckets 10..15 (100s..159s): errors at 100,101 -> bucket 10; 125 -> bucket 12
    assert snap.series[Level.ERROR] == (2, 0, 1, 0, 0, 0)
    assert snap.series[Level.INFO] == (0, 0, 0, 0, 0, 1)


def test_lines_per_second_uses_arrival_time() -> None:
    st = Stats(rate_window=5)
    st.fold(mk([0] * 100, [Level.INFO] * 100), arrival=1000.0)
    st.fold(mk([0] * 50, [Level.INFO] * 50), arrival=1003.0)
    assert st.lines_per_sec(1004.0) == 30.0
    assert st.lines_per_sec(1007.0) == 10.0
    assert st.lines_per_sec(1100.0) == 0.0


def test_series_same_for_ordered_and_unordered_batches() -> None:
    ts = [100.0, 100.5, 101, 104, 106, 111, 111, 112, 125]
    lv = [
        Level.INFO,
        Level.ERROR,
        Level.INFO,
        Level.WARNING,
        Level.INFO,
        Level.ERROR,
        Level.INFO,
        Level.INFO,
        Level.ERROR,
    ]
    a = Stats(bucket_seconds=5, buckets=10)
    a.fold(mk(ts, lv))
    b = Stats(bucket_seconds=5, buckets=10)
    order = [3, 0, 8, 1, 5, 2, 7, 4, 6]
    b.fold(mk([ts[i] for i in order], [lv[i] for i in order]))
    assert a.snapshot().series == b.snapshot().series
    assert a.snapshot().series[Level.ERROR][-6:] == (1, 0, 1, 0, 0, 1)
