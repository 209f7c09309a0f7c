"""Big bursts of appended lines, parsed by worker processes (the TUI while following).

When a followed file grows by megabytes at once (a batch job's output, a log copied
in), the follower delivers 1 MB chunks one after another. :class:`LiveIndex` streams
such a chunk and the contiguous chunks queued behind it to worker processes: each
is sent as soon as the follower has queued it, so the workers never wait for the
pipeline to apply a whole round, and the results are applied in order as they come
back. The workers parse the chunks from the file (the bytes the follower read, at the
same offsets: each worker's CRC-32 must equal the chunk's, or the chunk and those
after it are parsed from memory by the line path) and the pipeline gets packed
columns and candidate lines, as :func:`~logwatch_tui.ingest.existing.replay_packed`
gives for existing content. The screen is updated every :data:`FLUSH_EVERY` seconds
during a burst (each update redraws it) and at once when it ends. Small chunks (a
live log's usual trickle) stay on the line path: the round trip to a worker would
cost more than it saves.

The workers start once the pipeline has caught up with a source the columnar
path covers (:meth:`LiveIndex.warm`: their start-up, ~0.3 s of CPU each, is then
paid while nothing is happening, not when the burst arrives), or else on the first
burst, and stay for the session (killed with the pipeline's :meth:`close`).
"""

from __future__ import annotations

import logging
import os
import pickle
import time
import zlib
from collections import deque
from collections.abc import Callable

from logwatch_tui.core.formats.columnar import compile_columnar
from logwatch_tui.ingest.check import probes_for
from logwatch_tui.ingest.existing import (
    hand_over,
    spawn_workers,
    starts_a_year_back,
    wanted_workers,
)
from logwatch_tui.sources.content import RawChunk
from logwatch_tui.sources.lines import LINE_CAP

_log = logging.getLogger(__name__)

MIN_CHUNK = 512 << 10
"""Smaller appended chunks stay on the line path."""
MIN_BURST = 8 << 20
"""Bytes queued at once that make it worth starting the workers (~0.3 s of CPU each)."""
BURST = 16
"""Chunks (~1 MB each) looked at to decide whether a burst is worth starting workers."""
FLUSH_EVERY = 0.3
"""Seconds between updates to the screen while a burst is parsed (each one redraws)."""
STREAM_SECONDS = 1.0
"""A burst takes no new chunk after this long: the pipeline's loop runs in between (its
clock ticks, rule edits, source events), then the next chunk streams on."""


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
        if self._pool is None:
            while len(chunks) < BURST:
                nxt = more(chunks[-1])
                if nxt is None:
                    break
                chunks.append(nxt)
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
        self._stream(pipe, parser, plan, reader, chunks, more)
        return True

    def _stream(self, pipe, parser, plan, reader: str, chunks: list[RawChunk], more) -> None:
        """Keep the workers busy while results are applied: each chunk is sent as soon
        as the follower has queued it (up to the pool's depth in flight), and each
        result is applied, in order, as it comes back."""
        pool = self._pool
        probes = probes_for(pipe.engine.rules, chunks[0].path)
        bucket = pipe.stats.bucket_seconds
        waiting = deque(chunks)  # taken from the queue, not sent yet
        sent: deque[RawChunk] = deque()  # sent, result not applied yet
        taken = chunks[-1]
        state = _Applied(parser, plan, pipe.source_ids[chunks[0].path])
        until = time.monotonic() + STREAM_SECONDS
        try:
            while True:
                while len(sent) < pool.depth:
                    if not waiting:
                        if time.monotonic() >= until:
                            break
                        nxt = more(taken)
                        if nxt is None:
                            break
                        waiting.append(nxt)
                        taken = nxt
                    c = waiting.popleft()
                    sent.append(c)  # (before it is sent: if sending fails, it is not lost)
                    pool.submit(
                        (reader, c.offset, c.offset + len(c.data), plan, probes, bucket, LINE_CAP)
                    )
                if not sent:
                    break
                rng = pool.receive()
                c = sent.popleft()
                if not state.apply(pipe, c, rng):
                    pool.drain()
                    self._line_path(pipe, state, [c, *sent, *waiting])
                    return
                pipe.flush(min_interval=FLUSH_EVERY)
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            _log.warning("worker processes failed (%s): appended lines parsed here", exc)
            self.close()
            self._failed = True
            self._line_path(pipe, state, [*sent, *waiting])
            return
        state.settle()
        pipe.flush(force=True)  # the burst's last lines on screen now, not a tick later

    @staticmethod
    def _line_path(pipe, state: _Applied, rest: list[RawChunk]) -> None:
        """These chunks from memory, through the line path (whose format state goes on
        from the line before: a rollover is seen there)."""
        state.settle()
        for c in rest:
            pipe.process_chunk(c, live=not c.initial)
            pipe.flush()


class _Applied:
    """What a burst's applied results leave for the next one: the last epoch (a syslog
    year rollover sends the rest to the line path) and the last line."""

    def __init__(self, parser, plan, source_id: int) -> None:
        self.parser = parser
        self.plan = plan
        self.last = plan.last_epoch
        self.last_line = ""
        self.line_no = 0
        self.source_id = source_id

    def apply(self, pipe, c: RawChunk, rng) -> bool:
        """Hand one chunk's columns to the pipeline; False: the line path must take it
        (not covered, other bytes than the follower read, or a year rollover)."""
        plan = self.plan
        if (
            rng is None
            or not rng.covered
            or rng.crc != zlib.crc32(c.data)
            or starts_a_year_back(plan, self.last, rng)
        ):
            return False
        if not rng.lines:
            return True
        if plan.kind == "bsd-syslog":
            self.last = rng.last_epoch
        hand_over(
            pipe,
            rng,
            path=c.path,
            fmt=self.parser.format,
            first_line=c.first_line,
            end_offset=c.end_offset,
            source_id=self.source_id,
            handle=c.handle,
            live=not c.initial,
        )
        self.last_line = rng.last_line
        self.line_no = c.first_line + rng.lines - 1
        return True

    def settle(self) -> None:
        """The format's state (syslog's year) goes on from the last line applied."""
        if self.last_line:
            self.parser.feed([self.last_line], first_line=max(1, self.line_no))
            self.last_line = ""


__all__ = ["BURST", "MIN_CHUNK", "LiveIndex"]
