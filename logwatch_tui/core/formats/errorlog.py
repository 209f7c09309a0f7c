"""Apache and Nginx error logs.

``apache_error`` (2.4 and 2.2)::

    [Fri Nov 20 10:00:00.123456 2026] [proxy:error] [pid 812:tid 140] [client 10.0.0.5:5123] AH01114: ...
    [Fri Nov 20 10:00:00 2026] [error] [client 10.0.0.5] File does not exist: /var/www/x

``nginx_error``::

    2026/11/20 10:00:00 [error] 812#812: *41 connect() failed (111: Connection refused) while ...

Levels are the servers' own words (``emerg alert crit error warn notice info
debug``, Apache ``trace1..8`` = TRACE). Times carry no zone: local time.
Both are multiline: Apache writes CGI stderr and PHP stack traces as bare lines.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from logwatch_tui.core.formats.base import MONTHS, ParsedLine, RegexFormat
from logwatch_tui.core.levels import Level, parse_level

_APACHE_TS = re.compile(
    r"[A-Z][a-z]{2} ([A-Z][a-z]{2}) +(\d{1,2}) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))? (\d{4})"
)


def _apache_datetime(text: str) -> datetime | None:
    m = _APACHE_TS.fullmatch(text)
    if m is None:
        return None
    mon, d, hh, mm, ss, frac, y = m.groups()
    month = MONTHS.get(mon)
    if month is None:
        return None
    us = int((frac + "000000")[:6]) if frac else 0
    try:
        return datetime(int(y), month, int(d), int(hh), int(mm), int(ss), us)
    except ValueError:
        return None


def _server_level(word: str) -> Level:
    if word.startswith("trace"):
        return Level.TRACE
    return parse_level(word)


class _LevelCached(RegexFormat):
    """Server level words are few: map them through a dict instead of parse_level."""

    def __init__(self, *, now: float | None = None) -> None:
        super().__init__(now=now)
        self._level_cache: dict[str | None, Level] = {}

    def level_of(self, m: re.Match[str]) -> Level:
        word = m.group("level")
        lvl = self._level_cache.get(word)
        if lvl is None:
            lvl = self._level_cache[word] = _server_level(word or "")
        return lvl


class ApacheErrorFormat(_LevelCached):
    """Apache httpd error_log."""

    name = "apache_error"
    description = "Apache error log ('[Fri Nov 20 10:00:00 2026] [core:error] ...')"
    multiline = True
    specificity = 140
    samples = [
        {
            "line": "[Fri Nov 20 09:58:17.114000 2026] [core:error] [pid 3122:tid 140225] "
            "[client 10.0.4.20:4200] AH00128: File does not exist: /var/www/html/favicon.ico",
            "level": "error",
            "message": "AH00128: File does not exist: /var/www/html/favicon.ico",
            "fields": {"module": "core", "pid": "3122"},
        }
    ]
    regex = re.compile(
        r"\[(?P<ts>[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d\d:\d\d:\d\d(?:\.\d{1,6})? \d{4})\] "
        r"\[(?:(?P<module>[^:\] ]+):)?(?P<level>[a-z]+\d?)\]"
        r"(?: \[pid (?P<pid>\d+)(?::tid (?P<tid>\d+))?\])?"
        r"(?: \[client (?P<client>[^\]]+)\])? ?(?P<message>.*)$"
    )

    def convert_ts(self, text: str) -> datetime | None:
        return _apache_datetime(text)


_NGINX_KV = re.compile(r', (client|server|request|upstream|host|referrer): ("[^"]*"|[^,]*)')


class NginxErrorFormat(_LevelCached):
    """nginx error.log; ``client:``, ``server:``, ``request:``, ``upstream:``, ``host:`` become fields."""

    name = "nginx_error"
    description = "Nginx error log ('2026/11/20 10:00:00 [error] 12#12: *3 ...')"
    multiline = True
    specificity = 140
    samples = [
        {
            "line": "2026/11/20 09:58:13 [error] 3321#3321: *1000 open() failed (2: No such file "
            "or directory), client: 203.0.113.104, server: shop.example.com",
            "ts": "2026-11-20T09:58:13",
            "level": "error",
            "fields": {"client": "203.0.113.104", "pid": "3321"},
        }
    ]
    regex = re.compile(
        r"(?P<ts>\d{4}/\d\d/\d\d \d\d:\d\d:\d\d) \[(?P<level>[a-z]+)\] "
        r"(?P<pid>\d+)#(?P<tid>\d+): (?:\*(?P<cid>\d+) )?(?P<message>.*)$"
    )

    def convert_ts(self, text: str) -> datetime | None:
        try:
            return datetime.strptime(text, "%Y/%m/%d %H:%M:%S")
        except ValueError:
            return None

    def parse(self, line: str) -> ParsedLine | None:
        p = super().parse(line)
        if p is not None:
            extra: dict[str, Any] = {k: v.strip('"') for k, v in _NGINX_KV.findall(p.message)}
            p.fields.update(extra)
        return p
