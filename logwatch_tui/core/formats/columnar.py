"""Formats compiled for the columnar ingest path (:mod:`logwatch_tui.ingest`).

A source whose format is settled can be parsed by worker processes, each over a
byte range of the file, into packed columns — but only if a range can be parsed
without knowing what came before it. :func:`compile_columnar` answers that for a
:class:`~.detect.SourceParser` after its first feed and returns a small picklable
:class:`ColumnarPlan` (what to parse, with which per-file state), or None when the
source must stay on the line-by-line path:

* ``bsd-syslog`` — :class:`~.syslog.Rfc3164Format` once its per-file year is known;
  the plan carries the year and the last epoch seen, so workers convert timestamps
  exactly as the format would and a year rollover is detected (and refused) rather
  than guessed;
* ``json`` — :class:`~.jsonl.JsonFormat` (stateless: its batch parse is the same
  whatever the range).

Sources that are still being detected, that strip ANSI codes or docker-compose
prefixes, or whose format is any other are not compiled (yet).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from logwatch_tui.core.formats.base import MONTHS, LogFormat, WordLevelMap, aware
from logwatch_tui.core.formats.detect import SourceParser
from logwatch_tui.core.formats.jsonl import JsonFormat
from logwatch_tui.core.formats.syslog import HALF_YEAR, LINE_3164, Rfc3164Format
from logwatch_tui.core.levels import Level

# HALF_YEAR: a BSD date falling back by more than this moves to the next year (see syslog).

BSD_HEADER = LINE_3164
"""The defining regex of an RFC 3164 line (group ``message`` is the message)."""


@dataclass(frozen=True, slots=True)
class ColumnarPlan:
    """How a worker parses a byte range of one source (picklable)."""

    kind: str
    """``bsd-syslog`` or ``json``."""
    format_name: str
    year: int | None = None
    """bsd-syslog: the file's year (from the format's per-file inference)."""
    last_epoch: float | None = None
    """bsd-syslog: epoch of the last line parsed before the ranges."""

    def work(self) -> tuple[str, int | None]:
        """What a worker's result depends on: two plans with the same work parse alike."""
        return (self.kind, self.year)


def compile_columnar(parser: SourceParser) -> ColumnarPlan | None:
    """The columnar plan for the rest of ``parser``'s source, or None (line-by-line)."""
    if not parser._settled or parser._strip is not None:
        return None
    fmt: LogFormat = parser.format
    if type(fmt) is Rfc3164Format:
        if fmt._year is None:
            return None
        return ColumnarPlan("bsd-syslog", fmt.name, fmt._year, fmt._last_epoch)
    if type(fmt) is JsonFormat:
        return ColumnarPlan("json", fmt.name)
    return None


def guess_columnar(lines: list[str]) -> ColumnarPlan | None:
    """The plan :func:`compile_columnar` will most likely return for a source starting
    with ``lines``, from a cheap look at them (no detection), or None.

    Lets workers start on the rest of a file while the source's parser still detects
    its format; the caller compares the real plan's :meth:`ColumnarPlan.work` with
    this one's and throws the workers' results away when they differ.
    """
    if not lines:
        return None
    first = lines[0].lstrip("\ufeff")
    if first.startswith("{"):
        return ColumnarPlan("json", JsonFormat.name)
    if not first[:1].isalpha():
        return None
    fmt = Rfc3164Format()
    ts: list[float | None] = []
    lv: list[int] = []
    ms: list[str | None] = []
    fmt.parse_columns([first, *lines[1:]], ts, lv, ms)
    if fmt._year is None:
        return None
    return ColumnarPlan("bsd-syslog", fmt.name, fmt._year, fmt._last_epoch)


def bsd_epoch(year: int) -> Callable[[str], float | None]:
    """``'Nov 20 10:00:00' -> epoch`` in ``year``, local time, as Rfc3164Format converts it.

    Only the plain 15-character BSD shape; anything else gives None (the caller
    then leaves the range to the line-by-line path).
    """

    def convert(text: str) -> float | None:
        if len(text) != 15:
            return None
        try:
            month = MONTHS[text[:3]]
            day = int(text[4:6])
            hh, mm, ss = int(text[7:9]), int(text[10:12]), int(text[13:15])
            return aware(datetime(year, month, day, hh, mm, ss)).timestamp()
        except (KeyError, ValueError):
            return None

    return convert


def syslog_words() -> WordLevelMap:
    """The first-word level map RFC 3164 messages are read with (see syslog)."""
    return WordLevelMap(Level.UNKNOWN)


__all__ = [
    "BSD_HEADER",
    "HALF_YEAR",
    "ColumnarPlan",
    "bsd_epoch",
    "compile_columnar",
    "guess_columnar",
    "syslog_words",
]


class JsonColumns:
    """The JSON-lines format's column rules, for a parser that decodes rows its own way.

    ``epochs(values)`` and ``level(value)`` are exactly what
    :meth:`~.jsonl.JsonFormat.parse_columns` applies to the time and level values it
    found; the key aliases are the format's, in its order of preference.
    """

    from logwatch_tui.core.formats.jsonl import LEVEL_KEYS, MSG_KEYS, TS_KEYS

    def __init__(self) -> None:
        self._fmt = JsonFormat()
        self.level = self._fmt._levels.__getitem__

    def epochs(self, values: list) -> list[float | None]:
        return self._fmt._epochs(values)

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        """The format's own batch parse (for rows a faster decoder cannot vouch for)."""
        self._fmt.parse_columns(lines, ts_out, levels_out, msgs_out)
