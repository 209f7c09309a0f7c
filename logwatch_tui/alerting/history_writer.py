"""Alert history writes on their own thread, in batches: a locked database delays history, never ingest.

Before, the pipeline thread wrote each alert to SQLite itself: with one alert
per line ingest fell to ~2.9k lines/s, and another process holding the
write lock stalled ingest for the busy timeout (2 s) per alert. Now the
router only *queues* writes here (a bounded queue, never blocking its
caller); this thread writes what has queued up in one transaction at a
time. While another process holds the write lock, the batch is retried
every :data:`RETRY_EVERY` seconds and new rows wait in the queue (up to
:data:`MAX_QUEUED`; beyond that new ones are dropped and counted): the
history is late, not lost. The first problem is reported once through
``on_error``.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from logwatch_tui.core.record import AlertEvent
from logwatch_tui.history.store import AlertHistory, HistoryError

MAX_QUEUED = 20_000
"""Rows waiting for the database; past this, new ones are dropped (and reported)."""
MAX_BATCH = 500
"""Rows written in one transaction (at least: a caller's list is never split)."""
RETRY_EVERY = 0.5
"""Seconds between tries while the database is locked by another process."""
GATHER = 0.05
"""Seconds the writer lets rows gather after it is woken: fewer, bigger transactions and
fewer wake-ups of this thread competing with ingest for the GIL."""


class HistoryWriter:
    """One thread that owns the writes to an :class:`AlertHistory`.

    Callers hand over whole lists (a pipeline update's alerts): one deque
    append and at most one wake-up per list, never per alert. The thread
    builds the rows and inserts each batch with one ``executemany`` in one
    transaction.
    """

    def __init__(
        self,
        history: AlertHistory,
        *,
        on_error: Callable[[str], None] | None = None,
        max_queued: int = MAX_QUEUED,
        gather: float = GATHER,
    ) -> None:
        self.history = history
        self.on_error = on_error
        self._max_queued = max_queued
        self._gather = gather
        self._items: deque[tuple[str, Any, int]] = deque()
        self._queued = 0
        """Rows in ``_items`` plus the batch being written (guarded by ``_lock``)."""
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._stopping = False
        self.dropped = 0
        """Writes dropped because the queue was full (the database stayed locked)."""
        self.errors = 0
        self._reported = False
        self._closing = threading.Event()
        self._thread = threading.Thread(target=self._run, name="logwatch-history", daemon=True)
        self._thread.start()

    # -- what callers queue (never blocks) ---------------------------------------------------
    def events(self, events: list[AlertEvent]) -> None:
        rows = [ev for ev in events if ev.status in ("firing", "resolved")]
        if rows:
            self._put("events", rows, len(rows))

    def outcome(self, outcome: Any) -> None:
        self._put("outcome", outcome, 1)

    def action(self, kind: str, fingerprint: str, **kw: Any) -> None:
        self._put("action", (kind, fingerprint, kw), 1)

    def _put(self, kind: str, payload: Any, n: int) -> None:
        dropped = 0
        with self._lock:
            room = self._max_queued - self._queued
            if n > room:
                if kind != "events" or room <= 0:
                    dropped, n = n, 0
                else:
                    dropped, n, payload = n - room, room, payload[:room]
            if n:
                self._queued += n
                self._idle.clear()
                self._items.append((kind, payload, n))
            self.dropped += dropped
        if n:
            self._wake.set()
        if dropped:
            self._report(
                f"{self.history.path}: alert history is not keeping up (locked by another "
                "process?); some alert events not recorded"
            )

    def _done(self, n: int) -> None:
        with self._lock:
            self._queued -= n
            if self._queued <= 0:
                self._queued = 0
                self._idle.set()

    def _report(self, message: str) -> None:
        if self._reported:
            return
        self._reported = True
        if self.on_error is not None:
            try:
                self.on_error(message)
            except Exception:  # a closed UI must not kill the writer
                pass

    # -- lifecycle ---------------------------------------------------------------------------
    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until everything queued so far is written (or failed): tests and shutdown."""
        return self._idle.wait(timeout)

    def close(self, timeout: float = 2.0) -> None:
        """Write what is queued (for at most ``timeout`` s), then close the database."""
        self._stopping = True
        self._closing.set()
        self._wake.set()
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self.history.close()

    # -- the thread --------------------------------------------------------------------------
    def _take(self) -> tuple[list[tuple[str, Any]], int]:
        """Items from the front of the queue, up to about MAX_BATCH rows."""
        batch: list[tuple[str, Any]] = []
        rows = 0
        items = self._items
        while items and rows < MAX_BATCH:
            kind, payload, n = items.popleft()
            batch.append((kind, payload))
            rows += n
        return batch, rows

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if self._gather > 0 and not self._closing.is_set():
                self._closing.wait(self._gather)  # let rows gather: one bigger transaction
            self._wake.clear()
            while True:
                batch, rows = self._take()
                if not batch:
                    break
                try:
                    self._write(batch)
                finally:
                    self._done(rows)
            if self._stopping and not self._items:
                return

    def _write(self, batch: list[tuple[str, Any]]) -> None:
        events: list[AlertEvent] = []
        for kind, payload in batch:
            if kind == "events":
                events.extend(payload)
                continue
            self._flush_events(events)
            events = []
            if kind == "outcome":
                self._retrying(lambda p=payload: self.history.record_outcome(p))
            else:
                action, fingerprint, kw = payload
                self._retrying(
                    lambda a=action, f=fingerprint, k=kw: self.history.record_action(a, f, **k)
                )
        self._flush_events(events)

    def _flush_events(self, events: list[AlertEvent]) -> None:
        if events:
            self._retrying(lambda: self.history.record_events(events))

    def _retrying(self, write: Callable[[], object]) -> None:
        """Write; while the database is locked by someone else, wait and try again."""
        while True:
            try:
                write()
                return
            except (HistoryError, ValueError) as exc:
                if not getattr(exc, "busy", False) or self._closing.is_set():
                    self.errors += 1
                    self._report(str(exc))
                    return
                self._report(
                    f"{self.history.path}: alert history is locked by another process "
                    "(another logwatch-tui?); alerts are kept and written when it is free"
                )
                if self._closing.wait(RETRY_EVERY):
                    continue  # one last try on the way out


__all__ = ["MAX_BATCH", "MAX_QUEUED", "HistoryWriter"]
