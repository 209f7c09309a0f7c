"""``parse --json`` over one big file: worker processes serialise byte ranges to JSON lines.

The range path of :mod:`logwatch_tui.commands.parse_json` (which holds the
line-by-line path, :class:`~logwatch_tui.commands.parse_json.JsonRecordWriter`):

1. The first chunk (the line-by-line path's first 1 MB read) goes through the
   source's own :class:`~logwatch_tui.core.formats.detect.SourceParser`, as it
   would anyway: that settles the format and syslog's year. If the format compiles
   for columns (:func:`~logwatch_tui.core.formats.columnar.compile_columnar`) as
   ``bsd-syslog``, the rest of the file is cut into byte ranges.
2. Each range is read (``os.pread``) by a worker process and turned into the JSON
   lines the line-by-line path would write for it (:func:`serialise_range`): one
   regex ``split`` over the range's text, timestamps converted once per distinct
   minute into their ISO strings (seconds spliced in), levels through the format's word map, and the
   records written by string formatting around pieces already JSON-escaped (by
   orjson, once for the whole range, and only when the range holds a character
   that needs it). No datetime, dict or second parse per record.
3. The worker puts the bytes in a slot of memory shared with this process (no
   pickling, no pipe); this process writes the slots out in order. At most a few
   ranges are in flight: memory stays bounded when the reader is slow. On one CPU
   the ranges are serialised in this process, one after another.

A range is *covered* only when every line is a plain RFC 3164 header (no PRI,
no fraction, a real date), no line is longer than :data:`MAX_LINE` bytes and the
dates never fall back by half a year (a year rollover). Then the line-by-line path
would have made exactly one record per line, and its detection would have kept the
format. The first range that is not covered hands the rest of the file back to the
line-by-line path: its last record is held back (continuation lines may follow),
the parser is brought to the state that path would have reached — the range
boundaries are boundaries of that path's 1 MB reads, and the parser re-reads the
200 lines before the boundary (what its re-detection remembers) — and the file is
read on from the boundary in the same reads. Never a different answer.
"""

from __future__ import annotations

import logging
import os
import re
from collections import deque
from dataclasses import dataclass
from itertools import count
from operator import sub
from typing import Any

import orjson

from logwatch_tui.core.formats.base import LOOK_FURTHER
from logwatch_tui.core.formats.columnar import HALF_YEAR, bsd_epoch, compile_columnar, syslog_words
from logwatch_tui.core.formats.detect import SAMPLE
from logwatch_tui.core.formats.syslog import LINE_3164
from logwatch_tui.core.levels import Level
from logwatch_tui.core.safe_text import json_bytes_inert

_log = logging.getLogger(__name__)

READ = 1 << 20
"""The line-by-line path's read size (``parse_json.CHUNK``)."""
RANGE_BYTES = 1 << 20
"""Bytes per worker task: a multiple of :data:`READ` (ranges end where a read ends).
One read: a range's short-lived objects then fit in memory the worker already has
(4 MB ranges spent four times as long in page faults)."""
MIN_BYTES = 3 << 20
"""Smaller files stay on the line-by-line path (nothing to split)."""
MAX_LINE = 4096
"""Longest line (bytes) of a covered range: every 1 MB read then holds more than
:data:`~logwatch_tui.core.formats.detect.SAMPLE` lines, which is what lets a
hand-back rebuild the parser's re-detection state from the last 200 lines."""
IN_FLIGHT = 2
"""Ranges queued per worker beyond the one it parses."""

LEVEL_NAMES = [lv.name for lv in Level]

