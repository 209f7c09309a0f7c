"""Python ``logging`` output in its usual shapes.

Recognised (tried in this order; one format, so a file mixing them still works)::

    ERROR:app.db:connection refused                       basicConfig() default
    INFO:     127.0.0.1:5000 - "GET / HTTP/1.1" 200       uvicorn
    2026-11-20 10:00:00,123 - app.db - ERROR - message     %(asctime)s - %(name)s - %(levelname)s - %(message)s
    2026-11-20 10:00:00,123 ERROR app.db: message          %(asctime)s %(levelname)s %(name)s: %(message)s
    [2026-11-20 10:00:00,123] ERROR in views: message      Flask's default

``asctime`` is local time (``,mmm`` or ``.mmm`` or none). Level names are
Python's (``CRITICAL FATAL ERROR WARNING WARN INFO DEBUG NOTSET``) so the
bare ``LEVEL:name:msg`` shape does not swallow other text. Fields: ``logger``
(or ``module`` for Flask). Tracebacks are continuation lines (multiline).
"""

from __future__ import annotations

import re
from datetime import datetime

from logwatch_tui.core.formats.base import ParsedLine, RegexFormat
from logwatch_tui.core.levels import Level, parse_level

_LVL = r"(?P<level>CRITICAL|FATAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTSET)"
# After a timestamp any upper-case level name is accepted: applications add their
# own levels (NOTICE, TRACE, SUCCESS…) with logging.addLevelName.
_LVL_ANY = r"(?P<level>[A-Z][A-Z0-9_]{1,15})"
_ASC = r"(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:[,.]\d{1,6})?)"

_SHAPES: tuple[re.Pattern[str], ...] = (
    re.compile(_ASC + r" - (?P<logger>[^ ]+) - " + _LVL_ANY + r" - (?P<message>.*)$"),
    re.compile(_ASC + r" " + _LVL_ANY + r" (?P<logger>[^ :]+): (?P<message>.*)$"),
    re.compile(r"\[" + _ASC + r"\] " + _LVL_ANY + r" in (?P<module>[^ :]+): (?P<message>.*)$"),
    re.compile(_LVL + r":(?P<logger>[^ :]*):(?P<message>.*)$"),
    re.compile(_LVL + r":  +(?P<message>.*)$"),
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
    regex = _SHAPES[0]

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
        shapes = _SHAPES
        epoch = self._times.epoch
        levels = _LEVELS
        for line in lines:
            for rx in shapes:
                m = rx.match(line)
                if m is not None:
                    break
            else:
                ts_out.append(None)
                levels_out.append(0)
                msgs_out.append(None)
                continue
            gi = m.re.groupindex
            t = m.group("ts") if "ts" in gi else None
            ts_out.append(epoch(t) if t else None)
            levels_out.append(levels[m.group("level")])
            msgs_out.append(m.group("message"))
