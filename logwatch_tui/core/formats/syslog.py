"""Syslog: BSD/RFC 3164 file lines and RFC 5424.

``syslog`` (RFC 3164, as ``/var/log/syslog`` and ``/var/log/messages`` hold it)::

    Nov 20 10:00:00 web01 sshd[812]: Failed password for root from 10.0.0.9
    <34>Nov 20 10:00:00 web01 su: 'su root' failed      (with PRI, as sent on the wire)
    Nov 20 10:00:00 web01 cron[24500] job started       (rsyslogd's file line of an RFC 5424
                                                         message: no colon after app[pid])
    2026-11-20T10:00:00.123456+01:00 web01 cron[9]: ... (rsyslog's high-precision default)

Level: a ``<PRI>`` gives the severity. File lines carry no PRI, so the level is
read from the message: its first word when that is a level token — ``ERROR``,
``Error``, ``error:``, ``[warn]``, ``<error>``, ``level=error`` — or, when the
message starts with its own date/time/number, ``key=value`` or ``[uptime]``, the
first level token among words 2 and 3 (``2026-11-20 10:00:00 ERROR …``,
``time=… level=warn …``); else UNKNOWN — RFC 3164 lines carry no severity, and a
made-up INFO would hide errors from level filters. Bare lower-case words are not
trusted ("no error found" is not an error). See :class:`~.base.WordLevelMap`.
(Formats that want the message-word rule — ``error``/``failed``/``panic`` … anywhere
means ERROR — declare ``level-from-message``; see :mod:`.spec`.)

Year: BSD timestamps have none. It is inferred per file: the first timestamp gets
the latest year that puts it no more than a day after the reference time (``now``
or the wall clock); later lines keep that year, and a date that falls back by more
than half a year moves to the next year (a file rolling over New Year goes
Nov 2026 -> Feb 2027, never back to Feb 2026).
Timestamps without a zone are local time; RFC 3339 ones keep their offset.

``rfc5424``::

    <165>1 2026-11-20T10:00:00.003Z host app 1234 ID47 [exampleSDID@32473 iut="3"] message

Level from PRI; fields host, app, procid, msgid and structured data (``sd``,
``{sd_id: {param: value}}``).
"""

from __future__ import annotations

import re
import time
from datetime import datetime
from itertools import repeat
from operator import itemgetter, sub
from typing import Any

from logwatch_tui.core.formats.base import (
    LOOK_FURTHER,
    MONTHS,
    LogFormat,
    ParsedLine,
    TimestampCache,
    WordLevelMap,
    aware,
    iso_datetime,
)
from logwatch_tui.core.levels import SYSLOG_SEVERITY, Level

_MON = "(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_BSD_TS = _MON + r" [ \d]\d \d\d:\d\d:\d\d(?:\.\d{1,9})?"
_ISO_TS = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)"

# Only [ \t] and classes that exclude \n: the batch regexes run over lines joined by "\n".
# The tag: "app: ", "app[pid]: ", or "app[pid] " (no colon: rsyslogd's file templates write
# a message it received as RFC 5424 so) when the pid ends in a digit.
_TAIL = (
    r" (?P<host>[^ \n]++) (?:(?P<app>[^ \n:\[\]]++)"
    r"(?:\[(?P<pid>[^\]\n]*+)\](?::|(?<=\d\]))|:) )?"
    r"(?=(?P<word>[^ \n]*+))(?P<message>.*+)"
)
LINE_3164 = re.compile(
    r"(?:<(?P<pri>\d{1,3})>)?(?P<ts>" + _BSD_TS + "|" + _ISO_TS + ")" + _TAIL + "$"
)
"""The definition of a header line. The batch regexes below are fast subsets of it."""


def _batch_regex(ts: str) -> re.Pattern[str]:
    """A fast near-subset of LINE_3164 over a joined batch, capturing only the message.

    Every line matches exactly once (the ``|.*`` branch). One group means findall
    returns plain strings, no tuples. The timestamp is then the line's first
    15 characters (BSD) or first word (ISO). Lines with an empty message or an
    unconvertible timestamp are re-checked with LINE_3164, so results always equal
    LINE_3164's. The tail must stay _TAIL without names.
    """
    tail = r" [^ \n]++ (?:[^ \n:\[\]]++(?:\[[^\]\n]*+\](?::|(?<=\d\]))|:) )?(.*+)"
    return re.compile(r"^(?:" + ts + tail + r"|.*+)$", re.MULTILINE)


# [A-Z][a-z][a-z] is cheaper than the month alternation; a non-month gives no epoch and
# the line is re-checked.
_BATCH_BSD = _batch_regex(r"[A-Z][a-z][a-z] [ \d]\d \d\d:\d\d:\d\d")
_BATCH_ISO = _batch_regex(_ISO_TS)
_FIRST_15 = itemgetter(slice(0, 15))
_FIRST = itemgetter(0)
HALF_YEAR = 183 * 86400.0


