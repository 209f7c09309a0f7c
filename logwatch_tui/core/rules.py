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

Adding a condition means adding an entry here and a runner in
:mod:`logwatch_tui.core.engine`. The conditions (semantics in the engine):

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
"""

from __future__ import annotations

import difflib
import fnmatch
import math
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from logwatch_tui.core.durations import format_duration, parse_duration
from logwatch_tui.core.levels import Level, parse_level
from logwatch_tui.core.tomlio import ConfigError, load_toml, save_toml_atomic

SEVERITIES: tuple[str, ...] = ("info", "warning", "error", "critical")


class RuleError(ValueError):
    """A rule is invalid. ``str()`` names the rule, the key and the reason.

    ``path`` is set when the rule came from a file (then the text starts with it).
    """

    def __init__(self, rule: str, key: str | None, reason: str, *, path: str | None = None) -> None:
        self.rule = rule
        self.key = key
        self.reason = reason
        self.path = path
        super().__init__(self._text())

    def _text(self) -> str:
        head = f"{self.path}: " if self.path else ""
        key = f"{self.key}: " if self.key else ""
        return f"{head}{self.rule}: {key}{self.reason}"

    def with_path(self, path: str | os.PathLike[str]) -> RuleError:
        return RuleError(self.rule, self.key, self.reason, path=str(path))


def _label(name: object, index: int) -> str:
    if isinstance(name, str) and name.strip():
        return f"rule '{_short(name.strip(), 80)}'"
    return f"rule #{index + 1}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- conditions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConditionSpec:
    """What a condition needs from the rule format.

    ``options`` maps extra TOML keys to validators that return the normalised
    value (hashable, TOML-writable) or raise ValueError with a reason. A
    validator must accept its own output unchanged (Rule re-validates on
    ``dataclasses.replace``). ``option_defaults`` holds fixed defaults;
    ``derived_defaults`` computes those that depend on other keys (spike's
    ``baseline`` is 10 x ``window``). ``check`` looks at keys together and
    returns ``(key, reason)`` for a problem, or None. ``threshold_default``
    is what a TOML table without ``threshold`` means for this condition
    (code that builds a Rule directly passes ``threshold`` itself).
    """

    name: str
    uses_threshold: bool = True
    options: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    option_defaults: Mapping[str, Any] = field(default_factory=dict)
    uses_window: bool = True
    threshold_default: int = 1
    derived_defaults: Callable[[Rule], Mapping[str, Any]] | None = None
    check: Callable[[Rule, Mapping[str, Any]], tuple[str, str] | None] | None = None
    durations: frozenset[str] = frozenset()
    """Option keys that hold durations (written as ``10m`` in TOML and messages)."""


def _duration_option(*, allow_zero: bool) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        return parse_duration(value, allow_zero=allow_zero)

    return check


def _factor(value: Any) -> float:
    """How many times the baseline rate: a finite number > 1 (3 and 3.0 both fine)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} must be a number > 1 (times the baseline rate)")
    f = float(value)
    if not math.isfinite(f) or f <= 1:
        raise ValueError(f"{value!r} must be a number > 1 (times the baseline rate)")
    return f


def _spike_defaults(rule: Rule) -> Mapping[str, Any]:
    return {"baseline": 10 * rule.window}


def _spike_check(rule: Rule, opts: Mapping[str, Any]) -> tuple[str, str] | None:
    baseline = opts.get("baseline")
    if baseline is not None and baseline < rule.window:
        return (
            "baseline",
            f"{format_duration(baseline)} is shorter than window "
            f"{format_duration(rule.window)} (the baseline must span at least one window)",
        )
    return None


CONDITIONS: dict[str, ConditionSpec] = {
    "threshold": ConditionSpec("threshold"),
    "absence": ConditionSpec("absence", uses_threshold=False),
    "new_pattern": ConditionSpec(
        "new_pattern",
        uses_threshold=False,
        uses_window=False,
        options={"learn": _duration_option(allow_zero=True)},
        option_defaults={"learn": 600.0},
        durations=frozenset({"learn"}),
    ),
    "spike": ConditionSpec(
        "spike",
        options={"factor": _factor, "baseline": _duration_option(allow_zero=False)},
        option_defaults={"factor": 3.0},
        threshold_default=10,
        derived_defaults=_spike_defaults,
        check=_spike_check,
        durations=frozenset({"baseline"}),
    ),
}


def _option_owner_reason(key: str, condition: str) -> str:
    """Why ``key`` is not allowed for ``condition``: another condition owns it, or nobody does."""
    owners = [c for c, spec in CONDITIONS.items() if key in spec.options]
    if owners:
        return f'only allowed with condition = "{owners[0]}" (this rule is "{condition}")'
    return "unknown key"


