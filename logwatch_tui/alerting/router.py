"""Where alerts go once the engine raised them: book, silences, history, dispatcher.

One router for ``--headless`` and the TUI (which adds only toasts and the
pane on top): the same decisions in both, made once.

- Every event goes into the alert book and (queued, on the history writer's
  own thread) into the alert history.
- Events found in content that existed at start are shown, not announced
  (unless ``replay``). An incident that started there is never announced
  in parts: its later ``resolved`` is recorded but neither announced nor
  sent, since nobody was told it fired.
- Silences and acknowledgements hold notifications, never records.
- What is announced goes to the dispatcher (per-notifier threads) and back
  to the caller, who prints it (headless) or toasts it (TUI).

Textual-free and thread-agnostic: the caller decides which thread calls it
(the TUI's event loop, headless's pipeline thread), and nothing here blocks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from logwatch_tui.core.alerts import AlertBook, AlertItem
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.rules import Rule

if TYPE_CHECKING:
    from logwatch_tui.alerting.history_writer import HistoryWriter
    from logwatch_tui.history.store import AlertHistory
    from logwatch_tui.notify import DeliveryOutcome, Dispatcher

Key = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Announced:
    """An event the router announced (sent to notifiers): print or toast it."""

    event: AlertEvent
    item: AlertItem | None


MAX_UNWRITTEN = 100_000
"""Events kept for a history that is still opening (beyond it, they are not recorded)."""


class AlertRouter:
    """Alert book + silences + history writer + dispatcher hand-off."""

    def __init__(self, rules: Iterable[Rule] = (), *, book: AlertBook | None = None) -> None:
        self.book = book if book is not None else AlertBook()
        self.rules: dict[str, Rule] = {r.id: r for r in rules}
        self.dispatcher: Dispatcher | None = None
        self.writer: HistoryWriter | None = None
        self.on_outcome: Callable[[DeliveryOutcome], None] | None = None
        """Called (on a dispatcher thread) with every delivery outcome, after it is queued
        for the history."""
        self.on_history_error: Callable[[str], None] | None = None
        """Called (on the writer thread) with the first history write problem."""
        self._unannounced: set[tuple[str, Key]] = set()
        """Rule+keys whose firing came from pre-existing content and was not announced."""
        self._unwritten: list[AlertEvent] | None = []
        """Events routed before the history was attached (the TUI opens it off the event
        loop while the pipeline already replays the file): written when it attaches.
        None once attached, or when there will be no history (:meth:`no_history`)."""
        self._attach_lock = threading.Lock()

    # -- set-up ----------------------------------------------------------------------------
    def set_rules(self, rules: Iterable[Rule]) -> None:
        self.rules = {r.id: r for r in rules}

    def start_dispatcher(
        self, notifiers: dict, *, desktop_write: Callable[[str], None] | None = None
    ) -> None:
        """Start the notifiers (raises NotifierConfigError for a bad config)."""
        from logwatch_tui.notify import Dispatcher

        kw: dict[str, Any] = {"on_outcome": self._outcome}
        if desktop_write is not None:
            kw["desktop_write"] = desktop_write
        dispatcher = Dispatcher(notifiers, **kw)
        dispatcher.start()
        self.dispatcher = dispatcher

    def open_history(
        self,
        days: float | None,
        rows: int | None,
        *,
        path: str | None = None,
        earlier_since: float | None = None,
    ) -> list[AlertEvent]:
        """Open the history and its writer thread; return earlier sessions' events, oldest first.

        Raises HistoryError (the caller reports it and runs without history).
        Blocking (SQLite): call it off any event loop.
        """
        from logwatch_tui.history.store import AlertHistory

        history = AlertHistory(path, retention_days=days, max_rows=rows)
        self.attach_history(history)
        if earlier_since is None:
            return []
        entries = history.recent(since=earlier_since, limit=300, kinds=("firing", "resolved"))
        events = []
        for entry in reversed(entries):
            ev = entry.to_event()
            if ev is not None and entry.session != history.session:
                events.append(ev)
        return events

    def attach_history(self, history: AlertHistory) -> None:
        from logwatch_tui.alerting.history_writer import HistoryWriter

        writer = HistoryWriter(history, on_error=self._history_error)
        with self._attach_lock:
            early, self._unwritten = self._unwritten, None
            self.writer = writer
        if early:
            writer.events(early)

    def no_history(self) -> None:
        """There will be no history (off, or it failed to open): stop keeping events for it."""
        with self._attach_lock:
            self._unwritten = None

    def _history_error(self, message: str) -> None:
        if self.on_history_error is not None:
            self.on_history_error(message)

    def stop(self, timeout: float = 2.0, *, history_timeout: float | None = None) -> None:
        """Send what is waiting (``timeout``), then write what is queued (``history_timeout``)."""
        if self.dispatcher is not None:
            self.dispatcher.stop(timeout=timeout)
        if self.writer is not None:
            self.writer.close(timeout=timeout if history_timeout is None else history_timeout)

    # -- events ------------------------------------------------------------------------------
    def route(
        self,
        history_alerts: list[AlertEvent],
        live_alerts: list[AlertEvent],
        *,
        replay: bool = False,
        now: float | None = None,
    ) -> list[Announced]:
        """Fold a pipeline update's alerts in; return what was announced, in order.

        ``replay``: events from pre-existing content are announced too (headless
        ``--replay``).
        """
        writer = self.writer
        if writer is None:
            with self._attach_lock:
                writer = self.writer
                pending = self._unwritten
                if writer is None and pending is not None and len(pending) < MAX_UNWRITTEN:
                    pending += history_alerts + live_alerts
        if writer is not None:
            writer.events(history_alerts)
            writer.events(live_alerts)
        if replay:
            live_alerts = history_alerts + live_alerts
            history_alerts = []
        book = self.book
        for ev in history_alerts:
            book.apply(ev, from_history=True, instant=self._instant(ev))
            fp = (ev.rule, ev.key)
            if ev.status == "firing" and not self._instant(ev):
                self._unannounced.add(fp)
            elif ev.status == "resolved":
                self._unannounced.discard(fp)
        now = time.time() if now is None else now
        out: list[Announced] = []
        for ev in live_alerts:
            fp = (ev.rule, ev.key)
            if fp in self._unannounced:
                self._unannounced.discard(fp)
                if ev.status == "resolved":
                    # Its firing was in content that existed at start and never announced:
                    # a lone "resolved" would tell half a story. Recorded, shown, not sent.
                    book.apply(ev, now=now, instant=self._instant(ev))
                    continue
            notify = book.should_notify(ev, now)
            item = book.apply(ev, now=now, instant=self._instant(ev))
            if not notify:
                continue
            out.append(Announced(ev, item))
            rule = self.rules.get(ev.rule)
            if rule is not None and self.dispatcher is not None:
                self.dispatcher.submit(ev, rule.notify)
        return out

    def refresh(self, active: list[AlertEvent]) -> bool:
        """Live counts of firing alerts (the pipeline's snapshot of ``engine.active()``)."""
        return self.book.refresh(active)

    def _instant(self, ev: AlertEvent) -> bool:
        rule = self.rules.get(ev.rule)
        return rule is not None and rule.condition == "new_pattern"

    # -- deliveries ----------------------------------------------------------------------------
    def _outcome(self, outcome: DeliveryOutcome) -> None:
        if self.writer is not None:
            self.writer.outcome(outcome)
        if self.on_outcome is not None:
            self.on_outcome(outcome)

    def delivered(self, outcome: DeliveryOutcome) -> None:
        """Note a delivery outcome on the latest item of each rule+key it carried."""
        line = outcome.describe()
        fps = {ev.fingerprint() for ev in outcome.events}
        for item in self.book:  # newest first
            if item.fingerprint in fps:
                item.deliveries.append(line)
                fps.discard(item.fingerprint)
        self.book.version += 1

    # -- what people do ------------------------------------------------------------------------
    def acknowledge(self, uid: int) -> AlertItem | None:
        item = self.book.acknowledge(uid)
        if item is not None:
            self._action("acknowledged", item, "acknowledged by user")
        return item

    def silence(self, item: AlertItem, per_key: bool, seconds: float) -> None:
        key = item.key if per_key else None
        self.book.silence(item.rule, key, time.time() + seconds, name=item.name)
        scope = f" for {item.key_text}" if per_key and item.key else ""
        self._action("silenced", item, f"silenced{scope} for {int(seconds // 60)}m by user")

    def lift_scope(self, rule: str, key: Key | None) -> bool:
        lifted = self.book.lift_silence(rule, key)
        if lifted and self.writer is not None:
            self.writer.action(
                "unsilenced", rule, rule=rule, detail="silence lifted by user", key=dict(key or ())
            )
        return lifted

    def lift(self, item: AlertItem) -> bool:
        lifted = self.book.lift_silence(item.rule, item.key) or self.book.lift_silence(
            item.rule, None
        )
        if lifted:
            self._action("unsilenced", item, "silence lifted by user")
        return lifted

    def _action(self, kind: str, item: AlertItem, detail: str) -> None:
        if self.writer is None:
            return
        self.writer.action(
            kind,
            item.fingerprint,
            rule=item.rule,
            name=item.name,
            detail=detail,
            key=dict(item.key),
        )


__all__ = ["AlertRouter", "Announced"]