_PRI_LEVEL: dict[str, int] = {}
for _p in range(192):
    _PRI_LEVEL[str(_p)] = int(SYSLOG_SEVERITY[_p & 7])
    _PRI_LEVEL[f"{_p:03d}"] = int(SYSLOG_SEVERITY[_p & 7])


def _pri_level(pri: str) -> int:
    lvl = _PRI_LEVEL.get(pri)
    return lvl if lvl is not None else int(SYSLOG_SEVERITY[int(pri) & 7])


class _EpochCache(dict):  # type: ignore[type-arg]
    """``timestamp text -> epoch`` with the conversion in ``__missing__``.

    A dict, so a column converts with ``map(cache.__getitem__, texts)`` in C; the
    same second repeats thousands of times in a syslog file.
    """

    def __init__(self, fmt: Rfc3164Format) -> None:
        super().__init__()
        self._fmt = fmt
        self[""] = None

    def __missing__(self, text: str) -> float | None:
        dt = self._fmt.convert_ts(text)
        v = aware(dt).timestamp() if dt is not None else None
        if len(self) > 50_000:
            self.clear()
            self[""] = None
        self[text] = v
        return v


class Rfc3164Format(LogFormat):
    """BSD syslog file lines (see module docstring for level and year rules)."""

    name = "syslog"
    stateful = True  # the per-file year
    description = "syslog (RFC 3164: 'Nov 20 10:00:00 host app[pid]: msg')"
    multiline = True
    specificity = 100
    samples = [
        {
            "line": "Nov 20 09:58:18 web01 postfix/smtpd[5811]: connect from mail.example.net",
            "level": "unknown",
            "message": "connect from mail.example.net",
            "fields": {"host": "web01", "app": "postfix/smtpd", "pid": "5811"},
        },
        {"line": "Nov 20 09:58:19 web01 app[2231]: ERROR upstream refused", "level": "error"},
        {"line": "<34>Nov 20 09:58:20 web01 su: 'su root' failed", "level": "critical"},
        {
            "line": "2026-11-20T10:00:00.123456+01:00 web01 cron[9]: job done",
            "ts": "2026-11-20T10:00:00.123456+01:00",
            "level": "unknown",
        },
    ]

    def __init__(self, *, now: float | None = None) -> None:
        super().__init__(now=now)
        self._epochs = _EpochCache(self)
        self._words = WordLevelMap(Level.UNKNOWN)
        self._ref_day = self._reference() // 86400
        self._year: int | None = None
        """The year of this file's BSD timestamps (per-file inference, monotonic)."""
        self._last_epoch: float | None = None

    def _reference(self) -> float:
        return self.now if self.now is not None else time.time()

    def convert_ts(self, text: str) -> datetime | None:
        """BSD ``Nov 20 10:00:00`` (year inferred, local time) or RFC 3339."""
        if text[:1].isdigit():
            return iso_datetime(text)
        try:
            month = MONTHS[text[:3]]
            day = int(text[4:6])
            hh, mm, ss = int(text[7:9]), int(text[10:12]), int(text[13:15])
            us = int((text[16:] + "000000")[:6]) if len(text) > 16 else 0
        except (KeyError, ValueError):
            return None
        if self._year is not None:
            try:
                return datetime(self._year, month, day, hh, mm, ss, us)
            except ValueError:  # Feb 29 in a common year, bad day or time
                return None
        ref = self._reference()
        year = datetime.fromtimestamp(ref).year
        for y in range(year, year - 8, -1):
            try:
                dt = datetime(y, month, day, hh, mm, ss, us)
            except ValueError:  # Feb 29 outside a leap year, bad day or time
                if month == 2 and day == 29:
                    continue
                return None
            if dt.timestamp() <= ref + 86400:
                self._year = y
                return dt
        return None

    def _rollover(self, tss: list[str], epochs: list[float | None]) -> None:
        """Move to the next year where a BSD date falls back by more than half a year.

        C-level check for the usual batch (no drop); the Python loop only runs on a batch
        that holds a rollover (or unparsable lines).
        """
        if not epochs:
            return
        prev = self._last_epoch
        if None not in epochs:
            # dates spread over less than half a year cannot fall back by that much:
            # two passes without allocation, the pairwise check only when they could
            spread = max(epochs) - min(epochs)  # type: ignore[type-var,operator]
            if spread < HALF_YEAR or len(epochs) < 2:
                lo = 0.0
            else:
                lo = min(map(sub, epochs[1:], epochs[:-1]))
            if lo > -HALF_YEAR and (prev is None or epochs[0] > prev - HALF_YEAR):  # type: ignore[operator]
                self._last_epoch = epochs[-1]
                return
        for i, e in enumerate(epochs):
            if e is None:
                continue
            if prev is not None and e < prev - HALF_YEAR and not tss[i][:1].isdigit():
                self._year = (self._year or 0) + 1
                self._epochs.clear()
                self._epochs[""] = None
                epochs[i:] = map(self._epochs.__getitem__, tss[i:])
                e = epochs[i]
                if e is None:
                    continue
            prev = e
        self._last_epoch = prev

    def _check_day(self) -> None:
        """Year inference depends on the reference day: forget answers from another day."""
        if self.now is None:
            day = time.time() // 86400
            if day != self._ref_day:
                self._ref_day = day
                self._epochs.clear()
                self._epochs[""] = None

    def _level(self, pri: str | None, message: str) -> int:
        if pri:
            return _pri_level(pri)
        return self._words.level_of(message)

    def parse(self, line: str) -> ParsedLine | None:
        m = LINE_3164.match(line)
        if m is None:
            return None
        self._check_day()
        t = m.group("ts")
        epoch = self._epochs[t]
        if epoch is None:
            ts = None
        elif t[:1].isdigit():
            ts = aware(iso_datetime(t))  # type: ignore[arg-type]
        else:
            ts = datetime.fromtimestamp(epoch).astimezone()
        fields: dict[str, Any] = {"host": m.group("host")}
        for k in ("app", "pid", "pri"):
            v = m.group(k)
            if v:
                fields[k] = int(v) if k == "pri" else v
        msg = m.group("message")
        return ParsedLine(ts, Level(self._level(m.group("pri"), msg)), msg, fields)

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        self._check_day()
        n = len(lines)
        if n == 0:
            return
        text = "\n".join(lines)
        first = lines[0][:1]
        if first == "<":
            self._parse_columns_slow(lines, ts_out, levels_out, msgs_out)
            return
        if first.isdigit():
            msgs = _BATCH_ISO.findall(text)
            tss = list(map(_FIRST, map(str.partition, lines, repeat(" "))))
        else:
            msgs = _BATCH_BSD.findall(text)
            tss = list(map(_FIRST_15, lines))
        if len(msgs) != n:  # a line holds a "\n" (never from the pipeline): rows misalign
            self._parse_columns_slow(lines, ts_out, levels_out, msgs_out)
            return
        epochs = list(map(self._epochs.__getitem__, tss))
        words = self._words
        if self._year is not None or None not in epochs:
            self._rollover(tss, epochs)
        levels = list(map(words.__getitem__, map(_FIRST, map(str.partition, msgs, repeat(" ")))))
        if LOOK_FURTHER in levels:
            level_of = words.level_of
            for i, lv in enumerate(levels):
                if lv == LOOK_FURTHER:
                    levels[i] = level_of(msgs[i])
        if "" in msgs or None in epochs:
            # Outside the fast subset (PRI, fractions, odd month, empty message) or not a
            # header at all: decide with the defining regex.
            match = LINE_3164.match
            for i in range(n):
                if msgs[i] and epochs[i] is not None:
                    continue
                m = match(lines[i])
                if m is None:
                    msgs[i] = None
                    levels[i] = 0
                    epochs[i] = None
                else:
                    msg = m.group("message")
                    msgs[i] = msg
                    levels[i] = self._level(m.group("pri"), msg)
                    epochs[i] = self._epochs[m.group("ts")]
                    tss[i] = m.group("ts")
            self._rollover(tss, epochs)
        ts_out += epochs
        levels_out += levels
        msgs_out += msgs

    def _parse_columns_slow(self, lines, ts_out, levels_out, msgs_out) -> None:
        """Per line: batches with a newline inside a line (never from the pipeline) or PRI."""
        match = LINE_3164.match
        epochs = self._epochs
        tss: list[str] = []
        eps: list[float | None] = []
        for line in lines:
            m = match(line)
            if m is None:
                eps.append(None)
                tss.append("")
                levels_out.append(0)
                msgs_out.append(None)
                continue
            msg = m.group("message")
            t = m.group("ts")
            tss.append(t)
            eps.append(epochs[t])
            levels_out.append(self._level(m.group("pri"), msg))
            msgs_out.append(msg)
        self._rollover(tss, eps)
        ts_out += eps

    def matches(self, line: str) -> bool:
        return LINE_3164.match(line) is not None

    def fields_columns(self, lines: list[str], idx: list[int]) -> list[dict[str, Any]]:
        """``parse(lines[i]).fields`` for the header lines ``idx``, in one regex pass."""
        heads = [lines[i] for i in idx]
        rows = _FIELDS_BATCH.findall("\n".join(heads))
        if len(rows) != len(heads):  # a newline inside a line: per line
            out = []
            for line in heads:
                p = self.parse(line)
                out.append(p.fields if p is not None else {})
            return out
        return [
            {"host": h, "app": a, "pid": pid}
            if pid and not pri
            else {"host": h, "app": a}
            if a and not pri
            else _fields_slow(pri, h, a, pid)
            for pri, h, a, pid in rows
        ]


