"""The TUI's columnar index (worker processes -> packed columns) gives the line path's answer.

A big file's existing content is parsed by worker processes into packed columns
(:func:`logwatch_tui.ingest.existing.replay_packed`). The reference is the line
path (no ``index_existing``): the store must hold the same lines (offsets, lengths,
levels, times, heads, text), the stats the same counts and series, the rules the
same alerts — on generated syslog and JSON files cut into many byte ranges, on a
file whose middle the workers cannot cover (the line path takes over from there),
and the follower must go on after the index exactly where it stopped.
"""

from __future__ import annotations

import functools
import os
import threading
import zlib
from pathlib import Path

import pytest

from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import PackedLines
from logwatch_tui.core.rules import load_rules
from logwatch_tui.core.store import LineStore
from logwatch_tui.ingest import existing
from logwatch_tui.ingest.existing import EarlyIndex, replay_packed
from logwatch_tui.ingest.live import LiveIndex
from logwatch_tui.ingest.packed import pack_task
from logwatch_tui.ingest.workers import WorkerSet
from logwatch_tui.pipeline import Pipeline
from tests.unit.test_ingest_check import RULES, _generate


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("packed")
    return {
        "syslog": _generate(d / "gen-syslog.log", "syslog", 20_000),
        "json": _generate(d / "gen.jsonl", "json", 8_000),
    }


@pytest.fixture
def rules(tmp_path: Path):
    p = tmp_path / "rules.toml"
    p.write_text(RULES)
    return load_rules(p)


class Run:
    """A pipeline following ``path`` into a store, as the app does."""

    def __init__(
        self, path: Path, rules, *, packed: bool, range_bytes: int = 50_000, early=None
    ) -> None:
        self.store = LineStore()
        self.alerts: list = []
        self.stats = None
        self.packed_batches = 0
        self.caught_up = threading.Event()
        self.lock = threading.Lock()
        index = (
            functools.partial(
                replay_packed, min_bytes=0, range_bytes=range_bytes, workers=2, early=early
            )
            if packed
            else None
        )
        self.pipe = Pipeline(
            [str(path)],
            sink=self.sink,
            rules=rules,
            want_offsets=True,
            index_existing=index,
            use_watchdog=False,
            poll_interval=0.05,
            tick_interval=3600.0,  # no wall-clock ticks: both runs see the same lines only
        )
        self.pipe.start()
        assert self.caught_up.wait(60), "the existing content was never all read"

    def sink(self, upd) -> None:
        with self.lock:
            for b in upd.batches:
                self.packed_batches += isinstance(b, PackedLines)
                self.store.append(b)
            self.alerts += [
                (a.rule, a.status, a.at, a.count, a.key) for a in upd.history_alerts + upd.alerts
            ]
            if upd.stats is not None:
                self.stats = upd.stats
            if upd.caught_up:
                self.caught_up.set()

    def wait_lines(self, n: int, timeout: float = 20.0) -> None:
        ev = threading.Event()
        deadline = threading.Timer(timeout, ev.set)
        deadline.start()
        try:
            while not ev.is_set():
                with self.lock:
                    if len(self.store) >= n:
                        return
                ev.wait(0.02)
        finally:
            deadline.cancel()
        raise AssertionError(f"{len(self.store)} lines, expected {n}")

    def close(self) -> None:
        self.pipe.stop()


def columns(store: LineStore) -> dict:
    return {
        "offsets": list(store.offsets),
        "lengths": list(store.lengths),
        "levels": bytes(store.levels),
        "ts": list(store.ts),
        "heads": bytes(store.heads),
        "sources": bytes(store.sources),
    }


