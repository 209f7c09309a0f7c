"""The ``[notifiers.NAME]`` tables of ``config.toml``, validated up front.

Every mistake a person can make in the file (a typo'd key, ``port = "587x"``,
``security = "tls"``) is reported at start-up as one line naming the table and
the key, so a broken notifier is found before the first 3 a.m. alert rather
than by it. ``env:NAME`` values are *not* resolved here: they are looked up at
send time, so secrets never sit in long-lived objects and a variable set later
still works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from logwatch_tui.core.durations import parse_duration
from logwatch_tui.notify.base import ENV_PREFIX

TYPES = ("email", "webhook", "desktop", "command")
SEVERITIES = ("info", "warning", "error", "critical")
SEVERITY_RANK = {s: i for i, s in enumerate(SEVERITIES)}
BUILTIN_UI_CHANNELS = frozenset({"toast", "bell"})
"""Handled by the UI itself; the dispatcher ignores them silently."""
DESKTOP = "desktop"
"""A notifier of type desktop that exists without a config section."""

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_AGE = 3600.0
DEFAULT_GROUP_WAIT = {"email": 30.0}
"""Mail collects for 30 s by default (one digest beats ten mails); others send at once."""

COMMON_KEYS = frozenset(
    {"type", "timeout", "max_age", "group_wait", "resolved", "min_severity", "retry_base"}
)
TYPE_KEYS: dict[str, frozenset[str]] = {
    "email": frozenset(
        {"host", "port", "security", "username", "password", "from", "to", "tls_verify"}
    ),
    "webhook": frozenset({"url", "format", "headers", "tls_verify"}),
    "desktop": frozenset({"tty", "notify_send"}),
    "command": frozenset({"argv"}),
}
_HEADER_NAME_RE = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_ENV_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class NotifierConfigError(ValueError):
    """``config.toml:8: notifiers.ops-mail: port: must be an integer``.

    ``notifier`` and ``key`` say what is wrong; when the table came from a
    file (a :class:`~logwatch_tui.core.tomlio.SourcedTable`) the text starts
    with the file and, where it can be found, the line.
    """

    def __init__(self, message: str, *, notifier: str | None = None, key: str | None = None):
        super().__init__(message)
        self.notifier = notifier
        self.key = key

    def located(self, section: Any) -> NotifierConfigError:
        """The same error with ``path:line:`` in front when ``section`` knows its file."""
        where = getattr(section, "where", None)
        if where is None:
            return self
        sub = (self.notifier,) if self.notifier is not None else ()
        return NotifierConfigError(
            f"{where(sub, self.key)}: {self}", notifier=self.notifier, key=self.key
        )


@dataclass(frozen=True, slots=True)
class EmailSettings:
    host: str
    port: int
    security: str
    """``none``, ``starttls`` or ``ssl``."""
    sender: str
    to: tuple[str, ...]
    username: str | None = None
    """May be ``env:NAME``; resolved at send time."""
    password: str | None = None
    """May be ``env:NAME``; resolved at send time."""
    tls_verify: bool = True


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    url: str
    """May be ``env:NAME`` (a Slack hook URL is itself a secret)."""
    format: str = "json"
    """``json`` or ``slack``."""
    headers: tuple[tuple[str, str], ...] = ()
    """Values may be ``env:NAME``."""
    tls_verify: bool = True


@dataclass(frozen=True, slots=True)
class CommandSettings:
    argv: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DesktopSettings:
    tty: str = "/dev/tty"
    notify_send: bool = True


Settings = EmailSettings | WebhookSettings | CommandSettings | DesktopSettings


@dataclass(frozen=True, slots=True)
class NotifierSpec:
    """One validated ``[notifiers.NAME]`` table."""

    name: str
    type: str
    settings: Settings
    timeout: float = DEFAULT_TIMEOUT
    """Seconds per attempt."""
    max_age: float = DEFAULT_MAX_AGE
    """Keep retrying an alert until it is this old (seconds since submit)."""
    group_wait: float = 0.0
    """Collect alerts this long after the first one, then send one digest."""
    resolved: bool = True
    """Also send resolved events."""
    min_severity: str | None = None
    retry_base: float | None = None
    """First retry delay in seconds (doubling, capped); None = the dispatcher's default."""

    def wants(self, severity: str, status: str) -> bool:
        """Whether an event passes this notifier's ``resolved``/``min_severity`` filters."""
        if status == "resolved" and not self.resolved:
            return False
        if self.min_severity is not None:
            return SEVERITY_RANK.get(severity, len(SEVERITIES)) >= SEVERITY_RANK[self.min_severity]
        return True


