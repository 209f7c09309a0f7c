#!/usr/bin/env python3
"""TUI figures, measured headless through ``App.run_test`` (the real app, real files).

1. Open time on a big file (default 5M syslog lines; ``--format python`` for the
   previous wave's file): time until the newest line is on screen, and until the
   whole file is indexed, with a key press timed every ~50 ms meanwhile (median and
   max). ``LOGWATCH_INGEST_WORKERS=0`` times the line-by-line path (no worker
   processes); ``benchmarks/tui_tmux.py`` times both tools from launch in a terminal.
2. Memory: bytes per line held by the line store's columns, and the process's
   peak RSS.
3. Append latency: a line appended to the file → on screen (median/p95 over 100).
4. Firehose: a writer appends 50k lines/s for N seconds; key presses are timed
   meanwhile and memory is sampled.

lnav is interactive-only, so it is not driven here: ``benchmarks/tui_tmux.py``
times both tools from launch in a real terminal.

    python benchmarks/tui.py [--lines 5000000] [--firehose-seconds 30] [--readme]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _common import data_file  # noqa: E402

from logwatch_tui.ui.app import LogwatchApp  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def on_screen(app: LogwatchApp, needle: str) -> bool:
    view = app.log_view
    height = view.scrollable_content_region.height
    return any(needle in "".join(seg.text for seg in view.render_line(y)) for y in range(height))


async def timed_key(pilot, app: LogwatchApp) -> float:
    """Send a level key the way the terminal driver does and time until it took effect.

    (Pilot.press also waits for the process to go idle — up to 1 s while a big file
    is loading — so it cannot measure latency.)"""
    from textual import events

    view = app.log_view
    before = view._filter_generation
    t0 = time.perf_counter()
    app._driver.send_message(events.Key("2", "2"))
    while view._filter_generation == before:
        await asyncio.sleep(0.001)
    dt = time.perf_counter() - t0
    app._driver.send_message(events.Key("2", "2"))  # toggle back
    while view._filter_generation == before + 1:
        await asyncio.sleep(0.001)
    return dt


async def loop_lag(app: LogwatchApp) -> float:
    """How long the event loop takes to run a callback right now (what a key press waits)."""
    done = asyncio.Event()
    t0 = time.perf_counter()
    app.call_later(done.set)
    await done.wait()
    lag = time.perf_counter() - t0
    await asyncio.sleep(0.02)
    return lag


async def bench_open(path: Path, total_lines: int) -> dict:
    last_line = path.read_bytes()[-200:].rstrip(b"\n").split(b"\n")[-1].decode()
    needle = last_line.rsplit(" - ", 1)[-1][-30:]  # the message part is what the view shows
    rss0 = rss_mb()
    t0 = time.perf_counter()
    app = LogwatchApp([str(path)], use_history=False)
    result: dict = {}
    async with app.run_test(size=(160, 48)) as pilot:
        while not on_screen(app, needle):
            await asyncio.sleep(0.005)
        result["first_screen"] = time.perf_counter() - t0
        key_times = []
        progress_seen = app.header.progress is not None
        while not app.caught_up:
            key_times.append(await timed_key(pilot, app))
            await asyncio.sleep(0.05)
            progress_seen = progress_seen or app.header.progress is not None
        result["full_index"] = time.perf_counter() - t0
        result["progress_shown"] = progress_seen
        result["key_during_index_ms"] = max(key_times) * 1000 if key_times else None
        result["key_median_ms"] = statistics.median(key_times) * 1000 if key_times else None
        result["keys"] = len(key_times)
        while not on_screen(app, needle):
            await asyncio.sleep(0.01)
        result["lines"] = len(app.store)
        # investigate the whole file: a search and a filter, timing the screen meanwhile
        t0 = time.perf_counter()
        app.investigation.start_search("payment \\S+ for bob")
        keys = []
        while (
            "match" not in app.header.search or "%" in app.header.search or "…" in app.header.search
        ):
            keys.append(await loop_lag(app))
        result["search_s"] = time.perf_counter() - t0
        result["search_hits"] = len(app.log_view.search_matches)
        result["search_lag_ms"] = max(keys) * 1000 if keys else 0.0
        t0 = time.perf_counter()
        view = app.log_view
        generation = view._filter_generation
        app.investigation.submit("filter-out", "cache hit")
        keys = []
        # until the view has started filtering with the new filter, and finished
        while view._filter_generation == generation or view.filtering:
            keys.append(await loop_lag(app))
        result["filter_s"] = time.perf_counter() - t0
        result["filter_rows"] = len(app.log_view.rows)
        result["filter_lag_ms"] = max(keys) * 1000 if keys else 0.0
        result["store_bytes_per_line"] = app.store.nbytes / max(1, len(app.store))
        result["rss_growth_mb"] = rss_mb() - rss0
        result["rss_per_line"] = result["rss_growth_mb"] * 1024 * 1024 / max(1, len(app.store))
    return result


def py_line(i: int, msg: str) -> str:
    now = datetime.now()
    return f"{now:%Y-%m-%d %H:%M:%S},{now.microsecond // 1000:03d} - bench - INFO - {msg} {i}\n"


async def bench_append(n: int = 100) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "append.log"
        path.write_text("".join(py_line(i, "history") for i in range(1000)))
        app = LogwatchApp([str(path)], use_history=False)
        latencies = []
        async with app.run_test(size=(120, 40)) as pilot:
            while not app.caught_up or len(app.store) < 1000:
                await asyncio.sleep(0.01)
            await pilot.pause()
            with path.open("a") as fh:
                for i in range(n):
                    needle = f"appended-line {i}"
                    t0 = time.perf_counter()
                    fh.write(py_line(i, "appended-line").replace(f"appended-line {i}", needle))
                    fh.flush()
                    while not on_screen(app, needle):
                        await asyncio.sleep(0.001)
                    latencies.append(time.perf_counter() - t0)
                    await asyncio.sleep(0.02)
    latencies.sort()
    return {
        "median_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95) - 1] * 1000,
        "max_ms": latencies[-1] * 1000,
    }


async def bench_firehose(seconds: float, rate: int = 50_000) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "firehose.log"
        path.write_text("")
        app = LogwatchApp([str(path)], use_history=False)
        stop = threading.Event()
        written = [0]

        def writer() -> None:
            block = 1000
            with path.open("a") as fh:
                start = time.perf_counter()
                while not stop.is_set():
                    due = (time.perf_counter() - start) * rate
                    if written[0] + block > due:
                        time.sleep(0.002)
                        continue
                    fh.write("".join(py_line(written[0] + k, "firehose") for k in range(block)))
                    fh.flush()
                    written[0] += block

        keys, rss = [], []
        async with app.run_test(size=(160, 48)) as pilot:
            while not app.caught_up:
                await asyncio.sleep(0.01)
            t = threading.Thread(target=writer, daemon=True)
            t.start()
            t_end = time.perf_counter() + seconds
            while time.perf_counter() < t_end:
                keys.append(await timed_key(pilot, app))
                rss.append(rss_mb())
                await asyncio.sleep(0.5)
            stop.set()
            t.join()
            deadline = time.perf_counter() + 30
            while len(app.store) < written[0] and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
            ingested = len(app.store)
    keys.sort()
    return {
        "written": written[0],
        "ingested": ingested,
        "rate": written[0] / seconds,
        "key_median_ms": statistics.median(keys) * 1000,
        "key_max_ms": keys[-1] * 1000,
        "rss_first_mb": rss[0],
        "rss_last_mb": rss[-1],
        "bytes_per_line_growth": (rss[-1] - rss[0]) * 1024 * 1024 / max(1, written[0]),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=5_000_000)
    ap.add_argument("--format", default="syslog", help="generated log format of the open test")
    ap.add_argument("--firehose-seconds", type=float, default=30.0)
    ap.add_argument("--skip", nargs="*", default=[], choices=["open", "append", "firehose"])
    ap.add_argument("--readme", action="store_true", help="write the figures into README.md")
    args = ap.parse_args()
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    if args.readme:  # everything printed below also goes into the README block
        import io

        tee = io.StringIO()
        out = sys.stdout

        class _Tee:
            def write(self, text: str) -> int:
                tee.write(text)
                return out.write(text)

            def flush(self) -> None:
                out.flush()

        sys.stdout = _Tee()  # type: ignore[assignment]
    if "open" not in args.skip:
        path = data_file(args.format, args.lines)
        size_mb = path.stat().st_size / 1e6
        r = asyncio.run(bench_open(path, args.lines))
        print(f"open {path.name} ({r['lines']:,} lines, {size_mb:.0f} MB)")
        print(f"  newest lines on screen   {r['first_screen']:6.2f} s")
        print(f"  fully indexed            {r['full_index']:6.2f} s")
        print(f"  progress indicator shown {r['progress_shown']}")
        if r["key_during_index_ms"] is not None:
            print(
                f"  key while indexing       median {r['key_median_ms']:.0f} ms, "
                f"max {r['key_during_index_ms']:.0f} ms ({r['keys']} presses)"
            )
        print(f"  store columns            {r['store_bytes_per_line']:6.1f} B/line")
        print(
            f"  process RSS growth       {r['rss_per_line']:6.1f} B/line ({r['rss_growth_mb']:.0f} MB)"
        )
        print(
            f"  search all lines         {r['search_s']:6.2f} s ({r['search_hits']:,} hits), "
            f"event loop lag max {r['search_lag_ms']:.0f} ms"
        )
        print(
            f"  filter-out all lines     {r['filter_s']:6.2f} s ({r['filter_rows']:,} rows left), "
            f"event loop lag max {r['filter_lag_ms']:.0f} ms"
        )
    if "append" not in args.skip:
        r = asyncio.run(bench_append())
        print("append → on screen (100 appends, inotify)")
        print(
            f"  median {r['median_ms']:.1f} ms   p95 {r['p95_ms']:.1f} ms   max {r['max_ms']:.1f} ms"
        )
    if "firehose" not in args.skip:
        r = asyncio.run(bench_firehose(args.firehose_seconds))
        print(
            f"firehose {r['rate']:,.0f} lines/s for {args.firehose_seconds:.0f} s "
            f"({r['written']:,} written, {r['ingested']:,} ingested)"
        )
        print(
            f"  key press handled: median {r['key_median_ms']:.0f} ms, max {r['key_max_ms']:.0f} ms"
        )
        print(
            f"  RSS {r['rss_first_mb']:.0f} MB → {r['rss_last_mb']:.0f} MB "
            f"({r['bytes_per_line_growth']:.0f} B per line written)"
        )
    print(f"peak RSS {peak_mb():.0f} MB")
    if args.readme:
        sys.stdout = out
        write_readme(args, tee.getvalue())
    return 0


README = Path(__file__).resolve().parents[1] / "README.md"
START = "<!-- tui:start (written by benchmarks/tui.py --readme) -->"
END = "<!-- tui:end -->"


def write_readme(args: argparse.Namespace, printed: str) -> None:
    import datetime
    import platform

    text = README.read_text()
    a, b = text.find(START), text.find(END)
    if a < 0 or b < a:
        raise SystemExit(f"README.md has no {START!r} … {END!r} block")
    skip = f" --skip {' '.join(args.skip)}" if args.skip else ""
    block = (
        f"Measured {datetime.date.today()} by `python benchmarks/tui.py --lines {args.lines}"
        f" --format {args.format}{skip} --readme` ({os.cpu_count()} CPUs, load average "
        f"{os.getloadavg()[0]:.1f} at the end; Python {platform.python_version()}):\n\n"
        f"```\n{printed.rstrip()}\n```"
    )
    README.write_text(text[: a + len(START)] + "\n" + block + "\n" + text[b:])
    print(f"wrote the figures into {README}", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
