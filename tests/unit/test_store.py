from __future__ import annotations

import os
from pathlib import Path

from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import LineBatch
from logwatch_tui.core.store import MAX_LINE_BYTES, LineStore, arange


class PreadFile:
    """The real thing the tailer hands over: an fd read with os.pread."""

    def __init__(self, path: Path) -> None:
        self.fd = os.open(path, os.O_RDONLY)

    def pread(self, length: int, offset: int) -> bytes:
        return os.pread(self.fd, length, offset)


def batch(
    lines,
    levels,
    *,
    source="a.log",
    sid=0,
    heads=None,
    offsets=None,
    end=None,
    handle=None,
    t0=1000.0,
):
    n = len(lines)
    return LineBatch(
        source=source,
        format="plain",
        first_line=1,
        lines=list(lines),
        ts=[t0 + i for i in range(n)],
        levels=list(levels),
        messages=list(lines),
        heads=heads if heads is not None else [True] * n,
        offsets=offsets,
        end_offset=end,
        source_id=sid,
        handle=handle,
    )


def test_memory_text_and_columns() -> None:
    s = LineStore()
    r = s.append(batch(["a", "b", "c"], [Level.INFO, Level.ERROR, Level.DEBUG]))
    assert r == range(0, 3)
    assert [s.text(i) for i in r] == ["a", "b", "c"]
    assert list(s.levels) == [3, 6, 2]
    assert list(s.ts) == [1000.0, 1001.0, 1002.0]


def test_text_read_back_from_file_by_offset(tmp_path: Path) -> None:
    data = b"first\nsecond line\r\nthird \xff\xfe bad\n"
    p = tmp_path / "x.log"
    p.write_bytes(data)
    s = LineStore()
    s.append(
        batch(
            ["first", "second line", "third"],
            [3, 3, 3],
            offsets=[0, 6, 19],
            end=len(data),
            handle=PreadFile(p),
        )
    )
    assert s.text(0) == "first"
    assert s.text(1) == "second line"
    assert s.text(2) == "third \ufffd\ufffd bad"


def test_long_line_is_cut_with_marker(tmp_path: Path) -> None:
    p = tmp_path / "long.log"
    body = b"x" * (MAX_LINE_BYTES + 500)
    p.write_bytes(body + b"\n")
    s = LineStore()
    s.append(batch(["x"], [3], offsets=[0], end=len(body) + 1, handle=PreadFile(p)))
    text = s.text(0)
    assert text.startswith("x" * 100)
    assert text.endswith("[+500 bytes]")


def test_visible_by_level_and_source() -> None:
    s = LineStore()
    s.append(batch(["i", "e", "d", "w"], [Level.INFO, Level.ERROR, Level.DEBUG, Level.WARNING]))
    s.append(batch(["x", "y"], [Level.ERROR, Level.INFO], source="b.log", sid=1))
    assert list(s.visible({3, 5, 6})) == [0, 1, 3, 4, 5]
    assert list(s.visible({6})) == [1, 4]
    assert list(s.visible({6}, start=2)) == [4]
    assert list(s.visible(range(8), sources=[1])) == [4, 5]


def test_find_level_skips_continuations() -> None:
    s = LineStore()
    s.append(
        batch(
            ["ok", "boom", "  trace", "ok", "warn", "boom2"],
            [3, 6, 6, 3, 5, 7],
            heads=[True, True, False, True, True, True],
        )
    )
    assert s.find_level(0, Level.ERROR, True) == 1
    assert s.find_level(1, Level.ERROR, True) == 5  # not the continuation at 2
    assert s.find_level(5, Level.ERROR, False) == 1
    assert s.find_level(0, Level.WARNING, True, Level.WARNING) == 4
    assert s.find_level(5, Level.TRACE, True) is None


def test_bytes_per_line_is_small() -> None:
    s = LineStore()
    n = 10_000
    s.append(
        batch(["x"] * n, [3] * n, offsets=list(range(0, 2 * n, 2)), end=2 * n, handle=object())
    )
    assert s.nbytes / n <= 30


def test_iter_text_blocks_reads_runs_in_order(tmp_path: Path) -> None:
    lines = [f"line {i} \u00e9" for i in range(1000)]
    data = ("\r\n".join(lines[:10]) + "\r\n" + "\n".join(lines[10:]) + "\n").encode()
    p = tmp_path / "f.log"
    p.write_bytes(data)
    offs, pos = [], 0
    for raw in data.split(b"\n")[:-1]:
        offs.append(pos)
        pos += len(raw) + 1
    s = LineStore()
    h = PreadFile(p)
    s.append(batch(lines[:500], [3] * 500, offsets=offs[:500], end=offs[500], handle=h))
    s.append(batch(["mem a", "mem b"], [3, 3], source="m", sid=1))
    s.append(batch(lines[500:], [3] * 500, offsets=offs[500:], end=len(data), handle=h))
    got: list[str] = []
    firsts = []
    for first, texts in s.iter_text_blocks(block_bytes=2000):
        assert first == len(got)
        firsts.append(first)
        got.extend(texts)
    assert got == lines[:500] + ["mem a", "mem b"] + lines[500:]
    assert len(firsts) > 3  # block size respected
    assert [t for _, ts in s.iter_text_blocks(495, 505) for t in ts] == [
        s.text(i) for i in range(495, 505)
    ]