_ROW = re.compile(
    r"^([A-Z][a-z][a-z] [ \d]\d \d\d:\d\d:\d\d) ([^ \n]++) "
    r"(?:([^ \n:\[\]]++)(?:\[([^\]\n]*+)\])?: |(?![^ \n:\[\]]++\[[^\]\n]*+(?<=\d)\] ))"
    r"(?=([^ \n]*+))(.*+)\n",
    re.MULTILINE,
)
"""One match per plain RFC 3164 line (newline included): ts, host, app, pid, first
word, message. Used with ``split``: one flat list, no tuple per line.

LINE_3164 (the format's definition) restricted to BSD dates without PRI or
fraction; ``[A-Z][a-z][a-z]`` for the month (a non-month gives no date: the
range is not covered). A line that does not match leaves the count short."""
_GRAMMAR_PROBES = [
    "Nov 20 10:00:00 web01 sshd[812]: Failed password for root",
    "Nov 20 10:00:00 web01 cron: job done",
    "Nov 20 10:00:00 web01 just a message",
    "Nov 20 10:00:00 web01 app[12] no colon after the tag",
    "Nov 20 10:00:00 web01 app[x] no colon, no digit",
    "Nov 20 10:00:00 web01 sshd[]: ",
    "Nov 20 10:00:00 web01 [crit] bracketed",
    "Nov 20 10:00:00 web01 a:b: c",
    "Nov  2 10:00:00 web01 app[1]:  two spaces",
    "Nov 20 10:00:00 web01 app[1]:no space",
    "Nov 20 10:00:00 web01 app[1 2]: y",
    "Nov 20 10:00:00 web01 ",
    "Nov 20 10:00:00 web01 kernel: [ 12.5] usb 1-1: new device",
    "Nov 20 10:00:00 web01 app: 2026-11-20 10:00:00 ERROR nested",
]


def grammar_agrees() -> bool:
    """Whether :data:`_ROW` still reads lines as the format's LINE_3164 does.

    The range path's regex is a copy of the format's grammar (restricted to plain
    BSD headers); if the format learns a new shape, the copy is stale: every range
    is then refused (the line-by-line path answers) until the copy is updated —
    ``tests/unit/test_parse_json_paths.py`` fails loudly meanwhile.
    """
    for line in _GRAMMAR_PROBES:
        m = LINE_3164.match(line)
        parts = _ROW.split(line + "\n")
        if len(parts) == 1:
            continue  # the range path refuses the line: the line-by-line path reads it
        if len(parts) != 8 or m is None or m.group("pri"):
            return False
        want = [m.group("ts"), m.group("host"), m.group("app"), m.group("pid")]
        want += [m.group("word"), m.group("message")]
        if parts[1:7] != want:
            return False
    return True


_GRAMMAR_OK = grammar_agrees()

_JSON_PLAIN = bytes(c for c in range(256) if c == 10 or (c >= 0x20 and c not in (0x22, 0x5C)))
"""Bytes a JSON string holds as they are (the newline separates lines)."""


@dataclass(slots=True)
class RangeJson:
    """One byte range as JSON lines (or why it is not covered)."""

    offset: int
    end: int
    covered: bool
    reason: str = ""
    lines: int = 0
    body: bytes = b""
    """Every record but the last, as JSON lines (inert)."""
    last: bytes = b""
    """The last record's JSON line (before the inert escapes): continuation lines in
    the next range would still belong to it."""
    first_epoch: float | None = None
    last_epoch: float | None = None
    in_slot: tuple[int, int] | None = None
    """(offset, length) of ``body`` in the shared slots, when it was put there."""


