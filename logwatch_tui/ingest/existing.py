"""A big file's existing content, indexed by worker processes (the TUI's start-up).

The pipeline thread reads the first megabyte itself, through the line-by-line path:
that settles the format (and syslog's year) exactly as before. If the format
compiles for the columnar path (:func:`~logwatch_tui.core.formats.columnar.compile_columnar`),
the rest of the file — up to its last complete line — is cut into byte ranges that
worker processes parse (:func:`~logwatch_tui.ingest.packed.pack_range`) into packed
columns. The pipeline thread then, per range, in file order:

* feeds the rule engine the range's *candidate* lines (the lines some rule may
  count, pre-selected in the worker as ``check`` does), with the left-out lines'
  largest time between them, so every line is seen by the rules exactly once and
  the engine's answer is its own;
* folds the stats from the worker's counts;
* queues the columns (:class:`~logwatch_tui.core.record.PackedLines`) for the sink,
  where the store appends them with a few C-level copies.

So the UI process never parses the bulk of the file and never holds its GIL for
more than a few milliseconds at a time; the workers (their own processes, their
own GILs) do. A range the workers cannot cover (another shape, a year rollover,
a line past the cap, the file changing underneath) hands the rest of the file
back to the line-by-line path, from that range on: never a different answer.

Workers open the file through ``/proc/<pid>/fd/<fd>`` — the very content the
pipeline opened, even if the name is rotated meanwhile.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import stat
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

from logwatch_tui.core.formats.columnar import HALF_YEAR, compile_columnar
from logwatch_tui.core.record import PackedLines
from logwatch_tui.ingest.check import line_ranges, probes_for, workers_wanted
from logwatch_tui.ingest.summary import candidate_batch
from logwatch_tui.sources.content import HEAD_BYTES
from logwatch_tui.sources.lines import LINE_CAP, LineCutter

if TYPE_CHECKING:
    from logwatch_tui.ingest.summary import PackedRange
    from logwatch_tui.pipeline import Pipeline

_log = logging.getLogger(__name__)

FIRST_CHUNK = 256 << 10
"""Read by the pipeline thread itself: it settles the format (detection samples 200 lines)."""
RANGE_BYTES = 4 << 20
"""Bytes per worker task (~50k lines): the UI applies one in a few ms."""
MIN_BYTES = 16 << 20
"""Smaller files stay on the line-by-line path (starting workers costs more)."""
NICE_ENV = "LOGWATCH_INGEST_NICE"
"""Niceness added to the workers (default 0)."""
WORKERS_ENV = "LOGWATCH_INGEST_WORKERS"
"""Worker processes for the columnar index (default: the CPUs this process may use);
``0`` turns the columnar index off."""


def wanted_workers() -> int:
    raw = os.environ.get(WORKERS_ENV)
    if raw is not None:
        try:
            return max(0, int(raw))
        except ValueError:
            pass
    return workers_wanted()


def _reader_path(cutter: LineCutter) -> str:
    """A name other processes can open the cutter's very content by."""
    proc = f"/proc/{os.getpid()}/fd/{cutter.handle.fd}"
    try:
        st = os.stat(proc)
    except OSError:
        return cutter.handle.path
    if (st.st_dev, st.st_ino) == cutter.handle.key:
        return proc
    return cutter.handle.path


def _last_line_end(cutter: LineCutter, size: int) -> int:
    """Offset just past the last newline before ``size`` (the unfinished line after it
    stays for the follower, as the line path leaves it pending)."""
    pos = size
    while pos > cutter.offset:
        a = max(cutter.offset, pos - 65536)
        window = cutter.handle.pread(pos - a, a)
        k = window.rfind(b"\n")
        if k >= 0:
            return a + k + 1
        pos = a
    return cutter.offset


def spawn_workers(n: int):
    """``n`` worker processes for :func:`~logwatch_tui.ingest.packed.pack_task` (None: cannot)."""
    from logwatch_tui.ingest.workers import WorkerSet

    try:
        nice = int(os.environ.get(NICE_ENV, "0"))
    except ValueError:
        nice = 0
    try:
        # named, not imported: importing it here would load numpy into the UI process
        return WorkerSet(n, "logwatch_tui.ingest.packed:pack_task", nice=nice)
    except OSError as exc:
        _log.warning("no worker processes (%s): the line-by-line path indexes the file", exc)
        return None


