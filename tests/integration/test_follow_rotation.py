"""Following never loses a line and never shows a wrong one (issue 11).

Real files rotated on disk while the follower runs on its own thread. A
follower that lags behind is made by blocking its delivery callback (the
``Collector`` with ``block_on``): while it is blocked the test rotates the
file, exactly as a busy machine would. Every wait is on a condition.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from logwatch_tui.core.record import LineBatch
from logwatch_tui.core.store import UNREADABLE, LineStore
from logwatch_tui.pipeline import Pipeline, PipelineUpdate
from logwatch_tui.sources.file import ContentGone
from logwatch_tui.sources.follower import OPEN_OLD_HANDLES, FileFollower
from tests.integration.test_tailer import DEADLINE, Collector, _wait

ROOT = Path(__file__).resolve().parents[2]


def _lines(prefix: str, first: int, last: int, width: int = 8) -> bytes:
    return b"".join(b"%s %0*d\n" % (prefix.encode(), width, i) for i in range(first, last + 1))


def _expect(prefix: str, first: int, last: int, width: int = 8) -> list[bytes]:
    return _lines(prefix, first, last, width)[:-1].split(b"\n")


@pytest.fixture
def follow() -> Iterator[Callable[..., tuple[FileFollower, Collector]]]:
    started: list[FileFollower] = []

    def start(
        specs: list[str], col: Collector | None = None, **kwargs: object
    ) -> tuple[FileFollower, Collector]:
        col = col or Collector()
        kwargs.setdefault("poll_interval", 0.05)
        kwargs.setdefault("use_watchdog", False)
        f = FileFollower(specs, on_chunk=col.on_chunk, on_event=col.on_event, **kwargs)  # type: ignore[arg-type]
        started.append(f)
        f.start()
        return f, col

    yield start
    for f in started:
        f.stop()


def test_renamed_file_is_drained_however_late_the_new_file_appears(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    """A logger that reopens lazily keeps writing to the renamed file for
    seconds; every one of those lines is read before the new file's."""
    log = tmp_path / "app.log"
    log.write_bytes(_lines("a", 1, 10))
    _, col = follow([str(log)])
    assert _wait(lambda: col.has_event("caught-up"))
    with open(log, "ab") as old:
        os.rename(log, tmp_path / "app.log.1")
        assert _wait(lambda: col.has_event("rotated"))
        deadline = time.monotonic() + 2.5  # longer than any fixed grace period
        i = 11
        while time.monotonic() < deadline:
            old.write(_lines("a", i, i))
            old.flush()
            i += 1
            time.sleep(0.01)
    last_old = i - 1
    assert _wait(lambda: len(col.lines()) == last_old)
    log.write_bytes(_lines("b", 1, 5))
    assert _wait(lambda: len(col.lines()) == last_old + 5), col.events
    assert col.lines() == _expect("a", 1, last_old) + _expect("b", 1, 5)


