"""The file follower against real files on disk, with a real writer thread.

Every test waits for a condition with a deadline (``_wait``); none sleeps and
hopes. The writer threads pace themselves with short sleeps, which only sets
the speed of the log, never the outcome.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from logwatch_tui.sources.file import CUT_MARKER, LINE_CAP, RawChunk, SourceEvent
from logwatch_tui.sources.follower import FileFollower

DEADLINE = 10.0


def _wait(predicate: Callable[[], bool], timeout: float = DEADLINE) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


class Collector:
    """Collects what the follower delivers (from its thread) for assertions."""

    def __init__(self, block_on: bytes = b"") -> None:
        self._lock = threading.Lock()
        self.chunks: list[RawChunk] = []
        self.events: list[SourceEvent] = []
        self.block_on = block_on
        self.blocked = threading.Event()
        self.release = threading.Event()

    def on_chunk(self, chunk: RawChunk) -> None:
        with self._lock:
            self.chunks.append(chunk)
        if self.block_on and self.block_on in chunk.data:
            # Hold the follower's thread here, so the test can change the
            # file at a precise moment of the follower's work.
            self.blocked.set()
            self.release.wait(DEADLINE)

    def on_event(self, event: SourceEvent) -> None:
        with self._lock:
            self.events.append(event)

    def lines(self, path: str | None = None) -> list[bytes]:
        with self._lock:
            chunks = [c for c in self.chunks if path is None or c.path == path]
        out: list[bytes] = []
        for c in chunks:
            assert c.data.endswith(b"\n"), c.data[-50:]
            out.extend(c.data[:-1].split(b"\n"))
        return out

    def kinds(self, path: str | None = None) -> list[str]:
        with self._lock:
            return [e.kind for e in self.events if path is None or e.path == path]

    def has_event(self, kind: str, path: str | None = None) -> bool:
        return kind in self.kinds(path)


def _assert_positions(chunks: list[RawChunk]) -> None:
    """Offsets and line numbers point at the delivered bytes in their file."""
    for c in chunks:
        assert c.handle.pread(len(c.data), c.offset) == c.data
        assert c.first_line == c.handle.pread(c.offset, 0).count(b"\n") + 1


@pytest.fixture
def follow() -> Iterator[Callable[..., tuple[FileFollower, Collector]]]:
    """Start a follower on specs; always stopped at teardown."""
    started: list[FileFollower] = []

    def start(specs: list[str], **kwargs: object) -> tuple[FileFollower, Collector]:
        col = Collector()
        kwargs.setdefault("poll_interval", 0.05)
        f = FileFollower(specs, on_chunk=col.on_chunk, on_event=col.on_event, **kwargs)  # type: ignore[arg-type]
        started.append(f)
        f.start()
        return f, col

    yield start
    for f in started:
        f.stop()


# Both ways of noticing changes. With watchdog the poll is slow (1 s), so the
# test only passes quickly if inotify really wakes the reader.
MODES = [
    pytest.param({"use_watchdog": True, "poll_interval": 1.0}, id="watchdog"),
    pytest.param({"use_watchdog": False, "poll_interval": 0.05}, id="polling"),
]


def _numbered(i: int) -> bytes:
    return b"line %06d" % i


def _writer(path: Path, first: int, last: int, rotate_at: set[int], style: str) -> None:
    """Append ``line 000001`` ... at a steady pace, rotating at the given lines.

    * ``rename``: ``mv app.log app.log.1`` and, like a real daemon that has
      not reopened its log yet, write 5 more lines to the old (renamed) file
      before creating the new one.
    * ``delete``: unlink the file, write 3 more lines to the open (deleted)
      file, then create a new one.
    * ``copytruncate``: copy to ``app.log.1`` then truncate in place, as
      logrotate does. The writer does not write while that happens: lines
      written between the copy and the truncate are lost by copytruncate
      itself (logrotate documents this race), not by the follower.
    """
    # O_APPEND: required for copytruncate. The handle is swapped on rotation,
    # so no with-block.
    f = open(path, "ab", buffering=0)  # noqa: SIM115
    late = 0
    try:
        for i in range(first, last + 1):
            f.write(_numbered(i) + b"\n")
            if late:
                late -= 1
                if late == 0:
                    f.close()
                    f = open(path, "ab", buffering=0)  # noqa: SIM115
            elif i in rotate_at:
                if style == "rename":
                    os.rename(path, str(path) + ".1")
                    late = 5
                elif style == "delete":
                    os.unlink(path)
                    late = 3
                elif style == "copytruncate":
                    shutil.copyfile(path, str(path) + ".1")
                    os.truncate(path, 0)
            time.sleep(0.002)
    finally:
        f.close()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("style", ["rename", "copytruncate", "delete"])
def test_rotation_delivers_every_line_once_in_order(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]], style: str, mode: dict
) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"".join(_numbered(i) + b"\n" for i in range(1, 51)))
    total = 600
    f, col = follow([str(log)], **mode)
    assert _wait(lambda: col.has_event("caught-up"))
    expected = [_numbered(i) for i in range(1, total + 1)]
    writer = threading.Thread(target=_writer, args=(log, 51, total, {200, 400}, style), daemon=True)
    writer.start()
    writer.join(timeout=30)
    assert not writer.is_alive()
    assert _wait(lambda: len(col.lines()) >= len(expected)), (
        f"got {len(col.lines())} of {len(expected)} lines; events: {col.events}"
    )
    lines = col.lines()
    assert lines == expected
    kinds = col.kinds()
    wanted = {"rename": "rotated", "delete": "deleted", "copytruncate": "truncated"}[style]
    assert wanted in kinds
    assert all(c.path == str(log) for c in col.chunks)
    if style != "copytruncate":  # (truncation overwrote the old bytes)
        # The handle keeps the incarnation readable after rename/delete.
        _assert_positions(col.chunks)
    assert f.paths == [str(log)]


def test_copytruncate_recovers_lines_only_in_the_copy(tmp_path: Path) -> None:
    """Lines written after the follower's last read but before logrotate's
    copy are gone from app.log after the truncate; they are read from the copy."""
    log = tmp_path / "app.log"
    log.write_bytes(b"a 1\na 2\n")
    col = Collector(block_on=b"trigger")
    f = FileFollower(
        [str(log)],
        on_chunk=col.on_chunk,
        on_event=col.on_event,
        use_watchdog=False,
        poll_interval=0.05,
    )
    f.start()
    try:
        assert _wait(lambda: col.has_event("caught-up"))
        with open(log, "ab") as fh:
            fh.write(b"trigger\n")
        assert col.blocked.wait(DEADLINE)
        # The follower is busy (inside on_chunk): rotate behind its back.
        with open(log, "ab") as fh:
            fh.write(b"unread 1\nunread 2\n")
        shutil.copyfile(log, tmp_path / "app.log.1")
        os.truncate(log, 0)
        with open(log, "ab") as fh:
            fh.write(b"new\n")
        col.release.set()
        assert _wait(lambda: b"new" in col.lines())
        assert col.lines() == [b"a 1", b"a 2", b"trigger", b"unread 1", b"unread 2", b"new"]
        recovered = [c for c in col.chunks if b"unread 1" in c.data]
        assert recovered[0].handle.path == str(tmp_path / "app.log.1")
        assert recovered[0].first_line == 4
        assert [c.first_line for c in col.chunks if b"new" in c.data] == [1]
        truncated = [e for e in col.events if e.kind == "truncated"]
        assert len(truncated) == 1 and "app.log.1" in truncated[0].message
    finally:
        col.release.set()
        f.stop()


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("style", ["rename", "delete"])
def test_file_gone_for_a_while_is_waited_for(
    tmp_path: Path,
    follow: Callable[..., tuple[FileFollower, Collector]],
    mode: dict,
    style: str,
) -> None:
    """Like ``tail -F``: the old file is drained, then we wait for the name."""
    log = tmp_path / "app.log"
    log.write_bytes(b"old 1\n")
    _, col = follow([str(log)], **mode)
    assert _wait(lambda: col.has_event("caught-up"))
    with open(log, "ab") as fh:
        fh.write(b"old 2\n")
        if style == "rename":
            os.rename(log, tmp_path / "app.log.1")
        else:
            os.unlink(log)
        fh.write(b"old 3 (written after the name went away)\n")
    assert _wait(lambda: col.has_event("waiting") and len(col.lines()) == 3)
    log.write_bytes(b"new 1\n")
    assert _wait(lambda: b"new 1" in col.lines())
    assert col.lines() == [
        b"old 1",
        b"old 2",
        b"old 3 (written after the name went away)",
        b"new 1",
    ]
    gone = "rotated" if style == "rename" else "deleted"
    assert col.kinds() == ["opened", "caught-up", gone, "waiting", "opened"]
    assert col.chunks[-1].first_line == 1 and col.chunks[-1].offset == 0


@pytest.mark.parametrize("mode", MODES)
def test_missing_file_is_waited_for_then_read(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]], mode: dict
) -> None:
    log = tmp_path / "later.log"
    _, col = follow([str(log)], **mode)
    assert _wait(lambda: col.has_event("caught-up"))
    assert col.kinds()[:2] == ["waiting", "caught-up"]
    assert "waiting for" in col.events[0].message and str(log) in col.events[0].message
    log.write_bytes(b"first\nsecond\n")
    assert _wait(lambda: col.lines() == [b"first", b"second"])
    assert col.has_event("opened")
    first = col.chunks[0]
    assert first.first_line == 1 and first.offset == 0 and not first.initial


def test_partial_line_is_held_until_its_newline(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"one\ntw")
    _, col = follow([str(log)])
    assert _wait(lambda: col.has_event("caught-up"))
    assert col.lines() == [b"one"]
    with open(log, "ab") as fh:
        fh.write(b"o\nthr")
    assert _wait(lambda: len(col.lines()) >= 2)
    with open(log, "ab") as fh:
        fh.write(b"ee\n")
    assert _wait(lambda: len(col.lines()) >= 3)
    # A partial delivered early would show up as a separate, broken line.
    assert col.lines() == [b"one", b"two", b"three"]
    assert [c.first_line for c in col.chunks] == [1, 2, 3]
    assert col.chunks[0].initial and not col.chunks[-1].initial


def test_tail_lines_reads_only_the_end_then_follows(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    log = tmp_path / "big.log"
    # ~300 KB: the backwards scan crosses several 64 KiB blocks.
    log.write_bytes(b"".join(_numbered(i) + b"\n" for i in range(1, 25001)))
    _, col = follow([str(log)], tail_lines=10)
    assert _wait(lambda: col.has_event("caught-up"))
    assert col.lines() == [_numbered(i) for i in range(24991, 25001)]
    assert col.chunks[0].first_line == 24991 and col.chunks[0].line_exact
    with open(log, "ab") as fh:
        fh.write(_numbered(25001) + b"\n")
    assert _wait(lambda: len(col.lines()) == 11)
    assert col.lines()[-1] == _numbered(25001)
    assert col.chunks[-1].first_line == 25001


def test_glob_picks_up_a_new_matching_file(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    (tmp_path / "a.log").write_bytes(b"a1\n")
    f, col = follow([str(tmp_path / "*.log")])
    assert _wait(lambda: col.has_event("caught-up"))
    (tmp_path / "c.txt").write_bytes(b"not matched\n")
    b = tmp_path / "b.log"
    b.write_bytes(b"b1\nb2\n")
    assert _wait(lambda: col.lines(str(b)) == [b"b1", b"b2"])
    assert col.has_event("new-file", str(b))
    assert col.lines(str(tmp_path / "a.log")) == [b"a1"]
    assert sorted(f.paths) == [str(tmp_path / "a.log"), str(b)]
    assert all(not c.path.endswith("c.txt") for c in col.chunks)


@pytest.mark.parametrize("mode", MODES)
def test_directory_spec_follows_its_files_and_new_ones(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]], mode: dict
) -> None:
    d = tmp_path / "logs"
    d.mkdir()
    (d / "app.log").write_bytes(b"app 1\n")
    (d / "old.log.2.gz").write_bytes(b"\x1f\x8b\x08\x00binary")
    (d / "sub").mkdir()
    _, col = follow([str(d)], **mode)
    assert _wait(lambda: col.has_event("caught-up"))
    assert col.lines() == [b"app 1"]
    (d / "worker.log").write_bytes(b"worker 1\n")
    assert _wait(lambda: col.lines(str(d / "worker.log")) == [b"worker 1"])
    with open(d / "app.log", "ab") as fh:
        fh.write(b"app 2\n")
    assert _wait(lambda: col.lines(str(d / "app.log")) == [b"app 1", b"app 2"])
    assert not any("gz" in c.path for c in col.chunks)


@pytest.mark.parametrize("style", ["rename", "copytruncate"])
def test_rotation_inside_a_watched_directory_is_not_replayed(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]], style: str
) -> None:
    """``app.log.1`` appearing in a watched directory is the content already
    read; reading it again would duplicate a whole rotation's worth of lines
    (and re-fire their alerts)."""
    d = tmp_path / "logs"
    d.mkdir()
    log = d / "app.log"
    log.write_bytes(b"".join(b"%s entry %04d\n" % (style.encode(), i) for i in range(200)))
    _, col = follow([str(d)])
    assert _wait(lambda: col.has_event("caught-up"))
    rotated = d / "app.log.1"
    if style == "rename":
        os.rename(log, rotated)
        log.write_bytes(b"fresh 1\n")
    else:
        shutil.copyfile(log, rotated)
        os.truncate(log, 0)
        with open(log, "ab") as fh:
            fh.write(b"fresh 1\n")
    assert _wait(lambda: b"fresh 1" in col.lines())
    # The rotated file is followed (new lines in it would be read)...
    assert _wait(lambda: str(rotated) in [e.path for e in col.events if e.kind == "new-file"])
    with open(rotated, "ab") as fh:
        fh.write(b"late line\n")
    assert _wait(lambda: b"late line" in col.lines())
    # ...but nothing in it is delivered twice.
    lines = col.lines()
    assert len(lines) == len(set(lines)) == 202


def test_odd_bytes_are_delivered_unchanged(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    payload = b"nul \x00 here\r\nbad utf8 \xff\xfe\xc3\x28\n\x1b[31mansi\x1b[0m [/bold]\n"
    log = tmp_path / "odd.log"
    log.write_bytes(payload[:10])
    _, col = follow([str(log)])
    assert _wait(lambda: col.has_event("caught-up"))
    with open(log, "ab") as fh:
        fh.write(payload[10:])
    assert _wait(lambda: len(col.lines()) == 3)
    assert b"".join(c.data for c in col.chunks) == payload


def test_ten_megabyte_line(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    log = tmp_path / "huge.log"
    log.write_bytes(b"start\n")
    _, col = follow([str(log)], chunk_size=1 << 20)
    assert _wait(lambda: col.has_event("caught-up"))
    big = bytes(range(32, 127)) * (10_500_000 // 95)
    with open(log, "ab") as fh:
        for i in range(0, len(big), 3_000_000):  # arrives in pieces
            fh.write(big[i : i + 3_000_000])
            fh.flush()
        fh.write(b"\nafter\n")
    assert _wait(lambda: len(col.lines()) == 3)
    # Cut at the cap with a marker; the rest of the line is skipped, not kept in memory.
    assert col.lines() == [b"start", big[:LINE_CAP] + CUT_MARKER, b"after"]
    cut = [c for c in col.chunks if c.cut]
    assert len(cut) == 1 and cut[0].offset == 6 and cut[0].end_offset == 6 + len(big) + 1
    assert [c.offset for c in col.chunks if b"after" in c.data] == [6 + len(big) + 1]
    assert [c.first_line for c in col.chunks if b"after" in c.data] == [3]
    assert col.has_event("cut")
    _assert_positions([c for c in col.chunks if not c.cut])


def test_unopenable_file_reports_error_and_others_keep_going(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    """Opening a UNIX socket fails even for root, so this runs everywhere."""
    sock_path = tmp_path / "app.sock"
    srv = socket.socket(socket.AF_UNIX)
    try:
        srv.bind(str(sock_path))
        good = tmp_path / "good.log"
        good.write_bytes(b"ok\n")
        _, col = follow([str(sock_path), str(good)])
        assert _wait(lambda: col.kinds().count("caught-up") == 2)
        errors = [e for e in col.events if e.kind == "error"]
        assert len(errors) == 1 and str(sock_path) in errors[0].message
        with open(good, "ab") as fh:
            fh.write(b"still followed\n")
        assert _wait(lambda: col.lines(str(good)) == [b"ok", b"still followed"])
        assert [e.kind for e in col.events].count("error") == 1  # not repeated every poll
    finally:
        srv.close()


def test_permission_denied_reports_error_then_recovers(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    secret = tmp_path / "secret.log"
    secret.write_bytes(b"hidden\n")
    secret.chmod(0)
    if os.access(secret, os.R_OK):
        secret.chmod(stat.S_IRUSR | stat.S_IWUSR)
        pytest.skip("running as root: chmod does not deny reading")
    good = tmp_path / "good.log"
    good.write_bytes(b"ok\n")
    _, col = follow([str(secret), str(good)])
    assert _wait(lambda: col.kinds().count("caught-up") == 2)
    errors = [e for e in col.events if e.kind == "error"]
    assert len(errors) == 1 and "Permission denied" in errors[0].message
    assert str(secret) in errors[0].message
    assert col.lines(str(good)) == [b"ok"]
    secret.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert _wait(lambda: col.lines(str(secret)) == [b"hidden"])


def test_stop_returns_promptly_and_is_idempotent(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_bytes(b"x\n")
    col = Collector()
    f = FileFollower(
        [str(log), str(tmp_path / "missing.log")],
        on_chunk=col.on_chunk,
        on_event=col.on_event,
        poll_interval=5.0,
    )
    f.start()
    assert _wait(lambda: col.kinds().count("caught-up") == 2)
    t0 = time.monotonic()
    f.stop()
    elapsed = time.monotonic() - t0
    assert f._thread is not None and not f._thread.is_alive()
    # A hang check, not a benchmark: a stuck thread or observer takes forever.
    assert elapsed < 5.0
    f.stop()


def test_each_initial_path_gets_one_caught_up_even_if_missing(
    tmp_path: Path, follow: Callable[..., tuple[FileFollower, Collector]]
) -> None:
    a = tmp_path / "a.log"
    a.write_bytes(b"a\n" * 1000)
    missing = tmp_path / "nope.log"
    f, col = follow([str(a), str(missing)])
    assert _wait(lambda: col.kinds().count("caught-up") == 2)
    caught = [e.path for e in col.events if e.kind == "caught-up"]
    assert caught == [str(a), str(missing)]
    assert all(c.initial for c in col.chunks)
    assert f.paths == [str(a), str(missing)]
