"""JSON lines."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from logwatch_tui.core.formats.jsonl import JsonFormat
from logwatch_tui.core.levels import Level

T = datetime(2026, 11, 20, 10, 0, tzinfo=UTC).timestamp()


def test_aliases_and_fields() -> None:
    f = JsonFormat()
    p = f.parse(
        '{"@timestamp":"2026-11-20T11:00:00.5+01:00","severity":"WARNING","message":"disk",'
        '"req":{"id":"r-1","tags":["a"]},"n":3}'
    )
    assert p is not None and p.ts is not None
    assert p.ts.utcoffset() == timedelta(hours=1)
    assert p.ts.timestamp() == T + 0.5
    assert p.level is Level.WARNING and p.message == "disk"
    assert p.fields == {"req": {"id": "r-1", "tags": ["a"]}, "n": 3}


def test_epoch_seconds_and_milliseconds(cols) -> None:
    f = JsonFormat()
    lines = [
        json.dumps({"time": int(T), "level": 30, "msg": "s"}),
        json.dumps({"time": int(T * 1000) + 250, "level": 50, "msg": "ms"}),
        json.dumps({"ts": str(int(T)), "lvl": "E", "msg": "numeric string"}),
        json.dumps({"ts": str(int(T * 1000)), "levelname": "DEBUG", "msg": "ms string"}),
        json.dumps({"timestamp": T + 0.5, "level": "fatal", "msg": "float"}),
    ]
    got = cols(f, lines)
    assert [t for t, _, _ in got] == [T, T + 0.25, T, T, T + 0.5]
    assert [lv for _, lv, _ in got] == [
        Level.INFO,
        Level.ERROR,
        Level.ERROR,
        Level.DEBUG,
        Level.CRITICAL,
    ]
    p = f.parse(lines[1])
    assert p is not None and p.ts == datetime.fromtimestamp(T + 0.25, tz=UTC)


def test_malformed_lines_are_records_but_do_not_match(agree) -> None:
    f = JsonFormat()
    broken = '{"ts":"2026-11-20T10:00:00Z","msg":"cut'
    p = f.parse(broken)
    assert p is not None and p.message == broken and p.level is Level.UNKNOWN and p.ts is None
    assert not f.matches(broken)
    assert not f.matches("[1, 2]") and f.parse("[1, 2]") is not None
    assert f.matches('{"msg":"ok"}')
    # Continuation-shaped lines join the record above instead.
    assert f.parse("    at com.example.Foo.bar(Foo.java:1)") is None
    assert f.parse("") is None
    agree(f, ['{"msg":"a","level":"info"}', broken, "  at x", '{"msg":"b"}'])


def test_missing_and_odd_values(agree) -> None:
    f = JsonFormat()
    lines = [
        '{"level":"info"}',  # no message key: raw line
        '{"msg":null,"level":null}',
        '{"msg":{"nested":true},"level":[1]}',
        '{"ts":true,"msg":5}',
        '{"time":1795168800,"ts":"2026-11-20T10:00:00Z","msg":"ts alias comes first"}',
    ]
    p = f.parse(lines[0])
    assert p is not None and p.message == lines[0]
    p4 = f.parse(lines[4])
    assert p4 is not None and p4.fields == {"time": 1795168800}
    agree(f, lines)
    for ln in lines:
        agree(f, [ln])


def test_example_file(agree, example) -> None:
    lines = example("app.jsonl")
    f = JsonFormat()
    agree(f, lines)
    unknown = [ln for ln in lines if f.parse(ln).level is Level.UNKNOWN]  # type: ignore[union-attr]
    assert len(unknown) == 1 and not f.matches(unknown[0])


def test_journalctl_json_keys() -> None:
    from logwatch_tui.core.formats.jsonl import JsonFormat
    from logwatch_tui.core.levels import Level

    line = (
        '{"__REALTIME_TIMESTAMP":"1763900000123456","PRIORITY":"3","_HOSTNAME":"web-01",'
        '"SYSLOG_IDENTIFIER":"api","MESSAGE":"disk failing"}'
    )
    p = JsonFormat().parse(line)
    assert p is not None
    assert p.level == Level.ERROR
    assert p.message == "disk failing"
    assert abs(p.ts.timestamp() - 1763900000.123456) < 1e-3
    assert p.fields["_HOSTNAME"] == "web-01"


def test_numeric_epoch_strings_in_batches_match_parse() -> None:
    from logwatch_tui.core.formats.jsonl import JsonFormat

    fmt = JsonFormat()
    lines = [
        '{"__REALTIME_TIMESTAMP":"1763900000123456","MESSAGE":"a"}',
        '{"__REALTIME_TIMESTAMP":"1763900001000000","MESSAGE":"b"}',
    ]
    ts: list = []
    fmt.parse_columns(lines, ts, [], [])
    assert ts == [fmt.parse(x).ts.timestamp() for x in lines]
    assert abs(ts[0] - 1763900000.123456) < 1e-6
