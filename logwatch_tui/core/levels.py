"""Log levels: one ordered scale for every format.

Levels are small ints so that columns of them fit in an ``array('b')`` and a
minimum-level filter is a plain comparison. UNKNOWN is 0 and sorts below
TRACE, so "minimum level" filters never pass it unless no minimum is set.
"""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    UNKNOWN = 0
    TRACE = 1
    DEBUG = 2
    INFO = 3
    NOTICE = 4
    WARNING = 5
    ERROR = 6
    CRITICAL = 7

    @property
    def label(self) -> str:
        """Short fixed-width label for columns (``WARN``, ``CRIT``)."""
        return _LABELS[self]


_LABELS = {
    Level.UNKNOWN: "?",
    Level.TRACE: "TRACE",
    Level.DEBUG: "DEBUG",
    Level.INFO: "INFO",
    Level.NOTICE: "NOTE",
    Level.WARNING: "WARN",
    Level.ERROR: "ERROR",
    Level.CRITICAL: "CRIT",
}

LEVEL_NAMES: dict[str, Level] = {}
for _lvl, _names in {
    Level.TRACE: ("trace", "trc", "t", "finest", "finer", "verbose", "v", "debug4", "debug5"),
    # java.util.logging: CONFIG and FINE are debug detail, FINER/FINEST trace, SEVERE error.
    Level.DEBUG: ("debug", "dbg", "d", "fine", "config", "debug1", "debug2", "debug3"),
    # postgres writes LOG for ordinary messages.
    Level.INFO: ("info", "inf", "i", "information", "informational", "log", "statement"),
    Level.NOTICE: ("notice", "note", "n"),
    Level.WARNING: ("warning", "warn", "wrn", "w"),
    Level.ERROR: ("error", "err", "e", "severe", "fail", "failure", "eror"),
    Level.CRITICAL: (
        "critical",
        "crit",
        "c",
        "fatal",
        "f",
        "panic",
        "emerg",
        "emergency",
        "alert",
        "a",
    ),
}.items():
    for _n in _names:
        LEVEL_NAMES[_n] = _lvl
        LEVEL_NAMES[_n.upper()] = _lvl
        LEVEL_NAMES[_n.capitalize()] = _lvl

# Single letters are only meaningful where a format uses them (glog/klog "E1124",
# Android "W/"), so parsers that see free text must use LEVEL_WORDS instead.
LEVEL_WORDS: dict[str, Level] = {k: v for k, v in LEVEL_NAMES.items() if len(k) > 1}

SYSLOG_SEVERITY: tuple[Level, ...] = (
    Level.CRITICAL,  # 0 emerg
    Level.CRITICAL,  # 1 alert
    Level.CRITICAL,  # 2 crit
    Level.ERROR,  # 3 err
    Level.WARNING,  # 4 warning
    Level.NOTICE,  # 5 notice
    Level.INFO,  # 6 info
    Level.DEBUG,  # 7 debug
)


def parse_level(text: str | None, *, letters: bool = False) -> Level:
    """Map a level spelling (``warn``, ``ERR``, ``fatal``, ``40``) to a Level.

    ``letters`` admits single-letter spellings (``E``/``W``/``I``); numeric
    strings are read as Python logging numbers (10..50) or syslog severities
    (0..7).
    """
    if not text:
        return Level.UNKNOWN
    table = LEVEL_NAMES if letters else LEVEL_WORDS
    lvl = table.get(text)
    if lvl is not None:
        return lvl
    t = text.strip().strip("[]<>").lower()
    lvl = table.get(t)
    if lvl is not None:
        return lvl
    if t.isdigit():
        return level_from_number(int(t))
    return Level.UNKNOWN


def level_from_number(n: int) -> Level:
    """Syslog severity 0..7, or the bunyan/pino numeric scale (10 trace .. 60 fatal).

    Numeric levels in JSON logs come almost always from bunyan/pino; Python's
    logging writes level *names*.
    """
    if 0 <= n <= 7:
        return SYSLOG_SEVERITY[n]
    if n >= 60:
        return Level.CRITICAL
    if n >= 50:
        return Level.ERROR
    if n >= 40:
        return Level.WARNING
    if n >= 30:
        return Level.INFO
    if n >= 20:
        return Level.DEBUG
    return Level.TRACE


def level_from_http_status(status: int) -> Level:
    """Access logs: 5xx ERROR, 4xx WARNING, everything else INFO."""
    if status >= 500:
        return Level.ERROR
    if status >= 400:
        return Level.WARNING
    return Level.INFO
