"""sources -> parser -> engine/stats -> sink, in batches.

The same pipeline serves every mode; only the sink differs (stdout JSON lines
for ``--headless``/``check``, Textual messages for the TUI).

Threading: in follow mode a :class:`~logwatch_tui.sources.follower.FileFollower`
thread reads bytes and puts chunks on a bounded queue; one pipeline worker
thread parses them, feeds the rule engine and the stats, and calls the sink
with a :class:`PipelineUpdate` at most ``1 / flush_interval`` times a second
(20/s by default) however fast lines arrive. Commands for the engine (rule
edits from the UI) travel through the same queue, so the engine is only ever
touched by the worker thread.
"""

from __future__ import annotations

import dataclasses
import os
import queue
import threading
import time
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import accumulate

from logwatch_tui.core.engine import RuleEngine, RuleNotice
from logwatch_tui.core.formats import format_names, make_format
from logwatch_tui.core.formats.base import LogFormat
from logwatch_tui.core.formats.detect import SourceParser
from logwatch_tui.core.record import AlertEvent, LineBatch, PackedLines
from logwatch_tui.core.rules import Rule
from logwatch_tui.core.stats import Stats, StatsSnapshot
from logwatch_tui.core.store import LineStore
from logwatch_tui.sources.compressed import (
    compressed_siblings,
    split_compressed,
)
from logwatch_tui.sources.file import (
    LineCutter,
    RawChunk,
    SourceEvent,
    expand_specs,
    open_existing,
    read_chunks,
    read_existing,
)
from logwatch_tui.sources.follower import FileFollower
from logwatch_tui.sources.resume import ResumeState
from logwatch_tui.sources.special import (
    format_hint,
    make_source,
    replay_chunks,
    source_name,
    split_specs,
)
from logwatch_tui.sources.stream import StreamSource


@dataclass(slots=True)
class PipelineUpdate:
    """Everything that happened since the previous update."""

    batches: list[LineBatch | PackedLines] = field(default_factory=list)
    """New lines for a store: parsed batches, or packed columns from worker processes."""
    alerts: list[AlertEvent] = field(default_factory=list)
    """Alerts raised by live lines: notify about these."""
    history_alerts: list[AlertEvent] = field(default_factory=list)
    """Alerts found in content that existed at start: show, don't notify."""
    events: list[SourceEvent] = field(default_factory=list)
    stats: StatsSnapshot | None = None
    caught_up: bool = False
    """True once every source's pre-existing content has been read."""
    notices: list[RuleNotice] = field(default_factory=list)
    """Rules the engine disabled, key caps reached: show them to a person."""
    active: tuple[AlertEvent, ...] = ()
    """Snapshot of the alerts firing now with their live counts (``engine.active()``)."""
    fired_counts: Mapping[str, int] = field(default_factory=dict)
    """Snapshot: firings per rule id this session (a copy: safe to read on any thread)."""
    sources: tuple[tuple[str, str], ...] = ()
    """Snapshot: (path, format name) of every source seen so far, in the order seen."""

    def __bool__(self) -> bool:
        return bool(
            self.batches or self.alerts or self.history_alerts or self.events or self.notices
        )


Sink = Callable[[PipelineUpdate], None]
IndexExisting = Callable[["Pipeline", LineCutter, int, threading.Event], bool]
IndexLive = Callable[["Pipeline", RawChunk, Callable[[RawChunk], "RawChunk | None"]], bool]


def source_size(path: str, limit: int | None) -> int:
    """Bytes of ``path`` a replay reads (its size, or ``limit`` if smaller)."""
    try:
        size = os.path.getsize(path)
    except OSError:
        return 0
    return size if limit is None else min(size, limit)


def _limited(chunks: Iterator[RawChunk], limit: int | None) -> Iterator[RawChunk]:
    """Chunks up to byte ``limit`` (cut back to a line end), then stop."""
    for chunk in chunks:
        if limit is None:
            yield chunk
            continue
        room = limit - chunk.offset
        if room <= 0:
            return
        if len(chunk.data) > room:
            cut = chunk.data.rfind(b"\n", 0, room) + 1
            if cut > 0:
                yield dataclasses.replace(chunk, data=chunk.data[:cut])
            return
        yield chunk


