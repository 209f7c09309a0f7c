"""PatternIndex on real files: templates, exact lines per template, incremental mining.

Stores are filled the way the app fills them: the real pipeline parses real
files on disk, with byte offsets and the file handle, so the index reads the
text back with ``pread`` exactly as in the TUI.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from logwatch_tui.analysis.pattern_index import PatternIndex
from logwatch_tui.core.store import LineStore
from logwatch_tui.pipeline import Pipeline, PipelineUpdate
from logwatch_tui.sources.file import FileHandle, RawChunk, read_chunks

from ..conftest import ROOT

SAMPLE = ROOT / "tests" / "ui" / "fixtures" / "sample.log"
# 0-based lines of tests/ui/fixtures/sample.log
CONNECTION_REFUSED = [25, 26, 27, 28, 29]  # head + 4 traceback lines
PAYMENT_FAILED = [21, 22, 23, 24]


class Loader:
    """A pipeline that appends its batches to a store, chunk by chunk, as the app does."""

    def __init__(self, paths: list[Path]) -> None:
        self.store = LineStore()
        self.pipeline = Pipeline([str(p) for p in paths], sink=self._sink, want_offsets=True)

    def _sink(self, update: PipelineUpdate) -> None:
        for batch in update.batches:
            self.store.append(batch)

    def feed(self, chunk) -> None:  # noqa: ANN001 - a RawChunk
        self.pipeline.process_chunk(chunk, live=False)
        self.pipeline.flush(force=True)

    def load(self, path: Path, *, chunk_size: int = 1 << 20) -> None:
        for chunk in read_chunks(str(path), chunk_size=chunk_size):
            self.feed(chunk)

    def message_of(self, source_id: int, text: str) -> str | None:
        parser = self.pipeline.parsers[self.store.source_names[source_id]]
        parsed = parser.format.parse(text)
        return parsed.message if parsed is not None and parsed.message else None


def by_text(index: PatternIndex) -> dict[str, int]:
    return {t.text: t.count for t in index.templates()}


def tid_of(index: PatternIndex, text: str) -> int:
    return next(t.id for t in index.templates() if t.text == text)


def assert_partition(index: PatternIndex) -> None:
    """Every mined line belongs to exactly one template's lines."""
    seen: list[int] = []
    for t in index.templates():
        lines = index.lines_of(t.id)
        assert list(lines) == sorted(lines)
        seen.extend(lines)
    assert sorted(seen) == list(range(index.mined))


def test_templates_and_counts_of_a_real_file() -> None:
    loader = Loader([SAMPLE])
    loader.load(SAMPLE)
    store = loader.store
    assert len(store) == 51
    assert store.segments[0] != 0xFFFF  # text comes back through the file handle
    index = PatternIndex(store, loader.message_of)
    index.update()
    assert index.mined == 51
    assert index.records == 47  # 51 lines, 4 of them a traceback
    counts = by_text(index)
    assert counts["payment <*> settled amount=<*>"] == 10
    assert counts["cache warmed: <*> keys"] == 8
    assert counts["request GET <*> completed in <*>"] == 7
    assert counts["heartbeat seq=<*>"] == 6
    assert counts["payment <*> failed: upstream timeout"] == 4
    assert counts["connection refused by <*>"] == 1
    assert sum(counts.values()) == 47
    ranked = [t.count for t in index.templates()]
    assert ranked == sorted(ranked, reverse=True)
    # levels and times come from the records' head lines
    refused = next(t for t in index.templates() if t.text == "connection refused by <*>")
    assert refused.level_counts == {6: 1}
    assert refused.first_seen == store.ts[25]


def test_lines_of_is_exactly_the_records_with_their_tracebacks() -> None:
    loader = Loader([SAMPLE])
    loader.load(SAMPLE)
    index = PatternIndex(loader.store, loader.message_of)
    index.update()
    refused = tid_of(index, "connection refused by <*>")
    assert list(index.lines_of(refused)) == CONNECTION_REFUSED
    assert loader.store.text(29) == "app.db.PoolExhausted: pool exhausted"
    assert list(index.lines_of(tid_of(index, "payment <*> failed: upstream timeout"))) == (
        PAYMENT_FAILED
    )
    assert index.template_of_line(27) == refused
    assert index.sample_message(refused) == "connection refused by 10.0.3.12:5432"
    assert index.lines_of(10_000).tolist() == []
    assert_partition(index)


def test_continuation_lines_follow_their_own_source_when_files_interleave(
    tmp_path: Path,
) -> None:
    a = tmp_path / "a.log"
    b = tmp_path / "b.log"
    tb = [
        "Traceback (most recent call last):",
        '  File "/srv/x.py", line 1, in f',
        "ValueError: bad",
    ]
    a.write_text(
        "".join(
            f"2026-11-20 10:00:{i:02d},000 - a - ERROR - job {i} crashed\n"
            + "".join(line + "\n" for line in tb)
            for i in range(6)
        )
    )
    b.write_text(
        "".join(f"2026-11-20 10:00:{i:02d},500 - b - INFO - tick {i} done\n" for i in range(12))
    )
    loader = Loader([a, b])
    # Small chunks, alternating files: records of a.log are cut between batches and
    # lines of b.log land between a head and its traceback in the store.
    chunks_a = list(read_chunks(str(a), chunk_size=90))
    chunks_b = list(read_chunks(str(b), chunk_size=40))
    for i in range(max(len(chunks_a), len(chunks_b))):
        for chunks in (chunks_a, chunks_b):
            if i < len(chunks):
                loader.feed(chunks[i])
    store = loader.store
    assert len(store) == 24 + 12
    assert set(store.sources) == {0, 1}
    # some traceback line of a.log sits right after a line of b.log in the store
    assert any(not store.heads[i] and store.sources[i - 1] == 1 for i in range(1, len(store)))
    index = PatternIndex(store, loader.message_of)
    index.update()
    crashed = index.lines_of(tid_of(index, "job <*> crashed"))
    ticks = index.lines_of(tid_of(index, "tick <*> done"))
    assert sorted(store.text(i) for i in crashed) == sorted(a.read_text().splitlines())
    assert sorted(store.text(i) for i in ticks) == sorted(b.read_text().splitlines())
    assert {store.sources[i] for i in crashed} == {0}
    assert_partition(index)


