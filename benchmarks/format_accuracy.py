"""How right are the formats on logs we did not write? Two yardsticks, untuned.

1. Loghub-2k (``../shared/data/loghub/*/*_2k.log``): per system, the detected format,
   the share of lines with the ground truth's timestamp (month/day/time; the year when
   the log has one) and, where the ground truth has a level column, the share with its
   level.
2. lnav's own sample lines (``../shared/data/lnav-formats/*.json``): each sample is
   written to a file and read by the installed ``lnav`` (headless, its built-in
   formats) and by us (built-ins only, auto-detection). Of the samples lnav
   recognises: the share we recognise (a format other than ``plain`` and a timestamp on
   the first line), and of those, the share whose record starts and first timestamp
   agree with lnav's. Also: the share whose samples parse as lnav's definition says
   once imported with ``formats import`` (import fidelity).

    .venv/bin/python benchmarks/format_accuracy.py [--loghub-only | --lnav-only] [--max N]

Accuracy, not speed: the numbers do not depend on machine load.
"""

from __future__ import annotations

import argparse
import csv
import glob
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

from logwatch_tui.core.formats.detect import SourceParser
from logwatch_tui.core.formats.lnav_import import import_lnav
from logwatch_tui.core.formats.spec import DeclaredFormat, check_samples
from logwatch_tui.core.levels import Level

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

_MON = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}


def _truth_time(system: str, row: dict[str, str]) -> tuple[tuple[int, ...], bool] | None:
    """(y, m, d, H, M, S) from the ground truth; bool: whether the year is known."""
    try:
        if system == "HDFS":
            d, t = row["Date"].zfill(6), row["Time"].zfill(6)
            return (
                2000 + int(d[:2]),
                int(d[2:4]),
                int(d[4:6]),
                int(t[:2]),
                int(t[2:4]),
                int(t[4:6]),
            ), True
        if system == "Hadoop":
            y, m, d = map(int, row["Date"].split("-"))
            h, mi, s = row["Time"].split(",")[0].split(":")
            return (y, m, d, int(h), int(mi), int(s)), True
        if system == "Spark":
            y, m, d = map(int, row["Date"].split("/"))
            h, mi, s = map(int, row["Time"].split(":"))
            return (2000 + y, m, d, h, mi, s), True
        if system == "BGL":
            t = datetime.strptime(row["Time"], "%Y-%m-%d-%H.%M.%S.%f")
            return (t.year, t.month, t.day, t.hour, t.minute, t.second), True
        if system in ("Linux", "OpenSSH"):
            mon = row["Month"] if system == "Linux" else row["Date"]
            day = row["Date"] if system == "Linux" else row["Day"]
            h, mi, s = map(int, row["Time"].split(":"))
            return (0, _MON[mon], int(day), h, mi, s), False
        if system == "Proxifier":
            md, hms = row["Time"].split(" ")
            m, d = map(int, md.split("."))
            h, mi, s = map(int, hms.split(":"))
            return (0, m, d, h, mi, s), False
        if system == "HealthApp":
            t = datetime.strptime(row["Time"].rsplit(":", 1)[0], "%Y%m%d-%H:%M:%S")
            return (t.year, t.month, t.day, t.hour, t.minute, t.second), True
    except (KeyError, ValueError):
        return None
    return None


def _truth_level(system: str, row: dict[str, str]) -> Level | None:
    if system not in ("HDFS", "Hadoop", "Spark", "BGL"):
        return None
    raw = row.get("Level", "")
    return {
        "INFO": Level.INFO,
        "WARN": Level.WARNING,
        "WARNING": Level.WARNING,
        "ERROR": Level.ERROR,
        "SEVERE": Level.ERROR,
        "FATAL": Level.CRITICAL,
        "FAILURE": Level.ERROR,
        "DEBUG": Level.DEBUG,
    }.get(raw)


