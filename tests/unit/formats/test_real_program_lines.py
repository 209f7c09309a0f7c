"""Lines copied from logs real programs wrote (``benchmarks/real_programs.py``) that
parsed wrong: each test holds the real lines and checks format, time, level, message and
record extent through auto-detection, as ``parse`` and the TUI do."""

from __future__ import annotations

from datetime import datetime

from logwatch_tui.core.formats.detect import SourceParser
from logwatch_tui.core.levels import Level


def records(lines: list[str]) -> tuple[str, list[tuple[datetime | None, Level, str, int]]]:
    """(format name, [(ts, level, message, number of lines)]) of auto-detected records."""
    sp = SourceParser("real.log")
    b = sp.feed(lines, first_line=1)
    out = []
    for i, h in enumerate(b.heads):
        if h:
            r = sp.record(b, i)
            ts = None if i in sp.untimed_heads(b) else r.timestamp
            out.append((ts, r.level, r.message, r.raw.count("\n") + 1))
    return sp.format.name, out


def local(*args: int) -> float:
    return datetime(*args).astimezone().timestamp()  # type: ignore[arg-type]


# -- structlog's default ConsoleRenderer -------------------------------------------------------

STRUCTLOG_CONSOLE = [
    "2026-12-05 06:14:34 [debug    ] queue depth 1,024 > threshold 1000",
    "2026-12-05 06:14:34 [info     ] résumé uploaded ✓ 📄            n=3 user=bob",
    "2026-12-05 06:14:34 [warning  ] cache miss for key=user:42; refilling n=4 user=bob",
    "2026-12-05 06:14:34 [debug    ] batch report:",
    "rows=10",
    "skipped=2",
    "2026-12-05 06:14:35 [critical ] unhandled error in job 14",
    "╭───────────────────── Traceback (most recent call last) ──────────────────────╮",
    "│ /work/app.py:210 in _raise_chained                                           │",
    "│ ❱  210 │   │   {}['missing']                                                 │",
    "╰──────────────────────────────────────────────────────────────────────────────╯",
    "RuntimeError: job 14 could not continue",
    "",
    "2026-12-05 06:14:35 [error    ] GET /api/orders?id=42 returned 200 in 12 ms",
]


def test_structlog_console_renderer() -> None:
    name, recs = records(STRUCTLOG_CONSOLE)
    assert name == "structlog_console"
    assert [(r[1], r[2].rstrip(), r[3]) for r in recs] == [
        (Level.DEBUG, "queue depth 1,024 > threshold 1000", 1),
        (Level.INFO, "résumé uploaded ✓ 📄            n=3 user=bob", 1),
        (Level.WARNING, "cache miss for key=user:42; refilling n=4 user=bob", 1),
        (Level.DEBUG, "batch report:", 3),
        (Level.CRITICAL, "unhandled error in job 14", 7),
        (Level.ERROR, "GET /api/orders?id=42 returned 200 in 12 ms", 1),
    ]
    assert recs[0][0] is not None and recs[0][0].timestamp() == local(2026, 12, 5, 6, 14, 34)
    assert recs[-1][0] is not None and recs[-1][0].timestamp() == local(2026, 12, 5, 6, 14, 35)


def test_structlog_console_renderer_with_colours() -> None:
    lines = [
        "\x1b[2m2026-12-05 06:14:34\x1b[0m [\x1b[32m\x1b[1mdebug    \x1b[0m] "
        "\x1b[1mGET /api/orders?id=42 returned 200 in 12 ms\x1b[0m",
        "\x1b[2m2026-12-05 06:14:34\x1b[0m [\x1b[32m\x1b[1minfo     \x1b[0m] "
        "\x1b[1mdisk usage at 91% on /var     \x1b[0m",
        "\x1b[2m2026-12-05 06:14:34\x1b[0m [\x1b[33m\x1b[1mwarning  \x1b[0m] "
        "\x1b[1mno error found in 3 files     \x1b[0m \x1b[36mn\x1b[0m=\x1b[35m3\x1b[0m",
        "\x1b[2m2026-12-05 06:14:35\x1b[0m [\x1b[31m\x1b[1merror    \x1b[0m] \x1b[1mboom"
        "                          \x1b[0m",
        "\x1b[31m╭─\x1b[0m\x1b[31m──── \x1b[0m\x1b[1;31mTraceback \x1b[0m\x1b[31m────╮\x1b[0m",
        "\x1b[31m│\x1b[0m in <module>:9                                     \x1b[31m│\x1b[0m",
        "\x1b[1;91mZeroDivisionError: \x1b[0mdivision by zero",
        "",
    ]
    name, recs = records(lines)
    assert name == "structlog_console"
    assert [(r[1], r[2].rstrip(), r[3]) for r in recs] == [
        (Level.DEBUG, "GET /api/orders?id=42 returned 200 in 12 ms", 1),
        (Level.INFO, "disk usage at 91% on /var", 1),
        (Level.WARNING, "no error found in 3 files      n=3", 1),
        (Level.ERROR, "boom", 5),
    ]


