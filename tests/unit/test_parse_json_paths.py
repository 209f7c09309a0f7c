"""``parse --json``: the range path (worker processes) writes the line-by-line path's bytes.

Every case writes a real file and runs :func:`write_json_records` twice — once with the
range path allowed, once line by line only — and compares the outputs byte for byte
(and the notices on stderr). Read sizes are shrunk (64 KB reads, 256 KB ranges) so
small files cross many ranges; one case runs the real sizes through the CLI.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from logwatch_tui.commands import parse_json
from logwatch_tui.commands.parse_json import write_json_records
from logwatch_tui.ingest import records_json

ROOT = Path(__file__).resolve().parents[2]
NOW = 1_799_971_200.0  # 2027-01-15: November and December dates get the year 2026
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
WORDS = [
    "ERROR disk full",
    "Warning: low memory",
    "info started",
    "2026-11-20 10:00:00 ERROR nested date then level",
    "time=10:00 level=warn looked further",
    "connection from 10.0.0.1 refused",
    "[crit] bracketed",
    "",
    "debug2 unknown level word",
]


@pytest.fixture(autouse=True)
def utc() -> object:
    old = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


@pytest.fixture(autouse=True)
def small_reads(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> None:
    """64 KB reads (both paths), 256 KB ranges, files from 192 KB, lines up to 256 bytes
    (64 KB / 257 > 200 lines per read, as the hand-back needs)."""
    if request.node.name.startswith("test_cli_"):
        return  # real sizes
    monkeypatch.setattr(parse_json, "CHUNK", 64 << 10)
    monkeypatch.setattr(records_json, "READ", 64 << 10)
    monkeypatch.setattr(records_json, "RANGE_BYTES", 256 << 10)
    monkeypatch.setattr(records_json, "SLOT_BYTES", 8 * (256 << 10))
    monkeypatch.setattr(records_json, "MIN_BYTES", 192 << 10)
    monkeypatch.setattr(records_json, "MAX_LINE", 256)


class _Out:
    def __init__(self) -> None:
        self.buffer = io.BytesIO()

    def write(self, s: str) -> None:
        self.buffer.write(s.encode())

    def flush(self) -> None:
        pass


def both_paths(
    path: Path, capsys: pytest.CaptureFixture[str], **kw: object
) -> tuple[bytes, bytes, str]:
    outs = []
    errs = []
    for fast in (False, True):
        out = _Out()
        n = write_json_records([str(path)], out, now=NOW, range_path=fast, **kw)  # type: ignore[arg-type]
        blob = out.buffer.getvalue()
        assert n == blob.count(b"\n")
        outs.append(blob)
        errs.append(capsys.readouterr().err)
    assert errs[0] == errs[1]
    return outs[0], outs[1], errs[0]


def syslog_line(i: int, month: int = 10, day: int = 20) -> str:
    sec = i // 3
    hms = f"{sec // 3600 % 24:02d}:{sec // 60 % 60:02d}:{sec % 60:02d}"
    head = f"{MONTHS[month]} {day:2d} {hms} host{i % 5}"
    shape = i % 4
    word = WORDS[i % len(WORDS)]
    if shape == 0:
        return f"{head} app{i % 7}[{1000 + i}]: {word} n={i}"
    if shape == 1:
        return f"{head} cron: {word} n={i}"
    if shape == 2:
        return f"{head} {word} n={i}"
    return f"{head} sshd[]: {word}"


def write_lines(
    path: Path, lines: list[str], *, end: str = "\n", last_newline: bool = True
) -> Path:
    data = end.join(lines) + (end if last_newline else "")
    path.write_bytes(data.encode("utf-8", "surrogateescape"))
    return path


def ranges_used(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == records_json.__name__]


def test_plain_syslog_crosses_many_ranges_identically(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=records_json.__name__)
    log = write_lines(tmp_path / "sys.log", [syslog_line(i) for i in range(20_000)])
    slow, fast, _ = both_paths(log, capsys)
    assert slow == fast
    recs = [json.loads(x) for x in fast.splitlines()]
    assert len(recs) == 20_000 and recs[-1]["line"] == 20_000
    assert recs[0]["ts"] == "2026-11-20T00:00:00+00:00"
    msgs = ranges_used(caplog)
    assert any("ranges" in m for m in msgs) and not any("line by line" in m for m in msgs), msgs


def test_range_regex_reads_lines_as_the_syslog_format_does() -> None:
    """The workers' regex is a copy of the format's grammar: it must not go stale."""
    assert records_json.grammar_agrees()


def test_one_worker_and_two_workers_write_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log = write_lines(tmp_path / "sys.log", [syslog_line(i) for i in range(8_000)])
    one, two = _Out(), _Out()
    write_json_records([str(log)], one, now=NOW, workers=1)
    write_json_records([str(log)], two, now=NOW, workers=2)
    slow, _, _ = both_paths(log, capsys)
    assert one.buffer.getvalue() == two.buffer.getvalue() == slow


def test_escapes_controls_quotes_and_invalid_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = [
        'said "hi" \\ back',
        "tab\there nul\x00 esc\x1b[2J bell\x07 del\x7f",
        "c1 \u0085 \u009b bidi \u202e \u2066 sep \u2028",
        "caf\u00e9 \u65e5\u672c \U0001f600",
        "bad \udcff\udcfe bytes",  # written as raw 0xff 0xfe (invalid UTF-8)
        'ERROR\t"quoted" level word with a tab',
        "\\ERROR backslash first",
    ]
    lines = []
    for i in range(9_000):
        line = syslog_line(i)
        if i % 37 == 0:
            line = line.replace("host", 'h"o\\st', 1) + " " + odd[i % len(odd)]
        elif i % 11 == 0:
            line += " " + odd[i % len(odd)]
        lines.append(line)
    log = write_lines(tmp_path / "odd.log", lines)
    slow, fast, _ = both_paths(log, capsys)
    assert slow == fast
    recs = [json.loads(x) for x in fast.splitlines()]
    assert len(recs) == 9_000
    assert any("\ufffd" in r["text"] for r in recs)
    assert b"\x7f" not in fast and "\u202e".encode() not in fast and b"\x1b" not in fast


@pytest.mark.parametrize("where", [0.1, 0.5, 0.97])
def test_continuation_lines_hand_the_rest_back(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    where: float,
) -> None:
    caplog.set_level(logging.INFO, logger=records_json.__name__)
    lines = [syslog_line(i) for i in range(12_000)]
    at = int(len(lines) * where)
    tb = ["Traceback (most recent call last):", '  File "x.py", line 1', "ValueError: bad"]
    lines[at:at] = tb
    log = write_lines(tmp_path / "tb.log", lines)
    slow, fast, _ = both_paths(log, capsys)
    assert slow == fast
    recs = [json.loads(x) for x in fast.splitlines()]
    assert len(recs) == 12_000
    assert recs[at - 1]["text"].split("\n")[1:] == tb
    if where > 0.3:
        assert any("line by line" in m for m in ranges_used(caplog))


def test_a_range_that_starts_with_a_continuation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [syslog_line(i) for i in range(12_000)]
    data = "\n".join(lines) + "\n"
    # put indented lines right after the first range boundary (a 256 KB multiple)
    cut = data.rfind("\n", 0, 3 * (256 << 10)) + 1
    data = data[:cut] + "    at frame one\n    at frame two\n" + data[cut:]
    log = tmp_path / "edge.log"
    log.write_text(data)
    slow, fast, _ = both_paths(log, capsys)
    assert slow == fast


def test_json_lines_and_mixed_shapes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    js = [
        json.dumps(
            {
                "ts": f"2026-11-20T10:00:{i % 60:02d}.{i % 1000:03d}Z",
                "level": "info",
                "msg": f"m {i}",
            }
        )
        for i in range(6_000)
    ]
    slow, fast, _ = both_paths(write_lines(tmp_path / "app.jsonl", js), capsys)
    assert slow == fast and slow.count(b"\n") == 6_000
    # syslog, then the writer changes shape: JSON lines, then plain text, then syslog again
    mixed = (
        [syslog_line(i) for i in range(5_000)]
        + js[:3_000]
        + [f"plain text line {i}" for i in range(2_000)]
        + [syslog_line(i) for i in range(5_000)]
    )
    slow, fast, err = both_paths(write_lines(tmp_path / "mixed.log", mixed), capsys)
    assert slow == fast


def test_syslog_with_year_pri_fractions_and_long_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    iso = [
        f"2026-11-20T10:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}+01:00 h app[1]: INFO n {i}"
        for i in range(6_000)
    ]
    slow, fast, _ = both_paths(write_lines(tmp_path / "iso.log", iso), capsys)
    assert slow == fast
    lines = [syslog_line(i) for i in range(12_000)]
    lines[2_000] = lines[2_000][:22] + " app[12] a tag without its colon"
    lines[4_000] = "<34>" + lines[4_000]
    lines[7_000] = lines[7_000][:15] + ".123" + lines[7_000][15:]
    lines[9_000] += " x" * 400  # longer than the range path's line bound
    slow, fast, _ = both_paths(write_lines(tmp_path / "odd.log", lines), capsys)
    assert slow == fast


@pytest.mark.parametrize("boundary", [False, True])
def test_year_rollover(tmp_path: Path, capsys: pytest.CaptureFixture[str], boundary: bool) -> None:
    # (no empty messages: the format re-reads those after the rollover with the new
    # year — a separate bug of the syslog format, the same on both paths)
    dec = [syslog_line(i, month=11, day=31) + "." for i in range(6_000)]
    jan = [syslog_line(i, month=0, day=1) + "." for i in range(6_000)]
    lines = dec + jan
    log = tmp_path / "newyear.log"
    if boundary:  # the first January line right after a range boundary
        edge = 4 * (256 << 10)
        head, size, i = [], 0, 0
        while True:
            line = syslog_line(i, month=11, day=31) + ".\n"
            if size + len(line) > edge:
                break
            head.append(line)
            size += len(line)
            i += 1
        log.write_text("".join(head) + "\n".join(jan) + "\n")
    else:
        write_lines(log, lines)
    slow, fast, _ = both_paths(log, capsys)
    assert slow == fast
    recs = [json.loads(x) for x in fast.splitlines()]
    assert recs[-1]["ts"].startswith("2027-01-01")


def test_crlf_no_final_newline_empty_and_small(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [syslog_line(i) for i in range(9_000)]
    lines[5_000] += "\r"  # CR CR LF: one CR stays in the text
    slow, fast, _ = both_paths(write_lines(tmp_path / "crlf.log", lines, end="\r\n"), capsys)
    assert slow == fast and b"\\r" in fast
    slow, fast, _ = both_paths(
        write_lines(tmp_path / "nonl.log", lines, last_newline=False), capsys
    )
    assert slow == fast and slow.count(b"\n") == 9_000
    empty = tmp_path / "empty.log"
    empty.write_bytes(b"")
    assert both_paths(empty, capsys)[:2] == (b"", b"")
    slow, fast, _ = both_paths(write_lines(tmp_path / "small.log", lines[:50]), capsys)
    assert slow == fast and slow.count(b"\n") == 50
    slow, fast, _ = both_paths(write_lines(tmp_path / "cr.log", lines, end="\r"), capsys)
    assert slow == fast


def test_cli_real_sizes_matches_the_line_by_line_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = [syslog_line(i) for i in range(140_000)]  # ~11 MB: first chunk and 3 ranges
    lines[100_000:100_000] = ["    continuation in the last range"]
    log = write_lines(tmp_path / "big.log", lines)
    env = {**os.environ, "TZ": "UTC", "LOGWATCH_CONFIG_DIR": str(tmp_path / "cfg")}
    proc = subprocess.run(
        [sys.executable, "-m", "logwatch_tui", "parse", "--json", str(log)],
        capture_output=True,
        cwd=ROOT,
        env=env,
        timeout=300,
        check=True,
    )
    out = _Out()
    write_json_records([str(log)], out, range_path=False)
    assert proc.stdout == out.buffer.getvalue()
    assert proc.stdout.count(b"\n") == 140_000
