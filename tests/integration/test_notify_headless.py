"""``logwatch-tui --headless`` end to end: a real file, real SMTP and HTTP servers."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.integration.notify_servers import HookServer, smtp_server, wait_for

RULES = """
[[rules]]
id = "conn-refused"
name = "Connection refused"
severity = "error"
match = '(?i)connection refused'
threshold = 1
window = "1m"
notify = ["toast", "ops-mail", "ops-hook"]
"""


def config(smtp_port: int, hook_url: str) -> str:
    return f"""
[notifiers.ops-mail]
type = "email"
host = "127.0.0.1"
port = {smtp_port}
security = "none"
from = "logwatch@example.com"
to = ["oncall@example.com"]
group_wait = 0
timeout = "5s"

[notifiers.ops-hook]
type = "webhook"
url = "{hook_url}"
timeout = "5s"
"""


def json_lines(path: Path) -> list[dict]:
    out = []
    for line in path.read_text(errors="replace").splitlines():
        line = line.strip()
        if line.startswith("{"):
            out.append(json.loads(line))
    return out


def test_headless_sends_email_and_webhook_and_exits_cleanly(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("2024-05-01 12:00:00 INFO service started\n")
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    stdout, stderr = tmp_path / "stdout", tmp_path / "stderr"
    with smtp_server() as (ctrl, mails), HookServer() as hook:
        cfg = tmp_path / "config.toml"
        cfg.write_text(config(ctrl.port, hook.url))
        with stdout.open("wb") as out, stderr.open("wb") as err:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "logwatch_tui",
                    "--headless",
                    "--rules",
                    str(rules),
                    "--config",
                    str(cfg),
                    str(log),
                ],
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
            )
        try:
            # Lines written before the follower reached the end of the file
            # count as existing content (shown, not notified): wait for that.
            assert wait_for(
                lambda: (
                    "read the existing content" in stderr.read_text() or proc.poll() is not None
                ),
                timeout=30,
            ), stderr.read_text()
            assert proc.poll() is None, stderr.read_text()
            stamp = time.strftime("%Y-%m-%d %H:%M:%S")
            with log.open("a") as f:
                f.write(f"{stamp} INFO request ok\n{stamp} ERROR connection refused to db\n")
            wait_for(lambda: bool(mails.mails and hook.count()), timeout=20)
            assert mails.mails, stderr.read_text()
            assert hook.count() >= 1, stderr.read_text()
            outcomes_seen = lambda: {  # noqa: E731
                (o.get("notifier"), o.get("status")) for o in json_lines(stderr)
            }
            assert wait_for(
                lambda: {("ops-mail", "delivered"), ("ops-hook", "delivered")} <= outcomes_seen()
            ), stderr.read_text()
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                code = proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                raise
    assert code == 0, stderr.read_text()

    mail = mails.mails[0]
    assert mail.rcpt_tos == ["oncall@example.com"]
    assert mail.message["Subject"] == "[logwatch-tui] FIRING error: Connection refused"
    assert "connection refused to db" in mail.message.get_content()

    body = hook.requests[0].json()
    assert body["rule"] == "conn-refused" and body["status"] == "firing"
    assert any("connection refused to db" in s for s in body["samples"])

    alerts = json_lines(stdout)
    assert any(a["rule"] == "conn-refused" and a["status"] == "firing" for a in alerts)
    outcome = next(o for o in json_lines(stderr) if o.get("notifier") == "ops-hook")
    assert outcome["alerts"][0]["rule"] == "conn-refused"
    assert "toast" not in {o.get("notifier") for o in json_lines(stderr)}
