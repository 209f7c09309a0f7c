"""logfmt."""

from __future__ import annotations

from datetime import UTC, datetime

from logwatch_tui.core.formats.logfmt import LogfmtFormat
from logwatch_tui.core.levels import Level


def test_pairs_quotes_and_fields() -> None:
    f = LogfmtFormat()
    p = f.parse(
        'ts=2026-11-20T10:00:00.120Z level=error msg="dial \\"db\\" failed" '
        'err="connect: connection refused" retry=2 verbose'
    )
    assert p is not None
    assert p.ts == datetime(2026, 11, 20, 10, 0, 0, 120000, tzinfo=UTC)
    assert p.level is Level.ERROR
    assert p.message == 'dial "db" failed'
    assert p.fields == {"err": "connect: connection refused", "retry": "2", "verbose": True}


def test_headers_need_two_pairs_at_start(agree) -> None:
    f = LogfmtFormat()
    assert f.parse("a=1") is None
    assert f.parse("hello a=1 b=2") is None
    p = f.parse("at=info method=GET path=/")
    assert p is not None and p.message == "at=info method=GET path=/" and p.ts is None
    agree(f, ["a=1", "at=info method=GET", "level=warn msg=x", "  at foo"])


def test_example_file(agree, example) -> None:
    agree(LogfmtFormat(), example("app.logfmt"))
