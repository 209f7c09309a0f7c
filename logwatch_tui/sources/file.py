"""Log files as bytes: the types every source hands on, and one-shot reads.

This is the edge of the program that touches files. It produces bytes — whole
lines, in big chunks — and knows nothing about log formats.

What lives here and why it is one module: :class:`FileHandle`,
:class:`RawChunk` and :class:`SourceEvent` are the vocabulary every consumer
(pipeline, store, UI) speaks, and :func:`read_chunks` reads a file once
(``check``, ``parse``). The line cutting it uses (:class:`_LineCutter`, tail
finding, line numbering) is also what the follower builds on, so it lives
here, below the follower.

The rest of the file source sits beside this module, each part along its own
seam: :mod:`.specs` (which files a spec names), :mod:`.follower` (``tail -F``
across rotation: a thread and per-file state), :mod:`.rotation` (recognising
content already read under another name) and :mod:`.watch` (the inotify
glue). Their public names are re-exported here, so callers import every
file-source name from this one place.

**Handles stay open while referenced.** Every :class:`RawChunk` carries its
:class:`FileHandle`, so the UI can ``pread`` a line's text lazily even after
the file was renamed or deleted; the descriptor closes when the last
reference goes away.
"""

from __future__ import annotations

import errno
import os
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from logwatch_tui.sources.specs import expand_specs
from logwatch_tui.sources.specs import is_probably_binary as is_probably_binary

__all__ = [
    "FileFollower",
    "FileHandle",
    "RawChunk",
    "SourceEvent",
    "expand_specs",
    "read_chunks",
]

HEAD_BYTES = 1024
"""How many leading bytes identify a file's content (rotated-copy detection)."""
TAIL_BYTES = 64
"""Bytes just before the resume point that must match too (rotated-copy detection)."""

_COUNT_PREFIX_LIMIT = 32 << 20
"""With ``tail_lines``, newlines before the tail are counted (for exact line
numbers) only up to this many bytes; beyond it numbering restarts at the tail
and ``RawChunk.line_exact`` is False. Counting is ~1 GB/s from the page cache,
so this costs at most a few tens of milliseconds."""

_BACKWARD_BLOCK = 64 << 10


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


# The follower is built on the types above and imports them from here, so this
# re-export must come last: by the time follower.py runs, every name it needs
# is defined. Callers keep ``from logwatch_tui.sources.file import FileFollower``.
from logwatch_tui.sources.follower import COPY_DEFER_SECONDS as COPY_DEFER_SECONDS  # noqa: E402
from logwatch_tui.sources.follower import FileFollower  # noqa: E402
