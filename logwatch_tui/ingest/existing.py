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
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from logwatch_tui.core.formats.columnar import HALF_YEAR, compile_columnar
from logwatch_tui.core.record import LineBatch, PackedLines
from logwatch_tui.ingest.check import line_ranges, probes_for, workers_wanted
from logwatch_tui.sources.lines import LINE_CAP, LineCutter

if TYPE_CHECKING:
    from logwatch_tui.ingest.packed import PackedRange
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


def compact_batch(rng: PackedRange, source: str, fmt) -> LineBatch:
    """The range as the engine needs it: candidates, with the left-out lines' max time."""
    lines: list[str] = []
    ts: list[float] = []
    levels: list[int] = []
    msgs: list[str | None] = []
    heads: list[bool] = []
    for c in rng.candidates:
        if c.gap_max is not None:  # lines left out before this one: only their time matters
            lines.append("")
            ts.append(c.gap_max)
            levels.append(0)
            msgs.append(None)
            heads.append(False)
        lines.append(c.line)
        ts.append(c.epoch)
        levels.append(c.level)
        msgs.append(c.message)
        heads.append(True)
    if rng.tail_max is not None:
        lines.append("")
        ts.append(rng.tail_max)
        levels.append(0)
        msgs.append(None)
        heads.append(False)
    return LineBatch(
        source=source,
        format=fmt.name,
        first_line=1,
        lines=lines,
        ts=ts,
        levels=levels,
        messages=msgs,
        heads=heads,
        parser=fmt,
    )


def replay_packed(
    pipe: Pipeline,
    cutter: LineCutter,
    size: int,
    stop: threading.Event,
    *,
    workers: int | None = None,
    range_bytes: int = RANGE_BYTES,
    min_bytes: int = MIN_BYTES,
) -> bool:
    """Replay ``cutter``'s content up to ``size`` through worker processes.

    True: done — the cutter stands after the last complete line. False: the line
    path should go on from where the cutter stands (too small, a format without a
    columnar parser, or a range the workers could not cover).
    """
    if size - cutter.read_pos < min_bytes:
        return False
    n = wanted_workers() if workers is None else workers
    if n <= 0:
        return False
    from logwatch_tui.ingest.packed import pack_task
    from logwatch_tui.ingest.workers import WorkerSet

    try:
        nice = int(os.environ.get(NICE_ENV, "0"))
    except ValueError:
        nice = 0
    try:
        pool = WorkerSet(n, pack_task, nice=nice)
    except OSError as exc:
        _log.warning("no worker processes (%s): the line-by-line path indexes the file", exc)
        return False
    try:
        return _replay(pipe, cutter, size, stop, pool, range_bytes)
    except (EOFError, OSError) as exc:
        _log.warning("worker processes failed (%s)", exc)
        raise
    finally:
        pool.close()


def _replay(
    pipe: Pipeline, cutter: LineCutter, size: int, stop: threading.Event, pool, range_bytes: int
) -> bool:
    data = cutter.handle.pread(min(FIRST_CHUNK, size - cutter.read_pos), cutter.read_pos)
    for chunk in cutter.feed(data):
        pipe.process_chunk(chunk, live=False)
        pipe.flush()
    parser = pipe.parser_for(cutter.path)
    plan = compile_columnar(parser)
    if plan is None or stop.is_set():
        return False
    end = _last_line_end(cutter, size)
    start = cutter.offset
    if end <= start:
        return False
    reader = _reader_path(cutter)
    ranges = line_ranges(reader, start, end, range_bytes)
    fmt = parser.format
    probes = probes_for(pipe.engine.rules, cutter.path)
    bucket = pipe.stats.bucket_seconds
    tasks = [(reader, a, b, plan, probes, bucket, LINE_CAP) for a, b in ranges]
    _log.info("%s: columnar index, %d byte ranges after the first chunk", cutter.path, len(tasks))
    source_id = pipe.source_ids[cutter.path]
    last = plan.last_epoch
    done_lines = 0
    prev_last_line = ""
    results: Iterator[PackedRange] = pool.map(tasks)
    for rng in results:
        if stop.is_set():
            return True  # shutting down: nothing more is shown
        rollover = (
            plan.kind == "bsd-syslog"
            and rng.covered
            and rng.lines
            and last is not None
            and rng.first_epoch is not None
            and rng.first_epoch <= last - HALF_YEAR
        )
        if not rng.covered or rollover:
            why = rng.reason or "a year rollover"
            _log.info("%s: line-by-line path from byte %d (%s)", cutter.path, rng.offset, why)
            cutter.advance(rng.offset, done_lines)
            if prev_last_line:  # the format's year state continues from the line before
                parser.feed([prev_last_line], first_line=cutter.next_line - 1)
            return False
        if not rng.lines:
            continue
        if plan.kind == "bsd-syslog":
            last = rng.last_epoch
        packed = PackedLines(
            source=cutter.path,
            format=fmt.name,
            first_line=cutter.next_line + done_lines,
            count=rng.lines,
            offsets=rng.offsets,
            lengths=rng.lengths,
            ts=rng.epochs,
            levels=rng.levels,
            end_offset=rng.end,
            source_id=source_id,
            parser=fmt,
            handle=cutter.view,
        )
        pipe.stats.fold_counts(rng.lines, rng.counts, rng.series, rng.min_epoch, rng.max_epoch)
        pipe.consume_packed(packed, compact_batch(rng, cutter.path, fmt))
        pipe.flush()
        done_lines += rng.lines
        prev_last_line = rng.last_line
    cutter.advance(end, done_lines)
    return True


__all__ = ["MIN_BYTES", "RANGE_BYTES", "compact_batch", "replay_packed"]
