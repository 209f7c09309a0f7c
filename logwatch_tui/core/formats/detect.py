"""Format auto-detection and the per-source parser.

Detection scores each candidate by the share of sample lines it
:meth:`~.base.LogFormat.matches`. Lines shaped like continuations (indented,
blank, ``at …``, ``Traceback …``) are left out of the share: they belong to
whatever record is above them in every format, and a long traceback must not
make a Python log look unparseable. The best share wins; ties go to the
more specific format (custom formats first, then :data:`BUILTIN_FORMATS`
order). Below :data:`MIN_SHARE` nothing fits and the source is ``plain``.

:class:`SourceParser` runs a source's lines through its format and
:func:`~logwatch_tui.core.multiline.assemble`, and keeps checking the choice:

* while a source is young (fewer than :data:`SAMPLE` non-empty lines seen)
  detection re-runs on everything seen so far at each feed, so a file that
  starts with three lines is not judged by them forever;
* afterwards, every :data:`SAMPLE` lines the current format is scored on the
  most recent ones; below :data:`MIN_SHARE`, detection runs on them and the
  source switches if another format scores clearly better
  (:data:`SWITCH_MARGIN`). A forced format is never second-guessed.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from logwatch_tui.core.formats.base import LogFormat
from logwatch_tui.core.formats.generic import PlainFormat
from logwatch_tui.core.levels import Level
from logwatch_tui.core.multiline import CONTINUATION_RE, MultilineState, assemble
from logwatch_tui.core.record import LineBatch, LogRecord

SAMPLE = 200
"""Lines detection looks at (first lines of a source, or the most recent ones)."""
MIN_SHARE = 0.3
"""A format must match at least this share of (non-continuation) lines."""
SWITCH_MARGIN = 0.3
"""Re-detection switches only to a format this much better than the current one."""


def score(fmt: LogFormat, lines: Iterable[str]) -> float:
    """Share of the non-empty, non-continuation lines that are headers of ``fmt``."""
    cont = CONTINUATION_RE.match
    sample = [ln for ln in lines if ln and cont(ln) is None]
    if not sample:
        return 0.0
    matches = fmt.matches
    return sum(1 for ln in sample if matches(ln)) / len(sample)


def _priority(fmt: LogFormat) -> int:
    from logwatch_tui.core.formats import BUILTIN_FORMATS

    names = list(BUILTIN_FORMATS)
    return names.index(fmt.name) if fmt.name in BUILTIN_FORMATS else -1


def rank(lines: list[str], candidates: list[LogFormat]) -> list[tuple[float, LogFormat]]:
    """Candidates with their scores, best first (ties: the more specific first)."""
    sample = [ln for ln in lines if ln.strip()][:SAMPLE]
    scored = [(score(f, sample), i, f) for i, f in enumerate(candidates) if f.name != "plain"]
    scored.sort(key=lambda t: (-t[0], _priority(t[2]), t[1]))
    return [(s, f) for s, _, f in scored]


def detect_format(lines: list[str], candidates: list[LogFormat]) -> LogFormat:
    """The best candidate for these lines, or a :class:`PlainFormat` when none fits."""
    ranked = rank(lines, candidates)
    if ranked and ranked[0][0] >= MIN_SHARE:
        return ranked[0][1]
    now = candidates[0].now if candidates else None
    return PlainFormat(now=now)


def default_candidates(now: float | None = None) -> list[LogFormat]:
    from logwatch_tui.core.formats import BUILTIN_FORMATS

    return [cls(now=now) for cls in BUILTIN_FORMATS.values()]


class SourceParser:
    """Per-source: format detection, parse_columns, multiline assembly, re-detection."""

    def __init__(
        self,
        source: str,
        *,
        forced: LogFormat | None = None,
        candidates: list[LogFormat] | None = None,
        now: float | None = None,
    ) -> None:
        self.source = source
        self.now = now
        self.forced = forced
        self.candidates = candidates if candidates is not None else default_candidates(now)
        self.format: LogFormat = forced if forced is not None else PlainFormat(now=now)
        """The current format (``plain`` until the first feed detects one)."""
        self._state = MultilineState()
        self._young: list[str] = []
        """Non-empty lines seen while the source is young (detection sample)."""
        self._settled = forced is not None
        self._recent: deque[str] = deque(maxlen=SAMPLE)
        self._since_check = 0

    # -- detection -------------------------------------------------------------------------
    def _detect(self, lines: list[str]) -> None:
        if self._settled:
            self._recheck(lines)
            return
        need = SAMPLE - len(self._young)
        for ln in lines:
            if need <= 0:
                break
            if ln.strip():
                self._young.append(ln)
                need -= 1
        if self._young:
            self.format = detect_format(self._young, self.candidates)
        if len(self._young) >= SAMPLE:
            self._settled = True
            self._young = []

    def _recheck(self, lines: list[str]) -> None:
        if self.forced is not None:
            return
        self._recent.extend(lines[-SAMPLE:])
        self._since_check += len(lines)
        if self._since_check < SAMPLE or len(self._recent) < SAMPLE:
            return
        self._since_check = 0
        recent = list(self._recent)
        current = score(self.format, recent) if self.format.name != "plain" else 0.0
        if current >= MIN_SHARE:
            return
        ranked = rank(recent, [f for f in self.candidates if f.name != self.format.name])
        if ranked:
            best_score, best = ranked[0]
            if best_score >= MIN_SHARE and best_score >= current + SWITCH_MARGIN:
                self.format = best

    # -- parsing ---------------------------------------------------------------------------
    def feed(self, lines: list[str], *, first_line: int, arrival: float | None = None) -> LineBatch:
        """Parse consecutive lines of the source into a batch (see module and multiline docs)."""
        self._detect(lines)
        fmt = self.format
        ts: list[float | None] = []
        levels: list[int] = []
        msgs: list[str | None] = []
        fmt.parse_columns(lines, ts, levels, msgs)
        heads = assemble(
            lines, ts, levels, msgs, multiline=fmt.multiline, state=self._state, arrival=arrival
        )
        return LineBatch(
            source=self.source,
            format=fmt.name,
            first_line=first_line,
            lines=lines,
            ts=ts,  # type: ignore[arg-type]  # assemble filled every None
            levels=levels,
            messages=msgs,
            heads=heads,
            parser=fmt,
        )

    def record(self, batch: LineBatch, index: int) -> LogRecord:
        """The full record whose head is ``batch.lines[index]``, with its continuations in the batch."""
        fmt: LogFormat = batch.parser if batch.parser is not None else self.format
        lines = batch.lines
        heads = batch.heads
        end = index + 1
        n = len(lines)
        while end < n and not heads[end]:
            end += 1
        line = lines[index]
        raw = "\n".join(lines[index:end]) if end > index + 1 else line
        p = fmt.parse(line)
        if p is None:  # a line that is a record of its own without being a header
            msg = batch.messages[index]
            return LogRecord(
                timestamp=None,
                level=Level(batch.levels[index]),
                message=msg if msg is not None else line,
                source=self.source,
                raw=raw,
                line=batch.first_line + index,
                fields={},
                format=fmt.name,
            )
        return LogRecord(
            timestamp=p.ts,
            level=p.level,
            message=p.message,
            source=self.source,
            raw=raw,
            line=batch.first_line + index,
            fields=p.fields,
            format=fmt.name,
        )

    def reset(self) -> None:
        """After truncation or rotation: the next line has no record above it (format kept)."""
        self._state.reset()


__all__ = ["SourceParser", "detect_format", "rank", "score"]