_FIELDS_BATCH = re.compile(
    r"^(?:<(\d{1,3})>)?(?:" + _BSD_TS + "|" + _ISO_TS + r") ([^ \n]++) "
    r"(?:([^ \n:\[\]]++)(?:\[([^\]\n]*+)\])?: )?.*+$",
    re.MULTILINE,
)
"""host, app, pid (and PRI) of header lines joined by newlines: _TAIL without the message."""


def _fields_slow(pri: str, host: str, app: str, pid: str) -> dict[str, Any]:
    out: dict[str, Any] = {"host": host}
    if app:
        out["app"] = app
    if pid:
        out["pid"] = pid
    if pri:
        out["pri"] = int(pri)
    return out


_RX_5424 = re.compile(
    r"<(?P<pri>\d{1,3})>(?P<version>\d{1,2}) (?P<ts>-|\d{4}-\d\d-\d\dT[^ \n]+)"
    r" (?P<host>[^ \n]+) (?P<app>[^ \n]+) (?P<procid>[^ \n]+) (?P<msgid>[^ \n]+)"
    r" (?P<sd>-|(?:\[(?:[^\]\\\n]|\\.)*\])+)(?: (?P<message>.*))?$"
)
_SD_ELEMENT = re.compile(r"\[([^ \]\n]+)((?:[^\]\\\n]|\\.)*)\]")
_SD_PARAM = re.compile(r'([^ =\]"]+)="((?:[^"\\]|\\.)*)"')
_SD_UNESCAPE = re.compile(r"\\([\"\\\]])")


