"""JSON lines to columns with msgspec and numpy (runs in worker processes).

The JSON format's batch parse decodes every line into a dict with orjson and converts
every timestamp with ``datetime.fromisoformat``. Here:

* msgspec decodes the whole range (as JSON lines when every line starts with ``{``,
  else with newlines turned into commas, one array) into structs holding only the
  keys the format reads (time, level and message aliases, ``fields`` for tracing's
  nested message) — the other keys are skipped in C;
* the columns take the first alias present per row, as the format does;
* uniform ISO 8601 timestamps (``YYYY-MM-DDTHH:MM:SS[.fff|.ffffff](Z|±HH:MM)``) are
  converted with integer arithmetic on a byte matrix: the same microsecond count
  ``datetime`` computes, divided once, so the floats are identical.

Whatever this cannot vouch for (a decode error, a value orjson would read differently
such as an integer beyond 64 bits, a message that is not a string, a timestamp of
another shape) goes through the format's own batch parse for the range, so the
answer is always the format's.
"""

from __future__ import annotations

import gc
from operator import attrgetter
from typing import Any

import msgspec
import numpy as np

from logwatch_tui.core.formats.columnar import JsonColumns

UNSET = msgspec.UNSET
_BIG = 1 << 62
_UNSET_TYPE = type(UNSET)
_LEVEL_TYPES = {str, int, float, bool, type(None)}


def _f(name: str) -> Any:
    return msgspec.field(default=UNSET, name=name)


class _Row(msgspec.Struct, gc=False):  # decoded JSON holds no cycles
    ts: Any = UNSET
    time: Any = UNSET
    timestamp: Any = UNSET
    at_timestamp: Any = _f("@timestamp")
    asctime: Any = UNSET
    realtime: Any = _f("__REALTIME_TIMESTAMP")
    level: Any = UNSET
    lvl: Any = UNSET
    severity: Any = UNSET
    levelname: Any = UNSET
    log_level: Any = _f("log.level")
    priority: Any = _f("PRIORITY")
    msg: Any = UNSET
    message: Any = UNSET
    event: Any = UNSET
    MESSAGE: Any = UNSET
    fields: Any = UNSET


_ATTR = {
    "@timestamp": "at_timestamp",
    "__REALTIME_TIMESTAMP": "realtime",
    "log.level": "log_level",
    "PRIORITY": "priority",
}
_DECODER = msgspec.json.Decoder(list[_Row])
_LINES = msgspec.json.Decoder(_Row)
_OPEN_BRACE = ord("{")


def _attrs(keys: tuple[str, ...]) -> list[str]:
    return [_ATTR.get(k, k) for k in keys]


_TS = _attrs(JsonColumns.TS_KEYS)
_LEVEL = _attrs(JsonColumns.LEVEL_KEYS)
_MSG = _attrs(JsonColumns.MSG_KEYS)
assert all(a in _Row.__struct_fields__ for a in _TS + _LEVEL + _MSG)


def _column(rows: list[_Row], attrs: list[str]) -> list[Any]:
    """Per row, the value of the first alias present (UNSET when none is)."""
    return _typed_column(rows, attrs)[0]


def _typed_column(rows: list[_Row], attrs: list[str]) -> tuple[list[Any], set[type]]:
    """:func:`_column` and the set of its values' types (one pass fewer for the caller)."""
    first = rows[0]
    key = next((a for a in attrs if getattr(first, a) is not UNSET), attrs[0])
    col = list(map(attrgetter(key), rows))
    earlier = attrs[: attrs.index(key)]
    absent = {_UNSET_TYPE}
    types = set(map(type, col))
    if any(set(map(type, map(attrgetter(a), rows))) != absent for a in earlier) or (
        _UNSET_TYPE in types
    ):
        out = []
        for r in rows:
            v = UNSET
            for a in attrs:
                v = getattr(r, a)
                if v is not UNSET:
                    break
            out.append(v)
        return out, set(map(type, out))
    return col, types


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    mp = (m + 9) % 12
    doy = (153 * mp + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


_DIM = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], np.int64)


def iso_epochs(values: list[str]) -> list[float] | None:
    """Epoch seconds of uniform ISO 8601 strings with a zone, or None (not that shape)."""
    got = iso_epoch_array(values)
    return None if got is None else got.tolist()


