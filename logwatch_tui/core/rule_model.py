"""The Rule dataclass and what makes one valid, whoever builds it (TOML reader or editor).

Regexes (``match`` and ``ignore``) are Python ``re`` syntax, *searched* in
the record's message (not the raw line) and **case-sensitive** unless the
pattern says ``(?i)``. Constructing a :class:`Rule` checks every field and
the condition's options (:mod:`logwatch_tui.core.rule_conditions`) and
compiles the regexes once; a problem raises :class:`RuleError`, whose text
names the rule, the key and the reason.

The model is its own module so that the TOML mapping
(:mod:`logwatch_tui.core.rules_file`) and the text helpers
(:mod:`logwatch_tui.core.rules`) can both build on it without importing
each other; :mod:`logwatch_tui.core.rules` re-exports the public names, and
that is the import the rest of the code uses.
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from logwatch_tui.core.levels import Level
from logwatch_tui.core.rule_conditions import CONDITIONS, option_owner_reason
from logwatch_tui.core.rule_regex import GuardedPattern

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


def rule_label(name: object, index: int) -> str:
    """How errors name a rule: ``rule '<name>'``, or ``rule #<n>`` when it has no name."""
    if isinstance(name, str) and name.strip():
        return f"rule '{_short(name.strip(), 80)}'"
    return f"rule #{index + 1}"


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


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
    _match_guard: GuardedPattern | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )
    _ignore_guard: GuardedPattern | None = field(
        default=None, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        label = rule_label(self.name, 0)
        # Editors may pass lists and ints; keep the rule hashable and typed.
        for key in ("sources", "group_by", "notify"):
            value = getattr(self, key)
            if isinstance(value, str):
                object.__setattr__(self, key, (value,))
            elif not isinstance(value, tuple):
                object.__setattr__(self, key, tuple(value))
        if self.level is not None and not isinstance(self.level, Level):
            try:
                object.__setattr__(self, "level", Level(self.level))
            except (ValueError, TypeError):
                raise RuleError(
                    label, "level", f"{self.level!r} is not a level (use a name such as error)"
                ) from None
        if not isinstance(self.name, str) or not self.name.strip():
            raise RuleError(label, "name", "is required")
        if not isinstance(self.id, str) or not ID_RE.fullmatch(self.id):
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
        object.__setattr__(self, "_match_guard", _guard(self._match_re))
        object.__setattr__(self, "_ignore_guard", _guard(self._ignore_re))

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
                raise RuleError(label, str(key), option_owner_reason(str(key), self.condition))
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
    def match_guard(self) -> GuardedPattern | None:
        """``match`` for matching log text: bounded time (see :mod:`~.rule_regex`)."""
        return self._match_guard

    @property
    def ignore_guard(self) -> GuardedPattern | None:
        """``ignore`` for matching log text: bounded time."""
        return self._ignore_guard

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


ID_RE = re.compile(r"[\w.\-]+")
"""What a rule id may hold: letters, digits, ``-``, ``_`` and ``.``."""


def _compile(label: str, key: str, pattern: str | None) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise RuleError(label, key, str(exc)) from None
    except (TypeError, ValueError, OverflowError, RecursionError) as exc:
        raise RuleError(label, key, f"not a valid regex ({exc})") from None


def _guard(compiled: re.Pattern[str] | None) -> GuardedPattern | None:
    return GuardedPattern(compiled) if compiled is not None else None


def slugify(name: str) -> str:
    """Default id from a name: ``High Error Rate`` -> ``high-error-rate``."""
    return re.sub(r"[^\w.]+", "-", name.strip().lower()).strip("-_.")


__all__ = ["ID_RE", "SEVERITIES", "Rule", "RuleError", "rule_label", "slugify"]
