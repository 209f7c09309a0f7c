"""Log text printed by the CLI never reaches the terminal as a control sequence.

Each test runs the real command in a subprocess over a file holding the classic
payloads — OSC 52 (writes the clipboard), ``ESC [2J`` (clears the screen), an
OSC 8 hyperlink, BEL, an 8-bit CSI (U+009B), DEL — and checks the bytes the
user's terminal would get, the way ``cat -v`` would show them.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

OSC52 = "\x1b]52;c;aGVsbG8=\x07"
CLEAR = "\x1b[2J"
OSC8 = "\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\"
C1_CSI = "\u009b31m"
PAYLOAD = f"{OSC52} {CLEAR} {OSC8} bell\x07 del\x7f {C1_CSI} rlo\u202eevil tab\there"


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "logwatch_tui", *args],
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "TZ": "UTC", **(env or {})},
        timeout=120,
    )


def cat_v_problems(data: bytes) -> list[str]:
    """What ``cat -v`` would flag as a control character: C0 (but tab/newline), DEL, C1.

    (A literal ``cat -v`` can't be used: it also turns the UTF-8 bytes of the
    visible stand-ins into ``M-`` notation.)
    """
    text = data.decode("utf-8", "replace")
    bad = []
    for ch in text:
        o = ord(ch)
        if (o < 0x20 and ch not in "\t\n") or o == 0x7F or 0x80 <= o < 0xA0:
            bad.append(repr(ch))
        if o in (0x202E, 0x202D, 0x2066, 0x2067, 0x2068, 0x2069, 0x2028, 0x2029):
            bad.append(repr(ch))
    return bad


def hostile_log(tmp_path: Path) -> Path:
    log = tmp_path / "hostile.log"
    lines = [
        f"2026-11-20 10:00:0{i},000 - app - ERROR - login failed user={OSC52}{CLEAR} {PAYLOAD}"
        for i in range(3)
    ]
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return log


def test_parse_text_output_is_inert(tmp_path: Path) -> None:
    log = hostile_log(tmp_path)
    proc = run("parse", str(log))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count(b"\n") == 3
    assert cat_v_problems(proc.stdout) == []
    out = proc.stdout.decode()
    # Shown, not run: the reader sees the sequences as text.
    assert "\u241b]52;c;aGVsbG8=\u2407" in out
    assert "\u241b[2J" in out
    assert "\u241b]8;;http://evil.example/\u241b\\click me" in out
    assert "bell\u2407 del\u2421" in out
    assert "tab\there" in out  # tab kept


def test_parse_json_output_has_no_raw_controls_and_exact_data(tmp_path: Path) -> None:
    log = hostile_log(tmp_path)
    proc = run("parse", "--json", str(log))
    assert proc.returncode == 0, proc.stderr
    assert cat_v_problems(proc.stdout) == []
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert PAYLOAD in records[0]["message"]  # JSON carries the data verbatim


def rules_file(tmp_path: Path) -> Path:
    rules = tmp_path / "rules.toml"
    rules.write_text(
        "[[rules]]\n"
        'name = "Login \\u001b[2J failed"\n'
        "match = 'login failed user=(?P<user>\\S+)'\n"
        'group_by = ["user"]\n'
        "threshold = 2\n"
        'window = "1m"\n'
        'message = "{count} failures for {user}"\n',
        encoding="utf-8",
    )
    return rules


def test_check_text_output_is_inert(tmp_path: Path) -> None:
    log = hostile_log(tmp_path)
    proc = run("check", "--rules", str(rules_file(tmp_path)), str(log))
    assert proc.returncode == 1, proc.stderr
    assert cat_v_problems(proc.stdout) == []
    assert cat_v_problems(proc.stderr) == []
    out = proc.stdout.decode()
    assert "FIRING" in out
    assert "user=\u241b]52;c;aGVsbG8=\u2407\u241b[2J" in out  # the group_by key, visible
    assert "Login \u241b[2J failed" in out


def test_check_json_output_has_no_raw_controls(tmp_path: Path) -> None:
    log = hostile_log(tmp_path)
    proc = run("check", "--json", "--rules", str(rules_file(tmp_path)), str(log))
    assert proc.returncode == 1, proc.stderr
    assert cat_v_problems(proc.stdout) == []
    events = [json.loads(line) for line in proc.stdout.splitlines()]
    assert events[0]["key"] == {"user": OSC52 + CLEAR}


def test_patterns_table_is_inert(tmp_path: Path) -> None:
    log = hostile_log(tmp_path)
    proc = run("patterns", "--messages", str(log))
    assert proc.returncode == 0, proc.stderr
    assert cat_v_problems(proc.stdout) == []
    # The miner drops whole escape sequences from templates; what is left is shown.
    assert "bell\u2407 del\u2421" in proc.stdout.decode()


def test_error_naming_a_hostile_file_name_is_inert(tmp_path: Path) -> None:
    proc = run("parse", str(tmp_path / f"missing{CLEAR}{OSC52}.log"))
    assert proc.returncode == 2
    assert cat_v_problems(proc.stderr) == []
    assert "\u241b[2J" in proc.stderr.decode()


def test_alerts_history_table_is_inert(tmp_path: Path) -> None:
    """``alerts`` prints the alert history: keys and names from log lines, inert."""
    state = tmp_path / "state"
    cfg = tmp_path / "cfg"
    cfg.mkdir()
    log = hostile_log(tmp_path)
    env = {"LOGWATCH_STATE_DIR": str(state), "LOGWATCH_CONFIG_DIR": str(cfg)}
    from logwatch_tui.core.record import AlertEvent
    from logwatch_tui.history.store import DEFAULT_FILENAME, AlertHistory

    state.mkdir()

    with AlertHistory(state / DEFAULT_FILENAME) as hist:
        hist.record_event(
            AlertEvent(
                rule="login",
                name=f"Login {CLEAR}",
                status="firing",
                severity="error",
                at=time.time(),
                count=3,
                key=(("user", OSC52 + OSC8),),
                samples=(PAYLOAD,),
                source=str(log),
                window=60.0,
                summary=f"3 failures {PAYLOAD}",
            )
        )
    assert sqlite3.connect(state / DEFAULT_FILENAME).execute("select 1").fetchone()
    proc = run("alerts", env=env)
    assert proc.returncode == 0, proc.stderr
    assert cat_v_problems(proc.stdout) == []
    out = proc.stdout.decode()
    assert "Login \u241b[2J" in out


def test_headless_output_is_inert_and_mail_headers_intact(tmp_path: Path) -> None:
    """The whole path: a log line with escapes and an encoded word in a group_by key,
    ``--headless`` printing JSON and sending mail to a real SMTP server."""
    from tests.integration.notify_servers import smtp_server, wait_for

    encoded = "=?utf-8?q?x=0D=0AReply-To:_attacker@evil.example=0D=0ABcc:_x@evil.example?="
    log = tmp_path / "app.log"
    log.write_text("2026-11-20 10:00:00,000 - app - INFO - start\n")
    rules = tmp_path / "rules.toml"
    rules.write_text(
        "[[rules]]\n"
        'name = "Login failed"\n'
        "match = 'login failed user=(?P<user>\\S+)'\n"
        'group_by = ["user"]\n'
        'notify = ["ops-mail"]\n'
        'message = "{count} failures for {user}"\n'
    )
    out_path, err_path = tmp_path / "out", tmp_path / "err"
    with smtp_server() as (ctrl, rec):
        cfg = tmp_path / "config.toml"
        cfg.write_text(
            "[notifiers.ops-mail]\n"
            'type = "email"\nhost = "127.0.0.1"\n'
            f'port = {ctrl.port}\nsecurity = "none"\n'
            'from = "lw@example.com"\nto = ["oncall@example.com"]\ngroup_wait = 0\n'
        )
        env = {**os.environ, "LOGWATCH_STATE_DIR": str(tmp_path / "state")}
        with out_path.open("wb") as out, err_path.open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "logwatch_tui", "--headless"]
                + ["--rules", str(rules), "--config", str(cfg), str(log)],
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                cwd=ROOT,
                env=env,
            )
        try:
            # wait until the follower is running (it prints nothing): append until alerted
            line = f"2026-11-20 10:00:01,000 - app - ERROR - login failed user={encoded}{OSC52}\n"
            deadline = time.monotonic() + 30
            while not out_path.read_bytes() and time.monotonic() < deadline:
                with log.open("a", encoding="utf-8") as f:
                    f.write(line)
                wait_for(lambda: bool(out_path.read_bytes()), timeout=1.0)
            assert wait_for(lambda: len(rec.mails) >= 1, timeout=30)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=30)
    assert cat_v_problems(out_path.read_bytes()) == []
    assert cat_v_problems(err_path.read_bytes()) == []
    alert = json.loads(out_path.read_text().splitlines()[0])
    assert alert["key"] == {"user": encoded + OSC52}  # the data, exact
    mail = rec.mails[0]
    assert mail.rcpt_tos == ["oncall@example.com"]
    names = {k.lower() for k in mail.message}
    assert "reply-to" not in names and "bcc" not in names
    assert names == {
        "subject",
        "from",
        "to",
        "date",
        "message-id",
        "auto-submitted",
        "x-mailer",
        "x-logwatch-fingerprint",
        "content-type",
        "content-transfer-encoding",
        "mime-version",
    }


def test_patterns_csv_is_exact_in_a_file_and_inert_on_a_terminal(tmp_path: Path) -> None:
    import pty

    log = tmp_path / "m.txt"
    log.write_bytes(b"bell\x07 nul\x00 lone-esc\x1b here\n")
    proc = run("patterns", "--messages", "--csv", str(log))
    assert "bell\x07 nul\x00 lone-esc\x1b here" in proc.stdout.decode()  # a file: exact data
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen(
            [sys.executable, "-m", "logwatch_tui", "patterns", "--messages", "--csv", str(log)],
            stdout=slave,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        os.close(slave)
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child closed the pty
                break
            if not data:
                break
            chunks.append(data)
        assert p.wait(timeout=60) == 0
    finally:
        os.close(master)
    shown = b"".join(chunks).replace(b"\r\n", b"\n")
    assert cat_v_problems(shown) == []
    assert "bell\u2407 nul\u2400 lone-esc\u241b here" in shown.decode()
