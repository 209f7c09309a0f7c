"""Formats as data: the declaration schema and the format compiled from it.

A format is a plain dict (the same keys a user writes under ``[[formats]]`` in
``config.toml``, and what ``formats import`` writes from an lnav definition)::

    {
        "name": "glog",
        "description": "Google glog / klog ('E0517 15:04:22.619632 1952 file.cc:253] msg')",
        "regex": [r"(?P<level>[IWEF])(?P<ts>\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{6}) +(?P<tid>\\d+) "
                  r"(?P<file>[^ :]+:\\d+)\\] (?P<message>.*)"],
        "timestamp": ["%m%d %H:%M:%S.%f"],     # no year: inferred per file
        "level-map": {"I": "info", "W": "warning", "E": "error", "F": "critical"},
        "fields": ["file"],
        "multiline": True,
        "samples": [{"line": "E0517 15:04:22.619632 1952 a.cc:253] boom",
                     "level": "error", "message": "boom"}],
    }

Keys (``-`` and ``_`` are interchangeable):

``name``            identifier (letters, digits, ``_``, ``-``, ``.``)
``description``     one line, shown by ``formats list``
``regex``           one regex or a list; tried in order, each anchored at the line start.
                    Named groups: ``ts``, ``level``, ``message`` (``body`` is an alias);
                    every other named group is a field. A timestamp written in two places
                    (a date column, then a time later in the header) is read from ``ts`` and
                    ``ts_2`` joined by a space.
``timestamp``       list of timestamp formats, tried in order: ``iso`` (ISO 8601 / RFC 3339,
                    ``T`` or space, ``,``/``.`` fraction, ``Z``/offset), ``epoch`` (seconds, or
                    ms/µs/ns — scaled by size), ``epoch-ms``, ``bsd`` (``Nov 20 10:00:00``), or a
                    ``strptime`` pattern. A pattern without a year (``%b %d %H:%M:%S``) has the
                    year inferred per file: the first record's year is the latest that is not
                    more than a day in the future; later records keep it and move forward a year
                    when the date falls back by more than half a year (New Year rollover).
                    Default ``["iso"]``. No zone in the text = local time (``timezone`` = ``UTC``
                    or ``+05:30`` says otherwise).
``level-map``       ``{"raw spelling": "error", ...}``; spellings not listed are read with the
                    usual names (``warn``, ``ERR``, ``fatal`` and, when ``level-letters``, ``E``).
                    Anything else is UNKNOWN.
``level-patterns``  ``{"error": "^5\\d\\d$", "warning": "^4"}``: level name -> regex tried on
                    the raw level text when the map has no entry (lnav's ``level`` table).
``level-field``     the group whose text gives the level (default ``level``; ``message``
                    reads the level patterns over the message, as lnav's syslog does).
``level-default``   the level of a header whose level text is absent or not recognised
                    (default ``unknown``; lnav imports say ``info``, as lnav does).
``level-from-message``  ``true``: when no level is found, infer one from the message words
                    (see :func:`infer_level_from_words`).
``fields``          the field names worth showing (default: all non-special groups)
``multiline``       ``true`` (default): lines that are not headers and are shaped like
                    continuations (indented, ``at …``, ``Traceback``, ``Caused by``, no leading
                    timestamp) join the record above. ``false``: only indented/blank/``at``
                    lines do.
``specificity``     detection tie-breaker (default: derived from the regexes); higher wins.
``second-line``     a regex (groups ``level``, ``message``) for formats that put the level and
                    message on the line after the header (java.util.logging's default
                    ``SimpleFormatter``): when the next line matches, it gives the record its
                    level and message and joins it.
``samples``         ``[{"line": ..., "ts": ISO or null, "level": name, "message": ...,
                    "fields": {...}}]`` — checked by the test suite and ``formats test``.
``json``            for JSON-lines formats instead of ``regex``: ``{"ts": [keys], "level":
                    [keys], "message": [keys]}``; a key may be a dotted path (``log.level``,
                    ``t.$date``, ``fields.message``); ``require`` lists keys that must exist.

The compiled :class:`DeclaredFormat` keeps its declaration (``fmt.spec``) and pickles as
that declaration, so a worker process can rebuild it by name or from the dict.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import orjson

from logwatch_tui.core.formats.base import (
    FRACTION_RE,
    MONTHS,
    LogFormat,
    ParsedLine,
    TimestampCache,
    iso_datetime,
)
from logwatch_tui.core.levels import LEVEL_NAMES, LEVEL_WORDS, Level, level_from_number

SPEC_KEYS = {
    "name",
    "description",
    "regex",
    "timestamp",
    "strptime",
    "timezone",
    "level-map",
    "level-patterns",
    "level-field",
    "level-default",
    "level-letters",
    "level-from-message",
    "fields",
    "multiline",
    "specificity",
    "samples",
    "json",
    "second-line",
    "url",
}
"""Every key a declaration may hold (after ``_`` -> ``-``)."""

_NAME_RE = re.compile(r"[A-Za-z0-9_.-]+\Z")
_SPECIAL = {"ts", "level", "message", "body"}
HALF_YEAR = 183 * 86400


class SpecError(ValueError):
    """A declaration that cannot be compiled; the message names the format and the key."""


def normalise(spec: dict[str, Any]) -> dict[str, Any]:
    """``level_map`` -> ``level-map``; a single ``regex``/``timestamp`` string -> a list."""
    if not isinstance(spec, dict):
        raise SpecError(f"a format must be a table, got {type(spec).__name__}")
    out = {str(k).replace("_", "-"): v for k, v in spec.items()}
    name = out.get("name")
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise SpecError(
            f"a format needs a 'name' of letters, digits, '_', '-' or '.', got {name!r}"
        )
    unknown = sorted(set(out) - SPEC_KEYS)
    if unknown:
        raise SpecError(
            f"format {name!r}: unknown key(s) {', '.join(unknown)} "
            f"(allowed: {', '.join(sorted(SPEC_KEYS))})"
        )
    for key in ("regex", "timestamp"):
        if isinstance(out.get(key), str):
            out[key] = [out[key]]
    if "strptime" in out:  # the old single-pattern key
        st = out.pop("strptime")
        if not isinstance(st, str):
            raise SpecError(f"format {name!r}: 'strptime' must be a string")
        out["timestamp"] = [st, *out.get("timestamp", ["iso"])]
    return out


# -- timestamps --------------------------------------------------------------------------------


def epoch_seconds(text: str) -> float | None:
    """``1700000000``, ``1700000000.5``, ms/µs/ns (scaled down by size)."""
    try:
        v = float(text)
    except ValueError:
        return None
    while abs(v) > 1e11:
        v /= 1000.0
    return v


def _bsd(text: str, year: int) -> datetime | None:
    try:
        month = MONTHS[text[:3]]
        day = int(text[4:6])
        hh, mm, ss = int(text[7:9]), int(text[10:12]), int(text[13:15])
        us = int((text[16:] + "000000")[:6]) if len(text) > 16 and text[15] in ".," else 0
        return datetime(year, month, day, hh, mm, ss, us)
    except (KeyError, ValueError, IndexError):
        return None


_YEARLESS = re.compile(r"%[YyGCs]")
_FRAC9 = re.compile(r"([.,]\d{6})\d+")


class YearInference:
    """The year of year-less timestamps, per file and monotonic (see module docstring)."""

    __slots__ = ("now", "year", "last")

    def __init__(self, now: float | None) -> None:
        self.now = now
        self.year: int | None = None
        self.last: float | None = None
        """Epoch of the previous placed timestamp (the naive time read as local time)."""

    def place(self, build: Callable[[int], datetime | None]) -> datetime | None:
        """``build(year)`` -> naive datetime; choose the year by the rule."""
        if self.year is None:
            ref = self.now if self.now is not None else time.time()
            y = datetime.fromtimestamp(ref).year
            limit = datetime.fromtimestamp(ref + 86400)
            for yy in range(y, y - 8, -1):
                dt = build(yy)
                if dt is not None and dt <= limit:
                    self.year = yy
                    self.last = _naive_epoch(dt)
                    return dt
            return None
        dt = build(self.year)
        if dt is None:  # Feb 29 in a common year: the next leap year
            dt = build(self.year + 1)
            if dt is None:
                return None
        e = _naive_epoch(dt)
        if self.last is not None and e < self.last - HALF_YEAR:
            nxt = build(self.year + 1)
            if nxt is not None:
                self.year += 1
                dt = nxt
                e = _naive_epoch(dt)
        self.last = e
        return dt


def _naive_epoch(dt: datetime) -> float:
    return dt.timestamp()


def _tz(text: str | None) -> timezone | None:
    if not text:
        return None
    if text.upper() in ("UTC", "Z", "GMT"):
        return UTC
    m = re.fullmatch(r"([+-])(\d\d):?(\d\d)", text)
    if m is None:
        raise SpecError(f"timezone {text!r}: use UTC or an offset like +05:30")
    sign = 1 if m.group(1) == "+" else -1
    return timezone(sign * timedelta(hours=int(m.group(2)), minutes=int(m.group(3))))


_TZ_ABBREV = {
    "UTC": 0,
    "GMT": 0,
    "Z": 0,
    "WET": 0,
    "CET": 60,
    "CEST": 120,
    "WEST": 60,
    "BST": 60,
    "EET": 120,
    "EEST": 180,
    "MSK": 180,
    "IST": 330,
    "JST": 540,
    "KST": 540,
    "AEST": 600,
    "AEDT": 660,
    "EST": -300,
    "EDT": -240,
    "CST": -360,
    "CDT": -300,
    "MST": -420,
    "MDT": -360,
    "PST": -480,
    "PDT": -420,
    "AKST": -540,
    "AKDT": -480,
    "HST": -600,
}
"""Zone abbreviations worth believing (postgres' ``log_timezone`` and friends)."""
_ABBREV_RE = re.compile(r"(.*\d) ?([A-Z]{1,5})")


def iso_abbrev_datetime(text: str) -> datetime | None:
    """:func:`iso_datetime`, plus a trailing zone abbreviation (``… 01:45:01.123 PDT``)."""
    dt = iso_datetime(text)
    if dt is not None:
        return dt
    m = _ABBREV_RE.fullmatch(text)
    if m is None or m.group(2) not in _TZ_ABBREV:
        return None
    dt = iso_datetime(m.group(1))
    if dt is None:
        return None
    return dt.replace(tzinfo=timezone(timedelta(minutes=_TZ_ABBREV[m.group(2)])))


class TimeReader:
    """Timestamp text -> datetime by a list of formats, with per-file year inference."""

    def __init__(self, formats: list[str], *, now: float | None, tz: timezone | None) -> None:
        self.formats = formats
        self.tz = tz
        self.years = YearInference(now)
        self.yearless = any(
            f == "bsd"
            or (f not in ("iso", "epoch", "epoch-ms") and "%" in f and not _YEARLESS.search(f))
            for f in formats
        )
        self._steps: list[Callable[[str], datetime | None]] = [self._step(f) for f in formats]

    def _step(self, f: str) -> Callable[[str], datetime | None]:
        if f == "iso":
            return iso_abbrev_datetime
        if f in ("epoch", "epoch-ms"):
            scale = 1000.0 if f == "epoch-ms" else 1.0

            def ep(text: str) -> datetime | None:
                try:
                    v = float(text) / scale
                except ValueError:
                    return None
                while abs(v) > 1e11:
                    v /= 1000.0
                try:
                    return datetime.fromtimestamp(v, tz=UTC)
                except (OverflowError, OSError, ValueError):
                    return None

            return ep
        if f == "bsd":
            return self._yearless(lambda text: _bsd(text, 2000))
        if "%" not in f:
            raise SpecError(f"timestamp format {f!r}: use iso, epoch, epoch-ms, bsd or strptime")
        try:
            datetime.now().strftime(f)
        except ValueError as exc:
            raise SpecError(f"timestamp format {f!r}: {exc}") from None
        alts = [f]
        for sep in (".%f", ",%f", ":%f"):
            if sep in f:
                alts.append(f.replace(sep, ""))  # the cache converts the text without fraction
        if not re.search(r"%[dje]", f):  # a time of day only: the reference day's date
            ref = datetime.fromtimestamp(
                self.years.now if self.years.now is not None else time.time()
            )
            day = f"{ref:%Y-%m-%d} "
            dalts = ["%Y-%m-%d " + a for a in alts]

            def dayless(text: str) -> datetime | None:
                t = day + _FRAC9.sub(r"\1", text)
                for a in dalts:
                    try:
                        return datetime.strptime(t, a)
                    except ValueError:
                        continue
                return None

            return dayless
        if not _YEARLESS.search(f):
            alts = ["%Y " + a for a in alts]

            def in_2000(text: str) -> datetime | None:
                t = _FRAC9.sub(r"\1", text)
                for a in alts:
                    try:
                        return datetime.strptime(f"2000 {t}", a)
                    except ValueError:
                        continue
                return None

            return self._yearless(in_2000)

        def strp(text: str) -> datetime | None:
            t = _FRAC9.sub(r"\1", text)
            for a in alts:
                try:
                    return datetime.strptime(t, a)
                except ValueError:
                    continue
            return None

        return strp

    def _yearless(
        self, in_2000: Callable[[str], datetime | None]
    ) -> Callable[[str], datetime | None]:
        """Convert once per distinct text in the leap year 2000, then place the year."""
        cache: dict[str, datetime | None] = {}
        place = self.years.place

        def step(text: str) -> datetime | None:
            base = cache.get(text, False)
            if base is False:
                base = in_2000(text)
                if len(cache) > 50_000:
                    cache.clear()
                cache[text] = base
            if base is None:
                return None

            def build(y: int, _b: datetime = base) -> datetime | None:  # type: ignore[assignment]
                try:
                    return _b.replace(year=y)
                except ValueError:  # Feb 29
                    return None

            return place(build)

        return step

    def __call__(self, text: str) -> datetime | None:
        for step in self._steps:
            dt = step(text)
            if dt is not None:
                if dt.tzinfo is None and self.tz is not None:
                    dt = dt.replace(tzinfo=self.tz)
                return dt
        return None


# -- levels ------------------------------------------------------------------------------------

_INFER_ERROR = re.compile(
    r"(?i)\b(?:error|errors|failed|failure|fatal|panic|exception|segfault|denied|refused)\b"
)
_INFER_WARN = re.compile(r"(?i)\b(?:warn|warning|deprecated|timed out|timeout)\b")


def infer_level_from_words(message: str) -> Level:
    """The documented message-word rule (as lnav does for formats without a level field).

    ``error``, ``errors``, ``failed``, ``failure``, ``fatal``, ``panic``, ``exception``,
    ``segfault``, ``denied``, ``refused`` anywhere (whole words, any case) -> ERROR;
    else ``warn``, ``warning``, ``deprecated``, ``timeout``, ``timed out`` -> WARNING;
    else UNKNOWN. Used only where a format asks for it (``level-from-message``).
    """
    if _INFER_ERROR.search(message) is not None:
        return Level.ERROR
    if _INFER_WARN.search(message) is not None:
        return Level.WARNING
    return Level.UNKNOWN


def level_value(name: Any, fmt: str) -> int:
    """A level name in a declaration (``"error"``, ``"warning"``, ``"fatal"``) -> int."""
    if isinstance(name, int) and 0 <= name <= 7:
        return name
    lv = LEVEL_NAMES.get(str(name)) or LEVEL_NAMES.get(str(name).lower())
    if lv is None:
        if str(name).lower() in ("unknown", "none", "?"):
            return 0
        raise SpecError(f"format {fmt!r}: unknown level name {name!r}")
    return int(lv)


class LevelReader(dict):  # type: ignore[type-arg]
    """``raw level text -> int``: the declared map, then the usual spellings, else UNKNOWN."""

    def __init__(
        self,
        mapping: dict[str, int],
        letters: bool,
        patterns: list[tuple[re.Pattern[str], int]] | None = None,
    ) -> None:
        super().__init__(mapping)
        self._lower = {k.lower(): v for k, v in mapping.items()}
        self._table = LEVEL_NAMES if letters else LEVEL_WORDS
        self._patterns = patterns or []

    def _by_pattern(self, text: str) -> int | None:
        for rx, v in self._patterns:
            if rx.search(text) is not None:
                return v
        return None

    def __missing__(self, raw: Any) -> int:
        if raw is None or raw == "":
            return 0
        if isinstance(raw, bool):
            v = 0
        elif isinstance(raw, int | float):
            v = self._lower.get(str(int(raw)))
            if v is None:
                v = self._by_pattern(str(int(raw)))
            if v is None:
                v = int(level_from_number(int(raw))) if int(raw) >= 10 else 0
        else:
            t = str(raw).strip().strip("[]<>:")
            v = self._lower.get(t.lower())
            if v is None:
                v = self._by_pattern(t)
            if v is None:
                lv = self._table.get(t) or self._table.get(t.lower())
                v = int(lv) if lv is not None else 0
        if len(self) < 2000:
            self[raw] = v
        return v


# -- the compiled format -----------------------------------------------------------------------


def _specificity(regexes: list[re.Pattern[str]]) -> int:
    """Named groups weigh 10, literal characters 1 (rough, stable, position-free)."""
    best = 0
    for rx in regexes:
        src = re.sub(r"\(\?P<\w+>|\\.|\[[^\]]*\]|[()?*+{}|^$.]|\{\d+(?:,\d*)?\}", "", rx.pattern)
        best = max(best, 10 * len(rx.groupindex) + min(len(src), 40))
    return best


def _path_getter(path: str) -> Callable[[dict[str, Any]], Any]:
    """``"log.level"``: the literal key first, then the nested path."""
    parts = path.split(".")

    def get(d: dict[str, Any], _p: str = path, _parts: list[str] = parts) -> Any:
        if _p in d:
            return d[_p]
        if len(_parts) == 1:
            return None
        cur: Any = d
        for part in _parts:
            if type(cur) is not dict or part not in cur:
                return None
            cur = cur[part]
        return cur

    return get


class DeclaredFormat(LogFormat):
    """A format compiled from its declaration (see module docstring)."""

    def __init__(self, spec: dict[str, Any], *, now: float | None = None) -> None:
        super().__init__(now=now)
        spec = normalise(spec)
        self.spec = spec
        name = spec["name"]
        self.name = name  # type: ignore[misc]
        self.description = str(spec.get("description") or f"format {name!r}")  # type: ignore[misc]
        self.multiline = bool(spec.get("multiline", True))  # type: ignore[misc]
        if not isinstance(spec.get("multiline", True), bool):
            raise SpecError(f"format {name!r}: 'multiline' must be true or false")
        js = spec.get("json")
        rx = spec.get("regex")
        if (js is None) == (rx is None):
            raise SpecError(f"format {name!r}: give either 'regex' (one or a list) or 'json'")
        self.regexes: list[re.Pattern[str]] = []
        self._json: dict[str, list[Callable[[dict[str, Any]], Any]]] | None = None
        if rx is not None:
            if not isinstance(rx, list) or not rx or not all(isinstance(r, str) for r in rx):
                raise SpecError(f"format {name!r}: 'regex' must be a string or a list of strings")
            for i, r in enumerate(rx):
                try:
                    c = re.compile(r)
                except re.error as exc:
                    raise SpecError(f"format {name!r}: regex {i + 1} is bad: {exc}") from None
                if not ({"message", "body"} & set(c.groupindex)):
                    raise SpecError(
                        f"format {name!r}: regex {i + 1} needs a named group 'message', "
                        "e.g. (?P<message>.*)"
                    )
                self.regexes.append(c)
        else:
            if not isinstance(js, dict):
                raise SpecError(f"format {name!r}: 'json' must be a table of key lists")
            self._json = {}
            for role in ("ts", "level", "message", "require"):
                keys = js.get(role, [])
                if isinstance(keys, str):
                    keys = [keys]
                self._json[role] = [_path_getter(str(k)) for k in keys]
            self._json_keys = {
                role: [
                    str(k)
                    for k in ([js[role]] if isinstance(js.get(role), str) else js.get(role, []))
                ]
                for role in ("ts", "level", "message", "require")
            }
        ts_formats = spec.get("timestamp", ["iso"])
        if not isinstance(ts_formats, list) or not all(isinstance(f, str) for f in ts_formats):
            raise SpecError(f"format {name!r}: 'timestamp' must be a string or a list of strings")
        try:
            self._reader = TimeReader(ts_formats, now=now, tz=_tz(spec.get("timezone")))
        except SpecError as exc:
            raise SpecError(f"format {name!r}: {exc}") from None
        self._times = TimestampCache(self._reader)
        self._yl: dict[str, float] = {}
        self.stateful = self._reader.yearless  # type: ignore[misc]
        self.prefilter: Callable[[str], Any] | None = None
        """One C-level ``match`` saying whether any regex matches (for detection)."""
        if self.regexes:
            unnamed = [re.sub(r"\(\?P<\w+>", "(?:", rx.pattern) for rx in self.regexes]
            try:
                self.prefilter = re.compile("|".join(f"(?:{u})" for u in unnamed)).match
            except re.error:  # a back-reference or a global flag: ask matches() instead
                self.prefilter = None
        lm = spec.get("level-map", {})
        if not isinstance(lm, dict):
            raise SpecError(f"format {name!r}: 'level-map' must be a table of spelling = level")
        mapping = {str(k): level_value(v, name) for k, v in lm.items()}
        lp = spec.get("level-patterns", {})
        if not isinstance(lp, dict):
            raise SpecError(f"format {name!r}: 'level-patterns' must be a table of level = regex")
        patterns: list[tuple[re.Pattern[str], int]] = []
        for lname, rx_text in lp.items():
            try:
                patterns.append((re.compile(str(rx_text)), level_value(lname, name)))
            except re.error as exc:
                raise SpecError(f"format {name!r}: level pattern {lname!r}: {exc}") from None
        patterns.sort(key=lambda p: -p[1])  # most severe first, as lnav does
        self._levels = LevelReader(mapping, bool(spec.get("level-letters", True)), patterns)
        self._level_default = level_value(spec.get("level-default", "unknown"), name)
        lf = spec.get("level-field", "level")
        self._level_group = "message" if lf in ("message", "body") else "level"
        self._infer = bool(spec.get("level-from-message", False))
        fields = spec.get("fields")
        self.show_fields = list(fields) if isinstance(fields, list) else None
        sp = spec.get("specificity")
        self.specificity = (
            int(sp)
            if isinstance(sp, int)
            else (
                _specificity(self.regexes)
                if self.regexes
                else 30 + 10 * len(js.get("require", []) or [])  # type: ignore[union-attr]
            )
        )
        self.samples = list(spec.get("samples", []) or [])
        second = spec.get("second-line")
        self._second: re.Pattern[str] | None = None
        if second is not None:
            try:
                self._second = re.compile(str(second))
            except re.error as exc:
                raise SpecError(f"format {name!r}: second-line regex is bad: {exc}") from None

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.spec, self.now))

    # -- one line ------------------------------------------------------------------------------
    def _match(self, line: str) -> re.Match[str] | None:
        for rx in self.regexes:
            m = rx.match(line)
            if m is not None:
                return m
        return None

    def _epoch(self, t: str) -> float | None:
        if self._reader.yearless:
            return self._epoch_yearless(t)
        return self._times.epoch(t)

    def _epoch_yearless(self, t: str) -> float | None:
        """Per-file year: cached per text without its fraction, within the current year;
        a cached value that falls back more than half a year goes through the rule again."""
        m = FRACTION_RE.search(t)
        if m is not None:
            key = t[: m.start()] + t[m.end() :]
            digits = m.group(1)
            frac = int(digits) / 10 ** len(digits)
        else:
            key, frac = t, 0.0
        years = self._reader.years
        base = self._yl.get(key)
        if base is None or (years.last is not None and base < years.last - HALF_YEAR):
            year = years.year
            dt = self._reader(key)
            if dt is None:
                dt = self._reader(t)  # a pattern that demands its fraction
                if dt is None:
                    return None
                frac = 0.0
            if years.year != year:
                self._yl.clear()
            base = dt.timestamp()
            if len(self._yl) > 50_000:
                self._yl.clear()
            self._yl[key] = base
        years.last = base
        return base + frac

    def _level(self, raw: Any, message: str) -> int:
        lv = self._levels[raw] if raw is not None else 0
        if lv == 0:
            lv = self._level_default
        if lv == 0 and self._infer:
            lv = int(infer_level_from_words(message))
        return lv

    def matches(self, line: str) -> bool:
        if self._json is not None:
            return self._load(line) is not None
        return self._match(line) is not None

    def _load(self, line: str) -> dict[str, Any] | None:
        if line[:1] != "{":
            return None
        try:
            d = orjson.loads(line)
        except orjson.JSONDecodeError:
            return None
        if type(d) is not dict:
            return None
        for get in self._json["require"]:  # type: ignore[index]
            if get(d) is None:
                return None
        return d

    def _json_row(self, d: dict[str, Any], line: str) -> tuple[Any, Any, str, dict[str, Any]]:
        js = self._json
        assert js is not None
        t = next((v for g in js["ts"] if (v := g(d)) is not None), None)
        lv = next((v for g in js["level"] if (v := g(d)) is not None), None)
        msg = next((v for g in js["message"] if (v := g(d)) is not None), None)
        if msg is None:
            msg = line
        elif not isinstance(msg, str):
            msg = orjson.dumps(msg).decode()
        return t, lv, msg, d

    def _json_time(self, t: Any) -> datetime | None:
        if t is None or isinstance(t, bool):
            return None
        if isinstance(t, int | float):
            t = str(t)
        elif isinstance(t, dict):  # {"$date": ...} (MongoDB)
            t = next(iter(t.values()), None)
            return self._json_time(t)
        if not isinstance(t, str):
            return None
        return self._reader(t)

    def parse(self, line: str) -> ParsedLine | None:
        if self._json is not None:
            d = self._load(line)
            if d is None:
                return None
            t, lv, msg, fields = self._json_row(d, line)
            dt = self._json_time(t)
            if dt is not None and dt.tzinfo is None:
                dt = dt.astimezone()
            return ParsedLine(dt, Level(self._level(_hashable(lv), msg)), msg, dict(fields))
        m = self._match(line)
        if m is None:
            return None
        gd = m.groupdict()
        t = gd.pop("ts", None)
        t2 = gd.pop("ts_2", None)
        if t and t2:
            t = f"{t} {t2}"
        raw = gd.pop("level", None)
        msg = gd.pop("message", None)
        body = gd.pop("body", None)
        if msg is None:
            msg = body or ""
        if self._level_group == "message":
            raw = msg
        ts = None
        if t:
            e = self._epoch(t)
            ts = datetime.fromtimestamp(e).astimezone() if e is not None else None
            if ts is not None:
                dt = self._reader(t) if not self._reader.yearless else None
                if dt is not None and dt.tzinfo is not None:
                    ts = dt
        fields = {k: v for k, v in gd.items() if v is not None}
        return ParsedLine(ts, Level(self._level(raw, msg)), msg, fields)

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        if self._json is not None:
            for line in lines:
                d = self._load(line)
                if d is None:
                    ts_out.append(None)
                    levels_out.append(0)
                    msgs_out.append(None)
                    continue
                t, lv, msg, _ = self._json_row(d, line)
                dt = self._json_time(t)
                ts_out.append(dt.timestamp() if dt is not None else None)
                levels_out.append(self._level(_hashable(lv), msg))
                msgs_out.append(msg)
            return
        match = self._match
        epoch = self._epoch
        level = self._level
        by_message = self._level_group == "message"
        for line in lines:
            m = match(line)
            if m is None:
                ts_out.append(None)
                levels_out.append(0)
                msgs_out.append(None)
                continue
            gi = m.re.groupindex
            t = m.group("ts") if "ts" in gi else None
            if t and "ts_2" in gi and (t2 := m.group("ts_2")):
                t = f"{t} {t2}"
            msg = m.group("message") if "message" in gi else m.group("body")
            if msg is None:
                msg = ""
            ts_out.append(epoch(t) if t else None)
            if by_message:
                levels_out.append(level(msg, msg))
            else:
                levels_out.append(level(m.group("level") if "level" in gi else None, msg))
            msgs_out.append(msg)
        if self._second is not None:
            self._join_second_lines(lines, len(msgs_out) - len(lines), ts_out, levels_out, msgs_out)

    def _join_second_lines(self, lines, n0, ts_out, levels_out, msgs_out) -> None:
        """A header followed by a ``second-line`` line: that line gives level and message."""
        second = self._second.match  # type: ignore[union-attr]
        for i in range(len(lines) - 1):
            if msgs_out[n0 + i] is None or msgs_out[n0 + i + 1] is not None:
                continue
            m = second(lines[i + 1])
            if m is None:
                continue
            gi = m.re.groupindex
            msg = m.group("message") if "message" in gi else ""
            msgs_out[n0 + i] = msg or ""
            raw = m.group("level") if "level" in gi else None
            levels_out[n0 + i] = self._level(raw, msg or "")