def replay_packed(
    pipe: Pipeline,
    cutter: LineCutter,
    size: int,
    stop: threading.Event,
    *,
    early: EarlyIndex | None = None,
    workers: int | None = None,
    range_bytes: int = RANGE_BYTES,
    min_bytes: int = MIN_BYTES,
) -> bool:
    """Replay ``cutter``'s content up to ``size`` through worker processes.

    True: done — the cutter stands after the last complete line. False: the line
    path should go on from where the cutter stands (too small, a format without a
    columnar parser, or a range the workers could not cover). ``early``: ranges
    parsed since launch (:class:`EarlyIndex`), used if they are of this very content.
    """
    if early is None and size - cutter.read_pos < min_bytes:
        return False
    if cutter.handle.cr_line_ends:  # workers cut at LF; the line path reads CR as LF
        if early is not None:
            early.cancel()
        return False
    n = wanted_workers() if workers is None else workers
    if n <= 0:
        if early is not None:
            early.cancel()
        return False
    pool = (
        spawn_workers(n) if early is None else None
    )  # now: their start-up overlaps the first chunk
    try:
        if early is None and pool is None:
            return False
        data = cutter.handle.pread(min(FIRST_CHUNK, size - cutter.read_pos), cutter.read_pos)
        for chunk in cutter.feed(data):
            pipe.process_chunk(chunk, live=False)
            pipe.flush()
        parser = pipe.parser_for(cutter.path)
        plan = compile_columnar(parser)
        if plan is None or stop.is_set():
            return False
        index = _Index(pipe, cutter, parser, plan, stop)
        if early is not None:
            if early.matches(cutter, plan, index.probes, size):
                _log.info("%s: columnar index from launch", cutter.path)
                if not index.consume(early.results(), early.end):
                    return False
                if stop.is_set():
                    return True
            early.cancel()
        end = _last_line_end(cutter, size)
        if end - cutter.offset < min_bytes:  # (what grew since launch) the line path reads it
            return False
        if pool is None:
            pool = spawn_workers(n)
            if pool is None:
                return False
        reader = _reader_path(cutter)
        tasks = [
            (reader, a, b, plan, index.probes, pipe.stats.bucket_seconds, LINE_CAP)
            for a, b in line_ranges(reader, cutter.offset, end, range_bytes)
        ]
        _log.info("%s: columnar index, %d byte ranges", cutter.path, len(tasks))
        return index.consume(_until_failure(pool.map(tasks), cutter.offset), end)
    finally:
        if pool is not None:
            pool.close()
        if early is not None:
            early.cancel()


def _until_failure(results: Iterator[PackedRange], offset: int) -> Iterator[PackedRange]:
    """The ranges, then — if a worker process dies — one uncovered range where they
    stopped: the line path takes over from there instead of the pipeline failing."""
    from logwatch_tui.ingest.summary import PackedRange

    try:
        for rng in results:
            offset = rng.end
            yield rng
    except (EOFError, OSError, pickle.UnpicklingError) as exc:
        _log.warning("worker processes failed (%r): the line path goes on", exc)
        yield PackedRange(offset, offset, False, "worker processes failed")


def starts_a_year_back(plan, last: float | None, rng: PackedRange) -> bool:
    """A syslog range whose first time is half a year before the last one applied: the
    year rolled over on a range boundary, and the workers parsed it with the old year."""
    return bool(
        plan.kind == "bsd-syslog"
        and rng.lines
        and last is not None
        and rng.first_epoch is not None
        and rng.first_epoch <= last - HALF_YEAR
    )


