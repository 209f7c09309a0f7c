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
import re
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
if hasattr(MAIL_POLICY, "verify_generated_headers"):  # 3.13, and security backports
    MAIL_POLICY = MAIL_POLICY.clone(verify_generated_headers=True)
MIME_HEADERS = frozenset({"content-type", "content-transfer-encoding", "mime-version"})
"""Added by ``set_content``; every other header is one ``build_message`` sets itself."""


def header_text(text: str, limit: int) -> str:
    """Text for a header value: one line, and no RFC 2047 encoded word.

    ``one_line`` leaves no CR/LF, but that is not enough: the stdlib *decodes*
    encoded words when a header value is set, so ``=?utf-8?q?x=0D=0ABcc:_…?=``
    in a log line came back out of the folder as a real ``Bcc:`` header on
    CPython 3.11.7 and 3.12.1. An encoded word must start with ``=?``; a space
    between the two keeps the text readable and makes it plain text.
    """
    text = one_line(text, limit)
    while "=?" in text:
        text = text.replace("=?", "= ?")
    return text


def _ascii_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)[:80] or "rule"


def _assemble(
    subject: str, events: Sequence[AlertEvent], settings: EmailSettings
) -> tuple[EmailMessage, set[str]]:
    """The message and the set of header names it must have (lower case)."""
    msg = EmailMessage(policy=MAIL_POLICY)
    msg["Subject"] = subject
    msg["From"] = header_text(settings.sender, 300)
    msg["To"] = header_text(", ".join(settings.to), 2000)
    msg["Date"] = formatdate(localtime=True)
    domain = settings.sender.rpartition("@")[2] or "localhost"
    # make_msgid(domain=None) would call getfqdn(), a DNS lookup per mail.
    msg["Message-ID"] = make_msgid(domain=_ascii_id(domain))
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Mailer"] = "logwatch-tui"
    if len(events) == 1:
        msg["X-Logwatch-Fingerprint"] = events[0].fingerprint()
    expected = {k.lower() for k in msg} | MIME_HEADERS
    msg.set_content(plain_text(events))
    return msg, expected


def headers_intact(msg: EmailMessage, expected: set[str]) -> bool:
    """Does the mail as it goes on the wire have exactly the headers we set, once each?

    The check after the fact, for any Python the project runs on: whatever the
    stdlib's folder does with a value, a header we did not set is caught here.
    """
    try:
        raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    except (ValueError, TypeError, UnicodeError):  # HeaderWriteError is a ValueError
        return False
    head = raw.split(b"\r\n\r\n", 1)[0]
    names: list[str] = []
    for line in head.split(b"\r\n"):
        if b"\r" in line or b"\n" in line:
            return False  # a bare CR or LF: some readers start a header there
        if line[:1] in (b" ", b"\t"):
            continue  # folded continuation of the header above
        name, colon, _ = line.partition(b":")
        if not colon:
            return False
        names.append(name.strip().lower().decode("ascii", "replace"))
    return len(names) == len(set(names)) and set(names) == expected


def build_message(events: Sequence[AlertEvent], settings: EmailSettings) -> EmailMessage:
    """The whole mail, ready for ``send_message`` (public so tests can look at it).

    Log text (keys, the rule's rendered text) only reaches the Subject through
    :func:`header_text`; if the result still does not have exactly our headers
    (a stdlib folding bug we did not foresee), the subject falls back to the
    status, severity and the rule id in plain ASCII, and the rest stays in the body.
    """
    if len(events) == 1:
        subject = f"{SUBJECT_PREFIX} {headline(events[0], 180)}"
    else:
        subject = f"{SUBJECT_PREFIX} {digest_headline(events)}"
    msg, expected = _assemble(header_text(subject, 200), events, settings)
    if headers_intact(msg, expected):
        return msg
    if len(events) == 1:
        e = events[0]
        fallback = f"{SUBJECT_PREFIX} {e.status.upper()} {e.severity}: rule {_ascii_id(e.rule)}"
    else:
        fallback = f"{SUBJECT_PREFIX} {digest_headline(events)}"
    msg, expected = _assemble(_ascii_id_text(fallback), events, settings)
    if not headers_intact(msg, expected):
        raise DeliveryError(
            "refused to send: the mail's headers did not come out as built", final=True
        )
    return msg


def _ascii_id_text(text: str) -> str:
    return re.sub(r"[^ -~]", "_", text).replace("=?", "= ?")


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
