"""Where alerts go once the engine raised them: book, history, toasts, notifiers.

The app routes messages here; this class owns the alert book, the
notification dispatcher and the alert history, and decides what to notify
(silences and acknowledgements hold notifications, never records). Slow work
— SQLite writes, network sends — happens on the pipeline thread (history
writes from the sink), the dispatcher's own threads, or thread workers: never
on the event loop.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from logwatch_tui.core.alerts import AlertBook, AlertItem
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.rules import Rule
from logwatch_tui.ui.safe_text import inert

if TYPE_CHECKING:
    from logwatch_tui.history import AlertHistory
    from logwatch_tui.notify import DeliveryOutcome, Dispatcher
    from logwatch_tui.ui.app import LogwatchApp

log = logging.getLogger(__name__)
TOAST_SEVERITY = {
    "info": "information",
    "warning": "warning",
    "error": "error",
    "critical": "error",
}
TOAST_BURST = 3
"""More than this many toasts within TOAST_WINDOW seconds collapse into one summary."""
TOAST_WINDOW = 5.0


class DeliveryUpdate(Message):
    """A notifier reported an outcome (posted from a dispatcher thread)."""

    def __init__(self, outcome: DeliveryOutcome) -> None:
        super().__init__()
        self.outcome = outcome


class HistoryLoaded(Message):
    """Alert events of earlier runs, oldest first (posted from a worker)."""

    def __init__(self, events: list[AlertEvent], error: str | None) -> None:
        super().__init__()
        self.events = events
        self.error = error


class AlertController:
    """Alert book + history + dispatcher, driven by the app."""

    def __init__(self, app: LogwatchApp, rules: list[Rule]) -> None:
        self.app = app
        self.book = AlertBook()
        self.rules = {r.id: r for r in rules}
        self.history: AlertHistory | None = None
        self.dispatcher: Dispatcher | None = None
        self._toast_times: deque[float] = deque()
        self._suppressed = 0
        self._history_error_shown = False

    # -- lifecycle ---------------------------------------------------------------------
    def start(
        self,
        notifiers: dict,
        *,
        use_history: bool,
        history_days: float | None,
        history_rows: int | None,
    ) -> None:
        from logwatch_tui.notify import Dispatcher, NotifierConfigError

        try:
            self.dispatcher = Dispatcher(
                notifiers,
                on_outcome=self._on_outcome_thread,
                desktop_write=self._write_terminal,
            )
            self.dispatcher.start()
        except NotifierConfigError as exc:
            self.app.notify(
                f"notifications off: {exc}", title="Config", severity="error", markup=False
            )
            self.dispatcher = None
        if use_history:
            self.app.run_worker(
                lambda: self._open_history(history_days, history_rows),
                thread=True,
                group="history",
                exit_on_error=False,
            )

    def stop(self) -> None:
        if self.dispatcher is not None:
            self.dispatcher.stop(timeout=2.0)
        if self.history is not None:
            self.history.close()

    def _open_history(self, days: float | None, rows: int | None) -> None:
        from logwatch_tui.history import AlertHistory, HistoryError

        events: list[AlertEvent] = []
        error = None
        try:
            self.history = AlertHistory(retention_days=days, max_rows=rows)
            entries = self.history.recent(
                since=time.time() - 7 * 86400, limit=300, kinds=("firing", "resolved")
            )
            for entry in reversed(entries):
                ev = entry.to_event()
                if ev is not None and entry.session != self.history.session:
                    events.append(ev)
        except HistoryError as exc:
            error = str(exc)
        self.app.post_message(HistoryLoaded(events, error))

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        if message.error:
            self.app.notify(message.error, title="Alert history", severity="warning", markup=False)
        for ev in message.events:
            self.book.apply(ev, earlier_session=True)

    # -- events from the pipeline ----------------------------------------------------------
    def record(self, events: list[AlertEvent]) -> None:
        """Pipeline thread: persist events (SQLite; never on the event loop)."""
        history = self.history
        if history is None or not events:
            return
        from logwatch_tui.history import HistoryError

        for ev in events:
            try:
                history.record_event(ev)
            except HistoryError as exc:
                if not self._history_error_shown:
                    self._history_error_shown = True
                    self.app.call_from_thread(
                        self.app.notify,
                        str(exc),
                        title="Alert history",
                        severity="warning",
                        markup=False,
                    )

    def on_alerts(self, history_alerts: list[AlertEvent], live_alerts: list[AlertEvent]) -> None:
        for ev in history_alerts:
            self.book.apply(ev, from_history=True, instant=self._instant(ev))
        now = time.time()
        for ev in live_alerts:
            notify = self.book.should_notify(ev, now)
            item = self.book.apply(ev, now=now, instant=self._instant(ev))
            if not notify:
                continue
            if ev.status == "firing" and item is not None:
                self._toast(ev)
            rule = self.rules.get(ev.rule)
            if rule is not None and self.dispatcher is not None:
                self.dispatcher.submit(ev, rule.notify)

    def _instant(self, ev: AlertEvent) -> bool:
        rule = self.rules.get(ev.rule)
        return rule is not None and rule.condition == "new_pattern"

    # -- notifications --------------------------------------------------------------------
    def _on_outcome_thread(self, outcome: DeliveryOutcome) -> None:
        history = self.history
        if history is not None:
            try:
                history.record_outcome(outcome)
            except Exception:  # reported to the user on event writes; logged here
                log.warning("alert history: delivery outcome not recorded", exc_info=True)
        self.app.post_message(DeliveryUpdate(outcome))

    def on_delivery(self, message: DeliveryUpdate) -> None:
        outcome = message.outcome
        line = outcome.describe()
        fps = {ev.fingerprint() for ev in outcome.events}
        for item in self.book:  # newest first: the latest item of each rule+key
            if item.fingerprint in fps:
                item.deliveries.append(line)
                fps.discard(item.fingerprint)
        self.book.version += 1
        if outcome.status == "failed":
            self.app.notify(line, title="Notification failed", severity="error", markup=False)

    def _write_terminal(self, data: str) -> None:
        """Desktop notifier: OSC 777/9 through Textual's own output, between frames."""
        driver = self.app._driver
        if driver is None:
            return
        try:
            self.app.call_from_thread(driver.write, data)
        except RuntimeError:
            pass

    def _toast(self, ev: AlertEvent) -> None:
        if self.app.config.bell:
            self.app.bell()
        now = time.monotonic()
        times = self._toast_times
        while times and now - times[0] > TOAST_WINDOW:
            times.popleft()
        if len(times) >= TOAST_BURST:
            # A flood: one summary toast instead of burying the screen.
            if self._suppressed == 0:
                self.app.set_timer(1.0, self._flush_suppressed)
            self._suppressed += 1
            return
        times.append(now)
        key = f" [{ev.key_text}]" if ev.key else ""
        self.app.notify(
            inert((ev.summary or f"{ev.count} matching records") + key),
            title=inert(f"{ev.severity.upper()}: {ev.name}"),
            severity=TOAST_SEVERITY.get(ev.severity, "warning"),
            markup=False,
        )

    def _flush_suppressed(self) -> None:
        n, self._suppressed = self._suppressed, 0
        if n:
            self._toast_times.append(time.monotonic())
            self.app.notify(
                f"{n} more alerts fired — see the alerts pane",
                title="Alert flood",
                severity="error",
                markup=False,
            )

    # -- acknowledge / silence ----------------------------------------------------------------
    def acknowledge(self, uid: int) -> AlertItem | None:
        item = self.book.acknowledge(uid)
        if item is not None:
            self._record_action("acknowledged", item, "acknowledged by user")
        return item

    def silence(self, item: AlertItem, per_key: bool, seconds: float) -> None:
        key = item.key if per_key else None
        until = time.time() + seconds
        self.book.silence(item.rule, key, until, name=item.name)
        scope = f" for {item.key_text}" if per_key and item.key else ""
        self._record_action("silenced", item, f"silenced{scope} for {int(seconds // 60)}m by user")

    def lift_scope(self, rule: str, key) -> bool:
        lifted = self.book.lift_silence(rule, key)
        if lifted and self.history is not None:
            history = self.history
            self.app.run_worker(
                lambda: history.record_action(
                    "unsilenced",
                    rule,
                    rule=rule,
                    detail="silence lifted by user",
                    key=dict(key or ()),
                ),
                thread=True,
                group="history",
                exit_on_error=False,
            )
        return lifted

    def lift(self, item: AlertItem) -> bool:
        lifted = self.book.lift_silence(item.rule, item.key) or self.book.lift_silence(
            item.rule, None
        )
        if lifted:
            self._record_action("unsilenced", item, "silence lifted by user")
        return lifted

    def _record_action(self, kind: str, item: AlertItem, detail: str) -> None:
        history = self.history
        if history is None:
            return

        def write() -> None:
            try:
                history.record_action(
                    kind,
                    item.fingerprint,
                    rule=item.rule,
                    name=item.name,
                    detail=detail,
                    key=dict(item.key),
                )
            except Exception as exc:  # reported, not fatal
                self.app.call_from_thread(
                    self.app.notify, f"history: {exc}", severity="warning", markup=False
                )

        self.app.run_worker(write, thread=True, group="history", exit_on_error=False)

    def notify_test(self, name: str, notifiers: dict, done: Callable[[str, bool], None]) -> None:
        from logwatch_tui.notify import notify_test

        def run() -> None:
            outcome = notify_test(name, notifiers)
            self.app.call_from_thread(done, outcome.describe(), outcome.status == "delivered")

        self.app.run_worker(run, thread=True, group="notify-test", exit_on_error=False)