def test_lagging_follower_reads_rotations_it_missed_in_order(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    """Two rename rotations while the follower is busy: the file in between
    (now ``app.log.1``) is found and read, then the new file."""
    log = tmp_path / "app.log"
    log.write_bytes(_lines("a", 1, 3))
    col = Collector(block_on=b"trigger")
    _, col = follow([str(log)], col)
    assert _wait(lambda: col.has_event("caught-up"))
    with open(log, "ab") as fh:
        fh.write(b"trigger\n")
    assert col.blocked.wait(DEADLINE)
    # The follower is stuck delivering "trigger": rotate twice behind its back.
    with open(log, "ab") as fh:
        fh.write(_lines("a", 4, 6))
    os.rename(log, tmp_path / "app.log.1")
    log.write_bytes(_lines("b", 1, 4))
    os.rename(tmp_path / "app.log.1", tmp_path / "app.log.2")
    os.rename(log, tmp_path / "app.log.1")
    log.write_bytes(_lines("c", 1, 2))
    col.release.set()
    want = _expect("a", 1, 3) + [b"trigger"] + _expect("a", 4, 6)
    want += _expect("b", 1, 4) + _expect("c", 1, 2)
    assert _wait(lambda: len(col.lines()) >= len(want)), col.events
    assert col.lines() == want
    assert any("app.log.1" in e.message for e in col.events if e.kind == "rotated")


def test_dated_sibling_missed_while_lagging_is_found(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(_lines("a", 1, 2))
    col = Collector(block_on=b"trigger")
    _, col = follow([str(log)], col)
    assert _wait(lambda: col.has_event("caught-up"))
    with open(log, "ab") as fh:
        fh.write(b"trigger\n")
    assert col.blocked.wait(DEADLINE)
    os.rename(log, tmp_path / "app.log-20261201")
    log.write_bytes(_lines("b", 1, 3))
    os.rename(log, tmp_path / "app.log-20261202")
    log.write_bytes(_lines("c", 1, 1))
    col.release.set()
    want = _expect("a", 1, 2) + [b"trigger"] + _expect("b", 1, 3) + _expect("c", 1, 1)
    assert _wait(lambda: len(col.lines()) >= len(want)), col.events
    assert col.lines() == want


def test_compressed_rotation_missed_while_lagging_is_reported(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    """A missed rotation that is already compressed cannot be read here: say so."""
    log = tmp_path / "app.log"
    log.write_bytes(_lines("a", 1, 2))
    col = Collector(block_on=b"trigger")
    _, col = follow([str(log)], col)
    assert _wait(lambda: col.has_event("caught-up"))
    with open(log, "ab") as fh:
        fh.write(b"trigger\n")
    assert col.blocked.wait(DEADLINE)
    os.rename(log, tmp_path / "app.log.1")
    with gzip.open(tmp_path / "app.log.2.gz", "wb") as z:  # missed, compressed meanwhile
        z.write(_lines("b", 1, 3))
    with gzip.open(tmp_path / "app.log.3.gz", "wb") as z:  # ours, compressed: not reported
        z.write(_lines("a", 1, 2))
    log.write_bytes(_lines("c", 1, 1))
    col.release.set()
    assert _wait(lambda: b"c 00000001" in col.lines())
    skipped = [e for e in col.events if e.kind == "skipped"]
    assert len(skipped) == 1 and "app.log.2.gz" in skipped[0].message, col.events


def test_truncate_and_rewrite_to_the_same_size_is_read(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    log = tmp_path / "app.log"
    _, col = follow([str(log)])
    assert _wait(lambda: col.has_event("caught-up"))
    with open(log, "ab") as fh:
        fh.write(_lines("old", 1, 100))
    assert _wait(lambda: len(col.lines()) == 100)
    size = log.stat().st_size
    with open(log, "r+b") as fh:  # truncate and rewrite in one go: same size
        fh.truncate(0)
        fh.write(_lines("new", 1, 100))
    assert log.stat().st_size == size
    assert _wait(lambda: len(col.lines()) == 200), col.events
    assert col.lines()[100:] == _expect("new", 1, 100)
    assert col.kinds().count("truncated") == 1


def test_longer_rewrite_with_the_same_line_width_is_read_from_its_start(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    log = tmp_path / "app.log"
    _, col = follow([str(log)])
    assert _wait(lambda: col.has_event("caught-up"))
    with open(log, "ab") as fh:
        fh.write(_lines("old", 1, 100))
    assert _wait(lambda: len(col.lines()) == 100)
    with open(log, "r+b") as fh:
        fh.truncate(0)
        fh.write(_lines("new", 1, 250))
    assert _wait(lambda: len(col.lines()) == 350), col.events
    assert col.lines()[100:] == _expect("new", 1, 250)


def test_copytruncate_old_lines_are_reread_from_the_copy(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    """After copytruncate the old lines' bytes are at the same offsets in the
    copy; re-reading them never returns the new file's text."""
    log = tmp_path / "app.log"
    log.write_bytes(b"".join(b"alpha line A%d\n" % i for i in range(1, 11)))
    _, col = follow([str(log)])
    assert _wait(lambda: col.has_event("caught-up"))
    shutil.copyfile(log, tmp_path / "app.log.1")
    os.truncate(log, 0)
    with open(log, "ab") as fh:
        fh.write(b"".join(b"bravo line B%d\n" % i for i in range(1, 11)))
    assert _wait(lambda: len(col.lines()) == 20), col.events
    old = [c for c in col.chunks if b"alpha" in c.data]
    new = [c for c in col.chunks if b"bravo" in c.data]
    for c in old + new:
        assert c.handle.pread(len(c.data), c.offset) == c.data
    assert old[0].handle.path == str(tmp_path / "app.log.1")


def test_truncated_without_copy_old_lines_say_unreadable(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    """No file holds the old lines any more: the view says so (never the new text)."""
    log = tmp_path / "app.log"
    log.write_bytes(b"old 1\nold 2\n")
    _, col = follow([str(log)])
    assert _wait(lambda: col.has_event("caught-up"))
    old_chunk = col.chunks[0]
    with open(log, "r+b") as fh:
        fh.truncate(0)
        fh.write(b"new 1\nnew 2\n")  # same size, same offsets: the dangerous case
    assert _wait(lambda: col.lines()[-2:] == [b"new 1", b"new 2"]), col.events
    with pytest.raises(ContentGone):
        old_chunk.handle.pread(len(old_chunk.data), old_chunk.offset)
    store = LineStore()
    store.append(
        LineBatch(
            source=str(log),
            format="plain",
            first_line=1,
            lines=["old 1", "old 2"],
            ts=[0.0, 0.0],
            levels=[0, 0],
            messages=["old 1", "old 2"],
            heads=[True, True],
            offsets=[0, 6],
            end_offset=12,
            handle=old_chunk.handle,
        )
    )
    assert store.text(0) == UNREADABLE
    assert [t for _, ts in store.iter_text_blocks() for t in ts] == [UNREADABLE, UNREADABLE]


def test_lines_truncated_away_unread_are_reported_as_skipped(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    """The follower saw the file grow, was busy, then the file was truncated and
    no copy exists: the byte range it could not read is reported."""
    log = tmp_path / "app.log"
    log.write_bytes(b"a\n")
    col = Collector(block_on=b"block-here")
    _, col = follow([str(log)], col, chunk_size=4096)
    assert _wait(lambda: col.has_event("caught-up"))
    body = b"".join(b"filler %08d\n" % i for i in range(300))  # 5,100 bytes
    body += b"block-here\n" + b"".join(b"unread %08d\n" % i for i in range(1000))
    with open(log, "ab") as fh:
        fh.write(body)  # one write: the first chunk's look sees the whole size
    assert col.blocked.wait(DEADLINE)
    os.truncate(log, 0)
    with open(log, "ab") as fh:
        fh.write(b"fresh\n")
    col.release.set()
    assert _wait(lambda: b"fresh" in col.lines()), col.events
    skipped = [e for e in col.events if e.kind == "skipped"]
    assert len(skipped) == 1, col.events
    assert skipped[0].offset is not None and skipped[0].length
    assert skipped[0].offset + skipped[0].length == 2 + len(body)


def test_delete_and_recreate_many_times_keeps_few_old_files_open(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    """Deleted rotations are let go (disk space freed) beyond OPEN_OLD_HANDLES,
    and each rotation gives exactly one notice."""
    log = tmp_path / "app.log"
    log.write_bytes(b"gen 0\n")
    _, col = follow([str(log)])
    assert _wait(lambda: col.has_event("caught-up"))
    rotations = OPEN_OLD_HANDLES + 6
    for g in range(1, rotations + 1):
        os.unlink(log)
        log.write_bytes(b"gen %d\n" % g)
        assert _wait(lambda g=g: (b"gen %d" % g) in col.lines()), col.events
    assert col.lines() == [b"gen %d" % g for g in range(rotations + 1)]
    assert col.kinds().count("deleted") == rotations
    deleted_open = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.startswith(str(tmp_path)) and target.endswith("(deleted)"):
            deleted_open += 1
    assert deleted_open <= OPEN_OLD_HANDLES


def _bytes_read(pid: int) -> int:
    with open(f"/proc/{pid}/io") as fh:
        for line in fh:
            if line.startswith("rchar:"):
                return int(line.split()[1])
    return 0


def _peak_rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


RSS_CAP_MIB = 120
"""What ``parse`` may reach on an endless line (4 MiB line cap + Python + the app)."""


def _run_parse_for_a_while(source: str, feed: Callable[[], None] | None = None) -> int:
    proc = subprocess.Popen(
        [sys.executable, "-m", "logwatch_tui", "parse", source],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=str(ROOT),
    )
    try:
        if feed is not None:
            threading.Thread(target=feed, daemon=True).start()
        # read well past the cap (ten times the cap), then look at the peak
        target = 10 * RSS_CAP_MIB << 20
        deadline = time.monotonic() + 60
        while (
            proc.poll() is None and _bytes_read(proc.pid) < target and time.monotonic() < deadline
        ):
            time.sleep(0.02)
        assert proc.poll() is None, "parse should still be reading the endless stream"
        assert _bytes_read(proc.pid) >= target
        return _peak_rss_kib(proc.pid)
    finally:
        proc.kill()
        proc.wait()


def test_dev_zero_stays_under_the_rss_cap() -> None:
    peak = _run_parse_for_a_while("/dev/zero")
    assert 0 < peak < RSS_CAP_MIB * 1024, f"peak RSS {peak / 1024:.0f} MiB"


def test_fifo_fed_without_newlines_stays_under_the_rss_cap(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    stop = threading.Event()

    def feed() -> None:
        with open(fifo, "wb") as fh:
            block = b"a" * (1 << 20)
            while not stop.is_set():
                try:
                    fh.write(block)
                except BrokenPipeError:
                    return

    try:
        peak = _run_parse_for_a_while(str(fifo), feed)
    finally:
        stop.set()
    assert 0 < peak < RSS_CAP_MIB * 1024, f"peak RSS {peak / 1024:.0f} MiB"


def test_follow_mode_replays_several_files_merged_like_check(tmp_path: Path) -> None:
    """The TUI/headless start-up replays existing content through the same merge
    in event time as ``check``: the engine sees records in time order."""
    a = tmp_path / "a.log"
    b = tmp_path / "b.log"
    a.write_text(
        "".join(f"2025-06-01 10:00:{s:02d},000 - app - INFO - a{s}\n" for s in range(0, 60, 2))
    )
    b.write_text(
        "".join(f"2025-06-01 10:00:{s:02d},000 - app - INFO - b{s}\n" for s in range(1, 60, 2))
    )
    seen: list[float] = []
    done = threading.Event()

    def sink(upd: PipelineUpdate) -> None:
        for batch in upd.batches:
            seen.extend(batch.ts)
        if upd.caught_up:
            done.set()

    p = Pipeline([str(a), str(b)], sink=sink, use_watchdog=False, poll_interval=0.05)
    p.start()
    try:
        assert done.wait(DEADLINE)
    finally:
        p.stop()
    assert len(seen) == 60
    assert seen == sorted(seen)