def assert_same(got: Run, ref: Run) -> None:
    assert len(got.store) == len(ref.store)
    assert columns(got.store) == columns(ref.store)
    n = len(ref.store)
    for i in (0, 1, n // 3, n // 2, n - 2, n - 1):
        assert got.store.text(i) == ref.store.text(i)
    assert got.alerts == ref.alerts
    g, r = got.stats, ref.stats
    assert (g.total_lines, g.total_records, g.counts) == (r.total_lines, r.total_records, r.counts)
    assert (g.series, g.first_ts, g.last_ts) == (r.series, r.first_ts, r.last_ts)


@pytest.mark.parametrize("fmt", ["syslog", "json"])
def test_packed_index_is_the_line_path(generated, rules, fmt: str) -> None:
    ref = Run(generated[fmt], rules, packed=False)
    got = Run(generated[fmt], rules, packed=True)
    try:
        assert got.packed_batches > 5, "the workers must really have indexed the file"
        assert ref.packed_batches == 0
        assert_same(got, ref)
        assert ref.alerts, "the comparison means something only if rules fired"
    finally:
        ref.close()
        got.close()


def test_uncovered_range_hands_the_rest_to_the_line_path(tmp_path, generated, rules, caplog):
    caplog.set_level("INFO", logger="logwatch_tui.ingest.existing")
    data = generated["syslog"].read_bytes().split(b"\n")
    mid = len(data) * 2 // 3
    data.insert(
        mid, b"Dec  5 00:31:04 web-01 api[12]: ERROR caf\xc3\xa9 connection refused by 10.0.0.9"
    )
    data.insert(mid + 1, b"   a continuation line")
    path = tmp_path / "mixed.log"
    path.write_bytes(b"\n".join(data))
    ref = Run(path, rules, packed=False)
    got = Run(path, rules, packed=True)
    try:
        assert "line-by-line path from byte" in caplog.text
        assert got.packed_batches > 2
        assert_same(got, ref)
    finally:
        ref.close()
        got.close()


def test_follows_on_after_the_index(tmp_path, generated, rules) -> None:
    """The follower starts exactly after the indexed lines: an unfinished last line
    is completed by its newline, appended lines come next, nothing twice or lost."""
    path = tmp_path / "grow.log"
    body = generated["syslog"].read_bytes()
    partial = b"Dec  5 00:31:04 web-01 api[12]: ERROR half a li"
    path.write_bytes(body + partial)
    got = Run(path, rules, packed=True)
    try:
        n = body.count(b"\n")
        got.wait_lines(n)
        assert got.packed_batches > 5
        with path.open("ab") as fh:
            fh.write(b"ne\nDec  5 00:31:05 web-01 api[12]: INFO after the index\n")
        got.wait_lines(n + 2)
        store = got.store
        assert len(store) == n + 2
        assert store.text(n) == (partial + b"ne").decode()
        assert store.text(n + 1) == "Dec  5 00:31:05 web-01 api[12]: INFO after the index"
        assert store.offsets[n] == len(body)
        assert store.text(n - 1) == body.rstrip(b"\n").rsplit(b"\n", 1)[1].decode()
    finally:
        got.close()


def test_early_index_from_launch_is_used_and_identical(generated, rules, caplog) -> None:
    """Ranges parsed while the UI starts are taken by the pipeline: same answer."""
    caplog.set_level("INFO", logger="logwatch_tui.ingest.existing")
    path = generated["syslog"]
    early = EarlyIndex.for_sources([str(path)], rules=rules, min_bytes=0, range_bytes=50_000)
    assert early is not None
    ref = Run(path, rules, packed=False)
    got = Run(path, rules, packed=True, early=early)
    try:
        assert "columnar index from launch" in caplog.text
        assert got.packed_batches > 5
        assert_same(got, ref)
    finally:
        ref.close()
        got.close()


def test_early_index_of_another_content_is_not_used(tmp_path, generated, rules, caplog) -> None:
    """The file was replaced between launch and the pipeline's open: its own index."""
    caplog.set_level("INFO", logger="logwatch_tui.ingest.existing")
    path = tmp_path / "replaced.log"
    body = generated["syslog"].read_bytes()
    path.write_bytes(body)
    # the new content starts with the same bytes (same first chunk, same plan), then differs
    cut = body.index(b"\n", len(body) // 4) + 1
    other = body[:cut] + body[cut:].replace(b" INFO ", b" WARNING ")
    early = EarlyIndex.for_sources([str(path)], rules=rules, min_bytes=0, range_bytes=50_000)
    assert early is not None
    assert early.started(timeout=30)
    path.unlink()
    path.write_bytes(other)  # a new inode, other content
    ref = Run(path, rules, packed=False)
    got = Run(path, rules, packed=True, early=early)
    try:
        assert "columnar index from launch" not in caplog.text
        assert got.packed_batches > 5
        assert_same(got, ref)
    finally:
        ref.close()
        got.close()


class LiveRun(Run):
    """Follows a small file; a big block is appended at once (a burst for the workers)."""

    def __init__(self, path: Path, rules, *, live: bool) -> None:
        self.live = LiveIndex(workers=2, min_chunk=64 << 10, min_burst=0) if live else None
        self.store = LineStore()
        self.alerts = []
        self.stats = None
        self.packed_batches = 0
        self.caught_up = threading.Event()
        self.lock = threading.Lock()
        self.pipe = Pipeline(
            [str(path)],
            sink=self.sink,
            rules=rules,
            want_offsets=True,
            index_live=self.live,
            use_watchdog=False,
            poll_interval=0.05,
            tick_interval=3600.0,  # no wall-clock ticks: both runs see the same lines only
        )
        self.pipe.start()
        assert self.caught_up.wait(60)

    def close(self) -> None:
        super().close()
        if self.live is not None:
            self.live.close()


def append_both_ways(tmp_path: Path, body: bytes, cut: int, rules) -> tuple[LiveRun, LiveRun]:
    """Follow ``body[:cut]``, append the rest at once: (line path, workers)."""
    runs = []
    for live in (False, True):
        path = tmp_path / f"append-{live}.log"
        path.write_bytes(body[:cut])
        run = LiveRun(path, rules, live=live)
        runs.append(run)
        run.wait_lines(body[:cut].count(b"\n"))
        with path.open("ab") as fh:
            fh.write(body[cut:])
        run.wait_lines(body.count(b"\n"))
    return runs[0], runs[1]


def assert_same_append(ref: LiveRun, got: LiveRun, first_appended: int) -> None:
    assert ref.packed_batches == 0
    assert columns(got.store) == columns(ref.store)
    n = len(ref.store)
    for i in (first_appended, first_appended + 1, n // 2, n - 1):
        assert got.store.text(i) == ref.store.text(i)
    assert got.alerts == ref.alerts
    g, r = got.stats, ref.stats
    assert (g.total_lines, g.counts, g.series) == (r.total_lines, r.counts, r.series)


@pytest.mark.parametrize("stream_seconds", [None, 0.0])
def test_big_append_is_parsed_by_workers_and_identical(
    tmp_path, generated, rules, monkeypatch, stream_seconds
) -> None:
    """(0 s: the burst is cut into one stream per chunk, the pipeline's loop between.)"""
    from logwatch_tui.ingest import live

    if stream_seconds is not None:
        monkeypatch.setattr(live, "STREAM_SECONDS", stream_seconds)
    body = generated["syslog"].read_bytes() * (1 if stream_seconds is None else 3)
    cut = body.index(b"\n", 200_000) + 1
    ref, got = append_both_ways(tmp_path, body, cut, rules)
    try:
        assert got.packed_batches >= 1, "the appended block must reach the workers"
        assert ref.alerts
        assert_same_append(ref, got, body[:cut].count(b"\n"))
    finally:
        ref.close()
        got.close()


def syslog_across_new_year(lines: int) -> bytes:
    """One line a second from Dec 31 12:00 on: the year rolls over at line 43,200."""
    import datetime as dt

    t = dt.datetime(2025, 12, 31, 12, 0, 0)
    out = []
    for i in range(lines):
        stamp = (t + dt.timedelta(seconds=i)).strftime("%b %e %H:%M:%S")
        word = "error" if i % 97 == 0 else "info"
        out.append(f"{stamp} web01 app[42]: {word} request {i} done in {i % 500} ms\n")
    return "".join(out).encode()


def test_a_year_rollover_inside_an_appended_burst_is_the_line_paths(tmp_path, rules) -> None:
    """Workers parse with the year the burst started in: the chunk where the year rolls
    over, and every chunk after it, go the line path (which sees the rollover)."""
    body = syslog_across_new_year(60_000)
    cut = body.index(b"\n", 100_000) + 1  # ~1,400 lines before; the rollover ~3 MB on
    ref, got = append_both_ways(tmp_path, body, cut, rules)
    try:
        assert got.packed_batches >= 1
        years = {int(got.store.ts[i] // (365.25 * 86400)) for i in (0, len(got.store) - 1)}
        assert len(years) == 2, "the last line is in the next year"
        assert_same_append(ref, got, body[:cut].count(b"\n"))
    finally:
        ref.close()
        got.close()


def test_a_chunk_starting_half_a_year_back_is_left_to_the_line_path() -> None:
    """A rollover on a chunk boundary: the workers parsed the new chunk with the old
    year (its first time half a year before the last one); it must not be applied."""
    from logwatch_tui.core.formats.columnar import HALF_YEAR, ColumnarPlan
    from logwatch_tui.ingest.live import _Applied
    from logwatch_tui.ingest.packed import PackedRange
    from logwatch_tui.sources.content import RawChunk

    last = 1_767_225_599.0  # Dec 31 23:59:59
    plan = ColumnarPlan("bsd-syslog", "syslog", 2025, last)
    state = _Applied(parser=None, plan=plan, source_id=0)
    data = b"Jan  1 00:00:00 web01 app[42]: info\n"
    chunk = RawChunk("x.log", data, 0, 1, None, False)
    jan_first_old_year = last - 365 * 86400 + 1
    rng = PackedRange(
        0, len(data), True, lines=1, first_epoch=jan_first_old_year, crc=zlib.crc32(data)
    )
    assert not state.apply(None, chunk, rng)
    assert jan_first_old_year <= last - HALF_YEAR


def lying_pack(task: tuple):
    """A worker that read other bytes than the follower did (the file was rewritten in
    between) for ranges past the first 2 MB: other levels, another CRC."""
    rng = pack_task(task)
    if task[1] > 2_000_000:
        rng.crc ^= 1
        rng.levels = bytes([Level.ERROR]) * rng.lines
    return rng


def dying_late_pack(task: tuple):
    """A worker that dies (as an OOM kill would) on a range past the first 2 MB."""
    if task[1] > 2_000_000:
        os._exit(3)
    return pack_task(task)


@pytest.mark.parametrize("worker", [lying_pack, dying_late_pack])
def test_a_burst_whose_workers_fail_midway_ends_on_the_line_path(
    tmp_path, generated, rules, monkeypatch, worker
) -> None:
    """Chunks already sent when a worker's answer cannot be used are parsed from
    memory, in order: no line lost, none twice, the same alerts."""
    from logwatch_tui.ingest import live

    monkeypatch.setattr(live, "spawn_workers", lambda n: WorkerSet(n, worker))
    body = generated["syslog"].read_bytes() * 4  # ~6 MB: several chunks in flight
    cut = body.index(b"\n", 200_000) + 1
    ref, got = append_both_ways(tmp_path, body, cut, rules)
    try:
        assert got.packed_batches >= 1, "the first chunks come from the workers"
        assert_same_append(ref, got, body[:cut].count(b"\n"))
    finally:
        ref.close()
        got.close()


def dying_pack(task: tuple):
    """A worker that dies (as an OOM kill would) on a range past the first 500 kB."""
    if task[1] > 500_000:
        os._exit(3)
    return pack_task(task)


def test_dead_workers_hand_the_rest_to_the_line_path(generated, rules, monkeypatch, caplog):
    caplog.set_level("INFO", logger="logwatch_tui.ingest.existing")
    monkeypatch.setattr(existing, "spawn_workers", lambda n: WorkerSet(n, dying_pack))
    ref = Run(generated["syslog"], rules, packed=False)
    got = Run(generated["syslog"], rules, packed=True)
    try:
        assert "worker processes failed" in caplog.text
        assert got.packed_batches >= 1
        assert got.pipe.error is None
        assert_same(got, ref)
    finally:
        ref.close()
        got.close()


def test_a_cr_file_is_indexed_by_the_line_path_with_the_same_lines(tmp_path, generated, rules):
    """Workers cut at LF: a file whose lines end in a lone CR goes the line path, and its
    lines are those of the same file with LF ends."""
    lf = tmp_path / "lf.log"
    cr = tmp_path / "cr.log"
    data = generated["syslog"].read_bytes()
    lf.write_bytes(data)
    cr.write_bytes(data.replace(b"\n", b"\r"))
    assert EarlyIndex.for_sources([str(cr)], min_bytes=0, rules=rules) is None
    ref = Run(lf, rules, packed=False)
    got = Run(cr, rules, packed=True)
    try:
        assert got.packed_batches == 0
        assert columns(got.store)["levels"] == columns(ref.store)["levels"]
        assert len(got.store) == len(ref.store) == data.count(b"\n")
        assert got.store.text(5) == ref.store.text(5)
        assert got.alerts == ref.alerts
    finally:
        ref.close()
        got.close()


NO_NUMPY_SCRIPT = """
import functools, sys, threading
from logwatch_tui.ingest.existing import replay_packed
from logwatch_tui.ingest.live import LiveIndex
from logwatch_tui.pipeline import Pipeline

path = sys.argv[1]
done, lines = threading.Event(), [0]

def sink(upd):
    lines[0] += sum(len(b) for b in upd.batches)
    if upd.caught_up:
        done.set()

live = LiveIndex(workers=2, min_chunk=64 << 10, min_burst=0)
pipe = Pipeline([path], sink=sink, want_offsets=True, use_watchdog=False,
                index_existing=functools.partial(replay_packed, min_bytes=0,
                                                 range_bytes=50_000, workers=2),
                index_live=live)
pipe.start()
assert done.wait(60)
pipe.stop()
live.close()
print(lines[0], "numpy" in sys.modules)
"""


def test_the_ui_process_indexes_without_importing_numpy(generated) -> None:
    """Only the workers import numpy: in the UI process it would cost ~0.1 s of the
    first screen (imported on the index thread while the UI starts) and memory."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", NO_NUMPY_SCRIPT, str(generated["syslog"])],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout.split()
    assert int(out[0]) == generated["syslog"].read_bytes().count(b"\n")
    assert out[1] == "False"
