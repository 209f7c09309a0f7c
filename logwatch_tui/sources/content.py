"""What every file source hands on: open files, views of their content, chunks, events.

Why this is its own module: the follower, the one-shot reader and the line
cutter all speak these types, and the store re-reads line text through them
long after the follower moved on. Keeping them apart from any reading logic
lets every other module import them without import cycles.

**A line's bytes are read back through a :class:`ContentView`**, not through
the file it was first read from. A view is one *content*: one file
incarnation (device + inode), or one truncation epoch of it. It remembers the
fingerprint of what was read (the first bytes and the bytes just before the
last read position) and checks it before every re-read, so:

* after copytruncate the follower points the old view at the copy
  (``app.log.1``), which holds the old lines at the same offsets;
* where no file holds the bytes any more (truncated and no copy, a deleted
  file whose handle was let go) a re-read raises :class:`ContentGone` and the
  view says "no longer readable" — it never returns another line's text.

**Open handles are bounded.** :meth:`FileHandle.release` closes the
descriptor of an old file but keeps its identity; a later re-read finds the
file again by (device, inode) next to where it was and checks its
fingerprint. The follower keeps at most ``OPEN_OLD_HANDLES`` old files open
(see :mod:`.follower`), so deleted rotations free their disk space.
"""

from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass

__all__ = [
    "ContentGone",
    "ContentView",
    "FileHandle",
    "FileIdentity",
    "RawChunk",
    "file_lines_end_in_cr",
    "lines_end_in_cr",
    "SourceEvent",
]

HEAD_BYTES = 1024
"""How many leading bytes identify a file's content (fingerprint, rotated-copy detection)."""
TAIL_BYTES = 64
"""Bytes just before the read position that must match too (fingerprint)."""
CR_PROBE = 64 << 10
"""How many leading bytes decide whether a file's lines end in a lone CR."""
_CR_TO_LF = bytes.maketrans(b"\r", b"\n")


def lines_end_in_cr(head: bytes) -> bool | None:
    """Whether a file whose first bytes are ``head`` ends its lines with a lone CR
    (classic Mac OS, some serial consoles and embedded devices): a CR and no LF in
    the first :data:`CR_PROBE` bytes. None while undecided (no line end yet)."""
    if b"\n" in head:
        return False
    if b"\r" in head:
        return True
    return False if len(head) >= CR_PROBE else None


def file_lines_end_in_cr(path: str) -> bool:
    """:func:`lines_end_in_cr` of a file's first bytes (False when unreadable): readers
    that cut at LF themselves (the worker paths) leave such a file to the line path."""
    try:
        with open(path, "rb") as f:
            return bool(lines_end_in_cr(f.read(CR_PROBE)))
    except OSError:
        return False


class ContentGone(OSError):
    """No file holds these bytes any more (truncated without copy, deleted and let go)."""


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """What a file *is*, independent of its name: device, inode and a hash of its
    first bytes (inode numbers are reused after deletion). Small and plain, so a
    resume feature can store it next to an offset and recognise the file later."""

    dev: int
    ino: int
    head_len: int
    head_sha1: str

    @classmethod
    def of(cls, dev: int, ino: int, head: bytes) -> FileIdentity:
        return cls(dev, ino, len(head), hashlib.sha1(head).hexdigest())

    def matches(self, dev: int, ino: int, head: bytes) -> bool:
        """Same inode and the same first ``head_len`` bytes."""
        return (
            (dev, ino) == (self.dev, self.ino)
            and len(head) >= self.head_len
            and hashlib.sha1(head[: self.head_len]).hexdigest() == self.head_sha1
        )


