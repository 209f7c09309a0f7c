"""Issue 5's guarantees, driven through ``logwatch-tui --headless`` on a real file.

Real HTTP and SMTP servers on 127.0.0.1; the headless process is a real
subprocess stopped with SIGTERM. Retries use a small ``retry_base`` so the
suite stays fast.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from tests.integration.notify_servers import HookServer, smtp_server, wait_for


def json_lines(path: Path) -> list[dict]:
    out = []
    for line in path.read_text(errors="replace").splitlines():
        line = line.strip()
        if line.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):
                out.append(json.loads(line))
    return out


@contextlib.contextmanager
def headless(tmp_path: Path, rules: str, config: str) -> Iterator[tuple[Path, Path, Path]]:
    """Run --headless on tmp_path/app.log; yield (log, stdout, stderr) once it follows."""
    log = tmp_path / "app.log"
    log.write_text("2026-11-20 10:00:00 INFO service started\n")
    (tmp_path / "rules.toml").write_text(rules)
    (tmp_path / "config.toml").write_text(config)
    stdout, stderr = tmp_path / "stdout", tmp_path / "stderr"
    env = dict(os.environ, LOGWATCH_STATE_DIR=str(tmp_path / "state"))
    with stdout.open("wb") as out, stderr.open("wb") as err:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "logwatch_tui",
                "--headless",
                "--rules",
                str(tmp_path / "rules.toml"),
                "--config",
                str(tmp_path / "config.toml"),
                str(log),
            ],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    try:
        assert wait_for(
            lambda: "read the existing content" in stderr.read_text() or proc.poll() is not None,
            timeout=30,
        ), stderr.read_text()
        assert proc.poll() is None, stderr.read_text()
        yield log, stdout, stderr
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            code = proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise
    assert code == 0, stderr.read_text()


def now_line(level: str, message: str) -> str:
    return f"{time.strftime('%Y-%m-%d %H:%M:%S')} {level} {message}\n"


def outcomes(stderr: Path, notifier: str) -> list[dict]:
    return [o for o in json_lines(stderr) if o.get("notifier") == notifier]


RULE_ALL = """
[[rules]]
id = "conn"
name = "Connection refused"
severity = "error"
match = 'connection refused by (?P<host>\\S+)'
group_by = ["host"]
threshold = 1
cooldown = "0s"
notify = ["flaky", "bad", "hang", "chat"]
"""


def test_retries_final_4xx_hang_and_slack_through_headless(tmp_path: Path) -> None:
    flaky_plan = lambda n: (500, b"busy", 0.0) if n <= 2 else (200, b"ok", 0.0)  # noqa: E731
    with (
        HookServer(flaky_plan) as flaky,
        HookServer(lambda n: (400, b"bad request", 0.0)) as bad,
        HookServer(lambda n: (200, b"ok", 30.0)) as hang,
        HookServer() as chat,
    ):
        config = f"""
[notifiers.flaky]
type = "webhook"
url = "{flaky.url}"
retry_base = 0.05
[notifiers.bad]
type = "webhook"
url = "{bad.url}"
retry_base = 0.05
[notifiers.hang]
type = "webhook"
url = "{hang.url}"
timeout = "1s"
retry_base = 0.05
max_age = "3s"
[notifiers.chat]
type = "webhook"
url = "{chat.url}"
format = "slack"
"""
        with headless(tmp_path, RULE_ALL, config) as (log, stdout, stderr):
            t0 = time.monotonic()
            with log.open("a") as f:
                f.write(now_line("ERROR", "connection refused by db-1"))
            # the slack-format hook is not held up by the hanging one
            assert wait_for(lambda: chat.count() == 1, timeout=10), stderr.read_text()
            assert time.monotonic() - t0 < 5
            assert set(chat.requests[0].json()) == {"text"}
            assert "Connection refused" in chat.requests[0].json()["text"]
            # 500, 500, then 200: delivered exactly once more after the failures
            assert wait_for(
                lambda: "delivered" in [o["status"] for o in outcomes(stderr, "flaky")], 15
            )
            assert [o["status"] for o in outcomes(stderr, "flaky")] == [
                "retrying",
                "retrying",
                "delivered",
            ]
            assert flaky.count() == 3
            bodies = [r.json() for r in flaky.requests]
            assert all(b["rule"] == "conn" and b["status"] == "firing" for b in bodies)
            assert len({b["fingerprint"] for b in bodies}) == 1
            # 400 is final: one request, a failed outcome with the reason
            assert wait_for(lambda: bool(outcomes(stderr, "bad")), 10)
            assert [o["status"] for o in outcomes(stderr, "bad")] == ["failed"]
            assert "400" in outcomes(stderr, "bad")[0]["reason"]
            # the hanging one times out per attempt, is retried, and finally fails…
            assert wait_for(
                lambda: any(o["status"] == "failed" for o in outcomes(stderr, "hang")), 20
            )
            assert "timed out" in " ".join(o["reason"] for o in outcomes(stderr, "hang")).lower()
            # …while ingestion carried on: a later line still raises its alert at once
            with log.open("a") as f:
                f.write(now_line("ERROR", "connection refused by db-2"))
            assert wait_for(
                lambda: sum(a["status"] == "firing" for a in json_lines(stdout)) >= 2, 10
            )
            assert wait_for(lambda: chat.count() >= 2, 10)
            # each attempt reports an outcome: two final failures and no "retrying"
            assert wait_for(lambda: len(outcomes(stderr, "bad")) >= 2, 10)
            assert [o["status"] for o in outcomes(stderr, "bad")] == ["failed", "failed"]
            assert bad.count() == 2  # one request per alert, never a retry
    assert flaky.count() == 4  # the second alert: delivered at once


def test_a_flood_becomes_a_handful_of_digests(tmp_path: Path) -> None:
    rules = """
