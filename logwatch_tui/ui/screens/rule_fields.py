"""The rule editor's fields as data: order, labels, hints, initial texts, text <-> TOML values.

Every key of the TOML rule format is one field of the form. What the fields
are, in which order they come, what they say and what they start with is
plain data about the rule format; it has no widgets in it, so it sits apart
from :mod:`~logwatch_tui.ui.screens.rule_editor`, which turns it into
widgets and reads them back. A condition's own keys
(``CONDITIONS[...].options``) become fields named ``opt:<key>``; their text
is read as a TOML value (:func:`option_value`), so a new condition needs no
change here.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

import tomli_w

from logwatch_tui.core.durations import HINT, format_duration
from logwatch_tui.core.levels import Level
from logwatch_tui.core.rules import CONDITIONS, Rule
from logwatch_tui.core.suggest import suggest_rule

LEVEL_OPTIONS: list[tuple[str, str]] = [("any level", "")] + [
    (lv.name.lower(), lv.name.lower()) for lv in sorted(Level) if lv is not Level.UNKNOWN
]


FORM_ORDER: tuple[str, ...] = (
    "name",
    "match",
    "ignore",
    "level",
    "sources",
    "condition",
    "threshold",
    "window",
    "options",  # the condition's own keys (CONDITIONS[...].options) go here
    "group_by",
    "cooldown",
    "severity",
    "notify",
    "message",
    "enabled",
    "id",
)
"""Tab order of the form: what a rule finds, when it fires, then how it tells."""
LABELS: dict[str, str] = {
    "name": "Name",
    "match": "Match regex",
    "ignore": "Ignore regex",
    "level": "Min level",
    "sources": "Sources",
    "condition": "Condition",
    "threshold": "Threshold",
    "window": "Window",
    "group_by": "Group by",
    "cooldown": "Cooldown",
    "severity": "Severity",
    "notify": "Notify",
    "message": "Message",
    "enabled": "Enabled",
    "id": "Id",
}
PLACEHOLDERS: dict[str, str] = {
    "match": "regex searched in the message (empty: every line)",
    "ignore": "skip messages this regex finds",
    "sources": "globs, e.g. *.log (empty: all)",
    "threshold": "matches in the window",
    "window": HINT,
    "group_by": "named groups or fields, e.g. ip",
    "cooldown": "quiet time after firing (0s: none)",
    "notify": "toast, email, … (empty: none)",
    "message": "{name}: {count} in {window}",
    "id": "automatic, from the name",
}
SELECTS = frozenset({"level", "condition", "severity"})
NEW_RULE: dict[str, Any] = {
    "name": "",
    "id": "",
    "enabled": True,
    "severity": "warning",
    "match": "",
    "ignore": "",
    "level": "",
    "sources": "",
    "group_by": "",
    "condition": "threshold",
    "threshold": "1",
    "window": "60s",
    "cooldown": "5m",
    "notify": "toast",
    "message": "",
}
FIELD_KEYS = frozenset(LABELS)
"""Keys of the fixed fields (an error about any other key belongs to the rule or an option)."""


def field_values(
    rule: Rule | None, *, keep_id: bool, prefill_message: str | None = None
) -> dict[str, Any]:
    """Initial field texts, from the rule, the suggestion from a log line, or the defaults.

    ``keep_id`` shows the rule's id (editing it in place); otherwise the id
    field starts empty and is made from the name (a duplicate is a new rule).
    """
    r = rule
    if r is None:
        v: dict[str, Any] = dict(NEW_RULE)
        if prefill_message is not None:
            s = suggest_rule(prefill_message)
            v.update(name=s.name, match=s.match, group_by=", ".join(s.group_by))
        return v
    spec = CONDITIONS[r.condition]
    return {
        "name": r.name,
        "id": r.id if keep_id else "",
        "enabled": r.enabled,
        "severity": r.severity,
        "match": r.match or "",
        "ignore": r.ignore or "",
        "level": r.level.name.lower() if r.level is not None else "",
        "sources": ", ".join(r.sources),
        "group_by": ", ".join(r.group_by),
        "condition": r.condition,
        "threshold": str(r.threshold),
        "window": format_duration(r.window),
        "cooldown": format_duration(r.cooldown),
        "notify": ", ".join(r.notify),
        "message": r.message or "",
        **{f"opt:{k}": option_text(val, duration=k in spec.durations) for k, val in r.options},
    }


def split_list(text: str) -> list[str]:
    """``"a, b  c"`` -> ``["a", "b", "c"]`` (commas or spaces separate list fields)."""
    return [p for p in re.split(r"[,\s]+", text.strip()) if p]


def option_text(value: Any, *, duration: bool = False) -> str:
    """How a condition option's value is shown in its field (TOML value syntax, strings bare)."""
    if duration and isinstance(value, int | float) and not isinstance(value, bool):
        return format_duration(value)
    if isinstance(value, str):
        return value
    if isinstance(value, tuple):
        value = list(value)
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def option_value(text: str) -> Any:
    """A field's text as the TOML value a file would hold; plain text when it is not one."""
    try:
        return tomllib.loads(f"v = {text}")["v"]
    except tomllib.TOMLDecodeError:
        return text.strip()


def css_id(key: str) -> str:
    """A field key as a CSS id part (``opt:factor`` -> ``opt--factor``)."""
    return key.replace(":", "--").replace("_", "-")


def key_of(css: str) -> str:
    """Inverse of :func:`css_id` for the keys in use."""
    if css.startswith("opt--"):
        return "opt:" + css[5:].replace("-", "_")
    return css.replace("-", "_")


__all__ = [
    "FIELD_KEYS",
    "FORM_ORDER",
    "LABELS",
    "LEVEL_OPTIONS",
    "NEW_RULE",
    "PLACEHOLDERS",
    "SELECTS",
    "css_id",
    "field_values",
    "key_of",
    "option_text",
    "option_value",
    "split_list",
]