class _IsoBySecond(dict):  # type: ignore[type-arg]
    """``'Nov 20 10:00:00' -> 'YYYY-MM-DDTHH:MM:SS+hh:mm'`` (local time), once per second.

    Whole seconds, as the line-by-line path writes a chunk whose times are all whole.

    Converted once per minute (zone offsets change on whole minutes); the seconds are
    spliced into the minute's string. ``epochs`` keeps each second's epoch."""

    def __init__(self, year: int) -> None:
        super().__init__()
        self.convert = bsd_epoch(year)
        self.epochs: dict[str, float | None] = {}
        self.minutes: dict[str, tuple[float, str] | None] = {}

    def __missing__(self, ts: str) -> str | None:
        key = ts[:12]
        got = self.minutes.get(key, False)
        if got is False:
            from datetime import datetime

            e = self.convert(key + ":00")
            got = (
                None if e is None else (e, datetime.fromtimestamp(int(e)).astimezone().isoformat())
            )
            self.minutes[key] = got
        ss = ts[13:15]
        if got is None or not ("00" <= ss <= "59") or not ss.isdigit() or ts[12] != ":":
            self.epochs[ts] = None
            self[ts] = None
            return None
        e, iso = got  # type: ignore[misc]
        self.epochs[ts] = e + int(ss)
        v = f"{iso[:17]}{ss}{iso[19:]}"
        self[ts] = v
        return v


def serialise_range(
    path: str, offset: int, end: int, first_line: int, year: int, source: str, fmt_name: str
) -> RangeJson:
    """The JSON lines of ``[offset, end)`` of ``path`` (whole lines), if covered."""
    fd = os.open(path, os.O_RDONLY)
    try:
        buf = os.pread(fd, end - offset, offset)
    finally:
        os.close(fd)

    def refuse(reason: str) -> RangeJson:
        return RangeJson(offset, end, False, reason)

    if not _GRAMMAR_OK:
        return refuse("the syslog format's grammar changed: records_json._ROW needs updating")
    if len(buf) != end - offset:
        return refuse("the file changed while it was read")
    if not buf:
        return RangeJson(offset, end, True)
    if not buf.endswith(b"\n"):
        buf += b"\n"  # the file's last line without a newline: complete at EOF
    ascii_only = buf.isascii()
    text = buf.decode("ascii") if ascii_only else buf.decode("utf-8", "replace")
    if "\r" in text:
        text = text.replace("\r\n", "\n")  # as split_lines: one CR before the newline goes
    lines = text.split("\n")
    lines.pop()
    n = len(lines)
    longest = max(map(len, lines)) if ascii_only else max(map(len, buf.split(b"\n")))
    if longest > MAX_LINE:
        return refuse(f"a line longer than {MAX_LINE} bytes")
    special = buf.translate(None, _JSON_PLAIN)  # what JSON must escape (and CRs)
    escaped = bool(special) and not (
        not special.replace(b"\r", b"") and buf.count(b"\r") == buf.count(b"\r\n")
    )
    if escaped:  # every line JSON-escaped at once; the regex runs on the escaped text
        esc_lines = orjson.dumps(lines)[2:-2].decode("utf-8").split('","')
        if len(esc_lines) != n:
            return refuse("escaping changed the line count")
        esc_lines.append("")
        esc_text = "\n".join(esc_lines)
        esc_lines.pop()
    else:
        esc_lines, esc_text = lines, text
    parts = _ROW.split(esc_text)  # [between, ts, host, app, pid, word, message] * n + [tail]
    if len(parts) != 7 * n + 1:  # a match never spans lines: n matches = every line
        return refuse("a line that is not a plain RFC 3164 header")
    tss = parts[1::7]
    msgs = parts[6::7]
    iso = _IsoBySecond(year)
    isos = list(map(iso.__getitem__, tss))
    if None in isos:
        return refuse("a date that does not convert")
    epochs = iso.epochs
    lo, hi = min(epochs.values()), max(epochs.values())  # type: ignore[type-var]
    if hi - lo >= HALF_YEAR:  # type: ignore[operator]
        seq = list(map(epochs.__getitem__, tss))
        if n > 1 and min(map(sub, seq[1:], seq[:-1])) <= -HALF_YEAR:  # type: ignore[arg-type]
            return refuse("a year rollover")
    wm = syslog_words()
    levels = list(map(wm.__getitem__, parts[5::7]))
    if escaped:  # a message with an escape: its words are read from the raw line
        for i, m in enumerate(msgs):
            if "\\" in m:
                raw = LINE_3164.match(lines[i])
                if raw is None:
                    return refuse("a line the header regex refuses")
                levels[i] = wm.level_of(raw.group("message"))
    if LOOK_FURTHER in levels:
        for i, lv in enumerate(levels):
            if lv == LOOK_FURTHER:
                levels[i] = wm.level_of(msgs[i])  # (escaped ones were set above)
    names = list(map(LEVEL_NAMES.__getitem__, levels))
    mid = (
        '","source":'
        + orjson.dumps(source).decode("utf-8")
        + ',"format":'
        + orjson.dumps(fmt_name).decode("utf-8")
        + ',"line":'
    )
    # fields as the format gives them: host, then app and pid when present (pid "" too)
    out = [
        f'{{"ts":"{t}","level":"{lv}","message":"{m}","text":"{x}{mid}{i}'
        f',"fields":{{"host":"{h}","app":"{a}","pid":"{p}"}}}}'
        if p
        else f'{{"ts":"{t}","level":"{lv}","message":"{m}","text":"{x}{mid}{i}'
        f',"fields":{{"host":"{h}","app":"{a}"}}}}'
        if a
        else f'{{"ts":"{t}","level":"{lv}","message":"{m}","text":"{x}{mid}{i}'
        f',"fields":{{"host":"{h}"}}}}'
        for t, lv, m, x, i, h, a, p in zip(
            isos, names, msgs, esc_lines, count(first_line), parts[2::7], parts[3::7], parts[4::7]
        )
    ]
    last = out.pop()
    out.append("")
    body = "\n".join(out).encode("utf-8") if len(out) > 1 else b""
    return RangeJson(
        offset,
        end,
        True,
        "",
        n,
        json_bytes_inert(body),
        (last + "\n").encode("utf-8"),
        epochs[tss[0]],
        epochs[tss[-1]],
    )


