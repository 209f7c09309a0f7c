"""Export of the visible lines: raw text or JSON lines, atomic, exactly the given rows."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest

from logwatch_tui.analysis.export import ExportCancelled, export_lines, record_at
from logwatch_tui.core.filters import FilterSet
from logwatch_tui.core.levels import Level

from .test_search import build_store, py, write_lines

LINES = [
    py(0, "INFO", "start"),
    py(1, "ERROR", "request failed"),
    "Traceback (most recent call last):",
    "ConnectionRefusedError: [Errno 111]",
    py(2, "DEBUG", "tick \x1b[2J [/bold]"),
    py(3, "WARNING", "retrying \u00e9"),
]


@pytest.fixture
def app_store(tmp_path: Path):
    store, parsers = build_store((write_lines(tmp_path / "app.log", LINES), "python"))
    return store, parsers


def test_raw_export_writes_exactly_the_rows(app_store, tmp_path: Path) -> None:
    store, _ = app_store
    rows = store.visible({Level.ERROR, Level.WARNING})
    out = tmp_path / "out.log"
    n = export_lines(store, rows, out)
    assert n == 4
    assert out.read_text(encoding="utf-8").splitlines() == [LINES[1], LINES[2], LINES[3], LINES[5]]


def test_jsonl_one_object_per_record(app_store, tmp_path: Path) -> None:
    store, parsers = app_store
    rows = store.visible(range(8))
    out = tmp_path / "out.jsonl"
    n = export_lines(store, rows, out, fmt="jsonl", parser_for=lambda sid: parsers[sid].format)
    objs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert n == len(objs) == 4
    first, err, dbg, warn = objs
    assert set(first) == {"ts", "level", "message", "source", "format", "line", "fields"}
    assert first["ts"] == "2026-11-20T10:00:00+00:00"
    assert (first["level"], first["message"], first["format"]) == ("INFO", "start", "python")
    assert first["line"] == 1 and first["source"].endswith("app.log")
    assert first["fields"] == {"logger": "api"}
    assert err["level"] == "ERROR" and err["line"] == 2
    assert err["raw"] == "\n".join(LINES[1:4])  # the traceback stays with its record
    assert dbg["message"] == "tick \x1b[2J [/bold]" and dbg["line"] == 5
    assert warn["message"] == "retrying \u00e9" and warn["line"] == 6


def test_jsonl_without_parser_uses_store_columns(app_store, tmp_path: Path) -> None:
    store, _ = app_store
    out = tmp_path / "plain.jsonl"
    export_lines(store, store.visible({Level.WARNING}), out, fmt="jsonl")
    (obj,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert obj["level"] == "WARNING" and obj["message"] == LINES[5]
    assert obj["ts"].startswith("2026-11-20T10:00:03")


def test_filtered_export_matches_filter(app_store, tmp_path: Path) -> None:
    store, _ = app_store
    rows = FilterSet().add("in", "refused").apply(store, store.visible(range(8)))
    out = tmp_path / "f.log"
    assert export_lines(store, rows, out) == 3
    assert out.read_text().splitlines() == LINES[1:4]


def test_atomic_on_cancel_and_unwritable(app_store, tmp_path: Path) -> None:
    store, _ = app_store
    out = tmp_path / "keep.log"
    out.write_text("old content\n")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ExportCancelled):
        export_lines(store, store.visible(range(8)), out, cancel=cancel)
    assert out.read_text() == "old content\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    with pytest.raises(OSError, match="cannot write"):
        export_lines(store, [0], tmp_path / "no-such-dir" / "x.log")
    with pytest.raises(ValueError, match="unknown export format"):
        export_lines(store, [0], out, fmt="csv")  # type: ignore[arg-type]


def test_existing_file_keeps_its_mode(app_store, tmp_path: Path) -> None:
    store, _ = app_store
    out = tmp_path / "mode.log"
    out.write_text("")
    os.chmod(out, 0o640)
    export_lines(store, [0], out)
    assert os.stat(out).st_mode & 0o777 == 0o640
    new = tmp_path / "new.log"
    export_lines(store, [0], new)
    assert os.stat(new).st_mode & 0o777 == 0o644


def test_record_at_gathers_the_whole_record(app_store) -> None:
    store, parsers = app_store
    rec = record_at(store, 3, parser_for=lambda sid: parsers[sid].format)
    assert rec.level is Level.ERROR and rec.message == "request failed"
    assert rec.raw == "\n".join(LINES[1:4])
    assert rec.line == 2 and rec.format == "python"
    assert rec.timestamp is not None and rec.timestamp.isoformat() == "2026-11-20T10:00:01+00:00"
    with pytest.raises(IndexError):
        record_at(store, 99)
