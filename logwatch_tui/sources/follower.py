"""Follow files, globs and directories like ``tail -F``, across rotation.

Why this is its own module: following is a long-lived thread with per-file
state and rotation handling, built on the bytes-level pieces (handles, chunks,
line cutting) but not needed by one-shot reads. It keeps the reading and the
state machine; recognising content already read lives in :mod:`.rotation`
and the inotify glue in :mod:`.watch`.

Why it is built this way:

* **One reader thread.** All reading and all callbacks happen on one thread,
  so chunks of one file arrive in order and the consumer never needs a lock
  for ordering. Watchdog (inotify) only *wakes* that thread; a poll every
  ``poll_interval`` is the safety net and the whole mechanism when watchdog is
  unavailable.
* **Files are known by identity** (device + inode, plus the fingerprint of
  the first bytes), never by name. A name is checked with ``stat`` on every
  pass *and after every chunk delivered*, so a follower that lags behind
  (a slow consumer) still sees every file the name pointed to while it was
  busy: each new incarnation is opened at once and held, in order, in the
  path's *chain*, and read after the ones before it. A file deleted while
  we lag is therefore still read (we hold it open).
* **A rotated file is drained to its end however late the next file
  appears.** After ``mv app.log app.log.1`` a writer keeps appending to the
  old inode until it reopens its log — 1 s or 10 s later. The old file is
  read until its successor has data (then the writer has switched, and all it
  wrote to the old file is visible), with no fixed deadline; a rotated file
  with no successor is let go after ``IDLE_RETIRE_SECONDS`` without growth.
* **Rotations missed while lagging are found.** When the name points to a
  new file, rotated siblings (``app.log.1``, ``app.log-20261202``) modified
  after the last file we read and not read by us are read first, oldest
  first. Compressed ones are reported as skipped (not readable here yet).
* **Truncation is detected by content**, not by size alone: whenever size or
  mtime changed, the first bytes and the bytes just before our position must
  still be what we read. A truncate + rewrite to the same size is caught.
* **copytruncate:** the copy is found by fingerprint; lines written after
  our last read but before the copy are read from it, and the old lines'
  view is pointed at it, so the screen re-reads them from the copy.
* **Nothing is skipped silently.** A range no file holds any more (truncated
  before we read it and no copy), a compressed rotation, a read error, a line
  cut at the cap: each gives a :class:`SourceEvent` (``skipped``, ``error``,
  ``cut``) naming the file and the range.
* **Open handles are bounded:** the current file of each path, the chain
  still to read, and at most :data:`OPEN_OLD_HANDLES` finished old files
  (for fast re-reads of their lines); older ones are released
  (:meth:`.content.FileHandle.release`), so deleted rotations free their
  disk space, and renamed ones are re-found by inode when a line is re-read.

:class:`FileFollower` is re-exported from :mod:`logwatch_tui.sources.file`.
"""

from __future__ import annotations

import glob
import logging
import os
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from logwatch_tui.sources.content import FileHandle, RawChunk, SourceEvent
from logwatch_tui.sources.lines import LineCutter, line_number_at, tail_start
from logwatch_tui.sources.rotation import (
    KnownContents,
    compressed_head,
    recover_from_copy,
    rotated_siblings,
)
from logwatch_tui.sources.specs import expand_specs_detailed, is_probably_binary
from logwatch_tui.sources.watch import DirectoryWatcher

__all__ = ["COPY_DEFER_SECONDS", "IDLE_RETIRE_SECONDS", "OPEN_OLD_HANDLES", "FileFollower"]

_log = logging.getLogger(__name__)

COPY_DEFER_SECONDS = 5.0
"""How long a file that looks like a copy still being written is left alone."""

IDLE_RETIRE_SECONDS = 300.0
"""A rotated file with no successor yet is read until it stops growing for this long."""

OPEN_OLD_HANDLES = 8
"""Finished old files (rotated, deleted, copies) kept open for re-reading their lines."""

_READS_PER_PASS = 16
"""Chunks read from one file before the others get a turn (fairness)."""


