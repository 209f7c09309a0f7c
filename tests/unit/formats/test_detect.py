"""Detection, SourceParser (filling times, records, re-detection) and hostile input."""

from __future__ import annotations

import pytest

from logwatch_tui.core.formats import BUILTIN_FORMATS, make_format
from logwatch_tui.core.formats.detect import SourceParser, default_candidates, detect_format
from logwatch_tui.core.formats.generic import PlainFormat
from logwatch_tui.core.levels import Level

EXPECTED = {
    "syslog.log": "syslog",
    "rfc5424.log": "rfc5424",
    "access.log": "access",
    "access_common.log": "access",
    "apache_error.log": "apache_error",
    "nginx_error.log": "nginx_error",
    "app.jsonl": "json",
    "app.logfmt": "logfmt",
    "python.log": "python",
    "generic.log": "generic",
}


@pytest.mark.parametrize(("name", "fmt"), sorted(EXPECTED.items()))
def test_detects_every_example(name, fmt, example, utc) -> None:
    lines = example(name)
    assert detect_format(lines, default_candidates()).name == fmt
    sp = SourceParser(name)
    batch = sp.feed(lines, first_line=1)
    assert sp.format.name == fmt and batch.format == fmt
    assert batch.parser is sp.format
    assert len(batch.ts) == len(lines) and None not in batch.ts
    assert any(lv >= Level.ERROR for lv in batch.levels)


def test_every_example_agrees_in_every_format(example, agree, utc) -> None:
    """Any format fed any file: parse and parse_columns agree, nothing crashes."""
    for name in EXPECTED:
        lines = example(name)
        for fname in [*BUILTIN_FORMATS, "plain"]:
            agree(make_format(fname), lines)


def test_plain_fallback() -> None:
    lines = ["hello there", "ERROR something broke", "more text", "WARN careful"]
    f = detect_format(lines, default_candidates())
    assert isinstance(f, PlainFormat) and f.name == "plain"
    b = SourceParser("x").feed(lines, first_line=1)
    assert b.format == "plain" and all(b.heads)
    assert b.levels == [Level.UNKNOWN, Level.ERROR, Level.UNKNOWN, Level.WARNING]
    assert b.messages == lines


def test_specific_beats_generic_on_ties() -> None:
    # Matches both python and generic: python is more specific.
    lines = ["2026-11-20 10:00:00,123 ERROR app.db: down"] * 5
    assert detect_format(lines, default_candidates()).name == "python"
    assert detect_format(lines, list(reversed(default_candidates()))).name == "python"


def test_forced_format_is_kept() -> None:
    sp = SourceParser("x", forced=make_format("json"))
    b = sp.feed(["Nov 20 10:00:00 h a: x"] * 300, first_line=1)
    assert sp.format.name == "json" and b.levels[0] == Level.UNKNOWN


def test_young_source_redetects_then_switches_on_change(utc) -> None:
    sp = SourceParser("x")
    sp.feed(["just words"], first_line=1)
    assert sp.format.name == "plain"
    sp.feed(['{"msg":"a","level":"info"}'] * 10, first_line=2)
    assert sp.format.name == "json"
    sp.feed(['{"msg":"a","level":"info"}'] * 300, first_line=12)
    assert sp.format.name == "json"
    # The file is replaced by syslog lines (say, a symlink swap): switch.
    sp.feed(["Nov 20 10:00:00 web01 app: x"] * 400, first_line=312)
    assert sp.format.name == "syslog"
    b = sp.feed(["Nov 20 10:00:01 web01 app: ERROR y"], first_line=712)
    assert b.format == "syslog" and b.levels == [Level.ERROR]


def test_long_traceback_does_not_trigger_a_switch(utc) -> None:
    sp = SourceParser("x")
    sp.feed(["2026-11-20 10:00:00,000 - a - INFO - x"] * 250, first_line=1)
    tb = ["Traceback (most recent call last):"] + ['  File "x.py", line 1, in f'] * 500
    sp.feed(tb, first_line=251)
    assert sp.format.name == "python"