_SLOTS: Any = None
"""Shared memory the parent maps before forking the workers: one slot per range in
flight. A worker puts a range's JSON there instead of sending it through a pipe
(pickled, copied four times); the parent writes the slot out as it is."""
SLOT_BYTES = 8 * RANGE_BYTES
"""A range's JSON is about 4x its bytes (the text twice, plus the keys); bigger
output goes through the pipe."""


def _task(args: tuple, slot: int | None = None) -> RangeJson:
    import gc

    gc.disable()  # millions of short-lived tuples, no cycles: the collector only costs
    try:
        res = serialise_range(*args)
    except Exception as exc:  # a bug here must cost speed (line-by-line), not the answer
        return RangeJson(args[1], args[2], False, f"range serialiser failed: {exc!r}")
    finally:
        gc.enable()
    if slot is not None and _SLOTS is not None and 0 < len(res.body) <= SLOT_BYTES:
        at = slot * SLOT_BYTES
        _SLOTS[at : at + len(res.body)] = res.body
        res.in_slot = (at, len(res.body))
        res.body = b""
    return res


def _keep_freed_memory() -> None:
    """glibc: serve big blocks from the heap and keep freed memory for reuse.

    Each range allocates a few blocks of several MB (text, lines, output); by default
    each is a fresh ``mmap`` whose pages fault in one by one and go back to the kernel
    when freed — a third of the workers' time was that system time. Set before the
    workers fork (they inherit it); a no-op elsewhere.
    """
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError, ImportError):
        return
    mallopt(-3, 64 << 20)  # M_MMAP_THRESHOLD: blocks below 64 MB come from the heap
    mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD: keep up to 256 MB of freed heap
    mallopt(-2, 16 << 20)  # M_TOP_PAD: grow the heap 16 MB at a time


