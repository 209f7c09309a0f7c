"""Alert lifecycle in timeline form: firing, resolve, acknowledge, silence."""

from __future__ import annotations

from logwatch_tui.core.alerts import AlertBook
from logwatch_tui.core.record import AlertEvent


def ev(status: str, at: float, key=(("ip", "10.0.0.1"),), rule="r", count=3) -> AlertEvent:
    return AlertEvent(
        rule=rule,
        name="R",
        status=status,
        severity="error",
        at=at,
        count=count,
        key=key,
        samples=("boom",),
        source="a.log",
        window=60.0,
    )


def test_firing_then_resolved_updates_one_item() -> None:
    book = AlertBook()
    fired = book.apply(ev("firing", 100))
    assert fired is not None and fired.firing
    assert book.firing_count == 1
    resolved = book.apply(ev("resolved", 160, count=2))
    assert resolved is fired
    assert not fired.firing and fired.resolved_at == 160
    assert book.firing_count == 0
    assert len(book) == 1


def test_newest_first() -> None:
    book = AlertBook()
    book.apply(ev("firing", 100, key=(("ip", "a"),)))
    book.apply(ev("firing", 200, key=(("ip", "b"),)))
    assert [it.key_text for it in book] == ["ip=b", "ip=a"]


def test_acknowledged_alert_is_not_notified_again_until_it_resolves() -> None:
    book = AlertBook()
    item = book.apply(ev("firing", 100))
    assert book.acknowledge(item.uid) is item
    # at t=150 a repeat firing (absence re-fire) of the same rule+key: recorded, not notified
    assert book.should_notify(ev("firing", 150), now=150) is False
    assert book.apply(ev("firing", 150, count=4)) is item
    assert item.count == 4
    # the resolve is still notified, and after it a new firing is notified again
    assert book.should_notify(ev("resolved", 200), now=200) is True
    book.apply(ev("resolved", 200))
    assert book.should_notify(ev("firing", 300), now=300) is True
    assert book.acknowledge(item.uid) is None  # resolved items cannot be acknowledged


def test_silence_rule_or_rule_and_key_until_it_expires() -> None:
    book = AlertBook()
    a, b = (("ip", "a"),), (("ip", "b"),)
    book.silence("r", a, until=1000)
    assert not book.should_notify(ev("firing", 100, key=a), now=100)
    assert book.should_notify(ev("firing", 100, key=b), now=100)
    item = book.apply(ev("firing", 100, key=a), now=100)
    assert item.silenced  # recorded, marked
    book.silence("r", None, until=2000)
    assert not book.should_notify(ev("firing", 100, key=b), now=100)
    assert book.should_notify(ev("firing", 100, rule="other"), now=100)
    # time left is shown; expiry lifts it
    assert "left" in book.silences[0].describe(now=100)
    assert len(book.active_silences(now=1500)) == 1
    assert book.should_notify(ev("firing", 1600, key=a), now=2500)
    assert book.active_silences(now=2500) == []


def test_lift_silence() -> None:
    book = AlertBook()
    book.silence("r", None, until=1000)
    assert book.lift_silence("r", None)
    assert book.should_notify(ev("firing", 100), now=100)
    assert not book.lift_silence("r", None)


def test_earlier_run_items_never_swallow_new_firings() -> None:
    book = AlertBook()
    old = book.apply(ev("firing", 100), earlier_session=True)
    assert not old.firing  # unknown whether it still fires: shown as history
    assert book.firing_count == 0
    new = book.apply(ev("firing", 5000))
    assert new is not old and new.firing
    assert book.firing_count == 1
    book.apply(ev("resolved", 5100))
    assert not new.firing and old.resolved_at is None


def test_instant_conditions_do_not_stay_open() -> None:
    book = AlertBook()
    item = book.apply(ev("firing", 100, key=(("pattern", "disk <*> failed"),)), instant=True)
    assert not item.firing and item.resolved_at == 100
    assert book.firing_count == 0
