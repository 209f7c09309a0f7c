"""Rules as TOML: one ``[[rules]]`` table <-> one Rule, and reading/writing whole files.

A rules file is a list of ``[[rules]]`` tables; the keys are described in
:mod:`logwatch_tui.core.rules`. Unknown keys are errors, so a typo
(``treshold``) never silently does nothing; a key of another condition
says which condition owns it; every error names the rule, the key and the
reason (and, from a file, the path). Writing is atomic and minimal
(defaults left out, durations as ``5m``), so a saved file stays readable.

The seam is the file format: everything that knows TOML spellings (level
names, duration text, lists for tuples, a condition's threshold default
when the key is absent) is here; the Rule itself (:mod:`~logwatch_tui.core.rule_model`) only
knows typed values. :mod:`logwatch_tui.core.rules` re-exports the public
names, and that is the import the rest of the code uses.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any

from logwatch_tui.core.durations import format_duration, parse_duration
from logwatch_tui.core.levels import Level, parse_level
from logwatch_tui.core.rule_conditions import CONDITIONS, option_owner_reason
from logwatch_tui.core.rule_model import ID_RE, SEVERITIES, Rule, RuleError, rule_label, slugify
from logwatch_tui.core.tomlio import ConfigError, load_toml, save_toml_atomic

_RULE_KEYS: tuple[str, ...] = tuple(
    f.name for f in fields(Rule) if not f.name.startswith("_") and f.name != "options"
)


def _as_str_tuple(label: str, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) and v for v in value):
        raise RuleError(label, key, "must be a list of non-empty strings")
    return tuple(value)


def _opt_str(label: str, key: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise RuleError(label, key, f"must be a string, not {type(value).__name__}")
    return value or None  # "" from an empty editor field means "not set"


def rule_from_dict(d: Mapping[str, Any], *, index: int = 0) -> Rule:
    """Validate one ``[[rules]]`` table and build the Rule.

    ``index`` only names the rule (``rule #3``) in errors when it has no name.
    """
    if not isinstance(d, Mapping):
        raise RuleError(f"rule #{index + 1}", None, "must be a table ([[rules]])")
    name = d.get("name")
    label = rule_label(name, index)
    if not isinstance(name, str) or not name.strip():
        raise RuleError(label, "name", "is required (a non-empty string)")
    name = name.strip()

    condition = d.get("condition", "threshold")
    if not isinstance(condition, str) or condition not in CONDITIONS:
        raise RuleError(label, "condition", f"{condition!r} is not one of {', '.join(CONDITIONS)}")
    spec = CONDITIONS[condition]

    known = set(_RULE_KEYS) | set(spec.options)
    for key in d:
        if key not in known:
            if any(key in other.options for other in CONDITIONS.values()):
                raise RuleError(label, str(key), option_owner_reason(str(key), condition))
            hint = difflib.get_close_matches(str(key), sorted(known), n=1)
            more = (
                f" (did you mean '{hint[0]}'?)" if hint else f" (known: {', '.join(sorted(known))})"
            )
            raise RuleError(label, str(key), f"unknown key{more}")

    kw: dict[str, Any] = {"name": name, "condition": condition}

    rid = d.get("id")
    if rid is None:
        rid = slugify(name) or f"rule-{index + 1}"
    elif not isinstance(rid, str) or not ID_RE.fullmatch(rid):
        raise RuleError(label, "id", f"{rid!r} is not a valid id (letters, digits, '-', '_', '.')")
    kw["id"] = rid

    if "enabled" in d:
        if not isinstance(d["enabled"], bool):
            raise RuleError(label, "enabled", "must be true or false")
        kw["enabled"] = d["enabled"]

    if "severity" in d:
        sev = d["severity"]
        if not isinstance(sev, str) or sev.strip().lower() not in SEVERITIES:
            raise RuleError(label, "severity", f"{sev!r} is not one of {', '.join(SEVERITIES)}")
        kw["severity"] = sev.strip().lower()

    for key in ("match", "ignore", "message"):
        if key in d:
            kw[key] = _opt_str(label, key, d[key])

    if "level" in d:
        raw = d["level"]
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        if not isinstance(raw, str):
            raise RuleError(label, "level", 'must be a level name such as "error"')
        if raw.strip().isdigit() and int(raw) not in (*range(8), 10, 20, 30, 40, 50, 60):
            raise RuleError(
                label,
                "level",
                f'{raw.strip()} is not a level (use a name such as "error", a syslog '
                "severity 0-7 or a bunyan level 10, 20 … 60)",
            )
        if raw.strip():
            lvl = parse_level(raw.strip(), letters=True)
            if lvl is Level.UNKNOWN:
                names = ", ".join(lv.name.lower() for lv in Level if lv is not Level.UNKNOWN)
                raise RuleError(label, "level", f"{raw!r} is not a level (use {names})")
            kw["level"] = lvl

    for key in ("sources", "group_by", "notify"):
        if key in d:
            kw[key] = _as_str_tuple(label, key, d[key])
    if len(set(kw.get("group_by", ()))) != len(kw.get("group_by", ())):
        raise RuleError(label, "group_by", "names must not repeat")

    if "threshold" in d:
        t = d["threshold"]
        if isinstance(t, bool) or not isinstance(t, int) or t < 1:
            raise RuleError(label, "threshold", f"{t!r} must be a whole number >= 1")
        kw["threshold"] = t
    else:
        kw["threshold"] = spec.threshold_default

    for key, allow_zero in (("window", False), ("cooldown", True)):
        if key in d:
            try:
                kw[key] = parse_duration(d[key], allow_zero=allow_zero)
            except ValueError as exc:
                raise RuleError(label, key, str(exc)) from None

    opts: dict[str, Any] = {}
    for key, check in spec.options.items():
        if key in d:
            try:
                opts[key] = check(d[key])
            except (ValueError, TypeError) as exc:
                raise RuleError(label, key, str(exc)) from None
    kw["options"] = tuple(sorted(opts.items()))

    return Rule(**kw)


_DEFAULTS: dict[str, Any] = {
    f.name: f.default
    for f in fields(Rule)
    if not f.name.startswith("_") and f.name not in ("id", "name")
}


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    """The minimal TOML table for ``rule``: defaults left out, durations as text.

    ``id`` is always written, so renaming a rule later keeps its identity
    (alert history and fired counts are keyed by id).
    """
    out: dict[str, Any] = {"id": rule.id, "name": rule.name}
    spec = CONDITIONS[rule.condition]
    for key, default in _DEFAULTS.items():
        value = getattr(rule, key)
        if key == "options":
            continue
        if key == "threshold":
            default = spec.threshold_default  # spike: no threshold in TOML means 10
        if value == default:
            continue
        if key in ("window", "cooldown"):
            out[key] = format_duration(value)
        elif key == "level":
            out[key] = value.name.lower()
        elif isinstance(value, tuple):
            out[key] = list(value)
        else:
            out[key] = value
    for key, value in rule.options:
        if key in spec.durations:
            out[key] = format_duration(value)
        else:
            out[key] = list(value) if isinstance(value, tuple) else value
    return out


# -- files ----------------------------------------------------------------------------


def load_rules(path: str | os.PathLike[str]) -> list[Rule]:
    """Read a rules file.

    File and TOML problems raise :class:`ConfigError`; an invalid rule raises
    :class:`RuleError` whose text starts with the file path. Ids must be
    unique (they key alert state and history).
    """
    data = load_toml(path)
    extra = sorted(set(data) - {"rules"})
    if extra:
        raise ConfigError(
            f"{path}: unknown top-level key {extra[0]!r} (a rules file holds [[rules]] tables)",
            path=path,
        )
    tables = data.get("rules", [])
    if not isinstance(tables, list):
        raise ConfigError(f"{path}: rules: must be [[rules]] tables", path=path)
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    seen_names: dict[str, Rule] = {}
    for i, table in enumerate(tables):
        try:
            rule = rule_from_dict(table, index=i)
        except RuleError as exc:
            raise exc.with_path(path) from None
        other = seen.get(rule.id)
        if other is not None:
            raise RuleError(
                rule_label(rule.name, i),
                "id",
                f"'{rule.id}' is already used by rule '{other.name}' (ids must be unique)",
                path=str(path),
            )
        same = seen_names.get(rule.name.casefold())
        if same is not None:
            raise RuleError(
                rule_label(rule.name, i),
                "name",
                f"another rule (id '{same.id}') has this name (names must be unique)",
                path=str(path),
            )
        seen[rule.id] = rule
        seen_names[rule.name.casefold()] = rule
        rules.append(rule)
    return rules


def save_rules(path: str | os.PathLike[str], rules: Iterable[Rule]) -> None:
    """Write rules atomically (comments in a hand-written file are not kept)."""
    save_toml_atomic(path, {"rules": [rule_to_dict(r) for r in rules]})


__all__ = ["load_rules", "rule_from_dict", "rule_to_dict", "save_rules"]
