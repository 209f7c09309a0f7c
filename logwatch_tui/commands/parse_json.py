"""``logwatch-tui parse --json``: every record as one JSON object per line, fast.

Each record: ``ts`` (ISO 8601 in local time, or null when the line has none),
``level``, ``message``, ``text`` (the whole record: header and continuation lines,
joined with ``\\n``), ``source``, ``format``, ``line`` (1-based, first line) and
``fields`` (the format's extra fields).

Speed (issue 10): the columns the parser already made are turned into dicts and
serialised by orjson — no second parse for time, level or message, no datetime per
record (one ISO string per distinct second, fractions spliced in), one write per
chunk. Fields come from the format's batched ``fields_columns`` when it has one.
"""

from __future__ import annotations

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

_LEVEL_NAMES = [lv.name for lv in Level]
_OPTS = orjson.OPT_APPEND_NEWLINE


class _IsoSeconds(dict):  # type: ignore[type-arg]
    """``int epoch second -> 'YYYY-MM-DDTHH:MM:SS+hh:mm'`` (local time), computed once each."""

    def __missing__(self, sec: int) -> str:
        v = datetime.fromtimestamp(sec).astimezone().isoformat()
        if len(self) > 200_000:
            self.clear()
        self[sec] = v
        return v


def iso_of(iso_seconds: _IsoSeconds) -> Callable[[float], str]:
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


def write_json_records(
    paths: list[str],
    out: IO[str],
    *,
    format_name: str | None = None,
    custom: list[dict[str, Any]] | None = None,
    tail_lines: int | None = None,
    now: float | None = None,
) -> int:
    """Write every record of ``paths`` (one after another) as JSON lines; return the count."""
    from logwatch_tui.pipeline import split_lines
    from logwatch_tui.sources.special import replay_chunks, source_name

    buf = getattr(out, "buffer", None)
    raw_write: Callable[[bytes], Any] = (
        buf.write if buf is not None else (lambda b: out.write(b.decode()))
    )

    def write(blob: bytes) -> None:  # log text never carries a raw control to the terminal
        raw_write(json_bytes_inert(blob))

    if buf is not None:
        out.flush()
    iso_seconds = _IsoSeconds()
    iso = iso_of(iso_seconds)
    dumps = orjson.dumps
    count = 0
    for path in paths:
        forced = make_format(format_name, custom=custom, now=now) if format_name else None
        candidates = (
            [make_format(n, custom=custom, now=now) for n in format_names(custom=custom)]
            if custom
            else None
        )
        sp = SourceParser(source_name(path), forced=forced, candidates=candidates, now=now)
        pending: dict[str, Any] | None = None
        pending_text: list[str] = []
        for chunk in replay_chunks(path, tail_lines=tail_lines, chunk_size=8 << 20):
            lines = split_lines(chunk.data)
            if not lines:
                continue
            batch = sp.feed(lines, first_line=chunk.first_line)
            heads = batch.heads
            n = len(lines)
            if False in heads:
                idx = [i for i, h in enumerate(heads) if h]
            else:
                idx = list(range(n))
            parts: list[bytes] = []
            if not idx and pending is None:
                continue
            if idx and idx[0] > 0 and pending is not None:
                pending_text.extend(lines[: idx[0]])
            elif not idx and pending is not None:
                pending_text.extend(lines)
                continue
            if pending is not None:
                pending["text"] = "\n".join(pending_text)
                parts.append(dumps(pending, option=_OPTS))
                count += 1
                pending = None
            fmt_name = batch.format
            fields = fields_columns(batch.parser, sp.parse_lines(batch), idx)
            all_heads = len(idx) == n
            ts = batch.ts if all_heads else [batch.ts[i] for i in idx]
            levels = batch.levels if all_heads else [batch.levels[i] for i in idx]
            msgs = batch.messages if all_heads else [batch.messages[i] for i in idx]
            if all_heads:
                texts = lines
            else:
                ends = idx[1:] + [n]
                texts = [
                    lines[i] if e == i + 1 else "\n".join(lines[i:e]) for i, e in zip(idx, ends)
                ]
            try:
                whole = all(map(float.is_integer, ts))
            except TypeError:  # an int epoch somewhere
                whole = False
            if whole:
                isos: list[str | None] = list(map(iso_seconds.__getitem__, map(int, ts)))
            else:
                isos = list(map(iso, ts))
            for k in sp.untimed_heads(batch):  # no time of its own: null, not a made-up one
                isos[idx.index(k) if not all_heads else k] = None
            first = batch.first_line
            recs = [
                {
                    "ts": t,
                    "level": lv,
                    "message": m,
                    "text": x,
                    "source": sp.source,
                    "format": fmt_name,
                    "line": first + i,
                    "fields": f,
                }
                for t, lv, m, x, i, f in zip(
                    isos, map(_LEVEL_NAMES.__getitem__, levels), msgs, texts, idx, fields
                )
            ]
            pending = recs.pop()
            last_i = idx[-1]
            pending_text = lines[last_i:]
            if recs:
                parts.append(_dump_lines(recs))
            count += len(recs)
            write(b"".join(parts))
        if pending is not None:
            pending["text"] = "\n".join(pending_text)
            write(dumps(pending, option=_OPTS))
            count += 1
        if sp.notice:
            print(f"logwatch-tui: {inert(sp.notice)}", file=sys.stderr)
    if buf is None:
        out.flush()
    return count


def main_stdout(paths: list[str], **kw: Any) -> int:
    return write_json_records(paths, sys.stdout, **kw)
