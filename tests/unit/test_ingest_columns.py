"""One byte range to columns: the syslog format's own values, or an honest refusal."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from logwatch_tui.core.formats.columnar import ColumnarPlan
from logwatch_tui.core.formats.syslog import Rfc3164Format
from logwatch_tui.ingest.columns import (
    _folded_literal_lines,
    _literal_lines,
    line_starts,
    parse_range,
)
from logwatch_tui.ingest.summary import RuleProbe

LINES = [
    "Nov 20 09:58:18 web01 postfix/smtpd[5811]: connect from mail.example.net",
    "Nov 20 09:58:19 web01 app[2231]: ERROR upstream refused",
    "Nov 20 09:58:19 web01 kernel: [ 12.345] usb 1-1: new device",
    "Nov 20 09:58:20 web01 app[2231]: 2026-11-20 10:00:00 WARN late",
    "Nov 20 09:58:21 web01 app: level=error msg=boom",
    "Nov  2 09:58:21 web01 cron[1]: <error> job failed",
    "Nov 20 09:59:00 web01 sshd[9]: Failed password for root from 10.0.0.9",
    "Nov 20 09:59:59 web01 a[1 2]: [warn] pid with a space",
    "Nov 20 09:59:59 web01 nohost-app-colon message without app",
]


def _plan(year: int) -> ColumnarPlan:
    return ColumnarPlan("bsd-syslog", "syslog", year, None)


def _reference(lines: list[str], year: int):
    fmt = Rfc3164Format()
    fmt.convert_ts("Nov 20 09:58:18")  # settle a year, then force the one under test
    fmt._year = year
    fmt._epochs.clear()
    fmt._epochs[""] = None
    ts: list = []
    lv: list = []
    ms: list = []
    fmt.parse_columns(lines, ts, lv, ms)
    return ts, lv, ms


@pytest.mark.parametrize("year", [2024, 2025])
def test_syslog_range_equals_the_format(tmp_path: Path, year: int) -> None:
    lines = LINES
    path = tmp_path / "s.log"
    path.write_text("\n".join(lines) + "\n")
    cols = parse_range(
        str(path), 0, path.stat().st_size, _plan(year), [RuleProbe(4, None, False, None)]
    )
    assert cols.covered, cols.reason
    ts, lv, _ = _reference(lines, year)
    assert cols.epochs.tolist() == ts
    assert cols.levels.tolist() == lv
    assert cols.cand.tolist() == [i for i, v in enumerate(lv) if v >= 4]


@pytest.mark.parametrize(
    "bad",
    [
        "<34>Nov 20 09:58:20 web01 su: PRI on the wire",
        "Nov 20 09:58:20.123 web01 app: fraction",
        "Foo 20 09:58:20 web01 app: no such month",
        "Nov 31 09:58:20 web01 app: no such day",
        "Nov 20 09:58:60 web01 app: leap second",
        "  continuation line",
        "",
        "Nov 20 09:58:20 web01 app: caf\u00e9",
        "Nov 20 09:58:20 web01 app:  two spaces: empty first word",
    ],
)
def test_lines_outside_the_fast_shape_make_the_range_uncovered(tmp_path: Path, bad: str) -> None:
    path = tmp_path / "s.log"
    path.write_text("\n".join([LINES[0], bad, LINES[1]]) + "\n")
    cols = parse_range(str(path), 0, path.stat().st_size, _plan(2025), [])
    assert not cols.covered


def test_a_year_rollover_inside_a_range_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.log"
    path.write_text("Dec 31 23:59:59 h a: INFO x\nJan  1 00:00:01 h a: INFO y\n")
    cols = parse_range(str(path), 0, path.stat().st_size, _plan(2025), [])
    assert not cols.covered and "rollover" in cols.reason


def test_folded_literal_finds_every_line_that_holds_it_in_any_case() -> None:
    rnd = random.Random(3)
    words = ["Connection", "CONNECTION refused", "connection failed", "conn", "c0nnection"]
    for _ in range(100):
        text = "\n".join(
            " ".join(rnd.choice(words) for _ in range(rnd.randint(0, 4))) for _ in range(40)
        )
        buf = (text + "\n").encode()
        arr = np.frombuffer(buf, np.uint8)
        starts, _ = line_starts(arr)
        exact = set(_literal_lines(buf.lower(), b"connection ", starts).tolist())
        got = set(_folded_literal_lines(arr, b"connection ", starts).tolist())
        assert exact <= got
        assert got <= {i for i, ln in enumerate(text.split("\n")) if "onnection" in ln.lower()}


def _random_header(rnd: random.Random) -> str:
    """A plain RFC 3164 header with the shapes that trip a byte-window reader."""
    hosts = ["web01", "h", "db-01.example.net", "x" * 70, "a:b", "[h]", "h]x", "ho[st"]
    apps = ["", "app", "app[1]", "postfix/smtpd[5811]", "a[1 2]", "a" * 60 + "[9]", "p[]"]
    apps += ["x" * 70, "k[" + "9" * 70 + "]", "a[b:c]", "s:x"]
    words = ["ERROR", "error:", "[warn]", "<error>", "level=error", "12:00:00", "WARN"]
    words += ["Connection", "pam_unix(sshd:session):", "w" * 30, "z" * 80, "[", "]", ":"]
    words += ["[12.345]", "INFO", "info", "Failed", "x=1", "crit", "DEBUG"]
    tails = ["", " more words", " ERROR later", " [warn] x", ":" + " y" * 40]
    app = rnd.choice(apps)
    sep = rnd.choice([": ", ":", " ", ": "]) if app else ""
    day = rnd.randint(1, 28)
    ts = f"Nov {day:>2} {rnd.randint(0, 23):02}:{rnd.randint(0, 59):02}:{rnd.randint(0, 59):02}"
    return f"{ts} {rnd.choice(hosts)} {app}{sep}{rnd.choice(words)}{rnd.choice(tails)}"


@pytest.mark.parametrize("seed", range(40))
def test_random_headers_read_as_the_format_reads_them(tmp_path: Path, seed: int) -> None:
    """Hosts, tags and first words of every length and shape: the byte-window reader
    (and its regex fallback for rows past the window) gives the format's levels, or
    refuses the range exactly when the regex-defined fast shape does."""
    from logwatch_tui.ingest.columns import _BSD_WORDS

    rnd = random.Random(seed)
    lines = sorted(
        (_random_header(rnd) for _ in range(300)), key=lambda ln: ln[:15].replace(" ", "0")
    )
    if seed % 4 == 0:  # one message that starts with a space: outside the fast shape
        i = rnd.randrange(len(lines))
        lines[i] = lines[i][:16] + "web01 app[1]:  two spaces"
    path = tmp_path / "r.log"
    path.write_text("\n".join(lines) + "\n")
    cols = parse_range(
        str(path), 0, path.stat().st_size, _plan(2025), [RuleProbe(5, None, False, None)]
    )
    fast = [_BSD_WORDS.fullmatch(ln) for ln in lines]
    expect_covered = all(m is not None and m.group(1) for m in fast)
    assert cols.covered == expect_covered, cols.reason
    if expect_covered:
        ts, lv, ms = _reference(lines, 2025)
        assert cols.epochs.tolist() == ts
        assert cols.levels.tolist() == lv
        assert cols.cand.tolist() == [i for i, v in enumerate(lv) if v >= 5]
        assert cols.cand_msgs == [ms[i] for i in cols.cand.tolist()]
