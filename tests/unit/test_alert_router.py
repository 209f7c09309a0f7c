"""The alert router shared by headless and the TUI: history off the ingest thread, restarts.

Issue 12: with history on, ingest dropped to ~2.9k lines/s (one SQLite write
per alert on the pipeline thread) and a write lock held by another process
stalled ingest 2 s per alert. Now writes are queued to the router's own
writer thread; a locked database delays the history, never ingest.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from logwatch_tui.alerting import AlertRouter
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.rules import Rule
from logwatch_tui.history.store import AlertHistory
from logwatch_tui.pipeline import Pipeline, PipelineUpdate
from tests.unit.test_history import make_event

RULE = Rule(
    id="err",
    name="Every error",
    level=6,
    match=r"req=(?P<req>\d+)",
    group_by=("req",),
    cooldown=0.0,
    window=1.0,
)


def _rows(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COUNT(*) FROM alert_events").fetchone()[0]
    finally:
        con.close()


def test_a_locked_database_delays_history_never_ingest(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    log = tmp_path / "app.log"
    n = 3000
    log.write_text(
        "".join(
            f"2026-11-20 10:{i // 60 % 60:02d}:{i % 60:02d} ERROR failed req={i}\n"
            for i in range(n)
        )
    )
    router = AlertRouter([RULE])
    router.attach_history(AlertHistory(db, busy_timeout=0.05))
    other = sqlite3.connect(db, isolation_level=None)  # a real second writer
    other.execute("BEGIN IMMEDIATE")
    routed = []

    def sink(upd: PipelineUpdate) -> None:
        router.route(upd.history_alerts, upd.alerts, replay=True)
        routed.extend(upd.history_alerts)

    try:
        # The whole replay (ingest + routing of every alert) finishes while the lock is held.
        Pipeline([str(log)], sink=sink, rules=[RULE]).replay([str(log)])
        assert sum(1 for e in routed if e.status == "firing") == n
        assert _rows(db) == 0  # nothing could be written yet...
    finally:
        other.execute("COMMIT")
        other.close()
    assert router.writer is not None
    assert router.writer.wait_idle(timeout=60)
    assert _rows(db) == len(routed)  # ...and nothing was lost: the history was only late
    router.stop()


def test_writes_are_batched_on_the_writer_thread(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    router = AlertRouter([])
    router.attach_history(AlertHistory(db))
    events = [make_event(time.time() - i, key=(("n", str(i)),)) for i in range(2000)]
    router.route([], events)
    assert router.writer is not None and router.writer.wait_idle(timeout=60)
    assert _rows(db) == 2000
    router.stop()


def _ev(status: str, at: float, key: str = "db1") -> AlertEvent:
    return make_event(at, status=status, key=(("host", key),), rule="conn-refused")


def test_an_incident_from_before_this_run_is_never_announced_in_parts() -> None:
    router = AlertRouter([Rule(id="conn-refused", name="Connection refused", match="x")])
    # Found in the existing content: shown, not announced.
    assert router.route([_ev("firing", 10)], []) == []
    # Later, live: its resolve. Before the fix a lone "resolved" was printed and sent.
    assert router.route([], [_ev("resolved", 20)]) == []
    item = next(iter(router.book))
    assert item.resolved_at == 20  # the book still knows it ended
    # A new incident of the same rule+key afterwards is announced whole.
    got = router.route([], [_ev("firing", 30), _ev("resolved", 40)])
    assert [a.event.status for a in got] == ["firing", "resolved"]
    # An incident that fired *and* resolved in old content leaves nothing behind.
    router.route([_ev("firing", 50, "db2"), _ev("resolved", 55, "db2")], [])
    got = router.route([], [_ev("firing", 60, "db2")])
    assert [a.event.status for a in got] == ["firing"]


def test_live_counts_update_while_firing() -> None:
    router = AlertRouter([])
    ev = _ev("firing", 10)
    router.route([], [ev])
    from dataclasses import replace

    assert router.refresh([replace(ev, count=5, samples=("a", "b"))])
    item = next(iter(router.book))
    assert item.count == 5 and item.samples == ("a", "b")
    assert time.time() > 0


class CountingHistory(AlertHistory):
    """A real history that counts its write transactions."""

    def __init__(self, *a, **kw) -> None:
        super().__init__(*a, **kw)
        self.transactions: list[int] = []

    def record_events(self, events) -> int:
        self.transactions.append(len(events))
        return super().record_events(events)


def test_one_update_of_alerts_is_one_hand_over_and_one_transaction(tmp_path: Path) -> None:
    """The writer wakes per update, not per alert (before: one queue item, wake-up and
    row-at-a-time insert per alert: 2000 alerts were at least 4 transactions, and the
    writer thread competed with ingest for the GIL 2000 times)."""
    history = CountingHistory(tmp_path / "history.sqlite3")
    router = AlertRouter([])
    router.attach_history(history)
    events = [make_event(time.time() - i, key=(("n", str(i)),)) for i in range(2000)]
    router.route([], events)
    assert router.writer is not None and router.writer.wait_idle(timeout=60)
    assert history.transactions == [2000]
    assert _rows(tmp_path / "history.sqlite3") == 2000
    router.stop()


def test_a_full_queue_drops_the_excess_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    from logwatch_tui.alerting.history_writer import HistoryWriter

    problems: list[str] = []
    other = sqlite3.connect(db, isolation_level=None)
    writer = HistoryWriter(
        AlertHistory(db, busy_timeout=0.05), on_error=problems.append, max_queued=100
    )
    other.execute("BEGIN IMMEDIATE")  # locked: nothing drains
    try:
        writer.events([make_event(time.time() - i, key=(("n", str(i)),)) for i in range(150)])
        assert writer.dropped == 50
        assert any("not keeping up" in p for p in problems)
    finally:
        other.execute("COMMIT")
        other.close()
    assert writer.wait_idle(timeout=60)
    assert _rows(db) == 100
    writer.close()
