"""Generic 'timestamp [level] message' and the plain fallback."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from logwatch_tui.core.formats.generic import GenericFormat, PlainFormat
from logwatch_tui.core.levels import Level


@pytest.mark.parametrize(
    ("line", "level", "message", "fields"),
    [
        (
            "2026-11-20 10:00:00,123 ERROR [main] com.example.Db - connection refused",
            Level.ERROR,
            "connection refused",
            {"thread": "main", "logger": "com.example.Db"},
        ),
        (
            "2026-11-20 10:00:00.123 [http-exec-3] WARN  c.e.web.Api - slow request",
            Level.WARNING,
            "slow request",
            {"thread": "http-exec-3", "logger": "c.e.web.Api"},
        ),
        (
            "2026-11-20 10:00:00 [error] upstream timed out",
            Level.ERROR,
            "upstream timed out",
            {},
        ),
        ("2026-11-20 10:00:00 WARNING: disk almost full", Level.WARNING, "disk almost full", {}),
        ("2026-11-20 10:00:00.123 info starting", Level.INFO, "starting", {}),
    ],
)
def test_shapes(utc, line, level, message, fields) -> None:
    p = GenericFormat().parse(line)
    assert p is not None
    assert (p.level, p.message, p.fields) == (level, message, fields)
    assert p.ts is not None and p.ts.utcoffset() == timedelta(0)


def test_zone_kept_and_spring_boot() -> None:
    p = GenericFormat().parse(
        "2026-11-20T10:00:00.123+01:00  INFO 4242 --- [main] o.s.b.Application : Started"
    )
    assert p is not None and p.ts is not None
    assert p.ts.utcoffset() == timedelta(hours=1)
    assert p.ts.timestamp() == datetime(2026, 11, 20, 9, 0, 0, 123000, tzinfo=UTC).timestamp()
    assert p.message == "Started"
    assert p.fields == {"pid": "4242", "thread": "main", "logger": "o.s.b.Application"}


def test_not_generic(agree) -> None:
    f = GenericFormat()
    # A timestamped line without a level word is a record of its own, level UNKNOWN.
    p = f.parse("2026-11-20 10:00:00 hello world")
    assert p is not None and p.level is Level.UNKNOWN and p.message == "hello world"
    assert f.parse("hello 2026-11-20 10:00:00 world") is None
    assert f.parse("\tat com.example.Foo(Foo.java:1)") is None
    agree(f, ["2026-11-20 10:00:00 ERROR x", "Caused by: y", "\t... 3 more"])


def test_example_file(utc, agree, example) -> None:
    agree(GenericFormat(), example("generic.log"))


def test_plain_levels_and_continuations(agree) -> None:
    f = PlainFormat()
    assert f.parse("something ERROR happened").level is Level.ERROR  # type: ignore[union-attr]
    assert f.parse("[warn] careful").level is Level.WARNING  # type: ignore[union-attr]
    assert f.parse("no error here").level is Level.UNKNOWN  # type: ignore[union-attr]
    assert f.parse("just text").message == "just text"  # type: ignore[union-attr]
    assert f.parse("    at indented") is None
    agree(f, ["a", "b ERROR", "  c", ""])


def test_timestamp_cache_fraction_path_equals_full_conversion() -> None:
    from logwatch_tui.core.formats.base import TimestampCache, iso_datetime

    cache = TimestampCache(iso_datetime)
    for text in (
        "2026-11-20 10:00:01,123",
        "2026-11-20 10:00:01.5",
        "2026-11-20T10:00:01.123456+02:00",
        "2026-11-20T10:00:01.000001Z",
        "2026-11-20T10:00:02Z",
    ):
        expected = iso_datetime(text).astimezone().timestamp()
        assert abs(cache.epoch(text) - expected) < 1e-6, text
        assert abs(cache.epoch(text) - expected) < 1e-6  # cached answer too
