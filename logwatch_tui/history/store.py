"""The alert history: every alert event, kept in SQLite across sessions.

Why SQLite: the history must survive restarts, be shared by a TUI and a
``--headless`` instance on the same box, and answer "what fired in the last
24 h" without reading everything. WAL mode lets one instance read while
another writes; a short busy timeout means a second instance that holds the
write lock makes us *drop one row with a clear error* rather than freeze the
screen or crash.

What is stored is exactly what an :class:`AlertEvent` or a delivery outcome
carries (rule, key, counts, sample lines, a reason written for people) — never
a config value, so no secret can end up here. Sample lines are log text: they
go in as JSON through SQL parameters, never into SQL text.

The database belongs to the user: a file that is not a readable history is
reported (:class:`HistoryError`, with its path and what to do) and never
deleted or overwritten.

The file format (tables, schema version, how values are encoded, the
retention SQL) lives in :mod:`logwatch_tui.history.schema`, and the ``alerts``
command in :mod:`logwatch_tui.commands.alerts`; this module is the API the rest of
the program uses.

The ``history`` package sits above ``pipeline.py`` (not in ``core/``) because it
does I/O and locking; it never imports Textual or Rich.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from logwatch_tui.core.record import AlertEvent
from logwatch_tui.history.schema import (
    CORRUPT_HINT,
    INSERT_EVENT,
    INSERT_EVENT_ONCE,
    SELECT_COLUMNS,
    SchemaMismatch,
    action_row,
    delivery_rows,
    event_row,
    is_busy,
    load_key,
    load_samples,
    prepare_schema,
    prune,
)
from logwatch_tui.history.schema import MAX_SAMPLES as MAX_SAMPLES
from logwatch_tui.history.schema import MAX_TEXT as MAX_TEXT
from logwatch_tui.history.schema import SCHEMA_VERSION as SCHEMA_VERSION

DEFAULT_FILENAME = "history.sqlite3"

FIRING = "firing"
RESOLVED = "resolved"
ACKNOWLEDGED = "acknowledged"
SILENCED = "silenced"
UNSILENCED = "unsilenced"
DELIVERY = "delivery"
KINDS = (FIRING, RESOLVED, ACKNOWLEDGED, SILENCED, UNSILENCED, DELIVERY)
ACTION_KINDS = frozenset({ACKNOWLEDGED, SILENCED, UNSILENCED})

BUSY_TIMEOUT = 2.0
"""Seconds to wait for another process's write lock before dropping a row."""

RETENTION_EVERY_WRITES = 1000
RETENTION_EVERY_SECONDS = 600.0
"""A long-running session prunes after this many writes or this long, whichever
comes first: ``COUNT(*)`` on a 100k-row table is cheap but not per-row cheap."""


class HistoryError(Exception):
    """The history could not be opened, read or written.

    The message is one line for a person: it names the file and what to do.
    Callers show it (toast, stderr) and carry on; a write that raised this was
    dropped, nothing else was lost. ``busy``: another process held the write lock
    (worth retrying later).
    """

    busy = False


