#!/usr/bin/env python3
"""Full-ingest throughput beside lnav and ``wc -l`` on the same files, same run.

Our ingest is a real user command: ``logwatch-tui check --rules
examples/rules.toml FILE`` — read, split, parse (timestamps, levels,
messages), multiline assembly, stats and the example rules — timed as a
whole process (start-up included). lnav's is ``lnav -n -c ';SELECT count(*)
FROM all_logs' FILE``, which also parses every line. ``wc -l`` is the
physical floor (just finding newlines).

    python benchmarks/ingest.py [--lines 1000000] [--runs 3]
"""

from __future__ import annotations

import argparse
import sys

from _common import (
    ROOT,
    best_of,
    data_file,
    lnav_available,
    lnav_count_argv,
    lnav_env,
    mb,
    run_timed,
)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3, help="best of N runs for each tool")
    args = ap.parse_args()
    ours = [
        sys.executable,
        "-m",
        "logwatch_tui",
        "check",
        "--rules",
        str(ROOT / "examples" / "rules.toml"),
    ]
    print(
        f"{'file':<24}{'tool':<14}{'seconds':>9}{'lines/s':>12}{'MB/s':>8}{'peak RSS':>10}{'vs lnav':>9}"
    )
    # JSON: journald's shape (`journalctl -o json`), the JSON log format this lnav build knows
    # (it counts 0 records on JSON it has no format for, which would flatter it).
    for fmt in ("syslog", "journald"):
        path = data_file(fmt, args.lines)
        size = path.stat().st_size
        rows = []
        # Peak RSS of children is a running max, so measure the biggest consumer (us) first.
        dt, rss, proc = min(
            (run_timed([*ours, str(path)]) for _ in range(args.runs)), key=lambda r: r[0]
        )
        if proc.returncode not in (0, 1):
            print(proc.stderr.decode(errors="replace"), file=sys.stderr)
            return 2
        rows.append(("logwatch-tui", dt, rss))
        lnav_dt = None
        if lnav_available():
            env = lnav_env()
            runs = [run_timed(lnav_count_argv(path), env=env) for _ in range(args.runs)]
            lnav_dt, _, lproc = min(runs, key=lambda r: r[0])
            rows.append(("lnav", lnav_dt, None))
        wc_dt, _, _ = best_of(args.runs, ["wc", "-l", str(path)])
        rows.append(("wc -l", wc_dt, None))
        for tool, secs, peak in rows:
            ratio = f"{lnav_dt / secs:.2f}x" if lnav_dt else "n/a"
            peak_s = f"{mb(peak):.0f} MB" if peak else "-"
            print(
                f"{path.name:<24}{tool:<14}{secs:>9.2f}{args.lines / secs:>12,.0f}"
                f"{mb(size) / secs:>8.1f}{peak_s:>10}{ratio:>9}"
            )
        if not lnav_available():
            print("  (lnav not installed: `apt-get install lnav` to compare)")
    print("\nvs lnav = lnav seconds / tool seconds (above 1.00x: faster than lnav).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
