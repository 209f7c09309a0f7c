"""Which kind of message each line of the store is: templates mined over a :class:`LineStore`.

The Patterns view needs three things the bare :class:`PatternMiner` does not
keep: the *records* behind a template (to filter the log view to exactly
them), a way to mine a store that keeps growing (incrementally, in a worker
thread, while the app appends), and a consistent picture for the screen while
that worker runs. This module adds them on top of the miner.

Why it lives outside ``core/``: it reads line text back from the store's file
handles (``pread``) and is driven from a worker thread, with a lock; core stays
pure and single-threaded.

The line column
    One ``array('i')`` entry (4 bytes) per store line: the template id that the
    *record* the line belongs to got when it was mined (the head line and
    every continuation line of a traceback carry the same id; ``-1`` marks a
    continuation line with no head before it, e.g. a file opened in the middle
    of a traceback). Storing the record's id on continuation lines, rather
    than ``-1``, is what makes :meth:`PatternIndex.lines_of` exact with
    several sources: lines of different files interleave in the store, so
    "the head above" is not the record's head; the continuation is attributed
    to the last head *of its own source* once, while mining. Ids are the ids
    the miner returned at that time; templates merge later, so a query maps
    the column through :meth:`PatternMiner.canonical` — over the few distinct
    ids ever seen, not per line — and then selects lines with C-level passes
    (``map(set.__contains__)`` + ``itertools.compress``).

Threads
    :meth:`update` runs in a worker thread while the UI thread appends to the
    store and reads :meth:`summaries`/:meth:`lines_of`. One lock guards the
    miner and the column; it is held per batch of :data:`BATCH_RECORDS`
    records, never for a whole update, so the UI never waits long. The store
    is only read up to the length taken at the start of an update.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress

from logwatch_tui.core.patterns import PatternMiner, Template
from logwatch_tui.core.store import LineStore

__all__ = ["BATCH_RECORDS", "MAX_TEMPLATES", "PatternIndex", "PatternRow"]

BATCH_RECORDS = 8192
"""Records per ``add_many`` call (and per lock hold, per progress report)."""
MAX_TEMPLATES = 5000
"""Live templates kept by the interactive index (the miner evicts the least recent)."""

MessageOf = Callable[[int, str], "str | None"]


@dataclass(frozen=True, slots=True)
class PatternRow:
    """A consistent copy of one template for the screen (the live one keeps changing)."""

    id: int
    text: str
    count: int
    first_seen: float
    last_seen: float
    levels: dict[int, int]
    """Records per level (only levels that occurred)."""
    rate: list[int]
    """Records per bucket, oldest first, ending at :attr:`PatternIndex.newest_ts`."""


class PatternIndex:
    """Templates of a growing :class:`LineStore`, and the lines of each.

    ``message_of(source_id, raw_line)`` returns the parsed message of a head
    line, or None to classify the raw line (a format that does not parse it,
    or no parser at all).
    """

    def __init__(
        self,
        store: LineStore,
        message_of: MessageOf,
        *,
        max_templates: int = MAX_TEMPLATES,
    ) -> None:
        self.store = store
        self.message_of = message_of
        self.miner = PatternMiner(max_templates=max_templates)
        self._ids = array("i")
        """Per store line: the record's template id at mining time (-1: no record)."""
        self._last_by_source: dict[int, int] = {}
        """Template id of the last head mined per source (continuations attach to it)."""
        self._seen: set[int] = set()
        self._first_line: dict[int, int] = {}
        """Raw template id -> first head line mined with it (for a sample message)."""
        self.newest_ts = 0.0
        """Latest record time mined: rates are shown relative to it, not to the wall clock."""
        self._lock = threading.Lock()
        self._update_lock = threading.Lock()

    # -- state ---------------------------------------------------------------------
    @property
    def mined(self) -> int:
        """Store lines covered so far (everything below this line number)."""
        return len(self._ids)

    @property
    def records(self) -> int:
        """Records (head lines) classified so far."""
        return self.miner.lines

    def pending(self) -> int:
        """Store lines not mined yet (a cheap check before starting a worker)."""
        return max(0, self._store_len() - len(self._ids))

    def _store_len(self) -> int:
        # LineStore.append extends its columns one after another and ``heads`` last;
        # from another thread, only lines present in every column are complete.
        s = self.store
        return min(len(s.heads), len(s.ts), len(s.sources), len(s.levels))

    # -- mining ----------------------------------------------------------------------
    def update(
        self,
        cancel: threading.Event | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> None:
        """Mine the lines appended since the last update.

        Safe to call from a worker thread while the store grows: it mines up to
        the length read at the start. Cancelling stops after the current batch;
        what was mined stays mined and the next call continues from there.
        ``progress(done, total)`` is called after each batch, in lines.
        """
        with self._update_lock:
            start = len(self._ids)
            stop = self._store_len()
            if stop <= start:
                return
            total = stop - start
            for first, texts in self.store.iter_text_blocks(start, stop):
                for a in range(0, len(texts), BATCH_RECORDS):
                    if cancel is not None and cancel.is_set():
                        return
                    chunk = texts[a : a + BATCH_RECORDS]
                    self._mine_chunk(first + a, chunk)
                    if progress is not None:
                        progress(len(self._ids) - start, total)

    def _message(self, source_id: int, text: str) -> str:
        try:
            msg = self.message_of(source_id, text)
        except Exception:  # a format bug must not stop mining: classify the raw line
            msg = None
        return msg if msg else text

    def _mine_chunk(self, first: int, texts: list[str]) -> None:
        store = self.store
        n = len(texts)
        stop = first + n
        heads = store.heads[first:stop]
        sources = store.sources[first:stop]
        head_pos = list(compress(range(n), heads))
        message = self._message
        messages = [message(sources[k], texts[k]) for k in head_pos]
        ts_col = store.ts[first:stop]
        lv_col = store.levels[first:stop]
        ts: Sequence[float]
        levels: Sequence[int]
        if len(head_pos) == n:
            ts, levels = ts_col, lv_col
        else:
            ts = [ts_col[k] for k in head_pos]
            levels = [lv_col[k] for k in head_pos]
        with self._lock:
            ids = self.miner.add_many(messages, ts, levels) if messages else []
            if ids:
                new = set(ids) - self._seen
                if new:
                    self._seen |= new
                    for tid in new:
                        self._first_line[tid] = first + head_pos[ids.index(tid)]
                self.newest_ts = max(self.newest_ts, max(ts))
            last = self._last_by_source
            if len(head_pos) == n and sources.count(sources[0]) == n:
                # the common case: one source, no continuation lines
                self._ids.extend(ids)
                last[sources[0]] = ids[-1]
                return
            out = array("i", [-1]) * n
            it = iter(ids)
            for k in range(n):
                src = sources[k]
                if heads[k]:
                    tid = next(it)
                    last[src] = tid
                    out[k] = tid
                else:
                    out[k] = last.get(src, -1)
            self._ids.extend(out)

    # -- queries -----------------------------------------------------------------------
    def templates(self) -> list[Template]:
        """Live templates, most frequent first (live objects: read, do not keep)."""
        with self._lock:
            return self.miner.templates()

    def summaries(
        self, *, buckets: int = 30, bucket_seconds: float = 60.0, limit: int | None = None
    ) -> list[PatternRow]:
        """Templates ranked by count, copied under the lock with their rate series.

        The series ends at :attr:`newest_ts` (the newest record), so an old file
        shows its last half hour and the picture does not depend on the clock.
        """
        with self._lock:
            tpls = self.miner.templates()
            if limit is not None:
                tpls = tpls[:limit]
            end = self.newest_ts
            return [
                PatternRow(
                    id=t.id,
                    text=t.text,
                    count=t.count,
                    first_seen=t.first_seen,
                    last_seen=t.last_seen,
                    levels=t.level_counts,
                    rate=t.rate_series(end, buckets, bucket_seconds),
                )
                for t in tpls
            ]

    def _raw_ids(self, tid: int) -> set[int]:
        """Every id mined so far that now resolves to ``tid`` (call with the lock held)."""
        canonical = self.miner.canonical
        root = canonical(tid)
        return {r for r in self._seen if canonical(r) == root}

    def lines_of(self, tid: int) -> array:
        """Store line numbers of every record whose template is ``tid``, ascending.

        Head lines and their continuation lines (a traceback under an error),
        exactly; lines not mined yet are not included.
        """
        with self._lock:
            wanted = self._raw_ids(tid)
            column = self._ids[:]
        if not wanted:
            return array("q")
        return array("q", compress(range(len(column)), map(wanted.__contains__, column)))

    def template_of_line(self, line: int) -> int | None:
        """Canonical template id of the record that store line ``line`` belongs to."""
        with self._lock:
            if not 0 <= line < len(self._ids) or self._ids[line] < 0:
                return None
            return self.miner.canonical(self._ids[line])

    def sample_message(self, tid: int) -> str:
        """The message of the first record mined with template ``tid`` ("" if unknown)."""
        with self._lock:
            root = self.miner.canonical(tid)
            lines = [self._first_line[r] for r in self._raw_ids(root) if r in self._first_line]
        if not lines:
            return ""
        line = min(lines)
        store = self.store
        return self._message(store.sources[line], store.text(line))
