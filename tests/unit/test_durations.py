from __future__ import annotations

import pytest

from logwatch_tui.core.durations import format_duration, parse_duration


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("90s", 90.0),
        ("5m", 300.0),
        ("1h", 3600.0),
        ("1h30m", 5400.0),
        ("1h 30m", 5400.0),
        ("2d", 172800.0),
        ("1w", 604800.0),
        ("500ms", 0.5),
        ("1.5h", 5400.0),
        ("90", 90.0),
        ("0.25", 0.25),
        (" 5M ", 300.0),
        ("10 minutes", 600.0),
        (45, 45.0),
        (2.5, 2.5),
    ],
)
def test_parse_duration(text: str | float, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("bad", ["5x", "", "abc", "m5", "1h-30m", "5 5", True, None, [1]])
def test_parse_duration_rejects_garbage_with_a_hint(bad: object) -> None:
    with pytest.raises(ValueError, match=r"is not a duration \(use 90s, 5m, 1h\)"):
        parse_duration(bad)  # type: ignore[arg-type]


def test_negative_and_zero() -> None:
    with pytest.raises(ValueError, match="negative"):
        parse_duration("-5m")
    with pytest.raises(ValueError, match="negative"):
        parse_duration(-1)
    with pytest.raises(ValueError, match="longer than 0"):
        parse_duration("0s")
    assert parse_duration("0s", allow_zero=True) == 0.0
    assert parse_duration(0, allow_zero=True) == 0.0


def test_huge_and_long_inputs_give_short_errors() -> None:
    with pytest.raises(ValueError, match="too long"):
        parse_duration("9" * 400 + "d")
    with pytest.raises(ValueError) as exc:
        parse_duration("x" * 10_000_000)
    assert len(str(exc.value)) < 200


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (90, "90s"),
        (300, "5m"),
        (3600, "1h"),
        (60, "60s"),
        (120, "2m"),
        (5400, "90m"),
        (86400, "1d"),
        (86401, "1d1s"),
        (0.5, "500ms"),
        (0, "0s"),
        (604800, "1w"),
    ],
)
def test_format_duration_shortest(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize(
    "seconds", [0, 0.001, 0.5, 1, 1.5, 59, 61, 90, 3661, 7200.5, 1 / 3, 1e-7, 12345678, 0.1 + 0.2]
)
def test_format_parse_round_trip_is_exact(seconds: float) -> None:
    assert parse_duration(format_duration(seconds), allow_zero=True) == seconds
