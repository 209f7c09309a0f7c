"""Python ``logging`` output in its usual shapes.

Recognised (tried in this order; one format, so a file mixing them still works)::

    ERROR:app.db:connection refused                       basicConfig() default
    INFO:     127.0.0.1:5000 - "GET / HTTP/1.1" 200       uvicorn
    2026-11-20 10:00:00,123 - app.db - ERROR - message     %(asctime)s - %(name)s - %(levelname)s - %(message)s
    2026-11-20 10:00:00,123 ERROR app.db: message          %(asctime)s %(levelname)s %(name)s: %(message)s
    2026-11-20 10:00:00,123 [ERROR] __main__: message     %(asctime)s [%(levelname)s] %(name)s: …
    [2026-11-20 10:00:00,123] ERROR in views: message      Flask's default
    2026-11-20 10:00:00,123 app.db       ERROR    message  the logging cookbook's
                                                          %(asctime)s %(name)-12s %(levelname)-8s …

``asctime`` is local time (``,mmm`` or ``.mmm`` or none). Level names are
Python's (``CRITICAL FATAL ERROR WARNING WARN INFO DEBUG NOTSET``) so the
bare ``LEVEL:name:msg`` shape does not swallow other text. Fields: ``logger``
(or ``module`` for Flask). Tracebacks are continuation lines (multiline).
"""

from __future__ import annotations

import re
from datetime import datetime
from operator import add, itemgetter
from typing import Any

from logwatch_tui.core.formats.base import ParsedLine, RegexFormat, aware
from logwatch_tui.core.levels import Level, parse_level

_LVL = r"(?P<level>CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTSET)"
# After a timestamp any upper-case level name is accepted: applications add their
# own levels (NOTICE, TRACE, SUCCESS…) with logging.addLevelName.
# Only names logging or common addLevelName extensions use: any upper-case word would take
# postgres' "UTC" or a bracketed pid for a level.
_LVL_ANY = (
    r"(?P<level>CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTSET|NOTICE|TRACE|SUCCESS"
    r"|VERBOSE|SPAM|ALERT|EMERGENCY|EXCEPTION)"
)
_ASC = r"(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[,.]\d{1,6})?)"

_SHAPES: tuple[re.Pattern[str], ...] = (
    re.compile(_ASC + r" - (?P<logger>[^ ]+) - " + _LVL_ANY + r" - (?P<message>.*)$"),
    re.compile(_ASC + r" " + _LVL_ANY + r" (?P<logger>[^ :]+): (?P<message>.*)$"),
    re.compile(r"\[" + _ASC + r"\] " + _LVL_ANY + r" in (?P<module>[^ :]+): (?P<message>.*)$"),
    re.compile(_LVL + r":(?P<logger>[^ :]*):(?P<message>.*)$"),
    re.compile(_LVL + r":  +(?P<message>.*)$"),
    re.compile(_ASC + r":" + _LVL_ANY + r":(?:(?P<logger>[\w.]+):)?(?P<message>.*)$"),
    # '%(asctime)s [%(levelname)s] %(name)s: %(message)s' (any logger name, '__main__' too)
    re.compile(_ASC + r" \[" + _LVL_ANY + r"\] (?P<logger>[^ :\[\]]+): (?P<message>.*)$"),
    # the logging cookbook's '%(asctime)s %(name)-12s %(levelname)-8s %(message)s'
    re.compile(_ASC + r" (?P<logger>\w[\w.-]*) +" + _LVL_ANY + r" +(?P<message>.*)$"),
)
_LEVELS = {
    n: int(parse_level(n))
    for n in ("CRITICAL", "FATAL", "ERROR", "WARNING", "WARN", "INFO", "DEBUG")
}
_LEVELS["NOTSET"] = int(Level.UNKNOWN)


class _LevelTable(dict):
    """Known names from the table; custom ones (NOTICE, SUCCESS…) mapped once, then cached."""

    def __missing__(self, name: str) -> int:
        value = int(parse_level(name))
        self[name] = value
        return value


_LEVELS = _LevelTable(_LEVELS)

_FIRST_19 = itemgetter(slice(0, 19))
_AFTER_20 = itemgetter(slice(20, None))


class _SecondEpochs(dict):
    """``'YYYY-MM-DD HH:MM:SS'`` -> epoch seconds (local time), or None ('' and junk)."""

    def __missing__(self, text: str) -> float | None:
        dt = _asctime(text) if text else None
        value = aware(dt).timestamp() if dt is not None else None
        self[text] = value
        return value


