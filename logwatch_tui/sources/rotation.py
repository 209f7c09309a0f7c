"""Recognising content already read, so a rotated file is not read twice.

When a watched directory or glob sees ``app.log.1`` appear (a renamed or
copied rotation of ``app.log``), or an already followed ``app.log.1`` is
replaced by the newer rotation, the first bytes of the file are compared with
the first bytes of every content we have read. A match means "rotated copy":
reading resumes where we stopped in that content instead of starting at 0, so
a daily rotation does not replay a day of logs (and re-fire its alerts).
copytruncate is the other side of the same question: lines written after our
last read but before the copy exist only in the copy, found here by the same
byte comparison.

Why this is its own module: it is a decision about file *content* (have we
read these bytes before, and how far?), made from :class:`LineCutter` state.
It has no thread, no timers and no per-path state; :mod:`.follower` owns
those and asks here. Keeping the comparison rules in one place keeps them
consistent between the two uses.
"""

from __future__ import annotations

import os
import stat
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from logwatch_tui.sources.content import HEAD_BYTES, FileHandle, RawChunk
from logwatch_tui.sources.lines import LineCutter
from logwatch_tui.sources.specs import is_probably_binary

CONTENTS_KEPT = 512
"""How many contents (incarnations, truncation epochs) are remembered."""


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
    cutter: LineCutter | None = None
    """Set while the content is still being read (it moves)."""

    def freeze(self) -> None:
        cutter = self.cutter
        if cutter is not None:
            self.head = bytes(cutter.head)
            self.consumed = cutter.offset
            self.tail = cutter.tail
            self.cutter = None

    def matches(self, key: tuple[int, int], head: bytes) -> bool:
        """Same inode and the same first bytes: this very content."""
        return key == self.key and _same_content(head, self.current_head())

    def current_head(self) -> bytes:
        return bytes(self.cutter.head) if self.cutter is not None else self.head


def _same_content(candidate: bytes, known: bytes) -> bool:
    """Equal first bytes, at least one whole line of them."""
    n = min(len(candidate), len(known))
    return n > 0 and b"\n" in candidate[:n] and candidate[:n] == known[:n]


class KnownContents:
    """The contents a follower has read (the last :data:`CONTENTS_KEPT`).

    A content is remembered live (its cutter still moves) while it is read,
    and frozen — first bytes, consumed offset, last bytes — when reading it
    ends, so it can be recognised later under another name or inode.
    """

    __slots__ = ("_contents",)

    def __init__(self) -> None:
        self._contents: deque[_Content] = deque(maxlen=CONTENTS_KEPT)

    def remember(self, path: str, cutter: LineCutter) -> None:
        """Start tracking the content ``cutter`` reads (a new incarnation or epoch)."""
        self._contents.append(_Content(path, cutter.handle.key, cutter=cutter))

    def freeze(self, cutter: LineCutter) -> None:
        """Reading through ``cutter`` ended: keep what it reached."""
        for content in self._contents:
            if content.cutter is cutter:
                content.freeze()

    def knows(self, key: tuple[int, int], head: bytes) -> bool:
        """True if the file with this inode and first bytes was read (or is being read)."""
        return any(c.matches(key, head) for c in self._contents)

    def knows_head(self, head: bytes) -> bool:
        """True if some content we read starts with these bytes (any inode)."""
        return any(_same_content(head, c.current_head()) for c in self._contents)

    def resume_point(self, path: str, handle: FileHandle, size: int) -> int | None:
        """Where to start reading a newly opened incarnation of ``path``: 0 for
        new content; where we stopped, for content we have read before (a
        renamed or copied rotation); None when it looks like a copy still in
        progress (the caller decides how long to wait before taking it as new).

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
            if content.path == path or b"\n" not in known or len(head) < len(known):
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
        return None if deferred else 0


def recover_from_copy(
    cur: LineCutter,
    watched_path: str,
    abspath: str,
    *,
    chunk_size: int,
    deliver: Callable[[RawChunk | None], None],
) -> tuple[int, FileHandle | None]:
    """copytruncate: the lines of the content ``cur`` read (and the ones written
    after our last read but before the copy) are in the copy now
    (``app.log.1``, ``app.log-20240501``). Find it next to the file
    (``abspath``) by its first and last-read bytes, ``deliver`` what we had
    not read yet, as lines of ``watched_path``, and return (lines recovered,
    the copy's handle) — the copy holds the old lines at the same offsets, so
    the caller points the old content's view at it. (0, None): no copy."""
    head, tail, offset = bytes(cur.head), cur.tail, cur.offset
    if offset <= 0 or b"\n" not in head:
        return 0, None
    directory, base = os.path.split(abspath)
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return 0, None
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
            copy = LineCutter(
                handle,
                watched_path,
                offset=offset,
                first_line=cur.next_line,
                line_exact=cur.line_exact,
            )
            while data := handle.pread(chunk_size, copy.read_pos):
                for chunk in copy.feed(data):
                    deliver(chunk)
            deliver(copy.flush())
        except OSError:
            continue
        lines = copy.next_line - cur.next_line
        # The copy holds the rest of what we were reading: continue the
        # old content's record from its end (for rotated-copy detection).
        cur.pending = bytearray()
        cur.offset, cur.tail, cur.next_line = copy.offset, copy.tail, copy.next_line
        return lines, handle
    return 0, None


def rotated_siblings(abspath: str, newer_than_ns: int) -> list[tuple[int, str]]:
    """Files next to ``abspath`` named like its rotations (``app.log.1``,
    ``app.log-20261202``, ``app.log_old``) modified after ``newer_than_ns``:
    (mtime_ns, path), oldest first. These are the rotations a lagging follower
    may have missed; the caller drops the ones it has read."""
    directory, base = os.path.split(abspath)
    try:
        names = os.listdir(directory)
    except OSError:
        return []
    found: list[tuple[int, str]] = []
    for name in names:
        if len(name) <= len(base) or not name.startswith(base) or name[len(base)] not in ".-_":
            continue
        path = os.path.join(directory, name)
        try:
            st = os.stat(path)
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode) and st.st_size > 0 and st.st_mtime_ns > newer_than_ns:
            found.append((st.st_mtime_ns, path))
    found.sort()
    return found


def compressed_head(path: str) -> bytes | None:
    """The first HEAD_BYTES of a gzip/bzip2/xz file, decompressed (None: not one of
    those, or unreadable). Tells a compressed rotation of content we have read
    (``app.log.2.gz``) from one we missed."""
    import bz2
    import gzip
    import lzma

    try:
        with open(path, "rb") as f:
            magic = f.read(6)
        opener = (
            gzip.open
            if magic.startswith(b"\x1f\x8b")
            else bz2.open
            if magic.startswith(b"BZh")
            else lzma.open
            if magic.startswith(b"\xfd7zXZ")
            else None
        )
        if opener is None:
            return None
        with opener(path, "rb") as z:
            return z.read(HEAD_BYTES)
    except (OSError, EOFError, lzma.LZMAError):
        return None
