#!/usr/bin/env python3
"""Ingest speed with the rule-regex protection vs without it, per rule set and per path.

Issue 12 asks that bounding rule regexes (core/rule_regex.py: a static check
sends safe patterns to stdlib ``re``, risky ones on long messages to the
``regex`` module with a time budget) keeps ingest within 10% of before.
Each figure is the median of ``--runs`` whole processes; the variants of one
row run back to back, interleaved run by run, so a machine that gets busier
affects all of them alike:

- ``base``: the revision ``--base`` (default b29d0f0, before the protection),
  checked out into a temporary worktree and run with the same Python;
- ``now``: this tree;
- ``unguarded``: this tree with the guard swapped for plain ``re.search``
  (``_ingest_driver.py --unguarded``): what the guard itself costs, apart
  from everything else that changed since the base.

Paths: ``check`` (the default: one big file goes to the columnar workers),
``check-lines`` (``LOGWATCH_TUI_COLUMNAR=0``: the line-by-line path),
``ingest`` (what the TUI and ``--headless`` run over existing content: the
pipeline from ``start()`` until it reports the content caught up, lines/s)
and ``engine`` (rule matching alone, in process: the file parsed once, then
the median of five feeds of every batch — the least noisy view of what the
guard costs).
The base has only the line-by-line ``check``, so its ``check`` time is the
reference of both check rows.

Rule sets: the example rules (mostly required literals) and a "regex-heavy"
set (no literal to prefilter for some, several quantifiers), so both engines
are exercised.

    python benchmarks/regex_guard.py [--lines 300000] [--runs 5] [--base b29d0f0]

Small and quick: ``--lines 20000 --runs 3``. Ratios are speed ratios:
``now/base`` = base seconds / now seconds (1.00 = as fast; the issue's
target is >= 0.90); ``guard`` = unguarded seconds / now seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, data_file, lnav_available, lnav_count_argv, lnav_env, run_timed

HEAVY_RULES = r"""
[[rules]]
id = "slow-request"
name = "Slow request"
match = 'took (?P<ms>\d{4,})ms'
threshold = 5

[[rules]]
id = "refused"
name = "Refused or timed out"
match = '(?i)(refused|timed? ?out)'

[[rules]]
id = "login"
name = "Failed login"
match = 'for (?:invalid user )?(?P<user>\S+) from (?P<ip>\S+)'
group_by = ["ip"]
threshold = 3

[[rules]]
id = "ip"
name = "From an address"
match = 'from (?:\d+\.){3}\d+ port'
threshold = 1000000

[[rules]]
id = "word-pair"
name = "Two words"
match = '\w+ \w+ (?:failed|error)'
threshold = 1000000
"""

DRIVER = Path(__file__).resolve().parent / "_ingest_driver.py"


def one_run(tree: Path, mode: str, rules: Path, path: Path, *, unguarded: bool) -> float:
    """Seconds of one run: whole process for check, start-to-caught-up for ingest."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    env.pop("LOGWATCH_TUI_COLUMNAR", None)
    driver_mode = mode
    if mode == "check-lines":
        env["LOGWATCH_TUI_COLUMNAR"] = "0"
        driver_mode = "check"
    argv = [sys.executable, str(DRIVER), driver_mode, str(rules), str(path)]
    if unguarded:
        argv.append("--unguarded")
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, env=env, cwd=tree)
    wall = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr.decode(errors="replace"))
        raise SystemExit(2)
    if mode in ("ingest", "engine"):
        return float(json.loads(proc.stdout.decode().strip().splitlines()[-1])["seconds"])
    return wall


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=300_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--base", default="b29d0f0", help="git revision without the protection")
    ap.add_argument(
        "--paths", default="check,check-lines,ingest,engine", help="comma-separated subset to run"
    )
    ap.add_argument("--rules", default="example,heavy", help="comma-separated subset to run")
    args = ap.parse_args()
    paths = args.paths.split(",")
    path = data_file("syslog", args.lines)
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        base = tmpdir / "base"
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(base), args.base],
            check=True,
            capture_output=True,
        )
        heavy = tmpdir / "heavy.toml"
        heavy.write_text(HEAVY_RULES)
        rule_sets = {"example": ROOT / "examples" / "rules.toml", "heavy": heavy}
        try:
            load = os.getloadavg()
            print(
                f"{path.name}: {args.lines:,} lines, median of {args.runs} runs, "
                f"load average at start {load[0]:.1f} on {os.cpu_count()} CPUs"
            )
            print(
                f"{'rules':<9}{'path':<13}{'base s':>8}{'now s':>8}{'unguard s':>10}"
                f"{'now/base':>10}{'guard':>8}{'now lines/s':>13}"
            )
            for label in args.rules.split(","):
                rules = rule_sets[label]
                times: dict[tuple[str, str], list[float]] = {}
                for _ in range(args.runs):
                    # interleaved: every variant of every path once per round
                    for mode in paths:
                        base_mode = "check" if mode == "check-lines" else mode
                        if mode != "check-lines" or "check" not in paths:
                            times.setdefault((base_mode, "base"), []).append(
                                one_run(base, base_mode, rules, path, unguarded=False)
                            )
                        for variant, tree, ung in (("now", ROOT, False), ("ung", ROOT, True)):
                            times.setdefault((mode, variant), []).append(
                                one_run(tree, mode, rules, path, unguarded=ung)
                            )
                for mode in paths:
                    base_mode = "check" if mode == "check-lines" else mode
                    b = statistics.median(times[(base_mode, "base")])
                    n = statistics.median(times[(mode, "now")])
                    u = statistics.median(times[(mode, "ung")])
                    print(
                        f"{label:<9}{mode:<13}{b:>8.2f}{n:>8.2f}{u:>10.2f}"
                        f"{b / n:>10.3f}{u / n:>8.3f}{args.lines / n:>13,.0f}",
                        flush=True,
                    )
            if lnav_available():
                t = statistics.median(
                    run_timed(lnav_count_argv(path), env=lnav_env())[0] for _ in range(args.runs)
                )
                print(f"{'lnav':<9}{'':<13}{'':>8}{t:>8.2f}")
            print(f"load average at end {os.getloadavg()[0]:.1f}")
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                capture_output=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
