"""The alert history's on-disk form: tables, schema version, column encoding, retention.

Why this is its own module: this is the *file format* — what has to stay
readable across versions (a schema 2 and its migration go here) — while
:mod:`logwatch_tui.history.store` is the API the program uses: one locked
connection, writes that are dropped with a message a person understands, and
:class:`~logwatch_tui.history.store.HistoryEntry` rows. Everything here works on a
plain ``sqlite3.Connection`` and raises ``sqlite3.Error`` (or
:class:`SchemaMismatch`); turning that into a ``HistoryError`` that names the
file is the caller's job, since only it knows the path.

Values go in as SQL parameters, never into SQL text; log-derived text is
cleaned so binding can never fail (:func:`_text`), and JSON columns are pure
ASCII so they round-trip exactly.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from logwatch_tui.core.record import AlertEvent

SCHEMA_VERSION = 1

MAX_SAMPLES = 20
MAX_TEXT = 4000
"""Caps per stored text value. The engine already trims samples to 1000 chars;
these guard events built elsewhere so a 10 MB line never becomes a 10 MB row."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS alert_events (
    id           INTEGER PRIMARY KEY,
    at           REAL    NOT NULL,
    kind         TEXT    NOT NULL,
    rule         TEXT    NOT NULL DEFAULT '',
    name         TEXT    NOT NULL DEFAULT '',
    severity     TEXT    NOT NULL DEFAULT '',
    key_json     TEXT    NOT NULL DEFAULT '{}',
    count        INTEGER NOT NULL DEFAULT 0,
    samples_json TEXT    NOT NULL DEFAULT '[]',
    source       TEXT    NOT NULL DEFAULT '',
    fingerprint  TEXT    NOT NULL DEFAULT '',
    detail       TEXT    NOT NULL DEFAULT '',
    session      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS alert_events_at ON alert_events (at);
"""

SELECT_COLUMNS = (
    "id, at, kind, rule, name, severity, key_json, count, samples_json, "
    "source, fingerprint, detail, session"
)
INSERT_EVENT = (
    "INSERT INTO alert_events (at, kind, rule, name, severity, key_json, count, "
    "samples_json, source, fingerprint, detail, session) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
INSERT_EVENT_ONCE = (
    "INSERT INTO alert_events (at, kind, rule, name, severity, key_json, count, "
    "samples_json, source, fingerprint, detail, session) "
    "SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12 "
    "WHERE NOT EXISTS (SELECT 1 FROM alert_events WHERE at = ?1 AND kind = ?2 "
    "AND rule = ?3 AND key_json = ?6 AND count = ?7 AND source = ?9)"
)
"""A firing or resolved event, unless the very same one is recorded already (same
time, kind, rule, key, count and source): each start replays a file's existing
content and finds its alerts again; they are recorded once, not once per start."""

CORRUPT_HINT = "move it aside (logwatch-tui then starts a new history) or restore it from a backup"


Row = tuple[Any, ...]
"""One ``alert_events`` row, in :data:`INSERT_EVENT` column order."""


class SchemaMismatch(Exception):
    """The file is an SQLite database this version must not write to: a newer
    schema, or some other program's tables. The message says which and what
    to do; the caller puts the file's path in front of it."""


def prepare_schema(conn: sqlite3.Connection, busy_timeout: float) -> str:
    """Set the connection up (busy timeout, WAL) and create the tables if missing.

    Returns the journal mode in effect (``wal`` normally). Raises
    :class:`SchemaMismatch` for a database that is not ours to write, and
    ``sqlite3.Error`` for a file that is no database at all or is locked.
    """
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout * 1000)}")
    # Reading the schema is the first real access: a file that is not a
    # database fails here with SQLITE_NOTADB.
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()
    # ``wal`` normally; a filesystem without shared memory may refuse WAL,
    # and the history still works (with less concurrency) in that case.
    journal_mode = str(mode[0]).lower() if mode else ""
    conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across app crashes
    if {"meta", "alert_events"} <= tables:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        version = int(row[0]) if row and str(row[0]).isdigit() else 0
        if version > SCHEMA_VERSION:
            raise SchemaMismatch(
                "alert history was written by a newer logwatch-tui "
                f"(schema {version}, this one knows {SCHEMA_VERSION}); upgrade, or "
                "point LOGWATCH_STATE_DIR elsewhere"
            )
        if version == SCHEMA_VERSION:
            return journal_mode
    if tables - {"meta", "alert_events"} and "alert_events" not in tables:
        raise SchemaMismatch(
            "is an SQLite file but not a logwatch-tui alert history "
            f"(tables: {', '.join(sorted(tables))}); {CORRUPT_HINT}"
        )
    conn.execute("BEGIN IMMEDIATE")
    try:
        for stmt in _SCHEMA.split(";"):
            if stmt.strip():
                conn.execute(stmt)
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)",
            (str(SCHEMA_VERSION),),
        )
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return journal_mode


