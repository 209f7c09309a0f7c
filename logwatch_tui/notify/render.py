"""Turning alert events into text and JSON that is safe to send anywhere.

Everything an alert carries beyond the rule's own id/name/severity can come
from log text (keys, samples, the rendered summary), and log text is hostile:
ANSI escapes, CR/LF, NULs, 10 MB lines. Each channel funnels its text through
the helpers here, which use :func:`logwatch_tui.core.safe_text.inert` — the
same stand-ins (``␛``, ``␇``…) the TUI and the CLI show — so a notification
neither runs a sequence nor hides that one was there.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.safe_text import inert

MAX_SAMPLES = 10
"""Sample lines per alert in a message (the engine may keep more)."""
MAX_SAMPLE_CHARS = 2000
"""A 10 MB log line becomes 2,000 characters in a notification."""

_SPACES_RE = re.compile(r"\s+")


def one_line(text: str, limit: int = 200) -> str:
    """For headers, subjects, titles: line breaks and tabs become spaces, runs of
    space collapse, every other control character is a visible stand-in (``␛``)."""
    text = text.replace("\r\n", " ").replace("\n", " ").replace("\r", " ")
    text = _SPACES_RE.sub(" ", inert(text, tab=" ")).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def body_text(text: str, limit: int = MAX_SAMPLE_CHARS) -> str:
    """For message bodies: keeps line breaks and tabs, every other control is a stand-in."""
    text = inert(text, newlines=True)
    if len(text) > limit:
        text = text[:limit] + f"… [{len(text) - limit} more characters]"
    return text


@cache
def hostname() -> str:
    """Which box sent the alert (cached: gethostname is cheap, but once is enough)."""
    try:
        return socket.gethostname()
    except OSError:  # pragma: no cover - never seen, but a notification must not die on it
        return "unknown-host"


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def alert_json(event: AlertEvent) -> dict[str, Any]:
    """The documented webhook/command shape of one alert (``version`` 1)."""
    return {
        "version": "1",
        "status": event.status,
        "rule": event.rule,
        "name": event.name,
        "severity": event.severity,
        "summary": event.summary,
        "key": event.key_dict,
        "count": event.count,
        "window": event.window,
        "at": iso(event.at),
        "samples": [s[:MAX_SAMPLE_CHARS] for s in event.samples[:MAX_SAMPLES]],
        "source": event.source,
        "host": hostname(),
        "fingerprint": event.fingerprint(),
    }


def payload_json(events: Sequence[AlertEvent]) -> dict[str, Any]:
    """One alert as itself; several as ``{"version": "1", "alerts": [...]}``."""
    if len(events) == 1:
        return alert_json(events[0])
    return {"version": "1", "alerts": [alert_json(e) for e in events]}


def headline(event: AlertEvent, limit: int = 200) -> str:
    """``FIRING critical: Connection refused ip=10.0.0.1`` — one clean line."""
    parts = [f"{event.status.upper()} {event.severity}: {event.name}"]
    if event.key:
        parts.append(event.key_text)
    return one_line(" ".join(parts), limit)


def digest_headline(events: Sequence[AlertEvent]) -> str:
    """``12 alerts (9 firing, 3 resolved)``."""
    firing = sum(1 for e in events if e.status == "firing")
    resolved = len(events) - firing
    parts = []
    if firing:
        parts.append(f"{firing} firing")
    if resolved:
        parts.append(f"{resolved} resolved")
    return f"{len(events)} alerts ({', '.join(parts)})"


def window_text(seconds: float) -> str:
    if seconds <= 0:
        return "-"
    s = int(seconds)
    if s % 3600 == 0:
        return f"{s // 3600}h"
    if s % 60 == 0:
        return f"{s // 60}m"
    return f"{seconds:g}s"


def alert_text(event: AlertEvent) -> str:
    """The plain-text block for one alert (email body, command logs, digests)."""
    lines = [headline(event, 500)]
    if event.summary:
        lines.append(f"Message: {one_line(event.summary, 1000)}")
    lines.append(f"Rule:    {one_line(event.rule)} ({one_line(event.name)})")
    lines.append(f"Count:   {event.count} in {window_text(event.window)}")
    if event.key:
        lines.append(f"Key:     {one_line(event.key_text, 1000)}")
    lines.append(f"Time:    {iso(event.at)}")
    lines.append(f"Host:    {one_line(hostname())}")
    if event.source:
        lines.append(f"Source:  {one_line(event.source, 500)}")
    if event.samples:
        lines.append("Samples:")
        for s in event.samples[:MAX_SAMPLES]:
            for part in body_text(s).split("\n"):
                lines.append(f"  {part}")
        if len(event.samples) > MAX_SAMPLES:
            lines.append(f"  … {len(event.samples) - MAX_SAMPLES} more")
    return "\n".join(lines)


def plain_text(events: Sequence[AlertEvent]) -> str:
    """Body of a message: one alert, or every alert of a digest separated by rules."""
    if len(events) == 1:
        return alert_text(events[0]) + "\n"
    blocks = [digest_headline(events), ""]
    for i, e in enumerate(events, 1):
        blocks.append(f"--- {i}/{len(events)} ---")
        blocks.append(alert_text(e))
        blocks.append("")
    return "\n".join(blocks)
