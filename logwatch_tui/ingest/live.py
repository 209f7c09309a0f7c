"""Big bursts of appended lines, parsed by worker processes (the TUI while following).

When a followed file grows by megabytes at once (a batch job's output, a log copied
in), the follower delivers 1 MB chunks one after another. :class:`LiveIndex` takes
such a chunk and the contiguous chunks queued behind it (up to :data:`BURST`), has
worker processes parse them from the file (the bytes the follower read, at the same
offsets: each worker's CRC-32 must equal the chunk's, or the chunk is parsed from
memory by the line path), and hands the pipeline packed columns and candidate
lines, as :func:`~logwatch_tui.ingest.existing.replay_packed` does for existing
content. Small chunks (a live log's usual trickle) stay on the line path: the
round trip to a worker would cost more than it saves.

The workers start once the pipeline has caught up with a source the columnar
path covers (:meth:`LiveIndex.warm`: their start-up, ~0.3 s of CPU each, is then
paid while nothing is happening, not when the burst arrives), or else on the first
burst, and stay for the session (killed with the pipeline's :meth:`close`).
"""

from __future__ import annotations

import logging
import os
import time
import zlib
from collections.abc import Callable

from logwatch_tui.core.formats.columnar import HALF_YEAR, compile_columnar
from logwatch_tui.core.record import PackedLines
from logwatch_tui.ingest.check import probes_for
from logwatch_tui.ingest.existing import spawn_workers, wanted_workers
from logwatch_tui.ingest.summary import candidate_batch
from logwatch_tui.sources.content import RawChunk
from logwatch_tui.sources.lines import LINE_CAP

_log = logging.getLogger(__name__)

MIN_CHUNK = 512 << 10
"""Smaller appended chunks stay on the line path."""
MIN_BURST = 8 << 20
"""Bytes queued at once that make it worth starting the workers (~0.3 s of CPU each)."""
BURST = 16
"""Chunks (~1 MB each) sent to the workers in one round."""


class LiveIndex:
    """The pipeline's ``index_live`` hook (see :class:`~logwatch_tui.pipeline.Pipeline`)."""

    def __init__(
        self,
        *,
        workers: int | None = None,
        min_chunk: int = MIN_CHUNK,
        min_burst: int = MIN_BURST,
    ) -> None:
        self._n = wanted_workers() if workers is None else workers
        self._min_chunk = min_chunk
        self._min_burst = min_burst
        self._pool = None
        self._failed = False

    def warm(self, pipe) -> None:
        """Start the workers now if a followed source is one the columnar path covers
        (called by the pipeline thread once it has caught up with its sources)."""
        if self._n <= 0 or self._failed or self._pool is not None:
            return
        if not any(compile_columnar(p) is not None for p in list(pipe.parsers.values())):
            return
        self._pool = spawn_workers(self._n)
        if self._pool is None:
            self._failed = True

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def __call__(self, pipe, chunk: RawChunk, more: Callable[[RawChunk], RawChunk | None]) -> bool:
        if self._n <= 0 or self._failed or chunk.cut or len(chunk.data) < self._min_chunk:
            return False
        parser = pipe.parsers.get(chunk.path)
        if parser is None:
            return False  # a source's first chunk: the line path settles its format
        plan = compile_columnar(parser)
        holder = getattr(chunk.handle, "holder", None)
        if plan is None or holder is None or holder.fd < 0:
            return False
        if getattr(holder, "cr_line_ends", False):  # workers cut at LF
            return False
        reader = f"/proc/{os.getpid()}/fd/{holder.fd}"
        if not os.path.exists(reader):
            return False
        chunks = [chunk]
        while len(chunks) < BURST:
            nxt = more(chunks[-1])
            if nxt is None:
                break
            chunks.append(nxt)
        if self._pool is None:
            try:  # what is queued, and what the file holds beyond it (not read yet)
                backlog = holder.fstat().st_size - chunks[-1].end_offset
            except (OSError, ValueError):
                backlog = 0
            if sum(len(c.data) for c in chunks) + max(0, backlog) < self._min_burst:
                for c in chunks:  # not worth starting workers for
                    pipe.process_chunk(c, live=not c.initial)
                    pipe.flush()
                return True
            self._pool = spawn_workers(self._n)
            if self._pool is None:
                self._failed = True
                for c in chunks:
                    pipe.process_chunk(c, live=not c.initial)
                    pipe.flush()
                return True
        probes = probes_for(pipe.engine.rules, chunk.path)
        bucket = pipe.stats.bucket_seconds
        tasks = [
            (reader, c.offset, c.offset + len(c.data), plan, probes, bucket, LINE_CAP)
            for c in chunks
        ]
        # every result in before any is applied (applying each as it came measured
        # slower: more redraws while the workers still run)
        results = iter(list(self._results(tasks)))
        self._apply(pipe, parser, plan, chunks, results)
        return True

    def _results(self, tasks: list):
        pool = self._pool
        try:
            yield from pool.map(tasks)
        except (EOFError, OSError) as exc:
            _log.warning("worker processes failed (%s): appended lines parsed here", exc)
            self.close()
            self._failed = True

    def _apply(self, pipe, parser, plan, chunks: list[RawChunk], results) -> None:
        fmt = parser.format
        last = plan.last_epoch
        last_line = ""
        source_id = pipe.source_ids[chunks[0].path]
        for k, c in enumerate(chunks):
            rng = next(results, None)
            live = not c.initial
            ok = (
                rng is not None
                and rng.covered
                and rng.crc == zlib.crc32(c.data)
                and not (
                    plan.kind == "bsd-syslog"
                    and rng.lines
                    and last is not None
                    and rng.first_epoch is not None
                    and rng.first_epoch <= last - HALF_YEAR
                )
            )
            if not ok:
                # this chunk and the rest from memory, through the line path (whose
                # format state goes on from the line before: a rollover is seen there)
                if last_line:
                    parser.feed([last_line], first_line=max(1, c.first_line - 1))
                for rest in chunks[k:]:
                    pipe.process_chunk(rest, live=not rest.initial)
                    pipe.flush()
                return
            if not rng.lines:
                continue
            if plan.kind == "bsd-syslog":
                last = rng.last_epoch
            packed = PackedLines(
                source=c.path,
                format=fmt.name,
                first_line=c.first_line,
                count=rng.lines,
                offsets=rng.offsets,
                lengths=rng.lengths,
                ts=rng.epochs,
                levels=rng.levels,
                end_offset=c.end_offset,
                source_id=source_id,
                parser=fmt,
                handle=c.handle,
            )
            pipe.stats.fold_counts(
                rng.lines,
                rng.counts,
                rng.series,
                rng.min_epoch,
                rng.max_epoch,
                time.time(),
            )
            pipe.consume_packed(packed, candidate_batch(rng, c.path, fmt), live=live)
            pipe.flush()
            last_line = rng.last_line
        if last_line:  # the format's state (syslog's year) goes on from the last line
            parser.feed([last_line], first_line=max(1, chunks[-1].first_line))


__all__ = ["BURST", "MIN_CHUNK", "LiveIndex"]
