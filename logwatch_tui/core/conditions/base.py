"""What every condition runner shares: the Runner contract, alert events, sample text.

A runner is one rule's condition state (windows, firing flags, a miner…).
The engine decides *which* records reach it and under which key (candidate
filtering, :mod:`logwatch_tui.core.engine`); the runner decides what those
records mean. The seam is here because the hooks below are the whole of
that conversation, so a condition family never needs to know how batches
are scanned, and the engine never needs to know what a condition counts.

The engine calls, in event time:

``start(t)``
    once, at the first record or ``advance()`` it sees after the rule was
    added (absence, new_pattern and spike measure from here);
``on_match(t, key, msg, source, out)``
    for every record that passed the rule's filters, ``t`` being its event
    time and ``key`` its group_by key;
``on_due(key, due, out)``
    when something the runner scheduled with ``engine.schedule(due, self,
    key)`` comes due (a resolve check, an absence deadline…); entries are
    lazy, so a runner re-checks and may re-schedule;
``sweep(now)``
    after each feed/advance, to drop stale keys;
``active(now)``
    for :meth:`~logwatch_tui.core.engine.RuleEngine.active`.

Runners append the events they emit to ``out`` and tell the engine about
each firing with ``engine.count_firing(rule.id)`` (the per-rule fired counts).
``alive`` turns False when the rule is edited or removed: heap entries of a
dead runner are skipped.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.rules import Rule, render_message

if TYPE_CHECKING:
    from logwatch_tui.core.engine import RuleEngine

Key = tuple[tuple[str, str], ...]
"""An alert key: ``(name, value)`` pairs in ``group_by`` order (``()`` without group_by)."""
MAX_KEYS = 10_000
"""Default cap on the keys (group_by values) one rule tracks at once. At the cap, the
least recently seen key that is not firing is forgotten to make room (and the rule's
notice says so, once); idle keys are also forgotten after their condition's horizon."""
FIRING_SLACK = 8
"""Firing keys are never forgotten (their resolution would be lost): while every old key
fires, new keys are let in past the cap, up to this many times it. Beyond that a new
key's match is dropped and the rule says so, once."""
MAX_SAMPLES = 5
SAMPLE_CHARS = 1000
"""Samples go into notifications; a 10 MB line must not."""

NEG_INF = -math.inf


def sample(msg: str | None) -> str:
    """A message as an alert sample: cut to SAMPLE_CHARS (None, from a malformed batch, is "")."""
    if msg is None:
        return ""
    return msg if len(msg) <= SAMPLE_CHARS else msg[: SAMPLE_CHARS - 1] + "…"


class Runner:
    """State and behaviour of one rule. Subclasses implement one condition each."""

    def __init__(self, rule: Rule, engine: RuleEngine) -> None:
        self.rule = rule
        self.engine = engine
        self.alive = True
        self.started = False
        self.max_keys = MAX_KEYS
        self.capped = False
        """The key cap was reached (its notice was given)."""
        self.dropping = False
        """New keys were dropped past the firing slack (its notice was given)."""

    def event(
        self,
        key: Key,
        status: str,
        at: float,
        count: int,
        samples: tuple[str, ...],
        source: str,
        *,
        window: float | None = None,
    ) -> AlertEvent:
        """An event of this rule; ``window`` overrides the rule's (an absence's real gap)."""
        rule = self.rule
        return AlertEvent(
            rule=rule.id,
            name=rule.name,
            status=status,
            severity=rule.severity,
            at=at,
            count=count,
            key=key,
            samples=samples,
            source=source,
            window=rule.window if window is None else window,
            summary=render_message(rule, count, dict(key), window=window),
        )

    def make_room(self, keys: dict) -> bool:
        """Before adding a key to ``keys`` (oldest first): at the cap, forget the least
        recently seen key that is not firing. False: no room (the oldest keys all fire)."""
        if len(keys) < self.max_keys:
            return True
        if not self.capped:
            self.capped = True
            by = ", ".join(self.rule.group_by) or "key"
            self.engine.note(
                self.rule,
                "key-cap",
                f"rule '{self.rule.name}': more than {self.max_keys:,} distinct values of "
                f"{by}; the least recently seen are forgotten",
            )
        for n, (key, st) in enumerate(keys.items()):
            if not st.firing:
                del keys[key]
                return True
            if n >= 64:
                break
        if len(keys) < self.max_keys * FIRING_SLACK:
            return True  # every old key fires: let this one in too (see FIRING_SLACK)
        if not self.dropping:
            self.dropping = True
            self.engine.note(
                self.rule,
                "key-drop",
                f"rule '{self.rule.name}': {len(keys):,} keys firing at once; matches of new "
                "keys are dropped until some resolve",
            )
        return False

    def wants(self, key: Key) -> bool:
        """Is a heap entry for ``key`` still of use? (False lets the engine drop it early.)"""
        keys = getattr(self, "keys", None)
        return keys is None or key in keys

    # condition hooks -----------------------------------------------------------------------
    def start(self, t: float) -> None:
        self.started = True

    def on_match(self, t: float, key: Key, msg: str, source: str, out: list[AlertEvent]) -> None:
        raise NotImplementedError

    def on_due(self, key: Key, due: float, out: list[AlertEvent]) -> None:
        raise NotImplementedError

    def sweep(self, now: float) -> None:
        pass

    def active(self, now: float) -> list[AlertEvent]:
        raise NotImplementedError


class KeyState:
    """Per rule+key state of a sliding-window condition (threshold, spike)."""

    __slots__ = ("times", "samples", "firing", "last_fired", "last_seen", "source", "event")

    def __init__(self) -> None:
        self.times: deque[float] = deque()
        """Times of the matching records in the window."""
        self.samples: deque[tuple[float, str]] = deque(maxlen=MAX_SAMPLES)
        self.firing = False
        self.last_fired: float | None = None
        self.last_seen = NEG_INF
        self.source = ""
        self.event: AlertEvent | None = None


class KeyedRunner(Runner):
    """A runner with per-key state in ``self.keys`` (insertion order = least recently
    seen first; subclasses move a key to the end when it is seen) that forgets keys
    idle for ``self._keep`` seconds and not firing — memory stays bounded by the
    keys active recently, however many distinct keys a log has had."""

    keys: dict
    _keep: float

    def sweep(self, now: float) -> None:
        keys = self.keys
        keep = self._keep
        while keys:
            key, st = next(iter(keys.items()))
            if st.firing or st.last_seen + keep > now:
                break
            del keys[key]


__all__ = [
    "MAX_KEYS",
    "MAX_SAMPLES",
    "NEG_INF",
    "SAMPLE_CHARS",
    "Key",
    "KeyState",
    "KeyedRunner",
    "Runner",
    "sample",
]
