"""Format auto-detection and the per-source parser.

**The rule.** Every candidate format is asked how much of each sample line it
*explains*: nothing (0), a record with a message (1), plus a timestamp (+1), plus a
level it knows (+1). A format's score is the mean over the sample. The highest score
wins; equal scores go to the higher :attr:`~.base.LogFormat.specificity` (a narrower
shape), then to the name — never to a position in a list. A format must match at
least :data:`MIN_SHARE` of the sample lines or the source is ``plain``.

Lines shaped like continuations (indented, blank, ``at …``, ``Traceback …``) and lines
starting with a box-drawing character (rich's framed tracebacks) are left out of the
sample: they belong to whatever record is above them in every format.

**Bounded cost.** A sample line is scored once, when it arrives (running tallies per
candidate), never re-scanned on later feeds; lines longer than
:data:`MAX_SAMPLE_CHARS` are not used for detection at all (a 10 MB line costs one
pass of the chosen format, not one per candidate per append). Scoring runs on scratch
copies of the candidates so that per-file state (year inference) is not disturbed.

:class:`SourceParser` runs a source's lines through its format and
:func:`~logwatch_tui.core.multiline.assemble`, and keeps checking the choice:

* while a source is young (fewer than :data:`SAMPLE` sample lines) the choice is
  revisited at each feed with the new lines added to the tallies;
* afterwards, every :data:`SAMPLE` lines the current format is scored on the most
  recent ones; below :data:`MIN_SHARE`, the source switches if another format scores
  clearly better (:data:`SWITCH_MARGIN`). A forced format is never second-guessed.

Lines the format does not match and that do not look like continuations are records of
their own (level UNKNOWN) and are counted: :attr:`SourceParser.unmatched`,
:attr:`SourceParser.notice`. So are lines without a timestamp
(:attr:`SourceParser.timed_records`), for ``check`` to tell a file without times.

Prefixes: a UTF-8 BOM at the start of a source is ignored; when most sample lines start
with an ANSI colour sequence, colour codes are removed before parsing; when most start
with a docker-compose prefix (``web-1  | …``) it is removed before parsing (the batch
keeps the original text either way).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from datetime import datetime
from itertools import islice

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
MAX_SAMPLE_CHARS = 65_536
"""Longer lines are parsed but never used as detection samples."""

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_COMPOSE = re.compile(r"[\w.-]+[-_]\d+ +\| ")


def fresh(fmt: LogFormat) -> LogFormat:
    """An instance to score with: the format itself, or — when it keeps per-file state
    (year inference) — a new one built from its pickled form (name or declaration)."""
    if not getattr(fmt, "stateful", True):
        return fmt
    factory, args = fmt.__reduce__()[:2]  # type: ignore[misc]
    return factory(*args)


_BOX = re.compile("[\u2500-\u259f]")
"""Box-drawing and block characters: a line starting with one is a drawn frame (rich's
tracebacks under structlog's console lines), never a record's first line."""


def sample_lines(lines: Iterable[str], limit: int | None = None) -> list[str]:
    """The lines worth scoring (non-empty, not continuation-shaped, not a box-drawn frame,
    not huge); at most ``limit`` of them, looking no further than needed."""
    cont = CONTINUATION_RE.match
    box = _BOX.match
    wanted = (
        ln
        for ln in lines
        if ln and len(ln) <= MAX_SAMPLE_CHARS and cont(ln) is None and box(ln) is None
    )
    if limit is None:
        return list(wanted)
    return list(islice(wanted, limit))


def explain(fmt: LogFormat, lines: list[str]) -> list[int]:
    """Per line: 0 no match, 1 record, +1 timestamp, +1 known level (see module docstring).

    Only the lines the format :meth:`~.base.LogFormat.matches` are parsed: most candidates
    match nothing, and a failed anchored match is the cheapest question to ask.
    """
    matches = getattr(fmt, "prefilter", None) or fmt.matches
    hits = [i for i, line in enumerate(lines) if matches(line)]
    out = [0] * len(lines)
    if not hits:
        return out
    sub = [lines[i] for i in hits] if len(hits) < len(lines) else lines
    ts: list[float | None] = []
    lv: list[int] = []
    ms: list[str | None] = []
    fmt.parse_columns(sub, ts, lv, ms)
    for i, t, v, m in zip(hits, ts, lv, ms):
        if m is not None:
            out[i] = 1 + (t is not None) + (v > 0)
    return out


class Tally:
    """Running detection totals of one candidate."""

    __slots__ = ("fmt", "points", "matched")

    def __init__(self, fmt: LogFormat) -> None:
        self.fmt = fmt
        self.points = 0
        self.matched = 0

    def add(self, scores: list[int]) -> None:
        self.points += sum(scores)
        self.matched += len(scores) - scores.count(0)


def _key(points: float, fmt: LogFormat) -> tuple[float, int, str]:
    return (-points, -int(getattr(fmt, "specificity", 50)), fmt.name)


def score(fmt: LogFormat, lines: Iterable[str]) -> float:
    """Share of the sample lines (see :func:`sample_lines`) that are headers of ``fmt``."""
    sample = sample_lines(lines)
    if not sample:
        return 0.0
    scores = explain(fresh(fmt), sample)
    return (len(scores) - scores.count(0)) / len(sample)


def rank(lines: list[str], candidates: list[LogFormat]) -> list[tuple[float, LogFormat]]:
    """Candidates with their match share, best first by the detection rule."""
    sample = sample_lines(lines)[:SAMPLE]
    out = []
    for f in candidates:
        if f.name == "plain":
            continue
        scores = explain(fresh(f), sample) if sample else []
        n = max(len(sample), 1)
        out.append((sum(scores) / (3 * n), (len(scores) - scores.count(0)) / n, f))
    out.sort(key=lambda t: _key(t[0], t[2]))
    return [(share, f) for _, share, f in out]


def detect_format(lines: list[str], candidates: list[LogFormat]) -> LogFormat:
    """The best candidate for these lines, or a :class:`PlainFormat` when none fits."""
    for share, f in rank(lines, candidates):
        if share >= MIN_SHARE:
            return f
        break
    now = candidates[0].now if candidates else None
    return PlainFormat(now=now)


def default_candidates(now: float | None = None) -> list[LogFormat]:
    from logwatch_tui.core.formats import BUILTIN_FORMATS

    return [factory(now=now) for factory in BUILTIN_FORMATS.values()]


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
        self._tallies = [Tally(fresh(f)) for f in self.candidates if f.name != "plain"]
        self._scratch: dict[str, LogFormat] = {}
        self._by_name = {f.name: f for f in self.candidates}
        self._sampled = 0
        self._settled = forced is not None
        self._recent: deque[str] = deque(maxlen=SAMPLE)
        self._since_check = 0
        self._strip: re.Pattern[str] | None = None
        """ANSI codes or a docker-compose prefix removed before parsing (None: nothing)."""
        self._prefix_decided = False
        self.unmatched_by_format: dict[str, int] = {}
        self.timed_records = 0
        """Records whose first line carried a timestamp."""
        self.records = 0
        self.last_parse_lines: list[str] | None = None
        self.last_untimed: frozenset[int] = frozenset()

    # -- what a user should know ----------------------------------------------------------
    @property
    def unmatched(self) -> int:
        """Lines the format did not match that were not continuation-shaped."""
        return self._state.unmatched

    @property
    def notice(self) -> str | None:
        """One line for the user about lines that stopped matching, or None."""
        n = self._state.unmatched
        if not n:
            return None
        return (
            f"{self.source}: {n} line(s) did not match format {self.format.name!r}; "
            "kept as records of their own with level UNKNOWN "
            f"(run: logwatch-tui formats test {self.source})"
        )

    @property
    def has_timestamps(self) -> bool:
        """False when records were seen and none of them carried a time."""
        return self.records == 0 or self.timed_records > 0

    # -- detection -------------------------------------------------------------------------
    def _decide_prefix(self, lines: list[str]) -> None:
        sample = [ln for ln in lines[:SAMPLE] if ln]
        if not sample:
            return
        self._prefix_decided = True
        n = len(sample)
        if sum(1 for ln in sample if ln.startswith("\x1b[")) * 2 >= n:
            self._strip = _ANSI
        elif sum(1 for ln in sample if _COMPOSE.match(ln)) * 2 >= n:
            self._strip = _COMPOSE

    def _prepare(self, lines: list[str], first_line: int) -> list[str]:
        if first_line == 1 and lines and lines[0][:1] == "\ufeff":
            lines = [lines[0][1:], *lines[1:]]
        if not self._prefix_decided:
            self._decide_prefix(lines)
        rx = self._strip
        if rx is None:
            return lines
        if rx is _ANSI:
            return [rx.sub("", ln) if "\x1b" in ln else ln for ln in lines]
        return [rx.sub("", ln, count=1) for ln in lines]

    def _detect(self, lines: list[str]) -> None:
        if self._settled:
            self._recheck(lines)
            return
        need = SAMPLE - self._sampled
        new = sample_lines(lines, need)
        if new:
            self._sampled += len(new)
            for t in self._tallies:
                t.add(explain(t.fmt, new))
            self.format = self._best()
        if self._sampled >= SAMPLE:
            self._settled = True

    def _best(self) -> LogFormat:
        n = max(self._sampled, 1)
        ranked = sorted(self._tallies, key=lambda t: _key(t.points / (3 * n), t.fmt))
        if ranked and ranked[0].matched / n >= MIN_SHARE:
            return self._by_name[ranked[0].fmt.name]
        return PlainFormat(now=self.now)

    def _recheck(self, lines: list[str]) -> None:
        if self.forced is not None:
            return
        self._recent.extend(ln for ln in lines[-SAMPLE:] if len(ln) <= MAX_SAMPLE_CHARS)
        self._since_check += len(lines)
        if self._since_check < SAMPLE or len(self._recent) < SAMPLE:
            return
        self._since_check = 0
        recent = list(self._recent)
        current = 0.0
        if self.format.name != "plain":
            scratch = self._scratch.get(self.format.name)
            if scratch is None:
                scratch = self._scratch[self.format.name] = fresh(self.format)
            sample = sample_lines(recent)
            hits = explain(scratch, sample) if sample else []
            current = (len(hits) - hits.count(0)) / len(sample) if sample else 0.0
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
        parse_lines = self._prepare(lines, first_line)
        self._detect(parse_lines)
        fmt = self.format
        ts: list[float | None] = []
        levels: list[int] = []
        msgs: list[str | None] = []
        fmt.parse_columns(parse_lines, ts, levels, msgs)
        orig_ts = list(ts) if None in ts else None
        unmatched_before = self._state.unmatched
        heads = assemble(
            parse_lines,
            ts,
            levels,
            msgs,
            multiline=fmt.multiline,
            state=self._state,
            arrival=arrival,
        )
        nrec = heads.count(True)
        self.records += nrec
        self.last_parse_lines = parse_lines
        if orig_ts is None:
            self.timed_records += nrec
            self.last_untimed = frozenset()
        else:
            untimed = frozenset(i for i, t in enumerate(orig_ts) if t is None and heads[i])
            self.timed_records += nrec - len(untimed)
            self.last_untimed = untimed
        if self._state.unmatched != unmatched_before:
            self.unmatched_by_format[fmt.name] = self.unmatched_by_format.get(fmt.name, 0) + (
                self._state.unmatched - unmatched_before
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

    def parse_lines(self, batch: LineBatch) -> list[str]:
        """The text the format parsed for the last fed batch (prefixes removed)."""
        return self.last_parse_lines if self.last_parse_lines is not None else batch.lines

    def untimed_heads(self, batch: LineBatch) -> frozenset[int]:
        """Indexes of the last fed batch's records that carried no time of their own."""
        return self.last_untimed

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
        if index == 0 and batch.first_line == 1 and line[:1] == "\ufeff":
            line = line[1:]
        if self._strip is not None:
            line = (
                self._strip.sub("", line)
                if self._strip is _ANSI
                else self._strip.sub("", line, count=1)
            )
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
        ts = p.ts
        bt = batch.ts[index]
        if ts is not None and bt is not None and abs(ts.timestamp() - bt) > 1e-3:
            ts = datetime.fromtimestamp(bt).astimezone()  # the file's year, as parsed in order
        col_msg = batch.messages[index]
        return LogRecord(
            timestamp=ts,
            level=Level(batch.levels[index]),  # the columns know more (a JUL second line)
            message=col_msg if col_msg is not None else p.message,
            source=self.source,
            raw=raw,
            line=batch.first_line + index,
            fields=p.fields,
            format=fmt.name,
        )

    def reset(self) -> None:
        """After truncation or rotation: the next line has no record above it (format kept)."""
        self._state.reset()


__all__ = ["SourceParser", "detect_format", "explain", "fresh", "rank", "score"]
