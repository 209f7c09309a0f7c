"""``.gz``/``.bz2``/``.xz`` are read transparently: parse, check, and follow mode with globs."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import os
import subprocess
import sys
from pathlib import Path

import pytest

from logwatch_tui.pipeline import Pipeline, PipelineUpdate, preview_store
from tests.conftest import wait_until

ROOT = Path(__file__).resolve().parents[2]
LOGS = ROOT / "examples" / "logs"
CODECS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}


def parse_json(*paths: Path | str) -> list[dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "logwatch_tui", "parse", "--json", *map(str, paths)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TZ": "UTC"},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return [json.loads(x) for x in proc.stdout.splitlines()]


@pytest.mark.parametrize("suffix", sorted(CODECS))
@pytest.mark.parametrize("name", ["syslog.log", "python.log", "app.jsonl"])
def test_compressed_file_gives_the_same_records_as_the_plain_file(
    tmp_path: Path, suffix: str, name: str
) -> None:
    src = LOGS / name
    if not src.exists():
        pytest.skip(f"{src} missing")
    packed = tmp_path / (name + suffix)
    packed.write_bytes(CODECS[suffix](src.read_bytes()))
    plain = parse_json(src)
    got = parse_json(packed)
    assert len(got) == len(plain) > 0
    for a, b in zip(plain, got):
        b = dict(b)
        assert b.pop("source") == str(packed)
        a = dict(a)
        a.pop("source")
        assert a == b


def test_check_counts_the_same_in_compressed_and_plain(tmp_path: Path) -> None:
    src = LOGS / "python.log"
    packed = tmp_path / "python.log.xz"
    packed.write_bytes(lzma.compress(src.read_bytes()))
    rules = ROOT / "examples" / "rules.toml"

    def check(p: Path) -> list[str]:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "logwatch_tui",
                "check",
                "--json",
                "--rules",
                str(rules),
                str(p),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "TZ": "UTC"},
            timeout=60,
        )
        return [
            (e["rule"], e["status"], e["at"]) for e in map(json.loads, proc.stdout.splitlines())
        ]

    assert check(packed) == check(src) != []


def test_a_corrupt_compressed_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "app.log.1.gz"
    bad.write_bytes(gzip.compress(b"2026-12-04 10:00:00 INFO a\n" * 100)[:40])
    proc = subprocess.run(
        [sys.executable, "-m", "logwatch_tui", "parse", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 2
    assert str(bad) in proc.stderr and "Traceback" not in proc.stderr


def _rotated_set(d: Path) -> Path:
    """app.log.3.gz (oldest) … app.log.1 … app.log (live), one line per second of 10:00."""
    names = ["app.log.3.gz", "app.log.2.bz2", "app.log.1", "app.log"]
    for age, name in enumerate(names):
        lines = "".join(
            f"2026-12-04 10:00:{age * 10 + i:02d} INFO part={name} n={i}\n" for i in range(10)
        ).encode()
        if name.endswith(".gz"):
            lines = gzip.compress(lines)
        elif name.endswith(".bz2"):
            lines = bz2.compress(lines)
        (d / name).write_bytes(lines)
        t = 1_700_000_000 + age * 100
        os.utime(d / name, (t, t))
    return d / "app.log"


def test_parse_glob_picks_up_compressed_rotations(tmp_path: Path) -> None:
    _rotated_set(tmp_path)
    recs = parse_json(str(tmp_path / "app.log*"))
    assert len(recs) == 40
    assert {r["source"] for r in recs} == {
        str(tmp_path / n) for n in ("app.log.3.gz", "app.log.2.bz2", "app.log.1", "app.log")
    }


def test_follow_glob_merges_compressed_history_and_the_live_file_in_time(tmp_path: Path) -> None:
    live = _rotated_set(tmp_path)
    got: list[tuple[str, float]] = []
    updates: list[PipelineUpdate] = []

    def sink(upd: PipelineUpdate) -> None:
        updates.append(upd)
        for b in upd.batches:
            got.extend(zip(b.lines, b.ts))

    p = Pipeline([str(tmp_path / "app.log*")], sink=sink, use_watchdog=False, poll_interval=0.05)
    p.start()
    try:
        assert wait_until(lambda: len(got) >= 40 and p.caught_up, timeout=20)
        with live.open("a") as f:
            f.write("2026-12-04 10:01:00 ERROR live line\n")
        assert wait_until(lambda: any("live line" in ln for ln, _ in got), timeout=20)
    finally:
        p.stop()
    # compressed history first, oldest first (the TUI's merged view sorts the rest by time)
    parts = [ln.split("part=")[1].split()[0] for ln, _ in got[:20]]
    assert parts == ["app.log.3.gz"] * 10 + ["app.log.2.bz2"] * 10
    assert len(got) == 41
    assert not any(u.alerts for u in updates)


async def test_tui_glob_shows_compressed_rotations_and_live_file_as_one_timeline(
    tmp_path: Path,
) -> None:
    from logwatch_tui.ui.app import LogwatchApp
    from tests.ui.helpers import wait_for, wait_loaded

    live = _rotated_set(tmp_path)
    app = LogwatchApp([str(tmp_path / "app.log*")], use_watchdog=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await wait_loaded(pilot, 40)
        view = app.log_view

        def shown() -> list[str]:
            return [view.store.text(i).split("part=")[1] for i in view.rows]

        await wait_for(pilot, lambda: len(shown()) == 40)
        want = [
            f"{name} n={i}"
            for name in ("app.log.3.gz", "app.log.2.bz2", "app.log.1", "app.log")
            for i in range(10)
        ]
        assert shown() == want
        with live.open("a") as f:
            f.write("2026-12-04 10:01:00 INFO part=app.log n=10\n")
        await wait_for(pilot, lambda: len(shown()) == 41)
        assert shown()[-1] == "app.log n=10"


async def test_tui_opens_a_compressed_file_without_showing_its_bytes(tmp_path: Path) -> None:
    from logwatch_tui.ui.app import LogwatchApp
    from tests.ui.helpers import wait_for, wait_loaded

    gz = tmp_path / "app.log.1.gz"
    gz.write_bytes(
        gzip.compress(
            "".join(f"2026-12-04 10:00:{i:02d} INFO line {i}\n" for i in range(50)).encode()
        )
    )
    # the quick preview (a big file's tail, shown at once) never holds compressed bytes
    assert preview_store([str(gz)], lines=10) is None
    app = LogwatchApp([str(gz)], use_watchdog=False, preview_min_bytes=0)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 50)
        view = app.log_view
        await wait_for(pilot, lambda: len(view.rows) == 50)
        assert [view.store.text(i).split(" INFO ")[1] for i in view.rows] == [
            f"line {i}" for i in range(50)
        ]
