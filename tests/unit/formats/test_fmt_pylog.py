"""Python logging shapes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from logwatch_tui.core.formats.pylog import PythonFormat
from logwatch_tui.core.levels import Level


@pytest.mark.parametrize(
    ("line", "level", "message", "fields", "has_ts"),
    [
        (
            "ERROR:app.db:connection refused",
            Level.ERROR,
            "connection refused",
            {"logger": "app.db"},
            False,
        ),
        ("WARNING:root:careful: x", Level.WARNING, "careful: x", {"logger": "root"}, False),
        (
            'INFO:     127.0.0.1:5000 - "GET / HTTP/1.1" 200',
            Level.INFO,
            '127.0.0.1:5000 - "GET / HTTP/1.1" 200',
            {},
            False,
        ),
        (
            "2026-11-20 10:00:00,123 - app.db - ERROR - db down",
            Level.ERROR,
            "db down",
            {"logger": "app.db"},
            True,
        ),
        (
            "2026-11-20 10:00:00,123 CRITICAL app.api: boom",
            Level.CRITICAL,
            "boom",
            {"logger": "app.api"},
            True,
        ),
        (
            "[2026-11-20 10:00:00,123] ERROR in views: oops",
            Level.ERROR,
            "oops",
            {"module": "views"},
            True,
        ),
    ],
)
def test_shapes(utc, line, level, message, fields, has_ts) -> None:
    p = PythonFormat().parse(line)
    assert p is not None
    assert (p.level, p.message, p.fields) == (level, message, fields)
    if has_ts:
        assert p.ts == datetime(2026, 11, 20, 10, 0, 0, 123000, tzinfo=UTC)
    else:
        assert p.ts is None


def test_not_python(agree) -> None:
    f = PythonFormat()
    for ln in ("Nov 20 10:00:00 host app: x", "HELLO:x:y", "Traceback (most recent call last):"):
        assert f.parse(ln) is None
    agree(f, ["INFO:a:b", "  File 'x'", "ValueError: x"])


def test_example_file(utc, agree, example) -> None:
    agree(PythonFormat(), example("python.log"))


def test_custom_level_names_after_a_timestamp_are_records() -> None:
    from logwatch_tui.core.formats.pylog import PythonFormat
    from logwatch_tui.core.levels import Level

    fmt = PythonFormat()
    notice = fmt.parse("2026-11-20 10:00:00,123 - svc - NOTICE - configuration reloaded")
    assert notice is not None and notice.level == Level.NOTICE
    assert notice.message == "configuration reloaded"
    custom = fmt.parse("2026-11-20 10:00:00,123 - svc - SUCCESS - deployed")
    assert custom is not None and custom.level == Level.UNKNOWN
    assert fmt.parse("NOTICE:svc:bare custom levels stay unmatched") is None


def test_upper_case_word_is_not_a_level_in_the_batch_path_either(agree, cols) -> None:
    """Issue 10 #3: any upper-case word used to be taken for a level."""
    f = PythonFormat()
    lines = ["2026-11-20 10:00:00,123 - app - INFO - fine"] * 20
    lines[7] = "2026-11-20 10:00:00,123 - app - UTC - not a level"
    agree(f, lines)
    assert cols(f, lines)[7][2] is None
    assert f.parse("2025-08-13 01:45:01.123 UTC [20] LOG: x") is None
