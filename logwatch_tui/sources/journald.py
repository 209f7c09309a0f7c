"""``journald:`` sources: the systemd journal through ``journalctl -o json``.

Spec syntax (part of the interface):

* ``journald:`` — the local journal
* ``journald:UNIT`` — one unit (``journalctl --unit=UNIT``)
* ``journald:dir=PATH`` — a directory of journal files (what
  ``systemd-journal-remote`` writes when it gathers many hosts)
* ``journald:file=PATH`` — one journal file

No Python binding is needed: ``journalctl`` does the reading. Each entry
becomes one JSON line in a fixed shape — ``ts`` (ISO 8601, µs, from
``__REALTIME_TIMESTAMP``), ``level`` (from ``PRIORITY``), ``host``
(``_HOSTNAME``), ``app`` (``SYSLOG_IDENTIFIER``, else ``_COMM``),
``message``, then every other journal field — which the ``json`` format
parses like any JSON log, so rules can ``group_by = ["host"]``.

Following: the existing entries are read first with one ``journalctl``
run (existing content, like a file's: shown, not announced by
``--headless``), then ``journalctl --follow --after-cursor=…`` takes over
exactly after the last entry seen, so nothing is read twice or missed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from logwatch_tui.core.levels import SYSLOG_SEVERITY
from logwatch_tui.sources.content import RawChunk
from logwatch_tui.sources.stream import StreamSource

PREFIX = "journald:"
_DROP = frozenset({"__CURSOR", "__REALTIME_TIMESTAMP", "MESSAGE", "PRIORITY"})


class JournalSpecError(ValueError):
    """A ``journald:`` spec that can't be used (printed as one line, exit 2)."""


def journal_args(spec: str) -> list[str]:
    """``journalctl`` options selecting what ``spec`` names."""
    rest = spec[len(PREFIX) :]
    if not rest:
        return []
    if rest.startswith("dir="):
        path = rest[4:]
        if not path:
            raise JournalSpecError(f"{spec}: give a directory (journald:dir=PATH)")
        if not os.path.isdir(path):
            raise JournalSpecError(f"{spec}: no such directory {path}")
        return [f"--directory={path}"]
    if rest.startswith("file="):
        path = rest[5:]
        if not path:
            raise JournalSpecError(f"{spec}: give a journal file (journald:file=PATH)")
        if not os.path.isfile(path):
            raise JournalSpecError(f"{spec}: no such file {path}")
        return [f"--file={path}"]
    return [f"--unit={rest}"]


def journalctl_path() -> str:
    exe = shutil.which("journalctl")
    if exe is None:
        raise JournalSpecError("journald: sources need journalctl (install systemd)")
    return exe


def _text(v: Any) -> Any:
    """journalctl writes non-UTF-8 values as arrays of byte values."""
    if isinstance(v, list) and v and all(isinstance(b, int) for b in v):
        return bytes(v).decode("utf-8", "replace")
    return v


def _level_name(priority: Any) -> str | None:
    try:
        n = int(priority)
    except (TypeError, ValueError):
        return None
    if 0 <= n <= 7:
        return SYSLOG_SEVERITY[n].name
    return None


def entry_line(entry: dict[str, Any]) -> bytes:
    """One journal entry as the normalised JSON line the ``json`` format reads."""
    out: dict[str, Any] = {}
    us = entry.get("__REALTIME_TIMESTAMP")
    try:
        ts = datetime.fromtimestamp(int(us) / 1e6, UTC)
        out["ts"] = ts.isoformat(timespec="microseconds")
    except (TypeError, ValueError, OverflowError, OSError):
        pass
    lvl = _level_name(entry.get("PRIORITY"))
    if lvl is not None:
        out["level"] = lvl
    host = entry.get("_HOSTNAME")
    if host is not None:
        out["host"] = _text(host)
    app = entry.get("SYSLOG_IDENTIFIER", entry.get("_COMM"))
    if app is not None:
        out["app"] = _text(app)
    msg = _text(entry.get("MESSAGE", ""))
    if isinstance(msg, str) and "\n" in msg:
        msg = msg.replace("\r\n", "\n")
    out["message"] = msg
    for k, v in entry.items():
        if k not in _DROP and k not in out:
            out[k] = _text(v)
    return orjson.dumps(out) + b"\n"


def convert(lines: list[bytes]) -> tuple[bytes, str | None]:
    """Journal JSON lines -> normalised lines, and the last cursor seen."""
    out = []
    cursor = None
    for ln in lines:
        if not ln.strip():
            continue
        try:
            entry = orjson.loads(ln)
        except orjson.JSONDecodeError:
            continue
        if not isinstance(entry, dict):
            continue
        cursor = entry.get("__CURSOR", cursor)
        out.append(entry_line(entry))
    return b"".join(out), cursor