def test_missing_times_replay_and_live() -> None:
    lines = ["INFO:a:first", "2026-11-20 10:00:00,000 - a - INFO - timed", "INFO:a:after"]
    sp = SourceParser("x")
    b = sp.feed(lines, first_line=1)
    t = b.ts[1]
    assert b.ts == [t, t, t]  # nothing before: first later time; after: previous record's
    live = sp.feed(["ERROR:a:now"], first_line=4, arrival=1234.5)
    assert live.ts == [1234.5]


def test_record_includes_continuations(utc, example) -> None:
    sp = SourceParser("python.log")
    lines = example("python.log")
    b = sp.feed(lines, first_line=10)
    i = next(i for i, ln in enumerate(lines) if ln.startswith("Traceback"))
    head = i - 1
    rec = sp.record(b, head)
    assert rec.line == 10 + head and rec.format == "python"
    assert rec.level is Level.ERROR and rec.message.startswith("could not connect")
    assert rec.raw.split("\n")[1] == "Traceback (most recent call last):"
    assert rec.raw.split("\n")[-1].startswith("\tIs the server running")
    assert rec.fields == {"logger": "app.db"}
    assert rec.timestamp is not None and rec.timestamp.year == 2026


def test_record_of_orphan_line() -> None:
    sp = SourceParser("x", forced=make_format("python"))
    b = sp.feed(["  orphan continuation", "INFO:a:b"], first_line=1)
    assert b.heads == [True, True]
    rec = sp.record(b, 0)
    assert rec.message == "  orphan continuation" and rec.level is Level.UNKNOWN
    assert rec.timestamp is None


HOSTILE = [
    b"Nov 20 10:00:00 web01 app: bad \xff\xfe utf8".decode("utf-8", "replace"),
    "Nov 20 10:00:00 web01 app: nul\x00byte",
    "Nov 20 10:00:00 web01 app: \x1b[31mred ERROR\x1b[0m [bold]x[/] [@click=app.quit]y[/]",
    '{"msg":"\\u001b[31m[bold]x[/]","level":"error"}',
    "2026-11-20 10:00:00,000 ERROR [main] a.B - [/foo] \x00 \x1b[1m",
    '10.0.0.1 - - [20/Nov/2026:10:00:00 +0000] "GET /[bold] HTTP/1.1" 200 1',
    'ts=2026-11-20T10:00:00Z level=error msg="\x1b[2J[/]"',
    "\x00\x00\x00",
    "\ufffd" * 10,
]


@pytest.mark.parametrize("fname", [*BUILTIN_FORMATS, "plain"])
def test_hostile_input_passes_through(fname, agree, utc) -> None:
    fmt = make_format(fname)
    agree(fmt, HOSTILE)
    if fname == "plain":
        assert [fmt.parse(ln).message for ln in HOSTILE] == HOSTILE  # type: ignore[union-attr]
    if fname == "generic":
        assert fmt.parse(HOSTILE[4]).message == "[/foo] \x00 \x1b[1m"  # type: ignore[union-attr]
    if fname == "json":
        assert fmt.parse(HOSTILE[3]).message == "\x1b[31m[bold]x[/]"  # type: ignore[union-attr]
    sp = SourceParser("x", forced=fmt)
    b = sp.feed(HOSTILE, first_line=1)
    assert len(b.levels) == len(HOSTILE)
    assert b.lines == HOSTILE


def test_ansi_and_markup_unchanged_in_messages(utc) -> None:
    sp = SourceParser("x")
    b = sp.feed([HOSTILE[2]] * 3, first_line=1)
    assert b.format == "syslog"
    assert b.messages[0] == "\x1b[31mred ERROR\x1b[0m [bold]x[/] [@click=app.quit]y[/]"


def test_ten_megabyte_line(utc) -> None:
    big = "Nov 20 10:00:00 web01 app: ERROR " + "x" * 10_000_000
    sp = SourceParser("x")
    b = sp.feed(["Nov 20 09:59:59 web01 app: start", big, "y" * 10_000_000], first_line=1)
    assert b.format == "syslog"
    assert b.levels[1] == Level.ERROR and len(b.messages[1]) == 10_000_006
    assert b.heads == [True, True, False]
    for fname in [*BUILTIN_FORMATS, "plain"]:
        fmt = make_format(fname)
        ts: list = []
        fmt.parse_columns([big], ts, [], [])
        fmt.parse(big)
