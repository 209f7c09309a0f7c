"""Apache and Nginx error logs."""

from __future__ import annotations

from datetime import UTC, datetime

from logwatch_tui.core.formats.errorlog import ApacheErrorFormat, NginxErrorFormat
from logwatch_tui.core.levels import Level


def test_apache_24_and_22(utc) -> None:
    f = ApacheErrorFormat()
    p = f.parse(
        "[Fri Nov 20 10:00:00.123456 2026] [proxy:error] [pid 812:tid 140] "
        "[client 10.0.0.5:5123] AH01114: HTTP: failed to make connection to backend"
    )
    assert p is not None
    assert p.ts == datetime(2026, 11, 20, 10, 0, 0, 123456, tzinfo=UTC)
    assert p.level is Level.ERROR
    assert p.message == "AH01114: HTTP: failed to make connection to backend"
    assert p.fields == {"module": "proxy", "pid": "812", "tid": "140", "client": "10.0.0.5:5123"}
    old = f.parse("[Fri Nov 20 10:00:00 2026] [error] [client 10.0.0.5] File does not exist: /x")
    assert old is not None and old.level is Level.ERROR and old.fields == {"client": "10.0.0.5"}
    levels = {
        w: f.parse(f"[Fri Nov 20 10:00:00 2026] [core:{w}] x").level  # type: ignore[union-attr]
        for w in ("emerg", "alert", "crit", "warn", "notice", "info", "debug", "trace5")
    }
    assert levels == {
        "emerg": Level.CRITICAL,
        "alert": Level.CRITICAL,
        "crit": Level.CRITICAL,
        "warn": Level.WARNING,
        "notice": Level.NOTICE,
        "info": Level.INFO,
        "debug": Level.DEBUG,
        "trace5": Level.TRACE,
    }
    assert f.parse("Stack trace:") is None


def test_nginx(utc) -> None:
    f = NginxErrorFormat()
    p = f.parse(
        "2026/11/20 10:00:00 [error] 3321#3321: *1012 connect() failed (111: Connection refused) "
        "while connecting to upstream, client: 203.0.113.12, server: shop.example.com, request: "
        '"POST /api/orders HTTP/1.1", upstream: "http://127.0.0.1:8000/api/orders", host: "shop.example.com"'
    )
    assert p is not None
    assert p.ts == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert p.level is Level.ERROR
    assert p.message.startswith("connect() failed (111: Connection refused)")
    assert p.fields["client"] == "203.0.113.12"
    assert p.fields["request"] == "POST /api/orders HTTP/1.1"
    assert p.fields["upstream"] == "http://127.0.0.1:8000/api/orders"
    assert p.fields["cid"] == "1012" and p.fields["pid"] == "3321"
    emerg = f.parse("2026/11/20 10:00:00 [emerg] 1#1: bind() failed")
    assert emerg is not None and emerg.level is Level.CRITICAL


def test_examples_agree(utc, agree, example) -> None:
    agree(ApacheErrorFormat(), example("apache_error.log"))
    agree(NginxErrorFormat(), example("nginx_error.log"))
