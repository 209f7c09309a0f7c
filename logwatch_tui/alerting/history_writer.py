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

import queue
import threading
from collections.abc import Callable
from typing import Any

from logwatch_tui.core.record import AlertEvent
from logwatch_tui.history.store import AlertHistory, HistoryError

MAX_QUEUED = 20_000
"""Writes waiting for the database; past this, new ones are dropped (and reported)."""
MAX_BATCH = 500
"""Rows written in one transaction."""
RETRY_EVERY = 0.5
"""Seconds between tries while the database is locked by another process."""

_STOP = object()


class HistoryWriter:
    """One thread that owns the writes to an :class:`AlertHistory`."""

    def __init__(
        self,
        history: AlertHistory,
        *,
        on_error: Callable[[str], None] | None = None,
        max_queued: int = MAX_QUEUED,
    ) -> None:
        self.history = history
        self.on_error = on_error
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=max_queued)
        self._thread = threading.Thread(target=self._run, name="logwatch-history", daemon=True)
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._lock = threading.Lock()
        self.dropped = 0
        """Writes dropped because the queue was full (the database stayed locked)."""
        self.errors = 0
        self._reported = False
        self._closing = threading.Event()
        self._thread.start()

    # -- what callers queue (never blocks) ---------------------------------------------------
    def events(self, events: list[AlertEvent]) -> None:
        for ev in events:
            if ev.status in ("firing", "resolved"):
                self._put(("event", ev))

    def outcome(self, outcome: Any) -> None:
        self._put(("outcome", outcome))

    def action(self, kind: str, fingerprint: str, **kw: Any) -> None:
        self._put(("action", (kind, fingerprint, kw)))

    def _put(self, item: tuple[str, Any]) -> None:
        with self._lock:
            self._pending += 1
            self._idle.clear()
        try:
            self._queue.put_nowait(item)
        except queue.Full:
            self.dropped += 1
            self._done(1)
            self._report(
                f"{self.history.path}: alert history is not keeping up (locked by another "
                "process?); some alert events not recorded"
            )

    def _done(self, n: int) -> None:
        with self._lock:
            self._pending -= n
            if self._pending <= 0:
                self._pending = 0
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
        self._closing.set()
        try:
            self._queue.put(_STOP, timeout=timeout)
        except queue.Full:
            pass
        self._thread.join(timeout)
        if not self._thread.is_alive():
            self.history.close()

    # -- the thread --------------------------------------------------------------------------
    def _run(self) -> None:
        get = self._queue.get
        while True:
            item = get()
            if item is _STOP:
                return
            batch = [item]
            stop = False
            while len(batch) < MAX_BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is _STOP:
                    stop = True
                    break
                batch.append(nxt)
            self._write(batch)
            self._done(len(batch))
            if stop:
                return

    def _write(self, batch: list[tuple[str, Any]]) -> None:
        events: list[AlertEvent] = []
        for kind, payload in batch:
            if kind == "event":
                events.append(payload)
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
