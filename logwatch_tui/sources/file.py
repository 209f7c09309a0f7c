"""Read log files once, or follow them like ``tail -F`` across rotation.

This is the edge of the program that touches files. It produces bytes — whole
lines, in big chunks — and knows nothing about log formats.

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
* **Content we have already read is not read again.** When a watched directory
  or glob sees ``app.log.1`` appear (a renamed or copied rotation of
  ``app.log``), or an already followed ``app.log.1`` is replaced by the newer
  rotation, the first bytes of the file are compared with the first bytes of
  every content we have read. A match means "rotated copy": reading resumes
  where we stopped in that content instead of starting at 0, so a daily
  rotation does not replay a day of logs (and re-fire its alerts).
* **Handles stay open while referenced.** Every :class:`RawChunk` carries its
  :class:`FileHandle`, so the UI can ``pread`` a line's text lazily even after
  the file was renamed or deleted; the descriptor closes when the last
  reference goes away.
"""

from __future__ import annotations

import errno
import glob
import logging
import os
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "FileFollower",
    "FileHandle",
    "RawChunk",
    "SourceEvent",
    "expand_specs",
    "read_chunks",
]

_log = logging.getLogger(__name__)

HEAD_BYTES = 1024
"""How many leading bytes identify a file's content (rotated-copy detection)."""
TAIL_BYTES = 64
"""Bytes just before the resume point that must match too (rotated-copy detection)."""
COPY_DEFER_SECONDS = 5.0
"""How long a file that looks like a copy still being written is left alone."""

_COUNT_PREFIX_LIMIT = 32 << 20
"""With ``tail_lines``, newlines before the tail are counted (for exact line
numbers) only up to this many bytes; beyond it numbering restarts at the tail
and ``RawChunk.line_exact`` is False. Counting is ~1 GB/s from the page cache,
so this costs at most a few tens of milliseconds."""

_BACKWARD_BLOCK = 64 << 10
_READS_PER_PASS = 16
"""Chunks read from one file before the others get a turn (fairness)."""

_BINARY_SUFFIXES = (
    ".gz",
    ".tgz",
    ".zip",
    ".bz2",
    ".xz",
    ".zst",
    ".lz4",
    ".lzma",
    ".7z",
    ".tar",
    ".z",
    ".journal",
    ".journal~",
    ".db",
    ".sqlite",
    ".pyc",
    ".so",
    ".o",
    ".bin",
    ".png",
    ".jpg",
    ".jpeg",
    ".pdf",
)
_BINARY_NAMES = frozenset({"wtmp", "btmp", "utmp", "lastlog", "faillog"})
_BINARY_MAGIC = (
    b"\x1f\x8b",  # gzip
    b"PK\x03\x04",  # zip
    b"\xfd7zXZ\x00",  # xz
    b"\x28\xb5\x2f\xfd",  # zstd
    b"\x04\x22\x4d\x18",  # lz4
    b"7z\xbc\xaf\x27\x1c",  # 7z
)


# --------------------------------------------------------------------------- data


