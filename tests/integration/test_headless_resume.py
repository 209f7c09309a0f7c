"""``--headless`` resume: restarts under a steady writer announce every line exactly once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import wait_until

ROOT = Path(__file__).resolve().parents[2]

RULES = """
[[rules]]
id = "each"
name = "every error line"
level = "ERROR"
threshold = 1
window = "10m"
group_by = ["seq"]
"""

WRITER = r"""
import os, sys, time, datetime
path, stop, rate = sys.argv[1], sys.argv[2], int(sys.argv[3])
start = time.monotonic()
n = 0
with open(path, "a", buffering=1) as f:
    while not os.path.exists(stop):
        due = int((time.monotonic() - start) * rate) + 1
        if due > n:
            now = datetime.datetime.now(datetime.timezone.utc).isoformat()
            f.write("".join(f"time={now} level=error msg=\"job failed\" seq={i}\n"
                            for i in range(n, due)))
            n = due
        else:
            time.sleep(0.005)
"""


class Headless:
    """One headless run; its stdout alert lines collected on a thread."""

    def __init__(self, log: Path, rules: Path, env: dict) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "logwatch_tui", "--headless", "--rules", str(rules), str(log)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        self.seqs: list[int] = []
        self.stderr = ""
        self.ready = threading.Event()
        self._threads = [
            threading.Thread(target=self._out, daemon=True),
            threading.Thread(target=self._err, daemon=True),
        ]
        for t in self._threads:
            t.start()

    def _out(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            ev = json.loads(line)
            if ev["status"] == "firing":
                self.seqs.append(int(ev["key"]["seq"]))

    def _err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.stderr += line
            if "read the existing content" in line:  # caught up: appends now are live
                self.ready.set()

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        rc = self.proc.wait(timeout=30)
        for t in self._threads:
            t.join(10)
        return rc


def written(log: Path) -> int:
    with log.open("rb") as f:
        return f.read().count(b"\n")


def test_four_restarts_under_a_1k_lines_per_second_writer_announce_every_line_once(
    tmp_path: Path,
) -> None:
    log = tmp_path / "app.log"
    log.write_text("")
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    env = {**os.environ, "LOGWATCH_STATE_DIR": str(tmp_path / "state"), "TZ": "UTC"}
    stop_writer = tmp_path / "stop-writer"
    runs: list[Headless] = []
    run = Headless(log, rules, env)
    runs.append(run)
    assert run.ready.wait(90), run.stderr
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(log), str(stop_writer), "1000"])
    try:
        for _ in range(4):
            # let this run announce something, then stop it while the writer keeps going
            assert wait_until(lambda r=run: len(r.seqs) >= 300, timeout=60), run.stderr
            assert run.stop() == 0, run.stderr
            mark = written(log)
            assert wait_until(lambda m=mark: written(log) >= m + 400, timeout=60)  # down a while
            run = Headless(log, rules, env)
            runs.append(run)
            assert run.ready.wait(90), run.stderr
        stop_writer.touch()
        assert writer.wait(timeout=120) == 0
        total = written(log)
        # (each start replays the whole file first: under load the file, and the replay, grow)
        assert wait_until(lambda: total - 1 in run.seqs, timeout=120), run.stderr
    finally:
        if writer.poll() is None:
            writer.kill()
        rc = run.stop()
    assert rc == 0
    announced = [s for r in runs for s in r.seqs]
    assert len(runs) == 5
    assert all(r.seqs for r in runs)
    dupes = len(announced) - len(set(announced))
    missing = sorted(set(range(total)) - set(announced))
    assert dupes == 0 and not missing, f"{dupes} re-announced, missing {missing[:20]}"
    assert len(announced) == total


def test_rotation_while_down_loses_nothing_and_repeats_nothing(tmp_path: Path) -> None:
    """Stopped; lines appended; the file rotated (renamed) and a new one started:
    the restart announces the old file's unread tail and the whole new file, once."""
    log = tmp_path / "app.log"
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    env = {**os.environ, "LOGWATCH_STATE_DIR": str(tmp_path / "state"), "TZ": "UTC"}

    def lines(a: int, b: int) -> str:
        return "".join(
            f'time=2026-12-04T10:00:{i % 60:02d}Z level=error msg="x" seq={i}\n'
            for i in range(a, b)
        )

    log.write_text(lines(0, 5))  # history: not announced
    run = Headless(log, rules, env)
    assert run.ready.wait(90), run.stderr
    with log.open("a") as f:
        f.write(lines(5, 10))
    assert wait_until(lambda: len(run.seqs) >= 5, timeout=30), run.stderr
    assert run.stop() == 0
    with log.open("a") as f:  # while down: appended, then rotated away
        f.write(lines(10, 15))
    log.rename(tmp_path / "app.log.1")
    log.write_text(lines(15, 20))
    run2 = Headless(log, rules, env)
    try:
        assert run2.ready.wait(30), run2.stderr
        assert wait_until(lambda: len(run2.seqs) >= 10, timeout=30), run2.stderr
        # and a restart with nothing new announces nothing
    finally:
        assert run2.stop() == 0
    run3 = Headless(log, rules, env)
    assert run3.ready.wait(30)
    with log.open("a") as f:
        f.write(lines(20, 21))
    assert wait_until(lambda: run3.seqs == [20], timeout=30), run3.stderr
    assert run3.stop() == 0
    assert run.seqs == list(range(5, 10))
    assert sorted(run2.seqs) == list(range(10, 20))
