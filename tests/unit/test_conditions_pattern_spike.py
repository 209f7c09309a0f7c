"""The ``new_pattern`` and ``spike`` conditions, written as timelines: "at t=..., expect ...".

Batches are real LineBatch objects built by hand; the spike bookkeeping is
also checked against a naive reference that recounts everything from scratch
at every step (the documented semantics, bucketed baseline edge included).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import pytest

from logwatch_tui.core.engine import RuleEngine
from logwatch_tui.core.levels import Level
from logwatch_tui.core.record import AlertEvent, LineBatch
from logwatch_tui.core.rules import Rule

E, W, INF = Level.ERROR, Level.WARNING, Level.INFO

Line = tuple[float, int, str]


def batch(lines: Sequence[Line], source: str = "/var/log/app.log") -> LineBatch:
    return LineBatch(
        source=source,
        format="test",
        first_line=1,
        lines=[f"{Level(lvl).name} {msg}" for _, lvl, msg in lines],
        ts=[float(t) for t, _, _ in lines],
        levels=[int(lvl) for _, lvl, _ in lines],
        messages=[msg for _, _, msg in lines],
        heads=[True] * len(lines),
    )


def brief(events: list[AlertEvent]) -> list[tuple]:
    return [(e.status, e.at, e.count, e.key) for e in events]


def pattern_rule(**kw: object) -> Rule:
    kw.setdefault("id", "np")
    kw.setdefault("name", "New")
    return Rule(condition="new_pattern", **kw)  # type: ignore[arg-type]


def spike_rule(**kw: object) -> Rule:
    kw.setdefault("id", "sp")
    kw.setdefault("name", "Spike")
    return Rule(condition="spike", **kw)  # type: ignore[arg-type]


def kind(i: int) -> str:
    """Message of kind ``i``: kinds differ in length, so no two ever merge."""
    return "event " + "step " * i + f"done in {i * 7 + 3} ms"


# -- new_pattern ------------------------------------------------------------------------------

LOGIN = "user alice logged in from 10.0.0.{}"
DISK = "disk /var is {}% full"


def test_new_pattern_learns_then_fires_once_per_new_kind() -> None:
    eng = RuleEngine([pattern_rule(options={"learn": 60}, cooldown=0.0)])
    learning = [(0, INF, LOGIN.format(1)), (10, INF, DISK.format(50)), (30, INF, LOGIN.format(2))]
    assert eng.feed(batch(learning)) == []  # t=0..30: learning (start 0, ends at 60)
    assert eng.feed(batch([(59.9, E, "cache warmup finished")])) == []  # new, but still learning
    ev = eng.feed(batch([(60, E, "worker 7 crashed with signal 11")]))  # t=60: learning over
    assert brief(ev) == [("firing", 60.0, 1, (("pattern", "worker <*> crashed with signal <*>"),))]
    assert ev[0].samples == ("worker 7 crashed with signal 11",)
    assert ev[0].summary == "New: new message pattern (pattern=worker <*> crashed with signal <*>)"
    # Known kinds never fire: seen while learning, seen just now, other values of the same kind.
    assert eng.feed(batch([(61, INF, LOGIN.format(99)), (62, INF, DISK.format(97))])) == []
    assert eng.feed(batch([(63, E, "cache warmup finished")])) == []
    assert eng.feed(batch([(64, E, "worker 12 crashed with signal 9")])) == []
    ev = eng.feed(batch([(65, W, "retrying upload of report.pdf")]))
    assert [e.key for e in ev] == [(("pattern", "retrying upload of report.pdf"),)]
    assert eng.fired_counts == {"np": 2}
    assert eng.active() == []  # nothing ongoing: it never resolves
    assert eng.advance(10_000) == []


def test_new_pattern_learning_counts_from_first_record_default_10m() -> None:
    eng = RuleEngine([pattern_rule(cooldown=0.0)])
    assert eng.feed(batch([(1000, INF, "service started")])) == []  # start at t=1000
    assert eng.feed(batch([(1599, INF, "first kind after start")])) == []  # 599 s in: learning
    ev = eng.feed(batch([(1600, INF, "second kind after start")]))
    assert [e.at for e in ev] == [1600.0]


def test_new_pattern_word_variants_merge_into_the_known_kind() -> None:
    """A third user name makes "user <*> logged in": an older kind, so nothing fires."""
    eng = RuleEngine([pattern_rule(options={"learn": 10}, cooldown=0.0)])
    eng.feed(batch([(0, INF, "user alice logged out"), (1, INF, "user bob logged out")]))
    assert eng.feed(batch([(20, INF, "user carol logged out")])) == []
    assert eng.feed(batch([(21, INF, "user dave logged out")])) == []


def test_new_pattern_limited_by_level_and_match() -> None:
    eng = RuleEngine(
        [
            pattern_rule(id="err", name="err", level=E, options={"learn": 10}, cooldown=0.0),
            pattern_rule(id="db", name="db", match=r"\bdb\b", options={"learn": 10}, cooldown=0.0),
        ]
    )
    assert eng.feed(batch([(0, INF, "db pool ready"), (1, INF, "timeout talking to cache")])) == []
    ev = eng.feed(
        batch(
            [
                (20, INF, "brand new info kind"),  # neither rule: not an error, no "db"
                (21, E, "timeout talking to cache"),  # err: seen only at INFO, new among errors
                (22, INF, "db replica 3 lagging"),  # db: new kind with "db"
                (23, E, "db pool ready"),  # err: new among errors; db: seen while learning
            ]
        )
    )
    assert [(e.rule, e.at) for e in ev] == [("err", 21.0), ("db", 22.0), ("err", 23.0)]


def test_new_pattern_cooldown_collapses_a_flood() -> None:
    """50 new kinds at once: one alert at once, one alert with the other 49 after the cooldown."""
    eng = RuleEngine([pattern_rule(options={"learn": 10}, cooldown=60.0)])
    eng.feed(batch([(0, INF, "boot")]))
    flood = [(20 + i * 0.1, E, kind(i)) for i in range(50)]
    ev = eng.feed(batch(flood))
    assert brief(ev) == [("firing", 20.0, 1, (("pattern", "event done in <*>"),))]
    assert eng.feed(batch([(79.9, INF, "boot")])) == []  # a known kind; cooldown runs to 80
    ev = eng.advance(80)
    assert [(e.status, e.at, e.count) for e in ev] == [("firing", 80.0, 49)]
    assert ev[0].key == (("pattern", "event step done in <*>"),)  # the first held-back kind
    assert ev[0].samples == tuple(kind(i) for i in range(1, 6))
    assert ev[0].summary == "New: 49 new message patterns (pattern=event step done in <*>)"
    # The held-back report started a new cooldown: a kind at t=100 waits until 140.
    assert eng.feed(batch([(100, E, "something else entirely")])) == []
    assert eng.advance(139.9) == []
    assert brief(eng.advance(500)) == [
        ("firing", 140.0, 1, (("pattern", "something else entirely"),))
    ]
    assert eng.fired_counts == {"np": 3}
    # After a quiet cooldown a new kind fires at once again.
    assert [e.at for e in eng.feed(batch([(600, E, "yet another kind")]))] == [600.0]


def test_new_pattern_group_by_adds_pairs_after_the_pattern() -> None:
    eng = RuleEngine(
        [
            pattern_rule(
                match=r"^\[(?P<svc>\w+)\]", group_by=("svc",), options={"learn": 0}, cooldown=0
            )
        ]
    )
    ev = eng.feed(batch([(0, E, "[api] started"), (1, E, "[web] started"), (2, E, "[web] oops")]))
    assert [e.key for e in ev] == [
        (("pattern", "[api] started"), ("svc", "api")),
        (("pattern", "[web] started"), ("svc", "web")),
        (("pattern", "[web] oops"), ("svc", "web")),
    ]


def test_new_pattern_hostile_messages_do_not_crash() -> None:
    eng = RuleEngine([pattern_rule(options={"learn": 0}, cooldown=0)])
    msgs = ["x" * 1_000_000, "[bold]x[/] \x00 \x1b[31mred", "", "\udcff bad utf8 \ufffd"]
    ev = eng.feed(batch([(i, E, m) for i, m in enumerate(msgs)]))
    assert len(ev) == 4
    assert all(len(s) <= 1000 for e in ev for s in e.samples)


# -- spike --------------------------------------------------------------------------------------
# window 10 s, baseline 100 s (buckets of 1 s), factor 3 unless said otherwise.


def req(t: float, host: str = "a") -> Line:
    return (t, INF, f"GET /api from {host}")


def test_spike_fires_on_burst_over_steady_baseline_and_resolves_below_threshold() -> None:
    eng = RuleEngine([spike_rule(match="GET", window=10.0, options={"baseline": 100}, threshold=5)])
    background = [req(t) for t in range(0, 200, 10)]  # 0, 10, ..., 190: 0.1/s
    assert eng.feed(batch(background)) == []
    # t=205: window (195, 205] is empty of background; baseline (95, 195] holds 100..190 = 10.
    # High when n * 100 > 3 * 10 * 10, i.e. n >= 4, and n >= threshold 5.
    assert eng.feed(batch([req(205), req(205.5), req(206), req(206.5)])) == []
    ev = eng.feed(batch([req(207)]))
    assert brief(ev) == [("firing", 207.0, 5, ())]
    assert ev[0].summary == "Spike: 5 in 10s, over 3× the baseline rate"
    assert [e.count for e in eng.active()] == [5]
    assert eng.advance(214.9) == []
    # t=215: the record at 205 leaves the window: 4 < threshold.
    assert brief(eng.advance(300)) == [("resolved", 215.0, 4, ())]
    assert eng.active() == []


def test_spike_not_before_a_full_baseline_has_been_seen() -> None:
    eng = RuleEngine([spike_rule(match="GET", window=10.0, options={"baseline": 100}, threshold=5)])
    eng.feed(batch([(0, INF, "starting up")]))  # start t=0: ready at 0 + 10 + 100 = 110
    burst = [req(100 + i * 0.5) for i in range(20)]  # 100 .. 109.5: high, but not ready
    assert eng.feed(batch(burst)) == []
    assert eng.advance(110) == []  # readiness alone fires nothing: a record must come
    ev = eng.feed(batch([req(110.2)]))
    assert brief(ev) == [("firing", 110.2, 20, ())]  # (100.2, 110.2] holds 100.5 .. 110.2


def test_spike_threshold_minimum_after_silence() -> None:
    """An empty baseline counts as one record: any burst is a spike, if it has threshold records."""
    eng = RuleEngine([spike_rule(match="GET", window=10.0, options={"baseline": 100}, threshold=5)])
    eng.feed(batch([(0, INF, "starting up")]))
    assert eng.feed(batch([req(120), req(121), req(122), req(123)])) == []
    assert brief(eng.feed(batch([req(124)]))) == [("firing", 124.0, 5, ())]


def test_spike_default_threshold_is_ten_from_toml() -> None:
    from logwatch_tui.core.rules import rule_from_dict

    r = rule_from_dict({"name": "Spike", "condition": "spike", "match": "GET", "baseline": "100s"})
    assert r.threshold == 10
    eng = RuleEngine([r])
    eng.feed(batch([(0, INF, "starting up")]))
    assert eng.feed(batch([req(200 + i) for i in range(9)])) == []
    assert brief(eng.feed(batch([req(209)]))) == [("firing", 209.0, 10, ())]


def test_spike_resolves_when_the_baseline_catches_up() -> None:
    """A new steady rate: high at first, normal once the baseline has seen enough of it."""
    eng = RuleEngine(
        [
            spike_rule(
                match="GET",
                window=10.0,
                options={"baseline": 100, "factor": 2},
                threshold=1,
                cooldown=1000.0,
            )
        ]
    )
    eng.feed(batch([(0, INF, "starting up")]))
    ev = eng.feed(batch([req(t) for t in range(120, 301)]))  # one a second from t=120
    # At an expiry t (before the record at t): n = 9, b = t - 129 (records 120 .. t-10).
    # High while 9 * 100 > 2 * b * 10, i.e. b < 45: it falls back at t = 174.
    assert brief(ev) == [("firing", 120.0, 1, ()), ("resolved", 174.0, 9, ())]


def test_spike_group_by_keys_are_independent() -> None:
    eng = RuleEngine(
        [
            spike_rule(
                match=r"from (?P<host>\w+)",
                group_by=("host",),
                window=10.0,
                options={"baseline": 100},
                threshold=5,
                cooldown=0.0,
            )
        ]
    )
    steady = [req(t, "a") for t in range(0, 300)]  # host a: 1/s all along, never a spike
    burst_b = [req(150 + i * 0.1, "b") for i in range(10)]  # host b: silent, then 10 in 1 s
    lines = sorted(steady + burst_b, key=lambda x: x[0])
    ev = eng.feed(batch(lines))
    b = (("host", "b"),)
    # b fires at its 5th record; at 160.5 the record at 150.5 leaves: 4 < threshold.
    assert brief(ev) == [("firing", 150.4, 5, b), ("resolved", 160.5, 4, b)]
    assert ev[0].summary == "Spike: 5 in 10s, over 3× the baseline rate (host=b)"
    # Now host a bursts (30 more in 1 s); b is quiet and stays resolved.
    ev = eng.feed(batch([req(300 + i / 30, "a") for i in range(30)]))
    assert [(e.status, e.key) for e in ev] == [("firing", (("host", "a"),))]


def test_spike_cooldown_blocks_refire_per_key() -> None:
    eng = RuleEngine(
        [
            spike_rule(
                match="GET", window=10.0, options={"baseline": 100}, threshold=3, cooldown=60.0
            )
        ]
    )
    eng.feed(batch([(0, INF, "starting up")]))
    ev = eng.feed(batch([req(200), req(200.1), req(200.2)]))
    ev += eng.feed(batch([req(240), req(240.1), req(240.2)]))  # high again, within cooldown
    ev += eng.feed(batch([req(270), req(270.1), req(270.2)]))  # 70 s after: fires
    assert [(e.status, e.at) for e in ev] == [
        ("firing", 200.2),
        ("resolved", 210.0),
        ("firing", 270.2),
    ]


# -- reference model and batching ----------------------------------------------------------------


def reference_spike(
    times: list[float], start: float, w: float, base: float, factor: float, thr: int, cool: float
) -> list[tuple[str, float, int]]:
    """The documented spike semantics for one key, recounting everything at every step.

    A matching record at t may fire; while firing, every moment a record
    leaves the window (r + w) is checked, before records at that moment count.
    """
    g = w / 10
    added: list[float] = []
    out: list[tuple[str, float, int]] = []
    firing = False
    last: float | None = None
    since = -math.inf  # time of the last firing or check

    def counts(t: float) -> tuple[int, int]:
        n = sum(1 for r in added if r + w > t)
        b = sum(1 for r in added if r + w <= t and (math.floor(r / g) + 1) * g > t - w - base)
        return n, b

    def high(n: int, b: int) -> bool:
        return n >= thr and n * base > factor * max(b, 1) * w

    def checks(upto: float) -> None:
        nonlocal firing, since
        while firing:
            due = sorted({r + w for r in added if since < r + w <= upto})
            if not due:
                return
            since = due[0]
            n, b = counts(since)
            if not high(n, b):
                firing = False
                out.append(("resolved", since, n))

    for t in times:
        checks(t)
        added.append(t)
        n, b = counts(t)
        ready = t >= start + w + base and (last is None or t - last >= cool)
        if not firing and ready and high(n, b):
            firing = True
            last = since = t
            out.append(("firing", t, n))
    checks(times[-1])
    return out


@pytest.mark.parametrize("seed", range(6))
def test_spike_matches_reference_model(seed: int) -> None:
    rnd = random.Random(seed)
    times: list[float] = []
    t = 0.0
    while t < 600:
        burst = rnd.random() < 0.04
        t += rnd.choice([0.05, 0.1, 0.3]) if burst else rnd.choice([1.0, 2.5, 4.0, 7.0])
        times.append(round(t, 2))
        if burst:
            for _ in range(rnd.randint(5, 25)):
                t += rnd.choice([0.05, 0.1, 0.2])
                times.append(round(t, 2))
    params = {"w": 10.0, "base": 60.0, "factor": 3.0, "thr": 4, "cool": rnd.choice([0.0, 20.0])}
    eng = RuleEngine(
        [
            spike_rule(
                match="GET",
                window=params["w"],
                options={"baseline": params["base"], "factor": params["factor"]},
                threshold=params["thr"],
                cooldown=params["cool"],
            )
        ]
    )
    got = eng.feed(batch([req(x) for x in times]))
    want = reference_spike(times, times[0], **params)  # type: ignore[arg-type]
    assert [(e.status, e.at, e.count) for e in got] == want
    assert any(s == "firing" for s, _, _ in want)


def _workload(seed: int) -> list[Line]:
    rnd = random.Random(seed)
    out: list[Line] = []
    t = 0.0
    for n in range(600):
        t += rnd.choice([0.0, 0.05, 0.2, 1.0, 3.0, 6.0]) if n % 97 > 8 else 0.05
        host = rnd.choice("ab") if n < 300 else rnd.choice("abc")
        r = rnd.random()
        if 400 <= n < 410:
            msg = kind(n - 380)  # a flood of new kinds: some are held back by the cooldown
        elif r < 0.6:
            msg = f"GET /api/{rnd.randint(1, 999)} from {host}"
        elif r < 0.8:
            msg = kind(rnd.randint(0, 3 + n // 40))  # new kinds keep turning up
        else:
            msg = rnd.choice(
                ["user alice logged out", "user bob logged out", "user carl logged out"]
            )
        out.append((t - rnd.choice([0, 0, 0, 2]), rnd.choice([INF, W, E]), msg))
    return out


def _rules() -> list[Rule]:
    return [
        spike_rule(
            match=r"from (?P<host>\w+)",
            group_by=("host",),
            window=5.0,
            options={"baseline": 30, "factor": 2.5},
            threshold=4,
            cooldown=3.0,
        ),
        pattern_rule(options={"learn": 60}, cooldown=20.0),
        pattern_rule(id="np-err", name="np-err", level=E, options={"learn": 0}, cooldown=0.0),
    ]


def _run(lines: list[Line], cuts: list[int]) -> list[AlertEvent]:
    eng = RuleEngine(_rules())
    out: list[AlertEvent] = []
    bounds = [0, *cuts, len(lines)]
    for a, b in zip(bounds, bounds[1:]):
        if b > a:
            out.extend(eng.feed(batch(lines[a:b])))
    out.extend(eng.finish())
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_batch_splits_do_not_change_events(seed: int) -> None:
    lines = _workload(seed)
    whole = _run(lines, [])
    fired = {(e.rule, e.status) for e in whole}
    assert {("sp", "firing"), ("sp", "resolved"), ("np", "firing"), ("np-err", "firing")} <= fired
    assert any(e.rule == "np" and e.count > 1 for e in whole)  # a held-back report
    rnd = random.Random(seed)
    for _ in range(25):
        cuts = sorted(rnd.sample(range(1, len(lines)), rnd.randint(1, 40)))
        assert _run(lines, cuts) == whole, f"splits at {cuts}"
    assert _run(lines, list(range(1, len(lines)))) == whole  # one line per batch
    ats = [e.at for e in whole]
    assert ats == sorted(ats)


def test_spike_stale_keys_are_dropped() -> None:
    eng = RuleEngine(
        [
            spike_rule(
                match=r"from (?P<host>\S+)",
                group_by=("host",),
                window=10.0,
                options={"baseline": 20},
                cooldown=0.0,
            )
        ]
    )
    eng.feed(batch([req(i * 0.01, f"h{i}") for i in range(500)]))
    runner = eng._runners[0]
    assert len(runner.keys) == 500  # type: ignore[attr-defined]
    eng.advance(1000)
    assert len(runner.keys) == 0  # type: ignore[attr-defined]
