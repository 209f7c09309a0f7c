"""`parse` and `check` print timestamps of one width (whole seconds keep their .000000)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LINES = [
    "2026-11-20 10:04:44,000 - api - ERROR - whole second",
    "2026-11-20 10:04:45,010 - api - ERROR - ten ms",
    "2026-11-20 10:04:46,000 - api - ERROR - whole again",
]


def run(*args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-m", "logwatch_tui", *args],
        capture_output=True,
        text=True,
        env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    return out.stdout


def test_parse_json_and_text_timestamps_have_one_width(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("\n".join(LINES) + "\n")
    stamps = [json.loads(line)["ts"] for line in run("parse", "--json", str(log)).splitlines()]
    assert stamps[0] == "2026-11-20T10:04:44.000000+00:00"
    assert len({len(s) for s in stamps}) == 1, stamps
    text = run("parse", str(log)).splitlines()
    assert len({len(line.split(" ", 1)[0]) for line in text}) == 1, text


def test_check_timestamps_have_one_width(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("\n".join(LINES) + "\n")
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rules]]\nname = "whole"\nmatch = "whole second"\nthreshold = 1\n'
        '[[rules]]\nname = "ten"\nmatch = "ten ms"\nthreshold = 1\n'
    )
    out = run("check", "--rules", str(rules), str(log)).splitlines()
    lines = [ln for ln in out if ln.startswith("2026")]
    assert len(lines) >= 2, lines
    assert len({len(ln.split("  ", 1)[0]) for ln in lines}) == 1, lines
