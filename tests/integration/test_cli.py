"""The command line as a user runs it: real subprocesses, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
LOGS = EXAMPLES / "logs"
RULES = EXAMPLES / "rules.toml"


def run(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "logwatch_tui", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "TZ": "UTC", **(env or {})},
        timeout=60,
    )


def test_check_json_on_the_python_example_reports_the_error_burst() -> None:
    proc = run("check", "--rules", str(RULES), "--json", str(LOGS / "python.log"))
    assert proc.returncode == 1, proc.stderr
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert events, proc.stdout
    assert {"rule", "name", "status", "severity", "at", "count", "key", "samples", "source"} <= set(
        events[0]
    )
    fired = [e for e in events if e["status"] == "firing"]
    assert [e["rule"] for e in fired] == ["high-error-rate"]
    assert fired[0]["count"] == 3
    assert fired[0]["at"].startswith("2026-11-20T10:01:26")
    assert fired[0]["at"].endswith("+00:00")
    assert [e["status"] for e in events if e["rule"] == "high-error-rate"] == ["firing", "resolved"]


def test_check_exit_zero_without_alerts_and_summary(tmp_path: Path) -> None:
    log = tmp_path / "calm.log"
    log.write_text("2026-11-20 10:00:00,000 - app - INFO - all good\n")
    proc = run("check", "--rules", str(RULES), str(log))
    assert proc.returncode == 0, proc.stderr
    assert "no alerts fired" in proc.stdout
    assert "INFO" in proc.stdout and "1 records in 1 lines" in proc.stdout


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("syslog.log", "syslog"),
        ("rfc5424.log", "rfc5424"),
        ("access.log", "access"),
        ("access_common.log", "access"),
        ("apache_error.log", "apache_error"),
        ("nginx_error.log", "nginx_error"),
        ("app.jsonl", "json"),
        ("app.logfmt", "logfmt"),
        ("python.log", "python"),
        ("generic.log", "generic"),
    ],
)
def test_parse_json_every_example(name: str, fmt: str) -> None:
    proc = run("parse", "--json", str(LOGS / name))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert records
    for r in records:
        assert set(r) == {"ts", "level", "message", "text", "source", "format", "line", "fields"}
        assert r["format"] == fmt
        if r["ts"] is not None:
            assert r["ts"][10] == "T" and (r["ts"].endswith("+00:00") or r["ts"][-6] in "+-"), r
    assert any(r["level"] in ("ERROR", "CRITICAL") for r in records)
    lines = [r["line"] for r in records]
    assert lines == sorted(lines) and lines[0] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[[rules]]\nname = "x"\nmatch = "unterminated\n', ":3:"),
        ('[[rules]]\nname = "x"\nmatch = "a(b"\n', "position 1"),
        ('[[rules]]\nname = "x"\nwindow = "5x"\n', "window"),
        ('[[rules]]\nname = "x"\nthreshhold = 3\n', "threshhold"),
    ],
)
def test_bad_rules_file_is_one_line_and_exit_2(tmp_path: Path, content: str, message: str) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(content)
    proc = run("check", "--rules", str(rules), str(LOGS / "python.log"))
    assert proc.returncode == 2
    err = proc.stderr.strip()
    assert len(err.splitlines()) == 1, err
    assert message in err and "Traceback" not in err


def test_missing_file_and_missing_rules_are_exit_2(tmp_path: Path) -> None:
    proc = run("check", "--rules", str(RULES), str(tmp_path / "nope.log"))
    assert proc.returncode == 2
    assert "cannot read" in proc.stderr and "no such file" in proc.stderr
    proc = run("check", str(LOGS / "python.log"), env={"LOGWATCH_CONFIG_DIR": str(tmp_path)})
    assert proc.returncode == 2
    assert "no rules file" in proc.stderr
    proc = run("parse", "--format", "nosuch", str(LOGS / "python.log"))
    assert proc.returncode == 2
    assert "unknown format 'nosuch'" in proc.stderr


def test_hostile_bytes_never_crash_parse(tmp_path: Path) -> None:
    log = tmp_path / "hostile.log"
    log.write_bytes(
        b"2026-11-20 10:00:00,000 - app - ERROR - bad \xff\xfe utf8 and \x00 nul\n"
        b"2026-11-20 10:00:01,000 - app - INFO - [bold]x[/] \x1b[2J \x1b]52;c;aGk=\x07\n"
        + b"2026-11-20 10:00:02,000 - app - INFO - "
        + b"x" * (10 * 1024 * 1024)
        + b"\n"
    )
    proc = run("parse", "--json", str(log))
    assert proc.returncode == 0, proc.stderr[-500:]
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert len(records) == 3
    assert "\ufffd" in records[0]["message"] and "\x00" in records[0]["message"]
    assert records[1]["message"].startswith("[bold]x[/] \x1b[2J")
    # a line longer than the cap (4 MiB) is cut there, with a marker (bounded memory)
    marker = " \u2026[line cut at 4 MiB]"
    assert records[2]["message"].endswith("x" + marker)
    header = "2026-11-20 10:00:02,000 - app - INFO - "
    assert len(records[2]["message"]) == (4 << 20) - len(header) + len(marker)


def test_help_lists_subcommands() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    for word in ("parse", "check", "--headless", "--demo", "--rules", "--lines"):
        assert word in proc.stdout


def test_check_replays_several_files_together_in_event_time(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    def line(t: int, msg: str) -> str:
        stamp = datetime.fromtimestamp(1_763_600_000 + t, UTC).strftime("%Y-%m-%d %H:%M:%S,000")
        return f"{stamp} - app - ERROR - {msg}\n"

    a, b = tmp_path / "a.log", tmp_path / "b.log"
    a.write_text(line(0, "a0") + line(100, "a100"))
    b.write_text(line(5, "b5") + line(200, "b200"))
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rules]]\nname = "Two errors"\nlevel = "error"\nthreshold = 2\nwindow = "10s"\n'
    )
    proc = run("check", "--rules", str(rules), "--json", str(a), str(b))
    assert proc.returncode == 1, proc.stderr
    fired = [json.loads(x) for x in proc.stdout.splitlines() if '"firing"' in x]
    # a0 at t=0 and b5 at t=5 are within 10 s of each other: one alert at t=5 only
    assert len(fired) == 1
    assert fired[0]["at"] == datetime.fromtimestamp(1_763_600_005, UTC).isoformat()
    assert fired[0]["samples"] == ["a0", "b5"]
