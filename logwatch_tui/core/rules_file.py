"""Rules as TOML: one ``[[rules]]`` table <-> one Rule, and reading/writing whole files.

A rules file is a list of ``[[rules]]`` tables; the keys are described in
:mod:`logwatch_tui.core.rules`. Unknown keys are errors, so a typo
(``treshold``) never silently does nothing; a key of another condition
says which condition owns it; every error names the rule, the key and the
reason (and, from a file, the path). Writing edits the file in place — only
the keys that changed, comments and quoting kept (:mod:`~logwatch_tui.core.rules_document`)
— atomically, and never over a file that doesn't parse; a new rule is written
minimal (defaults left out, durations as ``5m``).

The seam is the file format: everything that knows TOML spellings (level
names, duration text, lists for tuples, a condition's threshold default
when the key is absent) is here; the Rule itself (:mod:`~logwatch_tui.core.rule_model`) only
knows typed values. :mod:`logwatch_tui.core.rules` re-exports the public
names, and that is the import the rest of the code uses.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from pathlib import Path
from typing import Any

import tomlkit
import tomlkit.exceptions

from logwatch_tui.core.durations import format_duration, parse_duration
from logwatch_tui.core.levels import Level, parse_level
from logwatch_tui.core.rule_conditions import CONDITIONS, option_owner_reason
from logwatch_tui.core.rule_model import ID_RE, SEVERITIES, Rule, RuleError, rule_label, slugify
from logwatch_tui.core.rules_document import RulesEditError, edit_rules_text, new_table_text
from logwatch_tui.core.tomlio import ConfigError, load_toml, parse_toml_text, save_text_atomic

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


def rules_from_data(data: Mapping[str, Any], path: str | os.PathLike[str]) -> list[Rule]:
    """The rules of a parsed rules file (see :func:`load_rules` for the errors)."""
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


def load_rules(path: str | os.PathLike[str]) -> list[Rule]:
    """Read a rules file.

    File and TOML problems raise :class:`ConfigError`; an invalid rule raises
    :class:`RuleError` whose text starts with the file path. Ids must be
    unique (they key alert state and history).
    """
    return rules_from_data(load_toml(path), path)


_TABLE_HEADER_RE = re.compile(r"""^[ \t]*\[\[[ \t]*(?:rules|"rules"|'rules')[ \t]*\]\]""", re.M)


def _table_line(text: str, index: int) -> int | None:
    """Line of the ``index``-th ``[[rules]]`` header (best effort, for messages)."""
    for i, m in enumerate(_TABLE_HEADER_RE.finditer(text)):
        if i == index:
            return text.count("\n", 0, m.start()) + 1
    return None


NOT_SAVED = "not saved: fix the file, then save again"


def _rules_on_disk(p: Path, raw: bytes) -> tuple[str, list[Rule]]:
    """The file's text and rules, or the refusal to write over it (file:line: reason)."""
    try:
        data = parse_toml_text(raw, p)
    except ConfigError as exc:
        raise ConfigError(f"{exc} — {NOT_SAVED}", path=p, line=exc.line) from None
    text = raw.decode("utf-8")
    try:
        return text, rules_from_data(data, p)
    except ConfigError as exc:
        raise ConfigError(f"{exc} — {NOT_SAVED}", path=p, line=exc.line) from None
    except RuleError as exc:
        tables = data.get("rules", [])
        index = next(
            (i for i, t in enumerate(tables) if rule_label(t.get("name"), i) == exc.rule), None
        )
        line = _table_line(text, index) if index is not None else None
        where = f"{p}:{line}" if line else f"{p}"
        key = f"{exc.key}: " if exc.key else ""
        raise ConfigError(
            f"{where}: {exc.rule}: {key}{exc.reason} — {NOT_SAVED}", path=p, line=line
        ) from None


