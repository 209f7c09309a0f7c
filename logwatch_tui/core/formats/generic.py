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
    "|FINE|FINER|FINEST|CONFIG"
)
_LEVEL_ANY = "(?i:" + _LEVELS + ")"

_GENERIC = re.compile(
    r"(?P<ts>\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(?:[.,]\d{1,9})?(?:Z| ?[+-]\d\d:?\d\d)?) +"
    r"(?:\[(?P<thread>[^\]]*)\] +)?"
    r"(?:\[(?P<blevel>"
    + _LEVEL_ANY
    + r")\]|(?P<level>(?:"
    + _LEVELS
    + r")|(?i:"
    + _LEVELS.lower()
    + r")))"
    r"(?=[ :\]]|$):? *"
    r"(?:(?P<pid>\d+) +--- +)?"
    r"(?:\[ *(?P<thread2>[^\]]*)\] +)?"
    r"(?:(?P<logger>[\w$]+(?:\.[\w$]+)+) *(?:- |: )|(?P<logger2>[\w$.-]+) - )?"
    r"(?P<message>.*)$"
)


def _generic_datetime(text: str) -> datetime | None:
    return iso_datetime(text.replace(",", ".", 1).replace(" +", "+").replace(" -", "-"))


class GenericFormat(RegexFormat):
    """Timestamp, level, message (see module docstring)."""

    name = "generic"
    description = "generic 'timestamp [level] message' (log4j, logback, Go, Rust …)"
    multiline = True
    regex = _GENERIC

    def __init__(self, *, now: float | None = None) -> None:
        super().__init__(now=now)
        self._level_cache: dict[str, Level] = {}

    def convert_ts(self, text: str) -> datetime | None:
        return _generic_datetime(text)

    def level_of(self, m: re.Match[str]) -> Level:
        word = m.group("level") or m.group("blevel")
        lvl = self._level_cache.get(word)
        if lvl is None:
            lvl = LEVEL_WORDS.get(word) or LEVEL_WORDS.get(word.lower()) or Level.UNKNOWN
            self._level_cache[word] = lvl
        return lvl

    def parse(self, line: str) -> ParsedLine | None:
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
