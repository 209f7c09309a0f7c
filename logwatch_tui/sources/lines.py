"""Cutting bytes into whole lines: the one line cutter every file reader uses.

Why this is its own module: the one-shot reader (``check``, ``parse``), the
TUI's replay of existing content and the follower must cut lines exactly the
same way — same offsets, same line numbers, same cap — so a line read at
start-up and the same line read live are one line, never two.

**Memory is bounded.** A line longer than :data:`LINE_CAP` (``/dev/zero``, a
FIFO fed without newlines, a binary blob) is cut: its first ``LINE_CAP`` bytes
are kept, the rest up to the next newline is skipped (counted, not kept), and
at that newline (or at the end of a finished content) it is delivered as one
line ending in :data:`CUT_MARKER`, with its real end offset. So the rules and
``parse`` see the first ``LINE_CAP`` bytes, while the store — which re-reads
text from the file — still searches and exports the whole line. The cutter
holds at most ``LINE_CAP`` plus one read (``chunk_size``) at a time.
"""

from __future__ import annotations

from logwatch_tui.sources.content import (
    HEAD_BYTES,
    TAIL_BYTES,
    ContentView,
    FileHandle,
    FileIdentity,
    RawChunk,
)

__all__ = ["CUT_MARKER", "LINE_CAP", "LineCutter", "line_number_at", "tail_start"]

LINE_CAP = 4 << 20
"""Longest line delivered whole (4 MiB); longer ones are cut with :data:`CUT_MARKER`."""

CUT_MARKER = " \u2026[line cut at 4 MiB]".encode()
"""Ends a cut line's text (what rules, search and ``parse`` see)."""

COUNT_PREFIX_LIMIT = 32 << 20
"""With ``tail_lines``, newlines before the tail are counted (for exact line
numbers) only up to this many bytes; beyond it numbering restarts at the tail
and ``RawChunk.line_exact`` is False. Counting is ~1 GB/s from the page cache,
so this costs at most a few tens of milliseconds."""

_BACKWARD_BLOCK = 64 << 10


def tail_start(handle: FileHandle, size: int, lines: int) -> int:
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


def line_number_at(handle: FileHandle, offset: int) -> tuple[int, bool]:
    """(1-based number of the line starting at ``offset``, exact?)."""
    if offset <= 0:
        return 1, True
    if offset > COUNT_PREFIX_LIMIT:
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


