"""``logwatch-tui parse --json``: every record as one JSON object per line, fast.

Each record: ``ts`` (ISO 8601 in local time, or null when the line has none), ``level``, ``message``, ``text`` (the whole record: header and
continuation lines, joined with ``\\n``), ``source``, ``format``, ``line`` (1-based,
first line) and ``fields`` (the format's extra fields).

Two paths, one answer:

* the **line-by-line path** (:class:`JsonRecordWriter`, any source: files, stdin,
  compressed files, ``--lines``): chunks through the source's own
  :class:`~logwatch_tui.core.formats.detect.SourceParser`; the columns the parser
  made are turned into dicts and serialised by orjson — no second parse for time,
  level or message, no datetime per record (one ISO string per distinct second,
  fractions spliced in), one write per chunk;
* the **range path** (:mod:`logwatch_tui.ingest.records_json`, a big regular file
  whose format compiles to columns): worker processes parse byte ranges and
  serialise them to JSON-lines bytes themselves; this process writes them in order.
  A range it cannot vouch for hands the rest of the file back to the line-by-line
  path, with the parser in the state that path would have reached.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from typing import IO, Any

import orjson

from logwatch_tui.core.formats import format_names, make_format
from logwatch_tui.core.formats.base import LogFormat
from logwatch_tui.core.formats.detect import SourceParser
from logwatch_tui.core.levels import Level
from logwatch_tui.core.safe_text import inert, json_bytes_inert

LEVEL_NAMES = [lv.name for lv in Level]
_OPTS = orjson.OPT_APPEND_NEWLINE
CHUNK = 1 << 20
"""Read size of the line-by-line path (the pipeline's): the range path's first chunk
and its byte ranges line up with these reads, so a hand-back continues exactly."""


class IsoSeconds(dict):  # type: ignore[type-arg]
    """``int epoch second -> 'YYYY-MM-DDTHH:MM:SS+hh:mm'`` (local time), computed once each."""

    def __missing__(self, sec: int) -> str:
        v = datetime.fromtimestamp(sec).astimezone().isoformat()
        if len(self) > 200_000:
            self.clear()
        self[sec] = v
        return v


def iso_of(iso_seconds: IsoSeconds) -> Callable[[float], str]:
    def iso(t: float) -> str:
        sec = int(t // 1)
        base = iso_seconds[sec]
        us = int(round((t - sec) * 1e6))
        if us >= 1_000_000:
            sec, us = sec + 1, 0
            base = iso_seconds[sec]
        # always microseconds: every record's timestamp has the same width
        return f"{base[:19]}.{us:06d}{base[19:]}"

    return iso


def fields_columns(fmt: LogFormat, lines: list[str], idx: list[int]) -> list[dict[str, Any]]:
    """Fields of the header lines ``idx``: the format's batched path, else ``parse`` per line."""
    fast = getattr(fmt, "fields_columns", None)
    if fast is not None:
        return fast(lines, idx)
    out = []
    parse = fmt.parse
    for i in idx:
        p = parse(lines[i])
        out.append(p.fields if p is not None else {})
    return out


_SEP = b'},{"ts":'


def _dump_lines(recs: list[dict[str, Any]]) -> bytes:
    """JSON lines of many records with one orjson call.

    The array's record boundaries are ``},{"ts":``; when that sequence occurs nowhere
    else (checked by counting; a nested field could hold it), the array becomes lines.
    """
    blob = orjson.dumps(recs)
    if blob.count(_SEP) == len(recs) - 1:
        return blob[1:-1].replace(_SEP, b'}\n{"ts":') + b"\n"
    return b"".join(orjson.dumps(r, option=_OPTS) for r in recs)


class JsonRecordWriter:
    """The line-by-line path for one source: chunks of whole lines in, JSON lines out.

    The last record of a chunk is held back (``pending``) until the next chunk shows
    whether continuation lines follow it.
    """

    def __init__(
        self, sp: SourceParser, write: Callable[[bytes], Any], iso_seconds: IsoSeconds
    ) -> None:
        from logwatch_tui.pipeline import split_lines

        self.sp = sp
        self.write = write
        self.iso_seconds = iso_seconds
        self.iso = iso_of(iso_seconds)
        self.split_lines = split_lines
        self.pending: dict[str, Any] | None = None
        self.pending_text: list[str] = []
        self.count = 0

    def feed(self, data: bytes, first_line: int) -> None:
        lines = self.split_lines(data)
        if not lines:
            return
        sp = self.sp
        batch = sp.feed(lines, first_line=first_line)
        heads = batch.heads
        n = len(lines)
        idx = [i for i, h in enumerate(heads) if h] if False in heads else list(range(n))
        if not idx:
            if self.pending is not None:
                self.pending_text.extend(lines)
            return
        if idx[0] > 0 and self.pending is not None:
            self.pending_text.extend(lines[: idx[0]])
        parts: list[bytes] = []
        if self.pending is not None:
            parts.append(self._pending_bytes())
        fields = fields_columns(batch.parser, sp.parse_lines(batch), idx)
        all_heads = len(idx) == n
        ts = batch.ts if all_heads else [batch.ts[i] for i in idx]
        levels = batch.levels if all_heads else [batch.levels[i] for i in idx]
        msgs = batch.messages if all_heads else [batch.messages[i] for i in idx]
        if all_heads:
            texts = lines
        else:
            ends = idx[1:] + [n]
            texts = [lines[i] if e == i + 1 else "\n".join(lines[i:e]) for i, e in zip(idx, ends)]
        try:
            whole = all(map(float.is_integer, ts))
        except TypeError:  # an int epoch somewhere
            whole = False
        if whole:
            isos: list[str | None] = list(map(self.iso_seconds.__getitem__, map(int, ts)))
        else:
            isos = list(map(self.iso, ts))
        for k in sp.untimed_heads(batch):  # no time of its own: null, not a made-up one
            isos[idx.index(k) if not all_heads else k] = None
        first = batch.first_line
        source, fmt_name = sp.source, batch.format
        recs = [
            {
                "ts": t,
                "level": lv,
                "message": m,
                "text": x,
                "source": source,
                "format": fmt_name,
                "line": first + i,
                "fields": f,
            }
            for t, lv, m, x, i, f in zip(
                isos, map(LEVEL_NAMES.__getitem__, levels), msgs, texts, idx, fields
            )
        ]
        self.pending = recs.pop()
        self.pending_text = lines[idx[-1] :]
        if recs:
            parts.append(_dump_lines(recs))
        self.count += len(recs)
        self.write(json_bytes_inert(b"".join(parts)))

    def _pending_bytes(self) -> bytes:
        assert self.pending is not None
        self.pending["text"] = "\n".join(self.pending_text)
        blob = orjson.dumps(self.pending, option=_OPTS)
        self.pending = None
        self.pending_text = []
        self.count += 1
        return blob

    def flush_pending(self) -> None:
        """The held-back record is complete (the next line is a record of its own, or EOF)."""
        if self.pending is not None:
            self.write(json_bytes_inert(self._pending_bytes()))

    def hold(self, record_line: bytes) -> None:
        """Take a record serialised elsewhere as the held-back one (it may still grow)."""
        rec = orjson.loads(record_line)
        self.pending = rec
        self.pending_text = [rec["text"]]


def write_json_records(
    paths: list[str],
    out: IO[str],
    *,
    format_name: str | None = None,
    custom: list[dict[str, Any]] | None = None,
    tail_lines: int | None = None,
    now: float | None = None,
    workers: int | None = None,
    range_path: bool = True,
) -> int:
    """Write every record of ``paths`` (one after another) as JSON lines; return the count.

    ``range_path=False`` keeps every source on the line-by-line path (tests compare
    the two); ``workers`` caps the range path's worker processes.
    """
    from logwatch_tui.sources.special import replay_chunks, source_name

    buf = getattr(out, "buffer", None)
    write: Callable[[bytes], Any] = (
        buf.write if buf is not None else (lambda b: out.write(bytes(b).decode()))
    )
    if buf is not None:
        out.flush()
    iso_seconds = IsoSeconds()
    count = 0
    for path in paths:
        forced = make_format(format_name, custom=custom, now=now) if format_name else None
        candidates = (
            [make_format(n, custom=custom, now=now) for n in format_names(custom=custom)]
            if custom
            else None
        )
        sp = SourceParser(source_name(path), forced=forced, candidates=candidates, now=now)
        writer = JsonRecordWriter(sp, write, iso_seconds)
        done = False
        if range_path and tail_lines is None and _big_regular_file(path):
            from logwatch_tui.ingest.records_json import replay_ranges

            if buf is not None:
                out.flush()
            done = replay_ranges(path, writer, workers=workers)
        if not done:
            for chunk in replay_chunks(path, tail_lines=tail_lines, chunk_size=CHUNK):
                writer.feed(chunk.data, chunk.first_line)
        writer.flush_pending()
        count += writer.count
        if sp.notice:
            print(f"logwatch-tui: {inert(sp.notice)}", file=sys.stderr)
    if buf is None:
        out.flush()
    return count


def _big_regular_file(path: str) -> bool:
    from logwatch_tui.ingest.records_json import MIN_BYTES
    from logwatch_tui.sources.compressed import is_compressed
    from logwatch_tui.sources.special import kind_of

    if kind_of(path) != "file" or is_compressed(path):
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False
    import stat

    return stat.S_ISREG(st.st_mode) and st.st_size >= MIN_BYTES


def main_stdout(paths: list[str], **kw: Any) -> int:
    return write_json_records(paths, sys.stdout, **kw)
