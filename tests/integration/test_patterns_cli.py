"""``logwatch-tui patterns`` and ``check`` with new_pattern/spike rules, run as a user runs them.

Every test starts the real CLI in a subprocess on real files in tmp_path.
The accuracy test scores the ``--csv`` output with the shared Loghub scorer.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, SHARED_DATA

LOGHUB = SHARED_DATA / "loghub"
SCORER = ROOT.parent / "shared" / "tools" / "score_templates.py"


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "logwatch_tui", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=timeout,
        env=None,
    )


def load_scorer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("score_templates", SCORER)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# -- patterns -----------------------------------------------------------------------------------


@pytest.mark.skipif(
    not (LOGHUB / "HDFS" / "HDFS_2k.log_structured_corrected.csv").is_file()
    or not SCORER.is_file(),
    reason="Loghub HDFS-2k data or the shared scorer is not present",
)
def test_messages_csv_scores_on_loghub_hdfs(tmp_path: Path) -> None:
    gt_path = LOGHUB / "HDFS" / "HDFS_2k.log_structured_corrected.csv"
    with gt_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [int(r["LineId"]) for r in rows] == list(range(1, len(rows) + 1))
    messages = tmp_path / "hdfs_messages.txt"
    messages.write_text("".join(r["Content"] + "\n" for r in rows), encoding="utf-8")

    res = run_cli("patterns", "--messages", "--csv", str(messages))
    assert res.returncode == 0, res.stderr
    pred = tmp_path / "pred.csv"
    pred.write_text(res.stdout, encoding="utf-8")
    out_rows = list(csv.DictReader(res.stdout.splitlines()))
    assert len(out_rows) == len(rows)
    assert list(out_rows[0]) == ["LineId", "ClusterId", "EventTemplate"]

    scorer = load_scorer()
    gt = scorer.load_ground_truth("HDFS", data_dir=str(LOGHUB))
    pred_label, _ = scorer.load_predictions(str(pred))
    ga, *_ = scorer.grouping_scores(gt, pred_label)
    assert ga >= 0.98, f"grouping accuracy {ga:.3f}"


def test_patterns_json_on_example_python_log() -> None:
    res = run_cli("patterns", "--json", str(EXAMPLES / "logs" / "python.log"))
    assert res.returncode == 0, res.stderr
    items = [json.loads(line) for line in res.stdout.splitlines()]
    assert items and all(
        set(it) == {"id", "template", "count", "first_seen", "last_seen", "levels"} for it in items
    )
    counts = [it["count"] for it in items]
    assert counts == sorted(counts, reverse=True)
    # Every record of the file is one unit (tracebacks stay with their record).
    parsed = run_cli("parse", "--json", str(EXAMPLES / "logs" / "python.log"))
    records = [json.loads(line) for line in parsed.stdout.splitlines()]
    assert sum(counts) == len(records)
    by_text = {it["template"]: it for it in items}
    db = by_text["could not connect to database (attempt <*>/<*>)"]
    assert db["count"] == 3 and set(db["levels"]) <= {"ERROR", "WARNING", "CRITICAL"}
    assert datetime.fromisoformat(db["first_seen"]) <= datetime.fromisoformat(db["last_seen"])
    top1 = run_cli("patterns", "--json", "--top", "1", str(EXAMPLES / "logs" / "python.log"))
    assert [json.loads(line) for line in top1.stdout.splitlines()] == items[:1]


def test_messages_mode_lines_as_they_are(tmp_path: Path) -> None:
    """CRLF, invalid UTF-8, ANSI escapes, markup and a missing final newline: nothing lost or run."""
    data = (
        b"job 1 done\r\n"
        b"job 22 done\n"
        b"\xff\xfe bad bytes 7\n"
        b"evil \x1b[2J\x1b]0;pwned\x07 title [bold]x[/] [@click=app.quit]q\n"
        b"bell\x07 nul\x00 lone-esc\x1b here\n"
        b"job 333 done"
    )
    src = tmp_path / "m.txt"
    src.write_bytes(data)
    res = run_cli("patterns", "--messages", "--csv", str(src))
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(res.stdout.splitlines()))
    assert [int(r["LineId"]) for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[3]["EventTemplate"] == "evil title [bold]x[/] [@click=<*>]q"  # escapes dropped
    assert rows[4]["EventTemplate"] == "bell\x07 nul\x00 lone-esc\x1b here"
    assert rows[0]["ClusterId"] == rows[1]["ClusterId"] == rows[5]["ClusterId"]
    assert rows[0]["EventTemplate"] == "job <*> done"
    assert "\ufffd" in rows[2]["EventTemplate"]

    table = run_cli("patterns", "--messages", str(src))
    assert table.returncode == 0, table.stderr
    assert "\x1b" not in table.stdout and "\x07" not in table.stdout and "\x00" not in table.stdout
    assert "bell\u2407 nul\u2400 lone-esc\u241b here" in table.stdout  # shown, as stand-ins
    assert "[bold]x[/]" in table.stdout
    assert "job <*> done" in table.stdout and "50.0%" in table.stdout
    lines = table.stdout.splitlines()
    assert lines[0].split()[:2] == ["count", "share"]
    assert "4 templates in 6 lines" in table.stdout

    as_json = run_cli("patterns", "--messages", "--json", str(src))
    first = json.loads(as_json.stdout.splitlines()[0])
    assert first["template"] == "job <*> done" and first["count"] == 3
    assert first["first_seen"] is None  # bare messages carry no time


def test_patterns_usage_errors(tmp_path: Path) -> None:
    res = run_cli("patterns", str(tmp_path / "missing.log"))
    assert res.returncode == 2
    assert (
        res.stderr.strip() == f"logwatch-tui: cannot read {tmp_path / 'missing.log'}: no such file"
    )
    assert res.stdout == ""
    res = run_cli(
        "patterns", "--messages", "--json", "--csv", str(EXAMPLES / "logs" / "python.log")
    )
    assert res.returncode == 2 and "choose one of --json and --csv" in res.stderr
    empty = tmp_path / "empty.log"
    empty.write_text("")
    res = run_cli("patterns", "--messages", str(empty))
    assert res.returncode == 0 and res.stdout == "no messages\n"


# -- check with new_pattern and spike rules ---------------------------------------------------

RULES = """
[[rules]]
id = "new-error"
name = "New kind of error"
condition = "new_pattern"
level = "error"
learn = "10m"
cooldown = "0s"

