"""The common "timestamp [level] message" shapes, and the plain fallback.

``generic`` covers what log4j/logback/slf4j, Go, Rust and many hand-made
loggers write::

    2026-11-20 10:00:00,123 ERROR [main] com.example.Db - connection refused
    2026-11-20 10:00:00.123 [http-nio-8080-exec-3] WARN  c.e.web.Api - slow request
    2026-11-20T10:00:00.123+01:00  INFO 4242 --- [main] o.s.b.Application : Started
    2026-11-20T10:00:00Z [error] upstream timed out
    2026-11-20 10:00:00 WARNING: disk almost full

Timestamp ISO 8601 (``T`` or space, ``,``/``.`` fraction, optional zone; no
zone = local time), then an optional ``[thread]``, the level (bare or in
brackets, any usual spelling), an optional pid ``---``, ``[thread]`` and
logger (``a.b.C -`` / ``a.b.C:``). Fields: thread, logger, pid. Java stack
traces (``at …``, ``Caused by:``, ``... 12 more``) are continuation lines.

``plain`` is what detection falls back to when nothing fits: every line is a
record of its own (level from a level word in it, else UNKNOWN), except lines
shaped like continuations, which join the record above.
"""

from __future__ import annotations

import re
from datetime import datetime

from logwatch_tui.core.formats.base import (
    LogFormat,
    ParsedLine,
    RegexFormat,
    iso_datetime,
    level_in_text,
)
from logwatch_tui.core.levels import LEVEL_WORDS, Level
from logwatch_tui.core.multiline import CONTINUATION_RE

_LEVELS = (
    "TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|CRITICAL|CRIT|FATAL|PANIC|EMERG|ALERT"
    "|FINE|FINER|FINEST|CONFIG|DEBUG[1-5]|VERBOSE"
)
_LEVEL_ANY = "(?i:" + _LEVELS + ")"
# In any case when bare: the words loggers write in lower case too ("info", "Error"). Not
# java.util.logging's SEVERE/CONFIG/FINE/FINER/FINEST or VERBOSE: only upper case (or in
# brackets) are they levels; "config loaded" after a timestamp is a message.
_LEVELS_ANY_CASE = (
    "trace|debug|info|notice|warn|warning|error|err|critical|crit|fatal|panic|emerg|alert"
    "|debug[1-5]"
)

_GENERIC = re.compile(
    r"(?P<ts>\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z| ?[+-]\d\d:?\d\d)?)[ \t]+"
    r"(?:\[(?P<thread>[^\]]*)\] +)?"
    r"(?:\[(?P<blevel>"
    + _LEVEL_ANY
    + r")\]|(?P<level>(?:"
    + _LEVELS
    + r")|(?i:"
    + _LEVELS_ANY_CASE
    + r")))"
    r"(?=[ \t:\]]|$):?[ \t]*"
    r"(?:(?P<pid>\d+) +--- +)?"
    r"(?:\[ *(?P<thread2>[^\]]*)\] +)?"
    r"(?:(?P<logger>[\w$]+(?:\.[\w$]+)+) *(?:- |: )|(?P<logger2>[\w$.-]+) - )?"
    r"(?P<message>.*)$"
)


_NO_LEVEL = re.compile(
    r"(?P<ts>\d{4}[-/]\d\d[-/]\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z| ?[+-]\d\d:?\d\d)?)"
    r"(?: +|$)(?P<message>.*)$"
)
"""A timestamped line without a level word we believe: still a record of its own
(level UNKNOWN), never a continuation of the record above."""


def _generic_datetime(text: str) -> datetime | None:
    t = text.replace(",", ".", 1).replace(" +", "+").replace(" -", "-")
    if t[4:5] == "/":
        t = t[:4] + "-" + t[5:7] + "-" + t[8:]
    return iso_datetime(t)