# _SHAPES[0] for a whole batch: one row per line, empty groups where a line is not
# of this shape (the alternative `[^\n]*` takes it).
_BATCH_DEFAULT = re.compile(
    r"^(?:(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[,.]\d{1,6})?) - [^ \n]+ - "
    r"([A-Z][A-Z0-9_]{1,15}) - ([^\n]*)|[^\n]*)$",
    re.M,
)
"""A fast superset for the level word; rows whose word is not in _LEVEL_WORDS (what
_LVL_ANY accepts) are decided per line, so the result equals _SHAPES'."""
_LEVEL_WORDS = frozenset(
    [
        "CRITICAL",
        "FATAL",
        "ERROR",
        "WARNING",
        "WARN",
        "INFO",
        "DEBUG",
        "NOTSET",
        "NOTICE",
        "TRACE",
        "SUCCESS",
        "VERBOSE",
        "SPAM",
        "ALERT",
        "EMERGENCY",
        "EXCEPTION",
    ]
)


def _asctime(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.replace(",", "."))
    except ValueError:
        return None


class PythonFormat(RegexFormat):
    """Python logging (see module docstring)."""

    name = "python"
    description = "Python logging ('ERROR:name:msg', '%(asctime)s - %(name)s - %(levelname)s - …')"
    multiline = True
    specificity = 95
    samples = [
        {
            "line": "2026-11-20 09:58:09,061 - app.cache - INFO - cache hit ratio 0.93",
            "ts": "2026-11-20T09:58:09.061",
            "level": "info",
            "message": "cache hit ratio 0.93",
            "fields": {"logger": "app.cache"},
        },
        {"line": "ERROR:app.db:connection refused", "level": "error", "ts": None},
        {
            "line": "2012-07-02 10:22:40,672:DEBUG:foo",
            "ts": "2012-07-02T10:22:40.672",
            "level": "debug",
            "message": "foo",
        },
    ]
    regex = _SHAPES[0]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._seconds = _SecondEpochs()

    def convert_ts(self, text: str) -> datetime | None:
        return _asctime(text)

    def _match(self, line: str) -> re.Match[str] | None:
        for rx in _SHAPES:
            m = rx.match(line)
            if m is not None:
                return m
        return None

    def matches(self, line: str) -> bool:
        return self._match(line) is not None

    def parse(self, line: str) -> ParsedLine | None:
        m = self._match(line)
        if m is None:
            return None
        d = m.groupdict()
        t = d.pop("ts", None)
        level = Level(_LEVELS[d.pop("level")])
        msg = d.pop("message")
        fields = {k: v for k, v in d.items() if v}
        return ParsedLine(self._times.datetime(t) if t else None, level, msg, fields)

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        """The default shape (``asctime - name - LEVEL - msg``) is read for the whole
        batch by one ``findall`` over the joined lines (every line yields exactly one
        row; a row without a time is a line of another shape or a continuation, and
        goes through the per-line path)."""
        n = len(lines)
        if n > 16 and "\n" not in "".join(lines[:1]) and _SHAPES[0].match(lines[0]):
            rows = _BATCH_DEFAULT.findall("\n".join(lines))
            if len(rows) == n:
                tss, lvls, msgs = (list(c) for c in zip(*rows))
                epochs = self._epochs(tss)
                levels = list(map(_LEVELS.__getitem__, lvls))
                odd = not _LEVEL_WORDS.issuperset(lvls)  # "" (not this shape) or unknown
                if odd or "" in tss:
                    for i, t in enumerate(tss):
                        if not t or lvls[i] not in _LEVEL_WORDS:
                            e, lv, m = self._one(lines[i])
                            epochs[i], levels[i], msgs[i] = e, lv, m
                ts_out += epochs
                levels_out += levels
                msgs_out += msgs
                return
        for line in lines:
            e, lv, m = self._one(line)
            ts_out.append(e)
            levels_out.append(lv)
            msgs_out.append(m)

    def _epochs(self, tss: list[str]) -> list[float | None]:
        """asctime is ``YYYY-MM-DD HH:MM:SS`` plus an optional fraction: convert each
        second once (cached) and add the fraction — C-level maps, no per-line Python."""
        seconds = self._seconds
        if len(seconds) > 100_000:
            seconds.clear()
        bases = list(map(seconds.__getitem__, map(_FIRST_19, tss)))
        # ",123" -> "0.123"; no fraction (or no time at all) -> "0." == 0.0
        fractions = map(float, map("0.".__add__, map(_AFTER_20, tss)))
        if None not in bases:
            return list(map(add, bases, fractions))
        return [None if b is None else b + f for b, f in zip(bases, fractions)]

    def _one(self, line: str) -> tuple[float | None, int, str | None]:
        m = self._match(line)
        if m is None:
            return None, 0, None
        gi = m.re.groupindex
        t = m.group("ts") if "ts" in gi else None
        return (self._times.epoch(t) if t else None), _LEVELS[m.group("level")], m.group("message")
