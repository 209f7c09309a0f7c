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

    @property
    def firing(self) -> bool:
        return self.resolved_at is None

    @property
    def status(self) -> str:
        return "firing" if self.firing else "resolved"

    @property
    def key_text(self) -> str:
        return " ".join(f"{k}={v}" for k, v in self.key)


class AlertBook:
    """Newest-first list of alert items, bounded."""

    def __init__(self, *, limit: int = 1000) -> None:
        self._items: deque[AlertItem] = deque(maxlen=limit)
        self._open: dict[str, AlertItem] = {}
        self._next_uid = 1
        self.version = 0
        """Bumped on every change, so views can skip redraws."""

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[AlertItem]:
        """Newest first."""
        return reversed(self._items)

    def get(self, uid: int) -> AlertItem | None:
        return next((it for it in self._items if it.uid == uid), None)

    def apply(self, event: AlertEvent, *, from_history: bool = False) -> AlertItem | None:
        fp = event.fingerprint()
        self.version += 1
        if event.status == "firing":
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
            )
            self._next_uid += 1
            self._items.append(item)
            self._open[fp] = item
            return item
        item = self._open.pop(fp, None)
        if item is not None:
            item.resolved_at = event.at
            item.count = max(item.count, event.count)
        return item

    @property
    def firing_count(self) -> int:
        return len(self._open)