def test_incremental_update_mines_only_new_records(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    lines = SAMPLE.read_text().splitlines(keepends=True)
    log.write_text("".join(lines[:20]))
    loader = Loader([log])
    loader.load(log)
    calls: list[int] = []

    def counting_message_of(source_id: int, text: str) -> str | None:
        calls.append(source_id)
        return loader.message_of(source_id, text)

    index = PatternIndex(loader.store, counting_message_of)
    index.update()
    assert len(calls) == index.records == 20
    payments = by_text(index)["payment <*> settled amount=<*>"]
    # the file grows: the rest of the sample arrives
    with log.open("a") as fh:
        fh.write("".join(lines[20:]))
    # what the follower hands over when a file grows: the new bytes, at their offset
    first_part = len("".join(lines[:20]).encode())
    grown = log.read_bytes()
    loader.feed(
        RawChunk(
            path=str(log),
            data=grown[first_part:],
            offset=first_part,
            first_line=21,
            handle=FileHandle.open(str(log)),
            initial=False,
        )
    )
    assert len(loader.store) == 51
    before = len(calls)
    index.update()
    assert len(calls) - before == 47 - 20  # only the new records were parsed and mined
    assert index.records == 47
    assert by_text(index)["payment <*> settled amount=<*>"] == 10 > payments
    # the same as mining the whole store at once
    fresh = PatternIndex(loader.store, loader.message_of)
    fresh.update()
    assert by_text(fresh) == by_text(index)
    assert list(index.lines_of(tid_of(index, "connection refused by <*>"))) == (CONNECTION_REFUSED)
    index.update()  # nothing new: nothing mined again
    assert len(calls) - before == 27


def test_progress_and_cancel(tmp_path: Path) -> None:
    log = tmp_path / "many.log"
    log.write_text(
        "".join(
            f"2026-11-20 10:{i // 60 % 60:02d}:{i % 60:02d},000 - w - INFO - step {i} ok\n"
            for i in range(20_000)
        )
    )
    loader = Loader([log])
    loader.load(log)
    index = PatternIndex(loader.store, loader.message_of)
    stop = threading.Event()
    stop.set()
    index.update(cancel=stop)
    assert index.mined == 0  # cancelled before the first batch
    seen: list[tuple[int, int]] = []
    index.update(progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (20_000, 20_000)
    assert len(seen) >= 3 and all(t == 20_000 for _, t in seen)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert by_text(index) == {"step <*> ok": 20_000}


def test_mining_while_the_store_grows(tmp_path: Path) -> None:
    """update() in a thread while this thread appends: nothing lost, nothing twice."""
    log = tmp_path / "grow.log"
    body = "".join(
        f"2026-11-20 10:00:{i % 60:02d},000 - w - {'ERROR' if i % 7 == 0 else 'INFO'}"
        f" - {'disk full on /dev/sd' + str(i) if i % 7 == 0 else f'step {i} ok'}\n"
        for i in range(30_000)
    )
    log.write_text(body)
    loader = Loader([log])
    chunks = list(read_chunks(str(log), chunk_size=64 * 1024))
    loader.feed(chunks[0])
    index = PatternIndex(loader.store, loader.message_of)
    done = threading.Event()

    def miner() -> None:
        while not done.is_set():
            index.update()
        index.update()

    t = threading.Thread(target=miner)
    t.start()
    for chunk in chunks[1:]:
        loader.feed(chunk)
    done.set()
    t.join(30)
    assert not t.is_alive()
    assert index.mined == len(loader.store) == 30_000
    assert by_text(index) == {"step <*> ok": 30_000 - 4286, "disk full on <*>": 4286}
    assert_partition(index)


def test_hostile_lines_are_mined_not_fatal(tmp_path: Path) -> None:
    log = tmp_path / "bad.log"
    head = b"2026-11-20 10:00:00,000 - x - INFO - "
    log.write_bytes(
        head
        + b"nul \x00 here and \xff\xfe bad utf8\n"
        + head
        + b"\x1b[31mred\x1b[0m [bold]markup[/] [@click=app.quit]x[/]\n"
        + head
        + b"huge "
        + b"y" * (10 * 1024 * 1024)
        + b"\n"
        + head
        + b"last line\n"
    )
    loader = Loader([log])
    loader.load(log)

    def broken_message_of(source_id: int, text: str) -> str | None:
        if "last" in text:
            raise RuntimeError("a format bug")
        return loader.message_of(source_id, text)

    index = PatternIndex(loader.store, broken_message_of)
    index.update()
    assert index.records == 4
    texts = {t.text for t in index.templates()}
    assert any("red" in t and "\x1b" not in t for t in texts)
    assert any(t.startswith("huge ") and len(t) <= 2048 for t in texts)
    # the line whose parse raised is classified by its raw text
    assert any(t.endswith("last line") for t in texts)
    assert_partition(index)


def test_pattern_index_imports_no_ui() -> None:
    """Domain code: usable headless (``patterns`` CLI, benchmarks) without Textual or Rich."""
    code = (
        "import sys, logwatch_tui.analysis.pattern_index\n"
        "print(','.join(sorted(n for n in sys.modules if n.split('.')[0] in ('textual', 'rich'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
