"""Acknowledge and silence from the alerts pane; history survives a restart."""

from __future__ import annotations

from pathlib import Path

from logwatch_tui.core.record import AlertEvent
from logwatch_tui.core.rules import rule_from_dict
from logwatch_tui.ui.app import LogwatchApp
from logwatch_tui.ui.screens.silence import SilenceScreen

from .helpers import append, py_line, wait_for, wait_loaded

CONN = rule_from_dict(
    {
        "name": "Connection Failed",
        "match": r"connection refused by (?P<ip>\S+)",
        "group_by": ["ip"],
        "threshold": 1,
        "window": "60s",
        "cooldown": "0s",
    }
)


def toasts(app: LogwatchApp, text: str) -> int:
    return sum(1 for n in app._notifications if text in n.title)


async def test_acknowledge_marks_the_alert(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(py_line("INFO", "start") + "\n")
    app = LogwatchApp([str(log)], rules=[CONN])
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_loaded(pilot, 1)
        append(log, py_line("ERROR", "connection refused by 10.0.0.1"))
        await wait_for(pilot, lambda: len(app.book) == 1)
        await wait_for(pilot, lambda: app.alerts_pane.option_count >= 1)
        app.alerts_pane.focus()
        app.alerts_pane.highlighted = 0
        await pilot.press("a")
        item = next(iter(app.book))
        assert item.acknowledged
        repeat = AlertEvent(
            rule=item.rule,
            name=item.name,
            status="firing",
            severity="warning",
            at=0,
            count=1,
            key=item.key,
        )
        assert not app.book.should_notify(repeat, now=0)
        await wait_for(pilot, lambda: "ack'd" in str(app.alerts_pane.get_option_at_index(0).prompt))


async def test_silenced_rule_records_but_does_not_toast_until_lifted(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(py_line("INFO", "start") + "\n")
    app = LogwatchApp([str(log)], rules=[CONN])
    async with app.run_test(size=(120, 30), notifications=True) as pilot:
        await wait_loaded(pilot, 1)
        append(log, py_line("ERROR", "connection refused by 10.0.0.1"))
        await wait_for(pilot, lambda: toasts(app, "Connection Failed") == 1)
        await wait_for(pilot, lambda: app.alerts_pane.option_count >= 1)
        app.alerts_pane.focus()
        app.alerts_pane.highlighted = 0
        await pilot.press("S")
        await wait_for(pilot, lambda: isinstance(app.screen, SilenceScreen))
        # options: per key first (ip=10.0.0.1) x4 durations, then whole rule x4; pick "whole rule, 15 min"
        for _ in range(4):
            await pilot.press("down")
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, SilenceScreen))
        assert len(app.book.silences) == 1 and app.book.silences[0].key is None
        append(log, py_line("ERROR", "connection refused by 10.0.0.2"))
        await wait_for(pilot, lambda: len(app.book) == 2)
        newest = next(iter(app.book))
        assert newest.silenced
        # the silence is listed with its time left, and lifted from that line
        await wait_for(pilot, lambda: "left" in str(app.alerts_pane.get_option_at_index(0).prompt))
        # the pane has drawn the silenced alert: its toast, had there been one, came first
        await wait_for(pilot, lambda: app.alerts_pane.option_count >= 3)
        assert toasts(app, "Connection Failed") == 1  # no toast for the silenced one
        first = str(app.alerts_pane.get_option_at_index(0).prompt)
        assert (
            "Connection Failed" in first and "left" in first and ("14m" in first or "15m" in first)
        )
        app.alerts_pane.focus()
        app.alerts_pane.highlighted = 0
        await pilot.press("u")
        assert app.book.silences == []
        append(log, py_line("ERROR", "connection refused by 10.0.0.3"))
        await wait_for(pilot, lambda: toasts(app, "Connection Failed") == 2)


async def test_alert_history_survives_restart(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text(py_line("INFO", "start") + "\n")
    app = LogwatchApp([str(log)], rules=[CONN])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot, 1)
        await wait_for(pilot, lambda: app.alerting.history is not None)
        append(log, py_line("ERROR", "connection refused by 10.9.9.9"))
        await wait_for(pilot, lambda: len(app.book) == 1)
        await wait_for(pilot, lambda: app.alerting.history.count() >= 1)
    again = LogwatchApp([str(tmp_path / "other.log")], rules=[CONN])
    (tmp_path / "other.log").write_text("")
    async with again.run_test(size=(120, 30)) as pilot:
        await wait_for(pilot, lambda: len(again.book) >= 1)
        item = next(iter(again.book))
        assert item.earlier_session
        assert item.key_text == "ip=10.9.9.9"


async def test_alerts_found_in_existing_content_are_recorded_once_over_restarts(
    tmp_path: Path,
) -> None:
    """Each start replays the file and finds the same alerts in it: the history holds
    them once (they were recorded again on every restart)."""
    log = tmp_path / "app.log"
    log.write_text(
        "\n".join(
            [py_line("INFO", "start")]
            + [py_line("ERROR", f"connection refused by 10.0.0.{i}") for i in (1, 2)]
        )
        + "\n"
    )
    counts = []
    for _ in range(3):
        app = LogwatchApp([str(log)], rules=[CONN])
        async with app.run_test(size=(120, 30)) as pilot:
            await wait_loaded(pilot, 3)
            await wait_for(pilot, lambda a=app: a.alerting.history is not None)
            hist = app.alerting.history
            await wait_for(pilot, lambda h=hist: h.count() >= 2)  # the writer has caught up
            assert app.alerting.router.writer.wait_idle(10)
            counts.append(hist.count())
    assert counts == [2, 2, 2]
