"""Shared fixtures for the format tests: a fixed time zone and the example logs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from logwatch_tui.core.formats.base import LogFormat

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "logs"


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch):
    """Local time = UTC for the test, restored afterwards."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def berlin(monkeypatch: pytest.MonkeyPatch):
    """Local time = Europe/Berlin (UTC+1 in November)."""
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def example_lines(name: str) -> list[str]:
    return (EXAMPLES / name).read_text(encoding="utf-8").split("\n")[:-1]


def columns(fmt: LogFormat, lines: list[str]) -> list[tuple[float | None, int, str | None]]:
    ts: list[float | None] = []
    lv: list[int] = []
    ms: list[str | None] = []
    fmt.parse_columns(lines, ts, lv, ms)
    assert len(ts) == len(lv) == len(ms) == len(lines)
    return list(zip(ts, lv, ms))


def assert_agree(fmt: LogFormat, lines: list[str]) -> None:
    """parse() and parse_columns() say the same thing about every line."""
    for line, (t, lv, msg) in zip(lines, columns(fmt, lines)):
        p = fmt.parse(line)
        if p is None:
            assert msg is None and t is None and lv == 0, line
        else:
            got = (p.ts.timestamp() if p.ts is not None else None, int(p.level), p.message)
            assert got == (t, lv, msg), line


@pytest.fixture
def agree():
    """``agree(fmt, lines)``: assert parse/parse_columns agreement."""
    return assert_agree


@pytest.fixture
def cols():
    """``cols(fmt, lines)`` -> [(ts, level, message)] from parse_columns."""
    return columns


@pytest.fixture
def example():
    """``example(name)`` -> the lines of examples/logs/<name>."""
    return example_lines
