"""The pipeline publishes immutable snapshots; the UI reads those, never the worker's state.

Issue 13: the UI thread read ``pipeline.engine.fired_counts`` and iterated
``pipeline.parsers`` while the pipeline thread added sources to it (a glob
picking up a file: "dictionary changed size during iteration"). Issue 12: a
firing alert's count stayed at its threshold; the stats rate froze when lines
stopped.
"""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path

from logwatch_tui.core.rules import Rule
from logwatch_tui.core.stats import Stats
from logwatch_tui.pipeline import Pipeline, PipelineUpdate
from logwatch_tui.sources.file import RawChunk
from tests.conftest import wait_until

UI = Path(__file__).resolve().parents[2] / "logwatch_tui" / "ui"


def line(msg: str, level: str = "ERROR") -> bytes:
    return f"{time.strftime('%Y-%m-%d %H:%M:%S')} {level} {msg}\n".encode()


def test_sources_snapshot_while_a_glob_adds_files_under_load(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.log").write_bytes(line("first", "INFO"))
    updates: list[PipelineUpdate] = []
    lock = threading.Lock()

    def sink(upd: PipelineUpdate) -> None:
        with lock:
            updates.append(upd)

    pipe = Pipeline([str(logs / "*.log")], sink=sink, use_watchdog=False, poll_interval=0.05)
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:  # the UI thread's part: read what updates carry, over and over
        try:
            while not stop.is_set():
                with lock:
                    latest = updates[-1] if updates else None
                if latest is not None:
                    for path, fmt in latest.sources:
                        assert path and fmt
                    dict(latest.fired_counts)
        except BaseException as exc:
            errors.append(exc)

    readers = [threading.Thread(target=reader) for _ in range(2)]
    pipe.start()
    for t in readers:
        t.start()
    try:
        n = 120
        for i in range(n):
            (logs / f"f{i:03d}.log").write_bytes(line(f"file {i}", "INFO") * 50)
        want = {str(logs / "a.log")} | {str(logs / f"f{i:03d}.log") for i in range(n)}

        def all_seen() -> bool:
            with lock:
                return bool(updates) and {p for p, _ in updates[-1].sources} >= want

        assert wait_until(all_seen, timeout=60)
    finally:
        stop.set()
        for t in readers:
            t.join()
        pipe.stop()
    assert errors == []
    assert pipe.error is None


def test_the_ui_reads_snapshots_not_the_pipelines_state() -> None:
    """A contract over the source: no UI module reaches into the worker's live objects —
    not even its format objects for display parsing (their caches and year state belong
    to the pipeline thread; the UI keeps its own)."""
    bad = re.compile(r"pipeline\.(parsers|engine|stats|source_ids)\b")
    offenders = [
        f"{p.relative_to(UI)}:{n}"
        for p in UI.rglob("*.py")
        for n, text in enumerate(p.read_text().splitlines(), 1)
        if bad.search(text)
    ]
    assert offenders == []


def _pipeline(rules: list[Rule]) -> tuple[Pipeline, list[PipelineUpdate]]:
    got: list[PipelineUpdate] = []
    return Pipeline(["/x.log"], sink=got.append, rules=rules), got


def test_a_firing_alert_counts_on_in_the_snapshot() -> None:
    rule = Rule(id="e", name="Errors", match="boom", threshold=2, window=600.0)
    pipe, got = _pipeline([rule])
    for _ in range(5):
        pipe.process_chunk(RawChunk("/x.log", line("boom"), 0, 1, None, False), live=True)
    pipe.flush(force=True)
    assert [(e.status, e.count) for e in got[-1].alerts] == [("firing", 2)]
    assert [(e.rule, e.count) for e in got[-1].active] == [("e", 5)]
    assert got[-1].fired_counts == {"e": 1}


def test_the_stats_rate_decays_to_zero_when_lines_stop() -> None:
    pipe, got = _pipeline([])
    pipe.stats = Stats(rate_window=0.2)
    pipe.flush_interval = 0.0
    pipe.process_chunk(RawChunk("/x.log", line("x", "INFO") * 10, 0, 1, None, False), live=True)
    pipe.flush(force=True)
    assert got[-1].stats is not None and got[-1].stats.lines_per_sec > 0

    def decayed() -> bool:
        pipe.flush()  # what the worker loop does on every idle tick
        return got[-1].stats is not None and got[-1].stats.lines_per_sec == 0

    assert wait_until(decayed, timeout=10)
    n = len(got)
    pipe.flush()
    assert len(got) == n  # at 0 it rests: no empty updates forever
