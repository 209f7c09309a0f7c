"""Propose a rule from one log message: "alert me when *this kind* of line shows up".

A person selects a line and opens the rule editor; the editor starts with a
``match`` regex that finds this message and its siblings (same text, other
numbers, ids, addresses, paths, quoted strings...), a short name, and, when
the message holds an IP address, a named group ``(?P<ip>...)`` with
``group_by = ["ip"]`` — the usual "per client" rule.

How: :func:`~logwatch_tui.core.patterns.mask_variables` (the same generic
masking the pattern miner uses) says which parts of the message are values.
The masked text is split on ``<*>``; the constant pieces are found back in the
original message, in order, which tells what each ``<*>`` stood for. Constant
text is escaped (only the characters that mean something in a regex, so the
result stays readable), runs of whitespace become ``\\s+``, and each value
becomes ``\\S+`` (or ``.*?`` when the value held spaces or was empty).
Leading and trailing values are dropped: the regex is *searched*, so they
only narrowed it for nothing ("anchored loosely").

The result is checked against the message it came from; if the alignment
ever fails (ANSI escapes, odd masking), the fallback is the escaped message
itself, which always matches. So the guarantee is: the suggestion compiles
and finds the original message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from logwatch_tui.core.patterns import WILDCARD, mask_variables

MAX_CHARS = 300
"""Only this much of a message is turned into a regex (a 10 MB line gives a short rule)."""
NAME_WORDS = 5
NAME_CHARS = 40

_SPECIAL = frozenset(".^$*+?{}[]\\|()")
_IPV4 = r"\d{1,3}(?:\.\d{1,3}){3}"
_IPV4_RE = re.compile(rf"{_IPV4}(?::\d{{1,5}})?")
_IPV6_RE = re.compile(r"(?=[0-9A-Fa-f:]*::|(?:[0-9A-Fa-f]{1,4}:){7})[0-9A-Fa-f:]+(?:%\w+)?")
_WORD_RE = re.compile(r"[A-Za-z][\w'-]*")


@dataclass(frozen=True, slots=True)
class RuleSuggestion:
    """What the editor pre-fills: a name, a ``match`` regex and ``group_by`` names."""

    name: str
    match: str
    group_by: tuple[str, ...] = ()


def regex_escape(text: str) -> str:
    """Escape ``text`` for a regex, touching only what needs it.

    ``re.escape`` also escapes ``-``, ``/``, spaces and more, which is correct
    but hard to read in an editor. Control characters become ``\\xNN`` so the
    pattern is printable and survives TOML.
    """
    out = []
    for ch in text:
        if ch in _SPECIAL:
            out.append("\\" + ch)
        elif ch.isspace() and ch != " ":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        elif not ch.isprintable():
            code = ord(ch)
            if code < 0x100:
                out.append(f"\\x{code:02x}")
            elif code < 0x10000:
                out.append(f"\\u{code:04x}")
            else:
                out.append(f"\\U{code:08x}")
        else:
            out.append(ch)
    return "".join(out)


def _literal(text: str) -> str:
    """Constant text: escaped, with every whitespace run (but a single space) as ``\\s+``."""
    parts = re.split(r"(\s+)", text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:
            out.append(" " if part == " " else r"\s+")
        elif part:
            out.append(regex_escape(part))
    return "".join(out)


def _ip_pattern(value: str) -> str | None:
    """A named-group regex for an address value (IPv4, IPv4:port, IPv6), else None."""
    if _IPV4_RE.fullmatch(value):
        port = r":\d+" if ":" in value else ""
        return rf"(?P<ip>{_IPV4}){port}"
    if _IPV6_RE.fullmatch(value) and any(c.isdigit() for c in value):
        zone = r"%\w+" if "%" in value else ""
        return rf"(?P<ip>[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*){zone}"
    return None


def _align(message: str, pieces: list[str]) -> list[str] | None:
    """What each ``<*>`` between ``pieces`` covered in ``message`` (None if it can't be found)."""
    if not message.startswith(pieces[0]):
        return None
    pos = len(pieces[0])
    values: list[str] = []
    last = len(pieces) - 1
    for n, piece in enumerate(pieces[1:], start=1):
        if n == last:
            if piece == "":
                values.append(message[pos:])
                return values
            if not message.endswith(piece) or len(message) - len(piece) < pos:
                return None
            values.append(message[pos : len(message) - len(piece)])
            return values
        k = message.find(piece, pos) if piece else pos
        if k == -1:
            return None
        values.append(message[pos:k])
        pos = k + len(piece)
    return values


def _words(text: str) -> list[str]:
    """Leading words of ``text``, skipping values: what a person would call this message."""
    words: list[str] = []
    for token in text.split():
        if WILDCARD in token:
            continue
        m = _WORD_RE.search(token)
        if m is None:
            continue
        words.append(m.group(0))
        if len(words) >= NAME_WORDS:
            break
    return words


def _name_from(masked: str, original: str) -> str:
    words = _words(masked) or _words(mask_variables(original.replace('"', " ")))
    name = " ".join(words)[:NAME_CHARS].strip()
    if not name:
        return "New rule"
    return name[0].upper() + name[1:]


def _cut(message: str) -> str:
    if len(message) <= MAX_CHARS:
        return message
    head = message[:MAX_CHARS]
    space = head.rfind(" ")
    return head[:space] if space > MAX_CHARS // 2 else head


def suggest_rule(message: str) -> RuleSuggestion:
    """A rule that finds ``message`` and the messages that differ from it only in values.

    The returned ``match`` always compiles and ``re.search`` finds it in ``message``
    (for an empty message it is empty: "any message").
    """
    text = _cut(message.strip())
    if not text:
        return RuleSuggestion("New rule", "")
    masked = mask_variables(text)
    pieces = masked.split(WILDCARD)
    values = _align(text, pieces) if len(pieces) > 1 else []
    group_by: tuple[str, ...] = ()
    pattern = ""
    if values is not None:
        parts: list[str] = [_literal(pieces[0])]
        have_ip = False
        for value, piece in zip(values, pieces[1:]):
            ip = None if have_ip else _ip_pattern(value)
            if ip is not None:
                have_ip = True
                parts.append(ip)
            elif value and not any(c.isspace() for c in value):
                parts.append(r"\S+")
            else:
                parts.append(".*?")
            parts.append(_literal(piece))
        # Leading/trailing generic values add nothing to a search: drop them (but not the ip group).
        while len(parts) > 1 and parts[-1] == "" and parts[-2] in (r"\S+", ".*?"):
            del parts[-2:]
        while len(parts) > 1 and parts[0] == "" and parts[1] in (r"\S+", ".*?"):
            del parts[:2]
        # Spaces are never escaped here, so stripping them cannot leave a dangling backslash.
        pattern = "".join(parts).strip(" ")
        group_by = ("ip",) if have_ip else ()
    if not pattern or not _finds(pattern, text):
        pattern = regex_escape(text)
        group_by = ()
    return RuleSuggestion(_name_from(masked, text), pattern, group_by)


def _finds(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


__all__ = ["RuleSuggestion", "regex_escape", "suggest_rule"]