RICH_TRACEBACK = [
    "╭───────────────────── Traceback (most recent call last) ──────────────────────╮",
    "│ /work/wt-realprog/benchmarks/real_programs.py:210 in _raise_chained          │",
    "│                                                                              │",
    "│    207                                                                       │",
    "│    208 def _raise_chained(i: int) -> None:                                   │",
    "│    209 │   try:                                                              │",
    '│ ❱  210 │   │   {}["missing"]                                                 │',
    "│    211 │   except KeyError as exc:                                           │",
    '│    212 │   │   raise RuntimeError(f"job {i} could not continue") from exc    │',
    "│    213                                                                       │",
    "│                                                                              │",
    "│ ╭─ locals ─╮                                                                 │",
    "│ │ i = 14   │                                                                 │",
    "│ ╰──────────╯                                                                 │",
    "╰──────────────────────────────────────────────────────────────────────────────╯",
    "KeyError: 'missing'",
    "",
    "The above exception was the direct cause of the following exception:",
    "",
    "╭───────────────────── Traceback (most recent call last) ──────────────────────╮",
    "│ /work/wt-realprog/benchmarks/real_programs.py:425 in call                    │",
    "│                                                                              │",
    "│    422 │   │   │   def call(ev: Event = ev, i: int = i, meth: Any = meth) -> │",
    '│    423 │   │   │   │   if ev.kind in ("exc", "chained"):                     │',
    "│    424 │   │   │   │   │   try:                                              │",
    '│ ❱  425 │   │   │   │   │   │   (_raise_plain if ev.kind == "exc" else _raise │',
    "│    426 │   │   │   │   │   except Exception:                                 │",
    "│    427 │   │   │   │   │   │   meth(ev.message, exc_info=True)               │",
    '│    428 │   │   │   │   elif ev.kind == "stack":                              │',
    "│                                                                              │",
    "│ ╭───────────────────────────────── locals ─────────────────────────────────╮ │",
    "│ │   ev = Event(                                                            │ │",
    "│ │        │   level=50,                                                     │ │",
    "│ │        │   message='unhandled error in job 14',                          │ │",
    "│ │        │   kind='chained',                                               │ │",
    "│ │        │   extra={}                                                      │ │",
]
"""What structlog's ConsoleRenderer prints under a record when rich is installed."""


def test_structlog_console_with_rich_tracebacks_is_detected() -> None:
    """Box-drawn traceback lines outnumber the records; they are not detection samples."""
    lines = []
    for i in range(4):
        lines += [
            f"2026-12-05 06:14:3{i} [info     ] user alice logged in from 10.0.0.5",
            f"2026-12-05 06:14:3{i} [critical ] unhandled error in job {i}",
            *RICH_TRACEBACK,
        ]
    name, recs = records(lines)
    assert name == "structlog_console"
    assert [(r[1], r[3]) for r in recs] == [
        (Level.INFO, 1),
        (Level.CRITICAL, 1 + len(RICH_TRACEBACK)),
    ] * 4


# -- java.util.logging one-line SimpleFormatter formats ----------------------------------------

JUL_BRACKETED = [
    "[2026-12-05 06:14:39] [SEVERE ] user alice logged in from 10.0.0.5",
    "[2026-12-05 06:14:39] [WARNING] GET /api/orders?id=42 returned 200 in 12 ms",
    "[2026-12-05 06:14:39] [INFO   ] cache miss for key=user:42; refilling",
    "[2026-12-05 06:14:39] [SEVERE ] order 4 failed",
    "java.lang.RuntimeException: bad order 4",
    "\tat Gen.main(Gen.java:41)",
    "Caused by: java.lang.IllegalStateException: pool exhausted",
    "\tat Gen.main(Gen.java:40)",
    "",
    "[2026-12-05 06:14:39] [CONFIG ] config loaded",
    "[2026-12-05 06:14:40] [FINE   ] retrying in 2 s after connection reset (attempt 3/5)",
    "[2026-12-05 06:14:40] [FINER  ] batch report:",
    "rows=10",
    "skipped=2",
    "[2026-12-05 06:14:40] [FINEST ] done",
]


