"""Expanding file/glob/directory specs and one-shot reads (real tmp files)."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from logwatch_tui.sources.file import (
    CUT_MARKER,
    LINE_CAP,
    FileHandle,
    expand_specs,
    is_probably_binary,
    read_chunks,
)


def _lines(path: Path, **kwargs: object) -> list[bytes]:
    out: list[bytes] = []
    for chunk in read_chunks(str(path), **kwargs):  # type: ignore[arg-type]
        assert chunk.data.endswith(b"\n")
        out.extend(chunk.data[:-1].split(b"\n"))
    return out


# ------------------------------------------------------------------ expand_specs


def test_plain_files_and_missing_paths_are_kept_in_order(tmp_path: Path) -> None:
    a = tmp_path / "a.log"
    a.write_text("x\n")
    missing = tmp_path / "later.log"
    files, patterns = expand_specs([str(missing), str(a), str(a)])
    assert files == [str(missing), str(a)]
    assert patterns == []


def test_glob_expands_and_is_kept_as_pattern(tmp_path: Path) -> None:
    for name in ("b.log", "a.log", "c.txt", "old.log.gz"):
        (tmp_path / name).write_bytes(b"x\n")
    (tmp_path / "dir.log").mkdir()
    pattern = str(tmp_path / "*.log*")
    files, patterns = expand_specs([pattern])
    assert files == [str(tmp_path / "a.log"), str(tmp_path / "b.log")]
    assert patterns == [pattern]


def test_glob_matching_nothing_yet_is_still_watched(tmp_path: Path) -> None:
    pattern = str(tmp_path / "*.log")
    assert expand_specs([pattern]) == ([], [pattern])


def test_directory_means_its_regular_text_files(tmp_path: Path) -> None:
    d = tmp_path / "logs"
    d.mkdir()
    (d / "app.log").write_bytes(b"x\n")
    (d / "app.log.1").write_bytes(b"y\n")
    (d / "app.log.2.gz").write_bytes(b"\x1f\x8b\x08")
    (d / "rotated-no-suffix").write_bytes(b"\x1f\x8b\x08\x00gzip without a .gz name")
    (d / "archive.bz2").write_bytes(b"BZh91AY")
    (d / "wtmp").write_bytes(b"\x00" * 64)
    (d / "nested").mkdir()
    (d / "nested" / "deep.log").write_bytes(b"z\n")
    files, patterns = expand_specs([str(d)])
    assert files == [str(d / "app.log"), str(d / "app.log.1")]
    assert patterns == [os.path.join(str(d), "*")]


def test_directory_with_glob_characters_in_its_name(tmp_path: Path) -> None:
    d = tmp_path / "logs[1]"
    d.mkdir()
    (d / "a.log").write_bytes(b"x\n")
    files, patterns = expand_specs([str(d)])
    assert files == [str(d / "a.log")]
    assert patterns == [str(tmp_path / "logs[[]1]" / "*")]


def test_binary_detection_is_conservative(tmp_path: Path) -> None:
    text = tmp_path / "plain.log"
    text.write_bytes(b"BZh is how this line starts\n")
    assert not is_probably_binary(str(text))
    assert is_probably_binary(str(tmp_path / "x.log.xz"))  # by name alone
    zstd = tmp_path / "x.log.3"
    zstd.write_bytes(b"\x28\xb5\x2f\xfd rest")
    assert is_probably_binary(str(zstd))


# ------------------------------------------------------------------ read_chunks


def test_whole_file_in_small_chunks_keeps_lines_whole(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    lines = [b"line %05d %s" % (i, b"x" * (i % 37)) for i in range(3000)]
    log.write_bytes(b"\n".join(lines) + b"\n")
    chunks = list(read_chunks(str(log), chunk_size=4096))
    assert len(chunks) > 10
    assert [line for c in chunks for line in c.data[:-1].split(b"\n")] == lines
    pos, line_no = 0, 1
    for c in chunks:  # contiguous offsets, running line numbers
        assert c.offset == pos and c.first_line == line_no and c.initial
        assert c.handle.pread(len(c.data), c.offset) == c.data
        pos += len(c.data)
        line_no += c.data.count(b"\n")


def test_last_line_without_newline_is_delivered(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_bytes(b"one\r\ntwo\nthree")
    assert _lines(log) == [b"one\r", b"two", b"three"]


@pytest.mark.parametrize(
    ("content", "n", "expected"),
    [
        (b"a\nb\nc\n", 2, [b"b", b"c"]),
        (b"a\nb\nc", 2, [b"b", b"c"]),
        (b"a\nb\nc\n", 10, [b"a", b"b", b"c"]),
        (b"a\nb\nc\n", 3, [b"a", b"b", b"c"]),
        (b"\n\n\n", 2, [b"", b""]),
        (b"", 5, []),
        (b"a\nb\n", 0, []),
    ],
)
def test_tail_lines(tmp_path: Path, content: bytes, n: int, expected: list[bytes]) -> None:
    log = tmp_path / "a.log"
    log.write_bytes(content)
    assert _lines(log, tail_lines=n) == expected


def test_tail_of_a_large_file_reads_backwards_with_exact_line_numbers(tmp_path: Path) -> None:
    log = tmp_path / "big.log"
    log.write_bytes(b"".join(b"row %07d\n" % i for i in range(1, 200_001)))  # 2.4 MB
    chunks = list(read_chunks(str(log), tail_lines=70_000))
    got = [line for c in chunks for line in c.data[:-1].split(b"\n")]
    assert got == [b"row %07d" % i for i in range(130_001, 200_001)]
    assert chunks[0].first_line == 130_001 and chunks[0].line_exact


def test_ten_megabyte_line_and_odd_bytes(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    big = b"\x00\xff\xfe" + b"y" * 10_000_000
    log.write_bytes(b"first\n" + big + b"\nlast \xc3\x28\n")
    chunks = list(read_chunks(str(log), chunk_size=1 << 20))
    # a line over the cap is cut with a marker; offsets still point into the file
    assert _lines(log) == [b"first", big[:LINE_CAP] + CUT_MARKER, b"last \xc3\x28"]
    assert [c.cut for c in chunks] == [False, True, False]
    assert chunks[1].offset == 6 and chunks[1].end_offset == 6 + len(big) + 1
    assert chunks[2].offset == 6 + len(big) + 1 and chunks[2].first_line == 3


def test_missing_file_raises_a_clear_error_at_call_time(tmp_path: Path) -> None:
    missing = tmp_path / "nope.log"
    with pytest.raises(FileNotFoundError) as info:
        read_chunks(str(missing))
    assert str(missing) in str(info.value) and "No such file" in str(info.value)


def test_directory_raises_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(IsADirectoryError, match="is a directory"):
        read_chunks(str(tmp_path))


def test_pipe_is_read_sequentially(tmp_path: Path) -> None:
    r, w = os.pipe()
    os.write(w, b"from\na pipe")
    os.close(w)
    try:
        chunks = list(read_chunks(f"/dev/fd/{r}"))
    finally:
        os.close(r)
    assert b"".join(c.data for c in chunks) == b"from\na pipe\n"


# ------------------------------------------------------------------ FileHandle


def test_handle_reads_after_delete_and_closes_once(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_bytes(b"kept\n")
    handle = FileHandle.open(str(log))
    log.unlink()
    assert handle.pread(5, 0) == b"kept\n"
    fd = handle.fd
    handle.close()
    handle.close()
    assert handle.closed and handle.fd == -1
    with pytest.raises(ValueError, match="closed"):
        handle.pread(1, 0)
    with pytest.raises(OSError):
        os.fstat(fd)


def test_handle_closes_when_no_longer_referenced(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_bytes(b"x\n")
    chunk = next(iter(read_chunks(str(log))))
    fd = chunk.handle.holder.fd
    os.fstat(fd)  # open while the chunk holds it
    del chunk
    gc.collect()
    with pytest.raises(OSError):
        os.fstat(fd)


def test_tail_after_a_huge_prefix_numbers_lines_from_the_tail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting the lines of a multi-GB prefix would defeat tailing; then the
    numbers start at the tail and say so."""
    import logwatch_tui.sources.lines as lines_module

    monkeypatch.setattr(lines_module, "COUNT_PREFIX_LIMIT", 100)
    log = tmp_path / "a.log"
    log.write_bytes(b"".join(b"row %03d\n" % i for i in range(100)))
    chunks = list(read_chunks(str(log), tail_lines=2))
    assert chunks[0].data == b"row 098\nrow 099\n"
    assert chunks[0].first_line == 1 and not chunks[0].line_exact
