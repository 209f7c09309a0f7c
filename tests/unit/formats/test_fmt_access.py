"""Apache/Nginx access logs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from logwatch_tui.core.formats.access import AccessFormat
from logwatch_tui.core.levels import Level

COMBINED = (
    '203.0.113.9 - alice [20/Nov/2026:10:00:00 +0100] "POST /api/orders HTTP/1.1" 502 157 '
    '"https://shop.example.com/" "curl/8.5.0"'
)


def test_combined_line_fields_and_level() -> None:
    p = AccessFormat().parse(COMBINED)
    assert p is not None and p.ts is not None
    assert p.ts.utcoffset() == timedelta(hours=1)
    assert p.ts.timestamp() == datetime(2026, 11, 20, 9, 0, tzinfo=UTC).timestamp()
    assert p.level is Level.ERROR
    assert p.message == '203.0.113.9 "POST /api/orders HTTP/1.1" 502 157'
    assert p.fields == {
        "remote": "203.0.113.9",
        "ident": "-",
        "user": "alice",
        "request": "POST /api/orders HTTP/1.1",
        "method": "POST",
        "path": "/api/orders",
        "protocol": "HTTP/1.1",
        "status": 502,
        "bytes": 157,
        "referer": "https://shop.example.com/",
        "agent": "curl/8.5.0",
    }


def test_common_line_and_status_levels(cols) -> None:
    f = AccessFormat()
    lines = [
        '10.0.0.1 - - [20/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 512',
        '10.0.0.1 - - [20/Nov/2026:10:00:00 +0000] "GET /x HTTP/1.1" 404 0',
        '10.0.0.1 - - [20/Nov/2026:10:00:00 +0000] "GET /y HTTP/1.1" 304 -',
        '10.0.0.1 - - [20/Nov/2026:10:00:00 +0000] "GET /z HTTP/1.1" 503 12',
        "not an access line",
    ]
    got = cols(f, lines)
    assert [lv for _, lv, _ in got] == [Level.INFO, Level.WARNING, Level.INFO, Level.ERROR, 0]
    assert got[0][0] == datetime(2026, 11, 20, 10, 0, tzinfo=UTC).timestamp()
    assert got[4] == (None, 0, None)
    p = f.parse(lines[2])
    assert p is not None and "bytes" not in p.fields and "agent" not in p.fields


def test_examples_agree(agree, example) -> None:
    f = AccessFormat()
    agree(f, example("access.log"))
    agree(f, example("access_common.log"))
