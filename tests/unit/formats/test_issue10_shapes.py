"""Issue 10: every common log shape parsed right — one test per measured shape.

Each test feeds the issue's example line(s) through auto-detection (a fresh
SourceParser over all built-ins, in both candidate orders where order could matter)
and checks format, timestamp, level, message and record extent.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from logwatch_tui.core.formats import make_format
from logwatch_tui.core.formats.detect import SourceParser, default_candidates
from logwatch_tui.core.levels import Level, parse_level


def feed(lines: list[str], *, reverse: bool = False, now: float | None = None):
    cands = default_candidates(now)
    if reverse:
        cands.reverse()
    sp = SourceParser("t.log", candidates=cands, now=now)
    return sp, sp.feed(lines, first_line=1)


def records(sp: SourceParser, b) -> list:
    return [sp.record(b, i) for i, h in enumerate(b.heads) if h]


def ts(text: str) -> float:
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.astimezone()
    return dt.timestamp()


# -- 1. ISO timestamp + level is not syslog with host=ERROR ------------------------------------


@pytest.mark.parametrize("reverse", [False, True])
def test_iso_level_lines_are_generic_not_syslog(reverse) -> None:
    lines = [
        "2026-12-02T03:16:00.123+00:00 ERROR disk full",
        "2026-12-02T03:16:01Z WARN disk almost full",
        "2026-12-02T03:16:02+01:00 INFO mounted",
        "2026-12-02T03:16:03.123456+05:30 DEBUG checking",
    ]
    sp, b = feed(lines, reverse=reverse)
    assert sp.format.name == "generic"
    assert b.levels == [Level.ERROR, Level.WARNING, Level.INFO, Level.DEBUG]
    assert b.messages == ["disk full", "disk almost full", "mounted", "checking"]
    assert b.ts == [
        ts("2026-12-02T03:16:00.123+00:00"),
        ts("2026-12-02T03:16:01+00:00"),
        ts("2026-12-02T03:16:02+01:00"),
        ts("2026-12-02T03:16:03.123456+05:30"),
    ]
    assert all(b.heads)


# -- 2. a timestamped line with an unknown level word is a record of its own ------------------


def test_unknown_level_word_starts_its_own_record() -> None:
    lines = [
        "2026-11-20 10:00:00 INFO start",
        "2026-11-20 10:00:01 debug2 detail",
        "2026-11-20 10:00:02 invalid thing happened",
        "2026-11-20 10:00:03 no level word at all",
        "2026-11-20 10:00:04 ERROR broke",
        "  indented continuation of the error",
        "2026-11-20 10:00:05 WARNING careful",
        "2026-11-20 10:00:06 frobnicate",
        "2026-11-20 10:00:07 FATAL dead",
    ]
    sp, b = feed(lines)
    assert sp.format.name == "generic"
    assert b.heads == [True, True, True, True, True, False, True, True, True]
    recs = records(sp, b)
    assert len(recs) == 8
    assert [r.level for r in recs] == [
        Level.INFO,
        Level.DEBUG,
        Level.UNKNOWN,
        Level.UNKNOWN,
        Level.ERROR,
        Level.WARNING,
        Level.UNKNOWN,
        Level.CRITICAL,
    ]
    # each keeps its own time, not the previous record's
    assert [r.timestamp.second for r in recs] == [0, 1, 2, 3, 4, 5, 6, 7]  # type: ignore[union-attr]
    assert recs[4].raw.endswith("indented continuation of the error")


def test_lines_that_stop_matching_are_counted_not_merged() -> None:
    """A custom regex that misses a line: the line is its own record and is reported."""
    custom = {
        "name": "app",
        "regex": r"(?P<ts>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) \[(?P<level>\w+)\] (?P<message>.*)",
    }
    fmt = make_format("app", custom=[custom])
    sp = SourceParser("x", forced=fmt)
    lines = [
        "2026-11-20 10:00:00 [INFO] a",
        "2026-11-20 10:00:01 <ERROR> shape the regex does not know",
        "Traceback (most recent call last):",
        '  File "x.py", line 1',
        "2026-11-20 10:00:02 [INFO] b",
    ]
    b = sp.feed(lines, first_line=1)
    assert b.heads == [True, True, False, False, True]
    assert b.levels[1] == Level.UNKNOWN and b.messages[1] == lines[1]
    assert sp.unmatched == 1
    assert sp.notice is not None and "1 line(s) did not match format 'app'" in sp.notice


# -- 3. postgres is not python with level UNKNOWN -----------------------------------------------


@pytest.mark.parametrize(
    ("line", "offset"),
    [
        ("2025-08-13 01:45:01.123 UTC [20] LOG:  database system is ready", 0),
        ("2025-08-13 01:45:01.123 PDT [12345] LOG:  database system is ready", -7),
    ],
)
def test_postgres(line, offset) -> None:
    sp, b = feed([line] * 3)
    assert sp.format.name == "postgres"
    assert b.levels[0] == Level.INFO
    assert b.messages[0] == "database system is ready"
    tz = timezone(timedelta(hours=offset))
    assert b.ts[0] == datetime(2025, 8, 13, 1, 45, 1, 123000, tzinfo=tz).timestamp()
    assert sp.record(b, 0).fields["pid"] in ("20", "12345")


# -- 4. numeric JSON levels are not always syslog severities ------------------------------------


def test_nextcloud_numeric_level_is_info_not_critical() -> None:
    line = (
        '{"reqId":"aB3","level":1,"time":"2026-11-20T10:00:00+00:00","remoteAddr":"10.0.0.1",'
        '"user":"bob","app":"files","method":"GET","url":"/","message":"scan done"}'
    )
    sp, b = feed([line] * 3)
    assert sp.format.name == "nextcloud"
    assert b.levels[0] == Level.INFO and b.messages[0] == "scan done"
    # and a generic JSON log with a bare small number does not claim CRITICAL either
    j = make_format("json")
    assert j.parse('{"msg":"x","level":1}').level is Level.UNKNOWN  # type: ignore[union-attr]
    assert j.parse('{"msg":"x","level":50}').level is Level.ERROR  # type: ignore[union-attr]
    journald = '{"MESSAGE":"x","PRIORITY":"3","__REALTIME_TIMESTAMP":"1795168685042000"}'
    assert j.parse(journald).level is Level.ERROR  # type: ignore[union-attr]


# -- 5. JSON keys ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "fmt", "when", "level", "message"),
    [
        (
            '{"asctime": "2026-11-24 01:39:09,682", "levelname": "ERROR", "name": "app", '
            '"message": "db down"}',
            "json",
            "2026-11-24T01:39:09.682",
            Level.ERROR,
            "db down",
        ),
        (
            '{"@timestamp":"2026-11-20T10:00:00.000Z","log.level":"warn","message":"slow",'
            '"ecs.version":"1.6.0"}',
            "json",
            "2026-11-20T10:00:00+00:00",
            Level.WARNING,
            "slow",
        ),
        (
            '{"t":{"$date":"2020-05-20T19:18:40.604+00:00"},"s":"W","c":"NETWORK","id":1,'
            '"ctx":"conn1","msg":"client metadata"}',
            "mongodb",
            "2020-05-20T19:18:40.604+00:00",
            Level.WARNING,
            "client metadata",
        ),
        (
            '{"timestamp":"2026-11-20T10:00:00.5Z","level":"ERROR","fields":{"message":"gave up",'
            '"attempt":3},"target":"app::net"}',
            "json",
            "2026-11-20T10:00:00.5+00:00",
            Level.ERROR,
            "gave up",
        ),
        (
            '{"event": "paid \\ud83d\\udcb6 ok", "level": "info", "timestamp": '
            '"2026-11-20T10:00:00Z"}',
            "json",
            "2026-11-20T10:00:00+00:00",
            Level.INFO,
            "paid \U0001f4b6 ok",
        ),
    ],
)
def test_json_keys(line, fmt, when, level, message) -> None:
    sp, b = feed([line] * 3)
    assert sp.format.name == fmt
    assert b.ts[0] == ts(when)
    assert b.levels[0] == level and b.messages[0] == message


# -- 6. java.util.logging levels ---------------------------------------------------------------


def test_jul_levels() -> None:
    assert parse_level("CONFIG") is Level.DEBUG
    assert parse_level("FINE") is Level.DEBUG
    assert parse_level("FINER") is Level.TRACE
    assert parse_level("FINEST") is Level.TRACE
    assert parse_level("SEVERE") is Level.ERROR
    lines = [f"2026-11-20 10:00:0{i} {w} x" for i, w in enumerate(["CONFIG", "FINER", "SEVERE"])]
    sp, b = feed(lines)
    assert b.levels == [Level.DEBUG, Level.TRACE, Level.ERROR]


# -- 7. RFC 3164 says nothing about severity -----------------------------------------------------


def test_rfc3164_level_unknown_unless_a_leading_level_word() -> None:
    lines = [
        "Nov 20 10:00:00 web01 sshd[1]: Accepted publickey for deploy",
        "Nov 20 10:00:01 web01 kernel: e1000e: eth0 NIC Link is Down",
        "Nov 20 10:00:02 web01 app[2]: ERROR upstream refused",
        "<11>Nov 20 10:00:03 web01 app: pri says err",
    ]
    sp, b = feed(lines)
    assert sp.format.name == "syslog"
    assert b.levels == [Level.UNKNOWN, Level.UNKNOWN, Level.ERROR, Level.ERROR]


def test_message_word_rule_is_explicit_opt_in() -> None:
    from logwatch_tui.core.formats.spec import infer_level_from_words

    assert infer_level_from_words("segfault at 0 ip 00007f error 4 in libc") is Level.ERROR
    assert infer_level_from_words("authentication failed for bob") is Level.ERROR
    assert infer_level_from_words("link is up") is Level.UNKNOWN
    custom = {
        "name": "kern",
        "regex": r"(?P<ts>\d\d:\d\d:\d\d) (?P<message>.*)",
        "timestamp": "%H:%M:%S",
        "level-from-message": True,
    }
    f = make_format("kern", custom=[custom])
    assert f.parse("10:00:00 usb 1-1: device descriptor read error").level is Level.ERROR  # type: ignore[union-attr]
    assert f.parse("10:00:00 usb 1-1: new device").level is Level.UNKNOWN  # type: ignore[union-attr]


# -- 8. shapes that used to fall to plain ----------------------------------------------------------

SHAPES = [
    (
        "hdfs",
        "081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block "
        "blk_38865049064139660 terminating",
        "2008-11-09T20:36:15",
        Level.INFO,
        "PacketResponder 1 for block blk_38865049064139660 terminating",
    ),
    (
        "log4j_short",
        "17/06/09 20:10:40 INFO executor.Executor: Running task 0.0 in stage 0.0 (TID 0)",
        "2017-06-09T20:10:40",
        Level.INFO,
        "Running task 0.0 in stage 0.0 (TID 0)",
    ),
    (
        "log4j",
        "2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:Fast"
        "LeaderElection@774] - Notification time out: 3200",
        "2015-07-29T17:41:44.747",
        Level.INFO,
        "Notification time out: 3200",
    ),
    (
        "openstack",
        "2014-10-28 10:42:22.772 23623 INFO neutron.wsgi [req-0d6e] 10.0.0.2 GET /v2.0 HTTP/1.1",
        "2014-10-28T10:42:22.772",
        Level.INFO,
        "[req-0d6e] 10.0.0.2 GET /v2.0 HTTP/1.1",
    ),
    (
        "windows_cbs",
        "2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601",
        "2016-09-28T04:30:30",
        Level.INFO,
        "Loaded Servicing Stack v6.1.7601",
    ),
    (
        "log4j",
        "[2025-04-24 19:51:57,226] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)",
        "2025-04-24T19:51:57.226",
        Level.INFO,
        "[KafkaServer id=1] started (kafka.server.KafkaServer)",
    ),
    (
        "python",
        "2012-07-02 10:22:40,672:DEBUG:foo",
        "2012-07-02T10:22:40.672",
        Level.DEBUG,
        "foo",
    ),
    (
        "dpkg",
        "2016-04-14 05:26:49 status installed libc-bin:amd64 2.23-0ubuntu3",
        "2016-04-14T05:26:49",
        Level.INFO,
        "status installed libc-bin:amd64 2.23-0ubuntu3",
    ),
    (
        "werkzeug",
        '127.0.0.1 - - [29/Aug/2023 22:02:58] "GET / HTTP/1.1" 200 -',
        "2023-08-29T22:02:58",
        Level.INFO,
        '"GET / HTTP/1.1" 200 -',
    ),
    (
        "s3_access",
        "79a59df900b9 awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] 192.0.2.3 79a59df900b9 "
        '3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /awsexamplebucket1?versioning HTTP/1.1" '
        '404 NoSuchKey 113 - 7 - "-" "S3Console/0.4" -',
        "2019-02-06T00:00:38+00:00",
        Level.WARNING,
        None,
    ),
]


@pytest.mark.parametrize(("fmt", "line", "when", "level", "message"), SHAPES)
def test_shape(fmt, line, when, level, message) -> None:
    for reverse in (False, True):
        sp, b = feed([line, line], reverse=reverse)
        assert sp.format.name == fmt
        assert b.ts[0] == ts(when) and b.levels[0] == level
        if message is not None:
            assert b.messages[0] == message
        assert b.heads == [True, True]


def test_glog_and_logcat_infer_the_year_per_file() -> None:
    now = datetime(2026, 12, 10, tzinfo=UTC).timestamp()
    glog = [
        "E1231 23:59:59.000001 1952 logging_unittest.cc:253] last of the year",
        "I0101 00:00:01.000002 1952 logging_unittest.cc:254] first of the next",
    ]
    sp, b = feed(glog, now=now)
    assert sp.format.name == "glog"
    assert b.levels == [Level.ERROR, Level.INFO]
    assert [datetime.fromtimestamp(t).year for t in b.ts] == [2025, 2026]
    logcat = [
        "03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs",
        "03-17 16:13:38.819  1702  8671 E PowerManagerService: acquire lock=233570404",
    ]
    sp, b = feed(logcat, now=now)
    assert sp.format.name == "logcat"
    assert b.levels == [Level.DEBUG, Level.ERROR]
    assert sp.record(b, 0).fields["tag"] == "WindowManager"


def test_strace_errors() -> None:
    lines = [
        '08:09:33.814936 open("/etc/ld.so.preload", O_RDONLY) = -1 ENOENT (No such file)',
        "08:09:33.814999 close(3) = 0 <0.000005>",
    ]
    sp, b = feed(lines)
    assert sp.format.name == "strace"
    assert b.levels == [Level.ERROR, Level.INFO]


def test_w3c_with_fields_header() -> None:
    lines = [
        "#Software: Microsoft Internet Information Services 10.0",
        "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip "
        "cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken",
        "2016-05-11 12:00:00 10.0.0.1 GET /index.html - 80 - 10.0.0.2 Mozilla/5.0 - 200 0 0 15",
        "2016-05-11 12:00:01 10.0.0.1 GET /missing - 80 - 10.0.0.2 Mozilla/5.0 - 404 0 2 3",
        "2016-05-11 12:00:02 10.0.0.1 POST /api - 80 - 10.0.0.2 Mozilla/5.0 - 500 0 0 9",
    ]
    sp, b = feed(lines)
    assert sp.format.name == "w3c"
    assert all(b.heads)
    assert b.levels[2:] == [Level.INFO, Level.WARNING, Level.ERROR]
    assert b.ts[2] == datetime(2016, 5, 11, 12, 0, tzinfo=UTC).timestamp()  # W3C is UTC


def test_apache_vhost_combined_fields_do_not_shift() -> None:
    line = (
        'www.example.com:80 127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" '
        '200 2326 "http://www.example.com/start.html" "Mozilla/4.08"'
    )
    sp, b = feed([line, line])
    assert sp.format.name == "access"
    f = sp.record(b, 0).fields
    assert (f["vhost"], f["remote"], f["ident"], f["user"]) == (
        "www.example.com:80",
        "127.0.0.1",
        "-",
        "frank",
    )
    assert f["status"] == 200


def test_ansi_colour_prefix() -> None:
    lines = [
        "\x1b[32m2026-11-20 10:00:00,123 INFO\x1b[0m [main] a.B - started",
        "\x1b[31m2026-11-20 10:00:01,000 ERROR\x1b[0m [main] a.B - broke",
    ]
    sp, b = feed(lines)
    assert sp.format.name == "generic"
    assert b.levels == [Level.INFO, Level.ERROR]
    assert b.messages == ["started", "broke"]
    assert b.lines == lines  # the stored text is untouched


def test_docker_compose_prefix() -> None:
    lines = [
        "web-1  | 2026-11-20 10:00:00,123 - app.web - INFO - listening",
        "web-1  | 2026-11-20 10:00:01,000 - app.web - ERROR - crashed",
        "web-1  | Traceback (most recent call last):",
    ]
    sp, b = feed(lines)
    assert sp.format.name == "python"
    assert b.levels[:2] == [Level.INFO, Level.ERROR]
    assert b.messages[:2] == ["listening", "crashed"]


def test_utf8_bom_does_not_break_the_first_record() -> None:
    lines = ["\ufeffNov 20 10:00:00 web01 app: ERROR first", "Nov 20 10:00:01 web01 app: second"]
    sp, b = feed(lines)
    assert sp.format.name == "syslog"
    assert b.heads == [True, True]
    assert b.levels[0] == Level.ERROR and b.messages[0] == "ERROR first"
    rec = sp.record(b, 0)
    assert rec.message == "ERROR first" and rec.fields["host"] == "web01"


# -- 9. year inference (syslog tests cover the BSD case; custom formats too) --------------------


def test_custom_yearless_format_rolls_over_forward() -> None:
    custom = {
        "name": "yl",
        "regex": r"(?P<ts>\d\d/\d\d \d\d:\d\d:\d\d) (?P<message>.*)",
        "timestamp": "%m/%d %H:%M:%S",
    }
    now = datetime(2026, 12, 1, tzinfo=UTC).timestamp()
    f = make_format("yl", custom=[custom], now=now)
    out: list = []
    f.parse_columns(["11/30 10:00:00 a", "12/31 23:00:00 b", "01/02 08:00:00 c"], out, [], [])
    assert [datetime.fromtimestamp(t).year for t in out] == [2026, 2026, 2027]


# -- 10. custom formats: several regexes, level map, epoch --------------------------------------


def test_custom_format_several_regexes_level_map_epoch() -> None:
    custom = {
        "name": "svc",
        "regex": [
            r"(?P<ts>\d{10}(?:\.\d+)?) (?P<level>[EWI]) (?P<message>.*)",
            r"T=(?P<ts>\d{13}) L=(?P<level>\w+) (?P<message>.*)",
        ],
        "timestamp": ["epoch"],
        "level-map": {"E": "error", "W": "warning", "I": "info", "bad": "critical"},
        "samples": [{"line": "1795168685 E boom", "level": "error", "message": "boom"}],
    }
    f = make_format("svc", custom=[custom])
    p = f.parse("1795168685.5 W slow")
    assert p is not None and p.level is Level.WARNING
    assert p.ts == datetime.fromtimestamp(1795168685.5, UTC)
    p2 = f.parse("T=1795168685042 L=bad x")
    assert p2 is not None and p2.level is Level.CRITICAL
    assert p2.ts == datetime.fromtimestamp(1795168685.042, UTC)


# -- pickling: workers rebuild formats from their declaration or name ------------------------


def test_every_format_pickles() -> None:
    import pickle

    from logwatch_tui.core.formats import BUILTIN_FORMATS

    custom = [{"name": "c1", "regex": r"(?P<message>.*)", "level-map": {"x": "error"}}]
    for name in [*BUILTIN_FORMATS, "plain", "c1"]:
        f = make_format(name, custom=custom)
        g = pickle.loads(pickle.dumps(f))
        assert g.name == f.name and type(g) is type(f)
        line = "Nov 20 10:00:00 web01 app: ERROR x"
        assert (f.parse(line) is None) == (g.parse(line) is None)


# -- bounded detection cost ------------------------------------------------------------------


class CountingFormat:
    """A candidate that records every line detection asks it about (matches nothing)."""

    seen: list[int] = []  # noqa: RUF012 - shared on purpose: fresh copies report here too
    name = "counting"
    now = None
    multiline = True
    specificity = 1
    samples: list = []  # noqa: RUF012

    def __reduce__(self):
        return (CountingFormat, ())

    def parse(self, line: str):
        return None

    def matches(self, line: str) -> bool:
        CountingFormat.seen.append(len(line))
        return False

    def parse_columns(self, lines, ts_out, levels_out, msgs_out) -> None:
        CountingFormat.seen.extend(map(len, lines))
        ts_out.extend([None] * len(lines))
        levels_out.extend([0] * len(lines))
        msgs_out.extend([None] * len(lines))


def test_detection_never_rescans_a_huge_line_or_old_lines() -> None:
    CountingFormat.seen.clear()
    sp = SourceParser("x", candidates=[CountingFormat(), *default_candidates()])  # type: ignore[list-item]
    big = "Nov 20 10:00:00 web01 app: ERROR " + "x" * 10_000_000
    sp.feed(["Nov 20 09:59:59 web01 app: start", big], first_line=1)
    for i in range(20):  # a young source: detection runs at every append
        sp.feed([f"Nov 20 10:00:{i:02d} web01 app: line {i}"], first_line=3 + i)
    assert sp.format.name == "syslog"
    assert max(CountingFormat.seen) < 100  # the 10 MB line was never a detection sample
    # each small line was scored once, never again on later appends
    assert len(CountingFormat.seen) == 21


# -- the Loghub systems not in ../shared/data (shapes as those systems write them) -----------

LOGHUB_OTHERS = [
    (
        "syslog",  # Mac
        "Jul  1 09:00:55 calvisitor-10-105-160-95 kernel[0]: IOThunderboltSwitch<0>(0x0)::"
        "listenerCallback - Thunderbolt HPD packet for route = 0x0 port = 11 unplug = 0",
        Level.UNKNOWN,
    ),
    (
        "apache_error",  # Apache
        "[Sun Dec 04 04:47:44 2005] [error] mod_jk child workerEnv in error state 6",
        Level.ERROR,
    ),
    (
        "openstack",  # OpenStack, with the file name Loghub kept in front
        "nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_"
        'compute.wsgi.server [req-38101a0b-2096] 10.11.10.1 "GET /v2/servers HTTP/1.1" '
        "status: 200 len: 1893 time: 0.2477829",
        Level.INFO,
    ),
    (
        "thunderbird",
        "- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: "
        "session closed for user root",
        Level.UNKNOWN,
    ),
    (
        "hpc",
        "134681 node-246 unix.hw state_change.unavailable 1077804742 1 Component State Change: "
        'Component "alt0" is in the unavailable state (HWID=1)',
        Level.UNKNOWN,
    ),
]


@pytest.mark.parametrize(("fmt", "line", "level"), LOGHUB_OTHERS)
def test_other_loghub_systems(fmt, line, level) -> None:
    sp, b = feed([line] * 3, now=datetime(2026, 12, 1, tzinfo=UTC).timestamp())
    assert sp.format.name == fmt
    assert b.levels[0] == level
    assert 0 not in sp.untimed_heads(b)