def default_desktop_spec() -> NotifierSpec:
    return NotifierSpec(name=DESKTOP, type="desktop", settings=DesktopSettings())


def parse_notifiers(section: Any) -> dict[str, NotifierSpec]:
    """Validate the whole ``[notifiers]`` table; the first problem raises.

    The returned dict keeps the file's order. The built-in ``desktop`` notifier
    is not added here (the dispatcher adds it when the file has no such table).
    """
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise NotifierConfigError("notifiers: must be [notifiers.NAME] tables")
    try:
        return _parse_all(section)
    except NotifierConfigError as exc:
        raise exc.located(section) from None


def _parse_all(section: dict[str, Any]) -> dict[str, NotifierSpec]:
    specs: dict[str, NotifierSpec] = {}
    for name, table in section.items():
        where = f"notifiers.{name}"
        if not isinstance(name, str) or not name.strip():
            raise NotifierConfigError(f"{where}: the name must not be empty", notifier=name)
        if name in BUILTIN_UI_CHANNELS:
            raise NotifierConfigError(
                f"{where}: '{name}' is built in (handled by the UI); choose another name",
                notifier=name,
            )
        if not isinstance(table, dict):
            raise NotifierConfigError(f"{where}: must be a table ([{where}])", notifier=name)
        specs[name] = _parse_one(name, table)
    return specs


def _parse_one(name: str, table: dict[str, Any]) -> NotifierSpec:
    where = f"notifiers.{name}"

    def err(key: str, msg: str) -> NotifierConfigError:
        return NotifierConfigError(f"{where}: {key}: {msg}", notifier=name, key=key)

    kind = table.get("type", DESKTOP if name == DESKTOP else None)
    if kind is None:
        raise err("type", f"missing (one of: {', '.join(TYPES)})")
    if kind not in TYPES:
        raise err("type", f"must be one of {', '.join(TYPES)}, not {kind!r}")
    allowed = COMMON_KEYS | TYPE_KEYS[kind]
    for key in table:
        if key not in allowed:
            raise err(
                str(key),
                f"unknown key for a {kind} notifier (expected: {', '.join(sorted(allowed))})",
            )

    timeout = _duration(table, "timeout", DEFAULT_TIMEOUT, err)
    if timeout <= 0:
        raise err("timeout", "must be more than 0")
    max_age = _duration(table, "max_age", DEFAULT_MAX_AGE, err)
    group_wait = _duration(table, "group_wait", DEFAULT_GROUP_WAIT.get(kind, 0.0), err)
    retry_base = _duration(table, "retry_base", 0.0, err) if "retry_base" in table else None
    if retry_base is not None and retry_base <= 0:
        raise err("retry_base", "must be more than 0")
    resolved = _bool(table, "resolved", True, err)
    min_severity = table.get("min_severity")
    if min_severity is not None and min_severity not in SEVERITIES:
        raise err("min_severity", f"must be one of {', '.join(SEVERITIES)}")

    settings: Settings
    if kind == "email":
        settings = _email(table, err)
    elif kind == "webhook":
        settings = _webhook(table, err)
    elif kind == "command":
        settings = _command(table, err)
    else:
        tty = table.get("tty", "/dev/tty")
        if not isinstance(tty, str) or not tty:
            raise err("tty", "must be a path")
        settings = DesktopSettings(tty=tty, notify_send=_bool(table, "notify_send", True, err))
    return NotifierSpec(
        name=name,
        type=kind,
        settings=settings,
        timeout=timeout,
        max_age=max_age,
        group_wait=group_wait,
        resolved=resolved,
        min_severity=min_severity,
        retry_base=retry_base,
    )


def _duration(table: dict[str, Any], key: str, default: float, err: Any) -> float:
    """``"10s"``, ``"1h"``, or a plain number of seconds."""
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise err(key, 'must be a duration like "10s" or a number of seconds')
    try:
        seconds = parse_duration(value, allow_zero=True)
    except ValueError as exc:
        raise err(key, str(exc)) from None
    if seconds < 0:
        raise err(key, "must not be negative")
    return seconds


