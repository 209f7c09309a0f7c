"""The one line cutter: exact offsets and line numbers, and a hard cap on a line's memory."""

from __future__ import annotations

from pathlib import Path

from logwatch_tui.sources.file import CUT_MARKER, FileHandle, LineCutter


def _cutter(tmp_path: Path, data: bytes, cap: int = 64) -> LineCutter:
    p = tmp_path / "f.log"
    p.write_bytes(data)
    return LineCutter(FileHandle.open(str(p)), str(p), cap=cap)


def _feed_in_pieces(c: LineCutter, data: bytes, piece: int) -> list:
    out = []
    for i in range(0, len(data), piece):
        out += c.feed(data[i : i + piece])
    return out


def test_lines_split_across_reads_keep_offsets_and_numbers(tmp_path: Path) -> None:
    data = b"one\ntwo\nthree\nfour\n"
    c = _cutter(tmp_path, data)
    chunks = _feed_in_pieces(c, data, 3)
    assert b"".join(ch.data for ch in chunks) == data
    for ch in chunks:
        assert ch.handle.pread(len(ch.data), ch.offset) == ch.data
        assert ch.first_line == data[: ch.offset].count(b"\n") + 1
    assert c.offset == len(data) and not c.pending


def test_a_line_over_the_cap_is_cut_with_a_marker_and_the_rest_skipped(tmp_path: Path) -> None:
    long = b"x" * 1000
    data = b"short\n" + long + b"\nafter\n"
    c = _cutter(tmp_path, data, cap=64)
    chunks = _feed_in_pieces(c, data, 50)  # the long line arrives in many reads
    texts = b"".join(ch.data for ch in chunks).split(b"\n")[:-1]
    assert texts == [b"short", b"x" * 64 + CUT_MARKER, b"after"]
    cut = [ch for ch in chunks if ch.cut]
    assert len(cut) == 1 and cut[0].offset == 6 and cut[0].end_offset == 6 + 1001
    after = [ch for ch in chunks if b"after" in ch.data][0]
    assert after.offset == 6 + 1001 and after.first_line == 3
    assert c.cuts == 1 and c.offset == len(data)
    # memory: never more than the cap pending
    assert len(c.pending) == 0


def test_endless_line_holds_at_most_the_cap(tmp_path: Path) -> None:
    c = _cutter(tmp_path, b"", cap=1024)
    delivered = []
    for _ in range(200):  # 200 KiB of zeros, no newline ever
        delivered += c.feed(b"\0" * 1024)
        assert len(c.pending) <= 1024
    assert delivered == [] and c.cuts == 1  # reported at once (cuts), delivered at its end
    assert c.read_pos == 200 * 1024  # skipped bytes are counted, not kept
    last = c.flush()  # the content ended without a newline
    assert last is not None and last.cut and last.offset == 0
    assert last.data == b"\0" * 1024 + CUT_MARKER + b"\n"


def test_a_long_line_inside_one_big_read_is_cut_too(tmp_path: Path) -> None:
    data = b"a\n" + b"y" * 500 + b"\nb\n"
    c = _cutter(tmp_path, data, cap=100)
    chunks = c.feed(data)  # one read bigger than the cap
    texts = b"".join(ch.data for ch in chunks).split(b"\n")[:-1]
    assert texts == [b"a", b"y" * 100 + CUT_MARKER, b"b"]
    assert [ch.first_line for ch in chunks if ch.data[-2:] == b"b\n"][-1] == 3


def test_flush_delivers_an_unfinished_last_line(tmp_path: Path) -> None:
    data = b"a\nunfinished"
    c = _cutter(tmp_path, data)
    chunks = c.feed(data)
    last = c.flush()
    assert [ch.data for ch in chunks] == [b"a\n"]
    assert last is not None and last.data == b"unfinished\n" and last.offset == 2
    assert c.offset == len(data)


def test_position_identifies_the_file_for_a_resume(tmp_path: Path) -> None:
    data = b"first line\nsecond\n"
    c = _cutter(tmp_path, data)
    c.feed(data)
    ident, offset, line = c.position()
    st = (tmp_path / "f.log").stat()
    assert (offset, line) == (len(data), 3)
    assert ident.matches(st.st_dev, st.st_ino, data)
    assert not ident.matches(st.st_dev, st.st_ino, b"other content\n")