class FileHandle:
    """An open file incarnation (one inode).

    Kept open while anyone references it, so the UI can re-read line text
    lazily (:meth:`pread`) even after the file was renamed or deleted.
    """

    __slots__ = ("__weakref__", "_fd", "_lock", "dev", "ino", "path")

    def __init__(self, path: str, fd: int) -> None:
        """Wrap an already open descriptor; the handle owns and closes it."""
        st = os.fstat(fd)
        self.path = path
        self.dev = st.st_dev
        self.ino = st.st_ino
        self._fd = fd
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str, *, nonblock: bool = True) -> FileHandle:
        """Open ``path`` read-only.

        ``nonblock`` keeps a FIFO from blocking the reader thread at open; it
        has no effect on regular files.
        """
        flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0)
        if nonblock:
            flags |= getattr(os, "O_NONBLOCK", 0)
        fd = os.open(path, flags)
        try:
            return cls(path, fd)
        except BaseException:
            os.close(fd)
            raise

    @property
    def fd(self) -> int:
        """The OS descriptor, -1 once closed."""
        return self._fd

    @property
    def closed(self) -> bool:
        return self._fd < 0

    @property
    def key(self) -> tuple[int, int]:
        """(device, inode): the identity of the incarnation."""
        return (self.dev, self.ino)

    def pread(self, length: int, offset: int) -> bytes:
        """Read ``length`` bytes at ``offset`` without moving any file position."""
        fd = self._fd
        if fd < 0:
            raise ValueError(f"file handle for {self.path} is closed")
        return os.pread(fd, length, offset)

    def fstat(self) -> os.stat_result:
        fd = self._fd
        if fd < 0:
            raise ValueError(f"file handle for {self.path} is closed")
        return os.fstat(fd)

    def close(self) -> None:
        """Close the descriptor. Idempotent and thread-safe (a double close
        could otherwise hit a descriptor number the OS has reused)."""
        lock = getattr(self, "_lock", None)
        if lock is None:  # __init__ failed before the lock existed
            return
        with lock:
            fd, self._fd = self._fd, -1
        if fd >= 0:
            try:
                os.close(fd)
            except OSError:
                pass

    def __del__(self) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._fd < 0 else f"fd={self._fd}"
        return f"FileHandle({self.path!r}, ino={self.ino}, {state})"


@dataclass(slots=True)
class RawChunk:
    """Complete lines read from one file incarnation."""

    path: str
    """The source's display path (the path the user watches)."""
    data: bytes
    """One or more complete lines, each ending with ``b"\\n"``. A final line
    that never got its newline (end of a one-shot read, or of an incarnation
    that was rotated away, deleted or truncated) is delivered with ``b"\\n"``
    appended, so no text is lost and consumers can always split on newlines."""
    offset: int
    """Byte offset of ``data[0]`` within the file incarnation."""
    first_line: int
    """1-based line number of the first line within this incarnation
    (restarts at 1 after rotation/truncation)."""
    handle: FileHandle
    initial: bool
    """True while reading the content that existed when following started."""
    line_exact: bool = True
    """False when ``tail_lines`` skipped a prefix too large to count: then
    ``first_line`` counts from the first tailed line, not the file's start."""


@dataclass(frozen=True, slots=True)
class SourceEvent:
    """Something a person should know about a source (shown in the status bar)."""

    path: str
    """The display path; "" for a problem of the follower itself (a bug)."""
    kind: str
    """"waiting", "opened", "rotated", "truncated", "deleted", "error",
    "new-file" or "caught-up"."""
    message: str


# --------------------------------------------------------------------------- specs


def is_probably_binary(path: str) -> bool:
    """True for files a directory or glob expansion should skip: compressed
    rotations (``app.log.2.gz``), journals, login records. Cheap: the name,
    then the first few bytes."""
    name = os.path.basename(path)
    lower = name.lower()
    if name in _BINARY_NAMES or lower.endswith(_BINARY_SUFFIXES):
        return True
    try:
        with open(path, "rb") as f:
            magic = f.read(8)
    except OSError:
        return False
    if magic.startswith(b"BZh") and magic[3:4].isdigit():
        return True
    return magic.startswith(_BINARY_MAGIC)


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _pattern_matches(pattern: str) -> list[str]:
    """Regular, non-binary files matching ``pattern``, sorted."""
    return [p for p in sorted(glob.glob(pattern)) if _is_regular(p) and not is_probably_binary(p)]


