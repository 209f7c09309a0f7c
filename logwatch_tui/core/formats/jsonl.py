"""JSON lines (one JSON object per line: bunyan, pino, structlog, logstash, zap…).

Keys, first match wins:

* time: ``ts``, ``time``, ``timestamp``, ``@timestamp``, ``asctime`` — ISO 8601 strings (zone
  kept, none = local), or epoch seconds / milliseconds (µs, ns too) as numbers
  or numeric strings (read as UTC instants).
* level: ``level``, ``lvl``, ``severity``, ``levelname``, ``log.level`` (ECS) — names
  (``warn``, ``ERROR``, ``E``) or bunyan/pino numbers (30 info, 50 error). A JSON
  *number* 0–7 is ambiguous (syslog severity? Nextcloud's 0 debug … 4 fatal?) and reads
  as UNKNOWN; formats that know their scale declare it (``nextcloud``); journald's
  ``PRIORITY`` is a *string* and reads as a syslog severity.
* message: ``msg``, ``message``, ``event`` (structlog); tracing's nested
  ``fields.message`` too; a record without one shows its raw line.
* ``journalctl -o json`` too: ``__REALTIME_TIMESTAMP`` (µs since the epoch),
  ``PRIORITY`` (syslog severity 0–7), ``MESSAGE``.

Every other key goes to ``fields`` unchanged (nested values stay nested).

A line that is not a JSON object still becomes a record: message = the raw
text, level UNKNOWN, no time — nothing is dropped. ``parse`` returns None only
for lines shaped like continuations (indented, blank, ``at …``, ``Traceback``),
so a stack trace printed between JSON lines joins the record above it.
Detection uses :meth:`JsonFormat.matches`, which is stricter: "parses as a JSON
object". So a file of garbage never detects as JSON, yet a JSON log with one
broken line keeps that line.

Speed: a batch is first parsed by one ``orjson.loads`` of ``[line,line,…]``;
only if that fails (a broken line) does it go line by line.
"""

from __future__ import annotations

import gc
from datetime import UTC, datetime
from itertools import repeat
from operator import contains
from typing import Any

import orjson

from logwatch_tui.core.formats.base import LogFormat, ParsedLine, aware, iso_datetime
from logwatch_tui.core.levels import Level, level_from_number, parse_level
from logwatch_tui.core.multiline import CONTINUATION_RE

TS_KEYS = ("ts", "time", "timestamp", "@timestamp", "asctime", "__REALTIME_TIMESTAMP")
LEVEL_KEYS = ("level", "lvl", "severity", "levelname", "log.level", "PRIORITY")
MSG_KEYS = ("msg", "message", "event", "MESSAGE")

_loads = orjson.loads
_DICT_ONLY = {dict}
_STR_ONLY = {str}
_NUMBERS = {int, float}
_JSONDecodeError = orjson.JSONDecodeError


def _number_epoch(v: float) -> float:
    """Epoch seconds, or milli/micro/nanoseconds scaled down (bigger than year 5138 in s)."""
    v = float(v)
    while abs(v) > 1e11:
        v /= 1000.0
    return v


class _TimeMap(dict):  # type: ignore[type-arg]
    """``time value -> epoch``: strings and numbers, converted once each."""

    def __missing__(self, value: Any) -> float | None:
        v = json_epoch(value)
        if len(self) >= 50_000:
            self.clear()
        self[value] = v
        return v


