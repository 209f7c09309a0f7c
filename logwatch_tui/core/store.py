"""The log view's memory: a compact column per attribute, one entry per line.

Per physical line we keep where its bytes are (segment + offset + length), its
level, its timestamp, its source and whether it starts a record — 24 bytes,
in ``array`` columns, never a Python object per line. The text is read back
lazily (``os.pread`` on the source's open file handle) only for the rows on
screen, with a small cache. Lines whose source has no file handle (tests,
stdin) keep their text in memory.

**Each line knows which file holds its bytes.** A segment is one *content*
(a file incarnation or one truncation epoch of it — the source's
``ContentView``), not a path: after copytruncate the source points the old
content at the copy, after a deletion it may say the bytes are gone. A read
that fails shows :data:`UNREADABLE`, never the text now at that offset.

Filtering builds an index of visible line numbers with C-level passes:
``bytes.translate`` turns the level column into a 0/1 mask, and
``itertools.compress`` picks the visible lines.
"""

from __future__ import annotations

import bisect
import sys
from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from itertools import compress
from operator import sub
from typing import Any

from logwatch_tui.core.record import LineBatch, PackedLines

_MINUS_ONE = (-1).__add__

UNREADABLE = "\u2026[line no longer readable]"
"""Shown (and searched, exported) instead of a line whose bytes no file holds any
more: truncated without a copy, or a deleted file the source let go. Never
another line's text: the source checks a content's fingerprint before a re-read."""

BLOCK_LINES = 1 << 17
"""Lines per C-level pass in whole-store scans (each a few ms: the GIL changes hands)."""

MAX_LINE_BYTES = 64 * 1024
"""Longer lines are cut to this when read back for display (the marker says so)."""


_SPAN = 1 << 16
_BYTE0 = bytes(range(256)) * 256
_BYTE1 = bytes(k >> 8 for k in range(_SPAN))
"""The low and second byte of 0 … 65535 (for :func:`arange`)."""


def arange(start: int, stop: int) -> array:
    """``array("q", range(start, stop))`` without a Python int per value (millions of
    rows when every line is shown): in a run of values inside one aligned block of
    65,536, each little-endian int64 is the block base's bytes with the two low bytes
    of the offset in the block written over its first two (strided C-level copies)."""
    out = array("q")
    if stop <= start:
        return out
    if start < 0 or sys.byteorder != "little" or out.itemsize != 8:
        out.extend(range(start, stop))
        return out
    a = start
    while a < stop:
        base = a - a % _SPAN
        b = min(stop, base + _SPAN)
        n, k = b - a, a - base
        block = bytearray(base.to_bytes(8, "little") * n)
        block[0::8] = _BYTE0[k : k + n]
        block[1::8] = _BYTE1[k : k + n]
        out.frombytes(block)
        a = b
    return out


