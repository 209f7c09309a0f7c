"""Editing a rules file the way a person would: only the keys that changed.

A rules file is hand-written: comments explain rules, keys that hold a default
are spelled out on purpose, regexes are in 'literal' quotes. Saving from the
rules screen must keep all of that, so a save is an *edit* of the text, not a
rewrite:

* the file is cut into pieces — a head (the file's own comments), then per
  ``[[rules]]`` table the comment block just above it, its header and keys,
  and what trails its last key;
* a table whose rule did not change is copied byte for byte; a changed one is
  edited with tomlkit, key by key (a changed value keeps its quoting style, a
  key that now holds the default stays written, an added key goes last in its
  own table, not under the next rule's comment);
* a deleted rule takes its comment block with it; a new rule is appended as
  a minimal table.

Each edited table is parsed back and must give exactly the rule asked for
(else that one table is written afresh, its comments kept); a layout this
module can't cut losslessly raises :class:`RulesEditError`, and
:func:`~logwatch_tui.core.rules_file.save_rules` checks the whole new text
the same way before anything is written.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import tomlkit
from tomlkit.items import AoT, Comment, String, StringType, Table, Whitespace

from logwatch_tui.core.durations import format_duration
from logwatch_tui.core.rule_conditions import CONDITIONS
from logwatch_tui.core.rule_model import Rule

_HEADER_RE = re.compile(
    r"""^[ \t]*\[\[[ \t]*(?:rules|"rules"|'rules')[ \t]*\]\][ \t]*(?:#[^\r\n]*)?\r?\n?$"""
)


class RulesEditError(Exception):
    """The text could not be edited in place (an unusual layout); the caller decides."""


@dataclass
class _Piece:
    """One ``[[rules]]`` table of the file as text."""

    lead: str
    """Blank line and comment block right above the header (goes with the rule)."""
    body: str
    """Header line and keys, up to the newline after the last key."""
    trail: str
    """Comments after the last key that are not the next rule's lead."""


def _split_trail(text: str) -> tuple[str, str]:
    """``(keep, lead)``: the last paragraph of comments belongs to what follows it."""
    lines = text.splitlines(keepends=True)
    cut = len(lines)
    while cut > 0 and lines[cut - 1].strip().startswith("#"):
        cut -= 1
    while cut > 0 and not lines[cut - 1].strip():
        cut -= 1
    if cut == 0 or all(not ln.strip() for ln in lines[:cut]):
        return "", text
    return "".join(lines[:cut]), "".join(lines[cut:])


def _table_trailer(table: Table) -> str:
    """The whitespace/comment items after a table's last key, as text."""
    items = table.value.body
    i = len(items)
    while i > 0 and items[i - 1][0] is None and isinstance(items[i - 1][1], Whitespace | Comment):
        i -= 1
    return "".join(item.as_string() for _, item in items[i:])


def split_pieces(text: str) -> tuple[str, list[_Piece]]:
    """``(head, pieces)`` with ``head + "".join(lead + body + trail) == text``."""
    doc = tomlkit.parse(text)
    if list(doc.keys()) not in ([], ["rules"]):
        raise RulesEditError("unexpected top-level keys")
    if "rules" not in doc:
        return text, []
    aot = doc["rules"]
    if not isinstance(aot, AoT):
        raise RulesEditError("rules is not written as [[rules]] tables")
    bodies: list[tuple[str, str]] = []  # (header + keys, trailer)
    pos = len(text)
    for table in reversed(aot.body):
        whole = table.as_string()
        if not text.startswith(whole, pos - len(whole)):
            raise RulesEditError("a table's text is not where it was expected")
        start = pos - len(whole)
        header_start = text.rfind("\n", 0, max(start - 1, 0)) + 1 if start > 0 else 0
        header = text[header_start:start]
        if not _HEADER_RE.match(header):
            raise RulesEditError("a [[rules]] table with an unusual header")
        trailer = _table_trailer(table)
        if trailer and not whole.endswith(trailer):
            raise RulesEditError("a table's trailing comments are not where expected")
        own = whole[: len(whole) - len(trailer)]
        bodies.append((header + own, trailer))
        pos = header_start
    bodies.reverse()
    head_keep, lead = _split_trail(text[:pos])
    pieces: list[_Piece] = []
    for body, trailer in bodies:
        keep, next_lead = _split_trail(trailer)
        pieces.append(_Piece(lead=lead, body=body, trail=keep))
        lead = next_lead
    if pieces:
        pieces[-1].trail += lead  # after the last table: nothing to lead, keep it there
    if head_keep + "".join(p.lead + p.body + p.trail for p in pieces) != text:
        raise RulesEditError("the file could not be cut into tables losslessly")
    return head_keep, pieces


# -- values --------------------------------------------------------------------------------


def _typed(rule: Rule, key: str) -> Any:
    if key == "options":
        return None
    if key in RULE_KEYS:
        return getattr(rule, key)
    # Options are part of a rule only when set (an explicit default is kept as written).
    return dict(rule.options).get(key)


def toml_value(rule: Rule, key: str) -> Any:
    """The TOML spelling of one key of ``rule`` (None: the key should not be written)."""
    value = _typed(rule, key)
    if value is None:
        return None
    spec = CONDITIONS[rule.condition]
    if key in ("window", "cooldown") or key in spec.durations:
        return format_duration(value)
    if key == "level":
        return value.name.lower()
    if isinstance(value, tuple):
        return list(value)
    return value