def test_jul_bracketed_one_line_format() -> None:
    """``-Djava.util.logging.SimpleFormatter.format='[%1$tF %1$tT] [%4$-7s] %5$s%6$s%n'``."""
    name, recs = records(JUL_BRACKETED)
    assert name == "bracketed_ts_level"
    assert [(r[1], r[2], r[3]) for r in recs] == [
        (Level.ERROR, "user alice logged in from 10.0.0.5", 1),
        (Level.WARNING, "GET /api/orders?id=42 returned 200 in 12 ms", 1),
        (Level.INFO, "cache miss for key=user:42; refilling", 1),
        (Level.ERROR, "order 4 failed", 6),
        (Level.DEBUG, "config loaded", 1),
        (Level.DEBUG, "retrying in 2 s after connection reset (attempt 3/5)", 1),
        (Level.TRACE, "batch report:", 3),
        (Level.TRACE, "done", 1),
    ]
    assert recs[0][0] is not None and recs[0][0].timestamp() == local(2026, 12, 5, 6, 14, 39)


# -- Python logging: the logging cookbook's format ----------------------------------------------

COOKBOOK = [
    "2026-12-05 06:14:34,065 shop.api     DEBUG    retrying in 2 s after connection reset",
    "2026-12-05 06:14:34,065 shop.api     INFO     GET /api/orders?id=42 returned 200 in 12 ms",
    "2026-12-05 06:14:34,066 shop.api     WARNING  cache miss for key=user:42; refilling",
    "2026-12-05 06:14:34,066 sqlalchemy.engine.Engine ERROR    no error found in 3 files",
    "2026-12-05 06:14:34,066 shop.api     CRITICAL unhandled error in job 7",
    "Traceback (most recent call last):",
    '  File "/work/app.py", line 210, in _raise_chained',
    '    {}["missing"]',
    "KeyError: 'missing'",
    "",
    "The above exception was the direct cause of the following exception:",
    "",
    "Traceback (most recent call last):",
    '  File "/work/app.py", line 212, in _raise_chained',
    "RuntimeError: job 7 could not continue",
    "2026-12-05 06:14:35,001 __main__     INFO     résumé uploaded ✓ 📄",
]


def test_python_logging_cookbook_format() -> None:
    """``%(asctime)s %(name)-12s %(levelname)-8s %(message)s`` (the logging cookbook's)."""
    name, recs = records(COOKBOOK)
    assert name == "python"
    assert [(r[1], r[2], r[3]) for r in recs] == [
        (Level.DEBUG, "retrying in 2 s after connection reset", 1),
        (Level.INFO, "GET /api/orders?id=42 returned 200 in 12 ms", 1),
        (Level.WARNING, "cache miss for key=user:42; refilling", 1),
        (Level.ERROR, "no error found in 3 files", 1),
        (Level.CRITICAL, "unhandled error in job 7", 11),
        (Level.INFO, "résumé uploaded ✓ 📄", 1),
    ]
    assert recs[0][0] is not None
    assert abs(recs[0][0].timestamp() - (local(2026, 12, 5, 6, 14, 34) + 0.065)) < 1e-6


# -- logfmter ------------------------------------------------------------------------------------


def test_logfmter_at_level_and_when_time() -> None:
    """logfmter writes the level as ``at=`` (as Heroku does) and its README's time as ``when=``."""
    name, recs = records(
        [
            'at=DEBUG when="2026-12-05 06:14:35,274" msg="connection to db lost, failing over"',
            'at=INFO when="2026-12-05 06:14:35,274" msg="worker [7] finished" user=bob n=1',
            'at=WARNING when="2026-12-05 06:14:36,001" msg="payment declined"',
            'at=CRITICAL when="2026-12-05 06:14:36,002" msg=boom',
        ]
    )
    assert name == "logfmt"
    assert [(r[1], r[2]) for r in recs] == [
        (Level.DEBUG, "connection to db lost, failing over"),
        (Level.INFO, "worker [7] finished"),
        (Level.WARNING, "payment declined"),
        (Level.CRITICAL, "boom"),
    ]
    assert recs[0][0] is not None
    assert abs(recs[0][0].timestamp() - (local(2026, 12, 5, 6, 14, 35) + 0.274)) < 1e-6


def test_logfmt_escapes_in_quoted_values() -> None:
    r"""``\n``, ``\t``, ``\"`` and ``\\`` inside a quoted value are the characters they name."""
    _, recs = records(
        [
            'at=WARNING msg="payload received {\\n  \\"id\\": 7,\\n  \\"ok\\": true\\n}"',
            'at=INFO msg="path C:\\\\temp\\tok"',
        ]
    )
    assert recs[0][2] == 'payload received {\n  "id": 7,\n  "ok": true\n}'
    assert recs[1][2] == "path C:\\temp\tok"


