"""RFC 6587 framing and sender naming of the syslog receiver."""

from __future__ import annotations

import pytest

from logwatch_tui.sources.special import kind_of, split_specs
from logwatch_tui.sources.syslog_receiver import (
    FrameDecoder,
    ReceiverError,
    clean,
    parse_endpoint,
    sender_host,
)

M5424 = b"<165>1 2026-12-04T10:00:00.003Z web1 app 1234 ID47 - hello"
M3164 = b"<13>Dec  4 10:00:00 db2 sshd[99]: Accepted key"


def test_octet_counting_split_at_every_byte_gives_the_same_messages() -> None:
    stream = b"%d %s" % (len(M5424), M5424) + b"%d %s" % (len(M3164), M3164)
    whole = FrameDecoder().feed(stream)
    assert whole == [M5424, M3164]
    dec = FrameDecoder()
    got: list[bytes] = []
    for i in range(len(stream)):
        got += dec.feed(stream[i : i + 1])
    assert got == [M5424, M3164]
    assert dec.buf == b""


def test_octet_counted_message_may_hold_newlines() -> None:
    msg = b"<11>1 - web1 app - - - line one\nline two"
    assert FrameDecoder().feed(b"%d %s" % (len(msg), msg)) == [msg]
    assert clean(msg) == b"<11>1 - web1 app - - - line one#012line two"


def test_lf_framing_and_crlf_and_mixed_framing() -> None:
    dec = FrameDecoder()
    out = dec.feed(
        M3164 + b"\r\n" + M5424 + b"\n" + b"%d %s" % (len(M5424), M5424) + b"<13>partial"
    )
    assert [clean(m) for m in out] == [M3164, M5424, M5424]
    assert dec.buf == b"<13>partial"
    assert dec.feed(b" end\n") == [b"<13>partial end"]


def test_a_huge_octet_count_is_an_error_not_a_hang() -> None:
    with pytest.raises(ValueError):
        FrameDecoder().feed(b"9999999999 x")


def test_lf_framed_message_starting_with_a_digit_is_not_taken_for_a_count() -> None:
    """Senders without PRI start with a timestamp: that is LF framing, not a count."""
    dec = FrameDecoder()
    msgs = dec.feed(b"2026-12-04T10:00:00Z web1 app: one\n12345678901234 two\n")
    assert msgs == [b"2026-12-04T10:00:00Z web1 app: one", b"12345678901234 two"]
    assert dec.feed(b"12") == [] and dec.feed(b" <13>hello!xy") == [b"<13>hello!xy"]


@pytest.mark.parametrize(
    ("msg", "host"),
    [
        (M5424, "web1"),
        (M3164, "db2"),
        (b"<13>2026-12-04T10:00:00+00:00 edge-3 app: msg", "edge-3"),
        (b"<13>Dec  4 10:00:00 sshd[99]: no hostname here", "10.0.0.9"),
        (b"<165>1 2026-12-04T10:00:00Z - app - - - nil host", "10.0.0.9"),
        (b"garbage", "10.0.0.9"),
    ],
)
def test_sender_host_is_the_header_hostname_else_the_peer(msg: bytes, host: str) -> None:
    assert sender_host(msg, "10.0.0.9") == host


def test_endpoint_syntax() -> None:
    ep = parse_endpoint("syslog+tcp://127.0.0.1:5514")
    assert (ep.transport, ep.host, ep.port) == ("tcp", "127.0.0.1", 5514)
    assert parse_endpoint("syslog+udp://[::1]:514").host == "::1"
    assert parse_endpoint("syslog+tls://:6514").host == "0.0.0.0"
    for bad in ("syslog+tcp://127.0.0.1", "syslog+smtp://x:1", "syslog+udp://h:99999"):
        with pytest.raises(ReceiverError):
            parse_endpoint(bad)


def test_spec_kinds() -> None:
    specs = ["-", "journald:", "journald:nginx.service", "journald:dir=/x", "app.log", "x/*.gz"]
    specs.append("syslog+udp://0.0.0.0:514")
    assert [kind_of(s) for s in specs] == [
        "stdin",
        "journald",
        "journald",
        "journald",
        "file",
        "file",
        "syslog",
    ]
    assert split_specs(specs)[0] == ["app.log", "x/*.gz"]


def test_journald_spec_forms(tmp_path) -> None:
    from logwatch_tui.sources.journald import JournalSpecError, journal_args

    f = tmp_path / "x.journal"
    f.write_bytes(b"")
    assert journal_args("journald:") == []
    assert journal_args("journald:nginx.service") == ["--unit=nginx.service"]
    assert journal_args(f"journald:dir={tmp_path}") == [f"--directory={tmp_path}"]
    assert journal_args(f"journald:file={f}") == [f"--file={f}"]
    for bad in ("journald:dir=", f"journald:dir={tmp_path}/nope", f"journald:file={tmp_path}"):
        with pytest.raises(JournalSpecError):
            journal_args(bad)


def test_a_hostname_with_control_characters_is_made_inert() -> None:
    msg = b"<11>1 2026-12-04T10:00:00Z evil\x1b\x07\x7fhost app - - - boom"
    assert sender_host(msg, "10.0.0.9") == "evil???host"
