"""User regexes that cannot stall anything: a static check picks the engine, a budget bounds the rest.

Python's ``re`` backtracks and holds the GIL for the whole of one call: a rule
``(a+)+$`` against fifty ``a`` and a ``b`` never returns, and nothing else in
the process (UI, signal handlers, other rules) runs meanwhile. Measured on
this code's inputs (benchmarks/regex_guard.py), the options were:

- stdlib ``re``: fastest per call (0.2–1.6 µs on a 100-char line), unbounded.
- the ``regex`` module with ``timeout=``: bounded and it releases the GIL
  while it matches, but 5–10 µs per call (the timeout bookkeeping).
- google-re2: linear time, but 8–25 µs per call from Python (UTF-8
  conversion) and different semantics (``\\d``, ``\\w`` are ASCII-only, no
  lookarounds or backreferences).

So: :func:`pattern_risk` parses the pattern (the stdlib's own parser) and
finds what makes backtracking explode — a quantifier inside a quantified
group (``(a+)+``), a quantified alternation (``(a|aa)+``), a backreference
(exponential: always the guarded engine), or ``k`` >= 2 open-ended
quantifiers (``.*a.*b``: polynomial, ~n^(k+1) steps). A small bounded
quantifier (``x?``, ``\\d{1,3}``) is not open-ended: it multiplies the steps
by its count whatever the message's length, so it only lowers the limit. ``re`` matches a
message when its worst case for the pattern stays under
:data:`STEP_BUDGET` (:func:`short_limit`: 2000 characters for at most one
open-ended quantifier, 391 for two, 124 for three…). Everything else — an
exponential-risk pattern, or a message over the limit — goes through
``regex`` with a :data:`TIMEOUT` per call. A call that runs out of time
raises :class:`RegexTimeout`; the rule engine then disables that rule with
the reason, and the others go on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

SHORT_TEXT = 2000
"""Messages up to this length may use stdlib ``re`` (for patterns without risk)."""
TIMEOUT = 0.5
"""Seconds one guarded match may take before the rule is disabled."""


class RegexTimeout(TimeoutError):
    """A rule's regex ran out of its time budget on one message."""

    def __init__(
        self, pattern: str, seconds: float, length: int, *, why: str = "", subject: str = "message"
    ) -> None:
        self.pattern = pattern
        self.seconds = seconds
        self.length = length
        super().__init__(
            f"regex {_short(pattern)!r} "
            + (why or f"took more than {seconds:g}s on a {subject} of {length} characters")
        )


@dataclass(frozen=True, slots=True)
class Risk:
    """Why a pattern may backtrack badly; ``warn`` when a person should rewrite it."""

    reason: str
    warn: bool
    degree: int = 0
    """For polynomial risk: the open-ended quantifiers in a row (0: exponential)."""
    choices: int = 1
    """Product of the small bounded quantifiers' counts (``x?`` 2, ``\\d{1,3}`` 3): a
    constant factor on the steps, not a power of the message length."""


STEP_BUDGET = 10_000_000
"""Backtracking steps stdlib ``re`` may take on one message (~0.1-0.2 s, measured)."""
MAX_BOUNDED = 16
"""A quantifier with at most this many repeats (``?``, ``{1,3}``) is a constant factor,
not an open-ended one."""
MAX_CHOICES = 1024
"""Past this product of bounded choices (``a?`` twelve times…) a pattern is treated as
exponential: always the time-limited engine."""


