#!/usr/bin/env python3
"""Ingest speed with the rule-regex protection vs without it (a base revision), beside lnav.

Issue 12 asks that bounding rule regexes (core/rule_regex.py: a static check
sends safe patterns to stdlib ``re``, risky ones and long messages to the
``regex`` module with a time budget) keeps ingest within 10% of before.
Measured as a user runs it: ``logwatch-tui check --rules RULES FILE``, whole
processes, the median of ``--runs``, for this tree and for ``--base`` (a git
revision checked out into a temporary worktree and run with the same
Python). Two rule sets: the example rules (mostly required literals) and a
"regex-heavy" set (no literal to prefilter, two risky patterns that take the
guarded path), so both engines are exercised. lnav on the same file is the
reference the other benchmarks use.

    python benchmarks/regex_guard.py [--lines 300000] [--runs 5] [--base b29d0f0]

Small and quick: ``--lines 20000 --runs 3``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
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
"""


def median_run(argv: list[str], runs: int, *, cwd: Path, env: dict) -> float:
    times = []
    for _ in range(runs):
        dt, _rss, proc = run_timed_in(argv, cwd=cwd, env=env)
        if proc.returncode not in (0, 1):
            sys.stderr.write(proc.stderr.decode(errors="replace"))
            raise SystemExit(2)
        times.append(dt)
    return statistics.median(times)


def run_timed_in(argv: list[str], *, cwd: Path, env: dict):
    old = os.getcwd()
    os.chdir(cwd)
    try:
        return run_timed(argv, env=env)
    finally:
        os.chdir(old)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=300_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--base", default="b29d0f0", help="git revision without the protection")
    args = ap.parse_args()
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
        try:
            print(f"{path.name}: {args.lines:,} lines, median of {args.runs} runs")
            print(f"{'rules':<10}{'base s':>9}{'now s':>9}{'now/base':>10}")
            for label, rules in (("example", ROOT / "examples" / "rules.toml"), ("heavy", heavy)):
                row = []
                for tree in (base, ROOT):
                    env = dict(os.environ, PYTHONPATH=str(tree))
                    argv = [sys.executable, "-m", "logwatch_tui", "check", "--rules", str(rules)]
                    row.append(median_run([*argv, str(path)], args.runs, cwd=tree, env=env))
                print(f"{label:<10}{row[0]:>9.2f}{row[1]:>9.2f}{row[1] / row[0]:>10.3f}")
            if lnav_available():
                t = median_run(lnav_count_argv(path), args.runs, cwd=ROOT, env=lnav_env())
                print(f"{'lnav':<10}{'':>9}{t:>9.2f}")
        finally:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(base)],
                capture_output=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
