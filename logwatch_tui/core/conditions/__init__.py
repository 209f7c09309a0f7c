"""Condition runners: what each rule condition does with the records that match it.

One module per condition family, each with the exact semantics of its
condition in its docstring:

- :mod:`~logwatch_tui.core.conditions.threshold`: ``threshold`` (count in a window)
- :mod:`~logwatch_tui.core.conditions.absence`: ``absence`` (silence for a window)
- :mod:`~logwatch_tui.core.conditions.new_pattern`: ``new_pattern`` (a never-seen kind of message)
- :mod:`~logwatch_tui.core.conditions.spike`: ``spike`` (rate over a baseline rate)
- :mod:`~logwatch_tui.core.conditions.base`: the Runner contract they share

Why the seam is here: each condition is a self-contained state machine
behind the same few hooks (:class:`~logwatch_tui.core.conditions.base.Runner`),
so each can be read, checked against its semantics and changed alone, and
a new condition touches none of the others.

The engine (:mod:`logwatch_tui.core.engine`) owns event time, the due-time
heap and candidate filtering, and documents what is common to all
conditions (which records match, event time, order of evaluation, keys,
cost). It looks a rule's runner class up in :data:`RUNNERS`. Adding a
condition means a module here, an entry in :data:`RUNNERS` and a
:class:`~logwatch_tui.core.rule_conditions.ConditionSpec` in
:data:`~logwatch_tui.core.rule_conditions.CONDITIONS` (the rule format).
"""

from __future__ import annotations

from logwatch_tui.core.conditions.absence import AbsenceRunner
from logwatch_tui.core.conditions.base import Runner
from logwatch_tui.core.conditions.new_pattern import NewPatternRunner
from logwatch_tui.core.conditions.spike import SpikeRunner
from logwatch_tui.core.conditions.threshold import ThresholdRunner

RUNNERS: dict[str, type[Runner]] = {
    "threshold": ThresholdRunner,
    "absence": AbsenceRunner,
    "new_pattern": NewPatternRunner,
    "spike": SpikeRunner,
}
"""Condition name -> runner class (the same names as the rule format's CONDITIONS)."""

__all__ = [
    "RUNNERS",
    "AbsenceRunner",
    "NewPatternRunner",
    "Runner",
    "SpikeRunner",
    "ThresholdRunner",
]
