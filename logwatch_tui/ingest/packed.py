"""One byte range of a source as the TUI's line store needs it (runs in worker processes).

:func:`~logwatch_tui.ingest.columns.parse_range` gives a range's epochs, levels and
the lines some rule may count; this adds what the store keeps per line — where its
bytes are (start offset and length) — and packs every column into plain ``bytes``
in the machine's layout (``int64`` offsets, ``uint32`` lengths, ``float64`` epochs,
``uint8`` levels). The UI process then appends them to its ``array`` columns with
``frombytes`` (a copy, no Python object per line, no numpy in that process), feeds
the rule engine only the candidate lines and folds the stats from counts computed
here.
"""

from __future__ import annotations

import zlib

import numpy as np

from logwatch_tui.core.formats.columnar import ColumnarPlan
from logwatch_tui.core.levels import Level
from logwatch_tui.ingest.columns import parse_range
from logwatch_tui.ingest.summary import Candidate, PackedRange, RuleProbe

N_LEVELS = max(Level) + 1


def pack_range(
    path: str,
    offset: int,
    end: int,
    plan: ColumnarPlan,
    probes: list[RuleProbe],
    bucket_seconds: float,
    max_line: int,
) -> PackedRange:
    """Parse ``[offset, end)`` of ``path`` (whole lines, ending with a newline)."""
    cols = parse_range(path, offset, end, plan, probes)
    if not cols.covered:
        return PackedRange(offset, end, False, cols.reason)
    n = cols.n
    if n == 0:
        return PackedRange(offset, end, True, "", 0, counts=[0] * N_LEVELS)
    if cols.added_newline:
        return PackedRange(offset, end, False, "the file changed while it was read")
    buf, starts, nl = cols.buf, cols.starts, cols.nl
    assert starts is not None and nl is not None
    lengths = nl - starts
    longest = int(lengths.max())
    if longest > max_line:
        return PackedRange(offset, end, False, "a line longer than the line cap")
    epochs = cols.epochs
    assert epochs is not None and cols.levels is not None and cols.cand is not None
    levels = cols.levels.astype(np.uint8)
    cummax = np.maximum.accumulate(epochs)
    cand = cols.cand.tolist()
    cands: list[Candidate] = []
    prev = -1
    ep = epochs[cols.cand].tolist()
    lv = levels[cols.cand].tolist()
    for k, i in enumerate(cand):
        gap = float(cummax[i - 1]) if i > prev + 1 else None
        cands.append(Candidate(gap, cols.cand_lines[k], cols.cand_msgs[k], lv[k], ep[k]))
        prev = i
    # one float key per (bucket, level): bucket * 256 + level is exact in float64
    keys, nums = np.unique(
        np.floor_divide(epochs, bucket_seconds) * 256.0 + levels, return_counts=True
    )
    series = [
        (int(k % 256.0), float(k // 256.0), int(c))
        for k, c in zip(keys.tolist(), nums.tolist(), strict=True)
    ]
    last_a = int(starts[-1])
    return PackedRange(
        offset,
        end,
        True,
        "",
        n,
        (starts + offset).astype(np.int64).tobytes(),
        lengths.astype(np.uint32).tobytes(),
        epochs.astype(np.float64).tobytes(),
        levels.tobytes(),
        np.bincount(levels, minlength=N_LEVELS)[:N_LEVELS].tolist(),
        float(epochs[0]),
        float(epochs[-1]),
        float(epochs.min()),
        float(cummax[-1]),
        series,
        cands,
        float(cummax[-1]) if prev < n - 1 else None,
        buf[last_a : int(nl[-1])].decode("utf-8", "replace"),
        zlib.crc32(buf),
        longest,
    )


def load_worker_modules() -> None:
    """Pool initializer: Ctrl-C and terminal signals are the UI's, not the workers'."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def pack_task(args: tuple) -> PackedRange:
    """:func:`pack_range` for a pool; a bug costs speed (the line path), never the answer."""
    try:
        return pack_range(*args)
    except Exception as exc:
        return PackedRange(args[1], args[2], False, f"columnar parser failed: {exc!r}")


__all__ = ["PackedRange", "load_worker_modules", "pack_range", "pack_task"]
