"""Which files carry no timestamps at all (for ``check``).

A rule's window is a span of *log* time. A file whose lines carry no time would have
every line stamped with one made-up time (the time of the run), so a "5 in 60 s"
rule would see six minutes of lines as one instant and fire falsely. ``check`` asks
this module first and leaves such files out of window evaluation, saying so.
"""

from __future__ import annotations

from typing import Any

from logwatch_tui.core.formats import format_names, make_format
from logwatch_tui.core.formats.detect import SAMPLE, SourceParser

PROBE_LINES = 2 * SAMPLE


def has_timestamps(
    path: str,
    *,
    format_name: str | None = None,
    custom: list[dict[str, Any]] | None = None,
) -> tuple[bool, str]:
    """(whether the first lines of ``path`` carry times, the format they parse as)."""
    from logwatch_tui.pipeline import split_lines
    from logwatch_tui.sources.special import kind_of, replay_chunks

    if kind_of(path) != "file":
        # stdin can be read once only (the replay needs it), and journal entries
        # always carry their time: nothing to probe
        return True, ""
    forced = make_format(format_name, custom=custom) if format_name else None
    cands = [make_format(n, custom=custom) for n in format_names(custom=custom)] if custom else None
    sp = SourceParser(path, forced=forced, candidates=cands)
    first = 1
    for chunk in replay_chunks(path, chunk_size=256 << 10):
        lines = split_lines(chunk.data)[: PROBE_LINES - first + 1]
        if lines:
            sp.feed(lines, first_line=first)
            first += len(lines)
        if first > PROBE_LINES:
            break
    return sp.has_timestamps, sp.format.name


def untimed_files(
    paths: list[str],
    *,
    format_name: str | None = None,
    custom: list[dict[str, Any]] | None = None,
) -> dict[str, str]:
    """``{path: format}`` of the files whose first lines carry no timestamp."""
    out = {}
    for p in paths:
        ok, fmt = has_timestamps(p, format_name=format_name, custom=custom)
        if not ok:
            out[p] = fmt
    return out