def _quiet_worker() -> None:
    """Ctrl-C is the parent's to handle (it stops the workers): no traceback per worker."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def read_boundaries(path: str, start: int, size: int, step: int | None = None) -> list[int]:
    """Ends of byte ranges after ``start``: each just past the last newline before a
    multiple of ``step`` (where a 1 MB read of the line-by-line path ends), the last
    at ``size``. A multiple with no newline in the 64 KB before it is skipped."""
    step = step or RANGE_BYTES
    out: list[int] = []
    fd = os.open(path, os.O_RDONLY)
    try:
        m = (start // step + 1) * step
        while m < size:
            window = os.pread(fd, 65536, m - 65536)
            k = window.rfind(b"\n")
            if k != -1:
                b = m - 65536 + k + 1
                if b > (out[-1] if out else start):
                    out.append(b)
            m += step
    finally:
        os.close(fd)
    out.append(size)
    return out


def _line_count(fd: int, a: int, b: int) -> int:
    n = 0
    while a < b:
        piece = os.pread(fd, min(b - a, 8 << 20), a)
        if not piece:
            break
        n += piece.count(b"\n")
        a += len(piece)
    return n


def replay_ranges(path: str, writer: Any, *, workers: int | None = None) -> bool:
    """Write ``path``'s records through ``writer`` (a ``JsonRecordWriter``); False: nothing
    was read (the file cannot be replayed this way; the caller reads it line by line).

    Leaves the last record held back in ``writer`` (the caller flushes it).
    """
    from logwatch_tui.sources.file import read_chunks

    try:
        size = os.stat(path).st_size
        with open(path, "rb") as f:
            head = f.read(64 << 10)
        if b"\r" in head and b"\n" not in head:
            return False  # lines end in a lone CR: the readers' business, not the workers'
        chunks = read_chunks(path, chunk_size=READ)
    except OSError:
        return False
    try:
        first = next(chunks, None)
        if first is None:
            return True
        writer.feed(first.data, first.first_line)
        rest = first.offset + len(first.data)
        plan = compile_columnar(writer.sp) if rest < size else None
        if (
            plan is None
            or plan.kind != "bsd-syslog"
            or plan.year is None
            or first.offset != 0
            or len(first.data) > READ
            or getattr(first, "cut", False)
        ):
            for c in chunks:
                writer.feed(c.data, c.first_line)
            return True
        ends = read_boundaries(path, rest, size)
        next_line = first.first_line + first.data.count(b"\n")
        done = _write_ranges(path, writer, plan, rest, next_line, ends, chunks, workers)
        if not done:
            for c in chunks:
                writer.feed(c.data, c.first_line)
        return True
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()


def _write_ranges(
    path: str,
    writer: Any,
    plan: Any,
    rest: int,
    next_line0: int,
    ends: list[int],
    chunks: Any,
    workers: int | None,
) -> bool:
    """The ranges through the workers; False: the first range is not covered (the
    caller goes on with ``chunks``, untouched). A later one hands back here."""
    from logwatch_tui.ingest.check import workers_wanted

    sp = writer.sp
    source = sp.source
    fmt_name = sp.format.name
    starts = [rest, *ends[:-1]]
    w = workers if workers is not None else workers_wanted()
    w = max(1, min(w, len(ends)))
    depth = w * (1 + IN_FLIGHT)
    pool = None
    slots = None
    global _SLOTS
    _keep_freed_memory()
    if w > 1:
        import mmap
        import multiprocessing as mp

        method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
        if method == "fork":
            slots = _SLOTS = mmap.mmap(-1, depth * SLOT_BYTES)  # shared with the children
        pool = mp.get_context(method).Pool(w, initializer=_quiet_worker)
    _log.info("%s: %d byte ranges through %d worker process(es)", path, len(starts), w)
    fd = os.open(path, os.O_RDONLY)
    try:
        line_no = next_line0
        queue: deque[Any] = deque()
        submitted = 0

        def submit() -> None:
            nonlocal submitted, line_no
            k = submitted
            a, b = starts[k], ends[k]
            args = (path, a, b, line_no, plan.year, source, fmt_name)
            line_no += _line_count(fd, a, b)
            if pool is None:
                queue.append((k, args, None))
            else:
                queue.append((k, args, pool.apply_async(_task, (args, k % depth))))
            submitted += 1

        prev_last: bytes | None = None
        prev_epoch = plan.last_epoch
        while submitted < len(starts) and len(queue) < depth:
            submit()
        while queue:
            k, args, fut = queue.popleft()
            res: RangeJson = fut.get() if fut is not None else _task(args)
            ok = res.covered and (
                res.lines == 0 or prev_epoch is None or res.first_epoch > prev_epoch - HALF_YEAR  # type: ignore[operator]
            )
            if not ok:
                why = res.reason or "a year rollover at the range's start"
                _log.info("%s: line by line from byte %d (%s)", path, starts[k], why)
                if k == 0:
                    return False
                _hand_back(path, writer, prev_last, starts[k], args[3], chunks)
                return True
            if res.lines:
                if prev_last is None:
                    writer.flush_pending()  # the first chunk's last record: complete
                else:
                    writer.write(json_bytes_inert(prev_last))
                    writer.count += 1
                if res.in_slot is not None:
                    at, n = res.in_slot
                    writer.write(memoryview(slots)[at : at + n])  # type: ignore[index]
                elif res.body:
                    writer.write(res.body)
                writer.count += res.lines - 1
                prev_last = res.last
                prev_epoch = res.last_epoch
            if submitted < len(starts):  # the slot just written is free again
                submit()
        if prev_last is not None:
            writer.hold(prev_last)  # the caller flushes it (EOF)
        return True
    finally:
        os.close(fd)
        if pool is not None:
            pool.terminate()
            pool.join()
        if slots is not None:
            _SLOTS = None
            try:
                slots.close()
            except BufferError:  # a view still held by an exception in flight
                pass


def _hand_back(
    path: str, writer: Any, held: bytes | None, at: int, first_line: int, chunks: Any
) -> None:
    """Go on line by line from byte ``at`` (a boundary of that path's reads, after a
    covered range), with the parser in the state that path would be in there."""
    from logwatch_tui.sources.content import FileHandle
    from logwatch_tui.sources.file import read_existing
    from logwatch_tui.sources.lines import LineCutter

    close = getattr(chunks, "close", None)
    if close is not None:
        close()
    if held is not None:
        writer.hold(held)
    sp = writer.sp
    # What the parser remembers of the lines before ``at``: the last year-rollover
    # reference (the format's last epoch) and the last SAMPLE lines (re-detection).
    # Re-reading those lines sets both as that path would have set them.
    fd = os.open(path, os.O_RDONLY)
    try:
        back = min(at, (SAMPLE + 1) * (MAX_LINE + 1))
        tail = os.pread(fd, back, at - back)
    finally:
        os.close(fd)
    prime = tail.decode("utf-8", "replace").split("\n")
    prime.pop()
    prime = [ln[:-1] if ln.endswith("\r") else ln for ln in prime[-SAMPLE:]]
    sp.format._last_epoch = None  # noqa: SLF001 - no rollover test against a stale date
    sp.feed(prime, first_line=first_line - len(prime))
    handle = FileHandle.open(path, nonblock=False)
    try:
        cutter = LineCutter(handle, path, offset=at, first_line=first_line, initial_end=1 << 62)
        read_end = -(-at // READ) * READ  # where that path's next read starts
        for c in cutter.feed(handle.pread(read_end - at, at)):
            writer.feed(c.data, c.first_line)
        for c in read_existing(cutter, 1 << 62, chunk_size=READ):
            writer.feed(c.data, c.first_line)
        last = cutter.flush()
        if last is not None:
            writer.feed(last.data, last.first_line)
    finally:
        handle.close()


__all__ = ["MIN_BYTES", "RangeJson", "read_boundaries", "replay_ranges", "serialise_range"]