def hand_over(
    pipe: Pipeline,
    rng: PackedRange,
    *,
    path: str,
    fmt,
    first_line: int,
    end_offset: int,
    source_id: int,
    handle,
    live: bool = False,
) -> None:
    """One parsed range to the pipeline: its packed columns for the sink, its candidate
    lines for the engine, its counts for the stats (arrival now, as the line path
    folds every batch: the rate shows the indexing)."""
    packed = PackedLines(
        source=path,
        format=fmt.name,
        first_line=first_line,
        count=rng.lines,
        offsets=rng.offsets,
        lengths=rng.lengths,
        ts=rng.epochs,
        levels=rng.levels,
        end_offset=end_offset,
        source_id=source_id,
        parser=fmt,
        handle=handle,
        longest=rng.longest,
    )
    pipe.stats.fold_counts(
        rng.lines, rng.counts, rng.series, rng.min_epoch, rng.max_epoch, time.time()
    )
    pipe.consume_packed(packed, candidate_batch(rng, path, fmt), live=live)


class _Index:
    """Feeds parsed ranges of one content to the pipeline, in file order."""

    def __init__(self, pipe: Pipeline, cutter: LineCutter, parser, plan, stop) -> None:
        self.pipe = pipe
        self.cutter = cutter
        self.parser = parser
        self.plan = plan
        self.stop = stop
        self.fmt = parser.format
        self.probes = probes_for(pipe.engine.rules, cutter.path)
        self.source_id = pipe.source_ids[cutter.path]
        self.last = plan.last_epoch
        self.prev_last_line = ""

    def consume(self, results: Iterator[PackedRange], end: int) -> bool:
        """True: every range up to ``end`` is in (the cutter stands at ``end``). False:
        a range the workers could not cover; the cutter stands at its start."""
        pipe, cutter, plan, fmt = self.pipe, self.cutter, self.plan, self.fmt
        done_lines = 0
        for rng in results:
            if self.stop.is_set():
                return True  # shutting down: nothing more is shown
            rollover = rng.covered and starts_a_year_back(plan, self.last, rng)
            if not rng.covered or rollover:
                why = rng.reason or "a year rollover"
                _log.info("%s: line-by-line path from byte %d (%s)", cutter.path, rng.offset, why)
                cutter.advance(rng.offset, done_lines)
                if self.prev_last_line:  # the format's year state goes on from the line before
                    self.parser.feed([self.prev_last_line], first_line=cutter.next_line - 1)
                return False
            if not rng.lines:
                continue
            if plan.kind == "bsd-syslog":
                self.last = rng.last_epoch
            hand_over(
                pipe,
                rng,
                path=cutter.path,
                fmt=fmt,
                first_line=cutter.next_line + done_lines,
                end_offset=rng.end,
                source_id=self.source_id,
                handle=cutter.view,
            )
            pipe.flush()
            done_lines += rng.lines
            self.prev_last_line = rng.last_line
        cutter.advance(end, done_lines)
        return True


_END = "end"
_FAILED = "failed"