class LineCutter:
    """Per-content read state: turns reads into whole-line chunks.

    ``offset`` is the first byte neither delivered nor skipped; ``pending``
    holds an unfinished last line (at most :data:`LINE_CAP` bytes). Only new
    data is searched for newlines, so a long line costs linear time. ``head``
    (first bytes) and ``tail`` (bytes just before ``offset``) fingerprint what
    was read: truncation and rotated copies are recognised by them.
    """

    __slots__ = (
        "cap",
        "cut_head",
        "cut_start",
        "cuts",
        "handle",
        "head",
        "initial_end",
        "line_exact",
        "next_line",
        "offset",
        "path",
        "pending",
        "seen",
        "seen_size",
        "skipping",
        "tail",
        "view",
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
        cap: int = LINE_CAP,
    ) -> None:
        self.handle = handle
        self.view = ContentView(handle)
        self.path = path
        self.offset = offset
        self.next_line = first_line
        self.line_exact = line_exact
        self.initial_end = initial_end
        self.cap = max(16, cap)
        self.pending = bytearray()
        self.head = bytearray()
        self.tail = b""
        self.skipping = False
        self.cut_head = b""
        """The first ``cap`` bytes of a line being cut (delivered at its newline)."""
        self.cut_start = 0
        self.cuts = 0
        """Lines cut at the cap so far."""
        self.seen: tuple[int, int] = (-1, -1)
        """(size, mtime_ns) at the last content check (the follower's)."""
        self.seen_size = 0
        """Largest size seen while the content was intact (bytes known to exist)."""
        if offset > 0:  # resuming: fingerprint what is before us
            self.head += handle.pread(HEAD_BYTES, 0)
            n = min(TAIL_BYTES, offset)
            self.tail = handle.pread(n, offset - n)
            self.view.note(bytes(self.head), self.tail, offset)

    @property
    def read_pos(self) -> int:
        return self.offset + len(self.pending)

    def position(self) -> tuple[FileIdentity, int, int]:
        """(identity, offset, next line number): what a resume feature stores. To
        resume, open the file, check ``identity.matches(dev, ino, first bytes)``,
        build ``LineCutter(handle, path, offset=..., first_line=...)`` and hand
        it to :class:`.follower.FileFollower` (``resume=``)."""
        handle = self.handle
        return (
            FileIdentity.of(handle.dev, handle.ino, bytes(self.head)),
            self.offset,
            self.next_line,
        )

    def _chunk(self, data: bytes, *, end: int = -1, cut: bool = False) -> RawChunk:
        chunk = RawChunk(
            self.path,
            data,
            self.offset,
            self.next_line,
            self.view,
            self.offset < self.initial_end,
            self.line_exact,
            end,
            cut,
        )
        self.next_line += data.count(b"\n") if not cut else 1
        if not cut:
            self.offset += len(data)
            self.tail = data[-TAIL_BYTES:]
            self.view.note(bytes(self.head), self.tail, self.offset)
        return chunk

    def _cut(self) -> None:
        """The pending line reached the cap: keep its first ``cap`` bytes, skip the rest."""
        self.cut_head = bytes(self.pending)
        self.cut_start = self.offset
        self.offset += len(self.pending)
        self.tail = self.cut_head[-TAIL_BYTES:]
        self.pending = bytearray()
        self.skipping = True
        self.cuts += 1

    def _end_cut(self, end: int) -> RawChunk:
        """Deliver the cut line (its end is known now: ``end``, just past its newline)."""
        chunk = RawChunk(
            self.path,
            self.cut_head + CUT_MARKER + b"\n",
            self.cut_start,
            self.next_line,
            self.view,
            self.cut_start < self.initial_end,
            self.line_exact,
            end,
            True,
        )
        self.next_line += 1
        self.skipping = False
        self.cut_head = b""
        self.view.note(bytes(self.head), self.tail, self.offset)
        return chunk

    def _skip(self, data: bytes) -> None:
        self.offset += len(data)
        self.tail = (self.tail + data[-TAIL_BYTES:])[-TAIL_BYTES:]

    def feed(self, data: bytes) -> list[RawChunk]:
        """Take bytes read at :attr:`read_pos`; return the chunks of complete lines."""
        cap = self.cap
        if len(data) <= cap:
            return self._feed(data)
        out: list[RawChunk] = []
        for i in range(0, len(data), cap):
            out += self._feed(data[i : i + cap])
        return out

    def _feed(self, data: bytes) -> list[RawChunk]:
        # ``data`` is at most ``cap`` bytes: only its first line can be too long.
        out: list[RawChunk] = []
        start = self.read_pos
        have = len(self.head)
        if have < HEAD_BYTES and start <= have < start + len(data):
            self.head += data[have - start : HEAD_BYTES - start]
        pos = 0
        if self.skipping:
            j = data.find(b"\n")
            if j < 0:
                self._skip(data)
                return out
            self._skip(data[: j + 1])
            out.append(self._end_cut(self.offset))
            pos = j + 1
        first = data.find(b"\n", pos)
        line_len = len(self.pending) + ((first if first >= 0 else len(data)) - pos)
        if line_len > self.cap:
            room = self.cap - len(self.pending)
            self.pending += data[pos : pos + room]
            self._cut()
            if first < 0:
                self._skip(data[pos + room :])
                return out
            self._skip(data[pos + room : first + 1])
            out.append(self._end_cut(self.offset))
            pos = first + 1
            first = data.find(b"\n", pos)
        if first < 0:
            self.pending += data[pos:]
            return out
        idx = data.rfind(b"\n")
        if self.pending:
            lines = bytes(self.pending) + data[pos : idx + 1]
        elif pos == 0 and idx + 1 == len(data):
            lines = data
        else:
            lines = data[pos : idx + 1]
        self.pending = bytearray(data[idx + 1 :])
        out.append(self._chunk(lines))
        return out

    def flush(self) -> RawChunk | None:
        """Deliver an unfinished last line (with ``\\n`` added): the content is
        finished (EOF of a one-shot read, or the incarnation is gone)."""
        if self.skipping:  # a cut line that never got its newline
            return self._end_cut(self.offset + 1)
        if not self.pending:
            return None
        raw = bytes(self.pending)
        self.pending = bytearray()
        chunk = self._chunk(raw + b"\n")
        self.offset -= 1  # the added newline is not in the file
        self.tail = raw[-TAIL_BYTES:]
        self.view.note(bytes(self.head), self.tail, self.offset)
        return chunk

    def advance(self, offset: int, lines: int) -> None:
        """Whole lines from :attr:`offset` up to ``offset`` (``lines`` of them) were read
        by someone else (worker processes parsing byte ranges): go on after them."""
        n = min(TAIL_BYTES, offset)
        self.tail = self.handle.pread(n, offset - n) if n else b""
        self.pending = bytearray()
        self.offset = offset
        self.next_line += lines
        self.view.note(bytes(self.head), self.tail, offset)

    def restart(self) -> None:
        """Truncation: the same inode now holds new content from offset 0 (a new view)."""
        self.offset = 0
        self.next_line = 1
        self.line_exact = True
        self.initial_end = 0
        self.pending = bytearray()
        self.head = bytearray()
        self.tail = b""
        self.skipping = False
        self.cut_head = b""
        self.seen = (-1, -1)
        self.seen_size = 0
        self.view = ContentView(self.handle)
