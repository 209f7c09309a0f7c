"""The rule editor's fields judged without widgets: field values in; errors, warnings, a Rule out.

The editor's screen (:mod:`~logwatch_tui.ui.screens.rule_editor`) lays the
fields out and reads them; everything that decides what the values mean is
here and touches no widget: which fields a condition shows, what each field's
validators say, the ``[[rules]]`` table the values make and whether
:func:`~logwatch_tui.core.rules.rule_from_dict` accepts it. Because it needs
no widget, the editor can judge a rule before building its form (the screen
is built in its final state) and after refilling a reused form.
"""

from __future__ import annotations

from typing import Any

from textual.validation import Validator

from logwatch_tui.core.rule_regex import regex_warning
from logwatch_tui.core.rules import (
    CONDITIONS,
    Rule,
    RuleError,
    rule_from_dict,
    rule_group_names_missing,
    slugify,
)
from logwatch_tui.ui.screens.rule_fields import (
    FIELD_KEYS,
    FORM_ORDER,
    SELECTS,
    option_text,
    option_value,
    split_list,
)
from logwatch_tui.ui.validators import (
    DurationValidator,
    IdValidator,
    NameValidator,
    PositiveIntValidator,
    RegexValidator,
    RequiredValidator,
)


class RuleForm:
    """Judges the editor's field values; ``taken``/``taken_names`` are the other rules'."""

    def __init__(self, taken: dict[str, str], taken_names: set[str]) -> None:
        """The validators keep these very objects: refill them in place to change them."""
        self.taken = taken
        self.taken_names = taken_names
        self.option_keys = sorted({k for spec in CONDITIONS.values() for k in spec.options})
        """Every condition's own keys (a field ``opt:<key>`` each)."""
        self.checks = self._field_checks()

    def _field_checks(self) -> dict[str, tuple[list[Validator], bool]]:
        """Validators and "empty is fine" per text field: the Inputs and the pure checks share them."""
        checks: dict[str, tuple[list[Validator], bool]] = {
            "name": ([RequiredValidator("a name"), NameValidator(self.taken_names)], False),
            "match": ([RegexValidator()], True),
            "ignore": ([RegexValidator()], True),
            "threshold": ([PositiveIntValidator()], False),
            "window": ([DurationValidator(allow_zero=False)], True),
            "cooldown": ([DurationValidator(allow_zero=True)], True),
            "id": ([IdValidator(self.taken)], True),
        }
        return checks

    def check_text(self, key: str, value: str) -> str | None:
        """What the field's validators say about ``value`` (None: fine), as Input.validate would."""
        validators, valid_empty = self.checks.get(key, ([], True))
        if valid_empty and not value:
            return None
        failures: list[str] = []
        for validator in validators:
            result = validator.validate(value)
            if not result.is_valid:
                failures.extend(result.failure_descriptions)
        return "; ".join(failures) if failures else None

    def field_keys(self) -> list[str]:
        """Every field key in form order, the option keys of all conditions in their slot."""
        keys = [k for k in FORM_ORDER if k != "options"]
        at = FORM_ORDER.index("options")
        keys[at:at] = [f"opt:{k}" for k in self.option_keys]
        return keys

    def shown_keys(self, condition: str) -> set[str]:
        spec = CONDITIONS.get(condition)
        shown = {k for k in FORM_ORDER if k != "options"}
        if spec is not None and not spec.uses_threshold:
            shown.discard("threshold")
        if spec is not None and not spec.uses_window:
            shown.discard("window")
        if spec is not None:
            shown.update(f"opt:{k}" for k in spec.options)
        return shown

    def table(self, v: dict[str, Any]) -> dict[str, Any]:
        """The ``[[rules]]`` table the form describes (keys left out where the field is empty)."""
        d: dict[str, Any] = {
            "name": v["name"],
            "enabled": bool(v["enabled"]),
            "severity": v["severity"],
            "condition": v["condition"],
            "match": v["match"],
            "ignore": v["ignore"],
            "message": v["message"],
            "level": v["level"],
            "sources": split_list(v["sources"]),
            "group_by": split_list(v["group_by"]),
            "notify": split_list(v["notify"]),
        }
        spec = CONDITIONS.get(d["condition"])
        shown = self.shown_keys(d["condition"])
        for key in ("threshold", "window", "cooldown"):
            text = str(v[key]).strip()
            if not text:
                continue
            if key not in shown and self.check_text(key, text) is not None:
                # Hidden (the condition ignores it): kept as it was when valid, so an edit
                # never changes what it doesn't show; dropped when it would block saving.
                continue
            d[key] = int(text) if key == "threshold" and text.isdigit() else text
        if spec is not None:
            for key in spec.options:
                text = str(v.get(f"opt:{key}", ""))
                if text.strip():
                    d[key] = option_value(text)
        rid = str(v["id"]).strip()
        if rid:
            d["id"] = rid
        elif d["name"].strip():
            d["id"] = self.free_id(slugify(d["name"]) or "rule")
        return d

    def free_id(self, base: str) -> str:
        rid, n = base, 2
        while rid in self.taken:
            rid, n = f"{base}-{n}", n + 1
        return rid

    # -- validation -----------------------------------------------------------------------------
    def evaluate(self, v: dict[str, Any]) -> tuple[dict[str, str], dict[str, str], Rule | None]:
        """Errors, warnings and the rule for field values: no widget is read or touched."""
        errors: dict[str, str] = {}
        warnings: dict[str, str] = {}
        shown = self.shown_keys(str(v.get("condition", "")))
        for key in self.field_keys():
            if key not in shown or key in SELECTS or key == "enabled":
                continue
            problem = self.check_text(key, str(v.get(key, "")))
            if problem is not None:
                errors[key] = problem
        rule: Rule | None = None
        if not errors:
            try:
                rule = rule_from_dict(self.table(v))
            except RuleError as exc:
                key = exc.key if exc.key in FIELD_KEYS else (f"opt:{exc.key}" if exc.key else "")
                if key not in FIELD_KEYS and not key.startswith("opt:"):
                    key = "_form"
                errors[key] = exc.reason
        for key in ("match", "ignore"):
            text = str(v.get(key, ""))
            if key not in errors and text:
                warning = regex_warning(text)
                if warning is not None:
                    warnings[key] = warning
        if rule is not None:
            missing = rule_group_names_missing(rule)
            if missing:
                names = ", ".join(missing)
                warnings["group_by"] = (
                    f"{names}: not a named group of match; fine if it is a parsed field"
                    " (or source/level), else every line gets an empty value"
                )
        return errors, warnings, rule

    def option_placeholders(self, rule: Rule | None) -> dict[str, str]:
        """An empty option field shows the value it stands for (spike's baseline follows window)."""
        if rule is None:
            return {}
        spec = CONDITIONS[rule.condition]
        return {
            f"opt:{key}": "default " + option_text(value, duration=key in spec.durations)
            for key, value in rule.options_dict.items()
            if key in spec.options
        }


__all__ = ["RuleForm"]
