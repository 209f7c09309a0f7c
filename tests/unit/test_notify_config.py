"""[notifiers] validation, message rendering and the small pure helpers of notify/."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from logwatch_tui.core.record import AlertEvent
from logwatch_tui.notify import DeliveryOutcome, NotifierConfigError, parse_notifiers
from logwatch_tui.notify.command import fill_argv
from logwatch_tui.notify.config import (
    CommandSettings,
    DesktopSettings,
    EmailSettings,
    WebhookSettings,
)
from logwatch_tui.notify.desktop import osc_safe
from logwatch_tui.notify.render import body_text, digest_headline, headline, one_line
from logwatch_tui.notify.webhook import slack_escape

ISSUE_CONFIG = """
[notifiers.ops-mail]
type = "email"
host = "smtp.example.com"
port = 587
security = "starttls"
username = "env:SMTP_USER"
password = "env:SMTP_PASSWORD"
from = "logwatch@example.com"
to = ["oncall@example.com"]

[notifiers.ops-hook]
type = "webhook"
url = "https://hooks.example.com/T000/B000"
format = "json"
headers = { Authorization = "env:HOOK_TOKEN" }

[notifiers.page]
type = "command"
argv = ["/usr/local/bin/page-me", "--rule", "{rule}"]
timeout = "10s"
"""


def ev(**kw: object) -> AlertEvent:
    base: dict = dict(rule="r1", name="Errors", status="firing", severity="error", at=0.0, count=1)
    base.update(kw)
    return AlertEvent(**base)


def test_issue_example_parses_with_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    # env: values are not looked up at parse time.
    for name in ("SMTP_USER", "SMTP_PASSWORD", "HOOK_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    specs = parse_notifiers(tomllib.loads(ISSUE_CONFIG)["notifiers"])
    assert list(specs) == ["ops-mail", "ops-hook", "page"]
    mail, hook, page = specs.values()
    assert isinstance(mail.settings, EmailSettings)
    assert mail.settings.port == 587 and mail.settings.to == ("oncall@example.com",)
    assert mail.settings.password == "env:SMTP_PASSWORD"
    assert (mail.timeout, mail.max_age, mail.group_wait, mail.resolved) == (10, 3600, 30, True)
    assert isinstance(hook.settings, WebhookSettings)
    assert hook.settings.headers == (("Authorization", "env:HOOK_TOKEN"),)
    assert hook.settings.tls_verify is True and hook.group_wait == 0
    assert isinstance(page.settings, CommandSettings)
    assert page.settings.argv == ("/usr/local/bin/page-me", "--rule", "{rule}")
    assert page.timeout == 10.0


def test_desktop_needs_no_settings() -> None:
    specs = parse_notifiers({"desktop": {}})
    assert specs["desktop"].type == "desktop"
    assert specs["desktop"].settings == DesktopSettings()


def test_durations_and_numbers() -> None:
    specs = parse_notifiers(
        {
            "h": {
                "type": "webhook",
                "url": "http://x/",
                "timeout": 2.5,
                "max_age": "2h",
                "group_wait": "500ms",
                "retry_base": "50ms",
            }
        }
    )
    h = specs["h"]
    assert (h.timeout, h.max_age, h.group_wait, h.retry_base) == (2.5, 7200, 0.5, 0.05)


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            {"type": "email", "host": "h", "port": "587x", "from": "a@b", "to": ["c@d"]},
            "notifiers.n: port: must be an integer",
        ),
        (
            {"type": "email", "host": "h", "port": True, "from": "a@b", "to": ["c@d"]},
            "notifiers.n: port: must be an integer",
        ),
        (
            {"type": "email", "host": "h", "from": "a@b", "to": []},
            "notifiers.n: to: must be a non-empty list of addresses",
        ),
        (
            {"type": "email", "host": "h", "from": "a@b", "to": ["c@d\r\nBcc: e@f"]},
            "notifiers.n: to: ",
        ),
        (
            {"type": "email", "host": "h", "from": "a@b", "to": "c@d", "security": "tls"},
            "notifiers.n: security: must be one of none, starttls, ssl",
        ),
        (
            {"type": "email", "host": "h", "from": "a@b", "to": "c@d", "password": "x"},
            "notifiers.n: password: given without a username",
        ),
        ({"type": "pager"}, "notifiers.n: type: must be one of email, webhook, desktop, command"),
        ({}, "notifiers.n: type: missing"),
        ({"type": "webhook", "url": "ftp://x"}, "notifiers.n: url: must start with https://"),
        ({"type": "webhook"}, "notifiers.n: url: missing"),
        (
            {"type": "webhook", "url": "http://x", "format": "teams"},
            "notifiers.n: format: must be json or slack",
        ),
        (
            {"type": "webhook", "url": "http://x", "headers": {"Bad Name": "v"}},
            "notifiers.n: headers: 'Bad Name' is not a valid header name",
        ),
        (
            {"type": "webhook", "url": "http://x", "headers": {"X": "a\r\nB: c"}},
            "notifiers.n: headers.X: must be a one-line string",
        ),
        (
            {"type": "webhook", "url": "http://x", "tls_verify": "no"},
            "notifiers.n: tls_verify: must be true or false",
        ),
        (
            {"type": "webhook", "url": "http://x", "hedaers": {}},
            "notifiers.n: hedaers: unknown key for a webhook notifier",
        ),
        (
            {"type": "webhook", "url": "http://x", "timeout": "soon"},
            "notifiers.n: timeout: 'soon' is not a duration",
        ),
        (
            {"type": "webhook", "url": "http://x", "timeout": 0},
            "notifiers.n: timeout: must be more than 0",
        ),
        (
            {"type": "webhook", "url": "http://x", "min_severity": "fatal"},
            "notifiers.n: min_severity: must be one of info, warning, error, critical",
        ),
        (
            {"type": "webhook", "url": "env:1BAD"},
            "notifiers.n: url: 'env:1BAD' is not a valid env:NAME reference",
        ),
        (
            {"type": "command", "argv": "page-me {rule}"},
            "notifiers.n: argv: must be a non-empty list of strings",
        ),
        ({"type": "command", "argv": []}, "notifiers.n: argv: must be a non-empty list"),
        ({"type": "command"}, "notifiers.n: argv: missing"),
        ("not a table", "notifiers.n: must be a table"),
    ],
)
def test_errors_name_the_table_and_key(table: object, message: str) -> None:
    with pytest.raises(NotifierConfigError) as info:
        parse_notifiers({"n": table})
    assert str(info.value).startswith(message)
    assert isinstance(info.value, ValueError)


def test_ui_channel_names_are_reserved() -> None:
    with pytest.raises(NotifierConfigError, match="notifiers.toast: 'toast' is built in"):
        parse_notifiers({"toast": {"type": "desktop"}})


def test_filters() -> None:
    spec = parse_notifiers(
        {"h": {"type": "webhook", "url": "http://x", "min_severity": "warning", "resolved": False}}
    )["h"]
    assert not spec.wants("info", "firing")
    assert spec.wants("warning", "firing") and spec.wants("critical", "firing")
    assert not spec.wants("critical", "resolved")


def test_describe() -> None:
    one = DeliveryOutcome("ops-hook", "delivered", (ev(),), 3, "", 0.0)
    assert one.describe() == "ops-hook: delivered 1 alert (attempt 3)"
    two = DeliveryOutcome("ops-mail", "failed", (ev(), ev()), 1, "HTTP 400 from x", 0.0)
    assert two.describe() == "ops-mail: failed 2 alerts (attempt 1): HTTP 400 from x"


def test_placeholders_come_only_from_the_rule() -> None:
    e = ev(rule="disk", name="{severity}", key=(("k", "{rule}"),), samples=("{status}",))
    argv = ["p", "{rule}", "{name}", "{severity}-{status}", "{key}", "{rule.__class__}", "{}"]
    assert fill_argv(argv, [e]) == [
        "p",
        "disk",
        "{severity}",
        "error-firing",
        "{key}",
        "{rule.__class__}",
        "{}",
    ]
    mixed = fill_argv(["{rule}", "{status}"], [e, ev(rule="other", status="firing")])
    assert mixed == ["multiple", "firing"]


def test_text_sanitising() -> None:
    nasty = "a\x1b[31mred\x1b[0m\x07b\x85c\r\nd\x00e\u2028f"
    # Controls are shown as the same stand-ins the TUI and CLI use: nothing runs, nothing hides.
    assert body_text(nasty) == "a\u241b[31mred\u241b[0m\u2407b\ufffdc\nd\u2400e\ufffdf"
    assert one_line(nasty) == "a\u241b[31mred\u241b[0m\u2407b\ufffdc d\u2400e\ufffdf"
    assert one_line("x\r\nBcc: y\t z") == "x Bcc: y z"
    assert osc_safe("t;i\x1b]0;x\x07tle\x9c", 80) == "ti\u241b]0x\u2407tle\ufffd"
    assert len(osc_safe("x" * 1000, 80)) == 80
    assert slack_escape("<!here> & @all `x`") == "&lt;!here&gt; &amp; @\u200ball \u02cbx\u02cb"


def test_headlines() -> None:
    e = ev(key=(("ip", "1.2.3.4\r\nX: y"),))
    assert headline(e) == "FIRING error: Errors ip=1.2.3.4 X: y"
    events = [ev(), ev(), ev(status="resolved")]
    assert digest_headline(events) == "3 alerts (2 firing, 1 resolved)"


def test_notify_package_stays_off_textual_and_rich() -> None:
    code = (
        "import sys, logwatch_tui.notify, logwatch_tui.notify.emailer, "
        "logwatch_tui.notify.webhook, logwatch_tui.notify.command, logwatch_tui.notify.desktop;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('textual', 'rich')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
