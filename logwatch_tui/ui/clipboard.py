"""Copy text to the user's clipboard over the terminal (OSC 52).

Over SSH there is no X display or pasteboard to talk to; the terminal itself
is the only way to reach the clipboard of the machine the person sits at.
OSC 52 carries the text base64-encoded, so control characters in a log line
cannot leak into the escape sequence. Textual's ``App.copy_to_clipboard``
sends exactly this; :func:`copy_text` prefers it and only builds the sequence
itself for an app without it.

Terminals cap the sequence (xterm and tmux at around 100 kB–1 MB), so larger
texts are refused with a message instead of being silently dropped.
"""

from __future__ import annotations

import base64

from textual.app import App

MAX_COPY_BYTES = 512 * 1024
"""Largest text (UTF-8 bytes) sent: base64 makes it 4/3 larger on the wire."""


class ClipboardError(ValueError):
    """The text cannot be copied (too large); the message says so."""


def osc52(text: str, *, target: str = "c") -> str:
    """The OSC 52 escape sequence that sets clipboard ``target`` to ``text``."""
    payload = base64.b64encode(text.encode("utf-8", "replace")).decode("ascii")
    return f"\x1b]52;{target};{payload}\x07"


def copy_text(app: App[object], text: str) -> int:
    """Put ``text`` on the clipboard; returns the number of bytes copied.

    Raises :class:`ClipboardError` when the text is too big for terminals to accept.
    """
    size = len(text.encode("utf-8", "replace"))
    if size > MAX_COPY_BYTES:
        raise ClipboardError(
            f"too large to copy through the terminal ({size:,} bytes; limit {MAX_COPY_BYTES:,}) "
            "— export the lines to a file instead"
        )
    copy = getattr(app, "copy_to_clipboard", None)
    if callable(copy):
        copy(text)
    else:  # pragma: no cover - every supported Textual has copy_to_clipboard
        driver = getattr(app, "_driver", None)
        if driver is not None:
            driver.write(osc52(text))
    return size


__all__ = ["MAX_COPY_BYTES", "ClipboardError", "copy_text", "osc52"]
