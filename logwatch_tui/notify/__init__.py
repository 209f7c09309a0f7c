"""Notifications that leave the terminal: desktop, email, webhook, command.

I/O at the edge (threads, smtplib, urllib, subprocess) and nothing from
Textual or Rich, so ``--headless`` and the TUI share it unchanged. Start with
:class:`Dispatcher` (queues, retries, digests) and :func:`notify_test`.
"""

from __future__ import annotations

from logwatch_tui.notify.base import DeliveryError, DeliveryOutcome
from logwatch_tui.notify.config import NotifierConfigError, NotifierSpec, parse_notifiers
from logwatch_tui.notify.dispatcher import Dispatcher, notify_test, sample_event

__all__ = [
    "DeliveryError",
    "DeliveryOutcome",
    "Dispatcher",
    "NotifierConfigError",
    "NotifierSpec",
    "notify_test",
    "parse_notifiers",
    "sample_event",
]