def _expand(specs: list[str]) -> tuple[list[tuple[str, bool]], list[str], set[str]]:
    """Like :func:`expand_specs`, also telling which files came from a pattern
    (those are dropped when they vanish; named files are waited for) and
    which directories hold new matches (to watch with inotify)."""
    files: list[tuple[str, bool]] = []
    patterns: list[str] = []
    dirs: set[str] = set()
    seen: set[str] = set()

    def add(path: str, from_pattern: bool) -> None:
        key = os.path.abspath(path)
        if key not in seen:
            seen.add(key)
            files.append((path, from_pattern))

    for spec in specs:
        if os.path.isdir(spec):
            pattern = os.path.join(glob.escape(spec), "*")
            if pattern not in patterns:
                patterns.append(pattern)
                dirs.add(os.path.abspath(spec))
            for p in _pattern_matches(pattern):
                add(p, True)
        elif glob.has_magic(spec) and not os.path.lexists(spec):
            if spec not in patterns:
                patterns.append(spec)
                parent = os.path.dirname(spec) or "."
                if not glob.has_magic(parent):
                    dirs.add(os.path.abspath(parent))
            for p in _pattern_matches(spec):
                add(p, True)
        else:
            add(spec, False)
    return files, patterns, dirs


def expand_specs(specs: list[str]) -> tuple[list[str], list[str]]:
    """Files, globs and directories -> (file paths, glob patterns to keep watching).

    A directory means every regular file in it (not recursive), kept watched
    as the pattern ``dir/*``; compressed and other obviously binary files are
    skipped in directories and globs. A path that does not exist and is no
    glob is kept, so the follower waits for it. An existing path is taken
    literally even if its name has glob characters (``logs[1]/``). Order is
    kept, duplicates go. Glob patterns use :mod:`glob` syntax; ``*`` does not
    match dotfiles.
    """
    files, patterns, _ = _expand(specs)
    return [p for p, _ in files], patterns


# --------------------------------------------------------------------------- reading


def _clear_error(exc: OSError, path: str, verb: str = "open") -> OSError:
    """The same OSError subclass, with a message that names the file."""
    reason = exc.strerror or str(exc)
    return type(exc)(exc.errno, f"cannot {verb} {path}: {reason}")


def _tail_start(handle: FileHandle, size: int, lines: int) -> int:
    """Offset where the last ``lines`` lines of the file start.

    Reads backwards in blocks, so the cost is the size of the tail, not of the
    file. A trailing line without newline counts as a line. With ``lines``
    <= 0 the result is the start of that unfinished line (or the end), so a
    line being written is delivered whole once it completes.
    """
    if size <= 0:
        return 0
    ends_with_newline = handle.pread(1, size - 1) == b"\n"
    if lines <= 0:
        if ends_with_newline:
            return size
        pos, lines = size, 1  # the newline before the unfinished line
    else:
        pos = size - 1 if ends_with_newline else size
    found = 0
    while pos > 0:
        lo = max(0, pos - _BACKWARD_BLOCK)
        buf = handle.pread(pos - lo, lo)
        if not buf:
            break
        n = buf.count(b"\n")
        if found + n < lines:
            found += n
            pos = lo
            continue
        end = len(buf)
        while True:
            j = buf.rfind(b"\n", 0, end)
            found += 1
            if found == lines:
                return lo + j + 1
            end = j
    return 0


def _line_number_at(handle: FileHandle, offset: int) -> tuple[int, bool]:
    """(1-based number of the line starting at ``offset``, exact?)."""
    if offset <= 0:
        return 1, True
    if offset > _COUNT_PREFIX_LIMIT:
        return 1, False
    count = 0
    pos = 0
    while pos < offset:
        buf = handle.pread(min(1 << 20, offset - pos), pos)
        if not buf:
            break
        count += buf.count(b"\n")
        pos += len(buf)
    return count + 1, True


