"""Write what the log view shows to a file: raw lines, or one JSON object per record.

Exactly the given rows are written (the visible, filtered lines), in order.
``jsonl`` uses the ``parse --json`` shape (:meth:`LogRecord.to_json`: ``ts``,
``level``, ``message``, ``source``, ``format``, ``line``, ``fields``), one
object per record. A record with continuation lines (a traceback) gets one
more key, ``raw``, holding all its lines joined with ``\n`` — the message alone
would lose the traceback. Single-line records carry no ``raw`` (it would only
repeat the line and double the file).

The file is written atomically (temporary file in the same directory, fsync,
rename): a failed or cancelled export leaves the old file, never half a file.
Text is read with :func:`~logwatch_tui.core.search.iter_line_texts` — a few
``pread`` calls per megabyte — so a million-line export takes seconds, and it
belongs in a thread worker (``cancel``/``progress`` are for that).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from logwatch_tui.core.formats.base import LogFormat
from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import LogRecord
from logwatch_tui.core.search import Cancel, Progress, iter_line_texts
from logwatch_tui.core.store import LineStore

ExportFormat = Literal["raw", "jsonl"]
ParserFor = Callable[[int], LogFormat | None]
"""``parser_for(source_id)``: the format that parses that source's lines (None: unparsed)."""


class ExportCancelled(Exception):
    """The export was cancelled; nothing was written (the target is untouched)."""


def _store_time(store: LineStore, line: int) -> datetime | None:
    try:
        return datetime.fromtimestamp(store.ts[line]).astimezone()
    except (OverflowError, OSError, ValueError, IndexError):
        return None


def make_record(
    store: LineStore,
    line: int,
    texts: list[str],
    *,
    parser: LogFormat | None = None,
    line_number: int | None = None,
) -> LogRecord:
    """A LogRecord for the record whose first line is store line ``line``.

    ``texts`` are the record's lines (head first). The head is parsed with ``parser``
    for timestamp, level, message and fields; without a parser (or when the head does
    not parse) the store's columns give time and level and the message is the raw head.
    A format that raises is treated as "does not parse": an export must not die on one
    odd line.
    """
    head = texts[0] if texts else ""
    sid = store.sources[line] if line < len(store.sources) else 0
    names = store.source_names
    source = names[sid] if sid < len(names) else ""
    fmt_name = store.formats[sid] if sid < len(store.formats) else ""
    parsed = None
    if parser is not None:
        try:
            parsed = parser.parse(head)
        except Exception:  # a format bug: fall back to the raw line
            parsed = None
        fmt_name = parser.name or fmt_name
    raw = "\n".join(texts)
    number = line_number if line_number is not None else line + 1
    if parsed is None:
        return LogRecord(
            timestamp=_store_time(store, line),
            level=Level(store.levels[line]) if line < len(store.levels) else Level.UNKNOWN,
            message=head,
            source=source,
            raw=raw,
            line=number,
            fields={},
            format=fmt_name,
        )
    return LogRecord(
        timestamp=parsed.ts if parsed.ts is not None else _store_time(store, line),
        level=parsed.level,
        message=parsed.message,
        source=source,
        raw=raw,
        line=number,
        fields=dict(parsed.fields),
        format=fmt_name,
    )


def record_at(
    store: LineStore, line: int, *, parser_for: ParserFor | None = None, max_lines: int = 10_000
) -> LogRecord:
    """The whole record containing store line ``line`` (for the detail view).

    Walks back to the record's head and forward over its continuation lines (at most
    ``max_lines`` lines, so a pathological million-line "record" cannot hang the UI).
    """
    heads = store.heads
    n = len(store)
    if not 0 <= line < n:
        raise IndexError(f"line {line} is not in the store ({n} lines)")
    head = heads.rfind(1, 0, line + 1)
    head = 0 if head < 0 else head
    end = heads.find(1, head + 1)
    end = n if end < 0 else end
    end = min(end, head + max_lines)
    texts = [t for _, ts in store.iter_text_blocks(head, end) for t in ts]
    parser = parser_for(store.sources[head]) if parser_for is not None else None
    return make_record(
        store, head, texts, parser=parser, line_number=source_line_number(store, head)
    )