class _OutcomeLike(Protocol):
    """The parts of ``notify.base.DeliveryOutcome`` the history needs (no import:
    the history must not depend on the notify package)."""

    notifier: str
    status: str
    events: Sequence[AlertEvent]
    attempt: int
    reason: str
    at: float


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One row of the history, as the alerts pane and ``alerts`` show it."""

    id: int
    at: float
    """Epoch seconds."""
    kind: str
    """One of :data:`KINDS`."""
    rule: str
    name: str
    severity: str
    key: dict[str, str]
    count: int
    samples: list[str]
    source: str
    fingerprint: str
    detail: str
    """For people: the rule's message, ``ops-hook: delivered (attempt 2)``, ``silenced for 1h``."""
    session: str
    """Which session wrote it, so the UI can tell earlier sessions' rows apart."""

    @property
    def key_text(self) -> str:
        """``ip=10.0.0.1 user=bob`` or empty (same spelling as ``AlertEvent.key_text``)."""
        return " ".join(f"{k}={v}" for k, v in self.key.items())

    def iso_at(self) -> str:
        return datetime.fromtimestamp(self.at).astimezone().isoformat()

    def to_json(self) -> dict[str, Any]:
        """The ``alerts --json`` shape (``at`` in local ISO 8601 like ``check --json``)."""
        return {
            "id": self.id,
            "at": self.iso_at(),
            "kind": self.kind,
            "rule": self.rule,
            "name": self.name,
            "severity": self.severity,
            "key": dict(self.key),
            "count": self.count,
            "samples": list(self.samples),
            "source": self.source,
            "fingerprint": self.fingerprint,
            "detail": self.detail,
            "session": self.session,
        }

    def to_event(self) -> AlertEvent | None:
        """The firing/resolved event this row recorded, for the alerts pane on start.

        None for actions and deliveries, which are not alert state changes. The
        rule window is not stored, so it comes back as 0.
        """
        if self.kind not in (FIRING, RESOLVED):
            return None
        return AlertEvent(
            rule=self.rule,
            name=self.name,
            status=self.kind,
            severity=self.severity,
            at=self.at,
            count=self.count,
            key=tuple(self.key.items()),
            samples=tuple(self.samples),
            source=self.source,
            summary=self.detail,
        )


# -- the store ------------------------------------------------------------------------------