def _command(spec: str, extra: list[str]) -> list[str]:
    return [journalctl_path(), "-o", "json", "--no-pager", *journal_args(spec), *extra]


def _run_once(cmd: list[str], spec: str) -> Iterator[list[bytes]]:
    proc = subprocess.Popen(
        cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    batch: list[bytes] = []
    for line in proc.stdout:
        batch.append(line)
        if len(batch) >= 2000:
            yield batch
            batch = []
    if batch:
        yield batch
    err = proc.stderr.read().decode("utf-8", "replace").strip()
    if proc.wait() != 0:
        raise OSError(f"{spec}: journalctl failed: {err or f'exit {proc.returncode}'}")


def replay_journal(spec: str, *, tail_lines: int | None = None) -> Iterator[RawChunk]:
    """Every entry ``spec`` names, for ``parse``/``check`` (no following)."""
    extra = [f"--lines={tail_lines}"] if tail_lines is not None else []
    cmd = _command(spec, extra)
    offset, line = 0, 1
    for batch in _run_once(cmd, spec):
        data, _ = convert(batch)
        if data:
            yield RawChunk(spec, data, offset, line, None, True)  # type: ignore[arg-type]
            offset += len(data)
            line += data.count(b"\n")


class JournaldSource(StreamSource):
    """Existing entries, then ``journalctl --follow`` from right after them."""

    def __init__(self, spec, on_chunk, on_event, *, tail_lines: int | None = None) -> None:
        super().__init__(spec, on_chunk, on_event)
        journal_args(spec)  # a bad spec is an error now, not in the thread
        journalctl_path()
        self.tail_lines = tail_lines
        self._proc: subprocess.Popen | None = None
        self.cursor: str | None = None
        self.resume_cursor: str | None = None
        """Headless resume: the last entry an earlier run processed; everything
        after it is new (live) and nothing up to it is read again."""
        self._cursor_at: dict[int, str] = {}
        self._emitted = 0

    def start(self) -> None:
        self.spawn(self._run, "logwatch-journald")

    def stop(self) -> None:
        self._stop.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()
        super().stop()
        if proc is not None:
            try:
                proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                proc.kill()

    def cursor_after(self, end_offset: int) -> str | None:
        """The cursor of the last entry in the bytes delivered up to ``end_offset``."""
        return self._cursor_at.pop(end_offset, None)

    def _emit(self, data: bytes, cursor: str | None, *, initial: bool = False) -> None:
        if not data:
            return
        self._emitted += len(data)
        if cursor is not None:
            if len(self._cursor_at) > 10_000:
                self._cursor_at.clear()
            self._cursor_at[self._emitted] = cursor
        self.emitter.emit(self.name, data, initial=initial)

    def _run(self) -> None:
        if self.resume_cursor:
            self.cursor = self.resume_cursor
            self.event("caught-up", f"resuming {self.spec} after the last entry processed")
            self._follow(_command(self.spec, ["--follow", f"--after-cursor={self.cursor}"]))
            return
        try:
            extra = [f"--lines={self.tail_lines}"] if self.tail_lines is not None else []
            for batch in _run_once(_command(self.spec, extra), self.spec):
                if self._stop.is_set():
                    return
                data, cur = convert(batch)
                self.cursor = cur or self.cursor
                self._emit(data, cur, initial=True)
        except OSError as exc:
            self.event("error", str(exc))
        self.event("caught-up", f"read the existing entries of {self.spec}")
        if self._stop.is_set():
            return
        after = [f"--after-cursor={self.cursor}"] if self.cursor else ["--lines=all"]
        self._follow(_command(self.spec, ["--follow", *after]))

    def _follow(self, cmd: list[str]) -> None:
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self._proc = proc
        assert proc.stdout is not None and proc.stderr is not None
        self.event("opened", f"following {self.spec}")
        fd = proc.stdout.fileno()
        pending = b""
        import select

        while not self._stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.25)
            if not ready:
                continue
            data = os.read(fd, 1 << 16)
            if not data:
                break
            buf = pending + data
            cut = buf.rfind(b"\n") + 1
            pending = buf[cut:]
            if cut:
                out, cur = convert(buf[:cut].splitlines())
                self.cursor = cur or self.cursor
                self._emit(out, cur)
        if not self._stop.is_set():
            err = proc.stderr.read().decode("utf-8", "replace").strip()
            proc.wait()
            self.event("error", f"{self.spec}: journalctl stopped: {err or proc.returncode}")
