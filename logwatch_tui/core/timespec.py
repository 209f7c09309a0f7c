"""Times as people type them into a prompt: ``10:42``, ``-15m``, ``2026-11-20 10:42``.

Used by "go to time" and the time-range filter. A bare clock time means that
time on the day being looked at (the reference day), because someone reading
yesterday's log who types ``10:42`` wants yesterday's 10:42; with no reference
day it is the most recent such moment that is not in the future — the way
``at``/``journalctl --since`` users expect "10:42" typed at 09:00 to mean
yesterday morning.

Naive times are local time, like the timestamps in most log files; ISO 8601
with a zone (``Z``, ``+02:00``) is honoured. Everything returns epoch seconds.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from logwatch_tui.core.durations import parse_duration
from logwatch_tui.core.formats.base import iso_datetime

HINT = "use 10:42, 10:42:05, -15m, -2h, yesterday 10:00, 2026-11-20 10:42 or ISO 8601"

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,6}))?)?")
_RELATIVE = re.compile(r"([+-])\s*(.+)")
_AGO = re.compile(r"(.+?)\s+ago", re.IGNORECASE)
_DAY_WORD = re.compile(r"(today|yesterday)(?:\s+(.*))?", re.IGNORECASE)
_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")
_EPOCH = re.compile(r"@(\d+(?:\.\d+)?)")


def _show(text: str) -> str:
    r = repr(text)
    return r if len(r) <= 60 else r[:57] + "..."


def _local_date(epoch: float) -> date:
    return datetime.fromtimestamp(epoch).date()


def _clock(text: str) -> time | None:
    m = _CLOCK.fullmatch(text)
    if m is None:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    second = int(m.group(3) or 0)
    micro = int((m.group(4) or "0").ljust(6, "0"))
    if hour > 23 or minute > 59 or second > 59:
        raise ValueError(f"{_show(text)} is not a valid time of day (hours 0-23, minutes 0-59)")
    return time(hour, minute, second, micro)


def _at(day: date, clock: time) -> float:
    """Local wall-clock time on ``day`` as epoch seconds (DST handled by the OS rules)."""
    return datetime.combine(day, clock).astimezone().timestamp()


def parse_time_spec(text: str, *, now: float, reference_day: float | None = None) -> float:
    """Epoch seconds for a typed time; ValueError naming the input and the accepted forms.

    ``reference_day`` is any epoch second within the day a bare clock time refers to
    (the day of the log line under the cursor, say). Without it, a clock time is taken
    on the day of ``now`` — or the day before when that would be in the future.
    """
    t = " ".join(text.split())
    if not t:
        raise ValueError(f"empty time ({HINT})")
    low = t.lower()
    if low == "now":
        return float(now)

    m = _EPOCH.fullmatch(t)
    if m is not None:
        return float(m.group(1))

    m = _RELATIVE.fullmatch(t)
    if m is not None:
        try:
            seconds = parse_duration(m.group(2))
        except ValueError:
            raise ValueError(f"{_show(text)} is not a relative time ({HINT})") from None
        return float(now) + (seconds if m.group(1) == "+" else -seconds)
    m = _AGO.fullmatch(t)
    if m is not None:
        try:
            return float(now) - parse_duration(m.group(1))
        except ValueError:
            raise ValueError(f"{_show(text)} is not a relative time ({HINT})") from None

    m = _DAY_WORD.fullmatch(t)
    if m is not None:
        day = _local_date(now)
        if m.group(1).lower() == "yesterday":
            day -= timedelta(days=1)
        rest = m.group(2)
        clock = _clock(rest) if rest else time(0, 0)
        if clock is None:
            raise ValueError(f"{_show(text)}: expected a time after {m.group(1)!r} ({HINT})")
        return _at(day, clock)

    clock = _clock(t)
    if clock is not None:
        if reference_day is not None:
            return _at(_local_date(reference_day), clock)
        day = _local_date(now)
        when = _at(day, clock)
        if when > now:
            when = _at(day - timedelta(days=1), clock)
        return when

    if _DATE_ONLY.fullmatch(t):
        try:
            return _at(date.fromisoformat(t), time(0, 0))
        except ValueError:
            raise ValueError(f"{_show(text)} is not a valid date") from None

    dt = iso_datetime(t)
    if dt is not None:
        if dt.tzinfo is None:
            dt = dt.astimezone()
        return dt.timestamp()
    raise ValueError(f"{_show(text)} is not a time ({HINT})")


__all__ = ["HINT", "parse_time_spec"]
