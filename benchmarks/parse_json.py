"""``logwatch-tui parse --json`` on N syslog lines, against lnav indexing the same file.

Whole processes from launch, median of ``--runs``; CPU time (user + sys of the child)
is printed next to wall time because the machine may be shared. Optionally the same
command from another checkout (``--baseline DIR``, run with ``PYTHONPATH=DIR``) to
measure a speed-up.

    .venv/bin/python benchmarks/parse_json.py [--lines 1000000] [--runs 3] [--baseline DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_log(path: Path, lines: int) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "examples" / "generate.py"),
            "--out",
            str(path),
            "--lines",
            str(lines),
            "--format",
            "syslog",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def timed(
    cmd: list[str], env: dict[str, str] | None = None, cwd: str | None = None
) -> tuple[float, float]:
    """(wall seconds, child CPU seconds) of one run, output discarded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(
        cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=cwd, check=True
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def median_of(
    cmd: list[str], runs: int, env: dict[str, str] | None = None, cwd: str | None = None
) -> tuple[float, float]:
    """Medians of ``runs`` runs. ``cwd`` matters: ``python -m`` imports from it first."""
    walls, cpus = [], []
    for _ in range(runs):
        w, c = timed(cmd, env, cwd)
        walls.append(w)
        cpus.append(c)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--log", help="use this file instead of generating one")
    ap.add_argument("--baseline", metavar="DIR", help="another checkout to compare with")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="lw-parse-json-"))
    try:
        log = Path(args.log) if args.log else tmp / "syslog.log"
        if not args.log:
            make_log(log, args.lines)
        env = {**os.environ, "LOGWATCH_CONFIG_DIR": str(tmp / "cfg"), "HOME": str(tmp)}
        ours = [sys.executable, "-m", "logwatch_tui", "parse", "--json", str(log)]
        w, c = median_of(ours, args.runs, {**env, "PYTHONPATH": str(ROOT)}, str(ROOT))
        print(f"logwatch-tui parse --json : {w:6.2f} s wall  {c:6.2f} s CPU")
        if args.baseline:
            bw, bc = median_of(ours, args.runs, {**env, "PYTHONPATH": args.baseline}, args.baseline)
            print(f"baseline ({args.baseline}): {bw:6.2f} s wall  {bc:6.2f} s CPU")
            print(f"speed-up vs baseline      : {bw / w:6.1f}x wall  {bc / c:6.1f}x CPU")
        if shutil.which("lnav"):
            lnav = ["lnav", "-n", "-c", ";SELECT count(*) FROM all_logs", str(log)]
            lw, lc = median_of(lnav, args.runs, env)
            print(f"lnav (index + count)      : {lw:6.2f} s wall  {lc:6.2f} s CPU")
            print(f"ratio ours / lnav         : {w / lw:6.1f}x wall  {c / lc:6.1f}x CPU")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