def test_iter_text_blocks_when_offsets_restart_on_the_same_file(tmp_path: Path) -> None:
    """copytruncate: the same file handle, offsets starting again at 0."""
    p = tmp_path / "t.log"
    first = [f"old {i}" for i in range(50)]
    p.write_text("\n".join(first) + "\n")
    h = PreadFile(p)
    s = LineStore()
    offs, pos = [], 0
    for line in first:
        offs.append(pos)
        pos += len(line) + 1
    s.append(batch(first, [3] * 50, offsets=offs, end=pos, handle=h))
    second = [f"new {i:02d}" for i in range(30)]
    p.write_text("\n".join(second) + "\n")  # truncated and rewritten
    offs2 = [i * 7 for i in range(30)]
    s.append(batch(second, [3] * 30, offsets=offs2, end=30 * 7, handle=h))
    got = [t for _, ts in s.iter_text_blocks(block_bytes=1 << 20) for t in ts]
    assert len(got) == 80
    assert got[50:] == second  # (the old lines' bytes are gone from disk: whatever is there)
    assert got[50:] == [s.text(i) for i in range(50, 80)]


def test_arange_is_range_across_block_edges() -> None:
    """The all-lines-shown row index is built without a Python int per row: it must be
    exactly ``range`` on every side of its 65,536-value blocks."""
    edges = [0, 1, 4095, 65535, 65536, 65537, 131072, 1 << 33]
    for a in edges:
        for n in (0, 1, 2, 7, 4096, 65535, 65536, 65537, 200_000):
            assert arange(a, a + n).tolist() == list(range(a, a + n)), (a, n)
    assert arange(10, 5).tolist() == []


def test_every_line_shown_is_every_line_and_the_longest_is_kept(tmp_path: Path) -> None:
    s = LineStore()
    n = 150_000
    s.append(batch(["x"] * n, [Level.INFO] * n))
    assert s.visible(range(8)).tolist() == list(range(n))
    assert s.visible(range(8), start=70_000).tolist() == list(range(70_000, n))
    path = tmp_path / "f.log"
    text = b"short\n" + b"a much longer line\n" + b"mid\n"
    path.write_bytes(text)
    t = LineStore()
    t.append(
        batch(
            ["short", "a much longer line", "mid"],
            [Level.INFO] * 3,
            offsets=[0, 6, 25],
            end=len(text),
            handle=PreadFile(path),
        )
    )
    assert t.max_length == len("a much longer line") == max(t.lengths)


class LevelsLast(bytearray):
    """The store's levels column, checking that every other column is already complete
    when levels grow: ``len(store)`` (the levels' length) then never counts a line
    another thread (filter, search, histogram) would find half-appended."""

    store: LineStore

    def _check(self, added: int) -> None:
        s = self.store
        n = len(self) + added
        cols = (s.offsets, s.lengths, s.segments, s.ts, s.sources, s.heads)
        assert min(len(c) for c in cols) >= n, [len(c) for c in cols]

    def extend(self, values) -> None:  # type: ignore[override]
        values = bytes(values)
        self._check(len(values))
        super().extend(values)

    def __iadd__(self, other):  # type: ignore[override]
        self._check(len(other))
        return super().__iadd__(other)


def test_a_line_is_counted_only_once_all_its_columns_are_in(tmp_path: Path) -> None:
    from array import array

    from logwatch_tui.core.record import PackedLines

    s = LineStore()
    s.levels = LevelsLast()
    s.levels.store = s
    s.append(batch(["a", "b"], [Level.INFO, Level.ERROR]))
    path = tmp_path / "f.log"
    path.write_bytes(b"x\ny\n")
    s.append(
        PackedLines(
            source="f.log",
            format="syslog",
            first_line=1,
            count=2,
            offsets=array("q", [0, 2]).tobytes(),
            lengths=array("I", [1, 1]).tobytes(),
            ts=array("d", [1.0, 2.0]).tobytes(),
            levels=bytes([Level.INFO, Level.WARNING]),
            end_offset=4,
            handle=PreadFile(path),
        )
    )
    assert len(s) == 4 and s.text(3) == "y"
