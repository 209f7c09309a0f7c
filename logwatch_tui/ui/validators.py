"""Field validators for forms: regexes, durations, whole numbers, required text, rule ids.

They give the inline, per-keystroke message under a field, before anything
builds a Rule. They live apart from the rule editor because they know
nothing about it (any form with a regex or a duration field can use them);
the final word is still :func:`~logwatch_tui.core.rules.rule_from_dict`, and
each check here mirrors the one the core makes (same regex compiler, same
duration parser, same id pattern) so the two never disagree.
"""

from __future__ import annotations

import re

from textual.validation import ValidationResult, Validator

from logwatch_tui.core.durations import parse_duration
from logwatch_tui.core.rule_model import ID_RE


class RegexValidator(Validator):
    """A Python regex that compiles; the failure names the reason and the position."""

    def validate(self, value: str) -> ValidationResult:
        try:
            re.compile(value)
        except re.error as exc:
            return self.failure(str(exc), value)  # "missing ), ... at position 3"
        except (ValueError, OverflowError, RecursionError) as exc:
            return self.failure(f"not a valid regex ({exc})", value)
        return self.success()


class DurationValidator(Validator):
    """``90s``, ``5m``, ``1h30m``…; zero only where it makes sense (a cooldown)."""

    def __init__(self, *, allow_zero: bool) -> None:
        super().__init__()
        self.allow_zero = allow_zero

    def validate(self, value: str) -> ValidationResult:
        try:
            parse_duration(value, allow_zero=self.allow_zero)
        except ValueError as exc:
            return self.failure(str(exc), value)
        return self.success()


class PositiveIntValidator(Validator):
    def validate(self, value: str) -> ValidationResult:
        text = value.strip()
        if not text.isdigit() or int(text) < 1:
            return self.failure(f"{_short(value)!r} must be a whole number ≥ 1", value)
        return self.success()


class RequiredValidator(Validator):
    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def validate(self, value: str) -> ValidationResult:
        if not value.strip():
            return self.failure(f"{self.what} is required", value)
        return self.success()


class IdValidator(Validator):
    """Letters, digits, ``-``, ``_``, ``.``; not the id of another rule."""

    def __init__(self, taken: dict[str, str]) -> None:
        super().__init__()
        self.taken = taken

    def validate(self, value: str) -> ValidationResult:
        if not ID_RE.fullmatch(value):
            return self.failure("an id is letters, digits, '-', '_' and '.'", value)
        if value in self.taken:
            return self.failure(
                f"id '{value}' is used by rule '{_short(self.taken[value])}'", value
            )
        return self.success()


class NameValidator(Validator):
    """A rule name no other rule has (alerts, toasts and history are told apart by it)."""

    def __init__(self, taken: set[str]) -> None:
        super().__init__()
        self.taken = taken
        """Names of the other rules, stripped and case-folded."""

    def validate(self, value: str) -> ValidationResult:
        if value.strip().casefold() in self.taken:
            return self.failure(
                f"another rule is already named '{_short(value.strip())}' (names must be unique)",
                value,
            )
        return self.success()


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = [
    "DurationValidator",
    "IdValidator",
    "NameValidator",
    "PositiveIntValidator",
    "RegexValidator",
    "RequiredValidator",
]