def prune(
    conn: sqlite3.Connection, *, now: float, retention_days: float | None, max_rows: int | None
) -> int:
    """Delete rows older than ``retention_days``, then the oldest beyond ``max_rows``.

    One transaction, rolled back on any error; returns rows deleted. "Oldest"
    means by event time (replayed alerts can be written late).
    """
    deleted = 0
    conn.execute("BEGIN IMMEDIATE")
    try:
        if retention_days is not None:
            cutoff = now - float(retention_days) * 86400.0
            deleted += conn.execute("DELETE FROM alert_events WHERE at < ?", (cutoff,)).rowcount
        if max_rows is not None:
            total = conn.execute("SELECT COUNT(*) FROM alert_events").fetchone()[0]
            excess = int(total) - max(0, int(max_rows))
            if excess > 0:
                deleted += conn.execute(
                    "DELETE FROM alert_events WHERE id IN ("
                    "SELECT id FROM alert_events ORDER BY at ASC, id ASC LIMIT ?)",
                    (excess,),
                ).rowcount
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return deleted


# -- rows -----------------------------------------------------------------------------------
# Built here, next to INSERT_EVENT, so a column added to the table is added to every row at once.


def event_row(event: AlertEvent, session: str) -> Row:
    """The row of a firing or resolved event (its status is the row's kind)."""
    return (
        float(event.at),
        event.status,
        _text(event.rule),
        _text(event.name),
        _text(event.severity),
        _key_json(event.key),
        int(event.count),
        _samples_json(event.samples),
        _text(event.source),
        event.fingerprint(),
        _text(event.summary),
        session,
    )


def action_row(
    kind: str,
    event_or_fingerprint: AlertEvent | str,
    *,
    when: float,
    rule: str,
    name: str,
    detail: str,
    key: dict[str, str] | None,
    session: str,
) -> Row:
    """The row of what a person did to an alert. Given an event, the row
    carries its identity; given a fingerprint, ``rule``/``name``/``key`` fill in
    what the caller knows. ``rule``, ``name`` and ``key`` override the event's."""
    if isinstance(event_or_fingerprint, AlertEvent):
        ev = event_or_fingerprint
        return (
            when,
            kind,
            _text(rule or ev.rule),
            _text(name or ev.name),
            _text(ev.severity),
            _key_json(key.items() if key is not None else ev.key),
            int(ev.count),
            "[]",
            _text(ev.source),
            ev.fingerprint(),
            _text(detail),
            session,
        )
    return (
        when,
        kind,
        _text(rule),
        _text(name),
        "",
        _key_json((key or {}).items()),
        0,
        "[]",
        "",
        _text(event_or_fingerprint, 200),
        _text(detail),
        session,
    )


def delivery_rows(
    kind: str, events: Sequence[AlertEvent], *, when: float, detail: str, session: str
) -> list[Row]:
    """One row per alert a notification carried, all with the same ``detail``."""
    detail = _text(detail)
    return [
        (
            when,
            kind,
            _text(ev.rule),
            _text(ev.name),
            _text(ev.severity),
            _key_json(ev.key),
            int(ev.count),
            "[]",
            _text(ev.source),
            ev.fingerprint(),
            detail,
            session,
        )
        for ev in events
    ]


# -- text hygiene ---------------------------------------------------------------------------


_SURROGATE = re.compile("[\ud800-\udfff]")


def _text(value: object, limit: int = MAX_TEXT) -> str:
    """A str SQLite can store: lone surrogates (from undecodable bytes) replaced, length capped.

    sqlite3 refuses to bind a str that is not valid UTF-8; a path or log line
    decoded with ``surrogateescape`` must not make a whole event vanish. Each
    lone surrogate becomes one U+FFFD, so what comes back is always printable
    UTF-8 (a terminal or Textual never chokes on a history row).
    """
    if type(value) is str and value.isascii() and len(value) <= limit:
        return value  # the common case, decided in O(1): ASCII holds no surrogate
    s = value if isinstance(value, str) else str(value)
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        s = _SURROGATE.sub("\ufffd", s)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


_ENCODE = json.JSONEncoder(ensure_ascii=True, separators=(",", ":")).encode
"""One encoder for every row (``json.dumps`` with options builds a new one per call)."""


def _json(value: object) -> str:
    # ensure_ascii keeps the stored text pure ASCII: lone surrogates and NULs
    # round-trip exactly through json.loads, and binding can never fail.
    return _ENCODE(value)


def _samples_json(samples: Iterable[str]) -> str:
    return _ENCODE([_text(s) for s in list(samples)[:MAX_SAMPLES]])


def _key_json(key: Iterable[tuple[str, str]]) -> str:
    return _json({str(k): _text(v, 1000) for k, v in key})


def load_key(text: str) -> dict[str, str]:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): str(v) for k, v in data.items()}


def load_samples(text: str) -> list[str]:
    try:
        data = json.loads(text)
    except (TypeError, ValueError):
        return []
    if not isinstance(data, list):
        return []
    return [str(s) for s in data]


def is_busy(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc)
