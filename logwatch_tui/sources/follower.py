"""Follow files, globs and directories like ``tail -F``, across rotation.

Why this is its own module: following is a long-lived thread with per-file
state and rotation handling, built on the bytes-level pieces of :mod:`.file`
(handles, chunks, line cutting) but not needed by one-shot reads. It keeps
the reading and the state machine; recognising content already read lives in
:mod:`.rotation` and the inotify glue in :mod:`.watch`.

Why it is built this way:

* **One reader thread.** All reading and all callbacks happen on one thread,
  so chunks of one file arrive in order and the consumer never needs a lock
  for ordering. Watchdog (inotify) only *wakes* that thread; a poll every
  ``poll_interval`` is the safety net (missed events, network filesystems,
  directories that do not exist yet) and the whole mechanism when watchdog is
  unavailable.
* **Files are identified by (device, inode), not by name.** A name is checked
  with ``stat`` on every pass; when it points to another inode the file was
  rotated, when its size dropped below our position it was truncated.
* **The old incarnation is drained before the new one is read.** After
  ``mv app.log app.log.1`` a writer keeps appending to the old inode until it
  reopens its log. We keep reading the old inode until the new file has data
  (the writer has switched, and everything it wrote to the old file before is
  already visible) or a grace period passes, so lines arrive once and in order.
* **Content we have already read is not read again** (a renamed or copied
  rotation resumes where we stopped): see :mod:`.rotation`.

:class:`FileFollower` is re-exported from :mod:`logwatch_tui.sources.file`.
"""

from __future__ import annotations

import glob
import logging
import os
import stat
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from logwatch_tui.sources.file import (
    FileHandle,
    RawChunk,
    SourceEvent,
    _line_number_at,
    _LineCutter,
    _tail_start,
)
from logwatch_tui.sources.rotation import KnownContents, recover_from_copy
from logwatch_tui.sources.specs import _expand, is_probably_binary
from logwatch_tui.sources.watch import DirectoryWatcher

__all__ = ["COPY_DEFER_SECONDS", "FileFollower"]

_log = logging.getLogger(__name__)

COPY_DEFER_SECONDS = 5.0
"""How long a file that looks like a copy still being written is left alone."""

_READS_PER_PASS = 16
"""Chunks read from one file before the others get a turn (fairness)."""


@dataclass(slots=True)
class _Watched:
    path: str
    from_pattern: bool
    abspath: str = ""
    current: _LineCutter | None = None
    draining: list[_LineCutter] = field(default_factory=list)
    drain_deadline: float = 0.0
    reported: str = ""
    """Last waiting/error message sent, so a poll loop does not repeat it."""
    announce: str = "opened"
    """Event kind to send when the next incarnation opens ("" for none)."""
    defer_since: float = 0.0
    """When we first held off opening a file that looks like a copy in progress."""

    def __post_init__(self) -> None:
        self.abspath = os.path.abspath(self.path)


