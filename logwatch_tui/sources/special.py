"""Source specs that are not paths: ``-``, ``journald:…``, ``syslog+udp|tcp|tls://…``.

One place decides what a spec names, so the pipeline, the CLI and the TUI
launcher agree. File specs (paths, globs, directories) go on to the file
follower untouched; the others become a :class:`~.stream.StreamSource`
for following, or a chunk iterator for ``parse``/``check``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from logwatch_tui.sources.content import RawChunk
from logwatch_tui.sources.stream import ChunkCallback, EventCallback, StreamSource

SYSLOG_PREFIXES = ("syslog+udp://", "syslog+tcp://", "syslog+tls://")


def kind_of(spec: str) -> str:
    """``stdin``, ``journald``, ``syslog`` or ``file``."""
    if spec == "-":
        return "stdin"
    if spec.startswith("journald:"):
        return "journald"
    if spec.startswith(SYSLOG_PREFIXES) or spec.startswith("syslog+"):
        return "syslog"
    return "file"


def is_special(spec: str) -> bool:
    return kind_of(spec) != "file"


def split_specs(specs: list[str]) -> tuple[list[str], list[str]]:
    """(file specs, special specs), order kept."""
    files = [s for s in specs if not is_special(s)]
    return files, [s for s in specs if is_special(s)]


def check_specs(specs: list[str]) -> None:
    """Raise a one-line OSError/ValueError now for a special spec that can't work
    (bad syntax, missing journal directory, port taken or privileged, TLS files)."""
    if not specs:  # plain files (the usual case): no receiver module to load
        return
    from logwatch_tui.sources.journald import journal_args, journalctl_path
    from logwatch_tui.sources.syslog_receiver import check_endpoint

    if specs.count("-") > 1:
        raise ValueError("'-' (standard input) can be given only once")
    for spec in specs:
        kind = kind_of(spec)
        if kind == "journald":
            journal_args(spec)
            journalctl_path()
        elif kind == "syslog":
            check_endpoint(spec)


def make_source(
    spec: str,
    on_chunk: ChunkCallback,
    on_event: EventCallback,
    *,
    tail_lines: int | None = None,
) -> StreamSource:
    kind = kind_of(spec)
    if kind == "stdin":
        from logwatch_tui.sources.stdin import StdinSource

        return StdinSource(spec, on_chunk, on_event)
    if kind == "journald":
        from logwatch_tui.sources.journald import JournaldSource

        return JournaldSource(spec, on_chunk, on_event, tail_lines=tail_lines)
    if kind == "syslog":
        from logwatch_tui.sources.syslog_receiver import SyslogReceiver

        return SyslogReceiver(spec, on_chunk, on_event)
    raise ValueError(f"{spec} is a file spec")


def format_hint(spec: str) -> tuple[str, ...] | None:
    """The only formats a source's lines can be in, when the source knows."""
    kind = kind_of(spec)
    if kind == "syslog":
        return ("rfc5424", "syslog")
    if kind == "journald":
        return ("json",)
    return None


def source_name(spec: str) -> str:
    """The name the caught-up event of ``spec`` carries."""
    if spec == "-":
        from logwatch_tui.sources.stdin import STDIN_NAME

        return STDIN_NAME
    return spec


def replay_chunks(
    spec: str, *, tail_lines: int | None = None, chunk_size: int = 1 << 20
) -> Iterator[RawChunk]:
    """What one-shot commands read for ``spec``: stdin to EOF, the journal's
    entries, a compressed file decompressed, else the file itself."""
    kind = kind_of(spec)
    if kind == "stdin":
        from logwatch_tui.sources.stdin import replay_stdin

        chunks = replay_stdin()
        if tail_lines is not None:
            return _tail(chunks, tail_lines)
        return chunks
    if kind == "journald":
        from logwatch_tui.sources.journald import replay_journal

        return replay_journal(spec, tail_lines=tail_lines)
    if kind == "syslog":
        raise ValueError(
            f"{spec} is a live receiver: it has nothing to replay (use it with the TUI or --headless)"
        )
    from logwatch_tui.sources.compressed import is_compressed, read_compressed_chunks
    from logwatch_tui.sources.file import read_chunks

    if is_compressed(spec):
        return read_compressed_chunks(spec, tail_lines=tail_lines, chunk_size=chunk_size)
    return read_chunks(spec, tail_lines=tail_lines, chunk_size=chunk_size)


def _tail(chunks: Iterator[RawChunk], n: int) -> Iterator[RawChunk]:
    from collections import deque

    if n <= 0:
        return
    last: deque[bytes] = deque(maxlen=n)
    total = 0
    name = None
    for c in chunks:
        name = c.path
        lines = c.data.splitlines(keepends=True)
        total += len(lines)
        last.extend(lines)
    if last and name is not None:
        yield RawChunk(name, b"".join(last), 0, total - len(last) + 1, None, False)  # type: ignore[arg-type]


def readable_files(sources: list[str]) -> list[str]:
    """Files, globs and directories to readable file paths, for one-shot commands
    (``check``, ``parse``, ``patterns``): there a missing or unreadable file is an
    error (one line naming it), not something to wait for. Stdin (``-``) and
    ``journald:`` specs pass through; compressed rotations a glob or directory
    names are included (:mod:`.compressed`)."""
    from logwatch_tui.sources.compressed import compressed_siblings
    from logwatch_tui.sources.specs import expand_specs

    file_specs, special = split_specs(list(sources))
    for spec in special:
        if spec.startswith("syslog+"):
            raise ValueError(f"{spec} is a live receiver: use it with the TUI or --headless")
    check_specs(special)
    paths, _patterns = expand_specs(file_specs) if file_specs else ([], [])
    known = {os.path.abspath(p) for p in paths}
    paths = [p for p in compressed_siblings(file_specs) if os.path.abspath(p) not in known] + paths
    for p in paths:
        if not os.path.exists(p):
            raise FileNotFoundError(f"cannot read {p}: no such file")
        if os.path.isdir(p):
            raise IsADirectoryError(f"cannot read {p}: is a directory")
        if not os.access(p, os.R_OK):
            raise PermissionError(f"cannot read {p}: permission denied")
    if not paths and not special:
        raise FileNotFoundError(f"no files match {' '.join(sources)}")
    return paths + special