def _replayable(spec: str) -> bool:
    """Whether a one-shot replay can read ``spec`` (not a receiver; stdin only
    while no live reader owns it)."""
    from logwatch_tui.sources import stdin
    from logwatch_tui.sources.special import kind_of

    kind = kind_of(spec)
    if kind == "syslog":
        return False
    return not (kind == "stdin" and stdin.is_claimed())


def slice_batch(batch: LineBatch, start: int, end: int) -> LineBatch:
    """Lines ``start:end`` of a batch, as a batch of their own."""
    return LineBatch(
        source=batch.source,
        format=batch.format,
        first_line=batch.first_line + start,
        lines=batch.lines[start:end],
        ts=batch.ts[start:end],
        levels=batch.levels[start:end],
        messages=batch.messages[start:end],
        heads=batch.heads[start:end],
        offsets=batch.offsets[start:end] if batch.offsets is not None else None,
        end_offset=(batch.offsets[end] if end < len(batch) else batch.end_offset)
        if batch.offsets is not None
        else None,
        source_id=batch.source_id,
        parser=batch.parser,
        handle=batch.handle,
    )


def split_lines(data: bytes) -> list[str]:
    """Complete lines of a chunk as text. Invalid UTF-8 becomes U+FFFD; CRLF loses its CR."""
    text = data.decode("utf-8", "replace")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if "\r" in text:
        lines = [ln[:-1] if ln.endswith("\r") else ln for ln in lines]
    return lines


def line_offsets(data: bytes, start: int) -> list[int]:
    """Byte offset of each line start in ``data`` (which begins at ``start``)."""
    parts = data.split(b"\n")
    if parts and parts[-1] == b"":
        parts.pop()
    offs = list(accumulate(map((1).__add__, map(len, parts)), initial=start))
    offs.pop()
    return offs