# -- the rule ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rule:
    """One alert rule. Immutable: editors build a new one (``dataclasses.replace``).

    Constructing a Rule validates it and compiles its regexes once; the
    compiled patterns are private fields, not part of equality or repr.
    """

    id: str
    name: str
    enabled: bool = True
    severity: str = "warning"
    match: str | None = None
    ignore: str | None = None
    level: Level | None = None
    sources: tuple[str, ...] = ()
    group_by: tuple[str, ...] = ()
    condition: str = "threshold"
    threshold: int = 1
    window: float = 60.0
    cooldown: float = 300.0
    notify: tuple[str, ...] = ("toast",)
    message: str | None = None
    options: tuple[tuple[str, Any], ...] = ()
    """Condition-specific extra keys (sorted ``(key, value)`` pairs)."""

    _match_re: re.Pattern[str] | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )
    _ignore_re: re.Pattern[str] | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        label = _label(self.name, 0)
        # Editors may pass lists and ints; keep the rule hashable and typed.
        for key in ("sources", "group_by", "notify"):
            value = getattr(self, key)
            if isinstance(value, str):
                object.__setattr__(self, key, (value,))
            elif not isinstance(value, tuple):
                object.__setattr__(self, key, tuple(value))
        if self.level is not None and not isinstance(self.level, Level):
            object.__setattr__(self, "level", Level(self.level))
        if not isinstance(self.name, str) or not self.name.strip():
            raise RuleError(label, "name", "is required")
        if not isinstance(self.id, str) or not _ID_RE.fullmatch(self.id):
            raise RuleError(
                label, "id", f"{self.id!r} is not a valid id (letters, digits, '-', '_', '.')"
            )
        if self.severity not in SEVERITIES:
            raise RuleError(
                label, "severity", f"{self.severity!r} is not one of {', '.join(SEVERITIES)}"
            )
        if self.condition not in CONDITIONS:
            raise RuleError(
                label,
                "condition",
                f"{self.condition!r} is not one of {', '.join(CONDITIONS)}",
            )
        if (
            isinstance(self.threshold, bool)
            or not isinstance(self.threshold, int)
            or self.threshold < 1
        ):
            raise RuleError(label, "threshold", f"{self.threshold!r} must be a whole number >= 1")
        if not self.window > 0:
            raise RuleError(label, "window", f"{self.window!r} must be longer than 0")
        if not self.cooldown >= 0:
            raise RuleError(label, "cooldown", f"{self.cooldown!r} must be 0 or more")
        self._validate_options(label)
        object.__setattr__(self, "_match_re", _compile(label, "match", self.match))
        object.__setattr__(self, "_ignore_re", _compile(label, "ignore", self.ignore))

    def _validate_options(self, label: str) -> None:
        """Check and normalise ``options`` for this condition (editors may pass a dict)."""
        spec = CONDITIONS[self.condition]
        raw = self.options
        items = list(raw.items()) if isinstance(raw, Mapping) else list(raw)
        opts: dict[str, Any] = {}
        for item in items:
            if not isinstance(item, tuple | list) or len(item) != 2:
                raise RuleError(label, "options", f"{item!r} is not a (key, value) pair")
            key, value = item
            check = spec.options.get(key)
            if check is None:
                raise RuleError(label, str(key), _option_owner_reason(str(key), self.condition))
            try:
                opts[key] = check(value)
            except (ValueError, TypeError) as exc:
                raise RuleError(label, key, str(exc)) from None
        object.__setattr__(self, "options", tuple(sorted(opts.items())))
        if spec.check is not None:
            problem = spec.check(self, opts)
            if problem is not None:
                raise RuleError(label, problem[0], problem[1])

    @property
    def match_re(self) -> re.Pattern[str] | None:
        return self._match_re

    @property
    def ignore_re(self) -> re.Pattern[str] | None:
        return self._ignore_re

    @property
    def options_dict(self) -> dict[str, Any]:
        """The condition's extra keys with their defaults filled in (derived ones too)."""
        spec = CONDITIONS[self.condition]
        derived = spec.derived_defaults(self) if spec.derived_defaults is not None else {}
        return {**spec.option_defaults, **derived, **dict(self.options)}

    def matches_source(self, source: str) -> bool:
        """Does a record from ``source`` qualify? (fnmatch on the path and its basename)"""
        if not self.sources:
            return True
        base = os.path.basename(source)
        return any(
            fnmatch.fnmatchcase(source, g) or fnmatch.fnmatchcase(base, g) for g in self.sources
        )


_ID_RE = re.compile(r"[\w.\-]+")


def _compile(label: str, key: str, pattern: str | None) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RuleError(label, key, str(exc)) from None
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        raise RuleError(label, key, f"not a valid regex ({exc})") from None


def slugify(name: str) -> str:
    """Default id from a name: ``High Error Rate`` -> ``high-error-rate``."""
    return re.sub(r"[^\w.]+", "-", name.strip().lower()).strip("-_.")


# -- dict <-> Rule ----------------------------------------------------------------------

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
    label = _label(name, index)
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
                raise RuleError(label, str(key), _option_owner_reason(str(key), condition))
            hint = difflib.get_close_matches(str(key), sorted(known), n=1)
            more = (
                f" (did you mean '{hint[0]}'?)" if hint else f" (known: {', '.join(sorted(known))})"
            )
            raise RuleError(label, str(key), f"unknown key{more}")

    kw: dict[str, Any] = {"name": name, "condition": condition}

    rid = d.get("id")
    if rid is None:
        rid = slugify(name) or f"rule-{index + 1}"
    elif not isinstance(rid, str) or not _ID_RE.fullmatch(rid):
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
    for i, table in enumerate(tables):
        try:
            rule = rule_from_dict(table, index=i)
        except RuleError as exc:
            raise exc.with_path(path) from None
        other = seen.get(rule.id)
        if other is not None:
            raise RuleError(
                _label(rule.name, i),
                "id",
                f"'{rule.id}' is already used by rule '{other.name}' (ids must be unique)",
                path=str(path),
            )
        seen[rule.id] = rule
        rules.append(rule)
    return rules


def save_rules(path: str | os.PathLike[str], rules: Iterable[Rule]) -> None:
    """Write rules atomically (comments in a hand-written file are not kept)."""
    save_toml_atomic(path, {"rules": [rule_to_dict(r) for r in rules]})


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


def render_message(rule: Rule, count: int, key: Mapping[str, Any] | None = None) -> str:
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
        window=format_duration(rule.window),
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