def source_line_number(store: LineStore, line: int) -> int:
    """1-based position of ``line`` among its source's lines in the store.

    The store keeps no per-source line numbers; this equals the file's line number
    when the file was read from its start and not rotated (the usual case).
    """
    sid = store.sources[line]
    return store.sources.count(bytes([sid]), 0, line) + 1


def _records(
    store: LineStore,
    rows: Sequence[int],
    cancel: Cancel | None,
    progress: Progress | None,
) -> Iterator[tuple[int, list[str]]]:
    """``(head_line, texts)`` per record among ``rows``; continuation rows join the record above."""
    heads = store.heads
    cur: int | None = None
    cur_texts: list[str] = []
    prev = -2
    for sel, texts in iter_line_texts(store, rows, cancel=cancel, progress=progress):
        for i, text in zip(sel, texts):
            # a continuation row joins the current record only if nothing lies between
            # them that starts another record
            joins = (
                cur is not None
                and not heads[i]
                and (i == prev + 1 or heads.find(1, prev + 1, i) < 0)
            )
            if joins:
                cur_texts.append(text)
            else:
                if cur is not None:
                    yield cur, cur_texts
                cur, cur_texts = i, [text]
            prev = i
    if cancel is not None and cancel.is_set():
        raise ExportCancelled()
    if cur is not None:
        yield cur, cur_texts


def _json_default(value: Any) -> str:
    return str(value)


def export_lines(
    store: LineStore,
    rows: Sequence[int],
    path: str | os.PathLike[str],
    *,
    fmt: ExportFormat = "raw",
    parser_for: ParserFor | None = None,
    cancel: Cancel | None = None,
    progress: Progress | None = None,
) -> int:
    """Write ``rows`` (ascending store line numbers) to ``path``; return the count written.

    ``raw``: one line of text per row, count = lines. ``jsonl``: one object per record
    (``ts``, ``level``, ``message``, ``source``, ``format``, ``line``, ``fields``, plus
    ``raw`` when the record has continuation lines), count = records. Raises
    :class:`ExportCancelled` if cancelled and ``OSError`` naming the path when it cannot
    be written — in both cases the target is left as it was.
    """
    if fmt not in ("raw", "jsonl"):
        raise ValueError(f"unknown export format {fmt!r} (use raw or jsonl)")
    target = Path(path).expanduser()
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise OSError(
            exc.errno or errno.EIO, f"cannot write {target}: {exc.strerror or exc}"
        ) from exc
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="replace", newline="\n") as out:
            if fmt == "raw":
                for _, texts in iter_line_texts(store, rows, cancel=cancel, progress=progress):
                    out.write("\n".join(texts))
                    out.write("\n")
                    count += len(texts)
                if cancel is not None and cancel.is_set():
                    raise ExportCancelled()
            else:
                parsers: dict[int, LogFormat | None] = {}
                counters: dict[int, int] = {}
                last_line: dict[int, int] = {}
                sources = store.sources
                for head, texts in _records(store, rows, cancel, progress):
                    sid = sources[head]
                    if sid not in parsers:
                        parsers[sid] = parser_for(sid) if parser_for is not None else None
                    # source line number, counted incrementally (see source_line_number)
                    before = last_line.get(sid, 0)
                    counters[sid] = counters.get(sid, 0) + sources.count(bytes([sid]), before, head)
                    last_line[sid] = head
                    rec = make_record(
                        store, head, texts, parser=parsers[sid], line_number=counters[sid] + 1
                    )
                    obj = rec.to_json()
                    if len(texts) > 1:
                        obj["raw"] = rec.raw
                    out.write(json.dumps(obj, ensure_ascii=False, default=_json_default))
                    out.write("\n")
                    count += 1
            out.flush()
            os.fsync(out.fileno())
        try:
            mode = os.stat(target).st_mode & 0o7777
        except OSError:
            mode = 0o644
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OSError(
                exc.errno or errno.EIO, f"cannot write {target}: {exc.strerror or exc}"
            ) from exc
        raise
    return count


__all__ = [
    "ExportCancelled",
    "ExportFormat",
    "ParserFor",
    "export_lines",
    "make_record",
    "record_at",
    "source_line_number",
]
