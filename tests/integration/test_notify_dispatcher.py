"""Dispatcher behaviour (filters, shutdown, isolation) and the desktop channel."""

from __future__ import annotations

import os
import select
import time
from pathlib import Path

import pytest

from logwatch_tui.notify import Dispatcher, notify_test
from tests.integration.notify_servers import HookServer, Outcomes, always, event, wait_for


@pytest.fixture(autouse=True)
def _no_desktop_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never pop real desktop notifications from a test run."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)


def hook(url: str, **extra: object) -> dict:
    return {"type": "webhook", "url": url, "timeout": "2s", **extra}


# -- desktop -----------------------------------------------------------------------------


def test_desktop_writes_osc_sequences_without_control_characters(tmp_path: Path) -> None:
    tty = tmp_path / "tty"
    tty.touch()
    outcomes = Outcomes()
    nasty = event(
        name="Disk\x07 full;rm",
        key=(("path", "/var\x1b]0;pwned\x07\x9b31m;x"),),
        summary="bad \x1b[2J\x1b]777;notify;fake;fake\x1b\\ stuff\r\nmore",
    )
    d = Dispatcher({}, on_outcome=outcomes, desktop_tty=str(tty))
    d.start()
    d.submit(nasty, ["desktop"])
    assert wait_for(lambda: outcomes.final("desktop"))
    d.stop()
    [out] = outcomes.of("desktop")
    assert out.status == "delivered" and "terminal" in out.reason
    data = tty.read_text()
    assert data.startswith("\x1b]777;notify;logwatch-tui: FIRING error;")
    assert "\x1b]9;logwatch-tui: FIRING error: " in data
    # Exactly our two sequences: 2 ESC ] openers and 2 ESC \ terminators, no other ESC/BEL/C1.
    assert data.count("\x1b") == 4
    assert data.count("\x1b]") == 2 and data.count("\x1b\\") == 2
    assert not any(ch in data for ch in "\x07\x9b\r\n")
    osc777 = data[: data.index("\x1b\\")]
    assert osc777.count(";") == 3  # 777 ; notify ; TITLE ; BODY — nothing from the log
    # Text kept, controls shown as the stand-ins the TUI and CLI use; no ";" from the log.
    assert "Disk\u2407 fullrm path=/var\u241b]0pwned\u2407\ufffd31mx - bad \u241b[2J" in osc777
    assert "\u241b]777notifyfakefake\u241b\\ stuff more" in osc777


def test_desktop_on_a_real_pty() -> None:
    master, slave = os.openpty()
    try:
        out = notify_test("desktop", {}, desktop_tty=os.ttyname(slave))
        assert out.status == "delivered"
        received = b""
        deadline = time.monotonic() + 5
        while not received.endswith(b"\x1b\\") or b"\x1b]9;" not in received:
            ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                break
            received += os.read(master, 4096)
        assert b"\x1b]777;notify;logwatch-tui: FIRING info;" in received
        assert b"\x1b]9;" in received
    finally:
        os.close(master)
        os.close(slave)


def test_desktop_without_tty_or_session_fails_clearly(tmp_path: Path) -> None:
    out = notify_test("desktop", {}, desktop_tty=str(tmp_path / "missing" / "tty"))
    assert out.status == "failed"
    assert "no terminal" in out.reason and "notify-send" in out.reason


# -- dispatcher ------------------------------------------------------------------------------


def test_filters_min_severity_and_resolved() -> None:
    outcomes = Outcomes()
    with HookServer() as srv:
        config = {"h": hook(srv.url, min_severity="error", resolved=False)}
        d = Dispatcher(config, on_outcome=outcomes, retry_base=0.05)
        d.start()
        d.submit(event(severity="warning", key=(("n", "warn"),)), ["h"])
        d.submit(event(severity="error", status="resolved", key=(("n", "res"),)), ["h"])
        d.submit(event(severity="critical", key=(("n", "crit"),)), ["h"])
        assert wait_for(lambda: outcomes.final("h"))
        d.stop()
    assert [r.json()["key"]["n"] for r in srv.requests] == ["crit"]
    assert outcomes.statuses("h") == ["delivered"]


