#!/usr/bin/env python3
"""How long each modal takes to open with millions of lines loaded (issue 16: ≤ 200 ms).

The real app, headless through ``App.run_test`` on real files: a generated log of
``--lines`` lines (default 5M) plus a small second file holding one 1 MB line. Once
everything is indexed, each modal is opened the way a key press opens it (the key
is sent through the driver, as a terminal would) and timed until the screen is
mounted and the event loop is free again (the first frame can be drawn):

- rule editor (``R`` then ``e`` on a rule), new rule from the selected line (``A``)
- delete confirm (``x`` on the rules screen)
- record detail on the 1 MB line (``Enter``)
- histogram (``H``): time to the screen, and time until the bars are counted
- help (``?``), patterns (``P``)

Each is opened ``--repeat`` times; the median and the worst are printed, with
the median CPU time of the event-loop thread during an open ("loop cpu"): the
work the opening does. On a loaded machine the wall time is that work plus the
wait for a core (and for the GIL when another thread of the app runs), so read
the two together; on a quiet machine they are close.

    python benchmarks/modals.py                 # 5M lines (≈ 1–2 min to load)
    python benchmarks/modals.py --lines 200000  # quick
    python benchmarks/modals.py --lines 200000 --profile   # + a cProfile per modal
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import data_file  # noqa: E402
from textual import events  # noqa: E402
from textual.screen import Screen  # noqa: E402

from logwatch_tui.ui.app import LogwatchApp  # noqa: E402
from logwatch_tui.ui.screens.confirm import ConfirmScreen  # noqa: E402
from logwatch_tui.ui.screens.help import HelpScreen  # noqa: E402
from logwatch_tui.ui.screens.histogram import HistogramScreen  # noqa: E402
from logwatch_tui.ui.screens.patterns import PatternsScreen  # noqa: E402
from logwatch_tui.ui.screens.record_detail import RecordDetailScreen  # noqa: E402
from logwatch_tui.ui.screens.rule_editor import RuleEditor  # noqa: E402
from logwatch_tui.ui.screens.rules import RulesScreen  # noqa: E402
from logwatch_tui.ui.widgets.histogram_view import HistogramView  # noqa: E402

TARGET_MS = 200.0
PROFILING = False
PROFILE: dict[str, cProfile.Profile] = {}
"""``--profile``: one profile of the event-loop thread per modal kind (all its opens)."""
LOOP_CPU: dict[str, list[float]] = {}
"""CPU seconds the event-loop thread spent on each open, by screen class (the rest of the
wall time it waited: for the GIL held by other threads, or for a core on a loaded machine)."""
RULES = """
[[rules]]
name = "High error rate"
level = "error"
threshold = 50
window = "1m"

[[rules]]
name = "Payment failures"
match = "payment \\\\S+ failed"
threshold = 5
window = "5m"
"""


def key_event(key: str) -> events.Key:
    char = {"enter": "\r", "question_mark": "?", "escape": "\x1b"}.get(key, key)
    return events.Key(key, char if len(char) == 1 else None)


async def idle(app: LogwatchApp) -> None:
    """Return once the event loop has run a callback: what a key press waits for."""
    done = asyncio.Event()
    app.call_later(done.set)
    await done.wait()


async def open_timed(
    app: LogwatchApp, key: str, kind: type[Screen], ready: Callable[[Screen], bool] | None = None
) -> float:
    """Seconds from the key to the screen mounted and the loop free (its frame drawn next)."""
    prof = PROFILE.setdefault(kind.__name__, cProfile.Profile()) if PROFILING else None
    c0 = time.thread_time()
    t0 = time.perf_counter()
    if prof is not None:
        prof.enable()
    app._driver.send_message(key_event(key))
    while not (isinstance(app.screen, kind) and app.screen.is_mounted):
        await asyncio.sleep(0.001)
    if ready is not None:
        while not ready(app.screen):
            await asyncio.sleep(0.001)
    await idle(app)
    if prof is not None:
        prof.disable()
    LOOP_CPU.setdefault(kind.__name__, []).append(time.thread_time() - c0)
    return time.perf_counter() - t0


async def close(app: LogwatchApp, kind: type[Screen]) -> None:
    """Escape, as a person closes it (so the screen stops its own background work)."""
    app._driver.send_message(events.Key("escape", "\x1b"))
    while isinstance(app.screen, kind):
        await asyncio.sleep(0.005)
    await idle(app)


def summary(name: str, times: list[float], cpu: list[float] | None = None) -> str:
    """One line: median and worst wall time, and the loop thread's median CPU time."""
    ms = [t * 1000 for t in times]
    med, worst = statistics.median(ms), max(ms)
    verdict = "ok" if med <= TARGET_MS and worst <= TARGET_MS else "OVER"
    loop = f"   loop cpu {statistics.median(cpu) * 1000:7.1f} ms" if cpu else ""
    return f"{name:<36} median {med:8.1f} ms   worst {worst:8.1f} ms{loop}   {verdict}"


def loop_cpu(kind: type[Screen], n: int) -> list[float]:
    """The loop CPU of the last ``n`` timed opens of ``kind``."""
    return LOOP_CPU.get(kind.__name__, [])[-n:]


