"""FilterSet over real files: lnav's in/out semantics, whole records, time and sources."""

from __future__ import annotations

import threading
from array import array
from pathlib import Path

import pytest

from logwatch_tui.core.filters import Filter, FilterSet, ts_sorted
from logwatch_tui.core.levels import Level
from logwatch_tui.core.search import SearchError
from logwatch_tui.core.store import LineStore

from .test_search import build_store, py, write_lines

ALL = range(8)


def texts(store: LineStore, rows: array) -> list[str]:
    return [store.text(i) for i in rows]


@pytest.fixture
def traceback_store(tmp_path: Path) -> LineStore:
    p = write_lines(
        tmp_path / "app.log",
        [
            py(0, "INFO", "start"),
            py(1, "ERROR", "request failed"),
            "Traceback (most recent call last):",
            '  File "db.py", line 3, in connect',
            "ConnectionRefusedError: [Errno 111] refused",
            py(2, "INFO", "health ok"),
            py(3, "WARNING", "retrying"),
            py(4, "ERROR", "gave up"),
            "Traceback (most recent call last):",
            "TimeoutError: timed out",
            py(5, "INFO", "health ok"),
        ],
    )
    store, _ = build_store((p, "python"))
    assert list(store.heads) == [1, 1, 0, 0, 0, 1, 1, 1, 0, 0, 1]
    return store


def test_filter_in_keeps_whole_record_when_a_continuation_matches(
    traceback_store: LineStore,
) -> None:
    s = traceback_store
    got = FilterSet().add("in", "refusederror").apply(s, s.visible(ALL))
    assert list(got) == [1, 2, 3, 4]  # the head and every line of its traceback


def test_filter_out_drops_whole_record(traceback_store: LineStore) -> None:
    s = traceback_store
    got = FilterSet().add("out", "Traceback").apply(s, s.visible(ALL))
    assert texts(s, got) == [
        py(0, "INFO", "start"),
        py(2, "INFO", "health ok"),
        py(3, "WARNING", "retrying"),
        py(5, "INFO", "health ok"),
    ]


def test_lnav_semantics_any_in_and_no_out(traceback_store: LineStore) -> None:
    s = traceback_store
    fs = FilterSet().add("in", "health").add("in", "retrying")
    assert list(fs.apply(s, s.visible(ALL))) == [5, 6, 10]  # either filter-in
    fs = fs.add("out", "retry")
    assert list(fs.apply(s, s.visible(ALL))) == [5, 10]  # a filter-out always wins
    # a disabled filter does nothing
    assert list(fs.toggle(2).apply(s, s.visible(ALL))) == [5, 6, 10]
    assert list(fs.remove(0).apply(s, s.visible(ALL))) == []


def test_candidates_are_respected(traceback_store: LineStore) -> None:
    s = traceback_store
    errors = s.visible({Level.ERROR})
    assert list(FilterSet().add("out", "timeout").apply(s, errors)) == [1, 2, 3, 4]


def test_single_line_records_fast_path(tmp_path: Path) -> None:
    lines = [
        py(i, "ERROR" if i % 7 == 0 else "INFO", f"msg {i} user=u{i % 5}") for i in range(2000)
    ]
    store, _ = build_store((write_lines(tmp_path / "a.log", lines), "python"), chunk_size=2048)
    assert store.heads.find(0) < 0
    rows = store.visible(ALL)
    fs = FilterSet().add("in", "ERROR").add("in", "user=u3").add("out", "msg 1")
    expected = [
        i for i, t in enumerate(lines) if ("ERROR" in t or "user=u3" in t) and "msg 1" not in t
    ]
    assert list(fs.apply(store, rows)) == expected
    assert list(FilterSet().add("out", "user=u1").apply(store, rows)) == [
        i for i, t in enumerate(lines) if "user=u1" not in t
    ]


def test_time_range_half_open_and_sorted_bisect(traceback_store: LineStore) -> None:
    s = traceback_store
    assert ts_sorted(s)
    t1, t3 = s.ts[1], s.ts[6]
    got = FilterSet().with_time_range(t1, t3).apply(s, s.visible(ALL))
    assert list(got) == [1, 2, 3, 4, 5]  # records whole; end excluded
    assert list(FilterSet().with_time_range(t3, None).apply(s, s.visible(ALL))) == [
        6,
        7,
        8,
        9,
        10,
    ]
    with pytest.raises(ValueError, match="after its start"):
        FilterSet().with_time_range(t3, t1)


def test_time_range_unsorted_and_sources(tmp_path: Path) -> None:
    # two sources appended one after the other: time order is not store order
    a = write_lines(tmp_path / "a.log", [py(i, "INFO", f"a{i}") for i in (10, 20, 30)])
    b = write_lines(tmp_path / "b.log", [py(i, "INFO", f"b{i}") for i in (5, 15, 25)])
    store, _ = build_store((a, "python"), (b, "python"))
    assert not ts_sorted(store)
    rows = store.visible(ALL)
    lo, hi = store.ts[4], store.ts[2]  # b15 .. a30
    got = FilterSet().with_time_range(lo, hi).apply(store, rows)
    assert texts(store, got) == [
        py(20, "INFO", "a20"),
        py(15, "INFO", "b15"),
        py(25, "INFO", "b25"),
    ]
    only_b = FilterSet().with_sources({1}, ["b.log"])
    assert list(only_b.apply(store, rows)) == [3, 4, 5]
    assert "b.log" in only_b.describe()


def test_describe_and_validation() -> None:
    assert FilterSet().describe() == "no filters"
    assert not FilterSet().is_active
    fs = FilterSet().add("in", "ERROR").add("out", "health", enabled=False)
    assert fs.describe() == "+/ERROR/  (-/health/ off)"
    assert fs.is_active
    with pytest.raises(SearchError):
        Filter("in", "(unclosed")
    with pytest.raises(ValueError):
        Filter("maybe", "x")  # type: ignore[arg-type]
    assert fs == FilterSet().add("in", "ERROR").add("out", "health", enabled=False)


def test_no_filters_returns_a_copy(traceback_store: LineStore) -> None:
    rows = traceback_store.visible(ALL)
    got = FilterSet().apply(traceback_store, rows)
    assert got == rows and got is not rows


def test_cancel_is_honoured(traceback_store: LineStore) -> None:
    cancel = threading.Event()
    cancel.set()
    got = (
        FilterSet()
        .add("in", "health")
        .apply(traceback_store, traceback_store.visible(ALL), cancel=cancel)
    )
    assert list(got) == []


def test_orphan_continuation_at_store_start(tmp_path: Path) -> None:
    # a file tailed from the middle of a traceback: continuation lines with no head above
    p = write_lines(
        tmp_path / "tail.log",
        ['  File "x.py", line 1', "KeyError: 'user'", py(9, "INFO", "fine")],
    )
    store, _ = build_store((p, "python"))
    rows = store.visible(ALL)
    got = FilterSet().add("in", "keyerror").apply(store, rows)
    assert list(got) == [0, 1]  # the record the orphan lines form, kept whole