class GenericFormat(RegexFormat):
    """Timestamp, level, message (see module docstring)."""

    name = "generic"
    description = "generic 'timestamp [level] message' (log4j, logback, Go, Rust …)"
    multiline = True
    specificity = 20
    samples = [
        {
            "line": "2026-11-20 09:58:07.284 INFO  [main] com.example.shop.web.OrderController"
            " - GET /api/orders 200 (68 ms)",
            "ts": "2026-11-20T09:58:07.284",
            "level": "info",
            "message": "GET /api/orders 200 (68 ms)",
            "fields": {"thread": "main", "logger": "com.example.shop.web.OrderController"},
        },
        {
            "line": "2026-12-02T03:16:00.123+00:00 ERROR disk full",
            "ts": "2026-12-02T03:16:00.123+00:00",
            "level": "error",
            "message": "disk full",
        },
        {
            "line": "2026-12-02T03:16:00.123456+05:30 WARN disk almost full",
            "ts": "2026-12-02T03:16:00.123456+05:30",
            "level": "warning",
        },
        {
            "line": "2026-12-02 03:16:01 CONFIG loaded settings",
            "level": "debug",
        },
        {
            "line": "2026-12-02 03:16:02 invalid level word here",
            "level": "unknown",
            "message": "invalid level word here",
        },
        {"line": "2009/11/10 23:00:00 Hello from Go", "ts": "2009-11-10T23:00:00"},
    ]
    regex = _GENERIC

    def __init__(self, *, now: float | None = None) -> None:
        super().__init__(now=now)
        self._level_cache: dict[str, Level] = {}

    def convert_ts(self, text: str) -> datetime | None:
        return _generic_datetime(text)

    def _match(self, line: str) -> re.Match[str] | None:
        m = _GENERIC.match(line)
        return m if m is not None else _NO_LEVEL.match(line)

    def matches(self, line: str) -> bool:
        return self._match(line) is not None

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        n0 = len(msgs_out)
        super().parse_columns(lines, ts_out, levels_out, msgs_out)
        if None in msgs_out[n0:]:  # headers without a level word
            epoch = self._times.epoch
            nolevel = _NO_LEVEL.match
            for i in range(n0, len(msgs_out)):
                if msgs_out[i] is None:
                    m = nolevel(lines[i - n0])
                    if m is not None:
                        ts_out[i] = epoch(m.group("ts"))
                        msgs_out[i] = m.group("message")

    def parse(self, line: str) -> ParsedLine | None:
        if _GENERIC.match(line) is None:
            m = _NO_LEVEL.match(line)
            if m is None:
                return None
            return ParsedLine(
                self._times.datetime(m.group("ts")), Level.UNKNOWN, m.group("message"), {}
            )
        return self._parse_full(line)

    def level_of(self, m: re.Match[str]) -> Level:
        word = m.group("level") or m.group("blevel")
        lvl = self._level_cache.get(word)
        if lvl is None:
            lvl = LEVEL_WORDS.get(word) or LEVEL_WORDS.get(word.lower()) or Level.UNKNOWN
            self._level_cache[word] = lvl
        return lvl

    def _parse_full(self, line: str) -> ParsedLine | None:
        p = super().parse(line)
        if p is not None:
            f = p.fields
            for a, b in (("thread2", "thread"), ("logger2", "logger")):
                v = f.pop(a, None)
                if v is not None:
                    f.setdefault(b, v)
            f.pop("blevel", None)
        return p


class PlainFormat(LogFormat):
    """No structure: each line is a record; continuation-shaped lines join the one above."""

    name = "plain"
    description = "plain text (no format detected)"
    multiline = False

    def parse(self, line: str) -> ParsedLine | None:
        if CONTINUATION_RE.match(line) is not None:
            return None
        return ParsedLine(None, level_in_text(line), line, {})

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        cont = CONTINUATION_RE.match
        for line in lines:
            ts_out.append(None)
            if cont(line) is not None:
                levels_out.append(0)
                msgs_out.append(None)
            else:
                levels_out.append(int(level_in_text(line)))
                msgs_out.append(line)

    def matches(self, line: str) -> bool:
        return True
