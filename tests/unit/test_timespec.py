"""Typed times: clock times on the reference day, relative times, dates, ISO 8601.

conftest pins TZ=UTC; one test switches to a zone with an offset and DST to check
that naive times are local.
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime

import pytest

from logwatch_tui.core.timespec import parse_time_spec


def utc(*args: int) -> float:
    return datetime(*args, tzinfo=UTC).timestamp()


NOW = utc(2026, 11, 20, 12, 0, 0)


def test_clock_time_today_or_yesterday() -> None:
    assert parse_time_spec("10:42", now=NOW) == utc(2026, 11, 20, 10, 42)
    assert parse_time_spec("10:42:05", now=NOW) == utc(2026, 11, 20, 10, 42, 5)
    assert parse_time_spec("10:42:05.250", now=NOW) == utc(2026, 11, 20, 10, 42, 5) + 0.25
    # later than now today -> yesterday
    assert parse_time_spec("13:00", now=NOW) == utc(2026, 11, 19, 13, 0)
    assert parse_time_spec("9:05", now=NOW) == utc(2026, 11, 20, 9, 5)


def test_clock_time_on_reference_day() -> None:
    day = utc(2026, 11, 3, 23, 59)
    assert parse_time_spec("13:00", now=NOW, reference_day=day) == utc(2026, 11, 3, 13, 0)


def test_relative_and_words() -> None:
    assert parse_time_spec("-15m", now=NOW) == NOW - 900
    assert parse_time_spec("-2h", now=NOW) == NOW - 7200
    assert parse_time_spec("- 1h30m", now=NOW) == NOW - 5400
    assert parse_time_spec("+30s", now=NOW) == NOW + 30
    assert parse_time_spec("15m ago", now=NOW) == NOW - 900
    assert parse_time_spec("now", now=NOW) == NOW
    assert parse_time_spec("yesterday 10:00", now=NOW) == utc(2026, 11, 19, 10, 0)
    assert parse_time_spec("today", now=NOW) == utc(2026, 11, 20, 0, 0)
    assert parse_time_spec("@1700000000", now=NOW) == 1700000000.0


def test_dates_and_iso() -> None:
    assert parse_time_spec("2026-11-20 10:42", now=NOW) == utc(2026, 11, 20, 10, 42)
    assert parse_time_spec("2026-11-20T10:42:00Z", now=NOW) == utc(2026, 11, 20, 10, 42)
    assert parse_time_spec("2026-11-20T10:42:00+02:00", now=NOW) == utc(2026, 11, 20, 8, 42)
    assert parse_time_spec("2026-11-20", now=NOW) == utc(2026, 11, 20)
    assert parse_time_spec("  2026-11-20   10:42  ", now=NOW) == utc(2026, 11, 20, 10, 42)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "25:00",
        "10:61",
        "-15 parsecs",
        "yesterday lunch",
        "2026-13-40",
        "10:42pm",
        "x" * 5000,
    ],
)
def test_bad_input_says_what_is_accepted(text: str) -> None:
    with pytest.raises(ValueError) as err:
        parse_time_spec(text, now=NOW)
    msg = str(err.value)
    assert len(msg) < 300  # a 5000-char paste does not become the message
    assert "10:42" in msg or "valid" in msg


def test_naive_times_are_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        now = utc(2026, 7, 1, 12, 0)  # 14:00 in Berlin (CEST, +02:00)
        assert parse_time_spec("13:00", now=now) == utc(2026, 7, 1, 11, 0)
        assert parse_time_spec("2026-07-01 13:00", now=now) == utc(2026, 7, 1, 11, 0)
        assert parse_time_spec("2026-07-01T13:00:00Z", now=now) == utc(2026, 7, 1, 13, 0)
        # winter time on a reference day in January (+01:00)
        jan = utc(2026, 1, 15, 12, 0)
        assert parse_time_spec("13:00", now=now, reference_day=jan) == utc(2026, 1, 15, 12, 0)
    finally:
        monkeypatch.setenv("TZ", "UTC")
        time.tzset()
    assert os.environ["TZ"] == "UTC"
