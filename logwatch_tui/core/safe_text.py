"""Make untrusted text harmless wherever it is shown: terminal, toast, mail, popup.

Log lines may hold ANSI escapes (``\\x1b[2J`` clears the screen), OSC sequences
(``\\x1b]52;c;…`` writes the clipboard, ``\\x1b]8;;URL`` makes a disguised link),
BEL, NULs, C1 controls (``\\x9b`` is an 8-bit CSI), DEL, bidi overrides that
reorder what the reader sees, and Unicode line separators that some clients
break lines at. Every text output path — the TUI's cells, the CLI's text
output, toasts, notification text — runs log text through :func:`inert`, so
the rules live here, once.

Each control character is *replaced by a visible stand-in*, not removed:
ESC becomes ``␛`` (U+241B), BEL ``␇``, NUL ``␀``, DEL ``␡``, C1 and bidi
controls ``\\ufffd``. The reader sees that something was there (a hidden
sequence can't hide text from them), nothing reaches the terminal as a
command, and, unlike ``\\x1b``-style escapes, a stand-in can't be confused
with a log line that literally says ``\\x1b``. Tab is kept (or widened for a
cell grid); line breaks are kept only where the caller shows several lines.

:func:`json_text` is the same promise for JSON written to a terminal or an
environment variable: the data stays exact (``\\u009b`` decodes back to the
original character) but no raw control byte is in the text.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

_BIDI = (0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)
_SEPARATORS = (0x2028, 0x2029)


def _base_table() -> dict[int, str]:
    table: dict[int, str] = {c: chr(0x2400 + c) for c in range(0x20)}  # ␀ … ␟
    table[0x7F] = "\u2421"  # ␡
    for c in range(0x80, 0xA0):  # C1, including 8-bit CSI (0x9b) and NEL (0x85)
        table[c] = "\ufffd"
    for c in _BIDI + _SEPARATORS:
        table[c] = "\ufffd"
    return table


@cache
def _table(tab: str, newlines: bool) -> dict[int, str]:
    table = _base_table()
    table[0x09] = tab
    if newlines:
        del table[0x0A]
    return table


@cache
def _needs(tab: str, newlines: bool) -> re.Pattern[str]:
    """Does a text hold anything :func:`inert` would change? (a regex scan is ~4x
    cheaper than ``translate``, and almost every log line holds nothing)."""
    chars = [chr(c) for c, v in _table(tab, newlines).items() if chr(c) != v]
    return re.compile("[" + "".join(re.escape(c) for c in chars) + "]")


def inert(text: str, *, tab: str = "\t", newlines: bool = False) -> str:
    """``text`` with every control character replaced by a visible, harmless stand-in.

    ``tab`` is what a tab becomes (kept by default; a cell grid passes spaces).
    With ``newlines`` a record's line breaks stay line breaks (``\\r\\n`` and a
    final-position ``\\r`` count as one); a lone CR in the middle of a line
    would move the cursor back over what was printed, so it becomes ``␍``.
    """
    if _needs(tab, newlines).search(text) is None:
        return text
    if newlines and "\r" in text:
        text = text.replace("\r\n", "\n")
    return text.translate(_table(tab, newlines))


def is_inert(text: str) -> bool:
    """True when :func:`inert` would not change ``text`` (tabs and newlines allowed)."""
    return text == text.translate(_table("\t", True))


_JSON_ESCAPES: dict[int, str] = {
    c: f"\\u{c:04x}" for c in (0x7F, *range(0x80, 0xA0), *_BIDI, *_SEPARATORS)
}


def json_text(value: Any, **kwargs: Any) -> str:
    """``json.dumps`` (non-ASCII kept readable) with no raw control character in the text.

    ``json.dumps(ensure_ascii=False)`` escapes C0 but writes DEL, C1 (an 8-bit
    CSI) and bidi controls as they are. They can only occur inside JSON
    strings, where ``\\uXXXX`` is the same character, so the data is unchanged.
    """
    kwargs.setdefault("ensure_ascii", False)
    return json.dumps(value, **kwargs).translate(_JSON_ESCAPES)


_JSON_ESCAPES_UTF8 = re.compile(b"|".join(re.escape(chr(c).encode()) for c in _JSON_ESCAPES))


def json_bytes_inert(blob: bytes) -> bytes:
    """UTF-8 JSON from a fast encoder (orjson) with the same escapes as :func:`json_text`.

    The characters can only occur inside JSON strings, so ``\\uXXXX`` there is the
    same data. One C-level regex pass, skipped when the blob is plain ASCII.
    """
    if blob.isascii() and b"\x7f" not in blob:  # DEL is ASCII
        return blob
    return _JSON_ESCAPES_UTF8.sub(lambda m: _JSON_ESCAPES[ord(m.group().decode())].encode(), blob)


__all__ = ["inert", "is_inert", "json_bytes_inert", "json_text"]
