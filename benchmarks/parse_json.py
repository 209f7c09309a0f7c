"""``logwatch-tui parse --json`` on N syslog lines, against lnav indexing the same file.

Whole processes from launch, median of ``--runs`` (the tools take turns in each
round); CPU time (user + sys of the process and its workers) is printed next to wall
time because the machine may be shared. Optionally the same command from another
checkout (``--baseline DIR``, run with ``PYTHONPATH=DIR``) to measure a speed-up, in
the same run as lnav. lnav does less (it indexes and counts, writes no JSON): the
ratio says how far we are from its indexing speed, not that the work is the same.

    .venv/bin/python benchmarks/parse_json.py [--lines 1000000] [--runs 3] [--baseline DIR]
        [--readme]   # write the table into README.md (between its parse-json markers)

The baseline of issue 10 is commit b29d0f0: ``git worktree add /tmp/pj-base b29d0f0``,
then ``--baseline /tmp/pj-base``.
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


README = ROOT / "README.md"
START = "<!-- parse-json:start (written by benchmarks/parse_json.py --readme) -->"
END = "<!-- parse-json:end -->"


def write_readme(lines: list[str], args: argparse.Namespace, load: float) -> None:
    """Replace the block between the markers in README.md with this run's figures."""
    import platform
    from datetime import date

    lnav_v = subprocess.run(["lnav", "-V"], capture_output=True, text=True).stdout.strip()
    cmd = f"python benchmarks/parse_json.py --lines {args.lines} --runs {args.runs}"
    if args.baseline:
        cmd += " --baseline DIR"
    block = [
        START,
        f"Measured {date.today().isoformat()} by `{cmd} --readme` (median of {args.runs} "
        f"runs from process launch, output to /dev/null; {os.cpu_count()} CPUs, load average "
        f"{load:.1f} at the start; Python {platform.python_version()}, {lnav_v or 'lnav'}):",
        "",
        "```",
        *lines,
        "```",
        END,
    ]
    text = README.read_text()
    if START not in text or END not in text:
        raise SystemExit(f"README.md has no {START!r} … {END!r} block")
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(head + "\n".join(block) + tail)
    print(f"wrote the figures into {README}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--log", help="use this file instead of generating one")
    ap.add_argument("--baseline", metavar="DIR", help="another checkout to compare with")
    ap.add_argument("--readme", action="store_true", help="write the figures into README.md")
    args = ap.parse_args()
    load = os.getloadavg()[0]
    tmp = Path(tempfile.mkdtemp(prefix="lw-parse-json-"))
    try:
        log = Path(args.log) if args.log else tmp / "syslog.log"
        if not args.log:
            make_log(log, args.lines)
        env = {**os.environ, "LOGWATCH_CONFIG_DIR": str(tmp / "cfg"), "HOME": str(tmp)}
        ours = [sys.executable, "-m", "logwatch_tui", "parse", "--json", str(log)]
        tools: dict[str, tuple[list[str], dict[str, str], str | None]] = {
            "logwatch-tui parse --json": (ours, {**env, "PYTHONPATH": str(ROOT)}, str(ROOT))
        }
        if args.baseline:
            base_env = {**env, "PYTHONPATH": args.baseline}
            tools[f"baseline {Path(args.baseline).name} parse --json"] = (
                ours,
                base_env,
                args.baseline,
            )
        if shutil.which("lnav"):
            lnav = ["lnav", "-n", "-c", ";SELECT count(*) FROM all_logs", str(log)]
            tools["lnav (index + count)"] = (lnav, env, None)
        # rounds interleave the tools: load from elsewhere on the machine hits all alike
        walls: dict[str, list[float]] = {k: [] for k in tools}
        cpus: dict[str, list[float]] = {k: [] for k in tools}
        for _ in range(args.runs):
            for name, (cmd, cenv, cwd) in tools.items():
                w, c = timed(cmd, cenv, cwd)
                walls[name].append(w)
                cpus[name].append(c)
        med = {k: (statistics.median(walls[k]), statistics.median(cpus[k])) for k in tools}
        size = log.stat().st_size
        report = [
            f"file: {args.lines if not args.log else '?'} syslog lines, {size / 1e6:.0f} MB",
            f"median of {args.runs} runs, each from process launch, output to /dev/null",
        ]
        for name, (w, c) in med.items():
            report.append(f"  {name:34s}: {w:6.2f} s wall  {c:6.2f} s CPU")
        w, c = med["logwatch-tui parse --json"]
        if args.baseline:
            bw, bc = next(v for k, v in med.items() if k.startswith("baseline"))
            report.append(
                f"  speed-up vs baseline              : {bw / w:6.1f}x wall  {bc / c:6.1f}x CPU"
            )
        if "lnav (index + count)" in med:
            lw, lc = med["lnav (index + count)"]
            report.append(
                f"  lnav / ours (above 1: we are faster): {lw / w:6.2f}x wall  {lc / c:6.2f}x CPU"
            )
        print("\n".join(report))
        if args.readme:
            write_readme(report, args, load)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
