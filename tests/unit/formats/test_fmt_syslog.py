"""RFC 3164 and RFC 5424 syslog."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from logwatch_tui.core.formats.syslog import Rfc3164Format, Rfc5424Format, parse_structured_data
from logwatch_tui.core.levels import Level

NOV21 = datetime(2026, 11, 21, tzinfo=UTC).timestamp()


def test_bsd_line_local_time_and_fields(utc) -> None:
    f = Rfc3164Format(now=NOV21)
    p = f.parse("Nov 20 10:00:00 web01 sshd[812]: Accepted publickey for deploy")
    assert p is not None
    assert p.ts == datetime(2026, 11, 20, 10, 0, tzinfo=UTC)
    assert p.ts.utcoffset() == timedelta(0)
    assert p.level is Level.UNKNOWN  # RFC 3164 carries no severity
    assert p.message == "Accepted publickey for deploy"
    assert p.fields == {"host": "web01", "app": "sshd", "pid": "812"}


def test_bsd_line_follows_local_zone(berlin) -> None:
    f = Rfc3164Format(now=NOV21)
    p = f.parse("Nov 20 10:00:00 web01 kernel: boot")
    assert p is not None and p.ts is not None
    assert p.ts.utcoffset() == timedelta(hours=1)
    assert p.ts.timestamp() == datetime(2026, 11, 20, 9, 0, tzinfo=UTC).timestamp()


def test_iso_timestamp_keeps_its_offset(utc) -> None:
    p = Rfc3164Format(now=NOV21).parse("2026-11-20T10:00:00.250+01:00 web01 cron[9]: job ran")
    assert p is not None and p.ts is not None
    assert p.ts.utcoffset() == timedelta(hours=1)
    assert p.ts.timestamp() == datetime(2026, 11, 20, 9, 0, 0, 250000, tzinfo=UTC).timestamp()


def test_year_rollover_uses_previous_year(utc) -> None:
    jan1 = datetime(2026, 1, 1, tzinfo=UTC).timestamp()
    f = Rfc3164Format(now=jan1)
    p = f.parse("Dec 31 23:59:59 web01 app: late")
    assert p is not None and p.ts is not None and p.ts.year == 2025
    ts, _, _ = [], [], []
    f.parse_columns(["Dec 31 23:59:59 web01 app: late"], ts, [], [])
    assert ts == [datetime(2025, 12, 31, 23, 59, 59, tzinfo=UTC).timestamp()]
    # The next line of the same file, after New Year, goes forward.
    ts2: list = []
    f.parse_columns(["Jan  1 00:00:00 web01 app: new year"], ts2, [], [])
    assert ts2 == [datetime(2026, 1, 1, tzinfo=UTC).timestamp()]


def test_year_inference_is_per_file_and_monotonic(utc) -> None:
    """Issue 10 #9: Nov 2026 -> Feb must be Feb 2027, not back to Feb 2026."""
    dec = datetime(2026, 12, 10, tzinfo=UTC).timestamp()
    lines = [
        "Nov 30 23:00:00 web01 app: a",
        "Dec 31 23:59:59 web01 app: b",
        "Jan  1 00:00:01 web01 app: c",
        "Feb 14 08:00:00 web01 app: d",
    ]
    for batches in ([lines], [lines[:2], lines[2:]], [[ln] for ln in lines]):
        f = Rfc3164Format(now=dec)
        ts: list = []
        for b in batches:
            f.parse_columns(b, ts, [], [])
        years = [datetime.fromtimestamp(t, UTC).year for t in ts]
        assert years == [2026, 2026, 2027, 2027], batches
        assert ts == sorted(ts)


def test_levels_from_pri_and_words(utc, cols) -> None:
    f = Rfc3164Format(now=NOV21)
    lines = [
        "<11>Nov 20 10:00:00 web01 app: pri says err",  # 11 = user.err
        "<12>Nov 20 10:00:00 web01 app: ERROR pri wins over words",  # warning
        "Nov 20 10:00:00 web01 app[1]: ERROR upstream connection refused",
        "Nov 20 10:00:00 web01 app[1]: Error while reading",
        "Nov 20 10:00:00 web01 sshd[2]: error: kex_exchange_identification",
        "Nov 20 10:00:00 web01 nginx: [warn] low disk",
        "Nov 20 10:00:00 web01 app: <crit> meltdown",
        "Nov 20 10:00:00 web01 app: level=debug msg=x",
        "Nov 20 10:00:00 web01 app: 2026-11-20 10:00:00,123 WARN [main] pool low",
        "Nov 20 10:00:00 web01 app: time=2026-11-20T10:00:00Z level=error msg=x",
        "Nov 20 10:00:00 web01 app: no error found here",
        "Nov 20 10:00:00 web01 app: everything fine",
    ]
    want = [
        Level.ERROR,
        Level.WARNING,
        Level.ERROR,
        Level.ERROR,
        Level.ERROR,
        Level.WARNING,
        Level.CRITICAL,
        Level.DEBUG,
        Level.WARNING,
        Level.ERROR,
        Level.UNKNOWN,  # no leading level word: RFC 3164 says nothing, so neither do we
        Level.UNKNOWN,
    ]
    assert [lv for _, lv, _ in cols(f, lines)] == want
    assert [f.parse(ln).level for ln in lines] == want  # type: ignore[union-attr]


def test_non_header_lines(utc, agree) -> None:
    f = Rfc3164Format(now=NOV21)
    lines = [
        "Nov 20 10:00:00 web01 app: Traceback follows",
        "Traceback (most recent call last):",
        '  File "x.py", line 1, in <module>',
        "ValueError: boom",
        "",
        "Nov 20 10:00:01.5 web01 app: fractional seconds",
        "Nov 20 10:00:02 web01 app: ",
        "Foo 20 10:00:02 web01 app: not a month",
    ]
    assert f.parse(lines[1]) is None and f.parse(lines[3]) is None
    assert f.parse(lines[7]) is None
    agree(f, lines)
    # The slow path (a line with a newline inside, never from the pipeline) agrees too.
    agree(f, [*lines, "Nov 20 10:00:03 web01 app: a\nb"])


def test_example_file_agreement(utc, agree, example) -> None:
    agree(Rfc3164Format(now=NOV21), example("syslog.log"))


def test_rfc5424(utc, agree, example) -> None:
    f = Rfc5424Format()
    line = (
        '<165>1 2026-11-20T10:00:00.003+02:00 host01 api 1234 ID47 [ex@32473 iut="3" '
        'eventSource="Application"][meta seq="1\\]"] \ufeffpayment failed'
    )
    p = f.parse(line)
    assert p is not None and p.ts is not None
    assert p.ts.utcoffset() == timedelta(hours=2)
    assert p.level is Level.NOTICE  # 165 & 7 = 5
    assert p.message == "payment failed"
    assert p.fields["host"] == "host01" and p.fields["app"] == "api"
    assert p.fields["procid"] == "1234" and p.fields["msgid"] == "ID47"
    assert p.fields["sd"] == {
        "ex@32473": {"iut": "3", "eventSource": "Application"},
        "meta": {"seq": "1]"},
    }
    nil = f.parse("<11>1 - - - - - -")
    assert nil is not None and nil.ts is None and nil.message == "" and nil.level is Level.ERROR
    assert f.parse("Nov 20 10:00:00 web01 app: bsd") is None
    agree(f, [line, "<11>1 - - - - - -", "  continuation", *example("rfc5424.log")])


def test_structured_data_helper() -> None:
    assert parse_structured_data('[a x="1"][b]') == {"a": {"x": "1"}, "b": {}}
