"""Getting alerts out without ever making ingestion or the screen wait.

One worker thread and one queue per notifier: ``submit`` appends under a lock
and returns, so a hung SMTP server stalls nobody but its own worker, and a
notifier that keeps failing never holds up another's alerts.

Each worker turns its queue into messages:

* ``group_wait`` collects alerts after the first one and sends one digest;
* when more than a few alerts are waiting at send time they go as one digest
  (at most ``channel.max_batch`` per message);
* a small token bucket (``flood_burst`` messages, refilled over
  ``flood_interval``) stops a flood — one rule firing for 1,000 keys — from
  becoming 1,000 mails: once the burst is spent, alerts pile up for a moment
  and leave as digests.

A failed attempt is retried with exponential backoff (``retry_base`` doubling,
capped at 60 s) until the oldest alert in the message is ``max_age`` old;
errors that retrying cannot fix (HTTP 400, a missing env var) end at once.
Every attempt's outcome goes to ``on_outcome`` — called from worker threads,
so it must be thread-safe and quick (post a message, write a line).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from logwatch_tui.core.record import AlertEvent
from logwatch_tui.notify.base import (
    DELIVERED,
    FAILED,
    RETRYING,
    Channel,
    DeliveryError,
    DeliveryOutcome,
    scrub,
)
from logwatch_tui.notify.config import (
    BUILTIN_UI_CHANNELS,
    DESKTOP,
    CommandSettings,
    DesktopSettings,
    EmailSettings,
    NotifierSpec,
    WebhookSettings,
    default_desktop_spec,
    parse_notifiers,
)
from logwatch_tui.notify.render import hostname

log = logging.getLogger(__name__)

OutcomeCallback = Callable[[DeliveryOutcome], None]

RETRY_CAP = 60.0
FEW = 3
"""Up to this many waiting alerts still go one message each (when group_wait is 0)."""
MAX_PENDING = 20_000
"""Per notifier; beyond this the oldest waiting alerts are dropped (and reported)."""
SHUTDOWN_MIN_TIMEOUT = 0.2


def unknown_reason(name: str) -> str:
    return f"no notifier named {name!r} in config"


def make_channel(
    spec: NotifierSpec,
    *,
    desktop_tty: str | None = None,
    desktop_write: Callable[[str], None] | None = None,
) -> Channel:
    """The sender for one spec (imports lazily: smtplib is not free to import)."""
    settings = spec.settings
    if isinstance(settings, EmailSettings):
        from logwatch_tui.notify.emailer import EmailChannel

        return EmailChannel(settings)
    if isinstance(settings, WebhookSettings):
        from logwatch_tui.notify.webhook import WebhookChannel

        return WebhookChannel(settings)
    if isinstance(settings, CommandSettings):
        from logwatch_tui.notify.command import CommandChannel

        return CommandChannel(settings)
    assert isinstance(settings, DesktopSettings)
    from logwatch_tui.notify.desktop import DesktopChannel

    return DesktopChannel(settings, tty_path=desktop_tty, write=desktop_write)


class _TokenBucket:
    """``burst`` sends at once, then one per ``interval / burst`` seconds."""

    def __init__(self, burst: int, interval: float) -> None:
        self.capacity = float(max(1, burst))
        self.rate = self.capacity / interval if interval > 0 else math.inf
        self.tokens = self.capacity
        self.stamp = time.monotonic()

    def _refill(self, now: float) -> None:
        if self.rate == math.inf:
            self.tokens = self.capacity
        else:
            self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_time(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens = max(0.0, self.tokens - 1.0)


class _Worker:
    """The queue and thread of one notifier."""

    def __init__(
        self,
        spec: NotifierSpec,
        channel: Channel,
        emit: Callable[[DeliveryOutcome, Channel | None], None],
        *,
        retry_base: float,
        flood_burst: int,
        flood_interval: float,
        max_pending: int,
    ) -> None:
        self.spec = spec
        self.channel = channel
        self._emit = emit
        self.retry_base = spec.retry_base if spec.retry_base is not None else retry_base
        self._max_pending = max_pending
        self._cond = threading.Condition()
        self._queue: deque[tuple[AlertEvent, float]] = deque()
        self._dropped: list[AlertEvent] = []
        self._dropped_count = 0
        self._stopping = False
        self._deadline = math.inf
        self._bucket = _TokenBucket(flood_burst, flood_interval)
        self.thread = threading.Thread(
            target=self._run, name=f"logwatch-notify-{spec.name}", daemon=True
        )

    # -- called from other threads -----------------------------------------------------

    def put(self, event: AlertEvent) -> None:
        """O(1), never blocks on I/O."""
        with self._cond:
            self._queue.append((event, time.monotonic()))
            if len(self._queue) > self._max_pending:
                old, _ = self._queue.popleft()
                self._dropped_count += 1
                if len(self._dropped) < 200:
                    self._dropped.append(old)
            self._cond.notify()

    def request_stop(self, deadline: float) -> None:
        with self._cond:
            self._stopping = True
            self._deadline = deadline
            self._cond.notify_all()

    def abandon(self, reason: str) -> None:
        """After a join timed out: report what is still waiting, so nothing vanishes."""
        with self._cond:
            left = [e for e, _ in self._queue]
            self._queue.clear()
        if left:
            self._outcome(FAILED, left, 0, reason)

    # -- worker thread -------------------------------------------------------------------

    def _outcome(
        self, status: str, events: Sequence[AlertEvent], attempt: int, reason: str
    ) -> None:
        self._emit(
            DeliveryOutcome(
                notifier=self.spec.name,
                status=status,
                events=tuple(events),
                attempt=attempt,
                reason=reason,
                at=time.time(),
            ),
            self.channel,
        )

    def _report_dropped(self) -> None:
        with self._cond:
            dropped, count = self._dropped, self._dropped_count
            self._dropped, self._dropped_count = [], 0
        if count:
            self._outcome(
                FAILED,
                dropped,
                0,
                f"queue full ({self._max_pending} alerts waiting): dropped the oldest {count}",
            )

    def _run(self) -> None:
        try:
            while True:
                self._report_dropped()
                batches = self._next_round()
                if batches is None:
                    break
                for batch in batches:
                    self._deliver(batch)
            self._report_dropped()
        except Exception:  # pragma: no cover - a bug; say so instead of dying silently
            log.exception("notifier %s crashed", self.spec.name)
            with self._cond:
                left = [e for e, _ in self._queue]
                self._queue.clear()
            self._outcome(FAILED, left, 0, "internal error in the notifier (see log)")

    def _next_round(self) -> list[list[tuple[AlertEvent, float]]] | None:
        """Block until something should be sent; the messages to send (None: stopped, drained)."""
        cond = self._cond
        with cond:
            while not self._queue and not self._stopping:
                cond.wait()
            if not self._queue:
                return None
            if self._stopping and time.monotonic() >= self._deadline:
                left = [e for e, _ in self._queue]
                self._queue.clear()
                expired = True
            else:
                expired = False
                if self.spec.group_wait > 0:
                    # A full digest is ready: waiting longer only delays it.
                    until = self._queue[0][1] + self.spec.group_wait
                    while (
                        not self._stopping
                        and not self._dropped_count
                        and len(self._queue) < self.channel.max_batch
                        and (rest := until - time.monotonic()) > 0
                    ):
                        cond.wait(rest)
                while (
                    not self._stopping
                    and not self._dropped_count
                    and (rest := self._bucket.wait_time(time.monotonic())) > 0
                ):
                    cond.wait(rest)
                if self._dropped_count and not self._stopping:
                    return []  # report the loss now, then come back to wait
                # One round takes everything waiting and costs one token: a
                # backlog leaves as consecutive digests instead of trickling.
                items = list(self._queue)
                self._queue.clear()
                self._bucket.take(time.monotonic())
        if expired:
            self._outcome(FAILED, left, 0, "not sent: shutting down")
            return None
        if len(items) <= FEW and self.spec.group_wait == 0:
            return [[item] for item in items]
        size = self.channel.max_batch
        return [items[i : i + size] for i in range(0, len(items), size)]

    def _deliver(self, batch: list[tuple[AlertEvent, float]]) -> None:
        events = tuple(e for e, _ in batch)
        give_up_at = min(t for _, t in batch) + self.spec.max_age
        attempt = 0
        while True:
            attempt += 1
            timeout = self.spec.timeout
            with self._cond:
                stopping, deadline = self._stopping, self._deadline
            if stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    self._outcome(FAILED, events, attempt - 1, "not sent: shutting down")
                    return
                timeout = max(SHUTDOWN_MIN_TIMEOUT, min(timeout, left))
            try:
                note = self.channel.send(events, timeout=timeout)
            except DeliveryError as exc:
                err = exc
            except Exception as exc:  # a bug in a channel must not kill the worker
                log.exception("notifier %s: unexpected error", self.spec.name)
                err = DeliveryError(f"internal error: {type(exc).__name__}", final=True)
            else:
                self._outcome(DELIVERED, events, attempt, note or "")
                return
            if err.final:
                self._outcome(FAILED, events, attempt, err.reason)
                return
            with self._cond:
                stopping = self._stopping
            if stopping:
                self._outcome(FAILED, events, attempt, f"{err.reason}; not retried: shutting down")
                return
            delay = min(self.retry_base * 2 ** (attempt - 1), RETRY_CAP)
            if err.retry_after is not None:
                delay = max(delay, min(err.retry_after, RETRY_CAP))
            if time.monotonic() + delay > give_up_at:
                self._outcome(
                    FAILED,
                    events,
                    attempt,
                    f"{err.reason}; gave up after {attempt} attempt{'s' * (attempt > 1)}",
                )
                return
            self._outcome(RETRYING, events, attempt, f"{err.reason}; next attempt in {delay:.3g}s")
            until = time.monotonic() + delay
            with self._cond:
                # Shutting down cuts the wait short: one last attempt, then stop.
                while not self._stopping and (rest := until - time.monotonic()) > 0:
                    self._cond.wait(rest)


class Dispatcher:
    """Delivers alerts to the notifiers named in ``[notifiers]``; see the module doc.

    ``names`` lists every notifier a rule may name (the file's, plus the
    built-in ``desktop``); ``toast`` and ``bell`` belong to the UI and are
    skipped here.
    """

    def __init__(
        self,
        notifiers: dict[str, Any] | None,
        *,
        on_outcome: OutcomeCallback | None = None,
        retry_base: float = 1.0,
        flood_burst: int = 5,
        flood_interval: float = 10.0,
        max_pending: int = MAX_PENDING,
        desktop_tty: str | None = None,
        desktop_write: Callable[[str], None] | None = None,
    ) -> None:
        """Validates the whole table now (raises :class:`NotifierConfigError`)."""
        specs = parse_notifiers(notifiers or {})
        if DESKTOP not in specs:
            specs[DESKTOP] = default_desktop_spec()
        self.specs = specs
        self.names: list[str] = list(specs)
        self._on_outcome = on_outcome
        self._lock = threading.Lock()
        self._started = False
        self._stopped = False
        self._workers: dict[str, _Worker] = {
            name: _Worker(
                spec,
                make_channel(spec, desktop_tty=desktop_tty, desktop_write=desktop_write),
                self._emit,
                retry_base=retry_base,
                flood_burst=flood_burst,
                flood_interval=flood_interval,
                max_pending=max_pending,
            )
            for name, spec in specs.items()
        }
        hostname()  # resolve once here, not inside the first alert's send

    def _emit(self, outcome: DeliveryOutcome, channel: Channel | None) -> None:
        if channel is not None:
            secrets = channel.secrets()
            if secrets:
                outcome = DeliveryOutcome(
                    notifier=outcome.notifier,
                    status=outcome.status,
                    events=outcome.events,
                    attempt=outcome.attempt,
                    reason=scrub(outcome.reason, secrets),
                    at=outcome.at,
                )
        if self._on_outcome is None:
            return
        try:
            self._on_outcome(outcome)
        except Exception:
            log.exception("on_outcome callback failed")

    def start(self) -> None:
        with self._lock:
            if self._started or self._stopped:
                return
            self._started = True
            for w in self._workers.values():
                w.thread.start()

    def submit(self, event: AlertEvent, channels: Iterable[str]) -> None:
        """Queue ``event`` for each named channel and return at once."""
        for name in dict.fromkeys(channels):
            if name in BUILTIN_UI_CHANNELS:
                continue
            worker = self._workers.get(name)
            if worker is None:
                self._emit(
                    DeliveryOutcome(name, FAILED, (event,), 0, unknown_reason(name), time.time()),
                    None,
                )
                continue
            if self._stopped:
                self._emit(
                    DeliveryOutcome(name, FAILED, (event,), 0, "not sent: shut down", time.time()),
                    None,
                )
                continue
            if worker.spec.wants(event.severity, event.status):
                worker.put(event)

    def stop(self, timeout: float = 5.0) -> None:
        """Send what is waiting once (no retries, short deadline), then join the threads.

        Whatever still cannot go is reported as ``failed``, so nothing vanishes
        without a trace.
        """
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            started = self._started
        deadline = time.monotonic() + timeout
        if not started:
            for w in self._workers.values():
                w.abandon("not sent: notifications were never started")
            return
        for w in self._workers.values():
            w.request_stop(deadline)
        for w in self._workers.values():
            w.thread.join(max(0.0, deadline - time.monotonic()))
        for w in self._workers.values():
            if w.thread.is_alive():
                w.abandon("not sent: shutting down while the notifier was busy")


SAMPLE_SUMMARY = "If you can read this, the notifier works."


def sample_event() -> AlertEvent:
    """What ``notify-test`` sends: obviously a test, shaped like a real alert."""
    return AlertEvent(
        rule="notify-test",
        name="Test notification from logwatch-tui",
        status="firing",
        severity="info",
        at=time.time(),
        count=1,
        key=(("host", hostname()),),
        samples=("This is a test alert sent by `logwatch-tui notify-test`.",),
        source="notify-test",
        window=60.0,
        summary=SAMPLE_SUMMARY,
    )


def notify_test(
    name: str,
    notifiers: dict[str, Any] | None,
    *,
    timeout: float | None = None,
    desktop_tty: str | None = None,
) -> DeliveryOutcome:
    """Send one sample alert through one notifier, now, once (no retry, no filters).

    Raises :class:`NotifierConfigError` for a broken ``[notifiers]`` table, like
    the dispatcher would at start-up.
    """
    specs = parse_notifiers(notifiers or {})
    if DESKTOP not in specs:
        specs[DESKTOP] = default_desktop_spec()
    event = sample_event()
    spec = specs.get(name)
    if spec is None:
        reason = unknown_reason(name)
        if name in BUILTIN_UI_CHANNELS:
            reason = f"{name!r} is shown by the TUI itself; there is nothing to send"
        return DeliveryOutcome(name, FAILED, (event,), 0, reason, time.time())
    channel = make_channel(spec, desktop_tty=desktop_tty)
    try:
        note = channel.send((event,), timeout=timeout if timeout is not None else spec.timeout)
    except DeliveryError as exc:
        status, reason = FAILED, exc.reason
    else:
        status, reason = DELIVERED, note or ""
    return DeliveryOutcome(name, status, (event,), 1, scrub(reason, channel.secrets()), time.time())
