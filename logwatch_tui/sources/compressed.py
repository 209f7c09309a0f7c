"""Compressed log files (``.gz``, ``.bz2``, ``.xz``): read transparently.

Rotated logs are usually compressed (``app.log.2.gz``). They never grow, so
they are read once — in ``parse``/``check`` like any file, and in follow mode
as existing content before the live files, oldest first, so a glob such as
``'app.log*'`` shows the rotated history and the live file as one timeline.

The codec is chosen by the first bytes (magic), not the name, so a misnamed
file still reads; the stdlib modules do the work (no new dependency). Lines
of a compressed file are not on disk to re-read by offset, so their chunks
carry no file handle (the store keeps their text).
"""

from __future__ import annotations

import bz2
import glob
import gzip
import lzma
import os
from collections.abc import Iterator
from typing import BinaryIO

from logwatch_tui.sources.content import RawChunk

_MAGIC = (
    (b"\x1f\x8b", gzip.open),
    (b"BZh", bz2.open),
    (b"\xfd7zXZ\x00", lzma.open),
)
SUFFIXES = (".gz", ".bz2", ".xz")


def codec_of(path: str):
    """The stdlib opener for a compressed file, or None for anything else."""
    try:
        with open(path, "rb") as f:
            magic = f.read(6)
    except OSError:
        return None
    for prefix, opener in _MAGIC:
        if magic.startswith(prefix):
            return opener
    return None


def is_compressed(path: str) -> bool:
    return path.lower().endswith(SUFFIXES) and codec_of(path) is not None


def open_source_bytes(path: str) -> BinaryIO:
    """A readable binary stream of the file's *content*: decompressed if needed."""
    opener = codec_of(path)
    if opener is None:
        return open(path, "rb")  # noqa: SIM115 - the caller closes it
    return opener(path, "rb")


def read_compressed_chunks(
    path: str, *, tail_lines: int | None = None, chunk_size: int = 1 << 20, initial: bool = True
) -> Iterator[RawChunk]:
    """The decompressed lines of ``path`` as chunks (whole lines; a last line
    without newline gets one). ``tail_lines`` keeps only the last N lines.
    Raises OSError naming the file if it is missing or corrupt."""
    try:
        stream = open_source_bytes(path)
    except OSError as exc:
        raise type(exc)(exc.errno, f"cannot open {path}: {exc.strerror or exc}") from exc
    return _chunks(stream, path, tail_lines, chunk_size, initial)


def _chunks(
    stream: BinaryIO, path: str, tail_lines: int | None, chunk_size: int, initial: bool
) -> Iterator[RawChunk]:
    with stream:
        if tail_lines is not None:
            yield from _tail(stream, path, tail_lines, chunk_size, initial)
            return
        offset, line, pending = 0, 1, b""
        while True:
            try:
                data = stream.read(chunk_size)
            except (OSError, EOFError, lzma.LZMAError) as exc:
                raise OSError(f"cannot read {path}: corrupt compressed data ({exc})") from exc
            if not data:
                break
            buf = pending + data if pending else data
            cut = buf.rfind(b"\n") + 1
            if cut:
                out = buf[:cut]
                yield RawChunk(path, out, offset, line, None, initial)  # type: ignore[arg-type]
                offset += cut
                line += out.count(b"\n")
            pending = buf[cut:]
        if pending:
            yield RawChunk(path, pending + b"\n", offset, line, None, initial)  # type: ignore[arg-type]


def _tail(stream: BinaryIO, path: str, n: int, chunk_size: int, initial: bool):
    from collections import deque

    if n <= 0:
        return
    last: deque[bytes] = deque(maxlen=n)
    total = 0
    for chunk in _chunks(stream, path, None, chunk_size, initial):
        lines = chunk.data.splitlines(keepends=True)
        total += len(lines)
        last.extend(lines)
    if last:
        first = total - len(last) + 1
        data = b"".join(last)
        yield RawChunk(path, data, 0, first, None, initial)  # type: ignore[arg-type]


def compressed_siblings(specs: list[str]) -> list[str]:
    """Compressed files a glob or directory spec names (the plain expansion skips
    them as binary), and compressed files named outright; oldest first."""
    found: list[str] = []
    seen: set[str] = set()
    for spec in specs:
        if os.path.isdir(spec):
            cands = glob.glob(os.path.join(glob.escape(spec), "*"))
        elif glob.has_magic(spec) and not os.path.lexists(spec):
            cands = glob.glob(spec)
        else:
            cands = [spec] if os.path.isfile(spec) else []
        for p in cands:
            key = os.path.abspath(p)
            if key not in seen and os.path.isfile(p) and is_compressed(p):
                seen.add(key)
                found.append(p)
    found.sort(key=_age_key)
    return found


def _age_key(path: str) -> tuple[float, str]:
    try:
        return (os.path.getmtime(path), path)
    except OSError:
        return (0.0, path)


def split_compressed(paths: list[str]) -> tuple[list[str], list[str]]:
    """(plain paths, compressed paths) of an explicit path list."""
    plain, comp = [], []
    for p in paths:
        (comp if os.path.isfile(p) and is_compressed(p) else plain).append(p)
    return plain, comp
