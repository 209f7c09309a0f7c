"""The contract every log format implements.

A format answers two questions about a line:

* :meth:`LogFormat.parse_columns` — the hot path. Appends timestamp (epoch
  seconds or None), level (int) and message (or None when the line is not a
  record header) for a whole list of lines. Formats make this fast: one
  precompiled regex, cached timestamp conversion, no per-line objects.
* :meth:`LogFormat.parse` — the full answer for one line (aware datetime,
  every field). Used lazily: ``parse`` output, detail view, rule group_by on
  parsed fields, tests.

Both must agree: ``parse(line)`` is None exactly when ``parse_columns`` gives
a None message, and their timestamps and levels are equal.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from logwatch_tui.core.levels import Level, parse_level


@dataclass(slots=True)
class ParsedLine:
    ts: datetime | None
    """Timezone-aware, or None when the line carries no time."""
    level: Level
    message: str
    fields: dict[str, Any] = field(default_factory=dict)


class LogFormat:
    """Base class; subclasses set ``name`` and implement :meth:`parse`."""

    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    multiline: ClassVar[bool] = True
    """True when a line that is not a header continues the record above it."""
    specificity: ClassVar[int] = 50
    """Detection tie-breaker between formats explaining a line equally well (higher wins)."""
    samples: ClassVar[list[dict[str, Any]]] = []
    """Sample lines with their expected result (schema of :mod:`.spec`); checked by tests."""
    stateful: ClassVar[bool] = False
    """True when parsing depends on the lines parsed before (per-file year inference):
    detection then scores on a separate instance."""

    def __init__(self, *, now: float | None = None) -> None:
        self.now = now
        """Reference time for formats whose timestamps lack a year (None = wall clock)."""

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles as its name: a worker process rebuilds it from the registry."""
        return (_rebuild_builtin, (self.name, self.now))

    def parse(self, line: str) -> ParsedLine | None:  # pragma: no cover - abstract
        raise NotImplementedError

    def parse_columns(
        self,
        lines: list[str],
        ts_out: list[float | None],
        levels_out: list[int],
        msgs_out: list[str | None],
    ) -> None:
        """Append one entry per line to each output list.

        The default goes through :meth:`parse`; hot formats override it.
        """
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

    def matches(self, line: str) -> bool:
        """Does this line look like a header of this format? (auto-detection)"""
        return self.parse(line) is not None


def _rebuild_builtin(name: str, now: float | None) -> LogFormat:
    from logwatch_tui.core.formats import make_format

    return make_format(name, now=now)


def aware(dt: datetime) -> datetime:
    """Naive datetimes are local time (as syslog and most apps write them)."""
    if dt.tzinfo is None:
        return dt.astimezone()
    return dt


FRACTION_RE = re.compile(r"(?<=\d\d:\d\d)[.,](\d{1,9})")
"""A fraction of a second after ``HH:MM:SS`` (``,123``/``.123456``), as timestamp caches strip it."""
_FRACTION = FRACTION_RE


class TimestampCache:
    """Converts timestamp strings to epoch seconds, remembering recent answers.

    Log lines repeat the same second thousands of times, so a dict hit replaces
    a strptime. Timestamps with a fraction (``10:00:01,123``, ``…01.123456Z``) are
    unique per line, so those are cached on the text *without* the fraction and
    the fraction is added: one regex search instead of a full conversion. (If the
    text without its fraction does not convert — a strptime pattern that demands
    ``%f`` — the full text is converted, as before.) The dict is cleared when it
    grows past ``limit``.
    """

    __slots__ = ("_convert", "_cache", "_limit")

    def __init__(self, convert: Callable[[str], datetime | None], limit: int = 50_000) -> None:
        self._convert = convert
        self._cache: dict[str, float | None] = {}
        self._limit = limit

    def epoch(self, text: str) -> float | None:
        cache = self._cache
        v = cache.get(text, False)
        if v is not False:
            return v  # type: ignore[return-value]
        m = _FRACTION.search(text)
        if m is not None:
            key = text[: m.start()] + text[m.end() :]
            base = cache.get(key, False)
            if base is False:
                base = self._full(key)
                self._remember(key, base)
            if base is not None:
                digits = m.group(1)
                return base + int(digits) / 10 ** len(digits)  # type: ignore[operator]
        v = self._full(text)
        self._remember(text, v)
        return v

    def _full(self, text: str) -> float | None:
        dt = self._convert(text)
        return aware(dt).timestamp() if dt is not None else None

    def _remember(self, text: str, value: float | None) -> None:
        if len(self._cache) >= self._limit:
            self._cache.clear()
        self._cache[text] = value

    def datetime(self, text: str) -> datetime | None:
        dt = self._convert(text)
        return aware(dt) if dt is not None else None