class FileHandle:
    """An open file incarnation (one inode).

    Kept open while the follower needs it; an old one can be :meth:`release`\\ d
    (descriptor closed) and is then re-found by inode for a rare re-read.
    """

    __slots__ = (
        "__weakref__",
        "_cr",
        "_fd",
        "_lock",
        "_released",
        "dev",
        "family",
        "ino",
        "path",
    )

    def __init__(self, path: str, fd: int) -> None:
        """Wrap an already open descriptor; the handle owns and closes it."""
        st = os.fstat(fd)
        self.path = path
        self.family = os.path.basename(path)
        """Name prefix of the files it may be renamed to (``app.log`` → ``app.log.1``)."""
        self.dev = st.st_dev
        self.ino = st.st_ino
        self._fd = fd
        self._released = False
        self._lock = threading.Lock()
        self._cr: bool | None = None
        """Lines end in a lone CR: every read returns them with LF instead (same
        length, so offsets hold), so every reader cuts such a file into its lines."""

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
        """The OS descriptor, -1 once closed or released."""
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
            if self._released:
                return self._pread_found(length, offset)
            raise ValueError(f"file handle for {self.path} is closed")
        data = os.pread(fd, length, offset)
        cr = self._cr
        if cr is None:
            cr = self._cr = lines_end_in_cr(os.pread(fd, CR_PROBE, 0))
        return data.translate(_CR_TO_LF) if cr else data

    @property
    def cr_line_ends(self) -> bool:
        """Whether this file's lines end in a lone CR (read as LF); see :meth:`pread`."""
        if self._cr is None and self._fd >= 0:
            self._cr = lines_end_in_cr(os.pread(self._fd, CR_PROBE, 0))
        return bool(self._cr)

    def fstat(self) -> os.stat_result:
        fd = self._fd
        if fd < 0:
            raise ValueError(f"file handle for {self.path} is closed")
        return os.fstat(fd)

    def release(self) -> None:
        """Close the descriptor but keep the identity: a later :meth:`pread` finds
        the file again by inode (renamed: ``app.log.2``) or raises :class:`ContentGone`."""
        self._released = True
        self.close()

    def _pread_found(self, length: int, offset: int) -> bytes:
        directory = os.path.dirname(self.path) or "."
        names = [os.path.basename(self.path)]
        try:
            names += sorted(n for n in os.listdir(directory) if n.startswith(self.family))
        except OSError:
            pass
        for name in names:
            path = os.path.join(directory, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) != self.key:
                continue
            try:
                fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
            except OSError:
                continue
            try:
                self.path = path
                data = os.pread(fd, length, offset)
                return data.translate(_CR_TO_LF) if self._cr else data
            finally:
                os.close(fd)
        raise ContentGone(f"{self.path} is gone (deleted or rotated away)")

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


