"""High-cardinality group_by: per-rule key state is bounded (issue 12).

Before: a rule grouping by a field with 500k distinct values kept every key
(the TUI reached 1.23 GB). Now each rule holds at most MAX_KEYS keys, the
least recently seen idle key goes first, and the rule says so once.
"""

from __future__ import annotations

import gc
import os

import pytest

from logwatch_tui.core.conditions.base import FIRING_SLACK, MAX_KEYS
from logwatch_tui.core.engine import RuleEngine
from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import LineBatch
from logwatch_tui.core.rules import Rule


def keyed_batch(start: int, n: int, t0: float) -> LineBatch:
    msgs = [
        f"login failed from 10.{(k >> 16) & 255}.{(k >> 8) & 255}.{k & 255}"
        for k in range(start, start + n)
    ]
    return LineBatch(
        source="/var/log/auth.log",
        format="test",
        first_line=start + 1,
        lines=msgs,
        ts=[t0 + (start + i) * 0.001 for i in range(n)],
        levels=[int(Level.WARNING)] * n,
        messages=msgs,
        heads=[True] * n,
    )


RULES = {
    "threshold": dict(threshold=3),
    "spike": dict(options={"factor": 3}),
    "absence": dict(window=3600.0),
}


def _engine(condition: str) -> RuleEngine:
    return RuleEngine(
        [
            Rule(
                id="by-ip",
                name="By IP",
                match=r"from (?P<ip>\S+)",
                group_by=("ip",),
                condition=condition,
                **RULES[condition],
            )
        ]
    )


def _feed(engine: RuleEngine, keys: int, batch: int = 20_000) -> None:
    for start in range(0, keys, batch):
        engine.feed(keyed_batch(start, min(batch, keys - start), 1_700_000_000.0))


def _rss() -> int:
    """Resident set size now (bytes): what the user sees the process hold."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


@pytest.mark.parametrize("condition", sorted(RULES))
def test_150k_distinct_keys_stay_bounded(condition: str) -> None:
    engine = _engine(condition)
    _feed(engine, 30_000)  # past the cap already
    gc.collect()
    at_cap = _rss()
    for start in range(30_000, 150_000, 20_000):
        engine.feed(keyed_batch(start, 20_000, 1_700_000_000.0))
    gc.collect()
    after = _rss()
    runner = engine._runners[0]
    assert len(runner.keys) <= MAX_KEYS
    # Five times the keys, the same memory (without the cap: ~300 MB more here).
    assert after - at_cap < 25_000_000, f"grew {(after - at_cap) / 1e6:.1f} MB"
    notices = engine.take_notices()
    assert [(n.rule, n.kind) for n in notices] == [("by-ip", "key-cap")]
    assert "10,000 distinct values of ip" in notices[0].message


def test_the_least_recently_seen_key_goes_first_and_firing_keys_stay() -> None:
    engine = RuleEngine(
        [Rule(id="r", name="R", match=r"from (?P<ip>\S+)", group_by=("ip",), threshold=2)]
    )
    runner = engine._runners[0]
    runner.max_keys = 3

    def line(t: float, ip: str) -> LineBatch:
        msg = f"x from {ip}"
        return LineBatch("/l", "t", 1, [msg], [t], [3], [msg], [True])

    assert engine.feed(line(1, "a")) == []
    events = engine.feed(line(2, "a"))  # a fires
    assert [e.status for e in events] == ["firing"]
    for t, ip in [(3, "b"), (4, "c"), (5, "d")]:
        engine.feed(line(t, ip))
    assert [dict(k)["ip"] for k in runner.keys] == ["a", "c", "d"]  # b (idle, oldest) went
    assert [n.kind for n in engine.take_notices()] == ["key-cap"]


def _one_per_key_engine(max_keys: int | None = None) -> RuleEngine:
    engine = RuleEngine(
        [
            Rule(
                id="each",
                name="Each",
                match=r"from (?P<ip>\S+)",
                group_by=("ip",),
                threshold=1,
                window=60.0,
            )
        ]
    )
    if max_keys is not None:
        engine._runners[0].max_keys = max_keys
    return engine


def test_keys_that_all_fire_are_not_lost_at_the_cap() -> None:
    """One alert per line (threshold 1, a key per line) within one window: every key
    fires, even past the cap — forgetting a firing key would lose its resolution,
    and dropping new ones would lose alerts without a word."""
    engine = _one_per_key_engine()
    events = engine.feed(keyed_batch(0, MAX_KEYS + 5_000, 1_700_000_000.0))
    assert sum(e.status == "firing" for e in events) == MAX_KEYS + 5_000


def test_past_the_firing_slack_new_keys_are_dropped_and_said_so() -> None:
    engine = _one_per_key_engine(max_keys=3)
    events = engine.feed(keyed_batch(0, 40, 1_700_000_000.0))
    fired = sum(e.status == "firing" for e in events)
    assert fired == 3 * FIRING_SLACK
    kinds = [n.kind for n in engine.take_notices()]
    assert kinds == ["key-cap", "key-drop"]