class EarlyIndex:
    """Worker processes set to work at launch, before the UI is up.

    Importing and starting the UI takes a second or more; a big file's ranges are
    parsed meanwhile, with a parser of the same format settled on the same first
    chunk. The pipeline uses the results only if they are of the very content it
    opened (same device and inode, same first bytes, same plan and rule probes);
    else it cancels them and indexes as usual. Results wait in memory (~21 B per
    line) until the pipeline takes them.
    """

    def __init__(
        self,
        path: str,
        *,
        rules,
        format_name: str | None = None,
        custom_formats: list[dict] | None = None,
        workers: int | None = None,
        range_bytes: int = RANGE_BYTES,
        min_bytes: int = MIN_BYTES,
        bucket_seconds: float = 5.0,
    ) -> None:
        self.path = path
        self.end = 0
        self._key: tuple | None = None
        self._results: queue.Queue = queue.Queue()
        self._ready = threading.Event()
        self._cancel = threading.Event()
        self._args = (list(rules), format_name, custom_formats or [], workers, range_bytes)
        self._min_bytes = min_bytes
        self._bucket = bucket_seconds
        self._thread = threading.Thread(target=self._run, name="logwatch-early-index", daemon=True)
        self._thread.start()

    @classmethod
    def for_sources(cls, paths: list[str], **kw) -> EarlyIndex | None:
        """An early index when the sources are one big plain file (what the pipeline
        hands to :func:`replay_packed`), else None."""
        from logwatch_tui.sources.compressed import compressed_siblings, is_compressed

        if len(paths) != 1 or wanted_workers() <= 0:
            return None
        path = paths[0]
        try:
            st = os.stat(path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode) or st.st_size < kw.get("min_bytes", MIN_BYTES):
            return None
        if is_compressed(path) or compressed_siblings([path]):
            return None
        from logwatch_tui.sources.content import file_lines_end_in_cr

        if file_lines_end_in_cr(path):  # workers cut at LF
            return None
        return cls(path, **kw)

    def _run(self) -> None:
        from logwatch_tui.core.formats import format_names, make_format
        from logwatch_tui.core.formats.detect import SourceParser
        from logwatch_tui.pipeline import split_lines
        from logwatch_tui.sources.file import FileHandle

        rules, format_name, custom, workers, range_bytes = self._args
        handle = pool = None
        try:
            handle = FileHandle.open(self.path)
            st = handle.fstat()
            if not stat.S_ISREG(st.st_mode) or st.st_size < self._min_bytes:
                return
            data = handle.pread(FIRST_CHUNK, 0)
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                return
            forced = make_format(format_name, custom=custom) if format_name else None
            cands = (
                [make_format(n, custom=custom) for n in format_names(custom=custom)]
                if custom
                else None
            )
            parser = SourceParser(self.path, forced=forced, candidates=cands)
            parser.feed(split_lines(data[:cut]), first_line=1)
            plan = compile_columnar(parser)
            if plan is None or self._cancel.is_set():
                return
            end = st.st_size
            while end > cut:
                a = max(cut, end - 65536)
                k = handle.pread(end - a, a).rfind(b"\n")
                if k >= 0:
                    end = a + k + 1
                    break
                end = a
            if end <= cut:
                return
            reader = f"/proc/{os.getpid()}/fd/{handle.fd}"
            if not os.path.exists(reader):
                reader = self.path
            probes = probes_for(rules, self.path)
            tasks = [
                (reader, a, b, plan, probes, self._bucket, LINE_CAP)
                for a, b in line_ranges(reader, cut, end, range_bytes)
            ]
            pool = spawn_workers(wanted_workers() if workers is None else workers)
            if pool is None:
                return
            self.end = end
            self._key = (handle.key, data[:HEAD_BYTES], cut, plan, probes)
            self._ready.set()
            for rng in pool.map(tasks):
                if self._cancel.is_set():
                    return
                self._results.put(rng)
            self._results.put(_END)
        except Exception as exc:  # the pipeline then indexes as usual
            _log.info("%s: early index stopped (%r)", self.path, exc)
            self._results.put(_FAILED)
        finally:
            self._ready.set()
            if pool is not None:
                pool.close()
            if handle is not None:
                handle.close()

    def started(self, timeout: float = 30.0) -> bool:
        """Whether workers are parsing (the file was big and of a columnar format)."""
        self._ready.wait(timeout)
        return self._key is not None and not self._cancel.is_set()

    def matches(self, cutter: LineCutter, plan, probes, size: int, timeout: float = 30.0) -> bool:
        """Whether the ranges are of ``cutter``'s content, cut after the same first chunk."""
        self._ready.wait(timeout)
        key = self._key
        if key is None or self._cancel.is_set():
            return False
        ident, head, cut, eplan, eprobes = key
        return (
            ident == cutter.handle.key
            and bytes(cutter.head) == head[: len(cutter.head)]
            and cut == cutter.offset
            and eplan == plan
            and eprobes == probes
            and self.end <= size
        )

    def results(self) -> Iterator[PackedRange]:
        """The parsed ranges in file order (blocking until each is ready)."""
        from logwatch_tui.ingest.summary import PackedRange

        assert self._key is not None
        offset = self._key[2]
        while True:
            rng = self._results.get()
            if rng is _END:
                return
            if rng is _FAILED:
                yield PackedRange(offset, offset, False, "the early index stopped")
                return
            offset = rng.end
            yield rng

    def cancel(self) -> None:
        """Stop the workers and drop what they parsed (idempotent)."""
        self._cancel.set()
        self._ready.set()
        try:
            while True:
                self._results.get_nowait()
        except queue.Empty:
            pass


__all__ = [
    "MIN_BYTES",
    "RANGE_BYTES",
    "EarlyIndex",
    "replay_packed",
    "spawn_workers",
    "wanted_workers",
]
