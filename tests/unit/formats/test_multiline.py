"""Multiline assembly: tracebacks, Java stacks, splits across batches."""

from __future__ import annotations

from logwatch_tui.core.formats import make_format
from logwatch_tui.core.formats.detect import SourceParser
from logwatch_tui.core.levels import Level
from logwatch_tui.core.multiline import MultilineState, assemble, looks_like_continuation

PY = [
    "2026-11-20 10:00:00,000 - app - INFO - start",
    "2026-11-20 10:00:01,000 - app - ERROR - failed",
    "Traceback (most recent call last):",
    '  File "a.py", line 1, in <module>',
    "ValueError: bad",
    "",
    "2026-11-20 10:00:02,000 - app - INFO - next",
]


def test_python_traceback_joins_its_record(utc) -> None:
    sp = SourceParser("x", forced=make_format("python"))
    b = sp.feed(PY, first_line=1)
    assert b.heads == [True, True, False, False, False, False, True]
    assert b.levels[2:6] == [Level.ERROR] * 4
    assert b.ts[2:6] == [b.ts[1]] * 4
    assert b.messages[2:6] == [None] * 4
    assert sp.record(b, 1).raw == "\n".join(PY[1:6])


def test_java_stack_in_generic_log(utc, example) -> None:
    lines = example("generic.log")
    sp = SourceParser("generic.log")
    b = sp.feed(lines, first_line=1)
    for i, ln in enumerate(lines):
        if ln.startswith(("\tat ", "Caused by:", "\t... ", "java.")):
            assert not b.heads[i], ln
            assert b.levels[i] == Level.ERROR
    i = lines.index("Caused by: java.io.IOException: connect timed out after 5000 ms")
    head = max(j for j in range(i) if b.heads[j])
    rec = sp.record(b, head)
    assert "Caused by: java.io.IOException" in rec.raw and rec.raw.endswith("\t... 12 more")


def test_traceback_split_across_feeds(utc) -> None:
    sp = SourceParser("x", forced=make_format("python"))
    b1 = sp.feed(PY[:3], first_line=1)
    b2 = sp.feed(PY[3:], first_line=4)
    assert b1.heads == [True, True, False]
    assert b2.heads == [False, False, False, True]
    assert b2.levels[:3] == [Level.ERROR] * 3 and b2.ts[:3] == [b1.ts[1]] * 3


def test_orphans_at_start_and_after_reset(utc) -> None:
    sp = SourceParser("x", forced=make_format("python"))
    b = sp.feed(["  orphan", "ValueError: x", "INFO:a:b", "  child"], first_line=1)
    assert b.heads == [True, False, True, False]
    assert b.levels[:2] == [Level.UNKNOWN, Level.UNKNOWN] and b.messages[0] == "  orphan"
    sp.reset()
    b2 = sp.feed(["  after rotation"], first_line=1)
    assert b2.heads == [True] and b2.messages == ["  after rotation"]


def test_line_formats_only_continue_continuation_shapes() -> None:
    sp = SourceParser("x", forced=make_format("logfmt"))
    lines = [
        "level=error msg=boom",
        "    at com.example.A(A.java:1)",
        "Caused by: x",
        "garbage line",
        "\t... 4 more",
    ]
    b = sp.feed(lines, first_line=1)
    assert b.heads == [True, False, False, True, False]
    assert b.levels == [Level.ERROR, Level.ERROR, Level.ERROR, Level.UNKNOWN, Level.UNKNOWN]
    assert b.messages[3] == "garbage line"


def test_assemble_directly_and_shapes() -> None:
    st = MultilineState()
    ts = [None, 5.0, None]
    lv = [0, 3, 0]
    ms = [None, "a", None]
    heads = assemble(["x", "y", "z"], ts, lv, ms, multiline=True, state=st, arrival=None)
    assert heads == [True, True, False]
    assert ts == [5.0, 5.0, 5.0] and lv == [0, 3, 3] and ms == ["x", "a", None]
    for s in (
        "  x",
        "\tat y",
        "at z",
        "Caused by: e",
        "... 3 more",
        "",
        "Traceback (most recent call last):",
    ):
        assert looks_like_continuation(s), s
    for s in ("ValueError: x", "hello", "{}"):
        assert not looks_like_continuation(s), s
