"""Template-mining accuracy and speed on Loghub-2k (8 systems).

Runs :class:`logwatch_tui.core.patterns.PatternMiner` with its single default
configuration over the ``Content`` column of each system's ground truth,
writes a predictions CSV (``LineId, ClusterId, EventTemplate``; the cluster is
the line's *final* template after merges) to a temp dir, scores it with the
shared scorer, and prints GA/FGA/PA next to the published Drain GA (which used
per-dataset tuning). Throughput is measured on all messages concatenated and
repeated until the run takes at least a second, with a fresh miner.

    python benchmarks/patterns.py [--data-dir ../shared/data/loghub] [--json]
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from logwatch_tui.core.patterns import PatternMiner  # noqa: E402

SYSTEMS = ["HDFS", "Hadoop", "Spark", "BGL", "Linux", "OpenSSH", "Proxifier", "HealthApp"]
DRAIN_GA = {
    "HDFS": 0.998,
    "Hadoop": 0.948,
    "Spark": 0.922,
    "BGL": 0.963,
    "Linux": 0.690,
    "OpenSSH": 0.789,
    "Proxifier": 0.526,
    "HealthApp": 0.780,
}


def load_scorer(data_dir: Path):
    """Import the shared scorer (a plain script, not a package) by path."""
    candidates = [
        data_dir.parent.parent / "tools" / "score_templates.py",
        ROOT.parent / "shared" / "tools" / "score_templates.py",
    ]
    for path in candidates:
        if path.is_file():
            spec = importlib.util.spec_from_file_location("score_templates", path)
            assert spec and spec.loader
            mod = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(mod)
            return mod
    raise SystemExit(f"score_templates.py not found (looked in {', '.join(map(str, candidates))})")


def read_messages(data_dir: Path, system: str) -> tuple[list[int], list[str]]:
    path = data_dir / system / f"{system}_2k.log_structured_corrected.csv"
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [int(r["LineId"]) for r in rows], [r["Content"] for r in rows]


def run_system(scorer, data_dir: Path, system: str, out_dir: Path) -> dict:
    line_ids, messages = read_messages(data_dir, system)
    miner = PatternMiner()
    t0 = time.perf_counter()
    ids = miner.add_many(messages)
    elapsed = time.perf_counter() - t0
    final = [miner.canonical(i) for i in ids]
    pred_path = out_dir / f"{system}_pred.csv"
    with pred_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["LineId", "ClusterId", "EventTemplate"])
        for ln, cid in zip(line_ids, final):
            w.writerow([ln, cid, miner.template_text(cid)])
    gt = scorer.load_ground_truth(system, data_dir=str(data_dir))
    pred_label, pred_tpl = scorer.load_predictions(str(pred_path))
    res = scorer.score(gt, pred_label, pred_tpl)
    return {
        "system": system,
        "GA": res["GA"],
        "FGA": res["FGA"],
        "PA": res.get("PA", 0.0),
        "templates": len(miner),
        "gt_templates": res["gt_templates"],
        "cold_lines_per_s": len(messages) / elapsed if elapsed else 0.0,
        "drain_GA": DRAIN_GA.get(system),
    }


def throughput(all_messages: list[str], min_seconds: float = 1.0) -> dict:
    """Lines/s of one fresh miner over the corpus repeated until the run lasts >= min_seconds."""
    reps = 10
    while True:
        miner = PatternMiner()
        stream = all_messages * reps
        t0 = time.perf_counter()
        miner.add_many(stream)
        elapsed = time.perf_counter() - t0
        if elapsed >= min_seconds or reps >= 1000:
            break
        reps *= 2
    cold = PatternMiner()
    t0 = time.perf_counter()
    cold.add_many(all_messages)
    cold_elapsed = time.perf_counter() - t0
    return {
        "lines": len(stream),
        "repeats": reps,
        "seconds": elapsed,
        "lines_per_s": len(stream) / elapsed,
        "first_pass_lines_per_s": len(all_messages) / cold_elapsed,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data" / "loghub")
    ap.add_argument("--json", action="store_true", help="print machine-readable results")
    ap.add_argument("--systems", nargs="*", default=SYSTEMS)
    a = ap.parse_args(argv)
    data_dir = a.data_dir.resolve()
    if not data_dir.is_dir():
        print(f"data dir not found: {data_dir} (pass --data-dir)", file=sys.stderr)
        return 2
    scorer = load_scorer(data_dir)
    rows = []
    with tempfile.TemporaryDirectory(prefix="lw-patterns-") as tmp:
        for system in a.systems:
            rows.append(run_system(scorer, data_dir, system, Path(tmp)))
    all_messages: list[str] = []
    for system in a.systems:
        all_messages.extend(read_messages(data_dir, system)[1])
    speed = throughput(all_messages)
    n = len(rows)
    means = {k: sum(r[k] for r in rows) / n for k in ("GA", "FGA", "PA")}
    drain_vals = [r["drain_GA"] for r in rows if r["drain_GA"] is not None]
    means["drain_GA"] = sum(drain_vals) / len(drain_vals) if drain_vals else None
    if a.json:
        print(json.dumps({"systems": rows, "mean": means, "throughput": speed}, indent=2))
        return 0
    print(
        f"{'system':<10} {'GA':>6} {'FGA':>6} {'PA':>6} {'tpl':>5} {'gt':>4} {'lines/s':>9} {'Drain GA':>9}"
    )
    for r in rows:
        drain = f"{r['drain_GA']:.3f}" if r["drain_GA"] is not None else "-"
        print(
            f"{r['system']:<10} {r['GA']:6.3f} {r['FGA']:6.3f} {r['PA']:6.3f} {r['templates']:5d}"
            f" {r['gt_templates']:4d} {r['cold_lines_per_s']:9.0f} {drain:>9}"
        )
    drain_mean = f"{means['drain_GA']:.3f}" if means["drain_GA"] is not None else "-"
    print(
        f"{'mean':<10} {means['GA']:6.3f} {means['FGA']:6.3f} {means['PA']:6.3f}"
        f" {'':5} {'':4} {'':9} {drain_mean:>9}"
    )
    print(
        f"throughput: {speed['lines_per_s']:,.0f} lines/s "
        f"({speed['lines']:,} lines = {len(all_messages):,} x {speed['repeats']}, one fresh miner, "
        f"{speed['seconds']:.2f} s); first pass over the {len(all_messages):,}: "
        f"{speed['first_pass_lines_per_s']:,.0f} lines/s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
