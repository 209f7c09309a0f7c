from __future__ import annotations

from array import array

from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import LineBatch
from logwatch_tui.core.rowquery import RowQuery, restriction_mask, row_at_time, row_of
from logwatch_tui.core.store import LineStore


def add(store: LineStore, ts: list[float], sid: int, levels=None) -> None:
    n = len(ts)
    store.append(
        LineBatch(
            source=f"s{sid}",
            format="f",
            first_line=1,
            lines=[f"s{sid}-{t}" for t in ts],
            ts=list(ts),
            levels=levels or [Level.INFO] * n,
            messages=["m"] * n,
            heads=[True] * n,
            source_id=sid,
        )
    )


ALL = frozenset(range(8))


def test_merge_orders_by_time_stably() -> None:
    st = LineStore()
    add(st, [1, 3, 5, 5], 0)
    add(st, [2, 5, 6], 1)
    rows = RowQuery(ALL, merge=True).rows(st)
    assert [st.text(i) for i in rows] == ["s0-1", "s1-2", "s0-3", "s0-5", "s0-5", "s1-5", "s1-6"]
    assert row_of(rows, 5, st, True) == 5
    assert row_at_time(rows, 4.0, st) == 3


def test_append_rows_in_order_and_out_of_order() -> None:
    st = LineStore()
    add(st, [1, 2], 0)
    add(st, [1.5], 1)
    q = RowQuery(ALL, merge=True)
    rows = q.rows(st)
    add(st, [3, 4], 1)
    assert q.append_rows(st, rows, range(3, 5))
    assert [st.ts[i] for i in rows] == [1, 1.5, 2, 3, 4]
    add(st, [2.5], 0)
    assert not q.append_rows(st, rows, range(5, 6))  # caller must re-sort


def test_restriction_and_sources_and_levels() -> None:
    st = LineStore()
    add(st, [1, 2, 3, 4], 0, levels=[Level.INFO, Level.ERROR, Level.INFO, Level.ERROR])
    add(st, [5, 6], 1)
    q = RowQuery(ALL, restriction=restriction_mask([1, 2, 5], len(st)))
    assert list(q.rows(st)) == [1, 2, 5]
    assert list(q.with_(shown_levels=frozenset({Level.ERROR})).rows(st)) == [1]
    assert list(RowQuery(ALL, sources=frozenset({1})).rows(st)) == [4, 5]
    add(st, [7], 1)
    assert list(q.rows(st)) == [1, 2, 5]  # lines after the restriction was made are outside it
    assert list(array("q", RowQuery(ALL).rows(st, start=5))) == [5, 6]