class Pipeline:
    """Parses sources, runs rules and stats, and hands batches to a sink."""

    def __init__(
        self,
        specs: list[str],
        *,
        sink: Sink,
        rules: Iterable[Rule] = (),
        format_name: str | None = None,
        custom_formats: list[dict] | None = None,
        tail_lines: int | None = None,
        want_offsets: bool = False,
        flush_interval: float = 0.05,
        tick_interval: float = 1.0,
        now: float | None = None,
        use_watchdog: bool = True,
        poll_interval: float = 0.25,
        index_existing: IndexExisting | None = None,
        index_live: IndexLive | None = None,
    ) -> None:
        self.specs = list(specs)
        self.index_existing = index_existing
        """Replays one big file's existing content another way (the TUI passes
        :func:`logwatch_tui.ingest.existing.replay_packed`: worker processes, packed
        columns); False from it: the line path goes on from where the cutter stands."""
        self.index_live = index_live
        """Takes a big appended chunk (and the contiguous ones queued after it, through
        the callable it gets) the same way; False: the line path parses the chunk."""
        self._pushback: object | None = None
        self.sink = sink
        self.engine = RuleEngine(rules)
        self.stats = Stats()
        self.format_name = format_name
        self.custom_formats = custom_formats or []
        self.tail_lines = tail_lines
        self.want_offsets = want_offsets
        self.flush_interval = flush_interval
        self.tick_interval = tick_interval
        self.now = now
        self.use_watchdog = use_watchdog
        self.poll_interval = poll_interval
        self.parsers: dict[str, SourceParser] = {}
        self.source_ids: dict[str, int] = {}
        self._queue: queue.Queue[object] = queue.Queue(maxsize=64)
        self._stop = threading.Event()
        self._worker: threading.Thread | None = None
        self._follower: FileFollower | None = None
        self._streams: list[StreamSource] = []
        self._file_specs: list[str] = []
        self._compressed_specs: list[str] = []
        self.resume: ResumeState | None = None
        self.format_hints: dict[str, tuple[str, ...]] = {}
        """Source name -> the formats its lines can be in (set by stream sources)."""
        """Headless resume: positions of followed files, saved after each flush."""
        self._pending = PipelineUpdate()
        self._last_flush = 0.0
        self._last_rate = 0.0
        self.caught_up = False
        self._awaiting_caught_up: set[str] = set()
        self.error: BaseException | None = None
        # Build the forced format and custom formats once up front: a bad name or a bad
        # custom regex is a usage error now, not a surprise in the worker thread.
        self._make_formats()

    def _make_formats(self) -> tuple[LogFormat | None, list[LogFormat] | None]:
        forced = None
        if self.format_name:
            forced = make_format(self.format_name, custom=self.custom_formats, now=self.now)
        candidates = None
        if self.custom_formats:
            candidates = [
                make_format(n, custom=self.custom_formats, now=self.now)
                for n in format_names(custom=self.custom_formats)
            ]
        return forced, candidates

    # -- parsing -------------------------------------------------------------------------
    def parser_for(self, path: str) -> SourceParser:
        p = self.parsers.get(path)
        if p is None:
            forced, candidates = self._make_formats()
            hint = self.format_hints.get(path)
            if hint and forced is None and candidates is None:
                # a stream source that knows its formats (syslog receiver: RFC 5424 or
                # 3164; journald: json) skips detecting among every format per sender
                candidates = [make_format(n, now=self.now) for n in hint]
            p = SourceParser(path, forced=forced, candidates=candidates, now=self.now)
            self.parsers[path] = p
            self.source_ids[path] = len(self.source_ids)
        return p

    def parse_chunk(self, chunk: RawChunk, *, live: bool) -> LineBatch | None:
        """Parse one chunk into a batch (no engine, no stats)."""
        lines = split_lines(chunk.data)
        if not lines:
            return None
        parser = self.parser_for(chunk.path)
        arrival = time.time() if live else None
        batch = parser.feed(lines, first_line=chunk.first_line, arrival=arrival)
        batch.source_id = self.source_ids[chunk.path]
        batch.handle = chunk.handle
        if self.want_offsets:
            batch.offsets = line_offsets(chunk.data, chunk.offset)
            batch.end_offset = chunk.end_offset
        if chunk.cut and not live:
            # (live chunks: the follower reports the cut itself)
            self._pending.events.append(
                SourceEvent(
                    chunk.path,
                    "cut",
                    f"line {chunk.first_line} of {chunk.path} is longer than the cap: "
                    f"cut, the rest of it skipped",
                    offset=chunk.offset,
                )
            )
        return batch

    def consume(self, batch: LineBatch, *, live: bool) -> None:
        """Feed a parsed batch to the engine and the stats; queue it for the sink."""
        alerts = self.engine.feed(batch)
        self.stats.fold(batch, time.time())
        pending = self._pending
        pending.batches.append(batch)
        if alerts:
            (pending.alerts if live else pending.history_alerts).extend(alerts)
        if self.engine.notices:
            pending.notices.extend(self.engine.take_notices())

    def consume_packed(
        self, packed: PackedLines, candidates: LineBatch, *, live: bool = False
    ) -> None:
        """Lines parsed by worker processes: the engine sees their ``candidates`` (the
        lines some rule may count, with the others' times between them), the sink gets
        the columns. The caller folds the stats from the workers' counts."""
        alerts = self.engine.feed(candidates)
        pending = self._pending
        pending.batches.append(packed)
        if alerts:
            (pending.alerts if live else pending.history_alerts).extend(alerts)
        if self.engine.notices:
            pending.notices.extend(self.engine.take_notices())

    def process_chunk(self, chunk: RawChunk, *, live: bool) -> LineBatch | None:
        """Parse one chunk, feed engine and stats; queue the results for the sink."""
        batch = self.parse_chunk(chunk, live=live)
        if batch is not None:
            self.consume(batch, live=live)
        return batch

    def flush(self, *, force: bool = False, min_interval: float | None = None) -> None:
        """Hand what is pending to the sink (rate-limited unless ``force``: at most one
        update per ``min_interval`` seconds, by default :attr:`flush_interval`)."""
        now = time.monotonic()
        gap = self.flush_interval if min_interval is None else min_interval
        if not force and now - self._last_flush < gap:
            return
        upd = self._pending
        if not upd and not force and self._last_rate == 0.0:
            return  # nothing new, and the rate shown is already 0 (it decays to 0, then rests)
        upd.stats = self.stats.snapshot(time.time())
        self._last_rate = upd.stats.lines_per_sec
        upd.caught_up = self.caught_up
        upd.active = tuple(self.engine.active())
        upd.fired_counts = dict(self.engine.fired_counts)
        upd.sources = tuple((p, pr.format.name) for p, pr in list(self.parsers.items()))
        self._pending = PipelineUpdate()
        self._last_flush = now
        self.sink(upd)
        if self.resume is not None:
            self.resume.commit(force=force)

    # -- replay (check / parse) --------------------------------------------------------------
    def replay(
        self,
        paths: list[str],
        *,
        merge: bool = False,
        limit_bytes: Mapping[str, int] | None = None,
        cancel: threading.Event | None = None,
        progress: Callable[[int, int], None] | None = None,
        on_batch: Callable[[LineBatch], None] | None = None,
        chunk_size: int = 1 << 20,
    ) -> bool:
        """Read files to their end (no following); flush as we go. False if cancelled.

        ``merge``: several files are replayed together in event time — the engine
        sees their records in timestamp order, as they happened (``check``, and the
        rule editor's backtest, so both give the same figures). Otherwise one file
        after another (``parse``). ``limit_bytes`` stops a file at that offset (the
        bytes the app has loaded); ``cancel`` is checked between chunks;
        ``progress(done, total)`` counts bytes; ``on_batch`` sees every batch the
        engine is fed.
        """
        limits = dict(limit_bytes or {})
        total = sum(source_size(p, limits.get(p)) for p in paths)
        done = [0]

        def chunks(path: str) -> Iterator[RawChunk]:
            if not _replayable(path):
                return  # a live receiver or an already-claimed stdin: nothing on disk
            hint = format_hint(path)
            if hint is not None:
                self.format_hints.setdefault(path, hint)
            for chunk in _limited(
                replay_chunks(path, tail_lines=self.tail_lines, chunk_size=chunk_size),
                limits.get(path),
            ):
                if cancel is not None and cancel.is_set():
                    return
                done[0] += len(chunk.data)
                if progress is not None:
                    progress(done[0], total)
                yield chunk

        self._replay_chunks([chunks(p) for p in paths], merge=merge, on_batch=on_batch)
        if cancel is not None and cancel.is_set():
            self.flush(force=True)
            return False
        self._pending.history_alerts.extend(self.engine.finish())
        self.caught_up = True
        self.flush(force=True)
        return True

    def _replay_chunks(
        self,
        sources: list[Iterator[RawChunk]],
        *,
        merge: bool,
        on_batch: Callable[[LineBatch], None] | None = None,
    ) -> None:
        """The one replay path: ``check``, the backtest, and the TUI/headless
        start-up (existing content before following) all feed the engine here."""

        def feed(batch: LineBatch) -> None:
            self.consume(batch, live=False)
            if on_batch is not None:
                on_batch(batch)
            self.flush()

        if merge and len(sources) > 1:
            self._replay_merged(sources, feed)
        else:
            for source in sources:
                for chunk in source:
                    batch = self.parse_chunk(chunk, live=False)
                    if batch is not None:
                        feed(batch)

    def _replay_merged(
        self, sources: list[Iterator[RawChunk]], feed: Callable[[LineBatch], None]
    ) -> None:
        """k-way merge of parsed batches by time, in slices.

        The file with the earliest next record gives every record up to the next
        record of any other file (equal times: the earlier file first); a slice
        is a plain LineBatch of one source, so engine and stats see nothing new.
        """
        feeds = []
        for chunk_iter in sources:
            batches = (
                b for b in (self.parse_chunk(c, live=False) for c in chunk_iter) if b is not None
            )
            feeds.append([batches, None, 0])  # iterator, current batch, position
        while True:
            live = []
            for f in feeds:
                if f[1] is None or f[2] >= len(f[1]):
                    f[1] = next(f[0], None)
                    f[2] = 0
                if f[1] is not None:
                    live.append(f)
            if not live:
                return
            live.sort(key=lambda f: f[1].ts[f[2]])  # stable: equal times keep file order
            first = live[0]
            batch, pos = first[1], first[2]
            limit = live[1][1].ts[live[1][2]] if len(live) > 1 else float("inf")
            end = max(pos + 1, bisect_right(batch.ts, limit, pos))
            while end < len(batch) and not batch.heads[end]:  # keep a record whole
                end += 1
            whole = pos == 0 and end == len(batch)
            feed(batch if whole else slice_batch(batch, pos, end))
            first[2] = end

    # -- follow (TUI / headless) ----------------------------------------------------------
    def start(self) -> None:
        """Start following.

        Stream sources (stdin, journald, receivers) start at once. This pipeline's
        worker thread replays the existing content of every file — rotated
        compressed siblings included — merged in event time, exactly as ``check``
        does, then hands each file's position to a reader thread that follows it.
        A file that headless resume knows is not replayed: the follower starts it
        where the last run stopped and what follows is new.
        """
        file_specs, special = split_specs(self.specs)
        file_specs, compressed = split_compressed(file_specs)
        self._file_specs = file_specs
        self._compressed_specs = list(dict.fromkeys(compressed + compressed_siblings(file_specs)))
        self._streams = [
            make_source(s, self._hinted_put(s), self._put, tail_lines=self.tail_lines)
            for s in special
        ]
        if self.resume is not None:
            for src in self._streams:
                if hasattr(src, "cursor_after"):  # journald: resume after its cursor
                    src.resume_cursor = self.resume.load_cursor(src.spec)
                    self.resume.watch_stream(src.name, src)
        files, _globs = expand_specs(file_specs)
        self._awaiting_caught_up = set(files) | {source_name(s) for s in special}
        if not self._awaiting_caught_up:
            self.caught_up = True
        self._worker = threading.Thread(target=self._run, name="logwatch-pipeline", daemon=True)
        self._worker.start()
        if self.resume is not None:  # lines a rotation carried away while we were down
            for chunk in self.resume.leftovers(files):
                self._put(chunk)
        try:
            for src in self._streams:
                src.start()  # binds receivers now: a taken port is an error here
        except BaseException:
            self.stop()
            raise

    def _replay_existing(self) -> dict[str, LineCutter]:
        """Replay what the files hold now; return where each one stopped."""
        files, _globs = expand_specs(self._file_specs)
        opened: list[tuple[LineCutter, int]] = []
        for path in files:
            try:
                cutter, size = open_existing(path, tail_lines=self.tail_lines)
            except OSError:
                continue  # missing or unreadable: the follower waits and reports
            if (
                self.resume is not None
                and self.resume.start_at(path, cutter.handle, cutter.handle.fstat()) is not None
            ):
                cutter.handle.close()  # resumed: the follower starts it where we stopped
                continue
            opened.append((cutter, size))
        stop = self._stop

        def chunks(cutter: LineCutter, size: int) -> Iterator[RawChunk]:
            for chunk in read_existing(cutter, size):
                if stop.is_set():
                    return
                yield chunk

        def compressed_chunks(path: str) -> Iterator[RawChunk]:
            try:
                for chunk in replay_chunks(path, tail_lines=self.tail_lines):
                    if stop.is_set():
                        return
                    yield chunk
            except Exception as exc:  # unreadable or corrupt archive: say so, go on
                self._pending.events.append(
                    SourceEvent(path, "error", f"cannot read {path}: {exc}")
                )

        if self.index_existing is not None and len(opened) == 1 and not self._compressed_specs:
            cutter, size = opened[0]
            if not self.index_existing(self, cutter, size, stop):
                self._replay_chunks([chunks(cutter, size)], merge=False)
            return {cutter.path: cutter}
        sources = [compressed_chunks(p) for p in self._compressed_specs]
        sources += [chunks(c, size) for c, size in opened]
        self._replay_chunks(sources, merge=True)
        return {c.path: c for c, _size in opened}

    def _start_follower(self, resume: dict[str, LineCutter]) -> None:
        self._follower = FileFollower(
            self._file_specs,
            on_chunk=self._put,
            on_event=self._put,
            tail_lines=self.tail_lines,
            use_watchdog=self.use_watchdog,
            poll_interval=self.poll_interval,
            resume=resume,
            **({"start_at": self.resume.start_at} if self.resume is not None else {}),
        )
        if not self._stop.is_set() and self._file_specs:
            self._follower.start()

    def _hinted_put(self, spec: str) -> Callable[[RawChunk], None]:
        hint = format_hint(spec)
        if hint is None:
            return self._put
        hints = self.format_hints

        def put(chunk: RawChunk) -> None:
            if chunk.path not in hints:
                hints[chunk.path] = hint
            self._put(chunk)

        return put

    @property
    def finished(self) -> bool:
        """True when every source can end by itself (stdin) and all have ended."""
        if not self._streams or self._follower is None or self._follower.paths:
            return False
        return all(s.finite and s.ended.is_set() for s in self._streams)

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        if self._follower is not None:
            self._follower.stop()
        for src in self._streams:
            src.stop()
        try:
            self._queue.put_nowait(None)
        except queue.Full:
            pass
        if self._worker is not None:
            self._worker.join(timeout)

    def drain_and_finish(self, timeout: float = 30.0) -> None:
        """Process everything queued so far and hand it to the sink (a finished stdin)."""
        done = threading.Event()

        def mark() -> None:
            self.flush(force=True)
            done.set()

        self._put(mark)
        done.wait(timeout)

    def call(self, fn: Callable[[], object]) -> None:
        """Run ``fn`` on the worker thread (e.g. a rule edit); never blocks the caller long."""
        self._queue.put(fn)

    def replace_rule(self, rule: Rule) -> None:
        self.call(lambda: self.engine.replace_rule(rule))

    def remove_rule(self, rule_id: str) -> None:
        self.call(lambda: self.engine.remove_rule(rule_id))

    def set_rules(self, rules: list[Rule]) -> None:
        self.call(lambda: self.engine.set_rules(rules))

    def _put(self, item: object) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def _next_chunk(self, prev: RawChunk) -> RawChunk | None:
        """The chunk queued right after ``prev`` if it continues ``prev``'s content
        (for :attr:`index_live`); anything else stays first in line."""
        if self._pushback is not None:
            return None
        try:
            item = self._queue.get_nowait()
        except queue.Empty:
            return None
        if (
            isinstance(item, RawChunk)
            and item.path == prev.path
            and item.handle is prev.handle
            and item.offset == prev.end_offset
            and not item.cut
            and item.initial == prev.initial
        ):
            return item
        self._pushback = item
        return None

    def _run(self) -> None:
        try:
            self._start_follower(self._replay_existing())
            self._loop()
        except BaseException as exc:  # a bug: surface it to the sink instead of dying silently
            self.error = exc
            self._pending.events.append(SourceEvent("", "error", f"pipeline stopped: {exc!r}"))
            self.flush(force=True)

    def _loop(self) -> None:
        get = self._queue.get
        last_tick = time.monotonic()
        while not self._stop.is_set():
            wait = self.flush_interval if self._pending else self.tick_interval
            if self._pushback is not None:
                item, self._pushback = self._pushback, None
            else:
                try:
                    item = get(timeout=wait)
                except queue.Empty:
                    item = None
            if isinstance(item, RawChunk):
                if (
                    self.index_live is None
                    or self.resume is not None  # (it notes every chunk it saves)
                    or not self.index_live(self, item, self._next_chunk)
                ):
                    self.process_chunk(item, live=not item.initial)
                if self.resume is not None:
                    self.resume.note(item)
            elif isinstance(item, SourceEvent):
                self._pending.events.append(item)
                if item.kind in ("rotated", "truncated", "deleted"):
                    p = self.parsers.get(item.path)
                    if p is not None:
                        p.reset()
                if item.kind == "caught-up":
                    # one per path given at start; live from when all have reported
                    self._awaiting_caught_up.discard(item.path)
                    if not self._awaiting_caught_up:
                        self.caught_up = True
                        warm = getattr(self.index_live, "warm", None)
                        if warm is not None:  # its workers start while all is quiet
                            warm(self)
            elif callable(item):
                item()
            mono = time.monotonic()
            if mono - last_tick >= self.tick_interval:
                last_tick = mono
                live = self.engine.advance(time.time())
                if live:
                    self._pending.alerts.extend(live)
                if self.engine.notices:
                    self._pending.notices.extend(self.engine.take_notices())
            if self._queue.empty() or mono - self._last_flush >= self.flush_interval:
                self.flush()
        self.flush(force=True)


def preview_store(
    paths: list[str],
    *,
    lines: int = 500,
    format_name: str | None = None,
    custom_formats: list[dict] | None = None,
) -> LineStore | None:
    """The last ``lines`` lines of each file, parsed, in a small in-memory store.

    Shown at once when a huge file is opened, while the full index loads.
    """
    from logwatch_tui.sources.compressed import is_compressed

    store = LineStore()
    for sid, path in enumerate(paths):
        if is_compressed(path):
            continue  # no quick tail of a compressed file: it shows once decompressed
        forced = make_format(format_name, custom=custom_formats) if format_name else None
        parser = SourceParser(path, forced=forced)
        try:
            for chunk in read_chunks(path, tail_lines=lines):
                batch = parser.feed(split_lines(chunk.data), first_line=chunk.first_line)
                batch.source_id = sid
                store.append(batch)
        except OSError:
            continue
    return store if len(store) else None
