"""Human durations (``90s``, ``5m``, ``1h30m``) to seconds and back.

Rules are written by people, so windows and cooldowns are spelled the way
people say them. :func:`format_duration` writes the shortest spelling that
reads back to exactly the same number, so saving a rule file never changes a
value (``parse_duration(format_duration(x)) == x``).
"""

from __future__ import annotations

import math
import re
from decimal import Decimal
from fractions import Fraction

# Longest spellings first so "ms" is not read as "m" followed by garbage.
_UNITS: dict[str, Fraction] = {
    "milliseconds": Fraction(1, 1000),
    "millisecond": Fraction(1, 1000),
    "msec": Fraction(1, 1000),
    "ms": Fraction(1, 1000),
    "seconds": Fraction(1),
    "second": Fraction(1),
    "secs": Fraction(1),
    "sec": Fraction(1),
    "s": Fraction(1),
    "minutes": Fraction(60),
    "minute": Fraction(60),
    "mins": Fraction(60),
    "min": Fraction(60),
    "m": Fraction(60),
    "hours": Fraction(3600),
    "hour": Fraction(3600),
    "hrs": Fraction(3600),
    "hr": Fraction(3600),
    "h": Fraction(3600),
    "days": Fraction(86400),
    "day": Fraction(86400),
    "d": Fraction(86400),
    "weeks": Fraction(604800),
    "week": Fraction(604800),
    "w": Fraction(604800),
}
_UNIT_ALT = "|".join(sorted(_UNITS, key=len, reverse=True))
_PART = re.compile(rf"(\d+(?:\.\d+)?|\.\d+)\s*({_UNIT_ALT})", re.IGNORECASE)
_WHOLE = re.compile(rf"(?:\s*(?:\d+(?:\.\d+)?|\.\d+)\s*(?:{_UNIT_ALT}))+\s*", re.IGNORECASE)
_NUMBER = re.compile(r"\s*(\d+(?:\.\d+)?|\.\d+)\s*")

HINT = "use 90s, 5m, 1h"


def _show(text: object) -> str:
    """repr for messages, cut short: a pasted 10 MB line must not become the error."""
    r = repr(text)
    return r if len(r) <= 60 else r[:57] + "..."


def parse_duration(text: str | int | float, *, allow_zero: bool = False) -> float:
    """Seconds from ``90s``, ``5m``, ``1h30m``, ``2d``, ``500ms`` or a bare number (seconds).

    Negative durations never make sense; zero only where the caller says so
    (a cooldown may be 0, a window may not), hence ``allow_zero``.
    The ValueError message reads well after a ``"window: "`` prefix.
    """
    if isinstance(text, bool):
        raise ValueError(f"{_show(text)} is not a duration ({HINT})")
    if isinstance(text, (int, float)):
        value = float(text)
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"{_show(text)} is not a duration ({HINT})")
        if value < 0:
            raise ValueError(f"{_show(text)} is negative; a duration must be 0 or more")
    elif isinstance(text, str):
        m = _NUMBER.fullmatch(text)
        if m is not None:
            total = Fraction(m.group(1))
        elif _WHOLE.fullmatch(text):
            # Exact arithmetic, one rounding at the end: 500ms is exactly 0.5.
            total = sum(
                (Fraction(num) * _UNITS[unit.lower()] for num, unit in _PART.findall(text)),
                Fraction(0),
            )
        else:
            stripped = text.strip()
            if stripped.startswith("-"):
                raise ValueError(f"{_show(text)} is negative; a duration must be 0 or more")
            raise ValueError(f"{_show(text)} is not a duration ({HINT})")
        try:
            value = float(total)
        except OverflowError:
            raise ValueError(f"{_show(text)} is too long to be a duration") from None
    else:
        raise ValueError(f"{_show(text)} is not a duration ({HINT})")
    if value == 0 and not allow_zero:
        raise ValueError(f"{_show(text)} must be longer than 0 ({HINT})")
    return value


_FORMAT_UNITS: tuple[tuple[str, int], ...] = (
    ("w", 604800),
    ("d", 86400),
    ("h", 3600),
    ("m", 60),
    ("s", 1),
)


def format_duration(seconds: float) -> str:
    """The shortest spelling that :func:`parse_duration` reads back exactly.

    300 -> ``5m``, 90 -> ``90s``, 60 -> ``60s`` (under two minutes stays in
    seconds, as people write short windows), 86401 -> ``1d1s``,
    0.5 -> ``500ms``. Values that are no whole number of milliseconds fall back
    to ``repr`` seconds (``0.0001s``), which still round-trips.
    """
    value = float(seconds)
    if math.isnan(value) or math.isinf(value) or value < 0:
        raise ValueError(f"{seconds!r} is not a duration")
    if value == 0:
        return "0s"
    if value.is_integer() and value < 120:
        return f"{int(value)}s"  # "60s", "90s": how people write short windows
    if value.is_integer():
        n = int(value)
        best = f"{n}s"
        for unit, size in _FORMAT_UNITS:
            if n % size == 0:
                single = f"{n // size}{unit}"
                if len(single) < len(best):
                    best = single
                break
        # Compound form (1d1s) can be shorter than any single unit.
        parts: list[str] = []
        rest = n
        for unit, size in _FORMAT_UNITS:
            q, rest = divmod(rest, size)
            if q:
                parts.append(f"{q}{unit}")
        compound = "".join(parts)
        if len(compound) < len(best):
            best = compound
        return best
    ms = round(value * 1000)
    if ms / 1000.0 == value:
        return f"{ms}ms"
    # Plain decimal (no exponent: the parser does not read 1e-07).
    return f"{Decimal(repr(value)):f}s"


__all__ = ["HINT", "format_duration", "parse_duration"]
