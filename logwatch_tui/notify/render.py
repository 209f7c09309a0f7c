"""Turning alert events into text and JSON that is safe to send anywhere.

Everything an alert carries beyond the rule's own id/name/severity can come
from log text (keys, samples, the rendered summary), and log text is hostile:
ANSI escapes, CR/LF, NULs, 10 MB lines. Each channel funnels its output
through the helpers here, so the stripping rules live in one place.
"""

from __future__ import annotations

import re
import socket
from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from logwatch_tui.core.record import AlertEvent

MAX_SAMPLES = 10
"""Sample lines per alert in a message (the engine may keep more)."""
MAX_SAMPLE_CHARS = 2000
"""A 10 MB log line becomes 2,000 characters in a notification."""

# Escape sequences as a whole (CSI, OSC, other ESC-x), so "\x1b[31m" vanishes
# instead of leaving "[31m" behind once ESC itself is dropped.
_ANSI_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"  # OSC … BEL/ST
    r"|\x1b[P^_X][^\x1b]*(?:\x1b\\)?"  # DCS/PM/APC/SOS … ST
    r"|\x1b[@-Z\\-_]"  # other two-byte escapes
    r"|\x9b[0-?]*[ -/]*[@-~]"  # 8-bit CSI
)
# C0, DEL, C1, and the Unicode line/paragraph separators some clients honour.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_KEEP_NL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_SPACES_RE = re.compile(r"\s+")


def strip_controls(text: str) -> str:
    """One line of plain text: escape sequences and every control character removed."""
    return _CONTROL_RE.sub("", _ANSI_RE.sub("", text))


def one_line(text: str, limit: int = 200) -> str:
    """For headers, subjects, titles: controls become spaces, runs of space collapse."""
    text = _CONTROL_RE.sub(" ", _ANSI_RE.sub("", text))
    text = _SPACES_RE.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def body_text(text: str, limit: int = MAX_SAMPLE_CHARS) -> str:
    """For message bodies: keeps newlines and tabs, drops everything else invisible."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_KEEP_NL_RE.sub("", _ANSI_RE.sub("", text))
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
