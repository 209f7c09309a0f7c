"""Email through stdlib ``smtplib`` (plain, STARTTLS or implicit TLS).

Named ``emailer`` rather than ``email`` so nothing in this package can ever
shadow the stdlib ``email`` package it builds messages with.

Header injection is closed twice: every header value is squeezed to one line
without control characters before it reaches ``EmailMessage`` (whose default
policy also refuses CR/LF), and the SMTP envelope recipients always come from
the config, never from the message headers, so a ``Bcc:`` smuggled in through
a log line can add neither a header nor a recipient.
"""

from __future__ import annotations

import email.policy
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from logwatch_tui.core.record import AlertEvent
from logwatch_tui.notify.base import DeliveryError, os_error_text, resolve_secret
from logwatch_tui.notify.config import EmailSettings
from logwatch_tui.notify.render import digest_headline, headline, hostname, one_line, plain_text

SUBJECT_PREFIX = "[logwatch-tui]"
MAIL_POLICY = email.policy.default.clone(max_line_length=998)
"""RFC 5322's hard limit. With the 78 default, Python folds an 81-character
subject right after ``Subject:``, and some parsers then show a leading space."""


def build_message(events: Sequence[AlertEvent], settings: EmailSettings) -> EmailMessage:
    """The whole mail, ready for ``send_message`` (public so tests can look at it)."""
    msg = EmailMessage(policy=MAIL_POLICY)
    if len(events) == 1:
        subject = f"{SUBJECT_PREFIX} {headline(events[0], 180)}"
    else:
        subject = f"{SUBJECT_PREFIX} {digest_headline(events)}"
    msg["Subject"] = one_line(subject, 200)
    msg["From"] = one_line(settings.sender, 300)
    msg["To"] = one_line(", ".join(settings.to), 2000)
    msg["Date"] = formatdate(localtime=True)
    domain = settings.sender.rpartition("@")[2] or "localhost"
    # make_msgid(domain=None) would call getfqdn(), a DNS lookup per mail.
    msg["Message-ID"] = make_msgid(domain=one_line(domain, 200).replace(" ", ""))
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Mailer"] = "logwatch-tui"
    if len(events) == 1:
        msg["X-Logwatch-Fingerprint"] = events[0].fingerprint()
    msg.set_content(plain_text(events))
    return msg


class EmailChannel:
    """Sends one mail per message (one alert, or a digest)."""

    max_batch = 200

    def __init__(self, settings: EmailSettings) -> None:
        self.settings = settings
        self._secrets: list[str] = []

    def secrets(self) -> list[str]:
        return list(self._secrets)

    def send(self, events: Sequence[AlertEvent], *, timeout: float) -> str:
        s = self.settings
        username = resolve_secret(s.username, "username") if s.username else None
        password = resolve_secret(s.password, "password") if s.password else None
        self._secrets = [v for v in (password,) if v]
        msg = build_message(events, s)
        where = f"{s.host}:{s.port}"
        context = ssl.create_default_context()
        if not s.tls_verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        try:
            if s.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=timeout, local_hostname=hostname(), context=context
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=timeout, local_hostname=hostname())
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(
                f"TLS certificate of {where} not trusted: {exc.verify_message}"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"cannot connect to {where}: {_smtp_error(exc)}") from None
        try:
            with smtp:
                if s.security == "starttls":
                    try:
                        smtp.starttls(context=context)
                    except smtplib.SMTPNotSupportedError:
                        raise DeliveryError(
                            f'{where} does not offer STARTTLS (set security = "none" '
                            "only on a trusted network)",
                            final=True,
                        ) from None
                if username is not None:
                    smtp.login(username, password or "")
                refused = smtp.send_message(msg, from_addr=s.sender, to_addrs=list(s.to))
        except DeliveryError:
            raise
        except smtplib.SMTPAuthenticationError as exc:
            raise DeliveryError(
                f"{where} rejected the login ({exc.smtp_code})", final=True
            ) from None
        except smtplib.SMTPRecipientsRefused as exc:
            codes = sorted({code for code, _ in exc.recipients.values()})
            final = all(c >= 500 for c in codes)
            raise DeliveryError(
                f"{where} refused every recipient ({', '.join(map(str, codes))})", final=final
            ) from None
        except smtplib.SMTPResponseException as exc:
            raise DeliveryError(
                f"{where} answered {exc.smtp_code} {_smtp_text(exc.smtp_error)}",
                final=exc.smtp_code >= 500,
            ) from None
        except ssl.SSLCertVerificationError as exc:
            raise DeliveryError(
                f"TLS certificate of {where} not trusted: {exc.verify_message}"
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"{where}: {_smtp_error(exc)}") from None
        if refused:
            return f"{len(refused)} of {len(s.to)} recipients refused"
        return ""


def _smtp_text(raw: bytes | str) -> str:
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
    return one_line(text, 160)


def _smtp_error(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "server closed the connection"
    if isinstance(exc, OSError):
        return os_error_text(exc)
    return one_line(str(exc), 160) or type(exc).__name__
