"""One timed run for benchmarks/regex_guard.py, in a process of its own.

Runs against whatever ``logwatch_tui`` is first on ``PYTHONPATH`` (this tree or
a base revision's worktree), so the same driver measures both.

    python _ingest_driver.py check RULES FILE [--unguarded]
    python _ingest_driver.py ingest RULES FILE [--unguarded]
    python _ingest_driver.py engine RULES FILE [--unguarded]

``check`` is ``logwatch-tui check --rules RULES FILE`` (the CLI's own main;
the caller sets ``LOGWATCH_TUI_COLUMNAR=0`` for the line-by-line path).
``ingest`` is what the TUI and ``--headless`` run over existing content: a
:class:`~logwatch_tui.pipeline.Pipeline` started on FILE, timed from
``start()`` until its sink is told the content is caught up. ``engine`` is
the rule matching alone: FILE parsed into batches once, then fed to a fresh
:class:`~logwatch_tui.core.engine.RuleEngine` five times (the median). It
prints one JSON object: ``{"seconds": ..., "lines": ...}``.

``--unguarded`` swaps the rule-regex guard for plain ``re.search`` (and lets
``check``'s columnar workers search messages of any length with ``re``): the
same tree without the protection, to isolate what the guard itself costs.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time


class _Plain:
    """A rule regex without the guard: what matching cost before it."""

    __slots__ = ("re", "pattern", "flags", "groupindex", "risk", "limit", "search")

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self.re = compiled
        self.pattern = compiled.pattern
        self.flags = compiled.flags
        self.groupindex = compiled.groupindex
        self.risk = None
        self.limit = 1 << 62
        self.search = compiled.search  # the C method itself: no wrapper call

    def finder(self, longest: int = 0):
        return self.re.search


def _unguard() -> None:
    from logwatch_tui.core import rule_model

    rule_model._guard = lambda compiled: _Plain(compiled) if compiled is not None else None
    try:
        from logwatch_tui.ingest import check as columnar_check
    except ImportError:
        return
    columnar_check.short_limit = lambda risk: 1 << 62


def _ingest(rules_path: str, path: str) -> dict:
    from logwatch_tui.core.rules import load_rules
    from logwatch_tui.pipeline import Pipeline

    rules = load_rules(rules_path)
    done = threading.Event()
    lines = [0]

    def sink(upd) -> None:
        lines[0] += sum(len(b) for b in upd.batches)
        if upd.caught_up:
            done.set()

    pipeline = Pipeline([path], sink=sink, rules=rules, use_watchdog=False)
    t0 = time.perf_counter()
    pipeline.start()
    if not done.wait(600):
        raise SystemExit("pipeline never caught up")
    dt = time.perf_counter() - t0
    pipeline.stop(timeout=1.0)
    return {"seconds": dt, "lines": lines[0]}


def _engine(rules_path: str, path: str) -> dict:
    import statistics

    from logwatch_tui.core.engine import RuleEngine
    from logwatch_tui.core.formats.detect import SourceParser
    from logwatch_tui.core.rules import load_rules
    from logwatch_tui.pipeline import split_lines

    rules = load_rules(rules_path)
    with open(path, "rb") as fh:
        data = fh.read()
    parser = SourceParser(path)
    batches = []
    off, first = 0, 1
    while off < len(data):
        end = data.rfind(b"\n", off, off + (1 << 20)) + 1 or len(data)
        lines = split_lines(data[off:end])
        batches.append(parser.feed(lines, first_line=first))
        first += len(lines)
        off = end
    times = []
    for _ in range(5):
        engine = RuleEngine(rules)
        t0 = time.perf_counter()
        for b in batches:
            engine.feed(b)
        times.append(time.perf_counter() - t0)
    return {"seconds": statistics.median(times), "lines": first - 1}


def main(argv: list[str]) -> int:
    unguarded = "--unguarded" in argv
    args = [a for a in argv if a != "--unguarded"]
    mode, rules_path, path = args
    if unguarded:
        _unguard()
    if mode == "check":
        from logwatch_tui.cli import main as cli_main

        t0 = time.perf_counter()
        code = cli_main(["check", "--rules", rules_path, path])
        sys.stdout.flush()
        sys.stderr.write(json.dumps({"seconds": time.perf_counter() - t0}) + "\n")
        return code
    print(json.dumps(_engine(rules_path, path) if mode == "engine" else _ingest(rules_path, path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