[[rules]]
id = "login"
name = "Failed login"
match = 'failed login from (?P<ip>\\S+)'
group_by = ["ip"]
threshold = 1
notify = ["hook"]
"""
    with HookServer() as hook:
        config = f'[notifiers.hook]\ntype = "webhook"\nurl = "{hook.url}"\n'
        with headless(tmp_path, rules, config) as (log, stdout, stderr):
            with log.open("a") as f:
                f.write(
                    "".join(
                        now_line("WARNING", f"failed login from 10.1.{i // 250}.{i % 250}")
                        for i in range(1000)
                    )
                )
            assert wait_for(
                lambda: sum(a["status"] == "firing" for a in json_lines(stdout)) == 1000, 20
            )

            def delivered() -> int:
                total = 0
                for r in list(hook.requests):
                    body = r.json()
                    total += len(body["alerts"]) if "alerts" in body else 1
                return total

            assert wait_for(lambda: delivered() == 1000, 30), stderr.read_text()[-2000:]
            assert hook.count() < 20
            keys = {
                a["key"]["ip"] for r in hook.requests for a in r.json().get("alerts", [r.json()])
            }
            assert len(keys) == 1000


def test_log_text_never_alters_headers_or_runs_anything(tmp_path: Path) -> None:
    marker = Path(f"/tmp/pwned-{uuid.uuid4().hex}")
    script = tmp_path / "record.py"
    out = tmp_path / "command-out.json"
    script.write_text(
        "import json, os, sys\n"
        f"json.dump({{'argv': sys.argv[1:], 'stdin': sys.stdin.read(), 'env': os.environ.get('LOGWATCH_ALERT')}}, open({str(out)!r}, 'w'))\n"
    )
    rules = """
[[rules]]
id = "conn"
name = "Connection refused"
severity = "error"
match = 'connection refused'
threshold = 3
notify = ["mail", "cmd"]
"""
    with smtp_server() as (ctrl, mails):
        config = f"""
[notifiers.mail]
type = "email"
host = "127.0.0.1"
port = {ctrl.port}
security = "none"
from = "logwatch@example.com"
to = ["oncall@example.com"]
group_wait = "0s"
[notifiers.cmd]
type = "command"
argv = ["{sys.executable}", "{script}", "--rule", "{{rule}}", "--name", "{{name}}", "$(touch {marker})"]
"""
        with headless(tmp_path, rules, config) as (log, stdout, stderr):
            evil = f"$(touch {marker}) ; rm -rf ~ `touch {marker}`"
            with log.open("a", newline="") as f:
                # a real CR/LF inside the line, a lone CR, and the escaped text form
                f.write(now_line("ERROR", f"connection refused \r\nBcc: x@evil {evil}"))
                f.write(now_line("ERROR", f"connection refused \rBcc: x@evil {evil}"))
                f.write(now_line("ERROR", f"connection refused \\r\\nBcc: x@evil {evil}"))
            assert wait_for(lambda: bool(mails.mails) and out.exists(), 20), stderr.read_text()
    mail = mails.mails[0]
    assert mail.rcpt_tos == ["oncall@example.com"]
    assert "Bcc" not in mail.message
    assert all("\n" not in v and "\r" not in v for v in mail.message.values())
    record = json.loads(out.read_text())
    assert record["argv"] == [
        "--rule",
        "conn",
        "--name",
        "Connection refused",
        f"$(touch {marker})",
    ]
    alert = json.loads(record["stdin"])
    assert any("$(touch" in s for s in alert["samples"])  # only ever data
    assert json.loads(record["env"])["rule"] == "conn"
    assert not marker.exists()


def test_notify_test_command_against_live_servers_and_a_closed_port(tmp_path: Path) -> None:
    from tests.integration.notify_servers import closed_port

    with smtp_server() as (ctrl, mails), HookServer() as hook:
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            f"""
[notifiers.mail]
type = "email"
host = "127.0.0.1"
port = {ctrl.port}
security = "none"
from = "logwatch@example.com"
to = ["oncall@example.com"]
[notifiers.hook]
type = "webhook"
url = "{hook.url}"
[notifiers.dead]
type = "webhook"
url = "http://127.0.0.1:{closed_port()}/x"
timeout = "2s"
"""
        )

        def notify_test(name: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                [sys.executable, "-m", "logwatch_tui", "notify-test", name, "--config", str(cfg)],
                capture_output=True,
                text=True,
                timeout=60,
            )

        ok = notify_test("hook")
        assert ok.returncode == 0, ok.stderr
        assert "delivered" in ok.stdout
        assert hook.count() == 1 and hook.requests[0].json()["status"] == "firing"
        ok = notify_test("mail")
        assert ok.returncode == 0, ok.stderr
        assert wait_for(lambda: bool(mails.mails), 10)
        assert mails.mails[0].message["Subject"].startswith("[logwatch-tui] FIRING")
        bad = notify_test("dead")
        assert bad.returncode == 1
        assert "failed" in bad.stdout and "refused" in bad.stdout.lower()
        unknown = notify_test("nope")
        assert unknown.returncode != 0
        assert "nope" in (unknown.stdout + unknown.stderr)
