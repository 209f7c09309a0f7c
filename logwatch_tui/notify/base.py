"""What every channel shares: the outcome record, the error a send raises, secrets.

Channels (email, webhook, command, desktop) know how to *send once*; the
dispatcher owns queueing, retries and digests. The seam between them is tiny on
purpose: ``channel.send(events, timeout=...)`` either returns or raises
:class:`DeliveryError`, whose ``final`` flag says whether retrying can help.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from logwatch_tui.core.record import AlertEvent

DELIVERED = "delivered"
RETRYING = "retrying"
FAILED = "failed"


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What happened to one message (one alert or one digest) on one notifier.

    The UI, ``--headless`` and the alert history all show these, so ``reason``
    is written for a person and never carries a secret.
    """

    notifier: str
    status: str
    """``delivered``, ``retrying`` or ``failed``."""
    events: tuple[AlertEvent, ...]
    attempt: int
    reason: str
    at: float
    """Epoch seconds."""

    def describe(self) -> str:
        """One line for humans: ``ops-hook: delivered 1 alert (attempt 3)``."""
        n = len(self.events)
        noun = "alert" if n == 1 else "alerts"
        text = f"{self.notifier}: {self.status} {n} {noun}"
        if self.attempt:
            text += f" (attempt {self.attempt})"
        if self.reason:
            text += f": {self.reason}"
        return text


class DeliveryError(Exception):
    """One attempt failed.

    ``final`` means retrying cannot help (HTTP 400, a missing env var, a
    command that does not exist); ``retry_after`` is a server's hint (HTTP 429).
    """

    def __init__(self, reason: str, *, final: bool = False, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.final = final
        self.retry_after = retry_after


class Channel(Protocol):
    """A way out of the terminal. ``send`` is called from one worker thread only."""

    max_batch: int
    """Most alerts one message (digest) may carry."""

    def send(self, events: Sequence[AlertEvent], *, timeout: float) -> str:
        """Deliver ``events`` as one message, or raise :class:`DeliveryError`.

        Returns a short note for the outcome (may be empty).
        """
        ...

    def secrets(self) -> list[str]:
        """Values that must never appear in an outcome reason (resolved passwords…)."""
        ...


ENV_PREFIX = "env:"


def resolve_secret(value: str, what: str) -> str:
    """Turn ``env:NAME`` into the variable's value, at send time.

    Resolving late means a variable exported after start-up (or rotated) is
    picked up; a missing one fails the delivery with a reason that names the
    variable, never a value.
    """
    if not value.startswith(ENV_PREFIX):
        return value
    name = value[len(ENV_PREFIX) :].strip()
    resolved = os.environ.get(name)
    if resolved is None:
        raise DeliveryError(f"{what}: environment variable {name} is not set", final=True)
    return resolved


def scrub(text: str, secrets: Sequence[str]) -> str:
    """Replace every secret value in ``text`` with ``***`` (a last line of defence)."""
    for s in secrets:
        if s and len(s) >= 3 and s in text:
            text = text.replace(s, "***")
    return text


def os_error_text(exc: BaseException) -> str:
    """``Connection refused`` rather than ``[Errno 111] Connection refused``."""
    if isinstance(exc, TimeoutError) or type(exc).__name__ == "timeout":
        return "timed out"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__