@dataclass(slots=True)
class _Watched:
    path: str
    from_pattern: bool
    abspath: str = ""
    named: LineCutter | None = None
    """The incarnation the path names now (None: missing, or not opened yet)."""
    chain: list[LineCutter] = field(default_factory=list)
    """Incarnations to read, in order; ``named`` is the last one when set."""
    last_growth: float = 0.0
    """When the oldest retired incarnation last grew (for IDLE_RETIRE_SECONDS)."""
    last_mtime_ns: int = 0
    """mtime of the newest incarnation retired (rotations after it were missed)."""
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
    lines of each file) — unless ``resume`` gives a cutter already positioned
    for a path (the pipeline replays existing content itself, merged in event
    time, then hands the cutters over) — sends one ``caught-up`` event per
    initial path, then follows appends, rotation (rename, copytruncate, delete
    + recreate), files that appear later and new files in watched
    globs/directories. Callbacks run on the follower's own thread, one at a time.
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
        resume: Mapping[str, LineCutter] | None = None,
        start_at: Callable[[str, FileHandle, os.stat_result], int | None] | None = None,
    ) -> None:
        files, patterns, pattern_dirs = expand_specs_detailed(specs)
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
        self._patterns = patterns
        self._pattern_dirs = pattern_dirs
        self._watched: dict[str, _Watched] = {}
        for path, from_pattern in files:
            self._watched[os.path.abspath(path)] = _Watched(path, from_pattern)
        self._resume = {os.path.abspath(p): c for p, c in (resume or {}).items()}
        self._paths: tuple[str, ...] = tuple(w.path for w in self._watched.values())
        self._contents = KnownContents()
        self._live: dict[tuple[int, int], _Watched] = {}
        self._old_handles: deque[FileHandle] = deque()
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

    def _emit(self, path: str, kind: str, message: str, **where: int | None) -> None:
        try:
            self._on_event(SourceEvent(path, kind, message, **where))
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
        for key, w in list(self._watched.items()):
            if self._stop.is_set():
                return
            resumed = self._resume.pop(key, None)
            if resumed is not None:
                self._adopt(w, resumed)
                w.announce = ""
                self._emit(w.path, "opened", f"following {w.path}")
            else:
                self._open_initial(w)
                cur = w.named
                while cur is not None and w.named is cur and not self._stop.is_set():
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
                first_line, exact = line_number_at(handle, start)
            elif self._tail_lines is not None:
                start = tail_start(handle, st.st_size, self._tail_lines)
                first_line, exact = line_number_at(handle, start)
            cutter = LineCutter(
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
            if w.from_pattern and not w.chain and not os.path.lexists(w.path):
                del self._watched[key]
                self._paths_changed()
        return more

    def _service(self, w: _Watched, now: float) -> bool:
        self._look(w, now)
        more = False
        while w.chain and not self._stop.is_set():
            cur = w.chain[0]
            if cur is w.named:
                return self._read(w, cur, budget=_READS_PER_PASS) or more
            # A retired incarnation: read it to its end; let go of it once its
            # successor has data (the writer has switched) or it idled long.
            successor = w.chain[1] if len(w.chain) > 1 else None
            switched = successor is not None and self._has_data(successor)
            before = cur.read_pos
            if self._read(w, cur, budget=_READS_PER_PASS):
                return True
            if cur.read_pos != before:
                w.last_growth = now
            if not (switched or now - w.last_growth >= IDLE_RETIRE_SECONDS):
                return more
            if w.chain and w.chain[0] is cur:
                w.chain.pop(0)
                self._finish(cur)
                w.last_growth = now
            more = True
        return more

    def _has_data(self, cutter: LineCutter) -> bool:
        if cutter.read_pos > 0:
            return True
        try:
            return cutter.handle.fstat().st_size > 0
        except (OSError, ValueError):
            return True

    def _look(self, w: _Watched, now: float) -> None:
        """Where does the path point now? Notice rotation, truncation, new files."""
        try:
            st: os.stat_result | None = os.stat(w.path)
        except (FileNotFoundError, NotADirectoryError):
            st = None
        except OSError as exc:  # e.g. the directory became unreadable: not gone
            self._report_error(w, f"cannot check {w.path}: {exc.strerror or exc}")
            return
        named = w.named
        if named is not None:
            if st is None or (st.st_dev, st.st_ino) != named.handle.key:
                self._retire(w, named, replaced=st is not None, now=now)
            else:
                self._check_content(w, named, st)
                return
        if st is not None:
            self._open_next(w, st, now)
        elif not w.from_pattern:
            msg = f"waiting for {w.path} to appear"
            if w.reported != msg:
                w.reported = msg
                self._emit(w.path, "waiting", msg)

    def _read(self, w: _Watched, cutter: LineCutter, *, budget: int) -> bool:
        """Read up to ``budget`` chunks; True if data is probably left.

        The path is looked at again after every chunk delivered, so a slow
        consumer cannot make us miss files that come and go meanwhile."""
        for _ in range(budget):
            if self._stop.is_set():
                return False
            try:
                data = cutter.handle.pread(self._chunk_size, cutter.read_pos)
            except (OSError, ValueError) as exc:
                reason = exc.strerror if isinstance(exc, OSError) else str(exc)
                self._report_error(w, f"error reading {w.path} at byte {cutter.read_pos}: {reason}")
                self._drop(w, cutter)
                return False
            if not data:
                return False
            cuts = cutter.cuts
            for chunk in cutter.feed(data):
                self._deliver(chunk)
            if cutter.cuts != cuts:
                self._emit(
                    w.path,
                    "cut",
                    f"line {cutter.next_line} of {w.path} is longer than {cutter.cap} bytes: "
                    f"the rules see its first {cutter.cap} bytes",
                    offset=cutter.cut_start,
                )
            self._look(w, time.monotonic())
            if not w.chain or w.chain[0] is not cutter:
                # dropped, or rotations we missed go first: the caller loops again
                return cutter in w.chain
        return True

    # ------------------------------------------------------------ transitions

    def _check_regular(self, w: _Watched, handle: FileHandle, st: os.stat_result) -> bool:
        if stat.S_ISREG(st.st_mode):
            return True
        handle.close()
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        self._report_error(w, f"cannot follow {w.path}: it is {what}")
        return False

    def _check_content(self, w: _Watched, cur: LineCutter, st: os.stat_result) -> None:
        """Truncated? By size, and — when size or mtime changed — by content: the
        first bytes and the bytes before our position must be what we read."""
        seen = (st.st_size, st.st_mtime_ns)
        if seen == cur.seen:
            return
        changed = st.st_size < cur.read_pos
        if not changed and cur.offset > 0:
            try:
                head = bytes(cur.head)
                changed = cur.handle.pread(len(head), 0) != head or (
                    bool(cur.tail)
                    and cur.handle.pread(len(cur.tail), cur.offset - len(cur.tail)) != cur.tail
                )
            except OSError:
                changed = False
        if changed:
            self._truncated(w, cur)
            return
        cur.seen = seen
        cur.seen_size = max(cur.seen_size, st.st_size)

    def _truncated(self, w: _Watched, cur: LineCutter) -> None:
        known_end = max(cur.seen_size, cur.read_pos)
        old_view = cur.view
        lines, copy = recover_from_copy(
            cur, w.path, w.abspath, chunk_size=self._chunk_size, deliver=self._deliver
        )
        if copy is not None:
            old_view.relocate(copy)
            self._keep_old(copy)
        else:
            old_view.gone()
            if known_end > cur.read_pos:
                lost = known_end - cur.read_pos
                self._emit(
                    w.path,
                    "skipped",
                    f"{w.path} was truncated before {lost} byte(s) of it were read, "
                    f"and no copy of it was found: those lines are lost",
                    offset=cur.read_pos,
                    length=lost,
                )
        self._deliver(cur.flush())
        self._freeze(cur)
        if copy is not None:
            try:
                copy_mtime = copy.fstat().st_mtime_ns
            except (OSError, ValueError):
                copy_mtime = 0
            missed = self._missed(w, copy_mtime, exclude={copy.key})
        else:
            missed = []
        cur.restart()
        self._contents.remember(w.path, cur)
        msg = f"{w.path} was truncated; reading it from the start"
        if lines:
            msg += f" ({lines} unread line(s) taken from its copy {copy.path if copy else ''})"
        self._emit(w.path, "truncated", msg)
        if missed and cur in w.chain:
            # Copies made while we lagged hold newer content than ours and older
            # than what the file holds now: read them first (the chain's order).
            at = w.chain.index(cur)
            w.chain[at:at] = missed

    def _retire(self, w: _Watched, cur: LineCutter, *, replaced: bool, now: float) -> None:
        """The path no longer names ``cur``'s inode: it stays in the chain
        (drained to its end), and what came after it is looked for."""
        try:
            st = cur.handle.fstat()
            deleted = st.st_nlink == 0
            w.last_mtime_ns = max(w.last_mtime_ns, st.st_mtime_ns)
        except (OSError, ValueError):
            deleted = True
        w.named = None
        w.last_growth = now
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

    def _finish(self, cutter: LineCutter) -> None:
        """An old incarnation is done: deliver its last line, stop tracking it."""
        self._deliver(cutter.flush())
        self._freeze(cutter)
        owner = self._live.get(cutter.handle.key)
        if owner is not None and cutter not in owner.chain:
            del self._live[cutter.handle.key]
        self._keep_old(cutter.handle)

    def _drop(self, w: _Watched, cutter: LineCutter) -> None:
        """A read failed: stop reading this incarnation (reopened on a later pass)."""
        if cutter in w.chain:
            w.chain.remove(cutter)
        if w.named is cutter:
            w.named = None
        self._live.pop(cutter.handle.key, None)
        self._freeze(cutter)

    def _keep_old(self, handle: FileHandle) -> None:
        """Keep a finished file open for re-reads, up to OPEN_OLD_HANDLES of them."""
        if handle in self._old_handles:
            return
        self._old_handles.append(handle)
        while len(self._old_handles) > OPEN_OLD_HANDLES:
            old = self._old_handles.popleft()
            if old.key not in self._live:
                old.release()

    def _freeze(self, cutter: LineCutter) -> None:
        self._contents.freeze(cutter)

    def _adopt(self, w: _Watched, cutter: LineCutter, *, named: bool = True) -> None:
        w.chain.append(cutter)
        if named:
            w.named = cutter
        w.reported = ""
        w.defer_since = 0.0
        self._live[cutter.handle.key] = w
        self._contents.remember(w.path, cutter)

    def _missed(
        self, w: _Watched, newer_than_ns: int, *, exclude: set[tuple[int, int]]
    ) -> list[LineCutter]:
        """Rotated siblings written after ``newer_than_ns`` that we never read."""
        if not newer_than_ns:
            return []
        out: list[LineCutter] = []
        for _mtime, path in rotated_siblings(w.abspath, newer_than_ns):
            if is_probably_binary(path):
                head = compressed_head(path)
                if head is not None and self._contents.knows_head(head):
                    continue  # a compressed copy of content we have read
                self._emit(
                    w.path,
                    "skipped",
                    f"{path} (a rotation of {w.path} written while we were behind) is "
                    f"compressed or binary: its lines are not read",
                )
                continue
            try:
                handle = FileHandle.open(path)
                head = handle.pread(1024, 0)
            except OSError:
                continue
            if (
                handle.key in exclude
                or handle.key in self._live
                or any(c.handle.key == handle.key for c in w.chain)
                or self._contents.knows(handle.key, head)
            ):
                handle.close()
                continue
            cutter = LineCutter(handle, w.path)
            self._live[handle.key] = w
            self._contents.remember(w.path, cutter)
            out.append(cutter)
            self._emit(
                w.path,
                "rotated",
                f"{path} was rotated from {w.path} while we were behind; reading it first",
            )
        return out

    def _open_next(self, w: _Watched, st: os.stat_result, now: float) -> None:
        """The path exists and names an inode we do not hold: open it, from where
        we left that content if we have read it before, else from 0; first read
        the rotations we missed in between."""
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
            first_line, exact = line_number_at(handle, start)
            cutter = LineCutter(
                handle, w.path, offset=start, first_line=first_line, line_exact=exact
            )
        except OSError as exc:
            handle.close()
            self._report_error(w, f"cannot read {w.path}: {exc.strerror or exc}; will keep trying")
            return
        if w.last_mtime_ns:
            for missed in self._missed(w, w.last_mtime_ns, exclude={handle.key}):
                w.chain.append(missed)
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
