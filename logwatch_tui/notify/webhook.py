"""HTTP POST webhooks: a documented JSON shape, or ``{"text": …}`` for chat tools.

stdlib only (``urllib.request``). Redirects are not followed: urllib would
turn a redirected POST into a GET without the body, which "succeeds" while
delivering nothing. Reasons name only the host, never the path or query (a
Slack hook's path *is* its secret) and never the headers.
"""

from __future__ import annotations

import logging
import ssl
import urllib.error
import urllib.request
from collections.abc import Sequence
from email.message import Message
from urllib.parse import urlsplit

from logwatch_tui import __version__
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.safe_text import json_text
from logwatch_tui.notify.base import DeliveryError, os_error_text, resolve_secret
from logwatch_tui.notify.config import WebhookSettings, check_url
from logwatch_tui.notify.render import (
    MAX_SAMPLES,
    alert_json,
    body_text,
    digest_headline,
    headline,
    hostname,
    iso,
    one_line,
    payload_json,
    window_text,
)

log = logging.getLogger(__name__)

RETRYABLE_4XX = frozenset({408, 425, 429})
"""Client errors that mean "later", not "never"."""
SLACK_TEXT_LIMIT = 35_000
"""Slack truncates/rejects beyond ~40k characters; stay under."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


def slack_escape(text: str) -> str:
    """Make log text inert in Slack/Mattermost/Rocket.Chat markup.

    ``<!channel>`` would ping a whole channel and ``<http://x|click>`` would be
    a disguised link in Slack; ``@channel``/``@here``/``@all`` ping in
    Mattermost and Rocket.Chat, so a zero-width space breaks every ``@``.
    Backticks would end our code block early.
    """
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("@", "@\u200b").replace("`", "\u02cb")


def slack_alert(event: AlertEvent) -> str:
    icon = {"critical": "🔴", "error": "🟠", "warning": "🟡"}.get(event.severity, "🔵")
    if event.status == "resolved":
        icon = "✅"
    lines = [f"{icon} *{slack_escape(headline(event, 300))}*"]
    if event.summary:
        lines.append(slack_escape(one_line(event.summary, 1000)))
    lines.append(
        f"count {event.count} in {window_text(event.window)} · {slack_escape(iso(event.at))}"
        f" · host {slack_escape(one_line(hostname()))}"
        + (f" · {slack_escape(one_line(event.source, 300))}" if event.source else "")
    )
    if event.samples:
        samples = "\n".join(body_text(s, 500) for s in event.samples[:MAX_SAMPLES])
        lines.append("```\n" + slack_escape(samples) + "\n```")
    return "\n".join(lines)


def slack_payload(events: Sequence[AlertEvent]) -> dict[str, str]:
    """One ``text`` for one alert or a whole digest (all three chat tools accept it)."""
    if len(events) == 1:
        text = slack_alert(events[0])
    else:
        parts = [f"*logwatch-tui: {digest_headline(events)}*"]
        size = len(parts[0])
        for i, e in enumerate(events):
            entry = f"• {slack_escape(headline(e, 300))}"
            if e.summary:
                entry += f" — {slack_escape(one_line(e.summary, 300))}"
            if size + len(entry) > SLACK_TEXT_LIMIT:
                parts.append(f"… and {len(events) - i} more")
                break
            parts.append(entry)
            size += len(entry) + 1
        text = "\n".join(parts)
    return {"text": text}


class WebhookChannel:
    """POSTs one request per message (one alert, or a digest)."""

    max_batch = 200

    def __init__(self, settings: WebhookSettings) -> None:
        self.settings = settings
        self._secrets: list[str] = []
        self._warned_tls = False
        ctx = ssl.create_default_context()
        if not settings.tls_verify:
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE
        self._opener = urllib.request.build_opener(
            _NoRedirect(), urllib.request.HTTPSHandler(context=ctx)
        )

    def secrets(self) -> list[str]:
        return list(self._secrets)

    def body(self, events: Sequence[AlertEvent]) -> bytes:
        if self.settings.format == "slack":
            data: object = slack_payload(events)
        else:
            data = payload_json(events)
        return json_text(data).encode("utf-8")  # exact data, no raw control byte

    def send(self, events: Sequence[AlertEvent], *, timeout: float) -> str:
        s = self.settings
        url = resolve_secret(s.url, "url")
        headers = {"Content-Type": "application/json", "User-Agent": f"logwatch-tui/{__version__}"}
        secrets: list[str] = []
        for name, value in s.headers:
            resolved = resolve_secret(value, f"headers.{name}")
            headers[name] = resolved
            secrets.append(resolved)
            # "Bearer abc": the bare token must not leak either.
            secrets.extend(part for part in resolved.split() if len(part) >= 8)
        parts = urlsplit(url)
        secrets.extend(p for p in (parts.path, parts.query, parts.password) if p and len(p) > 1)
        self._secrets = secrets
        if s.url.startswith("env:"):

            def fail(msg: str) -> DeliveryError:
                return DeliveryError(f"url (from {s.url}): {msg}", final=True)

            check_url(url, fail)
        where = parts.hostname or "?"
        if parts.port:
            where += f":{parts.port}"
        note = ""
        if not s.tls_verify and parts.scheme == "https" and not self._warned_tls:
            self._warned_tls = True
            note = "warning: TLS certificate verification is disabled (tls_verify = false)"
            log.warning("webhook to %s: %s", where, note)
        req = urllib.request.Request(url, data=self.body(events), headers=headers, method="POST")
        try:
            with self._opener.open(req, timeout=timeout) as resp:
                resp.read(65536)
                status = resp.status
        except urllib.error.HTTPError as exc:
            status = exc.code
            detail = _error_body(exc)
            retry_after = _retry_after(exc.headers)
            exc.close()
            reason = f"HTTP {status} {one_line(exc.reason or '', 60)} from {where}".rstrip()
            if detail:
                reason += f": {detail}"
            if 300 <= status < 400:
                raise DeliveryError(reason + " (redirects are not followed)", final=True) from None
            final = 400 <= status < 500 and status not in RETRYABLE_4XX
            raise DeliveryError(reason, final=final, retry_after=retry_after) from None
        except urllib.error.URLError as exc:
            inner = exc.reason
            text = os_error_text(inner) if isinstance(inner, BaseException) else str(inner)
            final = isinstance(inner, ssl.SSLCertVerificationError)
            raise DeliveryError(f"cannot connect to {where}: {text}", final=final) from None
        except (OSError, ValueError) as exc:
            # ValueError: http.client refusing a header value, for instance.
            raise DeliveryError(f"{where}: {os_error_text(exc)}") from None
        if not 200 <= status < 300:
            raise DeliveryError(f"HTTP {status} from {where}")
        return note


def _error_body(exc: urllib.error.HTTPError) -> str:
    """The first bit of an error response (Slack says ``invalid_payload`` there)."""
    try:
        raw = exc.read(300)
    except OSError:
        return ""
    return one_line(raw.decode("utf-8", "replace"), 160)


def _retry_after(headers: Message | None) -> float | None:
    if headers is None:
        return None
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


__all__ = ["WebhookChannel", "alert_json", "slack_escape", "slack_payload"]
