"""Email notifier against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import ssl
from email import policy
from pathlib import Path

import pytest

from logwatch_tui.notify import Dispatcher, notify_test
from logwatch_tui.notify.render import hostname
from tests.integration.notify_servers import (
    Outcomes,
    closed_port,
    event,
    self_signed_cert,
    smtp_server,
    wait_for,
)


def mail_config(port: int, **extra: object) -> dict:
    return {
        "ops-mail": {
            "type": "email",
            "host": "127.0.0.1",
            "port": port,
            "security": "none",
            "from": "logwatch@example.com",
            "to": ["oncall@example.com"],
            "group_wait": 0,
            "retry_base": 0.05,
            "timeout": 5,
            **extra,
        }
    }


def run_dispatcher(config: dict, events: list, channels=("ops-mail",)) -> Outcomes:
    outcomes = Outcomes()
    d = Dispatcher(config, on_outcome=outcomes, retry_base=0.05)
    d.start()
    try:
        for ev in events:
            d.submit(ev, channels)
        assert wait_for(lambda: len(outcomes.final("ops-mail")) >= 1)
    finally:
        d.stop(timeout=3)
    return outcomes


def test_alert_arrives_with_subject_and_body() -> None:
    with smtp_server() as (ctrl, rec):
        outcomes = run_dispatcher(mail_config(ctrl.port), [event()])
        assert outcomes.statuses("ops-mail") == ["delivered"]
        assert wait_for(lambda: len(rec.mails) == 1)
    mail = rec.mails[0]
    assert mail.rcpt_tos == ["oncall@example.com"]
    assert mail.mail_from == "logwatch@example.com"
    msg = mail.message
    assert msg["Subject"] == "[logwatch-tui] FIRING error: Connection refused host=web1"
    assert msg["From"] == "logwatch@example.com"
    assert msg["To"] == "oncall@example.com"
    body = msg.get_content()
    for needle in (
        "3 connection errors in 1m on web1",  # the rendered message
        "Count:   3 in 1m",
        "Key:     host=web1",
        "Time:    2024-05-01T12:00:00+00:00",
        f"Host:    {hostname()}",
        "Source:  /var/log/app.log",
        "  2024-05-01 12:00:00 ERROR connection refused",
    ):
        assert needle in body


def test_resolved_subject() -> None:
    with smtp_server() as (ctrl, rec):
        run_dispatcher(mail_config(ctrl.port), [event(status="resolved", severity="critical")])
        assert wait_for(lambda: len(rec.mails) == 1)
    assert (
        rec.mails[0].message["Subject"]
        == "[logwatch-tui] RESOLVED critical: Connection refused host=web1"
    )


def test_crlf_in_log_text_adds_no_header_or_recipient() -> None:
    evil = event(
        key=(("user", "bob\r\nBcc: y@evil.example"),),
        samples=("login failed\r\nBcc: x@evil.example\r\n\r\nfake body", "\x1b[31mred\x1b[0m"),
        summary="failed\r\nBcc: z@evil.example",
    )
    with smtp_server() as (ctrl, rec):
        outcomes = run_dispatcher(mail_config(ctrl.port), [evil])
        assert outcomes.statuses("ops-mail") == ["delivered"]
        assert wait_for(lambda: len(rec.mails) == 1)
    mail = rec.mails[0]
    assert mail.rcpt_tos == ["oncall@example.com"]
    msg = mail.message
    assert msg["Bcc"] is None
    assert b"\nBcc:" not in mail.raw.split(b"\r\n\r\n", 1)[0]
    header_names = {k.lower() for k in msg}
    assert "bcc" not in header_names
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
    assert "y@evil.example" in msg["Subject"]  # kept as text, on the one line
    body = msg.get_content()
    assert "\x1b" not in body
    assert "red" in body


def test_auth_with_env_credentials_and_secret_never_in_outcome(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = mail_config(0, username="env:LW_SMTP_USER", password="env:LW_SMTP_PASSWORD")
    with smtp_server(credentials=("alice", "pa55-w0rd-xyz")) as (ctrl, rec):
        config["ops-mail"]["port"] = ctrl.port
        # Set after the config is parsed: env: is resolved at send time.
        d = Dispatcher(config, retry_base=0.05)
        monkeypatch.setenv("LW_SMTP_USER", "alice")
        monkeypatch.setenv("LW_SMTP_PASSWORD", "pa55-w0rd-xyz")
        outcomes = Outcomes()
        d._on_outcome = outcomes
        d.start()
        d.submit(event(), ["ops-mail"])
        assert wait_for(lambda: outcomes.final("ops-mail"))
        d.stop(timeout=3)
        assert outcomes.statuses("ops-mail") == ["delivered"]
        assert len(rec.mails) == 1

        monkeypatch.setenv("LW_SMTP_PASSWORD", "wrong-pa55-w0rd")
        out = notify_test("ops-mail", config, timeout=5)
        assert out.status == "failed"
        assert "rejected the login" in out.reason
        assert "wrong-pa55-w0rd" not in out.describe()

        monkeypatch.delenv("LW_SMTP_PASSWORD")
        out = notify_test("ops-mail", config, timeout=5)
        assert out.status == "failed"
        assert "LW_SMTP_PASSWORD" in out.reason and "is not set" in out.reason


def test_missing_env_var_fails_without_retry(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LW_NOPE_PASSWORD", raising=False)
    with smtp_server() as (ctrl, rec):
        config = mail_config(ctrl.port, username="bob", password="env:LW_NOPE_PASSWORD")
        outcomes = run_dispatcher(config, [event()])
    [out] = outcomes.of("ops-mail")
    assert out.status == "failed" and out.attempt == 1
    assert "environment variable LW_NOPE_PASSWORD is not set" in out.reason
    assert rec.mails == []


def test_group_wait_sends_one_digest() -> None:
    events = [event(key=(("host", f"web{i}"),)) for i in range(3)]
    events += [event(key=(("host", f"web{i}"),), status="resolved") for i in range(2)]
    with smtp_server() as (ctrl, rec):
        outcomes = run_dispatcher(mail_config(ctrl.port, group_wait="300ms"), events)
        assert wait_for(lambda: len(rec.mails) == 1)
    assert outcomes.statuses("ops-mail") == ["delivered"]
    assert len(outcomes.of("ops-mail")[0].events) == 5
    msg = rec.mails[0].message
    assert msg["Subject"] == "[logwatch-tui] 5 alerts (3 firing, 2 resolved)"
    body = msg.get_content()
    for i in range(3):
        assert f"host=web{i}" in body
    assert body.count("RESOLVED error") == 2


def test_starttls(tmp_path: Path) -> None:
    pair = self_signed_cert(tmp_path)
    if pair is None:
        pytest.skip("openssl CLI not available to make a test certificate")
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(str(pair[0]), str(pair[1]))
    with smtp_server(tls_context=server_ctx, credentials=("alice", "s3cret-pass")) as (ctrl, rec):
        base = mail_config(ctrl.port, security="starttls", username="alice", password="s3cret-pass")
        # A self-signed certificate is refused by default...
        out = notify_test("ops-mail", base, timeout=5)
        assert out.status == "failed"
        assert "not trusted" in out.reason
        # ...and accepted only when verification is explicitly off.
        base["ops-mail"]["tls_verify"] = False
        out = notify_test("ops-mail", base, timeout=5)
        assert out.status == "delivered", out.reason
        assert wait_for(lambda: len(rec.mails) == 1)
    assert rec.mails[0].message["Subject"].startswith("[logwatch-tui] FIRING info: Test notif")


def test_notify_test_live_and_closed_port() -> None:
    with smtp_server() as (ctrl, rec):
        out = notify_test("ops-mail", mail_config(ctrl.port))
        assert out.status == "delivered"
        assert out.describe() == "ops-mail: delivered 1 alert (attempt 1)"
        assert wait_for(lambda: len(rec.mails) == 1)
    out = notify_test("ops-mail", mail_config(closed_port()), timeout=3)
    assert out.status == "failed"
    assert "Connection refused" in out.reason
    assert "127.0.0.1" in out.reason


# -- header injection through RFC 2047 encoded words ------------------------------------------

ENCODED_WORD_ATTACK = "=?utf-8?q?x=0D=0AReply-To:_attacker@evil.example=0D=0ABcc:_x@evil.example?="
EXPECTED_HEADERS = {
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


def _header_block(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]


@pytest.mark.parametrize(
    "evil",
    [
        event(key=(("user", ENCODED_WORD_ATTACK),)),
        event(name=f"x {ENCODED_WORD_ATTACK}", key=()),
        event(key=(("user", ENCODED_WORD_ATTACK + " é"),)),  # non-ASCII forces folding
        event(key=(("user", "y" * 60 + " " + ENCODED_WORD_ATTACK),)),  # long
        event(key=(("user", "=?utf-8?b?eA0KQmNjOiBiQGV2aWwuZXhhbXBsZQ==?="),)),  # base64 form
    ],
    ids=["key", "rule-name", "non-ascii", "long", "b-encoding"],
)
def test_encoded_word_in_log_text_creates_no_header(evil) -> None:
    """A group_by key holding an RFC 2047 encoded word with CR/LF inside: the stdlib's
    folding decoded it into real Reply-To/Bcc headers on CPython 3.11.7 and 3.12.1."""
    with smtp_server() as (ctrl, rec):
        outcomes = run_dispatcher(mail_config(ctrl.port), [evil])
        assert outcomes.statuses("ops-mail") == ["delivered"]
        assert wait_for(lambda: len(rec.mails) == 1)
    mail = rec.mails[0]
    assert mail.rcpt_tos == ["oncall@example.com"]
    msg = mail.message
    assert {k.lower() for k in msg} == EXPECTED_HEADERS
    block = _header_block(mail.raw)
    for line in block.split(b"\n"):
        # every physical line is a header we set, or a folded continuation
        assert line[:1] in (b" ", b"\t") or line.split(b":", 1)[0].lower().decode() in (
            EXPECTED_HEADERS
        ), line
    assert b"evil.example" not in b"".join(
        line
        for line in block.split(b"\n")
        if not line.lower().startswith(b"subject:") and line[:1] not in (b" ", b"\t")
    )
    assert msg["Reply-To"] is None and msg["Bcc"] is None
    # The text is still there for the reader, as plain text in the body.
    if evil.key:
        assert f"Key:     {evil.key_text}" in msg.get_content()
    else:
        assert evil.name in msg.get_content()
    assert "\n" not in str(msg["Subject"]) and "\r" not in str(msg["Subject"])


def _other_pythons() -> list[str]:
    """Every CPython >= 3.11 on this machine (the project's requires-python)."""
    import glob
    import os
    import shutil
    import subprocess
    import sys

    found: dict[str, str] = {}
    candidates = [sys.executable]
    for name in ("python3.11", "python3.12", "python3.13", "python3.14"):
        exe = shutil.which(name)
        if exe:
            candidates.append(exe)
    candidates += sorted(glob.glob("/usr/bin/python3.1[1-9]"))
    candidates += sorted(glob.glob(str(Path.home() / ".pyenv/versions/3.1[1-9]*/bin/python3")))
    seen: set[str] = set()
    for exe in candidates:
        # each interpreter once; a pyenv shim only re-executes a version globbed above
        # (at a third of a second of CPU, in every xdist worker's collection)
        real = os.path.realpath(exe)
        if real in seen or "/.pyenv/shims/" in real:
            continue
        seen.add(real)
        try:
            out = subprocess.run(
                [exe, "-c", "import sys; print(sys.version.split()[0])"],
                capture_output=True,
                text=True,
                timeout=20,
            )
        except (OSError, subprocess.TimeoutExpired):
            continue
        version = out.stdout.strip()
        if out.returncode == 0 and tuple(map(int, version.split(".")[:2])) >= (3, 11):
            found.setdefault(version, exe)
    return [found[v] for v in sorted(found)]


_BUILD_SCRIPT = r"""
import sys
from email import message_from_bytes, policy
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.notify.config import EmailSettings
from logwatch_tui.notify.emailer import build_message
evil = sys.argv[1]
events = [
    AlertEvent(rule="r", name="Name", status="firing", severity="error", at=0.0, count=1,
               key=(("user", evil),), samples=(evil,), source="s", window=60.0, summary=evil),
    AlertEvent(rule="r", name="Name " + evil + " é", status="firing", severity="error", at=0.0,
               count=1, key=(("user", "y" * 120 + " " + evil),), samples=(), source="s",
               window=60.0, summary=""),
]
settings = EmailSettings(host="h", port=25, security="none", sender="a@example.com",
                         to=("oncall@example.com",))
for batch in ([events[0]], [events[1]], events):
    raw = build_message(batch, settings).as_bytes(policy=policy.SMTP)
    parsed = message_from_bytes(raw, policy=policy.default)
    print(",".join(sorted({k.lower() for k in parsed})))
"""


@pytest.mark.parametrize("python", _other_pythons())
def test_no_header_injection_on_every_python_here(python: str) -> None:
    import subprocess

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [python, "-c", _BUILD_SCRIPT, ENCODED_WORD_ATTACK],
        capture_output=True,
        text=True,
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.split()
    assert len(lines) == 3
    for line in lines:
        names = set(line.split(","))
        assert "reply-to" not in names and "bcc" not in names
        assert names <= EXPECTED_HEADERS, (python, names - EXPECTED_HEADERS)


def test_header_guard_catches_what_the_stdlib_folds_into_headers() -> None:
    """The second line of defence: a header value that would come out as several headers
    (on the Pythons whose folder decodes encoded words) is detected before sending."""
    from email import message_from_bytes

    from logwatch_tui.notify.config import EmailSettings
    from logwatch_tui.notify.emailer import _assemble, headers_intact

    settings = EmailSettings(
        host="h", port=25, security="none", sender="a@example.com", to=("b@example.com",)
    )
    msg, expected = _assemble("x " + ENCODED_WORD_ATTACK, [event()], settings)
    try:
        names = {k.lower() for k in message_from_bytes(msg.as_bytes(), policy=policy.default)}
    except ValueError:  # newer Pythons refuse to write it at all
        names = set()
    assert not headers_intact(msg, expected) or "reply-to" not in names
    if "reply-to" in names:  # this Python is one of the vulnerable ones
        assert not headers_intact(msg, expected)
    good, expected = _assemble("plain subject", [event()], settings)
    assert headers_intact(good, expected)
