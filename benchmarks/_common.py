"""Shared helpers for the benchmark scripts: data files, timing, lnav, wc -l."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
GENERATOR = ROOT / "examples" / "generate.py"


def data_file(fmt: str, lines: int) -> Path:
    """A generated log of ``lines`` lines in ``fmt`` (reused when it already exists)."""
    DATA.mkdir(parents=True, exist_ok=True)
    ext = {"json": "jsonl"}.get(fmt, "log")
    path = DATA / f"{fmt}-{lines}.{ext}"
    if not path.exists() or path.stat().st_size == 0:
        tmp = path.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        subprocess.run(
            [
                sys.executable,
                str(GENERATOR),
                "--out",
                str(tmp),
                "--lines",
                str(lines),
                "--format",
                fmt,
            ],
            check=True,
        )
        tmp.rename(path)
    return path


def run_timed(
    argv: list[str], *, env: dict | None = None
) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall seconds and peak RSS (bytes) of one child process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, env=env)
    dt = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the max over all children so far: measure the big ones first
    # or read it as an upper bound. Linux reports KiB.
    return dt, max(after, before) * 1024, proc


def best_of(n: int, argv: list[str]) -> tuple[float, int, subprocess.CompletedProcess]:
    runs = [run_timed(argv) for _ in range(n)]
    return min(runs, key=lambda r: r[0])


def lnav_available() -> bool:
    return shutil.which("lnav") is not None


def lnav_count_argv(path: Path) -> list[str]:
    return ["lnav", "-n", "-c", ";SELECT count(*) FROM all_logs", str(path)]


def lnav_env() -> dict:
    """lnav keeps state in ~/.lnav; give it a throwaway HOME so runs don't interfere."""
    env = dict(os.environ)
    home = DATA / "lnav-home"
    home.mkdir(parents=True, exist_ok=True)
    env["HOME"] = str(home)
    return env


def mb(n: int) -> float:
    return n / (1024 * 1024)
