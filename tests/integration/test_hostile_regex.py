"""A catastrophic rule regex through real processes: ``check`` finishes, headless stops on SIGTERM.

Before: ``(a|aa)+$``-style rules made ``check`` run forever and ``--headless``
ignore SIGTERM/SIGINT (stdlib ``re`` holds the GIL); only SIGKILL ended it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.integration.notify_servers import wait_for

RULES = """
[[rules]]
id = "evil"
name = "Evil"
match = '(a|aa)+$'

[[rules]]
id = "issue"
name = "Issue pattern"
match = '(a+)+$'

[[rules]]
id = "errors"
name = "Errors"
level = "error"
"""
EVIL = "a" * 60 + "b"


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(os.environ, TZ="UTC", LOGWATCH_STATE_DIR=str(tmp_path / "state"))


def test_check_finishes_and_names_the_disabled_rule(tmp_path: Path) -> None:
    (tmp_path / "rules.toml").write_text(RULES)
    log = tmp_path / "app.log"
    lines = [f"2026-11-20 10:00:{i:02d} INFO {EVIL}" for i in range(20)]
    lines.append("2026-11-20 10:00:30 ERROR disk full")
    log.write_text("\n".join(lines) + "\n")
    proc = subprocess.run(
        [sys.executable, "-m", "logwatch_tui", "check", "--rules", str(tmp_path / "rules.toml")]
        + [str(log)],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "rule 'Evil' disabled" in proc.stderr and "(a|aa)+$" in proc.stderr
    assert "Issue pattern" not in proc.stderr  # the issue's own pattern runs fine now
    assert "Errors" in proc.stdout  # the other rules went on


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_headless_stops_within_2s_mid_regex(tmp_path: Path, sig: signal.Signals) -> None:
    (tmp_path / "rules.toml").write_text(RULES)
    log = tmp_path / "app.log"
    log.write_text("2026-11-20 10:00:00 INFO started\n")
    stderr = tmp_path / "stderr"
    with stderr.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "logwatch_tui", "--headless", "--rules"]
            + [str(tmp_path / "rules.toml"), str(log)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=_env(tmp_path),
        )
    try:
        assert wait_for(lambda: "read the existing content" in stderr.read_text(), timeout=30)
        # A stream of hostile lines, each a full time budget for a guarded engine.
        with log.open("a") as f:
            for i in range(200):
                f.write(f"2026-11-20 10:01:{i % 60:02d} INFO {'a' * 40}{'a' * (i % 7)}b\n")
        assert wait_for(lambda: "disabled" in stderr.read_text(), timeout=30), stderr.read_text()
        with log.open("a") as f:
            f.write(f"2026-11-20 10:02:00 INFO {EVIL}\n" * 50)
        start = time.monotonic()
        proc.send_signal(sig)
        code = proc.wait(timeout=10)
        took = time.monotonic() - start
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0, stderr.read_text()
    assert took < 2.0, f"stopped after {took:.2f}s"


def test_headless_restart_never_announces_an_old_incident_in_parts(tmp_path: Path) -> None:
    """Issue 12 "Restart": a firing found in existing content was suppressed, but its later
    "resolved" was printed and sent. Now it is recorded in the history, not announced."""
    import json
    import sqlite3

    (tmp_path / "rules.toml").write_text(
        '[[rules]]\nid = "err"\nname = "Errors"\nlevel = "error"\nwindow = "2s"\ncooldown = "0s"\n'
    )
    log = tmp_path / "app.log"
    log.write_text(f"{time.strftime('%Y-%m-%d %H:%M:%S')} ERROR disk full\n")
    stdout, stderr = tmp_path / "stdout", tmp_path / "stderr"
    db = tmp_path / "state" / "history.sqlite3"

    def resolved_in_history() -> bool:
        if not db.exists():
            return False
        con = sqlite3.connect(db)
        try:
            q = "SELECT COUNT(*) FROM alert_events WHERE kind = 'resolved'"
            return con.execute(q).fetchone()[0] > 0
        except sqlite3.Error:
            return False
        finally:
            con.close()

    with stdout.open("wb") as out, stderr.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-m", "logwatch_tui", "--headless", "--rules"]
            + [str(tmp_path / "rules.toml"), str(log)],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=_env(tmp_path),
        )
    try:
        assert wait_for(resolved_in_history, timeout=30), stderr.read_text()
        # A new incident after the restart is announced whole.
        with log.open("a") as f:
            f.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} ERROR disk full again\n")
        assert wait_for(lambda: '"firing"' in stdout.read_text(), timeout=30)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
    events = [json.loads(x) for x in stdout.read_text().splitlines() if x.startswith("{")]
    assert [e["status"] for e in events][:1] == ["firing"]
    assert "disk full again" in events[0]["samples"][0]
