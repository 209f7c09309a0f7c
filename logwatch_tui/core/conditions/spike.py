"""The ``spike`` condition: the rate in ``window`` is ``factor`` times the baseline rate.

spike
    Per rule+key, ``n`` = matching records in the window ``(t - window, t]``
    (exact, like threshold) and ``b`` = matching records in the baseline span
    ``(t - window - baseline, t - window]``, kept as counts per bucket of
    ``window / 10`` (``baseline / 2000`` if that is coarser, which bounds
    memory to about 2000 buckets per key); buckets are aligned to multiples
    of their width, and the oldest edge of the baseline has that resolution
    (records of the bucket that straddles it still count). It is *high* when
    ``n >= threshold`` and ``n / window > factor * max(b, 1) / baseline``
    (an empty baseline counts as one record, so the first burst after
    silence can fire). A matching record at ``t`` fires it when it is high,
    the rule has seen a full baseline (``t >= start + window + baseline``,
    start as for new_pattern) and ``t - last_firing >= cooldown``; ``at = t``,
    ``count = n``, samples as threshold. Firing is only checked when a
    matching record arrives (as for threshold's cooldown, the clock does
    not fire it). It resolves at the first moment it
    is no longer high: that can only happen when a record leaves the window
    (at ``r + window``, which is the ``resolved`` event's ``at``). Keys are
    independent; a key unseen for ``window + baseline`` (and the cooldown)
    is dropped. Editing the rule restarts it: no firing until a full
    baseline has been seen again.

Cost: the window's times and the baseline's bucket counts per key, and
while firing one heap entry per record leaving the window.

The bucketed baseline is the bulk of the code and of the subtlety (bucket
alignment, the straddling edge), so it lives on its own beside threshold's
simpler exact window.
"""

from __future__ import annotations

import dataclasses
import math
from collections import OrderedDict, deque
from typing import TYPE_CHECKING

from logwatch_tui.core.conditions.base import Key, KeyedRunner, KeyState, sample
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.rules import Rule

if TYPE_CHECKING:
    from logwatch_tui.core.engine import RuleEngine


class _SpikeKey(KeyState):
    __slots__ = ("buckets", "base")

    def __init__(self) -> None:
        super().__init__()
        self.buckets: deque[list[int | float]] = deque()
        """[bucket index, count] of records that left the window, oldest first."""
        self.base = 0
        """Sum of the bucket counts."""


class SpikeRunner(KeyedRunner):
    def __init__(self, rule: Rule, engine: RuleEngine) -> None:
        super().__init__(rule, engine)
        opts = rule.options_dict
        self.factor: float = opts["factor"]
        self.baseline: float = opts["baseline"]
        # window/10 resolution; coarser only when the baseline is over 200 windows long,
        # so a key never holds more than ~2000 buckets (baseline 1d, window 1s: 43 s buckets).
        self.bucket = max(rule.window / 10, self.baseline / 2000)
        self.ready_at = math.inf
        self.keys: OrderedDict[Key, _SpikeKey] = OrderedDict()
        self.firing: dict[Key, _SpikeKey] = {}
        self._keep = max(rule.window + self.baseline + self.bucket, rule.cooldown)

    def start(self, t: float) -> None:
        self.started = True
        self.ready_at = t + self.rule.window + self.baseline

    def _roll(self, st: _SpikeKey, t: float) -> None:
        """Bring the key to time ``t``: records out of the window go to buckets, old buckets go."""
        w = self.rule.window
        times = st.times
        buckets = st.buckets
        g = self.bucket
        while times and times[0] + w <= t:
            r = times.popleft()
            b = r // g
            if buckets and buckets[-1][0] == b:
                buckets[-1][1] += 1
            else:
                buckets.append([b, 1])
            st.base += 1
        edge = t - w - self.baseline
        while buckets and (buckets[0][0] + 1) * g <= edge:
            st.base -= buckets.popleft()[1]  # type: ignore[assignment]

    def _high(self, st: _SpikeKey) -> bool:
        n = len(st.times)
        if n < self.rule.threshold:
            return False
        return n * self.baseline > self.factor * max(st.base, 1) * self.rule.window

    def _samples(self, st: _SpikeKey, at: float) -> tuple[str, ...]:
        w = self.rule.window
        return tuple(msg for t, msg in st.samples if t + w > at)

    def on_match(self, t: float, key: Key, msg: str, source: str, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None:
            if not self.make_room(self.keys):
                return
            st = self.keys[key] = _SpikeKey()
        else:
            self.keys.move_to_end(key)
        self._roll(st, t)
        st.times.append(t)
        st.samples.append((t, sample(msg)))
        st.last_seen = t
        st.source = source
        if st.firing:
            return  # more records only make it higher; the pending resolve check stands
        rule = self.rule
        if (
            t >= self.ready_at
            and (st.last_fired is None or t - st.last_fired >= rule.cooldown)
            and self._high(st)
        ):
            ev = self.event(key, "firing", t, len(st.times), self._samples(st, t), source)
            st.firing = True
            st.last_fired = t
            st.event = ev
            self.firing[key] = st
            self.engine.schedule(st.times[0] + rule.window, self, key)
            self.engine.count_firing(rule.id)
            out.append(ev)

    def on_due(self, key: Key, due: float, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None or not st.firing:
            return
        self._roll(st, due)
        if self._high(st):
            # Only a record leaving the window can end it: check again at the next one.
            self.engine.schedule(st.times[0] + self.rule.window, self, key)
            return
        st.firing = False
        st.event = None
        del self.firing[key]
        out.append(
            self.event(key, "resolved", due, len(st.times), self._samples(st, due), st.source)
        )

    def active(self, now: float) -> list[AlertEvent]:
        out = []
        w = self.rule.window
        for st in self.firing.values():
            ev = st.event
            if ev is None:
                continue
            gone = 0
            for r in st.times:  # don't pop: the pending resolve check needs them
                if r + w > now:
                    break
                gone += 1
            out.append(
                dataclasses.replace(ev, count=len(st.times) - gone, samples=self._samples(st, now))
            )
        return out


__all__ = ["SpikeRunner"]
