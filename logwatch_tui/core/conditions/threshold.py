"""The ``threshold`` condition: at least ``threshold`` matching records in ``window``.

threshold
    For each matching record at ``t``, ``count`` = matching records of the
    same rule and key in the window ``(t - window, t]`` (a record at ``r``
    leaves the window at exactly ``r + window``). When ``count >= threshold``
    and the rule+key is not firing and ``t - last_firing >= cooldown`` (or it
    never fired), a ``firing`` event is emitted with ``at = t``. While firing,
    the count keeps updating (see
    :meth:`~logwatch_tui.core.engine.RuleEngine.active`) but no new firing
    is emitted. It resolves when the in-window count drops below the
    threshold; that is noticed when time advances, but the ``resolved``
    event's ``at`` is the moment the count dropped: ``r + window`` of the
    record whose expiry made it drop. A firing suppressed by the cooldown is
    not retried by the clock; the next matching record after the cooldown
    fires it (if the count is still high enough).

Cost: a deque of timestamps per key; keys unseen for longer than
``max(window, cooldown)`` and not firing are dropped (oldest first).

The default and simplest condition gets its own module so its sliding
window can be read (and compared with spike's, which extends it) without
the other conditions in the way.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from typing import TYPE_CHECKING

from logwatch_tui.core.conditions.base import Key, KeyedRunner, KeyState, sample
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.rules import Rule

if TYPE_CHECKING:
    from logwatch_tui.core.engine import RuleEngine


class ThresholdRunner(KeyedRunner):
    def __init__(self, rule: Rule, engine: RuleEngine) -> None:
        super().__init__(rule, engine)
        # Ordered by last match (move_to_end): stale keys are at the front.
        self.keys: OrderedDict[Key, KeyState] = OrderedDict()
        self.firing: dict[Key, KeyState] = {}
        self._keep = max(rule.window, rule.cooldown)

    def _samples(self, st: KeyState, at: float) -> tuple[str, ...]:
        w = self.rule.window
        return tuple(msg for t, msg in st.samples if t + w > at)

    def on_match(self, t: float, key: Key, msg: str, source: str, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None:
            if not self.make_room(self.keys):
                return
            st = self.keys[key] = KeyState()
        else:
            self.keys.move_to_end(key)
        rule = self.rule
        w = rule.window
        times = st.times
        while times and times[0] + w <= t:
            times.popleft()
        times.append(t)
        st.samples.append((t, sample(msg)))
        st.last_seen = t
        st.source = source
        if st.firing:
            return  # the pending resolve is re-scheduled lazily when it comes due
        n = len(times)
        if n >= rule.threshold and (st.last_fired is None or t - st.last_fired >= rule.cooldown):
            ev = self.event(key, "firing", t, n, self._samples(st, t), source)
            st.firing = True
            st.last_fired = t
            st.event = ev
            self.firing[key] = st
            self.engine.schedule(times[-rule.threshold] + w, self, key)
            self.engine.count_firing(rule.id)
            out.append(ev)

    def on_due(self, key: Key, due: float, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None or not st.firing:
            return
        w = self.rule.window
        times = st.times
        real = times[-self.rule.threshold] + w
        if real > due:
            self.engine.schedule(real, self, key)
            return
        while times and times[0] + w <= real:
            times.popleft()
        st.firing = False
        st.event = None
        del self.firing[key]
        out.append(
            self.event(key, "resolved", real, len(times), self._samples(st, real), st.source)
        )

    def active(self, now: float) -> list[AlertEvent]:
        out = []
        w = self.rule.window
        for st in self.firing.values():
            times = st.times
            while times and times[0] + w <= now:
                times.popleft()
            ev = st.event
            if ev is not None:
                out.append(
                    dataclasses.replace(ev, count=len(times), samples=self._samples(st, now))
                )
        return out


__all__ = ["ThresholdRunner"]
