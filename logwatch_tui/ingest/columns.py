"""Parsing one byte range of a source into packed columns (runs in worker processes).

A range is read with ``os.pread`` and cut into lines with one numpy pass over its
bytes; no Python object is made per line where it can be avoided:

* **bsd-syslog**: the header (``Mmm dd hh:mm:ss host app[pid]: word``) is read with
  array operations on a byte window per line — the fixed 16-byte prefix checked
  column by column, host, tag and the message's first word found as the first
  separator in each row — and the first words are grouped by their bytes, so the
  format's word map is asked once per distinct word (a line whose header does not fit
  the window is read with the regex); timestamps are the first 15 bytes of each line,
  compared as byte columns to find where the minute changes, converted once per
  distinct minute;
* **json**: the format's own batch parse (one ``orjson`` load of the whole range).

The range is *covered* only when every line is a header of the format with a
timestamp of its own — the shape in which the line-by-line path would assemble
nothing and fill nothing. Otherwise the worker says why, and the caller sends the
whole source down the line-by-line path (never a different answer).

Rules are pre-filtered here too (:class:`RuleProbe`): a level minimum is an array
comparison; a required literal of the rule's regex is searched once over the
range's bytes (lower-cased for ``(?i)``) and each hit is mapped to its line with
``numpy.searchsorted`` over the line starts; a regex without such a literal is
searched in the messages of the lines that pass the level. The result is a
superset of the lines the engine would count: the engine then re-checks only
those lines (with their real text and message), so its answer is its own.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field

import numpy as np

from logwatch_tui.core.formats.base import LOOK_FURTHER
from logwatch_tui.core.formats.columnar import (
    BSD_HEADER,
    HALF_YEAR,
    ColumnarPlan,
    bsd_epoch,
    syslog_words,
)
from logwatch_tui.core.levels import Level
from logwatch_tui.ingest.summary import Candidate, RangeSummary, RuleProbe

N_LEVELS = max(Level) + 1

_BSD_WORDS = re.compile(
    r"^[A-Z][a-z][a-z] [ \d]\d \d\d:\d\d:\d\d [^ \n]++ "
    r"(?:[^ \n:\[\]]++(?:\[[^\]\n]*+\](?::|(?<=\d\]))|:) )?"
    r"([^ \n]*+).*",
    re.MULTILINE,
)
"""One match per RFC 3164 line without PRI or fractions; group 1 is the message's first word.