def iso_datetime(text: str) -> datetime | None:
    """ISO 8601 / RFC 3339 with ``T`` or space, optional fraction and zone (``Z`` too)."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        pass
    t = text.strip()
    if t.endswith("Z") or t.endswith("z"):
        t = t[:-1] + "+00:00"
    t = t.replace(",", ".", 1)
    try:
        return datetime.fromisoformat(t)
    except ValueError:
        return None


class RegexFormat(LogFormat):
    """A format described by one regex with named groups.

    Groups ``ts``, ``level`` and ``message`` are special; every other named
    group becomes a field. Used by custom formats from config and as the base
    of several built-ins.
    """

    regex: ClassVar[re.Pattern[str] | None] = None
    strptime: ClassVar[str | None] = None
    level_letters: ClassVar[bool] = False

    def __init__(
        self,
        *,
        now: float | None = None,
        regex: re.Pattern[str] | str | None = None,
        strptime: str | None = None,
        name: str | None = None,
    ) -> None:
        super().__init__(now=now)
        if regex is not None:
            self.regex = re.compile(regex) if isinstance(regex, str) else regex
        if strptime is not None:
            self.strptime = strptime
        if name is not None:
            self.name = name  # type: ignore[misc]
        if self.regex is None:
            raise ValueError("RegexFormat needs a regex")
        groups = self.regex.groupindex
        self._has_ts = "ts" in groups
        self._has_level = "level" in groups
        self._has_msg = "message" in groups
        self._field_names = [g for g in groups if g not in ("ts", "level", "message")]
        self._times = TimestampCache(self.convert_ts)

    def convert_ts(self, text: str) -> datetime | None:
        """Timestamp text to datetime (naive = local). Override for odd formats."""
        if self.strptime:
            try:
                return datetime.strptime(text, self.strptime)
            except ValueError:
                return iso_datetime(text)
        return iso_datetime(text)

    def level_of(self, m: re.Match[str]) -> Level:
        if self._has_level:
            return parse_level(m.group("level"), letters=self.level_letters)
        return Level.UNKNOWN

    def message_of(self, m: re.Match[str]) -> str:
        if self._has_msg:
            return m.group("message") or ""
        return m.string

    def parse(self, line: str) -> ParsedLine | None:
        m = self.regex.match(line)  # type: ignore[union-attr]
        if m is None:
            return None
        ts = None
        if self._has_ts:
            t = m.group("ts")
            if t:
                ts = self._times.datetime(t)
        fields = {k: v for k in self._field_names if (v := m.group(k)) is not None}
        return ParsedLine(ts, self.level_of(m), self.message_of(m), fields)

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        match = self.regex.match  # type: ignore[union-attr]
        epoch = self._times.epoch
        has_ts, level_of, message_of = self._has_ts, self.level_of, self.message_of
        for line in lines:
            m = match(line)
            if m is None:
                ts_out.append(None)
                levels_out.append(0)
                msgs_out.append(None)
                continue
            t = m.group("ts") if has_ts else None
            ts_out.append(epoch(t) if t else None)
            levels_out.append(level_of(m))
            msgs_out.append(message_of(m))

    def matches(self, line: str) -> bool:
        return self.regex.match(line) is not None  # type: ignore[union-attr]


# -- helpers shared by several formats -------------------------------------------------------

LEVEL_WORD_ALT = (
    "trace|debug|info|notice|warn|warning|error|err|crit|critical|fatal|emerg|alert|severe|panic"
)
"""Level words worth believing in free text (no single letters, no ``log``/``fail``)."""

_UPPER_ALT = LEVEL_WORD_ALT.upper()

LEVEL_TOKEN_PATTERN = (
    r"(?:[\[<(](?i:" + LEVEL_WORD_ALT + r")[\]>)]"
    r"|(?:level|lvl|severity)=\"?(?i:" + LEVEL_WORD_ALT + r")\b"
    r"|(?i:" + LEVEL_WORD_ALT + r"):"
    r"|(?:" + _UPPER_ALT + r"|Error|Warning|Warn|Critical|Fatal|Panic)\b)"
)
"""One level token as it appears in free text: ``[warn]``, ``<error>``, ``level=error``,
``error:``, bare ``ERROR`` or ``Error``. Lower-case bare words are not trusted ("no error
found"), hence the shapes. Contains no ``\\s`` and no negated class, so it never crosses a
newline when used over a joined batch."""

_LEVEL_TOKEN_WORD = re.compile(r"(?i:" + LEVEL_WORD_ALT + r")")


_WORD_TOKEN = re.compile(LEVEL_TOKEN_PATTERN + r"[:,;.]?")
_WORD_LOOK_FURTHER = re.compile(r"\d|[\w.@-]+=|\[[\d. ]*\]?$")

LOOK_FURTHER = -1
"""WordLevelMap value for a first word after which the level may still come."""


class WordLevelMap(dict):  # type: ignore[type-arg]
    """``first word of a message -> int level`` for free-text messages (syslog).

    The rule: a level token (``ERROR``, ``error:``, ``[warn]``, ``<error>``,
    ``level=error``) as the message's first word gives the level. A first word that is
    a date/time/number, a ``key=value`` pair or a ``[123.45]`` uptime stamp says "the
    level may come next": :data:`LOOK_FURTHER`, and the caller checks words 2 and 3 with
    :attr:`tokens`. Anything else gives ``default``.

    A dict so a whole column maps in C (``map(m.__getitem__, words)``); the distinct
    first words of a log are few and computed once in ``__missing__``.
    """

    def __init__(self, default: Level) -> None:
        super().__init__()
        self.default = int(default)
        self.tokens = _TokenLevels()
        """``word -> level`` of a level token, 0 for other words (words 2 and 3)."""

    def __missing__(self, word: str) -> int:
        lvl = self.tokens[word]
        if not lvl:
            lvl = LOOK_FURTHER if _WORD_LOOK_FURTHER.match(word) else self.default
        if len(self) >= 20_000:  # unbounded vocabulary (ids, numbers): stay small
            self.clear()
        self[word] = lvl
        return lvl

    def level_of(self, message: str) -> int:
        """Level of one message by the rule above (the per-line path)."""
        words = message.split(" ", 3)
        lvl = self[words[0]]
        if lvl != LOOK_FURTHER:
            return lvl
        tokens = self.tokens
        for w in words[1:3]:
            t = tokens[w]
            if t:
                return t
        return self.default


class _TokenLevels(dict):  # type: ignore[type-arg]
    """``word -> level`` when the word is a level token, else 0; cached."""

    def __missing__(self, word: str) -> int:
        lvl = 0
        if _WORD_TOKEN.fullmatch(word) is not None:
            w = _LEVEL_TOKEN_WORD.search(word.rsplit("=", 1)[-1])
            lvl = int(parse_level(w.group(0))) if w else 0
        if len(self) >= 20_000:
            self.clear()
        self[word] = lvl
        return lvl


_LEVEL_ANYWHERE = re.compile(
    r"(?:^|(?<=[^\w]))(?:[\[<(](?i:" + LEVEL_WORD_ALT + r")[\]>)]"
    r"|(?:level|lvl|severity)=\"?(?i:" + LEVEL_WORD_ALT + r")\b"
    r"|(?:" + _UPPER_ALT + r")\b)"
)


def level_in_text(text: str) -> Level:
    """The first believable level token anywhere in ``text`` (for unstructured lines)."""
    m = _LEVEL_ANYWHERE.search(text)
    if m is None:
        return Level.UNKNOWN
    w = _LEVEL_TOKEN_WORD.search(m.group(0))
    return parse_level(w.group(0)) if w else Level.UNKNOWN


MONTHS: dict[str, int] = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
"""English month abbreviations (log files are written in the C locale; strptime's
``%b`` would follow the user's locale)."""
