"""What a worker hands back (``check``'s summaries, the TUI's packed ranges): plain
Python data, no numpy in the parent.

The parent process only needs, per byte range, the lines some rule may count (with
their text, message, level and time), the largest time among the lines left out
before each of them and after the last, and the level counts. Keeping numpy out of
these types keeps it out of the parent's start-up: only the workers import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from logwatch_tui.core.record import LineBatch


@dataclass(frozen=True, slots=True)
class RuleProbe:
    """What a worker needs to know of a rule to pre-select its candidate lines."""

    minimum: int | None
    literal: bytes | None
    """A text every match contains (lower-case when ``ignorecase``), or None."""
    ignorecase: bool
    pattern: str | None
    """The regex (source) to search messages with when there is no literal."""
    flags: int = 0
    limit: int = 0
    """Longest message the worker may search with stdlib ``re`` (the engine's guard
    bound, :func:`~logwatch_tui.core.rule_regex.short_limit`); longer ones stay
    candidates, for the engine's time-limited matcher to decide."""


@dataclass(slots=True)
class Candidate:
    """One line some rule may count, and the clock before it."""

    gap_max: float | None
    """Largest time among the lines left out just before this one (None: no such line)."""
    line: str
    message: str
    level: int
    epoch: float


@dataclass(slots=True)
class RangeSummary:
    """One byte range, reduced to what the rule engine and the summary need."""

    offset: int
    end: int
    covered: bool
    reason: str = ""
    lines: int = 0
    first_epoch: float | None = None
    last_epoch: float | None = None
    counts: list[int] = field(default_factory=list)
    """Lines per Level value."""
    candidates: list[Candidate] = field(default_factory=list)
    tail_max: float | None = None
    """Largest time among the lines after the last candidate (None: no such line)."""


def candidate_batch(rng: Any, source: str, fmt: Any) -> LineBatch:
    """What the rule engine needs of a parsed range (a ``RangeSummary`` or a
    ``PackedRange``): its candidate lines, each after a stand-in line holding the
    latest time of the lines left out before it, and one for those after the last."""
    from logwatch_tui.core.record import LineBatch

    lines: list[str] = []
    ts: list[float] = []
    levels: list[int] = []
    msgs: list[str | None] = []
    heads: list[bool] = []

    def gap(latest: float) -> None:  # lines left out: only their time matters
        lines.append("")
        ts.append(latest)
        levels.append(0)
        msgs.append(None)
        heads.append(False)

    for c in rng.candidates:
        if c.gap_max is not None:
            gap(c.gap_max)
        lines.append(c.line)
        ts.append(c.epoch)
        levels.append(c.level)
        msgs.append(c.message)
        heads.append(True)
    if rng.tail_max is not None:
        gap(rng.tail_max)
    return LineBatch(
        source=source,
        format=fmt.name,
        first_line=1,
        lines=lines,
        ts=ts,
        levels=levels,
        messages=msgs,
        heads=heads,
        parser=fmt,
    )


@dataclass(slots=True)
class PackedRange:
    """A parsed byte range: packed columns, level counts, rule candidates (picklable)."""

    offset: int
    end: int
    covered: bool
    reason: str = ""
    lines: int = 0
    offsets: bytes = b""
    """int64 start offset of each line in the file."""
    lengths: bytes = b""
    """uint32 length of each line without its newline."""
    epochs: bytes = b""
    """float64 epoch seconds per line."""
    levels: bytes = b""
    """uint8 Level per line."""
    counts: list[int] = field(default_factory=list)
    """Lines per Level value."""
    first_epoch: float | None = None
    last_epoch: float | None = None
    min_epoch: float | None = None
    max_epoch: float | None = None
    series: list[tuple[int, float, int]] = field(default_factory=list)
    """(level, bucket number, lines) for the stats' event-time series."""
    candidates: list[Candidate] = field(default_factory=list)
    tail_max: float | None = None
    """Largest time among the lines after the last candidate (None: no such line)."""
    last_line: str = ""
    """The range's last line (a fallback after it re-primes the format's year state)."""
    crc: int = 0
    """CRC-32 of the bytes parsed (appended lines: the pipeline checks they are the bytes
    the follower read, not what a truncation put there since)."""
    longest: int = -1
    """Length of the longest line (-1: none parsed)."""
