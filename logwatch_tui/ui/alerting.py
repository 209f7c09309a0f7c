"""The TUI's side of alert routing: toasts and the pane's data; the routing itself is below.

:class:`~logwatch_tui.alerting.router.AlertRouter` (Textual-free, shared with
``--headless``) owns the alert book, silences, the history writer thread and
the dispatcher hand-off. This controller adds what only a screen has:
toasts (collapsed in a flood), the bell, and messages posted back to the
event loop. Slow work — SQLite, network sends — happens on the history
writer's thread, the dispatcher's threads or a thread worker: never on the
event loop, and never on the pipeline thread.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.message import Message

from logwatch_tui.alerting import AlertRouter
from logwatch_tui.core.alerts import AlertItem
from logwatch_tui.core.engine import RuleNotice
from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.rules import Rule
from logwatch_tui.ui.safe_text import inert

if TYPE_CHECKING:
    from logwatch_tui.history.store import AlertHistory
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
    """Toasts and app messages around the shared :class:`AlertRouter`."""

    def __init__(self, app: LogwatchApp, rules: list[Rule]) -> None:
        self.app = app
        self.router = AlertRouter(rules)
        self.book = self.router.book
        self._toast_times: deque[float] = deque()
        self._suppressed = 0

    @property
    def rules(self) -> dict[str, Rule]:
        return self.router.rules

    @rules.setter
    def rules(self, rules: dict[str, Rule]) -> None:
        self.router.set_rules(rules.values())

    @property
    def history(self) -> AlertHistory | None:
        writer = self.router.writer
        return writer.history if writer is not None else None

    @property
    def dispatcher(self) -> Dispatcher | None:
        return self.router.dispatcher

    # -- lifecycle ---------------------------------------------------------------------
    def start(
        self,
        notifiers: dict,
        *,
        use_history: bool,
        history_days: float | None,
        history_rows: int | None,
    ) -> None:
        from logwatch_tui.notify import NotifierConfigError

        self.router.on_outcome = self._on_outcome_thread
        self.router.on_history_error = self._on_history_error_thread
        try:
            self.router.start_dispatcher(notifiers, desktop_write=self._write_terminal)
        except NotifierConfigError as exc:
            self.app.notify(
                f"notifications off: {exc}", title="Config", severity="error", markup=False
            )
        if not use_history:
            self.router.no_history()
        else:
            self.app.run_worker(
                lambda: self._open_history(history_days, history_rows),
                thread=True,
                group="history",
                exit_on_error=False,
            )

    def stop(self) -> None:
        self.router.stop(timeout=2.0)

    def _open_history(self, days: float | None, rows: int | None) -> None:
        from logwatch_tui.history.store import HistoryError

        events: list[AlertEvent] = []
        error = None
        try:
            events = self.router.open_history(days, rows, earlier_since=time.time() - 7 * 86400)
        except HistoryError as exc:
            error = str(exc)
            self.router.no_history()
        self.app.post_message(HistoryLoaded(events, error))

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        if message.error:
            self.app.notify(message.error, title="Alert history", severity="warning", markup=False)
        for ev in message.events:
            self.book.apply(ev, earlier_session=True)

    def _on_history_error_thread(self, message: str) -> None:
        try:
            self.app.call_from_thread(
                self.app.notify, message, title="Alert history", severity="warning", markup=False
            )
        except RuntimeError:  # the app is gone (shutting down)
            pass

    # -- events from the pipeline ----------------------------------------------------------
    def on_alerts(self, history_alerts: list[AlertEvent], live_alerts: list[AlertEvent]) -> None:
        """Event loop: route (book, history queue, dispatcher); toast what was announced."""
        for announced in self.router.route(history_alerts, live_alerts):
            if announced.event.status == "firing" and announced.item is not None:
                self._toast(announced.event)

    def on_notices(self, notices: list[RuleNotice]) -> None:
        for notice in notices:
            self.app.notify(
                inert(notice.message),
                title="Rule disabled" if notice.kind == "disabled" else "Rule",
                severity="error" if notice.kind == "disabled" else "warning",
                markup=False,
                timeout=15,
            )

    # -- notifications --------------------------------------------------------------------
    def _on_outcome_thread(self, outcome: DeliveryOutcome) -> None:
        try:
            self.app.post_message(DeliveryUpdate(outcome))
        except RuntimeError:  # the app has closed: nobody to tell
            pass

    def on_delivery(self, message: DeliveryUpdate) -> None:
        outcome = message.outcome
        self.router.delivered(outcome)
        if outcome.status == "failed":
            self.app.notify(
                outcome.describe(), title="Notification failed", severity="error", markup=False
            )

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

    # -- acknowledge / silence (history writes are queued: nothing blocks) -------------------
    def acknowledge(self, uid: int) -> AlertItem | None:
        return self.router.acknowledge(uid)

    def silence(self, item: AlertItem, per_key: bool, seconds: float) -> None:
        self.router.silence(item, per_key, seconds)

    def lift_scope(self, rule: str, key) -> bool:
        return self.router.lift_scope(rule, key)

    def lift(self, item: AlertItem) -> bool:
        return self.router.lift(item)

    def notify_test(self, name: str, notifiers: dict, done: Callable[[str, bool], None]) -> None:
        from logwatch_tui.notify import notify_test

        def run() -> None:
            outcome = notify_test(name, notifiers)
            self.app.call_from_thread(done, outcome.describe(), outcome.status == "delivered")

        self.app.run_worker(run, thread=True, group="notify-test", exit_on_error=False)