class LineStore:
    """Append-only store of lines from one or more sources."""

    def __init__(self, *, cache_size: int = 4096) -> None:
        self.offsets = array("q")
        self.lengths = array("I")
        self.segments = array("H")
        self.levels = bytearray()
        self.ts = array("d")
        self.sources = bytearray()  # source id per line (up to 255 sources; more share 255)
        self.heads = bytearray()
        self.max_length = 0
        """Length of the longest line appended so far (the ``lengths`` column's max)."""
        self._segment_handles: list[Any] = []
        self._segment_keys: dict[int, int] = {}
        self._memory_text: dict[int, str] = {}
        self._cache: OrderedDict[int, str] = OrderedDict()
        self._cache_size = cache_size
        self.source_names: list[str] = []
        self.formats: list[str] = []

    def __len__(self) -> int:
        return len(self.levels)

    @property
    def nbytes(self) -> int:
        """Bytes held by the per-line columns (what 'bytes per line' measures)."""
        cols = (self.offsets, self.lengths, self.segments, self.ts)
        return (
            sum(c.itemsize * len(c) for c in cols)
            + len(self.levels)
            + len(self.heads)
            + len(self.sources)
        )

    def _segment_for(self, handle: Any) -> int:
        if handle is None:
            return 0xFFFF
        seg = self._segment_keys.get(id(handle))
        if seg is None:
            seg = len(self._segment_handles)
            self._segment_handles.append(handle)
            self._segment_keys[id(handle)] = seg
        return seg

    def append(self, batch: LineBatch | PackedLines) -> range:
        """Add a batch; returns the range of new line numbers."""
        if isinstance(batch, PackedLines):
            return self.append_packed(batch)
        start = len(self.levels)
        n = len(batch.lines)
        if not n:
            return range(start, start)
        while len(self.source_names) <= batch.source_id:
            self.source_names.append("")
            self.formats.append("")
        self.source_names[batch.source_id] = batch.source
        self.formats[batch.source_id] = batch.format
        seg = self._segment_for(batch.handle if batch.offsets is not None else None)
        if seg == 0xFFFF:
            self.offsets.extend([0] * n)
            self.lengths.extend([0] * n)
            for i, line in enumerate(batch.lines):
                self._memory_text[start + i] = line
        else:
            offs = batch.offsets
            self.offsets.extend(offs)
            end = batch.end_offset if batch.end_offset is not None else offs[-1]
            nexts = offs[1:]
            nexts.append(end)
            # length without the newline (and a CR, trimmed on read); C-level maps
            lens = array("I", map(_MINUS_ONE, map(sub, nexts, offs)))
            self.lengths += lens
            self.max_length = max(self.max_length, max(lens))
        self.segments.extend([seg] * n)
        self.ts.extend(batch.ts)
        self.sources.extend(bytes([min(batch.source_id, 255)]) * n)
        self.heads.extend(batch.heads)
        # last: ``len(store)`` is the levels' length, so a thread that reads the store
        # (filter, search, histogram) never sees a line whose other columns are missing
        self.levels.extend(batch.levels)
        return range(start, start + n)

    def append_packed(self, packed: PackedLines) -> range:
        """Add lines parsed into packed columns (C-level copies: a few ms per 100k lines)."""
        start = len(self.levels)
        n = packed.count
        if not n:
            return range(start, start)
        while len(self.source_names) <= packed.source_id:
            self.source_names.append("")
            self.formats.append("")
        self.source_names[packed.source_id] = packed.source
        self.formats[packed.source_id] = packed.format
        seg = self._segment_for(packed.handle)
        if seg == 0xFFFF:
            raise ValueError("packed lines need the handle of the file that holds them")
        self.offsets.frombytes(packed.offsets)
        self.lengths.frombytes(packed.lengths)
        longest = packed.longest if packed.longest >= 0 else self.longest(start)
        self.max_length = max(self.max_length, longest)
        self.ts.frombytes(packed.ts)
        self.segments.extend(array("H", [seg]) * n)
        self.sources += bytes([min(packed.source_id, 255)]) * n
        self.heads += b"\x01" * n
        self.levels += packed.levels  # last (see append)
        return range(start, start + n)

    def text(self, i: int) -> str:
        """The raw text of line ``i`` (decoded, CR stripped, cut at MAX_LINE_BYTES)."""
        cached = self._cache.get(i)
        if cached is not None:
            self._cache.move_to_end(i)
            return cached
        seg = self.segments[i]
        if seg == 0xFFFF:
            text = self._memory_text.get(i, "")
        else:
            length = self.lengths[i]
            want = min(length, MAX_LINE_BYTES)
            try:
                data = self._segment_handles[seg].pread(want, self.offsets[i])
            except (OSError, ValueError):
                # not cached: the source may point this content at its copy in a moment
                return UNREADABLE
            text = data.decode("utf-8", "replace")
            if text.endswith("\r"):
                text = text[:-1]
            if length > want:
                text += f"\u2026[+{length - want} bytes]"
        self._cache[i] = text
        if len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)
        return text

    def iter_text_blocks(
        self, start: int = 0, stop: int | None = None, *, block_bytes: int = 4 << 20
    ) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(first_line, texts)`` for consecutive lines, read in big blocks.

        Lines of one file incarnation that sit next to each other in the store and
        on disk are fetched with one ``pread`` per ~``block_bytes`` — the fast path
        for search, filters and export over millions of lines (no per-line syscall).
        Texts are exactly what :meth:`text` returns, minus the long-line cut.
        """
        n = len(self.levels)
        stop = n if stop is None else min(stop, n)
        i = start
        offsets, segments = self.offsets, self.segments
        while i < stop:
            seg = segments[i]
            if seg == 0xFFFF:
                j = i
                while j < stop and segments[j] == 0xFFFF and j - i < 65536:
                    j += 1
                yield i, [self._memory_text.get(k, "") for k in range(i, j)]
                i = j
                continue
            # extend the run while lines are contiguous on disk in the same segment
            first_off = offsets[i]
            j, end = self._contiguous_run(i, stop, seg, block_bytes)
            try:
                data = self._segment_handles[seg].pread(end - first_off, first_off)
            except (OSError, ValueError):
                yield i, [UNREADABLE] * (j - i)
                i = j
                continue
            texts = data.decode("utf-8", "replace").split("\n")
            if len(texts) > j - i:
                del texts[j - i :]
            while len(texts) < j - i:
                texts.append("")
            if b"\r" in data:
                texts = [t[:-1] if t.endswith("\r") else t for t in texts]
            yield i, texts
            i = j

    def _contiguous_run(self, i: int, stop: int, seg: int, block_bytes: int) -> tuple[int, int]:
        """End (exclusive) and end byte offset of the run of lines from ``i`` that sit
        next to each other on disk in segment ``seg``, at most ~``block_bytes`` long.

        The usual case — one file appended in order — is proved with a few C-level
        passes (count, sum, bisect) instead of a Python step per line.
        """
        offsets, lengths, segments = self.offsets, self.lengths, self.segments
        first_off = offsets[i]
        j = min(stop, i + max(1, block_bytes // 32))
        # same segment, and contiguous iff the last start equals the sum of the lengths before it
        if (
            j - i > 1
            and segments[i:j].count(seg) == j - i
            and offsets[j - 1] - first_off == sum(lengths[i : j - 1]) + (j - 1 - i)
        ):
            j = max(i + 1, bisect.bisect_left(offsets, first_off + block_bytes, i + 1, j))
            return j, offsets[j - 1] + lengths[j - 1] + 1
        j = i + 1
        end = first_off + lengths[i] + 1
        while (
            j < stop and segments[j] == seg and offsets[j] == end and end - first_off < block_bytes
        ):
            end += lengths[j] + 1
            j += 1
        return j, end

    # -- filtering -------------------------------------------------------------------
    def visible(
        self,
        shown_levels: Iterable[int],
        *,
        start: int = 0,
        extra: Callable[[int], bool] | None = None,
        sources: Iterable[int] | None = None,
    ) -> array:
        """Line numbers (from ``start``) whose level is shown, as an ``array('q')``."""
        table = bytearray(256)
        for lv in shown_levels:
            table[lv] = 1
        mask = self.levels[start:].translate(table)
        if sources is not None:
            stable = bytearray(256)
            for s in sources:
                stable[min(s, 255)] = 1
            smask = self.sources[start:].translate(stable)
            # both masks are 0/1 bytes: AND them as big integers (C-level, not per line)
            n = len(mask)
            both = int.from_bytes(mask, "little") & int.from_bytes(smask, "little")
            mask = both.to_bytes(n, "little")
        # in blocks: each C-level pass is a few ms, so a thread computing millions of rows
        # lets the UI's event loop run between them (the GIL changes hands per block)
        if mask.find(0) < 0:  # every line shown (the usual view): no per-line mask walk
            idx = arange(start, start + len(mask))
        else:
            idx = array("q")
            for a in range(0, len(mask), BLOCK_LINES):
                b = min(a + BLOCK_LINES, len(mask))
                idx.extend(compress(range(start + a, start + b), mask[a:b]))
        if extra is not None:
            idx = array("q", filter(extra, idx))
        return idx

    def longest(self, start: int = 0, stop: int | None = None) -> int:
        """Length in bytes of the longest line in ``[start, stop)`` (0 if none); in blocks."""
        stop = len(self.lengths) if stop is None else min(stop, len(self.lengths))
        best = 0
        for a in range(start, stop, BLOCK_LINES):
            best = max(best, max(self.lengths[a : min(a + BLOCK_LINES, stop)], default=0))
        return best

    def find_level(
        self, from_line: int, min_level: int, forward: bool, max_level: int = 255
    ) -> int | None:
        """Next/previous record head with ``min_level <= level <= max_level``.

        One C-level translate + find instead of a Python loop over millions of lines.
        """
        table = bytearray(256)
        for lv in range(min_level, min(max_level, 255) + 1):
            table[lv] = 1
        mask = self.levels.translate(table)
        heads = self.heads
        pos = from_line
        while True:
            if forward:
                pos = mask.find(1, pos + 1)
            else:
                pos = mask.rfind(1, 0, max(pos, 0))
            if pos < 0:
                return None
            if heads[pos]:
                return pos

    def line_at_or_after(self, ts: float) -> int:
        """First line with timestamp >= ts, assuming time order (else a good guess)."""
        return bisect.bisect_left(self.ts, ts)
