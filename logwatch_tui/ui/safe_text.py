"""Make untrusted text inert for the terminal.

Log lines may hold ANSI escapes (``\\x1b[2J``), OSC sequences (``\\x1b]52;…``
would write the clipboard), BEL, NULs and C1 controls. Textual writes segment
text to the terminal as it is, so every control character is replaced by a
visible stand-in *before* it reaches a Segment/Text. Markup is never parsed:
callers build ``Text``/``Segment`` objects, never markup strings.
"""

from __future__ import annotations

_TABLE: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20)}  # ␀ … ␟
_TABLE[0x09] = "    "  # tab: four spaces (fixed cells; tabs have no width in a cell grid)
_TABLE[0x7F] = "\u2421"  # ␡
for _c in range(0x80, 0xA0):
    _TABLE[_c] = "\ufffd"
# Bidi overrides and isolates could reorder what the user sees.
for _c in (0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069):
    _TABLE[_c] = "\ufffd"


def inert(text: str) -> str:
    """The text with every control character made visible and harmless."""
    return text.translate(_TABLE)
