"""Files whose lines end in a lone CR (classic Mac OS, serial consoles, some embedded
devices) are cut into their lines everywhere — not read as one record of the whole file."""

from __future__ import annotations

import json
from pathlib import Path

from logwatch_tui.cli import main
from logwatch_tui.core.rules import load_rules
from logwatch_tui.ingest.check import check_columnar
from logwatch_tui.sources.content import lines_end_in_cr
from logwatch_tui.sources.file import FileHandle, LineCutter
from logwatch_tui.sources.follower import FileFollower
from tests.integration.test_tailer import Collector, _wait

CR_LOG = (
    b"2026-12-02T03:16:00Z ERROR disk full\r"
    b"2026-12-02T03:16:01Z WARN low on inodes\r"
    b"  still low\r"
    b"2026-12-02T03:16:02Z INFO ok\r"
)


def test_probe_tells_cr_lf_crlf_and_undecided() -> None:
    assert lines_end_in_cr(b"a\rb\r") is True
    assert lines_end_in_cr(b"a\nb\n") is False
    assert lines_end_in_cr(b"a\r\nb\r\n") is False
    assert lines_end_in_cr(b"no line end yet") is None


def test_cutter_splits_a_cr_file_at_each_cr_with_offsets_that_reread(tmp_path: Path) -> None:
    p = tmp_path / "cr.log"
    p.write_bytes(CR_LOG)
    c = LineCutter(FileHandle.open(str(p)), str(p))
    chunks = c.feed(c.handle.pread(len(CR_LOG), 0))
    text = b"".join(ch.data for ch in chunks)
    assert text.split(b"\n")[:-1] == CR_LOG.split(b"\r")[:-1]
    for ch in chunks:  # the store re-reads rows by offset: same text
        assert ch.handle.pread(len(ch.data), ch.offset) == ch.data
    assert c.next_line == 5


def test_parse_json_gives_each_record_with_its_continuation(tmp_path: Path, capsys) -> None:
    p = tmp_path / "cr.log"
    p.write_bytes(CR_LOG)
    assert main(["parse", "--json", str(p)]) == 0
    recs = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(r["level"], r["message"], r["line"]) for r in recs] == [
        ("ERROR", "disk full", 1),
        ("WARNING", "low on inodes", 2),
        ("INFO", "ok", 4),
    ]
    assert recs[1]["text"] == "2026-12-02T03:16:01Z WARN low on inodes\n  still low"
    assert recs[0]["ts"] == "2026-12-02T03:16:00+00:00"


def test_check_reads_a_big_cr_file_line_by_line(tmp_path: Path, capsys) -> None:
    """The columnar path cuts at LF: it declines a CR file, whose lines the line path reads."""
    lines = [
        f"Nov 20 10:{i // 60 % 60:02d}:{i % 60:02d} web1 app[1]: error {i}" for i in range(3000)
    ]
    p = tmp_path / "big-cr.log"
    p.write_bytes("\r".join(lines).encode() + b"\r")
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(
        '[[rules]]\nname = "errors"\nmatch = "error"\nthreshold = 1000\nwindow = "1h"\n'
    )
    assert check_columnar(str(p), load_rules(rules_file), workers=1, min_bytes=0) is None
    assert main(["check", "--rules", str(rules_file), str(p)]) == 1
    out = capsys.readouterr().out
    assert "3,000 records" in out or "3000 records" in out, out


def test_following_a_cr_file_delivers_each_appended_line(tmp_path: Path) -> None:
    p = tmp_path / "live.log"
    p.write_bytes(b"first line\r")
    col = Collector()
    f = FileFollower(
        [str(p)],
        on_chunk=col.on_chunk,
        on_event=col.on_event,
        poll_interval=0.05,
        use_watchdog=False,
    )
    f.start()
    try:
        with p.open("ab") as fh:
            fh.write(b"second line\rthird")
            fh.flush()
            fh.write(b" line\r")
        want = b"first line\nsecond line\nthird line\n"
        assert _wait(lambda: b"".join(ch.data for ch in col.chunks) == want)
    finally:
        f.stop()
