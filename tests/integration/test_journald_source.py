"""``journald:`` sources over journal files written by the real systemd-journal-remote."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from logwatch_tui.pipeline import Pipeline, PipelineUpdate
from logwatch_tui.sources.journald import entry_line
from tests.conftest import wait_until

ROOT = Path(__file__).resolve().parents[2]


def _journal_remote() -> str | None:
    for p in (
        shutil.which("systemd-journal-remote"),
        "/lib/systemd/systemd-journal-remote",
        "/usr/lib/systemd/systemd-journal-remote",
    ):
        if p and os.path.exists(p):
            return p
    return None


JR = _journal_remote()
pytestmark = pytest.mark.skipif(
    JR is None or shutil.which("journalctl") is None,
    reason="needs systemd-journal-remote and journalctl (.ci/run installs them)",
)

T0_US = 1_764_880_000_123_456  # 2025-12-04T20:26:40.123456Z
PRIO_LEVEL = {0: "CRITICAL", 1: "CRITICAL", 2: "CRITICAL", 3: "ERROR", 4: "WARNING",
              5: "NOTICE", 6: "INFO", 7: "DEBUG"}  # fmt: skip


def entries(start: int, n: int) -> list[dict]:
    return [
        {
            "__REALTIME_TIMESTAMP": str(T0_US + i * 1_500_000),
            "__MONOTONIC_TIMESTAMP": str(1000 + i),
            "_BOOT_ID": "0123456789abcdef0123456789abcdef",
            "_HOSTNAME": f"host{i % 3}",
            "SYSLOG_IDENTIFIER": f"svc{i % 4}",
            "PRIORITY": str(i % 8),
            "_PID": str(100 + i),
            "MESSAGE": f"entry {i} says hi",
        }
        for i in range(start, start + n)
    ]


def write_journal(out: Path, ents: list[dict], tmp: Path) -> None:
    """Journal export format -> systemd-journal-remote -> a real journal file."""
    export = tmp / f"in-{ents[0]['_PID']}.export"
    export.write_text("".join("".join(f"{k}={v}\n" for k, v in e.items()) + "\n" for e in ents))
    proc = subprocess.run(
        [JR, f"--output={out}", str(export)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0, proc.stderr


def expected(e: dict) -> dict:
    i = int(e["_PID"]) - 100
    ts = datetime.fromtimestamp(int(e["__REALTIME_TIMESTAMP"]) / 1e6, UTC)
    return {
        "ts": ts.isoformat(timespec="microseconds"),
        "level": PRIO_LEVEL[i % 8],
        "host": f"host{i % 3}",
        "app": f"svc{i % 4}",
        "message": f"entry {i} says hi",
    }


def parse_json(spec: str) -> list[dict]:
    proc = subprocess.run(
        [sys.executable, "-m", "logwatch_tui", "parse", "--json", spec],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "TZ": "UTC"},
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return [json.loads(x) for x in proc.stdout.splitlines()]


@pytest.fixture()
def journal_dir(tmp_path: Path) -> Path:
    d = tmp_path / "remote"
    d.mkdir()
    write_journal(d / "remote.journal", entries(0, 40), tmp_path)
    return d


@pytest.mark.parametrize("how", ["file", "dir"])
def test_every_entry_with_its_ts_level_host_and_app(journal_dir: Path, how: str) -> None:
    spec = (
        f"journald:file={journal_dir / 'remote.journal'}"
        if how == "file"
        else f"journald:dir={journal_dir}"
    )
    recs = parse_json(spec)
    want = [expected(e) for e in entries(0, 40)]
    got = [
        {
            "ts": datetime.fromisoformat(r["ts"])
            .astimezone(UTC)
            .isoformat(timespec="microseconds"),
            "level": r["level"],
            "host": r["fields"]["host"],
            "app": r["fields"]["app"],
            "message": r["message"],
        }
        for r in recs
    ]
    assert got == want
    assert recs[5]["fields"]["_PID"] == "105"  # other journal fields become fields
    assert {r["format"] for r in recs} == {"json"}
    assert {r["source"] for r in recs} == {spec}


def test_check_groups_by_host_across_a_journal_remote_directory(
    journal_dir: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rules]]\nid = "err"\nname = "errors"\nlevel = "ERROR"\nthreshold = 1\n'
        'window = "1m"\ngroup_by = ["host"]\n'
    )
    proc = subprocess.run(
        [sys.executable, "-m", "logwatch_tui", "check", "--json", "--rules", str(rules),
         f"journald:dir={journal_dir}"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    fired = [json.loads(x) for x in proc.stdout.splitlines()]
    hosts = {e["key"]["host"] for e in fired if e["status"] == "firing"}
    assert hosts == {"host0", "host1", "host2"}


def test_follows_the_journal_as_journal_remote_appends(journal_dir: Path, tmp_path: Path) -> None:
    lines: list[str] = []
    live: list[bool] = []
    lock = threading.Lock()

    def sink(upd: PipelineUpdate) -> None:
        with lock:
            for b in upd.batches:
                lines.extend(b.messages[i] or "" for i in range(len(b)))

    p = Pipeline([f"journald:dir={journal_dir}"], sink=sink)
    p.start()
    try:
        assert wait_until(lambda: p.caught_up and len(lines) == 40, timeout=30)
        live.append(True)
        write_journal(journal_dir / "remote.journal", entries(40, 10), tmp_path)
        assert wait_until(lambda: len(lines) >= 50, timeout=30)
    finally:
        p.stop()
    assert lines == [f"entry {i} says hi" for i in range(50)]  # each once, in order


def test_a_missing_journal_directory_is_one_clear_error(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "logwatch_tui", "parse", f"journald:dir={tmp_path / 'nope'}"],
        capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2
    assert "no such directory" in proc.stderr and "Traceback" not in proc.stderr


def test_binary_message_values_are_decoded() -> None:
    line = entry_line({"MESSAGE": list(b"caf\xc3\xa9 \xff"), "PRIORITY": "3", "_HOSTNAME": "h"})
    rec = json.loads(line)
    assert rec["message"] == "café \ufffd" and rec["level"] == "ERROR" and rec["host"] == "h"


def test_journal_remote_over_http_into_a_followed_directory(tmp_path: Path) -> None:
    """The fleet setup: hosts upload (HTTP, journal export format) to
    systemd-journal-remote on the collector; ``journald:dir=`` follows what it writes."""
    import socket
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    out = tmp_path / "remote"
    out.mkdir()
    jr = subprocess.Popen(
        [JR, f"--listen-http=127.0.0.1:{port}", "--split-mode=host", f"--output={out}/"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def upload(ents: list[dict]) -> bool:
        body = "".join("".join(f"{k}={v}\n" for k, v in e.items()) + "\n" for e in ents)
        req = urllib.request.Request(
            f"http://127.0.0.1:{port}/upload",
            data=body.encode(),
            headers={"Content-Type": "application/vnd.fdo.journal"},
        )
        try:
            with urllib.request.urlopen(req, timeout=5) as resp:
                return resp.status == 202 or resp.status == 200
        except OSError:
            return False

    got: list[tuple[str, str]] = []
    lock = threading.Lock()

    def sink(upd: PipelineUpdate) -> None:
        with lock:
            for b in upd.batches:
                for i in range(len(b)):
                    got.append((b.messages[i] or "", json.loads(b.lines[i])["host"]))

    try:
        assert wait_until(lambda: upload(entries(0, 6)), timeout=20)
        assert wait_until(lambda: any(out.iterdir()), timeout=20)
        p = Pipeline([f"journald:dir={out}"], sink=sink)
        p.start()
        try:
            assert wait_until(lambda: len(got) == 6, timeout=30)
            assert upload(entries(6, 6))
            assert wait_until(lambda: len(got) >= 12, timeout=30)
        finally:
            p.stop()
    finally:
        jr.terminate()
        jr.wait(timeout=10)
    assert got == [(f"entry {i} says hi", f"host{i % 3}") for i in range(12)]


def test_headless_resumes_a_journal_after_its_cursor(journal_dir: Path, tmp_path: Path) -> None:
    """Restarted: entries journal-remote wrote while we were down are announced, once;
    the ones processed before are not announced again."""
    import signal

    rules = tmp_path / "rules.toml"
    rules.write_text(
        '[[rules]]\nid = "each"\nname = "each entry"\nmatch = "says hi"\nthreshold = 1\n'
        'window = "1h"\ngroup_by = ["_PID"]\n'
    )
    env = {**os.environ, "LOGWATCH_STATE_DIR": str(tmp_path / "state"), "TZ": "UTC"}
    journal = journal_dir / "remote.journal"

    def start() -> tuple[subprocess.Popen, list[int], threading.Event]:
        proc = subprocess.Popen(
            [sys.executable, "-m", "logwatch_tui", "--headless", "--rules", str(rules),
             f"journald:dir={journal_dir}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
        )  # fmt: skip
        pids: list[int] = []
        ready = threading.Event()

        def out() -> None:
            for line in proc.stdout:
                ev = json.loads(line)
                if ev["status"] == "firing":
                    pids.append(int(ev["key"]["_PID"]))

        def err() -> None:
            for line in proc.stderr:
                if "following" in line:
                    ready.set()

        threading.Thread(target=out, daemon=True).start()
        threading.Thread(target=err, daemon=True).start()
        return proc, pids, ready

    def stop(proc: subprocess.Popen) -> None:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0

    p1, got1, ready1 = start()
    assert ready1.wait(30)
    write_journal(journal, entries(40, 5), tmp_path)  # live: announced
    assert wait_until(lambda: len(got1) >= 5, timeout=30)
    stop(p1)
    write_journal(journal, entries(45, 5), tmp_path)  # while down
    p2, got2, ready2 = start()
    assert ready2.wait(30)
    assert wait_until(lambda: len(got2) >= 5, timeout=30)
    write_journal(journal, entries(50, 2), tmp_path)
    assert wait_until(lambda: len(got2) >= 7, timeout=30)
    stop(p2)
    assert sorted(got1) == [100 + i for i in range(40, 45)]  # history (0..39) not announced
    assert sorted(got2) == [100 + i for i in range(45, 52)]
