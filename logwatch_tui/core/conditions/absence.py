"""The ``absence`` condition: no matching record for ``window``.

absence
    Fires when no matching record arrived for ``window``, measured from the
    rule's start (the first record or ``advance()`` the engine sees after the
    rule was added) or from the last match: ``at = start/last match +
    window``. The next match resolves it (``at`` = that record's time,
    ``count`` 1). While the silence lasts it fires again every further
    ``window`` (but not sooner than ``cooldown`` after the previous firing;
    the cooldown also delays a firing after a quick resolve). When a clock
    tick (``advance()``, live mode) jumps over several windows at once (a
    suspended laptop), it fires once for the whole gap: ``at`` = the first
    missed deadline, the event's ``window`` (and ``{window}`` in its message)
    = the silence so far; the next firing is a ``window`` after the jump.
    Records' own timestamps (a replayed log) keep one firing per window:
    they say when each window really passed. With group_by,
    absence is tracked per key seen so far (a key is forgotten only at the
    rule's key cap, least recently matched first).

Absence is the one condition driven by the clock rather than by records (a
deadline per key on the engine's heap), which is why it stands apart.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from logwatch_tui.core.conditions.base import Key, Runner, sample
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.rules import Rule

if TYPE_CHECKING:
    from logwatch_tui.core.engine import RuleEngine


class _AbsenceKey:
    __slots__ = ("base", "firing", "last_fired", "source", "event")

    def __init__(self, base: float) -> None:
        self.base = base
        """Start, last match or last firing: silence is measured from here."""
        self.firing = False
        self.last_fired: float | None = None
        self.source = ""
        self.event: AlertEvent | None = None


class AbsenceRunner(Runner):
    def __init__(self, rule: Rule, engine: RuleEngine) -> None:
        super().__init__(rule, engine)
        # Ordered by last match (move_to_end): the key cap forgets the front first.
        self.keys: OrderedDict[Key, _AbsenceKey] = OrderedDict()

    def _deadline(self, st: _AbsenceKey) -> float:
        d = st.base + self.rule.window
        if st.last_fired is not None:
            d = max(d, st.last_fired + self.rule.cooldown)
        return d

    def start(self, t: float) -> None:
        self.started = True
        if not self.rule.group_by:
            st = self.keys[()] = _AbsenceKey(t)
            self.engine.schedule(self._deadline(st), self, ())

    def on_match(self, t: float, key: Key, msg: str, source: str, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None:
            if not self.make_room(self.keys):
                return
            st = self.keys[key] = _AbsenceKey(t)
            self.engine.schedule(self._deadline(st), self, key)
        else:
            self.keys.move_to_end(key)
            if st.firing:
                st.firing = False
                st.event = None
                out.append(self.event(key, "resolved", t, 1, (sample(msg),), source))
            st.base = t  # the deadline moved later; re-scheduled lazily when the old one comes due
        st.source = source

    def on_due(self, key: Key, due: float, out: list[AlertEvent]) -> None:
        st = self.keys.get(key)
        if st is None:
            return
        real = self._deadline(st)
        if real <= due:
            now = self.engine.now
            silent_since = st.base
            st.base = real
            st.last_fired = real
            window = None
            if self.engine.ticking and now is not None and self._deadline(st) <= now:
                # Catch-up (a suspended laptop): the clock jumped over several windows at
                # once. One firing, with the gap's length, instead of one per missed window
                # all at the same moment.
                window = now - silent_since
                st.base = now
            ev = self.event(key, "firing", real, 0, (), st.source, window=window)
            st.firing = True
            st.event = ev
            self.engine.count_firing(self.rule.id)
            out.append(ev)
            real = self._deadline(st)
        self.engine.schedule(real, self, key)

    def active(self, now: float) -> list[AlertEvent]:
        return [st.event for st in self.keys.values() if st.firing and st.event is not None]


__all__ = ["AbsenceRunner"]