def _string_item(value: str, like: Any = None) -> Any:
    """A string item in the style of ``like`` (the old value) when it can hold ``value``."""
    literal_ok = "'" not in value and not any(
        ord(c) < 0x20 and c != "\t" or ord(c) == 0x7F for c in value
    )
    if isinstance(like, String):
        if like.type in (StringType.SLL, StringType.MLL) and literal_ok:
            return tomlkit.string(value, literal=True)
        return tomlkit.string(value)
    if "\\" in value and literal_ok:
        return tomlkit.string(value, literal=True)  # regexes read better unescaped
    return tomlkit.string(value)


def _item(value: Any, like: Any = None) -> Any:
    if isinstance(value, str):
        return _string_item(value, like)
    if isinstance(value, list):
        arr = tomlkit.array()
        for v in value:
            arr.append(_string_item(v) if isinstance(v, str) else v)
        return arr
    return tomlkit.item(value)


RULE_KEYS: tuple[str, ...] = tuple(
    f.name for f in fields(Rule) if not f.name.startswith("_") and f.name != "options"
)


def _keys_for(rule: Rule) -> list[str]:
    return [*RULE_KEYS, *CONDITIONS[rule.condition].options]


def _set(table: Table, key: str, value: Any) -> None:
    old = table.item(key) if key in table else None
    item = _item(value, old)
    if old is not None:
        # keep the comment at the end of the line and the spacing before it
        item.trivia.comment = old.trivia.comment
        item.trivia.comment_ws = old.trivia.comment_ws
        item.trivia.indent = old.trivia.indent
    table[key] = item


# -- one table -----------------------------------------------------------------------------


def edit_table_text(
    body: str, old: Rule, new: Rule, parse: Callable[[dict[str, Any]], Rule]
) -> str:
    """The text of one ``[[rules]]`` table (header and keys) changed from ``old`` to ``new``."""
    doc = tomlkit.parse(body)
    table = doc["rules"][0]
    keys = _keys_for(new)
    for key in list(table.keys()):
        if key not in keys:
            del table[key]  # an option of the condition the rule had before
    for key in keys:
        if _typed(old, key) == _typed(new, key):
            continue  # unchanged: the text stays as the person wrote it
        value = toml_value(new, key)
        if value is None:
            if key in table:
                del table[key]
        elif key in table or _differs_from_absent(new, key, table, parse):
            _set(table, key, value)
    # What a missing key means can depend on others (a spike's threshold, an id
    # derived from the name): write whatever still reads back differently.
    for _ in range(2):
        got = parse(tomllib.loads(tomlkit.dumps(doc))["rules"][0])
        wrong = [k for k in keys if _typed(got, k) != _typed(new, k)]
        if not wrong:
            return tomlkit.dumps(doc)
        for key in wrong:
            value = toml_value(new, key)
            if value is None:
                if key in table:
                    del table[key]
            else:
                _set(table, key, value)
    raise RulesEditError(f"rule {new.id}: the edited table does not read back as the rule")


def _differs_from_absent(
    rule: Rule, key: str, table: Table, parse: Callable[[dict[str, Any]], Rule]
) -> bool:
    """Would leaving ``key`` out give a different value than ``rule`` has?"""
    data = dict(table.unwrap())
    data.pop(key, None)
    try:
        return _typed(parse(data), key) != _typed(rule, key)
    except Exception:  # not a valid rule without it: write the key
        return True


def new_table_text(rule: Rule, minimal: dict[str, Any]) -> str:
    """A fresh ``[[rules]]`` table for ``rule`` (the minimal keys, regexes in 'literal' quotes)."""
    table = tomlkit.table()
    for key, value in minimal.items():
        table[key] = _item(value)
    doc = tomlkit.document()
    aot = tomlkit.aot()
    aot.append(table)
    doc["rules"] = aot
    return tomlkit.dumps(doc)


# -- whole file ----------------------------------------------------------------------------


def edit_rules_text(
    text: str,
    on_disk: Sequence[Rule],
    target: Sequence[Rule],
    *,
    minimal: Callable[[Rule], dict[str, Any]],
    parse: Callable[[dict[str, Any]], Rule],
) -> str:
    """``text`` (whose rules are ``on_disk``, in order) edited to hold ``target``."""
    head, pieces = split_pieces(text)
    if len(pieces) != len(on_disk):
        raise RulesEditError("tables and rules do not line up")
    by_id = {r.id: (r, p) for r, p in zip(on_disk, pieces)}
    out = head
    for rule in target:
        found = by_id.get(rule.id)
        if out and not out.endswith("\n"):
            out += "\n"  # the file ended without a newline after what is now not last
        if found is None:
            if out.strip() and not out.endswith("\n\n"):
                out += "\n"
            out += new_table_text(rule, minimal(rule))
            continue
        old, piece = found
        body = piece.body
        if old != rule:
            try:
                body = edit_table_text(piece.body, old, rule, parse)
            except (RulesEditError, ValueError):
                # keys that depend on each other in a way the key-by-key edit
                # can't express: this one table is written afresh, its comments stay
                body = new_table_text(rule, minimal(rule))
        lead = piece.lead if out else piece.lead.lstrip("\r\n")  # now first in the file
        out += lead + body + piece.trail
    return out


__all__ = ["RulesEditError", "edit_rules_text", "split_pieces", "toml_value"]