class _LineCutter:
    """Per-incarnation read state: turns reads into whole-line chunks.

    ``offset`` is the first byte not yet delivered; ``pending`` holds an
    unfinished last line. The partial line is kept in a bytearray and only
    new data is searched for newlines, so a 10 MB line costs linear time.
    """

    __slots__ = (
        "handle",
        "head",
        "initial_end",
        "line_exact",
        "next_line",
        "offset",
        "path",
        "pending",
        "tail",
    )

    def __init__(
        self,
        handle: FileHandle,
        path: str,
        *,
        offset: int = 0,
        first_line: int = 1,
        line_exact: bool = True,
        initial_end: int = 0,
    ) -> None:
        self.handle = handle
        self.path = path
        self.offset = offset
        self.next_line = first_line
        self.line_exact = line_exact
        self.initial_end = initial_end
        self.pending = bytearray()
        self.head = bytearray()
        self.tail = b""
        if offset > 0:
            self.head += handle.pread(HEAD_BYTES, 0)

    @property
    def read_pos(self) -> int:
        return self.offset + len(self.pending)

    def _chunk(self, data: bytes) -> RawChunk:
        chunk = RawChunk(
            self.path,
            data,
            self.offset,
            self.next_line,
            self.handle,
            self.offset < self.initial_end,
            self.line_exact,
        )
        self.offset += len(data)
        self.next_line += data.count(b"\n")
        self.tail = data[-TAIL_BYTES:]
        return chunk

    def feed(self, data: bytes) -> RawChunk | None:
        """Take bytes read at :attr:`read_pos`; return the complete lines, if any."""
        start = self.read_pos
        have = len(self.head)
        if have < HEAD_BYTES and start <= have < start + len(data):
            self.head += data[have - start : HEAD_BYTES - start]
        idx = data.rfind(b"\n")
        if idx < 0:
            self.pending += data
            return None
        if self.pending:
            out = bytes(self.pending) + data[: idx + 1]
        else:
            out = data if idx + 1 == len(data) else data[: idx + 1]
        self.pending = bytearray(data[idx + 1 :])
        return self._chunk(out)

    def flush(self) -> RawChunk | None:
        """Deliver an unfinished last line (with ``\\n`` added): the content is
        finished (EOF of a one-shot read, or the incarnation is gone)."""
        if not self.pending:
            return None
        raw = bytes(self.pending)
        self.pending = bytearray()
        chunk = self._chunk(raw + b"\n")
        self.offset -= 1  # the added newline is not in the file
        self.tail = raw[-TAIL_BYTES:]
        return chunk

    def restart(self) -> None:
        """Truncation: the same inode now holds new content from offset 0."""
        self.offset = 0
        self.next_line = 1
        self.line_exact = True
        self.initial_end = 0
        self.pending = bytearray()
        self.head = bytearray()
        self.tail = b""


def read_chunks(
    path: str, *, tail_lines: int | None = None, chunk_size: int = 1 << 20
) -> Iterator[RawChunk]:
    """One-shot read of a file (for ``check``/``parse``).

    The whole content, or only the last ``tail_lines`` lines (found by reading
    backwards from the end). A final line without newline is delivered at EOF
    (with ``\\n`` added): the file is complete. Raises OSError naming the file
    when it is missing, unreadable or a directory — at call time, not at the
    first ``next()``. Pipes (``<(cmd)``) are read sequentially; their chunks'
    handles cannot be ``pread`` later.
    """
    try:
        handle = FileHandle.open(path, nonblock=False)
        st = handle.fstat()
    except OSError as exc:
        raise _clear_error(exc, path) from exc
    if stat.S_ISDIR(st.st_mode):
        handle.close()
        raise IsADirectoryError(
            errno.EISDIR, f"cannot read {path}: it is a directory (name the files, or a glob)"
        )
    if not stat.S_ISREG(st.st_mode):
        return _read_stream(handle, path, chunk_size)
    start, first_line, exact = 0, 1, True
    if tail_lines is not None:
        if tail_lines <= 0:
            return iter(())
        try:
            start = _tail_start(handle, st.st_size, tail_lines)
            first_line, exact = _line_number_at(handle, start)
        except OSError as exc:
            raise _clear_error(exc, path, "read") from exc
    cutter = _LineCutter(
        handle,
        path,
        offset=start,
        first_line=first_line,
        line_exact=exact,
        initial_end=1 << 62,
    )
    return _read_regular(cutter, chunk_size)