# -- rsyslog: RFC 5424 messages written with the traditional file templates ----------------------


def test_rsyslog_traditional_file_of_rfc5424_messages() -> None:
    """rsyslogd writes a message it received as RFC 5424 as ``host app[procid] msg``: no colon."""
    name, recs = records(
        [
            "Dec  5 06:13:40 vm myapp: user alice logged in from 10.0.0.5",
            "Dec  5 06:13:40 vm app-worker.service[25102] PANIC: kernel oops in module xyz",
            "Dec  5 06:13:40 vm cron[24500] [crit] raid array degraded",
            "Dec  5 06:13:41 vm sshd[812]: ERROR: disk /dev/sda1 is failing",
        ]
    )
    assert name == "syslog"
    assert [(r[1], r[2]) for r in recs] == [
        (Level.UNKNOWN, "user alice logged in from 10.0.0.5"),
        (Level.CRITICAL, "PANIC: kernel oops in module xyz"),
        (Level.CRITICAL, "[crit] raid array degraded"),
        (Level.ERROR, "ERROR: disk /dev/sda1 is failing"),
    ]
    name, recs = records(
        [
            "2026-12-05T06:13:40.121344+05:30 vm app-worker.service[25102] PANIC: kernel oops",
            "2026-12-05T06:13:40.142981+05:30 vm cron[24844] [crit] raid array degraded",
        ]
    )
    assert name == "syslog"
    assert [(r[1], r[2]) for r in recs] == [
        (Level.CRITICAL, "PANIC: kernel oops"),
        (Level.CRITICAL, "[crit] raid array degraded"),
    ]


def test_python_logging_howto_format_without_level() -> None:
    """``%(asctime)s %(message)s`` (the logging HOWTO): a message starting with a word that
    is a level only in java.util.logging's upper case ("config", "fine") keeps it."""
    name, recs = records(
        [
            '2026-12-05 06:28:42,647 config loaded from "/etc/app/config.toml"',
            "2026-12-05 06:28:42,648 fine tuning finished in 3 s",
            "2026-12-05 06:28:42,649 user alice logged in from 10.0.0.5",
            "2026-12-05 06:28:42,650 verbose mode is on",
        ]
    )
    assert name == "generic"
    assert [(r[1], r[2]) for r in recs] == [
        (Level.UNKNOWN, 'config loaded from "/etc/app/config.toml"'),
        (Level.UNKNOWN, "fine tuning finished in 3 s"),
        (Level.UNKNOWN, "user alice logged in from 10.0.0.5"),
        (Level.UNKNOWN, "verbose mode is on"),
    ]


def test_unpadded_bracketed_level_lines_stay_generic() -> None:
    """structlog_console must not take ``ts [info] logger - msg`` lines from generic, which
    reads the logger (structlog pads its levels; unpadded lines tie, and generic is the
    broader-known shape)."""
    name, recs = records(
        [
            "2026-11-20 10:00:00.120 [info] com.example.shop.Api - slow request",
            "2026-11-20 10:00:01.120 [error] com.example.shop.Db - connection refused",
        ]
    )
    assert name == "generic"
    assert [(r[1], r[2]) for r in recs] == [
        (Level.INFO, "slow request"),
        (Level.ERROR, "connection refused"),
    ]


def test_python_logging_bracketed_level_any_logger_name() -> None:
    """``%(asctime)s [%(levelname)s] %(name)s: %(message)s`` with loggers named ``__main__``
    or ``root`` (no dot): the name is the logger, not the start of the message."""
    name, recs = records(
        [
            "2026-12-05 06:39:20,425 [INFO] __main__: Shutting down: received SIGTERM",
            "2026-12-05 06:39:20,426 [WARNING] root: retrying in 2 s (attempt 3/5)",
            "2026-12-05 06:39:20,427 [ERROR] sqlalchemy.engine.Engine: connection lost",
            "Traceback (most recent call last):",
            '  File "/work/app.py", line 205, in _raise_plain',
            "ValueError: bad order 4",
            "2026-12-05 06:39:20,428 [DEBUG] celery: queue depth 1,024 > threshold 1000",
        ]
    )
    assert name == "python"
    assert [(r[1], r[2], r[3]) for r in recs] == [
        (Level.INFO, "Shutting down: received SIGTERM", 1),
        (Level.WARNING, "retrying in 2 s (attempt 3/5)", 1),
        (Level.ERROR, "connection lost", 4),
        (Level.DEBUG, "queue depth 1,024 > threshold 1000", 1),
    ]
