"""Search over a real LineStore: text read back from files on disk, as in the app."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from logwatch_tui.core.formats import make_format
from logwatch_tui.core.formats.detect import SourceParser
from logwatch_tui.core.search import (
    SearchError,
    compile_search,
    find_matches,
    is_case_sensitive,
    iter_line_texts,
    match_spans,
    next_match,
)
from logwatch_tui.core.store import LineStore
from logwatch_tui.pipeline import line_offsets, split_lines
from logwatch_tui.sources.file import read_chunks


def build_store(
    *files: tuple[Path, str | None], chunk_size: int = 1 << 20
) -> tuple[LineStore, dict[int, SourceParser]]:
    """A LineStore filled the way the app fills it: real chunks, offsets, pread handles."""
    store = LineStore()
    parsers: dict[int, SourceParser] = {}
    for sid, (path, fmt) in enumerate(files):
        parser = SourceParser(str(path), forced=make_format(fmt) if fmt else None)
        parsers[sid] = parser
        for chunk in read_chunks(str(path), chunk_size=chunk_size):
            batch = parser.feed(split_lines(chunk.data), first_line=chunk.first_line)
            batch.source_id = sid
            batch.offsets = line_offsets(chunk.data, chunk.offset)
            batch.end_offset = chunk.end_offset
            batch.handle = chunk.handle
            store.append(batch)
    return store, parsers


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def py(i: int, level: str, msg: str) -> str:
    return f"2026-11-20 10:{i // 60:02d}:{i % 60:02d},000 - api - {level} - {msg}"


@pytest.fixture
def mixed_store(tmp_path: Path) -> LineStore:
    lines = []
    for i in range(3000):
        if i % 100 == 7:
            lines.append(py(i, "ERROR", f"connection refused to db-{i}"))
        elif i % 10 == 3:
            lines.append(py(i, "WARNING", f"slow query {i}ms"))
        else:
            lines.append(py(i, "INFO", f"request {i} ok"))
    p = write_lines(tmp_path / "app.log", lines)
    store, _ = build_store((p, "python"), chunk_size=4096)  # many batches
    return store


def test_smart_case() -> None:
    assert compile_search("error").search("ERROR: x")
    assert compile_search("Error").search("ERROR: x") is None
    assert compile_search("Error").search("Error: x")
    # letters in escapes and group names are not case clues
    assert not is_case_sensitive(r"\S+\W\d")
    assert compile_search(r"(?P<Word>err)\S").search("ERR!")
    assert is_case_sensitive("refused A")


def test_invalid_regex_names_the_position() -> None:
    with pytest.raises(SearchError) as err:
        compile_search("conn(ection")
    assert "position" in str(err.value)
    assert err.value.pos is not None
    with pytest.raises(SearchError, match="empty"):
        compile_search("")
    with pytest.raises(SearchError):
        compile_search("a{2,1}")


def test_find_matches_reads_text_from_disk(mixed_store: LineStore) -> None:
    got = find_matches(mixed_store, "refused")
    assert list(got) == [i for i in range(3000) if i % 100 == 7]
    assert got.typecode == "q"
    # the same answer as a line-at-a-time check through store.text()
    rx = compile_search(r"slow query \d+5ms")
    assert list(find_matches(mixed_store, rx)) == [
        i for i in range(3000) if rx.search(mixed_store.text(i))
    ]


@pytest.mark.parametrize(
    "pattern",
    [
        "error",
        "ERROR",
        "Refused",
        r"db-\d+07$",
        "^2026-11-20 10:0",
        "slow|refused",
        "(?i)REQUEST 1",
        "ERROR|slow",
        "refused|",
        "Slow|ok",
    ],
)
def test_fast_paths_agree_with_plain_regex(mixed_store: LineStore, pattern: str) -> None:
    rx = compile_search(pattern)
    expected = [i for i in range(len(mixed_store)) if rx.search(mixed_store.text(i))]
    assert list(find_matches(mixed_store, pattern)) == expected


def test_find_matches_restricted_to_lines_and_range(mixed_store: LineStore) -> None:
    errors_and_warnings = mixed_store.visible({5, 6})
    got = find_matches(mixed_store, "0", lines=errors_and_warnings)
    assert set(got) <= set(errors_and_warnings)
    assert list(got) == [i for i in errors_and_warnings if "0" in mixed_store.text(i)]
    # sparse lines far apart (separate clusters) and start/stop
    sparse = [5, 7, 1207, 2907, 2999]
    assert list(find_matches(mixed_store, "refused", lines=sparse)) == [7, 1207, 2907]
    assert list(find_matches(mixed_store, "refused", start=1000, stop=2000)) == [
        i for i in range(1000, 2000) if i % 100 == 7
    ]
    assert list(find_matches(mixed_store, "refused", lines=sparse, start=8)) == [1207, 2907]


def test_cancel_and_progress(mixed_store: LineStore) -> None:
    seen: list[tuple[int, int]] = []
    find_matches(mixed_store, "x", progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1] == (3000, 3000)
    cancel = threading.Event()
    cancel.set()
    assert len(find_matches(mixed_store, "request", cancel=cancel)) == 0


def test_continuation_lines_match_on_their_own(tmp_path: Path) -> None:
    p = write_lines(
        tmp_path / "tb.log",
        [
            py(1, "ERROR", "request failed"),
            "Traceback (most recent call last):",
            '  File "db.py", line 3',
            "ConnectionRefusedError: nope",
            py(2, "INFO", "ok"),
        ],
    )
    store, _ = build_store((p, "python"))
    assert list(store.heads) == [1, 0, 0, 0, 1]
    assert list(find_matches(store, "refusederror")) == [3]


def test_bad_bytes_and_huge_lines(tmp_path: Path) -> None:
    p = tmp_path / "bad.log"
    big = "x" * (10 * 1024 * 1024) + " needle"
    p.write_bytes(
        b"plain \xff\xfe line\n"
        + b"nul \x00 here needle\n"
        + b"\x1b[31mansi needle\x1b[0m [/bold] [@click=app.quit]\n"
        + big.encode()
        + b"\n"
    )
    store, _ = build_store((p, None))
    assert list(find_matches(store, "needle")) == [1, 2, 3]
    assert list(find_matches(store, "\ufffd")) == [0]
    assert list(find_matches(store, re.escape("[/bold]"))) == [2]


def test_memory_lines_are_searched_too() -> None:
    from logwatch_tui.core.record import LineBatch

    store = LineStore()
    store.append(
        LineBatch(
            source="stdin",
            format="plain",
            first_line=1,
            lines=["alpha", "beta", "Alphabet"],
            ts=[1.0, 2.0, 3.0],
            levels=[3, 3, 3],
            messages=["alpha", "beta", "Alphabet"],
            heads=[True, True, True],
        )
    )
    assert list(find_matches(store, "alpha")) == [0, 2]
    assert [t for _, ts in iter_line_texts(store, [0, 2]) for t in ts] == ["alpha", "Alphabet"]


def test_match_spans() -> None:
    assert match_spans("err", "Error and error") == [(0, 3), (10, 13)]
    assert match_spans("a*", "baab") == [(1, 3)]  # empty matches are skipped
    assert match_spans(r"^\w+", "one\ntwo") == [(0, 3), (4, 7)]  # per line in a record


def test_next_match_wraps() -> None:
    m = [3, 10, 20]
    assert next_match(m, 10) == 20
    assert next_match(m, 20) == 3
    assert next_match(m, 20, wrap=False) is None
    assert next_match(m, 3, forward=False) == 20
    assert next_match(m, 11, forward=False) == 10
    assert next_match([], 0) is None