class ContentView:
    """The bytes of one content, wherever they are now (see the module doc).

    The follower updates the fingerprint as it reads (:meth:`note`, one tuple
    assignment: safe to read from the UI thread), :meth:`relocate` s the view to a copy after copytruncate and
    calls :meth:`gone` when no file holds the bytes any more.
    """

    __slots__ = ("__weakref__", "_fingerprint", "_gone", "holder")

    def __init__(self, holder: FileHandle) -> None:
        self.holder = holder
        self._fingerprint: tuple[bytes, bytes, int] = (b"", b"", 0)
        """(first bytes, bytes just before ``end``, ``end`` = how far it was read),
        replaced as one tuple so another thread never sees a torn mix."""
        self._gone = False

    @property
    def head(self) -> bytes:
        """The content's first bytes (up to HEAD_BYTES) as read."""
        return self._fingerprint[0]

    @property
    def tail_end(self) -> int:
        """How far the content has been read (delivered)."""
        return self._fingerprint[2]

    # -- what the store and tests use ---------------------------------------------------
    @property
    def path(self) -> str:
        """The path of the file holding the bytes now."""
        return self.holder.path

    @property
    def key(self) -> tuple[int, int]:
        return self.holder.key

    @property
    def closed(self) -> bool:
        return self._gone or self.holder.closed

    def fstat(self) -> os.stat_result:
        return self.holder.fstat()

    def identity(self) -> FileIdentity:
        """Device, inode and first-bytes hash (what a resume feature stores)."""
        return FileIdentity.of(self.holder.dev, self.holder.ino, self.head)

    def pread(self, length: int, offset: int) -> bytes:
        """Read bytes of this content; :class:`ContentGone` if no file holds them."""
        holder = self.holder
        if self._gone:
            raise ContentGone(f"the lines of {holder.path} are no longer in any file")
        head, tail, end = self._fingerprint
        if head and holder.pread(len(head), 0) != head:
            raise ContentGone(f"{holder.path} now holds other content")
        if tail and holder.pread(len(tail), end - len(tail)) != tail:
            raise ContentGone(f"{holder.path} now holds other content")
        return holder.pread(length, offset)

    # -- what the follower uses ---------------------------------------------------------
    def note(self, head: bytes, tail: bytes, end: int) -> None:
        """Reading advanced to ``end``."""
        self._fingerprint = (head, tail, end)

    def relocate(self, holder: FileHandle) -> None:
        """The bytes read so far are at the same offsets in ``holder`` now (a copy)."""
        self.holder = holder

    def gone(self) -> None:
        """No file holds these bytes any more."""
        self._gone = True

    def close(self) -> None:
        self.holder.close()

    def __repr__(self) -> str:
        return f"ContentView({self.holder!r}, read={self.tail_end}{', gone' if self._gone else ''})"


@dataclass(slots=True)
class RawChunk:
    """Complete lines read from one content."""

    path: str
    """The source's display path (the path the user watches)."""
    data: bytes
    """One or more complete lines, each ending with ``b"\\n"``. A final line
    that never got its newline (end of a one-shot read, or of an incarnation
    that was rotated away, deleted or truncated) is delivered with ``b"\\n"``
    appended, so no text is lost and consumers can always split on newlines.
    A line longer than :data:`.lines.LINE_CAP` is delivered alone, cut, with
    :data:`.lines.CUT_MARKER` before its newline (``cut`` is True)."""
    offset: int
    """Byte offset of ``data[0]`` within the file."""
    first_line: int
    """1-based line number of the first line within this incarnation
    (restarts at 1 after rotation/truncation)."""
    handle: ContentView
    """Where the bytes are re-read from (lazily, for the rows on screen)."""
    initial: bool
    """True while reading the content that existed when following started."""
    line_exact: bool = True
    """False when ``tail_lines`` skipped a prefix too large to count: then
    ``first_line`` counts from the first tailed line, not the file's start."""
    end: int = -1
    """Byte offset in the file just past the last line (-1: ``offset + len(data)``;
    differs for a cut line, whose skipped bytes are in the file but not in ``data``)."""
    cut: bool = False
    """True for a line cut at the cap (the rest of it was skipped)."""

    @property
    def end_offset(self) -> int:
        return self.end if self.end >= 0 else self.offset + len(self.data)


@dataclass(frozen=True, slots=True)
class SourceEvent:
    """Something a person should know about a source (shown in the status bar)."""

    path: str
    """The display path; "" for a problem of the follower itself (a bug)."""
    kind: str
    """"waiting", "opened", "rotated", "truncated", "deleted", "error",
    "new-file", "caught-up", "skipped" (a byte range that could not be read:
    ``offset``/``length`` say which) or "cut" (a line cut at the cap)."""
    message: str
    offset: int | None = None
    """Start of the skipped or cut range in the file, when there is one."""
    length: int | None = None
    """Bytes skipped (None when unknown)."""

    def to_json(self) -> dict[str, object]:
        """One JSON object (headless prints skipped ranges this way on stderr)."""
        out: dict[str, object] = {"event": self.kind, "source": self.path, "message": self.message}
        if self.offset is not None:
            out["offset"] = self.offset
        if self.length is not None:
            out["bytes"] = self.length
        return out
