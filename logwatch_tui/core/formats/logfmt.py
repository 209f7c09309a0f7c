"""logfmt: ``key=value`` pairs, values bare or double-quoted (Heroku, Go kit, logrus…).

::

    ts=2026-11-20T10:00:00.120Z level=error msg="upstream failed" err="connection refused" dur=1.2s

A header is a line that starts with a ``key=value`` pair and holds at least two
of them. Time, level and message come from the same key aliases as JSON
(``ts time timestamp @timestamp t when`` / ``level lvl severity at`` — Heroku's and
logfmter's ``at=info`` — / ``msg message``); in a quoted value ``\\n``, ``\\t`` and ``\\r`` are
a newline, a tab and a CR, and ``\\x`` is ``x`` (``\\"``, ``\\\\``);
every other pair is a field (bare keys without ``=`` are fields set to True).
A record without a message key shows its raw line. One line is one record.
"""

from __future__ import annotations

import re
from typing import Any

from logwatch_tui.core.formats.base import LogFormat, ParsedLine
from logwatch_tui.core.formats.jsonl import json_datetime, json_epoch
from logwatch_tui.core.levels import Level, parse_level

_PAIR = re.compile(r'([^\s="]+)(?:=("(?:[^"\\]|\\.)*"|[^\s"]*))?')
_HEAD = re.compile(r'[^\s="]+=(?:"(?:[^"\\]|\\.)*"|[^\s"]*)\s+[^\s="]+(?:\s+[^\s="]+)*=')
_TS_KEYS = ("ts", "time", "timestamp", "@timestamp", "t", "when")
_LEVEL_KEYS = ("level", "lvl", "severity", "at")
_MSG_KEYS = ("msg", "message")
_UNESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def _unescape(m: re.Match[str]) -> str:
    c = m.group(1)
    return _ESCAPES.get(c, c)


def _value(raw: str) -> str:
    if raw[:1] == '"':
        body = raw[1:-1]
        return _UNESCAPE.sub(_unescape, body) if "\\" in body else body
    return raw


class LogfmtFormat(LogFormat):
    """logfmt lines (see module docstring)."""

    name = "logfmt"
    description = "logfmt (key=value pairs: 'ts=… level=info msg=\"…\"')"
    multiline = False
    specificity = 40
    samples = [
        {
            "line": 'ts=2026-11-20T09:58:10.622Z level=warn msg="cache stats" component=cache',
            "ts": "2026-11-20T09:58:10.622+00:00",
            "level": "warning",
            "message": "cache stats",
        }
    ]

    def __init__(self, *, now: float | None = None) -> None:
        super().__init__(now=now)
        self._times: dict[str, float | None] = {}
        self._levels: dict[str, int] = {}

    def matches(self, line: str) -> bool:
        return _HEAD.match(line) is not None

    def _pairs(self, line: str) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k, v in _PAIR.findall(line):
            out.setdefault(k, _value(v) if v else ("" if f"{k}=" in line else True))
        return out

    def _split(self, line: str) -> tuple[Any, Any, str, dict[str, Any]]:
        pairs = self._pairs(line)
        t = next((pairs.pop(k) for k in _TS_KEYS if k in pairs), None)
        lv = next((pairs.pop(k) for k in _LEVEL_KEYS if k in pairs), None)
        msg = next((pairs.pop(k) for k in _MSG_KEYS if k in pairs), None)
        return t, lv, line if msg is None else str(msg), pairs

    def _level(self, v: Any) -> int:
        if not isinstance(v, str):
            return int(Level.UNKNOWN)
        lvl = self._levels.get(v)
        if lvl is None:
            lvl = self._levels[v] = int(parse_level(v, letters=True))
        return lvl

    def _epoch(self, v: Any) -> float | None:
        if not isinstance(v, str):
            return None
        e = self._times.get(v, False)
        if e is False:
            if len(self._times) > 50_000:
                self._times.clear()
            e = self._times[v] = json_epoch(v)
        return e  # type: ignore[return-value]

    def parse(self, line: str) -> ParsedLine | None:
        if _HEAD.match(line) is None:
            return None
        t, lv, msg, fields = self._split(line)
        ts = json_datetime(t) if isinstance(t, str) else None
        return ParsedLine(ts, Level(self._level(lv)), msg, fields)

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        head = _HEAD.match
        split = self._split
        epoch, level = self._epoch, self._level
        for line in lines:
            if head(line) is None:
                ts_out.append(None)
                levels_out.append(0)
                msgs_out.append(None)
                continue
            t, lv, msg, _ = split(line)
            ts_out.append(epoch(t))
            levels_out.append(level(lv))
            msgs_out.append(msg)