class AlertHistory:
    """The SQLite alert history of this user, opened by one session.

    One connection guarded by a lock: the TUI's worker thread, the pipeline
    sink and the dispatcher's workers all write here, each write is a single
    short statement (or one small transaction), so a lock is simpler than a
    connection per thread and never slower in practice.
    """

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        retention_days: float | None = 30,
        max_rows: int | None = 100_000,
        busy_timeout: float = BUSY_TIMEOUT,
    ) -> None:
        if path is None:
            from logwatch_tui.config import state_dir

            path = state_dir() / DEFAULT_FILENAME
        self.path = Path(path)
        self.session = uuid.uuid4().hex[:12]
        self.retention_days = retention_days
        self.max_rows = max_rows
        self._lock = threading.Lock()
        self._writes_since_prune = 0
        self._last_prune = time.monotonic()
        self._conn: sqlite3.Connection | None = None
        self.journal_mode = ""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise HistoryError(
                f"cannot create {self.path.parent} for the alert history: "
                f"{exc.strerror or exc} (set LOGWATCH_STATE_DIR to a writable directory)"
            ) from None
        try:
            conn = sqlite3.connect(
                self.path,
                timeout=busy_timeout,
                isolation_level=None,  # autocommit: every write is short and stands alone
                check_same_thread=False,
            )
        except sqlite3.Error as exc:
            raise self._open_error(exc) from None
        try:
            self._setup(conn, busy_timeout)
        except sqlite3.Error as exc:
            conn.close()
            raise self._open_error(exc) from None
        except HistoryError:
            conn.close()
            raise
        self._conn = conn
        # Retention on open is best effort: another instance holding the write
        # lock must not stop this one from starting. It runs again later.
        try:
            self.enforce_retention()
        except HistoryError:
            pass

    # -- setup ----------------------------------------------------------------------------

    def _setup(self, conn: sqlite3.Connection, busy_timeout: float) -> None:
        try:
            self.journal_mode = prepare_schema(conn, busy_timeout)
        except SchemaMismatch as exc:
            raise HistoryError(f"{self.path}: {exc}") from None

    def _open_error(self, exc: sqlite3.Error) -> HistoryError:
        if is_busy(exc):
            return HistoryError(
                f"{self.path}: alert history is locked by another process "
                "(another logwatch-tui?); try again in a moment"
            )
        name = getattr(exc, "sqlite_errorname", "")
        if name in ("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_READONLY") or "unable to open" in str(
            exc
        ):
            return HistoryError(
                f"{self.path}: cannot open the alert history ({exc}); check the file's "
                "permissions or set LOGWATCH_STATE_DIR"
            )
        return HistoryError(f"{self.path}: not a readable alert history ({exc}); {CORRUPT_HINT}")

    # -- writing --------------------------------------------------------------------------

    def _write(self, rows: Sequence[tuple[Any, ...]], sql: str = INSERT_EVENT) -> int:
        """Insert rows in one short transaction; returns the last row id.

        A lock held by another process past the busy timeout drops the rows and
        raises :class:`HistoryError`; the caller shows it and carries on.
        """
        if not rows:
            return 0
        with self._lock:
            conn = self._require_open()
            try:
                if len(rows) == 1:
                    last = int(conn.execute(sql, rows[0]).lastrowid or 0)
                else:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        conn.executemany(sql, rows)  # one statement, bound in C
                        last = int(conn.execute("SELECT last_insert_rowid()").fetchone()[0])
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
            except sqlite3.Error as exc:
                raise self._write_error(exc, len(rows)) from None
            self._writes_since_prune += len(rows)
            due = (
                self._writes_since_prune >= RETENTION_EVERY_WRITES
                or time.monotonic() - self._last_prune >= RETENTION_EVERY_SECONDS
            )
        if due:
            try:
                self.enforce_retention()
            except HistoryError:
                pass  # the rows are in; pruning retries on the next write
        return last

    def _write_error(self, exc: sqlite3.Error, n: int) -> HistoryError:
        what = "1 alert event" if n == 1 else f"{n} alert events"
        if is_busy(exc):
            err = HistoryError(
                f"{self.path}: alert history is locked by another process "
                f"(another logwatch-tui?); {what} not recorded"
            )
            err.busy = True
            return err
        return HistoryError(
            f"{self.path}: cannot write the alert history ({exc}); {what} not recorded"
        )

    def _require_open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise HistoryError(f"{self.path}: alert history is closed")
        return self._conn

    def record_event(self, event: AlertEvent) -> int:
        """Store a firing or resolved event; returns the new row id."""
        if event.status not in (FIRING, RESOLVED):
            raise ValueError(f"alert event status {event.status!r} is not firing or resolved")
        return self._write([event_row(event, self.session)], INSERT_EVENT_ONCE)

    def record_events(self, events: Sequence[AlertEvent]) -> int:
        """Store several firing/resolved events in one transaction (the writer thread's batch)."""
        for event in events:
            if event.status not in (FIRING, RESOLVED):
                raise ValueError(f"alert event status {event.status!r} is not firing or resolved")
        return self._write([event_row(e, self.session) for e in events], INSERT_EVENT_ONCE)

    def record_action(
        self,
        kind: str,
        event_or_fingerprint: AlertEvent | str,
        *,
        rule: str = "",
        name: str = "",
        detail: str = "",
        key: dict[str, str] | None = None,
        at: float | None = None,
    ) -> int:
        """Store what a person did to an alert: ``acknowledged``, ``silenced``, ``unsilenced``.

        Given an event, the row carries its identity (rule, name, severity, key,
        fingerprint); given only a fingerprint, ``rule``/``name``/``key`` fill in
        what the caller knows. Returns the new row id.
        """
        if kind not in ACTION_KINDS:
            raise ValueError(f"unknown action {kind!r} (use {', '.join(sorted(ACTION_KINDS))})")
        when = time.time() if at is None else float(at)
        row = action_row(
            kind,
            event_or_fingerprint,
            when=when,
            rule=rule,
            name=name,
            detail=detail,
            key=key,
            session=self.session,
        )
        return self._write([row])

    def record_delivery(
        self,
        notifier: str,
        status: str,
        events: Sequence[AlertEvent],
        *,
        attempt: int,
        reason: str,
        at: float | None = None,
    ) -> int:
        """Store one notification attempt: one ``delivery`` row per alert it carried.

        ``reason`` must already be scrubbed of secrets (the dispatcher does this).
        Returns the number of rows written (all or none: one transaction).
        """
        when = time.time() if at is None else float(at)
        detail = f"{notifier}: {status}"
        if attempt:
            detail += f" (attempt {attempt})"
        if reason:
            detail += f": {reason}"
        rows = delivery_rows(DELIVERY, events, when=when, detail=detail, session=self.session)
        self._write(rows)
        return len(rows)

    def record_outcome(self, outcome: _OutcomeLike) -> int:
        """``record_delivery`` for a ``notify.base.DeliveryOutcome`` — fits ``on_outcome``."""
        return self.record_delivery(
            outcome.notifier,
            outcome.status,
            outcome.events,
            attempt=outcome.attempt,
            reason=outcome.reason,
            at=outcome.at,
        )

    # -- reading --------------------------------------------------------------------------

    def recent(
        self,
        *,
        since: float | None = None,
        limit: int | None = 500,
        kinds: Iterable[str] | None = None,
    ) -> list[HistoryEntry]:
        """Rows at or after ``since`` (epoch seconds), newest first; ``limit=None`` for all."""
        sql = f"SELECT {SELECT_COLUMNS} FROM alert_events"
        where: list[str] = []
        params: list[Any] = []
        if since is not None:
            where.append("at >= ?")
            params.append(float(since))
        if kinds is not None:
            wanted = list(kinds)
            if not wanted:
                return []
            where.append(f"kind IN ({', '.join('?' * len(wanted))})")
            params.extend(wanted)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY at DESC, id DESC"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(max(0, int(limit)))
        with self._lock:
            conn = self._require_open()
            try:
                rows = conn.execute(sql, params).fetchall()
            except sqlite3.Error as exc:
                raise self._read_error(exc) from None
        return [
            HistoryEntry(
                id=r[0],
                at=r[1],
                kind=r[2],
                rule=r[3],
                name=r[4],
                severity=r[5],
                key=load_key(r[6]),
                count=r[7],
                samples=load_samples(r[8]),
                source=r[9],
                fingerprint=r[10],
                detail=r[11],
                session=r[12],
            )
            for r in rows
        ]

    def _read_error(self, exc: sqlite3.Error) -> HistoryError:
        if is_busy(exc):
            return HistoryError(
                f"{self.path}: alert history is locked by another process "
                "(another logwatch-tui?); try again in a moment"
            )
        return HistoryError(f"{self.path}: cannot read the alert history ({exc}); {CORRUPT_HINT}")

    def count(self) -> int:
        """How many rows the history holds (for status lines and tests)."""
        with self._lock:
            conn = self._require_open()
            try:
                return int(conn.execute("SELECT COUNT(*) FROM alert_events").fetchone()[0])
            except sqlite3.Error as exc:
                raise self._read_error(exc) from None

    # -- retention ------------------------------------------------------------------------

    def enforce_retention(self, now: float | None = None) -> int:
        """Delete rows older than ``retention_days``, then the oldest beyond ``max_rows``.

        Runs on open and every so often while writing; returns rows deleted.
        "Oldest" means by event time (replayed alerts can be written late).
        """
        now = time.time() if now is None else float(now)
        with self._lock:
            conn = self._require_open()
            try:
                deleted = prune(
                    conn, now=now, retention_days=self.retention_days, max_rows=self.max_rows
                )
            except sqlite3.Error as exc:
                if is_busy(exc):
                    raise HistoryError(
                        f"{self.path}: alert history is locked by another process; "
                        "old rows will be pruned later"
                    ) from None
                raise self._read_error(exc) from None
            self._writes_since_prune = 0
            self._last_prune = time.monotonic()
        return deleted

    # -- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection (idempotent); later calls raise :class:`HistoryError`."""
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def __enter__(self) -> AlertHistory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = [
    "ACKNOWLEDGED",
    "DELIVERY",
    "FIRING",
    "KINDS",
    "RESOLVED",
    "SILENCED",
    "UNSILENCED",
    "AlertHistory",
    "HistoryEntry",
    "HistoryError",
]