The format's defining regex with ``[A-Z][a-z][a-z]`` for the month name (cheaper than
the alternation): a line matching here with a word that is not a month gives no
epoch, and the range is then left to the line-by-line path.
"""


@dataclass(slots=True)
class RangeColumns:
    """The columns of one byte range (or why it could not be covered)."""

    offset: int
    end: int
    covered: bool
    reason: str = ""
    epochs: np.ndarray | None = None
    """float64 epoch seconds per line."""
    levels: np.ndarray | None = None
    """int8 Level per line."""
    cand: np.ndarray | None = None
    """Sorted line indices some rule may count."""
    cand_lines: list[str] = field(default_factory=list)
    cand_msgs: list[str] = field(default_factory=list)
    buf: bytes = b""
    """The bytes read (with a newline added when the range's last line had none)."""
    starts: np.ndarray | None = None
    """Where each line starts in ``buf``."""
    nl: np.ndarray | None = None
    """Where each line's newline is in ``buf``."""
    added_newline: bool = False
    """The range did not end with a newline (the file's last line, unfinished)."""

    @property
    def n(self) -> int:
        return 0 if self.epochs is None else len(self.epochs)


def _uncovered(offset: int, end: int, reason: str) -> RangeColumns:
    return RangeColumns(offset, end, False, reason)


def line_starts(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, newline position) of every line of a buffer that ends with a newline."""
    nl = np.flatnonzero(arr == 10)
    starts = np.empty(len(nl), np.int64)
    if len(nl):
        starts[0] = 0
        starts[1:] = nl[:-1] + 1
    return starts, nl


def _syslog_epochs(arr: np.ndarray, starts: np.ndarray, year: int) -> np.ndarray | None:
    """Epochs from the first 15 bytes of each line, converted once per distinct minute.

    Bytes 0-11 (``Mmm dd hh:mm``) are compared as two overlapping 8-byte words per
    line (bytes 0-7 and 4-11) to find where the minute changes; ``ss`` is added as
    an array (local-time shifts happen on whole minutes). The caller checked that
    bytes 13-14 are digits.
    """
    n = len(starts)
    rows = np.lib.stride_tricks.as_strided(arr, shape=(len(arr) - 7, 8), strides=(1, 1))
    lo = rows[starts].view("<u8").ravel()
    hi = rows[starts + 4].view("<u8").ravel()
    changed = np.empty(n, bool)
    changed[0] = True
    np.not_equal(lo[1:], lo[:-1], out=changed[1:])
    changed[1:] |= hi[1:] != hi[:-1]
    pos = np.flatnonzero(changed)
    convert = bsd_epoch(year)
    vals = np.empty(len(pos), np.float64)
    minutes: dict[bytes, float | None] = {}
    for j, p in enumerate(starts[pos].tolist()):
        key = arr[p : p + 12].tobytes()
        base = minutes.get(key, -1.0)
        if base == -1.0:
            base = convert(key.decode("ascii") + ":00")
            minutes[key] = base
        if base is None:
            return None
        vals[j] = base
    ss = (arr[starts + 13].astype(np.int64) - 48) * 10 + (arr[starts + 14] - 48)
    if n and int(ss.max()) > 59:
        return None
    return np.repeat(vals, np.diff(np.append(pos, n))) + ss


# The fixed prefix "Mmm dd hh:mm:ss " of a header, per column: bytes from LO to LO+SPAN
# (column 4, the day's tens, is a space or a digit: checked on its own).
_PREFIX = "Aaa 00 00:00:00 "
_PREFIX_LO = np.frombuffer(_PREFIX.encode(), np.uint8).copy()
_PREFIX_SPAN = np.array([25, 25, 25, 0, 0, 9, 0, 9, 9, 0, 9, 9, 0, 9, 9, 0], np.uint8)
WINDOW = 64
"""Bytes per line after the prefix in which host, tag and first word are looked for
(one bit per byte in a 64-bit word)."""
_ONE = np.uint64(1)
_ALL = np.uint64((1 << 64) - 1)


def _rows(padded: np.ndarray, at: np.ndarray, width: int) -> np.ndarray:
    """``padded[at[i] : at[i] + width]`` for every i, as an (n, width) copy."""
    view = np.lib.stride_tricks.as_strided(
        padded, shape=(len(padded) - width + 1, width), strides=(1, 1)
    )
    return view[at]


def _bits(mask: np.ndarray) -> np.ndarray:
    """An (n, 64) bool matrix as one uint64 per row (bit k: column k)."""
    return np.packbits(mask, axis=1, bitorder="little").view("<u8").ravel()


def _from(bits: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``bits`` with the columns before ``k`` cleared (all cleared where k >= 64)."""
    return np.where(k < 64, bits & (_ALL << np.minimum(k, 63).astype(np.uint64)), 0)


def _lowest(bits: np.ndarray) -> np.ndarray:
    """Column of the lowest set bit per row; -1 where none is set."""
    low = bits & (~bits + _ONE)
    return np.frexp(low.astype(np.float64))[1].astype(np.int64) - 1  # exact: powers of two


def _bit(bits: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Whether column ``k`` (0-63) is set, per row."""
    return ((bits >> np.clip(k, 0, 63).astype(np.uint64)) & _ONE).astype(bool)


def _syslog_words(
    text: str, padded: np.ndarray, starts: np.ndarray, nl: np.ndarray
) -> tuple[np.ndarray, np.ndarray] | str:
    r"""(start, end) of every line's first message word, or why a line is no plain header.

    Exactly :data:`_BSD_WORDS`: ``[A-Z][a-z][a-z] [ \d]\d \d\d:\d\d:\d\d``, a space,
    the host (bytes up to the next space, at least one), a space, then an optional tag
    — a run of bytes other than space, newline, ``:[]`` (at least one), an optional
    ``[…]`` (no ``]`` or newline inside) and ``": "``, or ``[…] `` when the bracket ends in
    a digit (rsyslogd's file line of an RFC 5424 message) — and the word (bytes up to the
    next space or newline, at least one here). The :data:`WINDOW` bytes after the
    prefix become one bit mask per separator, and each "next separator from here" is
    the lowest set bit of a mask. Rows whose host, tag or word do not end inside the
    window are matched with the regex itself.
    """
    if int((nl - starts).min()) < 18:  # prefix, a host byte, a space, a word byte
        return "a line that is not a plain RFC 3164 header"
    pre = _rows(padded, starts, 16)
    day = pre[:, 4].copy()
    pre[:, 4] = 48  # the day's tens: a space or a digit
    if (
        not ((pre - _PREFIX_LO) <= _PREFIX_SPAN).all()
        or not ((day == 32) | ((day - 48) <= 9)).all()
    ):
        return "a line that is not a plain RFC 3164 header"
    win = _rows(padded, starts + 16, WINDOW)
    space = _bits(win == 32)
    newline = _bits(win == 10)
    colon = _bits(win == 58)
    opening = _bits(win == 91)
    closing = _bits(win == 93)
    blank = space | newline
    he = _lowest(blank)  # host end
    bad = (he <= 0) | _bit(newline, he)  # no host byte, or the line ends in the host
    t0 = he + 1  # tag (or word) start
    a = _lowest(_from(blank | colon | opening | closing, t0))  # end of the tag's name
    bad |= a < 0
    named = a > t0
    c = a.copy()  # where ": " must be
    bracket = named & _bit(opening, a)
    bare = np.zeros(len(a), dtype=bool)  # "app[123] msg": rsyslogd's file line of RFC 5424
    if bracket.any():
        b = _lowest(_from(closing | newline, a + 1))
        bad |= bracket & (b < 0)
        closed = bracket & (b >= 0) & _bit(closing, b)
        c = np.where(closed, b + 1, c)
        if closed.any():
            bi = np.clip(b - 1, 0, WINDOW - 1)
            before = win[np.arange(len(win)), bi]  # the byte before "]": a digit?
            bare = closed & (b - 1 > a) & ((before - 48) <= 9) & (c <= WINDOW - 1) & _bit(space, c)
            bad |= closed & (c > WINDOW - 1)  # what follows "]" lies past the window
    colon_tag = named & (c <= WINDOW - 2) & _bit(colon, c) & _bit(space, c + 1)
    tag = colon_tag | bare
    bad |= named & ~tag & (c > WINDOW - 2)  # ": " might follow past the window
    ws = np.where(colon_tag, c + 2, np.where(bare, c + 1, t0))
    we = _lowest(_from(blank, ws))
    bad |= we < 0
    base = starts + 16
    ws = base + ws
    we = base + we
    for i in np.flatnonzero(bad).tolist():
        m = _BSD_WORDS.match(text, int(starts[i]), int(nl[i]))
        if m is None or m.end() != int(nl[i]):
            return "a line that is not a plain RFC 3164 header"
        ws[i], we[i] = m.span(1)
    if not (we > ws).all():
        return "a message starting with a space or empty"
    return ws, we


_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(8)] + [(1 << 64) - 1], np.uint64)
_KEY_BYTES = 24
"""Words up to this long are grouped by their bytes; longer ones are looked up one by one."""


def _word_levels(text: str, padded: np.ndarray, ws: np.ndarray, we: np.ndarray, wm) -> np.ndarray:
    """``wm[word]`` per line, asking the map once per distinct word.

    Words are keyed by their bytes (up to three masked 8-byte words and the length),
    hashed, grouped with ``np.unique``; every member of a group is checked to have the
    same key as its representative, so a hash collision costs speed, never a wrong level.
    """
    n = len(ws)
    length = we - ws
    chunks = min(_KEY_BYTES, int(length.max())) + 7 >> 3
    keys = []
    h = length.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for j in range(0, 8 * chunks, 8):
        k = _rows(padded, ws + j, 8).view("<u8").ravel()
        k = k & _MASKS[np.clip(length - j, 0, 8)]
        keys.append(k)
        h ^= k
        h *= np.uint64(0xFF51AFD7ED558CCD)
        h ^= h >> np.uint64(29)
    _, inv = np.unique(h, return_inverse=True)
    inv = inv.ravel()
    rep_of = np.empty(int(inv.max()) + 1, np.int64)
    rep_of[inv] = np.arange(n)  # one line per group (the last one)
    same = length == length[rep_of][inv]
    for k in keys:
        same &= k == k[rep_of][inv]
    levels = np.empty(n, np.int16)
    if same.all():
        s, e = ws[rep_of].tolist(), we[rep_of].tolist()
        lv = np.fromiter((wm[text[a:b]] for a, b in zip(s, e)), np.int16, len(s))
        levels[:] = lv[inv]
        long = np.flatnonzero(length > _KEY_BYTES)
    else:  # a collision: every word on its own
        long = np.arange(n)
    for i in long.tolist():
        levels[i] = wm[text[int(ws[i]) : int(we[i])]]
    return levels


def _parse_syslog(
    text: str, arr: np.ndarray, starts: np.ndarray, nl: np.ndarray, plan: ColumnarPlan
) -> tuple[np.ndarray, np.ndarray, str]:
    n = len(starts)
    padded = np.concatenate([arr, np.zeros(WINDOW + _KEY_BYTES, np.uint8)])
    got = _syslog_words(text, padded, starts, nl)
    if isinstance(got, str):
        return None, None, got  # type: ignore[return-value]
    ws, we = got
    assert plan.year is not None
    epochs = _syslog_epochs(arr, starts, plan.year)
    if epochs is None:
        return None, None, "a timestamp that does not convert"  # type: ignore[return-value]
    if n > 1 and float(np.diff(epochs).min()) <= -HALF_YEAR:
        return None, None, "a year rollover"  # type: ignore[return-value]
    wm = syslog_words()
    levels = _word_levels(text, padded, ws, we, wm)
    further = np.flatnonzero(levels == LOOK_FURTHER)
    if len(further):
        for i in further.tolist():  # the message starts at its first word
            levels[i] = wm.level_of(text[int(ws[i]) : int(nl[i])])
    return epochs, levels.astype(np.int8), ""


def _syslog_message(text: str, a: int, b: int) -> str:
    m = BSD_HEADER.match(text, a, b)
    return m.group("message") if m is not None else ""


def _literal_lines(buf: bytes, literal: bytes, starts: np.ndarray) -> np.ndarray:
    """Indices of the lines holding ``literal`` (each line once)."""
    hits = [m.start() for m in re.finditer(re.escape(literal), buf)]
    if not hits:
        return np.empty(0, np.int64)
    return np.unique(np.searchsorted(starts, np.asarray(hits, np.int64), "right") - 1)


def _folded_literal_lines(arr: np.ndarray, literal: bytes, starts: np.ndarray) -> np.ndarray:
    """Lines that may hold ASCII ``literal`` (lower-case) in any letter case: a superset.

    Bytes are compared with bit 0x20 set on both sides: exact case folding for letters,
    and a few extra hits for other bytes (never a miss) — the engine re-checks each line.
    Cheaper than lower-casing the whole range: one pass for the first byte, then only
    the survivors are looked at.
    """
    k = len(literal)
    if k == 0 or len(arr) < k:
        return np.empty(0, np.int64)
    head = arr[: len(arr) - k + 1]
    idx = np.flatnonzero((head | 0x20) == (literal[0] | 0x20))
    for j in range(1, k):
        if not len(idx):
            break
        idx = idx[(arr[idx + j] | 0x20) == (literal[j] | 0x20)]
    if not len(idx):
        return np.empty(0, np.int64)
    return np.unique(np.searchsorted(starts, idx, "right") - 1)


def parse_range(
    path: str, offset: int, end: int, plan: ColumnarPlan, probes: list[RuleProbe]
) -> RangeColumns:
    """Read ``[offset, end)`` of ``path`` (whole lines) and parse it into columns."""
    fd = os.open(path, os.O_RDONLY)
    try:
        buf = os.pread(fd, end - offset, offset)
    finally:
        os.close(fd)
    if len(buf) != end - offset:
        return _uncovered(offset, end, "the file changed while it was read")
    if not buf:
        return RangeColumns(offset, end, True, "", np.empty(0), np.empty(0, np.int8))
    added_newline = not buf.endswith(b"\n")
    if added_newline:
        buf += b"\n"  # the file's last line without a newline: complete at EOF
    if b"\r" in buf:
        return _uncovered(offset, end, "CR line ends")
    ascii_only = buf.isascii()
    arr = np.frombuffer(buf, np.uint8)
    starts, nl = line_starts(arr)
    text = ""
    msgs: list[str] | None = None
    if plan.kind == "bsd-syslog":
        if not ascii_only:  # byte offsets are character offsets only in ASCII
            return _uncovered(offset, end, "non-ASCII text")
        text = buf.decode("ascii")
        epochs, levels, why = _parse_syslog(text, arr, starts, nl, plan)
        if epochs is None:
            return _uncovered(offset, end, why)
    elif plan.kind == "json":
        from logwatch_tui.core.formats.columnar import JsonColumns
        from logwatch_tui.ingest.jsonfast import decode_columns

        jc = JsonColumns()
        got = decode_columns(buf, starts, nl, jc)
        if got is None:  # the format's own batch parse, on the lines as the pipeline cuts them
            lines = buf.decode("utf-8", "replace").split("\n")
            lines.pop()
            ts: list[float | None] = []
            lv: list[int] = []
            ms: list[str | None] = []
            jc.parse_columns(lines, ts, lv, ms)
            if None in ms:
                return _uncovered(offset, end, "a line that is not a record")
            levels = np.array(lv, np.int8)
        else:
            ts, levels, ms = got  # type: ignore[assignment]
        if not isinstance(ts, np.ndarray):
            if None in ts:
                return _uncovered(offset, end, "a line without a timestamp")
            ts = np.array(ts, np.float64)
        epochs = ts
        msgs = ms  # type: ignore[assignment]
    else:
        return _uncovered(offset, end, f"no columnar parser for {plan.kind!r}")
    cand = _candidates(buf, ascii_only, text, starts, nl, levels, msgs, probes)
    cand_lines: list[str] = []
    cand_msgs: list[str] = []
    for i in cand.tolist():
        a, b = int(starts[i]), int(nl[i])
        if msgs is None:
            cand_lines.append(text[a:b])
            cand_msgs.append(_syslog_message(text, a, b))
        else:
            cand_lines.append(buf[a:b].decode("utf-8", "replace"))
            cand_msgs.append(msgs[i])
    return RangeColumns(
        offset,
        end,
        True,
        "",
        epochs,
        levels,
        cand,
        cand_lines,
        cand_msgs,
        buf,
        starts,
        nl,
        added_newline,
    )


def _candidates(
    buf: bytes,
    ascii_only: bool,
    text: str,
    starts: np.ndarray,
    nl: np.ndarray,
    levels: np.ndarray,
    msgs: list[str] | None,
    probes: list[RuleProbe],
) -> np.ndarray:
    """Sorted indices of the lines some rule may count (a superset: the engine decides).

    A literal is searched in the raw bytes when every message is a verbatim part of
    its line (syslog; JSON without any backslash escape in the range), else in the
    messages joined; ``(?i)`` literals only over ASCII, where ``bytes.lower`` and the
    regex's case folding agree; otherwise the regex searches each message.
    """
    n = len(starts)
    raw_ok = msgs is None or b"\\" not in buf
    lowered: dict[str, bytes] = {}
    joined: tuple[bytes, np.ndarray] | None = None
    msgs_ascii: bool | None = None
    picked: list[np.ndarray] = []
    for probe in probes:
        at_level = None if probe.minimum is None else levels >= probe.minimum
        lit = probe.literal
        sel: np.ndarray | None = None
        if lit is None and probe.pattern is None:
            sel = np.flatnonzero(at_level) if at_level is not None else np.arange(n)
        elif lit is not None:
            if raw_ok and (ascii_only or not probe.ignorecase):
                if probe.ignorecase:
                    sel = _folded_literal_lines(np.frombuffer(buf, np.uint8), lit, starts)
                else:
                    sel = _literal_lines(buf, lit, starts)
            elif msgs is not None:
                if probe.ignorecase and msgs_ascii is None:
                    msgs_ascii = all(map(str.isascii, msgs))
                if not probe.ignorecase or msgs_ascii:
                    if joined is None:
                        jb = "\n".join(msgs).encode("utf-8", "surrogatepass")
                        lens = np.fromiter(
                            (len(m.encode("utf-8", "surrogatepass")) + 1 for m in msgs),
                            np.int64,
                            n,
                        )
                        mstarts = np.zeros(n, np.int64)
                        np.cumsum(lens[:-1], out=mstarts[1:])
                        joined = (jb, mstarts)
                    hay = joined[0]
                    if probe.ignorecase:
                        hay = lowered.get("msgs") or lowered.setdefault("msgs", hay.lower())
                    sel = _literal_lines(hay, lit, joined[1])
            if sel is not None and at_level is not None and len(sel):
                sel = sel[at_level[sel]]
        if sel is None:  # no literal (or (?i) over non-ASCII text): the regex, per message
            rx = re.compile(probe.pattern, probe.flags)  # type: ignore[arg-type]
            base = np.flatnonzero(at_level) if at_level is not None else np.arange(n)
            keep = []
            for i in base.tolist():
                m = (
                    msgs[i]
                    if msgs is not None
                    else _syslog_message(text, int(starts[i]), int(nl[i]))
                )
                # past the guard's bound the engine's time-limited matcher decides
                if len(m) > probe.limit or rx.search(m) is not None:
                    keep.append(i)
            sel = np.asarray(keep, np.int64)
        picked.append(sel)
    return np.unique(np.concatenate(picked)) if picked else np.empty(0, np.int64)


def summarise_range(
    path: str, offset: int, end: int, plan: ColumnarPlan, probes: list[RuleProbe]
) -> RangeSummary:
    """:func:`parse_range`, reduced to plain data for ``check`` (runs in a worker)."""
    cols = parse_range(path, offset, end, plan, probes)
    if not cols.covered:
        return RangeSummary(offset, end, False, cols.reason)
    n = cols.n
    if n == 0:
        return RangeSummary(offset, end, True, "", 0, None, None, [0] * N_LEVELS)
    epochs = cols.epochs
    cummax = np.maximum.accumulate(epochs)
    cand = cols.cand.tolist()
    gaps: list[float | None] = []
    prev = -1
    for i in cand:
        gaps.append(float(cummax[i - 1]) if i > prev + 1 else None)
        prev = i
    ep = epochs[cols.cand].tolist()
    lv = cols.levels[cols.cand].tolist()
    cands = [
        Candidate(g, line, msg, level, e)
        for g, line, msg, level, e in zip(gaps, cols.cand_lines, cols.cand_msgs, lv, ep)
    ]
    counts = np.bincount(cols.levels, minlength=N_LEVELS)[:N_LEVELS].tolist()
    return RangeSummary(
        offset,
        end,
        True,
        "",
        n,
        float(epochs[0]),
        float(epochs[-1]),
        counts,
        cands,
        float(cummax[-1]) if prev < n - 1 else None,
    )
