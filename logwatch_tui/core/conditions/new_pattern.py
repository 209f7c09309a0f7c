"""The ``new_pattern`` condition: a kind of message the rule has never seen, after learning.

new_pattern
    Each rule has its own :class:`~logwatch_tui.core.patterns.PatternMiner`
    fed with the messages of the records that match the rule (so ``match``,
    ``level``, ``sources`` and ``ignore`` limit what it learns as well as what
    fires). Learning: the rule's start (the first record or ``advance()``
    the engine sees after the rule was added; in the TUI and headless the
    existing file content is replayed first, so it teaches the miner too) +
    ``learn`` of event time; records before that only teach. After it, a
    record whose message is of a kind the miner has never seen (it creates
    a template that does not merge into an older one) fires ``firing`` with
    ``at = t``, ``count`` 1, ``samples = (message,)`` and ``key =
    (("pattern", "<template text>"),)`` (then the group_by pairs, if any).
    There is no ongoing condition, so it never resolves and is not in
    :meth:`~logwatch_tui.core.engine.RuleEngine.active`. Floods: a new kind
    that comes within ``cooldown`` of the rule's previous firing does not
    fire by itself; the kinds held back are reported together at
    ``previous firing + cooldown`` (``count`` = how many new kinds,
    ``samples`` = the first five messages, ``key`` = the first held-back
    kind), which starts a new cooldown. So a burst of 50 new kinds gives
    two alerts, not 50. Memory is bounded by the miner (5000 live kinds per
    rule); a kind evicted from it can fire again. Editing the rule restarts
    its learning (a new, empty miner).

Cost: each matching message is classified once (the miner's fast path: a
translate and a dict lookup for a known kind).

Its state is a template miner, not a window of times, so it shares nothing
with the counting conditions but the Runner contract.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from logwatch_tui.core.conditions.base import MAX_SAMPLES, Key, Runner, sample
from logwatch_tui.core.patterns import PatternMiner
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.rules import Rule

if TYPE_CHECKING:
    from logwatch_tui.core.engine import RuleEngine


class NewPatternRunner(Runner):
    """One miner per rule; fires once per kind of message first seen after learning."""

    def __init__(self, rule: Rule, engine: RuleEngine) -> None:
        super().__init__(rule, engine)
        self.miner = PatternMiner()
        self.learn: float = rule.options_dict["learn"]
        self.learn_end = math.inf
        self.last_fired: float | None = None
        # New kinds held back by the cooldown: (key, sample, source), first MAX_SAMPLES kept.
        self.held: list[tuple[Key, str, str]] = []
        self.held_count = 0

    def start(self, t: float) -> None:
        self.started = True
        self.learn_end = t + self.learn

    def on_match(self, t: float, key: Key, msg: str, source: str, out: list[AlertEvent]) -> None:
        miner = self.miner
        before = miner.next_id
        tid = miner.add(msg, t)
        if tid < before or t < self.learn_end:
            return  # a known kind (or one that merged into a known kind), or still learning
        full_key: Key = (("pattern", miner.template_text(tid)), *key)
        cooldown = self.rule.cooldown
        if self.last_fired is None or t - self.last_fired >= cooldown:
            self._fire(t, full_key, 1, (sample(msg),), source, out)
            return
        if self.held_count == 0:
            self.engine.schedule(self.last_fired + cooldown, self, ())
        self.held_count += 1
        if len(self.held) < MAX_SAMPLES:
            self.held.append((full_key, sample(msg), source))

    def _fire(
        self,
        at: float,
        key: Key,
        count: int,
        samples: tuple[str, ...],
        source: str,
        out: list[AlertEvent],
    ) -> None:
        self.last_fired = at
        self.engine.count_firing(self.rule.id)
        out.append(self.event(key, "firing", at, count, samples, source))

    def on_due(self, key: Key, due: float, out: list[AlertEvent]) -> None:
        if not self.held_count:
            return
        first_key, _, source = self.held[0]
        samples = tuple(m for _, m, _ in self.held)
        count = self.held_count
        self.held = []
        self.held_count = 0
        self._fire(due, first_key, count, samples, source, out)

    def active(self, now: float) -> list[AlertEvent]:
        return []


__all__ = ["NewPatternRunner"]