def json_epoch(value: Any) -> float | None:
    """Epoch seconds for a JSON time value (ISO string, number, numeric string)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _number_epoch(value)
    if isinstance(value, str):
        dt = iso_datetime(value)
        if dt is not None:
            return dt.timestamp()  # naive = local, as aware() would say
        try:
            return _number_epoch(float(value))
        except ValueError:
            return None
    return None


def json_datetime(value: Any) -> datetime | None:
    """The aware datetime for a JSON time value; ISO zones are kept, epochs are UTC."""
    if isinstance(value, str):
        dt = iso_datetime(value)
        if dt is not None:
            return aware(dt)
    e = json_epoch(value)
    return datetime.fromtimestamp(e, tz=UTC) if e is not None else None


class _LevelMap(dict):  # type: ignore[type-arg]
    """``level value -> int``: names via parse_level (letters allowed), numbers bunyan-style."""

    def __missing__(self, value: Any) -> int:
        if value is None or isinstance(value, bool):
            lvl = Level.UNKNOWN
        elif isinstance(value, int | float):
            n = int(value)
            lvl = Level.UNKNOWN if 0 <= n <= 7 else level_from_number(n)
        elif isinstance(value, str):
            lvl = parse_level(value, letters=True)
        else:
            lvl = Level.UNKNOWN
        if len(self) < 1000:
            self[value] = int(lvl)
        return int(lvl)


def _message_text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if v is None:
        return ""
    return orjson.dumps(v).decode()


class JsonFormat(LogFormat):
    """One JSON object per line (see module docstring)."""

    name = "json"
    description = "JSON lines (bunyan, pino, structlog, logstash …)"
    multiline = False
    specificity = 50
    samples = [
        {
            "line": '{"ts":"2026-11-20T09:58:06.243Z","level":"info","msg":"request completed"}',
            "ts": "2026-11-20T09:58:06.243+00:00",
            "level": "info",
            "message": "request completed",
        },
        {
            "line": '{"time":1795168685042,"level":50,"msg":"db down","pid":4242}',
            "level": "error",
            "message": "db down",
        },
        {
            "line": '{"asctime": "2026-11-24 01:39:09,682", "levelname": "WARNING", '
            '"name": "app", "message": "slow"}',
            "ts": "2026-11-24T01:39:09.682",
            "level": "warning",
            "message": "slow",
        },
        {
            "line": '{"@timestamp":"2026-11-20T10:00:00.000Z","log.level":"error",'
            '"message":"boom","ecs.version":"1.6.0"}',
            "ts": "2026-11-20T10:00:00+00:00",
            "level": "error",
            "message": "boom",
        },
        {
            "line": '{"timestamp":"2026-11-20T10:00:00.5Z","level":"WARN","fields":'
            '{"message":"retrying","attempt":2},"target":"app::net"}',
            "level": "warning",
            "message": "retrying",
        },
        {
            "line": '{"event": "paid \\ud83d\\udcb6 ok", "level": "info", '
            '"timestamp": "2026-11-20T10:00:00Z"}',
            "level": "info",
            "message": "paid \U0001f4b6 ok",
        },
    ]

    def __init__(self, *, now: float | None = None) -> None:
        super().__init__(now=now)
        self._times = _TimeMap()
        self._levels = _LevelMap()

    @staticmethod
    def _load(line: str) -> dict[str, Any] | None:
        try:
            d = _loads(line)
        except _JSONDecodeError:
            return None
        return d if type(d) is dict else None

    def matches(self, line: str) -> bool:
        return line.lstrip()[:1] == "{" and self._load(line) is not None

    def parse(self, line: str) -> ParsedLine | None:
        d = self._load(line)
        if d is None:
            if CONTINUATION_RE.match(line) is not None:
                return None
            return ParsedLine(None, Level.UNKNOWN, line, {})
        fields = dict(d)
        ts = level = None
        msg: str = line
        for k in TS_KEYS:
            if k in fields:
                ts = json_datetime(fields.pop(k))
                break
        for k in LEVEL_KEYS:
            if k in fields:
                level = Level(self._levels[_hashable(fields.pop(k))])
                break
        for k in MSG_KEYS:
            if k in fields:
                msg = _message_text(fields.pop(k))
                break
        else:
            nested = _nested_message(fields)
            if nested is not None:
                msg = nested
        return ParsedLine(ts, level if level is not None else Level.UNKNOWN, msg, fields)

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        n = len(lines)
        if n == 0:
            return
        objs = None
        # One loads for the whole batch. Tens of thousands of fresh dicts would trigger
        # the cyclic GC over and over (it doubled the cost here); pause it meanwhile.
        gc_on = gc.isenabled()
        gc.disable()
        try:
            objs = _loads("[" + ",".join(lines) + "]")
        except _JSONDecodeError:
            pass
        finally:
            if gc_on:
                gc.enable()
        # A line like '{"a":1},{"b":2}' would shift the rows: demand one dict per line.
        if objs is None or len(objs) != n or set(map(type, objs)) != _DICT_ONLY:
            self._parse_columns_slow(lines, ts_out, levels_out, msgs_out)
            return
        try:
            ts = self._column(objs, TS_KEYS)
            lv = self._column(objs, LEVEL_KEYS)
            ms = self._column(objs, MSG_KEYS)
            epochs = self._epochs(ts)
            levels = list(map(self._levels.__getitem__, lv))
        except TypeError:  # an unhashable time or level value (a list, a dict)
            self._parse_columns_slow(lines, ts_out, levels_out, msgs_out)
            return
        if set(map(type, ms)) != _STR_ONLY:
            absent = object()
            for i, m in enumerate(ms):
                if type(m) is not str:
                    if m is None and _first(objs[i], MSG_KEYS, absent) is absent:
                        nested = _nested_message(objs[i])
                        # no message key: tracing's fields.message, else the raw line
                        ms[i] = nested if nested is not None else lines[i]
                    else:
                        ms[i] = _message_text(m)
        ts_out += epochs
        levels_out += levels
        msgs_out += ms

    def _epochs(self, values: list[Any]) -> list[float | None]:
        """Epoch column; vectorised for the usual all-ISO-strings or all-numbers columns.

        Each branch computes exactly what :func:`json_epoch` would (ISO via
        ``fromisoformat``, numbers scaled by 1000 until below 1e11); anything else
        goes through the cached :func:`json_epoch`.
        """
        types = set(map(type, values))
        if types == _STR_ONLY:
            if all(map(str.isdigit, values)):  # epoch strings (journald's µs timestamps)
                values = list(map(int, values))
                types = {int}
            else:
                fromiso = datetime.fromisoformat
                try:
                    return [fromiso(v).timestamp() for v in values]
                except ValueError:
                    pass
        if types <= _NUMBERS:
            try:
                return [
                    float(v)
                    if -1e11 <= v <= 1e11
                    else v / 1e3
                    if 0 < v <= 1e14
                    else v / 1e6
                    if 0 < v <= 1e17
                    else _number_epoch(v)
                    for v in values
                ]
            except (OverflowError, ValueError):
                pass
        return list(map(self._times.__getitem__, values))

    @staticmethod
    def _column(objs: list[dict[str, Any]], keys: tuple[str, ...]) -> list[Any]:
        """Values of the first alias present, per object (None when none is).

        The alias the first object uses is read from all in one C-level pass; an object
        lacking it, or holding an earlier alias, takes the alias loop, as parse() does.
        """
        key = next((k for k in keys if k in objs[0]), keys[0])
        col = list(map(dict.get, objs, repeat(key)))
        earlier = keys[: keys.index(key)]
        if any(any(map(contains, objs, repeat(k))) for k in earlier):
            return [_first(o, keys) for o in objs]
        if None in col:
            for i, v in enumerate(col):
                if v is None:
                    col[i] = _first(objs[i], keys)
        return col

    def _parse_columns_slow(self, lines, ts_out, levels_out, msgs_out) -> None:
        for line in lines:
            p = self.parse(line)
            if p is None:
                ts_out.append(None)
                levels_out.append(0)
                msgs_out.append(None)
            else:
                ts_out.append(p.ts.timestamp() if p.ts is not None else None)
                levels_out.append(int(p.level))
                msgs_out.append(p.message)


def _nested_message(o: dict[str, Any]) -> str | None:
    """tracing-subscriber's JSON puts the message in ``fields.message``."""
    f = o.get("fields")
    if type(f) is dict and "message" in f:
        return _message_text(f["message"])
    return None


def _first(o: dict[str, Any], keys: tuple[str, ...], default: Any = None) -> Any:
    for k in keys:
        if k in o:
            return o[k]
    return default


def _hashable(v: Any) -> Any:
    return v if isinstance(v, str | int | float | bool) or v is None else repr(v)