def short_limit(risk: Risk | None) -> int:
    """Longest message stdlib ``re`` may search with a pattern of this risk.

    ``k`` open-ended quantifiers in a row can take ~n^(k+1)/(k+1)! steps on n
    characters (``a*a*a*b`` on ``aaa…``); the limit keeps that under
    :data:`STEP_BUDGET`: 2000 for one quantifier, 391 for two, 124 for three…
    Exponential risk gets 0 (always the guarded engine).
    """
    if risk is None:
        return SHORT_TEXT
    if risk.degree <= 0:
        return 0
    k = risk.degree + 1
    return min(SHORT_TEXT, int((STEP_BUDGET * math.factorial(k) / risk.choices) ** (1 / k)))


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def pattern_risk(pattern: str, flags: int = 0) -> Risk | None:
    """What in ``pattern`` can make a backtracking engine take exponential or polynomial time.

    None means: at most one open-ended quantifier, not nested, no quantified
    alternation, no backreference — safe for stdlib ``re`` on short text.
    """
    try:
        from re import _constants as c
        from re import _parser
    except ImportError:  # pragma: no cover - a Python without the private parser
        return Risk("pattern could not be analysed", warn=False)
    try:
        parsed = _parser.parse(pattern, flags)
    except Exception:
        return Risk("pattern could not be analysed", warn=False)
    repeats = {c.MAX_REPEAT, c.MIN_REPEAT}
    possessive = getattr(c, "POSSESSIVE_REPEAT", None)
    if possessive is not None:
        repeats.add(possessive)
    found: dict[str, Risk] = {}
    open_ended = 0
    choices = 1

    def walk(items: Any, in_repeat: bool, times: int = 1) -> None:
        nonlocal open_ended, choices
        for op, av in items:
            if op in repeats:
                lo, hi, sub = av
                variable = hi != lo
                if not variable and hi <= 16 and not in_repeat:
                    # (?:\d+\.){3}: a fixed count is the body written out that many times
                    walk(sub, in_repeat, times * max(hi, 1))
                    continue
                if variable and in_repeat:
                    found.setdefault(
                        "nested",
                        Risk(
                            "nested quantifiers (like (a+)+) can take exponential time",
                            warn=True,
                        ),
                    )
                if variable and hi <= MAX_BOUNDED:
                    # x?, \d{1,3}: at most hi-lo+1 ways, whatever the message's length
                    choices = min(choices * (hi - lo + 1) ** min(times, 20), MAX_CHOICES + 1)
                elif variable:
                    open_ended += times
                walk(sub, in_repeat or hi > 1, times)
            elif op is c.BRANCH:
                if in_repeat:
                    found.setdefault(
                        "branch",
                        Risk(
                            "a quantified alternation (like (a|aa)+) can take exponential time",
                            warn=True,
                        ),
                    )
                for alt in av[1]:
                    walk(alt, in_repeat, times)
            elif op is c.SUBPATTERN:
                walk(av[-1], in_repeat, times)
            elif op in (c.ASSERT, c.ASSERT_NOT):
                walk(av[1], in_repeat, times)
            elif op is getattr(c, "ATOMIC_GROUP", None):
                walk(av, in_repeat, times)
            elif op in (c.GROUPREF, c.GROUPREF_EXISTS):
                found.setdefault(
                    "backref",
                    Risk("a backreference can make matching slow", warn=False),
                )
                if op is c.GROUPREF_EXISTS:
                    walk(av[1], in_repeat)
                    if av[2] is not None:
                        walk(av[2], in_repeat)

    walk(parsed.data, False)
    for name in ("nested", "branch", "backref"):
        if name in found:
            return found[name]
    if choices > MAX_CHOICES:
        return Risk("many optional parts (like a?a?a?…) can take exponential time", warn=False)
    # No open-ended quantifier: ~n * choices steps (linear). One: ~n^2/2 * choices.
    if open_ended >= 2 or (open_ended == 1 and choices * SHORT_TEXT**2 // 2 > STEP_BUDGET):
        ways = f" and optional parts ({choices} ways)" if choices > 1 else ""
        return Risk(
            f"{open_ended} variable quantifiers{ways} can take polynomial time",
            warn=False,
            degree=max(open_ended, 1),
            choices=choices,
        )
    return None


def regex_warning(pattern: str) -> str | None:
    """A one-line warning for an editor (nested quantifiers and the like), or None."""
    risk = pattern_risk(pattern)
    if risk is None or not risk.warn:
        return None
    return f"{risk.reason}; it runs with a {TIMEOUT:g}s time limit per line"


class GuardedPattern:
    """A compiled rule regex whose ``search`` never runs unbounded.

    ``re`` (the stdlib pattern) stays available for its ``pattern``, ``flags``
    and ``groupindex``; matching goes through :meth:`search` or a function
    from :meth:`finder`.
    """

    __slots__ = (
        "re",
        "pattern",
        "flags",
        "groupindex",
        "risk",
        "limit",
        "timeout",
        "subject",
        "_slow",
    )

    def __init__(
        self, compiled: re.Pattern[str], *, timeout: float = TIMEOUT, subject: str = "message"
    ) -> None:
        self.re = compiled
        self.pattern = compiled.pattern
        self.flags = compiled.flags
        self.groupindex = compiled.groupindex
        self.risk = pattern_risk(compiled.pattern, compiled.flags & ~re.UNICODE)
        self.limit = short_limit(self.risk)
        """Messages up to this length go to stdlib ``re`` (bounded by STEP_BUDGET)."""
        self.timeout = timeout
        self.subject = subject
        """What the texts are, for the timeout's message ("message", "line")."""
        self._slow: Any = None

    def _slow_pattern(self) -> Any:
        if self._slow is None:
            # Imported on first use: `regex` loads `threading`, which core/ itself never
            # needs unless a guarded match actually runs.
            import regex

            self._slow = regex.compile(self.pattern, self.flags & ~re.UNICODE)
        return self._slow

    def guarded_search(self, text: str) -> Any:
        """Search with the time budget (``regex``, which releases the GIL while it works)."""
        try:
            slow = self._slow_pattern()
        except Exception as exc:  # `regex` rejects what `re` accepted (very rare)
            raise RegexTimeout(
                self.pattern, 0, len(text), why=f"cannot run with a time limit ({exc})"
            ) from None
        try:
            return slow.search(text, timeout=self.timeout)
        except TimeoutError:
            raise RegexTimeout(
                self.pattern, self.timeout, len(text), subject=self.subject
            ) from None

    def search(self, text: str) -> Any:
        if len(text) <= self.limit:
            return self.re.search(text)
        return self.guarded_search(text)

    def finder(self, longest: int) -> Callable[[str], Any]:
        """The fastest safe search function for texts up to ``longest`` characters."""
        if longest <= self.limit:
            return self.re.search
        return self.search if self.limit else self.guarded_search

    def finditer(self, text: str) -> list[Any]:
        """Every match in ``text`` (as ``finditer``), bounded like :meth:`search`."""
        if len(text) <= self.limit:
            return list(self.re.finditer(text))
        try:
            slow = self._slow_pattern()
        except Exception as exc:
            raise RegexTimeout(
                self.pattern, 0, len(text), why=f"cannot run with a time limit ({exc})"
            ) from None
        try:
            return list(slow.finditer(text, timeout=self.timeout))
        except TimeoutError:
            raise RegexTimeout(
                self.pattern, self.timeout, len(text), subject=self.subject
            ) from None


def guard(compiled: re.Pattern[str] | None) -> GuardedPattern | None:
    return GuardedPattern(compiled) if compiled is not None else None


SEARCH_TIMEOUT = 0.25
"""Seconds a search or filter typed in the TUI may take on one line before it is stopped."""
HIGHLIGHT_TIMEOUT = 0.05
"""Seconds highlighting a search may take on one shown line (on the UI's event loop)."""


@lru_cache(maxsize=128)
def search_guard(compiled: re.Pattern[str], timeout: float = SEARCH_TIMEOUT) -> GuardedPattern:
    """The guard of a search or filter pattern, analysed once per pattern (not per block).

    The same protection as rules: stdlib ``re`` where the pattern can't
    backtrack badly on the text's length, else ``regex`` with ``timeout`` per
    line (it releases the GIL, so the UI keeps running meanwhile).
    """
    return GuardedPattern(compiled, timeout=timeout, subject="line")


__all__ = [
    "HIGHLIGHT_TIMEOUT",
    "SEARCH_TIMEOUT",
    "SHORT_TEXT",
    "TIMEOUT",
    "GuardedPattern",
    "RegexTimeout",
    "Risk",
    "guard",
    "pattern_risk",
    "regex_warning",
    "search_guard",
]