def _read_regular(cutter: _LineCutter, chunk_size: int) -> Iterator[RawChunk]:
    while True:
        try:
            data = cutter.handle.pread(chunk_size, cutter.read_pos)
        except OSError as exc:
            raise _clear_error(exc, cutter.path, "read") from exc
        if not data:
            break
        chunk = cutter.feed(data)
        if chunk is not None:
            yield chunk
    last = cutter.flush()
    if last is not None:
        yield last


def _read_stream(handle: FileHandle, path: str, chunk_size: int) -> Iterator[RawChunk]:
    cutter = _LineCutter(handle, path, initial_end=1 << 62)
    while True:
        try:
            data = os.read(handle.fd, chunk_size)
        except OSError as exc:
            raise _clear_error(exc, path, "read") from exc
        if not data:
            break
        chunk = cutter.feed(data)
        if chunk is not None:
            yield chunk
    last = cutter.flush()
    if last is not None:
        yield last


# --------------------------------------------------------------------------- following


@dataclass(slots=True)
class _Content:
    """What we know about one content (an incarnation, or one truncation
    epoch of it): its first bytes, how far we consumed it and the bytes just
    before that point. Lets a rotated copy resume where we stopped."""

    path: str
    key: tuple[int, int]
    head: bytes = b""
    consumed: int = 0
    tail: bytes = b""
    cutter: _LineCutter | None = None
    """Set while the content is still being read (it moves)."""

    def freeze(self) -> None:
        cutter = self.cutter
        if cutter is not None:
            self.head = bytes(cutter.head)
            self.consumed = cutter.offset
            self.tail = cutter.tail
            self.cutter = None

    def current_head(self) -> bytes:
        return bytes(self.cutter.head) if self.cutter is not None else self.head