class FileFollower:
    """Follow files, globs and directories like ``tail -F``.

    Reads the existing content first (all of it, or the last ``tail_lines``
    lines of each file), sends one ``caught-up`` event per initial path, then
    follows appends, rotation (rename, copytruncate, delete + recreate), files
    that appear later and new files in watched globs/directories. Callbacks
    run on the follower's own thread, one at a time.
    """

    def __init__(
        self,
        specs: list[str],
        *,
        on_chunk: Callable[[RawChunk], None],
        on_event: Callable[[SourceEvent], None],
        tail_lines: int | None = None,
        poll_interval: float = 0.25,
        use_watchdog: bool = True,
        chunk_size: int = 1 << 20,
        start_at: Callable[[str, FileHandle, os.stat_result], int | None] | None = None,
    ) -> None:
        files, patterns, pattern_dirs = _expand(specs)
        self._start_at = start_at
        """Headless resume hook: where to start reading a file at start-up (its
        content before that offset was processed by an earlier run; after it is
        new, i.e. live). None: the usual start (whole file or tail)."""
        self._on_chunk = on_chunk
        self._on_event = on_event
        self._tail_lines = tail_lines
        self._poll_interval = max(0.01, poll_interval)
        self._use_watchdog = use_watchdog
        self._chunk_size = max(4096, chunk_size)
        self._grace = max(1.0, 4 * self._poll_interval)
        self._patterns = patterns
        self._pattern_dirs = pattern_dirs
        self._watched: dict[str, _Watched] = {}
        for path, from_pattern in files:
            self._watched[os.path.abspath(path)] = _Watched(path, from_pattern)
        self._paths: tuple[str, ...] = tuple(w.path for w in self._watched.values())
        self._contents = KnownContents()
        self._live: dict[tuple[int, int], _Watched] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._rescan_now = False
        self._next_rescan = 0.0
        self._thread: threading.Thread | None = None
        self._watch = DirectoryWatcher(
            pattern_dirs=pattern_dirs,
            wanted_dirs=self._wanted_dirs,
            on_change=self._wake.set,
            on_new_entry=self._request_rescan,
        )
        self._next_dir_retry = 0.0

    # ------------------------------------------------------------ public

    @property
    def paths(self) -> list[str]:
        """Currently followed file paths (including ones waited for)."""
        return list(self._paths)

    def start(self) -> None:
        """Start the reader thread (and the inotify observer); returns at once."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._run, name="logwatch-file-follower", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop and join within about a second. Idempotent."""
        self._stop.set()
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=1.0)
        self._watch.stop()

    # ------------------------------------------------------------ callbacks

    def _emit(self, path: str, kind: str, message: str) -> None:
        try:
            self._on_event(SourceEvent(path, kind, message))
        except Exception:
            _log.exception("on_event callback failed for %s", path)

    def _deliver(self, chunk: RawChunk | None) -> None:
        if chunk is None:
            return
        try:
            self._on_chunk(chunk)
        except Exception as exc:
            _log.exception("on_chunk callback failed for %s", chunk.path)
            self._emit(chunk.path, "error", f"internal error handling lines of {chunk.path}: {exc}")

    # ------------------------------------------------------------ thread

    def _run(self) -> None:
        try:
            if self._use_watchdog:
                self._watch.start(self._poll_interval)
            self._refresh_interesting()
            self._initial_read()
        except Exception as exc:  # a bug: report it and keep following
            _log.exception("file follower start-up failed")
            self._emit("", "error", f"internal error in the file follower: {exc}")
        while not self._stop.is_set():
            self._wake.clear()
            try:
                more = self._pass()
            except Exception as exc:
                _log.exception("file follower pass failed")
                self._emit("", "error", f"internal error in the file follower: {exc}")
                more = False
            if not more:
                self._wake.wait(self._poll_interval)

    def _initial_read(self) -> None:
        for w in list(self._watched.values()):
            if self._stop.is_set():
                return
            self._open_initial(w)
            cur = w.current
            while cur is not None and w.current is cur and not self._stop.is_set():
                if (
                    not self._read(w, cur, budget=_READS_PER_PASS)
                    or cur.read_pos >= cur.initial_end
                ):
                    break
            self._emit(w.path, "caught-up", f"read the existing content of {w.path}")
        self._next_rescan = time.monotonic() + self._poll_interval

    def _open_initial(self, w: _Watched) -> None:
        try:
            handle = FileHandle.open(w.path)
            st = handle.fstat()
        except FileNotFoundError:
            w.reported = f"waiting for {w.path} to appear"
            self._emit(w.path, "waiting", w.reported)
            w.announce = "opened"
            return
        except OSError as exc:
            self._report_error(w, f"cannot read {w.path}: {exc.strerror or exc}; will keep trying")
            return
        if not self._check_regular(w, handle, st):
            return
        if handle.key in self._live:
            other = self._live[handle.key]
            self._emit(
                w.path, "opened", f"{w.path} is the same file as {other.path}; reading it once"
            )
            w.announce = ""
            return
        start, first_line, exact = 0, 1, True
        initial_end = st.st_size
        try:
            resumed = self._start_at(w.path, handle, st) if self._start_at is not None else None
            if resumed is not None:
                start = initial_end = resumed
                first_line, exact = _line_number_at(handle, start)
            elif self._tail_lines is not None:
                start = _tail_start(handle, st.st_size, self._tail_lines)
                first_line, exact = _line_number_at(handle, start)
            cutter = _LineCutter(
                handle,
                w.path,
                offset=start,
                first_line=first_line,
                line_exact=exact,
                initial_end=initial_end,
            )
        except OSError as exc:
            self._report_error(w, f"cannot read {w.path}: {exc.strerror or exc}; will keep trying")
            return
        self._adopt(w, cutter)
        w.announce = ""
        self._emit(w.path, "opened", f"following {w.path}")

    # ------------------------------------------------------------ one pass

    def _pass(self) -> bool:
        """Check every path once; True when some file has more data waiting."""
        now = time.monotonic()
        if self._patterns and (self._rescan_now or now >= self._next_rescan):
            self._rescan_now = False
            self._next_rescan = now + self._poll_interval
            self._rescan()
        if self._watch.running and now >= self._next_dir_retry:
            self._next_dir_retry = now + 1.0
            self._watch.observe_new_dirs()
        more = False
        for key, w in list(self._watched.items()):
            if self._stop.is_set():
                break
            try:
                more |= self._service(w, now)
            except OSError as exc:  # unexpected I/O trouble on this file only
                self._report_error(w, f"error reading {w.path}: {exc.strerror or exc}")
            if (
                w.from_pattern
                and w.current is None
                and not w.draining
                and not os.path.lexists(w.path)
            ):
                del self._watched[key]
                self._paths_changed()
        return more

    def _service(self, w: _Watched, now: float) -> bool:
        stat_failed = False
        try:
            st: os.stat_result | None = os.stat(w.path)
        except (FileNotFoundError, NotADirectoryError):
            st = None
        except OSError as exc:  # e.g. the directory became unreadable: not gone
            self._report_error(w, f"cannot check {w.path}: {exc.strerror or exc}")
            st = None
            stat_failed = True

        cur = w.current
        if cur is not None and not stat_failed:
            if st is None or (st.st_dev, st.st_ino) != cur.handle.key:
                self._retire(w, cur, replaced=st is not None, now=now)
                cur = None
            elif st.st_size < cur.read_pos or self._rewritten(cur, st.st_size):
                self._truncated(w, cur)

        if cur is None and st is not None:
            self._open_next(w, st, now)
        elif st is None and not stat_failed and w.current is None and not w.from_pattern:
            msg = f"waiting for {w.path} to appear"
            if w.reported != msg:
                w.reported = msg
                self._emit(w.path, "waiting", msg)

        more = False
        if w.draining:
            new_has_data = False
            if w.current is not None:
                try:
                    new_has_data = w.current.handle.fstat().st_size > 0
                except (OSError, ValueError):
                    new_has_data = True
            all_read = True
            for old in w.draining:
                if self._read(w, old, budget=_READS_PER_PASS, draining=True):
                    all_read = False
            if all_read and (new_has_data or now >= w.drain_deadline):
                for old in w.draining:
                    self._finish(old)
                w.draining.clear()
            more = not all_read
        if w.current is not None and not w.draining:
            more |= self._read(w, w.current, budget=_READS_PER_PASS)
        return more

    def _read(
        self, w: _Watched, cutter: _LineCutter, *, budget: int, draining: bool = False
    ) -> bool:
        """Read up to ``budget`` chunks; True if data is probably left."""
        for _ in range(budget):
            if self._stop.is_set():
                return False
            try:
                data = cutter.handle.pread(self._chunk_size, cutter.read_pos)
            except (OSError, ValueError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) else str(exc)
                self._report_error(w, f"error reading {w.path}: {reason}")
                if draining:
                    return False
                w.current = None  # reopened (and reported) on a later pass
                self._live.pop(cutter.handle.key, None)
                self._freeze(cutter)
                return False
            if not data:
                return False
            self._deliver(cutter.feed(data))
        return True

    # ------------------------------------------------------------ transitions

    def _check_regular(self, w: _Watched, handle: FileHandle, st: os.stat_result) -> bool:
        if stat.S_ISREG(st.st_mode):
            return True
        handle.close()
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        self._report_error(w, f"cannot follow {w.path}: it is {what}")
        return False

    def _rewritten(self, cur: _LineCutter, size: int) -> bool:
        """Truncated and regrown past our position between two looks? We only
        ever stop after a newline, so the byte before ``offset`` must be one."""
        if cur.offset <= 0 or size <= cur.read_pos:
            return False
        try:
            return cur.handle.pread(1, cur.offset - 1) != b"\n"
        except OSError:
            return False

    def _truncated(self, w: _Watched, cur: _LineCutter) -> None:
        lines, copy = recover_from_copy(
            cur, w.path, w.abspath, chunk_size=self._chunk_size, deliver=self._deliver
        )
        self._deliver(cur.flush())
        self._freeze(cur)
        cur.restart()
        self._contents.remember(w.path, cur)
        msg = f"{w.path} was truncated; reading it from the start"
        if lines:
            msg += f" ({lines} unread line(s) taken from its copy {copy})"
        self._emit(w.path, "truncated", msg)

    def _retire(self, w: _Watched, cur: _LineCutter, *, replaced: bool, now: float) -> None:
        """The path no longer names ``cur``'s inode: drain it, then let go."""
        try:
            deleted = cur.handle.fstat().st_nlink == 0
        except (OSError, ValueError):
            deleted = True
        w.current = None
        w.draining.append(cur)
        w.drain_deadline = now + self._grace
        w.reported = ""
        kind = "deleted" if deleted else "rotated"
        if replaced:
            how = "deleted and re-created" if deleted else "rotated"
            msg = f"{w.path} was {how}; following the new file"
            w.announce = ""
        else:
            how = "deleted" if deleted else "rotated (renamed)"
            tail = "" if w.from_pattern else f"; waiting for a new {w.path}"
            msg = f"{w.path} was {how}{tail}"
            w.announce = "opened"
        self._emit(w.path, kind, msg)

    def _finish(self, cutter: _LineCutter) -> None:
        """An old incarnation is done: deliver its last line, stop tracking it.
        The handle stays open as long as delivered chunks reference it."""
        self._deliver(cutter.flush())
        self._freeze(cutter)
        owner = self._live.get(cutter.handle.key)
        if owner is not None and owner.current is not cutter:
            del self._live[cutter.handle.key]

    def _freeze(self, cutter: _LineCutter) -> None:
        self._contents.freeze(cutter)

    def _adopt(self, w: _Watched, cutter: _LineCutter) -> None:
        w.current = cutter
        w.reported = ""
        w.defer_since = 0.0
        self._live[cutter.handle.key] = w
        self._contents.remember(w.path, cutter)

    def _open_next(self, w: _Watched, st: os.stat_result, now: float) -> None:
        """The path exists and we have no current incarnation: open it, from
        where we left that content if we have read it before, else from 0."""
        if (st.st_dev, st.st_ino) in self._live:
            return  # still being drained (here or under another name): later
        try:
            handle = FileHandle.open(w.path)
            hst = handle.fstat()
        except FileNotFoundError:
            return
        except OSError as exc:
            self._report_error(w, f"cannot read {w.path}: {exc.strerror or exc}; will keep trying")
            return
        if not self._check_regular(w, handle, hst):
            return
        if handle.key in self._live:
            handle.close()
            return
        try:
            start = self._resume_point(w, handle, hst.st_size, now)
            if start < 0:
                handle.close()
                return
            first_line, exact = _line_number_at(handle, start)
            cutter = _LineCutter(
                handle, w.path, offset=start, first_line=first_line, line_exact=exact
            )
        except OSError as exc:
            handle.close()
            self._report_error(w, f"cannot read {w.path}: {exc.strerror or exc}; will keep trying")
            return
        self._adopt(w, cutter)
        if w.announce == "new-file":
            if start:
                msg = f"{w.path} holds lines already read (a rotated file); following new lines"
            else:
                msg = f"new file {w.path}; following it from the start"
            self._emit(w.path, "new-file", msg)
        elif w.announce:
            self._emit(w.path, w.announce, f"{w.path} appeared; following it from the start")
        w.announce = ""

    def _resume_point(self, w: _Watched, handle: FileHandle, size: int, now: float) -> int:
        """Where to start reading a newly opened incarnation: 0 for new
        content; where we stopped, for content we have read before (a renamed
        or copied rotation); -1 to look again later (a copy still in progress).

        How content is recognised: :meth:`.rotation.KnownContents.resume_point`.
        """
        start = self._contents.resume_point(w.path, handle, size)
        if start is not None:
            return start
        # Looks like a copy still in progress: hold off, but not forever.
        if not w.defer_since:
            w.defer_since = now
        if now - w.defer_since < COPY_DEFER_SECONDS:
            return -1
        return 0

    def _report_error(self, w: _Watched, message: str) -> None:
        if w.reported != message:
            w.reported = message
            self._emit(w.path, "error", message)

    # ------------------------------------------------------------ globs and directories

    def _rescan(self) -> None:
        added = False
        for pattern in self._patterns:
            for path in sorted(glob.glob(pattern)):
                key = os.path.abspath(path)
                if key in self._watched:
                    continue
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                # An empty file is picked up once it has data: we read new
                # files from the start, so waiting loses nothing, and a copy
                # in progress (copytruncate) is recognised by its first bytes.
                if not stat.S_ISREG(st.st_mode) or st.st_size == 0 or is_probably_binary(path):
                    continue
                w = _Watched(path, True, announce="new-file")
                self._watched[key] = w
                added = True
        if added:
            self._paths_changed()

    def _paths_changed(self) -> None:
        self._paths = tuple(w.path for w in self._watched.values())
        self._refresh_interesting()

    # ------------------------------------------------------------ watchdog

    def _request_rescan(self) -> None:
        """Called on watchdog's thread: a new file may match a glob."""
        self._rescan_now = True
        self._wake.set()

    def _refresh_interesting(self) -> None:
        names: set[str] = set()
        for w in self._watched.values():
            names.add(w.abspath)
            names.add(os.path.realpath(w.path))
        self._watch.interesting = frozenset(names)

    def _wanted_dirs(self) -> set[str]:
        dirs = set(self._pattern_dirs)
        for w in self._watched.values():
            dirs.add(os.path.dirname(w.abspath))
            dirs.add(os.path.dirname(os.path.realpath(w.path)))
        return dirs
