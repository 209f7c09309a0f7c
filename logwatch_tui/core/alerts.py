"""Alert instances as a person sees them: fired at, resolved at, samples.

The engine emits events (firing, resolved); the :class:`AlertBook` turns them
into one :class:`AlertItem` per firing, updated in place when it resolves. The
alerts pane, the alert detail and (later) acknowledgement and history all read
from here. Pure: no UI, no I/O.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field

from logwatch_tui.core.record import AlertEvent


@dataclass(slots=True)
class AlertItem:
    """One firing of one rule+key, and what became of it."""

    uid: int
    rule: str
    name: str
    severity: str
    key: tuple[tuple[str, str], ...]
    fired_at: float
    count: int
    samples: tuple[str, ...]
    source: str
    window: float
    summary: str
    fingerprint: str
    resolved_at: float | None = None
    from_history: bool = False
    """Raised by content that existed before we started (shown, not notified)."""
    deliveries: list[str] = field(default_factory=list)
    """Notification outcomes, one line each (filled by the notifier wiring)."""
    acknowledged: bool = False
    """Someone saw it: no more notifications for this rule+key until it resolves."""
    silenced: bool = False
    """It fired while its rule (or rule+key) was silenced: recorded, not notified."""
    earlier_session: bool = False
    """Loaded from the alert history of an earlier run."""

    @property
    def firing(self) -> bool:
        """Still firing now (an unresolved alert of an earlier run is not: we cannot know)."""
        return self.resolved_at is None and not self.earlier_session

    @property
    def status(self) -> str:
        return "firing" if self.firing else "resolved"

    @property
    def key_text(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.key)


Key = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Silence:
    """Notifications for ``rule`` (and only ``key``, when given) are held until ``until``."""

    rule: str
    key: Key | None
    until: float
    name: str = ""

    def covers(self, rule: str, key: Key) -> bool:
        return self.rule == rule and (self.key is None or self.key == key)

    def describe(self, now: float) -> str:
        left = max(0, int(self.until - now))
        h, rest = divmod(left, 3600)
        m, s = divmod(rest, 60)
        span = f"{h}h{m:02d}m" if h else (f"{m}m{s:02d}s" if m else f"{s}s")
        scope = self.name or self.rule
        if self.key:
            scope += " " + " ".join(f"{k}={v}" for k, v in self.key)
        return f"{scope}: {span} left"


class AlertBook:
    """Newest-first list of alert items, bounded; acknowledgements and silences.

    Silenced or acknowledged alerts are still recorded — they are only kept
    from being *notified* (:meth:`should_notify`).
    """

    def __init__(self, *, limit: int = 1000) -> None:
        self._items: deque[AlertItem] = deque(maxlen=limit)
        self._open: dict[str, AlertItem] = {}
        self._open_earlier: dict[str, AlertItem] = {}
        self._next_uid = 1
        self.silences: list[Silence] = []
        self.version = 0
        """Bumped on every change, so views can skip redraws."""

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[AlertItem]:
        """Newest first."""
        return reversed(self._items)

    def get(self, uid: int) -> AlertItem | None:
        return next((it for it in self._items if it.uid == uid), None)

    def apply(
        self,
        event: AlertEvent,
        *,
        from_history: bool = False,
        earlier_session: bool = False,
        now: float | None = None,
        instant: bool = False,
    ) -> AlertItem | None:
        """Fold one engine event in. ``instant``: the condition has no ongoing state
        (``new_pattern``), so the item is over as soon as it fired."""
        fp = event.fingerprint()
        self.version += 1
        # Items of earlier runs are tracked apart: a new firing today is a new item,
        # never a "repeat" of something that was open when the previous run ended.
        open_items = self._open_earlier if earlier_session else self._open
        if event.status == "firing":
            previous = open_items.get(fp)
            if previous is not None and previous.firing:
                # a repeat (absence re-firing, new pattern): keep the one item up to date
                previous.count = event.count
                previous.samples = event.samples or previous.samples
                return previous
            item = AlertItem(
                uid=self._next_uid,
                rule=event.rule,
                name=event.name,
                severity=event.severity,
                key=event.key,
                fired_at=event.at,
                count=event.count,
                samples=event.samples,
                source=event.source,
                window=event.window,
                summary=event.summary,
                fingerprint=fp,
                from_history=from_history,
                earlier_session=earlier_session,
                silenced=not earlier_session
                and self.silence_for(event.rule, event.key, now if now is not None else event.at)
                is not None,
            )
            self._next_uid += 1
            self._items.append(item)
            if instant:
                item.resolved_at = event.at
            else:
                open_items[fp] = item
            return item
        item = open_items.pop(fp, None)
        if item is not None:
            item.resolved_at = event.at
            item.count = max(item.count, event.count)
        return item

    def refresh(self, active: list[AlertEvent]) -> bool:
        """Bring firing items up to the engine's live counts (``RuleEngine.active()``).

        A threshold alert fires once at its threshold; while it goes on firing
        its count and samples keep moving, and the pane shows them. Returns
        True when something changed.
        """
        changed = False
        for ev in active:
            item = self._open.get(ev.fingerprint())
            if item is None or not item.firing:
                continue
            if item.count != ev.count or (ev.samples and item.samples != ev.samples):
                item.count = ev.count
                if ev.samples:
                    item.samples = ev.samples
                changed = True
        if changed:
            self.version += 1
        return changed

    @property
    def firing_count(self) -> int:
        return len(self._open)

    # -- lifecycle ------------------------------------------------------------------------
    def acknowledge(self, uid: int) -> AlertItem | None:
        item = self.get(uid)
        if item is None or not item.firing or item.acknowledged:
            return None
        item.acknowledged = True
        self.version += 1
        return item

    def silence(self, rule: str, key: Key | None, until: float, *, name: str = "") -> Silence:
        """Hold notifications for a rule (or one rule+key) until ``until``; replaces an
        existing silence of the same scope."""
        self.silences = [s for s in self.silences if not (s.rule == rule and s.key == key)]
        sil = Silence(rule, key, until, name)
        self.silences.append(sil)
        self.version += 1
        return sil

    def lift_silence(self, rule: str, key: Key | None) -> bool:
        before = len(self.silences)
        self.silences = [s for s in self.silences if not (s.rule == rule and s.key == key)]
        self.version += 1
        return len(self.silences) != before

    def active_silences(self, now: float) -> list[Silence]:
        expired = [s for s in self.silences if s.until <= now]
        if expired:
            self.silences = [s for s in self.silences if s.until > now]
            self.version += 1
        return list(self.silences)

    def silence_for(self, rule: str, key: Key, now: float) -> Silence | None:
        return next((s for s in self.silences if s.until > now and s.covers(rule, key)), None)

    def should_notify(self, event: AlertEvent, now: float) -> bool:
        """Silenced rules/keys and acknowledged alerts are recorded but not notified.

        A resolve of an acknowledged alert is still notified (people want to
        know it is over); everything of a silenced rule+key is held.
        """
        if self.silence_for(event.rule, event.key, now) is not None:
            return False
        if event.status == "firing":
            item = self._open.get(event.fingerprint())
            if item is not None and item.acknowledged:
                return False
        return True