def loghub() -> None:
    print("== Loghub-2k (untuned auto-detection)")
    print(f"{'system':<10} {'format':<12} {'records':>7} {'ts ok':>7} {'level ok':>8}")
    os.environ["TZ"] = "UTC"
    for log in sorted(glob.glob(str(DATA / "loghub" / "*" / "*_2k.log"))):
        system = Path(log).parent.name
        lines = Path(log).read_text(encoding="utf-8", errors="replace").splitlines()
        sp = SourceParser(system)
        b = sp.feed(lines, first_line=1)
        untimed = sp.untimed_heads(b)
        with open(log + "_structured_corrected.csv", encoding="utf-8", errors="replace") as fh:
            rows = list(csv.DictReader(fh))
        ts_ok = lv_ok = lv_n = 0
        for i, row in enumerate(rows[: len(lines)]):
            want = _truth_time(system, row)
            if want is not None and b.heads[i] and i not in untimed:
                dt = datetime.utcfromtimestamp(b.ts[i])
                got = (dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second)
                (ts_ok := ts_ok + 1) if (got if want[1] else (0, *got[1:])) == want[0] else None
            lv = _truth_level(system, row)
            if lv is not None:
                lv_n += 1
                lv_ok += b.levels[i] == lv and b.heads[i]
        n = len(rows)
        lv_txt = f"{lv_ok / lv_n:8.1%}" if lv_n else "     n/a"
        print(f"{system:<10} {sp.format.name:<12} {sum(b.heads):>7} {ts_ok / n:7.1%} {lv_txt}")


def _lnav_rows(path: str, home: str) -> list[dict]:
    env = {**os.environ, "HOME": home, "TZ": "UTC"}
    try:
        out = subprocess.run(
            [
                "lnav",
                "-n",
                "-c",
                ";SELECT log_line, log_time, log_level, log_format FROM all_logs",
                "-c",
                ":write-json-to -",
                path,
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=30,
        ).stdout
        return json.loads(out) if out.strip().startswith("[") else []
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        return []


def lnav_samples(limit: int | None) -> None:
    print("\n== lnav sample lines (installed lnav vs our built-ins, untuned)")
    os.environ["TZ"] = "UTC"
    home = tempfile.mkdtemp(prefix="lnavhome")
    lnav_ok = ours = agree_start = agree_ts = total = 0
    import_ok = import_n = 0
    missed: list[str] = []
    ts_off: list[str] = []
    for f in sorted(glob.glob(str(DATA / "lnav-formats" / "*.json"))):
        doc = json.loads(Path(f).read_text(encoding="utf-8"))
        specs, _ = import_lnav(doc)
        for spec in specs:
            fmt = DeclaredFormat(spec)
            for s in spec.get("samples", []):
                import_n += 1
                import_ok += not check_samples(fmt, [s])
        for name, d in doc.items():
            if name.startswith("$") or not isinstance(d, dict):
                continue
            for s in d.get("sample", []) or []:
                text = s.get("line") if isinstance(s, dict) else None
                if not text:
                    continue
                total += 1
                if limit and total > limit:
                    break
                with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False) as tf:
                    tf.write(text.rstrip("\n") + "\n")
                rows = _lnav_rows(tf.name, home)
                os.unlink(tf.name)
                rows = [r for r in rows if r.get("log_format") not in (None, "", "text_log")]
                if not rows:
                    continue
                lnav_ok += 1
                lines = text.rstrip("\n").split("\n")
                sp = SourceParser(name)
                b = sp.feed(lines, first_line=1)
                if sp.format.name == "plain" or 0 in sp.untimed_heads(b):
                    missed.append(f"{name}: {lines[0][:100]!r}")
                    continue
                ours += 1
                starts = [i for i, h in enumerate(b.heads) if h]
                agree_start += starts == sorted({int(r["log_line"]) for r in rows})
                # lnav shows the wall time as written in the line: compare that (the
                # record's timestamp keeps the line's own offset)
                rec_ts = sp.record(b, 0).timestamp
                got = rec_ts.strftime("%m-%d %H:%M:%S") if rec_ts else ""
                want = str(rows[0].get("log_time", ""))[5:19]
                if got == want:
                    agree_ts += 1
                else:
                    ts_off.append(
                        f"{name} ({sp.format.name}): ours {got} lnav {want}: {lines[0][:70]!r}"
                    )
    print(f"samples: {total}; recognised by lnav: {lnav_ok}")
    if lnav_ok:
        print(f"recognised by us too: {ours} ({ours / lnav_ok:.1%})")
    if ours:
        print(
            f"record starts agree: {agree_start / ours:.1%}; first timestamp agrees: {agree_ts / ours:.1%}"
        )
    print(f"imported lnav definitions: {import_ok}/{import_n} samples parse as lnav says")
    if ts_off:
        print("first timestamp differs:")
        for m in ts_off:
            print("   ", m)
    if missed:
        print("not recognised here (lnav did):")
        for m in missed:
            print("   ", m)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loghub-only", action="store_true")
    ap.add_argument("--lnav-only", action="store_true")
    ap.add_argument("--max", type=int, default=None, help="at most N lnav samples")
    args = ap.parse_args()
    if not args.lnav_only:
        loghub()
    if not args.loghub_only:
        lnav_samples(args.max)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