def merge_rules(
    path: str | os.PathLike[str],
    on_disk: Sequence[Rule],
    target: Sequence[Rule],
    base: Sequence[Rule],
) -> list[Rule]:
    """Apply the change ``base`` -> ``target`` to the rules on disk (three-way).

    The rules screen keeps the list it loaded while the file may have been
    edited meanwhile (a second editor, ``git pull``). Only what this edit
    changed is applied; whatever else is in the file stays. When the same
    rule was changed both here and in the file, nothing is written.
    """
    base_by = {r.id: r for r in base}
    target_ids = [r.id for r in target]
    # An edit that changed a rule's id replaces it in place: pair them up.
    renamed: dict[str, str] = {}
    sm = difflib.SequenceMatcher(a=[r.id for r in base], b=target_ids, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "replace" and i2 - i1 == j2 - j1:
            for old, new in zip(base[i1:i2], target[j1:j2]):
                if new.id not in base_by:
                    renamed[old.id] = new.id
    result = list(on_disk)

    def conflict(rule: Rule) -> ConfigError:
        return ConfigError(
            f"{path}: rule '{rule.name}' was changed in the file since it was loaded — "
            "not saved; make the change again on the file's version",
            path=path,
        )

    def index(rid: str) -> int | None:
        return next((i for i, r in enumerate(result) if r.id == rid), None)

    target_by = {r.id: r for r in target}
    for old in base:
        new_id = renamed.get(old.id, old.id)
        new = target_by.get(new_id)
        if new is not None and new == old:
            continue  # untouched here: the file's version wins
        i = index(old.id)
        if i is None:
            if new is None:
                continue  # deleted here and there
            raise conflict(old)  # edited here, deleted in the file
        if result[i] != old and result[i] != new:
            raise conflict(old)
        if new is None:
            del result[i]
        else:
            result[i] = new
    for pos, new in enumerate(target):
        if new.id in base_by or new.id in renamed.values():
            continue
        i = index(new.id)
        if i is not None:
            if result[i] != new:
                raise conflict(new)
            continue
        after = next((index(t.id) for t in reversed(target[:pos]) if index(t.id) is not None), None)
        result.insert(0 if after is None else after + 1, new)
    return result


def save_rules(
    path: str | os.PathLike[str],
    rules: Iterable[Rule],
    *,
    base: Sequence[Rule] | None = None,
) -> list[Rule]:
    """Write ``rules`` to the file, changing only what differs from what is there.

    Comments, quoting and keys the person wrote stay (see
    :mod:`~logwatch_tui.core.rules_document`). A file that does not parse, or
    holds an invalid rule, is never written: :class:`ConfigError` says where
    and why. With ``base`` (the list the edit started from) a change made to
    the file meanwhile is kept too. The write is atomic. Returns the rules
    the file now holds. A layout that can't be edited in place (an inline
    ``rules = [{…}]`` array) is rewritten, its old text kept as ``NAME.bak``.
    """
    p = Path(path)
    target = list(rules)
    try:
        raw: bytes | None = p.read_bytes()
    except FileNotFoundError:
        raw = None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot save: {exc.strerror or exc}", path=p) from exc
    if raw is None:
        new_text = _fresh_text(target)
    else:
        text, on_disk = _rules_on_disk(p, raw)
        if base is not None:
            target = merge_rules(p, on_disk, target, base)
        try:
            new_text = edit_rules_text(
                text, on_disk, target, minimal=rule_to_dict, parse=rule_from_dict
            )
        except (RulesEditError, tomlkit.exceptions.TOMLKitError):
            # A layout the editor can't cut into tables (``rules = [{…}]``): the
            # rules are written afresh and the file as it was is kept beside it.
            new_text = _fresh_text(target)
            save_text_atomic(p.with_name(p.name + ".bak"), text)
    written = rules_from_data(parse_toml_text(new_text, p), p)
    if written != target:  # pragma: no cover - a bug, never a user's doing
        raise ConfigError(f"{p}: not saved: the new text did not read back as the rules", path=p)
    save_text_atomic(p, new_text)
    return target


def _fresh_text(rules: Sequence[Rule]) -> str:
    return "\n".join(new_table_text(r, rule_to_dict(r)) for r in rules)


__all__ = [
    "load_rules",
    "merge_rules",
    "rule_from_dict",
    "rule_to_dict",
    "rules_from_data",
    "save_rules",
]
