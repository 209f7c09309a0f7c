"""The inotify glue: watchdog wakes the follower's reader thread, nothing more.

Why this is its own module: watchdog is optional and runs its own thread.
Everything that touches it — the lazy import, the observer's lifecycle,
which directories are scheduled, and the filter that decides on watchdog's
thread whether an event matters — sits here, so :mod:`.follower` only sees two
callbacks and never depends on watchdog being importable. The follower's poll
every ``poll_interval`` stays the safety net (missed events, network
filesystems, directories that do not exist yet) and the whole mechanism when
watchdog is unavailable or refuses to start.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import Any

__all__ = ["DirectoryWatcher"]

_log = logging.getLogger(__name__)


class DirectoryWatcher:
    """Watches the directories of followed files and globs (not recursive).

    ``on_change`` runs when a followed file changes; ``on_new_entry`` when a
    file is created or moved into a watched glob/directory (a new file may
    match). Both run on watchdog's thread, so they must only signal — set an
    event, flip a flag — never read files.
    """

    def __init__(
        self,
        *,
        pattern_dirs: set[str],
        wanted_dirs: Callable[[], set[str]],
        on_change: Callable[[], None],
        on_new_entry: Callable[[], None],
    ) -> None:
        self._pattern_dirs = pattern_dirs
        self._wanted_dirs = wanted_dirs
        self._on_change = on_change
        self._on_new_entry = on_new_entry
        self.interesting: frozenset[str] = frozenset()
        """Absolute and real paths of followed files. The follower replaces the
        whole set when its paths change: one assignment, safe to read from
        watchdog's thread."""
        self._observer: Any = None
        self._observed_dirs: set[str] = set()
        self._handler: Any = None
        self._event_filter: list[Any] = []

    @property
    def running(self) -> bool:
        """True once the observer has started (and until :meth:`stop`)."""
        return self._observer is not None

    def start(self, poll_interval: float) -> None:
        """Start the observer and watch the wanted directories.

        Without watchdog, or when the observer cannot start, this logs why and
        returns: the follower then relies on polling every ``poll_interval``.
        """
        try:
            from watchdog.events import (
                FileClosedEvent,
                FileCreatedEvent,
                FileDeletedEvent,
                FileModifiedEvent,
                FileMovedEvent,
                FileSystemEventHandler,
            )
            from watchdog.observers import Observer
        except ImportError:
            _log.info("watchdog is not available; polling every %ss", poll_interval)
            return

        watcher = self

        class _Wake(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                watcher._on_fs_event(event)

        self._event_filter = [
            FileModifiedEvent,
            FileCreatedEvent,
            FileMovedEvent,
            FileDeletedEvent,
            FileClosedEvent,
        ]
        self._handler = _Wake()
        observer = Observer(timeout=0.2)
        observer.daemon = True
        try:
            observer.start()
        except Exception:
            _log.exception("cannot start the file watcher; polling instead")
            return
        self._observer = observer
        self.observe_new_dirs()

    def observe_new_dirs(self) -> None:
        """Schedule wanted directories not watched yet (ones that exist now).

        A directory that cannot be watched (inotify watch limit, permissions)
        is logged once and left to polling.
        """
        observer = self._observer
        if observer is None:
            return
        for d in sorted(self._wanted_dirs() - self._observed_dirs):
            if not os.path.isdir(d):
                continue
            try:
                observer.schedule(
                    self._handler, d, recursive=False, event_filter=self._event_filter
                )
            except Exception as exc:  # inotify watch limit, permissions: poll instead
                _log.info("cannot watch %s (%s); polling it", d, exc)
            self._observed_dirs.add(d)

    def _on_fs_event(self, event: Any) -> None:
        """Runs on watchdog's thread: only decide whether to wake the reader."""
        for p in (event.src_path, getattr(event, "dest_path", "")):
            if not p:
                continue
            p = os.fsdecode(p)
            if p in self.interesting:
                self._on_change()
            elif os.path.dirname(p) in self._pattern_dirs and event.event_type in (
                "created",
                "moved",
                "closed",
            ):
                # A new file may match. (Writes to files we do not follow
                # wake nobody; the regular rescan catches anything missed.)
                self._on_new_entry()

    def stop(self) -> None:
        """Stop and join the observer (idempotent)."""
        observer, self._observer = self._observer, None
        if observer is None:
            return
        try:
            observer.stop()
            observer.join(timeout=1.0)
        except Exception:
            _log.exception("stopping the file watcher failed")
