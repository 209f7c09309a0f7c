"""The SQLite alert history: real database files in tmp_path, real threads."""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from argparse import Namespace
from pathlib import Path

import pytest

from logwatch_tui.commands.alerts import cmd_alerts
from logwatch_tui.config import state_dir
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.history.store import AlertHistory, HistoryEntry, HistoryError

DAY = 86400.0
INJECTION = "'); DROP TABLE alert_events; --"


def make_event(
    at: float,
    *,
    rule: str = "conn-refused",
    status: str = "firing",
    key: tuple[tuple[str, str], ...] = (("host", "db1"),),
    samples: tuple[str, ...] = ("connection refused to 10.0.0.5:5432",),
    count: int = 3,
) -> AlertEvent:
    return AlertEvent(
        rule=rule,
        name="Connection refused",
        status=status,
        severity="error",
        at=at,
        count=count,
        key=key,
        samples=samples,
        source="/var/log/app.log",
        window=60.0,
        summary="3 refused connections in 60s",
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / "history.sqlite3"


def test_events_survive_an_app_restart(db: Path) -> None:
    now = time.time()
    first = AlertHistory(db)
    first.record_event(make_event(now - 10))
    first.record_event(make_event(now - 5, status="resolved"))
    old_session = first.session
    first.close()

    second = AlertHistory(db)
    try:
        rows = second.recent()
        assert [r.kind for r in rows] == ["resolved", "firing"]
        assert all(r.session == old_session for r in rows)
        assert second.session != old_session
        r = rows[1]
        assert r.rule == "conn-refused" and r.name == "Connection refused"
        assert r.severity == "error" and r.count == 3
        assert r.key == {"host": "db1"}
        assert r.samples == ["connection refused to 10.0.0.5:5432"]
        assert r.source == "/var/log/app.log"
        assert r.fingerprint == make_event(0).fingerprint()
        assert r.detail == "3 refused connections in 60s"
        assert r.at == pytest.approx(now - 10)
        # The alerts pane rebuilds its state from these.
        ev = r.to_event()
        assert ev is not None and ev.status == "firing" and ev.key == (("host", "db1"),)
    finally:
        second.close()


def test_default_path_is_under_the_state_dir() -> None:
    with AlertHistory() as hist:
        assert hist.path == state_dir() / "history.sqlite3"
        assert hist.path.exists()


def test_wal_mode_is_on(db: Path) -> None:
    with AlertHistory(db) as hist:
        hist.record_event(make_event(time.time()))
        assert hist.journal_mode == "wal"
        other = sqlite3.connect(db)
        try:
            assert other.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            version = other.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            assert version == ("1",)
            indexes = [r[1] for r in other.execute("PRAGMA index_list(alert_events)")]
            assert "alert_events_at" in indexes
        finally:
            other.close()


def test_retention_by_days_on_open_and_on_demand(db: Path) -> None:
    now = time.time()
    with AlertHistory(db, retention_days=None, max_rows=None) as hist:
        hist.record_event(make_event(now - 40 * DAY, rule="ancient"))
        hist.record_event(make_event(now - 10 * DAY, rule="older"))
        hist.record_event(make_event(now - 60, rule="fresh"))
        assert hist.count() == 3

    with AlertHistory(db, retention_days=30, max_rows=None) as hist:
        assert [r.rule for r in hist.recent()] == ["fresh", "older"]
        # Later in the session time moves on: 10-day-old rows fall out at 7 days.
        hist.retention_days = 7
        assert hist.enforce_retention(now=now) == 1
        assert [r.rule for r in hist.recent()] == ["fresh"]
        assert hist.enforce_retention(now=now) == 0


def test_retention_by_max_rows_drops_oldest_first(db: Path) -> None:
    now = time.time()
    with AlertHistory(db, retention_days=None, max_rows=None) as hist:
        # Written out of time order (a replay writes old events late): age decides.
        for i in (3, 0, 7, 1, 9, 4, 2, 8, 6, 5):
            hist.record_event(make_event(now - 100 + i, rule=f"r{i}"))
        hist.max_rows = 4
        assert hist.enforce_retention() == 6
        assert [r.rule for r in hist.recent()] == ["r9", "r8", "r7", "r6"]

    with AlertHistory(db, retention_days=None, max_rows=2) as hist:  # enforced on open
        assert [r.rule for r in hist.recent()] == ["r9", "r8"]


def test_recent_is_newest_first_and_filters(db: Path) -> None:
    now = time.time()
    with AlertHistory(db) as hist:
        hist.record_event(make_event(now - 300, rule="a"))
        hist.record_event(make_event(now - 100, rule="c"))
        hist.record_event(make_event(now - 200, rule="b"))
        hist.record_action("acknowledged", make_event(now - 100, rule="c"), at=now - 50)
        rows = hist.recent()
        assert [(r.kind, r.rule) for r in rows] == [
            ("acknowledged", "c"),
            ("firing", "c"),
            ("firing", "b"),
            ("firing", "a"),
        ]
        assert [r.rule for r in hist.recent(since=now - 250)] == ["c", "c", "b"]
        assert [r.rule for r in hist.recent(kinds=["firing"], limit=2)] == ["c", "b"]
        assert hist.recent(kinds=[]) == []
        assert len(hist.recent(limit=None)) == 4


def test_record_delivery_writes_one_row_per_event(db: Path) -> None:
    now = time.time()
    events = [
        make_event(now - 10, key=(("host", "db1"),)),
        make_event(now - 9, key=(("host", "db2"),)),
    ]
    with AlertHistory(db) as hist:
        n = hist.record_delivery(
            "ops-hook", "retrying", events, attempt=2, reason="HTTP 503", at=now
        )
        assert n == 2
        rows = hist.recent(kinds=["delivery"])
        assert len(rows) == 2
        assert {r.fingerprint for r in rows} == {e.fingerprint() for e in events}
        assert {tuple(r.key.items()) for r in rows} == {(("host", "db1"),), (("host", "db2"),)}
        assert all(r.detail == "ops-hook: retrying (attempt 2): HTTP 503" for r in rows)
        assert all(r.at == pytest.approx(now) for r in rows)
        assert rows[0].to_event() is None


def test_record_outcome_takes_a_dispatcher_outcome(db: Path) -> None:
    from logwatch_tui.notify.base import DeliveryOutcome

    ev = make_event(time.time())
    outcome = DeliveryOutcome("mail", "delivered", (ev,), 1, "", time.time())
    with AlertHistory(db) as hist:
        assert hist.record_outcome(outcome) == 1
        (row,) = hist.recent()
        assert row.kind == "delivery" and row.detail == "mail: delivered (attempt 1)"


def test_record_action_by_event_and_by_fingerprint(db: Path) -> None:
    ev = make_event(time.time())
    with AlertHistory(db) as hist:
        hist.record_action("silenced", ev, detail="silenced for 1h by user")
        hist.record_action(
            "unsilenced", ev.fingerprint(), rule=ev.rule, name=ev.name, key={"host": "db1"}
        )
        unsilenced, silenced = hist.recent()
        assert silenced.kind == "silenced" and silenced.detail == "silenced for 1h by user"
        assert silenced.fingerprint == ev.fingerprint() and silenced.key == {"host": "db1"}
        assert unsilenced.fingerprint == ev.fingerprint() and unsilenced.rule == ev.rule
        assert unsilenced.key == {"host": "db1"}
        with pytest.raises(ValueError, match="unknown action"):
            hist.record_action("deleted", ev)
        with pytest.raises(ValueError, match="not firing or resolved"):
            hist.record_event(make_event(time.time(), status="pending"))
        assert hist.count() == 2


def test_hostile_text_is_stored_verbatim(db: Path) -> None:
    hostile = (
        INJECTION,
        "nul\x00byte",
        "\x1b[31mred\x1b[0m [/bold] [@click=app.quit]x[/]",
        "bad utf8 \udcff\udcfe",
        "quote ' and \" and ;",
    )
    ev = make_event(time.time(), samples=hostile, key=(("user", INJECTION),))
    with AlertHistory(db) as hist:
        hist.record_event(ev)
    with AlertHistory(db) as hist:
        (row,) = hist.recent()
        # Undecodable bytes come back as U+FFFD (always printable); the rest verbatim.
        assert row.samples == [*hostile[:3], "bad utf8 \ufffd\ufffd", hostile[4]]
        assert row.key == {"user": INJECTION}
        assert hist.count() == 1  # the table is still there


def test_huge_sample_and_undecodable_source_do_not_break_a_write(db: Path) -> None:
    big = "x" * 10_000_000
    ev = AlertEvent(
        rule="r",
        name="n",
        status="firing",
        severity="warning",
        at=time.time(),
        count=1,
        samples=(big,),
        source="/logs/caf\udce9.log",  # a surrogateescape'd filename
    )
    with AlertHistory(db) as hist:
        hist.record_event(ev)
        (row,) = hist.recent()
        assert row.samples[0].startswith("xxxx") and len(row.samples[0]) < 10_000
        assert row.source.startswith("/logs/caf") and row.source.endswith(".log")


def test_concurrent_writes_from_threads_all_land(db: Path) -> None:
    now = time.time()
    errors: list[BaseException] = []
    with AlertHistory(db) as hist:
        start = threading.Barrier(4)

        def writer(t: int) -> None:
            try:
                start.wait(timeout=10)
                for i in range(100):
                    if i % 10 == 0:
                        hist.record_delivery(
                            f"n{t}", "delivered", [make_event(now)], attempt=1, reason=""
                        )
                    else:
                        hist.record_event(make_event(now - i, rule=f"t{t}", count=i))
            except BaseException as exc:  # surfaced below
                errors.append(exc)

        threads = [threading.Thread(target=writer, args=(t,)) for t in range(4)]
        for th in threads:
            th.start()
        for th in threads:
            th.join(timeout=60)
        assert not errors
        assert hist.count() == 400
        rows = hist.recent(limit=None)
        assert len({r.id for r in rows}) == 400
        for t in range(4):
            assert sum(1 for r in rows if r.rule == f"t{t}") == 90


def test_lock_held_by_another_process_drops_the_row_with_an_error(db: Path) -> None:
    with AlertHistory(db, busy_timeout=0.05) as hist:
        hist.record_event(make_event(time.time(), rule="before"))
        other = sqlite3.connect(db, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # another instance mid-write
            with pytest.raises(HistoryError, match="locked") as info:
                hist.record_event(make_event(time.time(), rule="dropped"))
            assert str(db) in str(info.value)
            # Reading still works under WAL while the other side writes.
            assert [r.rule for r in hist.recent()] == ["before"]
            other.execute("COMMIT")
        finally:
            other.close()
        hist.record_event(make_event(time.time(), rule="after"))
        assert [r.rule for r in hist.recent()] == ["after", "before"]


def test_open_while_another_process_writes_still_starts(db: Path) -> None:
    AlertHistory(db).close()
    other = sqlite3.connect(db, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        hist = AlertHistory(db, busy_timeout=0.05)  # retention is skipped, not fatal
        assert hist.recent() == []
        hist.close()
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_corrupt_file_gives_an_error_naming_it_and_is_left_alone(db: Path) -> None:
    db.parent.mkdir(parents=True)
    garbage = os.urandom(4096)
    db.write_bytes(garbage)
    with pytest.raises(HistoryError) as info:
        AlertHistory(db)
    assert str(db) in str(info.value)
    assert "move it aside" in str(info.value)
    assert db.read_bytes() == garbage


def test_other_sqlite_database_is_not_taken_over(db: Path) -> None:
    db.parent.mkdir(parents=True)
    other = sqlite3.connect(db)
    other.execute("CREATE TABLE notes (x TEXT)")
    other.commit()
    other.close()
    with pytest.raises(HistoryError, match="not a logwatch-tui alert history") as info:
        AlertHistory(db)
    assert str(db) in str(info.value)


def test_closed_history_raises_history_error(db: Path) -> None:
    hist = AlertHistory(db)
    hist.close()
    hist.close()  # idempotent
    with pytest.raises(HistoryError, match="closed"):
        hist.record_event(make_event(time.time()))


def test_entry_to_json_shape(db: Path) -> None:
    with AlertHistory(db) as hist:
        hist.record_event(make_event(1_700_000_000.0))
        (row,) = hist.recent()
    assert isinstance(row, HistoryEntry)
    data = row.to_json()
    assert data["at"] == "2023-11-14T22:13:20+00:00"  # TZ=UTC in conftest
    assert data["kind"] == "firing" and data["key"] == {"host": "db1"}
    assert set(data) == {
        "id",
        "at",
        "kind",
        "rule",
        "name",
        "severity",
        "key",
        "count",
        "samples",
        "source",
        "fingerprint",
        "detail",
        "session",
    }
    json.dumps(data)


# -- the `alerts` command ----------------------------------------------------------------------


def _args(since: str = "24h", as_json: bool = False, config: str | None = None) -> Namespace:
    return Namespace(since=since, json=as_json, config=config)


def _seed(now: float) -> None:
    with AlertHistory() as hist:  # the default path, in the test's LOGWATCH_STATE_DIR
        hist.record_event(make_event(now - 2 * DAY, rule="two-days-ago"))
        hist.record_event(make_event(now - 3600, key=(("host", "\x1b[2Jdb1"),)))
        hist.record_delivery(
            "ops-hook", "delivered", [make_event(now - 3600)], attempt=2, reason="", at=now - 3590
        )


def test_cmd_alerts_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    _seed(time.time())
    assert cmd_alerts(_args()) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["TIME", "KIND", "SEVERITY", "RULE", "KEY", "COUNT", "DETAIL"]
    assert len(out) == 3  # the 2-day-old event is outside 24h
    assert "firing" in out[1] and "Connection refused" in out[1]
    assert "3 refused connections in 60s" in out[1]
    assert "host=\u241b[2Jdb1" in out[1] and "\x1b" not in "".join(out)
    assert "delivery" in out[2] and "ops-hook: delivered (attempt 2)" in out[2]

    assert cmd_alerts(_args(since="3d")) == 0
    assert len(capsys.readouterr().out.splitlines()) == 4


def test_cmd_alerts_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    _seed(time.time())
    assert cmd_alerts(_args(as_json=True)) == 0
    lines = capsys.readouterr().out.splitlines()
    objs = [json.loads(line) for line in lines]
    assert [o["kind"] for o in objs] == ["firing", "delivery"]  # oldest first
    assert objs[0]["key"] == {"host": "\x1b[2Jdb1"}
    assert objs[1]["detail"] == "ops-hook: delivered (attempt 2)"


def test_cmd_alerts_empty_and_missing_history(capsys: pytest.CaptureFixture[str]) -> None:
    assert cmd_alerts(_args()) == 0
    assert capsys.readouterr().out == "no alerts in the last 24h\n"
    assert not (state_dir() / "history.sqlite3").exists()  # listing creates nothing
    AlertHistory().close()
    assert cmd_alerts(_args(since="2h")) == 0
    assert capsys.readouterr().out == "no alerts in the last 2h\n"


def test_cmd_alerts_bad_since_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cmd_alerts(_args(since="yesterday")) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip().splitlines()
    assert len(err) == 1 and "--since" in err[0] and "yesterday" in err[0]


def test_cmd_alerts_applies_configured_retention(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    now = time.time()
    with AlertHistory(retention_days=None, max_rows=None) as hist:
        for i in range(5):
            hist.record_event(make_event(now - 100 + i, rule=f"r{i}"))
    cfg = tmp_path / "config.toml"
    cfg.write_text("[history]\nmax_rows = 2\n")
    assert cmd_alerts(_args(as_json=True, config=str(cfg))) == 0
    assert [json.loads(x)["rule"] for x in capsys.readouterr().out.splitlines()] == ["r3", "r4"]


def test_cmd_alerts_corrupt_history_exits_2_naming_the_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = state_dir() / "history.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not sqlite" * 100)
    assert cmd_alerts(_args()) == 2
    err = capsys.readouterr().err
    assert str(path) in err and len(err.strip().splitlines()) == 1


def test_cli_dispatches_alerts(capsys: pytest.CaptureFixture[str]) -> None:
    from logwatch_tui.cli import main

    _seed(time.time())
    assert main(["alerts", "--json", "--since", "1d"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert main(["alerts", "--since=-5m"]) == 2


def test_the_same_alert_found_again_on_restart_is_recorded_once(db: Path) -> None:
    """Each start replays the file's existing content and finds its alerts again: they
    are in the history once, not once per start; other alerts still all land."""
    now = time.time()
    content = [make_event(now - 60), make_event(now - 30, status="resolved")]
    for _ in range(3):  # three starts over the same file
        with AlertHistory(db) as hist:
            hist.record_events(content)
            hist.record_event(content[0])
    with AlertHistory(db) as hist:
        assert [r.kind for r in hist.recent()] == ["resolved", "firing"]
        hist.record_event(make_event(now - 60, count=4))  # another count: another alert
        hist.record_event(make_event(now - 60, key=(("host", "db2"),)))
        assert hist.count() == 4