def _bool(table: dict[str, Any], key: str, default: bool, err: Any) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise err(key, "must be true or false")
    return value


def _string(table: dict[str, Any], key: str, err: Any, *, required: bool = True) -> str | None:
    value = table.get(key)
    if value is None:
        if required:
            raise err(key, "missing")
        return None
    if not isinstance(value, str) or not value.strip():
        raise err(key, "must be a non-empty string")
    if any(c in value for c in "\r\n\x00"):
        raise err(key, "must not contain line breaks or NUL")
    if value.startswith(ENV_PREFIX) and not _ENV_NAME_RE.match(value[len(ENV_PREFIX) :].strip()):
        raise err(key, f"{value!r} is not a valid env:NAME reference")
    return value


def _email(table: dict[str, Any], err: Any) -> EmailSettings:
    host = _string(table, "host", err)
    security = table.get("security", "starttls")
    if security not in ("none", "starttls", "ssl"):
        raise err("security", "must be one of none, starttls, ssl")
    default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
    port = table.get("port", default_port)
    if isinstance(port, bool) or not isinstance(port, int):
        raise err("port", "must be an integer")
    if not 0 < port < 65536:
        raise err("port", "must be between 1 and 65535")
    sender = _string(table, "from", err)
    assert host is not None and sender is not None
    if sender.startswith(ENV_PREFIX) or "@" not in sender:
        raise err("from", "must be an email address")
    to_raw = table.get("to")
    if to_raw is None:
        raise err("to", "missing (a list of addresses)")
    if isinstance(to_raw, str):
        to_raw = [to_raw]
    if not isinstance(to_raw, list) or not to_raw:
        raise err("to", "must be a non-empty list of addresses")
    to: list[str] = []
    for addr in to_raw:
        if not isinstance(addr, str) or "@" not in addr or any(c in addr for c in "\r\n,;\x00"):
            raise err("to", f"{addr!r} is not one email address")
        to.append(addr.strip())
    username = _string(table, "username", err, required=False)
    password = _string(table, "password", err, required=False)
    if password is not None and username is None:
        raise err("password", "given without a username")
    return EmailSettings(
        host=host,
        port=port,
        security=security,
        sender=sender.strip(),
        to=tuple(to),
        username=username,
        password=password,
        tls_verify=_bool(table, "tls_verify", True, err),
    )


def _webhook(table: dict[str, Any], err: Any) -> WebhookSettings:
    url = _string(table, "url", err)
    assert url is not None
    if not url.startswith(ENV_PREFIX):
        check_url(url, lambda msg: err("url", msg))
    fmt = table.get("format", "json")
    if fmt not in ("json", "slack"):
        raise err("format", "must be json or slack")
    headers_raw = table.get("headers", {})
    if not isinstance(headers_raw, dict):
        raise err("headers", 'must be a table like { Authorization = "env:TOKEN" }')
    headers: list[tuple[str, str]] = []
    for hname, hval in headers_raw.items():
        if not isinstance(hname, str) or not _HEADER_NAME_RE.match(hname):
            raise err("headers", f"{hname!r} is not a valid header name")
        if not isinstance(hval, str) or any(c in hval for c in "\r\n\x00"):
            raise err(f"headers.{hname}", "must be a one-line string")
        headers.append((hname, hval))
    return WebhookSettings(
        url=url,
        format=fmt,
        headers=tuple(headers),
        tls_verify=_bool(table, "tls_verify", True, err),
    )


def check_url(url: str, fail: Any) -> None:
    """http(s) with a host, or ``fail(message)`` (which raises)."""
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise fail(f"not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        raise fail("must start with https:// or http://")
    if not parts.hostname:
        raise fail("has no host")


def _command(table: dict[str, Any], err: Any) -> CommandSettings:
    argv = table.get("argv")
    if argv is None:
        raise err("argv", 'missing (a list like ["/usr/local/bin/page-me", "--rule", "{rule}"])')
    if not isinstance(argv, list) or not argv:
        raise err("argv", "must be a non-empty list of strings")
    for item in argv:
        if not isinstance(item, str) or "\x00" in item:
            raise err("argv", "every item must be a string (without NUL)")
    if not argv[0].strip():
        raise err("argv", "the program (first item) must not be empty")
    return CommandSettings(argv=tuple(argv))