[[rules]]
id = "req-spike"
name = "Request spike"
condition = "spike"
match = 'GET /api/'
window = "60s"
baseline = "10m"
factor = 3
threshold = 10
cooldown = "5m"
"""


def test_check_reports_new_pattern_and_spike(tmp_path: Path) -> None:
    t0 = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    lines: list[tuple[datetime, str, str]] = []
    for s in range(0, 30 * 60, 20):  # 30 minutes, a request every 20 s
        lines.append((t0 + timedelta(seconds=s), "INFO", f"GET /api/items/{s} 200 in {s % 90} ms"))
    for s in (30, 200, 400):  # errors the rule learns in its first 10 minutes
        lines.append((t0 + timedelta(seconds=s), "ERROR", f"upstream timeout after {s} ms"))
    lines.append((t0 + timedelta(seconds=700), "ERROR", "upstream timeout after 5000 ms"))
    lines.append((t0 + timedelta(seconds=900), "ERROR", "disk /dev/sdb1 is read-only"))
    for k in range(40):  # a burst: 40 requests in 20 s at minute 20
        ts = t0 + timedelta(seconds=1200 + k * 0.5)
        lines.append((ts, "INFO", f"GET /api/search?q={k} 200 in 12 ms"))
    lines.sort(key=lambda x: x[0])
    log = tmp_path / "app.log"
    log.write_text(
        "".join(
            f"{ts.strftime('%Y-%m-%d %H:%M:%S.%f')[:-3]} {lvl:<5} [main] web - {msg}\n"
            for ts, lvl, msg in lines
        )
    )
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)

    res = run_cli("check", "--rules", str(rules), str(log), "--json")
    assert res.returncode == 1, res.stderr
    events = [json.loads(line) for line in res.stdout.splitlines()]
    brief = [(e["rule"], e["status"], datetime.fromisoformat(e["at"]) - t0) for e in events]
    # The 700 s timeout is a known kind (learnt before 600 s); the disk error at 900 s is new.
    # Spike (start 0, ready at 0 + 60 + 600): at 1203 the window holds background 1160, 1180,
    # 1200 and burst 1200.0..1203.0 = 10; the baseline (543, 1143] holds 30 background records
    # plus bucket [540, 546) = 31: 10 * 600 > 3 * 31 * 60. At 1273 (27 burst records gone):
    # n = 3 + 13 = 16, b = 30 + 27 = 57, 16 * 600 <= 3 * 57 * 60: resolved (1272.5: 17 vs 56 held).
    assert brief == [
        ("new-error", "firing", timedelta(seconds=900)),
        ("req-spike", "firing", timedelta(seconds=1203)),
        ("req-spike", "resolved", timedelta(seconds=1273)),
    ], res.stdout
    assert events[0]["key"] == {"pattern": "disk <*> is read-only"}
    assert events[0]["samples"] == ["disk /dev/sdb1 is read-only"]
    assert events[0]["count"] == 1
    assert events[1]["count"] == 10 and events[2]["count"] == 16

    human = run_cli("check", "--rules", str(rules), str(log))
    assert human.returncode == 1
    assert "FIRING" in human.stdout and "New kind of error [pattern=disk <*> is read-only]" in (
        human.stdout
    )
    assert "2 alert(s) fired" in human.stdout
