"""``-`` reads standard input: parse, check, --headless and the TUI (keys from the terminal)."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

LOG = (
    "2026-12-04 10:00:00 INFO service started\n"
    "2026-12-04 10:00:01 ERROR disk /dev/sda1 failed [/bold] [@click=app.quit]\n"
    "2026-12-04 10:00:02 WARNING retrying\n"
    "2026-12-04 10:00:03 INFO no newline at the end"
)
RULES = """
[[rules]]
id = "disk"
name = "disk failures"
match = "disk .* failed"
threshold = 1
window = "1m"
"""


def lw(*args: str, stdin: str, env: dict | None = None, timeout: float = 60):
    return subprocess.run(
        [sys.executable, "-m", "logwatch_tui", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TZ": "UTC", **(env or {})},
        timeout=timeout,
    )


def test_parse_reads_stdin_to_the_end() -> None:
    proc = lw("parse", "--json", "-", stdin=LOG)
    assert proc.returncode == 0, proc.stderr
    recs = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["level"] for r in recs] == ["INFO", "ERROR", "WARNING", "INFO"]
    assert recs[3]["message"] == "no newline at the end"
    assert {r["source"] for r in recs} == {"<stdin>"}
    assert recs[1]["ts"] == "2026-12-04T10:00:01+00:00"


def test_parse_lines_n_keeps_the_last_lines_of_stdin() -> None:
    proc = lw("parse", "--json", "--lines", "2", "-", stdin=LOG)
    recs = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [r["message"] for r in recs] == ["retrying", "no newline at the end"]
    assert recs[0]["line"] == 3


def test_check_reads_stdin_and_exits_1_on_an_alert(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    proc = lw("check", "--json", "--rules", str(rules), "-", stdin=LOG)
    assert proc.returncode == 1, proc.stderr
    events = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [(e["rule"], e["status"]) for e in events][0] == ("disk", "firing")
    assert events[0]["source"] == "<stdin>"


def test_check_mixes_stdin_with_a_file(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    f = tmp_path / "other.log"
    f.write_text("2026-12-04 09:59:00 INFO calm\n")
    proc = lw("check", "--rules", str(rules), str(f), "-", stdin=LOG)
    assert proc.returncode == 1, proc.stderr
    assert "5 records in 5 lines" in proc.stdout


def test_headless_announces_alerts_from_stdin_and_stops_at_its_end(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    proc = lw("--headless", "--rules", str(rules), "-", stdin=LOG, timeout=30)
    assert proc.returncode == 0, proc.stderr
    events = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [(e["rule"], e["status"]) for e in events] == [("disk", "firing")]
    assert "standard input ended" in proc.stderr


def test_tui_dash_needs_something_piped(tmp_path: Path) -> None:
    """Stdin that is the terminal itself can't be the log: one line, exit 2."""
    master, slave = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "logwatch_tui", "-"],
            stdin=slave,
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=30,
        )
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 2
    assert "pipe something in" in proc.stderr


def _read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    buf = b""
    deadline = time.monotonic() + timeout
    while needle not in buf and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                buf += os.read(fd, 65536)
            except OSError:
                break
    return buf


def _drain_until_exit(fd: int, proc: subprocess.Popen, timeout: float) -> int | None:
    """Read the terminal as a terminal does until the process ends (an unread pty fills
    up: the app's last frames and its terminal reset then wait for a reader)."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                break
    return proc.wait(timeout=max(0.1, deadline - time.monotonic()))


def test_tui_reads_piped_stdin_and_keys_from_the_terminal(tmp_path: Path) -> None:
    """`producer | logwatch-tui -` under a real pty: lines show, and `q` (typed on the
    terminal, not the pipe) quits — the keyboard works although stdin is a pipe."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 120, 0, 0))

    def controlling_tty() -> None:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)

    r, w = os.pipe()
    env = {**os.environ, "TERM": "xterm-256color", "TZ": "UTC", "TEXTUAL_ANIMATIONS": "none"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "logwatch_tui", "-"],
        stdin=r,
        stdout=slave,
        stderr=slave,
        cwd=ROOT,
        env=env,
        preexec_fn=controlling_tty,
        close_fds=True,
    )
    os.close(r)
    os.close(slave)
    try:
        os.write(w, b"2026-12-04 10:00:00 ERROR first-piped-line\n")
        screen = _read_until(master, b"first-piped-line", 30)
        assert b"first-piped-line" in screen
        # the pipe is still open (producer running): a line that arrives later shows too
        os.write(w, b"2026-12-04 10:00:05 INFO second-piped-line\n")
        screen = _read_until(master, b"second-piped-line", 30)
        assert b"second-piped-line" in screen
        os.write(master, b"q")
        assert _drain_until_exit(master, proc, 30) == 0
    finally:
        os.close(w)
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