def test_stop_flushes_what_is_waiting() -> None:
    outcomes = Outcomes()
    with HookServer() as srv:
        d = Dispatcher({"h": hook(srv.url, group_wait="1h")}, on_outcome=outcomes)
        d.start()
        for i in range(3):
            d.submit(event(key=(("n", str(i)),)), ["h"])
        assert srv.count() == 0  # held back by group_wait
        d.stop(timeout=3)
        assert srv.count() == 1
    [out] = outcomes.of("h")
    assert out.status == "delivered" and len(out.events) == 3


def test_stop_does_not_retry_and_reports_what_failed() -> None:
    outcomes = Outcomes()
    with HookServer(always(500)) as srv:
        d = Dispatcher({"h": hook(srv.url, group_wait="1h")}, on_outcome=outcomes)
        d.start()
        d.submit(event(), ["h"])
        d.stop(timeout=2)
    [out] = outcomes.of("h")
    assert out.status == "failed" and "shutting down" in out.reason
    assert srv.count() == 1


def test_failing_notifier_does_not_hold_up_another() -> None:
    outcomes = Outcomes()
    with HookServer(always(503)) as bad, HookServer() as good:
        d = Dispatcher(
            {"bad": hook(bad.url, max_age="1h"), "good": hook(good.url)},
            on_outcome=outcomes,
            retry_base=0.05,
        )
        d.start()
        for i in range(5):
            d.submit(event(key=(("n", str(i)),)), ["bad", "good"])
        got = lambda: sum(  # noqa: E731
            len(o.events) for o in outcomes.of("good") if o.status == "delivered"
        )
        assert wait_for(lambda: got() == 5)
        assert wait_for(lambda: len(outcomes.of("bad")) >= 3)
        assert all(o.status == "retrying" for o in outcomes.of("bad"))
        d.stop(timeout=2)
    assert outcomes.final("bad")  # reported at shutdown, not silently dropped


def test_queue_overflow_is_reported() -> None:
    outcomes = Outcomes()
    with HookServer() as srv:
        d = Dispatcher({"h": hook(srv.url, group_wait="1h")}, on_outcome=outcomes, max_pending=10)
        d.start()
        for i in range(15):
            d.submit(event(key=(("n", str(i)),)), ["h"])
        assert wait_for(lambda: outcomes.of("h"))  # reported at once, not after group_wait
        assert srv.count() == 0
        d.stop(timeout=3)
    dropped, sent = outcomes.of("h")
    assert dropped.status == "failed" and "dropped the oldest 5" in dropped.reason
    assert [e.key_dict["n"] for e in dropped.events] == ["0", "1", "2", "3", "4"]
    assert sent.status == "delivered" and len(sent.events) == 10


def test_submit_before_start_and_after_stop() -> None:
    outcomes = Outcomes()
    with HookServer() as srv:
        d = Dispatcher({"h": hook(srv.url)}, on_outcome=outcomes)
        d.submit(event(), ["h"])  # queued until start
        d.start()
        assert wait_for(lambda: outcomes.final("h"))
        d.stop()
        d.submit(event(), ["h"])
    assert outcomes.statuses("h") == ["delivered", "failed"]
    assert srv.count() == 1


def test_names_include_builtin_desktop() -> None:
    d = Dispatcher({"a": hook("https://example.invalid/x"), "b": hook("https://example.invalid/y")})
    assert d.names == ["a", "b", "desktop"]


def test_outcome_callback_errors_do_not_kill_the_worker() -> None:
    seen: list[str] = []

    def flaky(outcome) -> None:
        seen.append(outcome.status)
        if len(seen) == 1:
            raise RuntimeError("callback bug")

    with HookServer() as srv:
        d = Dispatcher({"h": hook(srv.url)}, on_outcome=flaky)
        d.start()
        d.submit(event(key=(("n", "1"),)), ["h"])
        assert wait_for(lambda: len(seen) == 1)
        d.submit(event(key=(("n", "2"),)), ["h"])
        assert wait_for(lambda: len(seen) == 2)
        d.stop()
    assert seen == ["delivered", "delivered"]