async def run(lines: int, repeat: int, profile: bool = False, readme: bool = False) -> int:
    global PROFILING
    PROFILING = profile
    big = data_file("python", lines)
    tmp = Path(tempfile.mkdtemp(prefix="lw-modals-"))
    huge = tmp / "huge.log"
    huge.write_text(
        "2099-01-01 00:00:00,000 - api - ERROR - " + "x" * (1024 * 1024) + "\n",
        encoding="utf-8",
    )
    rules = tmp / "rules.toml"
    rules.write_text(RULES)
    from logwatch_tui.core.rules import load_rules

    app = LogwatchApp(
        [str(big), str(huge)], rules=load_rules(rules), rules_path=rules, use_history=False
    )
    results: list[str] = []
    t_load = time.perf_counter()
    async with app.run_test(size=(160, 48)):
        while not app.caught_up:
            await asyncio.sleep(0.1)
        print(f"loaded {len(app.store):,} lines in {time.perf_counter() - t_load:.1f} s")
        await asyncio.sleep(0.5)
        view = app.log_view

        # detail on the 1 MB line (the newest line: its year is 2099)
        huge_line = max(range(len(app.store)), key=app.store.lengths.__getitem__)
        while True:
            try:
                if view.move_to_line(huge_line) and view.cursor_line == huge_line:
                    break
            except IndexError:  # the store's columns are appended one after the other
                pass
            await asyncio.sleep(0.1)  # a merged re-sort may still be settling
        await idle(app)
        assert app.store.lengths[view.cursor_line] > 1_000_000
        times = []
        for _ in range(repeat):
            times.append(await open_timed(app, "enter", RecordDetailScreen))
            await close(app, RecordDetailScreen)
        results.append(
            summary("detail on a 1 MB line", times, loop_cpu(RecordDetailScreen, repeat))
        )
        view.action_cursor_up()  # a normal line for "new rule from line"
        await idle(app)

        times = []
        for _ in range(repeat):
            times.append(await open_timed(app, "A", RuleEditor))
            await close(app, RuleEditor)
        results.append(
            summary("rule editor (A, new from line)", times, loop_cpu(RuleEditor, repeat))
        )

        opened, counted = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            opened.append(await open_timed(app, "H", HistogramScreen))
            hv = app.screen.query_one(HistogramView)
            while hv.hist is None or hv.computing:
                await asyncio.sleep(0.005)
            counted.append(time.perf_counter() - t0)
            await close(app, HistogramScreen)
        results.append(
            summary(
                f"histogram ({len(view.rows):,} rows)", opened, loop_cpu(HistogramScreen, repeat)
            )
        )
        results.append(summary("  … until the bars are counted", counted))

        times = []
        for _ in range(repeat):
            times.append(await open_timed(app, "question_mark", HelpScreen))
            await close(app, HelpScreen)
        results.append(summary("help", times, loop_cpu(HelpScreen, repeat)))

        times = []
        for _ in range(repeat):
            times.append(await open_timed(app, "R", RulesScreen))
            await close(app, RulesScreen)
        results.append(summary("rules screen", times, loop_cpu(RulesScreen, repeat)))

        app._driver.send_message(key_event("R"))
        while not isinstance(app.screen, RulesScreen):
            await asyncio.sleep(0.005)
        await idle(app)
        edit, confirm = [], []
        for _ in range(repeat):
            edit.append(await open_timed(app, "e", RuleEditor))
            await close(app, RuleEditor)
            confirm.append(await open_timed(app, "x", ConfirmScreen))
            await close(app, ConfirmScreen)
        results.append(
            summary("rule editor (e on the rules screen)", edit, loop_cpu(RuleEditor, repeat))
        )
        results.append(summary("delete confirm (x)", confirm, loop_cpu(ConfirmScreen, repeat)))
        await close(app, RulesScreen)

        times = []
        for _ in range(min(repeat, 3)):
            times.append(await open_timed(app, "P", PatternsScreen))
            await close(app, PatternsScreen)
        results.append(
            summary(
                "patterns (screen, mining continues)", times, loop_cpu(PatternsScreen, len(times))
            )
        )

    head = f"modal open times with {len(app.store):,} lines loaded (target ≤ {TARGET_MS:.0f} ms)"
    print("\n" + head)
    for line in results:
        print("  " + line)
    if readme:
        write_readme(lines, repeat, head, results)
    for kind, prof in PROFILE.items():
        print(f"\n--- event-loop profile: {kind} (all opens) ---")
        pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
    return 0


README = Path(__file__).resolve().parents[1] / "README.md"
START = "<!-- modals:start (written by benchmarks/modals.py --readme) -->"
END = "<!-- modals:end -->"


def write_readme(lines: int, repeat: int, head: str, results: list[str]) -> None:
    """Write the figures between the README's markers, with the command and the load."""
    import datetime
    import platform

    text = README.read_text()
    a, b = text.find(START), text.find(END)
    if a < 0 or b < a:
        raise SystemExit(f"README.md has no {START!r} … {END!r} block")
    load = os.getloadavg()[0]
    block = [
        f"Measured {datetime.date.today()} by `python benchmarks/modals.py --lines {lines} "
        f"--repeat {repeat} --readme` ({os.cpu_count()} CPUs, load average {load:.1f} at the "
        f"end; Python {platform.python_version()}). Wall median / worst of {repeat} openings, "
        "and the event loop's own CPU per opening.",
        "",
        "```",
        head,
        *results,
        "```",
    ]
    README.write_text(text[: a + len(START)] + "\n" + "\n".join(block) + "\n" + text[b:])
    print(f"wrote the figures into {README}", file=sys.stderr)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=5_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--profile", action="store_true", help="print a cProfile of the loop thread per modal"
    )
    parser.add_argument("--readme", action="store_true", help="write the figures into README.md")
    args = parser.parse_args()
    return asyncio.run(run(args.lines, args.repeat, args.profile, args.readme))


if __name__ == "__main__":
    raise SystemExit(main())
