#!/usr/bin/env python3
"""Search and filter throughput over a loaded LineStore, beside lnav's ``:filter-in``.

For each generated file (syslog, JSON lines; 1M lines by default) this builds a
LineStore the way the app does (``read_chunks`` -> ``split_lines`` /
``line_offsets`` -> ``SourceParser`` -> ``LineStore.append`` with pread
handles), then times, best of N on a warm page cache:

* ``find_matches`` for the literal ``ERROR`` and two regexes,
* ``FilterSet.apply`` with a filter-in ``ERROR`` over every line.

lnav is timed as whole processes in the same run:

* ``lnav -n -c ':filter-in ERROR' FILE`` (load + index + filter + print matches),
* ``lnav -n -c ':echo loaded' FILE`` as its load baseline: the same load and
  index, no filter, one line of output. (Plain ``lnav -n FILE`` is no baseline:
  with no command it prints every line of the file, which costs more than the
  filter.)

``net`` = filter run minus baseline = lnav's time to filter an already loaded
file, which is what a user waits for after typing a filter — the figure we
compare ``FilterSet.apply`` against. The raw whole-process figure is printed
beside our own load + filter time.

    python benchmarks/search_filter.py [--lines 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from _common import ROOT, data_file, lnav_available, lnav_env, run_timed

sys.path.insert(0, str(ROOT))

from logwatch_tui.core.filters import FilterSet  # noqa: E402
from logwatch_tui.core.formats.detect import SourceParser  # noqa: E402
from logwatch_tui.core.search import find_matches  # noqa: E402
from logwatch_tui.core.store import LineStore  # noqa: E402
from logwatch_tui.pipeline import line_offsets, split_lines  # noqa: E402
from logwatch_tui.sources.file import read_chunks  # noqa: E402


def build_store(path: Path) -> tuple[LineStore, str]:
    """What the app's pipeline puts in the store, without threads."""
    store = LineStore()
    parser = SourceParser(str(path))
    for chunk in read_chunks(str(path)):
        batch = parser.feed(split_lines(chunk.data), first_line=chunk.first_line)
        batch.offsets = line_offsets(chunk.data, chunk.offset)
        batch.end_offset = chunk.offset + len(chunk.data)
        batch.handle = chunk.handle
        store.append(batch)
    return store, parser.format.name


def best(runs: int, fn: Callable[[], object]) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def lnav_time(runs: int, command: str, path: Path) -> tuple[float, int]:
    env = lnav_env()
    out = []
    for _ in range(runs):
        dt, _rss, proc = run_timed(["lnav", "-n", "-c", command, str(path)], env=env)
        if proc.returncode != 0:
            sys.stderr.write(proc.stderr.decode(errors="replace"))
        out.append((dt, proc.stdout.count(b"\n")))
    return min(out)


def mps(lines: int, seconds: float) -> str:
    return f"{lines / seconds / 1e6:6.2f}M" if seconds > 0 else "     ∞"


def bench_file(path: Path, runs: int, have_lnav: bool) -> None:
    path.read_bytes()  # warm the page cache for everyone
    t0 = time.perf_counter()
    store, detected = build_store(path)
    load = time.perf_counter() - t0
    n = len(store)
    rows = store.visible(range(8))
    name = path.name

    def row(what: str, dt: float, hits: object) -> None:
        print(f"{name:<22}{what:<56}{dt:9.3f}{mps(n, dt):>9}{hits!s:>9}")

    row(f"ours: build store ({detected})", load, "")
    searches = [
        ("ERROR", "literal"),
        (r"status=5\d\d", "regex, smart case"),
        ("timeout|refused", "alternation, smart case"),
    ]
    for pattern, kind in searches:
        dt, hits = best(runs, lambda p=pattern: find_matches(store, p))
        row(f"ours: find_matches /{pattern}/ ({kind})", dt, len(hits))  # type: ignore[arg-type]
    fs = FilterSet().add("in", "ERROR")
    ours_filter, kept = best(runs, lambda: fs.apply(store, rows))
    row("ours: FilterSet.apply filter-in ERROR", ours_filter, len(kept))  # type: ignore[arg-type]
    row("ours: build store + filter-in ERROR", load + ours_filter, "")
    if not have_lnav:
        print(f"{name:<22}lnav not installed: no comparison")
        return
    raw, lnav_hits = lnav_time(runs, ":filter-in ERROR", path)
    base, _ = lnav_time(runs, ":echo loaded", path)
    net = max(raw - base, 1e-9)
    row("lnav: -c ':filter-in ERROR' (whole process)", raw, lnav_hits)
    row("lnav: -c ':echo loaded' (load baseline)", base, "")
    row("lnav: net filter (difference)", net, "")
    print(
        f"{name:<22}ratio, filter on a loaded log (lnav net / ours apply): "
        f"{net / ours_filter:5.2f}x  (>1: we are faster)"
    )
    print(
        f"{name:<22}ratio, whole job (lnav process / our build + filter): "
        f"{raw / (load + ours_filter):5.2f}x"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3, help="best of N for every timing")
    args = ap.parse_args()
    have_lnav = lnav_available()
    print(f"{'file':<22}{'what':<56}{'seconds':>9}{'lines/s':>9}{'hits':>9}")
    for fmt in (
        "syslog",
        "journald",
    ):  # journald: JSON lines lnav parses as a log (journald_json_log)
        bench_file(data_file(fmt, args.lines), args.runs, have_lnav)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
