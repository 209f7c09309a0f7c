"""Apache/Nginx access logs, common and combined.

::

    203.0.113.9 - alice [20/Nov/2026:10:00:00 +0000] "GET /index.html HTTP/1.1" 200 5120
    203.0.113.9 - - [20/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 502 157 "-" "curl/8.5.0"

Level from the HTTP status: 5xx ERROR, 4xx WARNING, else INFO. The message is
``remote "request" status bytes`` (what a person scans for); every part is also
a field: vhost (Apache ``vhost_combined``: ``host:port`` first), remote, ident, user, method, path, protocol, request, status (int),
bytes (int or None), referer, agent, and ``extra`` for anything after the agent
(nginx ``$request_time`` and friends). The timestamp keeps its offset.
One line is one record (``multiline = False``).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

from logwatch_tui.core.formats.base import MONTHS, LogFormat, ParsedLine, TimestampCache
from logwatch_tui.core.levels import Level, level_from_http_status

_RX = re.compile(
    r"(?:(?P<vhost>[^ \[:]++:\d++) (?=[^ ]+ [^ ]+ [^ ]+(?: [^ \[]+)* \[))?"
    r"(?P<remote>[^ ]+) +(?P<ident>[^ ]+) +(?P<user>[^ ]+(?: [^ \[]+)*?) +\[(?P<ts>[^\]]+)\] "
    r'"(?P<request>(?:[^"\\]|\\.)*)" (?P<status>\d{3}) (?P<bytes>\d+|-)'
    r'(?: "(?P<referer>(?:[^"\\]|\\.)*)" "(?P<agent>(?:[^"\\]|\\.)*)")?(?P<extra>.*)$'
)
_COLS = re.compile(
    r'([^ :]+) [^ ]+ [^ ]+(?: [^ \[]+)* \[([^\]]+)\] "((?:[^"\\]|\\.)*)" (\d{3}) (\d+|-)'
)
"""The usual line (single spaces, no colon in the first token, so no vhost) with just
what ``parse_columns`` needs: where it matches, :data:`_RX` matches with the same
remote, time, request, status and bytes (its tail matches any rest of the line); it is
tried first because it is much cheaper."""
_TS = re.compile(
    r"(\d{1,2})/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? ?([+-]\d{4})?"
)


def access_datetime(text: str) -> datetime | None:
    """``20/Nov/2026:10:00:00 +0000`` (English month names, whatever the locale)."""
    m = _TS.fullmatch(text)
    if m is None:
        return None
    d, mon, y, hh, mm, ss, frac, off = m.groups()
    month = MONTHS.get(mon)
    if month is None:
        return None
    tz = None
    if off:
        sign = -1 if off[0] == "-" else 1
        tz = timezone(sign * timedelta(hours=int(off[1:3]), minutes=int(off[3:5])))
    us = int((frac + "000000")[:6]) if frac else 0
    try:
        return datetime(int(y), month, int(d), int(hh), int(mm), int(ss), us, tzinfo=tz)
    except ValueError:
        return None


_LEVEL_OF_STATUS = {s: int(level_from_http_status(s)) for s in range(100, 1000)}


class AccessFormat(LogFormat):
    """Common / combined access log (Apache ``%h %l %u %t "%r" %>s %b``, nginx default)."""

    name = "access"
    description = "access log (Apache/Nginx common and combined)"
    multiline = False
    specificity = 150
    samples = [
        {
            "line": '198.51.100.79 - alice [20/Nov/2026:09:58:04 +0100] "GET /login HTTP/1.1" 200 '
            '47693 "https://shop.example.com/" "kube-probe/1.31"',
            "ts": "2026-11-20T09:58:04+01:00",
            "level": "info",
            "fields": {"remote": "198.51.100.79", "user": "alice", "status": 200},
        },
        {
            "line": 'www.example.com:80 127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif '
            'HTTP/1.0" 503 2326 "http://www.example.com/start.html" "Mozilla/4.08"',
            "ts": "2000-10-10T13:55:36-07:00",
            "level": "error",
            "fields": {"vhost": "www.example.com:80", "remote": "127.0.0.1", "user": "-"},
        },
    ]

    def __init__(self, *, now: float | None = None) -> None:
        super().__init__(now=now)
        self._times = TimestampCache(access_datetime)

    def parse(self, line: str) -> ParsedLine | None:
        m = _RX.match(line)
        if m is None:
            return None
        g = m.groupdict()
        status = int(g["status"])
        request = g["request"]
        parts = request.split(" ")
        fields: dict[str, Any] = {
            "vhost": g["vhost"],
            "remote": g["remote"],
            "ident": g["ident"],
            "user": g["user"],
            "request": request,
            "method": parts[0] if len(parts) >= 2 else None,
            "path": parts[1] if len(parts) >= 2 else None,
            "protocol": parts[2] if len(parts) >= 3 else None,
            "status": status,
            "bytes": int(g["bytes"]) if g["bytes"] != "-" else None,
            "referer": g["referer"],
            "agent": g["agent"],
        }
        extra = g["extra"].strip()
        if extra:
            fields["extra"] = extra
        fields = {k: v for k, v in fields.items() if v is not None}
        return ParsedLine(
            self._times.datetime(g["ts"]),
            Level(_LEVEL_OF_STATUS[status]),
            _message(g["remote"], request, g["status"], g["bytes"]),
            fields,
        )

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        cols = _COLS.match
        match = _RX.match
        epoch = self._times.epoch
        lv = _LEVEL_OF_STATUS
        for line in lines:
            m = cols(line)
            if m is not None:
                remote, t, request, status, nbytes = m.groups()
            else:
                m = match(line)
                if m is None:
                    ts_out.append(None)
                    levels_out.append(0)
                    msgs_out.append(None)
                    continue
                remote, t, request, status, nbytes = m.group(
                    "remote", "ts", "request", "status", "bytes"
                )
            ts_out.append(epoch(t))
            levels_out.append(lv[int(status)])
            msgs_out.append(_message(remote, request, status, nbytes))


def _message(remote: str, request: str, status: str, nbytes: str) -> str:
    return f'{remote} "{request}" {status} {nbytes}'
