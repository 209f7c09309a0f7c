"""Which lines continue the record above them (tracebacks, stack traces).

A format's ``parse_columns`` only says which lines are *headers* (message not
None). This module turns that into records:

* ``multiline=True`` formats (syslog, python, generic…): a non-header line that
  has a record above it continues that record — tracebacks, indented lines,
  ``at …``, ``Caused by:``, ``ValueError: x`` — *unless it starts like a record of
  its own* (:data:`RECORD_START_RE`: a date or time at the start, ``[date``, a glog
  ``E0517 …`` prefix). Such a line is a header the format failed to match (an
  unknown level word, a typo in a custom regex): it becomes a record of its own with
  level UNKNOWN and is counted in :attr:`MultilineState.unmatched`, never silently
  glued to the record above.
* ``multiline=False`` formats (json, logfmt, access, plain): only lines that
  *look* like continuations (:func:`looks_like_continuation`) continue the
  record above; any other non-header line is a record of its own with level
  UNKNOWN and the line as its message (and is counted as unmatched).
* A non-header line with nothing above it (start of a source, or right after
  :meth:`MultilineState.reset`) is a record of its own, level UNKNOWN.

Continuation lines inherit the timestamp and level of their head, so level
filters and time windows keep records whole. Heads without a timestamp get one
here (see :func:`assemble`). The state carries across batches: a traceback
split over two reads stays one record.

Speed: a batch of well-formed lines (no non-header, no missing time) costs two
``None in list`` scans done in C; only batches with continuations pay for a
Python loop.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from logwatch_tui.core.levels import Level

CONTINUATION_RE = re.compile(
    r"(?:[ \t]|$|at |Caused by:|Suppressed:|Traceback \(most recent call last\):"
    r"|\.\.\. \d+ (?:more|common frames omitted)"
    r"|During handling of the above exception|The above exception was the direct cause)"
)
"""Shapes that continue a record even in line-per-record formats. Blank lines count:
they sit inside tracebacks and belong with the record above."""


RECORD_START_RE = re.compile(
    r"(?:\[|<\d{1,3}>)?(?:\d{4}[-/.]\d\d[-/.]\d\d|\d\d[-/]\d\d[-/ ]\d\d|\d{6} \d{6}"
    r"|\d\d:\d\d:\d\d|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d "
    r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) |[IWEF]\d{4} \d\d:|\d{10}(?:\.\d+)? )"
)
"""A line starting like this is a record start, even when the format cannot parse it."""


def looks_like_continuation(line: str) -> bool:
    """Indented, blank, ``at …``, ``Caused by:``, ``Traceback (…):``, ``... 12 more``."""
    return CONTINUATION_RE.match(line) is not None


@dataclass(slots=True)
class MultilineState:
    """What a source remembers between batches."""

    has_record: bool = False
    """A record exists above the next line (so a non-header line can continue it)."""
    cur_ts: float = 0.0
    """Timestamp of the current record (after filling)."""
    cur_level: int = 0
    last_ts: float | None = None
    """Time of the previous record; fills heads without one in replay."""
    unmatched: int = 0
    """Lines that were neither headers nor continuation-shaped (kept as own records)."""

    def reset(self) -> None:
        """After truncation/rotation: the next line has nothing above it."""
        self.has_record = False


def assemble(
    lines: list[str],
    ts: list[float | None],
    levels: list[int],
    msgs: list[str | None],
    *,
    multiline: bool,
    state: MultilineState,
    arrival: float | None = None,
) -> list[bool]:
    """Decide heads, fill continuation/missing columns in place; return ``heads``.

    Missing head timestamps: live (``arrival`` given) take ``arrival``; replay
    takes the previous record's time, or — at the very start — the first time
    found later in the batch, else the wall clock.
    """
    n = len(lines)
    if n == 0:
        return []
    heads = [True] * n
    if None not in msgs:
        # Every line is a header: only missing times need work.
        if None in ts:
            _fill_times(ts, state, arrival)
        state.has_record = True
        state.cur_ts = ts[-1]  # type: ignore[assignment]
        state.cur_level = levels[-1]
        state.last_ts = state.cur_ts
        return heads

    cont = CONTINUATION_RE.match
    starts = RECORD_START_RE.match
    unmatched = 0
    has_record = state.has_record
    cur_ts = state.cur_ts
    cur_level = state.cur_level
    last_ts = state.last_ts
    unknown = int(Level.UNKNOWN)
    fallback: float | None = None
    for i in range(n):
        msg = msgs[i]
        if msg is None:
            line = lines[i]
            if has_record and (
                cont(line) is not None
                if not multiline
                else starts(line) is None or cont(line) is not None
            ):
                heads[i] = False
                ts[i] = cur_ts
                levels[i] = cur_level
                continue
            # A record of its own: nothing above, or not continuation-shaped.
            if line and cont(line) is None:
                unmatched += 1
            msgs[i] = line
            levels[i] = unknown
            ts[i] = None
        t = ts[i]
        if t is None:
            if arrival is not None:
                t = arrival
            elif last_ts is not None:
                t = last_ts
            else:
                if fallback is None:
                    fallback = next((x for x in ts[i + 1 :] if x is not None), None)
                    if fallback is None:
                        fallback = time.time()
                t = fallback
            ts[i] = t
        has_record = True
        cur_ts = last_ts = t
        cur_level = levels[i]
    state.has_record = has_record
    state.cur_ts = cur_ts
    state.cur_level = cur_level
    state.last_ts = last_ts
    state.unmatched += unmatched
    return heads


def _fill_times(ts: list[float | None], state: MultilineState, arrival: float | None) -> None:
    """All lines are heads; give the ones without a time one (see :func:`assemble`)."""
    if arrival is not None:
        for i, t in enumerate(ts):
            if t is None:
                ts[i] = arrival
        return
    prev = state.last_ts
    if prev is None:
        prev = next((x for x in ts if x is not None), None)
        if prev is None:
            prev = time.time()
    for i, t in enumerate(ts):
        if t is None:
            ts[i] = prev
        else:
            prev = t