def _same_content(candidate: bytes, known: bytes) -> bool:
    """Equal first bytes, at least one whole line of them."""
    n = min(len(candidate), len(known))
    return n > 0 and b"\n" in candidate[:n] and candidate[:n] == known[:n]


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
    ) -> None:
        files, patterns, pattern_dirs = _expand(specs)
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
        self._interesting: frozenset[str] = frozenset()
        self._contents: deque[_Content] = deque(maxlen=512)
        self._live: dict[tuple[int, int], _Watched] = {}
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._rescan_now = False
        self._next_rescan = 0.0
        self._thread: threading.Thread | None = None
        self._observer: Any = None
        self._observed_dirs: set[str] = set()
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
        self._stop_observer()

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
                self._start_observer()
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
        try:
            if self._tail_lines is not None:
                start = _tail_start(handle, st.st_size, self._tail_lines)
                first_line, exact = _line_number_at(handle, start)
            cutter = _LineCutter(
                handle,
                w.path,
                offset=start,
                first_line=first_line,
                line_exact=exact,
                initial_end=st.st_size,
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
        if self._observer is not None and now >= self._next_dir_retry:
            self._next_dir_retry = now + 1.0
            self._observe_dirs()
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
        lines, copy = self._recover_from_copy(w, cur)
        self._deliver(cur.flush())
        self._freeze(cur)
        cur.restart()
        self._contents.append(_Content(w.path, cur.handle.key, cutter=cur))
        msg = f"{w.path} was truncated; reading it from the start"
        if lines:
            msg += f" ({lines} unread line(s) taken from its copy {copy})"
        self._emit(w.path, "truncated", msg)

    def _recover_from_copy(self, w: _Watched, cur: _LineCutter) -> tuple[int, str]:
        """copytruncate: lines written after our last read but before the
        copy exist only in the copy now (``app.log.1``, ``app.log-20240501``).
        Find it next to the file by its first and last-read bytes and deliver
        what we had not read yet. Returns (lines recovered, the copy's path)."""
        head, tail, offset = bytes(cur.head), cur.tail, cur.offset
        if offset <= 0 or b"\n" not in head:
            return 0, ""
        directory, base = os.path.split(w.abspath)
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            return 0, ""
        for name in names:
            if name == base or not name.startswith(base):
                continue
            path = os.path.join(directory, name)
            if is_probably_binary(path):
                continue
            try:
                handle = FileHandle.open(path)
                st = handle.fstat()
                if (
                    not stat.S_ISREG(st.st_mode)
                    or handle.key == cur.handle.key
                    or st.st_size < offset
                    or handle.pread(len(head), 0) != head
                    or (tail and handle.pread(len(tail), offset - len(tail)) != tail)
                ):
                    handle.close()
                    continue
                copy = _LineCutter(
                    handle,
                    w.path,
                    offset=offset,
                    first_line=cur.next_line,
                    line_exact=cur.line_exact,
                )
                while data := handle.pread(self._chunk_size, copy.read_pos):
                    self._deliver(copy.feed(data))
                self._deliver(copy.flush())
            except OSError:
                continue
            lines = copy.next_line - cur.next_line
            # The copy holds the rest of what we were reading: continue the
            # old content's record from its end (for rotated-copy detection).
            cur.pending = bytearray()
            cur.offset, cur.tail, cur.next_line = copy.offset, copy.tail, copy.next_line
            return lines, path
        return 0, ""

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
        for content in self._contents:
            if content.cutter is cutter:
                content.freeze()

    def _adopt(self, w: _Watched, cutter: _LineCutter) -> None:
        w.current = cutter
        w.reported = ""
        w.defer_since = 0.0
        self._live[cutter.handle.key] = w
        self._contents.append(_Content(w.path, cutter.handle.key, cutter=cutter))

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

        Same inode and same first bytes: a rename; resume. Another inode whose
        first :data:`HEAD_BYTES` equal those of content read under another
        name, and whose bytes before our stopping point equal the last bytes
        we delivered: a copy (copytruncate); resume there, which also recovers
        lines written after our last read but before the copy.
        """
        head = handle.pread(HEAD_BYTES, 0)
        if b"\n" not in head:
            return 0
        deferred = False
        for content in reversed(self._contents):
            known = content.current_head()
            if content.key == handle.key:
                if _same_content(head, known):
                    return (
                        content.consumed
                        if content.cutter is None and size >= content.consumed
                        else 0
                    )
                continue
            if content.path == w.path or b"\n" not in known or len(head) < len(known):
                continue
            if head[: len(known)] != known:
                continue
            if content.cutter is not None or size < content.consumed:
                deferred = True  # the original is still read, or the copy is not done
                continue
            n = len(content.tail)
            if content.consumed and handle.pread(n, content.consumed - n) != content.tail:
                continue
            return content.consumed
        if deferred:
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

    def _refresh_interesting(self) -> None:
        names: set[str] = set()
        for w in self._watched.values():
            names.add(w.abspath)
            names.add(os.path.realpath(w.path))
        self._interesting = frozenset(names)

    def _wanted_dirs(self) -> set[str]:
        dirs = set(self._pattern_dirs)
        for w in self._watched.values():
            dirs.add(os.path.dirname(w.abspath))
            dirs.add(os.path.dirname(os.path.realpath(w.path)))
        return dirs

    def _start_observer(self) -> None:
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
            _log.info("watchdog is not available; polling every %ss", self._poll_interval)
            return

        follower = self

        class _Wake(FileSystemEventHandler):
            def on_any_event(self, event: Any) -> None:
                follower._on_fs_event(event)

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
        self._observe_dirs()

    def _observe_dirs(self) -> None:
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
            if p in self._interesting:
                self._wake.set()
            elif os.path.dirname(p) in self._pattern_dirs and event.event_type in (
                "created",
                "moved",
                "closed",
            ):
                # A new file may match. (Writes to files we do not follow
                # wake nobody; the regular rescan catches anything missed.)
                self._rescan_now = True
                self._wake.set()

    def _stop_observer(self) -> None:
        observer, self._observer = self._observer, None
        if observer is None:
            return
        try:
            observer.stop()
            observer.join(timeout=1.0)
        except Exception:
            _log.exception("stopping the file watcher failed")
