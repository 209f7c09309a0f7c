"""The condition registry of the rule format: which keys each condition adds, and their checks.

Conditions are registered in :data:`CONDITIONS`. Each declares the extra keys
it accepts (with a validator); such keys live in ``Rule.options`` and are
validated (and normalised) whenever a Rule is built, from TOML or by an editor.
A key of another condition is an error that says which condition owns it::

    rule 'X': factor: only allowed with condition = "spike" (this rule is "threshold")

The registry is its own module because it is the one table every layer
reads (the Rule checks options against it, the TOML reader and writer use
its defaults, the rule editor generates fields from it) while it depends on
nothing but duration parsing. What each condition *means* is in the rules
format overview (:mod:`logwatch_tui.core.rules`) and, exactly, in its runner
module under :mod:`logwatch_tui.core.conditions`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from logwatch_tui.core.durations import format_duration, parse_duration

if TYPE_CHECKING:
    from logwatch_tui.core.rule_model import Rule


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


def option_owner_reason(key: str, condition: str) -> str:
    """Why ``key`` is not allowed for ``condition``: another condition owns it, or nobody does."""
    owners = [c for c, spec in CONDITIONS.items() if key in spec.options]
    if owners:
        return f'only allowed with condition = "{owners[0]}" (this rule is "{condition}")'
    return "unknown key"


__all__ = ["CONDITIONS", "ConditionSpec", "option_owner_reason"]
