"""The data that flows through the pipeline.

Two shapes, on purpose:

* :class:`LineBatch` is columnar — one list per attribute, one entry per
  physical line. Ingest, stats, the rule engine and the store work on these,
  so a million lines never become a million Python objects.
* :class:`LogRecord` is the full, friendly view of one record (timezone-aware
  timestamp, parsed fields, all its lines). It is built lazily: for ``parse``
  output, the detail view, rule samples and tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from logwatch_tui.core.levels import Level


@dataclass(slots=True)
class LogRecord:
    """One log record: a header line plus any continuation lines."""

    timestamp: datetime | None
    """Timezone-aware; taken from the line. None only when the line has none."""
    level: Level
    message: str
    source: str
    """Path (or name) of the source the record came from."""
    raw: str
    """Full raw text of the record, continuation lines joined with ``\\n``."""
    line: int
    """1-based line number of the record's first line in its source."""
    fields: dict[str, Any] = field(default_factory=dict)
    format: str = ""

    def to_json(self) -> dict[str, Any]:
        """The ``parse --json`` shape."""
        return {
            "ts": self.timestamp.isoformat() if self.timestamp else None,
            "level": self.level.name,
            "message": self.message,
            "source": self.source,
            "format": self.format,
            "line": self.line,
            "fields": self.fields,
        }


@dataclass(slots=True)
class LineBatch:
    """Consecutive lines of one source, parsed into columns.

    Every list has one entry per physical line. A continuation line (part of a
    traceback, say) has ``heads[i] is False`` and inherits the timestamp and
    level of its record's header line, so filtering by level keeps records
    whole.
    """

    source: str
    format: str
    first_line: int
    """1-based line number of ``lines[0]``."""
    lines: list[str]
    ts: list[float]
    """Epoch seconds per line (missing times already filled by the pipeline)."""
    levels: list[int]
    messages: list[str | None]
    """The message of a header line; None on continuation lines."""
    heads: list[bool]
    offsets: list[int] | None = None
    """Byte offset of each line's start in the source file, when known."""
    end_offset: int | None = None
    """Byte offset just past the last line (with its newline)."""
    source_id: int = 0
    """Small int identifying the source within one pipeline (for the store)."""
    parser: Any = None
    """The LogFormat that parsed these lines (``parser.parse(line)`` gives fields)."""
    handle: Any = None
    """Where the lines' bytes are re-read from lazily (``sources.content.ContentView``: the
    file holding this content now, which after copytruncate is the copy)."""

    def __len__(self) -> int:
        return len(self.lines)


@dataclass(slots=True)
class PackedLines:
    """Consecutive header lines of one file, parsed elsewhere into packed columns.

    What worker processes hand the store for a big file's existing content: no
    text and no Python object per line, only the columns in the machine's layout
    (``offsets`` int64, ``lengths`` uint32 without the newline, ``ts`` float64,
    ``levels`` uint8). Every line is a record's header. The text is read back
    from ``handle`` by offset for the rows on screen.
    """

    source: str
    format: str
    first_line: int
    count: int
    offsets: bytes
    lengths: bytes
    ts: bytes
    levels: bytes
    end_offset: int
    """Byte offset just past the last line (with its newline)."""
    source_id: int = 0
    parser: Any = None
    handle: Any = None
    longest: int = -1
    """Length of the longest line (-1: not known, the store computes it)."""

    def __len__(self) -> int:
        return self.count


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """A firing or resolved alert, as the engine emits it.

    ``key`` holds the group_by values (empty when the rule has no group_by).
    """

    rule: str
    """Rule id."""
    name: str
    status: str
    """``firing`` or ``resolved``."""
    severity: str
    at: float
    """Event time, epoch seconds."""
    count: int
    key: tuple[tuple[str, str], ...] = ()
    samples: tuple[str, ...] = ()
    source: str = ""
    window: float = 0.0
    """Rule window in seconds (for messages and notifications)."""
    summary: str = ""
    """The rule's ``message`` template, rendered."""

    @property
    def key_dict(self) -> dict[str, str]:
        return dict(self.key)

    @property
    def key_text(self) -> str:
        """``ip=10.0.0.1 user=bob`` or empty."""
        return " ".join(f"{k}={v}" for k, v in self.key)

    def fingerprint(self) -> str:
        """Stable id of the rule+key this event belongs to (same for firing and resolved)."""
        import hashlib

        h = hashlib.sha256(self.rule.encode())
        for k, v in self.key:
            h.update(b"\0" + k.encode() + b"=" + v.encode())
        return h.hexdigest()[:16]

    def iso_at(self) -> str:
        return datetime.fromtimestamp(self.at).astimezone().isoformat()

    def to_json(self) -> dict[str, Any]:
        """The ``check --json`` / ``--headless`` shape."""
        return {
            "rule": self.rule,
            "name": self.name,
            "status": self.status,
            "severity": self.severity,
            "at": self.iso_at(),
            "count": self.count,
            "key": self.key_dict,
            "samples": list(self.samples),
            "source": self.source,
        }
