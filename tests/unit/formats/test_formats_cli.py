"""``formats list/test/import``, ``parse --json`` and ``check`` on files without times.

Real subprocesses on real files, as a user runs them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
LNAV = ROOT.parent / "shared" / "data" / "lnav-formats"


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "logwatch_tui", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TZ": "UTC", **(env or {})},
        timeout=120,
    )


def cfg_env(tmp_path: Path) -> dict:
    return {"LOGWATCH_CONFIG_DIR": str(tmp_path / "cfg"), "XDG_CONFIG_HOME": str(tmp_path / "x")}


def test_parse_json_keeps_continuation_lines_across_chunks(tmp_path: Path) -> None:
    """Issue 10 #11: a traceback body is part of its record's text, even over a chunk edge."""
    log = tmp_path / "app.log"
    tb = ["Traceback (most recent call last):"] + [f'  File "x.py", line {i}' for i in range(3)]
    lines = []
    for i in range(30_000):  # > 1 read chunk
        lines.append(f"2026-11-20 10:00:{i % 60:02d},{i % 1000:03d} - app - INFO - n {i}")
        if i % 7000 == 0:
            lines.append(f"2026-11-20 10:00:00,000 - app - ERROR - boom {i}")
            lines.extend(tb)
            lines.append("ValueError: bad")
    log.write_text("\n".join(lines) + "\n")
    proc = run("parse", "--json", str(log), env=cfg_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    recs = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(recs) == 30_000 + 5
    errors = [r for r in recs if r["level"] == "ERROR"]
    assert len(errors) == 5
    for r in errors:
        assert r["text"].split("\n")[1:] == [*tb, "ValueError: bad"]
        assert r["message"].startswith("boom")
    assert recs[1]["ts"] == "2026-11-20T10:00:00.000000+00:00"
    assert recs[2]["ts"] == "2026-11-20T10:00:01.001000+00:00"
    assert recs[2]["fields"] == {"logger": "app"}
    assert [r["line"] for r in recs[:3]] == [1, 2, 8]


def test_parse_json_untimed_records_have_null_ts(tmp_path: Path) -> None:
    log = tmp_path / "plain.log"
    log.write_text("hello\nERROR broke\n")
    proc = run("parse", "--json", str(log), env=cfg_env(tmp_path))
    recs = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["ts"] for r in recs] == [None, None]
    assert [r["level"] for r in recs] == ["UNKNOWN", "ERROR"]


def test_check_says_a_file_has_no_timestamps_and_raises_no_window_alerts(tmp_path: Path) -> None:
    """Issue 10: lines 6 minutes apart in reality, no times in the file: no false alert."""
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rules]]\nid = "errors"\nname = "errors"\nlevel = "error"\nthreshold = 3\nwindow = "60s"\n'
    )
    log = tmp_path / "notime.log"
    log.write_text("".join(f"ERROR job {i} failed\n" for i in range(10)))
    proc = run("check", "--rules", str(rules), str(log), env=cfg_env(tmp_path))
    assert "no timestamps" in proc.stderr and "notime.log" in proc.stderr
    assert "firing" not in proc.stdout.lower()
    assert proc.returncode == 2
    # with times, the same rule fires
    timed = tmp_path / "timed.log"
    timed.write_text(
        "".join(f"2026-11-20 10:00:0{i},000 - app - ERROR - job failed\n" for i in range(5))
    )
    proc = run("check", "--rules", str(rules), str(timed), str(log), env=cfg_env(tmp_path))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "notime.log: no timestamps" in proc.stderr


def test_formats_list_names_every_format(tmp_path: Path) -> None:
    proc = run("formats", "list", env=cfg_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    for name in ("syslog", "hdfs", "glog", "logcat", "postgres", "w3c", "werkzeug", "json"):
        assert f"\n{name} " in proc.stdout
    assert "Detection:" in proc.stdout


def test_formats_test_explains_each_line(tmp_path: Path) -> None:
    log = tmp_path / "mixed.log"
    log.write_text(
        "2026-12-02T03:16:00.123+00:00 ERROR disk full\n"
        "2026-12-02T03:16:01.123+00:00 frobnicate\n"
        "  continuation\n"
    )
    proc = run("formats", "test", str(log), env=cfg_env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "format 'generic'" in out
    assert "best generic (matched + time + level); second syslog (matched + time or level)" in out
    assert "by 1 point(s)" in out
    assert "continuation of the record above" in out
    assert "UNKNOWN" in out


def test_formats_import_lnav_file_round_trips_through_config(tmp_path: Path) -> None:
    out = tmp_path / "glog.toml"
    proc = run(
        "formats", "import", str(LNAV / "glog_log.json"), "-o", str(out), env=cfg_env(tmp_path)
    )
    assert proc.returncode == 0, proc.stderr
    assert "glog_log: imported" in proc.stderr
    cfg = tmp_path / "config.toml"
    cfg.write_text(out.read_text())
    log = tmp_path / "g.log"
    log.write_text("E0517 15:04:22.619632 1952452992 logging_unittest.cc:253] boom\n")
    proc = run("parse", "--json", "--config", str(cfg), "--format", "glog_log", str(log))
    assert proc.returncode == 0, proc.stderr
    rec = json.loads(proc.stdout)
    assert rec["level"] == "ERROR" and rec["message"] == "boom" and rec["ts"] is not None


def test_formats_import_reports_losses(tmp_path: Path) -> None:
    proc = run("formats", "import", str(LNAV / "bunyan_log.json"), env=cfg_env(tmp_path))
    assert proc.returncode == 0
    assert "line-format not carried over" in proc.stderr
    assert "[[formats]]" in proc.stdout and 'name = "bunyan_log"' in proc.stdout
