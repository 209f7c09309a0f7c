"""Log files as bytes: one-shot reads and reads of the content that exists now.

This is the edge of the program that touches files. It produces bytes — whole
lines, in big chunks — and knows nothing about log formats.

:func:`read_chunks` reads a file once (``check``, ``parse``);
:func:`open_existing` + :func:`read_existing` read the content a file has
*now* and leave the line cutter where it stopped, so the follower continues
from exactly there (the TUI and ``--headless`` replay existing content through
the very same merge in event time as ``check``, then follow). Lines are cut by
:class:`.lines.LineCutter`, the one cutter every reader uses.

The rest of the file source sits beside this module, each part along its own
seam: :mod:`.content` (handles, content views, chunks, events), :mod:`.lines`
(line cutting), :mod:`.specs` (which files a spec names), :mod:`.follower`
(``tail -F`` across rotation), :mod:`.rotation` (recognising content already
read under another name) and :mod:`.watch` (the inotify glue). The public
names of :mod:`.content`, :mod:`.lines` and :mod:`.specs` are re-exported
here; the follower is built on this module, so it is imported from
:mod:`.follower` itself.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator

from logwatch_tui.sources.content import (
    HEAD_BYTES as HEAD_BYTES,
)
from logwatch_tui.sources.content import (
    TAIL_BYTES as TAIL_BYTES,
)
from logwatch_tui.sources.content import (
    ContentGone,
    ContentView,
    FileHandle,
    FileIdentity,
    RawChunk,
    SourceEvent,
)
from logwatch_tui.sources.lines import (
    CUT_MARKER,
    LINE_CAP,
    LineCutter,
    line_number_at,
    tail_start,
)
from logwatch_tui.sources.specs import expand_specs
from logwatch_tui.sources.specs import is_probably_binary as is_probably_binary

__all__ = [
    "CUT_MARKER",
    "LINE_CAP",
    "ContentGone",
    "ContentView",
    "FileHandle",
    "FileIdentity",
    "LineCutter",
    "RawChunk",
    "SourceEvent",
    "expand_specs",
    "open_existing",
    "read_chunks",
    "read_existing",
]


# --------------------------------------------------------------------------- reading


def _clear_error(exc: OSError, path: str, verb: str = "open") -> OSError:
    """The same OSError subclass, with a message that names the file."""
    reason = exc.strerror or str(exc)
    return type(exc)(exc.errno, f"cannot {verb} {path}: {reason}")


def read_chunks(
    path: str, *, tail_lines: int | None = None, chunk_size: int = 1 << 20
) -> Iterator[RawChunk]:
    """One-shot read of a file (for ``check``/``parse``).

    The whole content, or only the last ``tail_lines`` lines (found by reading
    backwards from the end). A final line without newline is delivered at EOF
    (with ``\\n`` added): the file is complete. Raises OSError naming the file
    when it is missing, unreadable or a directory — at call time, not at the
    first ``next()``. Pipes (``<(cmd)``) are read sequentially; their chunks'
    handles cannot be ``pread`` later.
    """
    try:
        handle = FileHandle.open(path, nonblock=False)
        st = handle.fstat()
    except OSError as exc:
        raise _clear_error(exc, path) from exc
    if stat.S_ISDIR(st.st_mode):
        handle.close()
        raise IsADirectoryError(
            errno.EISDIR, f"cannot read {path}: it is a directory (name the files, or a glob)"
        )
    if not stat.S_ISREG(st.st_mode):
        return _read_stream(handle, path, chunk_size)
    start, first_line, exact = 0, 1, True
    if tail_lines is not None:
        if tail_lines <= 0:
            return iter(())
        try:
            start = tail_start(handle, st.st_size, tail_lines)
            first_line, exact = line_number_at(handle, start)
        except OSError as exc:
            raise _clear_error(exc, path, "read") from exc
    cutter = LineCutter(
        handle,
        path,
        offset=start,
        first_line=first_line,
        line_exact=exact,
        initial_end=1 << 62,
    )
    return _read_regular(cutter, chunk_size)


def _read_regular(cutter: LineCutter, chunk_size: int) -> Iterator[RawChunk]:
    yield from read_existing(cutter, 1 << 62, chunk_size=chunk_size)
    last = cutter.flush()
    if last is not None:
        yield last


def _read_stream(handle: FileHandle, path: str, chunk_size: int) -> Iterator[RawChunk]:
    cutter = LineCutter(handle, path, initial_end=1 << 62)
    while True:
        try:
            data = os.read(handle.fd, chunk_size)
        except OSError as exc:
            raise _clear_error(exc, path, "read") from exc
        if not data:
            break
        yield from cutter.feed(data)
    last = cutter.flush()
    if last is not None:
        yield last


def open_existing(path: str, *, tail_lines: int | None = None) -> tuple[LineCutter, int]:
    """Open a regular file to replay the content it has now: (cutter, size).

    The cutter starts at 0, or at the last ``tail_lines`` lines. Raises
    OSError naming the file (missing, unreadable, not a regular file).
    """
    try:
        handle = FileHandle.open(path)
        st = handle.fstat()
    except OSError as exc:
        raise _clear_error(exc, path) from exc
    if not stat.S_ISREG(st.st_mode):
        handle.close()
        raise OSError(errno.EINVAL, f"cannot follow {path}: not a regular file")
    start, first_line, exact = 0, 1, True
    try:
        if tail_lines is not None:
            start = tail_start(handle, st.st_size, tail_lines)
            first_line, exact = line_number_at(handle, start)
        cutter = LineCutter(
            handle,
            path,
            offset=start,
            first_line=first_line,
            line_exact=exact,
            initial_end=st.st_size,
        )
    except OSError as exc:
        handle.close()
        raise _clear_error(exc, path, "read") from exc
    return cutter, st.st_size


def read_existing(
    cutter: LineCutter, size: int, *, chunk_size: int = 1 << 20
) -> Iterator[RawChunk]:
    """Chunks of complete lines up to byte ``size``; an unfinished last line stays
    pending in ``cutter`` (the follower completes it when its newline arrives)."""
    while cutter.read_pos < size:
        try:
            data = cutter.handle.pread(min(chunk_size, size - cutter.read_pos), cutter.read_pos)
        except OSError as exc:
            raise _clear_error(exc, cutter.path, "read") from exc
        if not data:
            break
        yield from cutter.feed(data)