def _hashable(v: Any) -> Any:
    return v if isinstance(v, str | int | float | bool) or v is None else repr(v)


def _rebuild(spec: dict[str, Any], now: float | None) -> DeclaredFormat:
    return DeclaredFormat(spec, now=now)


def check_samples(fmt: LogFormat, samples: list[dict[str, Any]]) -> list[str]:
    """Run a format's sample lines; return one message per disagreement (empty = all good).

    A sample's ``ts`` is compared as an instant (ISO text, zone-less = local time).
    """
    problems: list[str] = []
    for s in samples:
        line = s["line"]
        p = fmt.parse(line)
        if p is None:
            problems.append(f"{fmt.name}: sample does not parse: {line[:120]!r}")
            continue
        if "ts" in s:
            want = s["ts"]
            got = p.ts
            if want is None:
                if got is not None:
                    problems.append(f"{fmt.name}: {line[:80]!r}: ts {got} but expected none")
            else:
                w = iso_datetime(want)
                if w is not None and w.tzinfo is None:
                    w = w.astimezone()
                if got is None or w is None or abs(got.timestamp() - w.timestamp()) > 1e-3:
                    problems.append(f"{fmt.name}: {line[:80]!r}: ts {got} != {want}")
        if "level" in s:
            want_lv = level_value(s["level"], fmt.name)
            if int(p.level) != want_lv:
                problems.append(
                    f"{fmt.name}: {line[:80]!r}: level {p.level.name} != {Level(want_lv).name}"
                )
        if "message" in s and p.message != s["message"]:
            problems.append(f"{fmt.name}: {line[:80]!r}: message {p.message!r} != {s['message']!r}")
        for k, v in (s.get("fields") or {}).items():
            if str(p.fields.get(k)) != str(v):
                problems.append(
                    f"{fmt.name}: {line[:80]!r}: field {k}={p.fields.get(k)!r} != {v!r}"
                )
        # the hot path must agree with parse()
        ts_c: list[float | None] = []
        lv_c: list[int] = []
        ms_c: list[str | None] = []
        fmt.parse_columns([line], ts_c, lv_c, ms_c)
        if ms_c[0] != p.message or lv_c[0] != int(p.level):
            problems.append(f"{fmt.name}: {line[:80]!r}: parse_columns disagrees with parse")
    return problems
