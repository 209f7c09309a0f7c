"""Alert rules: what they mean, how they are written in TOML, how they are checked.

A rules file is a list of ``[[rules]]`` tables::

    [[rules]]
    id = "failed-login"              # stable id; default: slug of the name
    name = "Failed login"            # required
    enabled = true                   # default true
    severity = "warning"             # info | warning | error | critical
    match = 'Failed password for (?P<user>\\S+) from (?P<ip>\\S+)'
    ignore = 'from 10\\.'             # regex; a message it finds is skipped
    level = "warning"                # minimum level, any spelling parse_level knows
    sources = ["*/auth.log"]         # fnmatch globs, against the path and its basename
    group_by = ["ip"]                # named groups of match, or parsed fields
    condition = "threshold"          # threshold | absence | new_pattern | spike
    threshold = 3                    # int >= 1 (threshold condition)
    window = "5m"                    # duration: 90s, 5m, 1h, 1h30m, 500ms, 2d
    cooldown = "5m"                  # duration, may be 0
    notify = ["toast", "email"]
    message = "{count} failed logins from {ip} in {window}"

Regexes (``match`` and ``ignore``) are Python ``re`` syntax, *searched* in
the record's message (not the raw line) and **case-sensitive** unless the
pattern says ``(?i)``.

Records match a rule when it is enabled, the record's level is at least
``level`` (UNKNOWN never passes a minimum level), its source matches one of
``sources``, ``match`` is found in the message and ``ignore`` is not.

``group_by`` names are looked up, in this order: a named group of ``match``,
a field the record's format parsed, then the built-ins ``source`` (the path)
and ``level``. A name found nowhere gives an empty value. Names that are not
groups of ``match`` are allowed (they may be parsed fields);
:func:`rule_group_names_missing` lists them for editors that want to warn.

Unknown keys are errors, so a typo (``treshold``) never silently does nothing.
Every error names the rule, the key and the reason::

    rule 'High Error Rate': window: '5x' is not a duration (use 90s, 5m, 1h)

Conditions are registered in :data:`CONDITIONS`. Each declares the extra keys
it accepts (with a validator); such keys live in ``Rule.options`` and are
validated (and normalised) whenever a Rule is built, from TOML or by an editor.
A key of another condition is an error that says which condition owns it::

    rule 'X': factor: only allowed with condition = "spike" (this rule is "threshold")

Adding a condition means adding an entry in
:data:`~logwatch_tui.core.rule_conditions.CONDITIONS` and a runner in
:mod:`logwatch_tui.core.conditions`. The conditions (exact semantics in
each one's runner module there):

``threshold`` (default)
    at least ``threshold`` matching records in ``window``.
``absence``
    no matching record for ``window``.
``new_pattern``
    a message of a kind (template, see :mod:`logwatch_tui.core.patterns`)
    never seen before by the rule, after learning for ``learn`` (duration,
    default ``10m``, may be 0) of event time. ``threshold`` and ``window`` are
    not used. Its alerts' key starts with ``pattern`` (the template), so a
    ``message`` can say ``{pattern}``.
``spike``
    the rate of matching records in ``window`` is more than ``factor`` (a
    number > 1, default 3) times the rate in the ``baseline`` span before it
    (duration >= window, default 10 x window), with at least ``threshold``
    records in the window (**default 10** for spike, 1 otherwise).

Messages may also use the condition's keys: ``{learn}``, ``{factor}``,
``{baseline}``.

Where the code lives: this module is the one to import (it re-exports every
public name) and holds the text for people (summaries, alert messages). The
Rule and :class:`RuleError` are in :mod:`~logwatch_tui.core.rule_model`, the
condition registry in :mod:`~logwatch_tui.core.rule_conditions`, and the TOML
mapping and file reading/writing in :mod:`~logwatch_tui.core.rules_file`.
The split follows what each part depends on: the model needs only the
registry, the file format needs both, and the text needs only the model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from logwatch_tui.core.durations import format_duration
from logwatch_tui.core.rule_conditions import CONDITIONS as CONDITIONS
from logwatch_tui.core.rule_conditions import ConditionSpec as ConditionSpec
from logwatch_tui.core.rule_model import SEVERITIES as SEVERITIES
from logwatch_tui.core.rule_model import Rule as Rule
from logwatch_tui.core.rule_model import RuleError as RuleError
from logwatch_tui.core.rule_model import slugify as slugify
from logwatch_tui.core.rules_file import load_rules as load_rules
from logwatch_tui.core.rules_file import rule_from_dict as rule_from_dict
from logwatch_tui.core.rules_file import rule_to_dict as rule_to_dict
from logwatch_tui.core.rules_file import save_rules as save_rules

# -- text for people ------------------------------------------------------------------


def rule_summary(rule: Rule) -> str:
    """One short line for lists: ``≥3 in 1m by ip``, ``no match for 5m``."""
    window = format_duration(rule.window)
    by = f" by {', '.join(rule.group_by)}" if rule.group_by else ""
    if rule.condition == "threshold":
        return f"≥{rule.threshold} in {window}{by}"
    if rule.condition == "absence":
        per = f" per {', '.join(rule.group_by)}" if rule.group_by else ""
        return f"no match for {window}{per}"
    opts = rule.options_dict
    if rule.condition == "new_pattern":
        return f"new message patterns after {format_duration(opts['learn'])}"
    if rule.condition == "spike":
        return (
            f"rate > {opts['factor']:g}× baseline ({format_duration(opts['baseline'])})"
            f" in {window}{by}"
        )
    return f"{rule.condition} over {window}{by}"


def rule_group_names_missing(rule: Rule) -> list[str]:
    """group_by names that are not named groups of ``match`` (maybe parsed fields; maybe typos)."""
    groups = rule.match_re.groupindex if rule.match_re is not None else {}
    return [g for g in rule.group_by if g not in groups]


_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def default_message(rule: Rule, count: int = 1) -> str:
    """The message used when the rule has none (``count`` picks singular/plural)."""
    if rule.condition == "absence":
        return "{name}: no match for {window}"
    if rule.condition == "new_pattern":
        return (
            "{name}: new message pattern" if count == 1 else "{name}: {count} new message patterns"
        )
    if rule.condition == "spike":
        return "{name}: {count} in {window}, over {factor}× the baseline rate"
    return "{name}: {count} in {window}"


def _option_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def render_message(
    rule: Rule, count: int, key: Mapping[str, Any] | None = None, *, window: float | None = None
) -> str:
    """Fill ``{name} {count} {window} {severity} {id}``, the condition's keys and the group_by names.

    Not ``str.format``: user text may hold any braces (``{"a": 1}``,
    ``{0.__class__}``), which stay as written. Built-ins win over condition
    keys (``{factor}``, ``{baseline}``, ``{learn}``; durations written as
    ``10m``), which win over group names that happen to be spelled the same.
    Without a ``message`` the default names the rule, the count and the
    window, plus the key (for new_pattern: the template, ``pattern=...``).
    """
    key = dict(key or {})
    values: dict[str, str] = {str(k): str(v) for k, v in key.items()}
    durations = CONDITIONS[rule.condition].durations
    for opt, value in rule.options_dict.items():
        values[opt] = format_duration(value) if opt in durations else _option_text(value)
    values.update(
        name=rule.name,
        count=str(count),
        window=format_duration(rule.window if window is None else window),
        severity=rule.severity,
        id=rule.id,
    )
    template = rule.message if rule.message is not None else default_message(rule, count)
    text = _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)
    if rule.message is None and key:
        text += " (" + " ".join(f"{k}={v}" for k, v in key.items()) + ")"
    return text


__all__ = [
    "CONDITIONS",
    "SEVERITIES",
    "ConditionSpec",
    "Rule",
    "RuleError",
    "default_message",
    "load_rules",
    "render_message",
    "rule_from_dict",
    "rule_group_names_missing",
    "rule_summary",
    "rule_to_dict",
    "save_rules",
    "slugify",
]