def iso_epoch_array(values: list[str]) -> np.ndarray | None:
    """:func:`iso_epochs` as a float64 array (no Python float per line)."""
    n = len(values)
    if not n:
        return np.empty(0, np.float64)
    width = len(values[0])
    if width not in (20, 24, 27, 25, 29, 32):
        return None
    if set(map(len, values)) != {width}:
        return None
    try:
        raw = "".join(values).encode("ascii")
    except UnicodeEncodeError:
        return None
    a = np.frombuffer(raw, np.uint8).reshape(n, width)
    zulu = values[0][-1] == "Z"
    frac = width - 19 - (1 if zulu else 6)
    if frac not in (0, 4, 7):
        return None
    seps = {4: "-", 7: "-", 10: "T", 13: ":", 16: ":"}
    if frac:
        seps[19] = "."
    digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
    digits += list(range(20, 19 + frac))
    if zulu:
        seps[width - 1] = "Z"
    else:
        seps[width - 3] = ":"
        digits += [width - 5, width - 4, width - 2, width - 1]
    for pos, ch in seps.items():
        if not (a[:, pos] == ord(ch)).all():
            return None
    dg = a[:, digits]
    if ((dg < 48) | (dg > 57)).any():
        return None

    def num(lo: int, hi: int) -> np.ndarray:
        out = np.zeros(n, np.int64)
        for p in range(lo, hi):
            out *= 10
            out += a[:, p]
            out -= 48
        return out

    year, month, day = num(0, 4), num(5, 7), num(8, 10)
    hh, mm, ss = num(11, 13), num(14, 16), num(17, 19)
    us = num(20, 19 + frac) * (1000 if frac == 4 else 1) if frac else np.zeros(n, np.int64)
    if zulu:
        off = np.zeros(n, np.int64)
    else:
        sign_byte = a[:, width - 6]
        minus = sign_byte == ord("-")
        if not (minus | (sign_byte == ord("+"))).all():
            return None
        sign = np.where(minus, -1, 1)
        oh, om = num(width - 5, width - 3), num(width - 2, width)
        if (oh >= 24).any() or (om >= 60).any():
            return None
        off = sign * (oh * 3600 + om * 60)
    if ((month < 1) | (month > 12) | (day < 1) | (year < 1)).any():
        return None
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    dim = _DIM[month] + ((month == 2) & leap)
    if ((day > dim) | (hh >= 24) | (mm >= 60) | (ss >= 60)).any():
        return None
    secs = _days_from_civil(year, month, day) * 86400 + hh * 3600 + mm * 60 + ss - off
    return (secs * 1_000_000 + us) / 1e6


def _small_numbers(values: list[Any], types: set[type]) -> bool:
    """Ints orjson reads as ints too (it reads integers beyond 64 bits as floats)."""
    return int not in types or all(-_BIG < v < _BIG for v in values if type(v) is int)


def decode_range(
    buf: bytes, starts: np.ndarray, nl: np.ndarray, cols: JsonColumns
) -> tuple[list[float | None], list[int], list[str]] | None:
    """(epochs, levels, messages) of every line of ``buf``, or None (use the format's parse)."""
    got = decode_columns(buf, starts, nl, cols)
    if got is None:
        return None
    epochs, levels, msgs = got
    return (epochs.tolist() if isinstance(epochs, np.ndarray) else epochs), levels.tolist(), msgs


def decode_columns(
    buf: bytes, starts: np.ndarray, nl: np.ndarray, cols: JsonColumns
) -> tuple[np.ndarray | list[float | None], np.ndarray, list[str]] | None:
    """:func:`decode_range` as columns: epochs as a float64 array when every line's time
    is a uniform ISO 8601 string (else the format's list, None where a line has none),
    levels as int8."""
    n = len(starts)
    gc_on = gc.isenabled()
    gc.disable()  # tens of thousands of new objects would trigger the cyclic GC again and again
    try:
        if n and bool((np.frombuffer(buf, np.uint8)[starts] == _OPEN_BRACE).all()):
            # every line holds at least one value: n rows means one value per line
            rows = _LINES.decode_lines(buf)
        else:  # blank lines would be skipped there: one array, where they are errors
            rows = _DECODER.decode(b"[" + buf[:-1].replace(b"\n", b",") + b"]")
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    finally:
        if gc_on:
            gc.enable()
    if len(rows) != n:
        return None
    ts, ts_types = _typed_column(rows, _TS)
    lv, lv_types = _typed_column(rows, _LEVEL)
    ms, ms_types = _typed_column(rows, _MSG)
    epochs: np.ndarray | list[float | None] | None
    if ts_types <= {str}:
        epochs = iso_epoch_array(ts)
        if epochs is None:
            epochs = cols.epochs(ts)
    elif ts_types <= {str, int, float} and _small_numbers(ts, ts_types):
        epochs = cols.epochs(ts)
    else:
        return None
    if _UNSET_TYPE in lv_types:  # no level key: read as the format reads it (None)
        lv = [None if v is UNSET else v for v in lv]
        lv_types = set(map(type, lv))
    if not lv_types <= _LEVEL_TYPES or not _small_numbers(lv, lv_types):
        return None
    levels = np.fromiter(map(cols.level, lv), np.int8, n)
    if ms_types != {str}:
        for i, m in enumerate(ms):
            if type(m) is str:
                continue
            if m is not UNSET:
                return None  # null, numbers, objects: the format's own rendering
            f = rows[i].fields
            if type(f) is dict and "message" in f:
                if type(f["message"]) is not str:
                    return None
                ms[i] = f["message"]
            else:
                ms[i] = buf[int(starts[i]) : int(nl[i])].decode("utf-8")
    return epochs, levels, ms
