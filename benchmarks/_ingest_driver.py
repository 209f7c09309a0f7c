"""One timed run for benchmarks/regex_guard.py, in a process of its own.

Runs against whatever ``logwatch_tui`` is first on ``PYTHONPATH`` (this tree or
a base revision's worktree), so the same driver measures both.

    python _ingest_driver.py check RULES FILE [--unguarded]
    python _ingest_driver.py ingest RULES FILE [--unguarded]

``check`` is ``logwatch-tui check --rules RULES FILE`` (the CLI's own main;
the caller sets ``LOGWATCH_TUI_COLUMNAR=0`` for the line-by-line path).
``ingest`` is what the TUI and ``--headless`` run over existing content: a
:class:`~logwatch_tui.pipeline.Pipeline` started on FILE, timed from
``start()`` until its sink is told the content is caught up. It prints one
JSON object: ``{"seconds": ..., "lines": ...}``.

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

    __slots__ = ("re", "pattern", "flags", "groupindex", "risk", "limit")

    def __init__(self, compiled: re.Pattern[str]) -> None:
        self.re = compiled
        self.pattern = compiled.pattern
        self.flags = compiled.flags
        self.groupindex = compiled.groupindex
        self.risk = None
        self.limit = 1 << 62

    def search(self, text: str):
        return self.re.search(text)

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
    print(json.dumps(_ingest(rules_path, path)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
