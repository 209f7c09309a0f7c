"""``--headless`` resume: where each followed file was processed up to.

A headless daemon is restarted (upgrade, reboot, crash); lines written while
it was down must still be processed — and their alerts announced — while
nothing it already processed may be announced again. So for every followed
file we keep, in the state dir (``$LOGWATCH_STATE_DIR`` or the XDG state
dir), under ``positions/``:

* its identity: device + inode + a fingerprint (SHA-1) of its first bytes
  (up to 1 KiB) — an inode number reused by a new file does not fool it;
* the byte offset up to which lines have been processed *and* handed to the
  sink (the position is committed only after the sink returned, so a stop
  never skips an unannounced line).

Each file's record is written atomically (temporary file + ``os.replace``),
at most once a second while running and once more on a clean stop.

On start-up :meth:`ResumeState.start_at` tells the follower where to begin:
the saved offset when the identity matches (what follows is new: live); the
start of the file when the path now holds a different file (it was rotated or
re-created while we were down, so all of it is new); ``None`` when there is
no record (first run: the usual "existing content is history").
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

FINGERPRINT_BYTES = 1024
COMMIT_SECONDS = 1.0


def _key(path: str) -> str:
    name = path if path.startswith("cursor:") else os.path.abspath(path)
    return hashlib.sha1(name.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def fingerprint(head: bytes) -> str:
    return hashlib.sha1(head).hexdigest()


class ResumeState:
    """Positions of followed files, loaded at start and committed as we go."""

    def __init__(self, state_dir: Path | str) -> None:
        self.dir = Path(state_dir) / "positions"
        self._noted: dict[str, tuple[Any, int]] = {}
        """path -> (FileHandle, processed end offset), since the last commit."""
        self._fp: dict[str, tuple[tuple[int, int], str, int]] = {}
        self._last_commit = 0.0
        self._lock = threading.Lock()
        self._streams: dict[str, Any] = {}
        """Stream name -> source with ``cursor_after(end_offset)`` (journald)."""
        self._cursors: dict[str, str] = {}
        self.resumed: dict[str, int] = {}
        """path -> offset resumed from (for messages and tests)."""

    # -- start-up ------------------------------------------------------------------
    def load(self, path: str) -> dict[str, Any] | None:
        try:
            with open(self.dir / f"{_key(path)}.json", encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def start_at(self, path: str, handle: Any, st: os.stat_result) -> int | None:
        """Follower hook: the offset to start ``path`` from, or None for the usual start."""
        saved = self.load(path)
        if saved is None:
            # First run: what exists now is history. Keep the file's identity and its
            # end at once, so a stop before any new line still resumes from here.
            with self._lock:
                self._noted.setdefault(path, (handle, st.st_size))
            return None
        try:
            fp_len = int(saved.get("fp_len", 0))
            offset = int(saved["offset"])
            same_inode = (st.st_dev, st.st_ino) == (saved.get("dev"), saved.get("ino"))
            head = handle.pread(fp_len, 0) if fp_len else b""
        except (KeyError, TypeError, ValueError, OSError):
            return None
        same_content = len(head) == fp_len and fingerprint(head) == saved.get("fp")
        if same_inode and same_content:
            start = min(offset, st.st_size)
            if start > 0 and start < st.st_size:
                # never start mid-line: back up to the last newline we had passed
                while start > 0 and handle.pread(1, start - 1) != b"\n":
                    start -= 1
        else:
            start = 0  # rotated, truncated or re-created while we were down: all new
        self.resumed[path] = start
        return start

    def leftovers(self, paths: list[str], chunk_size: int = 1 << 20) -> Iterator[Any]:
        """Lines appended to a file after we stopped *and* before it was rotated away
        while we were down: its old incarnation is found under another name in the
        same directory (same device+inode+fingerprint, e.g. ``app.log.1``) and read
        from the saved offset, as live lines of ``path``."""
        from logwatch_tui.sources.content import RawChunk

        for path in paths:
            saved = self.load(path)
            if saved is None:
                continue
            ident = (saved.get("dev"), saved.get("ino"))
            try:
                st = os.stat(path)
                if (st.st_dev, st.st_ino) == ident:
                    continue  # not rotated: the follower resumes it
            except OSError:
                pass
            old = self._find_incarnation(path, saved)
            if old is None:
                continue
            offset = int(saved.get("offset", 0))
            pending = b""
            while True:
                data = old.pread(chunk_size, offset + len(pending))
                if not data:
                    break
                buf = pending + data
                cut = buf.rfind(b"\n") + 1
                if cut:
                    yield RawChunk(path, buf[:cut], offset, 1, old, False)
                    offset += cut
                pending = buf[cut:]
            if pending:
                yield RawChunk(path, pending + b"\n", offset, 1, old, False)

    def _find_incarnation(self, path: str, saved: dict[str, Any]) -> Any:
        from logwatch_tui.sources.content import FileHandle

        folder = os.path.dirname(os.path.abspath(path))
        try:
            names = os.listdir(folder)
        except OSError:
            return None
        for name in names:
            cand = os.path.join(folder, name)
            try:
                st = os.stat(cand)
            except OSError:
                continue
            if (st.st_dev, st.st_ino) != (saved.get("dev"), saved.get("ino")):
                continue
            try:
                handle = FileHandle.open(cand, nonblock=False)
            except OSError:
                return None
            fp_len = int(saved.get("fp_len", 0))
            if fingerprint(handle.pread(fp_len, 0)) == saved.get("fp"):
                return handle
            handle.close()
            return None
        return None

    # -- while running ---------------------------------------------------------------
    def watch_stream(self, name: str, source: Any) -> None:
        """Keep the journal cursor of a ``journald:`` source's processed entries."""
        self._streams[name] = source

    def load_cursor(self, spec: str) -> str | None:
        saved = self.load("cursor:" + spec)
        cursor = saved.get("cursor") if saved else None
        return cursor if isinstance(cursor, str) else None

    def note(self, chunk: Any) -> None:
        """A chunk of a followed file was processed (called on the pipeline thread)."""
        handle = getattr(chunk, "handle", None)
        handle = getattr(handle, "holder", handle)  # a content view: the file that holds it
        if handle is None or not hasattr(handle, "pread"):
            src = self._streams.get(chunk.path)
            if src is not None:
                cursor = src.cursor_after(chunk.offset + len(chunk.data))
                if cursor is not None:
                    with self._lock:
                        self._cursors[src.spec] = cursor
            return  # other streams and compressed files have no position to keep
        with self._lock:
            self._noted[chunk.path] = (handle, chunk.offset + len(chunk.data))

    def commit(self, *, force: bool = False) -> None:
        """Write the positions noted so far (after the sink has taken their lines)."""
        now = time.monotonic()
        if not force and now - self._last_commit < COMMIT_SECONDS:
            return
        with self._lock:
            noted, self._noted = self._noted, {}
            cursors, self._cursors = self._cursors, {}
        self._last_commit = now
        for spec, cursor in cursors.items():
            try:
                self._write_record("cursor:" + spec, {"spec": spec, "cursor": cursor})
            except OSError:
                with self._lock:
                    self._cursors.setdefault(spec, cursor)
        for path, (handle, end) in noted.items():
            try:
                self._write(path, handle, end)
            except (OSError, ValueError):
                with self._lock:  # try again at the next commit
                    self._noted.setdefault(path, (handle, end))

    def _write(self, path: str, handle: Any, end: int) -> None:
        ident = (handle.dev, handle.ino)
        cached = self._fp.get(path)
        if cached is None or cached[0] != ident or cached[2] < FINGERPRINT_BYTES:
            head = handle.pread(FINGERPRINT_BYTES, 0)
            cached = (ident, fingerprint(head), len(head))
            self._fp[path] = cached
        self._write_record(
            path,
            {
                "path": os.path.abspath(path),
                "dev": ident[0],
                "ino": ident[1],
                "fp": cached[1],
                "fp_len": cached[2],
                "offset": end,
            },
        )

    def _write_record(self, key: str, record: dict[str, Any]) -> None:
        record["saved_at"] = time.time()
        path = key
        self.dir.mkdir(parents=True, exist_ok=True)
        final = self.dir / f"{_key(path)}.json"
        tmp = final.with_suffix(f".tmp{os.getpid()}")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, final)