def parse_structured_data(sd: str) -> dict[str, dict[str, str]]:
    """``[id k="v"][id2 …]`` -> ``{"id": {"k": "v"}, "id2": {…}}``."""
    out: dict[str, dict[str, str]] = {}
    for sid, params in _SD_ELEMENT.findall(sd):
        out[sid] = {k: _SD_UNESCAPE.sub(r"\1", v) for k, v in _SD_PARAM.findall(params)}
    return out


class Rfc5424Format(LogFormat):
    """RFC 5424 syslog (``<PRI>1 TIMESTAMP HOST APP PROCID MSGID SD MSG``)."""

    name = "rfc5424"
    description = "syslog (RFC 5424: '<165>1 2026-11-20T10:00:00Z host app pid msgid - msg')"
    multiline = True
    specificity = 200
    samples = [
        {
            "line": "<134>1 2026-11-20T09:58:28.155Z app01.example.com api 3028 REQ - api handled",
            "ts": "2026-11-20T09:58:28.155+00:00",
            "level": "info",
            "message": "api handled",
            "fields": {"host": "app01.example.com", "app": "api", "procid": "3028"},
        },
        {"line": "<163>1 2026-11-20T09:58:29Z h app - - - boom", "level": "error"},
    ]

    def __init__(self, *, now: float | None = None) -> None:
        super().__init__(now=now)
        self._times = TimestampCache(iso_datetime)

    def parse(self, line: str) -> ParsedLine | None:
        m = _RX_5424.match(line)
        if m is None:
            return None
        t = m.group("ts")
        ts = self._times.datetime(t) if t != "-" else None
        fields: dict[str, Any] = {"pri": int(m.group("pri"))}
        for k in ("host", "app", "procid", "msgid"):
            v = m.group(k)
            if v != "-":
                fields[k] = v
        sd = m.group("sd")
        if sd != "-":
            fields["sd"] = parse_structured_data(sd)
        return ParsedLine(
            ts, Level(_pri_level(m.group("pri"))), _message(m.group("message")), fields
        )

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        match = _RX_5424.match
        epoch = self._times.epoch
        for line in lines:
            m = match(line)
            if m is None:
                ts_out.append(None)
                levels_out.append(0)
                msgs_out.append(None)
                continue
            pri, t, msg = m.group("pri", "ts", "message")
            ts_out.append(epoch(t) if t != "-" else None)
            levels_out.append(_pri_level(pri))
            msgs_out.append(_message(msg))

    def matches(self, line: str) -> bool:
        return _RX_5424.match(line) is not None


def _message(msg: str | None) -> str:
    """RFC 5424 lets MSG start with a UTF-8 BOM; it is not part of the text. rsyslog's
    templates put the legacy message's own leading space after the SD: dropped too."""
    if not msg:
        return ""
    if msg[0] == "\ufeff":
        msg = msg[1:]
    return msg.lstrip(" ") if msg[:1] == " " else msg
