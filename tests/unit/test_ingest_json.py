"""The msgspec/numpy JSON path gives the JSON format's own columns, or steps aside."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pytest

from logwatch_tui.core.formats.columnar import JsonColumns
from logwatch_tui.core.formats.jsonl import JsonFormat
from logwatch_tui.ingest.columns import line_starts
from logwatch_tui.ingest.jsonfast import decode_range, iso_epochs


def _iso_samples(rnd: random.Random, n: int, *, spec: str, zone: str) -> list[str]:
    out = []
    for _ in range(n):
        dt = datetime(1970, 1, 1, tzinfo=UTC) + timedelta(
            seconds=rnd.randint(-2_000_000_000, 4_000_000_000), microseconds=rnd.randint(0, 999_999)
        )
        if zone == "Z":
            out.append(dt.isoformat(timespec=spec).replace("+00:00", "Z"))
        else:
            tz = timezone(timedelta(minutes=rnd.choice([-600, -330, 0, 60, 345, 840])))
            out.append(dt.astimezone(tz).isoformat(timespec=spec))
    return out


@pytest.mark.parametrize("spec", ["seconds", "milliseconds", "microseconds"])
@pytest.mark.parametrize("zone", ["Z", "offset"])
def test_iso_epochs_equal_fromisoformat_bit_for_bit(spec: str, zone: str) -> None:
    values = _iso_samples(random.Random(7), 5000, spec=spec, zone=zone)
    values = [v for v in values if len(v) == len(values[0])]  # years before 1000 differ in width
    got = iso_epochs(values)
    assert got is not None
    assert got == [datetime.fromisoformat(v).timestamp() for v in values]


@pytest.mark.parametrize(
    "values",
    [
        ["2026-12-04T10:00:00.123"],  # no zone: local time, left to the format
        ["2026-12-04 10:00:00.123Z"],  # space separator
        ["2026-02-30T10:00:00.123Z"],  # no such day
        ["2026-12-04T24:00:00.000Z"],
        ["2026-12-04T10:00:60.000Z"],
        ["2026-12-04T10:00:00.123Z", "2026-12-04T10:00:00.12Z+"],  # mixed widths
        ["2026-12-04T10:00:00.123+25:00"],
        ["2026-12-04T10:00:00.1x3Z"],
        ["1796378400123"],
    ],
)
def test_iso_epochs_refuses_shapes_it_cannot_vouch_for(values: list[str]) -> None:
    assert iso_epochs(values) is None


def _reference(lines: list[str]):
    ts: list = []
    lv: list = []
    ms: list = []
    JsonFormat().parse_columns(lines, ts, lv, ms)
    return ts, lv, ms


def _fast(lines: list[str]):
    buf = ("\n".join(lines) + "\n").encode()
    starts, nl = line_starts(np.frombuffer(buf, np.uint8))
    return decode_range(buf, starts, nl, JsonColumns())


CASES = {
    "plain": [
        '{"ts":"2026-11-20T09:58:06.243Z","level":"info","msg":"request completed"}',
        '{"ts":"2026-11-20T09:58:07.001Z","level":"ERROR","msg":"db \\"down\\" caf\\u00e9"}',
    ],
    "aliases-mixed": [
        '{"time":1795168685042,"level":50,"msg":"db down","pid":4242}',
        '{"@timestamp":"2026-11-20T10:00:00.000Z","log.level":"warn","message":"boom"}',
        '{"timestamp":"2026-11-20T10:00:00.5Z","level":"WARN","fields":{"message":"retrying"}}',
        '{"ts":"2026-11-20T10:00:01Z","level":null,"event":"paid \\ud83d\\udcb6 ok"}',
        '{"ts":"2026-11-20T10:00:02Z","severity":"notice","msg":"x","ts":"2026-11-20T10:00:03Z"}',
        '{"__REALTIME_TIMESTAMP":"1795168685042123","PRIORITY":"3","MESSAGE":"journal"}',
        '{"ts":"2026-11-20T10:00:04+05:30","lvl":"d","no_message_here":1}',
    ],
    "numbers": [
        '{"ts":1795168685.5,"level":30,"msg":"a"}',
        '{"ts":1795168685042123,"level":40,"msg":"b"}',
    ],
}


@pytest.mark.parametrize("name", list(CASES))
def test_decode_range_equals_the_format(name: str) -> None:
    lines = CASES[name]
    got = _fast(lines)
    assert got is not None
    assert tuple(map(list, got)) == _reference(lines)


@pytest.mark.parametrize(
    "lines",
    [
        ['{"ts":"2026-11-20T09:58:06Z","level":"info","msg":{"nested":true}}'],  # not a string
        ['{"ts":"2026-11-20T09:58:06Z","level":123456789012345678901234567890,"msg":"x"}'],
        ['{"ts":123456789012345678901234567890,"msg":"x"}'],
        ['{"ts":"2026-11-20T09:58:06Z","msg":null}'],
        ['{"ts":"2026-11-20T09:58:06Z","msg":"x"} trailing'],
        ['{"ts":"2026-11-20T09:58:06Z","msg":"x"}', "[1, 2]"],
        ['{"ts":"2026-11-20T09:58:06Z","msg":"lone \\ud800"}'],
    ],
)
def test_decode_range_steps_aside_where_it_could_differ(lines: list[str]) -> None:
    assert _fast(lines) is None


@pytest.mark.parametrize(
    "lines",
    [
        ['{"ts":"2026-11-20T09:58:06Z","msg":"a"} {"ts":"2026-11-20T09:58:07Z","msg":"b"}', ""],
        ['{"ts":"2026-11-20T09:58:06Z","msg":"a"}{"msg":"b"}', "   "],
        ['{"ts":"2026-11-20T09:58:06Z","msg":"a"}', '{"ts":"2026-11-20T09:58:07Z"} {}'],
    ],
)
def test_two_values_on_one_line_never_pass_for_two_lines(lines: list[str]) -> None:
    """A line holding two objects beside a blank line has as many values as lines:
    still not one record per line, so the format's own parse decides."""
    assert _fast(lines) is None
